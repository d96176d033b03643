//! Running cases: connections, the per-case reset, comparing observations,
//! and the report.
//!
//! Each case runs once per protocol. For each run, both servers are reset
//! (configuration a case changed restored, `FLUSHALL`, `CONFIG RESETSTAT`),
//! the case's steps run on fresh connections against both servers at once,
//! and every reply read is an *observation*. The two servers' observations
//! are compared in order, byte for byte (or after the case's normalisations),
//! and against any `=>` expectations.

use crate::case::{Action, Case, Mods, Payload, Step};
use crate::normalize::{self, IdMap};
use crate::resp::{self, quote, render, V};
use bytes::{Bytes, BytesMut};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a reply may take before the step fails (a hang fails, never blocks CI).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// What reading one reply gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Reply {
        raw: Bytes,
        v: V,
    },
    /// The server closed the connection (or it was already closed).
    Closed,
    Timeout,
    /// Bytes that are not a valid reply.
    Garbage {
        raw: Bytes,
        err: String,
    },
}

impl Outcome {
    /// The bytes compared: the raw reply, or its normalised re-encoding.
    fn canon(&self, case: &Case, mods: &Mods, ids: &mut IdMap) -> Vec<u8> {
        match self {
            Outcome::Reply { raw, v } => {
                if normalize::needed(case, mods) {
                    resp::to_wire(&normalize::apply(v, case, mods, ids))
                } else {
                    raw.to_vec()
                }
            }
            Outcome::Closed => b"<connection closed>".to_vec(),
            Outcome::Timeout => b"<no reply within 5 s>".to_vec(),
            Outcome::Garbage { raw, err } => {
                format!("<malformed reply: {err}: {}>", quote(raw)).into_bytes()
            }
        }
    }

    fn show(&self) -> String {
        match self {
            Outcome::Reply { raw, v } => {
                let mut r = quote(raw);
                if r.len() > 400 {
                    r.truncate(400);
                    r.push_str("...");
                }
                let mut s = render(v);
                if s.len() > 600 {
                    s.truncate(600);
                    s.push_str("...");
                }
                format!("{s}\n          raw {r}")
            }
            Outcome::Closed => "<connection closed>".into(),
            Outcome::Timeout => format!("<no reply within {} s>", REPLY_TIMEOUT.as_secs()),
            Outcome::Garbage { raw, err } => format!("<malformed reply: {err}: {}>", quote(raw)),
        }
    }
}

/// One client connection to a server under test.
pub struct Conn {
    stream: Option<TcpStream>,
    buf: BytesMut,
    /// The protocol the connection speaks (HELLO / RESET change it).
    pub resp3: bool,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = tokio::time::timeout(REPLY_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect"))??;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream: Some(stream),
            buf: BytesMut::with_capacity(4096),
            resp3: false,
        })
    }

    /// Sends bytes; a failed write marks the connection closed.
    pub async fn send(&mut self, bytes: &[u8]) {
        if let Some(s) = &mut self.stream {
            if s.write_all(bytes).await.is_err() {
                self.stream = None;
            }
        }
    }

    /// Reads exactly one reply, with [`REPLY_TIMEOUT`].
    pub async fn read(&mut self) -> Outcome {
        loop {
            if !self.buf.is_empty() {
                match resp::frame_len(&self.buf, self.resp3) {
                    Ok(Some(n)) => {
                        let raw = self.buf.split_to(n).freeze();
                        return match resp::parse(&raw) {
                            Ok((v, _)) => Outcome::Reply { raw, v },
                            Err(err) => Outcome::Garbage { raw, err },
                        };
                    }
                    Ok(None) => {}
                    Err(err) => {
                        let raw = self.buf.split().freeze();
                        self.stream = None;
                        return Outcome::Garbage { raw, err };
                    }
                }
            }
            let Some(s) = &mut self.stream else {
                self.buf.clear();
                return Outcome::Closed;
            };
            match tokio::time::timeout(REPLY_TIMEOUT, s.read_buf(&mut self.buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    self.stream = None;
                }
                Ok(Ok(_)) => {}
                Err(_) => {
                    // The connection is out of step now: nothing more is read from it.
                    self.stream = None;
                    self.buf.clear();
                    return Outcome::Timeout;
                }
            }
        }
    }

    /// Sends a command and reads its reply.
    pub async fn call(&mut self, args: &[&[u8]]) -> Outcome {
        self.send(&encode_command(args.iter().copied())).await;
        self.read().await
    }
}

