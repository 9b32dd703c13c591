//! Rails/Puma web lines and GoodJob worker lines.

use super::rng::Rng;
use super::stamp::Stamp;

/// Ruby Logger's line prefix: `I, [2026-…T10:01:02.123456 #1]  INFO -- : `.
fn prefix(at: i64, level: &str) -> String {
    let letter = level.chars().next().unwrap_or('I');
    format!("{letter}, [{} #1] {level:>5} -- : ", Stamp::at(at).ruby())
}

fn tagged(at: i64, level: &str, req: &str, text: &str) -> String {
    format!("{}[{req}] {text}", prefix(at, level))
}

pub fn puma_boot(rng: &mut Rng, at: i64) -> Vec<String> {
    let mut lines: Vec<String> = [
        "=> Booting Puma",
        "=> Rails 7.1.3.4 application starting in production ",
        "=> Run `bin/rails server --help` for more startup options",
        "Puma starting in single mode...",
        "* Puma version: 6.4.2 (ruby 3.3.4-p94) (\"The Eagle of Durango\")",
        "*  Min threads: 5",
        "*  Max threads: 5",
        "*  Environment: production",
        "*          PID: 1",
        "* Listening on http://0.0.0.0:4000",
        "Use Ctrl-C to stop",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The load balancer's first probe, then a scanner trying its luck: the
    // parameter is logged verbatim, as Rails does.
    let req = rng.uuid();
    let ip = rng.ip();
    let stamp = Stamp::at(at).rails();
    lines.push(tagged(
        at,
        "INFO",
        &req,
        &format!(
            "Started GET \"/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E\" for {ip} at {stamp}"
        ),
    ));
    lines.push(tagged(
        at,
        "INFO",
        &req,
        "Processing by SearchController#index as HTML",
    ));
    lines.push(tagged(
        at,
        "INFO",
        &req,
        "  Parameters: {\"q\"=>\"<script>alert(1)</script>\"}",
    ));
    lines.push(tagged(
        at,
        "INFO",
        &req,
        "Completed 200 OK in 18ms (Views: 9.2ms | ActiveRecord: 3.1ms | Allocations: 4127)",
    ));
    lines
}

const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/orders", "OrdersController#index"),
    ("GET", "/orders/4812", "OrdersController#show"),
    ("POST", "/orders", "OrdersController#create"),
    ("GET", "/customers/77/invoices", "InvoicesController#index"),
    (
        "PATCH",
        "/account/settings",
        "Account::SettingsController#update",
    ),
    ("GET", "/up", "Rails::HealthController#show"),
    ("GET", "/dashboard", "DashboardController#show"),
    (
        "GET",
        "/api/v2/products?page=3",
        "Api::V2::ProductsController#index",
    ),
];

pub fn request(rng: &mut Rng, at: i64) -> Vec<String> {
    let (verb, path, action) = ROUTES[rng.range(0, ROUTES.len() as i64) as usize];
    let req = rng.uuid();
    let ip = rng.ip();
    let format = if path.starts_with("/api") {
        "JSON"
    } else {
        "HTML"
    };
    let mut out = vec![
        tagged(
            at,
            "INFO",
            &req,
            &format!(
                "Started {verb} \"{path}\" for {ip} at {}",
                Stamp::at(at).rails()
            ),
        ),
        tagged(
            at,
            "INFO",
            &req,
            &format!("Processing by {action} as {format}"),
        ),
    ];
    if verb != "GET" {
        out.push(tagged(at, "INFO", &req,
            "  Parameters: {\"authenticity_token\"=>\"[FILTERED]\", \"order\"=>{\"sku\"=>\"TX-1042\", \"quantity\"=>\"2\"}}",
        ));
    }
    if rng.chance(0.04) {
        out.push(tagged(
            at,
            "WARN",
            &req,
            &format!("Rack::Attack throttled {ip}: 61 requests in 60s (limit 60)"),
        ));
    }
    if rng.chance(0.03) {
        out.extend(ruby_error(at, &req));
        return out;
    }
    let views = rng.float(2.0, 80.0);
    let ar = rng.float(0.4, 40.0);
    let total = (views + ar + rng.float(1.0, 15.0)) as i64;
    let (status, text) = if verb == "POST" {
        (302, "Found")
    } else {
        (200, "OK")
    };
    out.push(tagged(at, "INFO", &req, &format!(
        "Completed {status} {text} in {total}ms (Views: {views:.1}ms | ActiveRecord: {ar:.1}ms | Allocations: {})",
        rng.range(1_500, 60_000)
    )));
    out
}

