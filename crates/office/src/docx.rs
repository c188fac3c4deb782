//! Administrative documents (văn bản hành chính) as DOCX, laid out as Nghị định 30/2020/NĐ-CP
//! asks: reports, plans and notices an alliance sends to its superiors and members.
//!
//! [`write_admin_document`] takes an [`AdminDocument`] and returns the bytes of a `.docx`
//! file: A4 portrait, margins 20/20/30/15 mm, Times New Roman, the two-column letterhead
//! (issuing body and number on the left; national title, motto, place and date on the
//! right), title and summary (trích yếu), the body, the signature block beside the
//! recipients (nơi nhận), then each annex (phụ lục) on a page of its own. Page numbers are
//! centred at the top from page 2.
//!
//! The OOXML is written by hand: the documents use a handful of paragraph and table forms,
//! and a DOCX library would add a dependency tree for less control over what Word and
//! LibreOffice see. The output is deterministic (fixed zip timestamps, no creation date),
//! so the same document gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// A Vietnamese administrative document: letterhead, title, body, signature, annexes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdminDocument {
    /// Cơ quan chủ quản — the parent body, top left, upper case, e.g. "LIÊN MINH HỢP TÁC XÃ
    /// VIỆT NAM". May be empty. Written in upper case whatever the input.
    pub parent_body: String,
    /// Cơ quan ban hành — the issuing body, top left in bold with a short rule under it,
    /// e.g. "LIÊN MINH HỢP TÁC XÃ THÀNH PHỐ HÀ NỘI". Written in upper case.
    pub issuing_body: String,
    /// Số, ký hiệu — number and symbol as printed, e.g. "Số: 05/BC-LMHTX".
    pub number: String,
    /// Địa danh, ngày tháng — place and date, in italics on the right,
    /// e.g. "Hà Nội, ngày 05 tháng 3 năm 2025".
    pub place_date: String,
    /// Tên loại văn bản — the kind of document, bold and centred, e.g. "BÁO CÁO". Written in
    /// upper case.
    pub title: String,
    /// Trích yếu — what the document is about, bold and centred under the title, e.g. "Sơ kết
    /// 01 năm thực hiện Chương trình phối hợp năm 2024". Also the document title in the
    /// file's properties.
    pub summary: String,
    /// The content, in order.
    pub body: Vec<Block>,
    /// Nơi nhận — recipients, bottom left, one per entry, e.g. "Như trên;". Each line is
    /// written with a leading "- " (unless it has one) and "- Lưu: VT." is added last unless
    /// the last entry already starts with "Lưu".
    pub recipients: Vec<String>,
    /// The signer's capacity, bottom right, bold upper case, e.g. "TM. BAN THƯỜNG TRỰC\nCHỦ
    /// TỊCH"; a line break starts a new line.
    pub signer_role: String,
    /// The signer's full name, in bold under the space left for the signature and seal.
    pub signer_name: String,
    /// Phụ lục — annexes, each starting on a new page after the signature.
    pub annexes: Vec<Annex>,
}

/// Phụ lục — an annex after the signature, on a new page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annex {
    /// The annex label, bold and centred, e.g. "Phụ lục I".
    pub label: String,
    /// Its title, bold and centred under the label, e.g. "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU".
    pub title: String,
    /// An italic line under the title, e.g. "(Kèm theo Báo cáo số 05/BC-LMHTX ngày
    /// 05/3/2025 của Ban Thường trực Liên minh Hợp tác xã thành phố)". May be empty.
    pub subtitle: String,
    /// The content of the annex.
    pub blocks: Vec<Block>,
}

/// A piece of the body of a document or annex.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A first-level heading in bold, e.g. "I. TÌNH HÌNH CHUNG".
    Heading1(String),
    /// A second-level heading in bold, e.g. "1. Thông tin, tuyên truyền".
    Heading2(String),
    /// Body text: justified, 14 pt, first line indented 1 cm. Each line of the text (split at
    /// '\n') is a paragraph of its own; blank lines are skipped.
    Paragraph(String),
    /// A dash item ("- " is added), indented like a paragraph. Each line is an item.
    Bullet(String),
    /// A table of figures with borders.
    Table(Table),
    /// Continue on a new page.
    PageBreak,
}

/// A table of figures: 12 pt with borders, the header row bold and repeated on every page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// A bold centred line above the table, e.g. "Bảng 1. Số hợp tác xã thành lập mới".
    pub caption: Option<String>,
    /// Column headings.
    pub header: Vec<String>,
    /// The rows; a short row is padded with empty cells.
    pub rows: Vec<Vec<String>>,
    /// Which columns hold figures (right-aligned); missing entries count as text.
    pub numeric: Vec<bool>,
    /// Whether the last row is a total ("Tổng cộng"), set in bold.
    pub total_row: bool,
}

/// Writes `doc` as a DOCX file.
pub fn write_admin_document(doc: &AdminDocument) -> Vec<u8> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("word/document.xml", document_xml(doc)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS.to_owned()),
        ("word/header1.xml", page_number_header()),
        ("word/header2.xml", empty_header()),
        ("docProps/core.xml", core_xml(doc)),
        ("docProps/app.xml", APP.to_owned()),
    ];
    // A fixed timestamp (the zip epoch, 1980-01-01) rather than the clock: the same document
    // gives the same bytes, which tests and caches rely on.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(name, options)
            .expect("a zip entry starts in memory");
        zip.write_all(xml.as_bytes())
            .expect("writing into a Vec cannot fail");
    }
    zip.finish().expect("a zip in memory finishes").into_inner()
}

