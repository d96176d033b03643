//! Command introspection data and replies: COMMAND INFO, COMMAND DOCS,
//! COMMAND GETKEYS and COMMAND GETKEYSANDFLAGS.
//!
//! Each table row ([`Command`](crate::commands::Command)) carries Redis's documentation of the
//! command as plain static data: argument trees ([`Arg`], built with the
//! `const` helpers of [`arg`]), key specifications ([`KeySpec`]), command
//! tips, history, explicit ACL categories. The data was taken from the
//! replies of Redis itself (and, for arguments and commands newer than the
//! reference, from Redis 8.x's command JSON files), so that COMMAND INFO and
//! COMMAND DOCS answer byte for byte as Redis does; clients (redis-cli's
//! hints, our client's capability detection) read them.
//!
//! Reply layout follows Redis 8.0's `addReplyCommandInfo` /
//! `addReplyCommandDocs`: field order, which fields are omitted when empty,
//! which aggregates are sets in RESP3 (flags, ACL categories, tips, key
//! specs, history, an absent subcommand list), and every argument but a
//! container carrying a `display_text` (its name unless the row says
//! otherwise, as Redis 7.2+ does).
//!
//! None of this is on a command's execution path: only COMMAND reads it.
//!
//! This file holds the data types the rows are written with; `reply.rs`
//! builds the COMMAND INFO and COMMAND DOCS replies from them, and `keys.rs`
//! finds the keys of a command line (COMMAND GETKEYS) with them.

mod keys;
mod reply;

pub use keys::{has_keys, key_and_flags_reply, key_refs, set_keys, xread_keys};
pub use reply::{acl_categories, docs_reply, info_reply};

/// The kind of a documented argument (`type` in COMMAND DOCS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    Oneof,
    Block,
}

impl ArgType {
    fn name(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Integer => "integer",
            ArgType::Double => "double",
            ArgType::Key => "key",
            ArgType::Pattern => "pattern",
            ArgType::UnixTime => "unix-time",
            ArgType::PureToken => "pure-token",
            ArgType::Oneof => "oneof",
            ArgType::Block => "block",
        }
    }
}

/// Argument flags (COMMAND DOCS `flags`), in Redis's order.
pub const OPTIONAL: u8 = 1;
pub const MULTIPLE: u8 = 2;
/// The token is repeated before each value (`multiple_token`).
pub const MULTIPLE_TOKEN: u8 = 4;

/// One documented argument; empty strings mean "absent".
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgType,
    /// COMMAND DOCS `display_text` when it differs from the name (Redis's
    /// `display` in the command JSON); empty: the name is shown. Containers
    /// (`oneof`, `block`) have none.
    pub display: &'static str,
    /// Index into the command's key specs (for `key` arguments), else -1.
    pub key_spec_index: i32,
    pub token: &'static str,
    /// The argument's own one-line description (few arguments have one).
    pub summary: &'static str,
    pub since: &'static str,
    pub deprecated_since: &'static str,
    pub flags: u8,
    /// Nested arguments of a `oneof` or `block`.
    pub args: &'static [Arg],
}

impl Arg {
    pub const fn tok(mut self, token: &'static str) -> Arg {
        self.token = token;
        self
    }
    /// The `display_text` shown instead of the name.
    pub const fn display(mut self, text: &'static str) -> Arg {
        self.display = text;
        self
    }
    pub const fn summary(mut self, text: &'static str) -> Arg {
        self.summary = text;
        self
    }
    pub const fn multi_token(mut self) -> Arg {
        self.flags |= MULTIPLE | MULTIPLE_TOKEN;
        self
    }
    pub const fn since(mut self, version: &'static str) -> Arg {
        self.since = version;
        self
    }
    pub const fn deprecated(mut self, version: &'static str) -> Arg {
        self.deprecated_since = version;
        self
    }
    pub const fn opt(mut self) -> Arg {
        self.flags |= OPTIONAL;
        self
    }
    pub const fn multi(mut self) -> Arg {
        self.flags |= MULTIPLE;
        self
    }
}

/// Constructors for [`Arg`], used by the command tables as `a::key("key", 0)`.
pub mod arg {
    use super::{Arg, ArgType};

