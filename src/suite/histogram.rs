//! The latency histogram of `bench`: HdrHistogram (the `hdrhistogram` crate) at two
//! significant digits, so any recorded value is known within 0.8%, in fixed memory, O(1)
//! record and mergeable; min, max and mean are exact. Reported through the one
//! [`Summary`](crate::latency::Summary) every latency view shares.

use std::time::Duration;

use crate::latency::{nearest_rank, Summary};

/// Nanoseconds from 1 ns to an hour; a longer answer is counted as an hour.
const HIGHEST: u64 = 3_600_000_000_000;
const SIGNIFICANT_DIGITS: u8 = 2;

#[derive(Debug, Clone)]
pub struct Histogram {
    counts: hdrhistogram::Histogram<u64>,
    /// Exact, beside the buckets' approximations.
    min: u64,
    max: u64,
    sum: u128,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: hdrhistogram::Histogram::new_with_bounds(1, HIGHEST, SIGNIFICANT_DIGITS)
                .expect("constant bounds: 1 ns to an hour at 2 significant digits"),
            min: u64::MAX,
            max: 0,
            sum: 0,
        }
    }
}

impl Histogram {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one latency, in nanoseconds.
    pub fn record_nanos(&mut self, nanos: u64) {
        self.counts.saturating_record(nanos.clamp(1, HIGHEST));
        self.min = self.min.min(nanos);
        self.max = self.max.max(nanos);
        self.sum += u128::from(nanos);
    }

    pub fn record(&mut self, latency: Duration) {
        self.record_nanos(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
    }

    pub fn merge(&mut self, other: &Histogram) {
        // Same bounds on both sides: adding cannot fail.
        let _ = self.counts.add(&other.counts);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }

    pub fn count(&self) -> u64 {
        self.counts.len()
    }

    pub fn min(&self) -> Option<Duration> {
        (self.count() > 0).then(|| Duration::from_nanos(self.min))
    }

    pub fn max(&self) -> Option<Duration> {
        (self.count() > 0).then(|| Duration::from_nanos(self.max))
    }

    pub fn mean(&self) -> Option<Duration> {
        (self.count() > 0).then(|| {
            Duration::from_nanos(u64::try_from(self.sum / u128::from(self.count())).unwrap_or(0))
        })
    }

    /// Nearest-rank percentile (`p` in 0..=100): the highest value of the bucket holding
    /// the rank, clamped to the exact min and max, so p50 <= p99 <= max always holds.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        self.percentiles([p]).map(|[at]| at)
    }

    /// Several percentiles in one walk over the buckets (`ps` in increasing order).
    fn percentiles<const N: usize>(&self, ps: [f64; N]) -> Option<[Duration; N]> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let mut out = [Duration::from_nanos(self.max); N];
        let mut next = 0;
        let mut seen = 0u64;
        for bucket in self.counts.iter_recorded() {
            seen += bucket.count_at_value();
            while next < N && seen >= nearest_rank(ps[next], total) {
                let high = self.counts.highest_equivalent(bucket.value_iterated_to());
                out[next] = Duration::from_nanos(high.clamp(self.min, self.max));
                next += 1;
            }
            if next == N {
                break;
            }
        }
        Some(out)
    }

    /// The statistics every report shows, read off the histogram in one walk (min, max and
    /// mean exact).
    pub fn summary(&self) -> Option<Summary> {
        let [p50, p90, p95, p99, p99_9] = self.percentiles([50.0, 90.0, 95.0, 99.0, 99.9])?;
        Some(Summary {
            count: self.count(),
            min: self.min()?,
            mean: self.mean()?,
            p50,
            p90,
            p95,
            p99,
            p99_9,
            max: self.max()?,
        })
    }

    /// Counts in `bins` equal-width bins from min to `upper` (values above go in the last):
    /// `(bin upper bound, count)`, for the live chart.
    pub fn bins(&self, bins: usize, upper: Duration) -> Vec<(Duration, u64)> {
        if self.count() == 0 || bins == 0 {
            return Vec::new();
        }
        let low = self.min;
        let high = u64::try_from(upper.as_nanos())
            .unwrap_or(u64::MAX)
            .max(low + 1);
        let width = (high - low).div_ceil(bins as u64).max(1);
        let mut out: Vec<(Duration, u64)> = (0..bins as u64)
            .map(|i| (Duration::from_nanos(low + width * (i + 1)), 0))
            .collect();
        for bucket in self.counts.iter_recorded() {
            let middle = self.counts.median_equivalent(bucket.value_iterated_to());
            let index = (middle.saturating_sub(low) / width).min(bins as u64 - 1) as usize;
            out[index].1 += bucket.count_at_value();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_ordered_and_close() {
        let mut h = Histogram::new();
        for micros in 1..=1_000u64 {
            h.record(Duration::from_micros(micros));
        }
        assert_eq!(h.count(), 1_000);
        assert_eq!(h.min(), Some(Duration::from_micros(1)));
        assert_eq!(h.max(), Some(Duration::from_micros(1_000)));
        let p50 = h.percentile(50.0).unwrap().as_nanos() as f64;
        assert!((p50 - 500_000.0).abs() / 500_000.0 < 0.01, "{p50}");
        let p99 = h.percentile(99.0).unwrap();
        assert!(h.percentile(50.0).unwrap() <= p99 && p99 <= h.max().unwrap());
        assert_eq!(h.percentile(100.0), h.max());
        assert_eq!(h.mean(), Some(Duration::from_nanos(500_500)));
    }

    #[test]
    fn every_value_is_known_within_one_percent() {
        let mut exact = Vec::new();
        let mut h = Histogram::new();
        for i in 1..=2_000u64 {
            let nanos = i * i * 977;
            exact.push(Duration::from_nanos(nanos));
            h.record_nanos(nanos);
        }
        let exact = Summary::of(exact).unwrap();
        let read = h.summary().unwrap();
        for ((label, want), (_, got)) in exact.rows().into_iter().zip(read.rows()) {
            let (want, got) = (want.as_nanos() as f64, got.as_nanos() as f64);
            assert!((got - want).abs() / want < 0.01, "{label}: {got} vs {want}");
        }
    }

    #[test]
    fn merge_adds_counts_and_keeps_extremes() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        a.record_nanos(10);
        b.record_nanos(5_000_000);
        a.merge(&b);
        assert_eq!(a.count(), 2);
        assert_eq!(a.min(), Some(Duration::from_nanos(10)));
        assert_eq!(a.max(), Some(Duration::from_millis(5)));
        let bins = a.bins(4, Duration::from_millis(5));
        assert_eq!(bins.iter().map(|b| b.1).sum::<u64>(), 2);
        assert_eq!((bins[0].1, bins[3].1), (1, 1), "each at its end");
        assert!(Histogram::new().percentile(50.0).is_none());
    }

    #[test]
    fn an_answer_longer_than_an_hour_is_counted_not_lost() {
        let mut h = Histogram::new();
        h.record(Duration::from_secs(7_200));
        assert_eq!(h.count(), 1);
        assert_eq!(
            h.max(),
            Some(Duration::from_secs(7_200)),
            "the exact max stays"
        );
    }
}