// Page geometry in twentieths of a point (twips): A4, margins 20 mm top and bottom, 30 mm
// left, 15 mm right.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: u32 = 1134;
const MARGIN_BOTTOM: u32 = 1134;
const MARGIN_LEFT: u32 = 1701;
const MARGIN_RIGHT: u32 = 850;
/// Distance from the page edge to the page number: 10 mm.
const HEADER_DISTANCE: u32 = 567;
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// First-line indent of body paragraphs: 1 cm.
const FIRST_LINE: u32 = 567;

/// Letterhead columns: the left one holds the issuing body (wrapping on two lines, as is
/// usual), the right one must hold "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in 13 pt bold on one
/// line. The table reaches 0.5 cm into the left margin, as the model letterheads do, and ends
/// at the right one.
const LETTERHEAD_COLUMNS: [u32; 2] = [3969, 5670];
const LETTERHEAD_INDENT: i32 = -284;
/// Recipients on the left, signer on the right.
const SIGNATURE_COLUMNS: [u32; 2] = [4253, TEXT_WIDTH - 4253];
/// Space left for the signature and seal above the signer's name: 3 cm.
const SIGNATURE_SPACE: u32 = 1701;

/// Font sizes in half-points, as OOXML counts them.
const PT11: u32 = 22;
const PT12: u32 = 24;
const PT13: u32 = 26;
const PT14: u32 = 28;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn document_xml(doc: &AdminDocument) -> String {
    let mut body = Body::default();
    body.letterhead(doc);
    body.title(doc);
    for block in &doc.body {
        body.block(block);
    }
    body.signature(doc);
    for annex in &doc.annexes {
        body.annex(annex);
    }
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>"#
    );
    xml.push_str(&body.finish());
    xml.push_str(&format!(
        concat!(
            r#"<w:sectPr><w:headerReference w:type="default" r:id="rId3"/>"#,
            r#"<w:headerReference w:type="first" r:id="rId4"/>"#,
            r#"<w:pgSz w:w="{pw}" w:h="{ph}"/>"#,
            r#"<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" "#,
            r#"w:header="{header}" w:footer="{header}" w:gutter="0"/>"#,
            r#"<w:pgNumType w:start="1"/><w:cols w:space="720"/><w:titlePg/>"#,
            r#"<w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>"#,
        ),
        pw = PAGE_WIDTH,
        ph = PAGE_HEIGHT,
        top = MARGIN_TOP,
        right = MARGIN_RIGHT,
        bottom = MARGIN_BOTTOM,
        left = MARGIN_LEFT,
        header = HEADER_DISTANCE,
    ));
    xml
}

/// The body of `document.xml` as it is written.
#[derive(Default)]
struct Body {
    xml: String,
    /// Word merges two tables that touch, and wants a paragraph at the end of the body: a
    /// table sets this so the next table, or the end, writes an empty paragraph first.
    after_table: bool,
}

impl Body {
    fn paragraph(&mut self, format: &ParaFormat, text: &str, run: RunFormat) {
        push_paragraph(&mut self.xml, format, text, run);
        self.after_table = false;
    }

    /// An empty line of body text.
    fn spacer(&mut self) {
        self.paragraph(&ParaFormat::default(), "", RunFormat::default());
    }

    fn table(&mut self, grid: &Grid, rows: &[Row]) {
        if self.after_table {
            self.spacer();
        }
        grid.push(&mut self.xml, rows);
        self.after_table = true;
    }

    fn letterhead(&mut self, doc: &AdminDocument) {
        let centred = ParaFormat::centred();
        let mut left = String::new();
        if !doc.parent_body.trim().is_empty() {
            push_paragraph(
                &mut left,
                &centred,
                &doc.parent_body.to_uppercase(),
                RunFormat::size(PT13),
            );
        }
        push_paragraph(
            &mut left,
            &centred,
            &doc.issuing_body.to_uppercase(),
            RunFormat::size(PT13).bold(),
        );
        push_rule(&mut left, LETTERHEAD_COLUMNS[0] / 4);
        let mut right = String::new();
        push_paragraph(
            &mut right,
            &centred,
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            RunFormat::size(PT13).bold(),
        );
        push_paragraph(
            &mut right,
            &centred,
            "Độc lập - Tự do - Hạnh phúc",
            RunFormat::size(PT14).bold().underline(),
        );
        // Number and date on a second row, so they stand on the same line whatever the
        // height of the bodies' names above.
        let second = ParaFormat {
            before: 120,
            ..centred
        };
        let mut number = String::new();
        push_paragraph(&mut number, &second, &doc.number, RunFormat::size(PT13));
        let mut date = String::new();
        push_paragraph(
            &mut date,
            &second,
            &doc.place_date,
            RunFormat::size(PT14).italic(),
        );
        let grid = Grid {
            widths: LETTERHEAD_COLUMNS.to_vec(),
            borders: false,
            indent: LETTERHEAD_INDENT,
        };
        self.table(
            &grid,
            &[Row::plain(vec![left, right]), Row::plain(vec![number, date])],
        );
    }

