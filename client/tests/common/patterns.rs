//! The pattern scenarios, each run against Redis, Redis Cluster and Sluice.
//! Keys are hash-tagged (`{name}`) so a stream and its DLQ share a cluster slot.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sluice_client::{
    range, Client, Consumer, ConsumerHandle, ConsumerOptions, DeadLetters, Message, Outcome,
    Producer, ProducerOptions, Retention, StreamId, Trimmer,
};

use super::wait_until;

const LIMIT: Duration = Duration::from_secs(20);

pub fn fast_opts(stream: &str, group: &str, consumer: &str) -> ConsumerOptions {
    ConsumerOptions::new(stream, group, consumer)
        .block(Duration::from_millis(100))
        .claim_idle(Duration::from_millis(200))
        .claim_interval(Duration::from_millis(50))
        .shutdown_grace(Duration::from_secs(2))
}

pub async fn pending_count(client: &Client, stream: &str, group: &str) -> i64 {
    let v = client
        .command(redis::cmd("XPENDING").arg(stream).arg(group))
        .await
        .expect("XPENDING");
    match v {
        redis::Value::Array(a) => match a.first() {
            Some(redis::Value::Int(n)) => *n,
            other => panic!("XPENDING count: {other:?}"),
        },
        other => panic!("XPENDING: {other:?}"),
    }
}

async fn produce(
    client: &Client,
    stream: &str,
    n: usize,
    kind: impl Fn(usize) -> &'static str,
) -> Vec<StreamId> {
    let p = Producer::new(client, stream, ProducerOptions::new());
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let id = p
            .send(&[
                ("n", i.to_string().as_bytes()),
                ("kind", kind(i).as_bytes()),
            ])
            .await
            .expect("XADD");
        ids.push(id);
    }
    ids
}

type Seen = Arc<Mutex<HashMap<StreamId, Vec<u64>>>>;

fn record(seen: &Seen, m: &Message) {
    seen.lock()
        .unwrap()
        .entry(m.id)
        .or_default()
        .push(m.deliveries);
}

/// A consumer killed with messages in flight: another consumer processes them.
pub async fn crash_recovery(client: &Client, stream: &str) {
    let ids = produce(client, stream, 40, |_| "ok").await;
    let hung: Seen = Arc::default();
    let h = hung.clone();
    let a = Consumer::start(
        client,
        fast_opts(stream, "g", "a").concurrency(8).batch(8),
        move |m| {
            record(&h, &m);
            async move {
                // Hangs forever: the "process" dies while holding these.
                std::future::pending::<()>().await;
                Outcome::Ack
            }
        },
    )
    .await
    .unwrap();
    wait_until(LIMIT, "consumer a holds 8 messages", || {
        let n = a.in_flight();
        async move { n == 8 }
    })
    .await;
    assert_eq!(a.in_flight(), 8, "never more than `concurrency` in flight");
    a.kill();
    let held: HashSet<StreamId> = hung.lock().unwrap().keys().copied().collect();
    assert_eq!(held.len(), 8);

    let done: Seen = Arc::default();
    let d = done.clone();
    let b = Consumer::start(client, fast_opts(stream, "g", "b"), move |m| {
        record(&d, &m);
        async { Outcome::Ack }
    })
    .await
    .unwrap();
    wait_until(LIMIT, "consumer b processed everything", || {
        let n = done.lock().unwrap().len();
        async move { n == 40 }
    })
    .await;
    wait_until(LIMIT, "nothing pending", || async {
        pending_count(client, stream, "g").await == 0
    })
    .await;
    let metrics = b.shutdown().await.unwrap();
    let done = done.lock().unwrap();
    for id in &ids {
        assert!(done.contains_key(id), "{id} never processed");
    }
    for id in &held {
        // Taken over from the dead consumer: its second delivery.
        assert_eq!(done[id], vec![2], "{id} deliveries");
    }
    assert_eq!(metrics.processed, 40);
    assert!(metrics.claimed >= 8, "{metrics:?}");
}

