//! Several `lienket serve` processes on one database behave as one site: accounts, sessions
//! and sign-outs made on one node hold on the other.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Server, TestDb, browser, location, plain, set_cookie_value, text};

on_both_engines! {
    async fn two_nodes_on_one_database_share_accounts_and_sessions(engine) {
        let db = TestDb::new(engine).await;
        let token = db.seed_with_admin_token().await;
        let (a, b) = tokio::join!(Server::start(&db, "node-a"), Server::start(&db, "node-b"));
        assert_ne!(a.base, b.base);

        // An account created through node A signs in through node B.
        let password = "mat-khau-cua-nguoi-moi";
        let (status, body) = a
            .post_api(&token, "/api/v1/users", &json!({
                "username": "dieuphoi.hai",
                "display_name": "Điều phối viên thứ hai",
                "password": password,
                "role": "coordinator",
            }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let res = b.sign_in(&browser(), "dieuphoi.hai", password, "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", b.log());
        assert_eq!(location(&res), "/dashboard");

        // A session cookie made on node A is valid on node B.
        let res = a.sign_in(&browser(), "admin", crate::helpers::DEMO_PASSWORD, "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let session = set_cookie_value(&res, "lienket_session").expect("a session cookie");
        let cookie = format!("lienket_session={session}");
        let res = plain().get(b.url("/dashboard")).header("cookie", &cookie).send().await.unwrap();
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Bảng điều khiển"), "{page}");
        let csrf = crate::helpers::between(&page, "<meta name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_string();

        // Signing out on node B ends the session on node A too.
        let res = plain()
            .post(b.url("/logout"))
            .header("cookie", &cookie)
            .form(&[("_csrf", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = plain().get(a.url("/dashboard")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=/dashboard");

        // A write on one node is read on the other.
        let (status, _) = b.post_api(&token, "/api/v1/alliances", &crate::helpers::alliance_body("NB")).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, list) = a.get_api(&token, "/api/v1/alliances").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.as_array().unwrap().iter().any(|x| x["code"] == "NB"));
    }
}
