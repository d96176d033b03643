//! The patterns against Sluice itself, started in-process on a free port.

mod common;

use common::patterns;
use sluice_client::{range, Client, Producer, ProducerOptions};

async fn sluice() -> (sluice_server::ServerHandle, Client) {
    common::init_tracing();
    let server = sluice_server::Server::builder()
        .port(0)
        .bind()
        .await
        .expect("bind sluice")
        .spawn();
    let url = format!("redis://{}", server.local_addr());
    let client = Client::connect_with(&url, common::test_client_options())
        .await
        .expect("connect to sluice");
    (server, client)
}

/// Sluice's COMMAND DOCS lists the 8.x commands and options, so the client
/// takes every newer path on it without being told to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detects_sluice_capabilities() {
    let (server, c) = sluice().await;
    let caps = c.capabilities();
    assert!(
        caps.xackdel
            && caps.xnack
            && caps.xreadgroup_claim
            && caps.acked_trim
            && caps.idmp
            && caps.read_caps,
        "{caps:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_round_trip_keeps_fields_in_order() {
    let (server, c) = sluice().await;
    let p = Producer::new(&c, "{s}", ProducerOptions::new());
    let a = p
        .send(&[("z", &b"1"[..]), ("a", &[0u8, 255][..]), ("z", &b"3"[..])])
        .await
        .unwrap();
    let b = p.send(&[("k", "v")]).await.unwrap();
    assert!(b > a);
    let got = range(&c, "{s}", "-", "+", None).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, a);
    let fields: Vec<(&[u8], &[u8])> = got[0]
        .fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    assert_eq!(
        fields,
        vec![
            (&b"z"[..], &b"1"[..]),
            (b"a", &[0u8, 255][..]),
            (b"z", b"3")
        ]
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_producer() {
    let (server, c) = sluice().await;
    patterns::idempotent_producer(&c, "{idem}").await;
    // And the WATCH/MULTI fallback, on the same server.
    let baseline = c.with_capabilities(sluice_client::Capabilities::baseline());
    patterns::idempotent_producer(&baseline, "{idem2}").await;
    // And XADD IDMP (Redis 8.6), which Sluice implements.
    let newer = c.with_capabilities(sluice_client::Capabilities::all());
    patterns::idempotent_producer(&newer, "{idem3}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_recovery() {
    let (server, c) = sluice().await;
    patterns::crash_recovery(&c, "{crash}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_to_dlq() {
    let (server, c) = sluice().await;
    patterns::poison_to_dlq(&c, "{poison}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_then_success() {
    let (server, c) = sluice().await;
    patterns::transient_then_success(&c, "{transient}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trim_two_groups() {
    let (server, c) = sluice().await;
    patterns::trim_two_groups(&c, "{trim}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_releases_in_flight() {
    let (server, c) = sluice().await;
    patterns::shutdown_releases_in_flight(&c, "{shut}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_retention_keeps_unread() {
    let (server, c) = sluice().await;
    patterns::producer_retention_keeps_unread(&c, "{ret}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_resumes_own_history() {
    let (server, c) = sluice().await;
    patterns::restart_resumes_own_history(&c, "{resume}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_connection_kill() {
    let (server, c) = sluice().await;
    patterns::survives_connection_kill(&c, "{kill}").await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_10k() {
    let (server, c) = sluice().await;
    patterns::soak(&c, "{soak}", 10_000, 42).await;
    server.shutdown().await;
}

/// Every pattern through one set of command paths (keys prefixed `p`).
async fn all_patterns(c: &Client, p: &str) {
    let k = |name: &str| format!("{{{p}-{name}}}");
    patterns::crash_recovery(c, &k("crash")).await;
    patterns::poison_to_dlq(c, &k("poison")).await;
    patterns::transient_then_success(c, &k("transient")).await;
    patterns::trim_two_groups(c, &k("trim")).await;
    patterns::shutdown_releases_in_flight(c, &k("shut")).await;
    patterns::producer_retention_keeps_unread(c, &k("ret")).await;
    patterns::delete_acked(c, &k("del")).await;
    patterns::max_batch_bytes(c, &k("maxsize")).await;
    patterns::restart_resumes_own_history(c, &k("resume")).await;
    patterns::soak(c, &k("soak"), 3_000, 9).await;
}

/// The newer-command paths (XREADGROUP CLAIM, XACKDEL, XNACK, ACKED trimming,
/// XADD IDMP, MAXSIZE), which Sluice implements, run live with the same scenarios.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newer_command_paths() {
    let (server, c) = sluice().await;
    all_patterns(
        &c.with_capabilities(sluice_client::Capabilities::all()),
        "n",
    )
    .await;
    server.shutdown().await;
}

/// The Redis 7.0 fallbacks (XAUTOCLAIM loop, XACK, XCLAIM release, MINID
/// trimming, WATCH/MULTI idempotence, COUNT-only batches) run against Sluice
/// too, since the client detects the newer commands on it by default.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baseline_command_paths() {
    let (server, c) = sluice().await;
    all_patterns(
        &c.with_capabilities(sluice_client::Capabilities::baseline()),
        "b",
    )
    .await;
    server.shutdown().await;
}
