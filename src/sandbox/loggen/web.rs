//! nginx access/error lines, a JSON-logging API and MongoDB's JSON log.

use super::rng::Rng;
use super::stamp::Stamp;

pub fn nginx_boot(at: i64) -> Vec<String> {
    let t = Stamp::at(at).nginx_error();
    vec![
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh".into(),
        "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
        format!("{t} [notice] 1#1: using the \"epoll\" event method"),
        format!("{t} [notice] 1#1: nginx/1.27.2"),
        format!("{t} [notice] 1#1: start worker processes"),
        format!("{t} [notice] 1#1: start worker process 29"),
    ]
}

const PATHS: &[&str] = &[
    "/",
    "/en/news/2026/autumn-release.html",
    "/assets/application-3f2a9c1e.css",
    "/assets/application-8d1b44f0.js",
    "/images/hero@2x.webp",
    "/api/pages?slug=about",
    "/favicon.ico",
    "/wp-login.php",
];

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "ELB-HealthChecker/2.0",
    "curl/8.5.0",
];

pub fn nginx(rng: &mut Rng, at: i64) -> Vec<String> {
    let path = rng.pick(PATHS);
    let ip = rng.ip();
    let roll = rng.range(0, 100);
    let status = match (path, roll) {
        ("/wp-login.php", _) | ("/favicon.ico", 0..=40) => 404,
        (_, 0..=2) => 502,
        (p, 3..=30) if p.starts_with("/assets") || p.starts_with("/images") => 304,
        _ => 200,
    };
    let bytes = match status {
        304 => 0,
        404 => 153,
        502 => 157,
        _ => rng.range(512, 90_000),
    };
    let agent = rng.pick(AGENTS);
    let referer = if path.starts_with("/assets") {
        "https://cms.example.com/"
    } else {
        "-"
    };
    let mut out = vec![format!(
        "{ip} - - [{}] \"GET {path} HTTP/1.1\" {status} {bytes} \"{referer}\" \"{agent}\"",
        Stamp::at(at).clf()
    )];
    if status == 502 {
        out.push(format!(
            "{} [error] 29#29: *{} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: cms.example.com, request: \"GET {path} HTTP/1.1\", upstream: \"http://10.0.2.15:8080{path}\", host: \"cms.example.com\"",
            Stamp::at(at).nginx_error(),
            rng.range(1_000, 99_999)
        ));
    }
    out
}

fn json_line(at: i64, level: &str, msg: &str, rest: &str) -> String {
    let sep = if rest.is_empty() { "" } else { "," };
    format!(
        "{{\"ts\":\"{}\",\"level\":\"{level}\",\"msg\":\"{msg}\"{sep}{rest}}}",
        Stamp::at(at).iso()
    )
}

pub fn json_boot(at: i64) -> Vec<String> {
    vec![
        json_line(
            at,
            "info",
            "config loaded",
            "\"env\":\"production\",\"version\":\"2.14.0\"",
        ),
        json_line(at, "info", "connected to database", "\"pool_size\":10"),
        json_line(at, "info", "listening", "\"addr\":\"0.0.0.0:8080\""),
    ]
}

const API_PATHS: &[&str] = &[
    "/v1/orders",
    "/v1/orders/{id}",
    "/v1/quotes",
    "/v1/users/me",
    "/healthz",
];

pub fn json_api(rng: &mut Rng, at: i64) -> Vec<String> {
    let path = rng.pick(API_PATHS);
    let method = if path == "/v1/quotes" { "POST" } else { "GET" };
    let req = rng.uuid();
    let roll = rng.range(0, 100);
    let (level, msg, status, latency) = match roll {
        0..=2 => ("error", "upstream timeout", 504, rng.range(5_000, 30_001)),
        3..=4 => ("error", "internal error", 500, rng.range(5, 200)),
        5..=9 => ("warn", "slow request", 200, rng.range(800, 3_000)),
        10..=13 => ("info", "request completed", 404, rng.range(1, 20)),
        _ => ("info", "request completed", 200, rng.range(1, 120)),
    };
    vec![json_line(
        at,
        level,
        msg,
        &format!(
            "\"method\":\"{method}\",\"path\":\"{path}\",\"status\":{status},\"latency_ms\":{latency},\"request_id\":\"{req}\""
        ),
    )]
}

fn mongo_line(at: i64, sev: &str, comp: &str, id: u32, ctx: &str, msg: &str, attr: &str) -> String {
    format!(
        "{{\"t\":{{\"$date\":\"{}\"}},\"s\":\"{sev}\",  \"c\":\"{comp}\", \"id\":{id}, \"ctx\":\"{ctx}\",\"msg\":\"{msg}\",\"attr\":{attr}}}",
        Stamp::at(at).mongo()
    )
}

pub fn mongo_boot(at: i64) -> Vec<String> {
    vec![
        mongo_line(
            at,
            "I",
            "CONTROL",
            23285,
            "main",
            "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'",
            "{}",
        ),
        mongo_line(
            at,
            "I",
            "CONTROL",
            4615611,
            "initandlisten",
            "MongoDB starting",
            "{\"pid\":1,\"port\":27017,\"dbPath\":\"/data/db\",\"architecture\":\"64-bit\",\"host\":\"mongo\"}",
        ),
        mongo_line(
            at,
            "I",
            "NETWORK",
            23015,
            "listener",
            "Listening on",
            "{\"address\":\"0.0.0.0\"}",
        ),
        mongo_line(
            at,
            "I",
            "NETWORK",
            23016,
            "listener",
            "Waiting for connections",
            "{\"port\":27017,\"ssl\":\"off\"}",
        ),
    ]
}

pub fn mongo(rng: &mut Rng, at: i64, n: u64) -> Vec<String> {
    let conn = 10 + n % 40;
    let ip = rng.ip();
    match rng.range(0, 10) {
        0..=4 => vec![mongo_line(
            at,
            "I",
            "NETWORK",
            22943,
            "listener",
            "Connection accepted",
            &format!(
                "{{\"remote\":\"{ip}:{}\",\"uuid\":\"{}\",\"connectionId\":{conn},\"connectionCount\":{}}}",
                rng.range(30_000, 60_000),
                rng.uuid(),
                rng.range(4, 30)
            ),
        )],
        5..=7 => vec![mongo_line(
            at,
            "I",
            "NETWORK",
            22944,
            &format!("conn{conn}"),
            "Connection ended",
            &format!(
                "{{\"remote\":\"{ip}:{}\",\"connectionId\":{conn},\"connectionCount\":{}}}",
                rng.range(30_000, 60_000),
                rng.range(4, 30)
            ),
        )],
        _ => vec![mongo_line(
            at,
            "I",
            "COMMAND",
            51803,
            &format!("conn{conn}"),
            "Slow query",
            &format!(
                "{{\"type\":\"command\",\"ns\":\"cms.pages\",\"command\":{{\"find\":\"pages\",\"filter\":{{\"slug\":\"about\"}}}},\"planSummary\":\"COLLSCAN\",\"docsExamined\":{},\"durationMillis\":{}}}",
                rng.range(1_000, 90_000),
                rng.range(100, 2_500)
            ),
        )],
    }
}
