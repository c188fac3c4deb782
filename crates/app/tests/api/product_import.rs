//! Importing OCOP product lists: the preview of a messy but valid provincial list (producers
//! matched by code, by name, and created once when missing), the all-or-nothing commit that the
//! catalogue search sees at once, re-imports that update instead of duplicating and record only
//! new decisions, a list with rows in error that writes nothing, and `lienket import products`.

use std::time::Duration;

use lienket_domain::admin_units::parse_address;
use lienket_domain::lenient::Date;
use lienket_office::{ColumnKind, ExportCell, ExportColumn};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{
    TestApp, TestDb, alerts, args, between, form_html, form_values, location, multipart_body, plain,
    run_lienket, spawn_app, text, unescape_html,
};

// ---------------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------------

/// A list as provinces publish it: a title and a subtitle row (merged across the columns)
/// above the header, one text column per header.
fn workbook(headers: &[&str], rows: Vec<Vec<ExportCell>>) -> Vec<u8> {
    let columns: Vec<ExportColumn> = headers
        .iter()
        .map(|h| ExportColumn {
            header: (*h).to_string(),
            kind: ColumnKind::Text,
            width: 20.0,
        })
        .collect();
    lienket_office::write_xlsx(
        "DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP",
        "Kèm theo báo cáo của Liên minh Hợp tác xã thành phố Hà Nội",
        "OCOP",
        &columns,
        &rows,
    )
    .expect("writing a test workbook")
}

fn t(s: &str) -> ExportCell {
    ExportCell::Text(s.to_string())
}

fn n(v: i64) -> ExportCell {
    ExportCell::Integer(v)
}

const E: ExportCell = ExportCell::Empty;

/// Headers as lists type them: without accents, plus a column the import does not know.
const HEADERS: [&str; 12] = [
    "STT",
    "Ten san pham",
    "Chu the",
    "Ma so HTX",
    "Dia chi",
    "Nhom san pham",
    "Bo san pham",
    "So sao",
    "Diem",
    "So quyet dinh",
    "Ngay cong nhan",
    "Ghi chú",
];

/// A pre-2025 address: Thanh Sơn commune of Thanh Hà district, Hải Dương (now Hải Phòng).
const THANH_SON: &str = "xã Thanh Sơn, huyện Thanh Hà, tỉnh Hải Dương";
const BAT_TRANG: &str = "Xã Bát Tràng, Thành phố Hà Nội";
const BA_VI: &str = "Xã Ba Vì, Thành phố Hà Nội";
const COMPANY: &str = "Công ty TNHH Thực phẩm Hồng Hà";
const NEW_CODE: &str = "0109555901";

/// Product names of the list, by row of the sheet.
const BANH_GAI: &str = "Bánh gai lá gai Đông Dư";
const LO_HOA: &str = "Lọ hoa gốm rạn Bát Tràng";
const VAI_SAY: &str = "Vải thiều sấy dẻo Hồng Hà";
const TUONG_OT: &str = "Tương ớt chín Hồng Hà";
const GIAO_CO_LAM: &str = "Cao khô giảo cổ lam Ba Vì";

/// The list of the main test; `banh_gai` gives row 4's (stars, score, decision, date).
fn ocop_list(dong_du_code: &str, banh_gai: [ExportCell; 4], lo_hoa_score: i64) -> Vec<u8> {
    let [stars, score, decision, date] = banh_gai;
    workbook(
        &HEADERS,
        vec![
            // Row 4: a producer of the registry, by code.
            vec![
                n(1),
                t(BANH_GAI),
                t("Hợp tác xã Nông nghiệp Đông Dư"),
                t(dong_du_code),
                t("Thành phố Hà Nội"),
                t("Thực phẩm"),
                t("Bộ 10"),
                stars,
                score,
                decision,
                date,
                E,
            ],
            // Row 5: a producer of the registry by name only (abbreviated); typed stars that
            // the score contradicts; the date as a bare Excel serial.
            vec![
                n(2),
                t(LO_HOA),
                t("HTX Gốm Bát Tràng"),
                E,
                t(BAT_TRANG),
                t("Thu cong my nghe"),
                t("21"),
                t("3 sao"),
                n(lo_hoa_score),
                t("1024/QĐ-UBND"),
                n(45_366),
                t("Điểm chấm lại"),
            ],
            // Row 6: blank.
            vec![E; 12],
            // Row 7: a company missing from the registry, at a pre-2025 address; stars only.
            vec![
                n(3),
                t(VAI_SAY),
                t(COMPANY),
                E,
                t(THANH_SON),
                t("Thực phẩm"),
                t("Bộ 2"),
                t("4 sao"),
                E,
                t("1023/QĐ-UBND"),
                t("20/06/2024"),
                E,
            ],
            // Row 8: the same company again, without its address; a score only.
            vec![
                n(4),
                t(TUONG_OT),
                t(COMPANY),
                E,
                E,
                t("Thực phẩm"),
                t("Bộ 9"),
                E,
                t("68"),
                t("1023/QĐ-UBND"),
                t("20/06/2024"),
                E,
            ],
            // Row 9: a cooperative missing from the registry, with its code; a decision number
            // typed without its Đ and in lower case.
            vec![
                n(5),
                t(GIAO_CO_LAM),
                t("HTX Dược liệu Ba Vì"),
                t(NEW_CODE),
                t(BA_VI),
                t("Dược liệu"),
                t("Bộ 18"),
                t("4 sao"),
                t("81,5"),
                t("447/qd-ubnd"),
                t("05/09/2023"),
                E,
            ],
            // Row 10: the total.
            vec![E, t("Tổng cộng: 5 sản phẩm"), E, E, E, E, E, E, E, E, E, E],
        ],
    )
}

