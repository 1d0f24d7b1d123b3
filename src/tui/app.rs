//! The explorer's state. Only `update` mutates it; the views only read it.

use std::collections::VecDeque;
use std::time::Duration;

use ratatui_textarea::TextArea;
use tokio_util::sync::CancellationToken;

pub use super::action::{Field, Focus, Modal};
use super::latency::LatencyRing;
use super::msg::Effect;
pub use super::target::{Health, Target};
use crate::pdp::input::{parse_json_object, JsonFieldError};
use crate::pdp::types::{AllowedQuery, AllowedResult};
use crate::pdp::{CheckInput, Exchange, InputError};

/// A target with what the explorer learned about it.
#[derive(Debug, Clone)]
pub struct TargetState {
    pub target: Target,
    pub health: Health,
    pub latencies: LatencyRing,
    /// Its latest snapshot, for explaining the PDP's answers (`tui::mirror`).
    pub mirror: super::mirror::model::MirrorState,
    /// Its health says it is a permit-tui sandbox (one started apart and added by URL).
    pub sandbox_pdp: bool,
}

impl TargetState {
    /// Whether checks here ask for the sandbox trace: only a sandbox reads that header.
    pub fn explains(&self) -> bool {
        self.target.is_sandbox || self.sandbox_pdp
    }
}

impl TargetState {
    pub fn new(target: Target) -> Self {
        TargetState {
            target,
            health: Health::Unknown,
            latencies: LatencyRing::default(),
            mirror: Default::default(),
            sandbox_pdp: false,
        }
    }
}

/// The request as it went on the wire, with the key masked. Kept for the "request" tab.
#[derive(Debug, Clone, PartialEq)]
pub struct SentRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Pretty-printed JSON body.
    pub body: String,
    /// The query the body encodes, for comparing with the form without re-encoding.
    pub query: AllowedQuery,
}

impl SentRequest {
    pub fn for_check(target: &Target, query: &AllowedQuery) -> SentRequest {
        SentRequest::for_check_traced(target, query, target.is_sandbox)
    }

    /// The request as sent, the trace header listed when it is asked for.
    pub fn for_check_traced(target: &Target, query: &AllowedQuery, trace: bool) -> SentRequest {
        let mut headers = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Cache-Control".to_string(), "no-cache".to_string()),
            (
                "User-Agent".to_string(),
                crate::pdp::client::USER_AGENT_VALUE.to_string(),
            ),
        ];
        if trace {
            headers.push((
                crate::pdp::types::SANDBOX_TRACE_HEADER.to_string(),
                "1".to_string(),
            ));
        }
        if let Some(masked) = target.masked_key() {
            headers.push(("Authorization".to_string(), format!("Bearer {masked}")));
        }
        SentRequest {
            method: "POST",
            url: format!("{}/allowed", target.pdp_url.trim_end_matches('/')),
            headers,
            body: serde_json::to_string_pretty(query).unwrap_or_default(),
            query: query.clone(),
        }
    }
}

/// A check on its way.
#[derive(Debug, Clone)]
pub struct InFlight {
    pub id: u64,
    pub token: CancellationToken,
    pub target: usize,
    pub request: SentRequest,
    /// `App::ticks` when it was sent, for the elapsed time next to the spinner.
    pub started_tick: u64,
    /// Sent by live mode after an edit: one of a burst, recorded only once it settles.
    pub live: bool,
}

/// A finished check, as shown in the decision panel.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub id: u64,
    pub target_name: String,
    pub request: SentRequest,
    pub exchange: Exchange<AllowedResult>,
    /// The same check decided on the environment's mirror, once it has been.
    pub mirror: Option<super::mirror::model::MirrorOutcome>,
    /// The answer in brief (each model's decisive fact, how to allow), built once.
    pub summary: Option<crate::explain::AnswerSummary>,
}

/// What the decision panel says when it is not showing a result.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelNote {
    None,
    Cancelled(u64),
    /// The user asked for a check the form cannot express yet.
    Invalid(InputError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Warning,
}

/// A short-lived message in the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub level: NoticeLevel,
    /// Disappears at this `App::ticks`.
    pub until_tick: u64,
}

/// Past this many bytes of JSON in the form, a key no longer re-parses it: validation waits
/// until typing pauses (`VALIDATE_AFTER`), so a pasted document does not make every key lag.
pub const LARGE_FORM_BYTES: usize = 256 * 1024;
pub const VALIDATE_AFTER: Duration = Duration::from_millis(150);

