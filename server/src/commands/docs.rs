//! Argument documentation for COMMAND DOCS, built from each command's compact
//! syntax string ([`super::Command::args`]).
//!
//! redis-cli 7 reads COMMAND DOCS at startup to show argument hints; the
//! reply must have Redis's shape: a list of maps with `name`, `type`,
//! optional `key_spec_index`, `token`, `flags` (`optional`, `multiple`) and,
//! for `block` / `oneof`, nested `arguments`.
//!
//! Notation (a subset of the syntax in Redis's docs):
//! ```text
//! key              a key argument (type key)
//! name             an argument of type string; `name:integer` gives the type
//!                  (string, integer, double, key, pattern, unix-time)
//! WORD             a pure token (all capitals); `WORD name` is a token with a value
//! [ ... ]          optional;  ( ... ) grouping
//! a | b            one of
//! x...             repeated (flag multiple); applies to an atom or a group
//! ```

use super::TableEntry;
use crate::protocol::Reply;

/// One documented argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: String,
    pub token: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close,
    Bar,
    Dots,
    Word(String),
}

fn lex(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let flush = |cur: &mut String, out: &mut Vec<Tok>| {
        if !cur.is_empty() {
            out.push(Tok::Word(std::mem::take(cur)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' | '(' => {
                flush(&mut cur, &mut out);
                out.push(Tok::Open(c));
            }
            ']' | ')' => {
                flush(&mut cur, &mut out);
                out.push(Tok::Close);
            }
            '|' => {
                flush(&mut cur, &mut out);
                out.push(Tok::Bar);
            }
            '.' if chars[i..].starts_with(&['.', '.', '.']) => {
                flush(&mut cur, &mut out);
                out.push(Tok::Dots);
                i += 2;
            }
            c if c.is_whitespace() => flush(&mut cur, &mut out),
            c => cur.push(c),
        }
        i += 1;
    }
    flush(&mut cur, &mut out);
    out
}

fn is_token(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_uppercase())
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// alternatives := sequence ('|' sequence)*
    fn alternatives(&mut self) -> Vec<Vec<Arg>> {
        let mut alts = vec![self.sequence()];
        while self.peek() == Some(&Tok::Bar) {
            self.pos += 1;
            alts.push(self.sequence());
        }
        alts
    }

    fn sequence(&mut self) -> Vec<Arg> {
        let mut out = Vec::new();
        while let Some(t) = self.peek().cloned() {
            let mut arg = match t {
                Tok::Close | Tok::Bar => break,
                Tok::Dots => {
                    self.pos += 1;
                    continue;
                }
                Tok::Open(kind) => {
                    self.pos += 1;
                    let alts = self.alternatives();
                    if self.peek() == Some(&Tok::Close) {
                        self.pos += 1;
                    }
                    let mut a = group(alts);
                    a.optional |= kind == '[';
                    a
                }
                Tok::Word(w) => {
                    self.pos += 1;
                    self.atom(w)
                }
            };
            if self.peek() == Some(&Tok::Dots) {
                self.pos += 1;
                arg.multiple = true;
            }
            out.push(arg);
        }
        out
    }

    fn atom(&mut self, w: String) -> Arg {
        if is_token(&w) {
            // `TOKEN value` when a plain name follows, else a pure token.
            if let Some(Tok::Word(next)) = self.peek().cloned() {
                if !is_token(&next) {
                    self.pos += 1;
                    let mut a = value(&next);
                    a.token = Some(w);
                    return a;
                }
            }
            return Arg {
                name: w.to_ascii_lowercase(),
                kind: "pure-token".into(),
                token: Some(w),
                optional: false,
                multiple: false,
                args: vec![],
            };
        }
        value(&w)
    }
}

fn value(w: &str) -> Arg {
    const TYPES: &[&str] = &["string", "integer", "double", "key", "pattern", "unix-time"];
    let (name, kind) = match w.rsplit_once(':') {
        Some((n, k)) if TYPES.contains(&k) => (n, k),
        _ if w == "key" || w.ends_with("key") => (w, "key"),
        _ => (w, "string"),
    };
    Arg {
        name: name.into(),
        kind: kind.into(),
        token: None,
        optional: false,
        multiple: false,
        args: vec![],
    }
}

/// A bracketed group: one alternative of one argument is that argument;
/// one alternative of several is a block; several alternatives are a oneof.
fn group(mut alts: Vec<Vec<Arg>>) -> Arg {
    if alts.len() == 1 {
        let mut seq = alts.pop().unwrap_or_default();
        if seq.len() == 1 {
            return seq.pop().expect("one");
        }
        return Arg {
            name: seq
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join("-"),
            kind: "block".into(),
            token: None,
            optional: false,
            multiple: false,
            args: seq,
        };
    }
    let args: Vec<Arg> = alts.into_iter().map(|seq| group(vec![seq])).collect();
    Arg {
        name: args
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("-"),
        kind: "oneof".into(),
        token: None,
        optional: false,
        multiple: false,
        args,
    }
}

/// Parses a compact syntax string into argument docs.
pub fn parse(syntax: &str) -> Vec<Arg> {
    let mut p = Parser {
        toks: lex(syntax),
        pos: 0,
    };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        let alts = p.alternatives();
        if alts.len() == 1 {
            out.extend(alts.into_iter().flatten());
        } else {
            out.push(group(alts));
        }
        // Skip a stray closing bracket rather than loop on it.
        if p.peek() == Some(&Tok::Close) {
            p.pos += 1;
        }
    }
    out
}

