//! Importing the member registry from spreadsheets, and exporting lists: the preview of a messy
//! but valid register (and of one with errors), the all-or-nothing commit, re-imports that
//! update instead of duplicating, files refused with a message, who may see which import, the
//! `lienket import registry` command, and the XLSX and CSV exports of the registry and of the
//! report summary.

use std::collections::BTreeMap;
use std::time::Duration;

use lienket_domain::admin_units::parse_address;
use lienket_office::{Cell, ColumnKind, ColumnSpec, ExportCell, ExportColumn, Limits, Table, read_table};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::{
    Engine, TestApp, TestDb, alerts, args, between, form_html, form_values, in_alliance, location,
    multipart_body, run_lienket, spawn_app, text, unescape_html,
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// ---------------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------------

/// A register as alliances keep it: a title and a subtitle row above the header (the layout of
/// `write_xlsx`), one text column per header.
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
        "DANH SÁCH HỢP TÁC XÃ THÀNH VIÊN",
        "Liên minh Hợp tác xã thành phố Hà Nội — cập nhật tháng 6/2025",
        "Danh sách",
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

/// The headers of the small registers of these tests, in Vietnamese with accents.
const HEADERS: [&str; 9] = [
    "STT",
    "Mã số thuế",
    "Tên HTX",
    "Loại hình",
    "Lĩnh vực",
    "Ngày thành lập",
    "Số thành viên",
    "Vốn điều lệ",
    "Địa chỉ",
];

/// One clean row under [`HEADERS`]: a cooperative in Ba Đình with nine members.
fn clean_row(no: i64, code: &str, name: &str) -> Vec<ExportCell> {
    vec![
        n(no),
        t(code),
        t(name),
        t("Hợp tác xã"),
        t("Nông nghiệp"),
        t("12/05/2021"),
        n(9),
        t("500.000.000"),
        t("Phường Ba Đình, Thành phố Hà Nội"),
    ]
}

/// A small clean register under [`HEADERS`] with these (code, name) rows.
fn clean_workbook(rows: &[(&str, &str)]) -> Vec<u8> {
    workbook(
        &HEADERS,
        rows.iter()
            .enumerate()
            .map(|(i, (code, name))| clean_row(i as i64 + 1, code, name))
            .collect(),
    )
}

/// Lowercase Vietnamese text encoded in TCVN3 (ABC), the code of the .VnTime fonts (only the
/// letters the tests use).
fn tcvn3(text: &str) -> Vec<u8> {
    const TABLE: &[(char, u8)] = &[
        ('ê', 0xAA),
        ('ô', 0xAB),
        ('đ', 0xAE),
        ('ã', 0xB7),
        ('á', 0xB8),
        ('ế', 0xD5),
        ('ệ', 0xD6),
        ('ố', 0xE8),
        ('ợ', 0xEE),
    ];
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                c as u8
            } else {
                TABLE
                    .iter()
                    .find(|(k, _)| *k == c)
                    .unwrap_or_else(|| panic!("no TCVN3 code for {c}"))
                    .1
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The import pages.
// ---------------------------------------------------------------------------------------------

/// Sends a file to `POST /imports` the way the upload form does (the CSRF token in the URL),
/// with the alliance chosen when given (admins).
async fn upload(
    app: &TestApp,
    client: &Client,
    file_name: &str,
    bytes: &[u8],
    alliance: Option<i64>,
) -> Response {
    let csrf = app.csrf(client, "/account").await;
    let alliance = alliance.map(|a| a.to_string());
    let fields: Vec<(&str, &str)> = alliance.iter().map(|a| ("alliance_id", a.as_str())).collect();
    let (content_type, body) = multipart_body(&fields, ("file", file_name, bytes));
    client
        .post(app.url(&format!("/imports?_csrf={csrf}")))
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /imports ({file_name}): {e}"))
}

/// Uploads a file that must be read, and returns the id of the previewed import.
async fn upload_ok(app: &TestApp, client: &Client, file_name: &str, bytes: &[u8]) -> i64 {
    let res = upload(app, client, file_name, bytes, None).await;
    let to = location(&res);
    let (status, body) = text(res).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "uploading {file_name}: {body}");
    to.strip_prefix("/imports/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("uploading {file_name} led to {to:?}"))
}

/// A page that must answer 200.
async fn page_ok(app: &TestApp, client: &Client, path: &str) -> String {
    let (status, page) = app.page(client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    page
}

/// Posts the commit of an import (with the CSRF token of the signed-in browser).
async fn post_commit(app: &TestApp, client: &Client, id: i64) -> Response {
    let csrf = app.csrf(client, "/account").await;
    app.post_form(
        client,
        &format!("/imports/{id}/commit"),
        &[("_csrf".to_string(), csrf)],
    )
    .await
}

/// Clicks the commit button of an import's page (which must show it); returns the response.
async fn click_commit(app: &TestApp, client: &Client, id: i64) -> Response {
    let page = page_ok(app, client, &format!("/imports/{id}")).await;
    let action = format!("action=\"/imports/{id}/commit\"");
    let form = form_values(form_html(&page, &action));
    app.post_form(client, &format!("/imports/{id}/commit"), &form)
        .await
}

/// A row of the preview table as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    row: usize,
    name: String,
    code: String,
    /// `ok`, `fixed` or `error`.
    status: String,
    errors: Vec<String>,
    hints: Vec<String>,
}

/// The rows of the preview table of an import page, in page order.
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
            Shown {
                row: cells[0].parse().unwrap_or_else(|_| panic!("a row number: {tr}")),
                name: unescape_html(cells[1]),
                code: unescape_html(cells[2]),
                status,
                errors: messages("error"),
                hints: messages("hint"),
            }
        })
        .collect()
}

/// The skipped rows listed under the preview ("Dòng 6: Dòng trống.").
fn skipped_rows(page: &str) -> Vec<String> {
    let Some(list) = between(page, "<details><summary>", "</details>") else {
        return Vec::new();
    };
    list.split("<li>")
        .skip(1)
        .map(|li| unescape_html(li.split("</li>").next().unwrap_or_default()))
        .collect()
}

/// The one-shot message shown at the top of a page after a redirect.
fn flash(page: &str) -> Option<String> {
    between(page, "<p class=\"flash\" role=\"status\">", "</p>").map(unescape_html)
}

