//! Types and rules of the cooperative field, with no I/O.
//!
//! Layout:
//! - [`text`]: Vietnamese text folding (for search and matching) and collation (for sorted lists).
//! - [`admin_units`]: the embedded administrative units (legacy three-level and 2025 two-level),
//!   free-text address parsing and legacy → 2025 conversion.
//! - [`role`]: who a user is in the system (admin, coordinator, alliance staff, organisation representative).
//! - [`alliance`]: validated alliance input.

pub mod admin_units;
pub mod text;
