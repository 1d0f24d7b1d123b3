//! A log-linear latency histogram in the spirit of HdrHistogram: exact below 256 ns, then
//! 128 linear sub-buckets per power of two, so any recorded value is known within 0.8%.
//! Fixed memory (about 60 KB), O(1) record, mergeable; min, max and sum are exact.

use std::time::Duration;

use crate::latency::Summary;

const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS; // 128
const LINEAR_LIMIT: u64 = 2 * SUB; // values below are their own bucket
const BUCKETS: usize = (LINEAR_LIMIT + (64 - SUB_BITS as u64 - 1) * SUB) as usize;

#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    min: u64,
    max: u64,
    sum: u128,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            min: u64::MAX,
            max: 0,
            sum: 0,
        }
    }
}

fn bucket_of(value: u64) -> usize {
    if value < LINEAR_LIMIT {
        return value as usize;
    }
    let msb = 63 - value.leading_zeros(); // >= 8
    let shift = msb - SUB_BITS; // >= 1
    let top = value >> shift; // in [128, 256)
    (LINEAR_LIMIT + u64::from(shift - 1) * SUB + (top - SUB)) as usize
}

/// The highest value that lands in `bucket`.
fn bucket_high(bucket: usize) -> u64 {
    let bucket = bucket as u64;
    if bucket < LINEAR_LIMIT {
        return bucket;
    }
    let rest = bucket - LINEAR_LIMIT;
    let shift = rest / SUB + 1;
    let top = rest % SUB + SUB;
    let high = (u128::from(top + 1) << shift) - 1;
    u64::try_from(high).unwrap_or(u64::MAX)
}

/// The lowest value that lands in `bucket`.
fn bucket_low(bucket: usize) -> u64 {
    let bucket = bucket as u64;
    if bucket < LINEAR_LIMIT {
        return bucket;
    }
    let rest = bucket - LINEAR_LIMIT;
    (rest % SUB + SUB) << (rest / SUB + 1)
}

impl Histogram {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one latency, in nanoseconds.
    pub fn record_nanos(&mut self, nanos: u64) {
        self.counts[bucket_of(nanos)] += 1;
        self.total += 1;
        self.min = self.min.min(nanos);
        self.max = self.max.max(nanos);
        self.sum += u128::from(nanos);
    }

    pub fn record(&mut self, latency: Duration) {
        self.record_nanos(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn min(&self) -> Option<Duration> {
        (self.total > 0).then(|| Duration::from_nanos(self.min))
    }

    pub fn max(&self) -> Option<Duration> {
        (self.total > 0).then(|| Duration::from_nanos(self.max))
    }

    pub fn mean(&self) -> Option<Duration> {
        (self.total > 0).then(|| {
            Duration::from_nanos(u64::try_from(self.sum / u128::from(self.total)).unwrap_or(0))
        })
    }

    /// Nearest-rank percentile (`p` in 0..=100): the highest value of the bucket holding
    /// the rank, clamped to the exact min and max, so p50 <= p99 <= max always holds.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.total == 0 {
            return None;
        }
        let rank = crate::latency::nearest_rank(p, self.total);
        let mut seen = 0u64;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let value = bucket_high(bucket).clamp(self.min, self.max);
                return Some(Duration::from_nanos(value));
            }
        }
        self.max()
    }

    /// The statistics every report shows, read off the histogram (min, max and mean exact).
    pub fn summary(&self) -> Option<Summary> {
        let at = |p| self.percentile(p);
        Some(Summary {
            count: self.total,
            min: self.min()?,
            mean: self.mean()?,
            p50: at(50.0)?,
            p90: at(90.0)?,
            p95: at(95.0)?,
            p99: at(99.0)?,
            p99_9: at(99.9)?,
            max: self.max()?,
        })
    }

    /// Counts in `bins` equal-width bins from min to `upper` (values above go in the last):
    /// `(bin upper bound, count)`, for the live chart.
    pub fn bins(&self, bins: usize, upper: Duration) -> Vec<(Duration, u64)> {
        if self.total == 0 || bins == 0 {
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
        for (bucket, count) in self.counts.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let middle = bucket_low(bucket) / 2 + bucket_high(bucket) / 2;
            let index = (middle.saturating_sub(low) / width).min(bins as u64 - 1) as usize;
            out[index].1 += count;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_tight() {
        let mut previous_high = None;
        for bucket in 0..BUCKETS {
            let (low, high) = (bucket_low(bucket), bucket_high(bucket));
            assert!(low <= high);
            if let Some(prev) = previous_high {
                assert_eq!(low, prev + 1, "gap before bucket {bucket}");
            }
            previous_high = Some(high);
            if bucket > 2 * SUB as usize {
                // relative width under 1/128
                assert!((high - low) as f64 / low as f64 <= 1.0 / 128.0 + 1e-9);
            }
        }
        assert_eq!(previous_high, Some(u64::MAX));
        for value in [0, 1, 255, 256, 257, 1_000, 123_456, 9_999_999_999, u64::MAX] {
            let b = bucket_of(value);
            assert!(bucket_low(b) <= value && value <= bucket_high(b), "{value}");
        }
    }

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
        assert!(Histogram::new().percentile(50.0).is_none());
    }
}
