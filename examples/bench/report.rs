//! The one table the bench prints: each figure, what it is compared to and
//! whether it meets it.

use std::time::Duration;

use ecsdeck::aws::GroupUsage;

use super::load::{Latency, Seen};
use super::setup::{LATENCY_MS, SERVICES, Stats};

#[derive(Default)]
pub struct Row {
    pub measure: String,
    pub value: String,
    pub target: String,
    /// None when the row has no target of its own.
    pub met: Option<bool>,
}

#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn push(&mut self, measure: String, value: String, target: &str, met: Option<bool>) {
        self.rows.push(Row {
            measure,
            value,
            target: target.to_string(),
            met,
        });
    }

    /// A Markdown table (pastes into BENCHMARKS.md as is).
    pub fn print(&self) {
        println!("| measure | value | target | met |");
        println!("|---|---|---|---|");
        for r in &self.rows {
            let met = match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            };
            println!("| {} | {} | {} | {met} |", r.measure, r.value, r.target);
        }
    }
}

/// The first screen's critical path: the fewest sequential round trips
/// (ListClusters, DescribeClusters, ⌈services/100⌉ ListServices pages one
/// after another, the first screen's ten DescribeServices batches in
/// parallel, then DescribeTaskDefinition for its images column) times the
/// latency, or the token bucket's bound for the calls
/// the first screen needs (those beyond ecsdeck's burst at its rate),
/// whichever is longer.
pub fn cold(table: &mut Table, wall: Duration, stats: &Stats, budget: &[GroupUsage]) {
    let lists = SERVICES.div_ceil(100);
    let trips = 2 + lists + 2;
    let latency_path = Duration::from_millis(trips as u64 * LATENCY_MS);
    let needed = (lists + ecsdeck::fleet::FIRST_SCREEN.min(SERVICES).div_ceil(10)) as u64;
    let bucket_path = bucket_bound(budget, "ecs:service-read", needed);
    let critical = latency_path.max(bucket_path);
    let ratio = wall.as_secs_f64() / critical.as_secs_f64();
    table.push(
        "1. cold first screen, cluster page: wall time".into(),
        format!("{:.0} ms", ms(wall)),
        "",
        None,
    );
    table.push(
        "1. AWS calls by the time it was sent (the rest continue)".into(),
        format!("{} ({})", stats.total(), calls_list(stats)),
        "",
        None,
    );
    table.push(
        "1. critical path: round trips × latency".into(),
        format!("{trips} × {LATENCY_MS} ms = {:.0} ms", ms(latency_path)),
        "",
        None,
    );
    table.push(
        "1. critical path: token-bucket bound of the first screen's calls".into(),
        format!(
            "{:.0} ms ({needed} ecs:service-read calls)",
            ms(bucket_path)
        ),
        "",
        None,
    );
    table.push(
        "1. wall ÷ critical path".into(),
        format!("{ratio:.2}"),
        "≤ 1.3",
        Some(ratio <= 1.3),
    );
}

/// The whole cluster described (the page's "filling" notice gone): wall
/// time against the token buckets' bound for every call it took.
pub fn whole(table: &mut Table, wall: Duration, stats: &Stats, budget: &[GroupUsage]) {
    let mut bound = Duration::ZERO;
    let mut bound_by = "";
    for (group, calls) in stats.by_group() {
        let d = bucket_bound(budget, group, calls);
        if d > bound {
            bound = d;
            bound_by = group;
        }
    }
    table.push(
        "1. whole cluster described: wall time".into(),
        format!(
            "{:.0} ms (token-bucket bound {:.0} ms, {bound_by}; {} calls: {})",
            ms(wall),
            ms(bound),
            stats.total(),
            calls_list(stats)
        ),
        "",
        None,
    );
}

/// How long `calls` of `group` take at ecsdeck's rate beyond its burst.
fn bucket_bound(budget: &[GroupUsage], group: &str, calls: u64) -> Duration {
    budget
        .iter()
        .find(|g| g.group == group)
        .map_or(Duration::ZERO, |g| {
            let beyond = calls.saturating_sub(u64::from(g.burst)) as f64;
            Duration::from_secs_f64(beyond / g.per_second)
        })
}