/// Poison messages reach the DLQ with their original IDs after exactly
/// max_deliveries deliveries; permanent failures go at once; replay and purge work.
pub async fn poison_to_dlq(client: &Client, stream: &str) {
    let kinds = |i: usize| match i % 5 {
        1 => "poison",
        3 if i < 10 => "bad",
        _ => "ok",
    };
    let ids = produce(client, stream, 15, kinds).await;
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let c = Consumer::start(
        client,
        fast_opts(stream, "g", "c").max_deliveries(3),
        move |m| {
            record(&s, &m);
            let kind = m.get(b"kind").unwrap().clone();
            async move {
                match kind.as_ref() {
                    b"poison" => Outcome::retry("always fails"),
                    b"bad" => Outcome::dead_letter("malformed"),
                    _ => Outcome::Ack,
                }
            }
        },
    )
    .await
    .unwrap();
    let dlq = DeadLetters::new(client, stream);
    let poison: Vec<StreamId> = (0..15)
        .filter(|&i| kinds(i) == "poison")
        .map(|i| ids[i])
        .collect();
    let bad: Vec<StreamId> = (0..15)
        .filter(|&i| kinds(i) == "bad")
        .map(|i| ids[i])
        .collect();
    assert_eq!((poison.len(), bad.len()), (3, 2));
    wait_until(LIMIT, "5 dead letters", || async {
        dlq.len().await.unwrap() == 5
    })
    .await;
    // Give any (wrong) extra redelivery time to happen before counting.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let metrics = c.shutdown().await.unwrap();
    assert_eq!(pending_count(client, stream, "g").await, 0);
    {
        let seen = seen.lock().unwrap();
        for id in &poison {
            assert_eq!(
                seen[id],
                vec![1, 2, 3],
                "poison {id} handled exactly max_deliveries times"
            );
        }
        for id in &bad {
            assert_eq!(seen[id], vec![1], "bad {id} handled once");
        }
    }
    assert_eq!(metrics.dead_lettered, 5);
    assert_eq!(metrics.processed, 10);

    let letters = dlq.all().await.unwrap();
    let mut by_original: HashMap<StreamId, _> =
        letters.iter().map(|l| (l.original_id, l.clone())).collect();
    for id in &poison {
        let l = by_original
            .remove(id)
            .expect("poison in DLQ under its original ID");
        assert_eq!(l.deliveries, 3);
        assert_eq!(l.reason, "always fails");
        assert_eq!(l.group.as_ref(), b"g");
        assert_eq!(l.consumer.as_ref(), b"c");
        assert_eq!(l.stream.as_ref(), stream.as_bytes());
        assert_eq!(l.fields[1].0.as_ref(), b"kind");
        assert_eq!(l.fields[1].1.as_ref(), b"poison");
    }
    for id in &bad {
        let l = by_original.remove(id).expect("bad in DLQ");
        assert_eq!((l.deliveries, l.reason.as_str()), (1, "malformed"));
    }
    assert!(by_original.is_empty());

    // Inspect, replay, purge.
    let first = &letters[0];
    assert_eq!(dlq.get(first.dlq_id).await.unwrap().as_ref(), Some(first));
    let new_id = dlq.replay(first).await.unwrap();
    assert!(new_id > *ids.last().unwrap());
    assert_eq!(dlq.len().await.unwrap(), 4);
    let replayed = range(client, stream, &new_id.to_string(), "+", None)
        .await
        .unwrap();
    assert_eq!(replayed.len(), 1);
    assert_eq!(
        replayed[0].fields, first.fields,
        "replay keeps fields and their order"
    );
    assert_eq!(
        dlq.purge(&[letters[1].dlq_id, letters[1].dlq_id])
            .await
            .unwrap(),
        1
    );
    assert_eq!(dlq.len().await.unwrap(), 3);
    dlq.purge_all().await.unwrap();
    assert_eq!(dlq.len().await.unwrap(), 0);
}

/// Transient failures are retried, then succeed; nothing is dead-lettered.
pub async fn transient_then_success(client: &Client, stream: &str) {
    let ids = produce(client, stream, 20, |_| "ok").await;
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let c = Consumer::start(
        client,
        fast_opts(stream, "g", "t").max_deliveries(5),
        move |m| {
            record(&s, &m);
            let d = m.deliveries;
            async move {
                if d < 3 {
                    Outcome::retry("flaky")
                } else {
                    Outcome::Ack
                }
            }
        },
    )
    .await
    .unwrap();
    // Processed (acked) first, then the PEL: checked the other way round, an
    // early empty PEL (nothing read yet) could pass with a later count.
    wait_until(LIMIT, "all processed", || async {
        c.metrics().processed == 20 && pending_count(client, stream, "g").await == 0
    })
    .await;
    let metrics = c.shutdown().await.unwrap();
    let seen = seen.lock().unwrap().clone();
    for id in &ids {
        assert_eq!(seen[id], vec![1, 2, 3], "{id}");
    }
    assert_eq!(
        (metrics.processed, metrics.retried, metrics.dead_lettered),
        (20, 40, 0)
    );
    assert_eq!(DeadLetters::new(client, stream).len().await.unwrap(), 0);
}

