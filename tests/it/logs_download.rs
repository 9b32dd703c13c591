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
