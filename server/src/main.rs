//! The `sluice-server` binary: redis-server's command line (an optional
//! config file, then `--name value` pairs), then serve until SIGINT, SIGTERM
//! or SHUTDOWN, exiting 0.
//!
//! `--daemonize yes` starts a detached copy of the server (with the same
//! arguments and `--daemonize no`) and returns at once, so scripts written for
//! redis-server keep working; `--pidfile` records the serving process.
//! `--logfile` sends the log there instead of stderr. `--help` (or `-h`)
//! prints the usage and the directives from the parameter table, and exits.

use sluice_server::{Config, Server};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--help`/`--version` anywhere (an argument starting with `--` is always
    // a directive name, never a value); `-h`/`-v` only first, as
    // redis-server reads them, since later they could be a value.
    let flag = |long: &str, short: &str| {
        args.first().is_some_and(|a| a == short) || args.iter().any(|a| a == long)
    };
    if flag("--help", "-h") {
        // redis-server prints its usage on stderr and exits 1; a help request
        // that succeeded exits 0 here, on stdout, as command-line tools do.
        print!("{}", usage());
        return ExitCode::SUCCESS;
    }
    if flag("--version", "-v") {
        // redis-server's line, which test harnesses parse for `v=`.
        println!("{}", sluice_server::commands::server::version_line());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("*** FATAL CONFIG FILE ERROR ***\n{e}");
            return ExitCode::FAILURE;
        }
    };
    if config.get("daemonize") == "yes" {
        return daemonize(&args);
    }
    let dir = config.get("dir");
    if !dir.is_empty() {
        // As redis-server does: relative paths (logfile, pidfile) follow `dir`.
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Can't chdir to '{dir}': {e}");
            return ExitCode::FAILURE;
        }
    }
    init_logging(&config);
    if !config.unknown.is_empty() {
        tracing::warn!(
            "ignoring directives Sluice does not implement: {}",
            config.unknown.join(", ")
        );
    }
    let pidfile = config.get("pidfile").to_string();
    if !pidfile.is_empty() {
        if let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id())) {
            tracing::warn!("failed to write pidfile {pidfile}: {e}");
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = rt.block_on(async move {
        let server = match Server::builder().config(config).bind().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Could not create server TCP listening socket: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = server.local_addr();
        // On stdout, whatever the log destination: with `--port 0` this is
        // how the caller learns the port.
        println!("Sluice ready to accept connections on {addr}");
        tracing::info!("Ready to accept connections tcp on {addr}");
        let shared = server.shared().clone();
        let signals = tokio::spawn({
            let shared = shared.clone();
            async move {
                use tokio::signal::unix::{signal, SignalKind};
                let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                tracing::info!("received shutdown signal");
                shared.shutdown.cancel();
            }
        });
        server.run().await;
        signals.abort();
        tracing::info!("Sluice is now ready to exit, bye bye...");
        ExitCode::SUCCESS
    });
    if !pidfile.is_empty() {
        let _ = std::fs::remove_file(&pidfile);
    }
    code
}

/// The `--help` text; the directive list comes from the parameter table, so
/// it always names what the server accepts.
fn usage() -> String {
    let mut out = String::from(
        "Usage: sluice-server [/path/to/sluice.conf] [--directive value ...]
       sluice-server -v or --version
       sluice-server -h or --help

Sluice is a Redis-compatible stream server. Its command line is redis-server's:
an optional configuration file in redis.conf syntax (one `directive value`
per line, # comments, quoted values), then `--directive value` pairs, which
override the file. A directive may take several words (`--bind 127.0.0.1 ::1`,
`--save 900 1`). Directives Sluice does not know are named in a warning at
startup and otherwise ignored. The server runs until SIGINT, SIGTERM or
SHUTDOWN, and prints `Sluice ready to accept connections on ADDR` on stdout
once it listens.

Examples:
       sluice-server                     (127.0.0.1:6379, default settings)
       sluice-server --port 7777
       sluice-server --port 0            (any free port; see the ready line)
       sluice-server /etc/sluice.conf --loglevel verbose
       sluice-server --bind 0.0.0.0 --requirepass secret --maxclients 500
       sluice-server --daemonize yes --pidfile /run/sluice.pid --logfile sluice.log

Directives (also CONFIG GET / CONFIG SET names) and their defaults:
",
    );
    out.push_str(&sluice_server::config::directives_help());
    out
}

fn init_logging(config: &Config) {
    let level = match config.get("loglevel") {
        "debug" => "debug",
        "verbose" => "info",
        "warning" => "warn",
        _ => "info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let logfile = config.get("logfile");
    let file = (!logfile.is_empty()).then(|| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logfile)
    });
    match file {
        Some(Ok(f)) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(f))
            .init(),
        other => {
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .init();
            if let Some(Err(e)) = other {
                tracing::warn!("can't open the log file {logfile}: {e}; logging to stderr");
            }
        }
    }
}

/// Starts a detached copy of this server with `--daemonize no` and returns.
fn daemonize(args: &[String]) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("can't daemonize: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut child_args = args.to_vec();
    child_args.push("--daemonize".into());
    child_args.push("no".into());
    match std::process::Command::new(exe)
        .args(&child_args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("can't daemonize: {e}");
            ExitCode::FAILURE
        }
    }
}
