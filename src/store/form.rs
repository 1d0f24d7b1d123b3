//! The form as the user left it, kept for the next start (`form.json` in the data
//! directory): edits never checked are not lost by quitting. No key is in it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::pdp::CheckInput;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedForm {
    /// The environment it was on: the form comes back only there.
    pub environment: String,
    pub input: CheckInput,
}

/// `None` when there is no saved form; an error (to report, and the file left as it is)
/// when there is one that does not read.
pub fn load(path: &Path) -> Result<Option<SavedForm>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("{}: {err}", path.display())),
    };
    serde_json::from_str(&text).map(Some).map_err(|err| {
        format!(
            "{}: not a saved form ({err}); it is left as it is",
            path.display()
        )
    })
}

pub fn save(path: &Path, form: &SavedForm) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(form).map_err(std::io::Error::other)?;
    super::atomic::write_atomic(path, &text, Some(super::atomic::PRIVATE_MODE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_form_reads_back_and_a_broken_one_is_reported() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("form.json");
        assert_eq!(load(&path), Ok(None));
        let form = SavedForm {
            environment: "prod".into(),
            input: CheckInput {
                user: "heidi".into(),
                user_attributes: "{\"clearance\": 2}".into(),
                ..CheckInput::default()
            },
        };
        save(&path, &form).expect("saved");
        assert_eq!(load(&path), Ok(Some(form)));
        std::fs::write(&path, "{oops").expect("written");
        assert!(load(&path).unwrap_err().contains("left as it is"));
    }
}
