//! The one key table. Dispatch (`lookup`), the footer hints (`hints`) and the `?` help overlay
//! (`BINDINGS` grouped by context) all read it, so they cannot disagree.
//!
//! While a text field has focus it receives every printable key: the bindings of the text
//! contexts use only Ctrl, F-keys, Esc, Tab and Enter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::action::{Action, Context};
use super::action::{
    AuditAction, EnvAction, HistoryAction, MirrorAction, PaletteAction, PresetAction, PromptAction,
    ToolAction,
};

/// How the leader key is written in the palette and the which-key popup.
pub const LEADER_NAME: &str = "Ctrl-Space";

/// One key: a code and the modifiers that must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub key: Key,
    pub context: Context,
    pub action: Action,
    pub description: &'static str,
    /// Shown in the footer when its context is active.
    pub hint: bool,
}

const fn bind(
    key: Key,
    context: Context,
    action: Action,
    description: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        key,
        context,
        action,
        description,
        hint,
    }
}

use Action as A;
use AuditAction as L;
use Context as C;
use EnvAction as E;
use HistoryAction as H;
use MirrorAction as M;
use PaletteAction as P;
use PresetAction as R;
use PromptAction as Q;
use ToolAction as T;

/// Context-specific bindings come before global ones; the first match wins.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    // Help overlay.
    bind(key(KeyCode::Esc), C::Help, A::CloseModal, "close help", true),
    bind(key(KeyCode::F(1)), C::Help, A::CloseModal, "close help", false),
    bind(ctrl('c'), C::Help, A::Quit, "quit", true),
    // Command palette: typing filters.
    bind(key(KeyCode::Enter), C::Palette, A::Palette(P::Choose), "run the command", true),
    bind(key(KeyCode::Down), C::Palette, A::Palette(P::Down), "move", false),
    bind(key(KeyCode::Up), C::Palette, A::Palette(P::Up), "move", false),
    bind(key(KeyCode::Esc), C::Palette, A::CloseModal, "close", true),
    bind(ctrl('c'), C::Palette, A::CloseModal, "close", false),
    // After the leader: one plain letter each (the popup lists them: which-key).
    bind(key(KeyCode::Char('e')), C::Leader, A::Env(E::OpenEnvironments), "environments", true),
    bind(key(KeyCode::Char('p')), C::Leader, A::Preset(R::Open), "presets", true),
    bind(key(KeyCode::Char('s')), C::Leader, A::Preset(R::Save), "save as preset", true),
    bind(key(KeyCode::Char('h')), C::Leader, A::History(H::Open), "history", true),
    bind(key(KeyCode::Char('l')), C::Leader, A::Audit(L::Open), "audit log", true),
    bind(key(KeyCode::Char('n')), C::Leader, A::OpenNotices, "notice log", true),
    bind(key(KeyCode::Char('m')), C::Leader, A::Tool(T::OpenMatrix), "permission matrix", true),
    bind(key(KeyCode::Char('w')), C::Leader, A::Tool(T::OpenWhoCan), "who can", true),
    bind(key(KeyCode::Char('t')), C::Leader, A::Tool(T::WhatIf), "pin A / what-if", true),
    bind(key(KeyCode::Char('c')), C::Leader, A::Tool(T::Compare), "compare envs", true),
    bind(key(KeyCode::Char('x')), C::Leader, A::Tool(T::OpenExport), "export snippet", true),
    bind(key(KeyCode::Char('g')), C::Leader, A::Tool(T::RefreshSchema), "reload schema", true),
    bind(key(KeyCode::Char('v')), C::Leader, A::ToggleLive, "live mode", true),
    bind(key(KeyCode::Char('k')), C::Leader, A::Fire, "check", true),
    bind(key(KeyCode::Char('?')), C::Leader, A::OpenHelp, "help", true),
    bind(key(KeyCode::Char(':')), C::Leader, A::Palette(P::Open), "command palette", true),
    bind(key(KeyCode::Esc), C::Leader, A::CloseModal, "close", true),
    bind(ctrl('c'), C::Leader, A::CloseModal, "close", false),
    // Single-line fields.
    bind(key(KeyCode::Enter), C::TextField, A::Fire, "check", true),
    bind(ctrl('u'), C::TextField, A::ClearField, "delete to line start", true),
    bind(ctrl('z'), C::TextField, A::Undo, "undo", true),
    // JSON fields: Enter is a newline there.
    bind(ctrl('f'), C::JsonField, A::FormatJson, "pretty-print JSON", true),
    bind(ctrl('u'), C::JsonField, A::ClearField, "delete to line start", true),
    bind(ctrl('z'), C::JsonField, A::Undo, "undo", true),
    // Decision panel.
    bind(key(KeyCode::Enter), C::Panel, A::Edit, "edit the form", true),
    bind(key(KeyCode::Char('i')), C::Panel, A::Edit, "edit the form", false),
    bind(key(KeyCode::Char('q')), C::Panel, A::Quit, "quit", true),
    bind(key(KeyCode::Char('?')), C::Panel, A::OpenHelp, "help", true),
    bind(key(KeyCode::Char(':')), C::Panel, A::Palette(P::Open), "command palette", true),
    bind(key(KeyCode::Right), C::Panel, A::NextTab, "next tab", true),
    bind(key(KeyCode::Left), C::Panel, A::PrevTab, "previous tab", false),
    bind(key(KeyCode::Char('l')), C::Panel, A::NextTab, "next tab", false),
    bind(key(KeyCode::Char('h')), C::Panel, A::PrevTab, "previous tab", false),
    bind(key(KeyCode::Down), C::Panel, A::ScrollDown, "scroll down", false),
    bind(key(KeyCode::Char('j')), C::Panel, A::ScrollDown, "scroll down", true),
    bind(key(KeyCode::Up), C::Panel, A::ScrollUp, "scroll up", false),
    bind(key(KeyCode::PageDown), C::Panel, A::PageDown, "page down", false),
    bind(key(KeyCode::PageUp), C::Panel, A::PageUp, "page up", false),
    bind(key(KeyCode::Home), C::Panel, A::ScrollTop, "top", false),
    bind(key(KeyCode::End), C::Panel, A::ScrollBottom, "bottom", false),
    bind(key(KeyCode::Char('k')), C::Panel, A::ScrollUp, "scroll up", false),
    bind(key(KeyCode::Char('z')), C::Panel, A::ToggleFold, "fold passing branches", false),
    bind(key(KeyCode::Char('g')), C::Panel, A::ToggleHistogram, "latency histogram", true),
    bind(key(KeyCode::Down), C::Help, A::Tool(T::Down), "scroll", false),
    bind(key(KeyCode::Up), C::Help, A::Tool(T::Up), "scroll", false),
    // Autocomplete popup (typing still goes into the field).
    bind(key(KeyCode::Tab), C::Completion, A::Tool(T::CompleteNext), "next", true),
    bind(key(KeyCode::Down), C::Completion, A::Tool(T::CompleteNext), "next", false),
    bind(key(KeyCode::Up), C::Completion, A::Tool(T::CompletePrev), "previous", false),
    bind(key(KeyCode::Enter), C::Completion, A::Tool(T::CompleteAccept), "accept", true),
    bind(key(KeyCode::Esc), C::Completion, A::Tool(T::CompleteDismiss), "close list", true),
    // Export menu.
    bind(key(KeyCode::Char('c')), C::Export, A::Tool(T::ExportPick(0)), "curl", true),
    bind(key(KeyCode::Char('p')), C::Export, A::Tool(T::ExportPick(1)), "Python SDK", true),
    bind(key(KeyCode::Char('n')), C::Export, A::Tool(T::ExportPick(2)), "Node SDK", true),
    bind(key(KeyCode::Char('k')), C::Export, A::Tool(T::ExportToggleSecret), "with API key (once)", true),
    bind(key(KeyCode::Char('f')), C::Export, A::Tool(T::ExportToggleFile), "file / clipboard", true),
    bind(key(KeyCode::Down), C::Export, A::Tool(T::Down), "move", false),
    bind(key(KeyCode::Up), C::Export, A::Tool(T::Up), "move", false),
    bind(key(KeyCode::Enter), C::Export, A::Tool(T::Choose), "export selected", false),
    bind(key(KeyCode::Esc), C::Export, A::CloseModal, "close", true),
    bind(ctrl('c'), C::Export, A::Quit, "quit", false),
    // Permission matrix.
    bind(key(KeyCode::Enter), C::Matrix, A::Tool(T::Choose), "load cell and check", true),
    bind(key(KeyCode::Up), C::Matrix, A::Tool(T::Up), "move", false),
    bind(key(KeyCode::Down), C::Matrix, A::Tool(T::Down), "move", false),
    bind(key(KeyCode::Left), C::Matrix, A::Tool(T::Left), "move", false),
    bind(key(KeyCode::Right), C::Matrix, A::Tool(T::Right), "move", true),
    bind(key(KeyCode::Char('r')), C::Matrix, A::Tool(T::RefreshSchema), "reload schema", true),
    bind(key(KeyCode::Esc), C::Matrix, A::CloseModal, "close", true),
    bind(ctrl('c'), C::Matrix, A::Quit, "quit", false),
    // What-if, compare and who-can results.
    bind(key(KeyCode::Down), C::ToolResult, A::Tool(T::Down), "scroll", true),
    bind(key(KeyCode::Up), C::ToolResult, A::Tool(T::Up), "scroll", false),
    bind(key(KeyCode::Char('z')), C::ToolResult, A::ToggleFold, "fold passing branches", true),
    bind(key(KeyCode::Char('u')), C::ToolResult, A::Tool(T::Unpin), "unpin what-if's A", true),
    bind(key(KeyCode::Esc), C::ToolResult, A::CloseModal, "close", true),
    bind(ctrl('c'), C::ToolResult, A::Quit, "quit", false),
    // Environment picker (no text input).
    bind(key(KeyCode::Enter), C::EnvPicker, A::Env(E::Choose), "switch / add", true),
    bind(key(KeyCode::Down), C::EnvPicker, A::Env(E::Down), "move", false),
    bind(key(KeyCode::Up), C::EnvPicker, A::Env(E::Up), "move", false),
    bind(key(KeyCode::Char('j')), C::EnvPicker, A::Env(E::Down), "move", false),
    bind(key(KeyCode::Char('k')), C::EnvPicker, A::Env(E::Up), "move", false),
    bind(key(KeyCode::Char('a')), C::EnvPicker, A::Env(E::AddEnvironment), "add environment", true),
    bind(key(KeyCode::Char('1')), C::EnvPicker, A::Env(E::SwitchTo(0)), "environment N", false),
    bind(key(KeyCode::Char('2')), C::EnvPicker, A::Env(E::SwitchTo(1)), "environment N", false),
    bind(key(KeyCode::Char('3')), C::EnvPicker, A::Env(E::SwitchTo(2)), "environment N", false),
    bind(key(KeyCode::Char('4')), C::EnvPicker, A::Env(E::SwitchTo(3)), "environment N", false),
    bind(key(KeyCode::Char('5')), C::EnvPicker, A::Env(E::SwitchTo(4)), "environment N", false),
    bind(key(KeyCode::Char('6')), C::EnvPicker, A::Env(E::SwitchTo(5)), "environment N", false),
    bind(key(KeyCode::Char('7')), C::EnvPicker, A::Env(E::SwitchTo(6)), "environment N", false),
    bind(key(KeyCode::Char('8')), C::EnvPicker, A::Env(E::SwitchTo(7)), "environment N", false),
    bind(key(KeyCode::Char('9')), C::EnvPicker, A::Env(E::SwitchTo(8)), "environment N", false),
    bind(key(KeyCode::Esc), C::EnvPicker, A::Env(E::Close), "close", true),
    bind(key(KeyCode::Char('q')), C::EnvPicker, A::Env(E::Close), "close", false),
    bind(key(KeyCode::Char('s')), C::EnvPicker, A::Mirror(M::TakeSnapshot), "snapshot (mirror)", true),
    bind(key(KeyCode::Char('c')), C::EnvPicker, A::Tool(T::CompareWithSelected), "compare with it", true),
    bind(key(KeyCode::Char('r')), C::EnvPicker, A::Env(E::Rename), "rename", true),
    bind(key(KeyCode::Char('u')), C::EnvPicker, A::Env(E::EditPdpUrl), "change PDP URL", true),
    bind(ctrl('x'), C::EnvPicker, A::Env(E::Remove), "remove (twice)", true),
    bind(key(KeyCode::Char('p')), C::EnvPicker, A::Mirror(M::OpenPdpView), "PDP view", true),
    bind(ctrl('c'), C::EnvPicker, A::Quit, "quit", false),
    // Alt-E, Alt-P and Alt-H mean what they mean everywhere: the overlays swap.
    bind(alt('e'), C::EnvPicker, A::Env(E::OpenEnvironments), "environments", false),
    bind(alt('p'), C::EnvPicker, A::Preset(R::Open), "presets", false),
    bind(alt('h'), C::EnvPicker, A::History(H::Open), "history", false),
    // PDP view.
    bind(key(KeyCode::Esc), C::PdpView, A::CloseModal, "close", true),
    bind(key(KeyCode::Char('q')), C::PdpView, A::CloseModal, "close", false),
    bind(key(KeyCode::Char('r')), C::PdpView, A::Mirror(M::Refresh), "ask again", true),
    bind(key(KeyCode::Char('s')), C::PdpView, A::Mirror(M::TakeSnapshot), "take / refresh the mirror", true),
    bind(ctrl('c'), C::PdpView, A::Quit, "quit", false),
    // Audit log: typing filters.
    bind(key(KeyCode::Enter), C::AuditLog, A::Audit(L::Choose), "apply filter / load into form", true),
    bind(key(KeyCode::Down), C::AuditLog, A::Audit(L::Down), "move", false),
    bind(key(KeyCode::Up), C::AuditLog, A::Audit(L::Up), "move", false),
    bind(key(KeyCode::PageDown), C::AuditLog, A::Audit(L::PageDown), "page", false),
    bind(key(KeyCode::PageUp), C::AuditLog, A::Audit(L::PageUp), "page", false),
    bind(key(KeyCode::Esc), C::AuditLog, A::CloseModal, "close", true),
    bind(ctrl('c'), C::AuditLog, A::Quit, "quit", false),
    // Add environment: the key and custom URLs take every printable key.
    bind(key(KeyCode::Enter), C::AddEnv, A::Env(E::Choose), "next step", true),
    bind(key(KeyCode::Down), C::AddEnv, A::Env(E::Down), "move", true),
    bind(key(KeyCode::Up), C::AddEnv, A::Env(E::Up), "move", false),
    bind(key(KeyCode::Esc), C::AddEnv, A::Env(E::Close), "cancel", true),
    bind(ctrl('c'), C::AddEnv, A::Quit, "quit", false),
    // Preset picker: typing filters.
    bind(key(KeyCode::Enter), C::PresetPicker, A::Preset(R::Load), "load into the form", true),
    bind(key(KeyCode::Down), C::PresetPicker, A::Preset(R::Down), "move", false),
    bind(key(KeyCode::Up), C::PresetPicker, A::Preset(R::Up), "move", false),
    bind(alt('r'), C::PresetPicker, A::Preset(R::Rename), "rename", true),
    bind(alt('d'), C::PresetPicker, A::Preset(R::Duplicate), "duplicate", true),
    bind(ctrl('x'), C::PresetPicker, A::Preset(R::Delete), "delete", true),
    bind(alt('o'), C::PresetPicker, A::Preset(R::Export), "export to a file", true),
    bind(alt('i'), C::PresetPicker, A::Preset(R::Import), "import a file", true),
    bind(key(KeyCode::Esc), C::PresetPicker, A::Preset(R::Close), "close", true),
    bind(ctrl('c'), C::PresetPicker, A::Quit, "quit", false),
    bind(alt('e'), C::PresetPicker, A::Env(E::OpenEnvironments), "environments", false),
    bind(alt('p'), C::PresetPicker, A::Preset(R::Open), "presets", false),
    bind(alt('h'), C::PresetPicker, A::History(H::Open), "history", false),
    // History panel: typing filters.
    bind(key(KeyCode::Enter), C::HistoryPanel, A::History(H::Rerun), "re-run", true),
    bind(key(KeyCode::Tab), C::HistoryPanel, A::History(H::Load), "load into the form", true),
    bind(ctrl('x'), C::HistoryPanel, A::History(H::Delete), "delete", true),
    bind(key(KeyCode::Down), C::HistoryPanel, A::History(H::Down), "move", false),
    bind(key(KeyCode::Up), C::HistoryPanel, A::History(H::Up), "move", false),
    bind(key(KeyCode::Esc), C::HistoryPanel, A::History(H::Close), "close", true),
    bind(ctrl('c'), C::HistoryPanel, A::Quit, "quit", false),
    bind(alt('e'), C::HistoryPanel, A::Env(E::OpenEnvironments), "environments", false),
    bind(alt('p'), C::HistoryPanel, A::Preset(R::Open), "presets", false),
    bind(alt('h'), C::HistoryPanel, A::History(H::Open), "history", false),
    // Prompt.
    bind(key(KeyCode::Enter), C::Prompt, A::Prompt(Q::Submit), "confirm", true),
    bind(key(KeyCode::Tab), C::Prompt, A::Prompt(Q::CycleExpect), "expected decision", true),
    bind(key(KeyCode::Esc), C::Prompt, A::Prompt(Q::Cancel), "cancel", true),
    // A prompt is a question: Ctrl-C takes it back, as in a shell.
    bind(ctrl('c'), C::Prompt, A::Prompt(Q::Cancel), "cancel", false),
    // Decision panel: the numbered "to allow" suggestions, applied to the form as a what-if.
    bind(key(KeyCode::Char('1')), C::Panel, A::Tool(T::ApplySuggestion(0)), "apply suggestion N", true),
    bind(key(KeyCode::Char('2')), C::Panel, A::Tool(T::ApplySuggestion(1)), "apply suggestion N", false),
    bind(key(KeyCode::Char('3')), C::Panel, A::Tool(T::ApplySuggestion(2)), "apply suggestion N", false),
    bind(key(KeyCode::Char('4')), C::Panel, A::Tool(T::ApplySuggestion(3)), "apply suggestion N", false),
    bind(key(KeyCode::Char('5')), C::Panel, A::Tool(T::ApplySuggestion(4)), "apply suggestion N", false),
    bind(key(KeyCode::Char('6')), C::Panel, A::Tool(T::ApplySuggestion(5)), "apply suggestion N", false),
    bind(key(KeyCode::Char('7')), C::Panel, A::Tool(T::ApplySuggestion(6)), "apply suggestion N", false),
    bind(key(KeyCode::Char('8')), C::Panel, A::Tool(T::ApplySuggestion(7)), "apply suggestion N", false),
    bind(key(KeyCode::Char('9')), C::Panel, A::Tool(T::ApplySuggestion(8)), "apply suggestion N", false),
    // Everywhere.
    bind(key(KeyCode::F(5)), C::Global, A::Fire, "check", true),
    bind(Key { code: KeyCode::Enter, mods: KeyModifiers::CONTROL }, C::Global, A::Fire, "check", false),
    bind(key(KeyCode::Esc), C::Global, A::Escape, "cancel / leave field", true),
    bind(key(KeyCode::Tab), C::Global, A::FocusNext, "next field", true),
    bind(Key { code: KeyCode::BackTab, mods: KeyModifiers::SHIFT }, C::Global, A::FocusPrev, "previous field", false),
    bind(key(KeyCode::F(2)), C::Global, A::ToggleLive, "live mode", true),
    bind(key(KeyCode::F(3)), C::Global, A::NextTab, "next result tab", false),
    bind(key(KeyCode::F(4)), C::Global, A::ToggleHistogram, "latency histogram", false),
    bind(key(KeyCode::F(7)), C::Global, A::NextTarget, "next environment", false),
    bind(key(KeyCode::F(1)), C::Global, A::OpenHelp, "help", true),
    bind(alt('?'), C::Global, A::OpenHelp, "help", false),
    bind(alt('x'), C::Global, A::Palette(P::Open), "command palette", true),
    bind(Key { code: KeyCode::Char(' '), mods: KeyModifiers::CONTROL }, C::Global, A::Palette(P::Leader), "leader (which-key)", true),
    bind(ctrl('c'), C::Global, A::Quit, "quit", true),
    // Everywhere: the debugging tools.
    bind(ctrl('o'), C::Global, A::Tool(T::OpenExport), "export snippet", true),
    bind(key(KeyCode::F(8)), C::Global, A::Tool(T::OpenMatrix), "permission matrix", true),
    bind(key(KeyCode::F(9)), C::Global, A::Tool(T::OpenWhoCan), "who can", false),
    bind(ctrl('t'), C::Global, A::Tool(T::WhatIf), "pin A / what-if", false),
    bind(key(KeyCode::F(6)), C::Global, A::Tool(T::Compare), "compare envs", false),
    bind(ctrl('g'), C::Global, A::Tool(T::RefreshSchema), "reload schema", false),
    // Everywhere: environments, presets, history (`tui::environments`, `presets`, `history`).
    bind(alt('e'), C::Global, A::Env(E::OpenEnvironments), "environments", false),
    bind(alt('p'), C::Global, A::Preset(R::Open), "presets", false),
    bind(ctrl('s'), C::Global, A::Preset(R::Save), "save as preset", false),
    bind(alt('h'), C::Global, A::History(H::Open), "history", false),
    bind(alt('1'), C::Global, A::Env(E::SwitchTo(0)), "environment N", false),
    bind(alt('2'), C::Global, A::Env(E::SwitchTo(1)), "environment N", false),
    bind(alt('3'), C::Global, A::Env(E::SwitchTo(2)), "environment N", false),
    bind(alt('4'), C::Global, A::Env(E::SwitchTo(3)), "environment N", false),
    bind(alt('5'), C::Global, A::Env(E::SwitchTo(4)), "environment N", false),
    bind(alt('6'), C::Global, A::Env(E::SwitchTo(5)), "environment N", false),
    bind(alt('7'), C::Global, A::Env(E::SwitchTo(6)), "environment N", false),
    bind(alt('8'), C::Global, A::Env(E::SwitchTo(7)), "environment N", false),
    bind(alt('9'), C::Global, A::Env(E::SwitchTo(8)), "environment N", false),
    bind(alt('l'), C::Global, A::Audit(L::Open), "audit log", true),
    bind(alt('n'), C::Global, A::OpenNotices, "notice log", false),
    bind(key(KeyCode::Esc), C::Notices, A::CloseModal, "close", true),
    bind(ctrl('c'), C::Notices, A::Quit, "quit", false),
];

