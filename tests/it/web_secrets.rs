//! Secrets in task definitions — log-driver options, command and entry
//! point arguments, URL credentials with `/`, query-string tokens — never
//! reach a page: not the task-definition page, not a revision diff, not the
//! deploy preview. What is not secret (option names, flags, hosts) still
//! shows.

use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, KeyValuePair, LogConfiguration, LogDriver,
};
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

const CLUSTER: &str = "acme-production";
const SVC: &str = "/sandbox/clusters/acme-production/services/acme-production";

const SECRETS: &[&str] = &[
    "cmd-pw-secret",
    "cmd-token-secret",
    "kv-secret",
    "url/secret",
    "qs-token-secret",
    "qs-apikey-secret",
    "ep-secret",
    "splunk-secret",
    "dd-apikey-secret",
    "http-passwd-secret",
    "env-url/secret",
];

/// Registers a revision of the service's family whose first container
/// carries secrets everywhere, and points the service at it; returns
/// (family, old revision, new revision, container name).
async fn register_secret_revision(aws: &Sdk) -> (String, i32, i32, String) {
    let svc = aws
        .ecs
        .describe_services()
        .cluster(CLUSTER)
        .services(CLUSTER)
        .send()
        .await
        .unwrap();
    let current = svc.services()[0].task_definition().unwrap().to_string();
    let td = aws
        .ecs
        .describe_task_definition()
        .task_definition(&current)
        .send()
        .await
        .unwrap()
        .task_definition
        .unwrap();
    let first = &td.container_definitions()[0];
    let name = first.name().unwrap().to_string();
    let log = LogConfiguration::builder()
        .log_driver(LogDriver::Awsfirelens)
        .options("Name", "http")
        .options("Host", "logs.example")
        .options("apikey", "dd-apikey-secret")
        .options("HTTP_Passwd", "http-passwd-secret")
        .options("splunk-token", "splunk-secret")
        .build()
        .unwrap();
    let container = ContainerDefinition::builder()
        .name(&name)
        .image(first.image().unwrap())
        .essential(true)
        .set_entry_point(Some(strings(&["sh", "-c", "exec app --api-key ep-secret"])))
        .set_command(Some(strings(&[
            "bundle",
            "exec",
            "puma",
            "--password=cmd-pw-secret",
            "--token",
            "cmd-token-secret",
            "DB_PASSWORD=kv-secret",
            "--upstream=https://svc:url/secret@api.internal/v1",
            "https://hooks.example/x?token=qs-token-secret&api_key=qs-apikey-secret&page=2",
        ])))
        .environment(
            KeyValuePair::builder()
                .name("UPSTREAM_URL")
                .value("https://app:env-url/secret@db.internal/app")
                .build(),
        )
        .log_configuration(log)
        .build();
    let out = aws
        .ecs
        .register_task_definition()
        .family(td.family().unwrap())
        .set_network_mode(td.network_mode().cloned())
        .set_cpu(td.cpu().map(str::to_string))
        .set_memory(td.memory().map(str::to_string))
        .requires_compatibilities(Compatibility::Fargate)
        .container_definitions(container)
        .send()
        .await
        .unwrap();
    let new = out.task_definition.unwrap();
    aws.ecs
        .update_service()
        .cluster(CLUSTER)
        .service(CLUSTER)
        .task_definition(new.task_definition_arn().unwrap())
        .send()
        .await
        .unwrap();
    (
        new.family().unwrap().to_string(),
        td.revision(),
        new.revision(),
        name,
    )
}

fn assert_no_secret(page: &Page, what: &str) {
    assert_eq!(page.status, 200, "{what}: {}", page.body);
    for s in SECRETS {
        assert!(!page.body.contains(s), "{what} shows {s:?}");
    }
}

#[tokio::test]
async fn secrets_in_options_arguments_and_urls_are_masked_on_every_page() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 60.0)).await;
    let aws = sdk(&sb).await;
    let (family, old, new, container) = register_secret_revision(&aws).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;

    // The task-definition page: flags, option names and hosts, no values.
    let page = op
        .get(&format!("/sandbox/task-definitions/{family}/{new}"))
        .await;
    assert_no_secret(&page, "the task-definition page");
    let shown = page.texts("section.container-def").join("\n");
    for visible in [
        "--password=",
        "--token",
        "DB_PASSWORD=",
        "api.internal/v1",
        "hooks.example/x?token=",
        "page=2",
        "--api-key",
        "apikey=",
        "HTTP_Passwd=",
        "Host=logs.example",
        "UPSTREAM_URL",
    ] {
        assert!(shown.contains(visible), "{visible:?} missing from {shown}");
    }

    // The revision diff: every changed row masked on both sides.
    let diff = op
        .get(&format!(
            "/sandbox/task-definitions/{family}?from={old}&to={new}"
        ))
        .await;
    assert_no_secret(&diff, "the revision diff");
    let rows = diff.texts("table.diff tr").join("\n");
    for visible in ["command", "--token", "api.internal", "HTTP_Passwd="] {
        assert!(rows.contains(visible), "{visible:?} missing from {rows}");
    }

    // The deploy-image preview of the service now on that revision.
    let preview = op
        .post_form(
            &format!("{SVC}/deploy-image"),
            &[
                ("container", container.as_str()),
                ("tag", "production-304"),
                ("action_id", "secrets-1"),
            ],
        )
        .await;
    assert_no_secret(&preview, "the deploy preview");
    assert!(preview.exists("table.diff tr.diff-changed"));
}