/// The (2025 province, 2025 ward, legacy ward) the address parser gives an address.
fn units_of(address: &str) -> (Option<String>, Option<String>, Option<String>) {
    let m = parse_address(address);
    (
        m.province_2025.map(|p| p.code.to_string()),
        m.ward_2025.map(|w| w.code.to_string()),
        m.legacy.as_ref().and_then(|l| l.ward).map(|w| w.code.to_string()),
    )
}

// ---------------------------------------------------------------------------------------------
// The import pages.
// ---------------------------------------------------------------------------------------------

/// Sends a product list to `POST /imports` the way the upload form does.
async fn upload(app: &TestApp, client: &Client, file_name: &str, bytes: &[u8]) -> Response {
    let csrf = app.csrf(client, "/account").await;
    let (content_type, body) = multipart_body(&[("kind", "products")], ("file", file_name, bytes));
    client
        .post(app.url(&format!("/imports?_csrf={csrf}")))
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /imports ({file_name}): {e}"))
}

/// Uploads a list that must be read; returns the id of the previewed import.
async fn upload_ok(app: &TestApp, client: &Client, file_name: &str, bytes: &[u8]) -> i64 {
    let res = upload(app, client, file_name, bytes).await;
    let to = location(&res);
    let (status, body) = text(res).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "uploading {file_name}: {body}");
    to.strip_prefix("/imports/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("uploading {file_name} led to {to:?}"))
}

async fn page_ok(app: &TestApp, client: &Client, path: &str) -> String {
    let (status, page) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    page
}

/// Clicks the commit button of an import's page (which must show it).
async fn click_commit(app: &TestApp, client: &Client, id: i64) -> Response {
    let page = page_ok(app, client, &format!("/imports/{id}")).await;
    let form = form_values(form_html(&page, &format!("action=\"/imports/{id}/commit\"")));
    app.post_form(client, &format!("/imports/{id}/commit"), &form)
        .await
}

fn has_commit_button(page: &str, id: i64) -> bool {
    page.contains(&format!("action=\"/imports/{id}/commit\""))
}

fn flash(page: &str) -> Option<String> {
    between(page, "<p class=\"flash\" role=\"status\">", "</p>").map(unescape_html)
}

/// A row of the preview table as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    row: usize,
    product: String,
    /// The producer as read (and its code).
    producer: String,
    /// What becomes of the producer, the product and its certification.
    plan: String,
    status: String,
    errors: Vec<String>,
    hints: Vec<String>,
}

fn shown_rows(page: &str) -> Vec<Shown> {
    let Some(body) = between(page, "<tbody>", "</tbody>") else {
        return Vec::new();
    };
    body.split("<tr class=\"row-")
        .skip(1)
        .map(|tr| {
            let status = tr.split('"').next().unwrap_or_default().to_string();
            let cells: Vec<&str> = tr
                .split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap_or_default())
                .collect();
            assert_eq!(cells.len(), 5, "{tr}");
            let messages = |class: &str| -> Vec<String> {
                let open = format!("<div class=\"{class}\">");
                cells[4]
                    .split(open.as_str())
                    .skip(1)
                    .map(|m| unescape_html(m.split("</div>").next().unwrap_or_default()))
                    .collect()
            };
            let (producer, plan) = cells[2]
                .split_once("<div class=\"plan\">")
                .map(|(p, rest)| (p, rest.trim_end_matches("</div>")))
                .unwrap_or((cells[2], ""));
            Shown {
                row: cells[0].parse().unwrap_or_else(|_| panic!("a row number: {tr}")),
                product: unescape_html(cells[1]),
                producer: unescape_html(producer),
                plan: unescape_html(plan),
                status,
                errors: messages("error"),
                hints: messages("hint"),
            }
        })
        .collect()
}

