//! Every pattern against real single Redis servers started on free ports by
//! the test: Debian's 7.0.15 (`redis-server` on PATH, module `redis7`) and the
//! differential suite's Redis 8.0.x (`SLUICE_REDIS_SERVER`, module `redis8`).
//! Neither has the 8.2+ stream commands, so the client's fallback paths are
//! what runs on both.

mod common;

use common::{patterns, RedisProc, Reference};
use sluice_client::Client;

async fn redis(reference: Reference) -> (RedisProc, Client) {
    common::init_tracing();
    let server = RedisProc::start_of(reference);
    let client = Client::connect_with(&server.url(), common::test_client_options())
        .await
        .expect("connect");
    (server, client)
}

/// The same tests against each reference server.
macro_rules! pattern_tests {
    ($module:ident, $reference:expr, $major:literal) => {
        mod $module {
            use super::*;
            const REF: Reference = $reference;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn crash_recovery() {
                let (_s, c) = redis(REF).await;
                patterns::crash_recovery(&c, "{crash}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn poison_to_dlq() {
                let (_s, c) = redis(REF).await;
                patterns::poison_to_dlq(&c, "{poison}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn transient_then_success() {
                let (_s, c) = redis(REF).await;
                patterns::transient_then_success(&c, "{transient}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn trim_two_groups() {
                let (_s, c) = redis(REF).await;
                patterns::trim_two_groups(&c, "{trim}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn soak_10k() {
                let (_s, c) = redis(REF).await;
                patterns::soak(&c, "{soak}", 10_000, 42).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn idempotent_producer() {
                let (_s, c) = redis(REF).await;
                patterns::idempotent_producer(&c, "{idem}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn producer_retention_keeps_unread() {
                let (_s, c) = redis(REF).await;
                patterns::producer_retention_keeps_unread(&c, "{ret}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn shutdown_releases_in_flight() {
                let (_s, c) = redis(REF).await;
                patterns::shutdown_releases_in_flight(&c, "{shut}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn delete_acked_falls_back_to_xack() {
                let (_s, c) = redis(REF).await;
                patterns::delete_acked(&c, "{del}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn max_batch_bytes_is_left_out_before_8_10() {
                let (_s, c) = redis(REF).await;
                patterns::max_batch_bytes(&c, "{maxsize}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn restart_resumes_own_history() {
                let (_s, c) = redis(REF).await;
                patterns::restart_resumes_own_history(&c, "{resume}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn survives_connection_kill() {
                let (_s, c) = redis(REF).await;
                patterns::survives_connection_kill(&c, "{kill}").await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn detects_capabilities() {
                let (_s, c) = redis(REF).await;
                let caps = c.capabilities();
                assert!(
                    caps.version
                        .as_deref()
                        .is_some_and(|v| v.starts_with($major)),
                    "{caps:?}"
                );
                // Neither 7.0 nor 8.0 has the newer stream commands: the fallbacks run.
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
                let (_s, c) = redis(REF).await;
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
        }
    };
}

pattern_tests!(redis7, Reference::Redis7, "7.0.");
pattern_tests!(redis8, Reference::Redis8, "8.0.");
