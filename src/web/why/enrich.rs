//! The evidence one more cached read adds to a diagnosis: the crashed
//! container's last log lines, whether the image exists in ECR now, the
//! failed revision's diff, and the link to the logs around the last stop.
//! Each read goes through the fleet model (cached, under the AWS budget)
//! and gives up after `WAIT`: the panel then says what it could not read.

use std::sync::Arc;
use std::time::Duration;

use crate::domain::diagnosis::{Diagnosis, FailureMode};
use crate::domain::{LogEvent, Service, Task, TaskDefinition, ecr_repository_name, image_tag};
use crate::fleet::logs::LogView;
use crate::state::Environment;
use crate::web::td_diff::{DiffRow, diff};
use crate::web::urls;

/// Lines shown from before the crash.
const LAST_LINES: usize = 8;
/// How long the panel waits for one extra read.
const WAIT: Duration = Duration::from_secs(3);

fn definition<'a>(tds: &'a [Arc<TaskDefinition>], id: &str) -> Option<&'a TaskDefinition> {
    let short = crate::domain::family_revision(id);
    tds.iter()
        .find(|td| td.arn == id || td.family_revision() == short)
        .map(|td| td.as_ref())
}

/// The example stop's container log stream: (task, container, group, stream).
fn example_stream<'a>(
    d: &Diagnosis,
    stops: &'a [Task],
    tds: &[Arc<TaskDefinition>],
) -> Option<(&'a Task, String, String, String)> {
    let (id, container) = d.example.as_ref()?;
    let task = stops.iter().find(|t| t.id() == id)?;
    let td = definition(tds, &task.task_definition)?;
    let c = td
        .container(container)
        .or_else(|| td.containers.iter().find(|c| c.logs_to_cloudwatch()))?;
    let (group, stream) = c.log_stream(task)?;
    Some((task, c.name.clone(), group, stream))
}

/// The last lines the crashed container wrote before it stopped (crash
/// loops and OOM kills), or why there are none.
pub(super) async fn last_lines(
    env: &Environment,
    d: &Diagnosis,
    stops: &[Task],
    tds: &[Arc<TaskDefinition>],
) -> (Vec<LogEvent>, Option<String>) {
    if !matches!(d.mode, FailureMode::CrashLoop | FailureMode::OutOfMemory) {
        return (Vec::new(), None);
    }
    let Some((_, _, group, stream)) = example_stream(d, stops, tds) else {
        return (
            Vec::new(),
            Some("The container does not log to CloudWatch Logs (no awslogs).".to_string()),
        );
    };
    let view = LogView {
        group,
        streams: vec![stream],
        pattern: String::new(),
        start_ms: None,
        end_ms: None,
        since_ms: None,
    };
    match tokio::time::timeout(WAIT, env.fleet.recent_lines(&view, LAST_LINES)).await {
        Ok(Ok(recent)) if !recent.events.is_empty() => (recent.events.clone(), None),
        Ok(Ok(_)) => (
            Vec::new(),
            Some("The container wrote nothing before it stopped.".to_string()),
        ),
        Ok(Err(e)) => (
            Vec::new(),
            Some(format!("Its log lines could not be read: {e}")),
        ),
        Err(_) => (
            Vec::new(),
            Some("Its log lines were not read in time; open the logs.".to_string()),
        ),
    }
}

/// Adds whether the image that failed to pull exists in ECR now.
pub(super) async fn image_in_ecr(env: &Environment, d: &mut Diagnosis) {
    let Some(image) = d.image.clone().filter(|i| !i.is_empty()) else {
        return;
    };
    let Some(repository) = ecr_repository_name(&image) else {
        d.add(
            "In ECR now",
            "not an ECR image: ecsdeck cannot check its registry",
        );
        return;
    };
    let tag = image_tag(&image);
    let found = match tokio::time::timeout(WAIT, env.fleet.images(repository)).await {
        Ok(Ok(images)) => images
            .iter()
            .find(|i| i.digest == tag || i.tags.iter().any(|t| t == tag))
            .map(|i| i.pushed_at),
        Ok(Err(e)) => {
            d.add(
                "In ECR now",
                format!("repository {repository} could not be read: {e}"),
            );
            return;
        }
        Err(_) => {
            d.add("In ECR now", "not read in time");
            return;
        }
    };
    let value = match found {
        Some(pushed) => format!(
            "yes: {repository}:{tag} exists (pushed {})",
            pushed.map_or("at an unknown time".to_string(), |p| p.absolute())
        ),
        None => format!("no: repository {repository} has no image {tag}"),
    };
    d.add("In ECR now", value);
}

/// "Logs around this moment" of the example stop (its container, the
/// service's streams, five minutes before to one after it stopped).
pub(super) fn logs_around(
    env: &Environment,
    cluster: &str,
    d: &Diagnosis,
    stops: &[Task],
    service: &Service,
    tds: &[Arc<TaskDefinition>],
) -> Option<String> {
    let (task, container, _, _) = example_stream(d, stops, tds)?;
    let at = task.stopped_at?.millis();
    Some(urls::service_logs_around(
        &env.name,
        cluster,
        &service.name,
        &container,
        at,
    ))
}

/// The failed revision against the one that last worked, changes only.
pub(super) async fn revision_diff(
    d: &Diagnosis,
    tds: &[Arc<TaskDefinition>],
    env: &Environment,
) -> Vec<DiffRow> {
    let (Some(failed), Some(good)) = (&d.failed_revision, &d.good_revision) else {
        return Vec::new();
    };
    let get = |id: &str| {
        let known = definition(tds, id).cloned().map(Arc::new);
        let fleet = env.fleet.clone();
        let id = id.to_string();
        async move {
            match known {
                Some(td) => Some(td),
                None => tokio::time::timeout(WAIT, fleet.task_definition(&id))
                    .await
                    .ok()?
                    .ok(),
            }
        }
    };
    let (failed, good) = tokio::join!(get(failed), get(good));
    match (good, failed) {
        (Some(good), Some(failed)) => diff(&good, &failed, true),
        _ => Vec::new(),
    }
}
