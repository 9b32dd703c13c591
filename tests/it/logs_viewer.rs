//! The log viewer against the sandbox: groups and streams listings, lines
//! in order, escaping, ANSI colours, service interleaving, filters, ranges.

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

/// Time nearly frozen, so the seeded fleet stays put during a test.
const FROZEN: f64 = 0.0001;

#[tokio::test]
async fn groups_and_streams_list_what_the_sandbox_holds() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let all = viewer.ok("/sandbox/logs").await;
    assert!(
        all.body.contains("/ecs/acme-app-production"),
        "{}",
        all.body
    );
    assert!(all.body.contains("/ecs/staging/webhooks-api"));
    let staging = viewer.ok("/sandbox/logs?prefix=%2Fecs%2Fstaging").await;
    assert!(staging.body.contains("/ecs/staging/webhooks-api"));
    assert!(!staging.body.contains("/ecs/acme-app-production"));

    let sdk = sdk(&sb).await;
    let want = sdk
        .logs
        .describe_log_streams()
        .log_group_name("/ecs/acme-app-production")
        .order_by(aws_sdk_cloudwatchlogs::types::OrderBy::LastEventTime)
        .descending(true)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = want
        .log_streams()
        .iter()
        .filter_map(|s| s.log_stream_name())
        .collect();
    assert!(!names.is_empty());
    let page = viewer
        .ok("/sandbox/logs?group=%2Fecs%2Facme-app-production")
        .await;
    let listed = page.texts("a");
    let mut at = 0;
    for n in &names {
        let found = listed[at..]
            .iter()
            .position(|a| a == n)
            .unwrap_or_else(|| panic!("stream {n} missing or out of order"));
        at += found;
    }
    // Streams page 50 at a time, newest event first.
    for i in 0..60 {
        write_lines(
            &sb,
            "/it/many",
            &format!("s/app/{i:02}"),
            i * 1_000,
            1,
            &strings(&["x"]),
        );
    }
    let first = viewer.ok("/sandbox/logs?group=%2Fit%2Fmany").await;
    let streams = |p: &Page| {
        p.texts("a")
            .into_iter()
            .filter(|a| a.starts_with("s/app/"))
            .collect::<Vec<_>>()
    };
    let shown = streams(&first);
    assert_eq!(shown.len(), 50);
    let pos = |s: &str| shown.iter().position(|a| a == s).unwrap();
    assert!(pos("s/app/59") < pos("s/app/58"));
    let href = first.link("a", "Next page").expect("a next page link");
    let second = viewer.ok(&href).await;
    assert_eq!(streams(&second).len(), 10);
    assert!(
        streams(&second).contains(&"s/app/00".to_string())
            && second.link("a", "Next page").is_none()
    );

    let missing = viewer.get("/sandbox/logs?group=%2Fit%2Fno-such").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_stream_shows_its_lines_in_order_escaped_and_coloured() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let long = format!("BEGIN{}END", "x".repeat(5000));
    let lines = vec![
        "first line".to_string(),
        "<script>alert(1)</script>".to_string(),
        "\x1b[31mred\x1b[0m and \x1b]0;title\x07plain".to_string(),
        r#"{"level":"info","msg":"json <b>"}"#.to_string(),
        long,
        "last line".to_string(),
    ];
    write_lines(&sb, "/it/app", "web/app/task1", -10_000, 10, &lines);
    let page = viewer
        .ok("/sandbox/logs?group=%2Fit%2Fapp&stream=web%2Fapp%2Ftask1")
        .await;
    let msgs = page.log_messages();
    assert_eq!(msgs.len(), 6, "{msgs:#?}");
    assert_eq!(msgs[0], "first line");
    assert_eq!(msgs[1], "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(
        !page.body.contains("<script>alert"),
        "log text must never be live HTML"
    );
    assert_eq!(msgs[2], r#"<span class="ansi-red">red</span> and plain"#);
    // A JSON line is marked expandable; its pretty form is built in the
    // browser when asked, never shipped as a second copy.
    assert_eq!(page.count(".log-msg[data-json]"), 1);
    assert_eq!(msgs[3], r#"{"level":"info","msg":"json &lt;b&gt;"}"#);
    assert!(!page.exists(".log-line pre"), "no pretty copy in the page");
    assert!(
        msgs[4].starts_with("BEGIN") && !msgs[4].contains("END"),
        "long line cut"
    );
    assert!(
        page.body.contains("show more (912 bytes)"),
        "rest behind show more"
    );
    assert_eq!(msgs[5], "last line");
    assert!(page.exists("#log-lines.log-lines[hx-disable]"));
    assert!(
        page.exists("[sse-connect^=\"/sandbox/logs/tail?\"]"),
        "live tail wired"
    );
}

#[tokio::test]
async fn seeded_markers_render_as_text_and_colours() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let sdk = sdk(&sb).await;
    for (group, needle, want) in [
        (
            "/ecs/staging/webhooks-api",
            "alert",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        ),
        (
            "/ecs/staging/admin-web",
            "admin",
            r#"<span class="ansi-green">INFO</span> <span class="ansi-bold">GET /admin</span>"#,
        ),
    ] {
        let hit = sdk
            .logs
            .filter_log_events()
            .log_group_name(group)
            .filter_pattern(needle)
            .send()
            .await
            .unwrap();
        let stream = hit.events()[0].log_stream_name().unwrap().to_string();
        let page = viewer
            .ok(&format!(
                "/sandbox/logs?group={}&stream={}",
                ecsdeck::web::urls::encode(group),
                ecsdeck::web::urls::encode(&stream)
            ))
            .await;
        assert!(page.body.contains(want), "{group}: {want} not in page");
        assert!(!page.body.contains("<script>alert"));
    }
}