/// RESP multibulk encoding of a command.
pub fn encode_command<'a>(args: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn eq_ic(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// A server under test and the state the harness keeps about it.
pub struct Target {
    pub name: &'static str,
    pub addr: SocketAddr,
    /// Harness connection used for resets and saving configuration.
    admin: Option<Conn>,
    /// Configuration a case changed: name → original value, restored at reset.
    changed: Vec<(Bytes, Bytes)>,
    /// A password a case set with CONFIG SET requirepass, to re-authenticate the admin connection.
    password: Option<Bytes>,
    /// For Sluice: the in-process server, so it can be replaced when it cannot reset itself.
    sluice: Option<sluice_server::ServerHandle>,
    /// Set once the fallback (fresh Sluice per case) had to be used.
    pub restarted: bool,
}

impl Target {
    pub fn redis(addr: SocketAddr) -> Target {
        Target {
            name: "redis",
            addr,
            admin: None,
            changed: vec![],
            password: None,
            sluice: None,
            restarted: false,
        }
    }

    pub fn sluice(handle: sluice_server::ServerHandle) -> Target {
        Target {
            name: "sluice",
            addr: handle.local_addr(),
            admin: None,
            changed: vec![],
            password: None,
            sluice: Some(handle),
            restarted: false,
        }
    }

    async fn admin(&mut self) -> Result<&mut Conn, String> {
        if self.admin.is_none() {
            let mut c = Conn::open(self.addr)
                .await
                .map_err(|e| format!("{}: cannot connect: {e}", self.name))?;
            if let Some(p) = &self.password {
                let _ = c.call(&[b"AUTH", p]).await;
            }
            self.admin = Some(c);
        }
        Ok(self.admin.as_mut().expect("just set"))
    }

    /// Runs an admin command that must not fail.
    async fn admin_call(&mut self, args: &[&[u8]]) -> Result<V, String> {
        let name = self.name;
        let out = self.admin().await?.call(args).await;
        match out {
            Outcome::Reply { v, .. } if !matches!(v, V::Error(_)) => Ok(v),
            other => {
                self.admin = None;
                let cmd: Vec<String> = args
                    .iter()
                    .map(|a| String::from_utf8_lossy(a).into())
                    .collect();
                Err(format!("{name}: `{}` gave {}", cmd.join(" "), other.show()))
            }
        }
    }

    /// Records the current value of each parameter a `CONFIG SET` is about to
    /// change; returns how many entries were recorded before this call.
    async fn save_config(&mut self, args: &[Bytes]) -> usize {
        let before = self.changed.len();
        for pair in args[2..].chunks(2) {
            let name = &pair[0];
            if eq_ic(name, "requirepass") {
                if let Some(p) = pair.get(1) {
                    self.password = Some(p.clone()).filter(|p| !p.is_empty());
                }
            }
            if self
                .changed
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                continue;
            }
            // The admin connection speaks RESP2: the reply is [name, value].
            if let Ok(V::Array(kv)) = self.admin_call(&[b"CONFIG", b"GET", name]).await {
                if let [_, V::Bulk(val)] = kv.as_slice() {
                    self.changed.push((name.clone(), val.clone()));
                }
            }
        }
        before
    }

    /// Returns the server to a clean state for the next case.
    async fn reset(&mut self) -> Result<(), String> {
        while let Some((name, val)) = self.changed.pop() {
            self.admin_call(&[b"CONFIG", b"SET", &name, &val]).await?;
        }
        self.password = None;
        self.admin_call(&[b"FLUSHALL"]).await?;
        self.admin_call(&[b"CONFIG", b"RESETSTAT"]).await?;
        Ok(())
    }

    /// Resets, or for Sluice while it cannot reset itself (commands missing),
    /// replaces the server with a fresh one, which is as clean.
    pub async fn prepare(&mut self) -> Result<(), String> {
        match self.reset().await {
            Ok(()) => Ok(()),
            Err(e) if self.sluice.is_some() => {
                if !self.restarted {
                    say!("note: sluice could not reset between cases ({e}); using a fresh Sluice server per case");
                    self.restarted = true;
                }
                self.admin = None;
                self.changed.clear();
                self.password = None;
                let old = self.sluice.take().expect("sluice");
                let _ = tokio::time::timeout(Duration::from_secs(2), old.shutdown()).await;
                let h = crate::servers::start_sluice().await;
                self.addr = h.local_addr();
                self.sluice = Some(h);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub async fn shutdown(mut self) {
        self.admin = None;
        if let Some(h) = self.sluice.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), h.shutdown()).await;
        }
    }
}

