//! Configuration: the startup settings (redis-server's command line and
//! redis.conf syntax) and the runtime parameters CONFIG GET / SET serve.
//!
//! Every parameter Sluice knows is one row of [`params()`]. A directive given at
//! startup that is not in the table is reported in a startup warning, never
//! silently dropped. Parameters the hot path reads (node sizes, bulk limit,
//! `maxclients` at accept, `timeout` in the idle sweep) are mirrored in
//! atomics so they are read without a lock, and a CONFIG SET applies at once.

use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};

/// How a parameter's value is checked on CONFIG SET.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Any string.
    Str,
    /// `yes` or `no`.
    Bool,
    /// An integer within bounds; memory units (`1gb`, `64mb`) accepted when `mem`.
    Int { min: i64, max: i64, mem: bool },
    /// One of a list of words.
    Enum(&'static [&'static str]),
    /// Accepted and stored, but Sluice does not act on it (persistence...).
    Ignored,
}

/// One known parameter: its name, default and kind.
pub struct Param {
    pub name: &'static str,
    pub default: &'static str,
    pub kind: Kind,
    /// False for parameters only settable at startup.
    pub mutable: bool,
}

const fn p(name: &'static str, default: &'static str, kind: Kind, mutable: bool) -> Param {
    Param {
        name,
        default,
        kind,
        mutable,
    }
}

const INT: fn(i64, i64) -> Kind = |min, max| Kind::Int {
    min,
    max,
    mem: false,
};
const MEM: fn(i64, i64) -> Kind = |min, max| Kind::Int {
    min,
    max,
    mem: true,
};

/// Every parameter Sluice has, sorted by name.
pub fn params() -> Vec<Param> {
    let mut v = vec![
        // Sluice keeps no files: persistence settings are accepted (and
        // checked like Redis checks them) so redis.conf files and tools that
        // set them work, but they change nothing.
        p("appendonly", "no", Kind::Bool, true),
        p("bind", "127.0.0.1", Kind::Str, false),
        p(
            "client-query-buffer-limit",
            "1073741824",
            MEM(1024 * 1024, i64::MAX),
            true,
        ),
        p("daemonize", "no", Kind::Bool, false),
        p("databases", "16", INT(1, i32::MAX as i64), false),
        p("dir", "", Kind::Str, true),
        p("logfile", "", Kind::Str, false),
        p("pidfile", "", Kind::Str, false),
        p(
            "loglevel",
            "notice",
            Kind::Enum(&["debug", "verbose", "notice", "warning"]),
            true,
        ),
        p("maxclients", "10000", INT(1, u32::MAX as i64), true),
        p("port", "6379", INT(0, 65535), false),
        p("protected-mode", "yes", Kind::Bool, true),
        p(
            "proto-max-bulk-len",
            "536870912",
            MEM(1024 * 1024, i64::MAX),
            true,
        ),
        p("requirepass", "", Kind::Str, true),
        p("save", "", Kind::Ignored, true),
        // Redis 8.6 IDMP defaults for new streams (docs/redis8.md).
        p("stream-idmp-duration", "100", INT(1, 86400), true),
        p("stream-idmp-maxsize", "100", INT(1, 10000), true),
        p("stream-node-max-bytes", "4096", MEM(0, i64::MAX), true),
        p("stream-node-max-entries", "100", INT(0, i64::MAX), true),
        p("timeout", "0", INT(0, i32::MAX as i64), true),
    ];
    v.sort_by_key(|p| p.name);
    v
}

/// Parses an integer with Redis's memory units (`1k`, `1kb`, `1m`, `1mb`, `1g`, `1gb`).
pub fn parse_memory(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    let units: [(&str, i64); 6] = [
        ("kb", 1024),
        ("mb", 1024 * 1024),
        ("gb", 1024 * 1024 * 1024),
        ("k", 1000),
        ("m", 1000 * 1000),
        ("g", 1000 * 1000 * 1000),
    ];
    for (u, mul) in units {
        if let Some(num) = lower.strip_suffix(u) {
            return num.parse::<i64>().ok()?.checked_mul(mul);
        }
    }
    lower.parse().ok()
}

