//! Command-line knobs of the sandbox, flattened into `ecsdeck sandbox` and
//! `ecsdeck demo`.

use std::str::FromStr;

use crate::sandbox::{Fleet, SandboxConfig, Throttle};

#[derive(clap::Args, Debug, Clone)]
pub struct SandboxOptions {
    /// Simulated time speed-up: 1 is real time (a task reaches RUNNING in
    /// about 5–15 s); 60 runs a simulated minute per second.
    #[arg(long = "speed", env = "ECSDECK_SANDBOX_SPEED", default_value_t = 1.0)]
    pub speed: f64,

    /// Seed for every random choice of the simulation (task ids, timings,
    /// log lines), so two runs with the same seed look alike.
    #[arg(long = "seed", env = "ECSDECK_SANDBOX_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Latency added to every API call, in milliseconds.
    #[arg(
        long = "latency-ms",
        env = "ECSDECK_SANDBOX_LATENCY_MS",
        default_value_t = 0
    )]
    pub latency_ms: u64,

    /// Random extra latency per call, from 0 up to this many milliseconds.
    #[arg(
        long = "jitter-ms",
        env = "ECSDECK_SANDBOX_JITTER_MS",
        default_value_t = 0
    )]
    pub jitter_ms: u64,

    /// `none`, or `aws`: token buckets per action group at AWS's published
    /// rates; excess calls get HTTP 400 ThrottlingException "Rate exceeded".
    #[arg(long = "throttle", env = "ECSDECK_SANDBOX_THROTTLE", default_value = "none", value_parser = parse_throttle)]
    pub throttle: Throttle,

    /// Fraction of calls (0.0–1.0) that fail: an HTTP 500 ServerException,
    /// or a stall long enough to hit the SDK's timeout.
    #[arg(long = "fault-rate", env = "ECSDECK_SANDBOX_FAULT_RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub fault_rate: f64,

    /// `seeded` (the demo fleet), `empty`, `hostile` (hostile strings in
    /// every free-text field), `large:N` (one cluster with N services, N up
    /// to 5000), or a `.json` file of ECS API requests to
    /// replay (see docs/sandbox.md).
    #[arg(long = "fleet", env = "ECSDECK_SANDBOX_FLEET", default_value = "seeded", value_parser = parse_fleet)]
    pub fleet: Fleet,

    /// Serve other hosts: allow a non-loopback bind address and any `Host`
    /// header. Without it the sandbox (no authentication, a mutable fleet)
    /// refuses to bind off loopback and answers 403 to requests whose
    /// `Host` is not loopback (DNS rebinding).
    #[arg(long = "allow-remote", env = "ECSDECK_SANDBOX_ALLOW_REMOTE")]
    pub allow_remote: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            speed: 1.0,
            seed: 42,
            latency_ms: 0,
            jitter_ms: 0,
            throttle: Throttle::None,
            fault_rate: 0.0,
            fleet: Fleet::Seeded,
            allow_remote: false,
        }
    }
}

impl SandboxOptions {
    pub fn to_config(&self) -> SandboxConfig {
        SandboxConfig {
            speed: if self.speed.is_finite() && self.speed > 0.0 {
                self.speed
            } else {
                1.0
            },
            seed: self.seed,
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            throttle: self.throttle,
            fault_rate: self.fault_rate,
            fleet: self.fleet.clone(),
            allow_remote: self.allow_remote,
            ..SandboxConfig::default()
        }
    }
}

fn parse_throttle(s: &str) -> Result<Throttle, String> {
    match s.to_ascii_lowercase().as_str() {
        "none" | "off" => Ok(Throttle::None),
        "aws" => Ok(Throttle::Aws),
        _ => Err(format!("expected `none` or `aws`, got `{s}`")),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match f64::from_str(s) {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "expected a fraction between 0.0 and 1.0, got `{s}`"
        )),
    }
}

fn parse_fleet(s: &str) -> Result<Fleet, String> {
    if crate::sandbox::fleet_file::is_fleet_file(s) {
        return crate::sandbox::fleet_file::load(std::path::Path::new(s));
    }
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "seeded" => Ok(Fleet::Seeded),
        "empty" => Ok(Fleet::Empty),
        "hostile" => Ok(Fleet::Hostile),
        _ => match lower.strip_prefix("large:").map(usize::from_str) {
            Some(Ok(n)) if (1..=5000).contains(&n) => Ok(Fleet::Large(n)),
            _ => Err(format!(
                "expected `seeded`, `empty`, `hostile`, `large:N` (1 ≤ N ≤ 5000) or a FILE.json, got `{s}`"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sandbox: SandboxOptions,
    }

    #[test]
    fn flags_parse_into_a_config() {
        let cli = Cli::parse_from([
            "x",
            "--speed",
            "30",
            "--throttle",
            "aws",
            "--fleet",
            "large:250",
            "--fault-rate",
            "0.1",
        ]);
        let c = cli.sandbox.to_config();
        assert_eq!(c.speed, 30.0);
        assert_eq!(c.throttle, Throttle::Aws);
        assert_eq!(c.fleet, Fleet::Large(250));
        assert_eq!(c.fault_rate, 0.1);
        assert!(Cli::try_parse_from(["x", "--fault-rate", "2"]).is_err());
        assert!(Cli::try_parse_from(["x", "--fleet", "large:0"]).is_err());
        let file = Cli::parse_from(["x", "--fleet", "docs/fleet-example.json"]);
        assert!(matches!(file.sandbox.fleet, Fleet::Requests(r) if r.len() == 6));
        assert!(Cli::try_parse_from(["x", "--fleet", "docs/no-such-fleet.json"]).is_err());
    }
}
