//! The explorer's vocabulary: what a key can mean (`Action` and each feature's actions), the
//! form's fields and what has focus (`Field`, `Focus`), where keys apply (`Context`) and which
//! overlay is open (`Modal` and the features' views).
//! A leaf: it names things and imports nothing of the explorer, so the key table, the state
//! and every feature can use it without reaching each other.

/// Where the focus is, which decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere except inside a modal.
    Global,
    /// A single-line field of the form.
    TextField,
    /// A multi-line JSON field of the form.
    JsonField,
    /// The decision panel (no text input: plain letters are commands).
    Panel,
    /// The help overlay.
    Help,
    /// The autocomplete popup under a field (only its keys; typing still goes to the field).
    Completion,
    /// The export menu.
    Export,
    /// The permission matrix.
    Matrix,
    /// What-if, compare and who-can results.
    ToolResult,
    /// The environment picker (no text input: plain letters and digits are commands).
    EnvPicker,
    /// The add-environment flow (the key and custom URLs take printable keys).
    AddEnv,
    /// The preset picker (typing filters).
    PresetPicker,
    /// The history panel (typing filters).
    HistoryPanel,
    /// A one-line question: preset name, new name, file path.
    Prompt,
    /// A PDP's health, version and drift against the mirror.
    PdpView,
    /// The audit logs (typing filters).
    AuditLog,
    /// The notice log.
    Notices,
    /// The command palette (typing filters).
    Palette,
    /// After the leader key: one letter picks a command.
    Leader,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::TextField => "Single-line fields",
            Context::JsonField => "JSON fields",
            Context::Panel => "Decision panel",
            Context::Help => "Help",
            Context::Completion => "Autocomplete popup",
            Context::Export => "Export menu",
            Context::Matrix => "Permission matrix",
            Context::ToolResult => "What-if / compare / who can",
            Context::EnvPicker => "Environment picker",
            Context::AddEnv => "Add environment",
            Context::PresetPicker => "Preset picker (typing filters)",
            Context::HistoryPanel => "History (typing filters)",
            Context::Prompt => "Name / path prompt",
            Context::PdpView => "PDP view",
            Context::AuditLog => "Audit log (typing filters)",
            Context::Notices => "Notice log",
            Context::Palette => "Command palette (typing filters)",
            Context::Leader => "After Ctrl-Space (which-key)",
        }
    }

    /// Overlays see only their own bindings.
    pub fn is_modal(self) -> bool {
        matches!(
            self,
            Context::Help
                | Context::Export
                | Context::Matrix
                | Context::ToolResult
                | Context::EnvPicker
                | Context::AddEnv
                | Context::PresetPicker
                | Context::HistoryPanel
                | Context::Prompt
                | Context::PdpView
                | Context::AuditLog
                | Context::Notices
                | Context::Palette
                | Context::Leader
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Fire,
    Cancel,
    /// Esc: cancel the check in flight, else leave the field for the decision panel, where
    /// letters are commands.
    Escape,
    /// Back from the decision panel to the field last edited.
    Edit,
    /// Undo the last edit of the focused field.
    Undo,
    FocusNext,
    FocusPrev,
    ToggleLive,
    OpenHelp,
    CloseModal,
    FormatJson,
    ClearField,
    NextTab,
    PrevTab,
    ToggleHistogram,
    /// Fold or unfold the passing branches of the explanation.
    ToggleFold,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    NextTarget,
    /// A debugging tool's key (`tui::tools`).
    Tool(ToolAction),
    /// The environment picker and the add flow (`tui::environments`).
    Env(EnvAction),
    /// The preset picker (`tui::presets`).
    Preset(PresetAction),
    /// The history panel (`tui::history`).
    History(HistoryAction),
    /// The one-line prompt over a picker (`tui::prompt`).
    Prompt(PromptAction),
    /// Mirrors and the PDP view (`tui::mirror`).
    Mirror(MirrorAction),
    /// The audit-log view (`tui::audit`).
    Audit(AuditAction),
    /// Open the notice log; the warnings on screen are then read and go.
    OpenNotices,
    /// The command palette and the leader (`tui::palette`).
    Palette(PaletteAction),
}

/// Which tool overlay is open (pushed on `App::modals` as `Modal::Tool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolView {
    Export,
    Matrix,
    WhoCan,
    WhatIf,
    Compare,
}

impl ToolView {
    pub fn title(self) -> &'static str {
        match self {
            ToolView::Export => "Export",
            ToolView::Matrix => "Permission matrix",
            ToolView::WhoCan => "Who can",
            ToolView::WhatIf => "What-if: A vs B",
            ToolView::Compare => "Environment compare",
        }
    }
}

/// The keys of the debugging tools (`tui::tools`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolAction {
    OpenExport,
    OpenMatrix,
    OpenWhoCan,
    /// Pin the form as A, or with A pinned run A against the form (B).
    WhatIf,
    /// Carry out the Nth (0-based) "to allow" suggestion on the form and run it as a what-if.
    ApplySuggestion(usize),
    Unpin,
    Compare,
    /// In the environment picker: compare the form on the current and the selected one.
    CompareWithSelected,
    RefreshSchema,
    ExportPick(usize),
    ExportToggleSecret,
    ExportToggleFile,
    Up,
    Down,
    Left,
    Right,
    Choose,
    CompleteNext,
    CompletePrev,
    CompleteAccept,
    CompleteDismiss,
}

