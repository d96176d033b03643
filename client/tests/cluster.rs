//! The same patterns against a three-master Redis Cluster started by the
//! test (free loopback ports, joined with `redis-cli --cluster create`).
//! Keys are hash-tagged so each stream and its DLQ share a slot; the tags
//! below spread the scenarios over different slots/nodes.

mod common;

use common::{patterns, ClusterProc};
use sluice_client::Client;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_patterns() {
    common::init_tracing();
    let cluster = ClusterProc::start();
    let urls = cluster.urls();
    let nodes: Vec<&str> = urls.iter().map(String::as_str).collect();
    let c = Client::connect_cluster_with(&nodes, common::test_client_options())
        .await
        .expect("connect cluster");
    assert!(c.is_cluster());
    patterns::crash_recovery(&c, "{orders}").await;
    patterns::poison_to_dlq(&c, "{emails}").await;
    patterns::transient_then_success(&c, "{jobs}").await;
    patterns::trim_two_groups(&c, "{events}").await;
    patterns::idempotent_producer(&c, "{payments}").await;
    patterns::producer_retention_keeps_unread(&c, "{audit}").await;
    patterns::shutdown_releases_in_flight(&c, "{shutdown}").await;
    patterns::restart_resumes_own_history(&c, "{resume}").await;
    patterns::soak(&c, "{soak}", 10_000, 7).await;
    // An untagged stream name gets a same-slot DLQ automatically.
    assert_eq!(
        sluice_client::default_dlq_key(&c, b"orders"),
        b"{orders}:dlq".to_vec()
    );
}
