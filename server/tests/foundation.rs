//! The server foundation over real sockets: connection, key, string, server
//! and transaction commands, RESP2 and RESP3, authentication, malformed
//! input. Every reply is compared as raw bytes with what Redis sends. Time
//! is the injected clock where expiry matters, so no test waits on wall time;
//! timeouts are only upper bounds that turn a hang into a failure.

use sluice_server::clock::Clock;
use sluice_server::{Server, ServerHandle};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

mod support;

/// Upper bound for anything that should happen promptly.
const LONG: Duration = Duration::from_secs(20);

struct Conn {
    sock: TcpStream,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Conn {
        Conn {
            sock: TcpStream::connect(addr).await.expect("connect"),
        }
    }

    /// Sends raw bytes.
    async fn raw(&mut self, bytes: &[u8]) {
        self.sock.write_all(bytes).await.expect("write");
    }

    /// Sends a command as a multibulk request.
    async fn send(&mut self, args: &[&str]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n{}\r\n", a.len(), a).as_bytes());
        }
        self.raw(&out).await;
    }

    /// Reads exactly `n` bytes.
    async fn read_n(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        let mut got = 0;
        while got < n {
            let r = timeout(LONG, self.sock.read(&mut buf[got..]))
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "timed out; got so far: {:?}",
                        String::from_utf8_lossy(&buf[..got])
                    )
                })
                .expect("read");
            assert!(
                r > 0,
                "connection closed after {:?}",
                String::from_utf8_lossy(&buf[..got])
            );
            got += r;
        }
        buf
    }

    /// Asserts the next bytes from the server are exactly `want`.
    async fn expect(&mut self, want: &str) {
        let got = self.read_n(want.len()).await;
        assert_eq!(String::from_utf8_lossy(&got), want);
    }

    /// Sends a command and asserts its raw reply.
    async fn check(&mut self, args: &[&str], want: &str) {
        self.send(args).await;
        self.expect(want).await;
    }

    /// Reads one reply whose size is not known in advance (a bulk string or
    /// a verbatim string) and returns its payload.
    async fn read_bulk(&mut self) -> String {
        let mut header = Vec::new();
        loop {
            let b = self.read_n(1).await[0];
            header.push(b);
            if header.ends_with(b"\r\n") {
                break;
            }
        }
        assert!(
            header[0] == b'$' || header[0] == b'=',
            "not a bulk reply: {:?}",
            String::from_utf8_lossy(&header)
        );
        let len: usize = String::from_utf8_lossy(&header[1..header.len() - 2])
            .parse()
            .expect("bulk length");
        let body = self.read_n(len + 2).await;
        String::from_utf8_lossy(&body[..len]).into_owned()
    }

    /// Reads one line (a simple reply), CRLF included.
    async fn read_line(&mut self) -> String {
        let mut line = Vec::new();
        while !line.ends_with(b"\r\n") {
            line.push(self.read_n(1).await[0]);
        }
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Asserts the server closes the connection (after anything already sent).
    async fn expect_closed(&mut self) {
        let mut buf = [0u8; 64];
        let n = timeout(LONG, self.sock.read(&mut buf))
            .await
            .expect("close in time")
            .unwrap_or(0);
        assert_eq!(n, 0, "expected close, got {:?}", &buf[..n]);
    }
}

async fn start() -> (ServerHandle, Clock) {
    let clock = Clock::fixed(1_700_000_000_000);
    let server = Server::builder()
        .port(0)
        .clock(clock.clone())
        .bind()
        .await
        .expect("bind");
    (server.spawn(), clock)
}

#[tokio::test]
async fn connection_basics_resp2() {
    let (h, _) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["PING"], "+PONG\r\n").await;
    c.check(&["PING", "hi"], "$2\r\nhi\r\n").await;
    c.check(&["ECHO", "x y"], "$3\r\nx y\r\n").await;
    c.check(
        &["PING", "a", "b"],
        "-ERR wrong number of arguments for 'ping' command\r\n",
    )
    .await;
    c.check(
        &["NOSUCH", "a", "b"],
        "-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n",
    )
    .await;
    c.check(&["SELECT", "16"], "-ERR DB index is out of range\r\n")
        .await;
    c.check(
        &["SELECT", "x"],
        "-ERR value is not an integer or out of range\r\n",
    )
    .await;
    // Inline commands and pipelining: all replies, in order.
    c.raw(b"PING\r\nSET a 1\r\nGET a\r\n").await;
    c.expect("+PONG\r\n+OK\r\n$1\r\n1\r\n").await;
    c.check(&["SELECT", "1"], "+OK\r\n").await;
    c.check(&["GET", "a"], "$-1\r\n").await;
    c.check(
        &["CLIENT", "SETNAME", "a b"],
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    )
    .await;
    c.check(&["CLIENT", "SETNAME", "me"], "+OK\r\n").await;
    c.check(&["CLIENT", "GETNAME"], "$2\r\nme\r\n").await;
    c.check(&["CLIENT", "SETINFO", "LIB-NAME", "redis-py"], "+OK\r\n")
        .await;
    c.check(&["CLIENT", "SETINFO", "LIB-VER", "5.0.0"], "+OK\r\n")
        .await;
    c.check(
        &["CLIENT", "SETINFO", "lib-foo", "x"],
        "-ERR Unrecognized option 'lib-foo'\r\n",
    )
    .await;
    c.check(
        &["CLIENT", "NOPE"],
        "-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n",
    )
    .await;
    c.send(&["CLIENT", "INFO"]).await;
    let info = c.read_bulk().await;
    assert!(info.contains(" name=me "), "{info}");
    assert!(info.contains(" db=1 "), "{info}");
    assert!(info.contains("lib-name=redis-py lib-ver=5.0.0"), "{info}");
    c.check(&["RESET"], "+RESET\r\n").await;
    c.check(&["CLIENT", "GETNAME"], "$-1\r\n").await;
    c.check(&["GET", "a"], "$1\r\n1\r\n").await;
    c.check(&["QUIT"], "+OK\r\n").await;
    c.expect_closed().await;
    h.shutdown().await;
}