/// One reply read during a case run.
#[derive(Debug)]
pub struct Observation {
    /// Index of the step whose line is reported (the sending line for `cN<`),
    /// or None for the HELLO 3 sent when a connection opened in a RESP3 run.
    pub step: Option<usize>,
    /// Step that read it (carries the expectations).
    pub read_step: Option<usize>,
    pub conn: u8,
    pub mods: Mods,
    pub outcome: Outcome,
}

/// Runs one case on one server in one protocol.
pub async fn run_case(
    target: &mut Target,
    case: &Case,
    proto: u8,
) -> Result<Vec<Observation>, String> {
    let mut conns: HashMap<u8, Conn> = HashMap::new();
    let mut pending: HashMap<u8, VecDeque<usize>> = HashMap::new();
    let mut obs = Vec::new();
    for (i, step) in case.steps.iter().enumerate() {
        if let Action::Sleep(ms) = step.action {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            continue;
        }
        if let Action::Forget = step.action {
            pending.remove(&step.conn);
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = conns.entry(step.conn) {
            let mut c = Conn::open(target.addr)
                .await
                .map_err(|e| format!("{}: cannot connect: {e}", target.name))?;
            if proto == 3 {
                c.send(&encode_command([&b"HELLO"[..], b"3"].into_iter()))
                    .await;
                let outcome = c.read().await;
                if let Outcome::Reply { v: V::Map(_), .. } = &outcome {
                    c.resp3 = true;
                }
                obs.push(Observation {
                    step: None,
                    read_step: None,
                    conn: step.conn,
                    mods: Mods {
                        shape: true,
                        builtin_modules: true,
                        ..Mods::default()
                    },
                    outcome,
                });
            }
            slot.insert(c);
        }
        match &step.action {
            Action::Sleep(_) | Action::Forget => unreachable!(),
            Action::Send { payload, wait } => {
                let mut saved = None;
                let bytes = match payload {
                    Payload::Command(args) => {
                        if args.len() >= 4 && eq_ic(&args[0], "config") && eq_ic(&args[1], "set") {
                            saved = Some(target.save_config(args).await);
                        }
                        encode_command(args.iter().map(|a| &a[..]))
                    }
                    Payload::Raw(b) | Payload::Inline(b) => b.to_vec(),
                };
                let c = conns.get_mut(&step.conn).expect("opened");
                c.send(&bytes).await;
                if *wait {
                    let outcome = c.read().await;
                    track_protocol(c, payload, &outcome);
                    // CONFIG SET is all or nothing: a refused one changed nothing to restore.
                    if let (Some(n), Outcome::Reply { v: V::Error(_), .. }) = (saved, &outcome) {
                        target.changed.truncate(n);
                    }
                    obs.push(Observation {
                        step: Some(i),
                        read_step: Some(i),
                        conn: step.conn,
                        mods: Mods {
                            builtin_modules: lists_modules(payload),
                            idmp_defaults: case.since.is_none() && shows_idmp_fields(payload),
                            ..step.mods
                        },
                        outcome,
                    });
                } else {
                    pending.entry(step.conn).or_default().push_back(i);
                }
            }
            Action::Read => {
                let sent = pending
                    .get_mut(&step.conn)
                    .and_then(|q| q.pop_front())
                    .expect("checked when parsed");
                let c = conns.get_mut(&step.conn).expect("opened");
                let outcome = c.read().await;
                if let Action::Send { payload, .. } = &case.steps[sent].action {
                    track_protocol(c, payload, &outcome);
                }
                let m = case.steps[sent].mods;
                let r = step.mods;
                obs.push(Observation {
                    step: Some(sent),
                    read_step: Some(i),
                    conn: step.conn,
                    mods: Mods {
                        shape: m.shape || r.shape,
                        type_only: m.type_only || r.type_only,
                        ints: m.ints || r.ints,
                        sorted: m.sorted || r.sorted,
                        ints_at: m.ints_at.or(r.ints_at),
                        builtin_modules: match &case.steps[sent].action {
                            Action::Send { payload, .. } => lists_modules(payload),
                            _ => false,
                        },
                        idmp_defaults: case.since.is_none()
                            && match &case.steps[sent].action {
                                Action::Send { payload, .. } => shows_idmp_fields(payload),
                                _ => false,
                            },
                    },
                    outcome,
                });
            }
        }
    }
    Ok(obs)
}

/// Whether the reply to `payload` may list the server's modules (HELLO's
/// `modules` field, MODULE LIST, and EXEC, whose reply holds a queued
/// HELLO's), where Redis 8 shows its built-in `vectorset`
/// ([`normalize::drop_builtin_modules`]).
fn lists_modules(payload: &Payload) -> bool {
    let Payload::Command(args) = payload else {
        return false;
    };
    match args.first() {
        Some(a) if eq_ic(a, "hello") || eq_ic(a, "exec") => true,
        Some(a) if eq_ic(a, "module") => args.get(1).is_some_and(|b| eq_ic(b, "list")),
        _ => false,
    }
}

/// Whether the reply to `payload` may hold XINFO STREAM's IDMP fields
/// (XINFO STREAM, and EXEC, whose reply holds a queued one's), which Redis
/// 8.6 added and Redis 8.0 lacks ([`normalize::drop_idmp_defaults`]).
fn shows_idmp_fields(payload: &Payload) -> bool {
    let Payload::Command(args) = payload else {
        return false;
    };
    match args.first() {
        Some(a) if eq_ic(a, "exec") => true,
        Some(a) if eq_ic(a, "xinfo") => args.get(1).is_some_and(|b| eq_ic(b, "stream")),
        _ => false,
    }
}

/// Follows HELLO and RESET so the right decoder frames the next replies.
fn track_protocol(c: &mut Conn, payload: &Payload, outcome: &Outcome) {
    let Payload::Command(args) = payload else {
        return;
    };
    let Outcome::Reply { v, .. } = outcome else {
        return;
    };
    if matches!(v, V::Error(_)) {
        return;
    }
    if eq_ic(&args[0], "hello") && args.len() >= 2 {
        if &args[1][..] == b"3" {
            c.resp3 = true;
        } else if &args[1][..] == b"2" {
            c.resp3 = false;
        }
    } else if eq_ic(&args[0], "reset") {
        c.resp3 = false;
    }
}

/// The result of one case in one protocol.
pub struct RunResult {
    pub file: PathBuf,
    pub case: String,
    pub line: usize,
    pub proto: u8,
    /// Empty when it passed.
    pub problems: Vec<String>,
}

fn step_label(case: &Case, obs: &Observation) -> String {
    match obs.step {
        Some(i) => {
            let s: &Step = &case.steps[i];
            let mut label = format!("line {}: {}", s.line, s.text);
            if let Some(r) = obs.read_step {
                if r != i {
                    label.push_str(&format!(" (read at line {})", case.steps[r].line));
                }
            }
            label
        }
        None => format!("HELLO 3 on opening c{} (compared by shape)", obs.conn),
    }
}

/// The expectation for a step in a protocol: a protocol-specific one wins.
fn expectation(step: &Step, proto: u8) -> Option<V> {
    step.expect
        .iter()
        .find(|(p, _)| *p == Some(proto))
        .or_else(|| step.expect.iter().find(|(p, _)| p.is_none()))
        .map(|(_, e)| e.to_v(proto == 3))
}

/// Compares the observations of one run and returns the problems found.
pub fn compare(
    case: &Case,
    proto: u8,
    redis: Option<&[Observation]>,
    sluice: &[Observation],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids_r = IdMap::default();
    let mut ids_s = IdMap::default();
    if let Some(r) = redis {
        if r.len() != sluice.len() {
            problems.push(format!(
                "redis gave {} replies and sluice {}",
                r.len(),
                sluice.len()
            ));
        }
    }
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok_and(|v| v == "1");
    for (k, s) in sluice.iter().enumerate() {
        let label = step_label(case, s);
        if verbose {
            let first = redis.and_then(|r| r.get(k)).unwrap_or(s);
            say!("  [RESP{proto}] {label}\n      => {}", first.outcome.show());
        }
        let cs = s.outcome.canon(case, &s.mods, &mut ids_s);
        if let Some(r) = redis.and_then(|r| r.get(k)) {
            let cr = r.outcome.canon(case, &r.mods, &mut ids_r);
            if cr != cs {
                let mut p = format!(
                    "{label}\n    redis:  {}\n    sluice: {}",
                    r.outcome.show(),
                    s.outcome.show()
                );
                if normalize::needed(case, &s.mods) {
                    p.push_str(&format!(
                        "\n    compared (normalised): redis {} / sluice {}",
                        quote(&cr),
                        quote(&cs)
                    ));
                }
                problems.push(p);
            } else if let Some(exp) = s.read_step.and_then(|i| expectation(&case.steps[i], proto)) {
                let ce = resp::to_wire(&normalize::apply(
                    &exp,
                    case,
                    &s.mods,
                    &mut IdMap::default(),
                ));
                let plain = resp::to_wire(&exp);
                let want = if normalize::needed(case, &s.mods) {
                    ce
                } else {
                    plain
                };
                if want != cr {
                    problems.push(format!(
                        "{label}\n    expected: {}\n    redis and sluice: {}",
                        render(&exp),
                        r.outcome.show()
                    ));
                }
            }
        } else if redis.is_none() {
            let Some(exp) = s.read_step.and_then(|i| expectation(&case.steps[i], proto)) else {
                continue;
            };
            let want = if normalize::needed(case, &s.mods) {
                resp::to_wire(&normalize::apply(
                    &exp,
                    case,
                    &s.mods,
                    &mut IdMap::default(),
                ))
            } else {
                resp::to_wire(&exp)
            };
            if want != cs {
                problems.push(format!(
                    "{label}\n    expected: {}\n    sluice:   {}",
                    render(&exp),
                    s.outcome.show()
                ));
            }
        }
    }
    problems
}

/// Totals and failures of a whole suite run.
#[derive(Default)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    /// (file, passed, failed)
    pub files: Vec<(String, usize, usize)>,
    /// `file:line case [RESPn]` for each failed run.
    pub failures: Vec<String>,
}

