//! The page shell every full page renders into: header, breadcrumb, footer.

use crate::state::{AppState, VERSION};
use crate::web::assets;

/// One breadcrumb step; the last one has no link.
#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// Data for `templates/base.html`.
#[derive(Clone, Debug)]
pub struct Shell {
    pub title: String,
    pub env_name: String,
    pub region: String,
    /// The signed-in user's name, if any (filled from the request's
    /// `auth::current()` user).
    pub user: Option<String>,
    /// The signed-in user's role (`viewer`, `operator`, `admin`), or "".
    pub role: &'static str,
    /// The session's CSRF token for forms and htmx (`<meta name=csrf-token>`), or "".
    pub csrf_token: String,
    pub version: &'static str,
    pub crumbs: Vec<Crumb>,
    /// Which nav entry is current: "clusters", "images", "logs", "audit" or "".
    pub section: &'static str,
}

impl Shell {
    /// A shell for the first configured environment.
    pub fn new(state: &AppState, title: impl Into<String>) -> Self {
        let (env_name, region) = state
            .environments
            .first()
            .map(|e| (e.name.clone(), e.region.clone()))
            .unwrap_or_default();
        let current = crate::auth::current();
        Self {
            title: title.into(),
            env_name,
            region,
            user: current.as_ref().map(|u| u.name.clone()),
            role: current.as_ref().map_or("", |u| u.role.as_str()),
            csrf_token: current.map(|u| u.csrf_token).unwrap_or_default(),
            version: VERSION,
            crumbs: Vec::new(),
            section: "",
        }
    }

    /// Whether the signed-in user may use action forms (operators, admins):
    /// templates hide what a role cannot do.
    pub fn can_operate(&self) -> bool {
        matches!(self.role, "operator" | "admin")
    }

    /// Whether the signed-in user is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }

    /// A shell for the environment named in the URL.
    pub fn for_env(env: &crate::state::Environment, title: impl Into<String>) -> Self {
        let current = crate::auth::current();
        Self {
            title: title.into(),
            env_name: env.name.clone(),
            region: env.region.clone(),
            user: current.as_ref().map(|u| u.name.clone()),
            role: current.as_ref().map_or("", |u| u.role.as_str()),
            csrf_token: current.map(|u| u.csrf_token).unwrap_or_default(),
            version: VERSION,
            crumbs: Vec::new(),
            section: "",
        }
    }

    /// Marks the current nav section.
    pub fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }

    /// Appends a breadcrumb step (`href` None for the current page).
    pub fn crumb(mut self, label: impl Into<String>, href: Option<String>) -> Self {
        self.crumbs.push(Crumb {
            label: label.into(),
            href,
        });
        self
    }

    /// A versioned URL for a static asset.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// `/{env}/{rest}` for the current environment.
    pub fn env_path(&self, rest: &str) -> String {
        format!("/{}/{}", self.env_name, rest)
    }
}
