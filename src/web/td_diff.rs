//! A task definition flattened into labelled lines, and the side-by-side
//! diff of two revisions built from them. Secret-looking values (environment,
//! arguments, log options, URL credentials: `web::mask`) are masked on both
//! sides (a change still shows as changed).

use std::collections::BTreeMap;

use crate::domain::TaskDefinition;
use crate::web::mask::{display_option, display_value, mask_args};

/// One row of a diff.
pub struct DiffRow {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl DiffRow {
    pub fn class(&self) -> &'static str {
        match (&self.old, &self.new) {
            (Some(a), Some(b)) if a == b => "same",
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "added",
            _ => "removed",
        }
    }
}

/// One setting as displayed (secrets masked) and as it really is (to tell
/// a changed secret from an unchanged one without showing either).
struct Setting {
    shown: String,
    raw: String,
}

/// Every setting of `td` by label, secrets masked (through `web::mask`).
fn flatten(td: &TaskDefinition) -> BTreeMap<String, Setting> {
    let mut out = BTreeMap::new();
    let o = &mut out;
    plain(o, "task · cpu".into(), td.cpu.clone());
    plain(o, "task · memory".into(), td.memory.clone());
    plain(o, "task · network mode".into(), td.network_mode.clone());
    plain(
        o,
        "task · compatibilities".into(),
        td.compatibilities.join(", "),
    );
    plain(o, "task · task role".into(), td.task_role_arn.clone());
    plain(
        o,
        "task · execution role".into(),
        td.execution_role_arn.clone(),
    );
    for v in &td.volumes {
        plain(o, format!("volume {}", v.name), v.source.clone());
    }
    for c in &td.containers {
        let p = format!("container {}", c.name);
        plain(o, format!("{p} · image"), c.image.clone());
        plain(o, format!("{p} · cpu"), c.cpu.to_string());
        plain(
            o,
            format!("{p} · memory"),
            c.memory.map(|m| m.to_string()).unwrap_or_default(),
        );
        plain(
            o,
            format!("{p} · memory reservation"),
            c.memory_reservation
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
        plain(o, format!("{p} · essential"), c.essential.to_string());
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|pm| format!("{}/{}", pm.container_port, pm.protocol))
            .collect();
        plain(o, format!("{p} · ports"), ports.join(", "));
        args(o, format!("{p} · command"), &c.command);
        args(o, format!("{p} · entry point"), &c.entry_point);
        if let Some(h) = &c.health_check {
            args(o, format!("{p} · health check"), &h.command);
        }
        if let Some(l) = &c.log {
            let (shown, raw): (Vec<String>, Vec<String>) = l
                .options
                .iter()
                .map(|(k, v)| (format!("{k}={}", display_option(k, v)), format!("{k}={v}")))
                .unzip();
            put(
                o,
                format!("{p} · logs"),
                format!("{} {}", l.driver, shown.join(" ")),
                format!("{} {}", l.driver, raw.join(" ")),
            );
        }
        for (k, v) in &c.environment {
            put(o, format!("{p} · env {k}"), display_value(k, v), v.clone());
        }
        for (k, from) in &c.secrets {
            put(o, format!("{p} · secret {k}"), from.clone(), from.clone());
        }
    }
    out
}

fn put(out: &mut BTreeMap<String, Setting>, k: String, shown: String, raw: String) {
    if !raw.is_empty() {
        out.insert(k, Setting { shown, raw });
    }
}

fn plain(out: &mut BTreeMap<String, Setting>, k: String, v: String) {
    put(out, k, v.clone(), v);
}

fn args(out: &mut BTreeMap<String, Setting>, k: String, a: &[String]) {
    put(out, k, mask_args(a).join(" "), a.join(" "));
}

/// The diff of `old` → `new`. With `changes_only`, equal rows are left out.
/// A masked setting whose real value changed shows as changed (both sides
/// display the mask, the new side says "(changed)").
pub fn diff(old: &TaskDefinition, new: &TaskDefinition, changes_only: bool) -> Vec<DiffRow> {
    let (a, b) = (flatten(old), flatten(new));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let (sa, sb) = (a.get(k), b.get(k));
            let mut row = DiffRow {
                key: k.clone(),
                old: sa.map(|s| s.shown.clone()),
                new: sb.map(|s| s.shown.clone()),
            };
            if row.old == row.new && sa.map(|s| &s.raw) != sb.map(|s| &s.raw) {
                row.new = row.new.map(|v| format!("{v} (changed)"));
            }
            row
        })
        .filter(|r| !changes_only || r.class() != "same")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContainerDef;

    fn td(image: &str, password: &str) -> TaskDefinition {
        TaskDefinition {
            family: "rails".into(),
            cpu: "1024".into(),
            containers: vec![ContainerDef {
                name: "web".into(),
                image: image.into(),
                cpu: 512,
                essential: true,
                environment: vec![
                    ("RAILS_ENV".into(), "production".into()),
                    ("POSTGRES_PROD_PASSWORD".into(), password.into()),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn diff_shows_image_change_and_masks_secrets() {
        let rows = diff(&td("app:304", "a"), &td("app:305", "b"), true);
        let image = rows
            .iter()
            .find(|r| r.key == "container web · image")
            .unwrap();
        assert_eq!(image.class(), "changed");
        assert_eq!(image.new.as_deref(), Some("app:305"));
        let pw = rows
            .iter()
            .find(|r| r.key.ends_with("POSTGRES_PROD_PASSWORD"))
            .unwrap();
        assert_eq!(pw.class(), "changed");
        assert!(!pw.new.as_deref().unwrap().contains('b'));
        assert!(
            !rows.iter().any(|r| r.key.ends_with("RAILS_ENV")),
            "unchanged rows hidden"
        );
    }
}
