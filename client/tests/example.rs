//! The `email_worker` example runs unchanged against Redis, Redis Cluster and
//! Sluice and prints the same transcript on each.

mod common;

#[allow(dead_code)]
#[path = "../examples/email_worker.rs"]
mod email_worker;

use common::{ClusterProc, RedisProc};
use sluice_client::Client;

const EXPECTED: &str = "\
connected
produced 250 emails
worker-1 crashed holding 4 emails
worker-1 restarted and finished its 4 pending emails (second delivery)
sent 248 emails, each at least once
dead letters: 2
  email #7 reason=\"invalid address\" deliveries=1 fields=3
  email #13 reason=\"smtp timeout\" deliveries=3 fields=3
purged; dead letters left: 0
trim while 'audit' lags: removed 0
trim after 'audit' caught up: removed some = true, kept at least 5 = true
shut down cleanly
";

async fn transcript(client: &Client) -> String {
    let mut lines = String::new();
    email_worker::run(client, &mut |line| {
        lines.push_str(&line);
        lines.push('\n');
    })
    .await
    .expect("example run");
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_worker_same_on_redis_cluster_and_sluice() {
    common::init_tracing();
    let redis = RedisProc::start();
    let c = Client::connect_with(&redis.url(), common::test_client_options())
        .await
        .unwrap();
    assert_eq!(transcript(&c).await, EXPECTED, "against Redis");

    let sluice = sluice_server::Server::builder()
        .port(0)
        .bind()
        .await
        .unwrap()
        .spawn();
    let url = format!("redis://{}", sluice.local_addr());
    let c = Client::connect_with(&url, common::test_client_options())
        .await
        .unwrap();
    assert_eq!(transcript(&c).await, EXPECTED, "against Sluice");
    sluice.shutdown().await;

    let cluster = ClusterProc::start();
    let urls = cluster.urls();
    let nodes: Vec<&str> = urls.iter().map(String::as_str).collect();
    let c = Client::connect_cluster_with(&nodes, common::test_client_options())
        .await
        .unwrap();
    assert_eq!(transcript(&c).await, EXPECTED, "against Redis Cluster");
}
