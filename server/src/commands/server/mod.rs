//! The server family: INFO, CONFIG, DBSIZE, FLUSHDB/FLUSHALL, TIME,
//! LASTSAVE, SHUTDOWN, FUNCTION FLUSH, MEMORY and COMMAND. These commands
//! act on the server as a whole: its statistics, its parameters
//! ([`crate::config`]), every database at once, its lifecycle, and the
//! command table itself.
//!
//! One file per command (or container with its subcommands); their COMMAND
//! DOCS rows are in `spec.rs`.

mod command;
mod config;
mod dbsize;
mod flushdb;
mod function;
mod info;
mod lastsave;
mod memory;
mod shutdown;
mod spec;
mod time;

pub use info::{bytes_human, dataset_memory};
pub use spec::COMMANDS;

use crate::commands::connection::REDIS_VERSION;

/// The build's identity as a 64-bit number (`redis_build_id` in INFO,
/// `build=` in `--version`): FNV-1a of the Sluice and Redis versions it
/// reports, so two builds of one release agree and releases differ.
pub fn build_id() -> u64 {
    let text = format!(
        "sluice {} redis {}",
        env!("CARGO_PKG_VERSION"),
        REDIS_VERSION
    );
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What `sluice-server --version` prints, in redis-server's format
/// (`getVersion`), so scripts that read `v=` find the Redis version Sluice
/// answers as: `Redis server v=8.0.2 sha=00000000:0 malloc=libc bits=64
/// build=<hex>`. Sluice's own version is in `INFO server` (`sluice_version`).
pub fn version_line() -> String {
    format!(
        "Redis server v={REDIS_VERSION} sha=00000000:0 malloc=libc bits={} build={:x}",
        usize::BITS,
        build_id()
    )
}
