//! AWS's published request-rate limits, per action group: the one table both
//! ecsdeck's client-side budget (`aws::budget`, a fraction of each) and the
//! sandbox's throttle (`sandbox::throttle`, all of it) are built from.
//!
//! ECS throttles per action group with a token bucket (a burst and a
//! sustained refill rate); CloudWatch Logs and ECR publish per-operation
//! requests-per-second quotas, modelled as a bucket whose burst is one
//! second's worth. Operations not named here share a conservative
//! per-service `other` bucket, so the set of buckets is fixed and small:
//! never keyed by anything a user typed.

/// One bucket: AWS's burst and sustained rate for an action group.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quota {
    /// `service:group`, e.g. `ecs:service-read`.
    pub group: &'static str,
    /// Requests allowed at once with a full bucket.
    pub burst: u32,
    /// Sustained requests per second (the bucket's refill rate).
    pub per_second: f64,
    /// A write: ecsdeck gives writes their own buckets so an operator's
    /// action never queues behind page loads and pollers.
    pub mutation: bool,
}

const fn read(group: &'static str, burst: u32, per_second: f64) -> Quota {
    Quota {
        group,
        burst,
        per_second,
        mutation: false,
    }
}

const fn write(group: &'static str, burst: u32, per_second: f64) -> Quota {
    Quota {
        group,
        burst,
        per_second,
        mutation: true,
    }
}

const ECS_CLUSTER_READ: Quota = read("ecs:cluster-read", 100, 20.0);
const ECS_SERVICE_READ: Quota = read("ecs:service-read", 100, 20.0);
const ECS_TASK_READ: Quota = read("ecs:task-read", 100, 20.0);
const ECS_TASK_DEFINITION_READ: Quota = read("ecs:task-definition-read", 100, 20.0);
const ECS_UPDATE_SERVICE: Quota = write("ecs:update-service", 50, 5.0);
const ECS_REGISTER_TASK_DEFINITION: Quota = write("ecs:register-task-definition", 20, 1.0);
const ECS_RUN_TASK: Quota = write("ecs:run-task", 100, 40.0);
const ECS_STOP_TASK: Quota = write("ecs:stop-task", 100, 40.0);
const ECS_STOP_SERVICE_DEPLOYMENT: Quota = write("ecs:stop-service-deployment", 20, 1.0);
const ECS_OTHER: Quota = read("ecs:other", 100, 20.0);
const LOGS_GET_LOG_EVENTS: Quota = read("logs:get-log-events", 25, 25.0);
const LOGS_FILTER_LOG_EVENTS: Quota = read("logs:filter-log-events", 5, 5.0);
const LOGS_DESCRIBE_LOG_STREAMS: Quota = read("logs:describe-log-streams", 25, 25.0);
const LOGS_DESCRIBE_LOG_GROUPS: Quota = read("logs:describe-log-groups", 10, 10.0);
/// Live Tail session starts: 5 a second per account.
const LOGS_START_LIVE_TAIL: Quota = read("logs:start-live-tail", 5, 5.0);
const LOGS_OTHER: Quota = read("logs:other", 10, 10.0);
const ECR_BATCH_GET_IMAGE: Quota = read("ecr:batch-get-image", 2000, 2000.0);
const ECR_LIST_IMAGES: Quota = read("ecr:list-images", 20, 20.0);
const ECR_DESCRIBE_IMAGES: Quota = read("ecr:describe-images", 10, 10.0);
const ECR_DESCRIBE_REPOSITORIES: Quota = read("ecr:describe-repositories", 10, 10.0);
const ECR_OTHER: Quota = read("ecr:other", 10, 10.0);
// CloudWatch (signing name `monitoring`): GetMetricData 50 TPS,
// DescribeAlarms 9 TPS.
const CW_GET_METRIC_DATA: Quota = read("monitoring:get-metric-data", 50, 50.0);
const CW_DESCRIBE_ALARMS: Quota = read("monitoring:describe-alarms", 9, 9.0);
const CW_OTHER: Quota = read("monitoring:other", 10, 10.0);
// ELBv2 (signing name `elasticloadbalancing`) throttles its Describe
// calls per account and region; ecsdeck plans with 10 a second.
const ELB_DESCRIBE: Quota = read("elasticloadbalancing:describe", 20, 10.0);
const ELB_OTHER: Quota = read("elasticloadbalancing:other", 10, 5.0);
// Application Auto Scaling (signing name `application-autoscaling`) has
// no published per-API rates; its Describe calls throttle per account and
// region at a few tens a second, RegisterScalableTarget far lower. ecsdeck
// plans with 10 reads and 1 write a second.
const AAS_DESCRIBE: Quota = read("application-autoscaling:describe", 20, 10.0);
const AAS_REGISTER_SCALABLE_TARGET: Quota =
    write("application-autoscaling:register-scalable-target", 5, 1.0);
const AAS_OTHER: Quota = read("application-autoscaling:other", 5, 1.0);
// STS: AssumeRole and GetCallerIdentity share a request quota of 600 a
// second per account and region; ecsdeck assumes once per user per hour
// and once per environment for its reads, so a small bucket of its own
// keeps a burst of sign-ins from ever approaching it.
const STS_ASSUME_ROLE: Quota = read("sts:assume-role", 20, 10.0);
const STS_OTHER: Quota = read("sts:other", 20, 10.0);
/// Any other service until it gets its own rows.
const OTHER: Quota = read("other", 10, 5.0);

