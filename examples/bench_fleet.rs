//! Benchmark of the read model against the sandbox: what a cluster page
//! costs AWS and how long it takes, cold and cached, alone and with many
//! viewers at once. Prints numbers; compare ratios within one run.
//!
//!     cargo run --example bench_fleet [-- 100 1000 5000]

use std::time::Instant;

use ecsdeck::aws::AwsClients;
use ecsdeck::fleet::Fleet;
use ecsdeck::sandbox::{self, SandboxConfig};

async fn calls(endpoint: &str, op: &str) -> anyhow::Result<u64> {
    let stats: serde_json::Value = reqwest::get(format!("{endpoint}/_sandbox/stats"))
        .await?
        .json()
        .await?;
    Ok(stats["calls"][op].as_u64().unwrap_or(0))
}

async fn reset(endpoint: &str) -> anyhow::Result<()> {
    reqwest::Client::new()
        .post(format!("{endpoint}/_sandbox/stats/reset"))
        .send()
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1000, 5000]
    } else {
        sizes
    };
    println!(
        "services  cold_ms  warm_ms  cold/warm  ListServices  DescribeServices  20_viewers_ms  20_viewers_DescribeServices"
    );
    for s in sizes {
        let config = SandboxConfig::one_cluster("bench", s, 1).with_speed(0.0001);
        let sb = sandbox::start(config, "127.0.0.1:0".parse()?).await?;
        let endpoint = sb.endpoint_url();
        // The production default: half of AWS's limits.
        let budget = std::sync::Arc::new(ecsdeck::aws::Budget::default());
        let conf = ecsdeck::aws::config::sandbox_sdk_config(&endpoint, budget.clone()).await;
        let fleet = Fleet::new(AwsClients::new(&conf, budget));
        fleet.clusters().await.map_err(|e| anyhow::anyhow!("{e}"))?;

        reset(&endpoint).await?;
        let t = Instant::now();
        let view = fleet
            .cluster_view("bench")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let cold = t.elapsed();
        assert_eq!(view.value.rows.len(), s);
        let list = calls(&endpoint, "ecs:ListServices").await?;
        let describe = calls(&endpoint, "ecs:DescribeServices").await?;

        let t = Instant::now();
        fleet
            .cluster_view("bench")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let warm = t.elapsed();

        // Twenty viewers arriving together after the cache expired.
        fleet.invalidate_cluster("bench");
        reset(&endpoint).await?;
        let t = Instant::now();
        let loads = (0..20).map(|_| fleet.cluster_view("bench"));
        for r in futures::future::join_all(loads).await {
            r.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let crowd = t.elapsed();
        let crowd_describe = calls(&endpoint, "ecs:DescribeServices").await?;
        println!(
            "{s:>8}  {:>7.1}  {:>7.2}  {:>9.0}  {list:>12}  {describe:>16}  {:>13.1}  {crowd_describe:>27}",
            cold.as_secs_f64() * 1e3,
            warm.as_secs_f64() * 1e3,
            cold.as_secs_f64() / warm.as_secs_f64().max(1e-9),
            crowd.as_secs_f64() * 1e3,
        );
        sb.shutdown().await;
    }
    Ok(())
}
