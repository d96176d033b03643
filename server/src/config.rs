//! Configuration: the startup settings (redis-server's command line and
//! redis.conf syntax) and the runtime parameters CONFIG GET / SET serve.
//!
//! Every parameter Sluice knows is one row of [`PARAMS`]: its name, default,
//! kind (what values it takes), help text, and how a value applies
//! ([`Apply`]). Startup parsing, CONFIG GET / SET and `--help` all read
//! that table. A directive given at startup that is not in the table is
//! reported in a startup warning, never silently dropped. Parameters the
//! hot path reads (node sizes, bulk limit, `maxclients` at accept,
//! `timeout` in the idle sweep) are mirrored in atomics of [`Runtime`] so
//! they are read without a lock, and a CONFIG SET applies at once.

use crate::error::{ConfigReason, ServerError, StartupError};
use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};

/// What values a parameter takes; checked at startup and on CONFIG SET.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Any string.
    Str,
    /// `yes` or `no`.
    Bool,
    /// An integer within bounds (inclusive); memory units (`1gb`, `64mb`)
    /// accepted when `mem`.
    Int { min: i64, max: i64, mem: bool },
    /// One of a list of words.
    Enum(&'static [&'static str]),
}

/// How a parameter's value takes effect, and whether CONFIG SET may change it.
#[derive(Clone, Copy)]
pub enum Apply {
    /// Read once at startup (listening address, database count, files):
    /// CONFIG SET refuses it as immutable.
    Startup,
    /// Settable; read by name from the live values where it is used
    /// (`requirepass` at AUTH, ...).
    Live,
    /// Settable; mirrored in this atomic of [`Runtime`], which the hot path
    /// reads without a lock.
    Atomic(fn(&Runtime) -> &AtomicI64),
    /// The working directory: CONFIG SET refuses it as protected (it names
    /// where the server would write); empty reports the current directory.
    WorkDir,
    /// Settable and checked like Redis checks it, so redis.conf files and
    /// tools that set it work, but it changes nothing: Sluice keeps no files.
    NoEffect,
}

/// One known parameter.
pub struct Param {
    pub name: &'static str,
    pub default: &'static str,
    pub kind: Kind,
    /// What it does, for `--help`; empty for the self-explanatory ones.
    pub help: &'static str,
    pub apply: Apply,
}

impl Param {
    /// False for parameters only settable at startup.
    pub fn mutable(&self) -> bool {
        !matches!(self.apply, Apply::Startup)
    }

    /// The values it takes, as `--help` shows them.
    pub fn values_hint(&self) -> String {
        match self.kind {
            Kind::Bool => "yes|no".to_string(),
            Kind::Int { mem: true, .. } => "<bytes, or 4kb, 64mb, 1gb...>".to_string(),
            Kind::Int { min, max, .. } => format!("<{min}..{max}>"),
            Kind::Enum(words) => words.join("|"),
            Kind::Str => "<text>".to_string(),
        }
    }
}

const fn int(min: i64, max: i64) -> Kind {
    Kind::Int {
        min,
        max,
        mem: false,
    }
}

const fn mem(min: i64, max: i64) -> Kind {
    Kind::Int {
        min,
        max,
        mem: true,
    }
}

const MB: i64 = 1024 * 1024;

