//! Latency statistics, worked out one way wherever they are shown: the explorer's latency
//! panel (exact, over an environment's recent checks), `bench`'s report and its live view
//! (over a histogram of every answer). Percentiles are nearest-rank, as oha and most load
//! tools report them, so the same samples give the same figures everywhere.

use std::time::Duration;

/// The 1-based nearest rank of percentile `p` (0 to 100) among `n` values.
pub fn nearest_rank(p: f64, n: u64) -> u64 {
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as u64;
    rank.clamp(1, n.max(1))
}

/// What is reported of a set of latencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub count: u64,
    pub min: Duration,
    pub mean: Duration,
    pub p50: Duration,
    pub p90: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub p99_9: Duration,
    pub max: Duration,
}

impl Summary {
    /// Exact statistics of `samples`, in any order; `None` when there are none.
    pub fn of(samples: impl IntoIterator<Item = Duration>) -> Option<Summary> {
        let mut sorted: Vec<Duration> = samples.into_iter().collect();
        sorted.sort_unstable();
        let count = sorted.len() as u64;
        let at = |p: f64| sorted[(nearest_rank(p, count) - 1) as usize];
        let total: Duration = sorted.iter().sum();
        Some(Summary {
            count,
            min: *sorted.first()?,
            mean: total / u32::try_from(count).unwrap_or(u32::MAX),
            p50: at(50.0),
            p90: at(90.0),
            p95: at(95.0),
            p99: at(99.0),
            p99_9: at(99.9),
            max: *sorted.last()?,
        })
    }

    /// Each statistic with its label, in the order reports print them.
    pub fn rows(&self) -> [(&'static str, Duration); 8] {
        [
            ("min", self.min),
            ("mean", self.mean),
            ("p50", self.p50),
            ("p90", self.p90),
            ("p95", self.p95),
            ("p99", self.p99),
            ("p99.9", self.p99_9),
            ("max", self.max),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = Summary::of((1..=100).rev().map(ms)).unwrap();
        assert_eq!(
            (s.min, s.p50, s.p90, s.p95, s.p99, s.p99_9, s.max),
            (ms(1), ms(50), ms(90), ms(95), ms(99), ms(100), ms(100))
        );
        assert_eq!((s.count, s.mean), (100, Duration::from_micros(50_500)));
        assert_eq!(nearest_rank(50.0, 1), 1);
        assert_eq!(
            nearest_rank(0.0, 10),
            1,
            "the lowest rank is the first value"
        );
    }

    #[test]
    fn no_samples_no_summary() {
        assert_eq!(Summary::of(std::iter::empty()), None);
    }
}
