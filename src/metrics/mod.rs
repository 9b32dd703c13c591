//! `/metrics`: what ecsdeck has done since start-up, in the Prometheus text
//! format (prometheus-client's registry and encoder).
//!
//! One [`Metrics`] per `AppState`, never a global recorder: each app (and
//! each test's app) counts its own requests. HTTP requests and actions are
//! counted as they happen; everything read from the environments (AWS
//! calls, budget, caches, refresh lag, live tails) is read at scrape time
//! from the counters those parts already keep (`scrape.rs`).
//!
//! Every label is bounded: routes are the route table's templates (or
//! `fallback`), methods the standard ones (else `other`), statuses three
//! digits, environments from the configuration, operations and cache names
//! from the code's fixed sets, action kinds from `Action`.

mod scrape;

use std::time::Duration;

use axum::http::Method;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::state::Environment;

/// The `Content-Type` of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Request latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

type Labels<const N: usize> = [(&'static str, String); N];
type HistogramFamily = Family<Labels<1>, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The counters of one app.
#[derive(Debug)]
pub struct Metrics {
    http_requests: Family<Labels<3>, Counter>,
    http_duration: HistogramFamily,
    actions: Family<Labels<2>, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(latency_histogram),
            actions: Family::default(),
        }
    }
}

impl Metrics {
    /// Counts one answered request. `route` is the matched route template
    /// (`/{env}/clusters/{cluster}`) or `fallback`, never the raw path.
    pub fn http_request(&self, route: &str, method: &Method, status: u16, latency: Duration) {
        let standard = matches!(
            *method,
            Method::GET
                | Method::POST
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::PATCH
                | Method::OPTIONS
                | Method::CONNECT
                | Method::TRACE
        );
        let method = if standard { method.as_str() } else { "other" };
        self.http_requests
            .get_or_create(&[
                ("route", route.to_string()),
                ("method", method.to_string()),
                ("status", status.to_string()),
            ])
            .inc();
        self.http_duration
            .get_or_create(&[("route", route.to_string())])
            .observe(latency.as_secs_f64());
    }

    /// Counts one action: `kind` an `Action`'s name, `result` one of
    /// `ok`, `error` (AWS refused), `duplicate` (a resubmitted form, AWS
    /// not called) or `denied` (the guard refused it).
    pub fn action(&self, kind: &'static str, result: &'static str) {
        self.actions
            .get_or_create(&[("kind", kind.to_string()), ("result", result.to_string())])
            .inc();
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self, environments: &[Environment]) -> String {
        let mut registry = Registry::default();
        registry.register(
            "ecsdeck_http_requests",
            "HTTP requests answered, by route template, method and status",
            self.http_requests.clone(),
        );
        registry.register(
            "ecsdeck_http_request_duration_seconds",
            "Time to answer a request (to the response head for streams), by route template",
            self.http_duration.clone(),
        );
        registry.register(
            "ecsdeck_actions",
            "Actions (AWS writes) by kind and result: ok, error, duplicate, denied",
            self.actions.clone(),
        );
        scrape::register(&mut registry, environments);
        let mut out = String::new();
        if let Err(e) = prometheus_text::encode(&mut out, &registry) {
            tracing::error!(error = %e, "cannot encode /metrics");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded_and_every_family_is_described() {
        let m = Metrics::default();
        let odd = Method::from_bytes(b"BREW").unwrap_or(Method::GET);
        m.http_request("/audit", &odd, 200, Duration::from_millis(30));
        m.action("scale", "ok");
        let text = m.render(&[]);
        assert!(text.contains(
            "ecsdeck_http_requests_total{route=\"/audit\",method=\"other\",status=\"200\"} 1"
        ));
        assert!(
            text.contains(
                "ecsdeck_http_request_duration_seconds_bucket{le=\"0.05\",route=\"/audit\"} 1"
            ) || text.contains(
                "ecsdeck_http_request_duration_seconds_bucket{route=\"/audit\",le=\"0.05\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("ecsdeck_actions_total{kind=\"scale\",result=\"ok\"} 1"));
        assert!(text.contains("# TYPE ecsdeck_actions_total counter"));
        assert!(text.contains("# TYPE ecsdeck_http_request_duration_seconds histogram"));
    }
}
