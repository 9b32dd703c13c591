//! Deploying an image, rolling back (to a revision whose image cannot be
//! pulled, watching FAILED and the automatic rollback), redeploying and
//! stopping a deployment.

use std::time::Duration;

use aws_sdk_ecs::types::DeploymentRolloutState;
use ecsdeck::sandbox::{Fleet, SandboxConfig};
use ecsdeck::store::{AuditFilter, AuditStatus};

use crate::harness::*;

const SVC: &str = "/sandbox/clusters/acme-production/services/acme-production";

pub async fn primary(aws: &Sdk, cluster: &str, service: &str) -> aws_sdk_ecs::types::Deployment {
    let d = aws
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .unwrap();
    d.services()[0]
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))
        .unwrap()
        .clone()
}

pub async fn last_audit(
    state: &ecsdeck::state::AppState,
    action: &str,
) -> ecsdeck::store::AuditEntry {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    state
        .store()
        .audit_list(&filter, 1)
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn deploy_an_image_through_the_picker_and_watch_it_complete() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 60.0)).await;
    let aws = sdk(&sb).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;

    let picker = op.get(&format!("{SVC}/deploy-image")).await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    for tag in ["production-305", "production-304", "production-301"] {
        assert!(picker.body.contains(tag), "picker lists {tag}");
    }
    let tags = picker.attrs("input[type=radio][name=tag]", "value");
    let pos = |t: &str| tags.iter().position(|v| v == t).unwrap();
    assert!(
        pos("production-304") < pos("production-301"),
        "newest first"
    );

    // An unknown tag is refused before any change.
    reset_stats(&sb).await;
    let unknown = op
        .post_form(
            &format!("{SVC}/deploy-image"),
            &[("container", "acme-app-production"), ("tag", "nope-1")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("no image tagged"));
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "ecs:RegisterTaskDefinition") + calls(&stats, "ecs:UpdateService"),
        0
    );

    // Preview: the diff shows only the image; the cluster is protected.
    let fields = [
        ("container", "acme-app-production"),
        ("tag", "production-304"),
        ("action_id", "d-1"),
    ];
    let preview = op.post_form(&format!("{SVC}/deploy-image"), &fields).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("diff-changed"));
    assert!(preview.body.contains("production-305") && preview.body.contains("production-304"));
    assert!(preview.body.contains("This cluster is protected"));
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "1"));
    let untyped = op
        .post_form(&format!("{SVC}/deploy-image"), &confirmed)
        .await;
    assert_eq!(untyped.status, 400, "the service name must be typed");
    confirmed.push(("confirm", "acme-production"));
    let done = op
        .post_form(&format!("{SVC}/deploy-image"), &confirmed)
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    let d = poll_until(
        "the new revision to complete",
        Duration::from_secs(30),
        || async {
            let d = primary(&aws, "acme-production", "acme-production").await;
            (d.rollout_state() == Some(&DeploymentRolloutState::Completed)
                && d.task_definition().unwrap().ends_with(":4"))
            .then_some(d)
        },
    )
    .await;
    let td = aws
        .ecs
        .describe_task_definition()
        .task_definition(d.task_definition().unwrap())
        .send()
        .await
        .unwrap();
    let images: Vec<_> = td
        .task_definition()
        .unwrap()
        .container_definitions()
        .iter()
        .map(|c| c.image().unwrap().to_string())
        .collect();
    assert!(images[0].ends_with(":production-304"), "{images:?}");
    let e = last_audit(&state, "deploy-image").await;
    assert_eq!(e.status, AuditStatus::Ok);
    assert!(
        e.before
            .as_deref()
            .unwrap()
            .contains("acme-app-production:3"),
        "{:?}",
        e.before
    );
    assert!(
        e.after
            .as_deref()
            .unwrap()
            .contains("acme-app-production:4"),
        "{:?}",
        e.after
    );
    assert!(e.after.as_deref().unwrap().contains("production-304"));
}

