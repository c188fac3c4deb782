//! Who may do what, as seen from outside: pages and API under each role.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{alliance_body, json, location, plain, spawn_app, text};

on_both_engines! {
    async fn ha_noi_staff_edit_their_own_alliance_but_not_can_tho(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("canbo.hanoi").await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);

        let (_, current) = app.get_api(&token, &format!("/api/v1/alliances/{hn}")).await;
        let mut body = alliance_body("HN");
        body["name"] = json!("Liên minh Hợp tác xã thành phố Hà Nội (đã sửa)");
        body["version"] = current["version"].clone();
        let (status, saved) = app.put_api(&token, &format!("/api/v1/alliances/{hn}"), &body).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["name"], "Liên minh Hợp tác xã thành phố Hà Nội (đã sửa)");

        let (_, can_tho) = app.get_api(&token, &format!("/api/v1/alliances/{ct}")).await;
        let mut body = alliance_body("CT");
        body["version"] = can_tho["version"].clone();
        let (status, error) = app.put_api(&token, &format!("/api/v1/alliances/{ct}"), &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error["error"]["code"], "forbidden");
        let unchanged = app.store.alliance_by_code("CT").await.unwrap();
        assert_eq!(unchanged.name, "Liên minh Hợp tác xã thành phố Cần Thơ");
        assert_eq!(i64::from(unchanged.version), can_tho["version"].as_i64().unwrap());

        // Staff cannot create alliances either.
        let (status, _) = app.post_api(&token, "/api/v1/alliances", &alliance_body("MOI")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn a_representative_has_no_dashboard_and_visitors_must_sign_in(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let res = rep.get(app.url("/dashboard")).send().await.unwrap();
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("không có quyền"), "{page}");

        let res = plain().get(app.url("/admin/users")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=/admin/users");

        let res = plain().get(app.url("/api/v1/me")).send().await.unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthenticated");

        // The public still reads the alliance directory.
        let (status, list) = json(plain().get(app.url("/api/v1/alliances")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().map(Vec::len), Some(5));
        let res = plain().get(app.url("/api/v1/audit")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_coordinator_reads_the_audit_log_but_cannot_create_accounts(engine) {
        let app = spawn_app(engine).await;
        let token = app.api_token("dieuphoi").await;
        let users_before = app.db.scalar("SELECT COUNT(*) FROM users").await;
        let new_user = json!({
            "username": "nguoi.moi",
            "display_name": "Người mới",
            "password": "mot-mat-khau-dai",
            "role": "admin",
        });
        let (status, body) = app.post_api(&token, "/api/v1/users", &new_user).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM users").await, users_before);
        let (status, _) = app.get_api(&token, "/api/v1/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, audit) = app.get_api(&token, "/api/v1/audit").await;
        assert_eq!(status, StatusCode::OK);
        assert!(audit["total"].as_u64().unwrap() > 0);

        // The same request from an admin succeeds, so the 403 above was the policy speaking.
        let admin = app.api_token("admin").await;
        let (status, created) = app.post_api(&admin, "/api/v1/users", &new_user).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["username"], "nguoi.moi");
    }
}
