//! REST
