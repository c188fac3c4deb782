//! Activity reports in the browser: a representative files, alliance staff return and accept,
//! what may no longer change, who may review, who has not reported, and the summary.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Client, StatusCode};

use crate::helpers::{
    TestApp, alerts, between, count_after, field_error, fields_with_errors, form_html, form_values, location,
    row_links, set_value, spawn_app, text, value_of,
};

/// The organisation of the demonstration representative `daidien.htx` (managed by Hà Nội).
const OWN: &str = "Hợp tác xã Nông nghiệp Đông Dư";

/// The count line of the review queue.
const TOTAL: &str = "Tổng số: ";

/// A complete, plausible six-month report as typed.
const GOOD: [(&str, &str); 10] = [
    ("revenue", "1.250.000.000"),
    ("profit", "85.000.000"),
    ("members_official", "25"),
    ("members_associate", "4"),
    ("workers", "18"),
    ("average_income", "6.500.000"),
    ("charter_capital", "2.000.000.000"),
    ("member_services", "400.000.000"),
    ("e_invoices", "on"),
    ("difficulties", "Giá vật tư đầu vào tăng."),
];

/// A report as stored.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    id: i64,
    status: String,
    revenue: i64,
    profit: i64,
    workers: i64,
    version: i64,
    reviewer: Option<String>,
    comment: Option<String>,
}

async fn stored(app: &TestApp, org: i64, year: i32, period: &str) -> Option<Stored> {
    let rows = app
        .db
        .rows(&format!(
            "SELECT id, status, revenue, profit, workers, CAST(version AS BIGINT), reviewer_name, \
             review_comment FROM activity_reports \
             WHERE organisation_id = {org} AND year = {year} AND period = '{period}'"
        ))
        .await;
    let r = rows.first()?;
    let int = |i| r.try_get_by_index::<i64>(i).expect("an integer column");
    let opt = |i| r.try_get_by_index::<Option<String>>(i).expect("a text column");
    Some(Stored {
        id: int(0),
        status: r.try_get_by_index::<String>(1).expect("status"),
        revenue: int(2),
        profit: int(3),
        workers: int(4),
        version: int(5),
        reviewer: opt(6),
        comment: opt(7),
    })
}

/// The editable report form of a page (panics when the page shows none).
fn report_form(page: &str) -> Vec<(String, String)> {
    form_values(form_html(page, "class=\"form wide\""))
}

/// The report form at `path` as `client` sees it, filled in with [`GOOD`] and set to `action`.
async fn filled_form(app: &TestApp, client: &Client, path: &str, action: &str) -> Vec<(String, String)> {
    let (status, page) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    let mut form = report_form(&page);
    for (field, value) in GOOD {
        set_value(&mut form, field, value);
    }
    set_value(&mut form, "action", action);
    form
}

/// The review form of a report as `client` sees it on the report's page, with a decision.
async fn review_form(
    app: &TestApp,
    client: &Client,
    path: &str,
    report: i64,
    decision: &str,
    comment: &str,
) -> Vec<(String, String)> {
    let (status, page) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    let mut form = form_values(form_html(&page, &format!("action=\"/reports/{report}/review\"")));
    set_value(&mut form, "decision", decision);
    set_value(&mut form, "comment", comment);
    form
}

