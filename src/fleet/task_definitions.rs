//! Task definition families and revisions, kept like everything else: the
//! family list and each family's revisions are read once and refreshed in
//! the background, and a family the list in memory does not have is
//! answered without asking AWS.

use std::sync::Arc;

use crate::aws::AwsError;
use crate::domain::Revision;

use super::Fleet;

impl Fleet {
    /// Families with at least one active revision, sorted.
    pub async fn task_definition_families(&self) -> Result<Arc<Vec<String>>, AwsError> {
        let aws = self.aws.clone();
        let families = self
            .families
            .get("all", move || {
                let aws = aws.clone();
                async move {
                    let mut families = aws.list_task_definition_families().await?;
                    families.sort();
                    Ok(Arc::new(families))
                }
            })
            .await?;
        Ok(families.value)
    }

    /// Every revision of `family`, newest first; `NotFound` if none.
    pub async fn revisions(&self, family: &str) -> Result<Arc<Vec<Revision>>, AwsError> {
        let not_found = || AwsError::NotFound {
            code: "ClientException".to_string(),
            message: format!("There is no task definition family named {family}."),
        };
        if !self
            .task_definition_families()
            .await?
            .iter()
            .any(|f| f == family)
        {
            return Err(not_found());
        }
        let aws = self.aws.clone();
        let name = family.to_string();
        let revisions = self
            .revisions
            .get(family, move || {
                let (aws, name) = (aws.clone(), name.clone());
                async move { aws.list_revisions(&name).await.map(Arc::new) }
            })
            .await?;
        if revisions.value.is_empty() {
            return Err(not_found());
        }
        Ok(revisions.value)
    }
}
