//! Downloads stream the view page by page: 50,000 lines arrive complete and
//! in order, one AWS page per body chunk, so the server never holds them all.

use futures::StreamExt;

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

#[tokio::test]
async fn fifty_thousand_lines_stream_in_order_one_page_at_a_time() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    const N: usize = 50_000;
    let lines: Vec<String> = (0..N)
        .map(|i| format!("line {i:06} of the big log"))
        .collect();
    write_lines(&sb, "/it/big", "web/app/1", -3_600_000, 1, &lines);

    let req = viewer.request(
        "GET",
        "/sandbox/logs/download?group=%2Fit%2Fbig&stream=web%2Fapp%2F1",
        &[],
        String::new(),
    );
    let resp = app.respond(req).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
    let disposition = resp.headers()["content-disposition"].to_str().unwrap();
    assert_eq!(disposition, "attachment; filename=\"web-app-1.log\"");

    let mut chunks = resp.into_body().into_data_stream();
    let (mut frames, mut biggest, mut next, mut carry) = (0, 0, 0usize, String::new());
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.unwrap();
        frames += 1;
        let text = String::from_utf8(chunk.to_vec()).unwrap();
        biggest = biggest.max(text.lines().count());
        carry.push_str(&text);
        // Check lines as they come, keeping only the unfinished one.
        let done = carry.rfind('\n').map_or(0, |i| i + 1);
        for line in carry[..done].lines() {
            let want = format!("line {next:06} of the big log");
            assert!(line.ends_with(&want), "line {next}: {line}");
            next += 1;
        }
        carry.drain(..done);
    }
    assert_eq!(next, N, "every line, once");
    assert!(carry.is_empty());
    assert!(
        frames >= 5,
        "one chunk per page of at most 10,000 lines: {frames} chunks"
    );
    assert!(
        biggest <= 10_000,
        "no chunk holds more than one page: {biggest} lines"
    );
    let stats = sandbox_stats(&sb).await;
    assert!(calls(&stats, "logs:GetLogEvents") >= 5);

    // A filtered download goes through FilterLogEvents and keeps only matches.
    let p = viewer
        .get(
        "/sandbox/logs/download?group=%2Fit%2Fbig&stream=web%2Fapp%2F1&filter=%22line%2004999%22",
    )
    .await;
    assert_eq!(p.status, 200);
    assert_eq!(p.body.lines().count(), 10, "{}", p.body);
    let missing = viewer
        .get("/sandbox/logs/download?group=%2Fit%2Fnope&stream=x")
        .await;
    assert_eq!(missing.status, 404);
}

/// Without `start`, a download covers the last day, not the group's whole
/// history; a range past the maximum span is refused before any call.
#[tokio::test]
async fn a_download_without_a_start_covers_the_last_day_only() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let old: Vec<String> = (0..500).map(|i| format!("row old {i}")).collect();
    let new: Vec<String> = (0..500).map(|i| format!("row new {i}")).collect();
    write_lines(&sb, "/it/range", "s/app/1", -3 * 86_400_000, 1, &old);
    write_lines(&sb, "/it/range", "s/app/1", -3_600_000, 1, &new);

    let p = viewer
        .get("/sandbox/logs/download?group=%2Fit%2Frange&stream=s%2Fapp%2F1&filter=row")
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body.lines().count(), 500, "{}", p.body);
    assert!(p.body.lines().all(|l| l.contains("row new ")));

    reset_stats(&sb).await;
    let too_long = viewer
        .get(
            "/sandbox/logs/download?group=%2Fit%2Frange&stream=s%2Fapp%2F1&filter=row\
             &start=2020-01-01T00%3A00%3A00Z&end=2020-03-01T00%3A00%3A00Z",
        )
        .await;
    assert_eq!(too_long.status, 400);
    assert!(
        too_long
            .texts(".error-message")
            .join(" ")
            .contains("at most 7 days"),
        "{}",
        too_long.body
    );
    assert_eq!(calls(&sandbox_stats(&sb).await, "logs:FilterLogEvents"), 0);
}

/// A client that goes away after the first chunk: the download stops
/// calling FilterLogEvents instead of reading the rest of the range.
#[tokio::test]
async fn a_dropped_download_stops_calling_aws() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    // 100,000 matching lines: ten FilterLogEvents pages of 10,000.
    let lines: Vec<String> = (0..100_000).map(|i| format!("row {i:06}")).collect();
    write_lines(&sb, "/it/gone", "s/app/1", -3_600_000, 1, &lines);
    reset_stats(&sb).await;

    let req = viewer.request(
        "GET",
        "/sandbox/logs/download?group=%2Fit%2Fgone&stream=s%2Fapp%2F1&filter=row",
        &[],
        String::new(),
    );
    let resp = app.respond(req).await;
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body().into_data_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"20"), "a first chunk of lines");
    drop(body);

    // Poll until the count holds still for a second (at the budget's 2.5
    // FilterLogEvents a second, a download still running calls again in
    // well under that), then check it stopped early.
    let last = std::cell::Cell::new((u64::MAX, std::time::Instant::now()));
    let settled = poll_until(
        "FilterLogEvents calls to stop",
        std::time::Duration::from_secs(20),
        || {
            let (sb, last) = (&sb, &last);
            async move {
                let n = calls(&sandbox_stats(sb).await, "logs:FilterLogEvents");
                let (seen, since) = last.get();
                if n != seen {
                    last.set((n, std::time::Instant::now()));
                    return None;
                }
                (since.elapsed() >= std::time::Duration::from_secs(1)).then_some(n)
            }
        },
    )
    .await;
    assert!(
        settled <= 3,
        "the whole range is 10 pages; after the client left at most the page in \
         hand and one ahead were read: {settled} calls"
    );
}
