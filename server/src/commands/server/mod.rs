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
