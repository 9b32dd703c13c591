#![allow(clippy::unwrap_used)]

use super::*;
use crate::sandbox::logs::filter_pattern::FilterPattern;

const T0: i64 = 1_795_000_000_000;
const ALL: [LogProfile; 8] = [
    LogProfile::RailsWeb,
    LogProfile::GoodJobWorker,
    LogProfile::Nginx,
    LogProfile::JsonApi,
    LogProfile::Mongo,
    LogProfile::Cms,
    LogProfile::Pipeline,
    LogProfile::Generic,
];

fn run(profile: LogProfile, seed: u64, minutes: i64) -> Vec<(i64, String)> {
    let mut g = LogGen::new(profile, seed);
    let mut out = g.startup_lines(T0);
    let mut t = T0;
    for _ in 0..minutes * 60 {
        out.extend(g.lines_between(t, t + 1_000));
        t += 1_000;
    }
    out
}

#[test]
fn same_seed_same_lines_other_seed_other_lines() {
    for p in ALL {
        assert_eq!(run(p, 7, 2), run(p, 7, 2), "{p:?}");
        assert_ne!(run(p, 7, 2), run(p, 8, 2), "{p:?}");
    }
}

#[test]
fn lines_are_in_time_order_inside_the_interval() {
    for p in ALL {
        let mut g = LogGen::new(p, 1);
        g.startup_lines(T0);
        let mut t = T0 + 100;
        for step in [1, 50, 100, 999, 5_000, 60_000] {
            let lines = g.lines_between(t, t + step);
            assert!(
                lines.iter().all(|(ts, _)| *ts > t && *ts <= t + step),
                "{p:?}"
            );
            assert!(lines.windows(2).all(|w| w[0].0 <= w[1].0), "{p:?}");
            t += step;
        }
    }
}

#[test]
fn a_few_lines_per_second_and_a_cap_per_call() {
    for p in ALL {
        let n = run(p, 3, 10).len() as f64 / 600.0;
        assert!((0.2..=8.0).contains(&n), "{p:?}: {n} lines/s");
        let mut g = LogGen::new(p, 3);
        let huge = g.lines_between(0, 30 * 86_400_000);
        assert!(
            !huge.is_empty() && huge.len() <= MAX_LINES_PER_CALL,
            "{p:?}"
        );
        assert!(huge.iter().all(|(ts, _)| *ts > 0 && *ts <= 30 * 86_400_000));
    }
}

#[test]
fn seeded_markers_are_there() {
    let rails = LogGen::new(LogProfile::RailsWeb, 9).startup_lines(T0);
    assert!(
        rails
            .iter()
            .any(|(_, l)| l.contains("<script>alert(1)</script>"))
    );
    assert!(
        rails
            .iter()
            .any(|(_, l)| l.contains("Listening on http://0.0.0.0:4000"))
    );
    let jobs = run(LogProfile::GoodJobWorker, 9, 1);
    assert!(
        jobs.iter().all(|(_, l)| l.contains("\x1b[")),
        "every GoodJob line is coloured"
    );
    let web = run(LogProfile::RailsWeb, 9, 10);
    assert!(web.iter().any(|(_, l)| l.contains("Completed 200 OK in ")));
    assert!(
        web.iter().any(|(_, l)| l.contains("FATAL -- :")),
        "an error with a trace"
    );
    let cms = run(LogProfile::Cms, 9, 20);
    assert!(
        cms.iter().any(|(_, l)| l.contains("\n\tat com.example")),
        "multi-line Java trace"
    );
    let nginx = run(LogProfile::Nginx, 9, 5);
    for status in ["\" 200 ", "\" 304 ", "\" 404 ", "\" 502 "] {
        assert!(
            nginx.iter().any(|(_, l)| l.contains(status)),
            "nginx {status}"
        );
    }
}

#[test]
fn json_lines_are_json_and_match_patterns() {
    let lines = run(LogProfile::JsonApi, 5, 5);
    let count = |p: &str| {
        let pat = FilterPattern::parse(p).unwrap();
        lines.iter().filter(|(_, l)| pat.matches(l)).count()
    };
    for (_, l) in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["request_id"].is_string() || v["msg"].is_string());
    }
    assert!(count(r#"{ $.level = "error" }"#) > 0);
    assert!(count(r#"{ $.status >= 500 }"#) > 0);
    assert!(count(r#"{ $.latency_ms < 50 }"#) > 0);
    for (_, l) in run(LogProfile::Mongo, 5, 2) {
        serde_json::from_str::<serde_json::Value>(&l).unwrap();
    }
}

#[test]
fn crash_lines_say_why() {
    for p in ALL {
        let mut g = LogGen::new(p, 2);
        let err = g.crash_lines(T0, CrashKind::Error);
        assert!(
            err.last().unwrap().1.contains("exited with code 1"),
            "{p:?}"
        );
        let oom = g.crash_lines(T0, CrashKind::OutOfMemory);
        assert!(oom.iter().any(|(_, l)| l.contains("memory usage")));
        assert!(oom.last().unwrap().1.contains("137"));
        let sick = g.crash_lines(T0, CrashKind::Unhealthy);
        assert!(sick.iter().any(|(_, l)| l.contains("health check failed")));
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    for p in ALL {
        let mut g = LogGen::new(p, u64::MAX);
        assert!(g.lines_between(10, 10).is_empty());
        assert!(g.lines_between(10, 5).is_empty());
        g.lines_between(i64::MIN, i64::MAX);
        g.startup_lines(i64::MAX - 1_000);
        g.crash_lines(i64::MIN, CrashKind::Error);
        g.lines_between(-5_000, 5_000);
    }
}