/// Which overlay of environments is open (as `Modal::Env`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvView {
    Environments,
    AddEnvironment,
}

/// The keys of the environment picker and the add flow (`tui::environments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvAction {
    OpenEnvironments,
    /// Switch to environment N (0-based).
    SwitchTo(usize),
    Up,
    Down,
    /// Enter: switch, or the add flow's next step.
    Choose,
    AddEnvironment,
    Rename,
    /// Remove the selected environment (asked twice).
    Remove,
    /// Change the selected environment's PDP URL.
    EditPdpUrl,
    Close,
}

/// The keys of the preset picker (`tui::presets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetAction {
    Open,
    /// Save the form as a preset (asks its name).
    Save,
    Up,
    Down,
    /// Load the selected preset into the form, in its environment.
    Load,
    Rename,
    Duplicate,
    Delete,
    Export,
    Import,
    Close,
}

/// The keys of the history panel (`tui::history`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryAction {
    Open,
    Up,
    Down,
    /// Run the selected check again, in the environment it was made in.
    Rerun,
    /// Load the selected check into the form without running it.
    Load,
    Delete,
    Close,
}

/// The keys of the one-line prompt (`tui::prompt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptAction {
    Submit,
    /// In the save prompt: cycle the expected decision (none, allow, deny).
    CycleExpect,
    Cancel,
}

/// The keys of mirrors and the PDP view (`tui::mirror`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorAction {
    /// Take or refresh the snapshot of the selected (or current) environment.
    TakeSnapshot,
    /// Open the PDP view of the selected (or current) environment.
    OpenPdpView,
    /// Ask the PDP again (in the PDP view).
    Refresh,
}

/// The keys of the audit-log view (`tui::audit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Apply an edited filter, else load the selected log into the form.
    Choose,
}

/// The keys of the command palette and the leader (`tui::palette`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteAction {
    Open,
    Up,
    Down,
    /// Run the selected command (the router performs it once the palette is closed).
    Choose,
    /// Show the leader's one-letter commands.
    Leader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modal {
    Help,
    /// A debugging tool's overlay (export menu, matrix, what-if, compare, who can).
    Tool(ToolView),
    /// The environment picker or the add flow (`tui::environments`).
    Env(EnvView),
    /// The preset picker (`tui::presets`).
    Presets,
    /// The history panel (`tui::history`).
    History,
    /// A one-line question over its picker (`tui::prompt`).
    Prompt,
    /// A PDP's health, version and drift against the mirror (`tui::mirror`).
    PdpView,
    /// The current environment's audit logs (`tui::audit`).
    AuditLog,
    /// Every notice of the session, newest first.
    Notices,
    /// The command palette (`tui::palette`).
    Palette,
    /// The leader's which-key popup.
    Leader,
}

/// The form's fields, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    User,
    UserAttributes,
    Action,
    Resource,
    ResourceKey,
    Tenant,
    ResourceAttributes,
    Context,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::User,
        Field::UserAttributes,
        Field::Action,
        Field::Resource,
        Field::ResourceKey,
        Field::Tenant,
        Field::ResourceAttributes,
        Field::Context,
    ];

    pub fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::User => "User",
            Field::UserAttributes => "User attributes (JSON)",
            Field::Action => "Action",
            Field::Resource => "Resource",
            Field::ResourceKey => "Resource key",
            Field::Tenant => "Tenant",
            Field::ResourceAttributes => "Resource attributes (JSON)",
            Field::Context => "Context (JSON)",
        }
    }

    pub fn placeholder(self) -> &'static str {
        match self {
            Field::User => "user key, or {\"key\": …}",
            Field::Action => "e.g. read",
            Field::Resource => "type or type:key",
            Field::ResourceKey => "optional",
            Field::Tenant => "empty: default",
            _ => "{}",
        }
    }

    pub fn is_json(self) -> bool {
        matches!(
            self,
            Field::UserAttributes | Field::ResourceAttributes | Field::Context
        )
    }

    /// The name `parse_json_object` reports errors under.
    pub fn json_name(self) -> &'static str {
        match self {
            Field::UserAttributes => "user attributes",
            Field::ResourceAttributes => "resource attributes",
            _ => "context",
        }
    }
}

/// What has focus: a form field, or the decision panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(Field),
    Decision,
}

impl Focus {
    /// The Tab ring: the form's fields only. The decision panel is reached with Esc (or a
    /// click), so one Tab too many never lands where letters are commands.
    pub const RING: [Focus; 8] = [
        Focus::Field(Field::User),
        Focus::Field(Field::UserAttributes),
        Focus::Field(Field::Action),
        Focus::Field(Field::Resource),
        Focus::Field(Field::ResourceKey),
        Focus::Field(Field::Tenant),
        Focus::Field(Field::ResourceAttributes),
        Focus::Field(Field::Context),
    ];
}
