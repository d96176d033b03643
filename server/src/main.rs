//! The `sluice-server` binary: redis-server's command line, then serve until a
//! signal or SHUTDOWN.

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
    let level = match config.get("loglevel") {
        "debug" => "debug",
        "verbose" => "info",
        "warning" => "warn",
        "nothing" => "off",
        _ => "info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if !config.unknown.is_empty() {
        tracing::warn!(
            "ignoring directives Sluice does not implement: {}",
            config.unknown.join(", ")
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let server = match Server::builder().config(config).bind().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Could not create server TCP listening socket: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = server.local_addr();
        println!("Sluice ready to accept connections on {addr}");
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
    })
}
