//! Every way an upload is refused, each with its message key.

use lienket_office::{Limits, ReadError, read_table};
use rust_xlsxwriter::Workbook;

use crate::helpers::{SPEC, read, zip};

fn key(result: Result<lienket_office::Table, ReadError>) -> &'static str {
    match result {
        Ok(table) => panic!("read a table from sheet {:?}", table.sheet),
        Err(e) => e.key(),
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let result = read_table(&vec![b'a'; 1001], "big.csv", SPEC, &limits);
    match result {
        Err(
            e @ ReadError::TooLarge {
                size: 1001,
                max: 1000,
            },
        ) => {
            assert_eq!(e.key(), "err-import-too-large");
            assert_eq!(
                e.args(),
                vec![("size_mb", "0.0".to_string()), ("max_mb", "0.0".to_string())]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pdf_renamed_xlsx_is_not_a_spreadsheet() {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    match read(pdf, "danh-sach.xlsx") {
        Err(e @ ReadError::NotASpreadsheet { found: "pdf" }) => {
            assert_eq!(e.key(), "err-import-not-spreadsheet");
            assert_eq!(e.args(), vec![("found", "pdf".to_string())]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_word_document_renamed_xlsx_is_not_a_spreadsheet() {
    let docx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert!(matches!(
        read(&docx, "danh-sach.xlsx"),
        Err(ReadError::NotASpreadsheet { found: "docx" })
    ));
}

#[test]
fn an_image_renamed_csv_is_not_a_spreadsheet() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    assert_eq!(key(read(png, "anh.csv")), "err-import-not-spreadsheet");
}

#[test]
fn a_zip_declaring_more_than_the_limit_is_a_zip_bomb() {
    let bytes = zip(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &vec![b' '; 2 << 20]),
    ]);
    let limits = Limits {
        max_uncompressed: 1 << 20,
        ..Limits::default()
    };
    let result = read_table(&bytes, "bomb.xlsx", SPEC, &limits);
    assert!(
        matches!(
            result,
            Err(ReadError::ZipBomb {
                reason: "declared-size"
            })
        ),
        "{result:?}"
    );
}

#[test]
fn a_big_entry_compressed_a_thousand_times_is_a_zip_bomb() {
    let zeros = vec![0u8; 20 << 20];
    let bytes = zip(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(bytes.len() < 200 << 10, "{}", bytes.len());
    match read(&bytes, "bomb.xlsx") {
        Err(e @ ReadError::ZipBomb { reason: "ratio" }) => assert_eq!(e.key(), "err-import-zip-bomb"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_zip_understating_its_sizes_fails_at_its_declared_size() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_row(0, 0, ["Tên HTX", "Mã số thuế"]).unwrap();
    for r in 1..2000u32 {
        sheet
            .write_row(r, 0, [format!("HTX {r}"), format!("01{r:08}")])
            .unwrap();
    }
    let mut bytes = workbook.save_to_buffer().unwrap();
    // Declare the sheet 100 bytes long, in the central directory and the local header.
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(name.len()).position(|w| w == name) {
        let at = i + p;
        for (header, signature, size_offset) in [
            (at.wrapping_sub(46), b"PK\x01\x02", 24),
            (at.wrapping_sub(30), b"PK\x03\x04", 22),
        ] {
            if bytes.get(header..header + 4) == Some(signature) {
                let field = header + size_offset;
                if bytes[field..field + 4] != [0; 4] {
                    bytes[field..field + 4].copy_from_slice(&100u32.to_le_bytes());
                    patched += 1;
                }
            }
        }
        i = at + name.len();
    }
    assert!(patched >= 1);
    // The zip crate stops inflating at the declared size: a lie ends in a read error.
    let result = read(&bytes, "liar.xlsx");
    assert!(
        matches!(&result, Err(ReadError::Corrupt { detail, .. }) if detail.contains("declared uncompressed size")),
        "{result:?}"
    );
}

#[test]
fn a_sheet_with_more_rows_than_allowed_is_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_row(0, 0, ["Tên HTX", "Mã số thuế"]).unwrap();
    for r in 1..=150u32 {
        sheet
            .write_row(r, 0, [format!("HTX {r}"), format!("01{r:08}")])
            .unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let limits = Limits {
        max_rows: 100,
        ..Limits::default()
    };
    match read_table(&bytes, "x.xlsx", SPEC, &limits) {
        Err(e @ ReadError::TooManyRows { .. }) => {
            assert_eq!(e.key(), "err-import-too-many-rows");
            assert_eq!(
                e.args(),
                vec![("sheet", "Sheet1".to_string()), ("max", "100".to_string())]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(read_table(&bytes, "x.xlsx", SPEC, &Limits::default()).is_ok());
}

#[test]
fn a_cell_far_away_does_not_make_a_dense_sheet() {
    // A1 and XFD1048576: a dense range would be 17 billion cells. We read it sparsely and
    // refuse it for its row count, at once.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_row(0, 0, ["Tên HTX", "Mã số thuế"]).unwrap();
    sheet.write(1_048_575, 16_383, "x").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(key(read(&bytes, "x.xlsx")), "err-import-too-many-rows");
}

#[test]
fn one_long_shared_string_repeated_in_every_cell_is_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let long = "x".repeat(30_000);
    for r in 0..200u32 {
        for c in 0..10u16 {
            sheet.write(r, c, &long).unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let limits = Limits {
        max_uncompressed: 50 << 20,
        ..Limits::default()
    };
    let result = read_table(&bytes, "x.xlsx", SPEC, &limits);
    match result {
        Err(e @ ReadError::TooManyCells { .. }) => assert_eq!(e.key(), "err-import-too-many-cells"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_workbook_is_empty() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(key(read(&bytes, "empty.xlsx")), "err-import-empty");
}

#[test]
fn an_empty_or_blank_csv_is_empty() {
    assert_eq!(key(read(b"", "empty.csv")), "err-import-empty");
    assert_eq!(
        key(read(b"\xEF\xBB\xBF  \r\n;;\r\n", "blank.csv")),
        "err-import-empty"
    );
}

#[test]
fn a_sheet_without_the_expected_header_names_the_columns_wanted() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_row(0, 0, ["Họ và tên", "Ngày sinh", "Quê quán"])
        .unwrap();
    sheet
        .write_row(1, 0, ["Nguyễn Văn An", "01/01/1980", "Hà Nội"])
        .unwrap();
    match read(&workbook.save_to_buffer().unwrap(), "nhan-su.xlsx") {
        Err(e @ ReadError::NoHeader { .. }) => {
            assert_eq!(e.key(), "err-import-no-header");
            assert_eq!(
                e.args(),
                vec![(
                    "expected",
                    "tên hợp tác xã, mã số htx, ngày thành lập, vốn điều lệ, số thành viên chính thức, số thành viên liên kết, quận huyện"
                        .to_string()
                )]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_header_below_the_first_thirty_rows_is_not_looked_for() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for r in 0..30u32 {
        sheet.write(r, 0, format!("Dòng tiêu đề {r}")).unwrap();
    }
    sheet.write_row(30, 0, ["Tên HTX", "Mã số thuế"]).unwrap();
    sheet.write_row(31, 0, ["HTX A", "0100000001"]).unwrap();
    assert_eq!(
        key(read(&workbook.save_to_buffer().unwrap(), "x.xlsx")),
        "err-import-no-header"
    );
}

#[test]
fn a_workbook_typed_with_vntime_fonts_is_refused_as_legacy_text() {
    // Headers typed with .VnTime are Latin-1 look-alikes in the file: "Tªn hîp t¸c x·".
    let latin1 = |bytes: Vec<u8>| -> String { bytes.iter().map(|b| char::from(*b)).collect() };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write(0, 0, latin1(crate::helpers::tcvn3("tên hợp tác xã")))
        .unwrap();
    sheet
        .write(0, 1, latin1(crate::helpers::tcvn3("mã số thuế")))
        .unwrap();
    sheet
        .write(
            1,
            0,
            latin1(crate::helpers::tcvn3("hợp tác xã nông nghiệp đông anh")),
        )
        .unwrap();
    let result = read(&workbook.save_to_buffer().unwrap(), "vntime.xlsx");
    assert!(
        matches!(result, Err(ReadError::LegacyEncoding { guess: "tcvn3" })),
        "{result:?}"
    );
}

#[test]
fn an_encrypted_workbook_is_refused() {
    // An encrypted XLSX is a compound file holding an "EncryptedPackage" stream.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(1024, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(4096, 0);
    match read(&bytes, "mat-khau.xlsx") {
        Err(e @ ReadError::Encrypted) => assert_eq!(e.key(), "err-import-encrypted"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_damaged_workbook_is_corrupt() {
    let bytes = zip(&[
        ("xl/workbook.xml", b"<workbook"),
        ("[Content_Types].xml", b"not xml"),
    ]);
    match read(&bytes, "hong.xlsx") {
        Err(e @ ReadError::Corrupt { .. }) => {
            assert_eq!(e.key(), "err-import-corrupt");
            assert_eq!(e.args(), vec![("format", "xlsx".to_string())]);
        }
        other => panic!("{other:?}"),
    }
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
    assert!(matches!(read(&xls, "hong.xls"), Err(ReadError::Corrupt { .. })));
}
