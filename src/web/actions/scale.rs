//! `POST …/services/{service}/scale`: set the desired count.

use axum::http::StatusCode;
use axum::response::Response;

use super::{ActionCtx, Change, ScaleForm};
use crate::aws::ServiceUpdate;
use crate::domain::{Action, Capacity};
use crate::error::AppError;
use crate::web::extract::Form;

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

/// The service's autoscaling min/max, if it is a scalable target (through
/// the fleet model's copy; a failed read is logged and warns nothing).
async fn autoscaling_range(ctx: &ActionCtx, cluster: &str, service: &str) -> Option<Capacity> {
    match ctx.env.fleet.service_autoscaling(cluster, service).await {
        Ok(a) => a.value.target,
        Err(e) => {
            tracing::warn!(error = %e, "autoscaling unavailable for the scale warning");
            None
        }
    }
}

pub async fn scale_service(
    ctx: ActionCtx,
    Form(form): Form<ScaleForm>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let raw = form.desired_count.trim();
    let base = || ctx.confirm(Action::Scale, format!("Scale {service}"));
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
            return form.show(&ctx, StatusCode::BAD_REQUEST);
        }
    };
    let (cluster_info, current) = ctx.service_now().await?;
    let protected = ctx.protected().await?;
    let ceiling = ctx.state.settings.scale_ceiling;
    let large = desired > ceiling;
    let fields = &form.confirm;
    let action_id = fields.action_id();
    let mut confirm = base()
        .hidden("desired_count", desired.to_string())
        .hidden("action_id", action_id.clone());
    confirm.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!(
            "Desired count {} → {desired} (running now: {}, pending: {})",
            current.desired, current.running, current.pending
        ),
    ];
    if desired == 0 {
        confirm
            .warnings
            .push("Scaling to 0 stops every task of this service.".to_string());
        confirm.danger = true;
    }
    if large {
        confirm.warnings.push(format!(
            "{desired} is above the usual ceiling of {ceiling} tasks: tick the box to confirm."
        ));
    }
    if let Some(range) = autoscaling_range(&ctx, &cluster_info.name, &current.name).await
        && range.excludes(i32::try_from(desired).unwrap_or(i32::MAX))
    {
        confirm.warnings.push(format!(
            "Application Auto Scaling keeps this service between {} and {} tasks: autoscaling will set it back to between {} and {}. Change the min/max instead to keep {desired}.",
            range.min, range.max, range.min, range.max
        ));
    }
    confirm.need_large = large;
    confirm.typed_name = protected.then(|| current.name.clone());
    confirm.submit = format!("Scale to {desired}");
    if let Some(status) = confirm.hold(fields) {
        return confirm.show(&ctx, status);
    }
    if large && !fields.allow_large() {
        confirm.error = Some(format!(
            "{desired} is above the ceiling of {ceiling}: confirm it explicitly."
        ));
        return confirm.show(&ctx, StatusCode::BAD_REQUEST);
    }
    let aws = ctx.aws();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        ctx.user.name.clone(),
    );
    let change = Change {
        action: Action::Scale,
        target: current.name.clone(),
        params: serde_json::json!({ "desired_count": desired }),
        before: format!("desired {}", current.desired),
        after: format!("desired {desired}"),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
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
