//! An email-sending pipeline, end to end: a producer, two workers in one
//! consumer group, a crash and its recovery, poison messages ending in the
//! dead-letter stream, and trimming that waits for a lagging group.
//!
//! `cargo run -p sluice-client --example email_worker -- redis://127.0.0.1:6379`
//! (add `--cluster` to treat the URL as a cluster seed node). The output is
//! deterministic and the same against Sluice and Redis. It deletes and
//! reuses the keys `{emails}` and `{emails}:dlq`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sluice_client::{
    Client, Consumer, ConsumerOptions, DeadLetters, Message, Outcome, Producer, ProducerOptions,
    Retention, StreamId, Trimmer,
};

/// Per message: (worker, delivery number) of each successful send.
type Deliveries = HashMap<StreamId, Vec<(String, u64)>>;

const STREAM: &str = "{emails}";
const EMAILS: usize = 250;

/// "Send" an email. Idempotent by message ID in real life (e.g. an outbox
/// keyed by the ID), because delivery is at-least-once.
async fn send_email(m: &Message) -> Outcome {
    let to = m.get(b"to").map(|v| v.to_vec()).unwrap_or_default();
    if !to.contains(&b'@') {
        return Outcome::dead_letter("invalid address");
    }
    if m.get(b"subject")
        .is_some_and(|s| s.as_ref() == b"attachment too large")
    {
        return Outcome::retry("smtp timeout");
    }
    Outcome::Ack
}

fn worker_opts(name: &str) -> ConsumerOptions {
    ConsumerOptions::new(STREAM, "mailer", name)
        .concurrency(4)
        .batch(4)
        .block(Duration::from_millis(100))
        .claim_idle(Duration::from_millis(500))
        .claim_interval(Duration::from_millis(100))
        .max_deliveries(3)
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        if Instant::now() > deadline {
            panic!("timed out: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let client = if args.iter().any(|a| a == "--cluster") {
        Client::connect_cluster(&[url.as_str()]).await?
    } else {
        Client::connect(&url).await?
    };
    run(&client, &mut |line| println!("{line}")).await
}

/// The whole tour; each output line goes to `out` (the tests compare the
/// lines from Redis, Redis Cluster and Sluice with the expected transcript).
pub async fn run(
    client: &Client,
    out: &mut dyn FnMut(String),
) -> Result<(), Box<dyn std::error::Error>> {
    macro_rules! say {
        ($($arg:tt)*) => { out(format!($($arg)*)) };
    }
    let dlq = DeadLetters::new(client, STREAM);
    client
        .command(redis::cmd("DEL").arg(STREAM).arg(dlq.key()))
        .await?;
    say!("connected");

    // A second group that reads nothing until the end: trimming must wait for it.
    sluice_client::ensure_group(client, STREAM.as_bytes(), b"audit", "0").await?;

    // 1. Produce. Email #7 has a bad address (permanent failure), #13 always
    //    times out (transient failure, forever).
    let producer = Producer::new(client, STREAM, ProducerOptions::new());
    let mut index_of = HashMap::new();
    for i in 0..EMAILS {
        let to = if i == 7 {
            "not-an-address".to_string()
        } else {
            format!("user{i}@example.com")
        };
        let subject = if i == 13 {
            "attachment too large".to_string()
        } else {
            format!("hello #{i}")
        };
        let id = producer
            .send(&[
                ("to", to.as_str()),
                ("subject", subject.as_str()),
                ("n", &i.to_string()),
            ])
            .await?;
        index_of.insert(id, i);
    }
    say!("produced {EMAILS} emails");

    // 2. worker-1 takes 4 emails and hangs: then the process "crashes".
    let held: Arc<Mutex<HashSet<StreamId>>> = Arc::default();
    let h = held.clone();
    let w1 = Consumer::start(client, worker_opts("worker-1"), move |m| {
        h.lock().unwrap().insert(m.id);
        std::future::pending::<Outcome>()
    })
    .await?;
    wait_for("worker-1 holds 4", || w1.in_flight() == 4).await;
    w1.kill();
    say!(
        "worker-1 crashed holding {} emails",
        held.lock().unwrap().len()
    );

    // 3. worker-1 restarts (same name) and worker-2 joins. The restarted
    //    worker first finishes its own pending history.
    let sent: Arc<Mutex<Deliveries>> = Arc::default();
    let mut workers = Vec::new();
    for name in ["worker-1", "worker-2"] {
        let record = sent.clone();
        let worker = name.to_string();
        workers.push(
            Consumer::start(client, worker_opts(name), move |m| {
                let sent = record.clone();
                let worker = worker.clone();
                async move {
                    let outcome = send_email(&m).await;
                    if outcome == Outcome::Ack {
                        sent.lock()
                            .unwrap()
                            .entry(m.id)
                            .or_default()
                            .push((worker, m.deliveries));
                    }
                    outcome
                }
            })
            .await?,
        );
        if name == "worker-1" {
            // Let the restarted worker-1 take back its own history before
            // worker-2 joins (worker-2 could otherwise claim it once idle).
            wait_for("worker-1 resumed its history", || {
                let sent = sent.lock().unwrap();
                held.lock().unwrap().iter().all(|id| sent.contains_key(id))
            })
            .await;
        }
    }
    wait_for("all emails handled", || {
        sent.lock().unwrap().len() == EMAILS - 2
            && workers
                .iter()
                .map(|w| w.metrics().dead_lettered)
                .sum::<u64>()
                == 2
    })
    .await;
    {
        let sent = sent.lock().unwrap();
        let recovered = held
            .lock()
            .unwrap()
            .iter()
            .filter(|id| {
                sent.get(id)
                    .is_some_and(|v| v.iter().any(|(w, d)| w == "worker-1" && *d == 2))
            })
            .count();
        say!("worker-1 restarted and finished its {recovered} pending emails (second delivery)");
        say!("sent {} emails, each at least once", sent.len());
    }

    // 4. Poison messages are in the DLQ under their original IDs.
    let mut letters = dlq.all().await?;
    letters.sort_by_key(|l| index_of[&l.original_id]);
    say!("dead letters: {}", letters.len());
    for l in &letters {
        say!(
            "  email #{} reason={:?} deliveries={} fields={}",
            index_of[&l.original_id],
            l.reason,
            l.deliveries,
            l.fields.len()
        );
    }
    dlq.purge(&letters.iter().map(|l| l.dlq_id).collect::<Vec<_>>())
        .await?;
    say!("purged; dead letters left: {}", dlq.len().await?);

    // 5. Trimming: "audit" has read nothing, so nothing may go yet.
    let trimmer = Trimmer::new(client, STREAM, Retention::MaxLen(5));
    let report = trimmer.trim_once().await?;
    say!("trim while 'audit' lags: removed {}", report.removed);
    let audit = Consumer::start(
        client,
        ConsumerOptions::new(STREAM, "audit", "auditor")
            .batch(64)
            .block(Duration::from_millis(100)),
        |_m| async { Outcome::Ack },
    )
    .await?;
    wait_for("audit caught up", || {
        audit.metrics().processed == EMAILS as u64
    })
    .await;
    let report = trimmer.trim_once().await?;
    let left = sluice_client::range(client, STREAM, "-", "+", None)
        .await?
        .len();
    say!(
        "trim after 'audit' caught up: removed some = {}, kept at least 5 = {}",
        report.removed > 0,
        left >= 5 && left + report.removed as usize == EMAILS
    );

    // 6. Graceful shutdown.
    audit.shutdown().await?;
    for w in workers {
        w.shutdown().await?;
    }
    say!("shut down cleanly");
    Ok(())
}