/// Parameters CONFIG SET refuses as Redis does with "can't set protected
/// config" (they name files the server would write).
pub const PROTECTED: &[&str] = &["dir"];

/// Startup configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Every directive given, by name, last one winning.
    pub values: BTreeMap<String, String>,
    /// Directives given that Sluice does not know.
    pub unknown: Vec<String>,
    /// The configuration file read at startup, if any (INFO `config_file`).
    pub file: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let values = params()
            .into_iter()
            .map(|p| (p.name.to_string(), p.default.to_string()))
            .collect();
        Config {
            values,
            unknown: Vec::new(),
            file: None,
        }
    }
}

impl Config {
    /// Parses redis-server's command line: an optional config file first, then
    /// `--name value...` pairs.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        let mut rest = args;
        if let Some(first) = args.first() {
            if !first.starts_with("--") {
                let text = std::fs::read_to_string(first)
                    .map_err(|e| format!("Fatal error, can't open config file '{first}': {e}"))?;
                cfg.apply_text(&text)?;
                cfg.file = Some(
                    std::fs::canonicalize(first)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|_| first.clone()),
                );
                rest = &args[1..];
            }
        }
        let mut i = 0;
        while i < rest.len() {
            let name = rest[i]
                .strip_prefix("--")
                .ok_or_else(|| format!("Invalid argument '{}'", rest[i]))?;
            let mut vals = Vec::new();
            i += 1;
            while i < rest.len() && !rest[i].starts_with("--") {
                vals.push(rest[i].clone());
                i += 1;
            }
            cfg.set(name, &vals.join(" "))?;
        }
        Ok(cfg)
    }

    /// Applies redis.conf-style text: one `name value...` directive per line, `#` comments.
    ///
    /// A line is split like Redis splits it (`sdssplitargs`: double quotes
    /// with escapes, single quotes); the arguments after the name are joined
    /// with spaces (`save 900 1`, `bind 127.0.0.1 -::1`).
    pub fn apply_text(&mut self, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let args = crate::protocol::request::split_args(line.as_bytes()).ok_or_else(|| {
                format!(
                    "Reading the configuration file, at line {}\n>>> '{line}'\nUnbalanced quotes in configuration line",
                    n + 1
                )
            })?;
            let Some((name, values)) = args.split_first() else {
                continue;
            };
            let value = values
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            self.set(&String::from_utf8_lossy(name), &value)?;
        }
        Ok(())
    }

    /// Sets one directive, checking its value if it is known.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let name = name.to_ascii_lowercase();
        match params().into_iter().find(|p| p.name == name) {
            Some(param) => {
                let v = check(&param, value).map_err(|e| {
                    format!("Bad directive or wrong number of arguments: '{name}' {e}")
                })?;
                self.values.insert(name, v);
            }
            None => {
                if !self.unknown.contains(&name) {
                    self.unknown.push(name.clone());
                }
                self.values.insert(name, value.to_string());
            }
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(|s| s.as_str()).unwrap_or("")
    }

    pub fn get_i64(&self, name: &str) -> i64 {
        parse_memory(self.get(name)).unwrap_or(0)
    }

    pub fn port(&self) -> u16 {
        self.get_i64("port") as u16
    }

    /// Addresses to listen on (`bind` may list several).
    ///
    /// An address prefixed with `-` is optional in Redis (skipped when it
    /// cannot be bound, like `-::1` on a host without IPv6). Sluice binds the
    /// required ones and drops optional ones when any required one is given,
    /// so the stock redis.conf line `bind 127.0.0.1 -::1` starts everywhere.
    pub fn bind_addrs(&self) -> Vec<String> {
        let b = self.get("bind");
        let all: Vec<&str> = b.split_whitespace().collect();
        let required: Vec<String> = all
            .iter()
            .filter(|s| !s.starts_with('-'))
            .map(|s| s.to_string())
            .collect();
        if !required.is_empty() {
            return required;
        }
        let optional: Vec<String> = all
            .iter()
            .map(|s| s.trim_start_matches('-').to_string())
            .collect();
        if optional.is_empty() {
            vec!["127.0.0.1".into()]
        } else {
            optional
        }
    }
}