/// Whether an import page offers the commit button.
fn has_commit_button(page: &str, id: i64) -> bool {
    page.contains(&format!("action=\"/imports/{id}/commit\""))
}

/// An import as stored.
#[derive(Debug, PartialEq, Eq)]
struct Stored {
    status: String,
    total: i64,
    ok: i64,
    fixed: i64,
    error: i64,
    created: i64,
    updated: i64,
    committed: bool,
    alliance: Option<i64>,
}

async fn stored_import(app: &TestApp, id: i64) -> Stored {
    let rows = app
        .db
        .rows(&format!(
            "SELECT status, rows_total, rows_ok, rows_fixed, rows_error, created, updated, \
             CASE WHEN committed_at IS NULL THEN 0 ELSE 1 END, alliance_id FROM imports WHERE id = {id}"
        ))
        .await;
    let r = rows.first().unwrap_or_else(|| panic!("no import {id}"));
    let i = |c| r.try_get_by_index::<i64>(c).expect("an integer column");
    Stored {
        status: r.try_get_by_index(0).expect("status"),
        total: i(1),
        ok: i(2),
        fixed: i(3),
        error: i(4),
        created: i(5),
        updated: i(6),
        committed: r.try_get_by_index::<i32>(7).expect("committed") == 1,
        alliance: r.try_get_by_index(8).expect("alliance_id"),
    }
}

/// What a test watches to prove that nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    organisations: i64,
    organisation_changes: i64,
    changes: i64,
    imports: i64,
}

async fn counts(db: &TestDb) -> Counts {
    Counts {
        organisations: db.scalar("SELECT COUNT(*) FROM organisations").await,
        organisation_changes: db
            .scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'organisation'")
            .await,
        changes: db.scalar("SELECT COUNT(*) FROM change_log").await,
        imports: db.scalar("SELECT COUNT(*) FROM imports").await,
    }
}

/// How many organisations hold each of these codes (codes held by none are left out).
async fn holders(db: &TestDb, codes: &[&str]) -> BTreeMap<String, i64> {
    let list: Vec<String> = codes.iter().map(|c| format!("'{c}'")).collect();
    let rows = db
        .rows(&format!(
            "SELECT registration_code, COUNT(*) FROM organisations \
             WHERE registration_code IN ({}) GROUP BY registration_code",
            list.join(", ")
        ))
        .await;
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).expect("code"),
                r.try_get_by_index::<i64>(1).expect("count"),
            )
        })
        .collect()
}

/// The stored record of an imported organisation, by code.
#[derive(Debug, PartialEq, Eq)]
struct OrgRecord {
    name: String,
    founded_on: Option<String>,
    members_official: i64,
    charter_capital: Option<i64>,
    province_code: Option<String>,
    ward_code: Option<String>,
    legacy_ward_code: Option<String>,
    alliance_id: Option<i64>,
}

