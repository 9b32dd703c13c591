//! The seeded fleet's alarms: every service of a cluster tagged
//! `environment=production` has a CPU alarm (average ≥ 80% for three
//! minutes) and a memory alarm (busiest task ≥ 90% within five minutes),
//! as a team following AWS's recommended ECS alarms would set up.

use serde_json::json;

use super::alarm_ops::put_metric_alarm;
use crate::sandbox::world::World;

/// Adds the alarms, created at `since` (they are evaluated from then on).
pub fn production_alarms(world: &mut World, since: i64) {
    let mut wanted = Vec::new();
    for c in world.ecs.clusters.values() {
        let production = c
            .tags
            .iter()
            .any(|(k, v)| k == "environment" && v == "production");
        if !production {
            continue;
        }
        for s in c.services.values().filter(|s| s.status == "ACTIVE") {
            wanted.push((c.name.clone(), s.name.clone()));
        }
    }
    for (cluster, service) in wanted {
        let dims = json!([
            { "Name": "ClusterName", "Value": cluster },
            { "Name": "ServiceName", "Value": service },
        ]);
        let alarms = [
            json!({
                "AlarmName": format!("{cluster}/{service} CPU high"),
                "AlarmDescription": format!("{service}: average CPU at or above 80% for 3 minutes"),
                "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": dims,
                "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3,
                "Threshold": 80.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            }),
            json!({
                "AlarmName": format!("{cluster}/{service} memory high"),
                "AlarmDescription": format!("{service}: a task at or above 90% of its memory"),
                "Namespace": "AWS/ECS", "MetricName": "MemoryUtilization", "Dimensions": dims,
                "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1,
                "Threshold": 90.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            }),
        ];
        for a in alarms {
            if let Err(e) = put_metric_alarm(&mut world.alarms, &a, since) {
                tracing::error!(error = %e, "seeded alarm refused");
            }
        }
    }
}
