//! A register as alliances really keep it, in XLSX.

use lienket_office::{Cell, Format, SkipReason, Table};
use rust_xlsxwriter::{ExcelDateTime, Format as Style, Formula, Workbook, Worksheet};

use crate::helpers::{column, note_keys, read_ok};

/// The register sheet: title rows, a two-row header over merged cells, a numbering row,
/// formulas (one an error), dates as date cells, as text and as plain serials, amounts as
/// text, a district merged down over three rows, a blank row, a "Tổng cộng" row and a
/// signature block.
fn register(sheet: &mut Worksheet) {
    let bold = Style::new().set_bold();
    let date = Style::new().set_num_format("dd/mm/yyyy");
    sheet.set_name("Danh sách").unwrap();
    sheet.write(0, 0, "LIÊN MINH HTX THÀNH PHỐ HÀ NỘI").unwrap();
    sheet
        .merge_range(1, 0, 1, 8, "DANH SÁCH HỢP TÁC XÃ THÀNH VIÊN NĂM 2024", &bold)
        .unwrap();
    sheet.write(2, 0, "Đơn vị: đồng").unwrap();
    for (col, text) in [
        (0, "STT"),
        (1, "Tên hợp tác xã"),
        (2, "Mã số HTX"),
        (3, "Ngày thành lập"),
        (4, "Vốn điều lệ\n(đồng)"),
        (7, "Quận/Huyện"),
        (8, "Ghi chú"),
    ] {
        sheet.merge_range(4, col, 5, col, text, &bold).unwrap();
    }
    sheet.merge_range(4, 5, 4, 6, "Số thành viên", &bold).unwrap();
    sheet.write_with_format(5, 5, "Chính thức", &bold).unwrap();
    sheet.write_with_format(5, 6, "Liên kết", &bold).unwrap();
    for col in 0..9u16 {
        sheet.write(6, col, format!("({})", col + 1)).unwrap();
    }

    // Row 8: clean values.
    sheet.write(7, 0, 1).unwrap();
    sheet.write(7, 1, "HTX Nông nghiệp Tiên Phong").unwrap();
    sheet.write(7, 2, "0101234567").unwrap();
    sheet
        .write_datetime_with_format(7, 3, ExcelDateTime::from_ymd(2019, 3, 15).unwrap(), &date)
        .unwrap();
    sheet.write(7, 4, "1.500.000.000").unwrap();
    sheet.write(7, 5, 27).unwrap();
    sheet.write(7, 6, 5).unwrap();
    sheet.merge_range(7, 7, 9, 7, "Đông Anh", &Style::new()).unwrap();
    // Row 9: a code typed as a number (its leading zero lost), a text date, a formula.
    sheet.write(8, 0, 2).unwrap();
    sheet.write(8, 1, "HTX Rau an toàn Văn Đức").unwrap();
    sheet.write(8, 2, 106543210).unwrap();
    sheet.write(8, 3, "15/3/2019").unwrap();
    sheet.write(8, 4, 2_000_000_000).unwrap();
    sheet
        .write_formula(8, 5, Formula::new("=10+5").set_result("15"))
        .unwrap();
    sheet.write(8, 6, 0).unwrap();
    // Row 10: a plain serial where a date should be, a broken formula, a count as text.
    sheet.write(9, 0, 3).unwrap();
    sheet.write(9, 1, "HTX Dịch vụ Cộng đồng xanh").unwrap();
    sheet.write(9, 2, "0109999999").unwrap();
    sheet.write(9, 3, 43539).unwrap();
    sheet
        .write_formula(9, 4, Formula::new("=#REF!*2").set_result("#REF!"))
        .unwrap();
    sheet.write(9, 5, "12 người").unwrap();
    sheet.write(9, 6, 2).unwrap();
    // Row 11 blank; row 12: year only, amount in words, a note.
    sheet.write(11, 0, 4).unwrap();
    sheet.write(11, 1, "HTX Tổng hợp Yên Viên").unwrap();
    sheet.write(11, 2, "0108888888").unwrap();
    sheet.write(11, 3, "năm 2019").unwrap();
    sheet.write(11, 4, "1,5 tỷ").unwrap();
    sheet.write(11, 5, 9).unwrap();
    sheet.write(11, 7, "Gia Lâm").unwrap();
    sheet.write(11, 8, "Đang giải thể").unwrap();
    // Totals, then the signature block.
    sheet.merge_range(12, 0, 12, 2, "Tổng cộng", &bold).unwrap();
    sheet
        .write_formula(12, 5, Formula::new("=SUM(F8:F12)").set_result("51"))
        .unwrap();
    sheet.write(14, 6, "Hà Nội, ngày 20 tháng 11 năm 2024").unwrap();
    sheet.write(15, 1, "Người lập biểu").unwrap();
    sheet.write(15, 6, "CHỦ TỊCH").unwrap();
    sheet.write(18, 1, "Nguyễn Văn An").unwrap();
    sheet.write(18, 6, "Trần Thị Bình").unwrap();
}

