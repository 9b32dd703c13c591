//! Everything the sandbox knows, behind one lock.

use crate::sandbox::SandboxConfig;
use crate::sandbox::autoscaling::model::AutoscalingStore;
use crate::sandbox::clock::SimClock;
use crate::sandbox::cloudwatch::alarms::AlarmStore;
use crate::sandbox::ecr::EcrStore;
use crate::sandbox::ecs::{self, EcsState};
use crate::sandbox::elb::ElbStore;
use crate::sandbox::logs::LogStore;
use crate::sandbox::region::Region;
use crate::sandbox::sts::StsState;

#[derive(Debug)]
pub struct World {
    pub clock: SimClock,
    /// The region every ARN, availability zone and registry host is in
    /// (each store keeps a copy for the ARNs it renders).
    pub region: Region,
    pub ecs: EcsState,
    pub ecr: EcrStore,
    pub logs: LogStore,
    /// CloudWatch metric alarms (the metrics themselves are computed).
    pub alarms: AlarmStore,
    /// Load balancer target group settings (targets come from the tasks).
    pub elb: ElbStore,
    /// Application Auto Scaling: scalable targets, policies, activities.
    pub autoscaling: AutoscalingStore,
    /// STS: the sessions AssumeRole issued.
    pub sts: StsState,
}

impl World {
    /// An empty world on `clock`.
    pub fn new(clock: SimClock) -> Self {
        let now = clock.now_ms();
        Self::in_region(clock, 42, Default::default(), now, Region::default())
    }

    fn in_region(
        clock: SimClock,
        seed: u64,
        timings: crate::sandbox::TaskTimings,
        now: i64,
        region: Region,
    ) -> Self {
        let mut world = Self {
            clock,
            region: region.clone(),
            ecs: EcsState::new(seed, timings, now),
            ecr: EcrStore::new(),
            logs: LogStore::new(),
            alarms: AlarmStore::default(),
            elb: ElbStore::new(),
            autoscaling: AutoscalingStore::default(),
            sts: StsState::default(),
        };
        world.ecs.region = region.clone();
        world.ecr.region = region.clone();
        world.logs.region = region.clone();
        world.alarms.region = region.clone();
        world.elb.region = region.clone();
        world.autoscaling.region = region;
        world
    }

    /// A world populated with `config.fleet`.
    pub fn from_config(config: &SandboxConfig) -> Self {
        let clock = SimClock::new(config.speed);
        let now = clock.now_ms();
        let mut world = Self::in_region(
            clock,
            config.seed,
            config.timings.clone(),
            now,
            config.region.clone(),
        );
        ecs::seed::build(&mut world, &config.fleet, now);
        world
    }

    /// Brings the simulation up to the clock's now.
    pub fn advance(&mut self) {
        let now = self.clock.now_ms();
        ecs::scheduler::advance(self, now);
    }
}