#[tokio::test]
async fn resp3_handshake_and_types() {
    let (h, _) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    c.send(&["CLIENT", "ID"]).await;
    let id_line = String::from_utf8(c.read_n(4).await).unwrap();
    assert!(id_line.starts_with(':'));
    let id = id_line[1..].trim().to_string();
    c.send(&["HELLO", "3"]).await;
    let version = sluice_server::commands::connection::REDIS_VERSION;
    c.expect(&format!(
        "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n${}\r\n{}\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
        version.len(),
        version
    ))
    .await;
    c.check(&["GET", "nokey"], "_\r\n").await;
    c.check(
        &["CONFIG", "GET", "stream-node-max-entries"],
        "%1\r\n$23\r\nstream-node-max-entries\r\n$3\r\n100\r\n",
    )
    .await;
    c.check(&["SET", "k", "v"], "+OK\r\n").await;
    c.check(&["MGET", "k", "nokey"], "*2\r\n$1\r\nv\r\n_\r\n")
        .await;
    c.send(&["INFO", "keyspace"]).await;
    let body = "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";
    c.expect(&format!("={}\r\ntxt:{body}\r\n", body.len() + 4))
        .await;
    c.check(&["HELLO", "4"], "-NOPROTO unsupported protocol version\r\n")
        .await;
    c.check(&["HELLO", "2", "SETNAME", "cli"], "*14\r\n").await;
    // Rest of the RESP2 HELLO reply: read and drop it, then check RESP2 nulls.
    let rest = "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n".len();
    c.read_n(rest).await;
    c.read_bulk().await; // version
    c.read_n("$5\r\nproto\r\n:2\r\n$2\r\nid\r\n".len()).await;
    c.read_n(id.len() + 3).await;
    c.read_n(
        "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
            .len(),
    )
    .await;
    c.check(&["GET", "nokey"], "$-1\r\n").await;
    c.check(&["CLIENT", "GETNAME"], "$3\r\ncli\r\n").await;
    h.shutdown().await;
}

#[tokio::test]
async fn auth_with_requirepass() {
    let server = Server::builder()
        .port(0)
        .set("requirepass", "s3cret")
        .bind()
        .await
        .unwrap();
    let h = server.spawn();
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["GET", "k"], "-NOAUTH Authentication required.\r\n")
        .await;
    c.check(&["PING"], "-NOAUTH Authentication required.\r\n")
        .await;
    c.check(
        &["HELLO", "3"],
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n",
    )
    .await;
    c.check(
        &["AUTH", "nope"],
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    c.check(&["AUTH", "s3cret"], "+OK\r\n").await;
    c.check(&["PING"], "+PONG\r\n").await;
    // RESET forgets the authentication.
    c.check(&["RESET"], "+RESET\r\n").await;
    c.check(&["PING"], "-NOAUTH Authentication required.\r\n")
        .await;
    c.check(&["AUTH", "default", "s3cret"], "+OK\r\n").await;
    // Before authenticating, requests are limited in size at the header.
    let mut d = Conn::open(h.local_addr()).await;
    d.raw(b"*11\r\n").await;
    d.expect("-ERR Protocol error: unauthenticated multibulk length\r\n")
        .await;
    d.expect_closed().await;
    let mut d = Conn::open(h.local_addr()).await;
    d.raw(b"*1\r\n$16385\r\n").await;
    d.expect("-ERR Protocol error: unauthenticated bulk length\r\n")
        .await;
    d.expect_closed().await;
    // AUTH without a password configured.
    h.shutdown().await;
    let (h, _) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["AUTH", "x"], "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n").await;
    h.shutdown().await;
}

