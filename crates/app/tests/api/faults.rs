//! Things going wrong: a database from the future, a database that is not there, and a server
//! killed in the middle of writing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lienket_store::{Store, StoreError};
use reqwest::StatusCode;

use crate::helpers::{Engine, Server, TestDb, alliance_body, args, plain, run_lienket};

on_both_engines! {
    async fn a_database_written_by_a_newer_lienket_is_refused(engine) {
        let db = TestDb::new(engine).await;
        let store = Store::open(db.url()).await.expect("a fresh database opens");
        let known = store.schema_version().await.unwrap();
        store.close().await.unwrap();
        db.execute(
            "INSERT INTO lienket_schema (version, name, applied_at) \
             VALUES (999999, 'from the future', '2099-01-01T00:00:00Z')",
        )
        .await;

        let err = Store::open(db.url()).await.expect_err("a newer schema must be refused");
        match &err {
            StoreError::SchemaTooNew { database, binary } => {
                assert_eq!(*database, 999_999);
                assert_eq!(*binary, known);
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        assert!(err.to_string().contains("upgrade"), "{err}");

        // The command line refuses too, and says what to do.
        let out = run_lienket(&args(&["user", "list"], &db.cli_args()), None, Duration::from_secs(60)).await;
        assert!(!out.success, "{out:?}");
        assert!(out.stderr.contains("upgrade LiênKết"), "{out:?}");
        assert_eq!(db.scalar("SELECT MAX(version) FROM lienket_schema").await, 999_999);
    }

    async fn a_server_killed_mid_write_restarts_with_every_write_and_its_log_row_or_neither(engine) {
        let db = TestDb::new(engine).await;
        let token = db.seed_with_admin_token().await;
        let mut server = Server::start(&db, "before-kill").await;

        // Four writers create alliances as fast as the server takes them.
        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (site, token, acknowledged) = (server.site.clone(), token.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                let client = plain();
                for n in 0.. {
                    let code = format!("K{w}-{n}");
                    let res = client
                        .post(site.url("/api/v1/alliances"))
                        .bearer_auth(&token)
                        .json(&alliance_body(&code))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == StatusCode::CREATED => acknowledged.lock().unwrap().push(code),
                        Ok(r) => panic!("write {code} answered {}", r.status()),
                        Err(_) => return, // the server is gone
                    }
                }
            }));
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while acknowledged.lock().unwrap().len() < 40 {
            assert!(tokio::time::Instant::now() < deadline, "writes too slow:\n{}", server.log());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill().await;
        for w in writers {
            tokio::time::timeout(Duration::from_secs(30), w)
                .await
                .expect("writers stop once the server is gone")
                .expect("a writer failed");
        }
        let acknowledged = acknowledged.lock().unwrap().clone();

        let restarted = Server::start(&db, "after-kill").await;
        let res = plain().get(restarted.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);

        if engine == Engine::Sqlite {
            assert_eq!(db.texts("PRAGMA integrity_check").await, ["ok"]);
        }
        let alliances = db.scalar("SELECT COUNT(*) FROM alliances").await;
        let creations = db
            .scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'alliance' AND op = 'create'")
            .await;
        assert_eq!(alliances, creations, "alliances and their creation log rows differ");
        assert!(alliances >= 5 + acknowledged.len() as i64);
        let unlogged = db
            .scalar(
                "SELECT COUNT(*) FROM alliances a WHERE NOT EXISTS (SELECT 1 FROM change_log c \
                 WHERE c.entity = 'alliance' AND c.op = 'create' AND c.entity_key = CAST(a.id AS TEXT))",
            )
            .await;
        assert_eq!(unlogged, 0, "an alliance has no creation log row");
        let orphans = db
            .scalar(
                "SELECT COUNT(*) FROM change_log c WHERE c.entity = 'alliance' AND c.op = 'create' \
                 AND NOT EXISTS (SELECT 1 FROM alliances a WHERE CAST(a.id AS TEXT) = c.entity_key)",
            )
            .await;
        assert_eq!(orphans, 0, "a creation log row has no alliance");
        // Every write the server acknowledged before dying is there.
        let codes = db.texts("SELECT code FROM alliances").await;
        for code in &acknowledged {
            assert!(codes.contains(code), "acknowledged write {code} was lost");
        }

        // And the restarted server takes writes again.
        let (status, _) = restarted.post_api(&token, "/api/v1/alliances", &alliance_body("SAU")).await;
        assert_eq!(status, StatusCode::CREATED, "{}", restarted.log());
    }
}

#[tokio::test]
async fn an_unreachable_database_stops_the_server_with_one_line_that_hides_the_password() {
    let dir = TestDb::new(Engine::Sqlite).await;
    let out = run_lienket(
        &args(
            &[
                "serve",
                "--database-url",
                "postgres://lienket:secret@127.0.0.1:1/none",
                "--bind",
                "127.0.0.1:0",
                "--data-dir",
            ],
            &[dir.data_dir().display().to_string()],
        ),
        None,
        Duration::from_secs(30),
    )
    .await;
    assert!(!out.success, "{out:?}");
    // sqlx retries a refused connection until the pool's 10 s acquire timeout, then gives up.
    assert!(out.elapsed < Duration::from_secs(15), "took {:?}", out.elapsed);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("secret"), "the password leaked: {all}");
    let lines: Vec<&str> = all.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{all}");
    assert!(
        lines[0].contains("postgres://lienket:***@127.0.0.1:1/none"),
        "{all}"
    );
    assert!(lines[0].contains("cannot connect to the database"), "{all}");
}
