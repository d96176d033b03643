//! The command table and dispatch.
//!
//! Every command is one [`Command`] row: name, arity (Redis's rule: negative
//! means "at least"), flags, key positions, documentation, and its handler.
//! Each family is a folder (`connection/`, `keys/`, `stream/`, ...) holding
//! one file per command (or tight group, such as XACK/XACKDEL/XNACK), named
//! after it, with the command's Redis syntax line on top; the family's rows
//! are data in its `spec.rs`, exported as `COMMANDS`. [`TABLE`] gathers them
//! once, at first use. Arity checks, unknown command errors, `COMMAND` and
//! the compatibility document all read this one table; [`docs`] holds the
//! row types (arguments, key specs) and the COMMAND INFO/DOCS replies.
//!
//! A handler parses its arguments completely before it changes anything, then
//! returns a [`Reply`]; it never touches the socket. Logic on a value (a
//! stream's trim, claim or lag) lives below, in the value's module
//! ([`crate::stream`], [`crate::keyspace`]); handlers call it.

pub mod connection;
pub mod docs;
pub mod keys;
pub mod server;
pub mod stream;
pub mod strings;
pub mod transactions;

use crate::client::Client;
use crate::error::{CmdResult, Error};
use crate::keyspace::Db;
use crate::protocol::Reply;
use crate::state::Shared;
use bytes::Bytes;
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// Command flags, as COMMAND INFO reports them.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MULTI: u32 = 1 << 14;
    pub const MOVABLE_KEYS: u32 = 1 << 15;
    pub const ALLOW_BUSY: u32 = 1 << 16;
    /// Sluice-internal: run with the keyspace gate held exclusively.
    pub const EXCLUSIVE: u32 = 1 << 30;

    /// Flag names in COMMAND INFO order (Redis 7.0's `addReplyCommandFlags`).
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        // may_replicate exists but Redis 7.0's COMMAND INFO hides it on purpose.
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// A command's own key finder (COMMAND GETKEYS): the keys in argv, each as
/// its position and its key-spec flags (`RW access update`).
pub type KeyFinder = fn(&[Bytes]) -> Vec<(usize, &'static str)>;

/// A command handler: arguments include the command name (and subcommand) at the front.
pub type Handler = fn(&mut Ctx<'_>, &[Bytes]) -> CmdResult<Reply>;

/// One row of the command table.
pub struct Command {
    /// Lowercase name (for a subcommand, the subcommand's own name: `get`).
    pub name: &'static str,
    /// Number of arguments including the name; negative means at least -arity.
    pub arity: i32,
    pub flags: u32,
    /// First key position, last key position (negative counts from the end), step.
    pub keys: (i32, i32, i32),
    /// Documentation group (`stream`, `string`, `generic`, `connection`, `server`, `transactions`).
    pub group: &'static str,
    /// Redis version that introduced it.
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    /// COMMAND DOCS `doc_flags` (`deprecated`, `syscmd`).
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: &'static str,
    pub replaced_by: &'static str,
    /// COMMAND DOCS `history`: (version, change).
    pub history: &'static [(&'static str, &'static str)],
    /// Command tips (`nondeterministic_output`, `request_policy:all_shards`, ...).
    pub tips: &'static [&'static str],
    /// ACL categories beyond those implied by the flags, without `@`
    /// (see [`docs::acl_categories`]).
    pub acl: &'static [&'static str],
    /// Key specifications, as COMMAND INFO reports them and COMMAND GETKEYS uses them.
    pub key_specs: &'static [docs::KeySpec],
    /// Argument documentation for COMMAND DOCS (and redis-cli's hints).
    pub args: &'static [docs::Arg],
    /// The command's own key finder, for COMMAND GETKEYS when the key specs
    /// cannot tell (Redis's `getkeys_proc`).
    pub getkeys: Option<KeyFinder>,
    /// None for a container whose work is done by its subcommands.
    pub handler: Option<Handler>,
    pub subcommands: &'static [Command],
}

impl Command {
    /// A row with empty documentation; families fill in what they have with struct update syntax.
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        keys: (i32, i32, i32),
        group: &'static str,
        handler: Handler,
    ) -> Command {
        Command {
            name,
            arity,
            flags,
            keys,
            group,
            since: "1.0.0",
            summary: "",
            complexity: "",
            doc_flags: &[],
            deprecated_since: "",
            replaced_by: "",
            history: &[],
            tips: &[],
            acl: &[],
            key_specs: &[],
            args: &[],
            getkeys: None,
            handler: Some(handler),
            subcommands: &[],
        }
    }

    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    fn arity_ok(&self, argc: usize) -> bool {
        let a = self.arity;
        (a >= 0 && argc == a as usize) || (a < 0 && argc >= (-a) as usize)
    }
}

