//! The `sluice-server` binary: redis-server's command line (an optional
//! config file, then `--name value` pairs), then serve until SIGINT, SIGTERM
//! or SHUTDOWN, exiting 0.
//!
//! `--daemonize yes` starts a detached copy of the server (with the same
//! arguments and `--daemonize no`) and returns at once, so scripts written for
//! redis-server keep working; `--pidfile` records the serving process.
//! `--logfile` sends the log there instead of stderr.

use sluice_server::{Config, Server};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!(
            "Sluice server v={} (Redis-compatible {})",
            env!("CARGO_PKG_VERSION"),
            sluice_server::commands::connection::REDIS_VERSION
        );
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
