//! XREAD BLOCK over real connections: wake-ups by writers on other
//! connections (every reader of a key is served), timeouts, keys that vanish
//! or change type while a reader waits, and what a waiting client sends or
//! does meanwhile (pipelined input kept for later, hanging up, overflowing
//! the query buffer). Time bounds are generous upper limits only.

use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::time::timeout;

mod support;
use support::{start, Conn, LONG};

/// Gives a reader that was just sent XREAD BLOCK time to reach its wait. The
/// tests stay correct if it is too short: the command re-checks the stream
/// after registering, so an early write is seen either way.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn woken_by_xadd_from_another_connection() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(
        writer.cmd(&["XADD", "s", "2-1", "b", "2"]).await,
        "$3\r\n2-1\r\n"
    );
    let got = timeout(LONG, reader.read()).await.expect("woken");
    assert_eq!(
        got,
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn timeout_returns_null_array() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let got = reader
        .cmd(&["XREAD", "BLOCK", "30", "STREAMS", "s", "$"])
        .await;
    assert_eq!(got, "*-1\r\n");
    // The connection still works afterwards.
    assert_eq!(reader.cmd(&["XLEN", "s"]).await, ":0\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn deleted_key_keeps_waiting_for_a_new_stream() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "5-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(writer.cmd(&["DEL", "s"]).await, ":1\r\n");
    // An entry at or below the `$` the reader resolved (5-1) is not news.
    writer.cmd(&["XADD", "s", "3-1", "old", "x"]).await;
    settle().await;
    writer.cmd(&["XADD", "s", "6-1", "new", "y"]).await;
    let got = timeout(LONG, reader.read()).await.expect("woken");
    assert!(got.contains("6-1") && !got.contains("3-1"), "{got}");
    h.shutdown().await;
}

#[tokio::test]
async fn type_change_keeps_waiting_until_timeout() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    reader
        .send(&["XREAD", "BLOCK", "200", "STREAMS", "s", "$"])
        .await;
    settle().await;
    writer.cmd(&["DEL", "s"]).await;
    assert_eq!(writer.cmd(&["SET", "s", "x"]).await, "+OK\r\n");
    let got = timeout(LONG, reader.read()).await.expect("timed out");
    assert_eq!(got, "*-1\r\n");
    // Outside a wait, the wrong type is an error.
    let got = reader.cmd(&["XREAD", "STREAMS", "s", "0"]).await;
    assert!(got.starts_with("-WRONGTYPE"), "{got}");
    h.shutdown().await;
}

#[tokio::test]
async fn many_readers_one_writer() {
    let h = start().await;
    let mut readers = Vec::new();
    for _ in 0..8 {
        let mut r = Conn::open(h.local_addr()).await;
        r.send(&["XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "0"])
            .await;
        readers.push(r);
    }
    settle().await;
    let mut writer = Conn::open(h.local_addr()).await;
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    for r in &mut readers {
        let got = timeout(LONG, r.read()).await.expect("woken");
        assert!(got.contains("1-1"), "{got}");
    }
    h.shutdown().await;
}

#[tokio::test]
async fn blocked_reader_does_not_stop_shutdown() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    timeout(LONG, h.shutdown())
        .await
        .expect("shutdown completes");
}

#[tokio::test]
async fn client_kill_of_a_blocked_reader() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut other = Conn::open(h.local_addr()).await;
    let id = reader.cmd(&["CLIENT", "ID"]).await;
    let id = id.trim_start_matches(':').trim_end().to_string();
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    settle().await;
    assert_eq!(other.cmd(&["CLIENT", "KILL", "ID", &id]).await, ":1\r\n");
    // The killed reader's connection closes without a reply.
    let mut tmp = [0u8; 64];
    let n = timeout(LONG, reader.sock.read(&mut tmp))
        .await
        .expect("closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0, "got {:?}", &tmp[..n]);
    // Writers and new readers are unaffected.
    assert_eq!(
        other.cmd(&["XADD", "s", "1-1", "a", "1"]).await,
        "$3\r\n1-1\r\n"
    );
    let got = other
        .cmd(&["XREAD", "BLOCK", "0", "STREAMS", "s", "0"])
        .await;
    assert!(got.contains("1-1"), "{got}");
    h.shutdown().await;
}

/// Waits until the server counts `n` blocked clients.
async fn wait_blocked(c: &mut Conn, n: usize) {
    let want = format!("blocked_clients:{n}\r\n");
    let waited = Box::pin(timeout(LONG, async {
        loop {
            if c.cmd(&["INFO", "clients"]).await.contains(&want) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }))
    .await;
    assert!(waited.is_ok(), "never reached {n} blocked clients");
}

#[tokio::test]
async fn input_sent_while_blocked_runs_after_the_blocked_command() {
    let h = start().await;
    let mut reader = Conn::open(h.local_addr()).await;
    let mut writer = Conn::open(h.local_addr()).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    wait_blocked(&mut writer, 1).await;
    // Read by the server while the reader waits, run only once it is served.
    reader.send(&["XLEN", "s"]).await;
    reader.send(&["PING"]).await;
    assert!(timeout(Duration::from_millis(100), reader.read())
        .await
        .is_err());
    writer.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    let got = timeout(LONG, reader.read()).await.expect("woken");
    assert!(got.contains("1-1"), "{got}");
    assert_eq!(reader.read_in_time().await, ":1\r\n");
    assert_eq!(reader.read_in_time().await, "+PONG\r\n");
    h.shutdown().await;
}

#[tokio::test]
async fn a_reader_that_hangs_up_stops_waiting() {
    let h = start().await;
    let mut other = Conn::open(h.local_addr()).await;
    let mut readers = Vec::new();
    for i in 0..3 {
        let mut r = Conn::open(h.local_addr()).await;
        r.send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]).await;
        wait_blocked(&mut other, i + 1).await;
        readers.push(r);
    }
    // As in Redis, the server notices the hang-up while the client waits.
    drop(readers.remove(1));
    wait_blocked(&mut other, 2).await;
    other.cmd(&["XADD", "s", "1-1", "a", "1"]).await;
    for r in &mut readers {
        let got = r.read_in_time().await;
        assert!(got.contains("1-1"), "{got}");
    }
    wait_blocked(&mut other, 0).await;
    h.shutdown().await;
}

#[tokio::test]
async fn overflowing_the_query_buffer_while_blocked_closes_the_client() {
    let h = start().await;
    let mut other = Conn::open(h.local_addr()).await;
    assert_eq!(
        other
            .cmd(&["CONFIG", "SET", "client-query-buffer-limit", "1mb"])
            .await,
        "+OK\r\n"
    );
    let mut reader = Conn::open(h.local_addr()).await;
    reader
        .send(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        .await;
    wait_blocked(&mut other, 1).await;
    // Half of a 2 MB bulk argument: more than the limit, never a whole command.
    let mut big = b"*2\r\n$4\r\nECHO\r\n$2097152\r\n".to_vec();
    big.resize(big.len() + 1024 * 1024 + 64 * 1024, b'x');
    use tokio::io::AsyncWriteExt;
    // The server may close while this is being written.
    let _ = reader.sock.write_all(&big).await;
    wait_blocked(&mut other, 0).await;
    let mut tmp = [0u8; 64];
    let n = timeout(LONG, reader.sock.read(&mut tmp))
        .await
        .expect("closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0, "got {:?}", &tmp[..n]);
    h.shutdown().await;
}
