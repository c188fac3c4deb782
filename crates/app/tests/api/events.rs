//! Trade-promotion events: announcing an event (a draft nobody else sees until it is published),
//! applying to exhibit within the application window, the booth capacity kept by the database
//! when staff approve at the same moment, the waitlist, booth numbers, check-in on the day, the
//! iCalendar feed, and the public page and exhibitor list of the demonstration OCOP week.

use std::collections::BTreeSet;

use icalendar::{CalendarComponent, Component, DatePerhapsTime};
use lienket_domain::event::VIETNAM;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, count_after, json, location, plain, spawn_app, text, unescape_html};

/// The organisation of the demonstration representative `daidien.htx` (managed by Hà Nội).
const OWN: &str = "Hợp tác xã Nông nghiệp Đông Dư";

/// The Vietnamese catalogue of the events module, where the expected messages are read.
const CATALOGUE: &str = include_str!("../../../web/locales/vi/events.ftl");

/// The Vietnamese text of a catalogue message without arguments.
fn message(key: &str) -> String {
    CATALOGUE
        .lines()
        .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| panic!("no message {key} in the events catalogue"))
}

/// Today in Vietnam, shifted by `days`.
fn vn_day(days: i64) -> time::Date {
    time::OffsetDateTime::now_utc().to_offset(VIETNAM).date() + time::Duration::days(days)
}

/// `YYYY-MM-DD`.
fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A valid event: applications from `open` to `close` (days from today), the event from
/// `starts` for three days, one booth type of `capacity` booths.
fn event_body(title: &str, open: i64, close: i64, starts: i64, capacity: i64) -> Value {
    json!({
        "title": title,
        "kind": "fair",
        "venue": "Cung Văn hóa Hữu nghị Việt Xô, số 91 Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội",
        "starts_on": ymd(vn_day(starts)),
        "ends_on": ymd(vn_day(starts + 2)),
        "opening_hours": "8:00 – 21:00",
        "applications_open_on": ymd(vn_day(open)),
        "applications_close_on": ymd(vn_day(close)),
        "applications_close_time": "17:00",
        "description": "Hội chợ thử nghiệm của Liên minh.",
        "booth_types": [{"name": "Gian tiêu chuẩn", "size": "3 × 3 m", "capacity": capacity, "fee": 2_000_000}],
    })
}

/// Creates an event through the API (a draft) and returns it.
async fn create_event(app: &TestApp, token: &str, body: &Value) -> Value {
    let (status, ev) = app.post_api(token, "/api/v1/events", body).await;
    assert_eq!(status, StatusCode::CREATED, "creating an event: {ev}");
    assert_eq!(ev["status"], "draft", "{ev}");
    ev
}

