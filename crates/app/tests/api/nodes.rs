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

/// Products published through `a` with an admin token; returns their codes.
async fn publish_products(a: &crate::helpers::Server, token: &str, org: i64, names: &[&str]) -> Vec<String> {
    let products: Vec<serde_json::Value> = names
        .iter()
        .map(|n| json!({"organisation_id": org, "name": n, "group": "thuc_pham", "status": "published"}))
        .collect();
    let (status, body) = a
        .post_api(token, "/api/v1/products", &json!({"products": products}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Whether a search on `node` finds `code` within `seconds`.
async fn found_within(node: &crate::helpers::Server, q: &str, code: &str, seconds: u64) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        let res = plain()
            .get(node.url("/api/v1/products/search"))
            .query(&[("q", q)])
            .send()
            .await
            .expect("search");
        let body: serde_json::Value = res.json().await.expect("json");
        if body["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i["code"] == code))
        {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

on_both_engines! {
    async fn a_product_published_through_one_node_is_found_through_the_other(engine) {
        let db = TestDb::new(engine).await;
        let token = db.seed_with_admin_token().await;
        let org = db.scalar("SELECT MIN(id) FROM organisations").await;
        let (a, b) = tokio::join!(Server::start(&db, "node-a"), Server::start(&db, "node-b"));
        let codes = publish_products(&a, &token, org, &["Mứt sen Hồ Tây"]).await;
        assert!(found_within(&a, "mut sen ho tay", &codes[0], 0).await, "the writing node finds it at once");
        assert!(
            found_within(&b, "mứt sen hồ tây", &codes[0], 5).await,
            "the other node follows the change log:\n{}",
            b.log()
        );
    }

    async fn a_corrupt_catalogue_index_is_rebuilt_from_the_database(engine) {
        let db = TestDb::new(engine).await;
        let token = db.seed_with_admin_token().await;
        let org = db.scalar("SELECT MIN(id) FROM organisations").await;
        let mut a = Server::start(&db, "first").await;
        let codes = publish_products(&a, &token, org, &["Chả cốm Vòng"]).await;
        a.kill().await;
        // Every file of the index is overwritten with garbage, as a failing disk would leave it.
        let index = db.data_dir().join("search-index");
        let mut damaged = 0;
        for entry in std::fs::read_dir(&index).expect("the index directory").flatten() {
            if entry.path().is_file() {
                std::fs::write(entry.path(), b"\x00garbage\xff").expect("overwrite");
                damaged += 1;
            }
        }
        assert!(damaged > 0, "the index lives in the data directory");
        let b = Server::start(&db, "second").await;
        assert!(found_within(&b, "cha com vong", &codes[0], 0).await, "{}", b.log());
        assert!(b.log().contains("rebuilding"), "{}", b.log());
    }
}
