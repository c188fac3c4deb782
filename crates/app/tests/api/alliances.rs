//! The alliance directory through the API: validation, uniqueness, optimistic concurrency, and
//! the change log written in the same transaction as each change.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, alliance_body, spawn_app};

/// The field names of a 422 body.
fn fields(body: &Value) -> BTreeSet<String> {
    body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("a field name").to_string())
        .collect()
}

on_both_engines! {
    async fn a_bad_alliance_is_refused_with_every_problem_listed(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        let bad = json!({
            "code": "x y",
            "name": "",
            "short_name": "LMHTX thử",
            "province_code": "99",
            "email": "khong-phai-email",
        });
        let (status, body) = app.post_api(&token, "/api/v1/alliances", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "invalid");
        let expected: BTreeSet<String> =
            ["code", "name", "province_code", "email"].iter().map(|s| s.to_string()).collect();
        assert_eq!(fields(&body), expected, "{body}");
        for f in body["error"]["fields"].as_array().unwrap() {
            assert!(!f["message"].as_str().unwrap().is_empty(), "{f}");
        }
        assert_eq!(app.store.list_alliances().await.unwrap().len(), 5);

        // Malformed JSON is a 400 saying so, not a 500.
        let res = crate::helpers::plain()
            .post(app.url("/api/v1/alliances"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{\"code\": ")
            .send()
            .await
            .unwrap();
        let (status, body) = crate::helpers::json(res).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "bad_request");
    }

    async fn a_taken_code_is_a_conflict_whatever_its_case(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        for code in ["HN", "hn"] {
            let (status, body) = app.post_api(&token, "/api/v1/alliances", &alliance_body(code)).await;
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(body["error"]["code"], "duplicate");
            assert_eq!(fields(&body), BTreeSet::from(["code".to_string()]));
        }
        let ha_noi = app.store.alliance_by_code("HN").await.unwrap();
        assert_eq!(ha_noi.name, "Liên minh Hợp tác xã thành phố Hà Nội");
    }

    async fn a_stale_version_is_refused_and_a_fresh_one_is_saved_and_audited(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        let id = app.alliance_id("DN").await;
        let path = format!("/api/v1/alliances/{id}");
        let (status, current) = app.get_api(&token, &path).await;
        assert_eq!(status, StatusCode::OK);
        let version = current["version"].as_i64().unwrap();

        let mut edit = alliance_body("DN");
        edit["name"] = json!("Liên minh Hợp tác xã thành phố Đà Nẵng mới");
        edit["version"] = json!(version - 1);
        let (status, body) = app.put_api(&token, &path, &edit).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        let (_, after_conflict) = app.get_api(&token, &path).await;
        assert_eq!(after_conflict, current, "a refused update changed the record");

        // Without a version, the client is told to send one.
        let mut no_version = edit.clone();
        no_version.as_object_mut().unwrap().remove("version");
        let (status, body) = app.put_api(&token, &path, &no_version).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(fields(&body).contains("version"), "{body}");

        edit["version"] = json!(version);
        let (status, saved) = app.put_api(&token, &path, &edit).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["version"].as_i64(), Some(version + 1));
        assert_eq!(saved["name"], "Liên minh Hợp tác xã thành phố Đà Nẵng mới");

        // The same version again is now stale.
        let (status, _) = app.put_api(&token, &path, &edit).await;
        assert_eq!(status, StatusCode::CONFLICT);

        let (status, audit) = app.get_api(&token, "/api/v1/audit?entity=alliance").await;
        assert_eq!(status, StatusCode::OK);
        let items = audit["items"].as_array().unwrap();
        assert!(items.iter().all(|c| c["entity"] == "alliance"), "{audit}");
        let update = &items[0];
        assert_eq!(update["op"], "update", "{audit}");
        assert_eq!(update["entity_key"], id.to_string());
        assert_eq!(update["actor_name"], "admin");
        assert_eq!(update["before"]["name"], "Liên minh Hợp tác xã thành phố Đà Nẵng");
        assert_eq!(update["after"]["name"], "Liên minh Hợp tác xã thành phố Đà Nẵng mới");
        assert_eq!(update["before"]["version"].as_i64(), Some(version));
        assert_eq!(update["after"]["version"].as_i64(), Some(version + 1));
        assert_eq!(
            items.iter().filter(|c| c["op"] == "update").count(),
            1,
            "refused updates left audit rows: {audit}"
        );
    }

    async fn each_successful_write_adds_exactly_one_change_and_a_failed_one_none(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        let mut count = app.change_count().await;

        let (status, created) = app.post_api(&token, "/api/v1/alliances", &alliance_body("TN")).await;
        assert_eq!(status, StatusCode::CREATED);
        count += 1;
        assert_eq!(app.change_count().await, count, "create");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM change_log WHERE entity = 'alliance' AND op = 'create' \
                     AND entity_key = '{id}'"
                ))
                .await,
            1
        );

        let mut edit = alliance_body("TN");
        edit["version"] = created["version"].clone();
        edit["phone"] = json!("024 3825 1234");
        let (status, _) = app.put_api(&token, &format!("/api/v1/alliances/{id}"), &edit).await;
        assert_eq!(status, StatusCode::OK);
        count += 1;
        assert_eq!(app.change_count().await, count, "update");

        let user = json!({
            "username": "canbo.thainguyen",
            "display_name": "Cán bộ Thái Nguyên",
            "password": "mot-mat-khau-du-dai",
            "role": "alliance_staff",
            "alliance_id": id,
        });
        let (status, body) = app.post_api(&token, "/api/v1/users", &user).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        count += 1;
        assert_eq!(app.change_count().await, count, "user create");

        // Failures: duplicate code, stale version, duplicate username, invalid input.
        let (status, _) = app.post_api(&token, "/api/v1/alliances", &alliance_body("TN")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app.put_api(&token, &format!("/api/v1/alliances/{id}"), &edit).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app.post_api(&token, "/api/v1/users", &user).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = app.post_api(&token, "/api/v1/alliances", &json!({
            "code": "", "name": "", "short_name": "", "province_code": ""
        })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.change_count().await, count, "a failed write left a change-log row");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM alliances").await, 6);
        assert_eq!(
            app.db.scalar("SELECT COUNT(*) FROM users WHERE username = 'canbo.thainguyen'").await,
            1
        );
    }

    async fn a_change_whose_log_row_cannot_be_written_is_not_saved_at_all(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("admin").await;
        // Make every change-log insert fail, as a full disk or a bug in the log would.
        match engine {
            Engine::Sqlite => {
                app.db
                    .execute(
                        "CREATE TRIGGER lk_test_block_log BEFORE INSERT ON change_log \
                         BEGIN SELECT RAISE(ABORT, 'change log unavailable'); END",
                    )
                    .await
            }
            Engine::Postgres => {
                app.db
                    .execute(
                        "CREATE FUNCTION lk_test_block_log() RETURNS trigger LANGUAGE plpgsql AS \
                         $$ BEGIN RAISE EXCEPTION 'change log unavailable'; END $$",
                    )
                    .await;
                app.db
                    .execute(
                        "CREATE TRIGGER lk_test_block_log BEFORE INSERT ON change_log \
                         FOR EACH ROW EXECUTE FUNCTION lk_test_block_log()",
                    )
                    .await;
            }
        }
        let before = app.change_count().await;
        let (status, body) = app.post_api(&token, "/api/v1/alliances", &alliance_body("MAT")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert_eq!(body["error"]["code"], "internal");
        assert!(body["error"]["reference"].as_str().is_some_and(|r| r.len() == 8), "{body}");
        assert!(!body.to_string().contains("change log unavailable"), "the cause leaked: {body}");

        let id = app.alliance_id("HP").await;
        let (_, current) = app.get_api(&token, &format!("/api/v1/alliances/{id}")).await;
        let mut edit = alliance_body("HP");
        edit["version"] = current["version"].clone();
        let (status, _) = app.put_api(&token, &format!("/api/v1/alliances/{id}"), &edit).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);

        assert!(
            app.store.alliance_by_code("MAT").await.is_err(),
            "the alliance was saved without its log row"
        );
        let (_, unchanged) = app.get_api(&token, &format!("/api/v1/alliances/{id}")).await;
        assert_eq!(unchanged, current, "the update was saved without its log row");
        assert_eq!(app.change_count().await, before);
    }
}