/// Publishes an event read at `ev`.
async fn publish(app: &TestApp, token: &str, ev: &Value) -> Value {
    let (status, published) = app
        .post_api(
            token,
            &format!("/api/v1/events/{}/status", ev["id"]),
            &json!({"status": "published", "version": ev["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "publishing: {published}");
    assert_eq!(published["status"], "published");
    published
}

/// A published event whose applications are open now, with one booth type of `capacity`;
/// returns the event id and the booth type id.
async fn open_event(app: &TestApp, token: &str, title: &str, capacity: i64) -> (i64, i64) {
    let ev = create_event(app, token, &event_body(title, -1, 10, 20, capacity)).await;
    let ev = publish(app, token, &ev).await;
    (
        ev["id"].as_i64().expect("an event id"),
        ev["booth_types"][0]["id"].as_i64().expect("a booth type id"),
    )
}

/// An application body for one booth with `products`.
fn application(booth_type: i64, products: &[i64]) -> Value {
    json!({
        "booth_type_id": booth_type,
        "products": products,
        "contact_name": "Nguyễn Văn An",
        "contact_phone": "0912 345 678",
    })
}

/// Staff of the managing alliance apply on behalf of `org`; returns the application.
async fn apply_for(app: &TestApp, token: &str, event: i64, booth_type: i64, org: i64, product: i64) -> Value {
    let mut body = application(booth_type, &[product]);
    body["organisation_id"] = json!(org);
    let (status, a) = app
        .post_api(token, &format!("/api/v1/events/{event}/applications"), &body)
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "applying for organisation {org}: {a}"
    );
    assert_eq!(a["state"], "submitted", "{a}");
    a
}

/// A decision on an application read at `a`.
async fn review(app: &TestApp, token: &str, a: &Value, decision: &str) -> (StatusCode, Value) {
    app.post_api(
        token,
        &format!("/api/v1/applications/{}/review", a["id"]),
        &json!({"decision": decision, "version": a["version"]}),
    )
    .await
}

/// Asserts a 409 refusal carrying the message `key`.
fn assert_refused(status: StatusCode, body: &Value, key: &str) {
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "refused", "{body}");
    assert_eq!(body["error"]["message"], message(key).as_str(), "{body}");
}

/// Organisations managed by the Hà Nội alliance with a published product, as
/// (organisation, product), by organisation id.
async fn ha_noi_exhibitors(app: &TestApp) -> Vec<(i64, i64)> {
    let hn = app.alliance_id("HN").await;
    app.db
        .rows(&format!(
            "SELECT o.id, MIN(p.id) FROM organisations o JOIN products p ON p.organisation_id = o.id \
             WHERE o.alliance_id = {hn} AND p.status = 'published' GROUP BY o.id ORDER BY o.id"
        ))
        .await
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<i64>(0).expect("an organisation id"),
                r.try_get_by_index::<i64>(1).expect("a product id"),
            )
        })
        .collect()
}

/// A published product of an organisation.
async fn product_of(app: &TestApp, org: i64) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT MIN(id) FROM products WHERE organisation_id = {org} AND status = 'published'"
        ))
        .await
}

/// The ids of an event's applications in one state, as the host's staff list them.
async fn in_state(app: &TestApp, token: &str, event: i64, state: &str) -> Vec<i64> {
    let (status, list) = app
        .get_api(
            token,
            &format!("/api/v1/events/{event}/applications?state={state}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["id"].as_i64().expect("an id"))
        .collect()
}

/// Booths taken of a booth type, as the database counts them.
async fn approved_booths(app: &TestApp, booth_type: i64) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT CAST(approved AS BIGINT) FROM event_booth_types WHERE id = {booth_type}"
        ))
        .await
}

/// Applications of an event in one state, as the database counts them.
async fn count_in_state(app: &TestApp, event: i64, state: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT COUNT(*) FROM event_applications WHERE event_id = {event} AND state = '{state}'"
        ))
        .await
}

/// The field names of a 422 body, with their messages.
fn findings(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().expect("a field").to_string(),
                f["message"].as_str().expect("a message").to_string(),
            )
        })
        .collect()
}

/// Types a pass code into the check-in form of an event, as a browser sends it.
async fn check_in(app: &TestApp, browser: &Client, event: i64, code: &str) -> (StatusCode, String) {
    let path = format!("/events/{event}/checkin");
    let csrf = app.csrf(browser, &path).await;
    let fields = vec![
        ("_csrf".to_string(), csrf),
        ("code".to_string(), code.to_string()),
    ];
    text(app.post_form(browser, &path, &fields).await).await
}

/// An anonymous `GET` of an API path.
async fn get_anonymously(app: &TestApp, path: &str) -> (StatusCode, Value) {
    json(plain().get(app.url(path)).send().await.expect("API GET")).await
}

/// Whether the public event list of the API shows an event.
async fn publicly_listed(app: &TestApp, id: i64) -> bool {
    let (status, list) = get_anonymously(app, "/api/v1/events?per_page=200").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["id"].as_i64() == Some(id))
}