/// Every `*.case` file under `dir`, sorted.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "case") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Runs every case file under `dir` whose path contains `filter` (if any)
/// against both servers, printing failures as they happen.
pub async fn run_suite(
    dir: &Path,
    filter: Option<&str>,
    redis: &mut Target,
    sluice: &mut Target,
) -> Report {
    let mut report = Report::default();
    let root = dir.parent().unwrap_or(dir);
    for file in case_files(dir) {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        if let Some(f) = filter {
            if !rel.contains(f) {
                continue;
            }
        }
        let (mut p, mut f) = (0, 0);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                say!("FAIL {rel}: cannot read: {e}");
                report.failed += 1;
                report.failures.push(format!("{rel}: unreadable"));
                continue;
            }
        };
        let cases = match crate::case::parse_file(&text) {
            Ok(c) => c,
            Err((line, e)) => {
                say!("FAIL {rel}:{line}: case file error: {e}");
                report.failed += 1;
                report.files.push((rel.clone(), 0, 1));
                report
                    .failures
                    .push(format!("{rel}:{line} (case file error)"));
                continue;
            }
        };
        for case in &cases {
            if case.since.is_some() && sluice.sluice.is_none() {
                continue;
            }
            for proto in case.protocols() {
                let problems = run_one(case, proto, redis, sluice).await;
                if problems.is_empty() {
                    p += 1;
                } else {
                    f += 1;
                    let kind = if case.since.is_some() {
                        format!(
                            " (@since {}, sluice only)",
                            case.since.as_deref().unwrap_or("")
                        )
                    } else {
                        String::new()
                    };
                    say!(
                        "FAIL {rel}:{} case {:?} [RESP{proto}]{kind}",
                        case.line,
                        case.name
                    );
                    for pr in problems.iter().take(6) {
                        say!("  {pr}");
                    }
                    if problems.len() > 6 {
                        say!("  ... and {} more mismatches", problems.len() - 6);
                    }
                    report
                        .failures
                        .push(format!("{rel}:{} {:?} [RESP{proto}]", case.line, case.name));
                }
            }
        }
        say!("{rel}: {p} passed, {f} failed");
        report.passed += p;
        report.failed += f;
        report.files.push((rel, p, f));
    }
    report
}