/// Organisations on every page of the missing-reports list for `query`, and the count shown.
async fn missing(app: &TestApp, client: &Client, query: &str) -> (u64, BTreeSet<i64>) {
    let (status, first) = app.page(client, &format!("/reports/missing?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let total = count_after(&first, "Số tổ chức chưa nộp: ");
    let ids_of = |page: &str| -> Vec<i64> {
        row_links(page)
            .into_iter()
            .filter_map(|(href, _)| {
                href.strip_prefix("/organisations/")?
                    .strip_suffix("/reports")?
                    .parse()
                    .ok()
            })
            .collect()
    };
    let mut ids = ids_of(&first);
    for p in 2..=total.div_ceil(50) {
        let (_, page) = app
            .page(client, &format!("/reports/missing?{query}&page={p}"))
            .await;
        ids.extend(ids_of(&page));
    }
    assert_eq!(ids.len() as u64, total, "the pages do not add up to the count");
    (total, ids.into_iter().collect())
}

/// Active organisations of an alliance with no submitted or accepted yearly report for `year`.
async fn missing_in_db(app: &TestApp, alliance: i64, year: i32) -> BTreeSet<i64> {
    app.db
        .ints(&format!(
            "SELECT o.id FROM organisations o WHERE o.alliance_id = {alliance} AND o.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM activity_reports r WHERE r.organisation_id = o.id \
             AND r.year = {year} AND r.period = 'year' AND r.status IN ('submitted', 'accepted'))"
        ))
        .await
        .into_iter()
        .collect()
}

/// Reports of an alliance's organisations in one review state.
async fn count_in_state(app: &TestApp, alliance: i64, status: &str) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT COUNT(*) FROM activity_reports r JOIN organisations o ON o.id = r.organisation_id \
             WHERE o.alliance_id = {alliance} AND r.status = '{status}'"
        ))
        .await
}

/// An amount as the summary shows it (`1.234.567`, `-12.000`).
fn amount(cell: &str) -> i64 {
    cell.trim()
        .replace('.', "")
        .parse()
        .unwrap_or_else(|e| panic!("{cell:?} is not an amount: {e}"))
}

/// The Vietnamese label of each stored sector name.
const SECTOR_LABELS: [(&str, &str); 9] = [
    ("agriculture", "Nông nghiệp"),
    ("industry", "Công nghiệp – tiểu thủ công nghiệp"),
    ("construction", "Xây dựng"),
    ("trade", "Thương mại – dịch vụ"),
    ("transport", "Giao thông vận tải"),
    ("credit_fund", "Quỹ tín dụng nhân dân"),
    ("environment", "Môi trường"),
    ("housing", "Nhà ở"),
    ("other", "Khác"),
];