fn messy_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let guide = workbook.add_worksheet();
    guide.set_name("Hướng dẫn").unwrap();
    guide
        .write(0, 0, "Nhập mỗi hợp tác xã trên một dòng. Không sửa tiêu đề cột.")
        .unwrap();
    let old = workbook.add_worksheet();
    old.set_name("Cũ").unwrap();
    old.write(0, 0, "Tên hợp tác xã").unwrap();
    old.write(0, 1, "Mã số HTX").unwrap();
    old.write(1, 0, "HTX đã giải thể").unwrap();
    old.set_hidden(true);
    register(workbook.add_worksheet());
    workbook.save_to_buffer().unwrap()
}

fn messy() -> Table {
    read_ok(&messy_workbook(), "danh-sach-htx.xlsx")
}

#[test]
fn the_register_is_found_below_its_title_rows_on_the_first_visible_sheet_with_a_header() {
    let table = messy();
    assert_eq!(table.format, Format::Xlsx);
    assert_eq!(table.sheet, "Danh sách");
    assert_eq!(table.header_row, 5);
    assert_eq!(table.sub_header_row, Some(6));
    assert!(table.missing_required.is_empty());
}

#[test]
fn hidden_sheets_and_sheets_without_a_header_are_skipped_with_notes() {
    let table = messy();
    let keys = note_keys(&table);
    assert!(keys.contains(&"note-import-hidden-sheet"), "{keys:?}");
    assert!(keys.contains(&"note-import-sheet-without-header"), "{keys:?}");
    assert!(!column(&table, "name").contains(&"HTX đã giải thể".to_string()));
}

#[test]
fn a_two_row_header_combines_the_group_with_its_sub_headers() {
    let table = messy();
    let mapped: Vec<(&str, Option<&str>)> = table
        .columns
        .iter()
        .map(|c| (c.header.as_str(), c.field))
        .collect();
    assert_eq!(
        mapped,
        vec![
            ("STT", None),
            ("Tên hợp tác xã", Some("name")),
            ("Mã số HTX", Some("code")),
            ("Ngày thành lập", Some("founded")),
            ("Vốn điều lệ\n(đồng)", Some("capital")),
            ("Số thành viên / Chính thức", Some("members_official")),
            ("Số thành viên / Liên kết", Some("members_associate")),
            ("Quận/Huyện", Some("district")),
            ("Ghi chú", None),
        ]
    );
    assert_eq!(table.unknown_columns, vec!["STT", "Ghi chú"]);
    assert_eq!(table.columns[4].letter(), "E");
}

#[test]
fn only_data_rows_are_kept_and_every_other_row_says_why_it_was_skipped() {
    let table = messy();
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, vec![8, 9, 10, 12]);
    let skipped: Vec<(usize, &str)> = table.skipped.iter().map(|(n, r)| (*n, r.key())).collect();
    assert_eq!(
        skipped,
        vec![
            (7, "skip-column-numbers"),
            (11, "skip-blank"),
            (13, "skip-footer"),
            (14, "skip-blank"),
            (15, "skip-signature"),
            (16, "skip-signature"),
            (19, "skip-signature"),
        ]
    );
    assert_eq!(
        table.skipped[2].1,
        SkipReason::Footer {
            text: "Tổng cộng | 51".into()
        }
    );
    assert_eq!(
        table.skipped[6].1,
        SkipReason::Signature {
            text: "Nguyễn Văn An | Trần Thị Bình".into()
        }
    );
}

#[test]
fn values_are_kept_as_read_for_the_caller_to_interpret() {
    let table = messy();
    assert_eq!(
        column(&table, "code"),
        ["0101234567", "106543210", "0109999999", "0108888888"]
    );
    assert_eq!(
        column(&table, "capital"),
        ["1.500.000.000", "2000000000", "#REF!", "1,5 tỷ"]
    );
    assert_eq!(column(&table, "members_official"), ["27", "15", "12 người", "9"]);
    let founded: Vec<&Cell> = table.rows.iter().map(|r| r.get("founded").unwrap()).collect();
    assert_eq!(founded[0], &Cell::DateSerial(43539.0));
    assert_eq!(founded[0].as_text(), "15/03/2019");
    assert_eq!(founded[1], &Cell::Text("15/3/2019".into()));
    assert_eq!(founded[2], &Cell::Number(43539.0));
    assert_eq!(founded[3], &Cell::Text("năm 2019".into()));
    assert_eq!(table.rows[2].get("capital"), Some(&Cell::Error("#REF!".into())));
    assert_eq!(table.rows[1].get("members_official"), Some(&Cell::Number(15.0)));
    assert!(note_keys(&table).contains(&"note-import-formula-errors"));
}

