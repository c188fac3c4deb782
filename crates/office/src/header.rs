//! Finding the header row and mapping its columns to fields.
//!
//! Registers start with title rows ("DANH SÁCH HỢP TÁC XÃ THÀNH VIÊN NĂM 2024", "Đơn vị: …");
//! the header is the first of the top 30 non-blank rows in which at least two cells (or every
//! required one) name expected columns. A header may take two rows: a group cell merged
//! across columns ("Số thành viên") over sub-headers ("Chính thức", "Liên kết").

use lienket_domain::text::fold;

use crate::grid::{Grid, GridRow, Merge};
use crate::{Cell, ColumnSpec, MappedColumn, Note};

/// How many non-blank rows from the top may hold the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header found in a sheet.
#[derive(Debug)]
pub(crate) struct Header {
    /// Position in `Grid::rows` of the header row.
    pub row_pos: usize,
    /// Position of the sub-header row of a two-row header.
    pub sub_row_pos: Option<usize>,
    pub columns: Vec<MappedColumn>,
    pub missing_required: Vec<&'static str>,
    pub notes: Vec<Note>,
}

/// Normalises a header (or alias) for matching: folded (no accents, lowercase), numbering
/// such as "(1)", "[2]", "(*)" and a leading "1." or "a)" removed, punctuation and line breaks
/// turned into single spaces.
pub(crate) fn normalize(text: &str) -> String {
    let folded = fold(text);
    let folded = strip_leading_numbering(&folded);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(close) = match c {
            '(' => Some(')'),
            '[' => Some(']'),
            _ => None,
        } && let Some(len) = chars[i + 1..].iter().position(|&x| x == close)
        {
            let inner: String = chars[i + 1..i + 1 + len].iter().collect();
            if is_numbering(inner.trim()) {
                out.push(' ');
                i += len + 2;
                continue;
            }
        }
        out.push(if c.is_alphanumeric() { c } else { ' ' });
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "1", "12", "a", "iv", "*": numbering, not words.
fn is_numbering(inner: &str) -> bool {
    !inner.is_empty()
        && (inner.chars().all(|c| c.is_ascii_digit())
            || inner == "*"
            || (inner.len() == 1 && inner.chars().all(|c| c.is_ascii_alphabetic()))
            || (inner.len() <= 4 && inner.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))))
}

/// Drops "1. ", "2) ", "a) ", "IV. " at the start.
fn strip_leading_numbering(folded: &str) -> &str {
    let Some(end) = folded.find(['.', ')']) else {
        return folded;
    };
    let (token, rest) = folded.split_at(end);
    if is_numbering(token) && rest[1..].starts_with(' ') {
        rest[1..].trim_start()
    } else {
        folded
    }
}

/// The normalised aliases of a spec, ready for matching.
struct Alias {
    field: &'static str,
    text: String,
    words: usize,
}

fn aliases(spec: &[ColumnSpec]) -> Vec<Alias> {
    spec.iter()
        .flat_map(|s| {
            s.aliases.iter().map(|a| {
                let text = normalize(a);
                Alias {
                    field: s.field,
                    words: text.split(' ').count(),
                    text,
                }
            })
        })
        .filter(|a| !a.text.is_empty())
        .collect()
}

/// How well a normalised header names a field: an exact match beats containment, and a
/// longer alias beats a shorter one. Single-word aliases must match exactly ("tên" does not
/// match "tên người đại diện").
fn best_match(candidates: &[String], aliases: &[Alias]) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, &'static str)> = None;
    for header in candidates {
        let padded = format!(" {header} ");
        for alias in aliases {
            let score = if *header == alias.text {
                10_000 + alias.text.len()
            } else if alias.words >= 2 && padded.contains(&format!(" {} ", alias.text)) {
                alias.text.len()
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, alias.field));
            }
        }
    }
    best
}

/// One header column before matching.
struct HeaderText {
    index: u32,
    written: String,
    /// Normalised texts to try: for a sub-header, "group sub" and "sub" alone.
    candidates: Vec<String>,
}

/// Maps header texts to fields; a field claimed by two columns goes to the better match
/// (the first on a tie) and the other column is kept unmapped, with a note.
fn assign(texts: &[HeaderText], aliases: &[Alias]) -> (Vec<MappedColumn>, Vec<Note>) {
    let scored: Vec<Option<(usize, &'static str)>> =
        texts.iter().map(|t| best_match(&t.candidates, aliases)).collect();
    let mut columns = Vec::with_capacity(texts.len());
    let mut notes = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let field = scored[i].and_then(|(score, field)| {
            let beaten = scored.iter().enumerate().any(|(j, other)| {
                j != i && other.is_some_and(|(s, f)| f == field && (s > score || (s == score && j < i)))
            });
            if beaten {
                notes.push(Note::new(
                    "note-import-duplicate-column",
                    vec![("header", text.written.clone()), ("field", field.to_string())],
                ));
                None
            } else {
                Some(field)
            }
        });
        columns.push(MappedColumn {
            header: text.written.clone(),
            index: text.index as usize,
            field,
        });
    }
    (columns, notes)
}

/// The header texts of a single row.
fn row_texts(row: &GridRow) -> Vec<HeaderText> {
    row.cells
        .iter()
        .filter(|(_, cell)| !cell.is_blank())
        .map(|(c, cell)| {
            let written = cell.as_text().trim().to_string();
            HeaderText {
                index: *c,
                candidates: vec![normalize(&written)],
                written,
            }
        })
        .collect()
}