/// Notices kept for the footer, and in the session's log.
const NOTICES_ON_SCREEN: usize = 8;
const NOTICE_LOG: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultTab {
    Decision,
    Request,
    Response,
}

impl ResultTab {
    pub const ALL: [ResultTab; 3] = [ResultTab::Decision, ResultTab::Request, ResultTab::Response];

    pub fn title(self) -> &'static str {
        match self {
            ResultTab::Decision => "Decision",
            ResultTab::Request => "Request",
            ResultTab::Response => "Response",
        }
    }
}

/// Tunables that tests and the command line set.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub timeout: Duration,
    pub debounce: Duration,
    pub health_every: Duration,
    /// How long a tick is (spinner and notice expiry).
    pub tick: Duration,
    pub color: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: crate::pdp::DEFAULT_TIMEOUT,
            debounce: Duration::from_millis(300),
            health_every: Duration::from_secs(3),
            tick: Duration::from_millis(100),
            color: true,
        }
    }
}

pub struct App {
    pub fields: Vec<TextArea<'static>>,
    /// The first JSON error of each field (indexed like `Field::ALL`).
    pub field_errors: Vec<Option<JsonFieldError>>,
    /// The whole form as a query, or why it is not one.
    pub validation: Result<AllowedQuery, InputError>,
    pub focus: Focus,
    /// The field to go back to from the decision panel (Enter or `i` there).
    pub last_field: Field,
    /// Environments to check against; `current` indexes it. Built at start from `config.toml`,
    /// `--pdp` and the sandbox; changed by the picker (`tui::environments`) and by edits of the file.
    pub targets: Vec<TargetState>,
    pub current: usize,
    pub next_check_id: u64,
    pub in_flight: Option<InFlight>,
    pub result: Option<CheckOutcome>,
    pub note: PanelNote,
    pub live: bool,
    /// Bumped by each edit; a debounce timer fires only if it is still current.
    pub debounce_generation: u64,
    /// On screen: the newest in the footer. Information passes; warnings stay until the
    /// notice log (Alt-N) is opened.
    pub notices: VecDeque<Notice>,
    /// Every notice of the session, oldest first (bounded), for the notice log.
    pub notice_log: VecDeque<Notice>,
    pub modals: Vec<Modal>,
    pub tab: ResultTab,
    pub scroll: u16,
    /// How far the result panel can scroll, as the last frame measured it (the view alone
    /// knows how its text wraps; `Msg::Drawn` brings it here), so scrolling stops at the end.
    pub scroll_max: u16,
    pub show_histogram: bool,
    /// Passing branches that decided nothing are folded to one line unless this is set.
    pub unfold_passing: bool,
    /// Fields whose last edit replaced their whole text (a cut and an insert): one undo
    /// takes both back.
    pub replaced: Vec<Field>,
    /// A large form was edited and is checked for validity once typing pauses
    /// (`LARGE_FORM_BYTES`): `validation` and `field_errors` are from before the edit.
    pub validation_pending: bool,
    pub palette: super::palette::model::PaletteState,
    /// The environment current before this one: compare's other side.
    pub previous_target: Option<usize>,
    /// What the help overlay is searched for.
    pub help_query: String,
    /// Terminal size, for layout hit-tests of mouse clicks.
    pub size: (u16, u16),
    pub ticks: u64,
    pub should_quit: bool,
    /// The form was edited since it was last checked: quitting asks once.
    pub unchecked_edits: bool,
    /// Quit was asked for with unchecked edits: the next quit goes.
    pub quit_armed: bool,
    /// Keep the form for the next start when the explorer ends (not when the saved one did
    /// not read: it is left for the user to look at).
    pub save_form: bool,
    pub settings: Settings,
    /// State of the debugging tools (`tui::tools`).
    pub tools: super::tools::model::Tools,
    /// The files: `config.toml`, the presets, the history, mirrors. `None` when the app runs
    /// without a store (some tests).
    pub store: Option<crate::store::Store>,
    /// The environment picker and the add flow (`tui::environments`).
    pub environments: super::environments::model::EnvState,
    /// The preset picker and the loaded preset (`tui::presets`).
    pub presets: super::presets::model::PresetState,
    /// The history panel and the checks of the session (`tui::history`).
    pub history: super::history::model::HistoryState,
    /// The one-line prompt (`tui::prompt`).
    pub prompt: super::prompt::model::PromptState,
    /// Snapshots being taken and the PDP view (`tui::mirror`).
    pub mirror: super::mirror::model::MirrorPanel,
    /// The audit-log view and the log loaded into the form (`tui::audit`).
    pub audit: super::audit::model::AuditPanel,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("input", &self.input())
            .field("focus", &self.focus)
            .field("targets", &self.targets)
            .field("current", &self.current)
            .field("in_flight", &self.in_flight.as_ref().map(|f| f.id))
            .field("result", &self.result.as_ref().map(|r| r.id))
            .field("live", &self.live)
            .finish_non_exhaustive()
    }
}

