//! The latency panel: a sparkline of this environment's recent checks with min, p50, p95,
//! p99, max and count, or a histogram of the same samples on a key.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, BorderType, Borders, Paragraph, Sparkline};
use ratatui::Frame;

use crate::pdp::error::fmt_duration;
use crate::tui::app::App;
use crate::tui::latency::histogram;
use crate::tui::theme::Theme;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let name = app
        .target()
        .map(|t| t.target.name.clone())
        .unwrap_or_default();
    let view = if app.show_histogram {
        "histogram · each bar: checks up to its label"
    } else {
        "recent"
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border())
        .title(Span::styled(
            format!(" Latency · {name} · {view} "),
            theme.heading(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(target) = app.target() else {
        return;
    };
    let ring = &target.latencies;
    let Some(stats) = ring.stats() else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No answered checks yet on this environment.",
                theme.dim(),
            )),
            inner,
        );
        return;
    };
    let [numbers, chart] =
        Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    let item = |label: &str, d| {
        vec![
            Span::styled(format!("{label} "), theme.label()),
            Span::styled(fmt_duration(d), theme.heading()),
            Span::raw("  "),
        ]
    };
    let mut first: Vec<Span> = Vec::new();
    first.extend(item("min", stats.min));
    first.extend(item("p50", stats.p50));
    first.extend(item("p95", stats.p95));
    let mut second: Vec<Span> = Vec::new();
    second.extend(item("p99", stats.p99));
    second.extend(item("max", stats.max));
    second.push(Span::styled("n ", theme.label()));
    second.push(Span::styled(format!("{}", stats.count), theme.heading()));
    if ring.total > stats.count {
        second.push(Span::styled(format!(" (of {})", ring.total), theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        numbers,
    );
    if chart.height == 0 {
        return;
    }
    if app.show_histogram {
        let bins = (chart.width / 6).max(1) as usize;
        let bars: Vec<Bar> = buckets(ring, bins)
            .into_iter()
            .map(|(edge, count)| {
                Bar::default()
                    .value(count)
                    .label(Line::raw(edge))
                    .style(theme.accent())
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .data(BarGroup::default().bars(&bars))
                .bar_width(5)
                .bar_gap(1)
                .value_style(theme.heading()),
            chart,
        );
    } else {
        // The most recent samples that fit, newest on the right.
        let width = chart.width as usize;
        let data: Vec<u64> = ring
            .samples()
            .rev()
            .take(width)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|d| d.as_micros() as u64)
            .collect();
        frame.render_widget(
            Sparkline::default().data(&data).style(theme.accent()),
            chart,
        );
    }
}

/// The histogram's bars labelled by their upper edges. Neighbours whose edges print the same
/// (narrow bins of fast checks) are one bar: a label never repeats, so each reads as a range
/// from the label before it.
fn buckets(ring: &crate::tui::latency::LatencyRing, bins: usize) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for (upper, count) in histogram(ring, bins) {
        let edge = short(upper);
        match out.last_mut() {
            Some((last, total)) if *last == edge => *total += count,
            _ => out.push((edge, count)),
        }
    }
    out
}

/// A bin label that fits in five columns, with its unit: `250µs`, `1.5ms`, `120ms`, `2.5s`.
fn short(d: std::time::Duration) -> String {
    let us = d.as_micros();
    match us {
        // Each range ends where rounding would add a digit (9,950 µs would print `10.0ms`).
        0..1_000 => format!("{us}µs"),
        1_000..9_950 => format!("{:.1}ms", us as f64 / 1e3),
        9_950..999_500 => format!("{}ms", (us + 500) / 1_000),
        999_500..9_950_000 => format!("{:.1}s", us as f64 / 1e6),
        _ => format!("{}s", (us + 500_000) / 1_000_000),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn bucket_edges_never_repeat_and_every_check_is_counted() {
        let mut ring = crate::tui::latency::LatencyRing::with_capacity(1000);
        // Fast checks in a narrow range: ten bins would print `1.0ms` several times.
        for i in 0..200u64 {
            ring.push(Duration::from_micros(1_000 + i % 40));
        }
        let bars = super::buckets(&ring, 10);
        let labels: Vec<&str> = bars.iter().map(|(l, _)| l.as_str()).collect();
        let mut unique = labels.clone();
        unique.dedup();
        assert_eq!(labels, unique, "{labels:?}");
        assert_eq!(bars.iter().map(|(_, c)| c).sum::<u64>(), 200);
    }

    #[test]
    fn bin_labels_fit_five_columns_and_name_their_unit() {
        for (us, label) in [
            (250, "250µs"),
            (999, "999µs"),
            (1_500, "1.5ms"),
            (9_949, "9.9ms"),
            (9_960, "10ms"),
            (9_999, "10ms"),
            (999_400, "999ms"),
            (999_600, "1.0s"),
            (120_000, "120ms"),
            (999_999, "1.0s"),
            (2_500_000, "2.5s"),
            (9_990_000, "10s"),
            (42_000_000, "42s"),
        ] {
            let shown = super::short(Duration::from_micros(us));
            assert_eq!(shown, label);
            assert!(shown.chars().count() <= 5, "{shown}");
        }
    }
}
