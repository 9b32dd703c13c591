//! The HTTP side of the sandbox: AWS JSON 1.1 dispatch on `X-Amz-Target`,
//! plus `/_sandbox/stats`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::sandbox::control::{Control, ControlState};
use crate::sandbox::error::ApiError;
use crate::sandbox::throttle::Buckets;
use crate::sandbox::world::World;
use crate::sandbox::{SandboxConfig, Throttle, ecs};

const JSON_11: &str = "application/x-amz-json-1.1";

/// Call counters for `/_sandbox/stats`, keyed `service:Operation`.
#[derive(Debug, Default)]
pub struct Stats {
    pub calls: BTreeMap<String, u64>,
    pub throttled: BTreeMap<String, u64>,
    pub faulted: BTreeMap<String, u64>,
    /// The User-Agent of the latest call per operation (CloudTrail's
    /// `userAgent`), so tests can see who the caller said it acted for.
    pub user_agents: BTreeMap<String, String>,
    /// The access key that signed the latest call per operation
    /// (CloudTrail's `accessKeyId`), so tests can see whose credentials a
    /// call used (an assumed-role session's, or the base identity's).
    pub access_keys: BTreeMap<String, String>,
}

#[derive(Clone)]
pub struct Shared {
    pub world: Arc<Mutex<World>>,
    pub stats: Arc<Mutex<Stats>>,
    pub config: Arc<SandboxConfig>,
    pub buckets: Arc<Buckets>,
    /// Randomness for latency jitter and faults (not the simulation's).
    pub chaos: Arc<Mutex<StdRng>>,
    /// Stall / throttle-everything switches.
    pub control: Arc<Control>,
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running sandbox. Dropping it does not stop it; call `shutdown`.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    shared: Shared,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`, for `--endpoint-url` / `AWS_ENDPOINT_URL`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Direct access to the simulated world (tests and seeding).
    pub fn world(&self) -> Arc<Mutex<World>> {
        self.shared.world.clone()
    }

    /// Every AssumeRole this sandbox answered, oldest first.
    pub fn sts_sessions(&self) -> Vec<crate::sandbox::sts::AssumedSession> {
        lock(&self.shared.world).sts.sessions()
    }

    /// The simulated clock's now, in epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        lock(&self.shared.world).clock.now_ms()
    }

    /// The stall / throttle switches (also `POST /_sandbox/control`).
    pub fn control(&self) -> &Control {
        &self.shared.control
    }

    /// The configuration this sandbox runs with.
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// (desired, running, pending) of `cluster/service` as ECS would report
    /// them now; `None` if there is no such service. For tests that want to
    /// check the simulation without going through the SDK.
    pub fn service_counts(&self, cluster: &str, service: &str) -> Option<(i32, i32, i32)> {
        let mut world = lock(&self.shared.world);
        world.advance();
        let c = world.ecs.clusters.get(cluster)?;
        let svc = c.services.get(service)?;
        let (running, pending) = ecs::services::counts(&c.tasks, service, None);
        Some((svc.desired, running, pending))
    }

    /// Stops accepting calls and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts the sandbox on `bind` (port 0 picks a free port).
pub async fn start(config: SandboxConfig, bind: SocketAddr) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let world = World::from_config(&config);
    let shared = Shared {
        world: Arc::new(Mutex::new(world)),
        stats: Arc::new(Mutex::new(Stats::default())),
        buckets: Arc::new(Buckets::default()),
        chaos: Arc::new(Mutex::new(StdRng::seed_from_u64(config.seed ^ 0x5eed_cafe))),
        control: Arc::new(Control::default()),
        config: Arc::new(config),
    };
    let ticker = (shared.config.tick_ms > 0).then(|| {
        let world = shared.world.clone();
        let every = std::time::Duration::from_millis(shared.config.tick_ms);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                lock(&world).advance();
            }
        })
    });
    let app = router(shared.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sandbox server failed");
        }
    });
    Ok(SandboxHandle {
        addr,
        shared,
        stop: Some(stop),
        task,
        ticker,
    })
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", post(dispatch))
        .route(
            "/service/{service}/operation/{op}",
            post(super::rpc_cbor::dispatch),
        )
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/stats/reset", post(reset_stats))
        .route("/_sandbox/sts/sessions", get(super::sts::wire::sessions))
        .route("/_sandbox/control", get(show_control).post(set_control))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            super::host::loopback_only,
        ))
        .with_state(shared)
}

async fn show_control(State(shared): State<Shared>) -> Response {
    axum::Json(shared.control.state()).into_response()
}

async fn set_control(
    State(shared): State<Shared>,
    axum::Json(state): axum::Json<ControlState>,
) -> Response {
    shared.control.set(state);
    axum::Json(shared.control.state()).into_response()
}

async fn stats(State(shared): State<Shared>) -> Response {
    let live_tail_sessions = lock(&shared.world).logs.live.active;
    let s = lock(&shared.stats);
    axum::Json(json!({
        "gauges": { "logs:LiveTailSessions": live_tail_sessions },
        "calls": s.calls,
        "throttled": s.throttled,
        "faulted": s.faulted,
        "user_agents": s.user_agents,
        "access_keys": s.access_keys,
    }))
    .into_response()
}

async fn reset_stats(State(shared): State<Shared>) -> StatusCode {
    *lock(&shared.stats) = Stats::default();
    StatusCode::NO_CONTENT
}

async fn dispatch(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if headers.get("x-amz-target").is_none() && super::elb::wire::is_query(&headers) {
        if let Some(params) = super::sts::wire::decode(&body)
            && super::sts::wire::is_sts(&params)
        {
            return super::sts::wire::dispatch(shared, headers, params).await;
        }
        return super::elb::wire::dispatch(shared, headers, body).await;
    }
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some((prefix, op)) = target.split_once('.') else {
        return error_response(&ApiError::new(
            400,
            "UnknownOperationException",
            format!("missing or malformed X-Amz-Target header: {target:?}"),
        ));
    };
    let service = match prefix {
        "AmazonEC2ContainerServiceV20141113" => "ecs",
        "AmazonEC2ContainerRegistry_V20150921" => "ecr",
        "Logs_20140328" => "logs",
        super::autoscaling::TARGET_PREFIX => "application-autoscaling",
        _ => {
            return error_response(&ApiError::new(
                400,
                "UnknownOperationException",
                format!("the ecsdeck sandbox does not serve {prefix}"),
            ));
        }
    };
    if let Err(e) = admit(&shared, service, op, &headers).await {
        return error_response(&e);
    }
    let input: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error_response(&ApiError::new(
                    400,
                    "SerializationException",
                    format!("request body is not valid JSON: {e}"),
                ));
            }
        }
    };
    if service == "logs" && op == "StartLiveTail" {
        // An event stream that lasts as long as the session (live_tail.rs).
        return crate::sandbox::logs::live_tail::start(shared.world.clone(), &input)
            .unwrap_or_else(|e| error_response(&e));
    }
    let result = if service == "logs" && op == "FilterLogEvents" {
        // Pick the candidates under the lock, match them outside it (on the
        // blocking pool): a costly pattern must not stall other calls.
        let scan = lock(&shared.world).logs.filter_scan(&input);
        match scan {
            Ok(scan) => tokio::task::spawn_blocking(move || scan.run())
                .await
                .map_err(|e| ApiError::new(500, "ServiceUnavailableException", e.to_string())),
            Err(e) => Err(e),
        }
    } else {
        let mut world = lock(&shared.world);
        let now = world.clock.now_ms();
        match service {
            "ecs" => ecs::handle(&mut world, op, &input, now),
            "ecr" => world.ecr.handle(op, &input, now),
            "application-autoscaling" => super::autoscaling::handle(&mut world, op, &input, now),
            _ => world.logs.handle(op, &input, now),
        }
    };
    match result {
        Ok(v) => ([(header::CONTENT_TYPE, JSON_11)], v.to_string()).into_response(),
        Err(e) => error_response(&e),
    }
}

/// What every call goes through before its operation runs, whatever its
/// wire protocol: counted in the stats, delayed, stalled or throttled by
/// the control switches, throttled by AWS's buckets, failed by the fault
/// rate.
pub(crate) async fn admit(
    shared: &Shared,
    service: &str,
    op: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    // Stats name services as IAM does (CloudWatch signs as `monitoring`).
    let prefix = match service {
        "monitoring" => "cloudwatch",
        other => other,
    };
    let key = format!("{prefix}:{op}");
    {
        let mut stats = lock(&shared.stats);
        *stats.calls.entry(key.clone()).or_default() += 1;
        let agent = headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        stats.user_agents.insert(key.clone(), agent.to_string());
        if let Some(access_key) = super::sts::wire::access_key(headers) {
            // Bounded like the call counters: one entry per operation.
            stats
                .access_keys
                .insert(key.clone(), access_key.to_string());
        }
    }
    // Credentials the sandbox's STS issued stop working at their expiration.
    if let Some(key) = super::sts::wire::access_key(headers) {
        let world = lock(&shared.world);
        world.sts.check_key(key, world.clock.now_ms())?;
    }
    let cfg = &shared.config;
    let (delay, fault, stall) = {
        let mut rng = lock(&shared.chaos);
        let jitter = if cfg.jitter_ms > 0 {
            rng.random_range(0..=cfg.jitter_ms)
        } else {
            0
        };
        let fault = cfg.fault_rate > 0.0 && rng.random_bool(cfg.fault_rate.clamp(0.0, 1.0));
        (cfg.latency_ms + jitter, fault, rng.random_bool(0.3))
    };
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    shared.control.pass().await;
    let throttled = shared.control.throttling()
        || (cfg.throttle == Throttle::Aws && !shared.buckets.try_take(service, op));
    if throttled {
        *lock(&shared.stats).throttled.entry(key).or_default() += 1;
        return Err(ApiError::new(400, "ThrottlingException", "Rate exceeded"));
    }
    if fault {
        *lock(&shared.stats).faulted.entry(key).or_default() += 1;
        if stall {
            tokio::time::sleep(std::time::Duration::from_millis(cfg.stall_ms)).await;
        }
        let kind = match service {
            "logs" => "ServiceUnavailableException",
            "monitoring" => "InternalServiceFault",
            "application-autoscaling" => "InternalServiceException",
            _ => "ServerException",
        };
        let status = if kind == "ServiceUnavailableException" {
            503
        } else {
            500
        };
        return Err(ApiError::new(
            status,
            kind,
            "We encountered an internal error. Please try again.",
        ));
    }
    Ok(())
}

/// An AWS-shaped error response.
pub fn error_response(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, JSON_11)],
        e.body().to_string(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&e.kind) {
        resp.headers_mut().insert("x-amzn-errortype", v);
    }
    resp
}
