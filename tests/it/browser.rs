//! The browser test harness: headless Chromium driven over WebDriver
//! (chromedriver + fantoccini), loopback URLs only. On failure it saves a
//! screenshot and the page HTML under `target/e2e/` and prints the paths.
//!
//! `.ci/run` installs Debian's `chromium` and `chromium-driver`. Locally,
//! without them, the browser tests print a notice and pass vacuously; under
//! CI (`CI` set) a missing browser fails the run.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use url as fantoccini_url;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempdir::Dir,
}

mod tempdir {
    /// A directory removed on drop (Chromium's fresh profile).
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn chromium() -> String {
    std::env::var("ECSDECK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string())
}

fn chromedriver() -> String {
    std::env::var("ECSDECK_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_string())
}

/// Starts chromedriver and a fresh headless Chromium session, or returns
/// None (outside CI) when they are not installed.
pub async fn launch(test: &str) -> Option<Browser> {
    if !std::path::Path::new(&chromium()).exists()
        || !std::path::Path::new(&chromedriver()).exists()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test {test}: chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "NOTICE: browser test {test} did not run: install chromium and chromium-driver (Debian) to run it"
        );
        return None;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let driver = Command::new(chromedriver())
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{url}/status")).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = std::env::temp_dir().join(format!("ecsdeck-e2e-{}-{}", std::process::id(), port));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-quic", "--disable-extensions", "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.display()),
            ]
        },
        "goog:loggingPrefs": { "browser": "ALL" }
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&url)
        .await
        .expect("webdriver session");
    Some(Browser {
        client,
        driver,
        _profile: tempdir::Dir(profile),
    })
}

/// chromedriver's `se/log` endpoint: the browser console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &fantoccini_url::Url,
        session: Option<&str>,
    ) -> Result<fantoccini_url::Url, fantoccini_url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or("")))
    }
    fn method_and_body(&self, _: &fantoccini_url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

impl Browser {
    /// Console entries at level SEVERE since the last call (CSP violations,
    /// script errors, failed loads).
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or(Value::Null);
        logs.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Polls a JS expression (`return …`) until it is truthy.
    pub async fn wait_for_js(&self, what: &str, script: &str) -> anyhow::Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.client.execute(script, vec![]).await?;
            if !(v.is_null() || v == json!(false) || v == json!("")) {
                return Ok(v);
            }
            anyhow::ensure!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a test flow; on failure saves a screenshot and the HTML under
    /// target/e2e/ and panics with their paths.
    pub async fn run(mut self, test: &str, flow: impl AsyncFnOnce(&Browser) -> anyhow::Result<()>) {
        let result = flow(&self).await;
        let errors = self.console_errors().await;
        let outcome = match (result, errors.is_empty()) {
            (Ok(()), true) => Ok(()),
            (Ok(()), false) => Err(anyhow::anyhow!("browser console errors: {errors:#?}")),
            (Err(e), _) => Err(e.context(format!("console: {errors:#?}"))),
        };
        if let Err(e) = outcome {
            let dir = e2e_dir();
            let png = dir.join(format!("{test}.png"));
            let html = dir.join(format!("{test}.html"));
            if let Ok(shot) = self.client.screenshot().await {
                let _ = std::fs::write(&png, shot);
            }
            if let Ok(src) = self.client.source().await {
                let _ = std::fs::write(&html, src);
            }
            let _ = self.client.clone().close().await;
            let _ = self.driver.kill();
            panic!(
                "browser test {test} failed: {e:#}\n  screenshot: {}\n  html: {}",
                png.display(),
                html.display()
            );
        }
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn e2e_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|p| p.join("e2e"))
        .unwrap_or_else(|| PathBuf::from("target/e2e"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
