//! Connections and server capabilities. `Client` wraps either a reconnecting
//! single-server connection (redis-rs `ConnectionManager`) or an async Redis
//! Cluster connection, and records which newer stream commands the server has
//! so the patterns can pick the newer command or the 7.0 fallback.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManagerConfig;
use redis::{Cmd, Pipeline, Value};

use crate::error::{Error, Result};
use crate::reply;

/// Which newer stream features the server supports. Detected once at connect
/// time; every pattern has a fallback that keeps the same guarantees on Redis 7.0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// `redis_version` from `INFO server`, if reported.
    pub version: Option<String>,
    /// `XREADGROUP ... CLAIM min-idle-time` (Redis 8.4).
    pub xreadgroup_claim: bool,
    /// `XACKDEL` (Redis 8.2).
    pub xackdel: bool,
    /// `XNACK` (Redis 8.8).
    pub xnack: bool,
    /// `KEEPREF|DELREF|ACKED` on XADD/XTRIM (Redis 8.2).
    pub acked_trim: bool,
    /// `XADD ... IDMP producer-id idempotent-id` (Redis 8.6).
    pub idmp: bool,
    /// `MAXCOUNT` / `MAXSIZE` on XREAD/XREADGROUP (Redis 8.10).
    pub read_caps: bool,
}

impl Capabilities {
    /// No optional feature: every pattern takes its Redis 7.0 path.
    pub fn baseline() -> Capabilities {
        Capabilities::default()
    }

    /// Everything on (used to exercise the newer command paths).
    pub fn all() -> Capabilities {
        Capabilities {
            version: None,
            xreadgroup_claim: true,
            xackdel: true,
            xnack: true,
            acked_trim: true,
            idmp: true,
            read_caps: true,
        }
    }
}

/// Connection options.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientOptions {
    /// How long to wait for a reply before treating the connection as broken.
    /// Blocking reads add their BLOCK time on top of this.
    pub response_timeout: Duration,
    /// How long to wait to establish a connection.
    pub connect_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            response_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl ClientOptions {
    /// Reply timeout (see the field).
    pub fn response_timeout(mut self, d: Duration) -> Self {
        self.response_timeout = d;
        self
    }
    /// Connect timeout (see the field).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
}

#[derive(Clone)]
enum Target {
    Single(redis::Client),
    Cluster(Box<redis::cluster::ClusterClient>),
}

/// One multiplexed connection: many requests in flight, replies in order.
#[derive(Clone)]
pub(crate) enum Conn {
    Single(redis::aio::ConnectionManager),
    Cluster(redis::cluster_async::ClusterConnection),
}

impl Conn {
    pub(crate) async fn query(&self, cmd: &Cmd) -> Result<Value> {
        Ok(match self.clone() {
            Conn::Single(mut c) => cmd.query_async(&mut c).await?,
            Conn::Cluster(mut c) => cmd.query_async(&mut c).await?,
        })
    }

    pub(crate) async fn pipe(&self, pipe: &Pipeline) -> Result<Value> {
        Ok(match self.clone() {
            Conn::Single(mut c) => pipe.query_async(&mut c).await?,
            Conn::Cluster(mut c) => pipe.query_async(&mut c).await?,
        })
    }
}

struct Inner {
    target: Target,
    opts: ClientOptions,
    conn: Conn,
    caps: Capabilities,
}

/// A handle to Sluice, Redis or a Redis Cluster. Cheap to clone; clones share
/// one multiplexed connection for ordinary commands.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("cluster", &self.is_cluster())
            .field("caps", &self.inner.caps)
            .finish()
    }
}

impl Client {
    /// Connect to one server by URL (`redis://127.0.0.1:6379`).
    pub async fn connect(url: &str) -> Result<Client> {
        Client::connect_with(url, ClientOptions::default()).await
    }

    /// Connect to one server with options.
    pub async fn connect_with(url: &str, opts: ClientOptions) -> Result<Client> {
        let client = redis::Client::open(url)?;
        Client::finish(Target::Single(client), opts).await
    }

    /// Connect to a Redis Cluster given one or more seed node URLs. Keys used
    /// together (a stream and its dead-letter stream) must share a hash slot:
    /// use hash-tagged names such as `{orders}`.
    pub async fn connect_cluster(nodes: &[&str]) -> Result<Client> {
        Client::connect_cluster_with(nodes, ClientOptions::default()).await
    }

