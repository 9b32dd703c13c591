//! The seeded randomness behind generated lines, with log-flavoured helpers.

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng};

#[derive(Debug)]
pub struct Rng(StdRng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(StdRng::seed_from_u64(seed))
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..hi)
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.0.random_bool(p.clamp(0.0, 1.0))
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        if items.is_empty() {
            return "";
        }
        items[self.range(0, items.len() as i64) as usize]
    }

    /// A private VPC address such as `10.0.3.17`.
    pub fn ip(&mut self) -> String {
        format!("10.0.{}.{}", self.range(0, 16), self.range(2, 251))
    }

    /// A request id such as `3f2a9c1e-…` (UUID-shaped).
    pub fn uuid(&mut self) -> String {
        let h = format!(
            "{:016x}{:016x}",
            self.0.random::<u64>(),
            self.0.random::<u64>()
        );
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    pub fn float(&mut self, lo: f64, hi: f64) -> f64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..hi)
        }
    }
}
