//! Load: many clients hammering one page (latency), and simulated viewers
//! keeping a page open and polling it like htmx does (AWS cost).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::setup::World;

/// Latency of one page under `clients` concurrent clients.
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub per_second: f64,
    pub errors: u64,
}

/// `requests` GETs of `path` spread over `clients` tasks, each with its own
/// connection pool and the viewer's cookie.
pub async fn hammer(
    world: &World,
    path: &str,
    clients: usize,
    requests: usize,
) -> anyhow::Result<Latency> {
    let url = Arc::new(world.url(path));
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let http = super::setup::client(&world.cookie)?;
        let (url, next, errors) = (url.clone(), next.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let t = Instant::now();
                let ok = match http.get(url.as_str()).send().await {
                    Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                };
                times.push(t.elapsed());
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            times
        }));
    }
    latency(tasks, started, &errors).await
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

/// What the viewers saw.
#[derive(Default)]
pub struct Seen {
    pub polls: u64,
    /// Non-200 answers and transport errors.
    pub failed: u64,
    /// 200 answers carrying the stale notice (`.notice.stale`).
    pub stale: u64,
}

/// `viewers` viewers keep `path` open for `duration`: each loads it once,
/// then polls it every `every` with `HX-Request: true` as htmx does,
/// starting at staggered moments within the first period.
pub async fn viewers(
    world: &World,
    path: &str,
    viewers: usize,
    duration: Duration,
    every: Duration,
) -> anyhow::Result<Seen> {
    let url = Arc::new(world.url(path));
    let end = tokio::time::Instant::now() + duration;
    let mut tasks = Vec::with_capacity(viewers);
    for v in 0..viewers {
        let http = super::setup::client(&world.cookie)?;
        let url = url.clone();
        let offset = every.mul_f64(v as f64 / viewers as f64);
        tasks.push(tokio::spawn(async move {
            let mut seen = Seen::default();
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(every);
            let mut first = true;
            loop {
                tick.tick().await;
                if tokio::time::Instant::now() >= end {
                    break;
                }
                let mut req = http.get(url.as_str());
                if !first {
                    req = req.header("HX-Request", "true");
                }
                first = false;
                seen.polls += 1;
                match req.send().await {
                    Ok(r) if r.status() == 200 => match r.text().await {
                        Ok(body) if shows_stale_notice(&body) => seen.stale += 1,
                        Ok(_) => {}
                        Err(_) => seen.failed += 1,
                    },
                    _ => seen.failed += 1,
                }
            }
            seen
        }));
    }
    let mut all = Seen::default();
    for t in tasks {
        let s = t.await?;
        all.polls += s.polls;
        all.failed += s.failed;
        all.stale += s.stale;
    }
    Ok(all)
}

/// Whether some element's class list holds both `notice` and `stale`.
pub fn shows_stale_notice(body: &str) -> bool {
    body.split("class=\"").skip(1).any(|rest| {
        let classes = rest.split('"').next().unwrap_or("");
        let has = |w: &str| classes.split_whitespace().any(|c| c == w);
        has("notice") && has("stale")
    })
}

/// `connections` clients (each with a connection of its own) walking
/// `paths` round-robin for `duration`: latency over every request.
pub async fn connections(
    world: &World,
    paths: &[String],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Latency> {
    let urls: Arc<Vec<String>> = Arc::new(paths.iter().map(|p| world.url(p)).collect());
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for i in 0..connections {
        let http = super::setup::client(&world.cookie)?;
        let (urls, errors) = (urls.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut n = i;
            while started.elapsed() < duration {
                let t = Instant::now();
                let ok = match http.get(&urls[n % urls.len()]).send().await {
                    Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                };
                times.push(t.elapsed());
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
            times
        }));
    }
    latency(tasks, started, &errors).await
}

/// Every task's request times together: percentiles and requests/s.
async fn latency(
    tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>,
    started: Instant,
    errors: &AtomicU64,
) -> anyhow::Result<Latency> {
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await?);
    }
    let wall = started.elapsed();
    times.sort();
    Ok(Latency {
        p50_ms: percentile(&times, 0.50),
        p99_ms: percentile(&times, 0.99),
        per_second: times.len() as f64 / wall.as_secs_f64(),
        errors: errors.load(Ordering::Relaxed),
    })
}