on_both_engines! {
    async fn an_event_is_announced_as_a_draft_seen_by_nobody_else_until_it_is_published(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let title = "Hội chợ nông sản an toàn thử nghiệm";
        let ev = create_event(&app, &staff, &event_body(title, 0, 10, 20, 40)).await;
        let id = ev["id"].as_i64().unwrap();
        assert_eq!(ev["title"], title);
        assert_eq!(ev["host_alliance_id"], app.alliance_id("HN").await);
        assert_eq!(ev["booth_types"][0]["capacity"], 40);
        assert_eq!(ev["booth_types"][0]["approved"], 0);
        // 17:00 in Hà Nội is 10:00 UTC.
        let close = ev["applications_close_at"].as_str().unwrap();
        let close = time::OffsetDateTime::parse(close, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{close}: {e}"));
        assert_eq!(close, vn_day(10).with_hms(10, 0, 0).unwrap().assume_utc());

        // A draft does not exist for the public, in the API or on the site.
        let path = format!("/api/v1/events/{id}");
        let (status, body) = get_anonymously(&app, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "not_found");
        assert!(!publicly_listed(&app, id).await);
        let (status, _) = app.page(&plain(), &format!("/events/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.page(&plain(), &format!("/events/{id}/event.ics")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let representative = app.api_token("daidien.htx").await;
        let (status, body) = app.get_api(&representative, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        // The host's staff see it.
        let (status, body) = app.get_api(&staff, &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Only alliance staff announce events.
        let (status, body) = app
            .post_api(&representative, "/api/v1/events", &event_body("Hội chợ của hợp tác xã", 0, 10, 20, 5))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");

        let published = publish(&app, &staff, &ev).await;
        assert_eq!(published["version"], ev["version"].as_i64().unwrap() + 1);
        // A change made from the version read before publishing is a conflict, not an overwrite.
        let (status, body) = app
            .post_api(
                &staff,
                &format!("/api/v1/events/{id}/status"),
                &json!({"status": "cancelled", "version": ev["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "conflict");

        let (status, body) = get_anonymously(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["title"], title);
        assert_eq!(body["status"], "published");
        assert!(publicly_listed(&app, id).await);
        let (status, page) = app.page(&plain(), &format!("/events/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(title), "{page}");
        assert!(page.contains("Gian tiêu chuẩn"), "{page}");
    }

    async fn an_impossible_event_is_refused_with_every_finding_and_nothing_is_saved(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let before = app.db.scalar("SELECT COUNT(*) FROM events").await;
        let mut bad = event_body("Hội chợ sai ngày", 0, 25, 20, 10);
        // Ends two days before it starts; applications close after it starts; no booths.
        bad["ends_on"] = json!(ymd(vn_day(18)));
        bad["booth_types"] = json!([]);
        let (status, body) = app.post_api(&staff, "/api/v1/events", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["code"], "invalid");
        let found = findings(&body);
        let fields: BTreeSet<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            BTreeSet::from(["ends_on", "applications_close_on", "booth_types"]),
            "{body}"
        );
        for (field, key) in [
            ("ends_on", "err-event-ends-before-start"),
            ("applications_close_on", "err-event-window-after-start"),
            ("booth_types", "err-booth-plan-empty"),
        ] {
            assert!(
                found.contains(&(field.to_string(), message(key))),
                "{field} should say {key}: {body}"
            );
        }
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM events").await, before);
    }

    async fn a_representative_applies_once_with_its_own_products_within_the_window(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let representative = app.api_token("daidien.htx").await;
        let own = app.organisation_id(OWN).await;
        let own_product = product_of(&app, own).await;
        let other = app
            .db
            .scalar(&format!(
                "SELECT MIN(id) FROM products WHERE organisation_id <> {own} AND status = 'published'"
            ))
            .await;
        let (event, booth_type) = open_event(&app, &staff, "Hội chợ đăng ký một lần", 10).await;
        let path = format!("/api/v1/events/{event}/applications");

        // Another organisation's product is refused, and nothing is saved.
        let (status, body) = app
            .post_api(&representative, &path, &application(booth_type, &[own_product, other]))
            .await;
        assert_refused(status, &body, "err-application-product-owner");
        assert_eq!(
            app.db
                .scalar(&format!("SELECT COUNT(*) FROM event_applications WHERE event_id = {event}"))
                .await,
            0
        );
        // Nor may a representative apply for another organisation.
        let someone_else = app
            .db
            .scalar(&format!("SELECT organisation_id FROM products WHERE id = {other}"))
            .await;
        let mut body = application(booth_type, &[other]);
        body["organisation_id"] = json!(someone_else);
        let (status, body) = app.post_api(&representative, &path, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        let (status, mine) = app
            .post_api(&representative, &path, &application(booth_type, &[own_product]))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{mine}");
        assert_eq!(mine["state"], "submitted");
        assert_eq!(mine["organisation_id"], own);
        assert_eq!(mine["products"], json!([own_product]));
        assert_eq!(mine["contact_phone"], "+84912345678");
        assert!(mine["pass_code"].is_null(), "{mine}");

        // Once per organisation and event.
        let (status, body) = app
            .post_api(&representative, &path, &application(booth_type, &[own_product]))
            .await;
        assert_refused(status, &body, "err-application-twice");
        assert_eq!(count_in_state(&app, event, "submitted").await, 1);

        // Staff of another alliance neither see the applications nor decide on them; nor does
        // the applicant.
        let da_nang = app.new_staff("canbo.danang.thu", "DN").await;
        let da_nang = app.create_token(&da_nang).await;
        let (status, body) = review(&app, &da_nang, &mine, "approved").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (status, body) = app.get_api(&da_nang, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = review(&app, &representative, &mine, "approved").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(count_in_state(&app, event, "submitted").await, 1);

        // The host approves: the application gets a pass.
        let (status, approved) = review(&app, &staff, &mine, "approved").await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(approved["state"], "approved");
        assert_eq!(approved["pass_code"].as_str().map(str::len), Some(10), "{approved}");
        assert_eq!(approved_booths(&app, booth_type).await, 1);
    }

    async fn applications_are_refused_outside_the_window_and_to_unannounced_events(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let representative = app.api_token("daidien.htx").await;
        let own_product = product_of(&app, app.organisation_id(OWN).await).await;

        // Closed two days ago, before an event that starts in five days.
        let closed = create_event(&app, &staff, &event_body("Hội chợ đã hết hạn đăng ký", -30, -2, 5, 10)).await;
        let closed = publish(&app, &staff, &closed).await;
        let booth_type = closed["booth_types"][0]["id"].as_i64().unwrap();
        let (status, body) = app
            .post_api(
                &representative,
                &format!("/api/v1/events/{}/applications", closed["id"]),
                &application(booth_type, &[own_product]),
            )
            .await;
        assert_refused(status, &body, "err-application-window-closed");

        // Opens in five days: a draft may be kept, not submitted.
        let later = create_event(&app, &staff, &event_body("Hội chợ chưa mở đăng ký", 5, 10, 20, 10)).await;
        let later = publish(&app, &staff, &later).await;
        let booth_type = later["booth_types"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/events/{}/applications", later["id"]);
        let (status, body) = app
            .post_api(&representative, &path, &application(booth_type, &[own_product]))
            .await;
        assert_refused(status, &body, "err-application-window-not-yet");
        let mut draft = application(booth_type, &[own_product]);
        draft["submit"] = json!(false);
        let (status, body) = app.post_api(&representative, &path, &draft).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["state"], "draft");

        // An event still being prepared does not exist for applicants.
        let unannounced = create_event(&app, &staff, &event_body("Hội chợ chưa công bố", -1, 10, 20, 10)).await;
        let booth_type = unannounced["booth_types"][0]["id"].as_i64().unwrap();
        let (status, body) = app
            .post_api(
                &representative,
                &format!("/api/v1/events/{}/applications", unannounced["id"]),
                &application(booth_type, &[own_product]),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        for ev in [&closed, &unannounced] {
            assert_eq!(
                app.db
                    .scalar(&format!("SELECT COUNT(*) FROM event_applications WHERE event_id = {}", ev["id"]))
                    .await,
                0
            );
        }
    }

    async fn approvals_racing_for_three_booths_approve_exactly_three_and_the_waitlist_follows_in_order(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let (event, booth_type) = open_event(&app, &staff, "Hội chợ ba gian", 3).await;
        let exhibitors = ha_noi_exhibitors(&app).await;
        assert!(exhibitors.len() >= 13, "the demo has too few Hà Nội exhibitors: {exhibitors:?}");
        let latecomer = exhibitors[12];
        let mut submitted = Vec::new();
        for (org, product) in exhibitors.into_iter().take(12) {
            submitted.push(apply_for(&app, &staff, event, booth_type, org, product).await);
        }

        // Twelve approvals at once, for three booths.
        let mut racing = tokio::task::JoinSet::new();
        for a in submitted.clone() {
            let (site, token) = (app.site.clone(), staff.clone());
            racing.spawn(async move {
                let path = format!("/api/v1/applications/{}/review", a["id"]);
                let answer = site
                    .post_api(&token, &path, &json!({"decision": "approved", "version": a["version"]}))
                    .await;
                (a["id"].as_i64().unwrap(), answer)
            });
        }
        let mut approved = Vec::new();
        let mut refused = Vec::new();
        for (id, (status, body)) in racing.join_all().await {
            match status {
                StatusCode::OK => {
                    assert_eq!(body["state"], "approved", "{body}");
                    approved.push(id);
                }
                _ => {
                    assert_refused(status, &body, "err-booth-type-full");
                    refused.push(id);
                }
            }
        }
        approved.sort_unstable();
        refused.sort_unstable();
        assert_eq!(approved.len(), 3, "approved {approved:?}, refused {refused:?}");
        assert_eq!(refused.len(), 9);
        assert_eq!(approved_booths(&app, booth_type).await, 3);
        assert_eq!(count_in_state(&app, event, "approved").await, 3);
        assert_eq!(count_in_state(&app, event, "submitted").await, 9);
        let mut listed = in_state(&app, &staff, event, "approved").await;
        listed.sort_unstable();
        assert_eq!(listed, approved);
        let passes = app
            .db
            .texts(&format!(
                "SELECT pass_code FROM event_applications WHERE event_id = {event} AND state = 'approved'"
            ))
            .await;
        assert_eq!(passes.iter().collect::<BTreeSet<_>>().len(), 3, "{passes:?}");

        // The type is full: a new application for it is refused, not queued.
        let mut late = application(booth_type, &[latecomer.1]);
        late["organisation_id"] = json!(latecomer.0);
        let (status, body) = app
            .post_api(&staff, &format!("/api/v1/events/{event}/applications"), &late)
            .await;
        assert_refused(status, &body, "err-application-booth-type-full");
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM event_applications WHERE event_id = {event} AND organisation_id = {}",
                    latecomer.0
                ))
                .await,
            0
        );

        // Two refused ones join the waitlist, the later application first: the line is kept in
        // the order it was formed, not in the order of the applications.
        let by_id = |id: i64| submitted.iter().find(|a| a["id"] == id).unwrap().clone();
        let (first, second) = (refused[1], refused[0]);
        for id in [first, second] {
            let (status, body) = review(&app, &staff, &by_id(id), "waitlisted").await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["state"], "waitlisted");
        }
        let waiting: BTreeSet<i64> = in_state(&app, &staff, event, "waitlisted").await.into_iter().collect();
        assert_eq!(waiting, BTreeSet::from([first, second]));

        // An approved exhibitor withdraws: its booth goes to the first in line, and only to it.
        let leaving = approved[0];
        let version = app
            .db
            .scalar(&format!("SELECT CAST(version AS BIGINT) FROM event_applications WHERE id = {leaving}"))
            .await;
        let (status, body) = app
            .post_api(
                &staff,
                &format!("/api/v1/applications/{leaving}/withdraw"),
                &json!({"version": version}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["application"]["state"], "withdrawn");
        assert!(body["application"]["pass_code"].is_null(), "{body}");
        assert_eq!(body["promoted"], json!([first]), "{body}");
        assert_eq!(in_state(&app, &staff, event, "waitlisted").await, vec![second]);
        let now_approved: BTreeSet<i64> = in_state(&app, &staff, event, "approved").await.into_iter().collect();
        let expected: BTreeSet<i64> = [approved[1], approved[2], first].into_iter().collect();
        assert_eq!(now_approved, expected);
        assert_eq!(approved_booths(&app, booth_type).await, 3);
        assert_eq!(count_in_state(&app, event, "approved").await, 3);
        let promoted_pass = app
            .db
            .texts(&format!(
                "SELECT pass_code FROM event_applications WHERE id = {first} AND pass_code IS NOT NULL"
            ))
            .await;
        assert_eq!(promoted_pass.len(), 1, "the promoted exhibitor has no pass");

        // With applications in, the event cannot go back to a draft; once cancelled it is not
        // published again, and nobody more is approved for it.
        let status = |to: &'static str| {
            let (app, staff) = (&app, &staff);
            async move {
                let (_, ev) = app.get_api(staff, &format!("/api/v1/events/{event}")).await;
                app.post_api(
                    staff,
                    &format!("/api/v1/events/{event}/status"),
                    &json!({"status": to, "version": ev["version"]}),
                )
                .await
            }
        };
        let (code, body) = status("draft").await;
        assert_refused(code, &body, "err-event-status");
        let (code, body) = status("cancelled").await;
        assert_eq!(code, StatusCode::OK, "{body}");
        let (code, body) = status("published").await;
        assert_refused(code, &body, "err-event-status");
        let waiting = app
            .db
            .scalar(&format!("SELECT id FROM event_applications WHERE id = {second}"))
            .await;
        let (_, current) = app.get_api(&staff, &format!("/api/v1/events/{event}/applications?state=waitlisted")).await;
        let still = current["items"]
            .as_array()
            .and_then(|v| v.iter().find(|a| a["id"] == waiting))
            .cloned()
            .expect("the second in line is still waitlisted");
        let (code, body) = review(&app, &staff, &still, "approved").await;
        assert_refused(code, &body, "err-event-not-open");
    }

    async fn a_booth_number_is_given_once_and_a_pass_checks_its_exhibitor_in(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        let (event, booth_type) = open_event(&app, &staff, "Hội chợ bố trí gian", 5).await;
        let mut approved = Vec::new();
        for (org, product) in ha_noi_exhibitors(&app).await.into_iter().take(2) {
            let a = apply_for(&app, &staff, event, booth_type, org, product).await;
            let (status, a) = review(&app, &staff, &a, "approved").await;
            assert_eq!(status, StatusCode::OK, "{a}");
            approved.push(a);
        }
        let booths = |a: &Value| format!("/api/v1/applications/{}/booths", a["id"]);
        let (status, body) = app
            .post_api(&staff, &booths(&approved[0]), &json!({"numbers": ["A01"]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["booths"], json!(["A01"]));
        // The same number for another exhibitor of the event, whatever its case.
        let (status, body) = app
            .post_api(&staff, &booths(&approved[1]), &json!({"numbers": ["a01"]}))
            .await;
        assert_refused(status, &body, "err-booth-taken");
        let numbers = app
            .db
            .texts(&format!(
                "SELECT number FROM event_booths WHERE event_id = {event} ORDER BY application_id"
            ))
            .await;
        assert_eq!(numbers, vec!["A01".to_string()]);
        let (status, body) = app
            .post_api(&staff, &booths(&approved[1]), &json!({"numbers": ["A02"]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // On the day: the pass code, typed in lower case with a space, checks the exhibitor in.
        let browser = app.login("canbo.hanoi").await;
        let checkin = format!("/events/{event}/checkin");
        let (status, page) = app.page(&browser, &checkin).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(count_after(&page, "Chưa có mặt ("), 2);
        assert_eq!(count_after(&page, "Đã có mặt ("), 0);
        let code = approved[0]["pass_code"].as_str().expect("a pass code").to_string();
        let typed = format!("{} {}", code[..5].to_lowercase(), &code[5..]);
        let (status, page) = check_in(&app, &browser, event, &typed).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let name = approved[0]["organisation_name"].as_str().unwrap();
        let said = unescape_html(
            crate::helpers::between(&page, "id=\"checkin-message\">", "</p>").expect("a check-in message"),
        );
        assert!(said.contains(name) && said.contains("có mặt"), "{said}");
        assert_eq!(count_after(&page, "Chưa có mặt ("), 1);
        assert_eq!(count_after(&page, "Đã có mặt ("), 1);
        let arrived = app
            .db
            .texts(&format!(
                "SELECT checked_in_by FROM event_applications WHERE id = {} AND checked_in_at IS NOT NULL",
                approved[0]["id"]
            ))
            .await;
        assert_eq!(arrived, vec!["canbo.hanoi".to_string()]);
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM event_applications WHERE id = {} AND checked_in_at IS NULL",
                    approved[1]["id"]
                ))
                .await,
            1
        );
        let first_time = app
            .db
            .texts(&format!(
                "SELECT CAST(checked_in_at AS TEXT) FROM event_applications WHERE id = {}",
                approved[0]["id"]
            ))
            .await;

        // A second scan keeps the first arrival; an unknown code says so.
        let (status, page) = check_in(&app, &browser, event, &code).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(count_after(&page, "Đã có mặt ("), 1);
        assert_eq!(
            app.db
                .texts(&format!(
                    "SELECT CAST(checked_in_at AS TEXT) FROM event_applications WHERE id = {}",
                    approved[0]["id"]
                ))
                .await,
            first_time
        );
        let (status, page) = check_in(&app, &browser, event, "ZZZZZZZZZZ").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Không tìm thấy thẻ với mã này"), "{page}");
        assert_eq!(count_after(&page, "Chưa có mặt ("), 1);
    }

    async fn the_icalendar_feed_parses_and_holds_published_events_as_whole_days(engine) {
        let app = spawn_app(engine).await;
        let staff = app.api_token("canbo.hanoi").await;
        // Long, accented, with the characters iCalendar escapes: the line must be folded.
        let title = "Hội chợ thử nghiệm: nông sản, đặc sản; sản phẩm OCOP các tỉnh, thành phố miền Bắc";
        let ev = create_event(&app, &staff, &event_body(title, -1, 10, 20, 10)).await;
        let ev = publish(&app, &staff, &ev).await;
        let hidden = "Hội chợ bản nháp không công bố";
        let draft = create_event(&app, &staff, &event_body(hidden, -1, 10, 25, 10)).await;

        let res = plain().get(app.url("/events.ics")).send().await.unwrap();
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/calendar"), "{kind}");
        assert_eq!(res.status(), StatusCode::OK);
        // A fold never splits a character: the document stays valid UTF-8.
        let body = String::from_utf8(res.bytes().await.unwrap().to_vec()).expect("UTF-8");
        let events = read_calendar(&body);
        let ours: Vec<_> = events.iter().filter(|e| e.get_summary() == Some(title)).collect();
        assert_eq!(ours.len(), 1, "the published event once in the feed:\n{body}");
        let ours = ours[0];
        assert_eq!(whole_day(ours.get_start()), ymd(vn_day(20)), "{body}");
        // DTEND of an all-day event is the day after the last one.
        assert_eq!(whole_day(ours.get_end()), ymd(vn_day(23)), "{body}");
        assert!(
            body.contains(&format!("\r\nDTSTART;VALUE=DATE:{}\r\n", ymd(vn_day(20)).replace('-', ""))),
            "{body}"
        );
        assert!(ours.get_url().is_some_and(|u| u.ends_with(&format!("/events/{}", ev["id"]))));
        assert!(events.iter().all(|e| e.get_summary() != Some(hidden)), "a draft in the feed:\n{body}");
        let uids: BTreeSet<_> = events.iter().map(|e| e.get_uid().expect("a UID")).collect();
        assert_eq!(uids.len(), events.len(), "UIDs are not unique:\n{body}");

        // One event's file: the published one alone; a draft's is not there for the public.
        let (status, one) = app.page(&plain(), &format!("/events/{}/event.ics", ev["id"])).await;
        assert_eq!(status, StatusCode::OK);
        let one = read_calendar(&one);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].get_summary(), Some(title));
        let (status, _) = app.page(&plain(), &format!("/events/{}/event.ics", draft["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn the_demo_ocop_week_shows_its_exhibitors_and_staff_export_them(engine) {
        let app = spawn_app(engine).await;
        let ids = app
            .db
            .ints("SELECT id FROM events WHERE title LIKE '%OCOP%' AND starts_on = '2023-03-31'")
            .await;
        let Some(&id) = ids.first() else {
            eprintln!("skipped: the demonstration data has no OCOP week of 31/3/2023");
            return;
        };
        assert_eq!(ids.len(), 1, "{ids:?}");
        let exhibitors = app
            .db
            .texts(&format!(
                "SELECT o.name FROM event_applications a JOIN organisations o ON o.id = a.organisation_id \
                 WHERE a.event_id = {id} AND a.state = 'approved'"
            ))
            .await;
        assert!(exhibitors.len() >= 50, "{} exhibitors", exhibitors.len());
        let (status, participation) =
            get_anonymously(&app, &format!("/api/v1/events/{id}/participation")).await;
        assert_eq!(status, StatusCode::OK, "{participation}");
        assert_eq!(participation["exhibitors"], exhibitors.len(), "{participation}");
        let by_province = participation["by_province"].as_array().expect("by_province");
        let counted: u64 = by_province.iter().map(|r| r["exhibitors"].as_u64().unwrap()).sum();
        assert_eq!(counted, exhibitors.len() as u64, "{participation}");
        let provinces = by_province.iter().filter(|r| r["key"] != "").count();
        assert!((2..=exhibitors.len()).contains(&provinces), "{participation}");

        let (status, page) = app.page(&plain(), &format!("/events/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let page = unescape_html(&page);
        let sentence = crate::helpers::between(&page, "<p class=\"lead\">", "</p>").expect("a participation sentence");
        assert!(sentence.starts_with(&format!("{} ", exhibitors.len())), "{sentence}");
        assert!(sentence.ends_with(&format!(" từ {provinces} tỉnh, thành phố")), "{sentence}\n{participation}");
        for name in &exhibitors {
            assert!(page.contains(name.as_str()), "{name} is not listed");
        }
        assert_eq!(page.matches("<a href=\"/producers/").count(), exhibitors.len());
        // The public sees no management links.
        assert!(!page.contains("exhibitors.xlsx"));

        let export = format!("/events/{id}/exhibitors.xlsx");
        let res = app.login("canbo.hanoi").await.get(app.url(&export)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.contains("spreadsheetml"), "{kind}");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "not an XLSX (zip) file");
        assert!(bytes.len() > 4_000, "{} bytes", bytes.len());

        let res = plain().get(app.url(&export)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).starts_with("/login?next="), "{}", location(&res));
        let representative: Client = app.login("daidien.htx").await;
        let res = representative.get(app.url(&export)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
}

/// The events of an iCalendar document, after checking its lines as RFC 5545 writes them:
/// CRLF endings and no line longer than 75 octets (longer ones folded).
fn read_calendar(body: &str) -> Vec<icalendar::Event> {
    assert!(body.ends_with("\r\n"), "{body}");
    let lines: Vec<&str> = body.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &lines {
        assert!(!line.contains('\n'), "a bare line feed in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert!(
        lines.iter().any(|l| l.starts_with(' ')),
        "no folded line:\n{body}"
    );
    let unfolded = icalendar::parser::unfold(body);
    let calendar =
        icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("not iCalendar: {e}\n{body}"));
    let calendar = icalendar::Calendar::from(calendar);
    assert_eq!(calendar.property_value("VERSION"), Some("2.0"));
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// The day of an all-day DTSTART or DTEND, `YYYY-MM-DD`.
fn whole_day(d: Option<DatePerhapsTime>) -> String {
    match d {
        Some(DatePerhapsTime::Date(day)) => day.to_string(),
        other => panic!("not a whole day: {other:?}"),
    }
}
