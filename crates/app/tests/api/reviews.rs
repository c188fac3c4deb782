//! Indicators, the yearly review and the dashboards: figures computed from the data of the
//! year, targets typed per alliance, the narrative written by the host of the year, the DOCX
//! in the administrative format and its XLSX annex, and who may see and change what.

use lienket_domain::lenient::Date;
use lienket_domain::programme::{
    AREAS_2023_2025, ActivityDraft, ActivityKind, ActivityState, PlanDraft, ProgrammeDraft,
};
use lienket_office::{ColumnSpec, Limits};
use lienket_store::{Actor, Programme};
use reqwest::StatusCode;

use crate::helpers::{
    TestApp, field_error, form_html, form_values, location, set_value, spawn_app, unescape_html,
};

/// The Vietnamese catalogue of this module, where expected messages are read.
const CATALOGUE: &str = include_str!("../../../web/locales/vi/review.ftl");

/// The Vietnamese text of a catalogue message without arguments.
fn message(key: &str) -> String {
    CATALOGUE
        .lines()
        .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| panic!("no message {key} in the review catalogue"))
}

/// The ids of the five demonstration alliances: HN, HP, DN, CT, HCM.
async fn alliances(app: &TestApp) -> [i64; 5] {
    let mut out = [0; 5];
    for (i, code) in ["HN", "HP", "DN", "CT", "HCM"].iter().enumerate() {
        out[i] = app.alliance_id(code).await;
    }
    out
}

/// A 2023–2025 programme of the five alliances with the seeded content areas; Hà Nội hosts
/// 2024 and Cần Thơ 2025.
async fn programme(app: &TestApp) -> Programme {
    let [hn, hp, dn, ct, hcm] = alliances(app).await;
    let actor = Actor::system("test");
    let draft = ProgrammeDraft {
        name: "Chương trình phối hợp thử nghiệm giai đoạn 2023 – 2025".into(),
        number: Some("01/CTr-LMHTX".into()),
        first_year: 2023,
        last_year: 2025,
        signed_on: Date::new(2023, 3, 15),
        signatories: vec![hn, hp, dn, ct, hcm],
        areas: AREAS_2023_2025.iter().map(|a| a.to_string()).collect(),
        summary: None,
    };
    let p = app
        .store
        .create_programme(&actor, &draft)
        .await
        .expect("creating the programme");
    for (year, host) in [(2024, hn), (2025, ct)] {
        let plan = PlanDraft {
            year,
            host_alliance_id: host,
            goals: None,
        };
        app.store
            .save_plan(&actor, p.id, &plan, None)
            .await
            .expect("saving a plan");
    }
    app.store
        .get_programme(p.id)
        .await
        .expect("reading the programme")
}

/// Records an activity of `area` (1-based) led by `lead` on `day` of 2024 (or `year`).
#[allow(clippy::too_many_arguments)]
async fn activity(
    app: &TestApp,
    p: &Programme,
    title: &str,
    kind: ActivityKind,
    state: ActivityState,
    area: usize,
    lead: i64,
    (year, month, day): (i32, u8, u8),
    participants: i64,
) {
    let d = Date::new(year, month, day).expect("a date");
    let draft = ActivityDraft {
        title: title.into(),
        kind,
        state,
        areas: vec![p.areas[area - 1].id],
        lead_alliance_id: lead,
        alliances: Vec::new(),
        starts_on: d,
        ends_on: d,
        place: Some("Hà Nội".into()),
        participants,
        outcome: None,
        event_id: None,
        organisations: Vec::new(),
    };
    app.store
        .create_activity(&Actor::system("test"), p.id, &draft)
        .await
        .expect("recording an activity");
}

/// The indicator of a programme with this code.
fn indicator(p: &Programme, code: &str) -> i64 {
    p.indicators
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
        .id
}