/// An unhandled exception as Rails logs it: a 500 then the trace, one line each.
fn ruby_error(at: i64, req: &str) -> Vec<String> {
    let mut out = vec![
        tagged(
            at,
            "INFO",
            req,
            "Completed 500 Internal Server Error in 42ms (ActiveRecord: 6.3ms | Allocations: 9812)",
        ),
        tagged(at, "FATAL", req, ""),
        tagged(
            at,
            "FATAL",
            req,
            "NoMethodError (undefined method 'email' for nil):",
        ),
    ];
    for frame in [
        "app/models/order.rb:88:in 'Order#customer_email'",
        "app/mailers/order_mailer.rb:12:in 'OrderMailer#confirmation'",
        "app/controllers/orders_controller.rb:41:in 'OrdersController#create'",
        "actionpack (7.1.3.4) lib/action_controller/metal/basic_implicit_render.rb:6:in 'send_action'",
    ] {
        out.push(tagged(at, "FATAL", req, frame));
    }
    out
}

const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

fn gj(at: i64, colour: &str, level: &str, text: &str) -> String {
    format!("[{}] {colour}{level}{RESET} {text}", Stamp::at(at).iso())
}

pub fn good_job_boot(at: i64) -> Vec<String> {
    vec![
        gj(
            at,
            GREEN,
            "INFO",
            "[GoodJob] GoodJob 4.1.1 started scheduler with queues=default,mailers,low max_threads=5.",
        ),
        gj(
            at,
            GREEN,
            "INFO",
            "[GoodJob] GoodJob started cron with 4 jobs.",
        ),
        gj(
            at,
            GREEN,
            "INFO",
            "[GoodJob] Notifier subscribed with LISTEN",
        ),
    ]
}

const JOBS: &[&str] = &[
    "SyncInvoicesJob",
    "OrderConfirmationMailerJob",
    "ImportProductsJob",
    "RefreshSearchIndexJob",
    "PurgeExpiredSessionsJob",
];

pub fn job(rng: &mut Rng, at: i64, n: u64) -> Vec<String> {
    let name = rng.pick(JOBS);
    let id = rng.uuid();
    let queue = if name.contains("Mailer") {
        "mailers"
    } else {
        "default"
    };
    let tag = format!("[ActiveJob] [{name}] [{id}]");
    let mut out = vec![gj(
        at,
        GREEN,
        "INFO",
        &format!(
            "{tag} Performing {name} (Job ID: {id}) from GoodJob({queue}) enqueued at {} with arguments: {n}",
            Stamp::at(at.saturating_sub(1_500)).iso()
        ),
    )];
    if rng.chance(0.08) {
        out.push(gj(at, YELLOW, "WARN", &format!(
            "{tag} Retrying {name} (Job ID: {id}) after {} attempts in 30 seconds, due to a Net::ReadTimeout (Net::ReadTimeout with #<TCPSocket:(closed)>).",
            rng.range(1, 5)
        )));
    } else if rng.chance(0.02) {
        out.push(gj(at, RED, "ERROR", &format!(
            "{tag} Error performing {name} (Job ID: {id}) from GoodJob({queue}) in 30012.4ms: Faraday::TimeoutError (execution expired)"
        )));
    } else {
        out.push(gj(
            at,
            GREEN,
            "INFO",
            &format!(
                "{tag} Performed {name} (Job ID: {id}) from GoodJob({queue}) in {:.2}ms",
                rng.float(15.0, 2_500.0)
            ),
        ));
    }
    out
}
