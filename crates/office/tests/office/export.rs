//! Exports: XLSX for people (read back to check), CSV for Excel and other programs.

use std::io::{Cursor, Read};

use lienket_office::{
    Cell, ColumnKind, ColumnSpec, ExportCell, ExportColumn, Limits, WriteError, read_table, write_csv,
    write_xlsx,
};

fn columns() -> Vec<ExportColumn> {
    let column = |header: &str, kind, width| ExportColumn {
        header: header.to_string(),
        kind,
        width,
    };
    vec![
        column("Tên hợp tác xã", ColumnKind::Text, 40.0),
        column("Mã số HTX", ColumnKind::Text, 14.0),
        column("Số thành viên", ColumnKind::Integer, 12.0),
        column("Vốn điều lệ (đồng)", ColumnKind::Money, 18.0),
        column("Tỷ lệ thành viên nữ", ColumnKind::Decimal, 10.0),
        column("Ngày thành lập", ColumnKind::Date, 14.0),
    ]
}

fn rows() -> Vec<Vec<ExportCell>> {
    vec![
        vec![
            ExportCell::Text("HTX Nông nghiệp Tiên Phong".into()),
            ExportCell::Text("0101234567".into()),
            ExportCell::Integer(27),
            ExportCell::Money(1_500_000_000),
            ExportCell::Decimal(0.45),
            ExportCell::Date(2019, 3, 15),
        ],
        vec![
            ExportCell::Text("=HYPERLINK(\"http://x\")".into()),
            ExportCell::Empty,
            ExportCell::Integer(7),
            ExportCell::Money(0),
            ExportCell::Empty,
            ExportCell::Date(2024, 2, 29),
        ],
    ]
}

const SPEC: &[ColumnSpec] = &[
    ColumnSpec {
        field: "name",
        aliases: &["tên hợp tác xã"],
        required: true,
    },
    ColumnSpec {
        field: "code",
        aliases: &["mã số htx"],
        required: true,
    },
    ColumnSpec {
        field: "members",
        aliases: &["số thành viên"],
        required: false,
    },
    ColumnSpec {
        field: "capital",
        aliases: &["vốn điều lệ"],
        required: false,
    },
    ColumnSpec {
        field: "women",
        aliases: &["tỷ lệ thành viên nữ"],
        required: false,
    },
    ColumnSpec {
        field: "founded",
        aliases: &["ngày thành lập"],
        required: false,
    },
];

fn xlsx() -> Vec<u8> {
    write_xlsx(
        "DANH SÁCH HỢP TÁC XÃ THÀNH VIÊN",
        "Lĩnh vực: nông nghiệp — xuất ngày 20/11/2026",
        "Danh sách",
        &columns(),
        &rows(),
    )
    .unwrap()
}

#[test]
fn an_xlsx_export_reads_back_to_the_same_values() {
    let table = read_table(&xlsx(), "export.xlsx", SPEC, &Limits::default()).unwrap();
    assert_eq!(table.sheet, "Danh sách");
    assert_eq!(table.header_row, 3);
    assert!(table.unknown_columns.is_empty() && table.missing_required.is_empty());
    assert!(table.skipped.is_empty(), "{:?}", table.skipped);
    let first = &table.rows[0];
    assert_eq!(
        first.get("name"),
        Some(&Cell::Text("HTX Nông nghiệp Tiên Phong".into()))
    );
    assert_eq!(first.get("code"), Some(&Cell::Text("0101234567".into())));
    assert_eq!(first.get("members"), Some(&Cell::Number(27.0)));
    assert_eq!(first.get("capital"), Some(&Cell::Number(1_500_000_000.0)));
    assert_eq!(first.get("women"), Some(&Cell::Number(0.45)));
    assert_eq!(
        first
            .get("founded")
            .and_then(Cell::as_date)
            .map(|d| d.to_string()),
        Some("15/03/2019".into())
    );
    let second = &table.rows[1];
    assert_eq!(
        second.get("name"),
        Some(&Cell::Text("=HYPERLINK(\"http://x\")".into()))
    );
    assert_eq!(second.get("code"), Some(&Cell::Empty));
    assert_eq!(
        second.get("founded").map(Cell::as_text),
        Some("29/02/2024".into())
    );
}

