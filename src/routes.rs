//! The one route table and the layer stack.
//!
//! Every route is a row of [`route_table`] with its access decision; the
//! router is built from that table and the role tests iterate over it, so a
//! route added without a decision does not compile, and one added with a
//! decision is tested automatically.

use std::convert::Infallible;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, any, get, post};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::{self, Access, Guard};
use crate::domain::Action;
use crate::state::AppState;
use crate::web::{
    actions, assets, audit, charts, cluster, deployments, error_page, headers, health, images,
    login, logs, observe, ops, overview, service, task_definitions, tasks, timeline, users,
};

/// Largest request body accepted (forms are small).
const BODY_LIMIT: usize = 64 * 1024;

/// One row of the route table.
pub struct RouteSpec {
    /// The axum path pattern, e.g. `/{env}/clusters/{cluster}`.
    pub path: &'static str,
    /// The HTTP methods served at this path (for the role tests).
    pub methods: &'static [&'static str],
    /// Who may reach it.
    pub access: Access,
    /// The action its POST performs (the name the guard audits a refusal
    /// under); `None` for pages.
    pub action: Option<Action>,
    /// The answer streams for as long as the client reads it (the live
    /// tail, log downloads): exempt from the request timeout.
    pub streaming: bool,
    handler: MethodRouter<AppState>,
}

fn row(
    path: &'static str,
    methods: &'static [&'static str],
    access: Access,
    handler: MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        path,
        methods,
        access,
        action: None,
        streaming: false,
        handler,
    }
}

impl RouteSpec {
    /// This row's POST performs `action`.
    fn acting(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }

    /// This row's answer streams (no request timeout).
    fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }
}

/// Every route the dashboard serves, with who may reach it.
pub fn route_table() -> Vec<RouteSpec> {
    use Access::*;
    const GET: &[&str] = &["GET"];
    const POST: &[&str] = &["POST"];
    const GET_POST: &[&str] = &["GET", "POST"];
    vec![
        row("/healthz", GET, Public, get(health::healthz)),
        row("/readyz", GET, Public, get(ops::readyz)),
        row("/metrics", GET, Public, get(ops::metrics)),
        row("/static/{*path}", GET, Public, get(assets::serve_asset)),
        row("/", GET, Viewer, get(overview::show_overview)),
        row(
            "/{env}/clusters/{cluster}",
            GET,
            Viewer,
            get(cluster::show_cluster),
        ),
        row(
            "/{env}/clusters/{cluster}/services/{service}",
            GET,
            Viewer,
            get(service::show_service),
        ),
        row(
            "/{env}/clusters/{cluster}/services/{service}/metrics",
            GET,
            Viewer,
            get(charts::service::show_service_metrics),
        ),
        row(
            "/{env}/clusters/{cluster}/services/{service}/timeline",
            GET,
            Viewer,
            get(timeline::show_service_timeline),
        ),
        row(
            "/{env}/clusters/{cluster}/services/{service}/deployments",
            GET,
            Viewer,
            get(deployments::show_deployments),
        ),
        row(
            "/{env}/clusters/{cluster}/timeline",
            GET,
            Viewer,
            get(timeline::show_cluster_timeline),
        ),
        row(
            "/{env}/clusters/{cluster}/tasks",
            GET,
            Viewer,
            get(tasks::list_tasks),
        ),
        row(
            "/{env}/clusters/{cluster}/tasks/{task_id}",
            GET,
            Viewer,
            get(tasks::show_task),
        ),
        row(
            "/{env}/task-definitions",
            GET,
            Viewer,
            get(task_definitions::list_families),
        ),
        row(
            "/{env}/task-definitions/{family}",
            GET,
            Viewer,
            get(task_definitions::show_family),
        ),
        row(
            "/{env}/task-definitions/{family}/{revision}",
            GET,
            Viewer,
            get(task_definitions::show_revision),
        ),
        row(
            "/{env}/clusters/{cluster}/services/{service}/scale",
            POST,
            Operator,
            post(actions::scale_service),
        )
        .acting(Action::Scale),
        row(
            "/{env}/clusters/{cluster}/services/{service}/redeploy",
            POST,
            Operator,
            post(actions::redeploy_service),
        )
        .acting(Action::Redeploy),
        row(
            "/{env}/clusters/{cluster}/services/{service}/deploy-image",
            GET_POST,
            Operator,
            get(actions::show_deploy_image).post(actions::deploy_image),
        )
        .acting(Action::DeployImage),
        row(
            "/{env}/clusters/{cluster}/services/{service}/rollback",
            GET_POST,
            Operator,
            get(actions::show_rollback).post(actions::rollback_service),
        )
        .acting(Action::Rollback),
        row(
            "/{env}/clusters/{cluster}/services/{service}/stop-deployment",
            POST,
            Operator,
            post(actions::stop_deployment),
        )
        .acting(Action::StopDeployment),
        row(
            "/{env}/clusters/{cluster}/services/{service}/capacity",
            POST,
            Operator,
            post(actions::set_capacity),
        )
        .acting(Action::Capacity),
        row(
            "/{env}/clusters/{cluster}/tasks/{task_id}/stop",
            POST,
            Operator,
            post(actions::stop_task),
        )
        .acting(Action::StopTask),
        row("/{env}/images", GET, Viewer, get(images::list_repositories)),
        row(
            "/{env}/images/{*repository}",
            GET,
            Viewer,
            get(images::show_repository),
        ),
        row("/{env}/logs", GET, Viewer, get(logs::show_logs)),
        row("/{env}/logs/tail", GET, Viewer, get(logs::tail::tail_logs)).streaming(),
        row(
            "/{env}/logs/download",
            GET,
            Viewer,
            get(logs::download::download_logs),
        )
        .streaming(),
        row("/audit", GET, Viewer, get(audit::show_audit)),
        row("/admin/users", GET, Admin, get(users::list_users)),
        row(
            "/login",
            &["GET", "POST"],
            Public,
            get(login::show_login).post(login::sign_in_user),
        ),
        row(
            "/logout",
            &["GET", "POST"],
            Viewer,
            get(login::show_logout).post(login::sign_out_user),
        ),
    ]
}

