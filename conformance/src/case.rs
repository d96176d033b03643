//! Case files: parsing `conformance/cases/**/*.case` into [`Case`]s.
//!
//! The format is specified in `conformance/README.md`; this module is its one
//! implementation. Parsing is strict: anything the harness does not understand
//! is an error naming the file and line, never silently skipped.

use crate::expect::{self, Exp};
use bytes::Bytes;

/// How a reply is compared (per line, from `?word` modifiers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mods {
    /// `?shape`: compare types and aggregate lengths only (errors stay exact).
    pub shape: bool,
    /// `?type`: compare the top-level type only (errors stay exact).
    pub type_only: bool,
    /// `?ints`: every integer is masked (must still be an integer on both).
    pub ints: bool,
    /// `?sorted`: every aggregate's elements are compared as a sorted list.
    pub sorted: bool,
    /// `?ints@N`: the integer at index N of every array is masked (a timing
    /// column in positional rows, e.g. XPENDING's idle time), the others
    /// stay compared.
    pub ints_at: Option<u8>,
    /// Not written in cases: set by the runner on the replies of HELLO, MODULE
    /// LIST and EXEC (which may hold a HELLO's), where Redis 8 lists its
    /// built-in `vectorset` module (Sluice has no modules); that entry is
    /// dropped on both sides.
    pub builtin_modules: bool,
    /// Not written in cases: set by the runner on the replies of XINFO
    /// STREAM and EXEC in differential cases (never `@since` ones): the six
    /// IDMP fields Redis 8.6 added to XINFO STREAM, which Redis 8.0 lacks,
    /// are dropped on both sides when they hold the values of a stream that
    /// never used IDMP ([`crate::normalize::drop_idmp_defaults`]).
    pub idmp_defaults: bool,
}

impl Mods {
    pub fn any(&self) -> bool {
        self.shape
            || self.type_only
            || self.ints
            || self.sorted
            || self.ints_at.is_some()
            || self.builtin_modules
            || self.idmp_defaults
    }
}

/// What a line sends.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// A command, sent as a RESP multibulk array.
    Command(Vec<Bytes>),
    /// `?raw "..."`: these exact bytes.
    Raw(Bytes),
    /// `?inline text`: the text and `\r\n`, as an inline command.
    Inline(Bytes),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Send, then (unless `wait` is false) read and compare one reply.
    Send { payload: Payload, wait: bool },
    /// `cN<`: read and compare the oldest reply still pending on the connection.
    Read,
    /// `@sleep ms`
    Sleep(u64),
    /// `@forget cN`: the replies still pending on the connection will never
    /// come (CLIENT REPLY OFF / SKIP); stop expecting them.
    Forget,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 1-based line in the file.
    pub line: usize,
    /// The line as written (for reports).
    pub text: String,
    /// Connection number, 1..=9.
    pub conn: u8,
    pub action: Action,
    pub mods: Mods,
    /// `=>` expectations: (protocol restriction, expected value).
    pub expect: Vec<(Option<u8>, Exp)>,
}

