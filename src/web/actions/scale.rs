//! `POST …/services/{service}/scale`: set the desired count.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{Attempt, Confirm, Fields, action_id, field, is_protected, preflight, request_id};
use crate::auth::CurrentUser;
use crate::aws::ServiceUpdate;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::is_htmx;

/// ECS runs at most this many tasks per service.
const HARD_MAX: u32 = 5000;

/// Parses a desired count: digits only, 0…HARD_MAX.
pub fn parse_count(raw: &str) -> Result<u32, String> {
    if raw.is_empty() {
        return Err("Enter a desired count (a whole number, 0 or more).".to_string());
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) || raw.len() > 9 {
        return Err(format!(
            "The desired count must be a whole number of tasks, 0 or more — not {raw:?}."
        ));
    }
    let n: u32 = raw
        .parse()
        .map_err(|_| format!("{raw:?} is not a number of tasks."))?;
    if n > HARD_MAX {
        return Err(format!(
            "ECS runs at most {HARD_MAX} tasks per service; {n} is too many."
        ));
    }
    Ok(n)
}

pub async fn scale_service(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let url = format!("/{env}/clusters/{cluster}/services/{service}/scale");
    let back = format!("/{env}/clusters/{cluster}/services/{service}");
    let raw = field(&fields, "desired_count");
    let base = || Confirm::new(format!("Scale {service}"), url.clone(), back.clone(), &user);
    let desired = match parse_count(raw) {
        Ok(n) => n,
        Err(message) => {
            let mut form = base();
            form.error = Some(message);
            form.edit = Some((
                "Desired count".into(),
                "desired_count".into(),
                raw.to_string(),
            ));
            return form.show(environment, &headers, StatusCode::BAD_REQUEST);
        }
    };
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service_now(&cluster_info.name, &service).await?;
    let protected = is_protected(&state, &env, &cluster_info);
    let ceiling = state.settings.scale_ceiling;
    let large = desired > ceiling;
    let action_id = action_id(&fields);
    let mut form = base()
        .hidden("desired_count", desired.to_string())
        .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!(
            "Desired count {} → {desired} (running now: {}, pending: {})",
            current.desired, current.running, current.pending
        ),
    ];
    if desired == 0 {
        form.warnings
            .push("Scaling to 0 stops every task of this service.".to_string());
        form.danger = true;
    }
    if large {
        form.warnings.push(format!(
            "{desired} is above the usual ceiling of {ceiling} tasks: tick the box to confirm."
        ));
    }
    form.need_large = large;
    form.typed_name = protected.then(|| current.name.clone());
    form.submit = format!("Scale to {desired}");
    if let Some(status) = form.hold(&fields) {
        return form.show(environment, &headers, status);
    }
    if large && field(&fields, "allow_large") != "1" {
        form.error = Some(format!(
            "{desired} is above the ceiling of {ceiling}: confirm it explicitly."
        ));
        return form.show(environment, &headers, StatusCode::BAD_REQUEST);
    }
    let aws = environment.aws.clone();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        user.name.clone(),
    );
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: &current.name,
        action: "scale",
        params: serde_json::json!({ "desired_count": desired }),
        before: format!("desired {}", current.desired),
        after: format!("desired {desired}"),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: is_htmx(&headers),
    }
    .run(|| async move {
        let n = i32::try_from(desired).unwrap_or(i32::MAX);
        aws.update_service(&who, &c, &s, &ServiceUpdate::DesiredCount(n))
            .await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn desired_counts_are_whole_numbers_in_range() {
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("4"), Ok(4));
        for bad in ["", "-1", "1e9", "abc", "2.5", " 3", "1000000000", "5001"] {
            assert!(parse_count(bad).is_err(), "{bad:?} accepted");
        }
    }
}