fn matches(binding: &Key, event: &KeyEvent) -> bool {
    // Terminals differ on whether Shift accompanies a shifted character (`?`) or BackTab.
    let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
    let event_mods = match event.code {
        KeyCode::Char(_) | KeyCode::BackTab => event.modifiers & relevant,
        _ => event.modifiers & (relevant | KeyModifiers::SHIFT),
    };
    let binding_mods = match binding.code {
        KeyCode::Char(_) | KeyCode::BackTab => binding.mods & relevant,
        _ => binding.mods,
    };
    let same_code = match (binding.code, event.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) if event.modifiers.contains(KeyModifiers::CONTROL) => {
            a.eq_ignore_ascii_case(&b)
        }
        (a, b) => a == b,
    };
    same_code && binding_mods == event_mods
}

/// The action a key triggers in `context`, if any. A modal (`Help`) sees only its own
/// bindings; the other contexts fall back to the global ones.
pub fn lookup(event: &KeyEvent, context: Context) -> Option<Action> {
    let own = BINDINGS
        .iter()
        .find(|b| b.context == context && matches(&b.key, event));
    if own.is_some() || context.is_modal() {
        return own.map(|b| b.action);
    }
    BINDINGS
        .iter()
        .find(|b| b.context == Context::Global && matches(&b.key, event))
        .map(|b| b.action)
}