#[tokio::test]
async fn malformed_input_closes_with_redis_errors_and_server_survives() {
    let (h, _) = start().await;
    let cases: &[(&[u8], &str)] = &[
        (
            b"*1\r\n$-5\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*x\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\n+PING\r\n",
            "-ERR Protocol error: expected '$', got '+'\r\n",
        ),
        // A declared length beyond proto-max-bulk-len is refused at the header,
        // before any payload is sent or buffered.
        (
            b"*1\r\n$1073741824\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*4294967296\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"SET \"a b\r\n",
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    for (input, want) in cases {
        let mut c = Conn::open(h.local_addr()).await;
        c.raw(input).await;
        c.expect(want).await;
        c.expect_closed().await;
    }
    // A huge but legal multibulk count is accepted lazily: nothing is
    // allocated for it up front and the server keeps serving others.
    let mut big = Conn::open(h.local_addr()).await;
    big.raw(b"*1000000\r\n$4\r\nPING\r\n").await;
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["PING"], "+PONG\r\n").await;
    drop(big);
    c.check(&["SET", "k", "v"], "+OK\r\n").await;
    h.shutdown().await;
}

#[tokio::test]
async fn set_options_and_string_errors() {
    let (h, clock) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    let syntax = "-ERR syntax error\r\n";
    c.check(&["SET", "k", "v", "EX", "10", "PX", "10"], syntax)
        .await;
    c.check(&["SET", "k", "v", "NX", "XX"], syntax).await;
    c.check(&["SET", "k", "v", "KEEPTTL", "EX", "1"], syntax)
        .await;
    c.check(&["SET", "k", "v", "EX"], syntax).await;
    c.check(
        &["SET", "k", "v", "EX", "0"],
        "-ERR invalid expire time in 'set' command\r\n",
    )
    .await;
    c.check(
        &["SET", "k", "v", "EX", "9223372036854775"],
        "-ERR invalid expire time in 'set' command\r\n",
    )
    .await;
    c.check(
        &["SETEX", "k", "-1", "v"],
        "-ERR invalid expire time in 'setex' command\r\n",
    )
    .await;
    c.check(&["SET", "k", "v", "NX", "GET"], "$-1\r\n").await;
    c.check(&["SET", "k", "w", "NX"], "$-1\r\n").await;
    c.check(&["SET", "k", "w", "XX", "GET", "PX", "100"], "$1\r\nv\r\n")
        .await;
    c.check(&["PTTL", "k"], ":100\r\n").await;
    c.check(&["SET", "k", "x", "KEEPTTL"], "+OK\r\n").await;
    c.check(&["PTTL", "k"], ":100\r\n").await;
    clock.advance(100);
    c.check(&["GET", "k"], "$-1\r\n").await;
    c.check(&["TTL", "k"], ":-2\r\n").await;
    c.check(&["SET", "n", "9223372036854775807"], "+OK\r\n")
        .await;
    c.check(
        &["INCR", "n"],
        "-ERR increment or decrement would overflow\r\n",
    )
    .await;
    c.check(
        &["DECRBY", "n", "-9223372036854775808"],
        "-ERR decrement would overflow\r\n",
    )
    .await;
    c.check(&["SET", "s", "abc"], "+OK\r\n").await;
    c.check(
        &["INCR", "s"],
        "-ERR value is not an integer or out of range\r\n",
    )
    .await;
    c.check(
        &["INCRBYFLOAT", "s", "1"],
        "-ERR value is not a valid float\r\n",
    )
    .await;
    c.check(&["APPEND", "s", "de"], ":5\r\n").await;
    c.check(&["GETRANGE", "s", "1", "-2"], "$3\r\nbcd\r\n")
        .await;
    c.check(&["SETRANGE", "s", "7", "xy"], ":9\r\n").await;
    c.check(&["GET", "s"], "$9\r\nabcde\0\0xy\r\n").await;
    c.check(
        &["SETRANGE", "s", "-1", "x"],
        "-ERR offset is out of range\r\n",
    )
    .await;
    c.check(&["INCRBYFLOAT", "f", "10.5"], "$4\r\n10.5\r\n")
        .await;
    c.check(&["INCRBYFLOAT", "f", "0.1"], "$4\r\n10.6\r\n")
        .await;
    c.check(
        &["MSET", "a", "1", "b"],
        "-ERR wrong number of arguments for 'mset' command\r\n",
    )
    .await;
    c.check(&["MSETNX", "a", "1", "s", "2"], ":0\r\n").await;
    c.check(&["MGET", "a", "s"], "*2\r\n$-1\r\n$9\r\nabcde\0\0xy\r\n")
        .await;
    c.check(&["GETDEL", "s"], "$9\r\nabcde\0\0xy\r\n").await;
    c.check(&["STRLEN", "s"], ":0\r\n").await;
    c.check(&["SET", "e", "v"], "+OK\r\n").await;
    c.check(&["GETEX", "e", "EX", "5"], "$1\r\nv\r\n").await;
    c.check(&["TTL", "e"], ":5\r\n").await;
    c.check(&["GETEX", "e", "PERSIST"], "$1\r\nv\r\n").await;
    c.check(&["TTL", "e"], ":-1\r\n").await;
    c.check(&["GETEX", "e", "PERSIST", "EX", "1"], syntax).await;
    h.shutdown().await;
}

#[tokio::test]
async fn expire_family_and_lazy_and_active_expiry() {
    let (h, clock) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["SET", "k", "v"], "+OK\r\n").await;
    c.check(
        &["EXPIRE", "k", "100", "NX", "XX"],
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
    )
    .await;
    c.check(
        &["EXPIRE", "k", "100", "GT", "LT"],
        "-ERR GT and LT options at the same time are not compatible\r\n",
    )
    .await;
    c.check(
        &["EXPIRE", "k", "100", "FOO"],
        "-ERR Unsupported option FOO\r\n",
    )
    .await;
    c.check(
        &["EXPIRE", "k", "9223372036854775807"],
        "-ERR invalid expire time in 'expire' command\r\n",
    )
    .await;
    // GT on a key without expiry: no expiry counts as infinite.
    c.check(&["EXPIRE", "k", "100", "GT"], ":0\r\n").await;
    c.check(&["EXPIRE", "k", "100", "LT"], ":1\r\n").await;
    c.check(&["EXPIRE", "k", "50", "NX"], ":0\r\n").await;
    c.check(&["EXPIRE", "k", "200", "GT"], ":1\r\n").await;
    c.check(&["TTL", "k"], ":200\r\n").await;
    c.check(&["PEXPIRETIME", "k"], ":1700000200000\r\n").await;
    c.check(&["EXPIRETIME", "k"], ":1700000200\r\n").await;
    c.check(&["PERSIST", "k"], ":1\r\n").await;
    c.check(&["PERSIST", "k"], ":0\r\n").await;
    c.check(&["TTL", "k"], ":-1\r\n").await;
    c.check(&["EXPIRE", "nokey", "10"], ":0\r\n").await;
    // A time in the past deletes the key at once.
    c.check(&["EXPIREAT", "k", "1"], ":1\r\n").await;
    c.check(&["EXISTS", "k"], ":0\r\n").await;
    // Lazy expiry: the key is invisible the moment its time comes.
    c.check(&["SET", "a", "1", "PX", "10"], "+OK\r\n").await;
    c.check(&["DBSIZE"], ":1\r\n").await;
    clock.advance(10);
    c.check(&["EXISTS", "a"], ":0\r\n").await;
    // Active expiry: the background sweep removes keys nobody reads and
    // counts them in INFO.
    for i in 0..20 {
        c.check(&["SET", &format!("t{i}"), "x", "PX", "5"], "+OK\r\n")
            .await;
    }
    clock.advance(5);
    let deadline = tokio::time::Instant::now() + LONG;
    loop {
        c.send(&["DBSIZE"]).await;
        if c.read_line().await == ":0\r\n" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "sweep never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.send(&["INFO", "stats"]).await;
    let stats = c.read_bulk().await;
    // One lazily expired key and twenty removed by the sweep.
    assert!(stats.contains("expired_keys:21\r\n"), "{stats}");
    h.shutdown().await;
}

#[tokio::test]
async fn keyspace_commands() {
    let (h, clock) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    c.check(
        &["MSET", "user:1", "a", "user:2", "b", "other", "c"],
        "+OK\r\n",
    )
    .await;
    c.check(&["KEYS", "user:[2-9]"], "*1\r\n$6\r\nuser:2\r\n")
        .await;
    c.check(&["KEYS", "nomatch*"], "*0\r\n").await;
    c.check(&["TYPE", "other"], "+string\r\n").await;
    c.check(&["TYPE", "nokey"], "+none\r\n").await;
    c.check(&["EXISTS", "user:1", "user:1", "nokey"], ":2\r\n")
        .await;
    c.check(&["RENAME", "nokey", "x"], "-ERR no such key\r\n")
        .await;
    c.check(&["SET", "other", "c", "EX", "100"], "+OK\r\n")
        .await;
    c.check(&["RENAME", "other", "moved"], "+OK\r\n").await;
    c.check(&["TTL", "moved"], ":100\r\n").await;
    c.check(&["RENAMENX", "moved", "user:1"], ":0\r\n").await;
    c.check(
        &["COPY", "moved", "moved"],
        "-ERR source and destination objects are the same\r\n",
    )
    .await;
    c.check(
        &["COPY", "moved", "x", "DB", "16"],
        "-ERR DB index is out of range\r\n",
    )
    .await;
    c.check(&["COPY", "moved", "x", "DB", "1"], ":1\r\n").await;
    c.check(&["COPY", "moved", "x", "DB", "1"], ":0\r\n").await;
    c.check(&["COPY", "moved", "x", "DB", "1", "REPLACE"], ":1\r\n")
        .await;
    c.check(&["SELECT", "1"], "+OK\r\n").await;
    c.check(&["GET", "x"], "$1\r\nc\r\n").await;
    c.check(&["TTL", "x"], ":100\r\n").await;
    c.check(&["MOVE", "x", "0"], ":1\r\n").await;
    c.check(&["SELECT", "0"], "+OK\r\n").await;
    c.check(&["DEL", "x", "moved", "nokey"], ":2\r\n").await;
    c.check(&["OBJECT", "ENCODING", "user:1"], "$6\r\nembstr\r\n")
        .await;
    c.check(&["SET", "i", "12"], "+OK\r\n").await;
    c.check(&["OBJECT", "ENCODING", "i"], "$3\r\nint\r\n").await;
    // Changed in place, a string becomes `raw` whatever its length.
    c.check(&["APPEND", "user:2", "x"], ":2\r\n").await;
    c.check(&["OBJECT", "ENCODING", "user:2"], "$3\r\nraw\r\n")
        .await;
    c.check(&["GETEX", "nokey", "PX", "x"], "$-1\r\n").await;
    c.check(&["OBJECT", "REFCOUNT", "i"], ":2147483647\r\n")
        .await;
    clock.advance(3000);
    c.check(&["OBJECT", "IDLETIME", "i"], ":3\r\n").await;
    c.check(&["OBJECT", "ENCODING", "nokey"], "$-1\r\n").await;
    c.check(&["MEMORY", "USAGE", "i"], ":48\r\n").await;
    c.check(&["MEMORY", "USAGE", "nokey"], "$-1\r\n").await;
    c.check(&["SCAN", "x"], "-ERR invalid cursor\r\n").await;
    c.check(&["SCAN", "0", "COUNT", "0"], "-ERR syntax error\r\n")
        .await;
    c.send(&["RANDOMKEY"]).await;
    let k = c.read_bulk().await;
    assert!(["user:1", "user:2", "i"].contains(&k.as_str()), "{k}");
    c.check(&["FLUSHDB"], "+OK\r\n").await;
    c.check(&["RANDOMKEY"], "$-1\r\n").await;
    c.check(&["SCAN", "0"], "*2\r\n$1\r\n0\r\n*0\r\n").await;
    h.shutdown().await;
}

/// Reads a SCAN reply: (cursor, keys).
async fn read_scan(c: &mut Conn) -> (String, Vec<String>) {
    assert_eq!(c.read_n(4).await, b"*2\r\n");
    let cursor = c.read_bulk().await;
    let mut header = Vec::new();
    loop {
        header.push(c.read_n(1).await[0]);
        if header.ends_with(b"\r\n") {
            break;
        }
    }
    let n: usize = String::from_utf8_lossy(&header[1..header.len() - 2])
        .parse()
        .unwrap();
    let mut keys = Vec::new();
    for _ in 0..n {
        keys.push(c.read_bulk().await);
    }
    (cursor, keys)
}

#[tokio::test]
async fn scan_returns_every_key_present_throughout() {
    let (h, _) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut w = Conn::open(h.local_addr()).await;
    for i in 0..300 {
        c.check(&["SET", &format!("k{i}"), "v"], "+OK\r\n").await;
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0;
    loop {
        c.send(&["SCAN", &cursor, "COUNT", "7"]).await;
        let (next, keys) = read_scan(&mut c).await;
        seen.extend(keys);
        // Another client adds and removes keys while the scan runs.
        w.check(&["SET", &format!("new{round}"), "v"], "+OK\r\n")
            .await;
        w.check(&["DEL", &format!("k{}", 250 + round % 50)], ":1\r\n")
            .await;
        w.check(&["SET", &format!("k{}", 250 + round % 50), "v"], "+OK\r\n")
            .await;
        round += 1;
        cursor = next;
        if cursor == "0" {
            break;
        }
        assert!(round < 1000, "scan does not terminate");
    }
    for i in 0..250 {
        assert!(seen.contains(&format!("k{i}")), "k{i} never returned");
    }
    // MATCH and TYPE filter the page after it is chosen, as in Redis.
    c.send(&[
        "SCAN", "0", "MATCH", "k1?", "COUNT", "1000", "TYPE", "STRING",
    ])
    .await;
    let (next, mut keys) = read_scan(&mut c).await;
    keys.sort();
    assert_eq!(next, "0");
    assert_eq!(keys.len(), 10, "{keys:?}");
    c.send(&["SCAN", "0", "COUNT", "1000", "TYPE", "stream"])
        .await;
    let (_, keys) = read_scan(&mut c).await;
    assert!(keys.is_empty());
    h.shutdown().await;
}

#[tokio::test]
async fn transactions_and_watch() {
    let (h, clock) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut other = Conn::open(h.local_addr()).await;
    c.check(&["EXEC"], "-ERR EXEC without MULTI\r\n").await;
    c.check(&["DISCARD"], "-ERR DISCARD without MULTI\r\n")
        .await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["MULTI"], "-ERR MULTI calls can not be nested\r\n")
        .await;
    c.check(&["SET", "a", "x"], "+QUEUED\r\n").await;
    c.check(&["INCR", "a"], "+QUEUED\r\n").await;
    c.check(&["GET", "a"], "+QUEUED\r\n").await;
    c.check(
        &["EXEC"],
        "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n",
    )
    .await;
    // A queueing error aborts the whole transaction.
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["SET", "b", "1"], "+QUEUED\r\n").await;
    c.check(
        &["SET", "b"],
        "-ERR wrong number of arguments for 'set' command\r\n",
    )
    .await;
    c.check(
        &["EXEC"],
        "-EXECABORT Transaction discarded because of previous errors.\r\n",
    )
    .await;
    c.check(&["EXISTS", "b"], ":0\r\n").await;
    // WATCH: a write by another client makes EXEC return a null array.
    c.check(&["WATCH", "a"], "+OK\r\n").await;
    other.check(&["SET", "a", "y"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(
        &["WATCH", "z"],
        "-ERR WATCH inside MULTI is not allowed\r\n",
    )
    .await;
    c.check(&["SET", "a", "mine"], "+QUEUED\r\n").await;
    c.check(&["EXEC"], "*-1\r\n").await;
    c.check(&["GET", "a"], "$1\r\ny\r\n").await;
    // After EXEC nothing is watched any more.
    other.check(&["SET", "a", "z"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["PING"], "+QUEUED\r\n").await;
    c.check(&["EXEC"], "*1\r\n+PONG\r\n").await;
    // UNWATCH forgets a touched key.
    c.check(&["WATCH", "a"], "+OK\r\n").await;
    other.check(&["SET", "a", "w"], "+OK\r\n").await;
    c.check(&["UNWATCH"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["PING"], "+QUEUED\r\n").await;
    c.check(&["EXEC"], "*1\r\n+PONG\r\n").await;
    // FLUSHALL touches a watched key that held a value, not an absent one.
    c.check(&["WATCH", "a"], "+OK\r\n").await;
    other.check(&["FLUSHALL"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["EXEC"], "*-1\r\n").await;
    c.check(&["WATCH", "absent"], "+OK\r\n").await;
    other.check(&["FLUSHDB"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["EXEC"], "*0\r\n").await;
    // A watched key that expires after WATCH aborts EXEC, as in Redis 7.0.15
    // (isWatchedKeyExpired; conformance case transactions/blocking.case
    // "watch a key that expires" compares this with real Redis).
    c.check(&["SET", "t", "1", "PX", "10"], "+OK\r\n").await;
    c.check(&["WATCH", "t"], "+OK\r\n").await;
    clock.advance(20);
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["GET", "t"], "+QUEUED\r\n").await;
    c.check(&["EXEC"], "*-1\r\n").await;
    // Commands refused inside MULTI flag it; DISCARD drops the queue.
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["SET", "d", "1"], "+QUEUED\r\n").await;
    c.check(&["DISCARD"], "+OK\r\n").await;
    c.check(&["EXISTS", "d"], ":0\r\n").await;
    // RESP3: EXEC aborted by WATCH is a null.
    c.check(&["HELLO", "3"], "%7\r\n").await;
    c.read_n(1).await; // drain the rest of the HELLO map byte by byte below
    let mut tail = Vec::new();
    while !tail.ends_with(b"modules\r\n*0\r\n") {
        tail.push(c.read_n(1).await[0]);
    }
    c.check(&["WATCH", "a"], "+OK\r\n").await;
    other.check(&["SET", "a", "1"], "+OK\r\n").await;
    c.check(&["MULTI"], "+OK\r\n").await;
    c.check(&["EXEC"], "_\r\n").await;
    h.shutdown().await;
}

#[tokio::test]
async fn server_commands_and_client_kill() {
    let (h, _) = start().await;
    let mut c = Conn::open(h.local_addr()).await;
    let mut victim = Conn::open(h.local_addr()).await;
    victim.send(&["CLIENT", "ID"]).await;
    let id_line = String::from_utf8(victim.read_n(4).await).unwrap();
    let vid = id_line[1..].trim().to_string();
    c.check(
        &[
            "CONFIG",
            "SET",
            "stream-node-max-bytes",
            "1kb",
            "timeout",
            "5",
        ],
        "+OK\r\n",
    )
    .await;
    c.check(
        &["CONFIG", "GET", "stream-node-max-bytes", "time*"],
        "*4\r\n$21\r\nstream-node-max-bytes\r\n$4\r\n1024\r\n$7\r\ntimeout\r\n$1\r\n5\r\n",
    )
    .await;
    assert_eq!(
        h.shared()
            .runtime
            .stream_node_max_bytes
            .load(std::sync::atomic::Ordering::Relaxed),
        1024
    );
    c.check(
        &["CONFIG", "SET", "maxclients", "abc"],
        "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n",
    )
    .await;
    c.check(
        &["CONFIG", "SET", "nosuch", "1"],
        "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n",
    )
    .await;
    // Redis 7.0 answers an odd argument count with a syntax error.
    c.check(&["CONFIG", "SET", "a", "1", "b"], "-ERR syntax error\r\n")
        .await;
    c.check(&["SET", "k", "v"], "+OK\r\n").await;
    c.send(&["INFO", "commandstats"]).await;
    let stats = c.read_bulk().await;
    assert!(stats.contains("cmdstat_set:calls=1,usec="), "{stats}");
    // The odd-argument CONFIG SET fails inside the command, as in Redis.
    assert!(stats.contains("cmdstat_config|set:calls=4,"), "{stats}");
    c.send(&["INFO"]).await;
    let info = c.read_bulk().await;
    for field in [
        "# Server\r\n",
        "redis_version:",
        "tcp_port:",
        "# Clients\r\nconnected_clients:2\r\n",
        "used_memory:",
        "total_commands_processed:",
        "errorstat_ERR:count=3",
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n",
    ] {
        assert!(info.contains(field), "{field} missing from {info}");
    }
    assert!(!info.contains("# Commandstats"));
    c.send(&["INFO", "nosuch"]).await;
    c.expect("$0\r\n\r\n").await;
    c.check(&["CONFIG", "RESETSTAT"], "+OK\r\n").await;
    c.send(&["INFO", "errorstats"]).await;
    c.expect("$14\r\n# Errorstats\r\n\r\n").await;
    c.check(
        &["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    )
    .await;
    c.check(
        &["COMMAND", "GETKEYS", "PING", "x"],
        "-ERR The command has no key arguments\r\n",
    )
    .await;
    c.check(
        &["COMMAND", "GETKEYS", "NOPE", "x"],
        "-ERR Invalid command specified\r\n",
    )
    .await;
    c.check(&["COMMAND", "INFO", "nosuch"], "*1\r\n$-1\r\n")
        .await;
    c.check(
        &["COMMAND", "DOCS", "echo"],
        "*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$25\r\nReturns the given string.\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n$7\r\nmessage\r\n",
    )
    .await;
    c.check(&["FUNCTION", "FLUSH"], "+OK\r\n").await;
    c.check(&["SHUTDOWN", "ABORT"], "-ERR No shutdown in progress.\r\n")
        .await;
    c.check(&["SHUTDOWN", "SAVE", "NOSAVE"], "-ERR syntax error\r\n")
        .await;
    // CLIENT KILL closes the other connection.
    c.check(&["CLIENT", "KILL", "ID", &vid], ":1\r\n").await;
    victim.expect_closed().await;
    c.check(&["CLIENT", "KILL", "ID", &vid], ":0\r\n").await;
    c.check(&["CLIENT", "KILL", "1.2.3.4:5"], "-ERR No such client\r\n")
        .await;
    // SHUTDOWN: no reply, the connection closes and the server stops.
    c.send(&["SHUTDOWN", "NOSAVE"]).await;
    c.expect_closed().await;
    timeout(LONG, h.shutdown()).await.expect("server stopped");
}

/// A `redis-server` this test started (the reference binary named by
/// `SLUICE_REDIS_SERVER`; unset or missing fails the test), killed by PID on
/// drop.
struct Redis(std::process::Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a `redis-server` on a free 127.0.0.1 port (retrying when the port
/// is taken between choosing and binding).
async fn start_redis() -> (Redis, SocketAddr) {
    use std::process::{Command, Stdio};
    for _ in 0..10 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(support::sync_redis::redis_server_bin())
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SLUICE_REDIS_SERVER binary");
        let mut r = Redis(child);
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let pid = format!("process_id:{}\r\n", r.0.id());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(_)) = r.0.try_wait() {
                break; // exited: the port was taken
            }
            if let Ok(sock) = TcpStream::connect(addr).await {
                let mut c = Conn { sock };
                c.send(&["INFO", "server"]).await;
                if c.read_bulk().await.contains(&pid) {
                    return (r, addr);
                }
                break; // someone else's server
            }
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    panic!("could not start redis-server on a free port");
}

/// Waits (bounded) until `cond` holds.
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + LONG;
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Reads what a connection gets before the server closes it, sending nothing.
async fn read_until_closed(c: &mut Conn) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        let n = timeout(LONG, c.sock.read(&mut buf))
            .await
            .expect("close in time")
            .unwrap_or(0);
        if n == 0 {
            return String::from_utf8_lossy(&got).into_owned();
        }
        got.extend_from_slice(&buf[..n]);
    }
}

/// The `maxclients` scenario, run on Redis and on Sluice: the transcript of
/// every reply, in order. `settle` waits until the server has seen a closed
/// connection go (Redis frees it in its event loop, Sluice in its task).
async fn maxclients_transcript(addr: SocketAddr, live: impl Fn() -> Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    let mut admin = Conn::open(addr).await;
    admin.send(&["CONFIG", "SET", "maxclients", "2"]).await;
    out.push(admin.read_line().await);
    let mut second = Conn::open(addr).await;
    second.send(&["PING"]).await;
    out.push(second.read_line().await);
    // The third is refused at once, before it sends anything.
    let mut third = Conn::open(addr).await;
    out.push(read_until_closed(&mut third).await);
    // A slot freed by a client leaving is usable again.
    drop(second);
    match live() {
        Some(_) => eventually("the closed client is gone", || live() == Some(1)).await,
        None => tokio::time::sleep(Duration::from_millis(300)).await,
    }
    let mut fourth = Conn::open(addr).await;
    fourth.send(&["PING"]).await;
    out.push(fourth.read_line().await);
    // Lowering the limit below the clients connected keeps them all.
    admin.send(&["CONFIG", "SET", "maxclients", "1"]).await;
    out.push(admin.read_line().await);
    fourth.send(&["PING"]).await;
    out.push(fourth.read_line().await);
    let mut fifth = Conn::open(addr).await;
    out.push(read_until_closed(&mut fifth).await);
    admin.send(&["INFO", "stats"]).await;
    let stats = admin.read_bulk().await;
    out.push(
        stats
            .lines()
            .find(|l| l.starts_with("rejected_connections:"))
            .unwrap_or("no rejected_connections")
            .to_string(),
    );
    // Raising it admits new clients again.
    admin.send(&["CONFIG", "SET", "maxclients", "10"]).await;
    out.push(admin.read_line().await);
    let mut sixth = Conn::open(addr).await;
    sixth.send(&["PING"]).await;
    out.push(sixth.read_line().await);
    out
}

#[tokio::test]
async fn maxclients_set_at_runtime_refuses_like_redis() {
    let (_redis, raddr) = start_redis().await;
    let want = maxclients_transcript(raddr, || None).await;
    let (h, _) = start().await;
    let shared = h.shared().clone();
    let got = maxclients_transcript(h.local_addr(), || {
        Some(
            shared
                .clients
                .live
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    })
    .await;
    assert_eq!(got, want);
    // And what Redis 7.0.15 sends, so the test fails if both change.
    assert_eq!(
        want,
        [
            "+OK\r\n",
            "+PONG\r\n",
            "-ERR max number of clients reached\r\n",
            "+PONG\r\n",
            "+OK\r\n",
            "+PONG\r\n",
            "-ERR max number of clients reached\r\n",
            "rejected_connections:2",
            "+OK\r\n",
            "+PONG\r\n",
        ]
    );
    timeout(LONG, h.shutdown()).await.expect("server stopped");
}

#[tokio::test]
async fn timeout_closes_idle_clients_but_not_blocked_ones() {
    let (h, clock) = start().await;
    let addr = h.local_addr();
    let shared = h.shared().clone();
    let blocked = || shared.clients.blocked();
    let mut idle = Conn::open(addr).await;
    idle.check(&["CONFIG", "SET", "timeout", "1"], "+OK\r\n")
        .await;
    // A client inside MULTI is not exempt (Redis exempts only blocked,
    // Pub/Sub, replica and master clients).
    idle.check(&["MULTI"], "+OK\r\n").await;
    let mut active = Conn::open(addr).await;
    active.check(&["PING"], "+PONG\r\n").await;
    let mut waiting = Conn::open(addr).await;
    waiting
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    eventually("the XREAD blocks", || blocked() == 1).await;

    // One second idle is not more than `timeout 1`: nobody is closed.
    clock.advance(1000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    active.check(&["PING"], "+PONG\r\n").await;
    assert_eq!(shared.clients.connected(), 3);

    // Two seconds: the idle client is closed; the one that just spoke and
    // the blocked one stay.
    clock.advance(1000);
    idle.expect_closed().await;
    active
        .check(&["XADD", "s", "1-1", "f", "v"], "$3\r\n1-1\r\n")
        .await;
    waiting
        .expect("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
        .await;
    // The reply counts as an interaction for the client that was blocked.
    waiting.check(&["PING"], "+PONG\r\n").await;

    // Partial input is an interaction too (Redis updates lastinteraction
    // on every read): a command sent in two pieces across the deadline.
    clock.advance(1500);
    waiting.raw(b"*1\r\n$4\r\nPI").await;
    active.check(&["PING"], "+PONG\r\n").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    clock.advance(1000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    waiting.raw(b"NG\r\n").await;
    waiting.expect("+PONG\r\n").await;

    // CONFIG SET timeout 0 turns the sweep off at once.
    active
        .check(&["CONFIG", "SET", "timeout", "0"], "+OK\r\n")
        .await;
    clock.advance(100_000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    active.check(&["PING"], "+PONG\r\n").await;
    waiting.check(&["PING"], "+PONG\r\n").await;
    timeout(LONG, h.shutdown()).await.expect("server stopped");
}

#[tokio::test]
async fn timeout_on_the_wall_clock_matches_redis() {
    // The same idle and blocked clients on Redis and on a Sluice running on
    // the system clock: after `timeout 1` and 2.5 s of silence, the idle
    // client is gone on both and the blocked one is still served.
    let (_redis, raddr) = start_redis().await;
    let server = Server::builder().port(0).bind().await.expect("bind");
    let h = server.spawn();
    let mut runs = Vec::new();
    for addr in [raddr, h.local_addr()] {
        let mut admin = Conn::open(addr).await;
        admin
            .check(&["CONFIG", "SET", "timeout", "1"], "+OK\r\n")
            .await;
        let mut waiting = Conn::open(addr).await;
        waiting
            .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
            .await;
        runs.push((addr, admin, waiting));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for (addr, mut admin, mut waiting) in runs {
        assert_eq!(read_until_closed(&mut admin).await, "", "{addr}");
        let mut c = Conn::open(addr).await;
        c.check(&["XADD", "s", "1-1", "f", "v"], "$3\r\n1-1\r\n")
            .await;
        waiting
            .expect("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
            .await;
        c.check(&["CONFIG", "SET", "timeout", "0"], "+OK\r\n").await;
    }
    timeout(LONG, h.shutdown()).await.expect("server stopped");
}

/// Runs the built `sluice-server` with `args`; it must exit by itself within
/// [`LONG`] (a server that started instead is killed and the test fails).
fn run_binary(args: &[&str]) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sluice-server"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run sluice-server");
    let deadline = std::time::Instant::now() + LONG;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sluice-server {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read stdout");
    (status, out)
}

#[test]
fn help_prints_usage_and_exits_without_serving() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--port", "0", "--help"],
        &["/no/such/file.conf", "--help"],
    ] {
        let (status, out) = run_binary(args);
        assert!(status.success(), "{args:?}: {status}");
        assert!(
            out.starts_with("Usage: sluice-server [/path/to/sluice.conf]"),
            "{args:?}: {out}"
        );
        assert!(
            !out.contains("connections on 127.0.0.1:"),
            "{args:?}: {out}"
        );
        // Every parameter the server accepts is listed with its default.
        for p in sluice_server::config::params() {
            let line = format!("\n  --{} ", p.name);
            assert!(
                out.contains(&line),
                "{args:?}: {} missing from {out}",
                p.name
            );
        }
        assert!(out.contains("(TCP port; 0 picks a free one; default 6379; startup only)"));
    }
    // `--version` / `-v`: redis-server's line, the same fields in the same
    // order as the reference binary's, and the version Sluice answers as.
    let reference = std::process::Command::new(support::sync_redis::redis_server_bin())
        .arg("--version")
        .output()
        .expect("run the reference redis-server --version");
    let reference = String::from_utf8_lossy(&reference.stdout).into_owned();
    let fields = |line: &str| -> Vec<(String, String)> {
        let rest = line
            .trim_end()
            .strip_prefix("Redis server ")
            .unwrap_or_else(|| panic!("not redis-server's format: {line:?}"));
        rest.split(' ')
            .map(|f| {
                let (k, v) = f.split_once('=').expect("key=value");
                (k.to_string(), v.to_string())
            })
            .collect()
    };
    let want = fields(&reference);
    for flag in ["--version", "-v"] {
        let (status, out) = run_binary(&[flag]);
        assert!(status.success(), "{flag}: {status}");
        assert_eq!(out.lines().count(), 1, "{flag}: {out}");
        let got = fields(&out);
        let keys = |f: &[(String, String)]| f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&got), keys(&want), "{out} vs {reference}");
        assert_eq!(
            got[0], want[0],
            "v= is the reference's version: {out} vs {reference}"
        );
        assert_eq!(got[0].1, sluice_server::commands::connection::REDIS_VERSION);
        assert_eq!(got[3], ("bits".to_string(), "64".to_string()), "{out}");
        assert!(
            (1..=16).contains(&got[4].1.len()) && got[4].1.bytes().all(|b| b.is_ascii_hexdigit()),
            "build= is a 64-bit hex id: {out}"
        );
    }
    // `-h` after a directive is its value (here a password), not a help
    // request, as in redis-server: a bad port makes that start fail at once.
    let (status, out) = run_binary(&["--requirepass", "-h", "--port", "99999"]);
    assert!(!status.success());
    assert!(!out.contains("Usage"), "{out}");
}

/// The `key=value` names of a CLIENT INFO line, in order.
fn client_fields(line: &str) -> Vec<String> {
    line.trim_end()
        .split(' ')
        .map(|f| f.split_once('=').expect("key=value").0.to_string())
        .collect()
}

/// `field` of a CLIENT INFO line.
fn client_field<'a>(line: &'a str, field: &str) -> &'a str {
    line.trim_end()
        .split(' ')
        .find_map(|f| f.strip_prefix(field)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{field} in {line}"))
}

/// INFO's fields by section: `[(section, [field, ...])]`.
fn info_fields(info: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for l in info.split("\r\n") {
        if let Some(name) = l.strip_prefix("# ") {
            out.push((name.to_string(), Vec::new()));
        } else if let Some((k, _)) = l.split_once(':') {
            out.last_mut().expect("a section").1.push(k.to_string());
        }
    }
    out
}

/// CLIENT INFO has the reference's fields in its order (with `watch` and
/// `io-thread`, Redis 8.0), and INFO's sections and the fields Sluice
/// reports come in the reference's order: each Sluice section is one of the
/// reference's, and its fields (but `sluice_version`) are a subsequence of
/// the reference's, checked on both servers after the same commands.
#[tokio::test]
async fn client_info_and_info_fields_in_the_reference_order() {
    let (_redis, raddr) = start_redis().await;
    let (h, _) = start().await;
    let mut lines = Vec::new();
    let mut infos = Vec::new();
    for addr in [raddr, h.local_addr()] {
        let mut c = Conn::open(addr).await;
        c.check(&["WATCH", "a", "b", "a"], "+OK\r\n").await;
        c.send(&["CLIENT", "INFO"]).await;
        lines.push(c.read_bulk().await);
        c.send(&["INFO", "everything"]).await;
        infos.push(c.read_bulk().await);
    }
    // Sluice announces the reference's version (INFO; HELLO and --version
    // use the same constant, checked above).
    let redis_version = |info: &str| {
        info.split("\r\n")
            .find_map(|l| l.strip_prefix("redis_version:"))
            .map(str::to_string)
    };
    assert_eq!(redis_version(&infos[1]), redis_version(&infos[0]));
    let (r, s) = (&lines[0], &lines[1]);
    assert_eq!(
        client_fields(s),
        client_fields(r),
        "\nredis:  {r}\nsluice: {s}"
    );
    for f in ["watch", "io-thread", "multi", "flags", "resp", "cmd"] {
        assert_eq!(client_field(s, f), client_field(r, f), "{f}: {r} / {s}");
    }
    let (r, s) = (info_fields(&infos[0]), info_fields(&infos[1]));
    let names = |v: &[(String, Vec<String>)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    let mut rs = names(&r).into_iter();
    for name in names(&s) {
        assert!(
            rs.any(|x| x == name),
            "section {name} out of the reference's order: {:?} vs {:?}",
            names(&s),
            names(&r)
        );
    }
    for (name, fields) in &s {
        let theirs = &r.iter().find(|x| &x.0 == name).expect("section").1;
        if name == "Commandstats" || name == "Errorstats" || name == "Keyspace" {
            continue; // per command / error code / database, not a fixed list
        }
        let mut it = theirs.iter();
        for f in fields.iter().filter(|f| *f != "sluice_version") {
            assert!(
                it.any(|x| x == f),
                "{name}: {f} is not Redis's or out of its order\nsluice: {fields:?}\nredis:  {theirs:?}"
            );
        }
    }
}

/// CLIENT KILL MAXAGE kills the clients connected at least that many seconds
/// (on the injected clock), never the caller unless SKIPME no.
#[tokio::test]
async fn client_kill_maxage_kills_old_connections_only() {
    let (h, clock) = start().await;
    let mut old = Conn::open(h.local_addr()).await;
    old.check(&["PING"], "+PONG\r\n").await;
    clock.advance(5_000);
    let mut young = Conn::open(h.local_addr()).await;
    young.check(&["PING"], "+PONG\r\n").await;
    clock.advance(2_000);
    // Ages now: old 7 s, young 2 s, the caller 0 s.
    let mut c = Conn::open(h.local_addr()).await;
    c.check(&["CLIENT", "KILL", "MAXAGE", "8"], ":0\r\n").await;
    c.check(&["CLIENT", "KILL", "MAXAGE", "7"], ":1\r\n").await;
    old.expect_closed().await;
    young.check(&["PING"], "+PONG\r\n").await;
    clock.advance(1_000);
    c.check(
        &["CLIENT", "KILL", "MAXAGE", "1", "SKIPME", "yes"],
        ":1\r\n",
    )
    .await;
    young.expect_closed().await;
    c.check(&["PING"], "+PONG\r\n").await;
    // With SKIPME no the caller is old enough too: it gets its reply, then
    // the connection closes.
    c.check(&["CLIENT", "KILL", "MAXAGE", "1", "SKIPME", "no"], ":1\r\n")
        .await;
    c.expect_closed().await;
}