#[tokio::test]
async fn a_service_interleaves_its_tasks_streams_in_time_order() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let sdk = sdk(&sb).await;
    let (cluster, service, container) =
        ("acme-production", "acme-production", "acme-app-production");
    let mut ids = Vec::new();
    for status in [None, Some(aws_sdk_ecs::types::DesiredStatus::Stopped)] {
        let out = sdk
            .ecs
            .list_tasks()
            .cluster(cluster)
            .service_name(service)
            .set_desired_status(status)
            .send()
            .await
            .unwrap();
        for arn in out.task_arns() {
            ids.push(arn.rsplit('/').next().unwrap().to_string());
        }
    }
    assert!(ids.len() >= 2, "a running and a stopped task: {ids:?}");
    let (a, b) = (&ids[0], &ids[ids.len() - 1]);
    let group = "/ecs/acme-app-production";
    let stream = |id: &str| format!("ecs/{container}/{id}");
    // Interleaved timestamps, newer than anything the fleet wrote.
    write_lines(
        &sb,
        group,
        &stream(a),
        60_000,
        20,
        &strings(&["A0", "A1", "A2"]),
    );
    write_lines(&sb, group, &stream(b), 60_010, 20, &strings(&["B0", "B1"]));

    let page = viewer
        .ok(&format!(
            "/sandbox/logs?service={cluster}%2F{service}&container={container}"
        ))
        .await;
    let msgs = page.log_messages();
    let tail: Vec<&str> = msgs
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["A0", "B0", "A1", "B1", "A2"]);
    let tags = page.texts(".log-line > .log-tag");
    // One container's view: the narrow gutter names the task only.
    assert!(
        tags.contains(&a[..8].to_string()),
        "tagged by task: {tags:?}"
    );
    assert!(tags.contains(&b[..8].to_string()));
    assert!(
        page.exists(".log-line.task-c0") && page.exists(".log-line.task-c1"),
        "colour per task"
    );

    // Stopped tasks' rows on the service page link to streams that open.
    let svc = viewer
        .ok(&format!("/sandbox/clusters/{cluster}/services/{service}"))
        .await;
    let href = svc
        .attr("table.stopped a[href^=\"/sandbox/logs?group=\"]", "href")
        .expect("a stopped task's log link");
    let logs = viewer.ok(&href).await;
    assert!(logs.exists(".log-lines"));
}

