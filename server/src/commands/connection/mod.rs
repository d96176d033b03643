//! The connection family: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET and
//! CLIENT with its subcommands. These commands read and change the calling
//! client's own state (protocol, database, name, authentication, reply
//! mode); CLIENT LIST and KILL also see the other clients through the
//! registry in [`crate::client`].
//!
//! One file per command; their COMMAND DOCS rows are in `spec.rs`.

mod auth;
mod client;
mod echo;
mod hello;
mod ping;
mod quit;
mod reset;
mod select;
mod spec;

pub use client::client_line;
pub use spec::COMMANDS;

use crate::error::{CmdResult, ServerError};

/// The Redis version Sluice reports (HELLO `version`, INFO `redis_version`,
/// `--version`): the one it answers as byte for byte, its differential
/// reference. Not a newer 8.x, though Sluice serves the 8.2-8.10 stream
/// additions: those releases also add commands in families Sluice serves
/// that it lacks (8.4's SET IFEQ/IFNE, DELEX, DIGEST, MSETEX on strings), and
/// clients gating on the version would call them. Clients find the newer stream commands through COMMAND
/// DOCS instead (docs/compatibility.md, "Version").
pub const REDIS_VERSION: &str = "8.0.2";

/// Whether a client-supplied name (CLIENT SETNAME, HELLO SETNAME, the CLIENT
/// SETINFO values) avoids spaces, newlines and other special characters:
/// only printable ASCII other than space, as Redis checks.
fn printable(name: &[u8]) -> bool {
    name.iter().all(|&c| (b'!'..=b'~').contains(&c))
}

/// Checks a client name as Redis does (no spaces, newlines or other special characters).
fn validate_client_name(name: &[u8]) -> CmdResult<()> {
    if !printable(name) {
        return Err(ServerError::BadClientName.into());
    }
    Ok(())
}
