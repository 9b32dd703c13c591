//! A small builder for seeded fleets: clusters, EC2 capacity, ECR images,
//! log groups, task definitions, and services already running.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::sandbox::ecr::{Findings, NewImage};
use crate::sandbox::ecs::lifecycle::{self, NewTask, digest_for, hex_id};
use crate::sandbox::ecs::model::{
    Cluster, ContainerInstance, Deployment, DeploymentConfig, Fate, Scenario, Service, Tags,
    TaskStatus,
};
use crate::sandbox::ecs::{arn, rollout, task_definitions};
use crate::sandbox::region::{self, Region};
use crate::sandbox::world::World;

pub struct Seeder<'a> {
    pub world: &'a mut World,
    pub now: i64,
}

/// One image to push: tags (empty = untagged), age, size, scan findings.
pub struct Img<'a> {
    pub tags: &'a [&'a str],
    pub age_days: i64,
    pub size_mb: i64,
    pub findings: Option<Findings>,
}

/// A service to create, already deployed and running.
pub struct SvcSpec<'a> {
    pub cluster: &'a str,
    pub name: &'a str,
    pub td: &'a str,
    pub desired: i32,
    pub launch: &'a str,
    /// (target group name, container, port) behind an ALB.
    pub lb: Option<(&'a str, &'a str, i32)>,
    pub awsvpc: bool,
    pub scenario: Option<Scenario>,
    pub tags: Tags,
    pub grace: Option<i32>,
    pub config: DeploymentConfig,
    /// Skip history and events (large fleets).
    pub quiet: bool,
    pub deployed_days_ago: i64,
}

impl<'a> SvcSpec<'a> {
    pub fn new(cluster: &'a str, name: &'a str, td: &'a str) -> Self {
        Self {
            cluster,
            name,
            td,
            desired: 1,
            launch: "FARGATE",
            lb: None,
            awsvpc: true,
            scenario: None,
            tags: Vec::new(),
            grace: None,
            config: DeploymentConfig::default(),
            quiet: false,
            deployed_days_ago: 3,
        }
    }
}

pub fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// An image in the template region's registry (see [`Seeder::task_def`]).
pub fn ecr(repo: &str, tag: &str) -> String {
    format!("{}/{repo}:{tag}", Region::us_east_1().ecr_host())
}

const DAY: i64 = 86_400_000;

impl<'a> Seeder<'a> {
    pub fn new(world: &'a mut World, now: i64) -> Self {
        Self { world, now }
    }

    pub fn cluster(&mut self, name: &str, tags: Tags, providers: &[&str]) {
        self.world.ecs.clusters.insert(
            name.to_string(),
            Cluster {
                name: name.to_string(),
                arn: arn::cluster_arn(&self.world.region, name),
                status: "ACTIVE".to_string(),
                tags,
                container_insights: true,
                capacity_providers: providers.iter().map(|p| p.to_string()).collect(),
                services: BTreeMap::new(),
                tasks: BTreeMap::new(),
                instances: BTreeMap::new(),
            },
        );
    }

    pub fn instances(
        &mut self,
        cluster: &str,
        n: usize,
        instance_type: &str,
        cpu: i64,
        memory: i64,
    ) {
        let ecs = &mut self.world.ecs;
        let region = ecs.region.clone();
        let Some(c) = ecs.clusters.get_mut(cluster) else {
            return;
        };
        for i in 0..n {
            let id = hex_id(&mut ecs.rng, 32);
            let ec2 = format!("i-0{}", hex_id(&mut ecs.rng, 16));
            c.instances.insert(
                id.clone(),
                ContainerInstance {
                    arn: arn::container_instance_arn(&region, cluster, &id),
                    id,
                    ec2_instance_id: ec2,
                    cpu,
                    memory,
                    az: region.az(i),
                    status: "ACTIVE".to_string(),
                    agent_connected: true,
                    registered_ms: self.now - 20 * DAY,
                    instance_type: instance_type.to_string(),
                },
            );
        }
    }

