//! `ecsdeck serve`: the dashboard against real AWS.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::aws::AwsClients;
use crate::config::ServeArgs;
use crate::state::{AppState, Environment};

pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Sign-in settings and the store first: their mistakes are quick to report.
    let mut settings = args.web.settings()?;
    let specs = match &args.config {
        Some(path) => Some(crate::config::environments::load(path)?),
        None => None,
    };
    let auth = open_auth(&args.web, args.web.auth.to_config()?).await?;
    let envs = match &specs {
        Some(specs) => {
            super::environments::protect(&mut settings, specs);
            let opts = super::environments::EnvOptions {
                budget_fraction: args.web.budget().fraction(),
                tail: args.web.tail.limits(),
                fixed_credentials: false,
            };
            super::environments::build(specs, &opts).await
        }
        None => vec![ambient_environment(&args).await?],
    };
    if matches!(auth.config.mode, crate::auth::AuthMode::Local)
        && auth.store.user_list().await?.is_empty()
    {
        tracing::warn!(
            "no users yet: add one with `ecsdeck user add NAME --role admin --password-stdin`"
        );
    }
    let state = AppState::new(settings, envs, auth);
    state.start_refreshers();
    let listener = bind(args.web.bind).await?;
    tracing::info!(url = %format!("http://{}", listener.local_addr()?), "ecsdeck is serving");
    listen(listener, state).await?;
    Ok(ExitCode::SUCCESS)
}

/// Without `--config`: one environment from the ambient AWS settings
/// (`--region`, `--endpoint-url`, `--environment`).
async fn ambient_environment(args: &ServeArgs) -> anyhow::Result<Environment> {
    let budget = args.web.budget();
    let sdk = crate::aws::config::load_sdk_config(
        args.region.clone(),
        args.endpoint_url.clone(),
        budget.clone(),
    )
    .await;
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .context("no AWS region: pass --region or set AWS_REGION")?;
    let name = args.environment.clone().unwrap_or_else(|| region.clone());
    Ok(
        Environment::new(name, region, AwsClients::new(&sdk, budget))
            .with_tail_limits(args.web.tail.limits()),
    )
}

/// Opens the state store the flags name and builds the sign-in state, with
/// the expired-session sweeper running.
pub async fn open_auth(
    web: &crate::config::WebArgs,
    config: crate::auth::AuthConfig,
) -> anyhow::Result<crate::auth::AuthState> {
    let store = crate::store::Store::open_configured(
        web.store.database_url.as_ref(),
        &web.store.data_dir(),
    )
    .await
    .context("cannot open the state store")?;
    let auth = crate::auth::AuthState::new(store, config)?;
    auth.spawn_session_cleanup();
    Ok(auth)
}

/// Binds the dashboard's listener with a clear error.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// Serves the dashboard until SIGINT or SIGTERM, then ends live tails and
/// drains in-flight requests.
pub async fn listen(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    crate::server::serve_until(listener, state, shutdown_signal())
        .await
        .context("dashboard server failed")
}

/// Resolves on Ctrl-C or SIGTERM (what ECS sends a task it stops).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
