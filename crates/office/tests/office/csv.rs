//! Registers saved as CSV, in the encodings and dialects Excel produces.

use lienket_office::{Cell, Format, ReadError, SkipReason};

use crate::helpers::{column, note_keys, read, read_ok, tcvn3, windows_1258};

const REGISTER: &str = "DANH SÁCH HỢP TÁC XÃ NĂM 2024\r\n\
;;\r\n\
STT;Tên hợp tác xã;Mã số HTX;Vốn điều lệ;Quận/Huyện\r\n\
1;HTX Nông nghiệp Tiên Phong;0101234567;1.500.000.000;Đông Anh\r\n\
2;\"HTX Rau an toàn; Văn Đức\";0106543210;\"2 tỷ\";Gia Lâm\r\n\
;;;;\r\n\
Tổng cộng;;;3.500.000.000;\r\n";

#[test]
fn utf8_with_a_bom_and_semicolons_is_read() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(REGISTER.as_bytes());
    let table = read_ok(&bytes, "ds.csv");
    assert_eq!(table.format, Format::Csv);
    assert_eq!(table.sheet, "ds.csv");
    assert_eq!(table.header_row, 3);
    assert_eq!(
        column(&table, "name"),
        ["HTX Nông nghiệp Tiên Phong", "HTX Rau an toàn; Văn Đức"]
    );
    assert_eq!(column(&table, "code"), ["0101234567", "0106543210"]);
    assert_eq!(column(&table, "capital"), ["1.500.000.000", "2 tỷ"]);
    assert_eq!(
        table.skipped,
        vec![
            (6, SkipReason::Blank),
            (
                7,
                SkipReason::Footer {
                    text: "Tổng cộng | 3.500.000.000".into()
                }
            )
        ]
    );
    assert!(note_keys(&table).is_empty(), "{:?}", table.notes);
}

#[test]
fn utf8_without_a_bom_and_commas_is_read() {
    let text = "Tên HTX,Mã số thuế,Ngày thành lập\n\
                HTX Đồng Tâm,0101111111,15/03/2019\n\
                \"HTX \"\"Ánh Dương\"\"\",0102222222,\"ngày 1 tháng 2\nnăm 2020\"\n";
    let table = read_ok(text.as_bytes(), "ds.csv");
    assert_eq!(column(&table, "name"), ["HTX Đồng Tâm", "HTX \"Ánh Dương\""]);
    assert_eq!(
        column(&table, "founded"),
        ["15/03/2019", "ngày 1 tháng 2\nnăm 2020"]
    );
    assert_eq!(table.rows[1].number, 3);
}

#[test]
fn tabs_and_excels_sep_line_are_understood() {
    let table = read_ok("Tên HTX\tMã số thuế\nHTX A\t0100000001\n".as_bytes(), "ds.txt");
    assert_eq!(column(&table, "code"), ["0100000001"]);
    let table = read_ok(
        "sep=|\nTên HTX|Mã số thuế\nHTX B|0100000002\n".as_bytes(),
        "ds.csv",
    );
    assert_eq!(column(&table, "code"), ["0100000002"]);
    assert_eq!(table.header_row, 1);
}

#[test]
fn utf16_with_a_bom_is_read() {
    let text = "Tên HTX\tMã số thuế\r\nHTX Hồng Hà\t0100000003\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let table = read_ok(&bytes, "unicode.txt");
    assert_eq!(column(&table, "name"), ["HTX Hồng Hà"]);
    assert_eq!(table.notes[0].args, vec![("encoding", "UTF-16LE".to_string())]);
}

