//! The latency panel rebuilt from the history: a restart keeps what was measured.

use std::time::Duration;

use crate::store::history::latency_series;
use crate::tui::app::App;
use crate::tui::latency::{LatencyRing, RING_CAPACITY};

/// Fills the latency rings from history (entries newest first), per environment.
pub fn rebuild(app: &mut App) {
    let series = latency_series(app.history.index.entries(), RING_CAPACITY);
    for t in &mut app.targets {
        let mut ring = LatencyRing::default();
        if let Some(samples) = series.get(&t.target.name) {
            for us in samples {
                ring.push(Duration::from_micros(*us));
            }
        }
        t.latencies = ring;
    }
}
