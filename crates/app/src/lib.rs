//! The `lienket` program: configuration, commands, demo data.
//!
//! Layout:
//! - [`cli`]: the command line (`serve`, `demo`, `migrate`, `user`, `backup`, `restore`).
//! - [`config`]: one typed configuration from flags and `LIENKET_*` variables.
//! - [`server`]: starting the HTTP server on a listener, with graceful shutdown.
//! - [`demo`]: the demonstration data set; `demo_events` adds its trade-promotion events,
//!   `demo_programme` the coordination programme and `demo_models` the model cooperatives.
//! - [`backup`]: online backup and restore for both engines.

pub mod backup;
pub mod cli;
pub mod config;
pub mod datagen;
pub mod demo;
mod demo_events;
mod demo_models;
mod demo_programme;
mod demo_support;
pub mod import;
pub mod server;
