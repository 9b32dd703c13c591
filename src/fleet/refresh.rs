//! The refresher: keeps the fleet's memory fresh in the background, so
//! pages read memory instead of waiting on AWS.
//!
//! Each round (every `tick`) it renews what someone looks at — any key read
//! in the last `watched_within` that is older than `watched_age` — and,
//! oldest first, a few keys nobody looks at that are older than the
//! rotation period. The rotation period follows from the fleet's size and
//! the describe budget: a sweep of every cluster costs about one
//! DescribeServices call per 10 services, one ListServices per 100, and a
//! few task calls per cluster, at `describe_rate` calls per second.
//! Every call goes through the environment's AWS budget, so the refresher
//! can never spend more than that.

use std::sync::Arc;
use std::time::Duration;

use super::Fleet;
use super::cache::Sweep;

/// How often the leader drops shared copies nobody uses any more.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// How the refresher paces itself.
#[derive(Clone, Copy, Debug)]
pub struct RefreshTiming {
    /// Time between rounds.
    pub tick: Duration,
    /// Keys read this recently are "watched".
    pub watched_within: Duration,
    /// Watched keys are renewed once older than this (the staleness target
    /// of what people look at).
    pub watched_age: Duration,
    /// The shortest rotation period for everything else.
    pub min_rotation: Duration,
    /// Describe calls per second the refresher plans with (the budget's
    /// share of ECS's sustained describe rate).
    pub describe_rate: f64,
}

impl Default for RefreshTiming {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(1),
            watched_within: Duration::from_secs(60),
            watched_age: Duration::from_secs(5),
            min_rotation: Duration::from_secs(30),
            describe_rate: 10.0,
        }
    }
}

/// What the refresher did in one round (for tests and `/metrics`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub started: usize,
}

impl Fleet {
    /// AWS calls one sweep of every known cluster costs, estimated from
    /// what the fleet holds.
    pub fn sweep_calls(&self) -> usize {
        self.known_service_counts()
            .into_iter()
            .map(|n| n.div_ceil(10) + n.div_ceil(100).max(1) + 3)
            .sum::<usize>()
            + 2
    }

    /// How long one background pass over everything nobody is looking at
    /// takes under the budget (at least `min_rotation`).
    pub fn rotation_period(&self) -> Duration {
        let t = self.refresh_timing();
        let secs = self.sweep_calls() as f64 / t.describe_rate.max(0.1);
        Duration::from_secs_f64(secs).max(t.min_rotation)
    }

    /// The refresher's lag: how old the oldest copy someone looked at
    /// within `watched_within` is (zero when nobody looks at anything).
    /// The refresher renews such copies once older than `watched_age`, so
    /// far past that it is falling behind (or AWS is failing).
    pub fn refresh_lag(&self) -> Duration {
        let within = self.refresh_timing().watched_within;
        [
            self.clusters.oldest_watched(within),
            self.cluster_data.oldest_watched(within),
            self.services.oldest_watched(within),
            self.instances.oldest_watched(within),
            self.tasks.oldest_watched(within),
            self.targets.oldest_watched(within),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or_default()
    }

    /// One round of the refresher: starts background refreshes (they run
    /// on their own tasks) and returns how many.
    pub fn refresh_round(&self) -> Round {
        let t = self.refresh_timing();
        let rotation = self.rotation_period();
        let live = Sweep {
            watched_within: t.watched_within,
            watched_age: t.watched_age,
            rotation_age: rotation,
            rotation_max: 1,
        };
        let slow = Sweep {
            watched_age: t.watched_age * 6,
            rotation_age: rotation * 4,
            ..live
        };
        // One service's or one filter's tasks are renewed while watched;
        // only the overview's data (clusters and their services) rotates.
        let watched_only = Sweep {
            rotation_max: 0,
            ..live
        };
        // Metrics move once a minute: renewed while watched, never rotated.
        let metrics = Sweep {
            watched_age: t.watched_age.max(std::time::Duration::from_secs(60)),
            ..watched_only
        };
        let started = self.clusters.sweep(&live)
            + self.cluster_data.sweep(&live)
            + self.services.sweep(&watched_only)
            + self.instances.sweep(&watched_only)
            + self.tasks.sweep(&watched_only)
            + self.targets.sweep(&watched_only)
            + self.repositories.sweep(&slow)
            + self.families.sweep(&slow)
            + self.revisions.sweep(&watched_only)
            + self.images.sweep(&slow)
            + self.metrics.sweep(&metrics)
            + self.autoscaling.sweep(&metrics)
            + self.deployments.sweep(&watched_only)
            + self.alarms.sweep(&Sweep {
                rotation_age: metrics.watched_age * 2,
                rotation_max: 1,
                ..metrics
            });
        Round { started }
    }

    /// Runs the refresher until the fleet is dropped: a round every
    /// `tick` while this replica leads its environment (always, alone).
    /// On becoming leader it first loads the overview (every cluster and
    /// its services) so the first page a user opens is already in memory,
    /// renewing any copies it took from the previous leader. A follower's
    /// refresher calls nothing: its pages load the leader's copies.
    pub fn spawn_refresher(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let tick = self.refresh_timing().tick;
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let (mut leading, mut since_forget) = (false, Duration::ZERO);
            loop {
                interval.tick().await;
                let Some(fleet) = weak.upgrade() else { break };
                if !fleet.is_leader() {
                    leading = false;
                    continue;
                }
                if !leading {
                    leading = true;
                    fleet.take_over().await;
                }
                fleet.serve_watched().await;
                let round = fleet.refresh_round();
                if round.started > 0 {
                    tracing::debug!(started = round.started, "refresher round");
                }
                since_forget += tick;
                if since_forget >= FORGET_EVERY {
                    since_forget = Duration::ZERO;
                    fleet.forget_shared().await;
                }
            }
        })
    }

    /// What a replica does on becoming leader: renews the copies it holds
    /// of the overview's data (they may be another replica's, of any age)
    /// and loads the overview.
    pub async fn take_over(&self) {
        let renewed = self.clusters.renew_all() + self.cluster_data.renew_all();
        tracing::info!(renewed, "leading the environment: refreshing from AWS");
        if let Err(e) = self.overview().await {
            tracing::warn!(error = %e, "first load of the fleet failed; the refresher keeps trying");
        }
    }

    /// Drops shared copies nobody refreshed nor watched for the idle time.
    async fn forget_shared(&self) {
        if let Some(m) = self.shared.model() {
            let idle = i64::try_from(super::IDLE.as_millis()).unwrap_or(i64::MAX);
            let before = crate::domain::Timestamp::now()
                .millis()
                .saturating_sub(idle);
            m.forget(crate::domain::Timestamp::from_millis(before))
                .await;
        }
    }
}