fn calls_list(stats: &Stats) -> String {
    stats
        .calls
        .iter()
        .map(|(a, n)| format!("{a} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn warm(table: &mut Table, page: &str, clients: usize, requests: usize, l: &Latency) {
    table.push(
        format!("2. warm {page}, {clients} clients, {requests} requests"),
        format!(
            "p50 {:.1} ms, p99 {:.1} ms, {:.0} req/s, {} errors",
            l.p50_ms, l.p99_ms, l.per_second, l.errors
        ),
        "p99 ≤ 25 ms",
        Some(l.p99_ms <= 25.0 && l.errors == 0),
    );
}

/// AWS calls per group over the phase, as a share of AWS's sustained rate;
/// also without ecsdeck's burst (a full bucket at the start of a phase lets
/// that many calls through at once, which a short phase cannot amortise).
pub fn viewers(
    table: &mut Table,
    n: usize,
    duration: Duration,
    stats: &Stats,
    seen: &Seen,
    budget: &[GroupUsage],
) {
    let secs = duration.as_secs_f64();
    for (group, calls) in stats.by_group() {
        let aws = ecsdeck::aws::quotas::ALL
            .iter()
            .find(|q| q.group == group)
            .map_or(f64::NAN, |q| q.per_second);
        let burst = budget
            .iter()
            .find(|g| g.group == group)
            .map_or(0, |g| u64::from(g.burst));
        let rate = calls as f64 / secs;
        let share = rate / aws * 100.0;
        let sustained = calls.saturating_sub(burst) as f64 / secs / aws * 100.0;
        table.push(
            format!("3. {n} viewer(s): {group} calls/s"),
            format!(
                "{rate:.2}/s = {share:.0}% of AWS's {aws}/s ({calls} calls; {sustained:.0}% without ecsdeck's burst of {burst})"
            ),
            "≤ 50%",
            Some(share <= 50.0),
        );
    }
    table.push(
        format!("3. {n} viewer(s): total AWS calls in {secs:.0} s"),
        stats.total().to_string(),
        "",
        None,
    );
    let throttled: u64 = stats.throttled.values().sum();
    let faulted: u64 = stats.faulted.values().sum();
    table.push(
        format!("4. {n} viewer(s): throttled by the sandbox (faulted)"),
        format!("{throttled} ({faulted})"),
        "0",
        Some(throttled == 0),
    );
    table.push(
        format!("4. {n} viewer(s): errors shown to users (non-200 / stale notice) of polls"),
        format!("{} / {} of {}", seen.failed, seen.stale, seen.polls),
        "0",
        Some(seen.failed == 0 && seen.stale == 0),
    );
}

/// Total calls with 50 viewers over those with 1.
pub fn viewer_ratio(table: &mut Table, totals: &[u64]) {
    let (Some(one), Some(fifty)) = (totals.first(), totals.last()) else {
        return;
    };
    let ratio = *fifty as f64 / (*one).max(1) as f64;
    table.push(
        "3. AWS calls, 50 viewers ÷ 1 viewer".into(),
        format!("{ratio:.2} ({fifty} / {one})"),
        "≤ 1.1",
        Some(ratio <= 1.1),
    );
}

/// Peak and current resident memory of this process (dashboard, sandbox
/// and load generator together) from /proc/self/status, in MB, against
/// the resident memory before the dashboard existed (`before_mb`: the
/// runtime and the sandbox with its 2,000 services).
pub fn memory(table: &mut Table, before_mb: f64) -> anyhow::Result<()> {
    let (hwm, rss) = rss_mb()?;
    table.push(
        "5. RSS before the dashboard started (runtime + sandbox with 2,000 services)".into(),
        format!("{before_mb:.0} MB"),
        "",
        None,
    );
    table.push(
        "5. peak RSS (VmHWM), whole process with 2,000 services loaded".into(),
        format!(
            "{hwm:.0} MB (VmRSS now {rss:.0} MB; {:.0} MB more than before the dashboard)",
            hwm - before_mb
        ),
        "≤ 100 MB",
        Some(hwm <= 100.0),
    );
    Ok(())
}

pub fn load(table: &mut Table, seconds: u64, l: &Latency, rss_start: f64, rss_end: f64) {
    table.push(
        format!("6. load: 200 connections × {seconds} s across the main pages"),
        format!(
            "p50 {:.1} ms, p99 {:.1} ms, {:.0} req/s, {} errors",
            l.p50_ms, l.p99_ms, l.per_second, l.errors
        ),
        "0 errors",
        Some(l.errors == 0),
    );
    let ratio = rss_end / rss_start;
    table.push(
        "6. resident memory after the load ÷ before it".into(),
        format!("{ratio:.2} ({rss_start:.0} MB → {rss_end:.0} MB)"),
        "≤ 1.10",
        Some(ratio <= 1.10),
    );
}

/// (VmHWM, VmRSS) of this process in MB.
pub fn rss_mb() -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> f64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    Ok((field("VmHWM:"), field("VmRSS:")))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