/// Checks `value` against `param`'s kind; returns the value as stored.
pub fn check(param: &Param, value: &str) -> Result<String, String> {
    match param.kind {
        Kind::Str | Kind::Ignored => Ok(value.to_string()),
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" | "no" => Ok(value.to_ascii_lowercase()),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        Kind::Enum(words) => {
            let v = value.to_ascii_lowercase();
            if words.contains(&v.as_str()) {
                Ok(v)
            } else {
                Err("argument(s) must be one of the following: ".to_string() + &words.join(", "))
            }
        }
        Kind::Int { min, max, mem } => {
            let n = if mem {
                match parse_memory(value) {
                    Some(n) if n >= 0 => Some(n),
                    _ => return Err("argument must be a memory value".into()),
                }
            } else {
                value.parse::<i64>().ok()
            };
            match n {
                None => Err("argument couldn't be parsed into an integer".into()),
                Some(n) if n < min || n > max => Err(format!(
                    "argument must be between {min} and {max} inclusive"
                )),
                Some(n) => Ok(n.to_string()),
            }
        }
    }
}

/// The live parameter values (CONFIG GET / SET) and the hot ones as atomics.
#[derive(Debug)]
pub struct Runtime {
    values: RwLock<BTreeMap<String, String>>,
    pub stream_node_max_entries: AtomicI64,
    pub stream_node_max_bytes: AtomicI64,
    pub stream_idmp_duration: AtomicI64,
    pub stream_idmp_maxsize: AtomicI64,
    pub proto_max_bulk_len: AtomicI64,
    pub query_buffer_limit: AtomicI64,
    /// `maxclients`: checked at each accept.
    pub maxclients: AtomicI64,
    /// `timeout` in seconds (0: never): read by the idle-client sweep.
    pub timeout: AtomicI64,
}

impl Runtime {
    pub fn new(cfg: &Config) -> Runtime {
        let rt = Runtime {
            values: RwLock::new(BTreeMap::new()),
            stream_node_max_entries: AtomicI64::new(100),
            stream_node_max_bytes: AtomicI64::new(4096),
            stream_idmp_duration: AtomicI64::new(100),
            stream_idmp_maxsize: AtomicI64::new(100),
            proto_max_bulk_len: AtomicI64::new(512 * 1024 * 1024),
            query_buffer_limit: AtomicI64::new(1024 * 1024 * 1024),
            maxclients: AtomicI64::new(10000),
            timeout: AtomicI64::new(0),
        };
        for param in params() {
            let mut v = cfg.get(param.name).to_string();
            if param.name == "dir" && v.is_empty() {
                // Redis reports its working directory.
                v = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
            }
            rt.store(param.name, v);
        }
        rt
    }

    /// Stores a checked value and refreshes the atomic mirror.
    pub fn store(&self, name: &str, value: String) {
        let n = parse_memory(&value).unwrap_or(0);
        match name {
            "stream-node-max-entries" => self.stream_node_max_entries.store(n, Ordering::Relaxed),
            "stream-node-max-bytes" => self.stream_node_max_bytes.store(n, Ordering::Relaxed),
            "stream-idmp-duration" => self.stream_idmp_duration.store(n, Ordering::Relaxed),
            "stream-idmp-maxsize" => self.stream_idmp_maxsize.store(n, Ordering::Relaxed),
            "proto-max-bulk-len" => self.proto_max_bulk_len.store(n, Ordering::Relaxed),
            "client-query-buffer-limit" => self.query_buffer_limit.store(n, Ordering::Relaxed),
            "maxclients" => self.maxclients.store(n, Ordering::Relaxed),
            "timeout" => self.timeout.store(n, Ordering::Relaxed),
            _ => {}
        }
        self.values.write().insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.values.read().get(name).cloned()
    }

