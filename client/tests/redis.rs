//! Every pattern against a real single Redis server (Debian's 7.0), started
//! on a free port by the test. Its 7.0 fallback paths are what runs here.

mod common;

use common::{patterns, RedisProc};
use sluice_client::Client;

async fn redis() -> (RedisProc, Client) {
    common::init_tracing();
    let server = RedisProc::start();
    let client = Client::connect_with(&server.url(), common::test_client_options())
        .await
        .expect("connect");
    (server, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_recovery() {
    let (_s, c) = redis().await;
    patterns::crash_recovery(&c, "{crash}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_to_dlq() {
    let (_s, c) = redis().await;
    patterns::poison_to_dlq(&c, "{poison}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_then_success() {
    let (_s, c) = redis().await;
    patterns::transient_then_success(&c, "{transient}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trim_two_groups() {
    let (_s, c) = redis().await;
    patterns::trim_two_groups(&c, "{trim}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_10k() {
    let (_s, c) = redis().await;
    patterns::soak(&c, "{soak}", 10_000, 42).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_producer() {
    let (_s, c) = redis().await;
    patterns::idempotent_producer(&c, "{idem}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_retention_keeps_unread() {
    let (_s, c) = redis().await;
    patterns::producer_retention_keeps_unread(&c, "{ret}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_releases_in_flight() {
    let (_s, c) = redis().await;
    patterns::shutdown_releases_in_flight(&c, "{shut}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_acked_falls_back_to_xack() {
    let (_s, c) = redis().await;
    patterns::delete_acked(&c, "{del}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_batch_bytes_is_left_out_before_8_10() {
    let (_s, c) = redis().await;
    patterns::max_batch_bytes(&c, "{maxsize}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_resumes_own_history() {
    let (_s, c) = redis().await;
    patterns::restart_resumes_own_history(&c, "{resume}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_connection_kill() {
    let (_s, c) = redis().await;
    patterns::survives_connection_kill(&c, "{kill}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detects_redis_7_capabilities() {
    let (_s, c) = redis().await;
    let caps = c.capabilities();
    assert!(
        caps.version.as_deref().is_some_and(|v| v.starts_with('7')),
        "{caps:?}"
    );
    // Debian's 7.0 has none of the newer stream commands: the fallbacks run.
    assert!(
        !caps.xackdel
            && !caps.xnack
            && !caps.xreadgroup_claim
            && !caps.acked_trim
            && !caps.idmp
            && !caps.read_caps
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_keep_code_and_detail() {
    let (_s, c) = redis().await;
    c.command(redis::cmd("SET").arg("k").arg("v"))
        .await
        .unwrap();
    let err = c.command(redis::cmd("XLEN").arg("k")).await.unwrap_err();
    assert_eq!(err.code(), Some("WRONGTYPE"));
    assert_eq!(
        err.detail(),
        Some("Operation against a key holding the wrong kind of value")
    );
}
