//! Integration tests of the LiênKết foundation, in one test binary.
//!
//! Every test starts the real app (in-process on port 0, or the built `lienket` binary as a
//! process) against a fresh database of its own, so tests run in parallel. Each test body runs
//! twice: on SQLite, and on PostgreSQL when `LIENKET_TEST_POSTGRES` holds a server URL
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`); each PostgreSQL test creates its own
//! database `lk_test_<pid>_<n>` and drops it afterwards.
//!
//! Layout: `helpers` (the harness), then one module per area.

/// Declares a test body that runs on both engines.
///
/// `on_both_engines! { async fn a_sentence(engine) { … } }` makes a module `a_sentence` with
/// two tests, `sqlite` and `postgres` (so `cargo test postgres` picks the PostgreSQL half; the
/// names are `a_sentence::sqlite` because declarative macros cannot glue identifiers and the
/// `paste` crate is unmaintained). The PostgreSQL test returns early, saying so, when
/// `LIENKET_TEST_POSTGRES` is unset, and fails when it is set but the server cannot be reached.
macro_rules! on_both_engines {
    ($( $(#[$meta:meta])* async fn $name:ident($engine:ident) $body:block )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($engine: $crate::helpers::Engine) $body

            #[tokio::test]
            async fn sqlite() {
                let engine = $crate::helpers::Engine::Sqlite;
                $crate::helpers::with_deadline(engine, body(engine)).await;
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::helpers::postgres_base().is_none() {
                    eprintln!("skipped: set {} to run on PostgreSQL", $crate::helpers::POSTGRES_ENV);
                    return;
                }
                let engine = $crate::helpers::Engine::Postgres;
                $crate::helpers::with_deadline(engine, body(engine)).await;
            }
        }
    )*};
}

mod helpers;

mod alliances;
mod api;
mod auth;
mod cli;
mod events;
mod faults;
mod imports;
mod models;
mod nodes;
mod policy;
mod product_import;
mod products;
mod programme_figures;
mod programmes;
mod registry;
mod reports;
mod reviews;
mod support;
