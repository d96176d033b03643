//! COMMAND INFO and COMMAND DOCS of every command Sluice serves, compared
//! with the reference `redis-server` (Redis 8.0.x, named by
//! `SLUICE_REDIS_SERVER`; unset or missing fails the test), byte for byte.
//!
//! The conformance cases ask for the commands one by one; this test walks
//! Sluice's whole `COMMAND LIST`, so a row that drifts from Redis fails here
//! even when no case names it. Two kinds of row are handled apart:
//!
//! - Commands newer than the reference (XACKDEL, XDELEX, XCFGSET, XNACK):
//!   the reference has none to compare with; the list of them is pinned, and
//!   their replies are checked by the `@since` cases of
//!   `conformance/cases/redis8/command_docs.case`.
//! - Commands the reference has, to which Sluice adds newer options (XADD,
//!   XTRIM, XREAD, XREADGROUP): every argument (at any depth) and history
//!   line whose version is above the reference's is taken out of Sluice's
//!   COMMAND DOCS, and the rest must equal the reference's reply exactly. The
//!   arguments taken out are pinned per command (they are the differences
//!   docs/compatibility.md lists), so a newer argument cannot hide an older
//!   one, and an addition nobody documented fails.
//!
//! Containers are compared through their subcommands (`client|list`, ...),
//! which COMMAND LIST names: Redis lists a container's subcommands in hash
//! order, and Sluice serves only some subcommands of several containers.

mod support;
use support::sync_redis::{servers, SyncConn as Conn};

use std::collections::BTreeMap;

/// A RESP2 reply as a tree.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(Vec<u8>),
    Nil,
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Int(i64),
    Array(Vec<V>),
}

fn parse(b: &[u8]) -> V {
    fn go(b: &[u8], at: &mut usize) -> V {
        let end = *at
            + b[*at..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("CRLF");
        let line = &b[*at + 1..end];
        let kind = b[*at];
        *at = end + 2;
        let n = || -> i64 { std::str::from_utf8(line).unwrap().parse().unwrap() };
        match kind {
            b'+' => V::Simple(line.to_vec()),
            b'-' => V::Error(line.to_vec()),
            b':' => V::Int(n()),
            b'$' if n() < 0 => V::Nil,
            b'$' => {
                let len = n() as usize;
                let v = b[*at..*at + len].to_vec();
                *at += len + 2;
                V::Bulk(v)
            }
            b'*' => V::Array((0..n().max(0)).map(|_| go(b, at)).collect()),
            k => panic!("unexpected RESP2 type {:?}", k as char),
        }
    }
    let mut at = 0;
    let v = go(b, &mut at);
    assert_eq!(at, b.len(), "one reply");
    v
}

fn encode(v: &V, out: &mut Vec<u8>) {
    match v {
        V::Bulk(b) => {
            out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
            out.extend_from_slice(b);
            out.extend_from_slice(b"\r\n");
        }
        V::Nil => out.extend_from_slice(b"$-1\r\n"),
        V::Simple(s) => {
            out.push(b'+');
            out.extend_from_slice(s);
            out.extend_from_slice(b"\r\n");
        }
        V::Error(s) => {
            out.push(b'-');
            out.extend_from_slice(s);
            out.extend_from_slice(b"\r\n");
        }
        V::Int(i) => out.extend_from_slice(format!(":{i}\r\n").as_bytes()),
        V::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for i in items {
                encode(i, out);
            }
        }
    }
}

fn text(v: &V) -> String {
    match v {
        V::Bulk(b) | V::Simple(b) => String::from_utf8_lossy(b).into_owned(),
        other => format!("{other:?}"),
    }
}

/// `8.10.0` as (8, 10, 0), for ordering versions.
fn version(s: &str) -> Vec<u32> {
    s.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The value after `key` in a flat key/value array.
fn field<'a>(pairs: &'a [V], key: &str) -> Option<&'a V> {
    pairs
        .chunks(2)
        .find(|kv| text(&kv[0]) == key)
        .map(|kv| &kv[1])
}

/// Takes out of one COMMAND DOCS entry (a flat key/value array) every
/// argument and history line newer than `reference`, recording the
/// arguments' names in `taken`.
fn strip_newer(doc: &mut Vec<V>, reference: &[u32], taken: &mut Vec<String>) {
    for kv in doc.chunks_mut(2) {
        let key = text(&kv[0]);
        let V::Array(items) = &mut kv[1] else {
            continue;
        };
        match key.as_str() {
            "history" => items.retain(|h| match h {
                V::Array(pair) => version(&text(&pair[0])).as_slice() <= reference,
                _ => true,
            }),
            "arguments" => {
                items.retain(|a| {
                    let V::Array(arg) = a else { return true };
                    let newer = field(arg, "since")
                        .is_some_and(|s| version(&text(s)).as_slice() > reference);
                    if newer {
                        taken.push(text(field(arg, "name").expect("argument name")));
                    }
                    !newer
                });
                for a in items.iter_mut() {
                    if let V::Array(arg) = a {
                        strip_newer(arg, reference, taken);
                    }
                }
            }
            _ => {}
        }
    }
    // A history left empty is absent, as Redis leaves it out.
    if let Some(i) = doc
        .chunks(2)
        .position(|kv| text(&kv[0]) == "history" && kv[1] == V::Array(vec![]))
    {
        doc.drain(2 * i..2 * i + 2);
    }
}