    fn title(&mut self, doc: &AdminDocument) {
        let title = ParaFormat {
            before: 480,
            keep_next: true,
            ..ParaFormat::centred()
        };
        self.paragraph(&title, &doc.title.to_uppercase(), RunFormat::size(PT14).bold());
        if !doc.summary.trim().is_empty() {
            let summary = ParaFormat {
                keep_next: true,
                ..ParaFormat::centred()
            };
            self.paragraph(&summary, &doc.summary, RunFormat::size(PT14).bold());
        }
        push_rule(&mut self.xml, TEXT_WIDTH / 3);
        self.spacer();
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading1(text) => self.styled("Heading1", text, ""),
            Block::Heading2(text) => self.styled("Heading2", text, ""),
            Block::Paragraph(text) => self.styled("BodyText", text, ""),
            Block::Bullet(text) => self.styled("BodyText", text, "- "),
            Block::Table(table) => self.data_table(table),
            Block::PageBreak => {
                self.xml
                    .push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#);
                self.after_table = false;
            }
        }
    }

    /// One paragraph of `style` per non-blank line of `text`, each after `prefix`.
    fn styled(&mut self, style: &'static str, text: &str, prefix: &str) {
        let format = ParaFormat {
            style: Some(style),
            ..ParaFormat::default()
        };
        for line in text.split('\n').filter(|line| !line.trim().is_empty()) {
            let line = line.trim_end_matches('\r');
            let line = if prefix.is_empty() || line.starts_with(prefix.trim_end()) {
                line.to_owned()
            } else {
                format!("{prefix}{line}")
            };
            self.paragraph(&format, &line, RunFormat::default());
        }
    }

    fn data_table(&mut self, table: &Table) {
        let columns = table
            .rows
            .iter()
            .map(Vec::len)
            .chain([table.header.len()])
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        if let Some(caption) = table.caption.as_deref().filter(|c| !c.trim().is_empty()) {
            let format = ParaFormat {
                style: Some("Caption"),
                ..ParaFormat::default()
            };
            self.paragraph(&format, caption, RunFormat::default());
        }
        let numeric = |column: usize| table.numeric.get(column).copied().unwrap_or(false);
        let cell = |text: &str, align: &'static str, run: RunFormat| {
            let mut xml = String::new();
            let format = ParaFormat {
                style: Some("TableText"),
                align: Some(align),
                ..ParaFormat::default()
            };
            push_paragraph(&mut xml, &format, text, run);
            xml
        };
        let mut rows = Vec::with_capacity(table.rows.len() + 1);
        if !table.header.is_empty() {
            // Kept with the next row, so a page never ends on a lone heading row.
            let format = ParaFormat {
                style: Some("TableText"),
                align: Some("center"),
                keep_next: true,
                ..ParaFormat::default()
            };
            let cells = (0..columns)
                .map(|c| {
                    let mut xml = String::new();
                    let text = table.header.get(c).map_or("", String::as_str);
                    push_paragraph(&mut xml, &format, text, RunFormat::default().bold());
                    xml
                })
                .collect();
            rows.push(Row { cells, header: true });
        }
        let last = table.rows.len().saturating_sub(1);
        for (r, row) in table.rows.iter().enumerate() {
            let run = if table.total_row && r == last {
                RunFormat::default().bold()
            } else {
                RunFormat::default()
            };
            let cells = (0..columns)
                .map(|c| {
                    let align = if numeric(c) { "right" } else { "left" };
                    cell(row.get(c).map_or("", String::as_str), align, run)
                })
                .collect();
            rows.push(Row { cells, header: false });
        }
        let grid = Grid {
            widths: column_widths(table, columns),
            borders: true,
            indent: 0,
        };
        self.table(&grid, &rows);
    }

    fn signature(&mut self, doc: &AdminDocument) {
        self.spacer();
        let mut recipients = String::new();
        let label = ParaFormat {
            before: 120,
            ..ParaFormat::default()
        };
        push_paragraph(
            &mut recipients,
            &label,
            "Nơi nhận:",
            RunFormat::size(PT12).bold().italic(),
        );
        let mut lines: Vec<String> = doc
            .recipients
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(|r| {
                if r.starts_with('-') {
                    r.to_owned()
                } else {
                    format!("- {r}")
                }
            })
            .collect();
        let archived = lines
            .last()
            .is_some_and(|l| l.trim_start_matches(['-', ' ']).starts_with("Lưu"));
        if !archived {
            lines.push("- Lưu: VT.".to_owned());
        }
        for line in &lines {
            push_paragraph(
                &mut recipients,
                &ParaFormat::default(),
                line,
                RunFormat::size(PT11),
            );
        }
        let mut signer = String::new();
        let role = ParaFormat {
            before: 120,
            ..ParaFormat::centred()
        };
        push_paragraph(
            &mut signer,
            &role,
            &doc.signer_role.to_uppercase(),
            RunFormat::size(PT14).bold(),
        );
        let name = ParaFormat {
            before: SIGNATURE_SPACE,
            ..ParaFormat::centred()
        };
        push_paragraph(&mut signer, &name, &doc.signer_name, RunFormat::size(PT14).bold());
        let grid = Grid {
            widths: SIGNATURE_COLUMNS.to_vec(),
            borders: false,
            indent: 0,
        };
        self.table(
            &grid,
            &[Row {
                cells: vec![recipients, signer],
                header: false,
            }],
        );
    }

    fn annex(&mut self, annex: &Annex) {
        let label = ParaFormat {
            page_break_before: true,
            keep_next: true,
            ..ParaFormat::centred()
        };
        self.paragraph(&label, &annex.label, RunFormat::size(PT14).bold());
        let centred = ParaFormat {
            keep_next: true,
            ..ParaFormat::centred()
        };
        if !annex.title.trim().is_empty() {
            self.paragraph(&centred, &annex.title, RunFormat::size(PT14).bold());
        }
        if !annex.subtitle.trim().is_empty() {
            self.paragraph(&centred, &annex.subtitle, RunFormat::size(PT14).italic());
        }
        self.spacer();
        for block in &annex.blocks {
            self.block(block);
        }
    }

    fn finish(mut self) -> String {
        if self.after_table || self.xml.is_empty() {
            self.spacer();
        }
        self.xml
    }
}