/// `1 / 2 / … / 9` as `1…9` (and `Alt-1 / … / Alt-9` as `Alt-1…9`), so the direct
/// environment keys take one short help row.
fn compress_digits(keys: &str) -> String {
    for prefix in ["", "Alt-"] {
        let run: Vec<String> = (1..=9).map(|d| format!("{prefix}{d}")).collect();
        let joined = run.join(" / ");
        if keys.contains(&joined) {
            return keys.replace(&joined, &format!("{prefix}1…9"));
        }
    }
    keys.to_string()
}

/// Bindings that share one help row: the same action, or direct environment keys.
fn same_row(a: Action, b: Action) -> bool {
    a == b
        || matches!(
            (a, b),
            (
                Action::Env(EnvAction::SwitchTo(_)),
                Action::Env(EnvAction::SwitchTo(_))
            ) | (
                Action::Tool(ToolAction::ApplySuggestion(_)),
                Action::Tool(ToolAction::ApplySuggestion(_))
            )
        )
}

/// Whether a help row's keys (as `help_sections` writes them) include `key`.
pub fn help_covers(keys: &str, key: &Key) -> bool {
    let written = describe(key);
    if keys.split(" / ").any(|k| k == written) {
        return true;
    }
    // A compressed digit run: `1…9` or `Alt-1…9`.
    match (key.code, written.strip_suffix(|c: char| c.is_ascii_digit())) {
        (KeyCode::Char(d), Some(prefix)) if d.is_ascii_digit() => {
            keys.split(" / ").any(|k| k == format!("{prefix}1…9"))
        }
        _ => false,
    }
}

