//! Types and rules of the cooperative field, with no I/O.
//!
//! Layout:
//! - [`text`]: Vietnamese text folding (for search and matching) and collation (for sorted lists).
//! - [`admin_units`]: the embedded administrative units (legacy three-level and 2025 two-level),
//!   free-text address parsing and legacy → 2025 conversion.
//! - [`ids`], [`role`], [`policy`]: who is who, and the one module that decides who may do what.
//! - [`validate`], [`alliance`], [`account`]: user input parsed into checked values, with every
//!   finding reported at once.
//! - [`organisation`], [`report`], [`product`], [`ocop`], [`event`]: the registry, OCOP products
//!   and trade-promotion events with their rules.
//! - [`programme`], [`model`]: the coordination programme, and the showcase of effective
//!   cooperative models assessed against Decision 167/QĐ-TTg.

pub mod account;
pub mod admin_units;
pub mod alliance;
pub mod event;
pub mod ids;
pub mod lenient;
pub mod model;
pub mod ocop;
pub mod organisation;
pub mod policy;
pub mod product;
pub mod programme;
pub mod report;
pub mod role;
pub mod support;
pub mod text;
pub mod validate;
