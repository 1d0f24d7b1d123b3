//! Latency history of one target: a bounded ring of recent checks and its statistics,
//! recomputed on each push so drawing a frame never sorts.

use std::collections::VecDeque;
use std::time::Duration;

use crate::latency::Summary;

/// How many recent checks a target keeps for the sparkline and percentiles.
pub const RING_CAPACITY: usize = 512;

#[derive(Debug, Clone)]
pub struct LatencyRing {
    samples: VecDeque<Duration>,
    capacity: usize,
    stats: Option<Summary>,
    /// Every answered check of this target since start, beyond the ring too.
    pub total: u64,
}

impl Default for LatencyRing {
    fn default() -> Self {
        LatencyRing::with_capacity(RING_CAPACITY)
    }
}

impl LatencyRing {
    pub fn with_capacity(capacity: usize) -> Self {
        LatencyRing {
            samples: VecDeque::with_capacity(capacity.min(64)),
            capacity: capacity.max(1),
            stats: None,
            total: 0,
        }
    }

    pub fn push(&mut self, latency: Duration) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(latency);
        self.total += 1;
        self.stats = Summary::of(self.samples.iter().copied());
    }

    pub fn samples(&self) -> impl DoubleEndedIterator<Item = Duration> + ExactSizeIterator + '_ {
        self.samples.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    pub fn stats(&self) -> Option<Summary> {
        self.stats
    }
}

/// Equal-width bins from min to max, for the histogram view.
pub fn histogram(ring: &LatencyRing, bins: usize) -> Vec<(Duration, u64)> {
    let Some(stats) = ring.stats() else {
        return Vec::new();
    };
    let bins = bins.max(1);
    let lo = stats.min.as_nanos() as f64;
    let hi = stats.max.as_nanos() as f64;
    let step = ((hi - lo) / bins as f64).max(1.0);
    let mut counts = vec![0u64; bins];
    for s in ring.samples() {
        let idx = (((s.as_nanos() as f64 - lo) / step) as usize).min(bins - 1);
        counts[idx] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                Duration::from_nanos((lo + step * (i as f64 + 1.0)) as u64),
                c,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_ring_reports_the_shared_statistics_of_what_it_holds() {
        let mut ring = LatencyRing::with_capacity(50);
        for i in 1..=100 {
            ring.push(ms(i));
        }
        let s = ring.stats().unwrap();
        assert_eq!(Some(s), Summary::of((51..=100).map(ms)));
        assert_eq!(
            (s.count, s.min, s.p50, s.max),
            (50, ms(51), ms(75), ms(100))
        );
    }

    #[test]
    fn ring_keeps_only_the_most_recent() {
        let mut ring = LatencyRing::with_capacity(3);
        for i in 1..=5 {
            ring.push(ms(i));
        }
        assert_eq!(
            ring.samples().collect::<Vec<_>>(),
            vec![ms(3), ms(4), ms(5)]
        );
        assert_eq!(ring.total, 5);
        assert_eq!(ring.stats().unwrap().min, ms(3));
    }

    #[test]
    fn histogram_puts_every_sample_in_a_bin() {
        let mut ring = LatencyRing::with_capacity(100);
        for i in [1, 1, 2, 9, 10] {
            ring.push(ms(i));
        }
        let bins = histogram(&ring, 3);
        assert_eq!(bins.len(), 3);
        assert_eq!(bins.iter().map(|b| b.1).sum::<u64>(), 5);
        assert_eq!(bins[0].1, 3);
        assert_eq!(bins[2].1, 2);
    }
}