    /// Connect to a Redis Cluster with options.
    pub async fn connect_cluster_with(nodes: &[&str], opts: ClientOptions) -> Result<Client> {
        let client = redis::cluster::ClusterClientBuilder::new(nodes.to_vec())
            .response_timeout(opts.response_timeout)
            .connection_timeout(opts.connect_timeout)
            .build()?;
        Client::finish(Target::Cluster(Box::new(client)), opts).await
    }

    async fn finish(target: Target, opts: ClientOptions) -> Result<Client> {
        let conn = open(&target, &opts, Duration::ZERO).await?;
        let caps = detect(&conn).await;
        tracing::debug!(?caps, "sluice-client connected");
        Ok(Client {
            inner: Arc::new(Inner {
                target,
                opts,
                conn,
                caps,
            }),
        })
    }

    /// The same connection with the feature set replaced, e.g.
    /// `Capabilities::baseline()` to force the Redis 7.0 paths.
    pub fn with_capabilities(&self, caps: Capabilities) -> Client {
        Client {
            inner: Arc::new(Inner {
                target: self.inner.target.clone(),
                opts: self.inner.opts.clone(),
                conn: self.inner.conn.clone(),
                caps,
            }),
        }
    }

    /// The detected (or overridden) server features.
    pub fn capabilities(&self) -> &Capabilities {
        &self.inner.caps
    }

    /// True when connected to a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        matches!(self.inner.target, Target::Cluster(_))
    }

    pub(crate) fn conn(&self) -> &Conn {
        &self.inner.conn
    }

    /// A new connection of its own, for blocking reads: a blocked XREADGROUP
    /// would otherwise hold up every command queued behind it on the shared one.
    pub(crate) async fn dedicated(&self, block: Duration) -> Result<Conn> {
        open(&self.inner.target, &self.inner.opts, block).await
    }

    /// Run any command and get the raw reply (escape hatch for tests and tools).
    pub async fn command(&self, cmd: &Cmd) -> Result<Value> {
        self.inner.conn.query(cmd).await
    }

    /// A key in the same hash slot as `stream`, named `<stream><suffix>`.
    /// When `stream` has no hash tag and we are on a cluster, the stream's
    /// whole name becomes the tag (`{orders}:dlq` hashes like `orders`).
    pub(crate) fn sibling_key(&self, stream: &[u8], suffix: &[u8]) -> Vec<u8> {
        sibling_key(stream, suffix, self.is_cluster())
    }
}

pub(crate) fn sibling_key(stream: &[u8], suffix: &[u8], cluster: bool) -> Vec<u8> {
    let mut key = Vec::with_capacity(stream.len() + suffix.len() + 2);
    if cluster && !has_hash_tag(stream) {
        key.push(b'{');
        key.extend_from_slice(stream);
        key.push(b'}');
    } else {
        key.extend_from_slice(stream);
    }
    key.extend_from_slice(suffix);
    key
}

/// Redis Cluster's rule: the part between the first `{` and the next `}` is
/// the hash tag, if non-empty.
fn has_hash_tag(key: &[u8]) -> bool {
    match key.iter().position(|&b| b == b'{') {
        Some(open) => match key[open + 1..].iter().position(|&b| b == b'}') {
            Some(len) => len > 0,
            None => false,
        },
        None => false,
    }
}

async fn open(target: &Target, opts: &ClientOptions, extra: Duration) -> Result<Conn> {
    let timeout = opts.response_timeout + extra;
    match target {
        Target::Single(client) => {
            let config = ConnectionManagerConfig::new()
                .set_response_timeout(Some(timeout))
                .set_connection_timeout(Some(opts.connect_timeout))
                .set_number_of_retries(6)
                .set_max_delay(Duration::from_secs(2));
            Ok(Conn::Single(
                client.get_connection_manager_with_config(config).await?,
            ))
        }
        Target::Cluster(client) => {
            if extra.is_zero() {
                Ok(Conn::Cluster(client.get_async_connection().await?))
            } else {
                let config = redis::cluster::ClusterConfig::new()
                    .set_response_timeout(timeout)
                    .set_connection_timeout(opts.connect_timeout);
                Ok(Conn::Cluster(
                    client.get_async_connection_with_config(config).await?,
                ))
            }
        }
    }
}

