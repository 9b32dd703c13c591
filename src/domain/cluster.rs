//! A cluster and its EC2 container instances.

use super::{Tag, short_id};

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    pub arn: String,
    pub name: String,
    pub status: String,
    pub active_services: i32,
    pub running_tasks: i32,
    pub pending_tasks: i32,
    pub container_instances: i32,
    pub capacity_providers: Vec<String>,
    pub container_insights: bool,
    pub tags: Vec<Tag>,
}

impl Cluster {
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    /// What runs the cluster's tasks: capacity providers, or "EC2" when it
    /// has container instances, else "Fargate / none".
    pub fn capacity_summary(&self) -> String {
        if !self.capacity_providers.is_empty() {
            self.capacity_providers.join(", ")
        } else if self.container_instances > 0 {
            "EC2".to_string()
        } else {
            "—".to_string()
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ContainerInstance {
    pub arn: String,
    pub ec2_instance_id: String,
    pub status: String,
    pub agent_connected: bool,
    pub running_tasks: i32,
    pub pending_tasks: i32,
    pub cpu_registered: i32,
    pub cpu_remaining: i32,
    pub memory_registered: i32,
    pub memory_remaining: i32,
    pub instance_type: String,
}

impl ContainerInstance {
    pub fn id(&self) -> &str {
        short_id(&self.arn)
    }

    pub fn cpu_used_percent(&self) -> i32 {
        used_percent(self.cpu_registered, self.cpu_remaining)
    }

    pub fn memory_used_percent(&self) -> i32 {
        used_percent(self.memory_registered, self.memory_remaining)
    }
}

fn used_percent(registered: i32, remaining: i32) -> i32 {
    if registered <= 0 {
        0
    } else {
        ((registered - remaining).clamp(0, registered) * 100) / registered
    }
}
