//! A Java CMS (Spring Boot style, multi-line stack traces), a data-pipeline
//! step with ANSI-coloured progress, and a generic app.

use super::rng::Rng;
use super::stamp::Stamp;

fn java(at: i64, level: &str, thread: &str, logger: &str, msg: &str) -> String {
    format!(
        "{} {level:>5} 1 --- [{thread:>15}] {logger:<40} : {msg}",
        Stamp::at(at).java()
    )
}

pub fn cms_boot(at: i64) -> Vec<String> {
    vec![
        java(
            at,
            "INFO",
            "main",
            "c.e.cms.CmsApplication",
            "Starting CmsApplication v2.4.1 using Java 17.0.9 with PID 1",
        ),
        java(
            at,
            "INFO",
            "main",
            "c.e.cms.CmsApplication",
            "The following 1 profile is active: \"production\"",
        ),
        java(
            at,
            "INFO",
            "main",
            "o.s.b.w.embedded.tomcat.TomcatWebServer",
            "Tomcat initialized with port 8080 (http)",
        ),
        java(
            at,
            "INFO",
            "main",
            "o.s.d.m.core.MongoTemplate",
            "Connected to mongodb://mongo.cms.local:27017/cms",
        ),
        java(
            at,
            "INFO",
            "main",
            "c.e.cms.CmsApplication",
            "Started CmsApplication in 14.218 seconds (process running for 15.02)",
        ),
    ]
}

const PAGES: &[&str] = &[
    "/content/home",
    "/content/news/autumn-release",
    "/content/about",
    "/content/careers",
    "/content/contact",
];

pub fn cms(rng: &mut Rng, at: i64) -> Vec<String> {
    let page = rng.pick(PAGES);
    let thread = format!("nio-8080-exec-{}", rng.range(1, 11));
    if rng.chance(0.03) {
        // One event holding the whole trace, as with an awslogs multiline pattern.
        let trace = [
            format!("Servlet.service() for servlet [dispatcherServlet] threw exception rendering {page}"),
            "java.lang.NullPointerException: Cannot invoke \"com.example.cms.model.Page.getTitle()\" because \"page\" is null".into(),
            "\tat com.example.cms.web.PageController.render(PageController.java:88)".into(),
            "\tat com.example.cms.web.PageController.show(PageController.java:51)".into(),
            "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)".into(),
            "\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)".into(),
            "\t... 48 common frames omitted".into(),
        ]
        .join("\n");
        return vec![java(
            at,
            "ERROR",
            &thread,
            "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
            &trace,
        )];
    }
    let mut out = Vec::new();
    if rng.chance(0.05) {
        out.push(java(
            at,
            "WARN",
            &thread,
            "c.e.cms.cache.PageCache",
            &format!("Cache miss storm for {page}: 37 concurrent renders"),
        ));
    }
    out.push(java(
        at,
        "INFO",
        &thread,
        "c.e.cms.web.PageController",
        &format!("Rendered {page} in {} ms", rng.range(8, 400)),
    ));
    out
}

const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const RESET: &str = "\x1b[0m";

pub fn pipeline_boot(at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    vec![
        format!("{t} {CYAN}pipeline{RESET} starting step ingest-orders (image pipeline:2026.11.3)"),
        format!(
            "{t} {CYAN}pipeline{RESET} reading s3://example-data-lake/raw/orders/ (EFS cache at /mnt/efs/cache)"
        ),
    ]
}

pub fn pipeline(rng: &mut Rng, at: i64, n: u64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    let batch = 1_000 + n;
    let records = rng.range(800, 5_000);
    let mut out = vec![format!(
        "{t} {CYAN}[batch {batch}]{RESET} processed {records} records in {:.2}s {GREEN}✓{RESET}",
        rng.float(0.3, 9.0)
    )];
    if rng.chance(0.06) {
        out.push(format!("{t} {YELLOW}WARN{RESET} [batch {batch}] S3 PutObject SlowDown, retrying in 2s (attempt 2/5)"));
    }
    if n.is_multiple_of(10) {
        out.push(format!(
            "{t} {BOLD_GREEN}checkpoint{RESET} committed offset {} to DynamoDB",
            batch * 5_000
        ));
    }
    out
}

pub fn generic_boot(at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    vec![
        format!("{t} INFO app: starting"),
        format!("{t} INFO app: ready"),
    ]
}

pub fn generic(rng: &mut Rng, at: i64, n: u64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    if rng.chance(0.05) {
        return vec![format!(
            "{t} WARN app: queue depth {} above threshold 100",
            rng.range(101, 400)
        )];
    }
    vec![format!(
        "{t} INFO app: heartbeat ok seq={n} rss_mb={}",
        rng.range(90, 140)
    )]
}
