//! The coordination programme: a coordinator sets up a programme (a bad form shows every
//! finding), a signatory's staff writes the plan of a year, activities are recorded through the
//! form and the API (and refused with findings when their area, dates or year are wrong), only
//! the lead alliance changes an activity, the list filters and exports the right rows, the
//! calendar shows an activity in its month, photos are checked by content, an activity is
//! deleted after a confirmation step, links only an announced event (a draft's title stays
//! hidden from other alliances) and keeps thirty files at most.

use lienket_office::{Cell, ColumnSpec, Limits, read_table};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, alerts, fields_with_errors, form_html, form_values, location, plain, set_value, spawn_app, text,
    unescape_html,
};

/// The Vietnamese catalogue of the programme module, where the expected messages are read.
const CATALOGUE: &str = include_str!("../../../web/locales/vi/programme.ftl");

/// The Vietnamese text of a catalogue message, up to its first argument.
fn message_start(key: &str) -> String {
    let m = CATALOGUE
        .lines()
        .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| panic!("no message {key} in the programme catalogue"));
    m.split('{').next().unwrap_or_default().trim().to_string()
}

/// The content areas every test programme has.
const AREAS: &str = "1. Tư vấn, hỗ trợ hợp tác xã\n\
                     2. Xúc tiến thương mại, kết nối tiêu thụ sản phẩm\n\
                     3. Truyền thông, quảng bá hình ảnh kinh tế tập thể";