/// A command in the table with its full name (`config|get`) and its
/// position, which indexes the server's per-command statistics
/// ([`Shared::cmd_stats`]).
pub struct TableEntry {
    pub cmd: &'static Command,
    pub full_name: String,
    pub parent: Option<&'static Command>,
    pub index: usize,
}

impl TableEntry {
    fn new(cmd: &'static Command, parent: Option<&'static Command>, index: usize) -> TableEntry {
        let full_name = match parent {
            Some(p) => format!("{}|{}", p.name, cmd.name),
            None => cmd.name.to_string(),
        };
        TableEntry {
            cmd,
            full_name,
            parent,
            index,
        }
    }
}

/// The command table: every command Sluice serves, built once on first use.
pub static TABLE: LazyLock<Table> = LazyLock::new(Table::new);

/// All commands, by lowercase full name.
///
/// # Invariants
/// - `slots` is an open-addressing index over `entries` (linear probing,
///   power-of-two length, at least twice the number of entries so a probe
///   always reaches an empty slot). A used slot holds, for `entries[i]`,
///   `index = i + 1` and its full name's `NameKey`; it lies at or after
///   the position of the key's hash, with no empty slot in between. An
///   empty slot has `index` 0.
/// - Every full name is lowercase ASCII-wise and at most `MAX_NAME` bytes.
///
/// Every command runs one lookup, so it is done without SipHash, without
/// UTF-8 checks and without a byte-by-byte string compare: the name's first
/// 16 bytes are folded to lowercase (ASCII only, like Redis's `strcasecmp`)
/// into two words as they are read, then hashed and compared as words.
/// The table is fixed at startup and never grows, so a client cannot flood
/// it: a fixed, unkeyed hash is safe here.
pub struct Table {
    slots: Vec<Slot>,
    pub entries: Vec<TableEntry>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    key: NameKey,
    index: u16,
}

/// A name's length and its first 16 bytes, ASCII-lowercased, packed
/// little-endian into two words (zero past the end).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct NameKey {
    words: [u64; 2],
    len: usize,
}

impl NameKey {
    #[inline]
    fn new(name: &[u8]) -> NameKey {
        let mut words = [0u64; 2];
        for (i, &c) in name.iter().take(16).enumerate() {
            words[i / 8] |= u64::from(c.to_ascii_lowercase()) << (8 * (i % 8));
        }
        NameKey {
            words,
            len: name.len(),
        }
    }

    fn hash(&self) -> usize {
        let h = (self.words[0] ^ self.words[1].rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> 32) as usize
    }
}

/// The longest full name (`parent|sub`) a lookup assembles; longer input
/// cannot name a command.
const MAX_NAME: usize = 64;

impl Table {
    pub fn new() -> Table {
        let families: &[&'static [Command]] = &[
            connection::COMMANDS,
            server::COMMANDS,
            keys::COMMANDS,
            strings::COMMANDS,
            transactions::COMMANDS,
            stream::COMMANDS,
        ];
        let mut entries = Vec::new();
        for fam in families {
            for cmd in fam.iter() {
                entries.push(TableEntry::new(cmd, None, entries.len()));
                for sub in cmd.subcommands {
                    entries.push(TableEntry::new(sub, Some(cmd), entries.len()));
                }
            }
        }
        let size = (entries.len() * 2).next_power_of_two().max(16);
        assert!(
            entries.len() < usize::from(u16::MAX),
            "command table too big"
        );
        let mut slots = vec![Slot::default(); size];
        for (i, e) in entries.iter().enumerate() {
            assert!(e.full_name.len() <= MAX_NAME, "command name too long");
            assert!(
                e.full_name == e.full_name.to_ascii_lowercase(),
                "command names are lowercase"
            );
            let key = NameKey::new(e.full_name.as_bytes());
            let mut pos = key.hash() & (size - 1);
            while slots[pos].index != 0 {
                pos = (pos + 1) & (size - 1);
            }
            slots[pos] = Slot {
                key,
                index: i as u16 + 1,
            };
        }
        Table { slots, entries }
    }

