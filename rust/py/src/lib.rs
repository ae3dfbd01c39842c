//! Python bindings (scaffold).
