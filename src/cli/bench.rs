//! `permit-tui bench`: the bounded load probe, with a live view on a terminal (in the
//! spirit of oha) and a summary as text or JSON.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use crossterm::event::{Event, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Gauge, Paragraph};
use ratatui::Frame;
use tokio_util::sync::CancellationToken;

use crate::pdp::error::fmt_duration;
use crate::pdp::types::AllowedQuery;
use crate::pdp::CheckInput;
use crate::suite::bench::{run_bench, BenchLive, BenchPlan, BenchStats, BenchSummary, Bound};
use crate::suite::load_suite;

use super::flags::{parse_duration, PdpArgs, QueryArgs};

/// The check's flags are `check`'s, optional here: with none of `-u -a -r` the demo check is
/// sent, and `--suite` sends a suite's checks instead.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("user", |a| a.required(false)),
    mut_arg("action", |a| a.required(false)),
    mut_arg("resource", |a| a.required(false)),
    after_help = format!(
        "With none of -u -a -r and no --suite: the demo check, alice reads document:doc-1 in \
         tenant acme (-t changes the tenant).\n{}",
        super::flags::SUITE_PDP_DEFAULT
    )
)]
pub struct BenchArgs {
    /// Send this many checks, then stop.
    #[arg(short = 'n', long = "requests", value_name = "COUNT")]
    pub requests: Option<u64>,
    /// Send checks for this long, then stop (e.g. 5s, 500ms; a bare number is seconds).
    #[arg(
        short = 'd',
        long = "duration",
        value_name = "DURATION",
        value_parser = parse_duration,
        allow_negative_numbers = true
    )]
    pub duration: Option<Duration>,
    /// Checks in flight at once.
    #[arg(
        short = 'c',
        long = "concurrency",
        value_name = "C",
        default_value_t = 8
    )]
    pub concurrency: usize,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Send the checks of this suite, round-robin.
    #[arg(long = "suite", value_name = "FILE", conflicts_with_all = ["user", "action", "resource"])]
    pub suite: Option<PathBuf>,
    #[command(flatten)]
    pub target: PdpArgs,
    /// Print the summary as one JSON object (no live view).
    #[arg(long)]
    pub json: bool,
    /// No live view even on a terminal.
    #[arg(long)]
    pub no_tui: bool,
}

/// The check sent when none is given: the bundled sandbox's demo query (alice is an editor
/// in tenant acme, so she may read doc-1; the same query the explorer starts with).
pub fn demo_query() -> CheckInput {
    CheckInput {
        user: "alice".to_string(),
        action: "read".to_string(),
        resource: "document:doc-1".to_string(),
        tenant: "acme".to_string(),
        ..CheckInput::default()
    }
}

fn queries_from(args: &BenchArgs) -> anyhow::Result<Vec<AllowedQuery>> {
    if let Some(path) = &args.suite {
        let suite = load_suite(path)?;
        return Ok(suite.checks.into_iter().map(|c| c.query).collect());
    }
    let input = args.query.to_input(Some(demo_query())).ok_or_else(|| {
        anyhow!("give all of -u USER -a ACTION -r RESOURCE, or none for the demo check, or --suite FILE")
    })?;
    Ok(vec![input.to_query()?])
}

pub async fn run(args: BenchArgs) -> anyhow::Result<i32> {
    let queries = queries_from(&args)?;
    let plan = BenchPlan::new(args.requests, args.duration, args.concurrency, queries)
        .map_err(|reason| anyhow!(reason))?;
    let targets = args.target.resolve_all().await?;
    let [target] = targets.as_slice() else {
        bail!("bench probes one PDP at a time ({} given)", targets.len());
    };
    let live = BenchLive::new(plan.bound);
    let cancel = CancellationToken::new();
    let interactive = !args.json
        && !args.no_tui
        && std::io::stdout().is_terminal()
        && std::io::stdin().is_terminal();
    let bench = tokio::spawn(run_bench(
        target.client.clone(),
        target.name.clone(),
        plan,
        live.clone(),
        cancel.clone(),
    ));
    let summary = if interactive {
        watch_live(&target.name, target.client.base_url(), live, cancel, bench).await?
    } else {
        let stop = cancel.clone();
        let ctrl_c = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.cancel();
            }
        });
        let summary = bench.await?;
        ctrl_c.abort();
        summary
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary.to_json())?);
    } else {
        print!("{}", summary.render_text());
    }
    Ok(if summary.stats.error_count() > 0 {
        1
    } else {
        0
    })
}

const FRAME: Duration = Duration::from_millis(1000 / 16);

