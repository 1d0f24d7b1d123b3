//! An environment as the explorer holds it: the one [`Target`] type of the crate (where its
//! PDP is, its key in memory only, where its REST API is), and whether it answered. A leaf,
//! shared by the state and the messages.

pub use crate::targets::Target;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Unknown,
    Up,
    /// Answered, but not healthy; the reason.
    Degraded(String),
    /// Did not answer.
    Down(String),
}