#[tokio::test]
async fn filters_errors_and_ranges_choose_the_lines() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let lines = strings(&[
        "INFO ok 1",
        "ERROR boom 2",
        "INFO ok 3",
        "panic: bad 4",
        "INFO boom-ish 5",
    ]);
    write_lines(&sb, "/it/f", "s/app/1", -30_000, 1_000, &lines);
    let base = "/sandbox/logs?group=%2Fit%2Ff&stream=s%2Fapp%2F1";

    let page = viewer.ok(&format!("{base}&filter=boom")).await;
    assert_eq!(
        page.log_messages(),
        ["ERROR <mark>boom</mark> 2", "INFO <mark>boom</mark>-ish 5"]
    );
    let page = viewer.ok(&format!("{base}&errors=1")).await;
    assert_eq!(
        page.log_messages(),
        ["<mark>ERROR</mark> boom 2", "<mark>panic</mark>: bad 4"]
    );
    let page = viewer.ok(&format!("{base}&filter=%22ok%203%22")).await;
    assert_eq!(page.log_messages(), ["INFO <mark>ok 3</mark>"]);

    // Invalid values: a 400 that says why, and no AWS call.
    reset_stats(&sb).await;
    for (q, why) in [
        ("since=7m", "since="),
        ("start=yesterday", "RFC 3339"),
        (
            "start=2026-11-23T17:00:00Z&end=2026-11-23T16:00:00Z",
            "before",
        ),
    ] {
        let p = viewer.get(&format!("{base}&{q}")).await;
        assert_eq!(p.status, 400, "{q}");
        assert!(p.body.contains(why), "{q}: {}", p.body);
    }
    let p = viewer
        .get("/sandbox/logs?service=nocluster&container=x")
        .await;
    assert_eq!(p.status, 400);
    let stats = sandbox_stats(&sb).await;
    assert!(stats["calls"].as_object().unwrap().is_empty(), "{stats}");
}

#[tokio::test]
async fn load_older_pages_backwards_and_jump_to_now_returns() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let lines: Vec<String> = (0..700).map(|i| format!("line {i:04}")).collect();
    write_lines(&sb, "/it/o", "s/app/1", -60_000, 10, &lines);
    let page = viewer
        .ok("/sandbox/logs?group=%2Fit%2Fo&stream=s%2Fapp%2F1")
        .await;
    let msgs = page.log_messages();
    assert_eq!(msgs.len(), 500);
    assert_eq!(msgs[0], "line 0200");
    assert_eq!(msgs[499], "line 0699");
    let href = page
        .attr("a[data-log-older]", "href")
        .expect("a link to older lines");
    assert!(href.contains("end="), "{href}");
    let page = viewer.ok(&href).await;
    let msgs = page.log_messages();
    assert_eq!(msgs.len(), 200);
    assert_eq!(msgs[0], "line 0000");
    assert_eq!(msgs[199], "line 0199");
    assert!(!page.exists("[sse-connect]"), "a past range is not live");
    assert!(page.link("a", "Jump to now").is_some());

    // The same backwards paging through FilterLogEvents (two streams).
    write_lines(&sb, "/it/o", "s/app/2", -59_995, 10, &lines[..10]);
    let both = viewer
        .ok("/sandbox/logs?group=%2Fit%2Fo&stream=s%2Fapp%2F1&stream=s%2Fapp%2F2")
        .await;
    let msgs = both.log_messages();
    assert_eq!(msgs.len(), 500);
    assert_eq!(msgs[499], "line 0699");
}