async fn run_one(case: &Case, proto: u8, redis: &mut Target, sluice: &mut Target) -> Vec<String> {
    let since = case.since.is_some();
    let prep = if since {
        sluice.prepare().await
    } else {
        let (a, b) = tokio::join!(redis.prepare(), sluice.prepare());
        a.and(b)
    };
    if let Err(e) = prep {
        return vec![format!("reset failed: {e}")];
    }
    if since {
        match run_case(sluice, case, proto).await {
            Ok(s) => compare(case, proto, None, &s),
            Err(e) => vec![e],
        }
    } else {
        let (r, s) = tokio::join!(run_case(redis, case, proto), run_case(sluice, case, proto));
        match (r, s) {
            (Ok(r), Ok(s)) => compare(case, proto, Some(&r), &s),
            (Err(e), _) | (_, Err(e)) => vec![e],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::parse_file;

    fn reply(wire: &[u8]) -> Observation {
        let (v, _) = resp::parse(wire).unwrap();
        Observation {
            step: Some(0),
            read_step: Some(0),
            conn: 1,
            mods: Mods::default(),
            outcome: Outcome::Reply {
                raw: Bytes::copy_from_slice(wire),
                v,
            },
        }
    }

    #[test]
    fn compare_reports_differences_and_only_them() {
        let case = &parse_file("=== c\nGET a\n").unwrap()[0];
        let same = compare(
            case,
            2,
            Some(&[reply(b"$1\r\nx\r\n")]),
            &[reply(b"$1\r\nx\r\n")],
        );
        assert!(same.is_empty(), "{same:?}");
        let diff = compare(
            case,
            2,
            Some(&[reply(b"$1\r\nx\r\n")]),
            &[reply(b"$1\r\ny\r\n")],
        );
        assert_eq!(diff.len(), 1);
        assert!(diff[0].contains("line 2: GET a"), "{}", diff[0]);
        // A reply missing on one side is a difference too.
        assert!(!compare(case, 2, Some(&[reply(b"+OK\r\n")]), &[]).is_empty());
        let closed = Observation {
            outcome: Outcome::Closed,
            ..reply(b"+OK\r\n")
        };
        assert!(!compare(case, 2, Some(&[reply(b"+OK\r\n")]), &[closed]).is_empty());
    }

    #[test]
    fn expectations_are_checked_against_both_and_alone() {
        let case = &parse_file("=== c\nGET a\n=>2 \"x\"\n=>3 nil\n").unwrap()[0];
        let x = || reply(b"$1\r\nx\r\n");
        // Equal replies that disagree with the expectation fail.
        assert!(!compare(case, 3, Some(&[x()]), &[x()]).is_empty());
        assert!(compare(case, 2, Some(&[x()]), &[x()]).is_empty());
        // @since style: Sluice alone.
        assert!(compare(case, 2, None, &[x()]).is_empty());
        assert!(!compare(case, 2, None, &[reply(b"$-1\r\n")]).is_empty());
        assert!(compare(case, 3, None, &[reply(b"_\r\n")]).is_empty());
    }

    #[test]
    fn normalised_comparison_ignores_only_what_it_masks() {
        let case = &parse_file("=== c\n?ints XPENDING s g - + 10\n").unwrap()[0];
        let mut a = reply(b"*2\r\n$1\r\nx\r\n:10\r\n");
        let mut b = reply(b"*2\r\n$1\r\nx\r\n:99\r\n");
        a.mods = case.steps[0].mods;
        b.mods = case.steps[0].mods;
        assert!(compare(case, 2, Some(&[a]), &[b]).is_empty());
        let mut c = reply(b"*2\r\n$1\r\ny\r\n:99\r\n");
        c.mods = case.steps[0].mods;
        let mut a = reply(b"*2\r\n$1\r\nx\r\n:10\r\n");
        a.mods = case.steps[0].mods;
        assert!(!compare(case, 2, Some(&[a]), &[c]).is_empty());
    }
}
