//! The ECS resources the sandbox keeps: clusters, services, deployments,
//! tasks, task definitions and container instances.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

use crate::sandbox::loggen::{CrashKind, LogGen, LogProfile};

/// Service events kept per service (ECS keeps the newest 100).
pub const MAX_EVENTS: usize = 100;

pub type Tags = Vec<(String, String)>;

#[derive(Debug)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// ACTIVE, or INACTIVE once deleted (still described, no longer listed).
    pub status: String,
    pub tags: Tags,
    pub container_insights: bool,
    pub capacity_providers: Vec<String>,
    pub services: BTreeMap<String, Service>,
    /// Tasks by id (32 hex), running and recently stopped.
    pub tasks: BTreeMap<String, Task>,
    pub instances: BTreeMap<String, ContainerInstance>,
}

#[derive(Debug, Clone)]
pub struct DeploymentConfig {
    pub min_healthy_percent: i32,
    pub max_percent: i32,
    pub breaker_enable: bool,
    pub breaker_rollback: bool,
    /// ROLLING, BLUE_GREEN, LINEAR or CANARY.
    pub strategy: String,
    /// Minutes both revisions run after production traffic shifted
    /// (BLUE_GREEN, LINEAR, CANARY).
    pub bake_time_min: i32,
    /// LINEAR: percent of traffic per step; CANARY: the canary's percent.
    pub step_percent: f64,
    /// LINEAR: minutes between steps; CANARY: minutes the canary bakes.
    pub step_bake_min: i32,
    /// CloudWatch alarms that roll the deployment back (empty: none).
    pub alarm_names: Vec<String>,
    pub alarm_rollback: bool,
}

impl Default for DeploymentConfig {
    fn default() -> Self {
        Self {
            min_healthy_percent: 100,
            max_percent: 200,
            breaker_enable: true,
            breaker_rollback: true,
            strategy: "ROLLING".to_string(),
            bake_time_min: 0,
            step_percent: 0.0,
            step_bake_min: 0,
            alarm_names: Vec::new(),
            alarm_rollback: false,
        }
    }
}

/// Deliberately broken behaviour of a seeded service's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    CrashLoop,
    Oom,
    ImagePull,
    Unhealthy,
    FailedDeploy,
}

impl Scenario {
    pub fn tag(self) -> &'static str {
        match self {
            Scenario::CrashLoop => "crash-loop",
            Scenario::Oom => "oom",
            Scenario::ImagePull => "image-pull",
            Scenario::Unhealthy => "unhealthy",
            Scenario::FailedDeploy => "failed-deploy",
        }
    }
}

#[derive(Debug)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub cluster: String,
    pub status: String,
    pub desired: i32,
    pub launch_type: String,
    pub scheduling_strategy: String,
    pub task_definition: String,
    pub deployment_config: DeploymentConfig,
    pub load_balancers: Vec<Value>,
    pub network: Option<Value>,
    pub platform_version: Option<String>,
    pub health_check_grace_s: Option<i32>,
    pub role_arn: Option<String>,
    /// Active deployments; `[0]` is PRIMARY.
    pub deployments: Vec<Deployment>,
    /// Finished deployments, oldest first (for ListServiceDeployments).
    pub history: Vec<Deployment>,
    pub events: VecDeque<ServiceEvent>,
    pub tags: Tags,
    pub created_ms: i64,
    pub scenario: Option<Scenario>,
    /// No new task is started before this (ECS's restart back-off).
    pub next_start_ms: i64,
    pub consecutive_failures: u32,
    pub steady: bool,
    pub last_placement_event_ms: i64,
    /// As given to CreateService (rendered back as is).
    pub capacity_provider_strategy: Option<Value>,
    pub enable_execute_command: bool,
}