/// Every parameter Sluice has, sorted by name.
pub static PARAMS: &[Param] = &[
    Param {
        name: "appendonly",
        default: "no",
        kind: Kind::Bool,
        help: "",
        apply: Apply::NoEffect,
    },
    Param {
        name: "bind",
        default: "127.0.0.1",
        kind: Kind::Str,
        help: "addresses to listen on, space-separated",
        apply: Apply::Startup,
    },
    Param {
        name: "client-query-buffer-limit",
        default: "1073741824",
        kind: mem(MB, i64::MAX),
        help: "",
        apply: Apply::Atomic(|r| &r.query_buffer_limit),
    },
    Param {
        name: "daemonize",
        default: "no",
        kind: Kind::Bool,
        help: "yes: run detached in the background",
        apply: Apply::Startup,
    },
    Param {
        name: "databases",
        default: "16",
        kind: int(1, i32::MAX as i64),
        help: "number of databases (SELECT 0..n-1)",
        apply: Apply::Startup,
    },
    Param {
        name: "dir",
        default: "",
        kind: Kind::Str,
        help: "working directory; empty: where the server was started",
        apply: Apply::WorkDir,
    },
    Param {
        name: "logfile",
        default: "",
        kind: Kind::Str,
        help: "log file; empty: stderr",
        apply: Apply::Startup,
    },
    Param {
        name: "loglevel",
        default: "notice",
        kind: Kind::Enum(&["debug", "verbose", "notice", "warning"]),
        help: "",
        apply: Apply::Live,
    },
    Param {
        name: "maxclients",
        default: "10000",
        kind: int(1, u32::MAX as i64),
        help: "clients connected at once; more are refused",
        apply: Apply::Atomic(|r| &r.maxclients),
    },
    Param {
        name: "pidfile",
        default: "",
        kind: Kind::Str,
        help: "file to write the server's process id to; empty: none",
        apply: Apply::Startup,
    },
    Param {
        name: "port",
        default: "6379",
        kind: int(0, 65535),
        help: "TCP port; 0 picks a free one",
        apply: Apply::Startup,
    },
    Param {
        name: "protected-mode",
        default: "yes",
        kind: Kind::Bool,
        help: "",
        apply: Apply::Live,
    },
    Param {
        name: "proto-max-bulk-len",
        default: "536870912",
        kind: mem(MB, i64::MAX),
        help: "",
        apply: Apply::Atomic(|r| &r.proto_max_bulk_len),
    },
    Param {
        name: "requirepass",
        default: "",
        kind: Kind::Str,
        help: "password clients must give with AUTH; empty: none",
        apply: Apply::Live,
    },
    Param {
        name: "save",
        default: "",
        kind: Kind::Str,
        help: "",
        apply: Apply::NoEffect,
    },
    // Redis 8.6 IDMP defaults for new streams (docs/redis8.md).
    Param {
        name: "stream-idmp-duration",
        default: "100",
        kind: int(1, 86400),
        help: "",
        apply: Apply::Atomic(|r| &r.stream_idmp_duration),
    },
    Param {
        name: "stream-idmp-maxsize",
        default: "100",
        kind: int(1, 10000),
        help: "",
        apply: Apply::Atomic(|r| &r.stream_idmp_maxsize),
    },
    Param {
        name: "stream-node-max-bytes",
        default: "4096",
        kind: mem(0, i64::MAX),
        help: "",
        apply: Apply::Atomic(|r| &r.stream_node_max_bytes),
    },
    Param {
        name: "stream-node-max-entries",
        default: "100",
        kind: int(0, i64::MAX),
        help: "",
        apply: Apply::Atomic(|r| &r.stream_node_max_entries),
    },
    Param {
        name: "timeout",
        default: "0",
        kind: int(0, i32::MAX as i64),
        help: "close clients idle this many seconds; 0: never",
        apply: Apply::Atomic(|r| &r.timeout),
    },
];

/// Every parameter Sluice has, sorted by name ([`PARAMS`]).
pub fn params() -> &'static [Param] {
    PARAMS
}

