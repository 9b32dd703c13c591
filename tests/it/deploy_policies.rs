//! deploy/: the IAM policies allow exactly what ecsdeck calls. Every AWS
//! operation the code in `src/aws/` calls is allowed by the operator
//! policy; the read-only policy allows every read among them and no write;
//! neither allows an operation the code never calls; `iam:PassRole` is
//! limited to named roles passed to ECS tasks. Also the ECS task definition
//! and service for ecsdeck itself, and the Dockerfile's essentials.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// SDK client fields in `AwsClients` and the IAM prefix of their service.
const CLIENTS: &[(&str, &str)] = &[
    ("ecs", "ecs"),
    ("ecr", "ecr"),
    ("logs", "logs"),
    ("cloudwatch", "cloudwatch"),
    ("elb", "elasticloadbalancing"),
    ("autoscaling", "application-autoscaling"),
    ("sts", "sts"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `prefix:Operation` for every `.<client>.<operation>()` in `text`.
fn calls_in(text: &str, out: &mut BTreeSet<String>) {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (field, prefix) in CLIENTS {
        let needle = format!(".{field}");
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let rest = &text[from + at + needle.len()..];
            from += at + needle.len();
            if rest.starts_with(ident) {
                continue;
            }
            let Some(rest) = rest.trim_start().strip_prefix('.') else {
                continue;
            };
            let name: String = rest.chars().take_while(|c| ident(*c)).collect();
            if !name.is_empty() && rest[name.len()..].starts_with("()") {
                out.insert(format!("{prefix}:{}", pascal(&name)));
            }
        }
    }
}

/// Every AWS operation the code calls (outside tests).
fn operations() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src/aws"), &mut files);
    let mut ops = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        calls_in(code, &mut ops);
    }
    ops
}

fn is_read(action: &str) -> bool {
    let op = action.split_once(':').map_or(action, |(_, op)| op);
    ["Describe", "List", "Get", "BatchGet", "Filter"]
        .iter()
        .any(|p| op.starts_with(p))
        || op == "StartLiveTail"
}

/// The Allow statements' actions of a policy file.
fn allowed(file: &str) -> (Vec<String>, Value) {
    let text = std::fs::read_to_string(root().join("deploy/iam").join(file)).unwrap();
    let policy: Value = serde_json::from_str(&text).unwrap();
    let mut actions = Vec::new();
    for s in policy["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow", "{file}: only Allow statements");
        match &s["Action"] {
            Value::String(a) => actions.push(a.clone()),
            Value::Array(list) => {
                actions.extend(list.iter().map(|a| a.as_str().unwrap().to_string()));
            }
            other => panic!("{file}: Action {other}"),
        }
    }
    (actions, policy)
}

#[test]
fn the_scanner_finds_calls_however_they_are_formatted() {
    let mut ops = BTreeSet::new();
    calls_in(
        "self.ecs\n    .describe_services()\n self.logs.get_log_events() x.ecsy.foo() self.elb.describe_target_health()",
        &mut ops,
    );
    let want: BTreeSet<String> = [
        "ecs:DescribeServices",
        "logs:GetLogEvents",
        "elasticloadbalancing:DescribeTargetHealth",
    ]
    .map(String::from)
    .into();
    assert_eq!(ops, want);
}

#[test]
fn the_policies_allow_exactly_what_the_code_calls() {
    let ops = operations();
    for known in [
        "ecs:DescribeServices",
        "ecs:UpdateService",
        "logs:GetLogEvents",
    ] {
        assert!(ops.contains(known), "the scan missed {known}: {ops:?}");
    }
    let (operator, policy) = allowed("ecsdeck-operator.json");
    let (readonly, _) = allowed("ecsdeck-readonly.json");
    let operator_aws: BTreeSet<String> = operator
        .iter()
        .filter(|a| !a.starts_with("iam:"))
        .cloned()
        .collect();
    for a in operator.iter().chain(&readonly) {
        assert!(!a.contains('*'), "{a}: name each action, no wildcards");
    }
    assert_eq!(
        operator_aws, ops,
        "the operator policy allows exactly the operations the code calls"
    );
    let reads: BTreeSet<String> = ops.iter().filter(|o| is_read(o)).cloned().collect();
    let readonly: BTreeSet<String> = readonly.into_iter().collect();
    assert_eq!(
        readonly, reads,
        "the read-only policy allows exactly the reads"
    );
    assert!(readonly.iter().all(|a| is_read(a)), "a write in read-only");

    // iam:PassRole: named roles, to ECS tasks only.
    let pass = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == "iam:PassRole")
        .expect("the operator passes task roles when it registers revisions");
    let roles = pass["Resource"].as_array().expect("a list of named roles");
    assert!(!roles.is_empty());
    assert!(roles.iter().all(|r| {
        let r = r.as_str().unwrap();
        r.starts_with("arn:aws:iam::") && r.contains(":role/") && !r.contains('*')
    }));
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
}

#[test]
fn the_task_definition_and_image_run_ecsdeck_as_documented() {
    let td: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("deploy/ecsdeck-task-definition.json")).unwrap(),
    )
    .unwrap();
    let c = &td["containerDefinitions"][0];
    assert_eq!(c["portMappings"][0]["containerPort"], 8080);
    assert!(c["healthCheck"]["command"].to_string().contains("/healthz"));
    assert!(c["stopTimeout"].as_i64().unwrap() >= 30);
    assert!(c["command"].to_string().contains("0.0.0.0:8080"));
    let svc: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("deploy/ecsdeck-service.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(svc["loadBalancers"][0]["containerPort"], 8080);
    assert_eq!(svc["taskDefinition"], td["family"]);

    let docker = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    assert!(docker.matches("\nFROM ").count() + usize::from(docker.starts_with("FROM ")) >= 2);
    assert!(docker.contains("USER 10001"), "runs as a non-root user");
    assert!(docker.contains("HEALTHCHECK") && docker.contains("/healthz"));
    assert!(docker.contains("STOPSIGNAL SIGTERM"));
}