/// Every bucket, in the order documented in docs/architecture.md.
pub const ALL: &[Quota] = &[
    ECS_CLUSTER_READ,
    ECS_SERVICE_READ,
    ECS_TASK_READ,
    ECS_TASK_DEFINITION_READ,
    ECS_UPDATE_SERVICE,
    ECS_REGISTER_TASK_DEFINITION,
    ECS_RUN_TASK,
    ECS_STOP_TASK,
    ECS_STOP_SERVICE_DEPLOYMENT,
    ECS_OTHER,
    LOGS_GET_LOG_EVENTS,
    LOGS_FILTER_LOG_EVENTS,
    LOGS_DESCRIBE_LOG_STREAMS,
    LOGS_DESCRIBE_LOG_GROUPS,
    LOGS_START_LIVE_TAIL,
    LOGS_OTHER,
    ECR_BATCH_GET_IMAGE,
    ECR_LIST_IMAGES,
    ECR_DESCRIBE_IMAGES,
    ECR_DESCRIBE_REPOSITORIES,
    ECR_OTHER,
    CW_GET_METRIC_DATA,
    CW_DESCRIBE_ALARMS,
    CW_OTHER,
    ELB_DESCRIBE,
    ELB_OTHER,
    AAS_DESCRIBE,
    AAS_REGISTER_SCALABLE_TARGET,
    AAS_OTHER,
    STS_ASSUME_ROLE,
    STS_OTHER,
    OTHER,
];

/// The bucket `service:op` spends from (`service` is the signing name:
/// `ecs`, `ecr`, `logs`; `op` the API's operation name, `DescribeServices`).
pub fn limits(service: &str, op: &str) -> Quota {
    match (service, op) {
        (
            "ecs",
            "DescribeClusters"
            | "ListClusters"
            | "ListContainerInstances"
            | "DescribeContainerInstances",
        ) => ECS_CLUSTER_READ,
        (
            "ecs",
            "DescribeServices"
            | "ListServices"
            | "ListServicesByNamespace"
            | "ListServiceDeployments"
            | "DescribeServiceDeployments"
            | "DescribeServiceRevisions",
        ) => ECS_SERVICE_READ,
        ("ecs", "DescribeTasks" | "ListTasks") => ECS_TASK_READ,
        (
            "ecs",
            "DescribeTaskDefinition" | "ListTaskDefinitions" | "ListTaskDefinitionFamilies",
        ) => ECS_TASK_DEFINITION_READ,
        ("ecs", "UpdateService") => ECS_UPDATE_SERVICE,
        ("ecs", "RegisterTaskDefinition") => ECS_REGISTER_TASK_DEFINITION,
        ("ecs", "RunTask") => ECS_RUN_TASK,
        ("ecs", "StopTask") => ECS_STOP_TASK,
        ("ecs", "StopServiceDeployment") => ECS_STOP_SERVICE_DEPLOYMENT,
        ("ecs", _) => ECS_OTHER,
        ("logs", "GetLogEvents") => LOGS_GET_LOG_EVENTS,
        ("logs", "FilterLogEvents") => LOGS_FILTER_LOG_EVENTS,
        ("logs", "DescribeLogStreams") => LOGS_DESCRIBE_LOG_STREAMS,
        ("logs", "DescribeLogGroups") => LOGS_DESCRIBE_LOG_GROUPS,
        ("logs", "StartLiveTail") => LOGS_START_LIVE_TAIL,
        ("logs", _) => LOGS_OTHER,
        ("ecr", "BatchGetImage") => ECR_BATCH_GET_IMAGE,
        ("ecr", "ListImages") => ECR_LIST_IMAGES,
        ("ecr", "DescribeImages") => ECR_DESCRIBE_IMAGES,
        ("ecr", "DescribeRepositories") => ECR_DESCRIBE_REPOSITORIES,
        ("ecr", _) => ECR_OTHER,
        ("monitoring", "GetMetricData") => CW_GET_METRIC_DATA,
        ("monitoring", "DescribeAlarms") => CW_DESCRIBE_ALARMS,
        ("monitoring", _) => CW_OTHER,
        ("elasticloadbalancing", "DescribeTargetGroups" | "DescribeTargetHealth") => ELB_DESCRIBE,
        ("elasticloadbalancing", _) => ELB_OTHER,
        (
            "application-autoscaling",
            "DescribeScalableTargets"
            | "DescribeScalingPolicies"
            | "DescribeScheduledActions"
            | "DescribeScalingActivities",
        ) => AAS_DESCRIBE,
        ("application-autoscaling", "RegisterScalableTarget") => AAS_REGISTER_SCALABLE_TARGET,
        ("application-autoscaling", _) => AAS_OTHER,
        ("sts", "AssumeRole") => STS_ASSUME_ROLE,
        ("sts", _) => STS_OTHER,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bucket_is_listed_once_and_unknowns_share_other() {
        for (i, q) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|o| o.group != q.group),
                "{} twice",
                q.group
            );
            assert!(q.burst >= 1 && q.per_second > 0.0, "{q:?}");
        }
        assert_eq!(limits("ecs", "CreateService").group, "ecs:other");
        assert_eq!(limits("ecr", "PutImage").group, "ecr:other");
        assert_eq!(limits("sts", "GetCallerIdentity").group, "sts:other");
        assert_eq!(limits("s3", "GetObject").group, "other");
        assert!(limits("ecs", "UpdateService").mutation);
        assert!(!limits("ecs", "DescribeServices").mutation);
    }
}