#[test]
fn a_value_merged_down_over_data_rows_fills_each_row() {
    let table = messy();
    assert_eq!(
        column(&table, "district"),
        ["Đông Anh", "Đông Anh", "Đông Anh", "Gia Lâm"]
    );
    let district = table.column_of("district").unwrap();
    assert_eq!(table.rows[0].filled, Vec::<usize>::new());
    assert_eq!(table.rows[1].filled, vec![district]);
    assert_eq!(table.rows[2].filled, vec![district]);
    let note = table
        .notes
        .iter()
        .find(|n| n.key == "note-import-merged-filled")
        .unwrap();
    assert_eq!(note.args, vec![("count", "2".to_string())]);
}

#[test]
fn unknown_columns_keep_their_cells_in_the_row() {
    let table = messy();
    let note = table.column_of("district").unwrap() + 1;
    assert_eq!(table.rows[3].cells[note], Cell::Text("Đang giải thể".into()));
    assert_eq!(table.rows[0].cells[0], Cell::Number(1.0));
    let fields: Vec<&str> = table.rows[0].fields().map(|(f, _)| f).collect();
    assert_eq!(fields.len(), 7);
}

#[test]
fn a_header_repeated_on_every_printed_page_is_skipped() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = ["STT", "Tên HTX", "Mã số thuế"];
    let mut r = 0;
    for page in 0..2 {
        sheet.write_row(r, 0, header).unwrap();
        r += 1;
        for i in 0..3 {
            sheet.write(r, 0, page * 3 + i + 1).unwrap();
            sheet.write(r, 1, format!("HTX số {}", page * 3 + i + 1)).unwrap();
            sheet.write(r, 2, format!("010000000{}", page * 3 + i)).unwrap();
            r += 1;
        }
    }
    let table = read_ok(&workbook.save_to_buffer().unwrap(), "x.xlsx");
    assert_eq!(table.rows.len(), 6);
    assert_eq!(table.skipped, vec![(5, SkipReason::RepeatedHeader)]);
}

#[test]
fn cells_outside_the_header_columns_are_kept_as_extras() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_row(0, 0, ["Tên HTX", "Mã số thuế"]).unwrap();
    sheet.write_row(1, 0, ["HTX A", "0100000001"]).unwrap();
    sheet.write(1, 4, "ghi chú lề").unwrap();
    let table = read_ok(&workbook.save_to_buffer().unwrap(), "x.xlsx");
    assert_eq!(table.rows[0].extra, vec![(4, Cell::Text("ghi chú lề".into()))]);
}

#[test]
fn a_column_claimed_twice_goes_to_the_better_match() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_row(0, 0, ["Tên đơn vị", "Mã số", "Tên hợp tác xã"])
        .unwrap();
    sheet
        .write_row(1, 0, ["Đơn vị A", "0100000001", "HTX A"])
        .unwrap();
    let table = read_ok(&workbook.save_to_buffer().unwrap(), "x.xlsx");
    assert_eq!(table.rows[0].get("name"), Some(&Cell::Text("HTX A".into())));
    assert!(note_keys(&table).contains(&"note-import-duplicate-column"));
    assert_eq!(table.unknown_columns, vec!["Tên đơn vị"]);
}

#[test]
fn a_missing_required_column_is_reported_not_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_row(0, 0, ["Tên HTX", "Vốn điều lệ", "Số thành viên chính thức"])
        .unwrap();
    sheet.write_row(1, 0, ["HTX A", "1.000.000", "7"]).unwrap();
    let table = read_ok(&workbook.save_to_buffer().unwrap(), "x.xlsx");
    assert_eq!(table.missing_required, vec!["code"]);
}

#[test]
fn the_extension_is_only_a_hint() {
    let table = read_ok(&messy_workbook(), "danh-sach.xls");
    assert_eq!(table.format, Format::Xlsx);
    let note = table
        .notes
        .iter()
        .find(|n| n.key == "note-import-extension-mismatch")
        .unwrap();
    assert_eq!(
        note.args,
        vec![("named", "xls".to_string()), ("found", "xlsx".to_string())]
    );
}
