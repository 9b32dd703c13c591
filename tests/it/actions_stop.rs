//! Stopping a task and seeing its replacement, and an AWS refusal (a
//! throttled call) shown on the page and audited.

use std::time::Duration;

use ecsdeck::sandbox::{SandboxConfig, Throttle};
use ecsdeck::store::AuditStatus;

use crate::actions_deploy::last_audit;
use crate::harness::*;

#[tokio::test]
async fn stop_a_task_and_see_its_replacement() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(60.0)).await;
    let aws = sdk(&sb).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;
    let running = poll_until("2 running tasks", Duration::from_secs(20), || async {
        let l = aws
            .ecs
            .list_tasks()
            .cluster("apps")
            .service_name("svc-00000")
            .send()
            .await
            .unwrap();
        (l.task_arns().len() == 2).then(|| l.task_arns().to_vec())
    })
    .await;
    let victim = running[0].rsplit('/').next().unwrap().to_string();
    let url = format!("/sandbox/clusters/apps/tasks/{victim}/stop");
    let preview = op.post_form(&url, &[]).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("will start a replacement"));
    let done = op
        .post_form(
            &url,
            &[
                ("reason", "stuck worker"),
                ("confirmed", "1"),
                ("action_id", "s-1"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let described = aws
        .ecs
        .describe_tasks()
        .cluster("apps")
        .tasks(&victim)
        .send()
        .await
        .unwrap();
    let t = &described.tasks()[0];
    assert_eq!(t.desired_status(), Some("STOPPED"));
    assert!(
        t.stopped_reason()
            .unwrap()
            .contains("stuck worker (by operator via ecsdeck)")
    );
    poll_until("a replacement task", Duration::from_secs(20), || async {
        let p = op.get("/sandbox/clusters/apps/services/svc-00000").await;
        let live = p.select("table.tasks tbody tr");
        let running = live.iter().filter(|r| r.text.contains("RUNNING")).count();
        (running >= 2 && !live.iter().any(|r| r.text.contains(&victim))).then_some(())
    })
    .await;
    assert_eq!(
        last_audit(&state, "stop-task").await.status,
        AuditStatus::Ok
    );
}

#[tokio::test]
async fn a_throttled_call_shows_the_aws_message_and_is_audited() {
    let sb = start_sandbox(
        SandboxConfig::one_cluster("apps", 1, 1)
            .with_speed(0.0001)
            .with_throttle(Throttle::Aws),
    )
    .await;
    // Without SDK retries, so the throttled answer reaches the page.
    // No client budget either, so the throttled answer reaches the page.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone())
        .await
        .to_builder()
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    let mut state = app_state(&sb).await;
    state.environments = std::sync::Arc::new(vec![ecsdeck::state::Environment::new(
        "sandbox".into(),
        "us-east-1".into(),
        ecsdeck::aws::AwsClients::new(&conf, budget),
    )]);
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;
    // Drain UpdateService's bucket from outside.
    let ecs = aws_sdk_ecs::Client::new(&conf);
    loop {
        let r = ecs
            .update_service()
            .cluster("apps")
            .service("svc-00000")
            .desired_count(1)
            .send()
            .await;
        if r.is_err() {
            break;
        }
    }
    let resp = op
        .post_htmx(
            "/sandbox/clusters/apps/services/svc-00000/scale",
            &[
                ("desired_count", "3"),
                ("action_id", "t-1"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, 502, "{}", resp.body);
    assert!(resp.body.contains("ThrottlingException"), "{}", resp.body);
    let e = last_audit(&state, "scale").await;
    assert_eq!(e.status, AuditStatus::Error);
    assert_eq!(e.error_code.as_deref(), Some("ThrottlingException"));
}