/// The parameter named `name` (lowercase).
pub fn param(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The directive list of `--help`: each parameter with the values it
/// takes, what it does, its default and how it applies.
pub fn directives_help() -> String {
    let mut out = String::new();
    for p in PARAMS {
        let default = if p.default.is_empty() {
            "\"\"".to_string()
        } else {
            p.default.to_string()
        };
        let mut notes: Vec<String> = Vec::new();
        if !p.help.is_empty() {
            notes.push(p.help.to_string());
        }
        notes.push(format!("default {default}"));
        if !p.mutable() {
            notes.push("startup only".into());
        }
        if matches!(p.apply, Apply::NoEffect) {
            notes.push("accepted, no effect: Sluice keeps no files".into());
        }
        out.push_str(&format!(
            "  --{} {}\n        ({})\n",
            p.name,
            p.values_hint(),
            notes.join("; ")
        ));
    }
    out
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
        let values = PARAMS
            .iter()
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
    pub fn from_args(args: &[String]) -> Result<Config, StartupError> {
        let mut cfg = Config::default();
        let mut rest = args;
        if let Some(first) = args.first() {
            if !first.starts_with("--") {
                let text = std::fs::read_to_string(first).map_err(|e| StartupError::CantOpen {
                    file: first.clone(),
                    reason: e.to_string(),
                })?;
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
                .ok_or_else(|| StartupError::InvalidArgument(rest[i].clone()))?;
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
    pub fn apply_text(&mut self, text: &str) -> Result<(), StartupError> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let args = crate::protocol::request::split_args(line.as_bytes()).ok_or_else(|| {
                StartupError::UnbalancedQuotes {
                    line: n + 1,
                    text: line.to_string(),
                }
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
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), StartupError> {
        let name = name.to_ascii_lowercase();
        match param(&name) {
            Some(param) => {
                let v = check(param, value)
                    .map_err(|why| StartupError::BadDirective(name.clone(), why))?;
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
pub fn check(param: &Param, value: &str) -> Result<String, ConfigReason> {
    match param.kind {
        Kind::Str => Ok(value.to_string()),
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" | "no" => Ok(value.to_ascii_lowercase()),
            _ => Err(ConfigReason::NotBool),
        },
        Kind::Enum(words) => {
            let v = value.to_ascii_lowercase();
            if words.contains(&v.as_str()) {
                Ok(v)
            } else {
                Err(ConfigReason::NotOneOf(words.join(", ")))
            }
        }
        Kind::Int { min, max, mem } => {
            let n = if mem {
                match parse_memory(value) {
                    Some(n) if n >= 0 => Some(n),
                    _ => return Err(ConfigReason::NotMemory),
                }
            } else {
                value.parse::<i64>().ok()
            };
            match n {
                None => Err(ConfigReason::NotInteger),
                Some(n) if n < min || n > max => Err(ConfigReason::OutOfRange(min, max)),
                Some(n) => Ok(n.to_string()),
            }
        }
    }
}

/// The live parameter values (CONFIG GET / SET) and the hot ones as
/// atomics (each named by its row's [`Apply::Atomic`]).
#[derive(Debug, Default)]
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
        let rt = Runtime::default();
        for param in PARAMS {
            let mut v = cfg.get(param.name).to_string();
            if matches!(param.apply, Apply::WorkDir) && v.is_empty() {
                // Redis reports its working directory.
                v = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
            }
            rt.store(param, v);
        }
        rt
    }

    /// Stores a checked value and refreshes its atomic mirror, if any.
    fn store(&self, param: &Param, value: String) {
        if let Apply::Atomic(field) = param.apply {
            field(self).store(parse_memory(&value).unwrap_or(0), Ordering::Relaxed);
        }
        self.values.write().insert(param.name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.values.read().get(name).cloned()
    }

    /// Sets several checked parameters at once (CONFIG SET): every value is
    /// checked before any is stored.
    pub fn set_many(&self, pairs: &[(String, String)]) -> Result<(), ServerError> {
        let mut checked = Vec::with_capacity(pairs.len());
        for (i, (name, value)) in pairs.iter().enumerate() {
            let lname = name.to_ascii_lowercase();
            let Some(param) = param(&lname) else {
                return Err(ServerError::ConfigUnknown(name.clone()));
            };
            let fail = |why| ServerError::ConfigSetFailed(name.clone(), why);
            if pairs[..i]
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(&lname))
            {
                return Err(fail(ConfigReason::Duplicate));
            }
            match param.apply {
                Apply::WorkDir => return Err(fail(ConfigReason::Protected)),
                Apply::Startup => return Err(fail(ConfigReason::Immutable)),
                _ => {}
            }
            let v = check(param, value).map_err(fail)?;
            checked.push((param, v));
        }
        for (param, v) in checked {
            self.store(param, v);
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
        let set = |n: &str, v: &str| {
            rt.set_many(&[(n.to_string(), v.to_string())])
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            set("nosuch", "1").unwrap_err(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"
        );
        assert_eq!(
            set("maxclients", "abc").unwrap_err(),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"
        );
        assert_eq!(
            set("stream-node-max-bytes", "-1").unwrap_err(),
            "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-bytes') - argument must be a memory value"
        );
        assert_eq!(
            set("databases", "3").unwrap_err(),
            "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"
        );
        assert!(set("stream-node-max-bytes", "1kb").is_ok());
        assert_eq!(rt.stream_node_max_bytes.load(Ordering::Relaxed), 1024);
        let dup = rt.set_many(&[
            ("timeout".into(), "5".into()),
            ("TIMEOUT".into(), "6".into()),
        ]);
        assert_eq!(
            dup.unwrap_err().to_string(),
            "ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter"
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
    fn params_sorted_and_defaults_valid() {
        assert!(PARAMS.windows(2).all(|w| w[0].name < w[1].name));
        for p in PARAMS {
            assert_eq!(check(p, p.default).as_deref(), Ok(p.default), "{}", p.name);
        }
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1gb"), Some(1 << 30));
        assert_eq!(parse_memory("4k"), Some(4000));
        assert_eq!(parse_memory("12"), Some(12));
        assert_eq!(parse_memory("x"), None);
    }
}
