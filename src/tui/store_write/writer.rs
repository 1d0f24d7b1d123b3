//! The store's writes, performed off the app's thread: the config under its lock, re-read
//! first; the presets file; mirror files. The files as they now are come back in one
//! message, `Msg::Written`.

use std::sync::{mpsc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::mpsc::UnboundedSender;

use crate::store::presets::{OnConflict, Presets};
use crate::store::Preset;
use crate::tui::msg::Msg;

use super::model::{ConfigChange, FileOp, PresetOp, StoreWrite, Written};

/// Performs the writes in the order `update` asked for them, on a thread of its own (locks
/// and fsyncs never hold up a key). It keeps the presets as last written: a second change
/// queued before the first one's answer reached the app starts from the first one's result,
/// not from the app's older copy. Dropping it finishes what is queued.
pub struct StoreWriter {
    queue: Mutex<Option<(mpsc::Sender<StoreWrite>, JoinHandle<()>)>>,
    tx: UnboundedSender<Msg>,
}

impl StoreWriter {
    pub fn new(tx: UnboundedSender<Msg>) -> StoreWriter {
        StoreWriter {
            queue: Mutex::new(None),
            tx,
        }
    }

    pub fn write(&self, write: StoreWrite) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.is_none() {
            let (sender, writes) = mpsc::channel::<StoreWrite>();
            let tx = self.tx.clone();
            let spawned = std::thread::Builder::new()
                .name("store-writer".into())
                .spawn(move || {
                    let mut kept = None;
                    for write in writes {
                        let _ = tx.send(Msg::Written(perform(write, &mut kept)));
                    }
                });
            match spawned {
                Ok(thread) => *queue = Some((sender, thread)),
                // No thread to be had: written here, late rather than never.
                Err(_) => {
                    let _ = self.tx.send(Msg::Written(perform(write, &mut None)));
                    return;
                }
            }
        }
        if let Some((sender, _)) = &*queue {
            let _ = sender.send(write);
        }
    }
}

impl Drop for StoreWriter {
    fn drop(&mut self) {
        let queue = self.queue.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some((sender, thread)) = queue.take() {
            drop(sender);
            let _ = thread.join();
        }
    }
}

/// Performs `write`. `kept` is the presets as the last write left them (`None` at first:
/// the app's copy in `write` is taken).
pub fn perform(write: StoreWrite, kept: &mut Option<Presets>) -> Box<Written> {
    let mut warnings = Vec::new();
    let mut done = write.done;
    let mut renamed = None;
    let config = write.config.map(|(mut config, change)| {
        config
            .update(|c| change.apply(c))
            .map_err(|e| e.to_notice().to_string())?;
        if let ConfigChange::Rename { old, new } = change {
            renamed = Some((old, new));
        }
        Ok(config)
    });
    let config_failed = matches!(config, Some(Err(_)));
    // Presets and files follow only a config that was written: a rename that did not happen
    // in the file must not move its presets either.
    let presets = write
        .presets
        .filter(|_| !config_failed)
        .map(|(app_copy, op)| {
            let presets = match kept {
                Some(own) if own.path() == app_copy.path() => own,
                _ => kept.insert(app_copy),
            };
            let said = apply_preset_op(presets, op)?;
            if let Some(message) = said.message {
                done = Some(message);
            }
            warnings.extend(said.notice);
            Ok(presets.clone())
        });
    if !config_failed {
        for op in write.files {
            let (result, file) = match &op {
                FileOp::Rename { from, to } => (std::fs::rename(from, to), from),
                FileOp::Remove(path) => (std::fs::remove_file(path), path),
            };
            match result {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    warnings.push(format!("{} stays as it was: {err}", file.display()));
                }
                _ => {}
            }
        }
    }
    Box::new(Written {
        config,
        presets,
        done,
        warnings,
        from_prompt: write.from_prompt,
        reload: write.reload,
        renamed,
    })
}

/// What a preset operation has to say: a message replacing the done one, a notice.
struct Said {
    message: Option<String>,
    notice: Option<String>,
}

fn apply_preset_op(presets: &mut Presets, op: PresetOp) -> Result<Said, String> {
    let notice = |n: Option<crate::store::Notice>| n.map(|n| n.to_string());
    let plain = |n| Said {
        message: None,
        notice: notice(n),
    };
    match op {
        PresetOp::Save(preset) => presets
            .save(*preset, true)
            .map(plain)
            .map_err(|e| e.to_string()),
        PresetOp::Rename { old, new } => presets
            .rename(&old, &new)
            .map(plain)
            .map_err(|e| e.to_string()),
        PresetOp::Duplicate { of, name } => presets
            .duplicate(&of, Some(&name))
            .map(|(made, n)| Said {
                message: Some(format!("Preset `{of}` copied to `{made}`")),
                notice: notice(n),
            })
            .map_err(|e| e.to_string()),
        PresetOp::Delete(name) => presets
            .delete(&name)
            .map(|(_, n)| plain(n))
            .map_err(|e| e.to_string()),
        PresetOp::Export(path) => presets
            .export_to(&path, None)
            .map(|n| Said {
                message: Some(format!("{n} preset(s) exported to {}", path.display())),
                notice: None,
            })
            .map_err(|e| e.to_string()),
        PresetOp::Import(path) => presets
            .import_from(&path, OnConflict::Rename)
            .map(|(report, n)| Said {
                message: Some(format!(
                    "Imported from {}: {} added, {} renamed, {} replaced, {} skipped",
                    path.display(),
                    report.added.len(),
                    report.renamed.len(),
                    report.replaced.len(),
                    report.skipped.len()
                )),
                notice: notice(n.or_else(|| report.notices.first().cloned())),
            })
            .map_err(|e| e.to_string()),
        PresetOp::MoveEnvironment { old, new } => {
            let moved: Vec<Preset> = presets
                .all()
                .iter()
                .filter(|p| p.environment.as_deref() == Some(old.as_str()))
                .cloned()
                .collect();
            let mut last = None;
            for mut preset in moved {
                preset.environment = Some(new.clone());
                last = presets.save(preset, true).map_err(|e| e.to_string())?;
            }
            Ok(plain(last))
        }
    }
}