async fn xreadgroup_ids(
    client: &Client,
    stream: &str,
    group: &str,
    count: usize,
    id: &str,
) -> Vec<(StreamId, bool)> {
    let v = client
        .command(
            redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(group)
                .arg("x")
                .arg("COUNT")
                .arg(count)
                .arg("STREAMS")
                .arg(stream)
                .arg(id),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    if let redis::Value::Array(streams) = v {
        for s in streams {
            let redis::Value::Array(mut kv) = s else {
                panic!()
            };
            let redis::Value::Array(entries) = kv.pop().unwrap() else {
                panic!()
            };
            for e in entries {
                let redis::Value::Array(parts) = e else {
                    panic!()
                };
                let redis::Value::BulkString(id) = &parts[0] else {
                    panic!()
                };
                out.push((
                    StreamId::parse(id).unwrap(),
                    !matches!(parts[1], redis::Value::Nil),
                ));
            }
        }
    }
    out
}

async fn xack(client: &Client, stream: &str, group: &str, ids: &[StreamId]) {
    let mut cmd = redis::cmd("XACK");
    cmd.arg(stream).arg(group);
    for id in ids {
        cmd.arg(*id);
    }
    client.command(&cmd).await.unwrap();
}

/// Two groups at different lags: trimming removes nothing either still needs.
pub async fn trim_two_groups(client: &Client, stream: &str) {
    let ids = produce(client, stream, 600, |_| "ok").await;
    for g in ["fast", "slow"] {
        client
            .command(
                redis::cmd("XGROUP")
                    .arg("CREATE")
                    .arg(stream)
                    .arg(g)
                    .arg("0"),
            )
            .await
            .unwrap();
    }
    let fast = xreadgroup_ids(client, stream, "fast", 1000, ">").await;
    assert_eq!(fast.len(), 600);
    xack(client, stream, "fast", &ids).await;
    // slow: read 300, acked the first 150 -> still needs ids[150..].
    let slow = xreadgroup_ids(client, stream, "slow", 300, ">").await;
    assert_eq!(slow.len(), 300);
    xack(client, stream, "slow", &ids[..150]).await;

    let trimmer = Trimmer::new(client, stream, Retention::MaxLen(10));
    let report = trimmer.trim_once().await.unwrap();
    assert_eq!(report.safe_point, Some(ids[150]));
    if !client.capabilities().acked_trim {
        // Fallback: MINID ~ at the safe point. (With ACKED the server
        // enforces it and the cap is sent as MAXLEN ~ 10 ACKED.)
        assert_eq!(report.threshold, Some(ids[150]));
    }
    assert!(report.removed > 0 && report.removed <= 150, "{report:?}");
    let left = range(client, stream, "-", "+", None).await.unwrap();
    assert_eq!(left.len() as u64, 600 - report.removed);
    assert!(left.iter().any(|e| e.id == ids[150]) && left.last().unwrap().id == ids[599]);
    // Everything slow still has pending is readable with its payload.
    let pending = xreadgroup_ids(client, stream, "slow", 1000, "0").await;
    assert_eq!(pending.len(), 150);
    assert!(
        pending.iter().all(|(_, has_fields)| *has_fields),
        "a pending entry lost its payload"
    );
    // And everything it has not read yet is still there.
    let unread = xreadgroup_ids(client, stream, "slow", 1000, ">").await;
    assert_eq!(
        unread.iter().map(|e| e.0).collect::<Vec<_>>(),
        ids[300..].to_vec()
    );

    // Age cap: everything is young, nothing goes.
    let by_age = Trimmer::new(client, stream, Retention::MaxAge(Duration::from_secs(3600)));
    assert_eq!(by_age.trim_once().await.unwrap().removed, 0);

    // Once slow has acked everything, the length cap applies.
    xack(client, stream, "slow", &ids).await;
    let report = trimmer.trim_once().await.unwrap();
    assert_eq!(report.safe_point, Some(ids[599].next()));
    if !client.capabilities().acked_trim {
        assert_eq!(report.threshold, Some(ids[590]));
    }
    let left = range(client, stream, "-", "+", None).await.unwrap();
    assert!(left.len() >= 10 && left.len() < 200, "{} left", left.len());
    assert_eq!(left.last().unwrap().id, ids[599]);
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `n` messages, seeded random transient/permanent handler failures, and
/// consumers killed and restarted: every message ends processed or
/// dead-lettered, none lost, nothing left pending.
pub async fn soak(client: &Client, stream: &str, n: usize, seed: u64) {
    let ids = produce(client, stream, n, |_| "ok").await;
    let acked: Arc<Mutex<HashSet<StreamId>>> = Arc::default();
    let handler = {
        let acked = acked.clone();
        move |m: Message| {
            let r = splitmix(seed ^ (m.id.ms << 20) ^ m.id.seq ^ (m.deliveries << 56)) % 1000;
            let acked = acked.clone();
            async move {
                if r < 50 {
                    Outcome::retry("random transient")
                } else if r < 55 {
                    Outcome::dead_letter("random permanent")
                } else {
                    acked.lock().unwrap().insert(m.id);
                    Outcome::Ack
                }
            }
        }
    };
    let start = |name: String| {
        let handler = handler.clone();
        async move {
            Consumer::start(
                client,
                fast_opts(stream, "g", &name)
                    .max_deliveries(3)
                    .batch(64)
                    .concurrency(32),
                handler,
            )
            .await
            .unwrap()
        }
    };
    let mut consumers: Vec<(String, ConsumerHandle)> = Vec::new();
    for i in 0..3 {
        let name = format!("w{i}");
        consumers.push((name.clone(), start(name).await));
    }
    let dlq = DeadLetters::new(client, stream);
    // Kill a consumer a few times while work is going on; restart it under
    // its own name (it resumes its history) or replace it with a new one.
    for round in 0..4u64 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let victim = (splitmix(seed + round) % consumers.len() as u64) as usize;
        let (name, handle) = consumers.swap_remove(victim);
        handle.kill();
        let name = if round % 2 == 0 {
            name
        } else {
            format!("w{}", 3 + round)
        };
        consumers.push((name.clone(), start(name).await));
    }
    wait_until(
        Duration::from_secs(60),
        "every message processed or dead-lettered",
        || async {
            // Outcomes first, then the PEL (see transient_then_success).
            let done = acked.lock().unwrap().len() as u64;
            done + dlq.len().await.unwrap() >= n as u64
                && pending_count(client, stream, "g").await == 0
        },
    )
    .await;
    for (_, c) in consumers {
        c.shutdown().await.unwrap();
    }
    let dead: HashSet<StreamId> = dlq
        .all()
        .await
        .unwrap()
        .iter()
        .map(|l| l.original_id)
        .collect();
    let acked = acked.lock().unwrap().clone();
    let lost: Vec<&StreamId> = ids
        .iter()
        .filter(|id| !acked.contains(id) && !dead.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} messages lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert!(
        !dead.is_empty(),
        "the seeded failures dead-letter some messages"
    );
    assert_eq!(pending_count(client, stream, "g").await, 0);
}

/// Idempotent production: the same (producer, idempotent-id) is added once.
pub async fn idempotent_producer(client: &Client, stream: &str) {
    let p = Producer::new(client, stream, ProducerOptions::new().producer_id("p1"));
    let first = p.send_idempotent("order-1", &[("a", "1")]).await.unwrap();
    let again = p.send_idempotent("order-1", &[("a", "1")]).await.unwrap();
    let other = p.send_idempotent("order-2", &[("a", "2")]).await.unwrap();
    let sluice_client::Sent::Added(id1) = first else {
        panic!("{first:?}")
    };
    if client.capabilities().idmp {
        assert_eq!(again, sluice_client::Sent::Added(id1));
    } else {
        assert_eq!(again, sluice_client::Sent::Duplicate(Some(id1)));
    }
    assert!(matches!(other, sluice_client::Sent::Added(id2) if id2 > id1));
    assert_eq!(
        range(client, stream, "-", "+", None).await.unwrap().len(),
        2
    );
}

/// A producer with retention on a stream whose only group lags keeps the unread entries.
pub async fn producer_retention_keeps_unread(client: &Client, stream: &str) {
    client
        .command(
            redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(stream)
                .arg("g")
                .arg("$")
                .arg("MKSTREAM"),
        )
        .await
        .unwrap();
    let p = Producer::new(
        client,
        stream,
        ProducerOptions::new()
            .retention(Retention::MaxLen(5))
            .trim_every(50),
    );
    for i in 0..300 {
        p.send(&[("n", i.to_string())]).await.unwrap();
    }
    // Nobody read anything: all 300 must still be there.
    assert_eq!(
        range(client, stream, "-", "+", None).await.unwrap().len(),
        300
    );
    let read = xreadgroup_ids(client, stream, "g", 1000, ">").await;
    let ids: Vec<StreamId> = read.iter().map(|e| e.0).collect();
    xack(client, stream, "g", &ids).await;
    for i in 0..50 {
        p.send(&[("n", i.to_string())]).await.unwrap();
    }
    let left = range(client, stream, "-", "+", None).await.unwrap().len();
    assert!(left < 300, "acked entries were trimmed ({left} left)");
}

/// Graceful shutdown hands unfinished messages back at once: another
/// consumer takes them on its next claim pass although its `claim_idle` is long.
pub async fn shutdown_releases_in_flight(client: &Client, stream: &str) {
    produce(client, stream, 6, |_| "ok").await;
    let a = Consumer::start(
        client,
        fast_opts(stream, "g", "a")
            .concurrency(3)
            .batch(3)
            .shutdown_grace(Duration::from_millis(100)),
        |_m| std::future::pending::<Outcome>(),
    )
    .await
    .unwrap();
    wait_until(LIMIT, "a holds 3", || {
        let n = a.in_flight();
        async move { n == 3 }
    })
    .await;
    a.shutdown().await.unwrap();
    let done: Seen = Arc::default();
    let d = done.clone();
    let b = Consumer::start(
        client,
        fast_opts(stream, "g", "b").claim_idle(Duration::from_secs(60)),
        move |m| {
            record(&d, &m);
            async { Outcome::Ack }
        },
    )
    .await
    .unwrap();
    wait_until(LIMIT, "b processed all 6", || {
        let n = done.lock().unwrap().len();
        async move { n == 6 }
    })
    .await;
    assert_eq!(pending_count(client, stream, "g").await, 0);
    b.shutdown().await.unwrap();
    let mut deliveries: Vec<u64> = done.lock().unwrap().values().map(|v| v[0]).collect();
    deliveries.sort();
    if client.capabilities().xnack {
        // XNACK SILENT: the interrupted delivery does not count.
        assert_eq!(deliveries, vec![1; 6]);
    } else {
        // Three released by `a` (second delivery), three never read before.
        assert_eq!(deliveries, vec![1, 1, 1, 2, 2, 2]);
    }
}

/// `delete_acked`: entries are deleted once every group has acknowledged them
/// (XACKDEL ACKED where supported; otherwise a plain XACK keeps them).
pub async fn delete_acked(client: &Client, stream: &str) {
    produce(client, stream, 10, |_| "ok").await;
    let c = Consumer::start(
        client,
        fast_opts(stream, "g", "d").delete_acked(true),
        |_m| async { Outcome::Ack },
    )
    .await
    .unwrap();
    wait_until(LIMIT, "all acked", || async {
        c.metrics().processed == 10 && pending_count(client, stream, "g").await == 0
    })
    .await;
    c.shutdown().await.unwrap();
    let left = range(client, stream, "-", "+", None).await.unwrap().len();
    let expected = if client.capabilities().xackdel { 0 } else { 10 };
    assert_eq!(left, expected);
}

/// XREADGROUP calls the server has served so far (INFO commandstats).
async fn xreadgroup_calls(client: &Client) -> u64 {
    let v = client
        .command(redis::cmd("INFO").arg("commandstats"))
        .await
        .expect("INFO");
    let text = match v {
        redis::Value::BulkString(b) => String::from_utf8(b).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        other => panic!("INFO: {other:?}"),
    };
    text.lines()
        .find_map(|l| l.strip_prefix("cmdstat_xreadgroup:calls="))
        .and_then(|r| r.split(',').next())
        .map(|n| n.parse().unwrap())
        .unwrap_or(0)
}

/// `max_batch_bytes`: where the server has MAXSIZE (Redis 8.10, Sluice) each
/// read of these 1 KiB messages returns one, so it takes at least one read
/// per message; elsewhere the option is not sent (a syntax error would stop
/// the consumer) and batches are COUNT-sized. Either way each message is
/// processed once.
pub async fn max_batch_bytes(client: &Client, stream: &str) {
    let p = Producer::new(client, stream, ProducerOptions::new());
    let body = vec![b'x'; 1024];
    for i in 0..20 {
        p.send(&[("n", i.to_string().as_bytes()), ("body", &body[..])])
            .await
            .expect("XADD");
    }
    let calls_before = xreadgroup_calls(client).await;
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let c = Consumer::start(
        client,
        fast_opts(stream, "g", "b").batch(16).max_batch_bytes(100),
        move |m: Message| {
            record(&s, &m);
            async { Outcome::Ack }
        },
    )
    .await
    .unwrap();
    wait_until(LIMIT, "all processed", || async {
        c.metrics().processed == 20 && pending_count(client, stream, "g").await == 0
    })
    .await;
    c.shutdown().await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 20);
    assert!(seen.values().all(|d| d == &[1]), "{seen:?}");
    let reads = xreadgroup_calls(client).await - calls_before;
    if client.capabilities().read_caps {
        assert!(
            reads >= 20,
            "{reads} reads for 20 messages of 1 KiB with MAXSIZE 100"
        );
    }
}