impl Step {
    /// Whether this step reads a reply (and so can carry expectations).
    pub fn reads(&self) -> bool {
        matches!(self.action, Action::Read | Action::Send { wait: true, .. })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Case {
    pub name: String,
    pub line: usize,
    /// `@since X`: Sluice only, against the `=>` expectations.
    pub since: Option<String>,
    /// `@resp 2` / `@resp 3`: run in that protocol only.
    pub resp: Option<u8>,
    /// `@normalize ids`
    pub normalize_ids: bool,
    /// `@mask field ...`: integers following these keys in map-like replies.
    pub masks: Vec<Bytes>,
    pub steps: Vec<Step>,
}

impl Case {
    pub fn protocols(&self) -> Vec<u8> {
        match self.resp {
            Some(p) => vec![p],
            None => vec![2, 3],
        }
    }
}

/// Parses a whole case file. Errors carry the 1-based line number.
pub fn parse_file(text: &str) -> Result<Vec<Case>, (usize, String)> {
    let mut cases: Vec<Case> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches(['\r', ' ', '\t']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix("===") {
            cases.push(Case {
                name: name.trim().to_string(),
                line: n,
                ..Case::default()
            });
            continue;
        }
        let Some(case) = cases.last_mut() else {
            return Err((n, "line outside a case (start one with `=== name`)".into()));
        };
        parse_line(case, n, trimmed).map_err(|e| (n, e))?;
    }
    for c in &cases {
        check_case(c)?;
    }
    Ok(cases)
}

fn check_case(c: &Case) -> Result<(), (usize, String)> {
    if c.steps.is_empty() {
        return Err((c.line, format!("case {:?} has no steps", c.name)));
    }
    if c.since.is_some() {
        for s in &c.steps {
            if s.reads() && s.expect.is_empty() {
                return Err((
                    s.line,
                    "every reply in an @since case needs a `=>` expectation".into(),
                ));
            }
            if s.reads() {
                // Both protocols must be covered.
                for p in c.protocols() {
                    if !s.expect.iter().any(|(q, _)| q.is_none() || *q == Some(p)) {
                        return Err((s.line, format!("no expectation for RESP{p}")));
                    }
                }
            }
        }
    }
    // A connection's replies are read in order: a waiting command on a
    // connection with unread replies would read the wrong one.
    let mut pending = [0usize; 10];
    for s in &c.steps {
        let p = &mut pending[s.conn as usize];
        match &s.action {
            Action::Send { wait: false, .. } => *p += 1,
            Action::Send { wait: true, .. } if *p > 0 => {
                return Err((
                    s.line,
                    format!(
                        "c{} has unread replies: read them with `c{}<` first",
                        s.conn, s.conn
                    ),
                ))
            }
            Action::Read if *p == 0 => {
                return Err((s.line, format!("c{}< but nothing is pending", s.conn)))
            }
            Action::Read => *p -= 1,
            Action::Forget => *p = 0,
            _ => {}
        }
    }
    Ok(())
}

fn parse_line(case: &mut Case, n: usize, line: &str) -> Result<(), String> {
    // Expectations.
    if let Some(rest) = line.strip_prefix("=>") {
        let (proto, rest) = match rest.as_bytes().first() {
            Some(b'2') => (Some(2), &rest[1..]),
            Some(b'3') => (Some(3), &rest[1..]),
            _ => (None, rest),
        };
        let exp = expect::parse(rest.trim())?;
        let Some(step) = case.steps.last_mut() else {
            return Err("`=>` before any command".into());
        };
        if !step.reads() {
            return Err(
                "`=>` must follow a line that reads a reply (`cmd`, `cN>` or `cN<`)".into(),
            );
        }
        step.expect.push((proto, exp));
        return Ok(());
    }
    // Directives.
    if let Some(rest) = line.strip_prefix('@') {
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        match (name, args.as_slice()) {
            ("since", [v]) => case.since = Some(v.to_string()),
            ("resp", ["2"]) => case.resp = Some(2),
            ("resp", ["3"]) => case.resp = Some(3),
            ("normalize", ["ids"]) => case.normalize_ids = true,
            ("mask", fields) if !fields.is_empty() => case
                .masks
                .extend(fields.iter().map(|f| Bytes::copy_from_slice(f.as_bytes()))),
            ("forget", [conn]) => {
                let b = conn.as_bytes();
                if b.len() != 2 || b[0] != b'c' || !(b'1'..=b'9').contains(&b[1]) {
                    return Err(format!("bad @forget {conn:?}: use c1..c9"));
                }
                case.steps.push(Step {
                    line: n,
                    text: line.to_string(),
                    conn: b[1] - b'0',
                    action: Action::Forget,
                    mods: Mods::default(),
                    expect: vec![],
                });
            }
            ("sleep", [ms]) => {
                let ms: u64 = ms.parse().map_err(|_| format!("bad @sleep {ms:?}"))?;
                if ms > 5000 {
                    return Err("@sleep longer than 5000 ms: keep the suite fast".into());
                }
                case.steps.push(Step {
                    line: n,
                    text: line.to_string(),
                    conn: 1,
                    action: Action::Sleep(ms),
                    mods: Mods::default(),
                    expect: vec![],
                });
            }
            _ => return Err(format!("unknown directive `{line}`")),
        }
        return Ok(());
    }
    // Connection prefix.
    let (conn, kind, rest) = conn_prefix(line)?;
    let (mods, raw_mode, rest) = modifiers(rest)?;
    let action = match kind {
        Kind::Read => {
            if raw_mode.is_some() || !rest.trim().is_empty() {
                return Err("`cN<` takes only comparison modifiers".into());
            }
            Action::Read
        }
        Kind::Send { wait } => {
            let payload = match raw_mode {
                Some(RawMode::Raw) => {
                    let parts = sluice_server::protocol::request::split_args(rest.as_bytes())
                        .ok_or("unbalanced quotes")?;
                    if parts.len() != 1 {
                        return Err("?raw takes one quoted string".into());
                    }
                    Payload::Raw(parts.into_iter().next().expect("one"))
                }
                Some(RawMode::Inline) => {
                    let mut b = rest.as_bytes().to_vec();
                    b.extend_from_slice(b"\r\n");
                    Payload::Inline(Bytes::from(b))
                }
                None => {
                    let args = sluice_server::protocol::request::split_args(rest.as_bytes())
                        .ok_or("unbalanced quotes")?;
                    if args.is_empty() {
                        return Err("empty command".into());
                    }
                    Payload::Command(args)
                }
            };
            Action::Send { payload, wait }
        }
    };
    case.steps.push(Step {
        line: n,
        text: line.to_string(),
        conn,
        action,
        mods,
        expect: vec![],
    });
    Ok(())
}

enum Kind {
    Send { wait: bool },
    Read,
}

/// `cN> `, `cN&> `, `cN<`, `&> ` or nothing (connection 1).
fn conn_prefix(line: &str) -> Result<(u8, Kind, &str), String> {
    let b = line.as_bytes();
    if b.len() >= 2 && b[0] == b'c' && b[1].is_ascii_digit() {
        let conn = b[1] - b'0';
        if conn == 0 {
            return Err("connections are c1..c9".into());
        }
        let rest = &line[2..];
        if let Some(r) = rest.strip_prefix("&>") {
            return Ok((conn, Kind::Send { wait: false }, r.trim_start()));
        }
        if let Some(r) = rest.strip_prefix('>') {
            return Ok((conn, Kind::Send { wait: true }, r.trim_start()));
        }
        if let Some(r) = rest.strip_prefix('<') {
            return Ok((conn, Kind::Read, r));
        }
        // Otherwise a command that happens to start with c + digit? Commands don't.
        return Err(format!("bad connection prefix in `{line}`"));
    }
    if let Some(r) = line.strip_prefix("&>") {
        return Ok((1, Kind::Send { wait: false }, r.trim_start()));
    }
    Ok((1, Kind::Send { wait: true }, line))
}

enum RawMode {
    Raw,
    Inline,
}

fn modifiers(mut rest: &str) -> Result<(Mods, Option<RawMode>, &str), String> {
    let mut mods = Mods::default();
    let mut raw = None;
    loop {
        rest = rest.trim_start();
        if !rest.starts_with('?') {
            return Ok((mods, raw, rest));
        }
        let end = rest.find(' ').unwrap_or(rest.len());
        match &rest[..end] {
            "?shape" => mods.shape = true,
            "?type" => mods.type_only = true,
            "?ints" => mods.ints = true,
            "?sorted" => mods.sorted = true,
            m if m.starts_with("?ints@") => {
                let n = m["?ints@".len()..]
                    .parse::<u8>()
                    .map_err(|_| format!("bad column in modifier {m}"))?;
                mods.ints_at = Some(n);
            }
            "?raw" => raw = Some(RawMode::Raw),
            "?inline" => {
                // Everything after `?inline ` is the line, verbatim.
                let text = rest[end..].strip_prefix(' ').unwrap_or("");
                return Ok((mods, Some(RawMode::Inline), text));
            }
            m => return Err(format!("unknown modifier {m}")),
        }
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_common_md_example() {
        let text = "# comment\n=== xadd\nXADD s 1-1 f v\nc2> XLEN s\n=> 1\nc2&> XREAD BLOCK 0 STREAMS s $\nXADD s 2-1 f v\nc2<\n@sleep 50\n";
        let cases = parse_file(text).unwrap();
        assert_eq!(cases.len(), 1);
        let c = &cases[0];
        assert_eq!(c.steps.len(), 6);
        assert_eq!(c.steps[1].conn, 2);
        assert_eq!(c.steps[1].expect.len(), 1);
        assert_eq!(c.steps[2].action, {
            let args = ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"];
            Action::Send {
                payload: Payload::Command(args.iter().map(|a| Bytes::from(*a)).collect()),
                wait: false,
            }
        });
        assert_eq!(c.steps[5].action, Action::Sleep(50));
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        assert!(parse_file("PING\n").is_err());
        assert!(parse_file("=== a\n@frobnicate\nPING\n").is_err());
        assert!(parse_file("=== a\nc2<\n").is_err());
        assert!(parse_file("=== a\nc2&> PING\nc2> PING\n").is_err());
        assert!(parse_file("=== a\n@since 8.2\nPING\n").is_err());
        assert!(parse_file("=== a\n@since 8.2\nPING\n=>2 +PONG\n").is_err());
        assert!(parse_file("=== a\n@since 8.2\nPING\n=> +PONG\n").is_ok());
        assert!(parse_file("=== a\nc2&> PING\n@forget c2\nc2> PING\n").is_ok());
        assert!(parse_file("=== a\n@forget x2\nPING\n").is_err());
    }

    #[test]
    fn ints_at_modifier() {
        let c = &parse_file("=== a\n?ints@2 XPENDING s g - + 10\n").unwrap()[0];
        assert_eq!(c.steps[0].mods.ints_at, Some(2));
        assert!(parse_file("=== a\n?ints@x XPENDING s g - + 10\n").is_err());
    }

    #[test]
    fn modifiers_and_raw() {
        let c = &parse_file("=== a\nc3> ?sorted ?ints KEYS *\n?raw \"*1\\r\\n$4\\r\\nPING\\r\\n\"\n?inline SET \"a b\n")
            .unwrap()[0];
        assert!(c.steps[0].mods.sorted && c.steps[0].mods.ints);
        assert_eq!(c.steps[0].conn, 3);
        assert_eq!(
            c.steps[1].action,
            Action::Send {
                payload: Payload::Raw(Bytes::from_static(b"*1\r\n$4\r\nPING\r\n")),
                wait: true
            }
        );
        assert_eq!(
            c.steps[2].action,
            Action::Send {
                payload: Payload::Inline(Bytes::from_static(b"SET \"a b\r\n")),
                wait: true
            }
        );
    }
}