/// The header texts of a two-row header, when `next` is a row of sub-headers under group
/// cells of `row`: every cell of `next` is text and sits under a group (a cell of `row`
/// merged across columns, or followed by empty cells above sub-headers). `None` otherwise.
fn combined_texts(row: &GridRow, next: &GridRow, merges: &[Merge]) -> Option<Vec<HeaderText>> {
    if next.index != row.index + 1 || row.cells.iter().filter(|(_, c)| !c.is_blank()).count() < 2 {
        return None;
    }
    let subs: Vec<(u32, String)> = next
        .cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(c, cell)| match cell {
            Cell::Text(t) => Some((*c, t.trim().to_string())),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if subs.is_empty() {
        return None;
    }
    let sub_at = |col: u32| subs.iter().find(|(c, _)| *c == col).map(|(_, t)| t.as_str());
    let top: Vec<(u32, String)> = row
        .cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(c, cell)| (*c, cell.as_text().trim().to_string()))
        .collect();
    // Group spans: (start, end inclusive, text).
    let mut groups = Vec::new();
    for (i, (col, text)) in top.iter().enumerate() {
        let next_top = top.get(i + 1).map(|(c, _)| *c).unwrap_or(u32::MAX);
        let merged_end = merges
            .iter()
            .find(|m| m.first_row == row.index && m.first_col == *col && m.last_col > *col)
            .map(|m| m.last_col);
        let end = merged_end.unwrap_or_else(|| {
            let mut end = *col;
            while end + 1 < next_top && sub_at(end + 1).is_some() {
                end += 1;
            }
            end
        });
        if end > *col {
            groups.push((*col, end, text.clone()));
        }
    }
    if groups.is_empty() {
        return None;
    }
    let in_group = |col: u32| groups.iter().find(|(s, e, _)| *s <= col && col <= *e);
    if subs.iter().any(|(c, _)| in_group(*c).is_none()) {
        return None;
    }
    let mut columns: Vec<u32> = top
        .iter()
        .map(|(c, _)| *c)
        .chain(subs.iter().map(|(c, _)| *c))
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let texts = columns
        .into_iter()
        .filter_map(|col| match (in_group(col), sub_at(col)) {
            (Some((_, _, group)), Some(sub)) => Some(HeaderText {
                index: col,
                written: format!("{group} / {sub}"),
                candidates: vec![normalize(&format!("{group} {sub}")), normalize(sub)],
            }),
            (Some((start, _, group)), None) if *start == col => Some(HeaderText {
                index: col,
                written: group.clone(),
                candidates: vec![normalize(group)],
            }),
            (Some(_), None) => None,
            (None, _) => top.iter().find(|(c, _)| *c == col).map(|(_, t)| HeaderText {
                index: col,
                written: t.clone(),
                candidates: vec![normalize(t)],
            }),
        })
        .collect();
    Some(texts)
}

/// Finds the header among the first 30 non-blank rows.
pub(crate) fn find(grid: &Grid, spec: &[ColumnSpec]) -> Option<Header> {
    let aliases = aliases(spec);
    let required: Vec<&'static str> = spec.iter().filter(|s| s.required).map(|s| s.field).collect();
    let needed = spec.len().min(2);
    let rows: Vec<(usize, &GridRow)> = grid
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .take(HEADER_SEARCH_ROWS)
        .collect();
    for (pos, row) in rows {
        let two_row = grid
            .rows
            .get(pos + 1)
            .and_then(|next| combined_texts(row, next, &grid.merges));
        let (texts, sub_row_pos) = match two_row {
            Some(texts) => (texts, Some(pos + 1)),
            None => (row_texts(row), None),
        };
        let (columns, notes) = assign(&texts, &aliases);
        let matched: Vec<&'static str> = columns.iter().filter_map(|c| c.field).collect();
        let enough = matched.len() >= needed.max(1)
            || (!required.is_empty() && required.iter().all(|f| matched.contains(f)));
        if enough {
            let missing_required = required
                .iter()
                .copied()
                .filter(|f| !matched.contains(f))
                .collect();
            return Some(Header {
                row_pos: pos,
                sub_row_pos,
                columns,
                missing_required,
                notes,
            });
        }
    }
    None
}

/// The column names to show when no header is found: the first alias of each column,
/// required ones first.
pub(crate) fn expected(spec: &[ColumnSpec]) -> Vec<String> {
    let mut names: Vec<(bool, String)> = spec
        .iter()
        .filter_map(|s| s.aliases.first().map(|a| (!s.required, (*a).to_string())))
        .collect();
    names.sort_by_key(|(optional, _)| *optional);
    names.into_iter().map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalise_without_accents_punctuation_or_numbering() {
        let cases = [
            ("Tên hợp tác xã\n(1)", "ten hop tac xa"),
            ("MÃ SỐ HTX (2)", "ma so htx"),
            ("1. Địa chỉ trụ sở", "dia chi tru so"),
            ("Vốn điều lệ (triệu đồng)", "von dieu le trieu dong"),
            ("Số TV\r\nchính thức [3]", "so tv chinh thuc"),
            ("Điện thoại (*)", "dien thoai"),
            ("Năm 2024", "nam 2024"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn multi_word_aliases_match_inside_a_header_and_single_words_only_exactly() {
        let spec = [
            ColumnSpec {
                field: "name",
                aliases: &["tên hợp tác xã", "tên"],
                required: true,
            },
            ColumnSpec {
                field: "capital",
                aliases: &["vốn điều lệ"],
                required: false,
            },
        ];
        let aliases = aliases(&spec);
        let m = |h: &str| best_match(&[normalize(h)], &aliases).map(|(_, f)| f);
        assert_eq!(m("Tên HTX"), None);
        assert_eq!(m("Tên"), Some("name"));
        assert_eq!(m("Tên người đại diện"), None);
        assert_eq!(m("Tên hợp tác xã / tổ hợp tác"), Some("name"));
        assert_eq!(m("Vốn điều lệ (triệu đồng)"), Some("capital"));
    }
}
