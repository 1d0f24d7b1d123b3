//! Presets in the explorer: `route` (the picker's keys and the prompts it opens), `load`
//! (a preset into the form, in its environment), `answer` (what the prompts' answers write),
//! `verdict` (a loaded preset judged on its check), `model` (their state). The presets file
//! is written by `tui::store_write`.

pub mod answer;
pub mod load;
pub mod model;
pub mod route;
#[cfg(test)]
mod tests;
pub mod verdict;
