//! Application state shared by every handler (cheap to clone).

use std::sync::Arc;

use crate::auth::AuthState;
use crate::aws::AwsClients;
use crate::fleet::logs::{TailHub, TailLimits, TailTiming};
use crate::fleet::{CacheTiming, Fleet};
use crate::recorder::{HistoryRecorder, Retention};
use crate::replica::{ElectionTiming, Leadership, StoreModel};
use crate::store::{Backend, Store};

/// Product version shown in the footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One AWS account + region the dashboard shows, named in URLs (`/{env}/…`).
#[derive(Clone)]
pub struct Environment {
    pub name: String,
    pub region: String,
    pub aws: AwsClients,
    /// The read model every page reads through.
    pub fleet: Arc<Fleet>,
    /// Live-tail pollers shared by every viewer of a log stream.
    pub tail: Arc<TailHub>,
    /// The history recorder (the fleet's observer), unless recording is
    /// off; attached by `AppState::new`.
    pub history: Option<Arc<HistoryRecorder>>,
    /// Every configured environment's (name, region), this one included:
    /// the header's environment switcher. Set by `AppState::new`.
    pub peers: Arc<Vec<(String, String)>>,
}

impl Environment {
    pub fn new(name: String, region: String, aws: AwsClients) -> Self {
        let fleet = Arc::new(Fleet::new(aws.clone()));
        let tail = Arc::new(TailHub::new(aws.clone(), TailTiming::default()));
        Self {
            name,
            region,
            aws,
            fleet,
            tail,
            history: None,
            peers: Arc::default(),
        }
    }

    /// The same environment with its fleet caching by `timing` (tests set
    /// a manual clock and move it instead of waiting for TTLs to pass).
    pub fn with_cache_timing(mut self, timing: CacheTiming) -> Self {
        let fleet = Fleet::with_timing(self.aws.clone(), timing);
        if let Some(observer) = self.fleet.observer() {
            fleet.observe(observer);
        }
        if let Some(shared) = self.fleet.shared_model() {
            fleet.share(shared);
        }
        self.fleet = Arc::new(fleet);
        self
    }

    /// Whether this replica leads the environment: runs its refresher
    /// against AWS and prunes its history (always, without replicas).
    pub fn is_leader(&self) -> bool {
        self.fleet.is_leader()
    }

    /// The same environment with other caps on live tails.
    pub fn with_tail_limits(mut self, limits: TailLimits) -> Self {
        self.tail =
            Arc::new(TailHub::new(self.aws.clone(), TailTiming::default()).with_limits(limits));
        self
    }
}

/// Tells long-lived responses (live tails) that the server is stopping, so
/// they end instead of holding the graceful shutdown open.
#[derive(Clone, Debug)]
pub struct Shutdown(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Shutdown {
    /// Starts the shutdown (`server::serve_until` does, on its signal).
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once the shutdown has started.
    pub async fn started(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|started| *started).await;
    }
}

/// Settings that shape behaviour, fixed at start-up.
#[derive(Clone, Debug)]
pub struct Settings {
    /// No actions at all: forms hidden, every action POST refused.
    pub read_only: bool,
    /// Desired counts above this need an explicit confirmation.
    pub scale_ceiling: u32,
    /// Globs (`env/cluster` or `cluster`) of clusters whose actions need the
    /// service name typed to confirm.
    pub protected_clusters: Vec<String>,
    /// Globs of log groups readable beyond those the services' task
    /// definitions name (`--log-groups`; `web::logs::access`).
    pub log_groups: Vec<String>,
    /// Timeouts and the connection cap of the dashboard's server.
    pub server: crate::server::ServerLimits,
    /// How long the history of stopped tasks, events and deployments is
    /// kept (`--history-retention-days`); None records nothing.
    pub history_retention: Option<Retention>,
    /// `/metrics` answers only requests bearing this token
    /// (`--metrics-token`); open to anyone when None.
    pub metrics_token: Option<String>,
    /// How replicas on one PostgreSQL elect each environment's leader.
    pub election: ElectionTiming,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            read_only: false,
            scale_ceiling: 100,
            protected_clusters: Vec::new(),
            log_groups: Vec::new(),
            server: crate::server::ServerLimits::default(),
            history_retention: Some(Retention::default()),
            metrics_token: None,
            election: ElectionTiming::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub environments: Arc<Vec<Environment>>,
    /// Sign-in, sessions and roles; holds the state store.
    pub auth: AuthState,
    /// Triggered when the server stops: live tails end.
    pub shutdown: Shutdown,
    /// This app's counters for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    pub fn new(settings: Settings, environments: Vec<Environment>, auth: AuthState) -> Self {
        let peers: Arc<Vec<(String, String)>> = Arc::new(
            environments
                .iter()
                .map(|e| (e.name.clone(), e.region.clone()))
                .collect(),
        );
        let shutdown = Shutdown::default();
        let environments = environments
            .into_iter()
            .map(|env| Environment {
                peers: peers.clone(),
                ..attach_recorder(env, &settings, &auth.store)
            })
            .map(|env| attach_replica(env, &settings, &auth.store, &shutdown))
            .collect();
        Self {
            settings: Arc::new(settings),
            environments: Arc::new(environments),
            auth,
            shutdown,
            metrics: Arc::default(),
        }
    }

    /// The state store (users, sessions, audit trail).
    pub fn store(&self) -> &Store {
        &self.auth.store
    }

    /// Starts each environment's background refresher (what `serve` and
    /// `demo` run; tests drive rounds themselves).
    pub fn start_refreshers(&self) {
        for env in self.environments.iter() {
            env.fleet.spawn_refresher();
        }
    }

    /// The environment named `name`, if configured.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// Starts `env`'s history recorder and makes it the fleet's observer
/// (when recording is on and a runtime runs the writer).
fn attach_recorder(mut env: Environment, settings: &Settings, store: &Store) -> Environment {
    let Some(retention) = settings.history_retention else {
        return env;
    };
    if env.history.is_some() || tokio::runtime::Handle::try_current().is_err() {
        return env;
    }
    let recorder = HistoryRecorder::start(
        &env.name,
        store.clone(),
        retention,
        crate::clock::Clock::system(),
    );
    env.fleet.observe(recorder.clone());
    env.history = Some(recorder);
    env
}

/// On PostgreSQL, starts `env`'s leader election and shares its fleet's
/// reads with the other replicas (`crate::replica`); the history is pruned
/// by the leader only. On SQLite the one process always leads.
fn attach_replica(
    env: Environment,
    settings: &Settings,
    store: &Store,
    shutdown: &Shutdown,
) -> Environment {
    if store.backend() != Backend::Postgres
        || env.fleet.shared_model().is_some()
        || tokio::runtime::Handle::try_current().is_err()
    {
        return env;
    }
    let stopping = shutdown.clone();
    let leadership = Leadership::start(store.clone(), &env.name, settings.election, async move {
        stopping.started().await;
    });
    let model = StoreModel::start(store.clone(), leadership.clone());
    env.fleet.share(model);
    if let Some(recorder) = &env.history {
        recorder.prune_only_when(Arc::new(move || leadership.is_leader()));
    }
    env
}