/// Cell margins of a data table (85 twips each side, the `TableGrid` style) and slack for
/// the borders and the word processor's rounding.
const CELL_PADDING: u32 = 2 * 85 + 60;

/// Column widths of a data table in twips, filling the text width.
///
/// Every column first gets its floor: no narrower than its longest word (headings in bold),
/// so that "TT" or "Nội dung" never breaks inside a word; a column of figures (marked
/// numeric, or whose values are all numbers or dates) fits its longest value on one line.
/// What is left goes, in turn:
///
/// 1. to the text columns, in proportion to how much text they hold (the lines a column
///    adds to the table's height), each up to the width that shows its longest value on one
///    line and its heading on two;
/// 2. to every column, up to the width that shows its heading on one line;
/// 3. to the text columns by how much text they hold (to all columns when none holds text).
///
/// A table too wide for the page has its floors scaled down, as nothing better can be done.
///
/// Widths are estimated from the characters at 12 pt Times New Roman ([`text_width`])
/// rather than measured from the font's metrics, which the writer does not carry.
fn column_widths(table: &Table, columns: usize) -> Vec<u32> {
    let last = table.rows.len().saturating_sub(1);
    let cells = |c: usize| {
        table.rows.iter().enumerate().filter_map(move |(r, row)| {
            // The total row is set in bold.
            let total = table.total_row && r == last;
            row.get(c).map(|text| (text.as_str(), total))
        })
    };
    let mut floors = Vec::with_capacity(columns);
    // The width that shows a text column's values on one line (its floor for figures).
    let mut one_line = Vec::with_capacity(columns);
    // The width that shows a column's heading on one line.
    let mut heading_line = Vec::with_capacity(columns);
    // How much text a column holds; 0 for columns of figures.
    let mut volumes = Vec::with_capacity(columns);
    for c in 0..columns {
        let heading = table.header.get(c).map_or("", String::as_str);
        let heading_width = text_width(heading, true);
        let longest_word = cells(c)
            .chain([(heading, true)])
            .flat_map(|(text, bold)| text.split_whitespace().map(move |w| text_width(w, bold)))
            .max()
            .unwrap_or(0);
        let value_widths: Vec<u32> = cells(c)
            .map(|(text, bold)| text_width(text.trim(), bold))
            .collect();
        let longest_value = value_widths.iter().copied().max().unwrap_or(0);
        // The total row's label ("Tổng cộng") may sit in the "TT" column: it does not make
        // a column of figures a text column.
        let mut values = cells(c)
            .filter(|&(text, total)| !total && !text.trim().is_empty())
            .peekable();
        let all_figures = values.peek().is_some() && values.all(|(text, _)| is_figure(text));
        let figures = table.numeric.get(c).copied().unwrap_or(false) || all_figures;
        let floor = if figures {
            longest_word.max(longest_value)
        } else {
            longest_word
        }
        .max(text_width("00", false))
            + CELL_PADDING;
        floors.push(floor);
        heading_line.push(heading_width + CELL_PADDING);
        if figures {
            one_line.push(floor);
            volumes.push(0);
        } else {
            one_line.push(longest_value.max(heading_width.div_ceil(2)) + CELL_PADDING);
            volumes.push(value_widths.iter().sum::<u32>() + heading_width);
        }
    }

    let floor_total: u32 = floors.iter().sum();
    let mut widths = if floor_total > TEXT_WIDTH {
        shares(TEXT_WIDTH, &floors)
    } else {
        let mut widths = floors.clone();
        let mut left = TEXT_WIDTH - floor_total;
        left = widen(&mut widths, &one_line, &volumes, left);
        let lacks: Vec<u32> = heading_line
            .iter()
            .zip(&widths)
            .map(|(h, w)| h.saturating_sub(*w))
            .collect();
        left = widen(&mut widths, &heading_line, &lacks, left);
        if left > 0 {
            let by = if volumes.iter().any(|&v| v > 0) {
                &volumes
            } else {
                &floors
            };
            for (width, extra) in widths.iter_mut().zip(shares(left, by)) {
                *width += extra;
            }
        }
        widths
    };
    // Rounding leaves a few twips over: the widest column takes them.
    let used: u32 = widths.iter().sum();
    if let Some(widest) = widths.iter_mut().max() {
        *widest += TEXT_WIDTH.saturating_sub(used);
    }
    widths
}

/// Widens the columns of non-zero weight towards their targets, sharing `left` twips in
/// proportion to the weights; a column that reaches its target stops there and the others
/// share what it did not take. Returns the twips still left.
fn widen(widths: &mut [u32], targets: &[u32], weights: &[u32], mut left: u32) -> u32 {
    let mut open: Vec<bool> = (0..widths.len())
        .map(|c| weights[c] > 0 && targets[c] > widths[c])
        .collect();
    while left > 0 && open.contains(&true) {
        let open_weights: Vec<u32> = weights
            .iter()
            .zip(&open)
            .map(|(&w, &o)| if o { w } else { 0 })
            .collect();
        let offer = shares(left, &open_weights);
        let mut reached = false;
        for c in 0..widths.len() {
            let missing = targets[c].saturating_sub(widths[c]);
            if open[c] && offer[c] >= missing {
                widths[c] += missing;
                left -= missing;
                open[c] = false;
                reached = true;
            }
        }
        if !reached {
            for (width, extra) in widths.iter_mut().zip(offer) {
                *width += extra;
                left -= extra;
            }
            break;
        }
    }
    left
}

