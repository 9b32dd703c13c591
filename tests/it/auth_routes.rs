//! Every route × every role gives the right answer. The rows come from
//! `ecsdeck::route_table()`, so a new route is covered the moment it is
//! added (and cannot be added without an access decision).

use ecsdeck::auth::{Access, Role};

use crate::both_backends;
use crate::harness::*;

/// A real-looking value for each path parameter.
fn sample_path(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| {
            if !(seg.starts_with('{') && seg.ends_with('}')) {
                return seg.to_string();
            }
            match seg.trim_matches(|c| c == '{' || c == '}') {
                "env" => "sandbox",
                "*path" => "app.css",
                "cluster" => "demo",
                "service" => "web",
                "task_id" | "task" => "0123456789abcdef0123456789abcdef",
                "family" => "web",
                "revision" => "1",
                "repository" => "web",
                _ => "x",
            }
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_sign_in_redirect(p: &Page) -> bool {
    p.status == 303 && p.header("location").starts_with("/login")
}

async fn call(who: &Session, method: &str, path: &str) -> Page {
    match method {
        "GET" => who.get(path).await,
        "POST" => who.post_form(path, &[]).await,
        other => panic!("the route test does not know method {other}"),
    }
}

async fn every_route_answers_each_role_rightly(backend: Backend) {
    let sb = start_sandbox(Default::default()).await;
    let Some(app) = TestApp::with_auth(&sb, backend, |_| {}).await else {
        return;
    };
    let roles: [Option<Role>; 4] = [
        None,
        Some(Role::Viewer),
        Some(Role::Operator),
        Some(Role::Admin),
    ];
    let table = ecsdeck::route_table();
    assert!(
        table.iter().any(|r| r.path == "/login"),
        "the table has /login"
    );
    let mut checked = 0;
    for role in roles {
        let mut who = match role {
            None => app.anonymous().await,
            Some(r) => app.session(r.as_str()).await,
        };
        for spec in &table {
            let path = sample_path(spec.path);
            for method in spec.methods {
                let page = call(&who, method, &path).await;
                let what = format!(
                    "{method} {path} ({}) as {role:?}: {} {}",
                    spec.access,
                    page.status,
                    page.header("location")
                );
                match role {
                    None if spec.access == Access::Public => {
                        assert!(
                            !is_sign_in_redirect(&page) && page.status != 403,
                            "allowed: {what}"
                        );
                    }
                    None => assert!(is_sign_in_redirect(&page), "sign-in first: {what}"),
                    Some(r) if r.allows(spec.access) => {
                        assert_ne!(page.status, 403, "allowed: {what}");
                        assert!(
                            page.status != 303 || !page.header("location").starts_with("/login?"),
                            "allowed: {what}"
                        );
                    }
                    Some(_) => assert_eq!(page.status, 403, "forbidden: {what}"),
                }
                checked += 1;
                // A POST may have ended the session (sign-out): start a new one.
                if *method != "GET"
                    && let Some(r) = role
                    && who.get("/").await.status != 200
                {
                    who = app.session(r.as_str()).await;
                }
            }
        }
        // Unknown URLs: the sign-in page for strangers, 404 for users.
        let unknown = who.get("/no/such/page").await;
        match role {
            None => assert!(is_sign_in_redirect(&unknown), "unknown URL as anonymous"),
            Some(_) => assert_eq!(unknown.status, 404, "unknown URL as {role:?}"),
        }
    }
    assert!(checked >= 4 * table.len(), "checked {checked}");
}

both_backends!(every_route_answers_each_role_rightly);

#[test]
fn access_decisions_follow_the_role_ladder() {
    use Access::*;
    assert!(
        Role::Viewer.allows(Viewer)
            && !Role::Viewer.allows(Operator)
            && !Role::Viewer.allows(Admin)
    );
    assert!(Role::Operator.allows(Operator) && !Role::Operator.allows(Admin));
    assert!(Role::Admin.allows(Admin) && Role::Admin.allows(Public));
}
