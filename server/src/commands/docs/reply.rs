//! The COMMAND INFO and COMMAND DOCS replies, in Redis 8.0's layout
//! (`addReplyCommandInfo`, `addReplyCommandDocs`, `addReplyCommandArgList`).

use super::{Arg, ArgType, Begin, Find, KeySpec, MULTIPLE, MULTIPLE_TOKEN, OPTIONAL};
use crate::commands::{Command, Table, TableEntry};
use crate::protocol::Reply;
use bytes::Bytes;

fn b(s: &'static str) -> Reply {
    Reply::bulk_str(s)
}

pub(super) fn status_set(words: impl Iterator<Item = &'static str>) -> Reply {
    Reply::Set(words.map(Reply::status).collect())
}

fn arg_reply(a: &Arg) -> Reply {
    let container = matches!(a.kind, ArgType::Oneof | ArgType::Block);
    let mut m = vec![(b("name"), b(a.name)), (b("type"), b(a.kind.name()))];
    if !container {
        let text = if a.display.is_empty() {
            a.name
        } else {
            a.display
        };
        m.push((b("display_text"), b(text)));
    }
    if a.key_spec_index >= 0 {
        m.push((b("key_spec_index"), Reply::Int(a.key_spec_index as i64)));
    }
    for (field, value) in [
        ("token", a.token),
        ("summary", a.summary),
        ("since", a.since),
        ("deprecated_since", a.deprecated_since),
    ] {
        if !value.is_empty() {
            m.push((b(field), b(value)));
        }
    }
    if a.flags != 0 {
        let names = [
            (OPTIONAL, "optional"),
            (MULTIPLE, "multiple"),
            (MULTIPLE_TOKEN, "multiple_token"),
        ];
        let set = names
            .iter()
            .filter(|(f, _)| a.flags & f != 0)
            .map(|&(_, n)| n);
        m.push((b("flags"), status_set(set)));
    }
    if container {
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
    use crate::commands::flags::*;
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
    let flags = crate::commands::flags::NAMES
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
    ];
    // Redis leaves `complexity` out when the command has none (XREAD in 8.0).
    if !c.complexity.is_empty() {
        m.push((b("complexity"), b(c.complexity)));
    }
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