/// `total` shared in proportion to `weights`, rounded down; equal shares when all are zero.
fn shares(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let equal = total / weights.len().max(1) as u32;
    weights
        .iter()
        .map(|&w| {
            (u64::from(total) * u64::from(w))
                .checked_div(sum)
                .map_or(equal, |share| share as u32)
        })
        .collect()
}

/// Whether a cell holds a figure or a date ("1.200", "85,5%", "12/03/2024",
/// "01/2024 – 03/2024"), which should not wrap.
fn is_figure(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '/' | ':' | '%' | '+' | '-' | '–' | '(' | ')')
        })
}

/// The width of `text` on one line at 12 pt Times New Roman, in twips, erring wide: digits
/// are 120 twips there (counted 130), capitals up to 227 (counted 180), lowercase letters
/// about 108 on average (counted 120, `m` and `w` 200); bold adds a tenth. Combining marks
/// take no room.
fn text_width(text: &str, bold: bool) -> u32 {
    let width: u32 = text
        .chars()
        .map(|c| match c {
            '\u{0300}'..='\u{036f}' => 0,
            ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '/' | '(' | ')' | '-' => 80,
            '0'..='9' | '–' => 130,
            'm' | 'w' | '%' | '@' | '—' => 200,
            c if c.is_uppercase() => 180,
            c if c.is_alphabetic() || c.is_ascii() => 120,
            _ => 240,
        })
        .sum();
    if bold { width + width / 10 } else { width }
}

/// A table's columns and frame.
struct Grid {
    /// Column widths in twips.
    widths: Vec<u32>,
    /// Single lines around every cell (data tables), or none (letterhead, signature).
    borders: bool,
    /// Offset from the left margin in twips.
    indent: i32,
}

/// A table row: the XML of each cell's paragraphs.
struct Row {
    cells: Vec<String>,
    /// A heading row, repeated at the top of each page the table runs onto.
    header: bool,
}

impl Row {
    fn plain(cells: Vec<String>) -> Row {
        Row { cells, header: false }
    }
}