/// The text `input` holds for one field of the form.
fn field_text(input: &CheckInput, field: Field) -> &str {
    match field {
        Field::User => &input.user,
        Field::UserAttributes => &input.user_attributes,
        Field::Action => &input.action,
        Field::Resource => &input.resource,
        Field::ResourceKey => &input.resource_key,
        Field::Tenant => &input.tenant,
        Field::ResourceAttributes => &input.resource_attributes,
        Field::Context => &input.context,
    }
}

fn new_field(field: Field, text: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(str::to_string).collect()
    };
    let mut area = TextArea::new(lines);
    area.set_placeholder_text(field.placeholder());
    area.set_tab_length(2);
    // Typing continues what is there, as in any form.
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl App {
    /// A form field changed: the form is validated (or, when large, once typing pauses), an
    /// applied suggestion's undo mark goes, and live mode's debounce starts again.
    pub fn edited(&mut self) -> Vec<Effect> {
        if let Some(field) = self.focused_field() {
            self.replaced.retain(|f| *f != field);
        }
        self.unchecked_edits = true;
        self.quit_armed = false;
        self.debounce_generation += 1;
        let mut effects = Vec::new();
        if self.json_bytes() > LARGE_FORM_BYTES {
            // Parsing megabytes at every key would make typing lag: once typing pauses.
            self.validation_pending = true;
            effects.push(Effect::Validate {
                generation: self.debounce_generation,
                after: VALIDATE_AFTER,
            });
        } else {
            self.revalidate();
        }
        if matches!(self.note, PanelNote::Invalid(_)) {
            self.note = PanelNote::None;
        }
        if self.live && (self.validation_pending || self.validation.is_ok()) {
            effects.push(Effect::Debounce {
                generation: self.debounce_generation,
                after: self.settings.debounce,
            });
        }
        effects
    }

    /// An app with one or more targets (the first is selected) and the form filled from
    /// `input`.
    pub fn new(targets: Vec<Target>, input: &CheckInput, settings: Settings) -> App {
        let mut app = App {
            fields: Field::ALL.iter().map(|f| new_field(*f, "")).collect(),
            field_errors: vec![None; Field::ALL.len()],
            validation: Err(InputError::Missing { field: "user key" }),
            focus: Focus::Field(Field::User),
            last_field: Field::User,
            targets: targets.into_iter().map(TargetState::new).collect(),
            current: 0,
            next_check_id: 1,
            in_flight: None,
            result: None,
            note: PanelNote::None,
            live: false,
            debounce_generation: 0,
            notices: VecDeque::new(),
            notice_log: VecDeque::new(),
            modals: Vec::new(),
            tab: ResultTab::Decision,
            scroll: 0,
            scroll_max: u16::MAX,
            show_histogram: false,
            unfold_passing: false,
            replaced: Vec::new(),
            validation_pending: false,
            palette: Default::default(),
            previous_target: None,
            help_query: String::new(),
            size: (80, 24),
            ticks: 0,
            should_quit: false,
            unchecked_edits: false,
            quit_armed: false,
            save_form: false,
            settings,
            tools: super::tools::model::Tools::default(),
            store: None,
            environments: Default::default(),
            presets: Default::default(),
            history: Default::default(),
            prompt: Default::default(),
            mirror: Default::default(),
            audit: Default::default(),
        };
        app.set_input(input);
        app
    }

    /// Replaces the whole form, e.g. with a preset.
    /// The form set to `input` as edits: each changed field's undo takes it back.
    pub fn replace_input(&mut self, input: &CheckInput) {
        for field in Field::ALL {
            let text = field_text(input, field);
            let area = &mut self.fields[field.index()];
            if area.lines().join("\n") == text {
                continue;
            }
            area.select_all();
            area.cut();
            area.insert_str(text);
            if !self.replaced.contains(&field) {
                self.replaced.push(field);
            }
        }
        self.revalidate();
    }

    pub fn set_input(&mut self, input: &CheckInput) {
        for field in Field::ALL {
            self.fields[field.index()] = new_field(field, field_text(input, field));
        }
        self.style_fields();
        self.revalidate();
    }

    /// The fields' styles for the focus as it is: the cursor only in the focused one. Set
    /// here (after every update) rather than on a copy at each frame.
    pub fn style_fields(&mut self) {
        let theme = super::theme::Theme {
            color: self.settings.color,
        };
        let focused = self.focused_field();
        for field in Field::ALL {
            let area = &mut self.fields[field.index()];
            area.set_cursor_line_style(ratatui::style::Style::default());
            area.set_placeholder_style(theme.dim());
            area.set_cursor_style(if focused == Some(field) {
                theme.cursor()
            } else {
                ratatui::style::Style::default()
            });
        }
    }

    /// The size of the JSON fields, counted without copying them.
    pub fn json_bytes(&self) -> usize {
        Field::ALL
            .into_iter()
            .filter(|f| f.is_json())
            .flat_map(|f| self.fields[f.index()].lines())
            .map(|line| line.len() + 1)
            .sum()
    }

    /// Whether a field holds nothing but whitespace, without copying its text.
    pub fn is_blank(&self, field: Field) -> bool {
        self.fields[field.index()]
            .lines()
            .iter()
            .all(|line| line.trim().is_empty())
    }

    pub fn text(&self, field: Field) -> String {
        self.fields[field.index()].lines().join("\n")
    }

    pub fn input(&self) -> CheckInput {
        CheckInput {
            user: self.text(Field::User),
            user_attributes: self.text(Field::UserAttributes),
            action: self.text(Field::Action),
            resource: self.text(Field::Resource),
            resource_key: self.text(Field::ResourceKey),
            tenant: self.text(Field::Tenant),
            resource_attributes: self.text(Field::ResourceAttributes),
            context: self.text(Field::Context),
        }
    }

    /// Back to the top of new content; how far it scrolls is known once it is drawn.
    pub fn reset_scroll(&mut self) {
        self.scroll = 0;
        self.scroll_max = u16::MAX;
    }

    /// Whether the form no longer is the query of the result on screen (edited, loaded, or
    /// changed while that check was in flight). Worked out when asked, so no path forgets it.
    pub fn result_is_stale(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|outcome| self.validation.as_ref().ok() != Some(&outcome.request.query))
    }

    /// Recomputes the per-field JSON errors and the whole-form validation.
    pub fn revalidate(&mut self) {
        self.validation_pending = false;
        for field in Field::ALL.into_iter().filter(|f| f.is_json()) {
            self.field_errors[field.index()] =
                parse_json_object(field.json_name(), &self.text(field)).err();
        }
        let mut input = self.input();
        if input.tenant.trim().is_empty() {
            if let Some(tenant) = self.target().and_then(|t| t.target.tenant.clone()) {
                input.tenant = tenant;
            }
        }
        self.validation = input.to_query();
    }

    pub fn target(&self) -> Option<&TargetState> {
        self.targets.get(self.current)
    }

    pub fn focused_field(&self) -> Option<Field> {
        match self.focus {
            Focus::Field(f) => Some(f),
            Focus::Decision => None,
        }
    }

    /// Whether the loop should send `Tick`s: a spinner turns or a notice must expire.
    pub fn wants_ticks(&self) -> bool {
        self.in_flight.is_some() || !self.notices.is_empty() || self.history.pending_live.is_some()
    }

    pub fn notice(&mut self, text: impl Into<String>, level: NoticeLevel) {
        let ticks_per_4s = (4000 / self.settings.tick.as_millis().max(1)) as u64;
        let until_tick = match level {
            NoticeLevel::Info => self.ticks + ticks_per_4s.max(1),
            // A warning is read before it goes: it stays until the notice log is opened.
            NoticeLevel::Warning => u64::MAX,
        };
        let notice = Notice {
            text: text.into(),
            level,
            until_tick,
        };
        self.notice_log.push_back(notice.clone());
        while self.notice_log.len() > NOTICE_LOG {
            self.notice_log.pop_front();
        }
        self.notices.push_back(notice);
        while self.notices.len() > NOTICES_ON_SCREEN {
            self.notices.pop_front();
        }
    }
}