fn skipped_rows(page: &str) -> Vec<String> {
    let Some(list) = between(page, "<details><summary>", "</details>") else {
        return Vec::new();
    };
    list.split("<li>")
        .skip(1)
        .map(|li| unescape_html(li.split("</li>").next().unwrap_or_default()))
        .collect()
}

/// An import as stored: (kind, status, total, ok, fixed, error, created, updated).
async fn stored_import(app: &TestApp, id: i64) -> (String, String, [i64; 6]) {
    let rows = app
        .db
        .rows(&format!(
            "SELECT kind, status, rows_total, rows_ok, rows_fixed, rows_error, created, updated \
             FROM imports WHERE id = {id}"
        ))
        .await;
    let r = rows.first().unwrap_or_else(|| panic!("no import {id}"));
    let i = |c| r.try_get_by_index::<i64>(c).expect("an integer column");
    (
        r.try_get_by_index(0).expect("kind"),
        r.try_get_by_index(1).expect("status"),
        [i(2), i(3), i(4), i(5), i(6), i(7)],
    )
}

/// What a test watches to prove what was (not) written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    organisations: i64,
    products: i64,
    certifications: i64,
    product_changes: i64,
    organisation_changes: i64,
    imports: i64,
}

async fn counts(db: &TestDb) -> Counts {
    Counts {
        organisations: db.scalar("SELECT COUNT(*) FROM organisations").await,
        products: db.scalar("SELECT COUNT(*) FROM products").await,
        certifications: db.scalar("SELECT COUNT(*) FROM product_certifications").await,
        product_changes: db
            .scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'product'")
            .await,
        organisation_changes: db
            .scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'organisation'")
            .await,
        imports: db.scalar("SELECT COUNT(*) FROM imports").await,
    }
}

/// An imported product as stored, with its current certification.
#[derive(Debug, PartialEq, Eq)]
struct Stored {
    organisation_id: i64,
    status: String,
    group: Option<String>,
    set_no: Option<i64>,
    origin_province: Option<String>,
    origin_ward: Option<String>,
    stars: Option<i64>,
    /// (A, B, C, total, stars, decision number, decision date, level) of the current one.
    certificate: (i64, i64, i64, i64, i64, String, String, String),
}

async fn product(db: &TestDb, name: &str) -> Stored {
    let rows = db
        .rows(&format!(
            "SELECT p.organisation_id, p.status, p.group_code, CAST(p.set_no AS BIGINT), p.origin_province_code, \
             p.origin_ward_code, CAST(p.stars AS BIGINT), CAST(c.score_a AS BIGINT), CAST(c.score_b AS BIGINT), \
             CAST(c.score_c AS BIGINT), CAST(c.total AS BIGINT), CAST(c.stars AS BIGINT), c.decision_no, \
             c.decision_date, c.level FROM products p JOIN product_certifications c ON c.product_id = p.id \
             AND c.state = 'current' WHERE p.name = '{name}'"
        ))
        .await;
    assert_eq!(rows.len(), 1, "one product {name} with one current certificate");
    let r = &rows[0];
    let i = |c| r.try_get_by_index::<i64>(c).expect("an integer column");
    let s = |c| r.try_get_by_index::<String>(c).expect("a text column");
    let o = |c| r.try_get_by_index::<Option<String>>(c).expect("a text column");
    Stored {
        organisation_id: i(0),
        status: s(1),
        group: o(2),
        set_no: r.try_get_by_index(3).expect("set"),
        origin_province: o(4),
        origin_ward: o(5),
        stars: r.try_get_by_index(6).expect("stars"),
        certificate: (i(7), i(8), i(9), i(10), i(11), s(12), s(13), s(14)),
    }
}

