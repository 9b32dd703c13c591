//! A busy service's 30 days of history: every read of a timeline range is
//! an index range scan (SQLite's query plan names the index) and returns
//! the newest rows first, bounded. Time taken is printed, not asserted.

use std::time::Instant;

use ecsdeck::store::history::{HistoryBatch, HistoryQuery, RecordedEvent, RecordedTask};
use sqlx::{Connection, Row};

use crate::both_backends;
use crate::harness::*;

const HOUR: i64 = 3_600_000;
const DAYS: i64 = 30;

async fn a_busy_services_month_reads_through_its_indexes(backend: Backend) {
    let Some((store, flags)) = test_store_with_flags(backend).await else {
        return;
    };
    let now = 1_800_000_000_000;
    let start = now - DAYS * 24 * HOUR;
    let started = Instant::now();
    let mut batch = HistoryBatch::default();
    let mut written = 0;
    // 40 events and 6 stops an hour for 30 days on "busy", and a quieter
    // neighbour in the same cluster.
    for h in 0..DAYS * 24 {
        for (service, events, stops) in [("busy", 40, 6), ("quiet", 2, 0)] {
            for i in 0..events {
                batch.events.push(RecordedEvent {
                    env: "sandbox".into(),
                    cluster: "c".into(),
                    service: service.into(),
                    event_id: format!("{service}-{h}-{i}"),
                    at_ms: start + h * HOUR + i * 60_000,
                    message: format!("(service {service}) has reached a steady state."),
                    recorded_ms: now,
                });
            }
            for i in 0..stops {
                batch.tasks.push(RecordedTask {
                    env: "sandbox".into(),
                    cluster: "c".into(),
                    task_id: format!("{service}{h:05}{i:02}"),
                    service: service.into(),
                    stop_code: "EssentialContainerExited".into(),
                    stopped_ms: start + h * HOUR + i * 600_000,
                    recorded_ms: now,
                    ..RecordedTask::default()
                });
            }
        }
        if batch.len() >= 400 {
            written += batch.len();
            store.history_record(&batch).await.unwrap();
            batch = HistoryBatch::default();
        }
    }
    written += batch.len();
    store.history_record(&batch).await.unwrap();
    eprintln!(
        "{backend:?}: wrote {written} rows in {:?}",
        started.elapsed()
    );

    let q = HistoryQuery {
        env: "sandbox".into(),
        cluster: "c".into(),
        service: Some("busy".into()),
        since_ms: start,
        until_ms: now,
        limit: 2_000,
    };
    let t = Instant::now();
    let events = store.history_events(&q).await.unwrap();
    let tasks = store.history_tasks(&q).await.unwrap();
    eprintln!(
        "{backend:?}: a 30-day timeline's reads took {:?}",
        t.elapsed()
    );
    assert_eq!(events.len(), 2_000, "bounded");
    assert!(
        events.windows(2).all(|w| w[0].at_ms >= w[1].at_ms),
        "newest first"
    );
    assert!(events.iter().all(|e| e.service == "busy"));
    assert_eq!(
        events[0].at_ms,
        start + (DAYS * 24 - 1) * HOUR + 39 * 60_000
    );
    assert_eq!(tasks.len(), 2_000);
    let cluster = HistoryQuery { service: None, ..q };
    assert_eq!(store.history_events(&cluster).await.unwrap().len(), 2_000);

    if backend == Backend::Sqlite {
        let url = ecsdeck::store::DatabaseUrl::sqlite_in(std::path::Path::new(&flags[1]));
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(url.as_str()).await.unwrap();
        for (sql, index) in [
            (
                "SELECT * FROM history_events WHERE env = 'sandbox' AND cluster = 'c' AND service = 'busy' AND at_ms >= 0 AND at_ms <= 1 ORDER BY at_ms DESC LIMIT 2000",
                "history_events_service",
            ),
            (
                "SELECT * FROM history_events WHERE env = 'sandbox' AND cluster = 'c' AND at_ms >= 0 AND at_ms <= 1 ORDER BY at_ms DESC LIMIT 2000",
                "history_events_cluster",
            ),
            (
                "SELECT * FROM history_tasks WHERE env = 'sandbox' AND cluster = 'c' AND service = 'busy' AND stopped_ms >= 0 AND stopped_ms <= 1 ORDER BY stopped_ms DESC LIMIT 2000",
                "history_tasks_service",
            ),
            (
                "SELECT * FROM history_deployments WHERE env = 'sandbox' AND cluster = 'c' AND service = 'busy' AND created_ms >= 0 AND created_ms <= 1 ORDER BY created_ms DESC LIMIT 2000",
                "history_deployments_service",
            ),
        ] {
            let plan = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
            let detail: Vec<String> = plan
                .iter()
                .map(|r| r.try_get::<String, _>("detail").unwrap())
                .collect();
            let detail = detail.join("; ");
            assert!(detail.contains(index), "{sql}: {detail}");
            assert!(
                !detail.contains("TEMP B-TREE"),
                "no sort outside the index: {detail}"
            );
        }
    }
}

both_backends!(a_busy_services_month_reads_through_its_indexes);
