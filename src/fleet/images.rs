//! ECR repositories and images, and which services run each image.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Fleet, Fresh};
use crate::aws::AwsError;
use crate::domain::{Image, Repository, image_repository, image_tag};

/// A service container currently deployed with an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageUse {
    pub cluster: String,
    pub service: String,
    pub container: String,
    /// `PRIMARY` or `ACTIVE` (an older deployment still draining).
    pub deployment: String,
}

#[derive(Clone, Debug)]
pub struct RepositoryView {
    pub repository: Repository,
    pub images: Arc<Vec<Image>>,
    /// By image digest.
    pub uses: HashMap<String, Vec<ImageUse>>,
}

impl Fleet {
    /// Every ECR repository, sorted by name (cached).
    pub async fn repositories(&self) -> Result<Fresh<Arc<Vec<Repository>>>, AwsError> {
        let aws = self.aws.clone();
        self.repositories
            .get("all", move || {
                let aws = aws.clone();
                async move {
                    let mut repos = aws.list_repositories().await?;
                    repos.sort_by(|a, b| a.name.cmp(&b.name));
                    Ok(Arc::new(repos))
                }
            })
            .await
    }

    /// Images of one repository, newest push first (cached).
    pub async fn images(&self, repository: &str) -> Result<Arc<Vec<Image>>, AwsError> {
        let images = self
            .images
            .get(repository, self.images_loader(repository))
            .await?;
        Ok(images.value)
    }

    /// Images of one repository if they are in memory; otherwise `None` at
    /// once, their first read started in the background (the repositories
    /// page shows what is ready and fills in the rest, instead of waiting
    /// for one DescribeImages per repository under the ECR budget).
    pub fn images_if_ready(&self, repository: &str) -> Result<Option<Arc<Vec<Image>>>, AwsError> {
        self.images
            .get_or_start(repository, self.images_loader(repository))
    }

    fn images_loader(
        &self,
        repository: &str,
    ) -> impl Fn() -> futures::future::BoxFuture<'static, Result<Arc<Vec<Image>>, AwsError>>
    + Send
    + Sync
    + 'static {
        let aws = self.aws.clone();
        let name = repository.to_string();
        move || {
            let (aws, name) = (aws.clone(), name.clone());
            Box::pin(async move { aws.list_images(&name).await.map(Arc::new) })
        }
    }

    /// One repository with its images and, per image, the services running it.
    pub async fn repository_view(&self, name: &str) -> Result<Fresh<RepositoryView>, AwsError> {
        let repos = self.repositories().await?;
        let repository = repos
            .value
            .iter()
            .find(|r| r.name == name)
            .cloned()
            .ok_or_else(|| AwsError::NotFound {
                code: "RepositoryNotFoundException".to_string(),
                message: format!(
                    "The repository with name '{name}' does not exist in the registry."
                ),
            })?;
        let images = self.images(name).await?;
        let uses = self.image_uses(&repository, &images).await?;
        Ok(Fresh {
            value: RepositoryView {
                repository,
                images,
                uses,
            },
            as_of: repos.as_of,
            stale_because: repos.stale_because,
        })
    }

    /// Which service containers (PRIMARY or ACTIVE deployments, across all
    /// clusters) reference an image of `repo`, by digest.
    async fn image_uses(
        &self,
        repo: &Repository,
        images: &[Image],
    ) -> Result<HashMap<String, Vec<ImageUse>>, AwsError> {
        let clusters = self.clusters().await?;
        let mut uses: HashMap<String, Vec<ImageUse>> = HashMap::new();
        for cluster in clusters.value.iter() {
            let data = self.cluster_data(&cluster.name).await?;
            let mut wanted = Vec::new();
            for s in data.value.services() {
                for d in &s.deployments {
                    wanted.push((s.name.clone(), d.status.clone(), d.task_definition.clone()));
                }
            }
            let mut ids: Vec<String> = wanted.iter().map(|w| w.2.clone()).collect();
            ids.sort();
            ids.dedup();
            let defs = self.task_definitions(&ids).await;
            for (service, status, td_arn) in wanted {
                let Some(td) = defs.iter().find(|t| t.arn == td_arn) else {
                    continue;
                };
                for c in &td.containers {
                    if image_repository(&c.image) != repo.uri {
                        continue;
                    }
                    let reference = image_tag(&c.image);
                    let hit = images
                        .iter()
                        .find(|i| i.digest == reference || i.tags.iter().any(|t| t == reference));
                    if let Some(image) = hit {
                        uses.entry(image.digest.clone())
                            .or_default()
                            .push(ImageUse {
                                cluster: cluster.name.clone(),
                                service: service.clone(),
                                container: c.name.clone(),
                                deployment: status.clone(),
                            });
                    }
                }
            }
        }
        Ok(uses)
    }
}
