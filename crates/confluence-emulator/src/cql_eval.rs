//! Evaluates parsed CQL against the store, with the caller's permissions.