async fn org_by_code(db: &TestDb, code: &str) -> OrgRecord {
    let rows = db
        .rows(&format!(
            "SELECT name, founded_on, CAST(members_official AS BIGINT), charter_capital, province_code, \
             ward_code, legacy_ward_code, alliance_id FROM organisations WHERE registration_code = '{code}'"
        ))
        .await;
    let r = rows
        .first()
        .unwrap_or_else(|| panic!("no organisation with code {code}"));
    let s = |c| r.try_get_by_index::<Option<String>>(c).expect("a text column");
    OrgRecord {
        name: r.try_get_by_index(0).expect("name"),
        founded_on: s(1),
        members_official: r.try_get_by_index(2).expect("members"),
        charter_capital: r.try_get_by_index(3).expect("capital"),
        province_code: s(4),
        ward_code: s(5),
        legacy_ward_code: s(6),
        alliance_id: r.try_get_by_index(7).expect("alliance"),
    }
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
// Exports.
// ---------------------------------------------------------------------------------------------

/// The registry export's columns that the tests read back.
const EXPORT_SPEC: &[ColumnSpec] = &[
    ColumnSpec {
        field: "code",
        aliases: &["mã số htx"],
        required: true,
    },
    ColumnSpec {
        field: "name",
        aliases: &["tên đầy đủ"],
        required: true,
    },
    ColumnSpec {
        field: "alliance",
        aliases: &["liên minh"],
        required: false,
    },
    ColumnSpec {
        field: "member_of",
        aliases: &["cũng là thành viên của"],
        required: false,
    },
];

/// The report summary export's columns that the tests read back.
const SUMMARY_SPEC: &[ColumnSpec] = &[
    ColumnSpec {
        field: "group",
        aliases: &["liên minh", "loại hình"],
        required: true,
    },
    ColumnSpec {
        field: "reports",
        aliases: &["số báo cáo"],
        required: true,
    },
];

/// Downloads a file that must answer 200 with `content_type`.
async fn download(app: &TestApp, client: &Client, path: &str, content_type: &str) -> Vec<u8> {
    let res = client
        .get(app.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = res.status();
    let got_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let disposition = res
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = res.bytes().await.expect("reading the download").to_vec();
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(got_type, content_type, "{path}");
    assert!(
        disposition.starts_with("attachment; filename="),
        "{path}: {disposition}"
    );
    bytes
}

fn read_back(bytes: &[u8], file_name: &str, spec: &[ColumnSpec]) -> Table {
    read_table(bytes, file_name, spec, &Limits::default())
        .unwrap_or_else(|e| panic!("reading back {file_name}: {e:?}"))
}

/// The text of a field in each data row.
fn column(table: &Table, field: &str) -> Vec<String> {
    table
        .rows
        .iter()
        .map(|r| r.get(field).map(Cell::as_text).unwrap_or_default())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

on_both_engines! {
    async fn a_messy_register_is_previewed_with_its_fixes_then_written_at_once_and_re_imported_as_updates(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let codes = ["0109555001", "0109555002", "0109555003", "0109555004"];
        assert!(holders(&app.db, &codes).await.is_empty(), "the codes are new to the registry");

        // Addresses: two 2025-style ones (nothing to convert) and a pre-2025 one.
        let ba_dinh = "Phường Ba Đình, Thành phố Hà Nội";
        let hoan_kiem = "Phường Hoàn Kiếm, Thành phố Hà Nội";
        let thanh_son = "xã Thanh Sơn, huyện Thanh Hà, tỉnh Hải Dương";
        assert_eq!(units_of(ba_dinh), (Some("01".into()), Some("00004".into()), None));
        let hoan_kiem_units = units_of(hoan_kiem);
        assert!(
            hoan_kiem_units.0.is_some() && hoan_kiem_units.1.is_some() && hoan_kiem_units.2.is_none(),
            "{hoan_kiem} is a 2025 address: {hoan_kiem_units:?}"
        );
        assert_eq!(
            units_of(thanh_son),
            (Some("31".into()), Some("10813".into()), Some("10867".into()))
        );

        // Headers with and without accents; title rows above them; a blank row; a total.
        let headers = [
            "STT",
            "Mã số HTX",
            "Ten hop tac xa",
            "Loại hình",
            "Linh vuc",
            "Ngày thành lập",
            "Thanh vien chinh thuc",
            "Vốn điều lệ (đồng)",
            "Địa chỉ trụ sở",
        ];
        let bytes = workbook(
            &headers,
            vec![
                // Row 4: the code was typed as a number and lost its leading zero.
                vec![n(1), n(109_555_001), t("Hợp tác xã Nông sản Sóc Sơn"), t("Hợp tác xã"),
                     t("Nông nghiệp"), t("15/03/2019"), n(12), t("1.500.000.000"), t(ba_dinh)],
                // Row 5: only the founding year is known.
                vec![n(2), t("0109555002"), t("Hợp tác xã Dịch vụ Mê Linh"), t("Hợp tác xã"),
                     t("Nông nghiệp"), t("năm 2015"), n(9), n(800_000_000), t(hoan_kiem)],
                // Row 6: blank.
                vec![ExportCell::Empty; 9],
                // Row 7: the name typed in capitals.
                vec![n(3), t("0109555003"), t("HỢP TÁC XÃ RAU SẠCH ĐÔNG ANH"), t("Hợp tác xã"),
                     t("Nông nghiệp"), t("02/09/2010"), n(7), t("300.000.000"), t(ba_dinh)],
                // Row 8: an address from before 1 July 2025.
                vec![n(4), t("0109555004"), t("Hợp tác xã Vải thiều Thanh Sơn"), t("Hợp tác xã"),
                     t("Nông nghiệp"), t("10/10/2012"), n(15), t("2.000.000.000"), t(thanh_son)],
                // Row 9: the total.
                vec![ExportCell::Empty, ExportCell::Empty, t("Tổng cộng"), ExportCell::Empty,
                     ExportCell::Empty, ExportCell::Empty, n(43), n(4_600_000_000), ExportCell::Empty],
            ],
        );
        let before = counts(&app.db).await;

        let id = upload_ok(&app, &staff, "So thanh vien HN 2025.xlsx", &bytes).await;
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert_eq!(flash(&page).as_deref(), Some("Đã kiểm tra tệp. Xem kết quả từng dòng bên dưới."));
        assert!(page.contains("Dòng tiêu đề: 3"), "{page}");
        assert!(page.contains("Sẽ thêm mới 4 tổ chức, cập nhật 0 tổ chức (theo mã số)."), "{page}");
        assert!(!page.contains("Các cột không nhận ra"), "every header was recognised: {page}");
        let stored = stored_import(&app, id).await;
        assert_eq!(
            (stored.status.as_str(), stored.total, stored.ok, stored.fixed, stored.error, stored.alliance),
            ("previewed", 4, 0, 4, 0, Some(hn))
        );

        // With no error, the page opens on the fixed rows: all four, each with what was fixed.
        let expected = vec![
            Shown {
                row: 4,
                name: "Hợp tác xã Nông sản Sóc Sơn".into(),
                code: "109555001".into(),
                status: "fixed".into(),
                errors: vec![],
                hints: vec![
                    "Mã số HTX: Mã số bị mất số 0 đầu (do Excel lưu dạng số): đã khôi phục thành 0109555001."
                        .into(),
                ],
            },
            Shown {
                row: 5,
                name: "Hợp tác xã Dịch vụ Mê Linh".into(),
                code: "0109555002".into(),
                status: "fixed".into(),
                errors: vec![],
                hints: vec!["Ngày thành lập: Chỉ ghi năm (“năm 2015”): lấy ngày 01/01/2015.".into()],
            },
            Shown {
                row: 7,
                name: "Hợp tác xã Rau Sạch Đông Anh".into(),
                code: "0109555003".into(),
                status: "fixed".into(),
                errors: vec![],
                hints: vec![
                    "Tên đầy đủ: Tên viết hoa toàn bộ được chuyển thành “Hợp tác xã Rau Sạch Đông Anh”.".into(),
                ],
            },
            Shown {
                row: 8,
                name: "Hợp tác xã Vải thiều Thanh Sơn".into(),
                code: "0109555004".into(),
                status: "fixed".into(),
                errors: vec![],
                hints: vec![
                    "Địa chỉ trụ sở: Địa chỉ cũ (Xã Thanh Sơn) được chuyển sang địa bàn mới: \
                     Xã Thanh Hà, Thành phố Hải Phòng."
                        .into(),
                ],
            },
        ];
        assert_eq!(shown_rows(&page), expected);
        assert_eq!(shown_rows(&page_ok(&app, &staff, &format!("/imports/{id}?show=all")).await), expected);
        let errors_tab = page_ok(&app, &staff, &format!("/imports/{id}?show=error")).await;
        assert!(shown_rows(&errors_tab).is_empty());
        assert!(errors_tab.contains("Không có dòng nào trong mục này."), "{errors_tab}");

        let skipped = skipped_rows(&page);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0], "Dòng 6: Dòng trống.");
        assert!(skipped[1].starts_with("Dòng 9: Dòng tổng cộng/ghi chú: Tổng cộng"), "{skipped:?}");

        // The preview wrote nothing to the registry: only the import itself is recorded.
        assert!(has_commit_button(&page, id), "{page}");
        let after_preview = counts(&app.db).await;
        assert_eq!(
            after_preview,
            Counts { changes: before.changes + 1, imports: before.imports + 1, ..before },
            "a preview wrote to the registry"
        );
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM change_log WHERE entity = 'import' AND entity_key = '{id}'"
                ))
                .await,
            1
        );
        assert!(holders(&app.db, &codes).await.is_empty());

        // The original file downloads as uploaded.
        let original = download(&app, &staff, &format!("/imports/{id}/file"), XLSX).await;
        assert!(original == bytes, "the original file changed ({} bytes, uploaded {})", original.len(), bytes.len());

        // Committing writes every row, in the staff's alliance, with its 2025 units.
        let res = click_commit(&app, &staff, id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/imports/{id}"));
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert_eq!(flash(&page).as_deref(), Some("Đã ghi toàn bộ tệp vào sổ thành viên."));
        assert!(page.contains("Đã ghi vào sổ"), "{page}");
        assert!(!has_commit_button(&page, id), "a committed import offers the commit again");
        let stored = stored_import(&app, id).await;
        assert_eq!(
            (stored.status.as_str(), stored.created, stored.updated, stored.committed),
            ("committed", 4, 0, true)
        );
        let after_commit = counts(&app.db).await;
        assert_eq!(after_commit.organisations, before.organisations + 4);
        assert_eq!(after_commit.organisation_changes, before.organisation_changes + 4);
        assert_eq!(holders(&app.db, &codes).await.values().copied().collect::<Vec<_>>(), [1, 1, 1, 1]);
        assert_eq!(
            app.db
                .scalar(
                    "SELECT COUNT(*) FROM change_log WHERE entity = 'organisation' AND op = 'create' \
                     AND actor_name = 'canbo.hanoi'"
                )
                .await,
            4
        );

        let record = |name: &str, founded: &str, members, capital, address: &str| {
            let (province, ward, legacy) = units_of(address);
            OrgRecord {
                name: name.into(),
                founded_on: Some(founded.into()),
                members_official: members,
                charter_capital: Some(capital),
                province_code: province,
                ward_code: ward,
                legacy_ward_code: legacy,
                alliance_id: Some(hn),
            }
        };
        assert_eq!(
            org_by_code(&app.db, "0109555001").await,
            record("Hợp tác xã Nông sản Sóc Sơn", "2019-03-15", 12, 1_500_000_000, ba_dinh)
        );
        assert_eq!(
            org_by_code(&app.db, "0109555002").await,
            record("Hợp tác xã Dịch vụ Mê Linh", "2015-01-01", 9, 800_000_000, hoan_kiem)
        );
        assert_eq!(
            org_by_code(&app.db, "0109555003").await,
            record("Hợp tác xã Rau Sạch Đông Anh", "2010-09-02", 7, 300_000_000, ba_dinh)
        );
        let thanh_son_org = org_by_code(&app.db, "0109555004").await;
        assert_eq!(
            thanh_son_org,
            record("Hợp tác xã Vải thiều Thanh Sơn", "2012-10-10", 15, 2_000_000_000, thanh_son)
        );
        assert_eq!(
            (thanh_son_org.province_code.as_deref(), thanh_son_org.ward_code.as_deref()),
            (Some("31"), Some("10813"))
        );

        // A second click changes nothing.
        let res = post_commit(&app, &staff, id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert_eq!(flash(&page).as_deref(), Some("Lần nhập này đã được ghi trước đó."));
        assert_eq!(counts(&app.db).await, after_commit);

        // The same file again updates the four organisations and creates none.
        let again = upload_ok(&app, &staff, "So thanh vien HN 2025.xlsx", &bytes).await;
        assert_ne!(again, id);
        let page = page_ok(&app, &staff, &format!("/imports/{again}")).await;
        assert!(page.contains("Sẽ thêm mới 0 tổ chức, cập nhật 4 tổ chức (theo mã số)."), "{page}");
        let res = click_commit(&app, &staff, again).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let stored = stored_import(&app, again).await;
        assert_eq!(
            (stored.status.as_str(), stored.created, stored.updated),
            ("committed", 0, 4)
        );
        let after_reimport = counts(&app.db).await;
        assert_eq!(after_reimport.organisations, after_commit.organisations, "the re-import duplicated rows");
        assert_eq!(holders(&app.db, &codes).await.values().copied().collect::<Vec<_>>(), [1, 1, 1, 1]);
        assert_eq!(org_by_code(&app.db, "0109555004").await, thanh_son_org);

        // Both imports are listed.
        let list = page_ok(&app, &staff, "/imports").await;
        for i in [id, again] {
            assert!(list.contains(&format!("<a href=\"/imports/{i}\">{i}</a>")), "{list}");
        }
    }

    async fn a_register_with_errors_says_why_for_each_row_and_cannot_be_committed(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let ct = app.alliance_id("CT").await;
        // Hợp tác xã Gạo sạch Phong Điền belongs to Cần Thơ.
        let ct_org = app.organisation_id("Hợp tác xã Gạo sạch Phong Điền").await;
        let ct_code = app
            .db
            .texts(&format!("SELECT registration_code FROM organisations WHERE id = {ct_org}"))
            .await
            .remove(0);
        assert_eq!(
            app.db.scalar(&format!("SELECT alliance_id FROM organisations WHERE id = {ct_org}")).await,
            ct
        );
        let ct_before = org_by_code(&app.db, &ct_code).await;

        let mut impossible_date = clean_row(2, "0109666002", "Hợp tác xã Ngày Lỗi");
        impossible_date[5] = t("31/02/2020");
        let mut four_members = clean_row(3, "0109666003", "Hợp tác xã Bốn Người");
        four_members[6] = n(4);
        let mut text_capital = clean_row(7, "0109666007", "Hợp tác xã Vốn Chữ");
        text_capital[7] = t("chưa góp vốn");
        let bytes = workbook(
            &HEADERS,
            vec![
                clean_row(1, "0109666001", "Hợp tác xã Hoa Tây Tựu"),
                impossible_date,
                four_members,
                clean_row(4, "0109666004", "Hợp tác xã Mã Đầu"),
                clean_row(5, "0109666004", "Hợp tác xã Mã Trùng"),
                clean_row(6, &ct_code, "Hợp tác xã Mượn Mã"),
                text_capital,
            ],
        );
        let before = counts(&app.db).await;
        let id = upload_ok(&app, &staff, "loi.xlsx", &bytes).await;
        let stored = stored_import(&app, id).await;
        assert_eq!((stored.total, stored.ok, stored.fixed, stored.error), (7, 2, 0, 5));

        // The page opens on the rows in error, each saying why.
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        let shown = shown_rows(&page);
        let why: Vec<(usize, &str, Vec<String>)> = shown
            .iter()
            .map(|r| (r.row, r.status.as_str(), r.errors.clone()))
            .collect();
        let e = |s: &str| vec![s.to_string()];
        assert_eq!(
            why,
            vec![
                (5, "error", e("Ngày thành lập: Ngày 31/2/2020 không tồn tại.")),
                (
                    6,
                    "error",
                    e("Thành viên chính thức: Theo Luật Hợp tác xã 2023, loại hình này cần ít nhất 5 thành viên chính thức.")
                ),
                (8, "error", e("Mã số HTX: Mã số này đã xuất hiện ở dòng 7 của cùng tệp.")),
                (
                    9,
                    "error",
                    e("Mã số HTX: Mã số này thuộc một tổ chức do Liên minh khác quản lý; không thể nhập vào Liên minh này.")
                ),
                (
                    10,
                    "error",
                    e("Vốn điều lệ (đồng): Không đọc được số tiền “chưa góp vốn”. Ví dụ: 1.500.000.000 hoặc 1,5 tỷ.")
                ),
            ]
        );
        assert_eq!(shown[1].name, "Hợp tác xã Bốn Người");
        assert_eq!(shown[3].code, ct_code);
        let all = shown_rows(&page_ok(&app, &staff, &format!("/imports/{id}?show=all")).await);
        assert_eq!(
            all.iter().map(|r| (r.row, r.status.as_str())).collect::<Vec<_>>(),
            // Rows without findings are counted, not listed.
            [(5, "error"), (6, "error"), (8, "error"), (9, "error"), (10, "error")]
        );

        // No commit button, but the reason; and a commit posted anyway writes nothing.
        assert!(!has_commit_button(&page, id), "{page}");
        assert!(
            alerts(&page).iter().any(|a| a.starts_with("Tệp còn dòng lỗi nên chưa thể ghi.")),
            "{:?}",
            alerts(&page)
        );
        let after_preview = counts(&app.db).await;
        assert_eq!(after_preview.organisations, before.organisations);
        assert_eq!(after_preview.organisation_changes, before.organisation_changes);
        let res = post_commit(&app, &staff, id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/imports/{id}"));
        assert_eq!(counts(&app.db).await, after_preview);
        assert!(holders(&app.db, &["0109666001", "0109666004", "0109666007"]).await.is_empty());
        let stored = stored_import(&app, id).await;
        assert_eq!((stored.status.as_str(), stored.created, stored.updated, stored.committed), ("previewed", 0, 0, false));
        assert_eq!(org_by_code(&app.db, &ct_code).await, ct_before, "another alliance's organisation changed");
    }

    async fn files_that_are_not_registers_are_refused_with_a_message_and_nothing_is_kept(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        let before = counts(&app.db).await;

        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n".to_vec();
        let legacy = tcvn3("stt;tên hợp tác xã;mã số thuế\r\n1;hợp tác xã nông nghiệp đông anh;0101234567\r\n");
        let no_header = workbook(
            &["Cột 1", "Cột 2", "Cột 3"],
            vec![vec![t("Sóc Sơn"), n(12), t("x")], vec![t("Mê Linh"), n(9), t("y")]],
        );
        // Over the reader's 20 MiB, under what the route lets through.
        let too_large = vec![b'a'; 21 * 1024 * 1024];
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "so-thanh-vien.xlsx",
                pdf,
                "Tệp này không phải bảng tính (nội dung giống tệp pdf). Chỉ nhận Excel (.xlsx, .xls), \
                 LibreOffice (.ods) hoặc CSV.",
            ),
            ("trong.xlsx", Vec::new(), "Tệp không có dữ liệu."),
            (
                "vntime.csv",
                legacy,
                "Tệp dùng bảng mã cũ (tcvn3, phông .VnTime/VNI). Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”, \
                 hoặc chuyển sang Unicode bằng công cụ chuyển mã của Unikey, rồi tải lên lại.",
            ),
            (
                "khong-tieu-de.xlsx",
                no_header,
                "Không tìm thấy dòng tiêu đề cột. Trong 30 dòng đầu cần có các cột: tên hợp tác xã",
            ),
            (
                "rat-lon.csv",
                too_large,
                "Tệp nặng 21.0 MB, vượt giới hạn 20.0 MB. Hãy xoá các trang tính không cần hoặc chia nhỏ tệp.",
            ),
        ];
        for (file_name, bytes, message) in cases {
            let res = upload(&app, &staff, file_name, &bytes, None).await;
            let (status, page) = text(res).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file_name}: {page}");
            let shown = alerts(&page);
            assert!(
                shown.iter().any(|a| a.starts_with(message)),
                "{file_name}: expected {message:?}, the page says {shown:?}"
            );
            assert!(page.contains("enctype=\"multipart/form-data\""), "{file_name}: the form is shown again");
            assert_eq!(counts(&app.db).await, before, "{file_name} left something behind");
        }

        // Beyond what the route accepts at all, the request itself is refused.
        let res = upload(&app, &staff, "qua-lon.xlsx", &vec![b'a'; 25 * 1024 * 1024], None).await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(counts(&app.db).await, before);

        // A register of a few megabytes, well under the 20 MB the page promises, is read.
        let mut rows = Vec::new();
        let filler = "x".repeat(60_000);
        for i in 0..60 {
            let mut row = clean_row(i + 1, &format!("0109556{i:03}"), &format!("Hợp tác xã Số {i}"));
            row.push(t(&filler));
            rows.push(row);
        }
        let mut headers = HEADERS.to_vec();
        headers.push("Ghi chép");
        let csv = {
            let mut out = headers.join(";");
            out.push_str("\r\n");
            for row in &rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        ExportCell::Text(s) => s.clone(),
                        ExportCell::Integer(v) => v.to_string(),
                        _ => String::new(),
                    })
                    .collect();
                out.push_str(&cells.join(";"));
                out.push_str("\r\n");
            }
            out.into_bytes()
        };
        assert!(csv.len() > 3 * 1024 * 1024, "{} bytes", csv.len());
        let id = upload_ok(&app, &staff, "lon.csv", &csv).await;
        let stored = stored_import(&app, id).await;
        assert_eq!((stored.total, stored.error), (60, 0));
    }

    async fn a_commit_that_fails_midway_writes_no_row_and_leaves_the_import_to_retry(engine) {
        let app = spawn_app(engine).await;
        let staff = app.login("canbo.hanoi").await;
        // The database refuses any organisation of this name, as a full disk or a bug would. The
        // last row renames Đông Dư to it: two new organisations and an update of Bát Tràng come
        // before it, whatever order the commit writes creations and updates in.
        let refused = "Hợp tác xã Ghi Lỗi";
        let mut existing = Vec::new();
        for name in ["Hợp tác xã Gốm Bát Tràng", "Hợp tác xã Nông nghiệp Đông Dư"] {
            let id = app.organisation_id(name).await;
            let code = app
                .db
                .texts(&format!("SELECT registration_code FROM organisations WHERE id = {id}"))
                .await
                .remove(0);
            existing.push((id, code));
        }
        let versions_sql = format!(
            "SELECT CAST(version AS BIGINT) FROM organisations WHERE id IN ({}, {}) ORDER BY id",
            existing[0].0, existing[1].0
        );
        let versions = app.db.ints(&versions_sql).await;
        let mut records = Vec::new();
        for (_, code) in &existing {
            records.push(org_by_code(&app.db, code).await);
        }
        let new_codes = ["0109555101", "0109555102"];
        let bytes = clean_workbook(&[
            (new_codes[0], "Hợp tác xã Ghi Trước"),
            (new_codes[1], "Hợp tác xã Ghi Giữa"),
            (&existing[0].1, "Hợp tác xã Gốm Bát Tràng"),
            (&existing[1].1, refused),
        ]);
        let id = upload_ok(&app, &staff, "giua-chung.xlsx", &bytes).await;
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert!(page.contains("Sẽ thêm mới 2 tổ chức, cập nhật 2 tổ chức (theo mã số)."), "{page}");
        assert_eq!(stored_import(&app, id).await.error, 0);

        match engine {
            Engine::Sqlite => {
                for (name, op) in [("lk_test_refuse_insert", "INSERT"), ("lk_test_refuse_update", "UPDATE")] {
                    app.db
                        .execute(&format!(
                            "CREATE TRIGGER {name} BEFORE {op} ON organisations WHEN NEW.name = '{refused}' \
                             BEGIN SELECT RAISE(ABORT, 'organisation refused'); END"
                        ))
                        .await;
                }
            }
            Engine::Postgres => {
                app.db
                    .execute(&format!(
                        "CREATE FUNCTION lk_test_refuse_org() RETURNS trigger LANGUAGE plpgsql AS \
                         $$ BEGIN IF NEW.name = '{refused}' THEN RAISE EXCEPTION 'organisation refused'; \
                         END IF; RETURN NEW; END $$"
                    ))
                    .await;
                app.db
                    .execute(
                        "CREATE TRIGGER lk_test_refuse_org BEFORE INSERT OR UPDATE ON organisations \
                         FOR EACH ROW EXECUTE FUNCTION lk_test_refuse_org()",
                    )
                    .await;
            }
        }
        let before = counts(&app.db).await;
        let res = click_commit(&app, &staff, id).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{page}");
        assert!(!page.contains("organisation refused"), "the cause leaked: {page}");

        assert_eq!(counts(&app.db).await, before, "part of the import was written");
        assert!(holders(&app.db, &new_codes).await.is_empty(), "new organisations were kept");
        assert_eq!(app.db.ints(&versions_sql).await, versions, "updates were kept");
        for ((_, code), record) in existing.iter().zip(&records) {
            assert_eq!(&org_by_code(&app.db, code).await, record);
        }
        let stored = stored_import(&app, id).await;
        assert_eq!(
            (stored.status.as_str(), stored.created, stored.updated, stored.committed),
            ("previewed", 0, 0, false)
        );
        let page = page_ok(&app, &staff, &format!("/imports/{id}")).await;
        assert!(has_commit_button(&page, id), "the import can be committed again: {page}");

        // Once the cause is gone, the same import goes through whole.
        let drops: &[&str] = match engine {
            Engine::Sqlite => &["DROP TRIGGER lk_test_refuse_insert", "DROP TRIGGER lk_test_refuse_update"],
            Engine::Postgres => &["DROP TRIGGER lk_test_refuse_org ON organisations"],
        };
        for sql in drops {
            app.db.execute(sql).await;
        }
        let res = click_commit(&app, &staff, id).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let stored = stored_import(&app, id).await;
        assert_eq!((stored.status.as_str(), stored.created, stored.updated), ("committed", 2, 2));
        assert_eq!(holders(&app.db, &new_codes).await.len(), 2);
        assert_eq!(org_by_code(&app.db, &existing[1].1).await.name, refused);
        assert_eq!(
            app.db.ints(&versions_sql).await,
            versions.iter().map(|v| v + 1).collect::<Vec<_>>()
        );
    }

    async fn staff_see_and_commit_only_their_alliances_imports_and_representatives_none(engine) {
        let app = spawn_app(engine).await;
        let admin = app.login("admin").await;
        let staff = app.login("canbo.hanoi").await;
        let rep = app.login("daidien.htx").await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let bytes = clean_workbook(&[("0109777001", "Hợp tác xã Lúa Thơm Cờ Đỏ")]);

        // An admin must say which alliance receives the rows.
        let before = counts(&app.db).await;
        let res = upload(&app, &admin, "ct.xlsx", &bytes, None).await;
        let (status, page) = text(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert_eq!(alerts(&page), ["Hãy chọn Liên minh nhận các tổ chức trong tệp."]);
        assert_eq!(counts(&app.db).await, before);

        let res = upload(&app, &admin, "ct.xlsx", &bytes, Some(ct)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let ct_import: i64 = location(&res).strip_prefix("/imports/").unwrap().parse().unwrap();
        assert_eq!(stored_import(&app, ct_import).await.alliance, Some(ct));

        // Hà Nội staff neither see nor commit it.
        for path in [
            format!("/imports/{ct_import}"),
            format!("/imports/{ct_import}?show=all"),
            format!("/imports/{ct_import}/file"),
        ] {
            let (status, page) = app.page(&staff, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(!page.contains("Lúa Thơm Cờ Đỏ"), "{path} shows the import: {page}");
        }
        let res = post_commit(&app, &staff, ct_import).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(stored_import(&app, ct_import).await.status, "previewed");
        assert!(holders(&app.db, &["0109777001"]).await.is_empty());
        let list = page_ok(&app, &staff, "/imports").await;
        assert!(!list.contains(&format!("/imports/{ct_import}\"")), "{list}");
        assert!(list.contains("Chưa có lần nhập nào."), "{list}");

        // Staff import into their own alliance whatever the form says.
        let res = upload(&app, &staff, "hn.xlsx", &bytes, Some(ct)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let hn_import: i64 = location(&res).strip_prefix("/imports/").unwrap().parse().unwrap();
        assert_eq!(stored_import(&app, hn_import).await.alliance, Some(hn));

        // A representative has no import pages at all.
        let rep_before = counts(&app.db).await;
        for path in [
            "/imports".to_string(),
            "/imports/template.xlsx".to_string(),
            format!("/imports/{hn_import}"),
            format!("/imports/{hn_import}/file"),
        ] {
            let (status, _) = app.page(&rep, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let res = upload(&app, &rep, "rep.xlsx", &bytes, None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = post_commit(&app, &rep, hn_import).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(counts(&app.db).await, rep_before);

        // The admin commits the Cần Thơ import into Cần Thơ; staff get the template.
        let res = click_commit(&app, &admin, ct_import).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(org_by_code(&app.db, "0109777001").await.alliance_id, Some(ct));
        let template = download(&app, &staff, "/imports/template.xlsx", XLSX).await;
        let table = read_back(&template, "mau.xlsx", lienket_web::import::REGISTRY_COLUMNS);
        assert!(table.unknown_columns.is_empty(), "{:?}", table.unknown_columns);
        assert_eq!(table.rows.len(), 1);
    }

    async fn the_command_line_import_checks_then_writes_and_names_an_unknown_alliance(engine) {
        let db = TestDb::new(engine).await;
        db.seed_with_admin_token().await;
        let hn = db.scalar("SELECT id FROM alliances WHERE code = 'HN'").await;
        let file = db.dir().join("so-thanh-vien-hn.xlsx");
        let mut lost_zero = clean_row(1, "", "Hợp tác xã Cói Kim Sơn");
        lost_zero[1] = n(109_888_001);
        std::fs::write(
            &file,
            workbook(&HEADERS, vec![lost_zero, clean_row(2, "0109888002", "Hợp tác xã Mây Tre Phú Vinh")]),
        )
        .unwrap();
        let file_arg = file.display().to_string();
        let limit = Duration::from_secs(60);
        let before = counts(&db).await;

        let out = run_lienket(
            &args(&["import", "registry", &file_arg, "--alliance", "HN", "--dry-run"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(
            out.stdout.contains(
                "row      4 fixed  [registration_code] Mã số bị mất số 0 đầu (do Excel lưu dạng số): \
                 đã khôi phục thành 0109888001."
            ),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("2 data rows: 1 ok, 1 fixed, 0 in error; 0 skipped rows"), "{}", out.stdout);
        assert!(out.stdout.contains("dry run: nothing was written"), "{}", out.stdout);
        assert_eq!(counts(&db).await, before, "a dry run wrote");

        let out = run_lienket(
            &args(&["import", "registry", &file_arg, "--alliance", "HN"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(out.success, "{out:?}");
        assert!(out.stdout.contains(": 2 created, 0 "), "{}", out.stdout);
        let after = counts(&db).await;
        assert_eq!(after.organisations, before.organisations + 2);
        assert_eq!(after.imports, before.imports + 1);
        assert_eq!(
            db.ints("SELECT alliance_id FROM organisations WHERE registration_code IN ('0109888001', '0109888002')")
                .await,
            [hn, hn]
        );
        assert_eq!(
            db.texts("SELECT status FROM imports").await,
            ["committed"],
            "the command's import is recorded"
        );

        // A file with a row in error is reported and nothing is written.
        let bad = db.dir().join("loi.xlsx");
        let mut four = clean_row(1, "0109888003", "Hợp tác xã Bốn Người");
        four[6] = n(4);
        std::fs::write(&bad, workbook(&HEADERS, vec![four])).unwrap();
        let out = run_lienket(
            &args(&["import", "registry", &bad.display().to_string(), "--alliance", "HN"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(!out.success, "{out:?}");
        assert!(
            out.stdout.contains(
                "row      4 ERROR  [members_official] Theo Luật Hợp tác xã 2023, loại hình này cần ít nhất 5 \
                 thành viên chính thức."
            ),
            "{}",
            out.stdout
        );
        assert!(out.stderr.contains("1 rows in error: nothing was written"), "{}", out.stderr);
        assert_eq!(counts(&db).await, after);

        // An alliance that does not exist is named, and nothing is written.
        let out = run_lienket(
            &args(&["import", "registry", &file_arg, "--alliance", "XX"], &db.cli_args()),
            None,
            limit,
        )
        .await;
        assert!(!out.success, "{out:?}");
        assert!(out.stderr.contains("no alliance with code XX"), "{}", out.stderr);
        assert_eq!(counts(&db).await, after);
    }

    async fn the_registry_export_holds_exactly_the_filtered_list_and_escapes_formulas(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;

        // XLSX of a filtered list, read back: exactly the organisations of the filter.
        let expected = sorted(
            app.db
                .texts(
                    "SELECT registration_code FROM organisations \
                     WHERE province_code = '01' AND kind = 'cooperative'",
                )
                .await,
        );
        let all = app.db.scalar("SELECT COUNT(*) FROM organisations").await as usize;
        assert!(!expected.is_empty() && expected.len() < all, "the filter must select some: {expected:?}");
        let bytes = download(
            &app,
            &coordinator,
            "/organisations/export?format=xlsx&province=01&kind=cooperative",
            XLSX,
        )
        .await;
        let table = read_back(&bytes, "so-thanh-vien.xlsx", EXPORT_SPEC);
        assert_eq!(table.header_row, 3);
        assert_eq!(sorted(column(&table, "code")), expected);

        // CSV for Hà Nội staff: UTF-8 with a BOM, their alliance only (whatever the query
        // says), and a name that looks like a formula is written as text.
        let staff = app.login("canbo.hanoi").await;
        let (hn, ct) = (app.alliance_id("HN").await, app.alliance_id("CT").await);
        let formula = "=1+2 Hợp tác xã Công Thức";
        let victim = app.organisation_id("Hợp tác xã Gốm Bát Tràng").await;
        app.db
            .execute(&format!("UPDATE organisations SET name = '{formula}' WHERE id = {victim}"))
            .await;
        let bytes = download(
            &app,
            &staff,
            &format!("/organisations/export?format=csv&alliance={ct}"),
            "text/csv; charset=utf-8",
        )
        .await;
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM: {:?}", &bytes[..bytes.len().min(8)]);
        let csv = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        assert!(csv.contains(&format!(",'{formula},")), "the formula is not escaped: {csv}");
        assert!(!csv.contains(&format!(",{formula}")), "{csv}");

        let table = read_back(&bytes, "so-thanh-vien.csv", EXPORT_SPEC);
        let mut hn_names = app
            .db
            .texts(&format!("SELECT name FROM organisations WHERE {}", in_alliance(hn)))
            .await;
        assert!(hn_names.len() < all);
        for name in &mut hn_names {
            if name == formula {
                *name = format!("'{formula}");
            }
        }
        assert_eq!(sorted(column(&table, "name")), sorted(hn_names));
        let hn_codes = app
            .db
            .texts(&format!(
                "SELECT registration_code FROM organisations WHERE {} \
                 AND registration_code IS NOT NULL",
                in_alliance(hn)
            ))
            .await;
        let exported_codes: Vec<String> = column(&table, "code").into_iter().filter(|c| !c.is_empty()).collect();
        assert_eq!(sorted(exported_codes), sorted(hn_codes));
        let short_name = app
            .db
            .texts(&format!("SELECT short_name FROM alliances WHERE id = {hn}"))
            .await
            .remove(0);
        // Each row is managed by Hà Nội or names Hà Nội among its other alliances.
        let rows: Vec<(String, String)> =
            column(&table, "alliance").into_iter().zip(column(&table, "member_of")).collect();
        assert!(rows.iter().any(|(_, m)| m.contains(&short_name)), "the demo's members of two alliances");
        for (managing, member_of) in &rows {
            assert!(managing == &short_name || member_of.split(", ").any(|m| m == short_name), "{managing} / {member_of}");
        }

        // A representative exports nothing.
        let rep = app.login("daidien.htx").await;
        let (status, _) = app.page(&rep, "/organisations/export?format=csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn the_report_summary_export_has_one_row_per_group(engine) {
        let app = spawn_app(engine).await;
        let coordinator = app.login("dieuphoi").await;
        // Last year's reports are all accepted in the demonstration data.
        let year = time::OffsetDateTime::now_utc().year() - 1;
        let accepted = format!(
            "FROM activity_reports r JOIN organisations o ON o.id = r.organisation_id \
             WHERE r.year = {year} AND r.period = 'year' AND r.status = 'accepted'"
        );
        let by_alliance: BTreeMap<String, i64> = app
            .db
            .rows(&format!(
                "SELECT a.short_name, COUNT(*) FROM activity_reports r \
                 JOIN organisations o ON o.id = r.organisation_id JOIN alliances a ON a.id = o.alliance_id \
                 WHERE r.year = {year} AND r.period = 'year' AND r.status = 'accepted' GROUP BY a.short_name"
            ))
            .await
            .iter()
            .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap()))
            .collect();
        assert_eq!(by_alliance.len(), 5, "{by_alliance:?}");
        assert_eq!(
            by_alliance.values().sum::<i64>(),
            app.db.scalar(&format!("SELECT COUNT(*) {accepted}")).await,
            "every organisation has an alliance"
        );

        let bytes = download(
            &app,
            &coordinator,
            &format!("/reports/summary/export?format=xlsx&year={year}&by=alliance"),
            XLSX,
        )
        .await;
        let table = read_back(&bytes, "tong-hop.xlsx", SUMMARY_SPEC);
        let shown: BTreeMap<String, i64> = table
            .rows
            .iter()
            .map(|r| {
                let reports = r.get("reports").and_then(Cell::as_number).expect("a number") as i64;
                (r.get("group").map(Cell::as_text).unwrap_or_default(), reports)
            })
            .collect();
        assert_eq!(table.rows.len(), shown.len(), "a group appears twice");
        assert_eq!(shown, by_alliance);

        // By kind, as CSV.
        let kinds: BTreeMap<String, i64> = app
            .db
            .rows(&format!("SELECT o.kind, COUNT(*) {accepted} GROUP BY o.kind"))
            .await
            .iter()
            .map(|r| {
                let kind: String = r.try_get_by_index(0).unwrap();
                let label = match kind.as_str() {
                    "cooperative" => "Hợp tác xã",
                    "cooperative_group" => "Tổ hợp tác",
                    "cooperative_union" => "Liên hiệp hợp tác xã",
                    other => panic!("unknown kind {other}"),
                };
                (label.to_string(), r.try_get_by_index(1).unwrap())
            })
            .collect();
        assert!(kinds.len() > 1, "{kinds:?}");
        let bytes = download(
            &app,
            &coordinator,
            &format!("/reports/summary/export?format=csv&year={year}&by=kind"),
            "text/csv; charset=utf-8",
        )
        .await;
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let table = read_back(&bytes, "tong-hop.csv", SUMMARY_SPEC);
        let shown: BTreeMap<String, i64> = table
            .rows
            .iter()
            .map(|r| {
                let reports = r.get("reports").map(Cell::as_text).unwrap_or_default();
                (
                    r.get("group").map(Cell::as_text).unwrap_or_default(),
                    reports.parse().unwrap_or_else(|_| panic!("a count: {reports:?}")),
                )
            })
            .collect();
        assert_eq!(table.rows.len(), kinds.len());
        assert_eq!(shown, kinds);

        // Staff see their own alliance's group only.
        let staff = app.login("canbo.hanoi").await;
        let hn = app.alliance_id("HN").await;
        let hn_short = app
            .db
            .texts(&format!("SELECT short_name FROM alliances WHERE id = {hn}"))
            .await
            .remove(0);
        let bytes = download(
            &app,
            &staff,
            &format!("/reports/summary/export?format=xlsx&year={year}&by=alliance"),
            XLSX,
        )
        .await;
        let table = read_back(&bytes, "tong-hop.xlsx", SUMMARY_SPEC);
        assert_eq!(column(&table, "group"), std::slice::from_ref(&hn_short));
        assert_eq!(
            table.rows[0].get("reports").and_then(Cell::as_number).map(|n| n as i64),
            by_alliance.get(&hn_short).copied()
        );
    }
}