impl Service {
    /// An ACTIVE service without deployments, created at `now`.
    pub fn new(
        region: &super::arn::Region,
        cluster: &str,
        name: &str,
        task_definition: &str,
        desired: i32,
        now: i64,
    ) -> Self {
        Self {
            name: name.to_string(),
            arn: super::arn::service_arn(region, cluster, name),
            cluster: cluster.to_string(),
            status: "ACTIVE".to_string(),
            desired,
            launch_type: "FARGATE".to_string(),
            scheduling_strategy: "REPLICA".to_string(),
            task_definition: task_definition.to_string(),
            deployment_config: DeploymentConfig::default(),
            load_balancers: Vec::new(),
            network: None,
            platform_version: None,
            health_check_grace_s: None,
            role_arn: None,
            deployments: Vec::new(),
            history: Vec::new(),
            events: VecDeque::new(),
            tags: Vec::new(),
            created_ms: now,
            scenario: None,
            next_start_ms: now,
            consecutive_failures: 0,
            steady: false,
            last_placement_event_ms: 0,
            capacity_provider_strategy: None,
            enable_execute_command: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServiceEvent {
    pub id: String,
    pub created_ms: i64,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    /// PRIMARY, ACTIVE or INACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub failed_tasks: i32,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub finished_ms: Option<i64>,
    /// IN_PROGRESS, COMPLETED or FAILED.
    pub rollout_state: String,
    pub rollout_reason: String,
    pub launch_type: String,
    pub network: Option<Value>,
    /// ServiceDeployment status (SUCCESSFUL, ROLLBACK_SUCCESSFUL, …).
    pub sd_status: String,
    pub sd_reason: Option<String>,
    /// Deployment ids this one replaced (source revisions).
    pub sources: Vec<String>,
    /// When this deployment is a rollback: the failed deployment's id.
    pub rollback_of: Option<String>,
    pub breaker_triggered: bool,
    pub config: DeploymentConfig,
    /// The lifecycle stage (`stages.rs`) and when it began.
    pub stage: String,
    pub stage_ms: i64,
    /// Alarms whose ALARM state rolled this deployment back.
    pub triggered_alarms: Vec<String>,
}

/// The task lifecycle as ECS reports it in `lastStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }
}

/// What will happen to a task once it starts (decided when it is created).
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    Healthy,
    /// The image cannot be pulled: fails in PENDING.
    PullFails {
        reason: String,
    },
    /// The essential container dies after running this long.
    Dies {
        after_ms: i64,
        kind: CrashKind,
    },
    /// A batch job: exits 0 after running this long.
    Completes {
        after_ms: i64,
    },
}

#[derive(Debug)]
pub struct Task {
    pub id: String,
    pub arn: String,
    pub cluster: String,
    pub service: Option<String>,
    pub deployment_id: Option<String>,
    pub task_definition: String,
    pub group: String,
    pub launch_type: String,
    pub started_by: Option<String>,
    pub last_status: TaskStatus,
    pub desired_status: String,
    pub health: String,
    pub containers: Vec<Container>,
    pub cpu: String,
    pub memory: String,
    pub cpu_units: i64,
    pub memory_mib: i64,
    pub az: String,
    pub container_instance: Option<String>,
    pub private_ip: String,
    pub created_ms: i64,
    pub pull_started_ms: Option<i64>,
    pub pull_stopped_ms: Option<i64>,
    pub started_ms: Option<i64>,
    pub stopping_ms: Option<i64>,
    pub stopped_ms: Option<i64>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    /// When the current lifecycle step ends.
    pub next_ms: i64,
    pub fate: Fate,
    /// Whether the task counted as a failure for its deployment.
    pub failed: bool,
    pub health_checked: bool,
    pub tags: Tags,
    pub version: i64,
    pub platform_version: Option<String>,
}

#[derive(Debug)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub image_digest: Option<String>,
    pub runtime_id: String,
    pub last_status: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    /// `None` when the container has no health check.
    pub health: Option<String>,
    pub essential: bool,
    pub cpu: i64,
    pub memory: Option<i64>,
    pub log: Option<LogTarget>,
}

/// Where an awslogs container writes, and its line generator.
#[derive(Debug)]
pub struct LogTarget {
    pub group: String,
    pub stream: String,
    pub profile: LogProfile,
    pub generator: LogGen,
    pub logged_until_ms: i64,
}

#[derive(Debug, Clone)]
pub struct TaskDef {
    pub family: String,
    pub revision: i32,
    pub arn: String,
    pub status: String,
    /// The registered body (containerDefinitions, volumes, cpu, …).
    pub body: Value,
    pub registered_ms: i64,
    pub tags: Tags,
}

#[derive(Debug)]
pub struct ContainerInstance {
    pub id: String,
    pub arn: String,
    pub ec2_instance_id: String,
    pub cpu: i64,
    pub memory: i64,
    pub az: String,
    pub status: String,
    pub agent_connected: bool,
    pub registered_ms: i64,
    pub instance_type: String,
}