/// An organisation by exact name: (kind, code, alliance, province, ward, legacy ward, status,
/// sector).
async fn organisation(
    db: &TestDb,
    name: &str,
) -> Vec<(
    String,
    Option<String>,
    Option<i64>,
    [Option<String>; 3],
    String,
    String,
)> {
    db.rows(&format!(
        "SELECT kind, registration_code, alliance_id, province_code, ward_code, legacy_ward_code, status, sector \
         FROM organisations WHERE name = '{name}'"
    ))
    .await
    .iter()
    .map(|r| {
        let o = |c| r.try_get_by_index::<Option<String>>(c).expect("a text column");
        (
            r.try_get_by_index(0).expect("kind"),
            o(1),
            r.try_get_by_index(2).expect("alliance"),
            [o(3), o(4), o(5)],
            r.try_get_by_index(6).expect("status"),
            r.try_get_by_index(7).expect("sector"),
        )
    })
    .collect()
}

async fn search_codes(app: &TestApp, q: &str) -> Vec<String> {
    let res = plain()
        .get(app.url("/api/v1/products/search"))
        .query(&[("q", q), ("limit", "10")])
        .send()
        .await
        .expect("search");
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["code"].as_str().expect("a code").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

on_both_engines! {
    async fn a_messy_ocop_list_is_previewed_then_written_at_once_and_re_imported_as_updates(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let dong_du = app.organisation_id("Hợp tác xã Nông nghiệp Đông Dư").await;
        let dong_du_code = app
            .db
            .texts(&format!("SELECT registration_code FROM organisations WHERE id = {dong_du}"))
            .await
            .remove(0);
        let bat_trang = app.organisation_id("Hợp tác xã Gốm Bát Tràng").await;
        // Preconditions the expectations rest on.
        assert_eq!(
            app.db.texts(&format!("SELECT province_code FROM organisations WHERE id = {bat_trang}")).await,
            ["01"]
        );
        assert_eq!(units_of(BAT_TRANG).0.as_deref(), Some("01"));
        assert_eq!(units_of(BA_VI).0.as_deref(), Some("01"));
        assert_eq!(units_of(THANH_SON), (Some("31".into()), Some("10813".into()), Some("10867".into())));
        assert_eq!(Date::from_excel_serial(45_366.0).map(|d| d.to_string()).as_deref(), Some("15/03/2024"));
        assert!(organisation(&app.db, COMPANY).await.is_empty());
        assert_eq!(app.db.scalar(&format!("SELECT COUNT(*) FROM organisations WHERE registration_code = '{NEW_CODE}'")).await, 0);

        let bytes = ocop_list(
            &dong_du_code,
            [t("4 sao"), t("75,5"), t("858/QĐ-UBND"), t("15/03/2024")],
            72,
        );
        let before = counts(&app.db).await;
        let id = upload_ok(&app, &staff, "OCOP Ha Noi 2024.xlsx", &bytes).await;
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert_eq!(flash(&page).as_deref(), Some("Đã kiểm tra tệp. Xem kết quả từng dòng bên dưới."));
        assert!(page.contains("Dòng tiêu đề: 3"), "{page}");
        assert!(
            page.contains("Sẽ thêm mới 5 sản phẩm, cập nhật 0 sản phẩm, ghi nhận 5 quyết định công nhận."),
            "{page}"
        );
        assert!(page.contains("Chủ thể: 2 đã có trong sổ, 2 sẽ được tạo mới (cần rà soát)."), "{page}");
        assert!(page.contains("Các cột không nhận ra (sẽ không được nhập): <code>Ghi chú</code>"), "{page}");
        assert!(
            page.contains("4 dòng chỉ ghi tổng điểm: điểm từng phần A, B, C được ước tính"),
            "the split of totals is said once for the file: {page}"
        );
        assert_eq!(
            stored_import(&app, id).await,
            ("products".to_string(), "previewed".to_string(), [5, 2, 3, 0, 0, 0])
        );

        // Every row is listed with its producer's plan; the page opens on the fixed ones.
        let all = shown_rows(&page_ok(&app, &staff, &format!("/imports/{id}?show=all")).await);
        let summary: Vec<(usize, &str, &str, &str)> = all
            .iter()
            .map(|r| (r.row, r.product.as_str(), r.status.as_str(), r.plan.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (4, BANH_GAI, "ok",
                 "đã có trong sổ: Hợp tác xã Nông nghiệp Đông Dư (khớp theo mã số) · thêm sản phẩm mới · ghi nhận quyết định công nhận"),
                (5, LO_HOA, "fixed",
                 "đã có trong sổ: Hợp tác xã Gốm Bát Tràng (khớp theo tên và tỉnh, thành phố) · thêm sản phẩm mới · ghi nhận quyết định công nhận"),
                (7, VAI_SAY, "fixed",
                 "chưa có trong sổ: sẽ tạo mới, cần rà soát · thêm sản phẩm mới · ghi nhận quyết định công nhận"),
                (8, TUONG_OT, "ok",
                 "chưa có trong sổ: tạo mới một lần cùng dòng 7 · thêm sản phẩm mới · ghi nhận quyết định công nhận"),
                (9, GIAO_CO_LAM, "fixed",
                 "chưa có trong sổ: sẽ tạo mới, cần rà soát · thêm sản phẩm mới · ghi nhận quyết định công nhận"),
            ]
        );
        assert_eq!(all[0].producer, format!("Hợp tác xã Nông nghiệp Đông Dư ({dong_du_code})"));
        let fixed = shown_rows(&page);
        assert_eq!(fixed.iter().map(|r| r.row).collect::<Vec<_>>(), [5, 7, 9]);
        assert!(fixed.iter().all(|r| r.errors.is_empty()));
        assert_eq!(
            fixed[0].hints,
            [
                "Ngày quyết định: Số “45366” được hiểu là ngày Excel: 15/03/2024.",
                "Hạng sao: Số sao ghi trong bảng (3 sao) khác với số sao tính từ điểm (72 điểm – 4 sao): ghi nhận theo điểm.",
            ]
        );
        assert_eq!(
            fixed[1].hints,
            [
                "Địa chỉ trụ sở: Địa chỉ cũ (Xã Thanh Sơn) được chuyển sang địa bàn mới: Xã Thanh Hà, Thành phố Hải Phòng.",
                "Điểm: Không ghi điểm: lấy điểm thấp nhất của hạng 4 sao (70 điểm) để lưu. Hãy bổ sung điểm thật khi có.",
                "Chủ thể: Chủ thể là Doanh nghiệp, không phải tổ chức kinh tế tập thể: được tạo trong sổ làm chủ thể \
                 sản phẩm OCOP, không tính vào số liệu kinh tế tập thể (số tổ chức, báo cáo, chỉ tiêu chương trình).",
            ]
        );
        assert_eq!(
            fixed[2].hints,
            [
                "Số quyết định: Số quyết định được chuẩn hoá thành 447/QĐ-UBND.",
                "Chủ thể: Chủ thể chưa có trong sổ thành viên: sẽ được tạo mới với loại hình Hợp tác xã và thông tin \
                 có trong bảng (tên, mã số, địa chỉ). Sau khi ghi, hãy bổ sung số thành viên, người đại diện và các \
                 thông tin còn thiếu.",
            ]
        );
        let skipped = skipped_rows(&page);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0], "Dòng 6: Dòng trống.");
        assert!(skipped[1].starts_with("Dòng 10: Dòng tổng cộng/ghi chú: Tổng cộng"), "{skipped:?}");

        // The preview wrote nothing but the import itself.
        assert_eq!(counts(&app.db).await, Counts { imports: before.imports + 1, ..before });

        // The commit writes every row at once.
        let res = click_commit(&app, &staff, id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert_eq!(flash(&page).as_deref(), Some("Đã ghi toàn bộ danh sách sản phẩm OCOP."));
        assert!(!has_commit_button(&page, id));
        assert_eq!(
            stored_import(&app, id).await,
            ("products".to_string(), "committed".to_string(), [5, 2, 3, 0, 5, 0])
        );
        let after = counts(&app.db).await;
        assert_eq!(
            after,
            Counts {
                organisations: before.organisations + 2,
                products: before.products + 5,
                certifications: before.certifications + 5,
                // Each product: its creation, then the stars its certificate gives it.
                product_changes: before.product_changes + 10,
                organisation_changes: before.organisation_changes + 2,
                imports: before.imports + 1,
            }
        );

        // The producers: found by code, by name, and the two new ones created once each, in
        // the staff's alliance, with their 2025 units; the company as a company.
        let company = organisation(&app.db, COMPANY).await;
        assert_eq!(
            company,
            [(
                "enterprise".to_string(),
                None,
                Some(hn),
                [Some("31".to_string()), Some("10813".to_string()), Some("10867".to_string())],
                "active".to_string(),
                "agriculture".to_string(),
            )]
        );
        let ba_vi = organisation(&app.db, "HTX Dược liệu Ba Vì").await;
        assert_eq!(ba_vi.len(), 1);
        assert_eq!(
            (ba_vi[0].0.as_str(), ba_vi[0].1.as_deref(), ba_vi[0].2, ba_vi[0].3[0].as_deref()),
            ("cooperative", Some(NEW_CODE), Some(hn), Some("01"))
        );
        let company_id = app.organisation_id(COMPANY).await;
        let ba_vi_id = app.organisation_id("HTX Dược liệu Ba Vì").await;
        // The company is a producer of the catalogue, not a member the alliance asks reports of;
        // the new cooperative is.
        let this_year = time::OffsetDateTime::now_utc().year();
        let mut missing = std::collections::BTreeSet::new();
        for page in 1..=5 {
            let listed = app
                .store
                .missing_reports(
                    Some(lienket_domain::ids::AllianceId(hn)),
                    this_year,
                    lienket_domain::report::ReportPeriod::Year,
                    lienket_store::PageRequest::new(Some(page), Some(200)),
                )
                .await
                .expect("missing reports");
            missing.extend(listed.items.iter().map(|o| o.id.0));
        }
        assert!(missing.contains(&ba_vi_id) && !missing.contains(&company_id));

        // The products and their certificates: stars from the score, whatever was typed.
        let cert = |a, b, c, total, stars, no: &str, date: &str| {
            (a, b, c, total, stars, no.to_string(), date.to_string(), "province".to_string())
        };
        let banh_gai = product(&app.db, BANH_GAI).await;
        assert_eq!(
            banh_gai,
            Stored {
                organisation_id: dong_du,
                status: "published".into(),
                group: Some("thuc_pham".into()),
                set_no: Some(10),
                origin_province: Some("01".into()),
                origin_ward: None,
                stars: Some(4),
                certificate: cert(302, 188, 265, 755, 4, "858/QĐ-UBND", "2024-03-15"),
            }
        );
        let lo_hoa = product(&app.db, LO_HOA).await;
        assert_eq!(
            (lo_hoa.organisation_id, lo_hoa.group.as_deref(), lo_hoa.set_no, lo_hoa.stars),
            (bat_trang, Some("thu_cong_my_nghe"), Some(21), Some(4))
        );
        assert_eq!(lo_hoa.certificate, cert(288, 180, 252, 720, 4, "1024/QĐ-UBND", "2024-03-15"));
        let vai = product(&app.db, VAI_SAY).await;
        assert_eq!(
            (vai.organisation_id, vai.origin_province.as_deref(), vai.origin_ward.as_deref()),
            (company_id, Some("31"), Some("10813"))
        );
        assert_eq!(vai.certificate, cert(280, 175, 245, 700, 4, "1023/QĐ-UBND", "2024-06-20"));
        let tuong = product(&app.db, TUONG_OT).await;
        assert_eq!((tuong.organisation_id, tuong.origin_province.as_deref()), (company_id, None));
        assert_eq!(tuong.certificate, cert(272, 170, 238, 680, 3, "1023/QĐ-UBND", "2024-06-20"));
        let giao = product(&app.db, GIAO_CO_LAM).await;
        assert_eq!(giao.organisation_id, ba_vi_id);
        assert_eq!(giao.certificate, cert(326, 203, 286, 815, 4, "447/QĐ-UBND", "2023-09-05"));

        // The public catalogue finds an imported product at once.
        let vai_code = app
            .db
            .texts(&format!("SELECT code FROM products WHERE name = '{VAI_SAY}'"))
            .await
            .remove(0);
        assert!(
            search_codes(&app, "vải thiều sấy dẻo Hồng Hà").await.contains(&vai_code),
            "the catalogue does not find {vai_code}"
        );
        let list = page_ok(&app, &staff, "/imports").await;
        assert!(list.contains("Danh sách sản phẩm OCOP"), "{list}");

        // The same file again matches every product and producer, and writes nothing new.
        let again = upload_ok(&app, &staff, "OCOP Ha Noi 2024.xlsx", &bytes).await;
        let page = page_ok(&app, &staff, &format!("/imports/{again}")).await;
        assert!(
            page.contains("Sẽ thêm mới 0 sản phẩm, cập nhật 5 sản phẩm, ghi nhận 0 quyết định công nhận."),
            "{page}"
        );
        assert!(page.contains("Chủ thể: 4 đã có trong sổ, 0 sẽ được tạo mới (cần rà soát)."), "{page}");
        let rows = shown_rows(&page_ok(&app, &staff, &format!("/imports/{again}?show=all")).await);
        assert_eq!(
            rows[2].plan,
            format!(
                "đã có trong sổ: {COMPANY} (khớp theo tên và tỉnh, thành phố) · cập nhật sản phẩm đã có · \
                 quyết định đã được ghi nhận trước đó"
            )
        );
        let res = click_commit(&app, &staff, again).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(stored_import(&app, again).await.2[4..], [0, 5]);
        let after_again = counts(&app.db).await;
        assert_eq!(after_again, Counts { imports: after.imports + 1, ..after }, "the re-import wrote");
        assert_eq!(product(&app.db, BANH_GAI).await, banh_gai);

        // A new decision with another score is recorded; the same decision with another
        // score is not.
        let updated = ocop_list(
            &dong_du_code,
            [t("3 sao"), t("68"), t("1200/QĐ-UBND"), t("10/06/2025")],
            74,
        );
        let third = upload_ok(&app, &staff, "OCOP Ha Noi 2025.xlsx", &updated).await;
        let page = page_ok(&app, &staff, &format!("/imports/{third}")).await;
        assert!(
            page.contains("Sẽ thêm mới 0 sản phẩm, cập nhật 5 sản phẩm, ghi nhận 1 quyết định công nhận."),
            "{page}"
        );
        let rows = shown_rows(&page_ok(&app, &staff, &format!("/imports/{third}?show=all")).await);
        assert!(
            rows[1].hints.contains(
                &"Số quyết định: Quyết định 1024/QĐ-UBND đã được ghi nhận cho sản phẩm này với điểm hoặc ngày khác: \
                  giữ nguyên bản đã ghi."
                    .to_string()
            ),
            "{:?}",
            rows[1]
        );
        let res = click_commit(&app, &staff, third).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let after_update = counts(&app.db).await;
        assert_eq!(
            (after_update.products, after_update.organisations, after_update.certifications),
            (after.products, after.organisations, after.certifications + 1)
        );
        let banh_gai = product(&app.db, BANH_GAI).await;
        assert_eq!(banh_gai.stars, Some(3));
        assert_eq!(banh_gai.certificate, cert(272, 170, 238, 680, 3, "1200/QĐ-UBND", "2025-06-10"));
        assert_eq!(
            app.db
                .texts(&format!(
                    "SELECT c.state FROM product_certifications c JOIN products p ON p.id = c.product_id \
                     WHERE p.name = '{BANH_GAI}' ORDER BY c.id"
                ))
                .await,
            ["superseded", "current"]
        );
        assert_eq!(product(&app.db, LO_HOA).await.certificate, lo_hoa.certificate);
    }

    async fn a_list_with_rows_in_error_says_why_and_writes_nothing(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let good = vec![n(1), t("Mật ong hoa nhãn Đông Dư"), t("Hợp tác xã Nông nghiệp Đông Dư"), E,
                        t("Thành phố Hà Nội"), t("Thực phẩm"), t("Bộ 4"), t("4 sao"), t("76"),
                        t("910/QĐ-UBND"), t("02/04/2024"), E];
        let no_name = vec![n(2), E, t("Hợp tác xã Nông nghiệp Đông Dư"), E, t("Thành phố Hà Nội"),
                           t("Thực phẩm"), t("Bộ 4"), t("3 sao"), t("62"), t("910/QĐ-UBND"),
                           t("02/04/2024"), E];
        let bad_date = vec![n(3), t("Mật ong bạc hà Đông Dư"), t("Hợp tác xã Nông nghiệp Đông Dư"), E,
                            t("Thành phố Hà Nội"), t("Thực phẩm"), t("Bộ 4"), t("3 sao"), t("61"),
                            t("910/QĐ-UBND"), t("31/02/2024"), E];
        let bytes = workbook(&HEADERS, vec![good, no_name, bad_date]);
        let before = counts(&app.db).await;
        let id = upload_ok(&app, &staff, "loi.xlsx", &bytes).await;
        assert_eq!(stored_import(&app, id).await.2[..4], [3, 1, 0, 2]);

        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        let shown: Vec<(usize, String, Vec<String>)> = shown_rows(&page)
            .into_iter()
            .map(|r| (r.row, r.status, r.errors))
            .collect();
        assert_eq!(
            shown,
            vec![
                (5, "error".to_string(), vec!["Tên sản phẩm: Vui lòng nhập thông tin này.".to_string()]),
                (
                    6,
                    "error".to_string(),
                    vec![
                        "Ngày quyết định: Ngày quyết định «31/02/2024» không hợp lệ: nhập theo dạng ngày/tháng/năm, \
                         ví dụ 15/03/2024."
                            .to_string()
                    ]
                ),
            ]
        );
        // The valid row is still read and planned, but nothing can be written while a row is
        // in error (as for the registry): no commit button, and a commit posted anyway is
        // refused.
        let all = shown_rows(&page_ok(&app, &staff, &format!("/imports/{id}?show=all")).await);
        assert_eq!((all[0].row, all[0].status.as_str()), (4, "ok"));
        assert!(!has_commit_button(&page, id), "{page}");
        assert!(
            alerts(&page).iter().any(|a| a.starts_with("Tệp còn dòng lỗi nên chưa thể ghi.")),
            "{:?}",
            alerts(&page)
        );
        let csrf = app.csrf(&staff, "/account").await;
        let res = app
            .post_form(&staff, &format!("/imports/{id}/commit"), &[("_csrf".to_string(), csrf)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(counts(&app.db).await, Counts { imports: before.imports + 1, ..before });
        assert_eq!(stored_import(&app, id).await.1, "previewed");
        assert_eq!(
            app.db.scalar("SELECT COUNT(*) FROM products WHERE name = 'Mật ong hoa nhãn Đông Dư'").await,
            0
        );
    }

    async fn the_command_line_checks_a_list_writes_nothing_on_a_dry_run_then_writes_it(engine) {
        let db = TestDb::new(engine).await;
        db.seed_with_admin_token().await;
        let file = db.dir().join("ocop-hn.xlsx");
        std::fs::write(
            &file,
            workbook(
                &HEADERS,
                vec![
                    vec![n(1), t("Chè búp khô Đông Dư"), t("Hợp tác xã Nông nghiệp Đông Dư"), E,
                         t("Thành phố Hà Nội"), t("Đồ uống"), t("Bộ 11"), t("3 sao"), t("64,5"),
                         t("771/QĐ-UBND"), t("12/12/2024"), E],
                    vec![n(2), t("Nón lá làng Chuông"), t("Hộ kinh doanh Nguyễn Thị Lan"), E,
                         t("Thành phố Hà Nội"), t("Thủ công mỹ nghệ"), E, t("3 sao"), t("58"),
                         t("771/QĐ-UBND"), t("12/12/2024"), E],
                ],
            ),
        )
        .unwrap();
        let file_arg = file.display().to_string();
        let limit = Duration::from_secs(60);
        let before = counts(&db).await;
        let changes = db.scalar("SELECT COUNT(*) FROM change_log").await;

        let out = run_lienket(
            &args(&["import", "products", &file_arg, "--alliance", "HN", "--dry-run"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(out.stdout.contains("2 data rows: 1 ok, 1 fixed, 0 in error; 0 skipped rows"), "{}", out.stdout);
        assert!(
            out.stdout.contains(
                "plan: 2 products to create, 0 to update, 2 decisions to record; producers: 1 in the registry, 1 to create"
            ),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("row      5 fixed  [producer] Chủ thể là Hộ sản xuất, kinh doanh, không phải tổ chức kinh tế tập thể"), "{}", out.stdout);
        assert!(out.stdout.contains("dry run: nothing was written"), "{}", out.stdout);
        assert_eq!(counts(&db).await, before, "a dry run wrote");
        assert_eq!(db.scalar("SELECT COUNT(*) FROM change_log").await, changes, "a dry run logged a change");

        let out = run_lienket(
            &args(&["import", "products", &file_arg, "--alliance", "HN"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(
            out.stdout.contains(": 2 products created, 0 updated, 2 decisions recorded, 1 producers created;"),
            "{}",
            out.stdout
        );
        let after = counts(&db).await;
        assert_eq!(
            (after.products, after.organisations, after.certifications, after.imports),
            (before.products + 2, before.organisations + 1, before.certifications + 2, before.imports + 1)
        );
        assert_eq!(db.texts("SELECT kind || ':' || status FROM imports").await, ["products:committed"]);
        assert_eq!(
            db.texts("SELECT kind FROM organisations WHERE name = 'Hộ kinh doanh Nguyễn Thị Lan'").await,
            ["household"]
        );
    }
}