    pub fn repo(&mut self, name: &str, images: &[Img<'_>]) {
        let World {
            ecs, ecr, region, ..
        } = &mut *self.world;
        ecr.create_repository(name, true, false, self.now - 200 * DAY);
        for (i, img) in images.iter().enumerate() {
            let key = match img.tags.first() {
                Some(t) => region.relocate_str(&ecr_ref(name, t)),
                None => format!("{}/{name}@untagged-{i}", region.ecr_host()),
            };
            let digest = digest_for(&key);
            ecs.seeded_images.insert(format!("{name}@{digest}"));
            for t in img.tags {
                ecs.seeded_images.insert(format!("{name}:{t}"));
            }
            ecr.put_image(
                name,
                NewImage {
                    tags: img.tags.iter().map(|t| t.to_string()).collect(),
                    digest: Some(digest),
                    size_bytes: img.size_mb * 1_048_576 + i as i64 * 7_919,
                    pushed_at_ms: self.now - img.age_days * DAY - i as i64 * 3_600_000,
                    findings: img.findings,
                },
            );
        }
    }

    pub fn log_group(&mut self, name: &str) {
        self.world
            .logs
            .create_group(name, Some(30), self.now - 100 * DAY);
    }

    /// Registers a revision (moved from the us-east-1 template into the
    /// sandbox's region); returns its ARN.
    pub fn task_def(&mut self, mut body: Value, tags: Tags, registered_ms: i64) -> String {
        self.world.region.relocate(&mut body);
        match task_definitions::register(&mut self.world.ecs, body, tags, registered_ms) {
            Ok(d) => d.arn,
            Err(e) => {
                tracing::error!(error = %e, "seeded task definition refused");
                String::new()
            }
        }
    }

    pub fn service(&mut self, spec: SvcSpec<'_>) {
        let World {
            ecs, ecr, region, ..
        } = &mut *self.world;
        let now = self.now;
        let Some(c) = ecs.clusters.get_mut(spec.cluster) else {
            return;
        };
        let Some(def) = task_definitions::find_by_arn(&ecs.task_defs, spec.td).cloned() else {
            return;
        };
        let deployed = now - spec.deployed_days_ago * DAY;
        // Blue/green, linear and canary complete after their bake time.
        let done = deployed + 180_000 + i64::from(spec.config.bake_time_min) * 60_000;
        let dep_id = rollout::deployment_id(&mut ecs.rng);
        let network = spec.awsvpc.then(network_configuration);
        let lbs: Vec<Value> = spec
            .lb
            .map(|(tg, container, port)| {
                vec![json!({
                    "targetGroupArn": region.arn(
                        "elasticloadbalancing",
                        &format!("targetgroup/{tg}/{}", &digest_for(tg)[7..23]),
                    ),
                    "containerName": container,
                    "containerPort": port,
                })]
            })
            .unwrap_or_default();
        let mut svc = Service {
            launch_type: spec.launch.to_string(),
            deployment_config: spec.config.clone(),
            load_balancers: lbs,
            network: network.clone(),
            platform_version: (spec.launch == "FARGATE").then(|| "LATEST".to_string()),
            health_check_grace_s: spec.lb.map(|_| spec.grace.unwrap_or(60)).or(spec.grace),
            deployments: vec![Deployment {
                id: dep_id.clone(),
                status: "PRIMARY".to_string(),
                task_definition: def.arn.clone(),
                desired: spec.desired,
                failed_tasks: 0,
                created_ms: deployed,
                updated_ms: done,
                finished_ms: Some(done),
                rollout_state: "COMPLETED".to_string(),
                rollout_reason: format!("ECS deployment {dep_id} completed."),
                launch_type: spec.launch.to_string(),
                network,
                sd_status: "SUCCESSFUL".to_string(),
                sd_reason: None,
                sources: Vec::new(),
                rollback_of: None,
                breaker_triggered: false,
                config: spec.config.clone(),
                stage: "CLEAN_UP".to_string(),
                stage_ms: done - 10_000,
                triggered_alarms: Vec::new(),
            }],
            tags: spec.tags.clone(),
            created_ms: now - 40 * DAY,
            scenario: spec.scenario,
            steady: true,
            ..Service::new(region, spec.cluster, spec.name, &def.arn, spec.desired, now)
        };
        if let Some(s) = spec.scenario {
            svc.tags
                .push(("ecsdeck:scenario".to_string(), s.tag().to_string()));
        }
        if !spec.quiet {
            let n = &svc.name;
            let msgs = [
                (
                    deployed + 20_000,
                    format!(
                        "(service {n}) has started {} tasks: (task {}).",
                        spec.desired,
                        hex_id(&mut ecs.rng, 32)
                    ),
                ),
                (
                    done,
                    format!("(service {n}) (deployment {dep_id}) deployment completed."),
                ),
                (
                    done + 1_000,
                    format!("(service {n}) has reached a steady state."),
                ),
                (
                    now - 6 * 3_600_000,
                    format!("(service {n}) has reached a steady state."),
                ),
            ];
            for (at, m) in msgs {
                rollout::event(&mut svc, &mut ecs.rng, at, m);
            }
        }
        for i in 0..spec.desired {
            let instance = if spec.launch == "EC2" {
                let (cpu, mem) = lifecycle::task_size(&def);
                lifecycle::place(&c.instances, &c.tasks, cpu, mem)
                    .and_then(|a| c.instances.values().find(|ci| ci.arn == a))
                    .map(|ci| (ci.arn.clone(), ci.az.clone()))
            } else {
                None
            };
            let new = NewTask {
                cluster: spec.cluster,
                service: Some(spec.name),
                deployment_id: Some(&dep_id),
                def: &def,
                launch_type: spec.launch,
                started_by: Some(dep_id.clone()),
                group: format!("service:{}", spec.name),
                scenario: spec.scenario,
                platform_version: svc.platform_version.as_ref().map(|_| "1.4.0".to_string()),
                runtime_ms: None,
            };
            let inst = instance.as_ref().map(|(a, z)| (a.as_str(), z.as_str()));
            let images = lifecycle::Images {
                ecr,
                seeded: &ecs.seeded_images,
            };
            let mut t = lifecycle::create(&mut ecs.rng, &ecs.timings, images, new, inst, deployed);
            // Already running since the deployment (crash loops: recently).
            let started = match spec.scenario {
                Some(_) => now - 5_000 * (i as i64 + 1),
                None => deployed + 15_000 + i as i64 * 4_000,
            };
            t.created_ms = started - 12_000;
            t.pull_started_ms = Some(started - 9_000);
            t.pull_stopped_ms = Some(started - 3_000);
            t.started_ms = Some(started);
            t.last_status = TaskStatus::Running;
            t.version = 4;
            if matches!(t.fate, Fate::PullFails { .. })
                && spec.scenario != Some(Scenario::ImagePull)
            {
                t.fate = Fate::Healthy;
            }
            for ct in &mut t.containers {
                ct.last_status = "RUNNING".to_string();
                ct.image_digest = Some(digest_for(&ct.image));
                ct.runtime_id = format!("{}-{}", t.id, hex_id(&mut ecs.rng, 10));
                if let Some(h) = &mut ct.health
                    && spec.scenario != Some(Scenario::Unhealthy)
                {
                    *h = "HEALTHY".to_string();
                    t.health = "HEALTHY".to_string();
                }
                if let Some(l) = &mut ct.log {
                    l.logged_until_ms = now;
                }
            }
            t.health_checked = true;
            t.next_ms = match t.fate {
                Fate::Dies { after_ms, .. } => started + after_ms,
                _ => i64::MAX,
            };
            c.tasks.insert(t.id.clone(), t);
        }
        c.services.insert(svc.name.clone(), svc);
    }
}

fn ecr_ref(repo: &str, tag: &str) -> String {
    ecr(repo, tag)
}

pub fn network_configuration() -> Value {
    json!({
        "awsvpcConfiguration": {
            "subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a43210"],
            "securityGroups": ["sg-0123456789abcdef0"],
            "assignPublicIp": "DISABLED",
        }
    })
}

/// An awslogs logConfiguration.
pub fn awslogs(group: &str, prefix: &str) -> Value {
    json!({
        "logDriver": "awslogs",
        "options": { "awslogs-group": group, "awslogs-region": region::TEMPLATE, "awslogs-stream-prefix": prefix },
    })
}
