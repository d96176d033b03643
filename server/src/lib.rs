//! Sluice: a Redis-protocol-compatible stream server.
//!
//! # Layout
//! - [`server`]: binding, the accept loop, client limit, graceful shutdown; the
//!   in-process entry point ([`Server::builder`]).
//! - [`connection`]: one client's read → decode → dispatch → encode → write loop,
//!   pipelining, MULTI queueing, blocking waits.
//! - [`protocol`]: RESP request decoding (bounded, incremental) and reply
//!   encoding for RESP2 and RESP3.
//! - [`commands`]: the command table and one file per command family; handlers
//!   parse fully, then act, and return a [`protocol::Reply`].
//! - [`keyspace`]: databases of keys, expiry, the gate for multi-key atomicity,
//!   and key events (WATCH, blocked clients).
//! - [`client`]: per-connection state and the registry CLIENT LIST reads.
//! - [`config`]: startup directives and runtime parameters (CONFIG GET/SET).
//! - [`clock`]: the one injectable clock.
//! - [`error`]: every error reply's exact text.
//! - [`stream`]: the stream log, its IDs, and consumer groups.
//! - [`num`]: numeric emulation below the commands (INCRBYFLOAT's x87 long
//!   double).

#![forbid(unsafe_code)]

pub mod client;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connection;
pub mod error;
pub mod keyspace;
pub mod num;
pub mod protocol;
pub mod server;
pub mod state;
pub mod stream;

pub use clock::Clock;
pub use config::Config;
pub use server::{Server, ServerHandle};
