//! Command introspection data and replies: COMMAND INFO, COMMAND DOCS,
//! COMMAND GETKEYS and COMMAND GETKEYSANDFLAGS.
//!
//! Each table row ([`super::Command`]) carries Redis's documentation of the
//! command as plain static data: argument trees ([`Arg`], built with the
//! `const` helpers of [`arg`]), key specifications ([`KeySpec`]), command
//! tips, history, explicit ACL categories. The data was taken from the
//! replies of Redis 7.0.15 itself (and, for arguments and commands newer
//! than 7.0, from Redis 8.x's command JSON files), so that COMMAND INFO and
//! COMMAND DOCS answer byte for byte as Redis does; clients (redis-cli's
//! hints, our client's capability detection) read them.
//!
//! Reply layout follows Redis 7.0's `addReplyCommandInfo` /
//! `addReplyCommandDocs`: field order, which fields are omitted when empty,
//! and which aggregates are sets in RESP3 (flags, ACL categories, tips, key
//! specs, history, an absent subcommand list). Fields Redis 7.2 added later
//! (`display_text` of arguments) are not reported, as 7.0 does not.
//!
//! None of this is on a command's execution path: only COMMAND reads it.

use super::{Command, Table, TableEntry};
use crate::protocol::Reply;
use bytes::Bytes;

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

/// Argument flags (COMMAND DOCS `flags`). Redis also has
/// `multiple_token` and per-argument `summary`; no command Sluice serves
/// uses them.
pub const OPTIONAL: u8 = 1;
pub const MULTIPLE: u8 = 2;

/// One documented argument; empty strings mean "absent".
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgType,
    /// Index into the command's key specs (for `key` arguments), else -1.
    pub key_spec_index: i32,
    pub token: &'static str,
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
            key_spec_index: -1,
            token: "",
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

// ---------------------------------------------------------------- replies

fn b(s: &'static str) -> Reply {
    Reply::bulk_str(s)
}

fn status_set(words: impl Iterator<Item = &'static str>) -> Reply {
    Reply::Set(words.map(Reply::status).collect())
}

fn arg_reply(a: &Arg) -> Reply {
    let mut m = vec![(b("name"), b(a.name)), (b("type"), b(a.kind.name()))];
    if a.key_spec_index >= 0 {
        m.push((b("key_spec_index"), Reply::Int(a.key_spec_index as i64)));
    }
    for (field, value) in [
        ("token", a.token),
        ("since", a.since),
        ("deprecated_since", a.deprecated_since),
    ] {
        if !value.is_empty() {
            m.push((b(field), b(value)));
        }
    }
    if a.flags != 0 {
        let names = [(OPTIONAL, "optional"), (MULTIPLE, "multiple")];
        let set = names
            .iter()
            .filter(|(f, _)| a.flags & f != 0)
            .map(|&(_, n)| n);
        m.push((b("flags"), status_set(set)));
    }
    if matches!(a.kind, ArgType::Oneof | ArgType::Block) {
        m.push((b("arguments"), args_reply(a.args)));
    }
    Reply::Map(m)
}

fn args_reply(args: &[Arg]) -> Reply {
    Reply::Array(args.iter().map(arg_reply).collect())
}

fn key_spec_reply(k: &KeySpec) -> Reply {
    let mut m = Vec::with_capacity(4);
    if !k.notes.is_empty() {
        m.push((b("notes"), b(k.notes)));
    }
    m.push((b("flags"), status_set(k.flags.split(' '))));
    let begin = match k.begin {
        Begin::Index(i) => Reply::Map(vec![
            (b("type"), b("index")),
            (
                b("spec"),
                Reply::Map(vec![(b("index"), Reply::Int(i as i64))]),
            ),
        ]),
        Begin::Keyword(word, from) => Reply::Map(vec![
            (b("type"), b("keyword")),
            (
                b("spec"),
                Reply::Map(vec![
                    (b("keyword"), b(word)),
                    (b("startfrom"), Reply::Int(from as i64)),
                ]),
            ),
        ]),
    };
    let Find::Range(last, step, limit) = k.find;
    let find = Reply::Map(vec![
        (b("type"), b("range")),
        (
            b("spec"),
            Reply::Map(vec![
                (b("lastkey"), Reply::Int(last as i64)),
                (b("keystep"), Reply::Int(step as i64)),
                (b("limit"), Reply::Int(limit as i64)),
            ]),
        ),
    ]);
    m.push((b("begin_search"), begin));
    m.push((b("find_keys"), find));
    Reply::Map(m)
}