fn to_reply(a: &Arg, key_index: &mut i64) -> Reply {
    let mut m = vec![
        (Reply::bulk_str("name"), Reply::bulk(a.name.clone())),
        (Reply::bulk_str("type"), Reply::bulk(a.kind.clone())),
    ];
    if a.kind == "key" {
        m.push((
            Reply::bulk_str("key_spec_index"),
            Reply::Int(0.max(*key_index)),
        ));
    }
    if let Some(t) = &a.token {
        m.push((Reply::bulk_str("token"), Reply::bulk(t.clone())));
    }
    let mut flags = Vec::new();
    if a.optional {
        flags.push(Reply::status("optional"));
    }
    if a.multiple {
        flags.push(Reply::status("multiple"));
    }
    if !flags.is_empty() {
        m.push((Reply::bulk_str("flags"), Reply::Set(flags)));
    }
    if !a.args.is_empty() {
        let nested = a.args.iter().map(|x| to_reply(x, key_index)).collect();
        m.push((Reply::bulk_str("arguments"), Reply::Array(nested)));
    }
    Reply::Map(m)
}

/// The `arguments` field of a command's COMMAND DOCS entry, if it documents any.
pub fn arguments(e: &TableEntry) -> Option<Reply> {
    if e.cmd.args.is_empty() {
        return None;
    }
    let mut key_index = 0;
    Some(Reply::Array(
        parse(e.cmd.args)
            .iter()
            .map(|a| to_reply(a, &mut key_index))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_syntax() {
        let a = parse(
            "key value [NX | XX] [GET] [EX seconds:integer | PX milliseconds:integer | KEEPTTL]",
        );
        assert_eq!(a.len(), 5);
        assert_eq!(a[0].kind, "key");
        assert_eq!(a[1].kind, "string");
        assert_eq!(a[2].kind, "oneof");
        assert!(a[2].optional);
        assert_eq!(a[2].args[0].kind, "pure-token");
        assert_eq!(a[2].args[0].token.as_deref(), Some("NX"));
        assert_eq!(a[3].kind, "pure-token");
        assert!(a[3].optional);
        let ex = &a[4].args[0];
        assert_eq!(
            (ex.name.as_str(), ex.kind.as_str(), ex.token.as_deref()),
            ("seconds", "integer", Some("EX"))
        );
        assert_eq!(a[4].args[2].kind, "pure-token");
    }

    #[test]
    fn repetition_and_blocks() {
        let a = parse("key... [COUNT count:integer] STREAMS key... id...");
        assert!(a[0].multiple);
        assert!(a[1].optional);
        assert_eq!(a[1].token.as_deref(), Some("COUNT"));
        assert_eq!(a[2].token.as_deref(), Some("STREAMS"));
        assert_eq!(a[2].kind, "key");
        let b = parse("(field value)...");
        assert_eq!(b[0].kind, "block");
        assert!(b[0].multiple);
        assert_eq!(b[0].args.len(), 2);
        assert!(parse("[unbalanced").len() == 1);
        assert!(parse("").is_empty());
    }
}
