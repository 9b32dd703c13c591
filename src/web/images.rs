//! ECR: `/{env}/images` (repositories) and `/{env}/images/{repository}`
//! (images with tags, digests, scan findings and the services running them:
//! "is production on the image I think it is?").

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::domain::{Image, Repository};
use crate::error::AppError;
use crate::fleet::{ImageUse, RepositoryView};
use crate::state::AppState;
use crate::web::context::{Console, Freshness, environment};
use crate::web::htmx::render;
use crate::web::shell::Shell;

pub struct RepoRow {
    pub repository: Repository,
    pub images: Option<usize>,
}

#[derive(Template)]
#[template(path = "pages/repositories.html")]
pub struct RepositoriesPage {
    pub shell: Shell,
    pub console_url: String,
    pub rows: Vec<RepoRow>,
    pub fresh: Freshness,
}

pub async fn list_repositories(
    State(state): State<AppState>,
    Path(env): Path<String>,
) -> Result<Response, AppError> {
    let environment = environment(&state, &env)?;
    let fleet = &environment.fleet;
    let repos = fleet.repositories().await?;
    let counts = futures::future::join_all(repos.value.iter().map(|r| fleet.images(&r.name))).await;
    let rows = repos
        .value
        .iter()
        .zip(counts)
        .map(|(r, images)| RepoRow {
            repository: r.clone(),
            images: images.ok().map(|i| i.len()),
        })
        .collect();
    render(&RepositoriesPage {
        shell: Shell::for_env(environment, "Images")
            .section("images")
            .crumb("Images", None),
        rows,
        console_url: Console {
            region: &environment.region,
        }
        .repositories(),
        fresh: Freshness::of(&repos),
    })
}

#[derive(Template)]
#[template(path = "pages/repository.html")]
pub struct RepositoryPage<'a> {
    pub shell: Shell,
    pub env: &'a str,
    pub view: &'a RepositoryView,
    pub fresh: Freshness,
    pub console_url: String,
}

impl RepositoryPage<'_> {
    pub fn uses(&self, image: &Image) -> &[ImageUse] {
        self.view
            .uses
            .get(&image.digest)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

pub async fn show_repository(
    State(state): State<AppState>,
    Path((env, repository)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let environment = environment(&state, &env)?;
    let fresh = environment.fleet.repository_view(&repository).await?;
    let account = fresh
        .value
        .repository
        .arn
        .split(':')
        .nth(4)
        .unwrap_or_default()
        .to_string();
    let console = Console {
        region: &environment.region,
    };
    render(&RepositoryPage {
        shell: Shell::for_env(environment, format!("Images · {repository}"))
            .section("images")
            .crumb("Images", Some(format!("/{env}/images")))
            .crumb(repository.clone(), None),
        env: &env,
        view: &fresh.value,
        fresh: Freshness::of(&fresh),
        console_url: console.repository(&account, &repository),
    })
}