/// Only `context`'s own binding for a key (the autocomplete popup, before the field's).
pub fn lookup_only(event: &KeyEvent, context: Context) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.context == context && matches(&b.key, event))
        .map(|b| b.action)
}

/// How a key is written in the footer and the help overlay.
pub fn describe(key: &Key) -> String {
    let mut out = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        out.push_str("Ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        out.push_str("Alt-");
    }
    let name = match key.code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c)
            if key
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            c.to_ascii_uppercase().to_string()
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    out.push_str(&name);
    out
}

/// The footer hints for `context`: its own hinted bindings, then the global ones whose action
/// it does not already cover. Each action appears once.
pub fn hints(context: Context) -> Vec<(String, &'static str)> {
    hints_where(context, |_| true)
}

/// The footer hints whose action `acts` says does something now: a key that would only say
/// "nothing to do here" is not advertised.
pub fn hints_where(context: Context, acts: impl Fn(Action) -> bool) -> Vec<(String, &'static str)> {
    let mut seen: Vec<Action> = Vec::new();
    // A key the context rebinds (Tab, Esc in the autocomplete popup) is hinted once.
    let mut keys: Vec<Key> = Vec::new();
    let mut out = Vec::new();
    let only = [context];
    let contexts: &[Context] = if context.is_modal() {
        &only
    } else {
        &[context, Context::Global]
    };
    for ctx in contexts {
        for b in BINDINGS
            .iter()
            .filter(|b| b.context == *ctx && b.hint && acts(b.action))
        {
            if !seen.contains(&b.action) && !keys.contains(&b.key) {
                seen.push(b.action);
                keys.push(b.key);
                out.push((describe(&b.key), b.description));
            }
        }
    }
    out
}

