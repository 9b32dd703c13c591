//! The rows of the overview across environments: every environment's
//! clusters in one list (worst first, then by environment and name), the
//! services needing attention in all of them, and the filter that narrows
//! both (a GET parameter, so it works without JavaScript).

use crate::domain::{Alarm, Health};
use crate::fleet::ClusterSummary;
use crate::web::context::Freshness;
use crate::web::urls;

/// How far an environment's read got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvState {
    Ready,
    /// Shown from an older copy: the last refresh failed for this reason.
    Stale(String),
    /// Nothing to show: the first read failed for this reason.
    Failed(String),
    /// The first read is still under way.
    Loading,
}

/// One environment's clusters, or why they are not shown.
pub struct EnvOverview {
    pub name: String,
    pub region: String,
    pub console_url: String,
    pub clusters: Vec<ClusterSummary>,
    pub state: EnvState,
    pub fresh: Freshness,
    /// CloudWatch alarms in ALARM on this environment's clusters.
    pub alarms: Vec<Alarm>,
}

impl EnvOverview {
    /// Whether `needle` (lower case; empty matches all) names this
    /// environment or its region.
    pub fn matches(&self, needle: &str) -> bool {
        contains(&self.name, needle) || contains(&self.region, needle)
    }

    pub fn failed(&self) -> Option<&str> {
        match &self.state {
            EnvState::Failed(why) => Some(why),
            _ => None,
        }
    }

    pub fn stale(&self) -> Option<&str> {
        match &self.state {
            EnvState::Stale(why) => Some(why),
            _ => None,
        }
    }

    pub fn loading(&self) -> bool {
        self.state == EnvState::Loading
    }

    pub fn overview_url(&self) -> String {
        urls::overview_filtered(&self.name)
    }

    pub fn cluster_url(&self, cluster: &str) -> String {
        urls::cluster(&self.name, cluster)
    }

    pub fn service_url(&self, cluster: &str, service: &str) -> String {
        urls::service(&self.name, cluster, service)
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty() || haystack.to_lowercase().contains(needle)
}

/// One cluster of one environment.
pub struct ClusterRow<'a> {
    pub env: &'a EnvOverview,
    pub c: &'a ClusterSummary,
}

impl<'a> ClusterRow<'a> {
    /// Every cluster the filter matches (by environment, region or cluster
    /// name), worst first, then by environment and name.
    pub fn all(envs: &'a [EnvOverview], needle: &str) -> Vec<Self> {
        let mut rows: Vec<Self> = envs
            .iter()
            .flat_map(|env| {
                let whole_env = env.matches(needle);
                env.clusters
                    .iter()
                    .filter(move |c| whole_env || contains(&c.cluster.name, needle))
                    .map(move |c| ClusterRow { env, c })
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.c.health, &a.env.name, &a.c.cluster.name).cmp(&(
                b.c.health,
                &b.env.name,
                &b.c.cluster.name,
            ))
        });
        rows
    }

    pub fn url(&self) -> String {
        self.env.cluster_url(&self.c.cluster.name)
    }
}

/// A service needing attention, or an alarm in ALARM, in one environment.
pub struct ProblemRow<'a> {
    pub env: &'a EnvOverview,
    pub cluster: Option<&'a str>,
    pub service: Option<&'a str>,
    pub health: Option<Health>,
    pub why: &'a str,
    pub alarm: Option<&'a Alarm>,
}

impl<'a> ProblemRow<'a> {
    /// The broken services of every environment (worst first, then by
    /// environment and cluster), then the alarms in ALARM; only those the
    /// filter matches by environment, region, cluster or service.
    pub fn all(envs: &'a [EnvOverview], needle: &str) -> Vec<Self> {
        let mut services: Vec<Self> = Vec::new();
        let mut alarms: Vec<Self> = Vec::new();
        for env in envs {
            let whole_env = env.matches(needle);
            for c in &env.clusters {
                for (service, health, why) in &c.problems {
                    let hit =
                        whole_env || contains(&c.cluster.name, needle) || contains(service, needle);
                    if hit {
                        services.push(ProblemRow {
                            env,
                            cluster: Some(&c.cluster.name),
                            service: Some(service),
                            health: Some(*health),
                            why,
                            alarm: None,
                        });
                    }
                }
            }
            for a in &env.alarms {
                let hit = whole_env
                    || a.cluster.as_deref().is_some_and(|c| contains(c, needle))
                    || a.service.as_deref().is_some_and(|s| contains(s, needle))
                    || contains(&a.name, needle);
                if hit {
                    alarms.push(ProblemRow {
                        env,
                        cluster: a.cluster.as_deref(),
                        service: a.service.as_deref(),
                        health: None,
                        why: &a.reason,
                        alarm: Some(a),
                    });
                }
            }
        }
        services.sort_by(|a, b| {
            (a.health, &a.env.name, a.cluster).cmp(&(b.health, &b.env.name, b.cluster))
        });
        services.extend(alarms);
        services
    }
}

/// The cards above the tables, over what the filter shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub environments: usize,
    pub unreadable: usize,
    pub clusters: usize,
    pub services: usize,
    pub running: i64,
    pub failing: usize,
    pub deploying: usize,
    pub crashed: usize,
}

impl Totals {
    pub fn of(envs: &[EnvOverview], rows: &[ClusterRow<'_>]) -> Self {
        let mut t = Totals {
            environments: envs.len(),
            unreadable: envs.iter().filter(|e| e.failed().is_some()).count(),
            clusters: rows.len(),
            ..Default::default()
        };
        for r in rows {
            t.services += r.c.services;
            t.running += i64::from(r.c.cluster.running_tasks);
            t.failing += r.c.failing + r.c.degraded;
            t.deploying += r.c.deploying;
            t.crashed += r.c.crashed_last_hour;
        }
        t
    }
}
