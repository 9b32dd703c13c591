//! The page shell every full page renders into: header, breadcrumb, footer.

use std::sync::Arc;

use crate::auth::CurrentUser;
use crate::state::{AppState, Environment, VERSION};
use crate::web::{assets, urls};

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
    /// The signed-in user's name, if any (handlers pass the user in).
    pub user: Option<String>,
    /// The signed-in user's role (`viewer`, `operator`, `admin`), or "".
    pub role: &'static str,
    /// The session's CSRF token for forms and htmx (`<meta name=csrf-token>`), or "".
    pub csrf_token: String,
    pub version: &'static str,
    pub crumbs: Vec<Crumb>,
    /// Which nav entry is current: "clusters", "images", "logs", "audit" or "".
    pub section: &'static str,
    /// Every environment's (name, region), for the switcher.
    pub envs: Arc<Vec<(String, String)>>,
}

/// One entry of the header's environment switcher.
#[derive(Clone, Debug)]
pub struct EnvLink {
    pub name: String,
    pub region: String,
    pub href: String,
    pub current: bool,
}

impl Shell {
    /// A shell for pages outside any one environment (overview, audit,
    /// sign-in, errors): the header names the first configured environment.
    pub fn new(state: &AppState, user: Option<&CurrentUser>, title: impl Into<String>) -> Self {
        let (env_name, region, envs) = state
            .environments
            .first()
            .map(|e| (e.name.clone(), e.region.clone(), e.peers.clone()))
            .unwrap_or_default();
        let mut shell = Self::build(env_name, region, user, title.into());
        shell.envs = envs;
        shell
    }

    /// A shell for the environment named in the URL.
    pub fn for_env(
        env: &Environment,
        user: Option<&CurrentUser>,
        title: impl Into<String>,
    ) -> Self {
        let mut shell = Self::build(env.name.clone(), env.region.clone(), user, title.into());
        shell.envs = env.peers.clone();
        shell
    }

    fn build(env_name: String, region: String, user: Option<&CurrentUser>, title: String) -> Self {
        Self {
            title,
            env_name,
            region,
            user: user.map(|u| u.name.clone()),
            role: user.map_or("", |u| u.role.as_str()),
            csrf_token: user.map(|u| u.csrf_token.clone()).unwrap_or_default(),
            version: VERSION,
            crumbs: Vec::new(),
            section: "",
            envs: Arc::default(),
        }
    }

    /// The switcher's entries (shown with more than one environment):
    /// the same screen in another environment where one exists for every
    /// environment (images, logs), otherwise the overview narrowed to it.
    pub fn env_links(&self) -> Vec<EnvLink> {
        self.envs
            .iter()
            .map(|(name, region)| EnvLink {
                href: match self.section {
                    "images" => urls::images(name),
                    "logs" => urls::logs(name),
                    _ => urls::overview_filtered(name),
                },
                current: *name == self.env_name,
                name: name.clone(),
                region: region.clone(),
            })
            .collect()
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

    /// The header's links (the shell template's only URLs).
    pub fn home_url(&self) -> String {
        urls::overview()
    }

    pub fn images_url(&self) -> String {
        urls::images(&self.env_name)
    }

    pub fn logs_url(&self) -> String {
        urls::logs(&self.env_name)
    }

    pub fn audit_url(&self) -> String {
        urls::audit()
    }

    pub fn users_url(&self) -> String {
        urls::admin_users()
    }

    pub fn login_url(&self) -> String {
        urls::login()
    }

    pub fn logout_url(&self) -> String {
        urls::logout()
    }

    pub fn health_url(&self) -> String {
        urls::healthz()
    }
}