/// ACL categories in Redis's order (`ACLCommandCategories`).
const ACL_CATEGORIES: &[&str] = &[
    "@keyspace",
    "@read",
    "@write",
    "@set",
    "@sortedset",
    "@list",
    "@hash",
    "@string",
    "@bitmap",
    "@hyperloglog",
    "@geo",
    "@stream",
    "@pubsub",
    "@admin",
    "@fast",
    "@slow",
    "@blocking",
    "@dangerous",
    "@connection",
    "@transaction",
    "@scripting",
];

/// The command's ACL categories (with `@`): its explicit ones
/// ([`Command::acl`]) plus those Redis derives from its flags
/// (`setImplicitACLCategories`).
pub fn acl_categories(c: &Command) -> Vec<&'static str> {
    use super::flags::*;
    let explicit = |cat: &str| c.acl.contains(&cat);
    let has = |cat: &str| {
        explicit(cat)
            || match cat {
                "write" => c.has(WRITE),
                "read" => c.has(READONLY) && !explicit("scripting"),
                "admin" | "dangerous" => c.has(ADMIN),
                "pubsub" => c.has(PUBSUB),
                "fast" => c.has(FAST),
                "blocking" => c.has(BLOCKING),
                "slow" => !c.has(FAST) && !explicit("fast"),
                _ => false,
            }
    };
    ACL_CATEGORIES
        .iter()
        .copied()
        .filter(|name| has(&name[1..]))
        .collect()
}

/// Subcommands in table order.
fn subcommands<'t>(e: &TableEntry, table: &'t Table) -> impl Iterator<Item = &'t TableEntry> {
    let c = e.cmd;
    c.subcommands
        .iter()
        .filter_map(move |s| table.get_sub(c.name, s.name.as_bytes()))
}

/// One COMMAND INFO entry: name, arity, flags, first/last/step, ACL
/// categories, tips, key specs, subcommands.
pub fn info_reply(e: &TableEntry, table: &Table) -> Reply {
    let c = e.cmd;
    let flags = super::flags::NAMES
        .iter()
        .filter(|(f, _)| c.has(*f))
        .map(|&(_, n)| n);
    let (first, last, step) = c.keys;
    let subs = if c.subcommands.is_empty() {
        Reply::Set(vec![])
    } else {
        Reply::Array(
            subcommands(e, table)
                .map(|s| info_reply(s, table))
                .collect(),
        )
    };
    Reply::Array(vec![
        Reply::Bulk(Bytes::from(e.full_name.clone())),
        Reply::Int(c.arity as i64),
        status_set(flags),
        Reply::Int(first as i64),
        Reply::Int(last as i64),
        Reply::Int(step as i64),
        status_set(acl_categories(c).into_iter()),
        Reply::Set(c.tips.iter().map(|t| b(t)).collect()),
        Reply::Set(c.key_specs.iter().map(key_spec_reply).collect()),
        subs,
    ])
}

/// One COMMAND DOCS entry.
pub fn docs_reply(e: &TableEntry, table: &Table) -> Reply {
    let c = e.cmd;
    let mut m = vec![
        (b("summary"), b(c.summary)),
        (b("since"), b(c.since)),
        (b("group"), b(c.group)),
        (b("complexity"), b(c.complexity)),
    ];
    if !c.doc_flags.is_empty() {
        m.push((b("doc_flags"), status_set(c.doc_flags.iter().copied())));
    }
    if !c.deprecated_since.is_empty() {
        m.push((b("deprecated_since"), b(c.deprecated_since)));
    }
    if !c.replaced_by.is_empty() {
        m.push((b("replaced_by"), b(c.replaced_by)));
    }
    if !c.history.is_empty() {
        let h = c
            .history
            .iter()
            .map(|&(v, text)| Reply::Array(vec![b(v), b(text)]))
            .collect();
        m.push((b("history"), Reply::Set(h)));
    }
    if !c.args.is_empty() {
        m.push((b("arguments"), args_reply(c.args)));
    }
    if !c.subcommands.is_empty() {
        let subs = subcommands(e, table)
            .map(|s| {
                (
                    Reply::Bulk(Bytes::from(s.full_name.clone())),
                    docs_reply(s, table),
                )
            })
            .collect();
        m.push((b("subcommands"), Reply::Map(subs)));
    }
    Reply::Map(m)
}

