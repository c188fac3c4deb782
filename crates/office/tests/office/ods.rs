//! Registers saved by LibreOffice (ODS), built by hand as LibreOffice writes them.

use lienket_office::{Cell, Format, Limits, ReadError, read_table};

use crate::helpers::{SPEC, blank, column, covered, date, merged, n, note_keys, ods, read, read_ok, row, s};

fn register() -> Vec<u8> {
    let hidden = format!(
        r#"<table:table table:name="Nháp" table:style-name="ta2">{}{}</table:table>"#,
        row(&[s("Tên HTX"), s("Mã số thuế")]),
        row(&[s("HTX nháp"), s("0100000000")]),
    );
    let sheet = format!(
        r#"<table:table table:name="Danh sách" table:style-name="ta1">{}{}{}{}{}{}{}<table:table-row table:number-rows-repeated="1048570">{}</table:table-row></table:table>"#,
        row(&[
            merged("DANH SÁCH HỢP TÁC XÃ NĂM 2024", 1, 4),
            covered(),
            covered(),
            covered()
        ]),
        row(&[
            s("Tên hợp tác xã"),
            s("Mã số HTX"),
            s("Ngày thành lập"),
            s("Quận/Huyện")
        ]),
        row(&[
            s("HTX Tiên Phong"),
            s("0101234567"),
            date("2019-03-15"),
            merged("Đông Anh", 2, 1)
        ]),
        row(&[s("HTX Văn Đức"), n(106543210.0), s("15/3/2019"), covered()]),
        row(&[blank(4)]),
        row(&[
            s("HTX Yên Viên"),
            s("0108888888"),
            date("2020-01-02T00:00:00"),
            s("Gia Lâm")
        ]),
        row(&[s("Tổng cộng"), blank(3)]),
        blank(1024),
    );
    ods(&format!("{hidden}{sheet}"))
}

#[test]
fn an_ods_register_is_read_with_dates_merges_and_hidden_sheets() {
    let table = read_ok(&register(), "ds.ods");
    assert_eq!(table.format, Format::Ods);
    assert_eq!(table.sheet, "Danh sách");
    assert_eq!(table.header_row, 2);
    assert_eq!(
        column(&table, "name"),
        ["HTX Tiên Phong", "HTX Văn Đức", "HTX Yên Viên"]
    );
    assert_eq!(column(&table, "code"), ["0101234567", "106543210", "0108888888"]);
    assert_eq!(table.rows[0].get("founded"), Some(&Cell::DateSerial(43539.0)));
    assert_eq!(
        column(&table, "founded"),
        ["15/03/2019", "15/3/2019", "02/01/2020"]
    );
    assert_eq!(column(&table, "district"), ["Đông Anh", "Đông Anh", "Gia Lâm"]);
    assert_eq!(table.rows[1].filled, vec![3]);
    let keys = note_keys(&table);
    assert!(keys.contains(&"note-import-hidden-sheet"), "{keys:?}");
    assert!(keys.contains(&"note-import-merged-filled"), "{keys:?}");
    assert_eq!(
        table
            .skipped
            .iter()
            .map(|(n, r)| (*n, r.key()))
            .collect::<Vec<_>>(),
        [(5, "skip-blank"), (7, "skip-footer")]
    );
}

#[test]
fn rows_repeated_past_the_limit_are_refused_before_calamine_expands_them() {
    let sheet = format!(
        r#"<table:table table:name="S" table:style-name="ta1">{}<table:table-row table:number-rows-repeated="500">{}{}</table:table-row></table:table>"#,
        row(&[s("Tên HTX"), s("Mã số thuế")]),
        s("HTX"),
        s("0100000000"),
    );
    let limits = Limits {
        max_rows: 100,
        ..Limits::default()
    };
    let result = read_table(&ods(&sheet), "x.ods", SPEC, &limits);
    assert!(
        matches!(result, Err(ReadError::TooManyRows { ref sheet, max: 100 }) if sheet == "S"),
        "{result:?}"
    );
}

#[test]
fn cells_repeated_across_thousands_of_columns_are_refused() {
    let sheet = format!(
        r#"<table:table table:name="S" table:style-name="ta1">{}<table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
        row(&[s("Tên HTX"), s("Mã số thuế")]),
    );
    let result = read(&ods(&sheet), "x.ods");
    assert!(
        matches!(result, Err(ReadError::TooManyCells { .. })),
        "{result:?}"
    );
}

#[test]
fn a_password_protected_ods_is_refused() {
    let encryption = r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data>"#;
    let bytes = crate::helpers::ods_with_manifest(&row(&[s("x")]), encryption);
    let result = read(&bytes, "secret.ods");
    assert!(matches!(result, Err(ReadError::Encrypted)), "{result:?}");
}
