//! What a frame measured, for the state (a leaf: the messages carry it).

/// What drawing learned that the state needs: how far the decision panel scrolls at this
/// size (`update` clamps scrolling to it, so a key past the end is not stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    pub panel_scroll_max: u16,
}
