//! Task definition families and revisions.

use crate::aws::AwsError;
use crate::domain::Revision;

use super::Fleet;

impl Fleet {
    /// Families with at least one active revision, sorted.
    pub async fn task_definition_families(&self) -> Result<Vec<String>, AwsError> {
        let mut families = self.aws.list_task_definition_families().await?;
        families.sort();
        Ok(families)
    }

    /// Every revision of `family`, newest first; `NotFound` if none.
    pub async fn revisions(&self, family: &str) -> Result<Vec<Revision>, AwsError> {
        let revisions = self.aws.list_revisions(family).await?;
        if revisions.is_empty() {
            return Err(AwsError::NotFound {
                code: "ClientException".to_string(),
                message: format!("There is no task definition family named {family}."),
            });
        }
        Ok(revisions)
    }
}