/// A consumer restarted under the same name first finishes its own pending
/// history (XREADGROUP ... 0), without waiting for `claim_idle`.
pub async fn restart_resumes_own_history(client: &Client, stream: &str) {
    let ids = produce(client, stream, 10, |_| "ok").await;
    let first = Consumer::start(
        client,
        fast_opts(stream, "g", "r").concurrency(4).batch(4),
        |_m| std::future::pending::<Outcome>(),
    )
    .await
    .unwrap();
    wait_until(LIMIT, "r holds 4", || {
        let n = first.in_flight();
        async move { n == 4 }
    })
    .await;
    first.kill();
    let done: Seen = Arc::default();
    let d = done.clone();
    let again = Consumer::start(
        client,
        fast_opts(stream, "g", "r").claim_idle(Duration::from_secs(60)),
        move |m| {
            record(&d, &m);
            async { Outcome::Ack }
        },
    )
    .await
    .unwrap();
    wait_until(LIMIT, "all 10 processed", || {
        let n = done.lock().unwrap().len();
        async move { n == 10 }
    })
    .await;
    again.shutdown().await.unwrap();
    let done = done.lock().unwrap().clone();
    // The first four (held when it died) come back as second deliveries.
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(done[id], vec![if i < 4 { 2 } else { 1 }], "entry {i}");
    }
    assert_eq!(pending_count(client, stream, "g").await, 0);
}

