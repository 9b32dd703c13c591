//! The bench's world: the sandbox with one 2,000-service cluster, the real
//! dashboard on a loopback port with its refreshers, a signed-in viewer,
//! and the sandbox's call counters.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use ecsdeck::auth::{AuthConfig, AuthState};
use ecsdeck::aws::{AwsClients, Budget};
use ecsdeck::sandbox::{self, SandboxConfig, SandboxHandle, Throttle};
use ecsdeck::state::{AppState, Environment};
use ecsdeck::store::{DatabaseUrl, Store};

pub const CLUSTER: &str = "large";
pub const SERVICES: usize = 2000;
pub const LATENCY_MS: u64 = 20;
/// ecsdeck's share of AWS's limits (`--aws-budget 50`).
pub const BUDGET: f64 = 0.5;
pub const LOG_GROUP: &str = "/bench/app";
pub const LOG_STREAM: &str = "app/app/0000";
const PASSWORD: &str = "bench-password";

pub struct World {
    pub sb: SandboxHandle,
    pub base: String,
    pub budget: Arc<Budget>,
    /// `Cookie:` header value of the signed-in viewer.
    pub cookie: String,
    pub http: reqwest::Client,
    /// Resident memory (MB) once the sandbox was up, before the dashboard.
    pub rss_before_mb: f64,
    data_dir: std::path::PathBuf,
}

impl World {
    pub async fn start() -> anyhow::Result<Self> {
        let config = SandboxConfig::one_cluster(CLUSTER, SERVICES, 1)
            .with_speed(0.0001)
            .with_latency(LATENCY_MS, 0)
            .with_throttle(Throttle::Aws);
        let sb = sandbox::start(config, "127.0.0.1:0".parse()?).await?;
        let endpoint = sb.endpoint_url();
        seed_logs(&sb).await?;
        // Count from before the dashboard exists, so the first screen's
        // calls include any its refresher makes before the page is asked.
        reqwest::Client::new()
            .post(format!("{endpoint}/_sandbox/stats/reset"))
            .send()
            .await?
            .error_for_status()?;
        let (_, rss_before_mb) = super::report::rss_mb()?;

        let budget = Arc::new(Budget::new(BUDGET));
        let sdk = ecsdeck::aws::config::sandbox_sdk_config(&endpoint, budget.clone()).await;
        let env = Environment::new(
            "sandbox".to_string(),
            ecsdeck::aws::config::SANDBOX_REGION.to_string(),
            AwsClients::new(&sdk, budget.clone()),
        );
        let data_dir = std::env::temp_dir().join(format!("ecsdeck-bench-{}", std::process::id()));
        let store = Store::open_configured(None::<&DatabaseUrl>, &data_dir).await?;
        let hash = ecsdeck::auth::password::hash_password_async(PASSWORD.to_string()).await?;
        store.user_upsert("viewer", "viewer", &hash).await?;
        let auth_config = AuthConfig {
            secure_cookies: false,
            ..AuthConfig::default()
        };
        let auth = AuthState::new(store, auth_config)?;
        // The one-cluster fleet's tasks log nowhere; the seeded stream's
        // group is readable as `--log-groups '/bench/*'` would make it.
        let settings = ecsdeck::state::Settings {
            log_groups: vec!["/bench/*".to_string()],
            ..Default::default()
        };
        let state = AppState::new(settings, vec![env], auth);
        state.start_refreshers();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let app = ecsdeck::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("dashboard stopped: {e}");
            }
        });
        let cookie = sign_in(&base).await?;
        let http = client(&cookie)?;
        Ok(Self {
            sb,
            base,
            budget,
            cookie,
            http,
            rss_before_mb,
            data_dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The sandbox's counters: action (`ecs:DescribeServices`) → calls, and
    /// the throttled and faulted totals.
    pub async fn stats(&self) -> anyhow::Result<Stats> {
        let v: serde_json::Value = self
            .http
            .get(format!("{}/_sandbox/stats", self.sb.endpoint_url()))
            .send()
            .await?
            .json()
            .await?;
        let map = |key: &str| -> BTreeMap<String, u64> {
            v[key]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(Stats {
            calls: map("calls"),
            throttled: map("throttled"),
            faulted: map("faulted"),
        })
    }

    pub async fn reset_stats(&self) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/_sandbox/stats/reset", self.sb.endpoint_url()))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    pub async fn shutdown(self) {
        self.sb.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub calls: BTreeMap<String, u64>,
    pub throttled: BTreeMap<String, u64>,
    pub faulted: BTreeMap<String, u64>,
}

impl Stats {
    pub fn total(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Calls per action group of `ecsdeck::aws::quotas`.
    pub fn by_group(&self) -> BTreeMap<&'static str, u64> {
        let mut out = BTreeMap::new();
        for (action, n) in &self.calls {
            let (service, op) = action.split_once(':').unwrap_or(("other", action));
            *out.entry(ecsdeck::aws::quotas::limits(service, op).group)
                .or_default() += n;
        }
        out
    }
}

/// A reqwest client that sends the viewer's cookie and follows no redirects.
pub fn client(cookie: &str) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse()?);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// GET /login for the CSRF token, POST it with the viewer's password, and
/// return the session cookie the browser would send.
async fn sign_in(base: &str) -> anyhow::Result<String> {
    use reqwest::cookie::CookieStore;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("the sign-in form has no csrf_token")?;
    let resp = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", "viewer"),
            ("password", PASSWORD),
            ("csrf_token", csrf),
        ])
        .send()
        .await?;
    anyhow::ensure!(resp.status() == 303, "sign-in answered {}", resp.status());
    let cookie = jar
        .cookies(&base.parse()?)
        .context("sign-in set no cookie")?;
    Ok(cookie.to_str()?.to_string())
}

/// 200 lines in one stream through the SDK's CreateLogGroup, CreateLogStream
/// and PutLogEvents (the one-cluster fleet's tasks write no logs), on an
/// unlimited budget of its own so the dashboard's stays untouched.
async fn seed_logs(sb: &SandboxHandle) -> anyhow::Result<()> {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let budget = Arc::new(Budget::unlimited());
    let sdk = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    logs.create_log_group()
        .log_group_name(LOG_GROUP)
        .send()
        .await?;
    logs.create_log_stream()
        .log_group_name(LOG_GROUP)
        .log_stream_name(LOG_STREAM)
        .send()
        .await?;
    let now = sb.now_ms();
    let events = (0..200i64)
        .map(|i| {
            InputLogEvent::builder()
                .timestamp(now - 60_000 + i * 100)
                .message(format!(
                    "{{\"level\":\"info\",\"msg\":\"GET /orders/{i} 200\",\"ms\":{}}}",
                    i % 37
                ))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    logs.put_log_events()
        .log_group_name(LOG_GROUP)
        .log_stream_name(LOG_STREAM)
        .set_log_events(Some(events))
        .send()
        .await?;
    Ok(())
}
