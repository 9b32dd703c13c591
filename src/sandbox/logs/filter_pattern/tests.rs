#![allow(clippy::unwrap_used)]

use super::*;

const RAILS_ERR: &str = "E, [2026-11-23T10:01:02.123456 #1] ERROR -- : [abc] PG::ConnectionBad: could not connect to server: Connection refused";
const RAILS_OK: &str =
    "I, [2026-11-23T10:01:02.123456 #1]  INFO -- : [abc] Completed 200 OK in 45ms";
const JSON_ERR: &str = r#"{"ts":"2026-11-23T10:01:02Z","level":"error","msg":"upstream timeout after 30s","status":504,"latency_ms":30001,"path":"/v1/orders","ctx":{"region":"eu","tags":["a","b"]},"cached":false,"user":null}"#;
const JSON_OK: &str = r#"{"ts":"2026-11-23T10:01:03Z","level":"info","msg":"ok","status":200,"latency_ms":12,"path":"/v1/orders","ctx":{"region":"us"}}"#;
const NGINX: &str = r#"10.0.1.23 - - [23/Nov/2026:10:01:02 +0000] "GET /api/items HTTP/1.1" 502 157 "-" "curl/8.5.0""#;

fn m(pattern: &str, line: &str) -> bool {
    FilterPattern::parse(pattern).unwrap().matches(line)
}

#[test]
fn term_patterns() {
    let cases: &[(&str, &str, bool)] = &[
        ("", RAILS_OK, true),
        ("   ", RAILS_ERR, true),
        ("ERROR", RAILS_ERR, true),
        ("ERROR", RAILS_OK, false),
        ("error", RAILS_ERR, false), // case-sensitive, as AWS
        ("ERROR ConnectionBad", RAILS_ERR, true),
        ("ERROR Completed", RAILS_ERR, false),
        ("\"Connection refused\"", RAILS_ERR, true),
        ("\"refused Connection\"", RAILS_ERR, false),
        ("?ERROR ?WARN", RAILS_ERR, true),
        ("?ERROR ?WARN", RAILS_OK, false),
        ("?WARN ?\"200 OK\"", RAILS_OK, true),
        ("INFO -Completed", RAILS_OK, false),
        ("INFO -ERROR", RAILS_OK, true),
        ("-\"200 OK\"", RAILS_OK, false),
        ("-\"200 OK\"", RAILS_ERR, true),
        ("Completed ?200 ?201 -500", RAILS_OK, true),
        ("\"say \\\"hi\\\"\"", "they say \"hi\" here", true),
    ];
    for (pattern, line, want) in cases {
        assert_eq!(m(pattern, line), *want, "pattern {pattern:?} on {line:?}");
    }
}

