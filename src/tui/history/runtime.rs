//! The history file off the app's thread: appended to by one writer for the session, read
//! and indexed after the first frame, a line deleted; answers come back as `Msg::History`.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedSender;

use crate::store::history::HistoryIndex;
use crate::store::{History, HistoryEntry, HistoryWriter};
use crate::tui::msg::Msg;

use super::model::{HistoryEffect, HistoryMsg};

fn send(tx: &UnboundedSender<Msg>, msg: HistoryMsg) {
    let _ = tx.send(Msg::History(msg));
}

/// The session's history writer, started with the first check to record. Dropping it
/// writes what is still queued.
#[derive(Default)]
pub struct HistoryLog {
    writer: Mutex<Option<(PathBuf, HistoryWriter)>>,
}

impl HistoryLog {
    fn record(&self, log: History, entry: HistoryEntry, tx: &UnboundedSender<Msg>) {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if !matches!(&*writer, Some((path, _)) if path == log.path()) {
            let path = log.path().to_path_buf();
            let failures = tx.clone();
            let started = HistoryWriter::start(log, move |err| {
                send(&failures, HistoryMsg::NotSaved(err.to_notice().to_string()));
            });
            *writer = Some((path, started));
        }
        if let Some((_, writer)) = &mut *writer {
            writer.append(entry);
        }
    }
}

pub fn perform(effect: HistoryEffect, history: &HistoryLog, tx: &UnboundedSender<Msg>) {
    let tx = tx.clone();
    match effect {
        HistoryEffect::Record { log, entry } => history.record(log, entry, &tx),
        HistoryEffect::Delete { mut log, entry } => {
            tokio::task::spawn_blocking(move || {
                let failure = match log.remove(&entry) {
                    Ok(true) => return,
                    Ok(false) => format!(
                        "That check was not in {} (rotated out, or not written yet): nothing deleted there",
                        log.path().display()
                    ),
                    Err(err) => format!("Not deleted from the history file: {}", err.to_notice()),
                };
                send(&tx, HistoryMsg::NotDeleted(failure));
            });
        }
        HistoryEffect::Load(path) => {
            tokio::task::spawn_blocking(move || {
                let (entries, _notices) = History::open(&path).load();
                // Indexed here too: 10,000 search lines are not built on the app's thread.
                send(&tx, HistoryMsg::Loaded(HistoryIndex::new(entries)));
            });
        }
    }
}