/// Builds the dashboard's router. The binary and the tests use this same
/// function, so tests exercise exactly what production serves.
pub fn app(state: AppState) -> Router {
    let guard = |access, action| {
        from_fn_with_state(
            Guard {
                access,
                action,
                state: state.clone(),
            },
            auth::require_access,
        )
    };
    let timeout = TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        state.settings.server.request_timeout,
    );
    let mut router = Router::new();
    for spec in route_table() {
        // Every row runs behind the guard for its access decision, and
        // within the request timeout unless it streams.
        let handler = spec.handler.route_layer(guard(spec.access, spec.action));
        let handler = if spec.streaming {
            handler
        } else {
            handler.route_layer(timeout)
        };
        router = router.route(spec.path, handler);
    }
    router
        .fallback_service(
            any(error_page::not_found)
                .layer::<_, Infallible>(guard(auth::FALLBACK_ACCESS, None))
                .layer::<_, Infallible>(timeout)
                .with_state(state.clone()),
        )
        .layer(from_fn_with_state(state.clone(), error_page::render_errors))
        .layer(
            ServiceBuilder::new()
                .layer(from_fn(headers::valid_request_id))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(from_fn_with_state(state.clone(), observe::observe_request))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn_with_state(
                    headers::content_security_policy(&state.auth.config.mode),
                    headers::security_headers,
                ))
                .layer(from_fn_with_state(state.clone(), auth::hsts))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
                .layer(auth::session_layer(&state.auth)),
        )
        .with_state(state)
}

/// One span per request, named by the matched route (not the raw path, so
/// ids don't explode cardinality) and carrying the request id.
fn request_span(req: &Request) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "fallback".to_string());
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), route = %route, request_id = %request_id)
}

#[cfg(test)]
mod tests {
    use super::{Access, Action, route_table};

    #[test]
    fn every_action_has_one_row_posted_to_its_segment() {
        let table = route_table();
        for action in Action::ALL {
            let rows: Vec<_> = table.iter().filter(|r| r.action == Some(action)).collect();
            assert_eq!(rows.len(), 1, "{action}");
            let row = rows[0];
            assert!(row.methods.contains(&"POST"), "{action}");
            let (parent, segment) = row.path.rsplit_once('/').unwrap_or_default();
            assert_eq!(segment, action.segment());
            let target = if action.on_task() {
                "{task_id}"
            } else {
                "{service}"
            };
            assert!(parent.ends_with(target), "{}", row.path);
        }
    }

    #[test]
    fn every_operator_post_names_its_action() {
        for row in route_table() {
            if row.methods.contains(&"POST") && row.access >= Access::Operator {
                assert!(row.action.is_some(), "{} has no action", row.path);
            }
        }
    }
}
