//! An Excel 97–2003 register (the committed fixture, made by `fixtures/make_register_xls.py`).

use lienket_office::{Cell, Format};

use crate::helpers::{column, note_keys, read_ok};

const REGISTER: &[u8] = include_bytes!("fixtures/register.xls");

#[test]
fn an_xls_register_is_read_with_merges_dates_and_hidden_sheets() {
    let table = read_ok(REGISTER, "danh-sach.xls");
    assert_eq!(table.format, Format::Xls);
    assert_eq!(table.sheet, "Danh sách");
    assert_eq!(table.header_row, 3);
    assert_eq!(
        column(&table, "name"),
        ["HTX Nông nghiệp Tiên Phong", "HTX Rau an toàn Văn Đức"]
    );
    assert_eq!(column(&table, "code"), ["0101234567", "106543210"]);
    assert_eq!(table.rows[0].get("founded"), Some(&Cell::DateSerial(43539.0)));
    assert_eq!(column(&table, "district"), ["Đông Anh", "Đông Anh"]);
    assert_eq!(table.rows[1].filled, vec![3]);
    let keys = note_keys(&table);
    assert!(keys.contains(&"note-import-hidden-sheet"), "{keys:?}");
    assert_eq!(
        table
            .skipped
            .iter()
            .map(|(n, r)| (*n, r.key()))
            .collect::<Vec<_>>(),
        [(6, "skip-footer")]
    );
}
