//! CQL.