/// The help overlay's sections: each context with every binding of it, keys of the same
/// action and description joined (`F5 / Ctrl-Enter / Ctrl-R`).
pub fn help_sections() -> Vec<(Context, Vec<(String, &'static str)>)> {
    let order = [
        Context::Global,
        Context::TextField,
        Context::JsonField,
        Context::Panel,
        Context::Help,
        Context::Completion,
        Context::Export,
        Context::Matrix,
        Context::ToolResult,
        Context::EnvPicker,
        Context::AddEnv,
        Context::PresetPicker,
        Context::HistoryPanel,
        Context::Prompt,
        Context::PdpView,
        Context::AuditLog,
        Context::Notices,
        Context::Palette,
        Context::Leader,
    ];
    order
        .iter()
        .map(|ctx| {
            let mut rows: Vec<(Action, String, &'static str)> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.context == *ctx) {
                match rows
                    .iter_mut()
                    .find(|(a, _, d)| *d == b.description && same_row(*a, b.action))
                {
                    Some(row) => {
                        row.1.push_str(" / ");
                        row.1.push_str(&describe(&b.key));
                    }
                    None => rows.push((b.action, describe(&b.key), b.description)),
                }
            }
            (
                *ctx,
                rows.into_iter()
                    .map(|(_, k, d)| (compress_digits(&k), d))
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn printable_keys_are_never_bound_in_text_fields() {
        for b in BINDINGS {
            if matches!(
                b.context,
                Context::TextField
                    | Context::JsonField
                    | Context::Global
                    | Context::AddEnv
                    | Context::PresetPicker
                    | Context::HistoryPanel
                    | Context::Prompt
                    | Context::AuditLog
                    | Context::Palette
                    | Context::Help
            ) {
                if let KeyCode::Char(_) = b.key.code {
                    // Alt+letter never inserts text in a text area either.
                    assert!(
                        b.key
                            .mods
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT),
                        "{:?} would steal a printable key",
                        b
                    );
                }
            }
        }
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(lookup(&q, Context::TextField), None);
        assert_eq!(lookup(&q, Context::JsonField), None);
        assert_eq!(lookup(&q, Context::Panel), Some(Action::Quit));
    }

    #[test]
    fn enter_fires_in_single_line_fields_but_not_in_json_fields() {
        let enter = ev(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(lookup(&enter, Context::TextField), Some(Action::Fire));
        assert_eq!(lookup(&enter, Context::JsonField), None);
        let ctrl_enter = ev(KeyCode::Enter, KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_enter, Context::JsonField), Some(Action::Fire));
    }

    #[test]
    fn help_context_sees_only_its_own_keys() {
        let f5 = ev(KeyCode::F(5), KeyModifiers::NONE);
        assert_eq!(lookup(&f5, Context::Help), None);
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(lookup(&esc, Context::Help), Some(Action::CloseModal));
        assert_eq!(lookup(&esc, Context::TextField), Some(Action::Escape));
    }

    #[test]
    fn shifted_question_mark_and_backtab_match() {
        let q = ev(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&q, Context::Panel), Some(Action::OpenHelp));
        let bt = ev(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(&bt, Context::TextField), Some(Action::FocusPrev));
        let bt_plain = ev(KeyCode::BackTab, KeyModifiers::NONE);
        assert_eq!(
            lookup(&bt_plain, Context::TextField),
            Some(Action::FocusPrev)
        );
    }

    #[test]
    fn footer_and_help_come_from_the_table() {
        let hints = hints(Context::JsonField);
        assert!(hints
            .iter()
            .any(|(k, d)| k == "Ctrl-F" && *d == "pretty-print JSON"));
        assert!(hints.iter().any(|(k, _)| k == "F5"));
        assert!(!hints.iter().any(|(k, _)| k == "Enter"));
        let help = help_sections();
        let global = &help[0].1;
        assert!(global
            .iter()
            .any(|(k, d)| k == "F5 / Ctrl-Enter" && *d == "check"));
    }

    #[test]
    fn the_autocomplete_popup_never_binds_a_printable_key() {
        for b in BINDINGS.iter().filter(|b| b.context == Context::Completion) {
            assert!(
                !matches!(b.key.code, KeyCode::Char(_)),
                "{b:?} would steal a typed character"
            );
        }
        let tab = ev(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(
            lookup_only(&tab, Context::Completion),
            Some(Action::Tool(ToolAction::CompleteNext))
        );
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(lookup_only(&j, Context::Completion), None);
    }

    #[test]
    fn every_tool_key_is_in_the_help() {
        let help = help_sections();
        let all: Vec<&str> = help
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(_, d)| *d))
            .collect();
        for needle in [
            "export snippet",
            "permission matrix",
            "who can",
            "pin A / what-if",
            "compare envs",
            "reload schema",
        ] {
            assert!(all.contains(&needle), "{needle} missing from help");
        }
    }
}