    /// Sets several checked parameters at once (CONFIG SET): every value is
    /// checked before any is stored. The error is the text after `ERR `.
    pub fn set_many(&self, pairs: &[(String, String)]) -> Result<(), String> {
        let params = params();
        let mut checked = Vec::with_capacity(pairs.len());
        for (i, (name, value)) in pairs.iter().enumerate() {
            let lname = name.to_ascii_lowercase();
            let Some(param) = params.iter().find(|p| p.name == lname) else {
                return Err(format!(
                    "Unknown option or number of arguments for CONFIG SET - '{name}'"
                ));
            };
            let fail = |why: &str| {
                format!("CONFIG SET failed (possibly related to argument '{name}') - {why}")
            };
            if pairs[..i]
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(&lname))
            {
                return Err(fail("duplicate parameter"));
            }
            if PROTECTED.contains(&param.name) {
                return Err(fail("can't set protected config"));
            }
            if !param.mutable {
                return Err(fail("can't set immutable config"));
            }
            let v = check(param, value).map_err(|e| fail(&e))?;
            checked.push((param.name, v));
        }
        for (name, v) in checked {
            self.store(name, v);
        }
        Ok(())
    }

    /// All (name, value) pairs, sorted by name.
    pub fn all(&self) -> Vec<(String, String)> {
        self.values
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_like_redis_server() {
        let args: Vec<String> = [
            "--port",
            "0",
            "--save",
            "",
            "--appendonly",
            "no",
            "--frobnicate",
            "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cfg = Config::from_args(&args).unwrap();
        assert_eq!(cfg.port(), 0);
        assert_eq!(cfg.unknown, vec!["frobnicate".to_string()]);
        assert!(Config::from_args(&["--port".into(), "x".into()]).is_err());
    }

    #[test]
    fn config_set_errors_like_redis() {
        let rt = Runtime::new(&Config::default());
        let set = |n: &str, v: &str| rt.set_many(&[(n.to_string(), v.to_string())]);
        assert_eq!(
            set("nosuch", "1").unwrap_err(),
            "Unknown option or number of arguments for CONFIG SET - 'nosuch'"
        );
        assert_eq!(
            set("maxclients", "abc").unwrap_err(),
            "CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"
        );
        assert_eq!(
            set("stream-node-max-bytes", "-1").unwrap_err(),
            "CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - argument must be a memory value"
        );
        assert_eq!(
            set("databases", "3").unwrap_err(),
            "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"
        );
        assert!(set("stream-node-max-bytes", "1kb").is_ok());
        assert_eq!(rt.stream_node_max_bytes.load(Ordering::Relaxed), 1024);
        let dup = rt.set_many(&[
            ("timeout".into(), "5".into()),
            ("TIMEOUT".into(), "6".into()),
        ]);
        assert_eq!(
            dup.unwrap_err(),
            "CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter"
        );
        // All or nothing: the first pair was valid but is not applied.
        assert!(rt
            .set_many(&[
                ("timeout".into(), "7".into()),
                ("maxclients".into(), "x".into())
            ])
            .is_err());
        assert_eq!(rt.get("timeout").as_deref(), Some("0"));
    }

    #[test]
    fn config_file_lines_split_like_redis() {
        let mut cfg = Config::default();
        cfg.apply_text(
            "# comment\n  port 7000\nrequirepass \"a b\"\nsave 900 1\nbind 127.0.0.1 -::1\nSTREAM-NODE-MAX-ENTRIES 5\nsave ''\n",
        )
        .unwrap();
        assert_eq!(cfg.port(), 7000);
        assert_eq!(cfg.get("requirepass"), "a b");
        assert_eq!(cfg.get("save"), "");
        assert_eq!(cfg.get("stream-node-max-entries"), "5");
        assert_eq!(cfg.bind_addrs(), vec!["127.0.0.1".to_string()]);
        assert!(cfg.apply_text("requirepass \"x\n").is_err());
        assert!(cfg.apply_text("port notanumber\n").is_err());
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1gb"), Some(1 << 30));
        assert_eq!(parse_memory("4k"), Some(4000));
        assert_eq!(parse_memory("12"), Some(12));
        assert_eq!(parse_memory("x"), None);
    }
}
