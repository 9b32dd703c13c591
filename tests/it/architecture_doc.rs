//! docs/architecture.md lists every route under `## Screens and routes`;
//! this keeps that table and `ecsdeck::route_table()` the same set of
//! (method, path) pairs, so the map cannot drift from the router.

use std::collections::BTreeSet;

const DOC: &str = "docs/architecture.md";
const HEADING: &str = "## Screens and routes";

/// The cells of one table row, split on `|` (a `\|` stays in its cell).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

/// The (method, path) pairs of the first table under [`HEADING`], and the
/// rows that could not be read.
fn documented_routes(doc: &str) -> (Vec<(String, String)>, Vec<String>) {
    let start = doc
        .lines()
        .position(|l| l.trim() == HEADING)
        .unwrap_or_else(|| panic!("{DOC} has no `{HEADING}` heading"));
    let table: Vec<&str> = doc
        .lines()
        .skip(start + 1)
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .collect();
    assert!(table.len() > 2, "no table under `{HEADING}` in {DOC}");
    let header = cells(table[0]);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("the routes table in {DOC} has no `{name}` column"))
    };
    let (method_col, path_col) = (column("Method"), column("Path"));
    let mut routes = Vec::new();
    let mut unreadable = Vec::new();
    // table[1] is the |---|---| separator.
    for line in &table[2..] {
        let row = cells(line);
        let (Some(methods), Some(path)) = (row.get(method_col), row.get(path_col)) else {
            unreadable.push(format!("too few cells: {line}"));
            continue;
        };
        let Some(path) = path
            .strip_prefix('`')
            .and_then(|p| p.strip_suffix('`'))
            .filter(|p| p.starts_with('/') && !p.contains('`'))
        else {
            unreadable.push(format!("Path cell not a `/…` code span: {path}"));
            continue;
        };
        for method in methods.split(',').map(str::trim) {
            if method.is_empty() || !method.chars().all(|c| c.is_ascii_uppercase()) {
                unreadable.push(format!("bad Method cell {methods:?} for {path}"));
                continue;
            }
            routes.push((method.to_string(), path.to_string()));
        }
    }
    (routes, unreadable)
}

#[test]
fn the_architecture_doc_lists_exactly_the_routes_of_the_route_table() {
    let path = format!("{}/{DOC}", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let (documented, unreadable) = documented_routes(&doc);

    let mut seen = BTreeSet::new();
    let duplicated: Vec<String> = documented
        .iter()
        .filter(|r| !seen.insert((*r).clone()))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();

    let served: BTreeSet<(String, String)> = ecsdeck::route_table()
        .iter()
        .flat_map(|spec| {
            spec.methods
                .iter()
                .map(move |m| (m.to_string(), spec.path.to_string()))
        })
        .collect();
    let missing: Vec<String> = served
        .difference(&seen)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let extra: Vec<String> = seen
        .difference(&served)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();

    let mut problems = Vec::new();
    let mut report = |what: &str, list: &[String]| {
        if !list.is_empty() {
            problems.push(format!("{what}:\n  {}", list.join("\n  ")));
        }
    };
    report(
        "routes in route_table() (src/routes.rs) missing from the doc's table",
        &missing,
    );
    report(
        "routes in the doc's table that route_table() does not serve",
        &extra,
    );
    report(
        "routes listed more than once in the doc's table",
        &duplicated,
    );
    report(
        "rows of the doc's table that could not be read",
        &unreadable,
    );
    assert!(
        problems.is_empty(),
        "{DOC}, table under `{HEADING}`, is out of date (one row per route-table row; \
         Method cell like `GET` or `GET, POST`; Path cell the axum pattern in backticks):\n{}",
        problems.join("\n")
    );
}

#[test]
fn table_cells_split_on_unescaped_pipes_only() {
    assert_eq!(
        cells("| GET, POST | `/a/{b}` | x \\| y |"),
        vec!["GET, POST", "`/a/{b}`", "x | y"]
    );
}
