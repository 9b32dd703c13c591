//! Rules of the code base that a reviewer would otherwise have to keep in
//! mind: dashboard URLs come from `src/web/urls.rs` only, templates never
//! turn `family:3` into a path by hand, and no source file grows past 400
//! lines.

use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Source files of the dashboard (the sandbox serves AWS's URLs, not ours).
fn dashboard_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&root().join("src"), "rs", &mut out);
    out.retain(|p| !p.starts_with(root().join("src/sandbox")));
    out
}

#[test]
fn dashboard_urls_are_built_only_in_the_url_module() {
    // urls.rs builds them; routes.rs holds the patterns they must match;
    // console.rs builds the AWS console's URLs, not ours.
    let allowed =
        ["src/web/urls.rs", "src/routes.rs", "src/web/console.rs"].map(|p| root().join(p));
    let mut offenders = Vec::new();
    for path in dashboard_sources() {
        if allowed.contains(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let hand_built = line.contains("format!(\"/{")
                || line.contains("format!(\"/{}")
                || line.contains("\"/{env}")
                || line.contains("/clusters/{")
                || line.contains("/task-definitions/{")
                || line.contains("format!(\"{base}");
            if hand_built && !line.trim_start().starts_with("//") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "build these URLs with crate::web::urls instead:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn templates_take_urls_from_the_url_module() {
    let mut templates = Vec::new();
    files(&root().join("templates"), "html", &mut templates);
    assert!(templates.len() > 10, "templates found: {templates:?}");
    let mut offenders = Vec::new();
    for path in templates {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let literal_path = [
                "href=\"/",
                "action=\"/",
                "hx-get=\"/",
                "hx-post=\"/",
                "sse-connect=\"/",
            ]
            .iter()
            .any(|attr| line.contains(attr));
            let concatenated = attribute_values(line).iter().any(|v| v.contains("}}/"))
                || line.contains(".replace(\":\", \"/\")");
            if literal_path || concatenated {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "templates must call a urls.rs function (or a method using one):\n{}",
        offenders.join("\n")
    );
}

/// The values of the attributes on a line that hold URLs.
fn attribute_values(line: &str) -> Vec<&str> {
    const URL_ATTRIBUTES: [&str; 6] = ["href", "action", "hx-get", "hx-post", "sse-connect", "src"];
    let pieces: Vec<&str> = line.split("=\"").collect();
    pieces
        .windows(2)
        .filter(|w| URL_ATTRIBUTES.iter().any(|a| w[0].ends_with(a)))
        .filter_map(|w| w[1].split('"').next())
        .collect()
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut all = Vec::new();
    files(&root().join("src"), "rs", &mut all);
    files(&root().join("tests"), "rs", &mut all);
    files(&root().join("examples"), "rs", &mut all);
    let long: Vec<String> = all
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).unwrap().lines().count();
            (n > 400).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}