/// Feature detection: the version from INFO, then COMMAND DOCS for the
/// commands/arguments themselves (a server may backport or lack features
/// regardless of its version). Any failure just means "not supported".
async fn detect(conn: &Conn) -> Capabilities {
    let mut caps = Capabilities::default();
    if let Ok(v) = conn.query(redis::cmd("INFO").arg("server")).await {
        // A cluster connection may answer with one reply per node.
        let text = match v {
            Value::Map(m) => m.into_iter().next().and_then(|(_, v)| reply::bytes(&v)),
            v => reply::bytes(&v),
        };
        if let Some(text) = text {
            caps.version = String::from_utf8_lossy(&text)
                .lines()
                .find_map(|l| l.strip_prefix("redis_version:"))
                .map(|s| s.trim().to_string());
        }
    }
    let docs = conn
        .query(
            redis::cmd("COMMAND")
                .arg("DOCS")
                .arg("xadd")
                .arg("xreadgroup")
                .arg("xtrim")
                .arg("xackdel")
                .arg("xnack"),
        )
        .await;
    if let Ok(docs) = docs {
        let docs = flatten_docs(docs);
        let has = |cmd: &str| docs.iter().any(|(name, _)| name == cmd);
        let has_token = |cmd: &str, token: &str| {
            docs.iter()
                .any(|(name, v)| name == cmd && contains_text(v, token))
        };
        caps.xackdel = has("xackdel");
        caps.xnack = has("xnack");
        caps.xreadgroup_claim = has_token("xreadgroup", "CLAIM");
        caps.acked_trim = has_token("xtrim", "ACKED");
        caps.idmp = has_token("xadd", "IDMP");
        caps.read_caps = has_token("xreadgroup", "MAXSIZE");
    }
    caps
}

fn flatten_docs(v: Value) -> Vec<(String, Value)> {
    // COMMAND DOCS replies name -> doc pairs (flat array in RESP2, map in RESP3;
    // a cluster connection may wrap that per node).
    let v = match v {
        Value::Map(m)
            if m.iter()
                .all(|(_, v)| matches!(v, Value::Map(_) | Value::Array(_))) =>
        {
            Value::Map(m)
        }
        v => v,
    };
    reply::info_map("COMMAND", v)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

fn contains_text(v: &Value, needle: &str) -> bool {
    match v {
        Value::BulkString(b) => b.eq_ignore_ascii_case(needle.as_bytes()),
        Value::SimpleString(s) => s.eq_ignore_ascii_case(needle),
        Value::Array(a) | Value::Set(a) => a.iter().any(|x| contains_text(x, needle)),
        Value::Map(m) => m
            .iter()
            .any(|(k, x)| contains_text(k, needle) || contains_text(x, needle)),
        _ => false,
    }
}

/// Convert "not a server error" results, keeping the server's code.
pub(crate) fn is_code(err: &Error, code: &str) -> bool {
    err.code() == Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_keys_share_the_slot() {
        assert_eq!(sibling_key(b"orders", b":dlq", false), b"orders:dlq");
        assert_eq!(sibling_key(b"orders", b":dlq", true), b"{orders}:dlq");
        assert_eq!(sibling_key(b"{orders}", b":dlq", true), b"{orders}:dlq");
        assert_eq!(sibling_key(b"a{}b", b":dlq", true), b"{a{}b}:dlq");
        assert!(has_hash_tag(b"x{t}y"));
        assert!(!has_hash_tag(b"x{y"));
    }

    #[test]
    fn finds_tokens_in_command_docs() {
        let docs = Value::Array(vec![
            Value::BulkString(b"xtrim".to_vec()),
            Value::Array(vec![
                Value::BulkString(b"arguments".to_vec()),
                Value::Array(vec![Value::Array(vec![
                    Value::BulkString(b"token".to_vec()),
                    Value::BulkString(b"ACKED".to_vec()),
                ])]),
            ]),
        ]);
        let flat = flatten_docs(docs);
        assert_eq!(flat[0].0, "xtrim");
        assert!(contains_text(&flat[0].1, "acked"));
        assert!(!contains_text(&flat[0].1, "IDMP"));
    }
}
