//! What a file is, from its content; and the zip-bomb checks made before any parser runs.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::{Format, Limits, ReadError};

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
/// An entry at least this big must not expand more than [`MAX_RATIO`] times. Sheet XML
/// compresses 10–30×; zeros compress 1000×.
const BIG_ENTRY: u64 = 16 * 1024 * 1024;
const MAX_RATIO: u64 = 100;

/// Finds the format from the content. Refuses what is not a spreadsheet, and encrypted
/// workbooks (an encrypted XLSX is an OLE2 file with an `EncryptedPackage` stream).
pub(crate) fn detect(bytes: &[u8]) -> Result<Format, ReadError> {
    let not = |found| Err(ReadError::NotASpreadsheet { found });
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes);
    }
    if bytes.starts_with(&OLE2_MAGIC) {
        // Stream names sit in the compound file's directory, in UTF-16LE. Looking for them is
        // enough to tell an XLS from a Word file or an encrypted OOXML package before parsing.
        return if contains_utf16(bytes, "EncryptedPackage") {
            Err(ReadError::Encrypted)
        } else if contains_utf16(bytes, "Workbook") || contains_utf16(bytes, "Book") {
            Ok(Format::Xls)
        } else if contains_utf16(bytes, "WordDocument") {
            not("doc")
        } else if contains_utf16(bytes, "PowerPoint Document") {
            not("ppt")
        } else {
            not("ole2")
        };
    }
    let head = &bytes[..bytes.len().min(512)];
    let signatures: [(&[u8], &'static str); 9] = [
        (b"%PDF", "pdf"),
        (b"\x89PNG", "image"),
        (b"\xFF\xD8\xFF", "image"),
        (b"GIF8", "image"),
        (b"II*\x00", "image"),
        (b"MM\x00*", "image"),
        (b"{\\rtf", "rtf"),
        (b"Rar!", "archive"),
        (b"7z\xBC\xAF", "archive"),
    ];
    for (magic, found) in signatures {
        if bytes.starts_with(magic) {
            return not(found);
        }
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return not("image");
    }
    if bytes.starts_with(b"\x1F\x8B") {
        return not("archive");
    }
    // Old systems export "Excel" files that are HTML tables or XML Spreadsheet 2003.
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let text_head = trim_bom(&lower);
    if text_head.starts_with(b"<!doctype html")
        || text_head.starts_with(b"<html")
        || text_head.starts_with(b"<table")
    {
        return not("html");
    }
    if text_head.starts_with(b"<?xml") {
        let found = if contains(&lower, b"urn:schemas-microsoft-com:office:spreadsheet") {
            "xml-spreadsheet"
        } else {
            "xml"
        };
        return not(found);
    }
    // Text has no NUL bytes, except UTF-16 (which CSV reading recognises by its BOM).
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && bytes[..bytes.len().min(8192)].contains(&0) {
        return not("binary");
    }
    Ok(Format::Csv)
}

fn detect_zip(bytes: &[u8]) -> Result<Format, ReadError> {
    let not = |found| Err(ReadError::NotASpreadsheet { found });
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return not("zip");
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    let has_prefix = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if has("xl/workbook.bin") {
        return not("xlsb");
    }
    if has_prefix("xl/") {
        return Ok(Format::Xlsx);
    }
    if has("mimetype") {
        let mut mimetype = Vec::new();
        if let Ok(entry) = archive.by_name("mimetype") {
            // At most a line: the declared size of this entry is not trusted either.
            let _ = entry.take(128).read_to_end(&mut mimetype);
        }
        if mimetype.trim_ascii() == ODS_MIMETYPE {
            return Ok(Format::Ods);
        }
        if mimetype.starts_with(b"application/vnd.oasis.opendocument") {
            return not("opendocument");
        }
    }
    if has_prefix("word/") {
        return not("docx");
    }
    if has_prefix("ppt/") {
        return not("pptx");
    }
    not("zip")
}

/// Refuses a zip whose entries declare more than `max_uncompressed` in total, or that has a
/// big entry declaring more than 100 times its compressed size.
///
/// Declared sizes are enough: the zip crate (9.x) fails any read that inflates an entry past
/// its declared size, for calamine as for us, so a zip that understates its sizes ends in a
/// read error (reported as [`ReadError::Corrupt`]) after at most the declared bytes. Inflating
/// every entry once more to count its bytes was the rejected alternative: it doubled the
/// work of every upload to learn nothing more.
pub(crate) fn check_zip(bytes: &[u8], format: Format, limits: &Limits) -> Result<(), ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        format,
        detail: e.to_string(),
    })?;
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| ReadError::Corrupt {
            format,
            detail: e.to_string(),
        })?;
        let size = entry.size();
        declared_total = declared_total.saturating_add(size);
        if declared_total > limits.max_uncompressed {
            return Err(ReadError::ZipBomb {
                reason: "declared-size",
            });
        }
        if size >= BIG_ENTRY && size > entry.compressed_size().saturating_mul(MAX_RATIO) {
            return Err(ReadError::ZipBomb { reason: "ratio" });
        }
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn contains_utf16(haystack: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    contains(haystack, &needle)
}

fn trim_bom(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.trim_ascii_start()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_non_spreadsheets_are_named() {
        let cases: &[(&[u8], &str)] = &[
            (b"%PDF-1.7\n%\xE2\xE3", "pdf"),
            (b"\x89PNG\r\n\x1a\n\0\0", "image"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", "image"),
            (b"<!DOCTYPE html><html><table>", "html"),
            (b"\xEF\xBB\xBF<html>", "html"),
            (
                b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
                "xml-spreadsheet",
            ),
            (b"{\\rtf1\\ansi", "rtf"),
            (b"\0\0\0\x18ftypmp42", "binary"),
        ];
        for (bytes, want) in cases {
            match detect(bytes) {
                Err(ReadError::NotASpreadsheet { found }) => assert_eq!(found, *want),
                other => panic!("{want}: {other:?}"),
            }
        }
    }

    #[test]
    fn ole2_files_are_told_apart_by_their_stream_names() {
        let ole = |name: &str| {
            let mut bytes = OLE2_MAGIC.to_vec();
            bytes.extend(std::iter::repeat_n(0u8, 504));
            bytes.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        };
        assert!(matches!(detect(&ole("Workbook")), Ok(Format::Xls)));
        assert!(matches!(
            detect(&ole("EncryptedPackage")),
            Err(ReadError::Encrypted)
        ));
        assert!(matches!(
            detect(&ole("WordDocument")),
            Err(ReadError::NotASpreadsheet { found: "doc" })
        ));
    }

    #[test]
    fn text_is_taken_for_csv() {
        assert!(matches!(detect(b"a;b\n1;2\n"), Ok(Format::Csv)));
        assert!(matches!(detect(b"\xFF\xFEa\0;\0b\0"), Ok(Format::Csv)));
    }
}
