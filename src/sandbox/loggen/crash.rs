//! A container's last words before it dies, per program and cause.

use super::rng::Rng;
use super::stamp::Stamp;
use super::{CrashKind, LogProfile};

pub fn lines(profile: LogProfile, kind: CrashKind, rng: &mut Rng, at: i64) -> Vec<String> {
    match kind {
        CrashKind::Error => error(profile, at),
        CrashKind::OutOfMemory => oom(profile, rng, at),
        CrashKind::Unhealthy => unhealthy(profile, rng, at),
    }
}

fn error(profile: LogProfile, at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    let mut out: Vec<String> = match profile {
        LogProfile::RailsWeb | LogProfile::GoodJobWorker => vec![
            "/usr/local/bundle/gems/activerecord-7.1.3.4/lib/active_record/connection_adapters/postgresql_adapter.rb:61:in 'PG::Connection.connect': connection to server at \"10.0.4.12\", port 5432 failed: FATAL:  password authentication failed for user \"app\" (ActiveRecord::ConnectionNotEstablished)".into(),
            "\tfrom /usr/local/bundle/gems/activerecord-7.1.3.4/lib/active_record/connection_adapters/postgresql_adapter.rb:61:in 'ActiveRecord::ConnectionAdapters::PostgreSQLAdapter.new_client'".into(),
            "\tfrom /rails/config/initializers/good_job.rb:4:in '<main>'".into(),
            "\tfrom /usr/local/bundle/gems/railties-7.1.3.4/lib/rails/engine.rb:689:in 'Kernel#load'".into(),
        ],
        LogProfile::Nginx => vec![format!(
            "{} [emerg] 1#1: host not found in upstream \"app:4000\" in /etc/nginx/conf.d/default.conf:12",
            Stamp::at(at).nginx_error()
        )],
        LogProfile::Cms => vec![format!(
            "{} ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed\norg.springframework.beans.factory.BeanCreationException: Error creating bean with name 'mongoTemplate'\n\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1786)\n\t... 27 common frames omitted",
            Stamp::at(at).java()
        )],
        LogProfile::JsonApi => vec![format!(
            "{{\"ts\":\"{t}\",\"level\":\"fatal\",\"msg\":\"cannot start: missing required environment variable DATABASE_URL\",\"status\":500}}"
        )],
        _ => vec![
            "Traceback (most recent call last):".into(),
            "  File \"/app/main.py\", line 42, in <module>".into(),
            "    main()".into(),
            "  File \"/app/main.py\", line 31, in main".into(),
            "    cfg = load_config(os.environ[\"PIPELINE_CONFIG\"])".into(),
            "KeyError: 'PIPELINE_CONFIG'".into(),
        ],
    };
    out.push("Process exited with code 1".into());
    out
}

fn oom(profile: LogProfile, rng: &mut Rng, at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    let limit = 2_048;
    let mut out: Vec<String> = [88, 94, 99]
        .iter()
        .map(|pct| {
            format!(
                "{t} WARN memory usage {} MiB of {limit} MiB ({pct}%) rss growing",
                limit * pct / 100 + rng.range(0, 9)
            )
        })
        .collect();
    if profile == LogProfile::Cms {
        out.push(format!(
            "{} ERROR 1 --- [nio-8080-exec-4] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Handler dispatch failed: java.lang.OutOfMemoryError: Java heap space",
            Stamp::at(at).java()
        ));
    }
    out.push("Killed: out of memory (OOMKilled), exit code 137".into());
    out
}

fn unhealthy(profile: LogProfile, rng: &mut Rng, at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    let probe = match profile {
        LogProfile::RailsWeb => "curl -f http://localhost:4000/up",
        LogProfile::Nginx => "curl -f http://localhost/healthz",
        _ => "curl -f http://localhost:8080/healthz",
    };
    let mut out: Vec<String> = (1..=3)
        .map(|n| {
            format!(
                "{t} health check failed ({n}/3): {probe}: (28) Operation timed out after {} milliseconds",
                5_000 + rng.range(0, 40)
            )
        })
        .collect();
    out.push(format!(
        "{t} container is unhealthy, marking task for replacement"
    ));
    out
}
