//! CSV: decoding, delimiter detection and RFC 4180 parsing into a [`Grid`].
//!
//! Hand-written rather than the `csv` crate: the parsing is forty lines, and what matters here
//! (encodings, the delimiter guess, Excel's `sep=` line, row limits) is ours either way.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

use crate::grid::{Grid, GridBuilder};
use crate::legacy::{Verdict, classify};
use crate::{Cell, Limits, Note, ReadError};

/// The only sheet of a CSV file is named after the file.
pub(crate) fn load(
    bytes: &[u8],
    sheet: &str,
    limits: &Limits,
    notes: &mut Vec<Note>,
) -> Result<Grid, ReadError> {
    let text = decode(bytes, notes)?;
    let (text, delimiter) = delimiter(&text);
    let mut builder = GridBuilder::new(sheet, limits);
    parse(text, delimiter, &mut builder)?;
    Ok(builder.finish(Vec::new()))
}

/// Decodes the bytes to text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1258
/// when the result reads as Vietnamese. Legacy TCVN3/VNI text is refused.
fn decode(bytes: &[u8], notes: &mut Vec<Note>) -> Result<String, ReadError> {
    let encoding_note = |name: &str| Note::new("note-import-encoding", vec![("encoding", name.to_string())]);
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(text) => text.to_string(),
            Err(_) => {
                notes.push(Note::new("note-import-invalid-utf8", vec![]));
                String::from_utf8_lossy(rest).into_owned()
            }
        }
    } else if bytes.starts_with(b"\xFF\xFE") {
        notes.push(encoding_note("UTF-16LE"));
        UTF_16LE.decode_with_bom_removal(bytes).0.into_owned()
    } else if bytes.starts_with(b"\xFE\xFF") {
        notes.push(encoding_note("UTF-16BE"));
        UTF_16BE.decode_with_bom_removal(bytes).0.into_owned()
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_string()
    } else {
        let decoded: String = WINDOWS_1258.decode_without_bom_handling(bytes).0.nfc().collect();
        match classify(sample(&decoded)) {
            Verdict::Vietnamese => {
                notes.push(encoding_note("Windows-1258"));
                return Ok(decoded);
            }
            Verdict::Legacy(guess) => return Err(ReadError::LegacyEncoding { guess }),
            // Not Vietnamese in any encoding we know: TCVN3 is the likeliest culprit in a
            // Vietnamese office, and the advice (convert with Unikey) is the same.
            Verdict::Plain | Verdict::Other => return Err(ReadError::LegacyEncoding { guess: "tcvn3" }),
        }
    };
    // UTF-8 that carries TCVN3/VNI text read as Latin-1 ("Hîp t¸c x·") is just as unusable.
    // (Cells are NFC-normalised one by one as they are stored; the sample is here.)
    let sampled: String = sample(&text).nfc().collect();
    if let Verdict::Legacy(guess) = classify(&sampled) {
        return Err(ReadError::LegacyEncoding { guess });
    }
    Ok(text)
}

/// The start of a text, enough to recognise its encoding (about 64 KiB, on a char boundary).
fn sample(text: &str) -> &str {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Finds the delimiter among `,` `;` and tab, honouring Excel's `sep=;` first line (which is
/// then removed). The delimiter whose count is the same on most lines wins; ties go to the
/// larger count.
fn delimiter(text: &str) -> (&str, char) {
    if let Some(first) = text.lines().next()
        && let Some(sep) = first.trim_end().strip_prefix("sep=")
        && let Some(c) = sep.chars().next()
        && sep.chars().count() == 1
    {
        let rest = &text[first.len()..];
        let rest = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
            .unwrap_or(rest);
        return (rest, c);
    }
    let lines = logical_lines(text, 50);
    let mut best = (',', 0usize, 0usize);
    for candidate in [';', ',', '\t'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| line.chars().filter(|c| *c == candidate).count())
            .filter(|n| *n > 0)
            .collect();
        let Some(mode) = mode(&counts) else { continue };
        let agreeing = counts.iter().filter(|n| **n == mode).count();
        if (agreeing, mode) > (best.1, best.2) {
            best = (candidate, agreeing, mode);
        }
    }
    (text, best.0)
}

/// The most frequent value (the larger on a tie).
fn mode(values: &[usize]) -> Option<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for chunk in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| chunk.len() >= n) {
            best = Some((chunk[0], chunk.len()));
        }
    }
    best.map(|(value, _)| value)
}

/// The first `max` non-empty records with quoted parts removed, for counting delimiters.
fn logical_lines(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes => {
                if !line.trim().is_empty() {
                    lines.push(std::mem::take(&mut line));
                    if lines.len() == max {
                        return lines;
                    }
                }
                line.clear();
            }
            _ if !in_quotes => line.push(c),
            _ => {}
        }
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines
}

/// Parses RFC 4180 records (quoted fields with `""` escapes and embedded newlines; CRLF, LF
/// or CR line ends). Every field is kept as text; empty fields are [`Cell::Empty`].
fn parse(text: &str, delimiter: char, builder: &mut GridBuilder<'_>) -> Result<(), ReadError> {
    let mut row: u32 = 0;
    let mut column: u32 = 0;
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut end_field = |row: u32, column: u32, field: &mut String| -> Result<(), ReadError> {
        let cell = if field.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(std::mem::take(field))
        };
        builder.push(row, column, cell)
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            c if c == delimiter => {
                end_field(row, column, &mut field)?;
                column = column.saturating_add(1);
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_field(row, column, &mut field)?;
                row = row.saturating_add(1);
                column = 0;
            }
            c => field.push(c),
        }
    }
    end_field(row, column, &mut field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(text: &str) -> Vec<Vec<(u32, String)>> {
        let mut notes = Vec::new();
        let grid = load(text.as_bytes(), "s", &Limits::default(), &mut notes).unwrap();
        grid.rows
            .into_iter()
            .map(|r| r.cells.into_iter().map(|(c, cell)| (c, cell.as_text())).collect())
            .collect()
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let rows = grid("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"line1\nline2\",x,\r\n");
        assert_eq!(
            rows,
            vec![
                vec![(0, "a".into()), (1, "b, c".into()), (2, "say \"hi\"".into())],
                vec![(0, "line1\nline2".into()), (1, "x".into())],
            ]
        );
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_lines_alike() {
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n").1, ';');
        assert_eq!(delimiter("a,b,c\n1,2,3\n").1, ',');
        assert_eq!(delimiter("a\tb\n1\t2\n").1, '\t');
        assert_eq!(delimiter("DANH SÁCH\na;b\n1;\"x,y,z\"\n").1, ';');
        assert_eq!(delimiter("sep=|\na|b\n"), ("a|b\n", '|'));
        assert_eq!(delimiter("single column\nvalue\n").1, ',');
    }
}
