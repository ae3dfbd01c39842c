//! The engine.
pub struct Machine;
pub struct StopReason;
