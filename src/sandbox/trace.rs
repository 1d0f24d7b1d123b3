//! The sandbox trace types live with the wire protocol (`pdp::trace`), where clients read
//! them; the sandbox builds them.

pub use crate::pdp::trace::*;