/// The server drops every client connection mid-run (CLIENT KILL TYPE
/// normal): the consumer reconnects and nothing is lost.
pub async fn survives_connection_kill(client: &Client, stream: &str) {
    let mut ids = produce(client, stream, 50, |_| "ok").await;
    let done: Seen = Arc::default();
    let d = done.clone();
    let c = Consumer::start(client, fast_opts(stream, "g", "k"), move |m| {
        record(&d, &m);
        async { Outcome::Ack }
    })
    .await
    .unwrap();
    wait_until(LIMIT, "first 50", || {
        let n = done.lock().unwrap().len();
        async move { n >= 50 }
    })
    .await;
    // Kills the consumer's connections (SKIPME yes: not the one sending this).
    let killer = Client::connect(&client_url(client).await).await.unwrap();
    let killed = killer
        .command(redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal"))
        .await
        .unwrap();
    assert!(
        matches!(killed, redis::Value::Int(n) if n >= 1),
        "{killed:?}"
    );
    // `client`'s own connection was killed too: its next command fails once
    // (then it reconnects), so produce and check through `killer`.
    ids.extend(produce(&killer, stream, 50, |_| "ok").await);
    wait_until(LIMIT, "all 100 after the kill", || {
        let n = done.lock().unwrap().len();
        async move { n == 100 }
    })
    .await;
    wait_until(LIMIT, "nothing pending", || async {
        pending_count(&killer, stream, "g").await == 0
    })
    .await;
    c.shutdown().await.unwrap();
    let done = done.lock().unwrap().clone();
    assert!(ids.iter().all(|id| done.contains_key(id)));
}

/// `redis://host:port` of the server a (single-server) client talks to.
async fn client_url(client: &Client) -> String {
    let v = client
        .command(redis::cmd("CLIENT").arg("INFO"))
        .await
        .unwrap();
    let info = match v {
        redis::Value::BulkString(b) => String::from_utf8(b).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        other => panic!("CLIENT INFO: {other:?}"),
    };
    let laddr = info
        .split(' ')
        .find_map(|kv| kv.strip_prefix("laddr="))
        .expect("laddr in CLIENT INFO");
    format!("redis://{laddr}")
}
