//! The embedded sandbox PDP (issue: sandbox).