// ---------------------------------------------------------------- GETKEYS

/// Whether COMMAND GETKEYS can find keys in the command at all (Redis's
/// `doesCommandHaveKeys`).
pub fn has_keys(c: &Command) -> bool {
    c.getkeys.is_some() || c.key_specs.iter().any(|k| !k.has_flag("not_key"))
}

/// The keys in `argv` (command name at 0) found with the key specs, as
/// Redis 7.0's `getKeysUsingKeySpecs`: None when a spec points outside the
/// arguments (then Redis falls back to the command's own key finder, if it
/// has one).
fn keys_by_specs(c: &Command, argv: &[Bytes]) -> Option<Vec<(usize, &'static str)>> {
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for spec in c.key_specs {
        if spec.has_flag("not_key") {
            continue;
        }
        let first = match spec.begin {
            Begin::Index(i) => i as i64,
            Begin::Keyword(word, from) => {
                let from = from as i64;
                let (start, end) = if from > 0 {
                    (from, argc - 1)
                } else {
                    (argc + from, 1)
                };
                let mut found = 0;
                let mut i = start;
                while i != end {
                    if i >= argc || i < 1 {
                        break;
                    }
                    if argv[i as usize].eq_ignore_ascii_case(word.as_bytes()) {
                        found = i + 1;
                        break;
                    }
                    i = if start <= end { i + 1 } else { i - 1 };
                }
                if found == 0 {
                    continue;
                }
                found
            }
        };
        let Find::Range(lastkey, step, limit) = spec.find;
        let (lastkey, step, limit) = (lastkey as i64, step as i64, limit as i64);
        let last = if lastkey >= 0 {
            first + lastkey
        } else if limit == 0 {
            argc + lastkey
        } else {
            first + ((argc - first) / limit + lastkey)
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut i = first;
        while i <= last {
            if i < argc && i >= first {
                out.push((i as usize, spec.flags));
            }
            i += step;
        }
    }
    Some(out)
}

/// The keys in `argv` for COMMAND GETKEYS / GETKEYSANDFLAGS (position and
/// flags), as Redis 7.0's `getKeysFromCommandWithSpecs`: the key specs,
/// unless one of them has variable flags or fails, then the command's own
/// key finder.
pub fn key_refs(c: &Command, argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let variable = c.key_specs.iter().any(|k| k.has_flag("variable_flags"));
    if !variable {
        if let Some(keys) = keys_by_specs(c, argv) {
            return keys;
        }
    }
    match c.getkeys {
        Some(f) => f(argv),
        None => Vec::new(),
    }
}

/// XREAD and XREADGROUP's key finder (Redis's `xreadGetKeys`): skip the
/// options up to the first `STREAMS`; the keys are the first half of what
/// follows it. No keys on a syntax error. (The key spec finds the same keys
/// whenever this finds any, so its flags, none, never show.)
pub fn xread_keys(argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let argc = argv.len();
    let mut streams = None;
    let mut i = 1;
    while i < argc {
        let a = &argv[i];
        if a.eq_ignore_ascii_case(b"block") || a.eq_ignore_ascii_case(b"count") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"group") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"noack") {
        } else if a.eq_ignore_ascii_case(b"streams") {
            streams = Some(i);
            break;
        } else {
            break;
        }
        i += 1;
    }
    let Some(pos) = streams else {
        return Vec::new();
    };
    let num = argc - pos - 1;
    if num == 0 || num % 2 != 0 {
        return Vec::new();
    }
    (pos + 1..pos + 1 + num / 2).map(|i| (i, "")).collect()
}

/// SET's key finder (Redis's `setGetKeys`): the key is argument 1; with a
/// `GET` among the options it is read too (`RW access update`), else only
/// overwritten (`OW update`).
pub fn set_keys(argv: &[Bytes]) -> Vec<(usize, &'static str)> {
    let get = argv.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
    vec![(1, if get { "RW access update" } else { "OW update" })]
}

/// The reply of COMMAND GETKEYSANDFLAGS for one key: `[key, flags]`.
pub fn key_and_flags_reply(key: &Bytes, flags: &'static str) -> Reply {
    let flags = flags.split(' ').filter(|f| !f.is_empty());
    Reply::Array(vec![Reply::Bulk(key.clone()), status_set(flags)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Table;

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
