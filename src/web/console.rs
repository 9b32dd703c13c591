//! Links to the same resource in the AWS console (the dashboard's own URLs
//! are in `urls.rs`).

/// Links to the same resource in the AWS console.
pub struct Console<'a> {
    pub region: &'a str,
}

impl Console<'_> {
    fn base(&self) -> String {
        format!("https://{r}.console.aws.amazon.com/ecs/v2", r = self.region)
    }

    pub fn clusters(&self) -> String {
        format!("{}/clusters?region={}", self.base(), self.region)
    }

    pub fn tasks(&self, cluster: &str) -> String {
        format!(
            "{}/clusters/{cluster}/tasks?region={}",
            self.base(),
            self.region
        )
    }

    pub fn family(&self, family: &str) -> String {
        format!(
            "{}/task-definitions/{family}?region={}",
            self.base(),
            self.region
        )
    }

    pub fn repositories(&self) -> String {
        format!(
            "https://{r}.console.aws.amazon.com/ecr/private-registry/repositories?region={r}",
            r = self.region
        )
    }

    pub fn cluster(&self, cluster: &str) -> String {
        format!(
            "{}/clusters/{cluster}/services?region={}",
            self.base(),
            self.region
        )
    }

    pub fn service(&self, cluster: &str, service: &str) -> String {
        format!(
            "{}/clusters/{cluster}/services/{service}/health?region={}",
            self.base(),
            self.region
        )
    }

    pub fn task(&self, cluster: &str, task_id: &str) -> String {
        format!(
            "{}/clusters/{cluster}/tasks/{task_id}/configuration?region={}",
            self.base(),
            self.region
        )
    }

    pub fn task_definition(&self, family: &str, revision: i32) -> String {
        format!(
            "{}/task-definitions/{family}/{revision}/containers?region={}",
            self.base(),
            self.region
        )
    }

    pub fn repository(&self, account: &str, name: &str) -> String {
        format!(
            "https://{r}.console.aws.amazon.com/ecr/repositories/private/{account}/{name}?region={r}",
            r = self.region
        )
    }
}