on_both_engines! {
    async fn a_report_goes_from_the_representative_to_the_alliance_and_back_until_accepted(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let org = app.organisation_id(OWN).await;
        let path = format!("/organisations/{org}/reports/2026/first_half");
        assert_eq!(stored(&app, org, 2026, "first_half").await, None);

        // The representative files the six-month report and sends it.
        let form = filled_form(&app, &rep, &path, "submit").await;
        let res = app.post_form(&rep, &path, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
        assert_eq!(location(&res), path);
        let sent = stored(&app, org, 2026, "first_half").await.expect("the report is stored");
        assert_eq!(
            (sent.status.as_str(), sent.revenue, sent.profit, sent.workers),
            ("submitted", 1_250_000_000, 85_000_000, 18)
        );

        // It waits in the staff's queue, newest first.
        let (status, queue) = app.page(&staff, "/reports").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(count_after(&queue, TOTAL) as i64, count_in_state(&app, hn, "submitted").await);
        assert_eq!(row_links(&queue).first(), Some(&(path.clone(), OWN.to_string())), "{queue}");
        let (status, _) = app.page(&rep, "/reports").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the queue is the alliance's");

        // Returning it needs a comment.
        let review = format!("/reports/{}/review", sent.id);
        let form = review_form(&app, &staff, &path, sent.id, "return", "   ").await;
        let (status, page) = text(app.post_form(&staff, &review, &form).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let needs_comment = "Khi trả lại báo cáo, hãy ghi ý kiến để tổ chức biết cần sửa gì.";
        assert!(alerts(&page).iter().any(|a| a == needs_comment), "{:?}", alerts(&page));
        assert_eq!(stored(&app, org, 2026, "first_half").await.as_ref(), Some(&sent));

        let comment = "Doanh thu 6 tháng chưa khớp với sổ kế toán; đề nghị kiểm tra lại.";
        let form = review_form(&app, &staff, &path, sent.id, "return", comment).await;
        let res = app.post_form(&staff, &review, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let returned = stored(&app, org, 2026, "first_half").await.unwrap();
        assert_eq!(returned.status, "returned");
        assert_eq!(returned.comment.as_deref(), Some(comment));
        assert_eq!(returned.reviewer.as_deref(), Some("canbo.hanoi"));
        assert_eq!(returned.revenue, sent.revenue);

        // The representative reads why, corrects the figure and sends it again.
        let (_, page) = app.page(&rep, &path).await;
        assert!(page.contains(comment), "{page}");
        let mut form = report_form(&page);
        assert_eq!(value_of(&form, "revenue"), "1250000000");
        set_value(&mut form, "revenue", "1.320.000.000");
        set_value(&mut form, "action", "submit");
        let res = app.post_form(&rep, &path, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let resent = stored(&app, org, 2026, "first_half").await.unwrap();
        assert_eq!((resent.status.as_str(), resent.revenue), ("submitted", 1_320_000_000));
        assert!(resent.version > returned.version);

        let accept = review_form(&app, &staff, &path, sent.id, "accept", "").await;
        let res = app.post_form(&staff, &review, &accept).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let accepted = stored(&app, org, 2026, "first_half").await.unwrap();
        assert_eq!(accepted.status, "accepted");

        // Accepted figures are final for the representative, whatever the form says.
        let (_, page) = app.page(&rep, &path).await;
        assert!(!page.contains("class=\"form wide\""), "an accepted report still shows its form");
        for action in ["submit", "draft"] {
            set_value(&mut form, "revenue", "9.999.000.000");
            set_value(&mut form, "version", &accepted.version.to_string());
            set_value(&mut form, "action", action);
            let (status, page) = text(app.post_form(&rep, &path, &form).await).await;
            assert_eq!(status, StatusCode::CONFLICT, "{action}: {page}");
            assert!(
                alerts(&page).iter().any(|a| a.starts_with("Báo cáo đã được gửi hoặc thay đổi ở nơi khác.")),
                "{:?}",
                alerts(&page)
            );
            assert_eq!(stored(&app, org, 2026, "first_half").await.as_ref(), Some(&accepted), "{action}");
        }
    }

    async fn negative_revenue_and_words_in_number_fields_are_refused_field_by_field(engine) {
        let app = spawn_app(engine).await;
        let rep = app.login("daidien.htx").await;
        let org = app.organisation_id(OWN).await;
        let path = format!("/organisations/{org}/reports/2026/first_half");
        let changes = app.change_count().await;

        for action in ["submit", "draft"] {
            let mut form = filled_form(&app, &rep, &path, action).await;
            set_value(&mut form, "revenue", "-5.000.000");
            set_value(&mut form, "workers", "mười hai");
            set_value(&mut form, "average_income", "6,5 triệu");
            set_value(&mut form, "members_associate", "");
            let (status, page) = text(app.post_form(&rep, &path, &form).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{action}: {page}");
            // Exactly the bad fields are marked; profit (85 million) is fine as typed.
            assert_eq!(
                fields_with_errors(&page),
                ["average_income", "members_associate", "revenue", "workers"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<BTreeSet<_>>(),
                "{action}"
            );
            assert_eq!(field_error(&page, "revenue").as_deref(), Some("Số này không được âm."));
            assert_eq!(
                field_error(&page, "members_associate").as_deref(),
                Some("Vui lòng nhập thông tin này.")
            );
            for field in ["workers", "average_income"] {
                let message = field_error(&page, field).unwrap();
                assert!(message.contains("không hợp lệ"), "{field}: {message}");
            }
            // What was typed stays in the form to be corrected.
            let shown = report_form(&page);
            assert_eq!(value_of(&shown, "workers"), "mười hai");
            assert_eq!(value_of(&shown, "revenue"), "-5.000.000");
            assert_eq!(value_of(&shown, "profit"), "85.000.000");
        }
        assert_eq!(stored(&app, org, 2026, "first_half").await, None);
        assert_eq!(app.change_count().await, changes);
    }

    async fn can_tho_staff_cannot_review_a_ha_noi_report(engine) {
        let app = spawn_app(engine).await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let can_tho = app.new_staff("canbo.cantho", "CT").await;
        let org = app
            .db
            .scalar(&format!(
                "SELECT MIN(r.organisation_id) FROM activity_reports r \
                 JOIN organisations o ON o.id = r.organisation_id \
                 WHERE o.alliance_id = {hn} AND r.year = 2026 AND r.period = 'year' \
                 AND r.status = 'submitted'"
            ))
            .await;
        let before = stored(&app, org, 2026, "year").await.unwrap();
        let path = format!("/organisations/{org}/reports/2026/year");
        let review = format!("/reports/{}/review", before.id);

        let (status, _) = app.page(&can_tho, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let csrf = app.csrf(&can_tho, "/reports").await;
        for (decision, comment) in [("accept", ""), ("return", "Thiếu số liệu lao động.")] {
            let form: Vec<(String, String)> = [
                ("_csrf", csrf.as_str()),
                ("version", &before.version.to_string()),
                ("decision", decision),
                ("comment", comment),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            let res = app.post_form(&can_tho, &review, &form).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{decision}");
        }
        assert_eq!(stored(&app, org, 2026, "year").await.as_ref(), Some(&before));

        // Cần Thơ's queue holds Cần Thơ's reports only.
        let (_, queue) = app.page(&can_tho, "/reports").await;
        assert_eq!(count_after(&queue, TOTAL) as i64, count_in_state(&app, ct, "submitted").await);
        assert!(row_links(&queue).iter().all(|(href, _)| href != &path), "{queue}");

        // Hà Nội's staff may: the request was well-formed, only the reviewer was wrong.
        let staff = app.login("canbo.hanoi").await;
        let form = review_form(&app, &staff, &path, before.id, "accept", "").await;
        let res = app.post_form(&staff, &review, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(stored(&app, org, 2026, "year").await.unwrap().status, "accepted");
    }

    async fn the_missing_list_is_exactly_the_active_organisations_without_a_sent_report(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let expected = missing_in_db(&app, hn, 2026).await;
        let all_active = app
            .db
            .scalar(&format!(
                "SELECT COUNT(*) FROM organisations WHERE alliance_id = {hn} AND status = 'active'"
            ))
            .await;
        assert!(!expected.is_empty() && (expected.len() as i64) < all_active);
        // Drafts and returned reports have not been sent: those organisations are missing too.
        let unsent: BTreeSet<i64> = app
            .db
            .ints(&format!(
                "SELECT r.organisation_id FROM activity_reports r \
                 JOIN organisations o ON o.id = r.organisation_id WHERE o.alliance_id = {hn} \
                 AND r.year = 2026 AND r.period = 'year' AND r.status IN ('draft', 'returned')"
            ))
            .await
            .into_iter()
            .collect();
        assert!(!unsent.is_empty() && unsent.is_subset(&expected), "{unsent:?} {expected:?}");

        let (count, shown) = missing(&app, &staff, "year=2026&period=year").await;
        assert_eq!(count, expected.len() as u64);
        assert_eq!(shown, expected);

        // Suspending one takes it off the list, and so does sending another's report.
        let suspended = *expected.iter().next().unwrap();
        let (_, page) = app.page(&staff, &format!("/organisations/{suspended}")).await;
        let status_action = format!("action=\"/organisations/{suspended}/status\"");
        let mut form = form_values(form_html(&page, &status_action));
        set_value(&mut form, "status", "suspended");
        set_value(&mut form, "effective_on", "01/09/2025");
        set_value(&mut form, "reason", "Tạm ngừng để củng cố tổ chức");
        let res = app.post_form(&staff, &format!("/organisations/{suspended}/status"), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let filer = *unsent.iter().find(|id| **id != suspended).expect("another unsent report");
        let report = format!("/organisations/{filer}/reports/2026/year");
        let (_, page) = app.page(&staff, &report).await;
        let mut form = report_form(&page);
        set_value(&mut form, "action", "submit");
        let res = app.post_form(&staff, &report, &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());

        let now_expected = missing_in_db(&app, hn, 2026).await;
        let mut without = expected.clone();
        without.remove(&suspended);
        without.remove(&filer);
        assert_eq!(now_expected, without);
        let (count, shown) = missing(&app, &staff, "year=2026&period=year").await;
        assert_eq!((count, shown), (without.len() as u64, without));

        // Every organisation's 2025 report was accepted.
        let (count, shown) = missing(&app, &staff, "year=2025&period=year").await;
        assert_eq!((count, shown.len()), (0, 0));
        let (_, page) = app.page(&staff, "/reports/missing?year=2025&period=year").await;
        assert!(page.contains("Tất cả tổ chức đang hoạt động đã nộp báo cáo kỳ này."), "{page}");
    }

    async fn the_sector_summary_adds_up_the_accepted_reports_of_the_alliance(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let scope = format!(
            "FROM activity_reports r JOIN organisations o ON o.id = r.organisation_id \
             WHERE o.alliance_id = {hn} AND r.year = 2025 AND r.period = 'year'"
        );
        assert_eq!(
            app.db.scalar(&format!("SELECT COUNT(*) {scope} AND r.status <> 'accepted'")).await,
            0,
            "the demo's 2025 reports are all accepted"
        );
        let rows = app
            .db
            .rows(&format!(
                "SELECT o.sector, COUNT(*), CAST(SUM(r.revenue) AS BIGINT), CAST(SUM(r.profit) AS BIGINT), \
                 CAST(SUM(r.members_official) AS BIGINT), CAST(SUM(r.workers) AS BIGINT), \
                 CAST(SUM(r.average_income * r.workers) AS BIGINT), \
                 CAST(SUM(CASE WHEN r.e_invoices THEN 1 ELSE 0 END) AS BIGINT) \
                 {scope} AND r.status = 'accepted' GROUP BY o.sector"
            ))
            .await;
        let mut expected = BTreeMap::new();
        for row in &rows {
            let sector: String = row.try_get_by_index(0).unwrap();
            let label = SECTOR_LABELS
                .iter()
                .find(|(s, _)| *s == sector)
                .unwrap_or_else(|| panic!("unknown sector {sector}"))
                .1;
            let n = |i| row.try_get_by_index::<i64>(i).unwrap();
            let workers = n(5);
            let average = if workers > 0 { n(6) / workers } else { 0 };
            expected.insert(label.to_string(), [n(1), n(2), n(3), n(4), workers, average, n(7)]);
        }
        assert!(expected.len() > 1, "more than one sector: {expected:?}");
        let reports: i64 = expected.values().map(|v| v[0]).sum();
        assert_eq!(
            reports,
            app.db.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE alliance_id = {hn}")).await
        );

        let (status, page) = app.page(&staff, "/reports/summary?by=sector&year=2025").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let body = between(&page, "<tbody>", "</tbody>").expect("the summary table");
        let mut shown = BTreeMap::new();
        for row in body.split("<tr>").skip(1) {
            let cells: Vec<&str> = row
                .split("<td")
                .skip(1)
                .map(|c| between(c, ">", "</td>").expect("a cell"))
                .collect();
            assert_eq!(cells.len(), 8, "{row}");
            let figures: Vec<i64> = cells[1..].iter().map(|c| amount(c)).collect();
            shown.insert(
                crate::helpers::unescape_html(cells[0]),
                <[i64; 7]>::try_from(figures).unwrap(),
            );
        }
        assert_eq!(shown, expected);
    }
}