/// Sluice's COMMAND LIST, and which entries are containers (COMMAND INFO's
/// tenth field, the subcommands, is not empty).
fn sluice_commands(c: &mut Conn) -> Vec<(String, bool)> {
    let V::Array(names) = parse(&c.cmd(&["COMMAND", "LIST"])) else {
        panic!("COMMAND LIST is an array");
    };
    let mut out: Vec<(String, bool)> = names
        .iter()
        .map(|n| {
            let name = text(n);
            let V::Array(info) = parse(&c.cmd(&["COMMAND", "INFO", &name])) else {
                panic!("COMMAND INFO is an array");
            };
            let container = match &info[0] {
                V::Array(fields) => matches!(fields.get(9), Some(V::Array(s)) if !s.is_empty()),
                other => panic!("COMMAND INFO {name}: {other:?}"),
            };
            (name, container)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn command_info_and_docs_match_the_reference() {
    let s = servers();
    let mut redis = Conn::open(s.redis_port).expect("connect to redis");
    let mut sluice = Conn::open(s.sluice_port).expect("connect to sluice");
    let info = String::from_utf8_lossy(&redis.cmd(&["INFO", "server"])).into_owned();
    let reference = version(
        info.lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .expect("redis_version"),
    );
    assert!(
        reference >= version("8.0.0"),
        "the reference is Redis 8.0.x"
    );

    let mut absent = Vec::new();
    let mut taken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (name, container) in sluice_commands(&mut sluice) {
        if container {
            continue;
        }
        let r_info = redis.cmd(&["COMMAND", "INFO", &name]);
        if parse(&r_info) == V::Array(vec![V::Nil]) {
            absent.push(name);
            continue;
        }
        compared += 1;
        let s_info = sluice.cmd(&["COMMAND", "INFO", &name]);
        if s_info != r_info {
            mismatches.push(format!(
                "COMMAND INFO {name}\n  redis:  {}\n  sluice: {}",
                String::from_utf8_lossy(&r_info),
                String::from_utf8_lossy(&s_info)
            ));
        }
        let r_docs = redis.cmd(&["COMMAND", "DOCS", &name]);
        let mut docs = parse(&sluice.cmd(&["COMMAND", "DOCS", &name]));
        let mut newer = Vec::new();
        if let V::Array(entry) = &mut docs {
            if let Some(V::Array(doc)) = entry.get_mut(1) {
                strip_newer(doc, &reference, &mut newer);
            }
        }
        if !newer.is_empty() {
            taken.insert(name.clone(), newer);
        }
        let mut s_docs = Vec::new();
        encode(&docs, &mut s_docs);
        if s_docs != r_docs {
            mismatches.push(format!(
                "COMMAND DOCS {name} (newer arguments and history taken out)\n  redis:  {}\n  sluice: {}",
                String::from_utf8_lossy(&r_docs),
                String::from_utf8_lossy(&s_docs)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {compared} commands differ from the reference:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(compared > 60, "compared only {compared} commands");
    assert_eq!(absent, ["xackdel", "xcfgset", "xdelex", "xnack"]);
    let expected: BTreeMap<String, Vec<String>> = [
        ("xadd", &["condition", "idmp"][..]),
        ("xread", &["maxcount", "maxsize"]),
        ("xreadgroup", &["maxcount", "maxsize", "min-idle-time"]),
        ("xtrim", &["condition"]),
    ]
    .into_iter()
    .map(|(c, a)| (c.to_string(), a.iter().map(|s| s.to_string()).collect()))
    .collect();
    assert_eq!(
        taken, expected,
        "the newer arguments Sluice documents (docs/compatibility.md)"
    );
}

#[test]
fn stripping_keeps_what_the_reference_has() {
    // An argument without `since`, or with the reference's own, stays; a
    // nested newer one goes.
    let arg = |name: &str, since: Option<&str>, nested: Vec<V>| {
        let mut a = vec![V::Bulk(b"name".to_vec()), V::Bulk(name.into())];
        if let Some(s) = since {
            a.extend([V::Bulk(b"since".to_vec()), V::Bulk(s.into())]);
        }
        if !nested.is_empty() {
            a.extend([V::Bulk(b"arguments".to_vec()), V::Array(nested)]);
        }
        V::Array(a)
    };
    let mut doc = vec![
        V::Bulk(b"history".to_vec()),
        V::Array(vec![
            V::Array(vec![V::Bulk(b"6.2.0".to_vec()), V::Bulk(b"old".to_vec())]),
            V::Array(vec![V::Bulk(b"8.10.0".to_vec()), V::Bulk(b"new".to_vec())]),
        ]),
        V::Bulk(b"arguments".to_vec()),
        V::Array(vec![
            arg("key", None, vec![]),
            arg("same", Some("8.0.2"), vec![]),
            arg(
                "block",
                None,
                vec![
                    arg("a", Some("6.2.0"), vec![]),
                    arg("b", Some("8.2.0"), vec![]),
                ],
            ),
            arg("new", Some("8.6.0"), vec![]),
        ]),
    ];
    let mut taken = Vec::new();
    strip_newer(&mut doc, &version("8.0.2"), &mut taken);
    assert_eq!(taken, ["new", "b"]);
    let V::Array(history) = &doc[1] else { panic!() };
    assert_eq!(history.len(), 1);
    let V::Array(args) = &doc[3] else { panic!() };
    // A history with only newer lines goes altogether.
    let mut only_new = vec![
        V::Bulk(b"history".to_vec()),
        V::Array(vec![V::Array(vec![
            V::Bulk(b"8.10.0".to_vec()),
            V::Bulk(b"new".to_vec()),
        ])]),
    ];
    strip_newer(&mut only_new, &version("8.0.2"), &mut Vec::new());
    assert!(only_new.is_empty());
    let names: Vec<String> = args
        .iter()
        .map(|a| match a {
            V::Array(f) => text(field(f, "name").unwrap()),
            _ => panic!(),
        })
        .collect();
    assert_eq!(names, ["key", "same", "block"]);
}
