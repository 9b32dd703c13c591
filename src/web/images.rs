//! ECR: `/{env}/images` (repositories) and `/{env}/images/{repository}`
//! (images with tags, digests, scan findings and the services running them:
//! "is production on the image I think it is?").

use askama::Template;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::{Image, Repository};
use crate::error::AppError;
use crate::fleet::{ImageUse, RepositoryView};
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::{Env, Htmx, Path, RepositoryPath};
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

pub struct RepoRow {
    pub repository: Repository,
    /// The image count; `None` while it is being read.
    pub images: Option<usize>,
    /// Why the images could not be read.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/repositories.html")]
pub struct RepositoriesPage<'a> {
    pub shell: Shell,
    pub console_url: String,
    pub live: RepositoriesLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/repositories_live.html")]
pub struct RepositoriesLive<'a> {
    pub env: &'a str,
    pub rows: Vec<RepoRow>,
    pub fresh: Freshness,
    pub poll: u32,
}

impl RepositoriesLive<'_> {
    pub fn url(&self) -> String {
        urls::images(self.env)
    }

    pub fn repository_url(&self, repository: &str) -> String {
        urls::repository(self.env, repository)
    }
}

pub async fn list_repositories(
    env: Env,
    user: CurrentUser,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let fleet = &env.fleet;
    let repos = fleet.repositories().await?;
    // Counts show as they arrive: a repository whose images are not in
    // memory yet is read in the background and the region polls sooner.
    let rows: Vec<RepoRow> = repos
        .value
        .iter()
        .map(|r| {
            let images = fleet.images_if_ready(&r.name);
            RepoRow {
                repository: r.clone(),
                images: images
                    .as_ref()
                    .ok()
                    .and_then(|i| i.as_ref())
                    .map(|i| i.len()),
                error: images.err().map(|e| e.to_string()),
            }
        })
        .collect();
    let reading = rows.iter().any(|r| r.images.is_none() && r.error.is_none());
    let live = RepositoriesLive {
        env: &env.name,
        rows,
        fresh: Freshness::of(&repos),
        poll: if reading { Poll::Busy } else { Poll::Slow }.seconds(),
    };
    page_or_live(htmx, live, |live| RepositoriesPage {
        shell: Shell::for_env(&env, Some(&user), "Images")
            .section("images")
            .crumb("Images", None),
        console_url: Console {
            region: &env.region,
        }
        .repositories(),
        live,
    })
}

#[derive(Template)]
#[template(path = "pages/repository.html")]
pub struct RepositoryPage<'a> {
    pub shell: Shell,
    pub repository: &'a Repository,
    pub console_url: String,
    pub live: RepositoryLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/repository_live.html")]
pub struct RepositoryLive<'a> {
    pub env: &'a str,
    pub view: &'a RepositoryView,
    pub fresh: Freshness,
    pub poll: u32,
}

impl RepositoryLive<'_> {
    pub fn url(&self) -> String {
        urls::repository(self.env, &self.view.repository.name)
    }

    pub fn uses(&self, image: &Image) -> &[ImageUse] {
        self.view
            .uses
            .get(&image.digest)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn service_url(&self, cluster: &str, service: &str) -> String {
        urls::service(self.env, cluster, service)
    }
}

pub async fn show_repository(
    env: Env,
    user: CurrentUser,
    Path(path): Path<RepositoryPath>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let repository = &path.repository;
    let fresh = env.fleet.repository_view(repository).await?;
    let account = fresh
        .value
        .repository
        .arn
        .split(':')
        .nth(4)
        .unwrap_or_default()
        .to_string();
    let live = RepositoryLive {
        env: &env.name,
        view: &fresh.value,
        fresh: Freshness::of(&fresh),
        poll: Poll::Slow.seconds(),
    };
    page_or_live(htmx, live, |live| RepositoryPage {
        shell: Shell::for_env(&env, Some(&user), format!("Images · {repository}"))
            .section("images")
            .crumb("Images", Some(urls::images(&env.name)))
            .crumb(repository.clone(), None),
        repository: &fresh.value.repository,
        console_url: Console {
            region: &env.region,
        }
        .repository(&account, repository),
        live,
    })
}
