//! Every dashboard URL, one function each. Handlers and templates call
//! these (templates through `urls::…`, the module is in scope of every
//! template struct that needs it); nothing else spells a dashboard path, so
//! a route that moves moves here and in `routes.rs` only.
//!
//! Path segments are percent-encoded (AWS names are plain ASCII, but the
//! environment name comes from configuration and a repository name keeps
//! its `/`); query values keep `/` for readable log stream names.

use std::fmt::Display;

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters a query parameter value keeps as they are (RFC 3986
/// unreserved, plus `/` for readable log stream names).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Characters a path segment keeps (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &QUERY_VALUE.add(b'/');

/// A repository name keeps its `/` (it is matched by `{*repository}`).
const REPOSITORY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Percent-encodes a query parameter value.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// A query string built one `key=value` at a time; empty values are left out.
#[derive(Debug, Default, Clone)]
pub struct QueryString(Vec<String>);

impl QueryString {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key=value` (value percent-encoded) unless `value` is empty.
    pub fn add(mut self, key: &str, value: impl AsRef<str>) -> Self {
        self.push(key, value);
        self
    }

    /// Adds `key=value` in place (value percent-encoded) unless empty.
    pub fn push(&mut self, key: &str, value: impl AsRef<str>) {
        let value = value.as_ref();
        if !value.is_empty() {
            self.0.push(format!("{key}={}", encode(value)));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `path?query`, or `path` alone when nothing was added.
    pub fn on(&self, path: String) -> String {
        if self.0.is_empty() {
            path
        } else {
            format!("{path}?{}", self.0.join("&"))
        }
    }
}

impl Display for QueryString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("&"))
    }
}

// ---- the shell and sign-in ----

/// `/`: the overview of every environment's clusters.
pub fn overview() -> String {
    "/".to_string()
}

/// `/?q=FILTER`: the overview showing only what matches `filter`.
pub fn overview_filtered(filter: &str) -> String {
    QueryString::new().add("q", filter).on(overview())
}

pub fn login() -> String {
    "/login".to_string()
}

/// `/login?next=…`: sign in, then go back to `next` (a local path,
/// form-encoded whole so it survives as one value).
pub fn login_then(next: &str) -> String {
    match serde_urlencoded::to_string([("next", next)]) {
        Ok(q) => format!("{}?{q}", login()),
        Err(_) => login(),
    }
}

pub fn logout() -> String {
    "/logout".to_string()
}

pub fn healthz() -> String {
    "/healthz".to_string()
}

pub fn audit() -> String {
    "/audit".to_string()
}

pub fn admin_users() -> String {
    "/admin/users".to_string()
}

/// `/static/{name}?v={version}`: a static asset (the version busts caches).
pub fn asset(name: &str, version: Option<&str>) -> String {
    let path = format!("/static/{name}");
    match version {
        Some(v) => QueryString::new().add("v", v).on(path),
        None => path,
    }
}

// ---- clusters, services, tasks ----

pub fn cluster(env: &str, cluster: &str) -> String {
    format!("/{}/clusters/{}", seg(env), seg(cluster))
}

/// The cluster page with its services-table filter, sort and page.
pub fn cluster_page(env: &str, name: &str, q: &str, sort: &str, page: usize) -> String {
    QueryString::new()
        .add("q", q)
        .add("sort", sort)
        .add("page", page.to_string())
        .on(cluster(env, name))
}

pub fn service(env: &str, cluster_name: &str, service: &str) -> String {
    format!("{}/services/{}", cluster(env, cluster_name), seg(service))
}

/// `…/services/{service}/metrics?range=6h`: the service's charts.
pub fn service_metrics(env: &str, cluster_name: &str, service_name: &str, range: &str) -> String {
    QueryString::new().add("range", range).on(format!(
        "{}/metrics",
        service(env, cluster_name, service_name)
    ))
}

/// A service's timeline (`?since=…&show=…` through `QueryString::on`).
pub fn service_timeline(env: &str, cluster_name: &str, service_name: &str) -> String {
    format!("{}/timeline", service(env, cluster_name, service_name))
}

/// A service's deployment history (ECS service deployments).
pub fn service_deployments(env: &str, cluster_name: &str, service_name: &str) -> String {
    format!("{}/deployments", service(env, cluster_name, service_name))
}

/// A cluster's timeline.
pub fn cluster_timeline(env: &str, cluster_name: &str) -> String {
    format!("{}/timeline", cluster(env, cluster_name))
}

/// `…/services/{service}/{action}` for an action's path segment (`scale`,
/// `redeploy`, `deploy-image`, `rollback`, `stop-deployment`).
pub fn service_action(env: &str, cluster_name: &str, service_name: &str, action: &str) -> String {
    format!("{}/{action}", service(env, cluster_name, service_name))
}

pub fn tasks(env: &str, cluster_name: &str) -> String {
    format!("{}/tasks", cluster(env, cluster_name))
}

/// The tasks page filtered by desired status, service and launch type.
pub fn tasks_filtered(
    env: &str,
    cluster_name: &str,
    status: &str,
    service: &str,
    launch_type: &str,
) -> String {
    QueryString::new()
        .add("status", status)
        .add("service", service)
        .add("launch_type", launch_type)
        .on(tasks(env, cluster_name))
}

pub fn task(env: &str, cluster_name: &str, task_id: &str) -> String {
    format!("{}/{}", tasks(env, cluster_name), seg(task_id))
}

pub fn task_stop(env: &str, cluster_name: &str, task_id: &str) -> String {
    format!("{}/stop", task(env, cluster_name, task_id))
}

// ---- task definitions ----

pub fn task_definitions(env: &str) -> String {
    format!("/{}/task-definitions", seg(env))
}

pub fn family(env: &str, family: &str) -> String {
    format!("{}/{}", task_definitions(env), seg(family))
}

/// A family's page with the diff of two revisions.
/// (Revisions are numbers; any displayable form is taken, so templates can
/// pass the references Askama gives them.)
pub fn family_diff(env: &str, family_name: &str, from: impl Display, to: impl Display) -> String {
    QueryString::new()
        .add("from", from.to_string())
        .add("to", to.to_string())
        .on(family(env, family_name))
}

pub fn task_definition(env: &str, family_name: &str, revision: impl Display) -> String {
    format!("{}/{revision}", family(env, family_name))
}

/// The page of a task definition named `family:revision` (or an ARN);
/// the family page when there is no revision.
pub fn task_definition_ref(env: &str, short: &str) -> String {
    let short = short.rsplit('/').next().unwrap_or(short);
    match short.rsplit_once(':') {
        Some((name, rev)) => match rev.parse::<i32>() {
            Ok(rev) => task_definition(env, name, rev),
            Err(_) => family(env, short),
        },
        None => family(env, short),
    }
}

// ---- images ----

pub fn images(env: &str) -> String {
    format!("/{}/images", seg(env))
}

pub fn repository(env: &str, repository: &str) -> String {
    format!(
        "{}/{}",
        images(env),
        utf8_percent_encode(repository, REPOSITORY)
    )
}

// ---- logs ----

pub fn logs(env: &str) -> String {
    format!("/{}/logs", seg(env))
}

/// The logs screen with a query (`group`, `stream`, `filter`, …).
pub fn logs_with(env: &str, query: &QueryString) -> String {
    query.on(logs(env))
}

/// The streams of one log group.
pub fn log_group(env: &str, group: &str) -> String {
    logs_with(env, &QueryString::new().add("group", group))
}

/// One log stream in the viewer.
pub fn log_stream(env: &str, group: &str, stream: &str) -> String {
    logs_with(
        env,
        &QueryString::new().add("group", group).add("stream", stream),
    )
}

/// The interleaved logs of every task of a service, for one container.
pub fn service_logs(env: &str, cluster_name: &str, service: &str, container: &str) -> String {
    logs_with(
        env,
        &QueryString::new()
            .add("service", format!("{cluster_name}/{service}"))
            .add("container", container),
    )
}

/// A service's interleaved logs for one container around a moment: from
/// five minutes before `at_ms` to one minute after ("logs around this
/// moment").
pub fn service_logs_around(
    env: &str,
    cluster_name: &str,
    service: &str,
    container: &str,
    at_ms: i64,
) -> String {
    let at = |ms: i64| crate::domain::Timestamp::from_millis(ms).rfc3339();
    logs_with(
        env,
        &QueryString::new()
            .add("service", format!("{cluster_name}/{service}"))
            .add("container", container)
            .add("start", at(at_ms - 5 * 60_000))
            .add("end", at(at_ms + 60_000)),
    )
}

/// "This moment" of a viewer's line: the same view around `ms` with that
/// line highlighted (`#here`). Only the query, relative to the viewer page
/// the line is on: every line of a page carries one, so it stays short.
pub fn log_moment(view: &QueryString, ms: i64) -> String {
    format!("?{}&at={ms}#here", view)
}

/// The live-tail event stream for a viewer query.
pub fn logs_tail(env: &str, query: &QueryString) -> String {
    query.on(format!("{}/tail", logs(env)))
}

/// The download of a viewer query.
pub fn logs_download(env: &str, query: &QueryString) -> String {
    query.on(format!("{}/download", logs(env)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_route_table() {
        assert_eq!(cluster("sandbox", "staging"), "/sandbox/clusters/staging");
        assert_eq!(
            service("sandbox", "staging", "web"),
            "/sandbox/clusters/staging/services/web"
        );
        assert_eq!(
            service_action("prod", "c", "s", "deploy-image"),
            "/prod/clusters/c/services/s/deploy-image"
        );
        assert_eq!(
            task_stop("e", "c", "0123abcd"),
            "/e/clusters/c/tasks/0123abcd/stop"
        );
        assert_eq!(
            task_definition_ref("e", "web:12"),
            "/e/task-definitions/web/12"
        );
        assert_eq!(
            task_definition_ref("e", "arn:aws:ecs:us-east-1:1:task-definition/web:3"),
            "/e/task-definitions/web/3"
        );
        assert_eq!(task_definition_ref("e", "web"), "/e/task-definitions/web");
        assert_eq!(
            repository("e", "team/api"),
            "/e/images/team/api",
            "repository names keep their slash"
        );
        assert_eq!(
            login_then("/e/logs?group=a"),
            "/login?next=%2Fe%2Flogs%3Fgroup%3Da"
        );
    }

    #[test]
    fn segments_and_values_are_encoded() {
        assert_eq!(cluster("a b", "x/y"), "/a%20b/clusters/x%2Fy");
        assert_eq!(
            log_stream("e", "/ecs/web", "web/app/1 2"),
            "/e/logs?group=/ecs/web&stream=web/app/1%202"
        );
        assert_eq!(
            cluster_page("e", "c", "", "-name", 2),
            "/e/clusters/c?sort=-name&page=2"
        );
        assert_eq!(tasks_filtered("e", "c", "", "", ""), "/e/clusters/c/tasks");
    }
}