impl Grid {
    fn push(&self, out: &mut String, rows: &[Row]) {
        let width: u32 = self.widths.iter().sum();
        let (style, borders) = if self.borders {
            ("TableGrid", "")
        } else {
            (
                "TableNormal",
                concat!(
                    r#"<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>"#,
                    r#"<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>"#,
                ),
            )
        };
        out.push_str(&format!(
            concat!(
                r#"<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="{width}" w:type="dxa"/>"#,
                r#"<w:tblInd w:w="{indent}" w:type="dxa"/>{borders}<w:tblLayout w:type="fixed"/>"#,
                r#"<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" "#,
                r#"w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#,
            ),
            style = style,
            width = width,
            indent = self.indent,
            borders = borders,
        ));
        for w in &self.widths {
            out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
        }
        out.push_str("</w:tblGrid>");
        for row in rows {
            out.push_str("<w:tr><w:trPr><w:cantSplit/>");
            if row.header {
                out.push_str("<w:tblHeader/>");
            }
            out.push_str("</w:trPr>");
            for (c, w) in self.widths.iter().enumerate() {
                let v_align = if self.borders { "center" } else { "top" };
                out.push_str(&format!(
                    r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="{v_align}"/></w:tcPr>"#
                ));
                match row.cells.get(c).filter(|cell| !cell.is_empty()) {
                    Some(cell) => out.push_str(cell),
                    // A cell must end with a paragraph.
                    None => out.push_str("<w:p/>"),
                }
                out.push_str("</w:tc>");
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
    }
}

/// Direct formatting of a run of text.
#[derive(Debug, Clone, Copy, Default)]
struct RunFormat {
    bold: bool,
    italic: bool,
    underline: bool,
    /// Size in half-points; `None` keeps the paragraph style's.
    size: Option<u32>,
}

impl RunFormat {
    fn size(half_points: u32) -> RunFormat {
        RunFormat {
            size: Some(half_points),
            ..RunFormat::default()
        }
    }

    fn bold(self) -> RunFormat {
        RunFormat { bold: true, ..self }
    }

    fn italic(self) -> RunFormat {
        RunFormat { italic: true, ..self }
    }

    fn underline(self) -> RunFormat {
        RunFormat {
            underline: true,
            ..self
        }
    }

    /// `<w:rPr>`, children in the order the schema requires.
    fn push(&self, out: &mut String) {
        if !(self.bold || self.italic || self.underline || self.size.is_some()) {
            return;
        }
        out.push_str("<w:rPr>");
        if self.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if self.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        if let Some(size) = self.size {
            out.push_str(&format!(r#"<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>"#));
        }
        if self.underline {
            out.push_str(r#"<w:u w:val="single"/>"#);
        }
        out.push_str("</w:rPr>");
    }
}

/// Direct formatting of a paragraph; lengths in twips.
#[derive(Debug, Clone, Copy, Default)]
struct ParaFormat {
    style: Option<&'static str>,
    keep_next: bool,
    page_break_before: bool,
    /// Space before the paragraph.
    before: u32,
    /// `left`, `center`, `right` or `both`; `None` keeps the style's.
    align: Option<&'static str>,
}

impl ParaFormat {
    fn centred() -> ParaFormat {
        ParaFormat {
            align: Some("center"),
            ..ParaFormat::default()
        }
    }

    /// `<w:pPr>`, children in the order the schema requires.
    fn push(&self, out: &mut String) {
        let mut ppr = String::new();
        if let Some(style) = self.style {
            ppr.push_str(&format!(r#"<w:pStyle w:val="{style}"/>"#));
        }
        if self.keep_next {
            ppr.push_str("<w:keepNext/>");
        }
        if self.page_break_before {
            ppr.push_str("<w:pageBreakBefore/>");
        }
        if self.before > 0 {
            ppr.push_str(&format!(r#"<w:spacing w:before="{}"/>"#, self.before));
        }
        if let Some(align) = self.align {
            ppr.push_str(&format!(r#"<w:jc w:val="{align}"/>"#));
        }
        if !ppr.is_empty() {
            out.push_str("<w:pPr>");
            out.push_str(&ppr);
            out.push_str("</w:pPr>");
        }
    }
}

fn push_paragraph(out: &mut String, format: &ParaFormat, text: &str, run: RunFormat) {
    out.push_str("<w:p>");
    format.push(out);
    if !text.is_empty() {
        push_run(out, text, run);
    }
    out.push_str("</w:p>");
}

/// A run of text: '\n' becomes a line break and '\t' a tab, everything else is escaped.
fn push_run(out: &mut String, text: &str, run: RunFormat) {
    out.push_str("<w:r>");
    run.push(out);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(r#"<w:t xml:space="preserve">"#);
                push_escaped(out, piece);
                out.push_str("</w:t>");
            }
        }
    }
    out.push_str("</w:r>");
}

/// The short centred rule under the issuing body and under the summary: the bottom border
/// of an empty paragraph `width` twips wide, 3 pt high. A drawn line (VML or DrawingML
/// shape) would be anchored to a paragraph and float away when LibreOffice reflows; a
/// border moves with the text.
fn push_rule(out: &mut String, width: u32) {
    out.push_str(&format!(
        concat!(
            r#"<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>"#,
            r#"<w:spacing w:before="0" w:after="0" w:line="60" w:lineRule="exact"/>"#,
            r#"<w:ind w:left="{inset}" w:right="{inset}" w:firstLine="0"/>"#,
            r#"<w:rPr><w:sz w:val="4"/></w:rPr></w:pPr></w:p>"#,
        ),
        inset = width,
    ));
}

/// Appends `text` escaped for XML character data and attribute values, dropping what XML 1.0
/// does not allow (control characters other than tab and line feed, U+FFFE, U+FFFF) and
/// carriage returns, which carry no meaning in our text.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn styles_xml() -> String {
    let font = r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/>"#;
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:styles xmlns:w="{ns}">"#,
            r#"<w:docDefaults><w:rPrDefault><w:rPr>{font}<w:sz w:val="{pt14}"/><w:szCs w:val="{pt14}"/>"#,
            r#"<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>"#,
            r#"<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>"#,
            r#"</w:docDefaults>"#,
            // Plain text: letterhead, signature, recipients.
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>"#,
            r#"<w:pPr><w:widowControl/></w:pPr></w:style>"#,
            // Body text: justified, first line indented 1 cm, 6 pt between paragraphs.
            r#"<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/>"#,
            r#"<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="0" "#,
            r#"w:line="288" w:lineRule="auto"/><w:ind w:firstLine="{indent}"/><w:jc w:val="both"/></w:pPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>"#,
            r#"<w:basedOn w:val="BodyText"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/>"#,
            r#"<w:spacing w:before="180"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>"#,
            r#"<w:basedOn w:val="BodyText"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/>"#,
            r#"<w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/>"#,
            r#"<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/>"#,
            r#"<w:spacing w:before="180" w:after="120"/><w:jc w:val="center"/></w:pPr>"#,
            r#"<w:rPr><w:b/><w:bCs/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/>"#,
            r#"<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>"#,
            r#"<w:rPr><w:sz w:val="{pt12}"/><w:szCs w:val="{pt12}"/></w:rPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/>"#,
            r#"<w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr>"#,
            r#"<w:rPr><w:sz w:val="{pt13}"/><w:szCs w:val="{pt13}"/></w:rPr></w:style>"#,
            r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">"#,
            r#"<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
            r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>"#,
            r#"<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>"#,
            r#"<w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>"#,
            r#"<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
            r#"<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>"#,
            r#"<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>"#,
            r#"<w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#,
            r#"<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#,
            r#"<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#,
            r#"<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#,
            r#"<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>"#,
            r#"<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>"#,
            r#"<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>"#,
            r#"</w:tblPr></w:style>"#,
            r#"</w:styles>"#,
        ),
        ns = W_NS,
        font = font,
        pt12 = PT12,
        pt13 = PT13,
        pt14 = PT14,
        indent = FIRST_LINE,
    )
}

/// The header of pages 2 onwards: the page number, centred.
fn page_number_header() -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:hdr xmlns:w="{ns}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>"#,
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>"#,
        ),
        ns = W_NS
    )
}

/// The header of the first page: empty (titlePg), as page 1 carries no number.
fn empty_header() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:hdr xmlns:w=\"{W_NS}\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p></w:hdr>"
    )
}

fn core_xml(doc: &AdminDocument) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject>",
            "<dc:creator>{creator}</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>",
        ),
        title = escaped(&doc.summary),
        subject = escaped(&doc.title),
        creator = escaped(&doc.issuing_body),
    )
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/header1.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#,
    r#"<Override PartName="/word/header2.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" "#,
    r#"ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    r#"</Types>"#,
);

const PACKAGE_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" "#,
    r#"Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" "#,
    r#"Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" "#,
    r#"Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" "#,
    r#"Target="docProps/app.xml"/>"#,
    r#"</Relationships>"#,
);

