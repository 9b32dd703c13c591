//! `POST …/services/{service}/capacity`: change the min/max Application
//! Auto Scaling keeps the service's desired count within
//! (RegisterScalableTarget on its existing scalable target).

use axum::http::StatusCode;
use axum::response::Response;

use super::scale::parse_count;
use super::{ActionCtx, CapacityForm, Change};
use crate::domain::{Action, Capacity};
use crate::error::AppError;
use crate::web::extract::Form;

/// The new range, or which field is wrong and why.
pub fn parse_capacity(min: &str, max: &str) -> Result<Capacity, (&'static str, String)> {
    let min_n = parse_count(min).map_err(|e| ("min_capacity", format!("Minimum: {e}")))?;
    let max_n = parse_count(max).map_err(|e| ("max_capacity", format!("Maximum: {e}")))?;
    if min_n > max_n {
        return Err((
            "min_capacity",
            format!("The minimum ({min_n}) cannot be greater than the maximum ({max_n})."),
        ));
    }
    Ok(Capacity {
        min: i32::try_from(min_n).unwrap_or(i32::MAX),
        max: i32::try_from(max_n).unwrap_or(i32::MAX),
    })
}

pub async fn set_capacity(
    ctx: ActionCtx,
    Form(form): Form<CapacityForm>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let (raw_min, raw_max) = (form.min_capacity.trim(), form.max_capacity.trim());
    let base = || {
        ctx.confirm(
            Action::Capacity,
            format!("Autoscaling min/max of {service}"),
        )
    };
    let new = match parse_capacity(raw_min, raw_max) {
        Ok(c) => c,
        Err((field, message)) => {
            let mut form = base();
            form.error = Some(message);
            let (label, value, other, other_value) = if field == "min_capacity" {
                ("Minimum", raw_min, "max_capacity", raw_max)
            } else {
                ("Maximum", raw_max, "min_capacity", raw_min)
            };
            form.edit = Some((label.into(), field.into(), value.to_string()));
            form = form.hidden(other, other_value.to_string());
            return form.show(&ctx, StatusCode::BAD_REQUEST);
        }
    };
    let (cluster_info, current) = ctx.service_now().await?;
    let (c, s) = (cluster_info.name.clone(), current.name.clone());
    ctx.env.fleet.forget_autoscaling(&c, &s);
    let scaling = ctx.env.fleet.service_autoscaling(&c, &s).await?.value;
    let Some(old) = scaling.target else {
        return Err(super::invalid(format!(
            "Service {s} is not registered with Application Auto Scaling: there is no min/max to change."
        )));
    };
    let protected = ctx.protected().await?;
    let fields = &form.confirm;
    let action_id = fields.action_id();
    let mut confirm = base()
        .hidden("min_capacity", new.min.to_string())
        .hidden("max_capacity", new.max.to_string())
        .hidden("action_id", action_id.clone());
    confirm.summary = vec![
        format!("Cluster {c} · service {s}"),
        format!(
            "Min/max {}–{} → {}–{} (desired count now: {}, running: {})",
            old.min, old.max, new.min, new.max, current.desired, current.running
        ),
    ];
    if new.excludes(current.desired) {
        let to = current.desired.clamp(new.min, new.max);
        confirm.warnings.push(format!(
            "The desired count {} is outside {}–{}: autoscaling will set it to {to}.",
            current.desired, new.min, new.max
        ));
    }
    if new.max == 0 {
        confirm
            .warnings
            .push("A maximum of 0 stops every task of this service.".to_string());
        confirm.danger = true;
    }
    if new == old {
        confirm
            .warnings
            .push("This is the current min/max: nothing will change.".to_string());
    }
    confirm.typed_name = protected.then(|| s.clone());
    confirm.submit = format!("Set min/max to {}–{}", new.min, new.max);
    if let Some(status) = confirm.hold(fields) {
        return confirm.show(&ctx, status);
    }
    let aws = ctx.aws();
    let fleet = ctx.env.fleet.clone();
    let change = Change {
        action: Action::Capacity,
        target: s.clone(),
        params: serde_json::json!({ "min_capacity": new.min, "max_capacity": new.max }),
        before: format!("min {} max {}", old.min, old.max),
        after: format!("min {} max {}", new.min, new.max),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
        let done = aws.register_scalable_target(&c, &s, new).await;
        fleet.forget_autoscaling(&c, &s);
        done
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::parse_capacity;
    use crate::domain::Capacity;

    #[test]
    fn ranges_are_whole_numbers_with_min_at_most_max() {
        assert_eq!(parse_capacity("2", "6"), Ok(Capacity { min: 2, max: 6 }));
        assert_eq!(parse_capacity("0", "0"), Ok(Capacity { min: 0, max: 0 }));
        for (min, max, field) in [
            ("7", "3", "min_capacity"),
            ("-1", "3", "min_capacity"),
            ("x", "3", "min_capacity"),
            ("1", "", "max_capacity"),
            ("1", "2.5", "max_capacity"),
            ("1", "5001", "max_capacity"),
        ] {
            assert_eq!(
                parse_capacity(min, max).map_err(|e| e.0),
                Err(field),
                "{min}/{max}"
            );
        }
    }
}