    /// Finds a top-level command by name, any case. A subcommand's full
    /// name (`config|get`) is not one: Redis's `lookupCommand` looks only at
    /// top-level commands for `argv[0]`.
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&TableEntry> {
        self.find(name).filter(|e| e.parent.is_none())
    }

    /// Finds any entry by full name, any case.
    #[inline]
    fn find(&self, name: &[u8]) -> Option<&TableEntry> {
        if name.len() > MAX_NAME {
            return None;
        }
        let key = NameKey::new(name);
        let mask = self.slots.len() - 1;
        let mut pos = key.hash() & mask;
        loop {
            let slot = &self.slots[pos];
            if slot.index == 0 {
                return None;
            }
            if slot.key == key {
                let e = &self.entries[usize::from(slot.index) - 1];
                // Past 16 bytes the words do not tell; `full` is lowercase,
                // so only the input needs folding.
                let full = e.full_name.as_bytes();
                if name.len() <= 16
                    || full[16..]
                        .iter()
                        .zip(&name[16..])
                        .all(|(&f, &c)| f == c.to_ascii_lowercase())
                {
                    return Some(e);
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Finds `parent|sub`, any case.
    pub fn get_sub(&self, parent: &str, sub: &[u8]) -> Option<&TableEntry> {
        let len = parent.len() + 1 + sub.len();
        if len > MAX_NAME {
            return None;
        }
        let mut buf = [0u8; MAX_NAME];
        buf[..parent.len()].copy_from_slice(parent.as_bytes());
        buf[parent.len()] = b'|';
        buf[parent.len() + 1..len].copy_from_slice(sub);
        self.find(&buf[..len]).filter(|e| e.parent.is_some())
    }

    /// Top-level commands only.
    pub fn top_level(&self) -> impl Iterator<Item = &TableEntry> {
        self.entries.iter().filter(|e| e.parent.is_none())
    }

    /// Resolves `args` to the entry that will run them, checking arity:
    /// the command, or for a container its subcommand.
    #[inline]
    pub fn resolve(&self, args: &[Bytes]) -> Result<&TableEntry, Error> {
        let Some(top) = self.get(&args[0]) else {
            return Err(Error::unknown_command(args));
        };
        if top.cmd.subcommands.is_empty() {
            if !top.cmd.arity_ok(args.len()) {
                return Err(Error::WrongArity(top.full_name.clone()));
            }
            return Ok(top);
        }
        if args.len() < 2 {
            // A container that also runs bare (COMMAND) checks its own arity.
            if top.cmd.handler.is_some() && top.cmd.arity_ok(args.len()) {
                return Ok(top);
            }
            return Err(Error::WrongArity(top.full_name.clone()));
        }
        let Some(sub) = self.get_sub(top.cmd.name, &args[1]) else {
            return Err(Error::unknown_subcommand(&args[0], &args[1]));
        };
        if !sub.cmd.arity_ok(args.len()) {
            return Err(Error::WrongArity(sub.full_name.clone()));
        }
        Ok(sub)
    }
}

impl Default for Table {
    fn default() -> Self {
        Table::new()
    }
}

/// What a blocked command waits for.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    /// Keys (in the client's current database) whose change wakes the client.
    pub keys: Vec<Bytes>,
    /// None: wait forever.
    pub timeout: Option<Duration>,
    /// The arguments to run again when woken (for example with `$` replaced by
    /// the concrete ID it meant when the client blocked).
    pub retry_args: Vec<Bytes>,
    /// The reply sent when the timeout passes.
    pub timeout_reply: Reply,
}

/// Why a blocked command is being run again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rerun {
    /// Keys it waits on changed, in the order they changed (empty for the
    /// first check right after registering, and for XREADGROUP, which is not
    /// told).
    KeysChanged(Vec<Bytes>),
}

/// What a handler sees: the server, the calling client, and the time.
pub struct Ctx<'a> {
    pub shared: &'a Arc<Shared>,
    pub client: &'a mut Client,
    /// The clock read once for this command (ms since the epoch).
    pub now_ms: u64,
    /// Set by a blocking command that found nothing to return and may wait.
    pub block: Option<BlockRequest>,
    /// Set when a blocked command runs again after waking.
    pub rerun: Option<Rerun>,
}

impl<'a> Ctx<'a> {
    /// The client's selected database.
    pub fn db(&self) -> &'a Db {
        let shared: &'a Arc<Shared> = self.shared;
        shared.keyspace.db(self.client.db)
    }