/// The text of one part of the XLSX package.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_xlsx_has_a_frozen_filtered_formatted_header() {
    let bytes = xlsx();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>"#),
        "{sheet}"
    );
    assert!(sheet.contains(r#"<autoFilter ref="A3:F5"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<mergeCell ref="A1:F1"/>"#) && sheet.contains(r#"<mergeCell ref="A2:F2"/>"#));
    assert!(
        sheet.contains(r#"<col min="1" max="1" width="40.7109375" customWidth="1"/>"#),
        "{sheet}"
    );
    let styles = part(&bytes, "xl/styles.xml");
    for needle in [
        r##"formatCode="#,##0""##,
        r##"formatCode="#,##0.00""##,
        r#"formatCode="dd/mm/yyyy""#,
        r#"<name val="Times New Roman"/>"#,
        r#"<fgColor rgb="FFDDEBF7"/>"#,
        r#"wrapText="1""#,
    ] {
        assert!(styles.contains(needle), "{needle} in {styles}");
    }
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
}

#[test]
fn an_impossible_date_is_refused_with_its_position() {
    let rows = vec![vec![
        ExportCell::Empty,
        ExportCell::Empty,
        ExportCell::Empty,
        ExportCell::Empty,
        ExportCell::Empty,
        ExportCell::Date(2023, 2, 29),
    ]];
    match write_xlsx("t", "s", "x", &columns(), &rows) {
        Err(
            e @ WriteError::InvalidDate {
                row: 0, column: 5, ..
            },
        ) => {
            assert_eq!(e.key(), "err-export-invalid-date");
            assert_eq!(
                e.args(),
                vec![
                    ("row", "1".to_string()),
                    ("column", "6".to_string()),
                    ("value", "29/02/2023".to_string())
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_csv_export_is_utf8_with_a_bom_and_crlf_for_excel() {
    let csv = write_csv(&columns(), &rows());
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&csv[3..]).unwrap();
    assert_eq!(
        text,
        "Tên hợp tác xã,Mã số HTX,Số thành viên,Vốn điều lệ (đồng),Tỷ lệ thành viên nữ,Ngày thành lập\r\n\
         HTX Nông nghiệp Tiên Phong,0101234567,27,1500000000,0.45,15/03/2019\r\n\
         \"'=HYPERLINK(\"\"http://x\"\")\",,7,0,,29/02/2024\r\n"
    );
}

#[test]
fn csv_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised() {
    let columns = vec![ExportColumn {
        header: "Ghi chú".into(),
        kind: ColumnKind::Text,
        width: 10.0,
    }];
    let cases = [
        ("=1+1", "'=1+1"),
        ("+84912345678", "'+84912345678"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "\"'\r=1\""),
        ("a=b", "a=b"),
        ("HTX \"Ánh Dương\", Hà Nội", "\"HTX \"\"Ánh Dương\"\", Hà Nội\""),
        ("dòng 1\ndòng 2", "\"dòng 1\ndòng 2\""),
    ];
    for (text, want) in cases {
        let csv = write_csv(&columns, &[vec![ExportCell::Text(text.into())]]);
        let body = std::str::from_utf8(&csv)
            .unwrap()
            .split_once("\r\n")
            .unwrap()
            .1
            .to_string();
        assert_eq!(body, format!("{want}\r\n"), "{text:?}");
    }
}

#[test]
fn a_csv_export_reads_back_through_read_table() {
    let csv = write_csv(&columns(), &rows());
    let table = read_table(&csv, "export.csv", SPEC, &Limits::default()).unwrap();
    let names: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.get("name").unwrap().as_text())
        .collect();
    assert_eq!(names, ["HTX Nông nghiệp Tiên Phong", "'=HYPERLINK(\"http://x\")"]);
    assert_eq!(table.rows[0].get("founded").unwrap().as_text(), "15/03/2019");
}
