//! The dashboard's benchmark: the sandbox with one cluster of 2,000
//! services (20 ms latency, AWS's throttling) and the real dashboard on a
//! loopback port, driven over HTTP by a signed-in viewer. Prints one table:
//! the cold first screen against its critical path, warm latency at 64
//! clients, AWS calls while 1, 10 and 50 viewers keep a page open, errors
//! users saw, and peak memory. See BENCHMARKS.md for a run and the targets.
//!
//!     cargo run --example bench [-- --seconds 60 --requests 2000 --clients 64]

mod load;
mod report;
mod setup;

use std::time::{Duration, Instant};

use report::Table;
use setup::{CLUSTER, LATENCY_MS, SERVICES, World};

/// The binary's allocator (src/main.rs), so memory is measured as served.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

struct Args {
    /// How long each viewer phase lasts.
    seconds: u64,
    /// Requests per page in the warm phase.
    requests: usize,
    /// Concurrent clients in the warm phase.
    clients: usize,
    /// How long the 200-connection load phase lasts.
    load_seconds: u64,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        seconds: 60,
        requests: 2000,
        load_seconds: 60,
        clients: 64,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--seconds" => a.seconds = value()?.parse()?,
            "--requests" => a.requests = value()?.parse()?,
            "--clients" => a.clients = value()?.parse()?,
            "--load-seconds" => a.load_seconds = value()?.parse()?,
            other => anyhow::bail!(
                "unknown argument {other:?} (--seconds, --requests, --clients, --load-seconds)"
            ),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args()?;
    let world = World::start().await?;
    let cluster_page = format!("/sandbox/clusters/{CLUSTER}");
    let mut table = Table::default();

    // 1. The cold first screen (the counters were reset before the
    // dashboard started).
    let t = Instant::now();
    let resp = world.http.get(world.url(&cluster_page)).send().await?;
    let status = resp.status();
    let body = resp.text().await?;
    let cold = t.elapsed();
    anyhow::ensure!(status == 200, "cold cluster page answered {status}");
    anyhow::ensure!(
        body.contains("svc-00000"),
        "cold cluster page lists no service"
    );
    let cold_stats = world.stats().await?;
    report::cold(&mut table, cold, &cold_stats, &world.budget.snapshot());
    eprintln!("cold first screen done ({:.1} s)", cold.as_secs_f64());
    // The rest of the cluster fills in under the budget.
    loop {
        let body = world
            .http
            .get(world.url(&cluster_page))
            .header("HX-Request", "true")
            .send()
            .await?
            .text()
            .await?;
        if !body.contains("class=\"notice filling\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let whole = t.elapsed();
    let whole_stats = world.stats().await?;
    report::whole(&mut table, whole, &whole_stats, &world.budget.snapshot());
    eprintln!("whole cluster described ({:.1} s)", whole.as_secs_f64());

    // 3 and 4. Viewers keeping the cluster page open (run before the warm
    // phase so only what they watch is renewed).
    let every = Duration::from_secs(5);
    let duration = Duration::from_secs(args.seconds);
    let mut totals = Vec::new();
    for n in [1usize, 10, 50] {
        world.reset_stats().await?;
        let seen = load::viewers(&world, &cluster_page, n, duration, every).await?;
        let stats = world.stats().await?;
        report::viewers(
            &mut table,
            n,
            duration,
            &stats,
            &seen,
            &world.budget.snapshot(),
        );
        totals.push(stats.total());
        eprintln!("{n} viewer(s) done");
    }
    report::viewer_ratio(&mut table, &totals);

    // 2. Warm latency at `clients` concurrent clients.
    let pages = [
        ("overview /", "/".to_string()),
        ("cluster page (2,000 services)", cluster_page.clone()),
        (
            "service page",
            format!("/sandbox/clusters/{CLUSTER}/services/svc-00000"),
        ),
        (
            "logs view (200 lines)",
            format!(
                "/sandbox/logs?group={}&stream={}",
                urlencode(setup::LOG_GROUP),
                urlencode(setup::LOG_STREAM)
            ),
        ),
    ];
    for (name, path) in &pages {
        let warm_up = world.http.get(world.url(path)).send().await?;
        let status = warm_up.status();
        let body = warm_up.text().await?;
        anyhow::ensure!(status == 200, "{name} answered {status}");
        if path.contains("logs") && !body.contains("/orders/199") {
            eprintln!("warning: the logs view does not show the seeded lines");
        }
        let lat = load::hammer(&world, path, args.clients, args.requests).await?;
        report::warm(&mut table, name, args.clients, args.requests, &lat);
        eprintln!("warm {name} done");
    }

    // 5. Memory.
    report::memory(&mut table, world.rss_before_mb)?;

    // 6. Load: 200 connections across the main pages; memory afterwards.
    let (_, rss_start) = report::rss_mb()?;
    let main_pages: Vec<String> = pages.iter().map(|(_, p)| p.clone()).collect();
    let lat = load::connections(
        &world,
        &main_pages,
        200,
        Duration::from_secs(args.load_seconds),
    )
    .await?;
    // Let connections close and their buffers go.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, rss_end) = report::rss_mb()?;
    report::load(&mut table, args.load_seconds, &lat, rss_start, rss_end);
    eprintln!("load done");

    println!(
        "ecsdeck bench: 1 cluster × {SERVICES} services, {LATENCY_MS} ms latency, AWS throttling, budget 50%, \
         {} s per viewer phase, {} requests × {} clients per warm page",
        args.seconds, args.requests, args.clients
    );
    table.print();
    world.shutdown().await;
    Ok(())
}

fn urlencode(s: &str) -> String {
    s.replace('/', "%2F")
}
