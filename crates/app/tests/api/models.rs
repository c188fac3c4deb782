//! The showcase of effective cooperative models (Decision 167/QĐ-TTg) in the browser and the
//! API: staff of the managing alliance show a cooperative as a model and its assessment follows
//! the organisation's accepted reports; the public sees published models only; other
//! alliances' staff cannot change one; a replication counts in the programme's indicator; bad
//! input gets its message beside the field, never a 500.

use lienket_domain::ids::AllianceId;
use lienket_domain::programme::Measure;
use lienket_domain::report::{ReportFigures, ReportPeriod};
use lienket_store::{Actor, ReportSave};
use reqwest::{Client, StatusCode};

use crate::helpers::{
    TestApp, alerts, field_error, form_html, form_values, json, location, plain, set_value, spawn_app,
    value_of,
};

/// The demo's model that is not published.
const UNPUBLISHED: &str = "Hợp tác xã Bưởi Đoan Hùng";
/// A Hà Nội model of the demo, with replications.
const HN_MODEL: &str = "Hợp tác xã Nông nghiệp Đông Dư";

fn this_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

/// The id of the model of an organisation, by the organisation's name.
async fn model_of(app: &TestApp, name: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT e.id FROM model_entries e JOIN organisations o ON o.id = e.organisation_id \
             WHERE o.name = '{name}'"
        ))
        .await
}

/// The id of a kind of model, by code.
async fn kind(app: &TestApp, code: &str) -> i64 {
    app.db
        .scalar(&format!("SELECT id FROM model_kinds WHERE code = '{code}'"))
        .await
}

/// The registration code of an organisation.
async fn code_of(app: &TestApp, org: i64) -> String {
    app.db
        .texts(&format!(
            "SELECT registration_code FROM organisations WHERE id = {org}"
        ))
        .await
        .remove(0)
}

/// An active, registered cooperative of `alliance` that is no model and replicated none.
async fn plain_cooperative(app: &TestApp, alliance: i64, extra: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT MIN(o.id) FROM organisations o WHERE o.alliance_id = {alliance} \
             AND o.kind = 'cooperative' AND o.status = 'active' AND o.registration_code IS NOT NULL \
             AND o.id NOT IN (SELECT organisation_id FROM model_entries) \
             AND o.id NOT IN (SELECT organisation_id FROM model_replications){extra}"
        ))
        .await
}

/// A page as `client` gets it, asserting its status.
async fn page(app: &TestApp, client: &Client, path: &str, status: StatusCode) -> String {
    let (got, body) = app.page(client, path).await;
    assert_eq!(got, status, "GET {path}: {body}");
    body
}

/// The model form at `path`, as shown to `client`.
async fn model_form(app: &TestApp, client: &Client, path: &str) -> Vec<(String, String)> {
    let body = page(app, client, path, StatusCode::OK).await;
    form_values(form_html(&body, "class=\"form wide\""))
}

/// The replication form on a model's page.
async fn replication_form(
    app: &TestApp,
    client: &Client,
    model: i64,
    code: &str,
    day: &str,
) -> Vec<(String, String)> {
    let body = page(app, client, &format!("/models/{model}"), StatusCode::OK).await;
    let mut form = form_values(form_html(
        &body,
        &format!("action=\"/models/{model}/replications\""),
    ));
    set_value(&mut form, "registration_code", code);
    set_value(&mut form, "replicated_on", day);
    set_value(&mut form, "note", "Học tập cách liên kết tiêu thụ.");
    form
}

/// The row of the assessment table about `criterion` (its text as shown).
fn assessment_row(body: &str, criterion: &str) -> String {
    let start = body
        .find(criterion)
        .unwrap_or_else(|| panic!("no {criterion:?} on the page:\n{body}"));
    let end = body[start..].find("</tr>").expect("the end of the row");
    body[start..start + end].to_string()
}

/// Profitable yearly figures.
fn figures(profit: i64) -> ReportFigures {
    ReportFigures {
        revenue: 2_400_000_000,
        profit,
        members_official: 30,
        workers: 12,
        average_income: 7_000_000,
        charter_capital: 1_500_000_000,
        member_services: 600_000_000,
        ..Default::default()
    }
}

