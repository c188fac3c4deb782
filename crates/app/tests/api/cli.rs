//! The command line: accounts, and backup and restore while a server runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use lienket_store::Store;
use reqwest::StatusCode;

use crate::helpers::{Engine, Server, TestDb, alliance_body, args, plain, run_lienket};

const LIMIT: Duration = Duration::from_secs(60);

/// The usernames in the output of `lienket user list`.
fn listed_usernames(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("id "))
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .map(str::to_string)
        .collect()
}

/// Whether `password` opens the account `username`.
async fn password_works(db: &TestDb, username: &str, password: &str) -> bool {
    let store = Store::open(db.url()).await.expect("opening the store");
    let (_, hash) = store
        .user_credentials(username)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account {username}"));
    store.close().await.unwrap();
    lienket_web::security::verify_password_blocking(password, Some(&hash))
}

on_both_engines! {
    async fn accounts_are_added_listed_and_given_new_passwords_from_the_command_line(engine) {
        let db = TestDb::new(engine).await;
        let db_args = db.cli_args();

        let out = run_lienket(
            &args(&["user", "add", "bob", "--role", "coordinator", "--password-stdin"], &db_args),
            Some("mat-khau-dau-tien-1\n"),
            LIMIT,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(out.stdout.contains("created account bob"), "{out:?}");
        assert!(!out.stdout.contains("mat-khau-dau-tien-1"), "the password was echoed: {out:?}");

        let out = run_lienket(&args(&["user", "list"], &db_args), None, LIMIT).await;
        assert!(out.success, "{out:?}");
        assert_eq!(listed_usernames(&out.stdout), ["bob"], "{}", out.stdout);
        assert!(out.stdout.contains("coordinator"), "{}", out.stdout);

        // A short password is refused with a message, and no account is made.
        let out = run_lienket(
            &args(&["user", "add", "carol", "--role", "admin", "--password-stdin"], &db_args),
            Some("ngan\n"),
            LIMIT,
        )
        .await;
        assert!(!out.success, "{out:?}");
        assert!(out.stderr.contains("at least 10 characters"), "{out:?}");
        // A taken name, too.
        let out = run_lienket(
            &args(&["user", "add", "bob", "--role", "admin", "--password-stdin"], &db_args),
            Some("mot-mat-khau-khac-2\n"),
            LIMIT,
        )
        .await;
        assert!(!out.success, "{out:?}");
        assert!(out.stderr.contains("taken"), "{out:?}");
        let out = run_lienket(&args(&["user", "list"], &db_args), None, LIMIT).await;
        assert_eq!(listed_usernames(&out.stdout), ["bob"], "{}", out.stdout);

        let out = run_lienket(
            &args(&["user", "passwd", "bob", "--password-stdin"], &db_args),
            Some("mat-khau-thu-ba-3\n"),
            LIMIT,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(password_works(&db, "bob", "mat-khau-thu-ba-3").await);
        assert!(!password_works(&db, "bob", "mat-khau-dau-tien-1").await);

        let out = run_lienket(
            &args(&["user", "passwd", "bob", "--password-stdin"], &db_args),
            Some("bob-bob-bob-bob\n"),
            LIMIT,
        )
        .await;
        assert!(!out.success, "a password containing the username was accepted: {out:?}");
        assert!(password_works(&db, "bob", "mat-khau-thu-ba-3").await);
    }

    async fn a_backup_taken_while_serving_restores_elsewhere_and_a_bad_file_changes_nothing(engine) {
        let db = TestDb::new(engine).await;
        let token = db.seed_with_admin_token().await;
        let server = Server::start(&db, "serving").await;

        // Writes keep coming while the backup runs.
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (site, token) = (server.site.clone(), token.clone());
            let (stop, written) = (stop.clone(), written.clone());
            tokio::spawn(async move {
                let client = plain();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let res = client
                        .post(site.url("/api/v1/alliances"))
                        .bearer_auth(&token)
                        .json(&alliance_body(&format!("B-{n}")))
                        .send()
                        .await
                        .expect("the server keeps answering during the backup");
                    assert_eq!(res.status(), StatusCode::CREATED);
                    written.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        };
        while written.load(Ordering::Relaxed) < 5 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let file = db.dir().join("backup.lkb");
        let file_arg = file.display().to_string();
        let out = run_lienket(&args(&["backup", &file_arg], &db.cli_args()), None, LIMIT).await;
        assert!(out.success, "backup failed: {out:?}");
        assert!(out.stdout.contains("backup written to"), "{out:?}");
        let during = written.load(Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
        writer.await.expect("the writer");
        assert!(written.load(Ordering::Relaxed) > 5, "no writes ran beside the backup");
        assert!(during >= 5);

        // A second backup to the same file is refused rather than overwriting it.
        let out = run_lienket(&args(&["backup", &file_arg], &db.cli_args()), None, LIMIT).await;
        assert!(!out.success);
        assert!(out.stderr.contains("already exists"), "{out:?}");

        let other = TestDb::new(engine).await;
        let out = run_lienket(&args(&["restore", &file_arg], &other.cli_args()), None, LIMIT).await;
        assert!(out.success, "restore failed: {out:?}");
        let out = run_lienket(&args(&["user", "list"], &other.cli_args()), None, LIMIT).await;
        assert!(out.success, "{out:?}");
        let mut users = listed_usernames(&out.stdout);
        users.sort();
        assert_eq!(users, ["admin", "canbo.hanoi", "daidien.htx", "dieuphoi"], "{}", out.stdout);
        // The copy is consistent: every alliance in it has its creation log row and vice versa.
        let alliances = other.scalar("SELECT COUNT(*) FROM alliances").await;
        assert!(alliances >= 5 + 5, "the backup misses writes made before it started");
        assert_eq!(
            alliances,
            other
                .scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'alliance' AND op = 'create'")
                .await
        );
        if engine == Engine::Sqlite {
            assert_eq!(other.texts("PRAGMA integrity_check").await, ["ok"]);
        }

        // Restoring something that is not a backup fails clearly and leaves the target as it was.
        let junk = db.dir().join("notes.txt");
        let minutes = "Biên bản họp ban điều phối — không phải cơ sở dữ liệu.\n".repeat(200);
        std::fs::write(&junk, minutes).unwrap();
        let target_file = other.sqlite_file();
        let before = target_file.as_ref().map(|f| std::fs::read(f).expect("the restored database"));
        let out = run_lienket(
            &args(&["restore", &junk.display().to_string()], &other.cli_args()),
            None,
            LIMIT,
        )
        .await;
        assert!(!out.success, "restoring a text file succeeded: {out:?}");
        // Our own message is the last line (pg_restore prints its reason before it).
        let message = out.stderr.trim().lines().last().unwrap_or_default();
        assert!(message.starts_with("lienket: "), "{}", out.stderr);
        match engine {
            Engine::Sqlite => {
                assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
                assert!(message.contains("not a database"), "{message}");
            }
            Engine::Postgres => {
                assert!(out.stderr.contains("not appear to be a valid archive"), "{}", out.stderr);
                assert!(message.contains("the database is unchanged"), "{message}");
            }
        }
        if let (Some(path), Some(before)) = (&target_file, &before) {
            assert_eq!(&std::fs::read(path).unwrap(), before, "the target database changed");
            let leftovers: Vec<_> = std::fs::read_dir(other.data_dir())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("restoring"))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
        assert_eq!(other.scalar("SELECT COUNT(*) FROM alliances").await, alliances);
        let out = run_lienket(&args(&["user", "list"], &other.cli_args()), None, LIMIT).await;
        assert_eq!(listed_usernames(&out.stdout).len(), 4, "{out:?}");
        drop(server);
    }
}

#[tokio::test]
async fn backing_up_a_data_directory_without_a_database_fails_instead_of_writing_an_empty_backup() {
    let scratch = TestDb::new(Engine::Sqlite).await;
    let mistyped = scratch.dir().join("khong-co");
    let file = scratch.dir().join("backup.lkb");
    let out = run_lienket(
        &args(
            &["backup", &file.display().to_string(), "--data-dir"],
            &[mistyped.display().to_string()],
        ),
        None,
        LIMIT,
    )
    .await;
    assert!(!out.success, "{out:?}");
    assert!(out.stderr.contains("there is no database"), "{out:?}");
    assert!(!file.exists(), "a backup file was written");
    assert!(
        !lienket::config::sqlite_path(&mistyped).exists(),
        "an empty database was created"
    );
}
