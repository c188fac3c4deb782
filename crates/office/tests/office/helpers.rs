//! Shared fixtures: the column spec of a member register, and builders of files.

use std::io::{Cursor, Write};

use lienket_office::{Cell, ColumnSpec, Limits, ReadError, Table, read_table};
use unicode_normalization::UnicodeNormalization;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The columns of a member register, as the registry will ask for them.
pub const SPEC: &[ColumnSpec] = &[
    ColumnSpec {
        field: "name",
        aliases: &["tên hợp tác xã", "tên htx", "tên đơn vị"],
        required: true,
    },
    ColumnSpec {
        field: "code",
        aliases: &["mã số htx", "mã số thuế", "mã số"],
        required: true,
    },
    ColumnSpec {
        field: "founded",
        aliases: &["ngày thành lập", "năm thành lập"],
        required: false,
    },
    ColumnSpec {
        field: "capital",
        aliases: &["vốn điều lệ"],
        required: false,
    },
    ColumnSpec {
        field: "members_official",
        aliases: &["số thành viên chính thức", "thành viên chính thức"],
        required: false,
    },
    ColumnSpec {
        field: "members_associate",
        aliases: &["số thành viên liên kết", "thành viên liên kết"],
        required: false,
    },
    ColumnSpec {
        field: "district",
        aliases: &["quận huyện", "địa bàn"],
        required: false,
    },
];

pub fn read(bytes: &[u8], name: &str) -> Result<Table, ReadError> {
    read_table(bytes, name, SPEC, &Limits::default())
}

pub fn read_ok(bytes: &[u8], name: &str) -> Table {
    match read(bytes, name) {
        Ok(table) => table,
        Err(e) => panic!("{name}: {e:?}"),
    }
}

/// The text of a field in each data row.
pub fn column(table: &Table, field: &str) -> Vec<String> {
    table
        .rows
        .iter()
        .map(|r| r.get(field).map(Cell::as_text).unwrap_or_default())
        .collect()
}

pub fn note_keys(table: &Table) -> Vec<&'static str> {
    table.notes.iter().map(|n| n.key).collect()
}

/// A zip archive of (name, bytes) entries, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let options = SimpleFileOptions::default()
            .compression_method(if *name == "mimetype" {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            })
            .large_file(bytes.len() > u32::MAX as usize / 2);
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// An ODS file around the given `<table:table>` elements. Style `ta1` shows a sheet, `ta2`
/// hides it.
pub fn ods(tables: &str) -> Vec<u8> {
    ods_with_manifest(tables, "")
}

pub fn ods_with_manifest(tables: &str, encryption: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">
<office:automatic-styles>
<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>
<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>
</office:document-content>"#
    );
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}</manifest:file-entry>
</manifest:manifest>"#
    );
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// ODS cells.
pub fn s(text: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
}
pub fn n(value: f64) -> String {
    format!(
        r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>"#
    )
}
pub fn date(iso: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>"#
    )
}
pub fn merged(text: &str, rows: u32, cols: u32) -> String {
    format!(
        r#"<table:table-cell table:number-rows-spanned="{rows}" table:number-columns-spanned="{cols}" office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}
pub fn covered() -> String {
    "<table:covered-table-cell/>".to_string()
}
pub fn blank(repeat: u32) -> String {
    format!(r#"<table:table-cell table:number-columns-repeated="{repeat}"/>"#)
}
pub fn row(cells: &[String]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

/// Text encoded as Windows-1258 does it: vowels with their quality marks precomposed
/// (ă â ê ô ơ ư đ), tone marks as separate combining characters.
pub fn windows_1258(text: &str) -> Vec<u8> {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut split = String::new();
    for c in text.chars() {
        let decomposed: Vec<char> = c.nfd().collect();
        let base: String = decomposed
            .iter()
            .filter(|m| !TONES.contains(m))
            .collect::<String>()
            .nfc()
            .collect();
        split.push_str(&base);
        split.extend(decomposed.iter().filter(|m| TONES.contains(m)));
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&split);
    assert!(!unmappable, "{text}");
    bytes.into_owned()
}

/// Lowercase Vietnamese text encoded in TCVN3 (ABC), the code of the .Vn fonts.
pub fn tcvn3(text: &str) -> Vec<u8> {
    const TABLE: &[(char, u8)] = &[
        ('ă', 0xA8),
        ('â', 0xA9),
        ('ê', 0xAA),
        ('ô', 0xAB),
        ('ơ', 0xAC),
        ('ư', 0xAD),
        ('đ', 0xAE),
        ('Đ', 0xA7),
        ('à', 0xB5),
        ('ả', 0xB6),
        ('ã', 0xB7),
        ('á', 0xB8),
        ('ạ', 0xB9),
        ('ằ', 0xBB),
        ('ẳ', 0xBC),
        ('ẵ', 0xBD),
        ('ắ', 0xBE),
        ('ặ', 0xC6),
        ('ầ', 0xC7),
        ('ẩ', 0xC8),
        ('ẫ', 0xC9),
        ('ấ', 0xCA),
        ('ậ', 0xCB),
        ('è', 0xCC),
        ('ẻ', 0xCE),
        ('ẽ', 0xCF),
        ('é', 0xD0),
        ('ẹ', 0xD1),
        ('ề', 0xD2),
        ('ể', 0xD3),
        ('ễ', 0xD4),
        ('ế', 0xD5),
        ('ệ', 0xD6),
        ('ì', 0xD7),
        ('ỉ', 0xD8),
        ('ĩ', 0xDC),
        ('í', 0xDD),
        ('ị', 0xDE),
        ('ò', 0xDF),
        ('ỏ', 0xE1),
        ('õ', 0xE2),
        ('ó', 0xE3),
        ('ọ', 0xE4),
        ('ồ', 0xE5),
        ('ổ', 0xE6),
        ('ỗ', 0xE7),
        ('ố', 0xE8),
        ('ộ', 0xE9),
        ('ờ', 0xEA),
        ('ở', 0xEB),
        ('ỡ', 0xEC),
        ('ớ', 0xED),
        ('ợ', 0xEE),
        ('ù', 0xEF),
        ('ủ', 0xF1),
        ('ũ', 0xF2),
        ('ú', 0xF3),
        ('ụ', 0xF4),
        ('ừ', 0xF5),
        ('ử', 0xF6),
        ('ữ', 0xF7),
        ('ứ', 0xF8),
        ('ự', 0xF9),
        ('ỳ', 0xFA),
        ('ỷ', 0xFB),
        ('ỹ', 0xFC),
        ('ý', 0xFD),
        ('ỵ', 0xFE),
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