async fn watch_live(
    name: &str,
    url: &str,
    live: Arc<BenchLive>,
    cancel: CancellationToken,
    mut bench: tokio::task::JoinHandle<BenchSummary>,
) -> anyhow::Result<BenchSummary> {
    // The explorer's own setup: restored on any exit, on a panic and on SIGTERM or SIGHUP
    // (which stop the run early, like `q`).
    let mut termination = crate::tui::terminal::Termination::listen();
    let mut guard = crate::tui::terminal::TerminalGuard::new()?;
    let terminal = &mut guard.terminal;
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(FRAME);
    let mut rate = RateWindow::default();
    loop {
        tokio::select! {
            summary = &mut bench => return Ok(summary?),
            _ = termination.wait(), if !cancel.is_cancelled() => cancel.cancel(),
            _ = ticker.tick() => {
                let stats = live.snapshot();
                rate.push(Instant::now(), stats.completed());
                let view = LiveView { name, url, live: &live, stats: &stats, rate: rate.per_second(), stopping: cancel.is_cancelled() };
                terminal.draw(|frame| view.draw(frame))?;
            }
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                    if ctrl_c || matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) {
                        cancel.cancel();
                    }
                }
                Some(Err(_)) | None => cancel.cancel(),
                _ => {}
            },
        }
    }
}

/// Requests per second over the last second, from completed counts sampled each frame.
#[derive(Default)]
struct RateWindow {
    samples: VecDeque<(Instant, u64)>,
}

impl RateWindow {
    fn push(&mut self, at: Instant, completed: u64) {
        self.samples.push_back((at, completed));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| at.duration_since(*t) > Duration::from_secs(1))
        {
            self.samples.pop_front();
        }
    }

    fn per_second(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some((t0, c0)), Some((t1, c1))) if t1 > t0 => {
                (c1 - c0) as f64 / t1.duration_since(*t0).as_secs_f64()
            }
            _ => 0.0,
        }
    }
}

struct LiveView<'a> {
    name: &'a str,
    url: &'a str,
    live: &'a BenchLive,
    stats: &'a BenchStats,
    rate: f64,
    stopping: bool,
}

impl LiveView<'_> {
    fn draw(&self, frame: &mut Frame) {
        let [gauge_area, middle, chart_area, footer] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(10),
            Constraint::Min(6),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        let completed = self.stats.completed();
        let ratio = self.live.progress(completed);
        let label = match self.live.plan_bound {
            Bound::Requests(n) => format!("{completed} / {n}"),
            Bound::Duration(d) => format!(
                "{:.1} s / {:.1} s",
                self.live.elapsed().as_secs_f64().min(d.as_secs_f64()),
                d.as_secs_f64()
            ),
        };
        frame.render_widget(
            Gauge::default()
                .block(Block::bordered().title(format!(" bench {} ({}) ", self.name, self.url)))
                .gauge_style(Style::default().fg(Color::Cyan))
                .ratio(ratio)
                .label(label),
            gauge_area,
        );

        let [stats_area, latency_area] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(middle);
        let elapsed = self.live.elapsed().as_secs_f64();
        let average = if elapsed > 0.0 {
            completed as f64 / elapsed
        } else {
            0.0
        };
        let mut lines = vec![
            Line::from(format!("completed  {completed}")),
            Line::from(format!(
                "req/s      {:.0} now, {average:.0} average",
                self.rate
            )),
            Line::from(format!(
                "ok         {} (allow {}, deny {})",
                self.stats.ok(),
                self.stats.allowed,
                self.stats.denied
            )),
            Line::from(format!("errors     {}", self.stats.error_count())),
        ];
        for (kind, count) in &self.stats.errors {
            lines.push(Line::from(format!("  {kind:<16} {count}")).red());
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(" requests ")),
            stats_area,
        );
        let h = &self.stats.latency;
        let summary = h.summary();
        // The report's rows, less mean and p95 for the room: the same figures it prints.
        let latency_lines: Vec<Line> = summary
            .unwrap_or_default()
            .rows()
            .into_iter()
            .filter(|(label, _)| !matches!(*label, "mean" | "p95"))
            .map(|(label, value)| {
                let shown = summary.map_or_else(|| "—".to_string(), |_| fmt_duration(value));
                Line::from(format!("{label:<6} {shown:>10}"))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(latency_lines).block(Block::bordered().title(" latency ")),
            latency_area,
        );

        // Bins up to p99.9 so one outlier does not squash the chart.
        let bins = usize::from(chart_area.width.saturating_sub(2) / 9).clamp(1, 24);
        let upper = h.percentile(99.9).unwrap_or_default();
        let bars: Vec<Bar> = h
            .bins(bins, upper)
            .into_iter()
            .map(|(bound, count)| {
                Bar::default()
                    .value(count)
                    .label(Line::from(fmt_duration(bound)))
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(Block::bordered().title(" latency histogram (to p99.9) "))
                .bar_width(8)
                .bar_gap(1)
                .bar_style(Style::default().fg(Color::Green))
                .data(BarGroup::default().bars(&bars)),
            chart_area,
        );
        let hint = if self.stopping {
            "stopping: waiting for checks in flight…"
        } else {
            "q / Esc / Ctrl-C: stop early and print the summary"
        };
        frame.render_widget(Paragraph::new(hint).dim(), footer);
    }
}