/// The fields of a valid programme form signed by Hà Nội and Hải Phòng.
async fn programme_fields(app: &TestApp, csrf: &str, name: &str, years: (i32, i32)) -> Vec<(String, String)> {
    let hn = app.alliance_id("HN").await;
    let hp = app.alliance_id("HP").await;
    [
        ("_csrf", csrf.to_string()),
        ("version", "0".into()),
        ("name", name.into()),
        ("number", "02/CTr-TN".into()),
        ("first_year", years.0.to_string()),
        ("last_year", years.1.to_string()),
        ("signed_on", format!("{}-03-15", years.0)),
        ("signatories", hn.to_string()),
        ("signatories", hp.to_string()),
        ("areas", AREAS.into()),
        ("summary", "Phối hợp hỗ trợ hợp tác xã các thành phố.".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A coordinator creates a programme through its form; returns its id and its area ids.
async fn create_programme(
    app: &TestApp,
    coordinator: &Client,
    name: &str,
    years: (i32, i32),
) -> (i64, Vec<i64>) {
    let csrf = app.csrf(coordinator, "/programmes/new").await;
    let fields = programme_fields(app, &csrf, name, years).await;
    let res = app.post_form(coordinator, "/programmes/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
    let to = location(&res);
    let id: i64 = to
        .strip_prefix("/programmes/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {to}"));
    let areas = app
        .db
        .ints(&format!(
            "SELECT id FROM programme_areas WHERE programme_id = {id} ORDER BY position"
        ))
        .await;
    assert_eq!(areas.len(), 3);
    (id, areas)
}

/// An activity body for the API.
fn activity(title: &str, kind: &str, state: &str, areas: &[i64], lead: i64, days: (&str, &str)) -> Value {
    json!({
        "title": title,
        "kind": kind,
        "state": state,
        "areas": areas,
        "lead_alliance_id": lead,
        "starts_on": days.0,
        "ends_on": days.1,
        "place": "Hà Nội",
        "participants": 120,
        "outcome": "Đạt yêu cầu đề ra.",
    })
}

/// Records an activity through the API; returns its id.
async fn record(app: &TestApp, token: &str, programme: i64, body: &Value) -> i64 {
    let (status, a) = app
        .post_api(token, &format!("/api/v1/programmes/{programme}/activities"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "recording {body}: {a}");
    a["id"].as_i64().expect("an activity id")
}

/// The fields of a 422 body.
fn finding_fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields in {body}"))
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The titles listed on an activity page, in page order.
fn listed_titles(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(i) = rest.find("<h2><a href=\"/activities/") {
        rest = &rest[i..];
        let start = rest
            .find('>')
            .and_then(|a| rest[a + 1..].find('>').map(|b| a + b + 2))
            .expect("a link");
        let end = rest.find("</a>").expect("the end of the link");
        out.push(unescape_html(&rest[start..end]));
        rest = &rest[end..];
    }
    out
}

/// Titles of the activity list at `query`, as a staff member sees them.
async fn titles(app: &TestApp, client: &Client, programme: i64, query: &str) -> Vec<String> {
    let (status, page) = app
        .page(client, &format!("/programmes/{programme}/activities{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    listed_titles(&page)
}

/// Posts a file to an upload form of a signed-in browser.
async fn upload(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    path: &str,
    field: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    client
        .post(app.url(&format!("{path}?_csrf={csrf}")))
        .multipart(reqwest::multipart::Form::new().part(field.to_string(), part))
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// `YYYY-MM-DD` of the day `days` from today in Vietnam.
fn day_from_today(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc()
        .to_offset(lienket_domain::event::VIETNAM)
        .date()
        + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A trade fair announced by Hà Nội's staff through the API, still a draft: its id and version.
async fn draft_fair(app: &TestApp, token: &str, title: &str) -> (i64, i64) {
    let body = json!({
        "title": title,
        "kind": "fair",
        "venue": "Cung Văn hóa Hữu nghị Việt Xô, số 91 Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội",
        "starts_on": day_from_today(20),
        "ends_on": day_from_today(22),
        "opening_hours": "8:00 – 21:00",
        "applications_open_on": day_from_today(-1),
        "applications_close_on": day_from_today(10),
        "applications_close_time": "17:00",
        "description": "Hội chợ thử nghiệm của Liên minh.",
        "booth_types": [{"name": "Gian tiêu chuẩn", "size": "3 × 3 m", "capacity": 10, "fee": 2_000_000}],
    });
    let (status, ev) = app.post_api(token, "/api/v1/events", &body).await;
    assert_eq!(status, StatusCode::CREATED, "creating an event: {ev}");
    assert_eq!(ev["status"], "draft", "{ev}");
    (
        ev["id"].as_i64().expect("an event id"),
        ev["version"].as_i64().expect("a version"),
    )
}

/// Moves an event to `status` through the API; returns its new version.
async fn set_event_status(app: &TestApp, token: &str, event: i64, version: i64, status: &str) -> i64 {
    let (code, ev) = app
        .post_api(
            token,
            &format!("/api/v1/events/{event}/status"),
            &json!({"status": status, "version": version}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{status}: {ev}");
    ev["version"].as_i64().expect("a version")
}

on_both_engines! {
    async fn a_coordinator_sets_up_a_programme_and_a_bad_form_shows_every_finding(engine) {
        let app = spawn_app(engine).await;
        // Visitors sign in first; representatives and alliance staff do not set programmes up.
        let res = plain().get(app.url("/programmes")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/login?next="), "{}", location(&res));
        let representative = app.login("daidien.htx").await;
        let (status, page) = app.page(&representative, "/programmes").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        let staff = app.login("canbo.hanoi").await;
        let (status, _) = app.page(&staff, "/programmes/new").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, page) = app.page(&staff, "/programmes").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains("href=\"/programmes/new\""), "staff are not offered to add a programme");

        let coordinator = app.login("dieuphoi").await;
        let (status, page) = app.page(&coordinator, "/programmes").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("href=\"/programmes/new\""), "{page}");
        let before = app.db.scalar("SELECT COUNT(*) FROM programmes").await;

        // A form with no name, a period that ends before it starts, one signatory and no
        // areas gets a message beside each of those fields, and nothing is saved.
        let csrf = app.csrf(&coordinator, "/programmes/new").await;
        let mut bad = programme_fields(&app, &csrf, "", (2024, 2026)).await;
        set_value(&mut bad, "last_year", "2022");
        set_value(&mut bad, "areas", "\n  \n");
        let hp = app.alliance_id("HP").await.to_string();
        bad.retain(|(k, v)| k != "signatories" || *v != hp);
        let res = app.post_form(&coordinator, "/programmes/new", &bad).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let with_errors = fields_with_errors(&page);
        for field in ["name", "last_year", "signatories", "areas"] {
            assert!(with_errors.contains(field), "{field} in {with_errors:?}");
        }
        assert!(page.contains("02/CTr-TN"), "what was typed is kept");
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM programmes").await, before);

        let name = "Chương trình phối hợp thử nghiệm giai đoạn 2024 – 2026";
        let (id, _) = create_programme(&app, &coordinator, name, (2024, 2026)).await;
        let (status, page) = app.page(&coordinator, &format!("/programmes/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let page = unescape_html(&page);
        assert!(page.contains(name), "{page}");
        assert!(page.contains("Xúc tiến thương mại, kết nối tiêu thụ sản phẩm"), "{page}");
        assert!(page.contains("LMHTX Hà Nội, LMHTX Hải Phòng"), "{page}");
        for year in 2024..=2026 {
            assert!(page.contains(&format!("/programmes/{id}/plans/{year}")), "{year}");
            assert!(page.contains(&format!("/programmes/{id}/reviews/{year}")), "{year}");
        }
        assert!(page.contains(&format!("/programmes/{id}/indicators")));
        assert!(page.contains("href=\"/dashboards\""));
        let (_, list) = app.page(&staff, "/programmes").await;
        assert!(unescape_html(&list).contains(name));

        // Someone else saves first: the form comes back with a clear message and what was typed.
        let (_, form_page) = app.page(&coordinator, &format!("/programmes/{id}/edit")).await;
        let mut fields = form_values(form_html(&form_page, "class=\"form wide\""));
        set_value(&mut fields, "name", "Chương trình phối hợp thử nghiệm (sửa lần một)");
        let res = app.post_form(&coordinator, &format!("/programmes/{id}/edit"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        set_value(&mut fields, "name", "Chương trình phối hợp thử nghiệm (sửa lần hai)");
        let res = app.post_form(&coordinator, &format!("/programmes/{id}/edit"), &fields).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(!alerts(&page).is_empty(), "{page}");
        assert!(unescape_html(&page).contains("(sửa lần hai)"), "what was typed is kept");

        // Ids that do not parse or do not exist are pages that do not exist.
        for path in [
            "/programmes/abc".to_string(),
            "/programmes/999999".to_string(),
            format!("/programmes/{id}/plans/1999"),
            format!("/programmes/{id}/plans/x"),
            "/programmes/999999/activities".to_string(),
            "/activities/xyz".to_string(),
            "/activities/999999".to_string(),
            "/activities/999999/files/1".to_string(),
        ] {
            let (status, _) = app.page(&coordinator, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let token = app.api_token("dieuphoi").await;
        let (status, body) = app.get_api(&token, "/api/v1/programmes/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, body) = app.get_api(&token, "/api/v1/programmes").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["items"].as_array().unwrap().iter().any(|p| p["id"] == id), "{body}");
        let (status, doc) = crate::helpers::json(plain().get(app.url("/api/v1/openapi.json")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        for path in ["/api/v1/programmes", "/api/v1/programmes/{id}", "/api/v1/programmes/{id}/activities", "/api/v1/activities/{id}"] {
            assert!(doc["paths"].get(path).is_some(), "{path} is documented");
        }
        assert!(doc["paths"]["/api/v1/programmes/{id}/activities"].get("post").is_some());
    }

    async fn a_signatory_writes_the_plan_of_a_year_and_only_the_lead_alliance_changes_an_activity(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let (id, areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm kế hoạch", (2024, 2026)).await;
        let hp = app.alliance_id("HP").await;

        // Hà Nội signed: its staff write the plan of 2025, hosted by Hải Phòng.
        let hanoi = app.login("canbo.hanoi").await;
        let (status, page) = app.page(&hanoi, &format!("/programmes/{id}/plans/2025")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let mut fields = form_values(form_html(&page, "class=\"form wide\""));
        set_value(&mut fields, "goals", "Tổ chức hội chợ sản phẩm HTX các thành phố.");
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/plans/2025"), &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a host must be chosen");
        set_value(&mut fields, "host_alliance_id", &hp.to_string());
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/plans/2025"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        assert_eq!(location(&res), format!("/programmes/{id}"));
        let hosts = app
            .db
            .ints(&format!("SELECT host_alliance_id FROM programme_plans WHERE programme_id = {id} AND year = 2025"))
            .await;
        assert_eq!(hosts, vec![hp]);
        let (_, page) = app.page(&hanoi, &format!("/programmes/{id}")).await;
        assert!(unescape_html(&page).contains("Tổ chức hội chợ sản phẩm HTX các thành phố."));

        // Cần Thơ did not sign: its staff read the programme but do not write its plans.
        let cantho = app.new_staff("canbo.cantho", "CT").await;
        let (status, _) = app.page(&cantho, &format!("/programmes/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.page(&cantho, &format!("/programmes/{id}/plans/2025")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Hà Nội's staff add a planned activity of 2025 from the plan: led by Hà Nội, fixed.
        let (status, page) = app
            .page(&hanoi, &format!("/programmes/{id}/activities/new?year=2025&state=planned"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let mut fields = form_values(form_html(&page, "class=\"form wide\""));
        assert_eq!(crate::helpers::value_of(&fields, "state"), "planned");
        assert!(crate::helpers::value_of(&fields, "starts_on").starts_with("2025-"), "{fields:?}");
        set_value(&mut fields, "title", "Hội chợ sản phẩm HTX các thành phố năm 2025");
        set_value(&mut fields, "kind", "trade_promotion");
        set_value(&mut fields, "starts_on", "2025-10-09");
        set_value(&mut fields, "ends_on", "2025-10-12");
        set_value(&mut fields, "lead_alliance_id", &hp.to_string());
        fields.push(("areas".into(), areas[1].to_string()));
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/activities/new"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let planned: i64 = location(&res).trim_start_matches("/activities/").parse().expect("an activity id");
        let hn = app.alliance_id("HN").await;
        let lead = app.db.ints(&format!("SELECT lead_alliance_id FROM activities WHERE id = {planned}")).await;
        assert_eq!(lead, vec![hn], "staff record what their own alliance leads");
        let (_, plan) = app.page(&hanoi, &format!("/programmes/{id}/plans/2025")).await;
        assert!(plan.contains(&format!("/activities/{planned}")), "the plan lists it");

        // Another alliance's staff read the activity but do not change or delete it.
        let (status, _) = app.page(&cantho, &format!("/activities/{planned}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.page(&cantho, &format!("/activities/{planned}/edit")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, edit) = app.page(&hanoi, &format!("/activities/{planned}/edit")).await;
        let mut fields = form_values(form_html(&edit, "class=\"form wide\""));
        let csrf = app.csrf(&cantho, &format!("/activities/{planned}")).await;
        set_value(&mut fields, "_csrf", &csrf);
        set_value(&mut fields, "title", "Đổi tên bởi Liên minh khác");
        let res = app.post_form(&cantho, &format!("/activities/{planned}/edit"), &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .post_form(&cantho, &format!("/activities/{planned}/delete"), &[("_csrf".into(), csrf.clone())])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let cantho_token = app.create_token(&cantho).await;
        let (status, body) = app
            .post_api(
                &cantho_token,
                &format!("/api/v1/programmes/{id}/activities"),
                &activity("Hoạt động của Cần Thơ", "training", "done", &[areas[0]], hn, ("2025-05-05", "")),
            )
            .await;
        // Cần Thơ did not sign this programme: it cannot lead one of its activities.
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("lead_alliance_id"), "{body}");
        // Hải Phòng, a signatory, records what it leads.
        let haiphong = app.new_staff("canbo.haiphong2", "HP").await;
        let haiphong_token = app.create_token(&haiphong).await;
        let (status, body) = app
            .post_api(
                &haiphong_token,
                &format!("/api/v1/programmes/{id}/activities"),
                &activity("Hoạt động của Hải Phòng", "training", "done", &[areas[0]], hn, ("2025-05-05", "")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "Hải Phòng records what it leads: {body}");
        assert_eq!(body["lead_alliance_id"], app.alliance_id("HP").await, "{body}");

        // The lead alliance changes it; the activity is held now.
        let csrf = app.csrf(&hanoi, &format!("/activities/{planned}")).await;
        set_value(&mut fields, "_csrf", &csrf);
        set_value(&mut fields, "title", "Hội chợ sản phẩm HTX các thành phố 2025");
        set_value(&mut fields, "state", "done");
        set_value(&mut fields, "participants", "1.500");
        let res = app.post_form(&hanoi, &format!("/activities/{planned}/edit"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let (_, page) = app.page(&hanoi, &format!("/activities/{planned}")).await;
        assert!(unescape_html(&page).contains("Hội chợ sản phẩm HTX các thành phố 2025"));
        assert!(page.contains("1500"), "{page}");
        // Saving again from the version read before is a conflict that keeps what was typed.
        let res = app.post_form(&hanoi, &format!("/activities/{planned}/edit"), &fields).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(!alerts(&page).is_empty());
    }

    async fn activities_from_the_form_and_the_api_are_refused_with_every_finding(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let (id, areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm hoạt động", (2024, 2026)).await;
        let (_, other_areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm khác", (2024, 2026)).await;
        let hn = app.alliance_id("HN").await;
        let org = app.organisation_id("Hợp tác xã Nông nghiệp Đông Dư").await;
        let code = app
            .db
            .texts(&format!("SELECT registration_code FROM organisations WHERE id = {org}"))
            .await
            .pop()
            .expect("a registration code");
        let before = app.db.scalar("SELECT COUNT(*) FROM activities").await;

        // The form: dates the wrong way round, a year outside the programme and an unknown
        // organisation code each get their message beside the field.
        let hanoi = app.login("canbo.hanoi").await;
        let (_, page) = app.page(&hanoi, &format!("/programmes/{id}/activities/new")).await;
        let mut fields = form_values(form_html(&page, "class=\"form wide\""));
        set_value(&mut fields, "title", "Tập huấn chuyển đổi số cho hợp tác xã");
        set_value(&mut fields, "kind", "training");
        set_value(&mut fields, "starts_on", "2023-05-20");
        set_value(&mut fields, "ends_on", "2023-05-18");
        set_value(&mut fields, "organisations", &format!("{code} Hợp tác xã Nông nghiệp Đông Dư\n0999999999"));
        fields.push(("areas".into(), areas[0].to_string()));
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/activities/new"), &fields).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let with_errors = fields_with_errors(&page);
        for field in ["starts_on", "ends_on", "organisations"] {
            assert!(with_errors.contains(field), "{field} in {with_errors:?}");
        }
        let organisations_error = crate::helpers::field_error(&page, "organisations").expect("a message");
        assert!(organisations_error.contains("0999999999"), "{organisations_error}");
        assert!(!organisations_error.contains(&code), "{organisations_error}");
        assert!(
            crate::helpers::field_error(&page, "starts_on").unwrap().starts_with(&message_start("err-activity-year-outside")),
            "{page}"
        );
        // An area of another programme is refused too.
        set_value(&mut fields, "starts_on", "2024-05-20");
        set_value(&mut fields, "ends_on", "2024-05-21");
        set_value(&mut fields, "organisations", &format!("{code} Hợp tác xã Nông nghiệp Đông Dư"));
        fields.retain(|(k, _)| k != "areas");
        fields.push(("areas".into(), other_areas[0].to_string()));
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/activities/new"), &fields).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert_eq!(fields_with_errors(&page).into_iter().collect::<Vec<_>>(), vec!["areas".to_string()]);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM activities").await, before);
        // Put right, it is recorded with its participant, found by registration code.
        fields.retain(|(k, _)| k != "areas");
        fields.push(("areas".into(), areas[0].to_string()));
        let res = app.post_form(&hanoi, &format!("/programmes/{id}/activities/new"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let from_form = location(&res);
        let (status, page) = app.page(&hanoi, &from_form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("href=\"/organisations/{org}\"")), "{page}");
        // The edit form shows the participant by its code, and saving it unchanged keeps it.
        let (_, edit) = app.page(&hanoi, &format!("{from_form}/edit")).await;
        assert!(edit.contains(&code), "{edit}");

        // The API: each problem is a finding of a 422 with the shared error body.
        let token = app.api_token("canbo.hanoi").await;
        let path = format!("/api/v1/programmes/{id}/activities");
        let cases = [
            (activity("Khảo sát mô hình HTX", "study_visit", "done", &[other_areas[0]], hn, ("2024-07-01", "")), "areas"),
            (activity("Khảo sát mô hình HTX", "study_visit", "done", &[areas[2]], hn, ("2024-07-03", "2024-07-01")), "ends_on"),
            (activity("Khảo sát mô hình HTX", "study_visit", "done", &[areas[2]], hn, ("2027-07-01", "")), "starts_on"),
        ];
        for (body, field) in &cases {
            let (status, answer) = app.post_api(&token, &path, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
            assert_eq!(answer["error"]["code"], "invalid", "{answer}");
            assert_eq!(finding_fields(&answer), vec![field.to_string()], "{answer}");
            assert!(!answer["error"]["fields"][0]["message"].as_str().unwrap_or_default().is_empty());
        }
        let mut good = activity("Khảo sát mô hình HTX", "study_visit", "done", &[areas[2], areas[0]], hn, ("2024-07-01", "2024-07-03"));
        good["organisations"] = json!([org]);
        good["alliances"] = json!([app.alliance_id("HP").await]);
        let created = record(&app, &token, id, &good).await;
        let (status, body) = app.get_api(&token, &format!("/api/v1/activities/{created}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["organisations"][0]["id"], org, "{body}");
        assert_eq!(body["year"], 2024);
        assert_eq!(body["ends_on"], "2024-07-03");
        let representative = app.api_token("daidien.htx").await;
        let (status, body) = app.post_api(&representative, &path, &good).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = app.get_api(&representative, &format!("/api/v1/activities/{created}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let res = plain().get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM activities").await, before + 2);
    }

    async fn the_list_filters_exports_and_shows_activities_in_their_month(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let (id, areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm danh sách", (2024, 2026)).await;
        let (hn, hp) = (app.alliance_id("HN").await, app.alliance_id("HP").await);
        let token = app.api_token("dieuphoi").await;
        let a = "Tập huấn kế toán cho HTX";
        let b = "Hội chợ nông sản Hải Phòng";
        let c = "Hội nghị sơ kết năm 2025";
        let d = "Phóng sự về HTX kiểu mới";
        record(&app, &token, id, &activity(a, "training", "done", &[areas[0]], hn, ("2024-04-12", ""))).await;
        let mut fair = activity(b, "trade_promotion", "done", &[areas[1]], hp, ("2024-06-03", "2024-06-05"));
        fair["alliances"] = json!([hn]);
        record(&app, &token, id, &fair).await;
        record(&app, &token, id, &activity(c, "conference", "planned", &[areas[0], areas[2]], hp, ("2025-03-20", ""))).await;
        record(&app, &token, id, &activity(d, "media", "cancelled", &[areas[2]], hn, ("2025-09-10", ""))).await;

        let staff = app.login("canbo.hanoi").await;
        // Newest first by default, oldest first on request.
        assert_eq!(titles(&app, &staff, id, "").await, vec![d, c, b, a]);
        assert_eq!(titles(&app, &staff, id, "?sort=date").await, vec![a, b, c, d]);
        assert_eq!(titles(&app, &staff, id, "?year=2024").await, vec![b, a]);
        assert_eq!(titles(&app, &staff, id, &format!("?area={}", areas[0])).await, vec![c, a]);
        // An alliance's activities: those it led and those it took part in.
        assert_eq!(titles(&app, &staff, id, &format!("?alliance={hn}")).await, vec![d, b, a]);
        assert_eq!(titles(&app, &staff, id, &format!("?alliance={hp}&year=2025")).await, vec![c]);
        assert_eq!(titles(&app, &staff, id, "?state=planned").await, vec![c]);
        assert_eq!(titles(&app, &staff, id, "?kind=media").await, vec![d]);
        // Stray values are ignored rather than refused.
        assert_eq!(titles(&app, &staff, id, "?year=abc&page=x").await.len(), 4);
        let (status, page) = app.page(&staff, &format!("/programmes/{id}/activities?year=2026")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("class=\"empty\""), "{page}");
        // The programme page counts what was held under each area, and each year's activities
        // by state.
        let (_, page) = app.page(&staff, &format!("/programmes/{id}")).await;
        assert!(page.contains(&format!("/programmes/{id}/activities?area={}&amp;state=done", areas[0])), "{page}");
        let count = |query: String| -> String {
            crate::helpers::between(&page, &format!("/programmes/{id}/activities?{query}\">"), "</a>")
                .unwrap_or_else(|| panic!("no link to {query}"))
                .chars()
                .filter(char::is_ascii_digit)
                .collect()
        };
        let done_in = |area: i64| count(format!("area={area}&amp;state=done"));
        assert_eq!([done_in(areas[0]), done_in(areas[1]), done_in(areas[2])], ["1", "1", "0"]);
        let in_year = |year: i32, state: &str| count(format!("year={year}&amp;state={state}"));
        assert_eq!([in_year(2024, "planned"), in_year(2024, "done"), in_year(2024, "cancelled")], ["0", "2", "0"]);
        assert_eq!([in_year(2025, "planned"), in_year(2025, "done"), in_year(2025, "cancelled")], ["1", "0", "1"]);
        assert_eq!(in_year(2026, "done"), "0");

        // The API filters the same way.
        let (status, body) = app
            .get_api(&token, &format!("/api/v1/programmes/{id}/activities?alliance={hn}&year=2024"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"], 2, "{body}");
        let (status, body) = app
            .get_api(&token, &format!("/api/v1/programmes/{id}/activities?area={}&state=done", areas[0]))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"], 1, "{body}");
        assert_eq!(body["items"][0]["title"], a, "{body}");
        let (status, body) = app.get_api(&token, &format!("/api/v1/programmes/{id}/activities?state=someday")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // The export holds every row of the filtered list, under Vietnamese headers.
        let res = staff
            .get(app.url(&format!("/programmes/{id}/activities?format=xlsx&alliance={hn}&sort=date")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let bytes = res.bytes().await.unwrap();
        let spec = [
            ColumnSpec { field: "title", aliases: &["tên hoạt động"], required: true },
            ColumnSpec { field: "lead", aliases: &["đơn vị chủ trì"], required: true },
            ColumnSpec { field: "participants", aliases: &["số người tham dự"], required: true },
        ];
        let table = read_table(&bytes, "hoat-dong.xlsx", &spec, &Limits::default())
            .unwrap_or_else(|e| panic!("reading the export back: {e:?}"));
        assert!(table.missing_required.is_empty(), "{:?}", table.columns);
        let column = |field: &str| -> Vec<String> {
            table.rows.iter().map(|r| r.get(field).map(Cell::as_text).unwrap_or_default()).collect()
        };
        assert_eq!(column("title"), vec![a, b, d]);
        assert_eq!(column("lead"), vec!["LMHTX Hà Nội", "LMHTX Hải Phòng", "LMHTX Hà Nội"]);
        assert_eq!(column("participants"), vec!["120", "120", "120"]);

        // The calendar shows an activity on the days of its month, and not in other months.
        let (status, page) = app.page(&staff, &format!("/programmes/{id}/activities/calendar?month=2024-06")).await;
        assert_eq!(status, StatusCode::OK);
        let page = unescape_html(&page);
        assert_eq!(page.matches(&format!(">{b}</a>")).count(), 4, "three days in the grid and once in the list");
        assert!(!page.contains(a), "{page}");
        let (_, page) = app.page(&staff, &format!("/programmes/{id}/activities/calendar?month=2024-04")).await;
        assert!(unescape_html(&page).contains(a));
        let (status, _) = app.page(&staff, &format!("/programmes/{id}/activities/calendar?month=garbage")).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn photos_are_checked_by_content_and_an_activity_is_deleted_after_confirmation(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let (id, areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm tệp", (2024, 2026)).await;
        let hn = app.alliance_id("HN").await;
        let token = app.api_token("canbo.hanoi").await;
        let activity_id = record(&app, &token, id, &activity("Hội thảo nhân rộng mô hình HTX", "workshop", "done", &[areas[0]], hn, ("2024-08-15", ""))).await;
        let staff = app.login("canbo.hanoi").await;
        let page_path = format!("/activities/{activity_id}");
        let csrf = app.csrf(&staff, &page_path).await;
        let files = || async { app.db.scalar(&format!("SELECT COUNT(*) FROM activity_files WHERE activity_id = {activity_id}")).await };

        // A text file named .jpg is not a photo: refused with a message, nothing kept.
        let res = upload(&app, &staff, &csrf, &format!("{page_path}/photos"), "photo", "anh.jpg", b"khong phai la anh".to_vec()).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("role=\"alert\""), "{page}");
        assert_eq!(files().await, 0);
        // Nor is it a document.
        let res = upload(&app, &staff, &csrf, &format!("{page_path}/files"), "file", "bien-ban.pdf", b"van ban".to_vec()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(files().await, 0);

        // A real picture gets a thumbnail and a display copy; a PDF is kept as it is.
        let png = lienket_office::qr::qr_png("https://lienket.example/activities", 20).expect("png");
        let res = upload(&app, &staff, &csrf, &format!("{page_path}/photos"), "photo", "hoi-thao.png", png).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let pdf = b"%PDF-1.4\n% bien ban hoi thao\n%%EOF\n".to_vec();
        let res = upload(&app, &staff, &csrf, &format!("{page_path}/files"), "file", "bien-ban.pdf", pdf.clone()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        assert_eq!(files().await, 2);
        let (_, page) = app.page(&staff, &page_path).await;
        let photo = app.db.ints(&format!("SELECT id FROM activity_files WHERE activity_id = {activity_id} AND kind = 'photo'")).await[0];
        let document = app.db.ints(&format!("SELECT id FROM activity_files WHERE activity_id = {activity_id} AND kind = 'file'")).await[0];
        assert!(page.contains(&format!("{page_path}/files/{photo}?size=thumb")), "{page}");
        assert!(page.contains("bien-ban.pdf"), "{page}");
        let res = staff.get(app.url(&format!("{page_path}/files/{photo}?size=thumb"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let res = staff.get(app.url(&format!("{page_path}/files/{document}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
        // A file is reached only through its own activity.
        let other = record(&app, &token, id, &activity("Hoạt động khác", "media", "done", &[areas[2]], hn, ("2024-09-01", ""))).await;
        let (status, _) = app.page(&staff, &format!("/activities/{other}/files/{document}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The signed programme document is a PDF, checked by content.
        let programme_path = format!("/programmes/{id}");
        let coordinator_csrf = app.csrf(&coordinator, &programme_path).await;
        let res = upload(&app, &coordinator, &coordinator_csrf, &format!("{programme_path}/document"), "document", "ctr.pdf", b"not a pdf".to_vec()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = upload(&app, &coordinator, &coordinator_csrf, &format!("{programme_path}/document"), "document", "chuong-trinh.pdf", pdf.clone()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        let res = staff.get(app.url(&format!("{programme_path}/document"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);

        // Deleting asks first, then takes the activity and its files away.
        let (status, page) = app.page(&staff, &format!("{page_path}/delete")).await;
        assert_eq!(status, StatusCode::OK);
        let form = form_values(form_html(&page, &format!("action=\"{page_path}/delete\"")));
        assert_eq!(app.db.scalar(&format!("SELECT COUNT(*) FROM activities WHERE id = {activity_id}")).await, 1);
        let res = app.post_form(&staff, &format!("{page_path}/delete"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", text(res).await.1);
        assert_eq!(location(&res), format!("/programmes/{id}/activities"));
        let (status, _) = app.page(&staff, &page_path).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(files().await, 0);
        let (status, _) = app.page(&staff, &format!("{page_path}/files/{photo}?size=thumb")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn an_activity_links_only_an_announced_event_and_keeps_thirty_files_at_most(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        let year = time::OffsetDateTime::now_utc().to_offset(lienket_domain::event::VIETNAM).year();
        let (id, areas) = create_programme(&app, &coordinator, "Chương trình phối hợp thử nghiệm sự kiện", (year - 1, year + 1)).await;
        let hn = app.alliance_id("HN").await;
        let token = app.api_token("canbo.hanoi").await;
        let fair = "Hội chợ nông sản an toàn của Liên minh Hà Nội";
        let (event, version) = draft_fair(&app, &token, fair).await;

        // A draft is not announced: no activity links it.
        let mut body = activity("Tham gia hội chợ nông sản", "trade_promotion", "done", &[areas[1]], hn, (&day_from_today(20), ""));
        body["event_id"] = json!(event);
        let path = format!("/api/v1/programmes/{id}/activities");
        let (status, answer) = app.post_api(&token, &path, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(finding_fields(&answer), vec!["event_id".to_string()], "{answer}");
        // Nor one that does not exist.
        let mut unknown = body.clone();
        unknown["event_id"] = json!(999_999);
        let (status, answer) = app.post_api(&token, &path, &unknown).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(finding_fields(&answer), vec!["event_id".to_string()], "{answer}");

        // Announced, it is linked; taken back to a draft, its title is shown only to those who
        // may see the draft (its host alliance), not to another alliance's staff.
        let version = set_event_status(&app, &token, event, version, "published").await;
        let linked = record(&app, &token, id, &body).await;
        set_event_status(&app, &token, event, version, "draft").await;
        let hanoi = app.login("canbo.hanoi").await;
        let (status, page) = app.page(&hanoi, &format!("/activities/{linked}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(unescape_html(&page).contains(fair), "the host sees its draft: {page}");
        let cantho = app.new_staff("canbo.cantho", "CT").await;
        let (status, page) = app.page(&cantho, &format!("/activities/{linked}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!unescape_html(&page).contains(fair), "another alliance does not: {page}");
        assert!(!page.contains(&format!("href=\"/events/{event}\"")), "{page}");

        // Thirty files at most: the next upload is refused on the activity page, with the reason.
        let page_path = format!("/activities/{linked}");
        let csrf = app.csrf(&hanoi, &page_path).await;
        let pdf = b"%PDF-1.4\n% bien ban\n%%EOF\n".to_vec();
        for n in 1..=30 {
            let res = upload(&app, &hanoi, &csrf, &format!("{page_path}/files"), "file", &format!("bien-ban-{n}.pdf"), pdf.clone()).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "file {n}: {}", text(res).await.1);
        }
        let res = upload(&app, &hanoi, &csrf, &format!("{page_path}/files"), "file", "bien-ban-31.pdf", pdf.clone()).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let expected = message_start("err-activity-files-full");
        assert!(alerts(&page).iter().any(|a| a.contains(&expected)), "{:?}", alerts(&page));
        assert!(unescape_html(&page).contains("bien-ban-30.pdf"), "the activity page: {page}");
        let kept = app.db.scalar(&format!("SELECT COUNT(*) FROM activity_files WHERE activity_id = {linked}")).await;
        assert_eq!(kept, 30);
    }
}