on_both_engines! {
    async fn staff_of_the_managing_alliance_show_a_cooperative_whose_assessment_follows_its_accepted_reports(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let now = this_year();
        // Selected last year: the decision reads the three years before, and the demo holds
        // accepted reports of the last three years only, so the first of them is missing.
        let selected = now - 1;
        let first = selected - 3;
        let org = plain_cooperative(
            &app,
            hn,
            &format!(
                " AND (SELECT COUNT(*) FROM activity_reports r WHERE r.organisation_id = o.id \
                 AND r.period = 'year' AND r.status = 'accepted' AND r.profit > 0 \
                 AND r.year IN ({}, {})) = 2 \
                 AND NOT EXISTS (SELECT 1 FROM activity_reports r WHERE r.organisation_id = o.id \
                 AND r.year = {first})",
                selected - 2,
                selected - 1
            ),
        )
        .await;
        assert!(org > 0, "the demo has a Hà Nội cooperative with two profitable years");
        let code = code_of(&app, org).await;

        let mut form = model_form(&app, &staff, "/models/new").await;
        set_value(&mut form, "registration_code", &code);
        set_value(&mut form, "kind_id", &kind(&app, "DV-TH").await.to_string());
        set_value(&mut form, "selected_year", &selected.to_string());
        set_value(&mut form, "rating_points", "83");
        set_value(&mut form, "dossier_complete", "on");
        set_value(&mut form, "published", "on");
        set_value(&mut form, "summary", "Cung ứng vật tư và tiêu thụ nông sản cho thành viên.");
        let changes = app.change_count().await;
        let res = app.post_form(&staff, "/models/new", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let id = app
            .db
            .scalar(&format!("SELECT id FROM model_entries WHERE organisation_id = {org}"))
            .await;
        assert_eq!(location(&res), format!("/models/{id}"));
        assert_eq!(app.change_count().await, changes + 1, "the new model is in the change log");
        let stored = app
            .db
            .rows(&format!(
                "SELECT CAST(selected_year AS BIGINT), CAST(rating_points AS BIGINT), actor_name \
                 FROM model_entries WHERE id = {id}"
            ))
            .await;
        let r = &stored[0];
        assert_eq!(r.try_get_by_index::<i64>(0).expect("year"), i64::from(selected));
        assert_eq!(r.try_get_by_index::<i64>(1).expect("points"), 83);
        assert_eq!(r.try_get_by_index::<String>(2).expect("actor"), "canbo.hanoi");

        // No accepted report for the first year: profitability is not known, the model not
        // eligible yet, though rated Tốt.
        let path = format!("/models/{id}");
        let body = page(&app, &staff, &path, StatusCode::OK).await;
        let row = assessment_row(&body, "Sản xuất, kinh doanh có lãi 3 năm liền trước năm lựa chọn");
        assert!(row.contains(">?<") && row.contains(&format!("Chưa có báo cáo năm được Liên minh duyệt của năm {first}.")), "{row}");
        assert!(body.contains("Chưa đủ điều kiện theo Quyết định 167"));
        assert!(body.contains("Đã đạt mục tiêu năm 2025: xếp loại Tốt."));

        // A report sent but not accepted does not count.
        let actor = Actor::system("test");
        let sent = app
            .store
            .save_report(&actor, lienket_domain::ids::OrganisationId(org), first, ReportPeriod::Year, &figures(95_000_000), None, ReportSave::Submit)
            .await
            .expect("sending the report");
        let body = page(&app, &staff, &path, StatusCode::OK).await;
        assert!(assessment_row(&body, "có lãi 3 năm").contains(">?<"));

        // Once the alliance accepts it, the three years are profitable and every condition met.
        app.store
            .review_report(&actor, sent.id, sent.version, true, None)
            .await
            .expect("accepting the report");
        let body = page(&app, &staff, &path, StatusCode::OK).await;
        let row = assessment_row(&body, "có lãi 3 năm");
        assert!(row.contains("✓") && row.contains(&format!("Có lãi cả ba năm {first}–{}", selected - 1)), "{row}");
        assert!(body.contains("<strong>Đủ điều kiện theo Quyết định 167.</strong>"), "{body}");

        // The public sees it too, with the same assessment.
        let public = page(&app, &plain(), "/models", StatusCode::OK).await;
        assert!(public.contains(&format!("href=\"/models/{id}\"")));
        let (status, api) = json(plain().get(app.url(&format!("/api/v1/models/{id}"))).send().await.expect("GET")).await;
        assert_eq!(status, StatusCode::OK, "{api}");
        assert_eq!(api["assessment"]["eligible"], true);
        assert_eq!(api["rating"], "good");
        assert_eq!(api["organisation"]["registration_code"], code.as_str());

        // Staff edit it; the form keeps what was saved.
        let mut form = model_form(&app, &staff, &format!("/models/{id}/edit")).await;
        assert_eq!(value_of(&form, "registration_code"), code);
        assert_eq!(value_of(&form, "rating_points"), "83");
        set_value(&mut form, "rating_points", "77");
        let res = app.post_form(&staff, &format!("/models/{id}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let body = page(&app, &staff, &path, StatusCode::OK).await;
        assert!(body.contains("Xếp loại Khá (77 điểm).") && body.contains("Chưa đạt mục tiêu năm 2025"));

        // Someone saved in between: the message says so and what was typed stays.
        set_value(&mut form, "rating_points", "70");
        let res = app.post_form(&staff, &format!("/models/{id}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let body = res.text().await.expect("the page");
        assert!(alerts(&body).iter().any(|a| a.contains("vừa được người khác thay đổi")), "{body}");
        let kept = form_values(form_html(&body, "class=\"form wide\""));
        assert_eq!(value_of(&kept, "rating_points"), "70");
        assert_eq!(
            app.db.scalar(&format!("SELECT CAST(rating_points AS BIGINT) FROM model_entries WHERE id = {id}")).await,
            77
        );
    }
}

on_both_engines! {
    async fn the_public_sees_published_models_only_and_staff_see_every_one(engine) {
        let app = spawn_app(engine).await;
        let anonymous = plain();
        let published = app.db.scalar("SELECT COUNT(*) FROM model_entries WHERE published = TRUE").await;
        let all = app.db.scalar("SELECT COUNT(*) FROM model_entries").await;
        assert!(published >= 8 && all > published, "the demo has published models and one not published");
        let hidden = model_of(&app, UNPUBLISHED).await;

        let body = page(&app, &anonymous, "/models", StatusCode::OK).await;
        assert!(body.contains(&format!("{published} mô hình")), "{body}");
        assert!(!body.contains(UNPUBLISHED) && !body.contains("Chưa công bố"));
        page(&app, &anonymous, &format!("/models/{hidden}"), StatusCode::NOT_FOUND).await;
        let rep = app.login("daidien.htx").await;
        page(&app, &rep, &format!("/models/{hidden}"), StatusCode::NOT_FOUND).await;
        page(&app, &rep, "/models/new", StatusCode::FORBIDDEN).await;

        // The API lists what the public sees, and hides the rest.
        let (status, list) = json(anonymous.get(app.url("/api/v1/models?per_page=200")).send().await.expect("GET")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["total"], published);
        let items = list["items"].as_array().expect("items");
        assert!(items.iter().all(|m| m["published"] == true && m["id"] != hidden));
        let (status, _) = json(anonymous.get(app.url(&format!("/api/v1/models/{hidden}"))).send().await.expect("GET")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let openapi = anonymous.get(app.url("/api/v1/openapi.json")).send().await.expect("GET").text().await.expect("body");
        assert!(openapi.contains("/api/v1/models/{id}"));

        // The showcase filters by kind; a model short of the conditions shows why.
        let ocop = kind(&app, "OCOP").await;
        let in_kind = app
            .db
            .scalar(&format!("SELECT COUNT(*) FROM model_entries WHERE published = TRUE AND kind_id = {ocop}"))
            .await;
        let body = page(&app, &anonymous, &format!("/models?kind={ocop}"), StatusCode::OK).await;
        assert!(body.contains(&format!("{in_kind} mô hình")), "{body}");
        let honey = model_of(&app, "Hợp tác xã Mật ong Bắc Giang").await;
        let body = page(&app, &anonymous, &format!("/models/{honey}"), StatusCode::OK).await;
        let row = assessment_row(&body, "Xếp loại từ Khá trở lên");
        assert!(row.contains("✗") && row.contains("Xếp loại Trung bình (58 điểm)"), "{row}");
        assert!(body.contains("<strong>Chưa đủ điều kiện theo Quyết định 167.</strong>"));
        let body = page(&app, &anonymous, "/models?province=99&kind=abc&sort=x", StatusCode::OK).await;
        assert!(body.contains("Chưa có mô hình nào phù hợp") || body.contains(&format!("{published} mô hình")));

        // Staff and coordinators see the one not published, marked as such.
        for user in ["canbo.hanoi", "dieuphoi"] {
            let client = app.login(user).await;
            let body = page(&app, &client, "/models", StatusCode::OK).await;
            assert!(body.contains(&format!("{all} mô hình")) && body.contains(UNPUBLISHED), "{user}");
            assert!(body.contains("Chưa công bố"));
            page(&app, &client, &format!("/models/{hidden}"), StatusCode::OK).await;
        }

        // The export holds the same models.
        let res = anonymous.get(app.url("/models/export")).send().await.expect("GET");
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.expect("the workbook");
        assert!(bytes.starts_with(b"PK"), "an XLSX file");
    }
}

on_both_engines! {
    async fn staff_of_another_alliance_read_a_model_but_cannot_change_it(engine) {
        let app = spawn_app(engine).await;
        let ct = app.new_staff("canbo.cantho", "CT").await;
        let id = model_of(&app, HN_MODEL).await;
        page(&app, &ct, &format!("/models/{id}"), StatusCode::OK).await;
        page(&app, &ct, &format!("/models/{id}/edit"), StatusCode::FORBIDDEN).await;
        // The Hà Nội staff's form, posted by Cần Thơ staff.
        let hn_staff = app.login("canbo.hanoi").await;
        let mut form = model_form(&app, &hn_staff, &format!("/models/{id}/edit")).await;
        let csrf = app.csrf(&ct, "/models").await;
        set_value(&mut form, "_csrf", &csrf);
        set_value(&mut form, "rating_points", "12");
        let res = app.post_form(&ct, &format!("/models/{id}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .post_form(&ct, &format!("/models/{id}/delete"), &[("_csrf".into(), csrf.clone())])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let replication = app
            .db
            .scalar(&format!(
                "SELECT MIN(id) FROM model_replications WHERE entry_id = {id} AND alliance_id = {}",
                app.alliance_id("HN").await
            ))
            .await;
        let res = app
            .post_form(
                &ct,
                &format!("/models/{id}/replications/{replication}/delete"),
                &[("_csrf".into(), csrf.clone())],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.db.scalar(&format!("SELECT COUNT(*) FROM model_entries WHERE id = {id}")).await, 1);
        assert_eq!(
            app.db.scalar(&format!("SELECT COUNT(*) FROM model_replications WHERE id = {replication}")).await,
            1
        );

        // Showing a Hà Nội cooperative as a model is Hà Nội's to do.
        let hn = app.alliance_id("HN").await;
        let hn_org = plain_cooperative(&app, hn, "").await;
        let mut form = model_form(&app, &ct, "/models/new").await;
        set_value(&mut form, "registration_code", &code_of(&app, hn_org).await);
        set_value(&mut form, "kind_id", &kind(&app, "OCOP").await.to_string());
        let res = app.post_form(&ct, "/models/new", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.expect("the page");
        assert_eq!(
            field_error(&body, "registration_code").as_deref(),
            Some("Tổ chức này do Liên minh khác quản lý; cán bộ của Liên minh đó mới ghi nhận được.")
        );

        // Only coordinators keep the kinds of model.
        let res = app
            .post_form(
                &hn_staff,
                "/models/kinds",
                &[
                    ("_csrf".into(), app.csrf(&hn_staff, "/models/kinds").await),
                    ("code".into(), "THU".into()),
                    ("name".into(), "Thử".into()),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
}

on_both_engines! {
    async fn a_replication_counts_for_the_replicating_organisations_alliance_in_its_year(engine) {
        let app = spawn_app(engine).await;
        let p = app.store.programmes().await.expect("programmes").remove(0);
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let year = 2025;
        let figures = |f: &lienket_store::YearFigures| {
            (
                f.get(None, Measure::ModelsReplicated),
                f.get(Some(AllianceId(hn)), Measure::ModelsReplicated),
                f.get(Some(AllianceId(ct)), Measure::ModelsReplicated),
            )
        };
        let before = figures(&app.store.year_figures(&p, year).await.expect("figures"));
        assert_eq!(
            before.2,
            app.db.scalar(&format!("SELECT COUNT(*) FROM model_replications WHERE year = {year} AND alliance_id = {ct}")).await
        );
        assert!(before.0 > 0, "the demo replicates models in {year}");

        // Cần Thơ staff record a Cần Thơ cooperative replicating a Hà Nội model.
        let staff = app.new_staff("canbo.cantho", "CT").await;
        let model = model_of(&app, HN_MODEL).await;
        let org = plain_cooperative(&app, ct, "").await;
        let form = replication_form(&app, &staff, model, &code_of(&app, org).await, "10/05/2025").await;
        let res = app.post_form(&staff, &format!("/models/{model}/replications"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert_eq!(location(&res), format!("/models/{model}#replications"));
        let after = figures(&app.store.year_figures(&p, year).await.expect("figures"));
        assert_eq!(after, (before.0 + 1, before.1, before.2 + 1));
        let before_2024 = app.store.year_figures(&p, 2024).await.expect("figures").get(None, Measure::ModelsReplicated);
        assert_eq!(
            before_2024,
            app.db.scalar("SELECT COUNT(*) FROM model_replications WHERE year = 2024").await,
            "a replication counts in its own year only"
        );
        let body = page(&app, &plain(), &format!("/models/{model}"), StatusCode::OK).await;
        assert!(body.contains("10/05/2025") && body.contains("LMHTX Cần Thơ"));

        // Removing it takes it out of the figure again.
        let rid = app
            .db
            .scalar(&format!("SELECT id FROM model_replications WHERE entry_id = {model} AND organisation_id = {org}"))
            .await;
        let csrf = app.csrf(&staff, &format!("/models/{model}")).await;
        let res = app
            .post_form(&staff, &format!("/models/{model}/replications/{rid}/delete"), &[("_csrf".into(), csrf)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let removed = figures(&app.store.year_figures(&p, year).await.expect("figures"));
        assert_eq!(removed, before);
    }
}

on_both_engines! {
    async fn bad_input_gets_its_message_in_vietnamese_and_never_a_server_error(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let org = plain_cooperative(&app, hn, "").await;
        let code = code_of(&app, org).await;
        let ocop = kind(&app, "OCOP").await.to_string();
        let entries = app.db.scalar("SELECT COUNT(*) FROM model_entries").await;

        // Points out of range and a code nobody has, each beside its field, at once.
        let mut form = model_form(&app, &staff, "/models/new").await;
        set_value(&mut form, "registration_code", "0999999999");
        set_value(&mut form, "kind_id", &ocop);
        set_value(&mut form, "rating_points", "150");
        let res = app.post_form(&staff, "/models/new", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.expect("the page");
        assert_eq!(field_error(&body, "rating_points").as_deref(), Some("Điểm xếp loại là số nguyên từ 0 đến 100."));
        assert_eq!(
            field_error(&body, "registration_code").as_deref(),
            Some("Không có tổ chức nào mang mã số này trong sổ thành viên.")
        );
        let kept = form_values(form_html(&body, "class=\"form wide\""));
        assert_eq!(value_of(&kept, "rating_points"), "150");

        // The same cooperative twice under the same kind.
        let model_org = app
            .db
            .scalar(&format!("SELECT organisation_id FROM model_entries WHERE id = {}", model_of(&app, HN_MODEL).await))
            .await;
        let mut form = model_form(&app, &staff, "/models/new").await;
        set_value(&mut form, "registration_code", &code_of(&app, model_org).await);
        set_value(&mut form, "kind_id", &kind(&app, "CHUOI-GT").await.to_string());
        let res = app.post_form(&staff, "/models/new", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_error(&res.text().await.expect("the page"), "kind_id").as_deref(),
            Some("Hợp tác xã này đã có trong danh sách với loại mô hình này.")
        );
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM model_entries").await, entries);

        // The model's own organisation does not replicate it, nor does one already recorded.
        let model = model_of(&app, HN_MODEL).await;
        let form = replication_form(&app, &staff, model, &code_of(&app, model_org).await, "01/02/2025").await;
        let res = app.post_form(&staff, &format!("/models/{model}/replications"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_error(&res.text().await.expect("the page"), "registration_code").as_deref(),
            Some("Đây là chính hợp tác xã điển hình; hãy nhập mã số của tổ chức đã học tập, nhân rộng mô hình.")
        );
        let already = app
            .db
            .scalar(&format!("SELECT MIN(organisation_id) FROM model_replications WHERE entry_id = {model} AND alliance_id = {hn}"))
            .await;
        let replications = app.db.scalar("SELECT COUNT(*) FROM model_replications").await;
        let form = replication_form(&app, &staff, model, &code_of(&app, already).await, "01/02/2025").await;
        let res = app.post_form(&staff, &format!("/models/{model}/replications"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_error(&res.text().await.expect("the page"), "registration_code").as_deref(),
            Some("Tổ chức này đã được ghi nhận nhân rộng mô hình này.")
        );
        // A day that does not exist, and one in the future.
        let form = replication_form(&app, &staff, model, &code, "31/02/2025").await;
        let res = app.post_form(&staff, &format!("/models/{model}/replications"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let message = field_error(&res.text().await.expect("the page"), "replicated_on").unwrap_or_default();
        assert!(message.starts_with("Ngày 31/") && message.ends_with("không tồn tại."), "{message}");
        let form = replication_form(&app, &staff, model, &code, &format!("01/01/{}", this_year() + 1)).await;
        let res = app.post_form(&staff, &format!("/models/{model}/replications"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM model_replications").await, replications);

        // A kind in use is not removed, and a code is used once.
        let coordinator = app.login("dieuphoi").await;
        let body = page(&app, &coordinator, "/models/kinds", StatusCode::OK).await;
        let form = form_values(form_html(&body, &format!("action=\"/models/kinds/{ocop}/delete\"")));
        let res = app.post_form(&coordinator, &format!("/models/kinds/{ocop}/delete"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.expect("the page");
        assert!(
            alerts(&body).iter().any(|a| a.starts_with("Loại mô hình này đang được dùng cho các hợp tác xã điển hình")),
            "{body}"
        );
        assert_eq!(app.db.scalar(&format!("SELECT COUNT(*) FROM model_kinds WHERE id = {ocop}")).await, 1);
        let mut form = form_values(form_html(&body, "action=\"/models/kinds\""));
        set_value(&mut form, "code", "ocop");
        set_value(&mut form, "name", "Trùng mã");
        let res = app.post_form(&coordinator, "/models/kinds", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            field_error(&res.text().await.expect("the page"), "code").as_deref(),
            Some("Mã này đã được dùng cho một loại mô hình khác.")
        );

        // A new kind nobody uses can be removed.
        set_value(&mut form, "code", "NN-HC");
        set_value(&mut form, "name", "HTX nông nghiệp hữu cơ");
        let res = app.post_form(&coordinator, "/models/kinds", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let new_kind = kind(&app, "NN-HC").await;
        let body = page(&app, &coordinator, "/models/kinds", StatusCode::OK).await;
        let form = form_values(form_html(&body, &format!("action=\"/models/kinds/{new_kind}/delete\"")));
        let res = app.post_form(&coordinator, &format!("/models/kinds/{new_kind}/delete"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.db.scalar("SELECT COUNT(*) FROM model_kinds WHERE code = 'NN-HC'").await, 0);

        // Ids that are not numbers, or not there, are pages that do not exist.
        for path in ["/models/abc", "/models/0", "/models/999999", "/api/v1/models/abc"] {
            let (status, _) = app.page(&plain(), path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let (status, body) = app.page(&plain(), "/api/v1/models?sort=price").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}
