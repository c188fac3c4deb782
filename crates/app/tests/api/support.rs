//! Support requests: a cooperative asks, its alliance answers in the thread, each side sees only
//! its own requests, and the answers count in the programme's indicator and the dashboards.

use lienket_domain::ids::AllianceId;
use lienket_domain::programme::Measure;
use reqwest::{Client, StatusCode};

use crate::helpers::{TestApp, alerts, count_after, field_error, location, spawn_app, text};

/// The count line of the list.
const TOTAL: &str = "Tổng số: ";

/// Posts a form with the CSRF token of `page` (the page the form is on).
async fn post(
    app: &TestApp,
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let csrf = app.csrf(client, page).await;
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf)];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let res = app.post_form(client, action, &form).await;
    let to = location(&res);
    let (status, body) = text(res).await;
    (status, body, to)
}

/// The id of the request a redirect leads to (`/support/{id}` or `/support/{id}#latest`).
fn request_id(to: &str) -> i64 {
    to.trim_start_matches("/support/")
        .split('#')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a request address: {to}"))
}

async fn status_of(app: &TestApp, id: i64) -> String {
    app.db
        .texts(&format!("SELECT status FROM support_requests WHERE id = {id}"))
        .await
        .remove(0)
}

on_both_engines! {
    async fn a_cooperative_asks_and_its_alliance_answers_in_the_thread(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let staff = app.login("canbo.hanoi").await;

        // A form with nothing chosen shows every finding and keeps what was typed.
        let (status, page, _) = post(&app, &rep, "/support/new", "/support", &[
            ("topic", ""), ("title", " "), ("body", "Xin hướng dẫn <b>hồ sơ</b> vay vốn."),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert_eq!(field_error(&page, "topic").as_deref(), Some("Vui lòng chọn lĩnh vực cần tư vấn, hỗ trợ."));
        assert_eq!(field_error(&page, "title").as_deref(), Some("Vui lòng nhập thông tin này."));
        assert!(page.contains("Xin hướng dẫn &#60;b&#62;hồ sơ&#60;/b&#62; vay vốn."), "the question is kept, escaped");
        assert!(!alerts(&page).is_empty());

        let before = app.db.scalar("SELECT COUNT(*) FROM support_requests").await;
        let (status, _, to) = post(&app, &rep, "/support/new", "/support", &[
            ("topic", "finance"), ("title", "Vay vốn mua máy sấy"), ("body", "Xin hướng dẫn hồ sơ vay 500 triệu đồng."),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let id = request_id(&to);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM support_requests").await, before + 1);
        assert_eq!(status_of(&app, id).await, "open");
        let hn = app.alliance_id("HN").await;
        assert_eq!(app.db.scalar(&format!("SELECT alliance_id FROM support_requests WHERE id = {id}")).await, hn);

        // The Hà Nội desk has it waiting; an empty answer is refused with the message beside it.
        let (_, desk) = app.page(&staff, "/support?status=waiting").await;
        assert!(desk.contains("Vay vốn mua máy sấy"), "{desk}");
        let (status, page, _) = post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/messages"), &[("body", "  \n ")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&page, "body").as_deref(), Some("Vui lòng nhập thông tin này."));
        assert_eq!(status_of(&app, id).await, "open");

        let (status, _, to) = post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/messages"), &[
            ("body", "Hợp tác xã gửi phương án kinh doanh và báo cáo tài chính hai năm gần nhất."),
        ]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("/support/{id}#latest").as_str()));
        assert_eq!(status_of(&app, id).await, "answered");
        // The first staff answer takes the request and marks the moment it was answered.
        let rows = app.db.texts(&format!(
            "SELECT assignee_name FROM support_requests WHERE id = {id} AND first_answered_at IS NOT NULL"
        )).await;
        assert_eq!(rows, ["Cán bộ LMHTX Hà Nội"]);

        // The cooperative sees the answer signed by the alliance, writes again: staff must look again.
        let (_, thread) = app.page(&rep, &format!("/support/{id}")).await;
        assert!(thread.contains("báo cáo tài chính hai năm gần nhất") && thread.contains("from-staff"));
        post(&app, &rep, &format!("/support/{id}"), &format!("/support/{id}/messages"), &[("body", "Hồ sơ đã gửi qua bưu điện.")]).await;
        assert_eq!(status_of(&app, id).await, "awaiting");
        assert_eq!(app.db.scalar(&format!("SELECT CAST(messages AS BIGINT) FROM support_requests WHERE id = {id}")).await, 3);

        // Two people answering at the same moment both get their message in.
        let csrf_staff = app.csrf(&staff, &format!("/support/{id}")).await;
        let csrf_rep = app.csrf(&rep, &format!("/support/{id}")).await;
        let path = format!("/support/{id}/messages");
        let staff_form = vec![("_csrf".to_string(), csrf_staff), ("body".to_string(), "Cán bộ trả lời cùng lúc.".to_string())];
        let rep_form = vec![("_csrf".to_string(), csrf_rep), ("body".to_string(), "Hợp tác xã viết cùng lúc.".to_string())];
        let (a, b) = tokio::join!(app.post_form(&staff, &path, &staff_form), app.post_form(&rep, &path, &rep_form));
        assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
        assert_eq!(app.db.scalar(&format!("SELECT CAST(messages AS BIGINT) FROM support_requests WHERE id = {id}")).await, 5);

        // Closing with a stale version is refused and says so; with the current one it closes.
        let version = app.db.scalar(&format!("SELECT CAST(version AS BIGINT) FROM support_requests WHERE id = {id}")).await;
        let (status, _, _) = post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/close"), &[("version", &(version - 1).to_string())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_ne!(status_of(&app, id).await, "closed");
        let (_, page) = app.page(&staff, &format!("/support/{id}")).await;
        assert!(page.contains("vừa được người khác thay đổi"), "the conflict is explained");
        post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/close"), &[("version", &version.to_string())]).await;
        assert_eq!(status_of(&app, id).await, "closed");
        // A new message from the cooperative reopens it for staff.
        post(&app, &rep, &format!("/support/{id}"), &format!("/support/{id}/messages"), &[("body", "Xin hỏi thêm về lãi suất.")]).await;
        assert_eq!(status_of(&app, id).await, "awaiting");

        // Only Hà Nội's staff may be assigned; anyone else is refused, never a 500.
        let coordinator_id = app.db.scalar("SELECT id FROM users WHERE username = 'dieuphoi'").await;
        let version = app.db.scalar(&format!("SELECT CAST(version AS BIGINT) FROM support_requests WHERE id = {id}")).await;
        let (status, _, _) = post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/assign"), &[
            ("assignee", &coordinator_id.to_string()), ("version", &version.to_string()),
        ]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _, _) = post(&app, &staff, &format!("/support/{id}"), &format!("/support/{id}/assign"), &[
            ("assignee", "not-a-number"), ("version", &version.to_string()),
        ]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Every change is in the change log (asked, five messages, closed), refused ones not.
        assert_eq!(app.db.scalar(&format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'support_request' AND entity_key = '{id}'"
        )).await, 7);
    }

    async fn each_side_sees_only_the_requests_of_its_scope(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let hn = app.login("canbo.hanoi").await;
        let ct = app.new_staff("canbo.cantho.hotro", "CT").await;
        let coordinator = app.login("dieuphoi").await;
        let own = app.organisation_id("Hợp tác xã Nông nghiệp Đông Dư").await;
        let ct_id = app.alliance_id("CT").await;
        let hn_id = app.alliance_id("HN").await;

        let db = &app.db;
        let count = |sql: String| async move { db.scalar(&sql).await as u64 };
        let (_, page) = app.page(&rep, "/support").await;
        assert_eq!(count_after(&page, TOTAL), count(format!("SELECT COUNT(*) FROM support_requests WHERE organisation_id = {own}")).await);
        let (_, page) = app.page(&hn, "/support").await;
        assert_eq!(count_after(&page, TOTAL), count(format!("SELECT COUNT(*) FROM support_requests WHERE alliance_id = {hn_id}")).await);
        let (_, page) = app.page(&ct, "/support").await;
        let ct_total = count(format!("SELECT COUNT(*) FROM support_requests WHERE alliance_id = {ct_id}")).await;
        assert!(ct_total > 0);
        assert_eq!(count_after(&page, TOTAL), ct_total);
        let (_, page) = app.page(&coordinator, "/support").await;
        assert_eq!(count_after(&page, TOTAL), count("SELECT COUNT(*) FROM support_requests".into()).await);

        // A Cần Thơ request is invisible to Hà Nội staff and to the cooperative, and Cần Thơ
        // staff may not answer a Hà Nội request.
        let ct_request = app.db.scalar(&format!("SELECT MIN(id) FROM support_requests WHERE alliance_id = {ct_id}")).await;
        let hn_request = app.db.scalar(&format!("SELECT MIN(id) FROM support_requests WHERE organisation_id = {own}")).await;
        assert_eq!(app.page(&hn, &format!("/support/{ct_request}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.page(&rep, &format!("/support/{ct_request}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.page(&ct, &format!("/support/{ct_request}")).await.0, StatusCode::OK);
        let csrf = app.csrf(&ct, "/support").await;
        let res = app.post_form(&ct, &format!("/support/{hn_request}/messages"), &[
            ("_csrf".into(), csrf), ("body".into(), "Trả lời nhầm đơn vị".into()),
        ]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Staff do not ask for support; the public is sent to sign in.
        assert_eq!(app.page(&hn, "/support/new").await.0, StatusCode::FORBIDDEN);
        let anonymous = crate::helpers::browser();
        let res = anonymous.get(app.url("/support")).send().await.expect("GET /support");
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // The export holds the same requests as the list.
        let res = hn.get(app.url("/support/export?status=")).send().await.expect("export");
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.expect("the workbook");
        assert!(bytes.starts_with(b"PK"), "an XLSX package");
    }

    async fn answered_requests_count_in_the_programme_indicator_and_the_dashboard(engine) {
        let app = spawn_app(engine).await;
        let programme = app.store.programmes().await.expect("programmes").remove(0);
        let tv = programme.indicators.iter().find(|i| i.code == "TV").expect("the TV indicator");
        assert_eq!(tv.measure, Measure::SupportAnswered);
        let hn = AllianceId(app.alliance_id("HN").await);
        for year in 2023..=2025 {
            let f = app.store.year_figures(&programme, year).await.expect("figures");
            let expected = |scope: String| {
                // The year in Vietnam (UTC+7) starts at 17:00 UTC on the eve.
                format!(
                    "SELECT COUNT(*) FROM support_requests WHERE first_answered_at >= '{}-12-31T17:00:00Z' \
                     AND first_answered_at < '{year}-12-31T17:00:00Z'{scope}",
                    year - 1
                )
            };
            let all = app.db.scalar(&expected(String::new())).await;
            assert!(all > 0, "the demonstration answered requests in {year}");
            assert_eq!(f.get(None, Measure::SupportAnswered), all, "{year}");
            assert_eq!(
                f.get(Some(hn), Measure::SupportAnswered),
                app.db.scalar(&expected(format!(" AND alliance_id = {}", hn.0))).await,
                "{year}"
            );
        }

        // An answer at 01:00 on New Year's Day in Vietnam (18:00 UTC the day before) counts in
        // the new year, on both engines, in the indicator and on the dashboard.
        let org = lienket_domain::ids::OrganisationId(app.organisation_id("Hợp tác xã Nông nghiệp Đông Dư").await);
        let at = |s: &str| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).expect("an instant");
        let count = |y: i32| {
            let store = app.store.clone();
            let programme = programme.clone();
            async move { store.year_figures(&programme, y).await.expect("figures").get(Some(hn), Measure::SupportAnswered) }
        };
        let dash = |y: i32| {
            let store = app.store.clone();
            async move { store.dashboard(Some(hn), y, y).await.expect("dashboard").years[0].support_answered }
        };
        let (before_2024, before_2025, dash_2025) = (count(2024).await, count(2025).await, dash(2025).await);
        app.store
            .record_support_history(&lienket_store::Actor::system("test"), &[lienket_store::SupportHistory {
                organisation: org,
                request: lienket_domain::support::NewSupportRequest {
                    topic: lienket_domain::support::SupportTopic::Legal,
                    title: "Hỏi đêm giao thừa".into(),
                    body: "Xin hỏi thủ tục.".into(),
                },
                asked_by: "Đại diện".into(),
                asked_at: at("2024-12-31T10:00:00Z"),
                replies: vec![("Cán bộ".into(), true, "Trả lời sau giao thừa.".into(), at("2024-12-31T18:00:00Z"))],
                assignee: None,
                closed_at: None,
            }])
            .await
            .expect("recorded");
        assert_eq!((count(2024).await, count(2025).await), (before_2024, before_2025 + 1));
        assert_eq!(dash(2025).await, dash_2025 + 1);

        // Answering now moves this year's figure and the dashboard's by one.
        let year = time::OffsetDateTime::now_utc().year();
        let before = app.store.year_figures(&programme, year).await.expect("figures").get(Some(hn), Measure::SupportAnswered);
        let dash_before = app.store.dashboard(Some(hn), year, year).await.expect("dashboard").years[0].support_answered;
        let waiting = app.db.scalar(&format!(
            "SELECT MIN(id) FROM support_requests WHERE alliance_id = {} AND first_answered_at IS NULL", hn.0
        )).await;
        let staff = app.login("canbo.hanoi").await;
        post(&app, &staff, &format!("/support/{waiting}"), &format!("/support/{waiting}/messages"), &[
            ("body", "Liên minh hỗ trợ miễn phí phần mềm hóa đơn điện tử 12 tháng."),
        ]).await;
        let after = app.store.year_figures(&programme, year).await.expect("figures").get(Some(hn), Measure::SupportAnswered);
        assert_eq!(after, before + 1);
        let dash = app.store.dashboard(Some(hn), year, year).await.expect("dashboard");
        assert_eq!(dash.years[0].support_answered, dash_before + 1);
        assert!(dash.years[0].support_requests >= dash.years[0].support_answered);

        // The list shows this year's response times.
        let (_, page) = app.page(&staff, &format!("/support?year={year}")).await;
        assert!(page.contains("thời gian trả lời (trung vị)"), "{page}");
    }

    async fn the_api_asks_answers_and_refuses_bad_input_with_every_finding(engine) {
        let app = spawn_app(engine).await;
        let rep = app.api_token("daidien.htx").await;
        let staff = app.api_token("canbo.hanoi").await;

        let (status, body) = app.post_api(&rep, "/api/v1/support-requests", &serde_json::json!({
            "topic": "astrology", "title": "", "body": "   "
        })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let fields: Vec<&str> = body["error"]["fields"].as_array().expect("findings").iter()
            .filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, ["topic", "title", "body"]);
        assert_eq!(body["error"]["fields"][0]["message"], "Vui lòng chọn lĩnh vực cần tư vấn, hỗ trợ.");

        let (status, created) = app.post_api(&rep, "/api/v1/support-requests", &serde_json::json!({
            "topic": "digital", "title": "Phần mềm kế toán", "body": "Xin giới thiệu phần mềm kế toán cho hợp tác xã."
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("an id");
        assert_eq!(created["status"], "open");
        // Staff ask nothing; a filter of no known value is a 400.
        let (status, _) = app.post_api(&staff, "/api/v1/support-requests", &serde_json::json!({
            "topic": "digital", "title": "x", "body": "y"
        })).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.get_api(&staff, "/api/v1/support-requests?status=lost").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (status, list) = app.get_api(&staff, "/api/v1/support-requests?status=waiting&sort=newest").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"][0]["id"].as_i64(), Some(id), "{list}");
        assert_eq!(list["items"][0]["organisation_name"], "Hợp tác xã Nông nghiệp Đông Dư");

        let (status, answered) = app.post_api(&staff, &format!("/api/v1/support-requests/{id}/messages"), &serde_json::json!({
            "body": "Liên minh gửi danh sách ba phần mềm được hỗ trợ chi phí."
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{answered}");
        assert_eq!(answered["status"], "answered");
        assert!(answered["first_answered_at"].is_string());
        let (status, thread) = app.get_api(&rep, &format!("/api/v1/support-requests/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let staff_flags: Vec<bool> = thread["messages"].as_array().expect("messages").iter()
            .map(|m| m["from_staff"].as_bool().expect("a flag")).collect();
        assert_eq!(staff_flags, [false, true]);

        // Another alliance's request is not found through the API either.
        let ct = app.alliance_id("CT").await;
        let other = app.db.scalar(&format!("SELECT MIN(id) FROM support_requests WHERE alliance_id = {ct}")).await;
        assert_eq!(app.get_api(&rep, &format!("/api/v1/support-requests/{other}")).await.0, StatusCode::NOT_FOUND);
        let (status, _) = app.post_api(&staff, &format!("/api/v1/support-requests/{other}/messages"), &serde_json::json!({"body": "x"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The OpenAPI document lists the routes.
        let (_, doc) = app.get_api(&staff, "/api/v1/openapi.json").await;
        assert!(doc["paths"]["/api/v1/support-requests/{id}/messages"]["post"].is_object());
    }
}
