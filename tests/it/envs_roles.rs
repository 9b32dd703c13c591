//! Role assumption per environment (`role_arn` in the environments file):
//! the background reads run as the session `ecsdeck`, an operator's action
//! as a session named after the operator with their name as the source
//! identity — what the sandbox's STS recorded and whose key signed each
//! call. Also `protected = true` (and the audit filter by environment) and
//! the fallback for a trust policy without `sts:SetSourceIdentity`.

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const ROLE: &str = "arn:aws:iam::111122223333:role/ecsdeck";
const SCALE: &str = "/prod/clusters/apps/services/svc-00000/scale";

fn key_of(stats: &serde_json::Value, op: &str) -> String {
    stats["access_keys"][op]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn scale(op: &Session, desired: &str, action_id: &str, extra: &[(&str, &str)]) -> Page {
    let mut fields = vec![
        ("desired_count", desired),
        ("action_id", action_id),
        ("confirmed", "1"),
    ];
    fields.extend_from_slice(extra);
    op.post_form(SCALE, &fields).await
}

#[tokio::test]
async fn reads_assume_the_role_as_ecsdeck_and_actions_as_the_operator() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let role = format!("role_arn = \"{ROLE}\"");
    let toml = env_toml(
        "prod",
        "us-east-1",
        &sb.endpoint_url(),
        &[&role, "external_id = \"ext-42\""],
    );
    let app = TestApp::new(app_state_from_config(&toml).await);
    let op = app.session("operator").await;

    let page = op.get("/prod/clusters/apps/services/svc-00000").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let sessions = sb.sts_sessions();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let reads = &sessions[0];
    assert_eq!(reads.role_arn, ROLE);
    assert_eq!(reads.session_name, "ecsdeck");
    assert_eq!(reads.source_identity, None);
    assert_eq!(reads.external_id.as_deref(), Some("ext-42"));
    let stats = sandbox_stats(&sb).await;
    assert_eq!(key_of(&stats, "ecs:DescribeServices"), reads.access_key_id);

    let done = scale(&op, "3", "r-1", &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(sb.service_counts("apps", "svc-00000").unwrap().0, 3);
    let sessions = sb.sts_sessions();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let mine = &sessions[1];
    assert_eq!(mine.session_name, "operator");
    assert_eq!(mine.source_identity.as_deref(), Some("operator"));
    assert_eq!(mine.external_id.as_deref(), Some("ext-42"));
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        key_of(&stats, "ecs:UpdateService"),
        mine.access_key_id,
        "the write was signed with the operator's session"
    );

    // The sandbox maps the issued key back to the assumed role.
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(sb.endpoint_url())
        .credentials_provider(aws_credential_types::Credentials::new(
            &mine.access_key_id,
            "any",
            Some("any".to_string()),
            None,
            "test",
        ))
        .load()
        .await;
    let me = aws_sdk_sts::Client::new(&conf)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.arn(),
        Some("arn:aws:sts::111122223333:assumed-role/ecsdeck/operator")
    );
    assert_eq!(me.account(), Some("111122223333"));

    // A second action within the hour reuses the operator's session.
    let again = scale(&op, "2", "r-2", &[]).await;
    assert_eq!(again.status, 303);
    assert_eq!(sb.sts_sessions().len(), 2, "no new AssumeRole");
    assert_eq!(calls(&sandbox_stats(&sb).await, "sts:AssumeRole"), 2);
}

#[tokio::test]
async fn without_set_source_identity_the_session_still_names_the_user() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let toml = env_toml(
        "prod",
        "us-east-1",
        &sb.endpoint_url(),
        &["role_arn = \"arn:aws:iam::111122223333:role/NoSourceIdentityEcsdeck\""],
    );
    let app = TestApp::new(app_state_from_config(&toml).await);
    let op = app.session("operator").await;
    assert_eq!(op.get("/prod/clusters/apps").await.status, 200);

    let done = scale(&op, "3", "f-1", &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(sb.service_counts("apps", "svc-00000").unwrap().0, 3);
    let sessions = sb.sts_sessions();
    let mine = sessions.last().unwrap();
    assert_eq!(mine.session_name, "operator");
    assert_eq!(mine.source_identity, None, "assumed again without it");
    // ecsdeck's session, the refused attempt, the one without it.
    assert_eq!(calls(&sandbox_stats(&sb).await, "sts:AssumeRole"), 3);
}

#[tokio::test]
async fn a_protected_environment_needs_the_service_name_typed() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let toml = env_toml(
        "prod",
        "us-east-1",
        &sb.endpoint_url(),
        &["protected = true"],
    ) + &env_toml("dev", "us-east-1", &sb.endpoint_url(), &[]);
    let app = TestApp::new(app_state_from_config(&toml).await);
    let op = app.session("operator").await;

    reset_stats(&sb).await;
    let untyped = scale(&op, "3", "p-1", &[]).await;
    assert_eq!(untyped.status, 400, "{}", untyped.body);
    assert!(untyped.body.contains("Type svc-00000 exactly to confirm."));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);
    let typed = scale(&op, "3", "p-2", &[("confirm", "svc-00000")]).await;
    assert_eq!(typed.status, 303, "{}", typed.body);
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 1);

    // The same cluster through the unprotected environment: no typing.
    let dev = op
        .post_form(
            "/dev/clusters/apps/services/svc-00000/scale",
            &[
                ("desired_count", "2"),
                ("action_id", "p-3"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(dev.status, 303, "{}", dev.body);

    // The audit trail filters by environment.
    let audit = op.get("/audit?env=dev").await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    let wheres = audit.texts("table.audit tr[data-audit] td:nth-child(4)");
    assert_eq!(wheres.len(), 1, "{wheres:?}");
    assert!(wheres[0].starts_with("dev"), "{wheres:?}");
    assert!(audit.exists("select[name=env] option[value=prod]"));
    let all = op.get("/audit").await;
    assert!(all.count("table.audit tr[data-audit]") >= 2);
}
