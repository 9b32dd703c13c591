//! Task definitions: `/{env}/task-definitions` (families),
//! `/{env}/task-definitions/{family}` (revisions, and a side-by-side diff of
//! any two with `?from=N&to=M`), `/{env}/task-definitions/{family}/{revision}`.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::{ContainerDef, LogConfig, Revision, TaskDefinition};
use crate::error::AppError;
use crate::web::console::Console;
use crate::web::extract::{Env, FamilyPath, Path, Query, RevisionPath};
use crate::web::htmx::render;
use crate::web::mask::{display_option, display_value, mask_args};
use crate::web::shell::Shell;
use crate::web::td_diff::{DiffRow, diff};
use crate::web::urls;

#[derive(Template)]
#[template(path = "pages/task_definition_families.html")]
pub struct FamiliesPage {
    pub shell: Shell,
    pub families: Vec<String>,
}

pub async fn list_families(env: Env, user: CurrentUser) -> Result<Response, AppError> {
    let families = env.fleet.task_definition_families().await?;
    render(&FamiliesPage {
        shell: Shell::for_env(&env, Some(&user), "Task definitions")
            .section("clusters")
            .crumb("Task definitions", None),
        families: families.to_vec(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(default)]
    pub all: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/task_definition_family.html")]
pub struct FamilyPage {
    pub shell: Shell,
    pub console_url: String,
    pub family: String,
    pub revisions: Vec<Revision>,
    pub from: i32,
    pub to: i32,
    pub changes_only: bool,
    pub diff: Vec<DiffRow>,
}

fn parse_revision(raw: Option<&str>, what: &str) -> Result<Option<i32>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The {what} revision must be a positive number, not {s:?}."
                ))
            }),
    }
}

pub async fn show_family(
    env: Env,
    user: CurrentUser,
    Path(FamilyPath { family, .. }): Path<FamilyPath>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, AppError> {
    let fleet = &env.fleet;
    let revisions = fleet.revisions(&family).await?;
    let newest = revisions.first().map(|r| r.revision).unwrap_or(1);
    let to = parse_revision(q.to.as_deref(), "second")?.unwrap_or(newest);
    let from = parse_revision(q.from.as_deref(), "first")?.unwrap_or_else(|| {
        revisions
            .iter()
            .map(|r| r.revision)
            .find(|r| *r < to)
            .unwrap_or(to)
    });
    for r in [from, to] {
        if !revisions.iter().any(|x| x.revision == r) {
            return Err(AppError::BadRequest(format!(
                "{family} has no revision {r}."
            )));
        }
    }
    let changes_only = q.all.is_none();
    let (from_id, to_id) = (format!("{family}:{from}"), format!("{family}:{to}"));
    let (a, b) = tokio::try_join!(
        fleet.task_definition(&from_id),
        fleet.task_definition(&to_id)
    )?;
    render(&FamilyPage {
        shell: Shell::for_env(&env, Some(&user), format!("Task definition {family}"))
            .section("clusters")
            .crumb("Task definitions", Some(urls::task_definitions(&env.name)))
            .crumb(family.clone(), None),
        console_url: Console {
            region: &env.region,
        }
        .family(&family),
        diff: diff(&a, &b, changes_only),
        family,
        revisions: revisions.to_vec(),
        from,
        to,
        changes_only,
    })
}

/// An environment variable as shown (masked when it looks secret).
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "pages/task_definition.html")]
pub struct RevisionPage<'a> {
    pub shell: Shell,
    pub env: &'a str,
    pub td: &'a TaskDefinition,
    pub console_url: String,
}

impl RevisionPage<'_> {
    /// A container's environment as shown (secret-looking values masked).
    pub fn env_vars(&self, c: &ContainerDef) -> Vec<EnvVar> {
        c.environment
            .iter()
            .map(|(k, v)| EnvVar {
                name: k.clone(),
                value: display_value(k, v),
            })
            .collect()
    }

    /// Command, entry point or health-check arguments as shown (secret
    /// values masked, flags and names kept).
    pub fn shown_args(&self, args: &[String]) -> Vec<String> {
        mask_args(args)
    }

    /// Log-driver options as shown (secret-looking options masked).
    pub fn log_options(&self, log: &LogConfig) -> Vec<(String, String)> {
        log.options
            .iter()
            .map(|(k, v)| (k.clone(), display_option(k, v)))
            .collect()
    }
}

pub async fn show_revision(
    env: Env,
    user: CurrentUser,
    Path(RevisionPath {
        family, revision, ..
    }): Path<RevisionPath>,
) -> Result<Response, AppError> {
    let revision = parse_revision(Some(&revision), "")?
        .ok_or_else(|| AppError::BadRequest("A revision number is required.".to_string()))?;
    let td = env
        .fleet
        .task_definition(&format!("{family}:{revision}"))
        .await?;
    render(&RevisionPage {
        shell: Shell::for_env(&env, Some(&user), format!("{family}:{revision}"))
            .section("clusters")
            .crumb("Task definitions", Some(urls::task_definitions(&env.name)))
            .crumb(family.clone(), Some(urls::family(&env.name, &family)))
            .crumb(revision.to_string(), None),
        env: &env.name,
        console_url: Console {
            region: &env.region,
        }
        .task_definition(&family, revision),
        td: &td,
    })
}