/// rId3 and rId4 are the headers `document_xml` refers to.
const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#,
    r#"<Relationship Id="rId4" "#,
    r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>"#,
    r#"</Relationships>"#,
);

const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>"#,
    r#"<w:characterSpacingControl w:val="doNotCompress"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" "#,
    r#"w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/>"#,
    r#"<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>"#,
);

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">"#,
    r#"<Application>LiênKết</Application></Properties>"#,
);

#[cfg(test)]
mod tests {
    use std::io::Read;

    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;

    fn sample() -> AdminDocument {
        AdminDocument {
            parent_body: "Liên minh Hợp tác xã Việt Nam".into(),
            issuing_body: "Liên minh Hợp tác xã thành phố Hà Nội".into(),
            number: "Số: 05/BC-LMHTX".into(),
            place_date: "Hà Nội, ngày 05 tháng 3 năm 2025".into(),
            title: "Báo cáo".into(),
            summary: "Sơ kết 01 năm thực hiện Chương trình phối hợp năm 2024".into(),
            body: vec![
                Block::Heading1("I. TÌNH HÌNH CHUNG".into()),
                Block::Paragraph("Đoạn một.\nĐoạn hai.".into()),
                Block::Bullet("Hội nghị tập huấn;".into()),
                Block::Table(Table {
                    caption: Some("Bảng 1".into()),
                    header: vec!["TT".into(), "Chỉ tiêu".into(), "Kết quả".into()],
                    rows: vec![
                        vec!["1".into(), "HTX thành lập mới".into(), "45".into()],
                        vec!["".into(), "Tổng cộng".into(), "45".into()],
                    ],
                    numeric: vec![false, false, true],
                    total_row: true,
                }),
            ],
            recipients: vec!["Như trên;".into(), "Thường trực Thành ủy (để b/c);".into()],
            signer_role: "TM. Ban Thường trực\nChủ tịch".into(),
            signer_name: "Nguyễn Văn An".into(),
            annexes: vec![Annex {
                label: "Phụ lục I".into(),
                title: "KẾT QUẢ THỰC HIỆN".into(),
                subtitle: "(Kèm theo Báo cáo số 05/BC-LMHTX)".into(),
                blocks: vec![Block::Paragraph("Nội dung phụ lục.".into())],
            }],
        }
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip");
        let mut file = archive
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} is in the package"));
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8");
        text
    }

    /// Parses `xml` to the end, failing on any syntax error or mismatched tag; returns the
    /// text content.
    fn well_formed(xml: &str) -> String {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut text = String::new();
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => return text,
                Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) => {
                    let c = match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unexpected entity {other}"),
                    };
                    text.push(c);
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
    }

    #[test]
    fn the_package_holds_every_part() {
        let docx = write_admin_document(&sample());
        let archive = zip::ZipArchive::new(Cursor::new(&docx)).expect("a zip");
        let names: Vec<String> = archive
            .file_names()
            .map(|name| name.expect("a UTF-8 name").into_owned())
            .collect();
        for name in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/header1.xml",
            "word/header2.xml",
            "word/_rels/document.xml.rels",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
            well_formed(&part(&docx, name));
        }
    }

    #[test]
    fn vietnamese_text_round_trips() {
        let docx = write_admin_document(&sample());
        let text = well_formed(&part(&docx, "word/document.xml"));
        for expected in [
            "LIÊN MINH HỢP TÁC XÃ VIỆT NAM",
            "LIÊN MINH HỢP TÁC XÃ THÀNH PHỐ HÀ NỘI",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 05/BC-LMHTX",
            "Hà Nội, ngày 05 tháng 3 năm 2025",
            "BÁO CÁO",
            "Sơ kết 01 năm thực hiện Chương trình phối hợp năm 2024",
            "- Hội nghị tập huấn;",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "TM. BAN THƯỜNG TRỰC",
            "CHỦ TỊCH",
            "Nguyễn Văn An",
            "Phụ lục I",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
    }

    #[test]
    fn special_and_control_characters_are_escaped_or_dropped() {
        let mut doc = sample();
        doc.summary = "Lãi <5% & \"vượt\" 'kế hoạch'\u{1}\u{b}\u{ffff}".into();
        doc.body = vec![Block::Paragraph("a < b && c > d\u{0}".into())];
        let docx = write_admin_document(&doc);
        let xml = part(&docx, "word/document.xml");
        let text = well_formed(&xml);
        assert!(text.contains("Lãi <5% & \"vượt\" 'kế hoạch'"), "{text}");
        assert!(text.contains("a < b && c > d"));
        assert!(!xml.contains('\u{1}') && !xml.contains('\u{0}') && !xml.contains('\u{ffff}'));
        let core = part(&docx, "docProps/core.xml");
        assert_eq!(
            well_formed(&core)
                .matches("Lãi <5% & \"vượt\" 'kế hoạch'")
                .count(),
            1
        );
    }

    #[test]
    fn page_numbers_start_on_page_two() {
        let docx = write_admin_document(&sample());
        let xml = part(&docx, "word/document.xml");
        assert!(xml.contains("<w:titlePg/>"));
        assert!(xml.contains(r#"<w:headerReference w:type="first" r:id="rId4"/>"#));
        assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
        assert!(part(&docx, "word/header1.xml").contains(" PAGE "));
        assert!(!part(&docx, "word/header2.xml").contains("PAGE"));
        let rels = part(&docx, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml""#));
    }

    #[test]
    fn the_summary_is_the_document_title() {
        let docx = write_admin_document(&sample());
        assert!(part(&docx, "docProps/core.xml").contains("<dc:title>Sơ kết 01 năm"));
    }

    #[test]
    fn times_new_roman_is_the_default_font() {
        let styles = part(&write_admin_document(&sample()), "word/styles.xml");
        assert!(styles.contains(
            r#"w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman""#
        ));
    }

    #[test]
    fn table_headers_repeat_and_the_total_row_is_bold() {
        let xml = part(&write_admin_document(&sample()), "word/document.xml");
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        let total = xml.find("Tổng cộng").expect("total row");
        let run_start = xml[..total].rfind("<w:r>").expect("its run");
        assert!(xml[run_start..total].contains("<w:b/>"));
    }

    #[test]
    fn adjacent_tables_are_kept_apart_and_the_body_ends_with_a_paragraph() {
        let mut doc = sample();
        let table = Block::Table(Table {
            header: vec!["A".into()],
            rows: vec![vec!["1".into()]],
            ..Table::default()
        });
        doc.body = vec![table.clone(), table.clone()];
        doc.annexes[0].blocks = vec![table];
        let xml = part(&write_admin_document(&doc), "word/document.xml");
        assert!(!xml.contains("</w:tbl><w:tbl>"));
        assert!(xml.contains("</w:tbl><w:p></w:p><w:sectPr>"));
    }

    #[test]
    fn recipients_get_dashes_and_one_archive_line() {
        let mut doc = sample();
        doc.recipients = vec!["Như trên;".into(), "- Lưu: VT, VP.".into()];
        let text = well_formed(&part(&write_admin_document(&doc), "word/document.xml"));
        assert!(text.contains("- Như trên;- Lưu: VT, VP."));
        assert!(!text.contains("Lưu: VT."));
    }

    #[test]
    fn the_output_is_deterministic() {
        assert_eq!(write_admin_document(&sample()), write_admin_document(&sample()));
    }

    #[test]
    fn an_empty_document_is_still_a_valid_package() {
        let docx = write_admin_document(&AdminDocument::default());
        well_formed(&part(&docx, "word/document.xml"));
    }

    #[test]
    fn column_widths_fill_the_text_width_and_favour_long_columns() {
        let Some(Block::Table(table)) = sample().body.into_iter().nth(3) else {
            panic!("a table")
        };
        let widths = column_widths(&table, 3);
        assert_eq!(widths.iter().sum::<u32>(), TEXT_WIDTH);
        assert!(widths[1] > widths[0] && widths[1] > widths[2]);
    }

    fn activities_table() -> Table {
        let row = |tt: &str, date: &str, title: &str, people: &str, cost: &str, note: &str| {
            [tt, date, title, people, cost, note].map(String::from).to_vec()
        };
        Table {
            caption: None,
            header: [
                "TT",
                "Ngày",
                "Nội dung hoạt động",
                "Số người tham gia",
                "Kinh phí (đồng)",
                "Ghi chú",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![
                row(
                    "1",
                    "12/03/2024",
                    "Hội nghị tuyên truyền Luật Hợp tác xã 2023 và các văn bản hướng dẫn thi hành cho cán bộ cấp xã",
                    "120",
                    "45.000.000",
                    "Phối hợp với Sở Nông nghiệp và Môi trường",
                ),
                row("2", "05/11/2024", "Hội chợ", "1.200", "1.250.000.000", ""),
                row("", "", "Tổng cộng", "1.320", "1.295.000.000", ""),
            ],
            numeric: vec![false, false, false, true, true, false],
            total_row: true,
        }
    }

    #[test]
    fn no_column_is_narrower_than_its_longest_word_and_figures_keep_to_one_line() {
        let table = activities_table();
        let widths = column_widths(&table, 6);
        assert_eq!(widths.iter().sum::<u32>(), TEXT_WIDTH, "{widths:?}");
        for (c, width) in widths.iter().enumerate() {
            let words = table
                .rows
                .iter()
                .map(|r| (&r[c], false))
                .chain([(&table.header[c], true)]);
            for (text, bold) in words {
                for word in text.split_whitespace() {
                    assert!(
                        *width >= text_width(word, bold) + CELL_PADDING,
                        "column {c} ({width} twips) breaks {word:?}: {widths:?}"
                    );
                }
            }
        }
        // Against Times New Roman's own metrics plus the 2 × 85 twips of cell margins: bold
        // "TT" is 2 × 160, "12/03/2024" 8 × 120 + 2 × 67, "1.295.000.000" 10 × 120 + 3 × 60.
        assert!(widths[0] >= 320 + 170, "{widths:?}");
        assert!(widths[1] >= 1094 + 170, "{widths:?}");
        assert!(widths[4] >= 1380 + 170, "{widths:?}");
        // The long title gets most of what is left, the note less; the figures get no more
        // than they need.
        assert!(widths[2] > widths[5] * 3 / 2, "{widths:?}");
        assert!(widths[0] < 700 && widths[1] < 1700, "{widths:?}");
    }

    #[test]
    fn a_table_too_wide_for_the_page_still_fills_the_text_width() {
        let table = Table {
            header: (0..14).map(|i| format!("Chỉ tiêu số {i}")).collect(),
            rows: vec![(0..14).map(|_| "1.250.000.000".to_string()).collect()],
            numeric: vec![true; 14],
            ..activities_table()
        };
        let widths = column_widths(&table, 14);
        assert_eq!(widths.iter().sum::<u32>(), TEXT_WIDTH, "{widths:?}");
        assert!(widths.iter().all(|&w| w >= TEXT_WIDTH / 14), "{widths:?}");
    }
}
