//! A task and its containers, as DescribeTasks reports them.

use super::{Timestamp, family_revision, short_id};

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub arn: String,
    pub cluster_arn: String,
    /// `service:NAME` for service tasks, `family:NAME` for standalone ones.
    pub group: String,
    pub launch_type: String,
    pub task_definition: String,
    pub last_status: String,
    pub desired_status: String,
    pub health: String,
    pub cpu: String,
    pub memory: String,
    pub availability_zone: String,
    pub container_instance_arn: String,
    /// The task's own address (awsvpc tasks), what ELB registers as an
    /// `ip` target.
    pub private_ip: String,
    pub created_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub stopping_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    pub stop_code: String,
    pub stopped_reason: String,
    pub containers: Vec<Container>,
}

impl Task {
    pub fn id(&self) -> &str {
        short_id(&self.arn)
    }

    /// The service this task belongs to, if it was started by one.
    pub fn service_name(&self) -> Option<&str> {
        self.group.strip_prefix("service:")
    }

    pub fn task_definition_short(&self) -> &str {
        family_revision(&self.task_definition)
    }

    pub fn is_stopped(&self) -> bool {
        self.last_status == "STOPPED" || self.desired_status == "STOPPED"
    }

    /// A stop a human did not ask for: crashes, failed starts, health
    /// checks, OOM kills (not `UserInitiated`, not a deployment's scale-in).
    pub fn stopped_abnormally(&self) -> bool {
        if self.stop_code.is_empty() {
            return false;
        }
        match self.stop_code.as_str() {
            "UserInitiated" => false,
            "ServiceSchedulerInitiated" => {
                let r = self.stopped_reason.to_ascii_lowercase();
                r.contains("health") || r.contains("unhealthy")
            }
            _ => true,
        }
    }

    /// The task's own stopped reason when it adds something to
    /// [`Task::stop_summary`].
    pub fn extra_reason(&self) -> Option<&str> {
        let summary = self.stop_summary();
        (!self.stopped_reason.is_empty() && !summary.contains(&self.stopped_reason))
            .then_some(self.stopped_reason.as_str())
    }

    /// The most telling reason this task stopped: a container's reason
    /// (e.g. OutOfMemoryError) or non-zero exit, else the task's own reason.
    pub fn stop_summary(&self) -> String {
        let culprit = self
            .containers
            .iter()
            .find(|c| !c.reason.is_empty() || c.exit_code.is_some_and(|x| x != 0));
        match culprit {
            Some(c) if !c.reason.is_empty() => format!("{}: {}", c.name, c.reason),
            Some(c) if !self.stopped_reason.is_empty() => format!(
                "{} ({} exited with code {})",
                self.stopped_reason,
                c.name,
                c.exit_code.unwrap_or_default()
            ),
            Some(c) => format!(
                "{} exited with code {}",
                c.name,
                c.exit_code.unwrap_or_default()
            ),
            None => self.stopped_reason.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub image_digest: String,
    pub last_status: String,
    pub exit_code: Option<i32>,
    pub reason: String,
    pub health: String,
    pub runtime_id: String,
}

impl Container {
    /// The image's tag (`repo:tag` → `tag`), or "latest" when untagged.
    pub fn image_tag(&self) -> &str {
        image_tag(&self.image)
    }
}

/// The tag of an image reference: `repo:tag` → `tag`, `repo@sha256:…` →
/// the digest, `repo` → `latest`.
pub fn image_tag(image: &str) -> &str {
    if let Some((_, digest)) = image.split_once('@') {
        return digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

/// The repository part of an image reference (no tag or digest).
pub fn image_repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match no_digest[slash..].find(':') {
        Some(i) => &no_digest[..slash + i],
        None => no_digest,
    }
}

/// The ECR repository name of an image hosted in ECR
/// (`acct.dkr.ecr.region.amazonaws.com/team/app:tag` → `team/app`).
pub fn ecr_repository_name(image: &str) -> Option<&str> {
    let repo = image_repository(image);
    let (host, name) = repo.split_once('/')?;
    host.contains(".dkr.ecr.").then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        let uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/rails-app:production-305";
        assert_eq!(image_tag(uri), "production-305");
        assert_eq!(
            image_repository(uri),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/rails-app"
        );
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(
            image_repository("localhost:5000/nginx"),
            "localhost:5000/nginx"
        );
        assert_eq!(image_tag("repo@sha256:abc"), "sha256:abc");
        assert_eq!(image_repository("repo@sha256:abc"), "repo");
        assert_eq!(ecr_repository_name(uri), Some("rails-app"));
        assert_eq!(ecr_repository_name("nginx:1.27"), None);
    }
}
