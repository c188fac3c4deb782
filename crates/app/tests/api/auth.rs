//! Signing in and out, sessions, rate limiting, CSRF, API tokens and the language switch.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Query;

use crate::helpers::{
    DEMO_PASSWORD, alliance_body, between, browser, json, location, plain, set_cookie_value, spawn_app, text,
};

/// The message of the sign-in page's alert.
fn alert(page: &str) -> String {
    between(page, "<p class=\"alert\" role=\"alert\">", "</p>")
        .unwrap_or_else(|| panic!("no alert on the page: {page}"))
        .to_string()
}

on_both_engines! {
    async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(engine) {
        let app = spawn_app(engine).await;
        let wrong_password = app.sign_in(&browser(), "admin", "not-the-password", "").await;
        let unknown_user = app.sign_in(&browser(), "khong-ai-ca", DEMO_PASSWORD, "").await;
        let (status_a, page_a) = text(wrong_password).await;
        let (status_b, page_b) = text(unknown_user).await;
        assert_eq!(status_a, StatusCode::UNAUTHORIZED);
        assert_eq!(status_a, status_b);
        assert_eq!(alert(&page_a), alert(&page_b));
        assert_eq!(alert(&page_a), "Tên đăng nhập hoặc mật khẩu không đúng.");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn an_admin_signs_in_to_the_dashboard_and_signing_out_ends_the_session(engine) {
        let app = spawn_app(engine).await;
        let client = browser();
        let res = app.sign_in(&client, "admin", DEMO_PASSWORD, "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/dashboard");
        let cookie = set_cookie_value(&res, "lienket_session").expect("a session cookie");

        let (status, page) = text(client.get(app.url("/dashboard")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Bảng điều khiển"), "{page}");

        let csrf = app.csrf(&client, "/dashboard").await;
        let res = client.post(app.url("/logout")).form(&[("_csrf", csrf)]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let res = client.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?next=/dashboard");
        // The server forgot the session: the old cookie, replayed by hand, is worthless too.
        let res = plain()
            .get(app.url("/dashboard"))
            .header("cookie", format!("lienket_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn after_eight_failures_even_the_right_password_is_refused_for_a_while(engine) {
        let app = spawn_app(engine).await;
        for attempt in 1..=8 {
            let res = app.sign_in(&browser(), "dieuphoi", "sai-mat-khau", "").await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let res = app.sign_in(&browser(), "dieuphoi", DEMO_PASSWORD, "").await;
        assert_eq!(set_cookie_value(&res, "lienket_session"), None);
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(alert(&page).contains("Quá nhiều lần"), "{page}");
        // The limit is per account: another user at the same address still gets in.
        let res = app.sign_in(&browser(), "admin", DEMO_PASSWORD, "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }

    async fn forms_need_the_csrf_token_and_a_same_site_origin_but_api_tokens_do_not(engine) {
        let app = spawn_app(engine).await;
        let client = app.login("admin").await;
        let csrf = app.csrf(&client, "/account").await;
        let tokens_before = app.db.scalar("SELECT COUNT(*) FROM api_tokens").await;

        let res = client
            .post(app.url("/account/tokens"))
            .form(&[("name", "khong-co-csrf")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        let res = client
            .post(app.url("/account/tokens"))
            .header("origin", "http://evil.example")
            .form(&[("_csrf", csrf.as_str()), ("name", "tu-trang-la")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        let res = client
            .post(app.url("/account/tokens"))
            .form(&[("_csrf", "0".repeat(64).as_str()), ("name", "sai-csrf")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM api_tokens").await, tokens_before);

        let res = client
            .post(app.url("/account/tokens"))
            .header("origin", app.base.as_str())
            .form(&[("_csrf", csrf.as_str()), ("name", "dung-csrf")])
            .send()
            .await
            .unwrap();
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::OK);
        let token = between(&page, "<code class=\"token\">", "</code>").expect("the new token").to_string();
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM api_tokens").await, tokens_before + 1);

        // The API with the session cookie is a browser call: it needs the header token too.
        let res = client.post(app.url("/api/v1/alliances")).json(&alliance_body("CK1")).send().await.unwrap();
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "csrf");
        let res = client
            .post(app.url("/api/v1/alliances"))
            .header("x-csrf-token", csrf.as_str())
            .json(&alliance_body("CK2"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);

        // A bearer token is no ambient credential: no CSRF token, and any Origin, are fine.
        let res = plain()
            .post(app.url("/api/v1/alliances"))
            .bearer_auth(&token)
            .header("origin", "http://evil.example")
            .json(&alliance_body("CK3"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    async fn an_expired_session_sends_the_user_to_sign_in_and_back_where_they_were(engine) {
        let app = spawn_app(engine).await;
        let client = app.login("admin").await;
        assert_eq!(client.get(app.url("/dashboard")).send().await.unwrap().status(), StatusCode::OK);

        let past = lienket_store::now() - time::Duration::hours(1);
        let expire = Query::update().table("sessions").value("expires_at", past).to_owned();
        app.db.raw().await.execute(&expire).await.expect("expiring the session");

        let res = client.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = location(&res);
        assert_eq!(to, "/login?next=/dashboard");
        // The expired row is removed when it is found expired.
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM sessions").await, 0);

        let (status, page) = text(client.get(app.url(&to)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"next\" value=\"/dashboard\""), "{page}");
        let res = app.sign_in(&client, "admin", DEMO_PASSWORD, "/dashboard").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/dashboard");
        assert_eq!(client.get(app.url("/dashboard")).send().await.unwrap().status(), StatusCode::OK);
    }

    async fn sign_in_never_redirects_to_another_site(engine) {
        let app = spawn_app(engine).await;
        for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
            let res = app.sign_in(&browser(), "admin", DEMO_PASSWORD, next).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&res), "/dashboard", "next={next}");
        }
    }

    async fn an_api_token_works_until_revoked_and_only_its_hash_is_stored(engine) {
        let app = spawn_app(engine).await;
        let client = app.login("canbo.hanoi").await;
        let token = app.create_token(&client).await;
        assert!(token.starts_with("lk_") && token.len() > 40, "{token}");

        let (status, me) = app.get_api(&token, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["username"], "canbo.hanoi");
        assert_eq!(me["role"], "alliance_staff");

        // Shown once: the account page no longer has it.
        let (_, page) = text(client.get(app.url("/account")).send().await.unwrap()).await;
        assert!(!page.contains(&token));
        let hash = lienket_web::security::token_hash(&token);
        assert_eq!(
            app.db.scalar(&format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{hash}'")).await,
            1
        );
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}' OR prefix = '{token}' \
                     OR name = '{token}'"
                ))
                .await,
            0
        );
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM change_log WHERE after LIKE '%{token}%' OR before LIKE '%{token}%'"
                ))
                .await,
            0,
            "the change log must not keep the token either"
        );

        let id = between(&page, "action=\"/account/tokens/", "/revoke\"").expect("a revoke form").to_string();
        let csrf = app.csrf(&client, "/account").await;
        let res = client
            .post(app.url(&format!("/account/tokens/{id}/revoke")))
            .form(&[("_csrf", csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let res = plain().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthenticated");
        // A made-up token is refused the same way, not treated as anonymous.
        let (status, _) = app.get_api("lk_made-up", "/api/v1/alliances").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn pages_are_vietnamese_by_default_and_english_after_switching(engine) {
        let app = spawn_app(engine).await;
        let client = browser();
        let (status, page) = text(client.get(app.url("/login")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<html lang=\"vi\">"));
        assert!(page.contains("Đăng nhập"));
        assert!(!page.contains("Sign in"));

        let res = client.get(app.url("/lang/en?next=/login")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login");
        assert_eq!(set_cookie_value(&res, "lienket_lang").as_deref(), Some("en"));

        let (_, page) = text(client.get(app.url("/login")).send().await.unwrap()).await;
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("Sign in"), "{page}");
        let (_, page) = text(client.get(app.url("/")).send().await.unwrap()).await;
        assert!(page.contains("<html lang=\"en\">"));

        // Switching to a foreign site is refused: the switch goes home instead.
        let res = client.get(app.url("/lang/vi?next=//evil.example/")).send().await.unwrap();
        assert_eq!(location(&res), "/");
        let (_, page) = text(client.get(app.url("/login")).send().await.unwrap()).await;
        assert!(page.contains("<html lang=\"vi\">"));
    }
}
