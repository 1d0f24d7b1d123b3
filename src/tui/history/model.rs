//! The history panel's state, and the messages and effects of the history file. A leaf.

use std::path::PathBuf;

use crate::store::history::HistoryIndex;
use crate::store::{History, HistoryEntry};
use crate::tui::picker::Picker;

/// How many history entries are read before the first frame.
pub const RECENT_AT_START: usize = 200;

#[derive(Default)]
pub struct HistoryState {
    /// Past checks, newest first, searchable.
    pub index: HistoryIndex,
    /// Whether the full history has replaced the recent slice read at start.
    pub complete: bool,
    /// Checks added to `index` this session (its first entries), kept across the full load.
    pub session_checks: usize,
    pub picker: Picker,
    /// The latest live-mode check and the tick it finished at: recorded once no newer one
    /// follows for a while, so a burst of edits leaves one history entry, not one per key.
    pub pending_live: Option<(HistoryEntry, u64)>,
}

impl HistoryState {
    /// Indices into `index` of the entries matching the filter, in panel order.
    pub fn matches(&self) -> Vec<usize> {
        self.index.filter(&self.picker.filter_text(), None)
    }

    /// The selected entry's index in `index`.
    pub fn selected(&self) -> Option<usize> {
        self.matches().get(self.picker.selected).copied()
    }
}

#[derive(Debug)]
pub enum HistoryMsg {
    /// The whole history, read and indexed on a blocking task after the first frame.
    Loaded(HistoryIndex),
    /// Appending to the history file failed (told once, until an append succeeds again).
    NotSaved(String),
    /// Deleting an entry from the history file did not happen, and why.
    NotDeleted(String),
}

#[derive(Debug)]
pub enum HistoryEffect {
    Load(PathBuf),
    /// Append `entry` to `log`, in order with the entries before it.
    Record {
        log: History,
        entry: HistoryEntry,
    },
    /// Delete `entry`'s line from `log` (off the app's thread).
    Delete {
        log: History,
        entry: HistoryEntry,
    },
}