#[tokio::test]
async fn a_rollback_to_a_bad_image_fails_and_ecs_rolls_back() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 60.0)).await;
    let aws = sdk(&sb).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;
    let cms = "/sandbox/clusters/websight-cms/services/cms";
    async fn failures(aws: &Sdk) -> usize {
        let d = aws
            .ecs
            .describe_services()
            .cluster("websight-cms")
            .services("cms")
            .send()
            .await
            .unwrap();
        d.services()[0]
            .events()
            .iter()
            .filter(|e| e.message().unwrap_or("").contains("deployment failed"))
            .count()
    }
    let before = primary(&aws, "websight-cms", "cms").await;
    assert!(
        before.task_definition().unwrap().ends_with(":1"),
        "seeded cms runs revision 1"
    );
    let failed_before = failures(&aws).await;

    // Another family's revision is refused without a call.
    reset_stats(&sb).await;
    let foreign = op
        .post_form(
            &format!("{cms}/rollback"),
            &[("revision", "acme-app-production:2")],
        )
        .await;
    assert_eq!(foreign.status, 400);
    assert!(foreign.body.contains("is not a revision of websight-cms"));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);

    let picker = op.get(&format!("{cms}/rollback")).await;
    assert!(picker.body.contains("websight-cms:2"), "{}", picker.body);
    // websight-cms:2 references an image tag that is not in ECR.
    let typed = [
        ("revision", "2"),
        ("action_id", "rb-1"),
        ("confirmed", "1"),
        ("confirm", "cms"),
    ];
    let done = op.post_form(&format!("{cms}/rollback"), &typed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let e = last_audit(&state, "rollback").await;
    assert_eq!(e.status, AuditStatus::Ok);
    assert_eq!(e.before.as_deref(), Some("revision websight-cms:1"));
    assert_eq!(e.after.as_deref(), Some("revision websight-cms:2"));

    // The circuit breaker fails the deployment and ECS rolls back to 1.
    poll_until(
        "the deployment to fail and roll back",
        Duration::from_secs(60),
        || async {
            let rolled_back = primary(&aws, "websight-cms", "cms").await;
            (failures(&aws).await > failed_before
                && rolled_back.task_definition().unwrap().ends_with(":1"))
            .then_some(())
        },
    )
    .await;
    let page = op.get(cms).await;
    assert!(
        page.body.contains("CannotPullContainerError"),
        "the reason is on the page"
    );
    assert!(
        page.body.contains("a deployment failed at"),
        "health names the failure"
    );
    assert!(page.body.contains("rolling back to deployment"));
}

#[tokio::test]
async fn redeploy_starts_a_fresh_deployment_and_stop_deployment_rolls_back() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 60.0)).await;
    let aws = sdk(&sb).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;
    let cms = "/sandbox/clusters/websight-cms/services/cms";

    // Redeploy: a new PRIMARY deployment of the same revision, completed.
    let old = primary(&aws, "websight-cms", "cms").await;
    let done = op
        .post_form(
            &format!("{cms}/redeploy"),
            &[
                ("action_id", "rd-1"),
                ("confirmed", "1"),
                ("confirm", "cms"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    poll_until(
        "the redeployment to complete",
        Duration::from_secs(30),
        || async {
            let d = primary(&aws, "websight-cms", "cms").await;
            (d.id() != old.id()
                && d.task_definition() == old.task_definition()
                && d.rollout_state() == Some(&DeploymentRolloutState::Completed))
            .then_some(())
        },
    )
    .await;
    assert_eq!(last_audit(&state, "redeploy").await.status, AuditStatus::Ok);

    // Nothing in progress: stopping a deployment is refused without a change.
    let idle = op.post_form(&format!("{cms}/stop-deployment"), &[]).await;
    assert_eq!(idle.status, 400);
    assert!(idle.body.contains("no deployment in progress"));

    // Start a doomed rollout, then stop it with rollback.
    let start = op
        .post_form(
            &format!("{cms}/rollback"),
            &[
                ("revision", "2"),
                ("action_id", "rb-2"),
                ("confirmed", "1"),
                ("confirm", "cms"),
            ],
        )
        .await;
    assert_eq!(start.status, 303);
    let preview = op
        .post_form(&format!("{cms}/stop-deployment"), &[("action_id", "sd-1")])
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("roll back to the last completed one"));
    let stopped = op
        .post_form(
            &format!("{cms}/stop-deployment"),
            &[
                ("action_id", "sd-1"),
                ("confirmed", "1"),
                ("confirm", "cms"),
            ],
        )
        .await;
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "ecs:StopServiceDeployment"),
        1
    );
    poll_until(
        "the service back on revision 1",
        Duration::from_secs(30),
        || async {
            let d = primary(&aws, "websight-cms", "cms").await;
            d.task_definition().unwrap().ends_with(":1").then_some(())
        },
    )
    .await;
    let e = last_audit(&state, "stop-deployment").await;
    assert_eq!(e.status, AuditStatus::Ok);
}
