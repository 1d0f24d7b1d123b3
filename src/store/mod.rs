//! Environments, presets and history on disk.
