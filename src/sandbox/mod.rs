//! The embedded AWS-compatible simulator (ECS, ECR, CloudWatch Logs).
//! See docs/sandbox.md and docs/contracts.md: it serves the AWS JSON 1.1 wire protocol on
//! loopback, and the dashboard's real SDK clients talk to it.

pub mod autoscaling;
pub mod cbor;
pub mod clock;
pub mod cloudwatch;
pub mod control;
pub mod ecr;
pub mod ecs;
pub mod elb;
pub mod error;
pub mod fleet_file;
pub mod host;
pub mod loggen;
pub mod logs;
pub mod options;
pub mod region;
pub mod rpc_cbor;
pub mod server;
pub mod sts;
pub mod throttle;
pub mod world;

pub use ecs::lifecycle::TaskTimings;
pub use options::SandboxOptions;
pub use server::{SandboxHandle, start};

/// Which fleet the sandbox starts with.
#[derive(Debug, Clone, PartialEq)]
pub enum Fleet {
    /// The lived-in demo fleet (production Rails on EC2, a Fargate data
    /// pipeline, a CMS, a staging cluster with two dozen services, and the
    /// broken-service scenarios).
    Seeded,
    /// No clusters at all.
    Empty,
    /// One cluster `hostile` with hostile strings in every free-text field
    /// (`--fleet hostile`, see `ecs::seed::hostile`).
    Hostile,
    /// One cluster `large` with this many services (benchmarks).
    Large(usize),
    /// Clusters with exact service counts (tests).
    Clusters(Vec<ClusterSpec>),
    /// ECS API requests replayed at start-up (`--fleet FILE.json`, see
    /// [`fleet_file`]).
    Requests(Vec<fleet_file::FleetRequest>),
}

/// A cluster of `services` identical Fargate services named `svc-00000`…
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSpec {
    pub name: String,
    pub services: usize,
    /// Desired count of each service.
    pub desired: i32,
}

/// Throttling policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Throttle {
    /// Never throttle.
    #[default]
    None,
    /// Token buckets per action group with AWS's published rates.
    Aws,
}

/// How the sandbox behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Simulated clock speed-up (1 = real time).
    pub speed: f64,
    /// Seed for every random choice, so runs repeat.
    pub seed: u64,
    /// Fixed latency added to every call, in real milliseconds.
    pub latency_ms: u64,
    /// Random extra latency, 0..=jitter_ms.
    pub jitter_ms: u64,
    pub throttle: Throttle,
    /// Probability (0.0–1.0) that a call fails with a 500 or stalls.
    pub fault_rate: f64,
    /// How long a stalled call hangs before answering 500 (longer than the
    /// SDK's attempt timeout, so the client times out).
    pub stall_ms: u64,
    pub fleet: Fleet,
    /// Task lifecycle step durations (simulated time).
    pub timings: TaskTimings,
    /// Real-time interval of the background ticker that keeps the fleet
    /// living (and writing logs) while nobody calls; 0 disables it.
    pub tick_ms: u64,
    /// Answer any `Host` (`--allow-remote`); otherwise only loopback names
    /// and addresses (`host::loopback_only`).
    pub allow_remote: bool,
    /// The region the sandbox is in (`--region`): every ARN, availability
    /// zone, registry host and seeded `awslogs-region` carries it.
    pub region: region::Region,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            speed: 1.0,
            seed: 42,
            latency_ms: 0,
            jitter_ms: 0,
            throttle: Throttle::None,
            fault_rate: 0.0,
            stall_ms: 12_000,
            fleet: Fleet::Seeded,
            timings: TaskTimings::default(),
            tick_ms: 500,
            allow_remote: false,
            region: region::Region::default(),
        }
    }
}

impl SandboxConfig {
    /// The seeded demo fleet at real time (the same as `default()`).
    pub fn seeded() -> Self {
        Self::default()
    }

    /// `fleet` with the clock `speed` times faster (tests use 50–200 so a
    /// rolling deployment takes well under a second).
    pub fn for_tests(fleet: Fleet, speed: f64) -> Self {
        Self {
            speed,
            fleet,
            ..Self::default()
        }
    }

    /// One cluster `name` with `services` Fargate services (`svc-00000`…)
    /// of `desired` tasks each, running a public nginx image.
    pub fn one_cluster(name: &str, services: usize, desired: i32) -> Self {
        Self::default().with_fleet(Fleet::Clusters(vec![ClusterSpec {
            name: name.to_string(),
            services,
            desired,
        }]))
    }

    pub fn with_speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    pub fn with_fleet(mut self, fleet: Fleet) -> Self {
        self.fleet = fleet;
        self
    }

    pub fn with_throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = throttle;
        self
    }

    /// The sandbox in `region` instead of us-east-1.
    pub fn with_region(mut self, region: region::Region) -> Self {
        self.region = region;
        self
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_latency(mut self, latency_ms: u64, jitter_ms: u64) -> Self {
        self.latency_ms = latency_ms;
        self.jitter_ms = jitter_ms;
        self
    }

    pub fn with_fault_rate(mut self, fault_rate: f64) -> Self {
        self.fault_rate = fault_rate;
        self
    }
}
