//! `--fleet FILE.json`: a fleet described as the AWS API requests that
//! build it, replayed through the sandbox's own handlers at start-up. The
//! format is exactly AWS's request JSON:
//!
//! ```json
//! { "requests": [
//!     { "op": "CreateCluster", "body": { "clusterName": "shop" } },
//!     { "op": "RegisterTaskDefinition", "body": { "family": "web", … } },
//!     { "op": "CreateService", "body": { "cluster": "shop", … } } ] }
//! ```
//!
//! `op` is an ECS operation (`CreateCluster` or
//! `AmazonEC2ContainerServiceV20141113.CreateCluster`). See docs/sandbox.md.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::sandbox::Fleet;
use crate::sandbox::clock::SimClock;
use crate::sandbox::ecs;
use crate::sandbox::world::World;

const ECS_PREFIX: &str = "AmazonEC2ContainerServiceV20141113.";

/// One recorded ECS request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetRequest {
    pub op: String,
    #[serde(default)]
    pub body: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    requests: Vec<FleetRequest>,
}

/// Whether `--fleet` names a fleet file rather than a built-in fleet.
pub fn is_fleet_file(value: &str) -> bool {
    value.to_ascii_lowercase().ends_with(".json")
}

/// Reads a fleet file and replays it once on a scratch sandbox, so a
/// request AWS would refuse is reported now, with its position.
pub fn load(path: &Path) -> Result<Fleet, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let requests = parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    let mut scratch = World::new(SimClock::new(1.0));
    let now = scratch.clock.now_ms();
    replay(&mut scratch, &requests, now).map_err(|e| format!("{shown}: {e}"))?;
    Ok(Fleet::Requests(requests))
}

/// The requests of a fleet file's text.
pub fn parse(text: &str) -> Result<Vec<FleetRequest>, String> {
    let file: FleetFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(file.requests)
}

/// Runs `requests` in order through the ECS handlers, as of `now`.
pub fn replay(world: &mut World, requests: &[FleetRequest], now: i64) -> Result<(), String> {
    for (i, r) in requests.iter().enumerate() {
        let op = r.op.strip_prefix(ECS_PREFIX).unwrap_or(&r.op);
        let body = if r.body.is_null() {
            Value::Object(Default::default())
        } else {
            r.body.clone()
        };
        ecs::handle(world, op, &body, now).map_err(|e| format!("request {} ({op}): {e}", i + 1))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_request_is_reported_with_its_position() {
        let dir = std::env::temp_dir().join(format!("ecsdeck-fleet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.json");
        let text = r#"{"requests": [
            {"op": "CreateCluster", "body": {"clusterName": "a"}},
            {"op": "CreateService", "body": {"cluster": "a", "serviceName": "s", "taskDefinition": "nope:1"}}
        ]}"#;
        std::fs::write(&path, text).unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            err.contains("request 2 (CreateService): ClientException"),
            "{err}"
        );
        std::fs::write(&path, r#"{"request": []}"#).unwrap();
        assert!(load(&path).is_err());
        assert!(load(&dir.join("missing.json")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