    /// Reports that `key` in the current database changed (WATCH, blocked clients).
    pub fn signal(&self, key: &[u8]) {
        self.shared.keyspace.signal(self.client.db, key);
    }

    /// Counts `n` changes to the data (INFO `rdb_changes_since_last_save`),
    /// called by a write handler where Redis increments `server.dirty`.
    /// Reads and no-op writes never call it with more than 0, and 0 costs
    /// nothing but the comparison.
    #[inline]
    pub fn dirty(&self, n: u64) {
        if n > 0 {
            self.shared.stats.dirty.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Whether a blocking command may block now (never inside MULTI/EXEC).
    pub fn may_block(&self) -> bool {
        !self.client.in_exec
    }

    pub fn resp3(&self) -> bool {
        self.client.resp3
    }
}

/// Parses an integer argument (Redis's `string2ll` rules), or `ERR value is not an integer`.
pub fn parse_int(arg: &[u8]) -> CmdResult<i64> {
    crate::protocol::request::parse_i64(arg).ok_or(Error::NotInteger)
}

/// Case-insensitive comparison of an argument with a keyword.
pub fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// A `HELP` subcommand's reply in Redis's format: a usage line, the given
/// lines, then the standard `HELP` entry; every line a status string.
pub fn help_reply(cmd: &str, lines: &[&str]) -> Reply {
    let mut out = Vec::with_capacity(lines.len() + 3);
    out.push(Reply::Status(
        format!("{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").into(),
    ));
    for l in lines {
        out.push(Reply::Status(l.to_string().into()));
    }
    out.push(Reply::status("HELP"));
    out.push(Reply::status("    Print this help."));
    Reply::Array(out)
}

/// Runs one already-resolved command, recording its statistics. The caller
/// holds the keyspace gate as the command's flags require.
#[inline]
pub fn call(ctx: &mut Ctx<'_>, entry: &TableEntry, args: &[Bytes]) -> Reply {
    let start = std::time::Instant::now();
    let handler = entry.cmd.handler.expect("resolved commands have handlers");
    let reply = match handler(ctx, args) {
        Ok(r) => r,
        Err(e) => Reply::from(e),
    };
    let stats = &ctx.shared.cmd_stats[entry.index];
    if ctx.block.is_none() {
        stats.calls.fetch_add(1, Ordering::Relaxed);
        stats
            .usec
            .fetch_add(start.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
    if reply.is_error() {
        stats.failed_calls.fetch_add(1, Ordering::Relaxed);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_every_name_in_any_case_and_nothing_else() {
        let t = Table::new();
        let mut long = 0;
        for e in &t.entries {
            let name = e.full_name.as_bytes();
            long += usize::from(name.len() > 16);
            let found = |n: &[u8]| match e.parent {
                None => t.get(n),
                Some(p) => t.get_sub(p.name, &n[p.name.len() + 1..]),
            };
            for variant in [name.to_vec(), name.to_ascii_uppercase()] {
                let hit = found(&variant).expect("found");
                assert!(std::ptr::eq(hit, e), "{}", e.full_name);
            }
            // Change the last byte (past 16 bytes for long names): another
            // entry or none, never this one.
            let mut other = name.to_vec();
            *other.last_mut().unwrap() ^= 0x01;
            assert!(!found(&other).is_some_and(|h| std::ptr::eq(h, e)));
            // Only ASCII letters fold: a byte that differs from a name's
            // byte in bit 0x20 only, but is not a letter, does not match.
            let mut bent = name.to_vec();
            if let Some(b) = bent.iter_mut().find(|b| !b.is_ascii_alphabetic()) {
                *b ^= 0x20;
                assert!(!t.find(&bent).is_some_and(|h| std::ptr::eq(h, e)));
            }
            let mut longer = name.to_vec();
            longer.push(b'x');
            assert!(!found(&longer).is_some_and(|h| std::ptr::eq(h, e)));
        }
        assert!(long > 0, "the table has names over 16 bytes");
        assert!(t.get(b"").is_none());
        assert!(t.get(&[b'x'; 100]).is_none());
        assert!(t.get(b"XLEN\x00").is_none());
        assert!(t.get_sub("xinfo", &[b's'; 70]).is_none());
        // A subcommand's full name is not a top-level command.
        assert!(t.get(b"config|get").is_none());
        assert!(t.get(b"XINFO|STREAM").is_none());
        assert!(t.get_sub("config", b"get").is_some());
    }
}