    const fn new(name: &'static str, kind: ArgType) -> Arg {
        Arg {
            name,
            kind,
            display: "",
            key_spec_index: -1,
            token: "",
            summary: "",
            since: "",
            deprecated_since: "",
            flags: 0,
            args: &[],
        }
    }
    /// A key argument described by the command's key spec `spec`.
    pub const fn key(name: &'static str, spec: i32) -> Arg {
        let mut a = new(name, ArgType::Key);
        a.key_spec_index = spec;
        a
    }
    pub const fn string(name: &'static str) -> Arg {
        new(name, ArgType::String)
    }
    pub const fn integer(name: &'static str) -> Arg {
        new(name, ArgType::Integer)
    }
    pub const fn double(name: &'static str) -> Arg {
        new(name, ArgType::Double)
    }
    pub const fn pattern(name: &'static str) -> Arg {
        new(name, ArgType::Pattern)
    }
    pub const fn unix_time(name: &'static str) -> Arg {
        new(name, ArgType::UnixTime)
    }
    /// A keyword without a value (`type` pure-token).
    pub const fn pure(name: &'static str, token: &'static str) -> Arg {
        new(name, ArgType::PureToken).tok(token)
    }
    /// Exactly one of `args`.
    pub const fn oneof(name: &'static str, args: &'static [Arg]) -> Arg {
        let mut a = new(name, ArgType::Oneof);
        a.args = args;
        a
    }
    /// All of `args`, in order.
    pub const fn block(name: &'static str, args: &'static [Arg]) -> Arg {
        let mut a = new(name, ArgType::Block);
        a.args = args;
        a
    }
}

/// Where a key spec starts looking for keys (`begin_search`).
#[derive(Debug, Clone, Copy)]
pub enum Begin {
    /// At this argument index.
    Index(i32),
    /// After the first argument equal to the keyword (any case), searching
    /// from `startfrom` (negative: from the end, backwards).
    Keyword(&'static str, i32),
}

/// Which arguments from the start are keys (`find_keys`).
#[derive(Debug, Clone, Copy)]
pub enum Find {
    /// `(lastkey, keystep, limit)`: keys up to `lastkey` relative to the first
    /// (negative: from the end; with `limit` n, only the first 1/n of the rest).
    Range(i32, i32, i32),
}

/// One key specification (COMMAND INFO's 9th field).
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub notes: &'static str,
    /// Space-separated flags in Redis's order, e.g. `RW access update`.
    pub flags: &'static str,
    pub begin: Begin,
    pub find: Find,
}

impl KeySpec {
    pub const fn new(flags: &'static str, begin: Begin, find: Find) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin,
            find,
        }
    }
    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = notes;
        self
    }
    fn has_flag(&self, flag: &str) -> bool {
        self.flags.split(' ').any(|f| f == flag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Table;
    use bytes::Bytes;

    fn argv(s: &str) -> Vec<Bytes> {
        s.split(' ').map(|w| Bytes::from(w.to_string())).collect()
    }

    fn keys(table: &Table, line: &str) -> Vec<String> {
        let argv = argv(line);
        let cmd = table.get(&argv[0]).expect("command").cmd;
        key_refs(cmd, &argv)
            .into_iter()
            .map(|(i, _)| String::from_utf8_lossy(&argv[i]).into_owned())
            .collect()
    }

    #[test]
    fn xread_keys_follow_streams() {
        let t = Table::new();
        assert_eq!(keys(&t, "xread COUNT 1 STREAMS a b 0 0"), ["a", "b"]);
        // The keyword search from argument 4 skips a group named STREAMS.
        assert_eq!(keys(&t, "xreadgroup GROUP streams c STREAMS a 0"), ["a"]);
        // Odd counts: the key spec takes the first half, rounded down.
        assert_eq!(keys(&t, "xread STREAMS a b 0"), ["a"]);
        // Out-of-range spec: xreadGetKeys finds nothing.
        assert!(keys(&t, "xread STREAMS a").is_empty());
        assert_eq!(xread_keys(&argv("xread COUNT 1 STREAMS a 0")), [(4, "")]);
        assert!(xread_keys(&argv("xread BOGUS STREAMS a 0")).is_empty());
    }

    #[test]
    fn range_specs() {
        let t = Table::new();
        assert_eq!(keys(&t, "mset a 1 b 2"), ["a", "b"]);
        assert_eq!(keys(&t, "set k v GET"), ["k"]);
        assert_eq!(keys(&t, "del a b c"), ["a", "b", "c"]);
        assert_eq!(set_keys(&argv("set k get")), [(1, "OW update")]);
        assert_eq!(set_keys(&argv("set k v gEt")), [(1, "RW access update")]);
    }

    #[test]
    fn acl_categories_in_redis_order() {
        let t = Table::new();
        let cats = |n: &str| acl_categories(t.get(n.as_bytes()).unwrap().cmd);
        assert_eq!(cats("get"), ["@read", "@string", "@fast"]);
        assert_eq!(
            cats("xreadgroup"),
            ["@write", "@stream", "@slow", "@blocking"]
        );
        assert_eq!(cats("keys"), ["@keyspace", "@read", "@slow", "@dangerous"]);
    }
}
