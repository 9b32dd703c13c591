//! Which clusters need the service name typed before any action: those
//! tagged as production and those `--protected-cluster` names.

use crate::domain::Cluster;
use crate::state::Settings;

/// Whether actions on `cluster` need the service name typed to confirm:
/// tagged `environment=production` (or similar), or configured protected
/// (`--protected-cluster`, matching `cluster` or `env/cluster`).
pub fn is_protected(settings: &Settings, env: &str, cluster: &Cluster) -> bool {
    // AWS tags are case-sensitive, people's habits are not:
    // `Environment=Production` protects as `environment=prod` does.
    let tagged = cluster.tags.iter().any(|t| {
        ["environment", "env", "stage"]
            .iter()
            .any(|k| t.key.trim().eq_ignore_ascii_case(k))
            && t.value.trim().to_ascii_lowercase().starts_with("prod")
    });
    tagged
        || crate::glob::any(&settings.protected_clusters, &cluster.name)
        || crate::glob::any(
            &settings.protected_clusters,
            &format!("{env}/{}", cluster.name),
        )
}

#[cfg(test)]
mod tests {
    use super::is_protected;
    use crate::domain::{Cluster, Tag};
    use crate::state::Settings;

    fn cluster(name: &str, tags: &[(&str, &str)]) -> Cluster {
        Cluster {
            name: name.to_string(),
            tags: tags
                .iter()
                .map(|(k, v)| Tag {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn protecting(patterns: &[&str]) -> Settings {
        Settings {
            protected_clusters: patterns.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn production_tags_protect_whatever_their_case() {
        let none = Settings::default();
        for (k, v) in [
            ("Environment", "Production"),
            ("environment", "prod"),
            ("ENV", "PROD"),
            ("Stage", "production-eu"),
        ] {
            assert!(
                is_protected(&none, "e", &cluster("c", &[(k, v)])),
                "{k}={v}"
            );
        }
        for (k, v) in [("Environment", "staging"), ("Team", "Production")] {
            assert!(
                !is_protected(&none, "e", &cluster("c", &[(k, v)])),
                "{k}={v}"
            );
        }
    }

    #[test]
    fn a_star_pattern_protects_a_cluster_anywhere_in_its_name() {
        let settings = protecting(&["*prod*"]);
        assert!(is_protected(
            &settings,
            "sandbox",
            &cluster("my-prod-cluster", &[])
        ));
        assert!(!is_protected(
            &settings,
            "sandbox",
            &cluster("staging", &[])
        ));
    }

    #[test]
    fn patterns_match_the_name_or_env_slash_name() {
        let settings = protecting(&["live/*"]);
        assert!(is_protected(&settings, "live", &cluster("apps", &[])));
        assert!(!is_protected(&settings, "test", &cluster("apps", &[])));
    }

    #[test]
    fn production_tags_protect_without_patterns() {
        let settings = protecting(&[]);
        for (k, v) in [
            ("environment", "production"),
            ("env", "Prod"),
            ("stage", "prod-eu"),
        ] {
            assert!(
                is_protected(&settings, "e", &cluster("c", &[(k, v)])),
                "{k}={v}"
            );
        }
        assert!(!is_protected(
            &settings,
            "e",
            &cluster("c", &[("env", "staging")])
        ));
        assert!(!is_protected(
            &settings,
            "e",
            &cluster("c", &[("owner", "prod")])
        ));
    }
}