#[test]
fn json_patterns() {
    let cases: &[(&str, &str, bool)] = &[
        (r#"{ $.level = "error" }"#, JSON_ERR, true),
        (r#"{ $.level = "error" }"#, JSON_OK, false),
        (r#"{ $.level = error }"#, JSON_ERR, true),
        (r#"{ $.level = "error" }"#, RAILS_ERR, false), // not JSON
        (r#"{ $.status >= 500 }"#, JSON_ERR, true),
        (r#"{ $.status >= 500 }"#, JSON_OK, false),
        (r#"{ $.status = 504 }"#, JSON_ERR, true),
        (r#"{ $.status != 200 }"#, JSON_ERR, true),
        (r#"{ $.status != 200 }"#, JSON_OK, false),
        (
            r#"{ $.latency_ms > 1000 && $.path = "/v1/*" }"#,
            JSON_ERR,
            true,
        ),
        (r#"{ $.msg = "*timeout*" }"#, JSON_ERR, true),
        (r#"{ $.msg = "*timeout*" }"#, JSON_OK, false),
        (r#"{ $.level != "info" }"#, JSON_ERR, true),
        (r#"{ $.ctx.region = "eu" }"#, JSON_ERR, true),
        (r#"{ $.ctx.tags[1] = "b" }"#, JSON_ERR, true),
        (
            r#"{ ($.level = "info" || $.status >= 500) && $.ctx.region = "us" }"#,
            JSON_OK,
            true,
        ),
        (
            r#"{ ($.level = "info" || $.status >= 500) && $.ctx.region = "us" }"#,
            JSON_ERR,
            false,
        ),
        (
            r#"{ $.level = "warn" || $.level = "error" }"#,
            JSON_ERR,
            true,
        ),
        (r#"{ $.missing != "x" }"#, JSON_ERR, false),
        (r#"{ $.missing NOT EXISTS }"#, JSON_ERR, true),
        (r#"{ $.cached IS FALSE }"#, JSON_ERR, true),
        (r#"{ $.user IS NULL }"#, JSON_ERR, true),
        (r#"{ $.status = "504" }"#, JSON_ERR, false), // a string never equals a number
    ];
    for (pattern, line, want) in cases {
        assert_eq!(m(pattern, line), *want, "pattern {pattern:?} on {line:?}");
    }
}

#[test]
fn space_delimited_patterns() {
    assert!(m(
        "[ip, id, user, ts, request, status=5*, size, referer, agent]",
        NGINX
    ));
    assert!(!m(
        "[ip, id, user, ts, request, status=4*, size, referer, agent]",
        NGINX
    ));
    assert!(m("[ip=10.0.*, ...]", NGINX));
    assert!(m("[..., status>=500, size, referer, agent]", NGINX));
    assert!(!m("[ip, user]", NGINX));
}

#[test]
fn malformed_patterns_are_rejected() {
    for bad in [
        "\"unterminated",
        "?",
        "-",
        "{ $.level = \"error\"",
        "{ level = \"error\" }",
        "{ $.level }",
        "{ $.status >= }",
        "{ $.level > \"a\" }",
        "{ $.a = 1 && }",
        "{ ($.a = 1 }",
        "{ $.a = 1 } trailing",
        "[a, b",
        "[]",
        "foo\"bar",
    ] {
        let err = FilterPattern::parse(bad).unwrap_err();
        assert_eq!(err.kind, "InvalidParameterException", "{bad:?}");
        assert_eq!(err.message, "Invalid filter pattern");
    }
}

#[test]
fn glob_matching() {
    assert!(glob("*", ""));
    assert!(glob("a*c", "abc"));
    assert!(glob("a*c", "ac"));
    assert!(!glob("a*c", "ab"));
    assert!(glob("*mid*", "in the middle"));
    assert!(glob("exact", "exact"));
    assert!(!glob("exact", "exactly"));
    assert!(glob("a*b*c", "aXbYc"));
    assert!(!glob("a*b*c", "aXcYb"));
}

#[test]
fn repeated_ellipses_cost_polynomial_steps() {
    // Backtracking over every split of 201 words among five `...` fields
    // is C(205, 5) ≈ 2.9 × 10⁹ tries per line; the matcher takes at most
    // fields × (words + 1).
    let FilterPattern::Spaced(p) =
        FilterPattern::parse("[a, ..., ..., ..., ..., ..., x=zz]").unwrap()
    else {
        panic!("a space-delimited pattern");
    };
    let words: Vec<String> = (0..199).map(|i| format!("w{i}")).collect();
    let miss = format!("a {} yy", words.join(" "));
    let hit = format!("a {} zz", words.join(" "));
    // 201 words (a, w0…w198, the last), 7 fields.
    let bound = 7 * (201 + 1);
    let (matched, steps) = p.matches_counting(&miss);
    assert!(!matched);
    assert!(steps <= bound, "{steps} steps");
    let (matched, steps) = p.matches_counting(&hit);
    assert!(matched);
    assert!(steps <= bound, "{steps} steps");
    // The answers are those of the pattern language.
    assert!(m("[a, ..., ..., x=zz]", "a zz"), "`...` may match nothing");
    assert!(
        m("[a, ..., x=zz]", "b q zz"),
        "`a` names a field, any value"
    );
    assert!(!m("[a, ..., x=zz]", "b q yy"));
    assert!(m("[..., ...]", ""));
    assert!(!m("[a]", ""));
}
