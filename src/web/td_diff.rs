//! A task definition flattened into labelled lines, and the side-by-side
//! diff of two revisions built from them. Secret-looking environment values
//! are masked on both sides (a change still shows as changed).

use std::collections::BTreeMap;

use crate::domain::TaskDefinition;
use crate::web::mask::display_value;

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

/// Every setting of `td` as (label, displayed value), secrets masked.
pub fn flatten(td: &TaskDefinition) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut put = |k: String, v: String| {
        if !v.is_empty() {
            out.insert(k, v);
        }
    };
    put("task · cpu".into(), td.cpu.clone());
    put("task · memory".into(), td.memory.clone());
    put("task · network mode".into(), td.network_mode.clone());
    put(
        "task · compatibilities".into(),
        td.compatibilities.join(", "),
    );
    put("task · task role".into(), td.task_role_arn.clone());
    put(
        "task · execution role".into(),
        td.execution_role_arn.clone(),
    );
    for v in &td.volumes {
        put(format!("volume {}", v.name), v.source.clone());
    }
    for c in &td.containers {
        let p = format!("container {}", c.name);
        put(format!("{p} · image"), c.image.clone());
        put(format!("{p} · cpu"), c.cpu.to_string());
        put(
            format!("{p} · memory"),
            c.memory.map(|m| m.to_string()).unwrap_or_default(),
        );
        put(
            format!("{p} · memory reservation"),
            c.memory_reservation
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
        put(format!("{p} · essential"), c.essential.to_string());
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|pm| format!("{}/{}", pm.container_port, pm.protocol))
            .collect();
        put(format!("{p} · ports"), ports.join(", "));
        put(format!("{p} · command"), c.command.join(" "));
        put(format!("{p} · entry point"), c.entry_point.join(" "));
        if let Some(h) = &c.health_check {
            put(format!("{p} · health check"), h.command.join(" "));
        }
        if let Some(l) = &c.log {
            let opts: Vec<String> = l.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            put(
                format!("{p} · logs"),
                format!("{} {}", l.driver, opts.join(" ")),
            );
        }
        for (k, v) in &c.environment {
            put(format!("{p} · env {k}"), display_value(k, v));
        }
        for (k, from) in &c.secrets {
            put(format!("{p} · secret {k}"), from.clone());
        }
    }
    out
}

/// The diff of `old` → `new`. With `changes_only`, equal rows are left out.
pub fn diff(old: &TaskDefinition, new: &TaskDefinition, changes_only: bool) -> Vec<DiffRow> {
    let (a, b) = (flatten(old), flatten(new));
    // Compare raw env values so a changed secret shows as changed even
    // though both sides display the mask.
    let raw = |td: &TaskDefinition| -> BTreeMap<String, String> {
        td.containers
            .iter()
            .flat_map(|c| {
                c.environment
                    .iter()
                    .map(move |(k, v)| (format!("container {} · env {k}", c.name), v.clone()))
            })
            .collect()
    };
    let (ra, rb) = (raw(old), raw(new));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let mut row = DiffRow {
                key: k.clone(),
                old: a.get(k).cloned(),
                new: b.get(k).cloned(),
            };
            if row.old == row.new && ra.get(k) != rb.get(k) {
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