on_both_engines! {
    async fn the_review_is_written_from_the_year_s_activities_and_its_documents_carry_the_typed_text(engine) {
        let app = spawn_app(engine).await;
        let [hn, hp, ..] = alliances(&app).await;
        let p = programme(&app).await;
        use ActivityKind::*;
        use ActivityState::*;
        activity(&app, &p, "Hội nghị tuyên truyền Luật Hợp tác xã 2023", Conference, Done, 1, hn, (2024, 3, 12), 120).await;
        activity(&app, &p, "Tập huấn chuyển đổi số cho hợp tác xã", Training, Done, 5, hp, (2024, 6, 5), 80).await;
        activity(&app, &p, "Hội chợ kết nối tiêu thụ nông sản", TradePromotion, Done, 9, hn, (2024, 10, 20), 1_200).await;
        activity(&app, &p, "Khảo sát mô hình hợp tác xã kiểu mới", StudyVisit, Planned, 6, hn, (2024, 11, 2), 0).await;
        activity(&app, &p, "Hội thảo năm trước", Workshop, Done, 1, hn, (2023, 5, 9), 40).await;

        let staff = app.login("canbo.hanoi").await;
        let path = format!("/programmes/{}/reviews/2024", p.id);
        let (status, page) = app.page(&staff, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let page = unescape_html(&page);
        // Three activities held in 2024 (the planned one and last year's do not count), and
        // their participants summed with a thousands separator.
        assert!(
            page.contains("đã tổ chức 3 hoạt động phối hợp với 1.400 lượt người tham gia"),
            "{page}"
        );
        assert!(page.contains("So với năm 2023, số hoạt động phối hợp tăng 2 (từ 1 lên 3)"), "{page}");
        assert!(page.contains("LIÊN MINH HỢP TÁC XÃ THÀNH PHỐ HÀ NỘI"), "the host of 2024 issues it");
        assert!(page.contains("Khảo sát mô hình hợp tác xã kiểu mới"), "the planned activity is listed");
        assert!(page.contains("<svg"), "the web version has charts");
        assert!(!page.contains("Hội thảo năm trước"), "last year's activity is not listed");

        // The host's staff write the number and the situation.
        let edit = format!("{path}/edit");
        let (status, form_page) = app.page(&staff, &edit).await;
        assert_eq!(status, StatusCode::OK, "{form_page}");
        let mut fields = form_values(form_html(&form_page, "review-edit"));
        assert!(
            crate::helpers::value_of(&fields, "situation").contains("1.400 lượt người"),
            "the form starts from the generated text"
        );
        let narrative = "Năm 2024 là năm bản lề của Chương trình phối hợp thử nghiệm.";
        set_value(&mut fields, "number", "15/BC-LMHTX");
        set_value(&mut fields, "situation", narrative);
        set_value(&mut fields, "issued_on", "20/12/2024");
        let stale = fields.clone();
        let res = app.post_form(&staff, &edit, &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert_eq!(location(&res), path);
        let (_, page) = app.page(&staff, &path).await;
        let page = unescape_html(&page);
        assert!(page.contains(narrative), "{page}");
        assert!(page.contains("Số: 15/BC-LMHTX"));
        assert!(page.contains("Hà Nội, ngày 20 tháng 12 năm 2024"), "{page}");

        // Saving again from the form read before: a conflict, and what was typed is kept.
        let mut stale = stale;
        set_value(&mut stale, "lessons", "Bài học viết trên bản cũ.");
        let res = app.post_form(&staff, &edit, &stale).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let body = unescape_html(&res.text().await.unwrap());
        assert!(body.contains("Bài học viết trên bản cũ."), "{body}");
        assert!(body.contains(&message("err-review-conflict")));

        // The DOCX: national title, number, the typed narrative and a figure from the data.
        let res = staff.get(app.url(&format!("{path}.docx"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(
            disposition.contains("filename=\"bao_cao_so_ket_nam_2024.docx\"")
                && disposition.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o"),
            "{disposition}"
        );
        let bytes = res.bytes().await.unwrap();
        let xml = String::from_utf8(unzip(&bytes, "word/document.xml")).expect("UTF-8 XML");
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "15/BC-LMHTX",
            narrative,
            "1.400",
            "Tập huấn chuyển đổi số cho hợp tác xã",
            "Phụ lục I",
        ] {
            assert!(xml.contains(needle), "document.xml lacks {needle}");
        }

        // The XLSX annex reads back with the activity rows, participants as numbers.
        let res = staff.get(app.url(&format!("{path}.xlsx"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let spec = [
            ColumnSpec { field: "title", aliases: &["hoạt động"], required: true },
            ColumnSpec { field: "participants", aliases: &["số người tham gia"], required: true },
            ColumnSpec { field: "state", aliases: &["tình trạng"], required: true },
        ];
        let table = lienket_office::read_table(&bytes, "phu-luc.xlsx", &spec, &Limits::default())
            .expect("the annex reads back");
        // A sheet per table, activities first.
        let workbook = String::from_utf8(unzip(&bytes, "xl/workbook.xml")).unwrap();
        let sheets: Vec<&str> =
            workbook.split("<sheet name=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
        assert_eq!(sheets[..4], ["Hoạt động", "Chỉ tiêu", "Tổ chức", "Báo cáo"], "{workbook}");
        assert_eq!(sheets.last(), Some(&"Sự kiện"), "{workbook}");
        let rows: Vec<(String, String)> = table
            .rows
            .iter()
            .map(|r| (r.get("title").unwrap().as_text(), r.get("participants").unwrap().as_text()))
            .collect();
        assert!(rows.contains(&("Hội chợ kết nối tiêu thụ nông sản".into(), "1200".into())), "{rows:?}");
        assert!(rows.contains(&("Hội nghị tuyên truyền Luật Hợp tác xã 2023".into(), "120".into())), "{rows:?}");
        assert!(rows.iter().any(|r| r.0 == "Khảo sát mô hình hợp tác xã kiểu mới"), "{rows:?}");

        // The figures as JSON.
        let token = app.api_token("canbo.hanoi").await;
        let (status, body) = app.get_api(&token, &format!("{path}.json")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["figures"]["year"]["total"]["activities"], 3, "{body}");
        assert_eq!(body["figures"]["year"]["total"]["participants"], 1400, "{body}");
        assert_eq!(body["kind"], "mid_term");
        // An alliance's review is its own figures: Hải Phòng led one of the three activities.
        let (status, own) = app.get_api(&token, &format!("{path}.json?alliance={hp}")).await;
        assert_eq!(status, StatusCode::OK, "{own}");
        assert_eq!(own["alliance"], hp);
        let figures = &own["figures"];
        assert_eq!(figures["year"]["total"]["activities"], 1, "{figures}");
        assert_eq!(figures["year"]["total"]["participants"], 80, "{figures}");
        let keys = |v: &serde_json::Value| {
            v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default()
        };
        assert_eq!(keys(&figures["year"]["by_alliance"]), [hp.to_string()], "{figures}");
        for table in ["registry", "reports", "ocop_stars", "ocop_groups"] {
            assert!(keys(&figures[table]).iter().all(|k| *k == hp.to_string()), "{table}: {figures}");
        }
        let titles: Vec<&str> =
            figures["activities"].as_array().unwrap().iter().filter_map(|a| a["title"].as_str()).collect();
        assert_eq!(titles, ["Tập huấn chuyển đổi số cho hợp tác xã"]);
        assert!(figures["events"].as_array().unwrap().iter().all(|e| e["host_alliance_id"] == hp), "{figures}");
    }

    async fn typed_targets_show_their_percentage_and_a_computed_actual_cannot_be_typed(engine) {
        let app = spawn_app(engine).await;
        let [hn, hp, ..] = alliances(&app).await;
        let p = programme(&app).await;
        use ActivityKind::*;
        use ActivityState::*;
        activity(&app, &p, "Hội nghị giao ban", Conference, Done, 1, hn, (2024, 2, 1), 30).await;
        activity(&app, &p, "Tư vấn thành lập hợp tác xã", Consulting, Done, 5, hn, (2024, 4, 1), 25).await;
        let (hd, tv) = (indicator(&p, "HD"), indicator(&p, "VTD"));

        let staff = app.login("canbo.hanoi").await;
        let form_path = format!("/programmes/{}/indicators/2024/{hn}", p.id);
        let (status, page) = app.page(&staff, &form_path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!page.contains(&format!("name=\"actual_{hd}\"")), "a computed actual has no input");
        let mut fields = form_values(form_html(&page, "indicator-form"));
        set_value(&mut fields, &format!("target_{hd}"), "4");
        set_value(&mut fields, &format!("target_{tv}"), "1.200");
        set_value(&mut fields, &format!("actual_{tv}"), "900");

        // An actual typed for a computed indicator is refused beside its field; nothing saved.
        let mut typed = fields.clone();
        set_value(&mut typed, &format!("actual_{hd}"), "5");
        let res = app.post_form(&staff, &form_path, &typed).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.unwrap();
        assert_eq!(
            field_error(&body, &format!("actual_{hd}")).as_deref(),
            Some(message("err-indicator-computed").as_str())
        );
        assert!(body.contains("value=\"1.200\""), "what was typed is kept");
        let saved = format!(
            "SELECT COUNT(*) FROM indicator_values WHERE indicator_id IN \
             (SELECT id FROM indicators WHERE programme_id = {})",
            p.id
        );
        assert_eq!(app.db.scalar(&saved).await, 0);
        // The store refuses it too, whatever the form does.
        let refused = app
            .store
            .save_indicator_values(
                &Actor::system("test"),
                p.id,
                lienket_domain::ids::AllianceId(hn),
                2024,
                &[lienket_store::IndicatorValue {
                    indicator_id: hd,
                    alliance_id: hn,
                    year: 2024,
                    target: None,
                    actual: Some(5),
                    note: None,
                }],
                None,
            )
            .await;
        assert!(matches!(refused, Err(lienket_store::StoreError::Refused("err-indicator-computed"))));

        let res = app.post_form(&staff, &form_path, &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        let (status, page) = app
            .page(&staff, &format!("/programmes/{}/indicators?year=2024&alliance={hn}", p.id))
            .await;
        assert_eq!(status, StatusCode::OK);
        let row = |id: i64| {
            crate::helpers::between(&page, &format!("<tr id=\"indicator-{id}\">"), "</tr>")
                .unwrap_or_else(|| panic!("no row of indicator {id}"))
                .to_string()
        };
        // Two activities held against a target of four; 900 million đồng lent of 1.200 planned.
        let hd_row = row(hd);
        assert!(hd_row.contains(">4<") && hd_row.contains(">2<") && hd_row.contains("50%"), "{hd_row}");
        let tv_row = row(tv);
        assert!(tv_row.contains("1.200") && tv_row.contains(">900<") && tv_row.contains("75%"), "{tv_row}");

        // Hà Nội's staff do not type Hải Phòng's targets; the export is a workbook.
        let (status, _) = app
            .page(&staff, &format!("/programmes/{}/indicators/2024/{hp}", p.id))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let res = staff
            .get(app.url(&format!("/programmes/{}/indicators.xlsx?year=2024", p.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    }

    async fn two_staff_saving_targets_at_once_lose_nothing_and_a_clash_is_explained(engine) {
        let app = spawn_app(engine).await;
        let [hn, ..] = alliances(&app).await;
        let p = programme(&app).await;
        let (hd, vtd) = (indicator(&p, "HD"), indicator(&p, "VTD"));
        let first = app.login("canbo.hanoi").await;
        let second = app.new_staff("canbo.hanoi.hai", "HN").await;
        let path = format!("/programmes/{}/indicators/2024/{hn}", p.id);
        let open = |client: &reqwest::Client| {
            let app = &app;
            let path = path.clone();
            let client = client.clone();
            async move {
                let (status, page) = app.page(&client, &path).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                form_values(form_html(&page, "indicator-form"))
            }
        };
        let stored = |id: i64| {
            format!(
                "SELECT COALESCE(MAX(target), -1) FROM indicator_values WHERE indicator_id = {id} \
                 AND alliance_id = {hn} AND year = 2024"
            )
        };
        // Both open the form; the first saves a target of 5 activities.
        let mut a = open(&first).await;
        let mut b = open(&second).await;
        set_value(&mut a, &format!("target_{hd}"), "5");
        assert_eq!(app.post_form(&first, &path, &a).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.db.scalar(&stored(hd)).await, 5);

        // The second, on the form opened before, types only the loans target: the activities
        // target the first saved stays.
        set_value(&mut b, &format!("target_{vtd}"), "1.500");
        assert_eq!(app.post_form(&second, &path, &b).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.db.scalar(&stored(hd)).await, 5, "an untouched row is not written back");
        assert_eq!(app.db.scalar(&stored(vtd)).await, 1500);

        // The first, on the form it saved from, now changes the loans target too: a clash,
        // nothing written, both numbers on the page, what was typed kept.
        set_value(&mut a, &format!("target_{vtd}"), "2.000");
        let res = app.post_form(&first, &path, &a).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let body = res.text().await.expect("the page");
        let said = field_error(&body, &format!("target_{vtd}")).expect("the clash is said beside the row");
        assert!(said.contains("1.500"), "{said}");
        assert!(body.contains("value=\"2.000\""), "what was typed is kept");
        assert_eq!(app.db.scalar(&stored(vtd)).await, 1500);
        // Saving that page again replaces it deliberately.
        let again = form_values(form_html(&body, "indicator-form"));
        assert_eq!(app.post_form(&first, &path, &again).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.db.scalar(&stored(vtd)).await, 2000);
        assert_eq!(app.db.scalar(&stored(hd)).await, 5);
    }

    async fn only_the_host_of_the_year_edits_the_whole_programme_review(engine) {
        let app = spawn_app(engine).await;
        let [hn, _, _, ct, _] = alliances(&app).await;
        let p = programme(&app).await;
        let hanoi = app.login("canbo.hanoi").await;
        let cantho = app.new_staff("canbo.cantho", "CT").await;
        let edit = |year: i32, alliance: Option<i64>| {
            let q = alliance.map_or_else(String::new, |a| format!("?alliance={a}"));
            format!("/programmes/{}/reviews/{year}/edit{q}", p.id)
        };
        // Hà Nội hosts 2024, Cần Thơ 2025.
        assert_eq!(app.page(&hanoi, &edit(2024, None)).await.0, StatusCode::OK);
        assert_eq!(app.page(&hanoi, &edit(2025, None)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.page(&cantho, &edit(2025, None)).await.0, StatusCode::OK);
        assert_eq!(app.page(&cantho, &edit(2024, None)).await.0, StatusCode::FORBIDDEN);
        // Each alliance writes its own review, not another's.
        assert_eq!(app.page(&cantho, &edit(2024, Some(ct))).await.0, StatusCode::OK);
        assert_eq!(app.page(&cantho, &edit(2024, Some(hn))).await.0, StatusCode::FORBIDDEN);
        // A post is refused the same way.
        let (_, page) = app.page(&hanoi, &edit(2024, None)).await;
        let fields = form_values(form_html(&page, "review-edit"));
        let res = app.post_form(&cantho, &edit(2024, None), &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // Everyone on the staff reads it; a representative does not.
        let review = format!("/programmes/{}/reviews/2024", p.id);
        assert_eq!(app.page(&cantho, &review).await.0, StatusCode::OK);
        let representative = app.login("daidien.htx").await;
        assert_eq!(app.page(&representative, &review).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.page(&hanoi, &format!("/programmes/{}/reviews/2031", p.id)).await.0, StatusCode::NOT_FOUND);
    }

    async fn the_dashboard_counts_what_the_data_holds_and_is_not_for_representatives(engine) {
        let app = spawn_app(engine).await;
        let [hn, ..] = alliances(&app).await;
        let p = programme(&app).await;
        activity(&app, &p, "Tư vấn chuyển đổi số", ActivityKind::Consulting, ActivityState::Done, 5, hn, (2024, 5, 7), 35).await;
        let token = app.api_token("canbo.hanoi").await;

        let (status, all) = app.get_api(&token, "/dashboards.json?from=2021&to=2025").await;
        assert_eq!(status, StatusCode::OK, "{all}");
        assert_eq!(all["first_year"], 2021);
        assert_eq!(all["last_year"], 2025);
        // The programme's period reaching back five years is the default: the same years asked
        // for in so many words are the same computation, not a second one.
        let (_, default) = app.get_api(&token, "/dashboards.json").await;
        assert_eq!((default["first_year"].as_i64(), default["last_year"].as_i64()), (Some(2021), Some(2025)));
        assert_eq!(default["computed_at"], all["computed_at"], "{default}");
        let d = &all["dashboard"];
        let on_register = app
            .db
            .scalar("SELECT COUNT(*) FROM organisations WHERE status <> 'dissolved'")
            .await;
        let by_alliance: i64 = d["by_alliance"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
        let by_kind: i64 = d["by_kind"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
        assert_eq!((by_alliance, by_kind), (on_register, on_register), "{d}");
        let years = d["years"].as_array().unwrap();
        assert_eq!(years.len(), 5);
        for y in years {
            let year = y["year"].as_i64().unwrap();
            let filed = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM activity_reports WHERE year = {year} AND status IN ('submitted', 'accepted')"
                ))
                .await;
            assert_eq!(y["reports_filed"].as_i64(), Some(filed), "{year}: {y}");
            let events = app
                .db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM events WHERE status = 'published' AND starts_on LIKE '{year}-%'"
                ))
                .await;
            assert_eq!(y["events"].as_i64(), Some(events), "{year}: {y}");
        }

        // Hà Nội's consulting in 2024, as the database counts it.
        let (status, mine) = app.get_api(&token, &format!("/dashboards/{hn}.json?from=2021&to=2025")).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        let y2024 = &mine["dashboard"]["years"][3];
        assert_eq!(y2024["year"], 2024);
        let held = app
            .db
            .scalar(&format!(
                "SELECT COUNT(*) FROM activities WHERE kind = 'consulting' AND state = 'done' AND year = 2024 \
                 AND (lead_alliance_id = {hn} OR (',' || alliances || ',') LIKE '%,{hn},%')"
            ))
            .await;
        assert!(held >= 1);
        assert_eq!(y2024["support_activities"].as_i64(), Some(held), "{y2024}");
        assert!(y2024["support_participants"].as_i64().unwrap() >= 35, "{y2024}");
        let registered = app
            .db
            .scalar(&format!("SELECT COUNT(*) FROM organisations WHERE status <> 'dissolved' AND alliance_id = {hn}"))
            .await;
        let kinds: i64 = mine["dashboard"]["by_kind"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
        assert_eq!(kinds, registered);

        // The page, its exports, and who may see it.
        let staff = app.login("canbo.hanoi").await;
        let (status, page) = app.page(&staff, "/dashboards?from=2021&to=2025").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Số liệu lúc"), "{page}");
        assert!(page.contains("<details>") && page.contains("<svg"), "{page}");
        let res = staff.get(app.url("/dashboards?format=csv&table=registry&from=2021&to=2025")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = res.text().await.unwrap();
        assert_eq!(csv.trim_end().lines().count(), 6, "a header and five years: {csv}");
        let res = staff.get(app.url(&format!("/dashboards/{hn}?format=xlsx"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let workbook = String::from_utf8(unzip(&bytes, "xl/workbook.xml")).unwrap();
        assert!(workbook.matches("<sheet ").count() > 1, "a sheet per table: {workbook}");
        let (status, _) = app.page(&staff, "/dashboards?format=csv&table=salaries").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let representative = app.login("daidien.htx").await;
        assert_eq!(app.page(&representative, "/dashboards").await.0, StatusCode::FORBIDDEN);
        let rep_token = app.api_token("daidien.htx").await;
        let res = crate::helpers::plain()
            .get(app.url(&format!("/dashboards/{hn}.json")))
            .bearer_auth(&rep_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
}

/// One file of a zip archive (a DOCX part).
fn unzip(zip: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip archive");
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("no {name} in the archive: {e}"));
    let mut out = Vec::new();
    file.read_to_end(&mut out).expect("reading the part");
    out
}
