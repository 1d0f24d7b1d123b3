//! The interactive explorer, in the Elm style: `App` state, `Msg` in, `update` changes state
//! and returns `Effect`s, the `effects::Runtime` performs them on tokio tasks and sends results
//! back as messages over one channel, `view::render` draws `&App`.
//!
//! The loop is generic over the ratatui `Backend` and takes its input as an injected `Stream`
//! of crossterm events, so tests drive it on `TestBackend` with scripted keys.

pub mod action;
pub mod answer;
pub mod app;
pub mod audit;
pub mod bootstrap;
pub mod check_runner;
pub mod effects;
pub mod environments;
pub mod fire;
pub mod form;
pub mod health;
pub mod help;
pub mod history;
pub mod key_context;
pub mod keymap;
pub mod latency;
pub mod list_overlay;
pub mod mirror;
pub mod mouse;
pub mod msg;
pub mod palette;
pub mod panel;
pub mod pdp_clients;
pub mod picker;
pub mod presets;
pub mod prompt;
pub mod store_write;
pub mod target;
pub mod terminal;
#[cfg(test)]
pub mod test_support;
pub mod text_input;
pub mod theme;
pub mod tools;
pub mod update;
pub mod view;

use std::io;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use tokio::sync::{mpsc, watch};

pub use app::{App, Settings, Target};
pub use msg::{Effect, Msg};

/// The explorer's command-line options (top level of `permit-tui`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExplorerArgs {
    /// Where to start (`--env NAME`), or a PDP to check against, listed first and selected
    /// (`--pdp URL`; no sandbox is started then); the key and timeout of its requests.
    /// Without them: the active environment (`permit-tui env use`), else the embedded sandbox.
    #[command(flatten)]
    pub pdp: crate::cli::flags::PdpArgs,
    /// Serve these policy files in the embedded sandbox instead of the bundled demo (one
    /// environment each, `sandbox-KEY`), reloaded when they change: in live mode the check
    /// runs again, so an edited condition set shows its effect at once.
    #[arg(long, value_name = "FILE", conflicts_with = "pdps")]
    pub policy: Vec<std::path::PathBuf>,
    /// Draw one frame and exit (for measuring cold start).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

/// Runs the explorer in the real terminal until the user quits. Returns the exit code.
pub async fn run(args: ExplorerArgs) -> anyhow::Result<i32> {
    let timeout = args.pdp.request.timeout;
    if !args.policy.is_empty() {
        crate::targets::serve_policy_files(args.policy.clone())
            .map_err(|err| anyhow::anyhow!(err))?;
    }
    let mut boot = bootstrap::prepare(&args).await?;
    let settings = Settings {
        timeout,
        color: theme::color_from_env(),
        ..Settings::default()
    };
    let mut app = boot.app(settings);
    let options = LoopOptions {
        frames: None,
        exit_after_first_frame: args.exit_after_first_frame,
        ..LoopOptions::default()
    };
    let mut termination = terminal::Termination::listen();
    let result = {
        let mut guard = terminal::TerminalGuard::new().map_err(|err| {
            anyhow::anyhow!(
                "the explorer needs an interactive terminal ({err}); for scripts use `permit-tui check`"
            )
        })?;
        let events = crossterm::event::EventStream::new();
        tokio::select! {
            result = run_loop(&mut guard.terminal, &mut app, events, options) => result.map(|()| 0),
            // `kill` and a closing terminal end the explorer like a quit: the guard restores
            // the terminal on the way out, and the status says which signal it was.
            signal = termination.wait() => Ok(128 + signal),
        }
    };
    keep_form(&app);
    result
}

/// The form as it was left, for the next start in the same environment.
fn keep_form(app: &App) {
    let (Some(store), Some(target)) = (&app.store, app.target()) else {
        return;
    };
    if !app.save_form {
        return;
    }
    let form = crate::store::form::SavedForm {
        environment: target.target.name.clone(),
        input: app.input(),
    };
    if let Err(err) = crate::store::form::save(&store.paths.form_file(), &form) {
        eprintln!("note: the form was not kept for the next start: {err}");
    }
}

/// Hooks for tests and measurements.
#[derive(Default)]
pub struct LoopOptions {
    /// Receives a copy of every drawn frame.
    pub frames: Option<watch::Sender<Buffer>>,
    pub exit_after_first_frame: bool,
    /// Where copies go; the terminal (OSC 52) unless a test catches them.
    pub clipboard: tools::runtime::Clipboard,
}

/// The event loop: input, effect results and timers become messages; each is handed to
/// `update`, its effects to the runtime, and the screen is redrawn once the queue is empty.
/// Ends when the app quits or the input stream ends.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut events: S,
    options: LoopOptions,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let runtime = effects::Runtime::new(tx)
        .with_clipboard(options.clipboard.clone())
        .with_timeout(app.settings.timeout);
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    let drawn = draw(terminal, app, &options)?;
    for effect in update::update(app, drawn) {
        runtime.perform(effect);
    }
    if options.exit_after_first_frame {
        return Ok(());
    }
    // After the first frame: the full history, on a blocking task.
    let mut startup = history::recording::startup_effects(app);
    startup.extend(mirror::load_current(app));
    for effect in startup {
        runtime.perform(effect);
    }
    let mut reloads = crate::targets::sandbox_reloads();
    let mut ticks = tokio::time::interval(app.settings.tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // The first tick is immediate: health is asked for at start.
    let mut health = tokio::time::interval(app.settings.health_every);
    health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let wants_ticks = app.wants_ticks();
        let msg = tokio::select! {
            biased;
            Some(msg) = rx.recv() => msg,
            event = events.next() => match event {
                Some(Ok(event)) => Msg::Input(event),
                Some(Err(err)) => return Err(anyhow::Error::new(err).context("reading terminal input")),
                None => break,
            },
            _ = ticks.tick(), if wants_ticks => Msg::Tick,
            _ = health.tick() => Msg::HealthTick,
            Ok(()) = reloads.changed() => Msg::SandboxReloaded(reloads.borrow_and_update().clone()),
        };
        let before = app.in_flight.as_ref().map(|f| f.id);
        for effect in update::update(app, msg) {
            runtime.perform(effect);
        }
        if app.should_quit {
            break;
        }
        // A check just left: its spinner is drawn at the next tick, unless the answer comes
        // first. A fast check then never flashes a spinner, and drawing does not compete for
        // the CPU with the request being timed.
        let check_started =
            app.in_flight.is_some() && app.in_flight.as_ref().map(|f| f.id) != before;
        if check_started {
            ticks.reset();
        }
        // Batch: redraw only when nothing else is already waiting.
        if rx.is_empty() && !check_started {
            let drawn = draw(terminal, app, &options)?;
            for effect in update::update(app, drawn) {
                runtime.perform(effect);
            }
        }
    }
    Ok(())
}

/// Draws `app`; returns what the frame measured, for `update` (the view changes nothing).
fn draw<B>(terminal: &mut Terminal<B>, app: &App, options: &LoopOptions) -> anyhow::Result<Msg>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let mut drawn = None;
    let frame = terminal.draw(|frame| drawn = Some(view::render(app, frame)))?;
    if let Some(frames) = &options.frames {
        frames.send_replace(frame.buffer.clone());
    }
    let drawn = drawn.ok_or_else(|| anyhow::anyhow!("the terminal drew no frame"))?;
    Ok(Msg::Drawn(drawn))
}