#[test]
fn windows_1258_is_decoded_and_noted() {
    let text = "Tên hợp tác xã;Mã số thuế;Quận huyện\r\nHTX Nông nghiệp Đông Anh;0101234567;Đông Anh\r\nHTX Thủy sản Cần Giờ;0301234567;Cần Giờ\r\n";
    let bytes = windows_1258(text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let table = read_ok(&bytes, "ansi.csv");
    assert_eq!(
        column(&table, "name"),
        ["HTX Nông nghiệp Đông Anh", "HTX Thủy sản Cần Giờ"]
    );
    assert_eq!(
        table.rows[0].get("district"),
        Some(&Cell::Text("Đông Anh".into()))
    );
    let note = &table.notes[0];
    assert_eq!(
        (note.key, note.args.clone()),
        (
            "note-import-encoding",
            vec![("encoding", "Windows-1258".to_string())]
        )
    );
}

#[test]
fn tcvn3_bytes_are_refused_with_advice_to_convert() {
    let bytes = tcvn3("stt;tên hợp tác xã;mã số thuế\r\n1;hợp tác xã nông nghiệp đông anh;0101234567\r\n");
    match read(&bytes, "vntime.csv") {
        Err(e @ ReadError::LegacyEncoding { guess: "tcvn3" }) => {
            assert_eq!(e.key(), "err-import-legacy-encoding")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tcvn3_text_saved_as_utf8_is_refused_too() {
    // What Excel writes when a sheet typed with .VnTime is saved "as CSV UTF-8".
    let latin1: String = tcvn3("tên hợp tác xã;mã số thuế\r\nhợp tác xã nông nghiệp;0101234567\r\n")
        .iter()
        .map(|b| char::from(*b))
        .collect();
    assert!(matches!(
        read(latin1.as_bytes(), "x.csv"),
        Err(ReadError::LegacyEncoding { guess: "tcvn3" })
    ));
}

#[test]
fn vni_bytes_are_refused_with_advice_to_convert() {
    // "Hợp tác xã Nông nghiệp Đông Anh" typed with VNI-Times, as the bytes on disk.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("Teân HTX;Maõ soá thueá\r\nHôïp taùc xaõ Noâng nghieäp Ñoâng Anh;0101234567\r\n");
    assert!(matches!(
        read(&bytes, "vni.csv"),
        Err(ReadError::LegacyEncoding { guess: "vni" })
    ));
}

#[test]
fn a_csv_over_the_row_limit_stops_early() {
    let mut text = String::from("Tên HTX;Mã số thuế\n");
    for i in 0..200 {
        text.push_str(&format!("HTX {i};01{i:08}\n"));
    }
    let limits = lienket_office::Limits {
        max_rows: 100,
        ..Default::default()
    };
    let result = lienket_office::read_table(text.as_bytes(), "big.csv", crate::helpers::SPEC, &limits);
    assert!(
        matches!(result, Err(ReadError::TooManyRows { max: 100, .. })),
        "{result:?}"
    );
}

#[test]
fn a_two_row_header_without_merge_information_is_combined() {
    let text = "STT;Tên HTX;Mã số thuế;Số thành viên;;Quận huyện\r\n\
                ;;;Chính thức;Liên kết;\r\n\
                1;HTX A;0100000001;7;2;Đông Anh\r\n";
    let table = read_ok(text.as_bytes(), "hai-dong.csv");
    assert_eq!((table.header_row, table.sub_header_row), (1, Some(2)));
    assert_eq!(column(&table, "members_official"), ["7"]);
    assert_eq!(column(&table, "members_associate"), ["2"]);
    assert_eq!(column(&table, "district"), ["Đông Anh"]);
}

#[test]
fn rows_after_a_long_gap_below_the_data_are_skipped_with_their_text() {
    let text = "Tên HTX;Mã số thuế\n\
                HTX A;0100000001\n\
                \n\
                HTX B;0100000002\n\
                ;\n\n\n\
                Nguyễn Văn An;Trần Thị Bình\n";
    let table = read_ok(text.as_bytes(), "x.csv");
    assert_eq!(column(&table, "name"), ["HTX A", "HTX B"]);
    assert_eq!(
        table.skipped,
        vec![
            (3, SkipReason::Blank),
            (5, SkipReason::Blank),
            (6, SkipReason::Blank),
            (7, SkipReason::Blank),
            (
                8,
                SkipReason::AfterGap {
                    text: "Nguyễn Văn An | Trần Thị Bình".into()
                }
            ),
        ]
    );
}

#[test]
fn invalid_utf8_after_a_bom_is_read_with_replacement_characters_and_a_note() {
    let bytes = b"\xEF\xBB\xBFT\xC3\xAAn HTX;M\xC3\xA3 s\xE1\xBB\x91 thu\xE1\xBA\xBF\nHTX \xFF;0100000001\n";
    let table = read_ok(bytes, "x.csv");
    assert_eq!(column(&table, "name"), ["HTX \u{FFFD}"]);
    assert_eq!(note_keys(&table), ["note-import-invalid-utf8"]);
}
