//! The registry import engine, shared by the web pages and `lienket import registry`.
//!
//! A file goes through three steps: [`lienket_office::read_table`] finds the register in the
//! sheet; [`analyse_row`] reads each row leniently into an organisation, noting every correction
//! ("fixed") and every problem ("error"); [`plan`] then checks the file as a whole against the
//! database (the same code twice in the file, a code that belongs to another alliance, which
//! rows update an existing organisation). Nothing is written until [`commit`], which applies
//! every row in one transaction, or none.
//!
//! The OCOP product list import ([`crate::import_products`]) runs on the same engine: it shares
//! the reading step ([`read_rows`]), the messages ([`RowMessage`]), what the reader found in the
//! file ([`SheetSummary`]) and the per-row helpers of this module.

use std::collections::HashMap;

use lienket_domain::admin_units::{AddressMatch, parse_address};
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::lenient::{
    self, Date, Fix, Parsed, parse_amount_vnd, parse_amount_vnd_number, parse_count, parse_count_number,
    parse_date, parse_date_serial,
};
use lienket_domain::organisation::{OrgKind, OrganisationForm, OrganisationInput, RegistrationCode};
use lienket_domain::text::fold;
use lienket_domain::validate::{clean_text, parse_phone_vn};
use lienket_office::{Cell, ColumnSpec, Limits, ReadError, Row, SkipReason, Table};
use lienket_store::{Actor, Store, StoreError};
use serde::{Deserialize, Serialize};

/// The columns of a registry sheet and the header texts alliances use for them.
pub const REGISTRY_COLUMNS: &[ColumnSpec] = &[
    // The row number column every register has: recognised so it is not reported as unknown.
    ColumnSpec {
        field: "row_number",
        aliases: &["stt", "số thứ tự", "tt", "số tt"],
        required: false,
    },
    ColumnSpec {
        field: "registration_code",
        aliases: &[
            "mã số htx",
            "mã số hợp tác xã",
            "mã số thuế",
            "mst",
            "mã số doanh nghiệp",
            "mã số đăng ký",
            "mã số",
        ],
        required: false,
    },
    ColumnSpec {
        field: "name",
        aliases: &[
            "tên hợp tác xã",
            "tên htx",
            "tên tổ chức",
            "tên đơn vị",
            "tên tổ hợp tác",
            "tên thht",
            "tên",
        ],
        required: true,
    },
    ColumnSpec {
        field: "short_name",
        aliases: &["tên viết tắt", "tên giao dịch"],
        required: false,
    },
    ColumnSpec {
        field: "kind",
        aliases: &["loại hình", "loại hình tổ chức", "loại hình kinh tế tập thể"],
        required: false,
    },
    ColumnSpec {
        field: "sector",
        aliases: &[
            "lĩnh vực",
            "ngành nghề",
            "lĩnh vực hoạt động",
            "ngành nghề kinh doanh chính",
        ],
        required: false,
    },
    ColumnSpec {
        field: "founded_on",
        aliases: &[
            "ngày thành lập",
            "năm thành lập",
            "ngày đăng ký",
            "ngày cấp đăng ký",
            "thời gian thành lập",
        ],
        required: false,
    },
    ColumnSpec {
        field: "members_official",
        aliases: &[
            "thành viên chính thức",
            "số thành viên chính thức",
            "số thành viên",
            "tổng số thành viên",
            "chính thức",
        ],
        required: false,
    },
    ColumnSpec {
        field: "members_associate_capital",
        aliases: &["liên kết góp vốn", "thành viên liên kết góp vốn"],
        required: false,
    },
    ColumnSpec {
        field: "members_associate_other",
        aliases: &["liên kết không góp vốn", "thành viên liên kết không góp vốn"],
        required: false,
    },
    ColumnSpec {
        field: "charter_capital",
        aliases: &["vốn điều lệ", "vốn đăng ký", "vốn điều lệ đồng"],
        required: false,
    },
    ColumnSpec {
        field: "representative",
        aliases: &[
            "người đại diện theo pháp luật",
            "người đại diện",
            "họ tên giám đốc",
            "giám đốc",
            "chủ nhiệm",
            "tổ trưởng",
        ],
        required: false,
    },
    ColumnSpec {
        field: "representative_title",
        aliases: &["chức vụ"],
        required: false,
    },
    ColumnSpec {
        field: "phone",
        aliases: &["điện thoại", "số điện thoại", "sđt", "đt", "điện thoại liên hệ"],
        required: false,
    },
    ColumnSpec {
        field: "email",
        aliases: &["email", "e-mail", "thư điện tử"],
        required: false,
    },
    ColumnSpec {
        field: "website",
        aliases: &["website", "trang web", "trang thông tin điện tử"],
        required: false,
    },
    ColumnSpec {
        field: "address",
        aliases: &["địa chỉ", "địa chỉ trụ sở", "trụ sở chính", "trụ sở"],
        required: false,
    },
];

/// A message (key + arguments) about one field of one row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RowMessage {
    /// The field, or `""` for the row as a whole.
    pub field: String,
    /// Catalogue key.
    pub key: String,
    /// Arguments.
    pub args: Vec<(String, String)>,
}

impl RowMessage {
    /// A message about `field` (`""` for the row as a whole).
    pub(crate) fn new(field: &str, key: &str, args: Vec<(&'static str, String)>) -> RowMessage {
        RowMessage {
            field: field.into(),
            key: key.into(),
            args: args.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }
}

/// What happens to a row on commit.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    /// A new organisation.
    Create,
    /// Updates the organisation with the same code (or, without a code, the same name).
    Update,
    /// Nothing: the row is in error.
    None,
}

/// The outcome of one data row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowOutcome {
    /// Spreadsheet row number.
    pub row: usize,
    /// The name as read (to recognise the row).
    pub name: String,
    /// The registration code as read.
    pub code: String,
    /// What was corrected.
    pub fixes: Vec<RowMessage>,
    /// What prevents the row from being imported.
    pub errors: Vec<RowMessage>,
    /// What the commit will do.
    pub action: RowAction,
}

impl RowOutcome {
    /// `ok`, `fixed` or `error`.
    pub fn status(&self) -> &'static str {
        if !self.errors.is_empty() {
            "error"
        } else if !self.fixes.is_empty() {
            "fixed"
        } else {
            "ok"
        }
    }
}

/// What the reader found in a file as a whole, whatever is imported from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetSummary {
    /// Format found (xlsx, xls, ods, csv).
    pub format: String,
    /// Sheet read.
    pub sheet: String,
    /// Header row number.
    pub header_row: usize,
    /// Header cells matched to no field.
    pub unknown_columns: Vec<String>,
    /// Rows skipped and why: (row, key, text).
    pub skipped: Vec<(usize, String, String)>,
    /// Notes of the reader (hidden sheets ignored, encoding…): key and arguments.
    pub notes: Vec<RowMessage>,
}

impl SheetSummary {
    /// The summary of a table as read.
    pub fn of(table: &Table) -> SheetSummary {
        SheetSummary {
            format: table.format.name().into(),
            sheet: table.sheet.clone(),
            header_row: table.header_row,
            unknown_columns: table.unknown_columns.clone(),
            skipped: table
                .skipped
                .iter()
                .map(|(row, reason)| {
                    let text = match reason {
                        SkipReason::Footer { text }
                        | SkipReason::Signature { text }
                        | SkipReason::AfterGap { text } => text.clone(),
                        SkipReason::Blank | SkipReason::RepeatedHeader | SkipReason::ColumnNumbers => {
                            String::new()
                        }
                    };
                    (*row, reason.key().to_string(), text)
                })
                .collect(),
            notes: table
                .notes
                .iter()
                .map(|n| RowMessage::new("", n.key, n.args.clone()))
                .collect(),
        }
    }
}

/// Counts of a preview from the status (`ok`, `fixed`, `error`) of each listed row, plus
/// `unlisted_ok` rows without findings that were counted but not kept.
pub(crate) fn count_statuses(
    statuses: impl Iterator<Item = &'static str>,
    unlisted_ok: usize,
) -> lienket_store::ImportCounts {
    let mut c = lienket_store::ImportCounts {
        total: unlisted_ok as i64,
        ok: unlisted_ok as i64,
        ..Default::default()
    };
    for status in statuses {
        c.total += 1;
        match status {
            "error" => c.error += 1,
            "fixed" => c.fixed += 1,
            _ => c.ok += 1,
        }
    }
    c
}

/// The whole preview of a registry import, kept with the import.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Preview {
    /// What the reader found in the file (its fields sit at the top level of the stored JSON).
    #[serde(flatten)]
    pub file: SheetSummary,
    /// Data rows read without any finding (not kept one by one).
    pub ok_rows: usize,
    /// Rows that will create an organisation.
    pub creates: usize,
    /// Rows matched to an existing organisation (by code, or by name without a code).
    pub updates: usize,
    /// The rows with findings: corrected or in error.
    pub rows: Vec<RowOutcome>,
}

impl Preview {
    /// Counts of the preview.
    pub fn counts(&self) -> lienket_store::ImportCounts {
        count_statuses(self.rows.iter().map(RowOutcome::status), self.ok_rows)
    }
}

/// Why a file could not be read at all.
#[derive(Debug)]
pub struct FileProblem {
    /// Catalogue key.
    pub key: &'static str,
    /// Arguments.
    pub args: Vec<(&'static str, String)>,
}

impl From<ReadError> for FileProblem {
    fn from(e: ReadError) -> Self {
        FileProblem {
            key: e.key(),
            args: e.args(),
        }
    }
}

/// Today (UTC), the bound of dates read from a file.
fn today() -> Date {
    let d = time::OffsetDateTime::now_utc().date();
    Date::new(d.year(), u8::from(d.month()), d.day())
        .unwrap_or_else(|| Date::new(2026, 1, 1).expect("a valid date"))
}

/// Records a lenient reader's correction, if it made one.
pub(crate) fn push_fix(fixes: &mut Vec<RowMessage>, field: &str, fix: Option<Fix>) {
    if let Some(f) = fix {
        fixes.push(RowMessage::new(field, f.key, f.args));
    }
}

fn lenient_value<T>(
    cell: &Cell,
    field: &str,
    text: fn(&str) -> Parsed<T>,
    number: fn(f64) -> Parsed<T>,
    fixes: &mut Vec<RowMessage>,
    errors: &mut Vec<RowMessage>,
) -> Option<T> {
    let parsed = match cell {
        Cell::Number(n) | Cell::DateSerial(n) => number(*n),
        Cell::Error(e) => {
            errors.push(RowMessage::new(
                field,
                "err-import-formula",
                vec![("value", e.clone())],
            ));
            return None;
        }
        other => text(&other.as_text()),
    };
    match parsed {
        Ok((v, fix)) => {
            push_fix(fixes, field, fix);
            Some(v)
        }
        Err(p) => {
            errors.push(RowMessage::new(field, p.key, p.args));
            None
        }
    }
}

/// "HỢP TÁC XÃ NÔNG NGHIỆP ĐÔNG DƯ" → "Hợp tác xã Nông nghiệp Đông Dư".
pub(crate) fn recase(name: &str) -> String {
    let titled: Vec<String> = name
        .split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect();
    let joined = titled.join(" ");
    // Legal-form words keep sentence case, as in official names.
    for (from, to) in [
        ("Liên Hiệp Hợp Tác Xã", "Liên hiệp hợp tác xã"),
        ("Hợp Tác Xã", "Hợp tác xã"),
        ("Tổ Hợp Tác", "Tổ hợp tác"),
        ("Htx", "HTX"),
        ("Tht", "THT"),
    ] {
        if let Some(rest) = joined.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    joined
}

/// The text of a field, whitespace cleaned; `""` when the column is missing.
pub(crate) fn text_of(row: &Row, field: &str) -> String {
    row.get(field)
        .map(|c| clean_text(&c.as_text()))
        .unwrap_or_default()
}

/// Reads one row into an organisation form, with every correction and problem.
/// The form is `None` when the row cannot become an organisation.
pub fn analyse_row(row: &Row, today: Date) -> (RowOutcome, Option<OrganisationInput>) {
    let mut fixes = Vec::new();
    let mut errors = Vec::new();
    let mut form = OrganisationForm::default();

    // Name: trimmed, inner spaces collapsed, ALL CAPS re-cased.
    let raw_name = row.get("name").map(Cell::as_text).unwrap_or_default();
    let mut name = clean_text(&raw_name);
    if name != raw_name && !name.is_empty() {
        fixes.push(RowMessage::new("name", "fix-import-trimmed", vec![]));
    }
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 3 && letters.iter().all(|c| !c.is_lowercase()) {
        name = recase(&name);
        fixes.push(RowMessage::new(
            "name",
            "fix-import-recased",
            vec![("value", name.clone())],
        ));
    }
    form.name = name.clone();

    // Registration code: numbers that lost their leading zero are restored.
    let raw_code = row
        .get("registration_code")
        .map(Cell::as_text)
        .unwrap_or_default()
        .trim()
        .to_string();
    if !raw_code.is_empty() {
        match RegistrationCode::parse(&raw_code) {
            Some((code, repaired)) => {
                if repaired {
                    fixes.push(RowMessage::new(
                        "registration_code",
                        "fix-import-code-zero",
                        vec![("value", code.as_str().to_string())],
                    ));
                }
                form.registration_code = code.as_str().to_string();
            }
            None => form.registration_code = raw_code.clone(),
        }
    }

    // Kind: the column, else the name's legal form.
    let kind_text = text_of(row, "kind");
    form.kind = if kind_text.is_empty() {
        let inferred = kind_of_name(&name);
        fixes.push(RowMessage::new(
            "kind",
            "fix-import-kind-inferred",
            vec![("value", inferred.label_key().to_string())],
        ));
        inferred.as_str().into()
    } else {
        kind_text
    };

    let sector_text = text_of(row, "sector");
    form.sector = if sector_text.is_empty() {
        fixes.push(RowMessage::new("sector", "fix-import-sector-other", vec![]));
        "other".into()
    } else {
        sector_text
    };

    if let Some(cell) = row.get("founded_on").filter(|c| !c.is_blank()) {
        let date_text = |s: &str| parse_date(s, today);
        let date_number = |n: f64| parse_date_serial(n, true, today);
        let parsed = match cell {
            Cell::DateSerial(n) => date_number(*n),
            Cell::Number(n) => parse_date_serial(*n, false, today),
            Cell::Error(e) => {
                errors.push(RowMessage::new(
                    "founded_on",
                    "err-import-formula",
                    vec![("value", e.clone())],
                ));
                Err(lenient::Problem {
                    key: "",
                    args: vec![],
                })
            }
            other => date_text(&other.as_text()),
        };
        match parsed {
            Ok((d, fix)) => {
                push_fix(&mut fixes, "founded_on", fix);
                form.founded_on = format!("{:02}/{:02}/{}", d.day(), d.month(), d.year());
            }
            Err(p) if !p.key.is_empty() => errors.push(RowMessage::new("founded_on", p.key, p.args)),
            Err(_) => {}
        }
    }

    for field in [
        "members_official",
        "members_associate_capital",
        "members_associate_other",
    ] {
        if let Some(cell) = row.get(field).filter(|c| !c.is_blank())
            && let Some(n) = lenient_value(
                cell,
                field,
                parse_count,
                parse_count_number,
                &mut fixes,
                &mut errors,
            )
        {
            let slot = match field {
                "members_official" => &mut form.members_official,
                "members_associate_capital" => &mut form.members_associate_capital,
                _ => &mut form.members_associate_other,
            };
            *slot = n.to_string();
        }
    }
    if let Some(cell) = row.get("charter_capital").filter(|c| !c.is_blank())
        && let Some(v) = lenient_value(
            cell,
            "charter_capital",
            parse_amount_vnd,
            parse_amount_vnd_number,
            &mut fixes,
            &mut errors,
        )
    {
        form.charter_capital = v.to_string();
    }

    // Phone: a number cell lost its leading zero; anything readable becomes E.164.
    if let Some(cell) = row.get("phone").filter(|c| !c.is_blank()) {
        let raw = match cell {
            Cell::Number(n) => format!("0{}", cell_integer(*n)),
            other => other.as_text(),
        };
        match parse_phone_vn(&raw) {
            Some(p) => {
                // A plain local number ("0912345678") is only stored in E.164; anything else
                // (spaces, dots, a lost leading zero, "+84 …") is reported as corrected.
                let plain = raw.trim().starts_with('0') && raw.trim().chars().all(|c| c.is_ascii_digit());
                if !plain {
                    fixes.push(RowMessage::new(
                        "phone",
                        "fix-import-phone",
                        vec![("value", p.clone())],
                    ));
                }
                form.phone = p;
            }
            None => errors.push(RowMessage::new("phone", "err-phone", vec![])),
        }
    }

    form.short_name = text_of(row, "short_name");
    form.representative = text_of(row, "representative");
    form.representative_title = text_of(row, "representative_title");
    form.email = text_of(row, "email");
    form.website = text_of(row, "website");
    form.address = text_of(row, "address");
    let located = (!form.address.is_empty()).then(|| parse_address(&form.address));
    if let Some(fix) = located.as_ref().and_then(address_fix) {
        fixes.push(fix);
    }

    let (input, mut findings) =
        match form.parse_located((today.year(), today.month(), today.day()), located.as_ref()) {
            Ok(input) => (Some(input), Vec::new()),
            Err(f) => (None, f.0),
        };
    // Problems already reported by the lenient readers are not repeated by the form check.
    findings.retain(|f| !errors.iter().any(|e| e.field == f.field));
    errors.extend(
        findings
            .into_iter()
            .map(|f| RowMessage::new(f.field, f.key, f.args)),
    );
    let input = if errors.is_empty() { input } else { None };
    let outcome = RowOutcome {
        row: row.number,
        name,
        code: raw_code,
        fixes,
        errors,
        action: RowAction::None,
    };
    (outcome, input)
}

/// What reading an address changed, if anything: a province that could not be found, or a
/// pre-2025 address converted to the 2025 units (to check when the old ward was divided).
pub(crate) fn address_fix(m: &AddressMatch) -> Option<RowMessage> {
    if m.province_2025.is_none() {
        return Some(RowMessage::new("address", "fix-import-address-unknown", vec![]));
    }
    let (Some(l), Some(w), Some(p)) = (&m.legacy, m.ward_2025, m.province_2025) else {
        return None;
    };
    let old = l.ward.map_or(l.province.name, |w| w.name);
    Some(RowMessage::new(
        "address",
        if m.needs_review {
            "fix-import-address-review"
        } else {
            "fix-import-address-converted"
        },
        vec![
            ("old", old.to_string()),
            ("new", format!("{}, {}", w.name, p.name)),
        ],
    ))
}

fn cell_integer(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A file read and checked, ready to commit.
pub struct Plan {
    /// What the user sees.
    pub preview: Preview,
    /// The rows to apply: existing organisation (update) or new, with its record.
    pub rows: Vec<(Option<OrganisationId>, OrganisationInput)>,
}

/// Reads a file with `columns` and runs `analyse` (with `today`, the bound of dates) on every
/// data row, on the blocking pool and in parallel (order kept). `progress` is called with (rows done, rows total) meanwhile. The
/// outer error is a failure of the machinery; the inner one, a file that cannot be read.
pub(crate) async fn read_rows<T: Send + 'static>(
    bytes: &[u8],
    file_name: &str,
    columns: &'static [ColumnSpec],
    analyse: fn(&Row, Date) -> T,
    today: Date,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Result<(Table, Vec<T>), FileProblem>, StoreError> {
    // Reading and checking rows is CPU work (seconds for 100,000 rows): it runs on the blocking
    // pool so the server keeps answering other requests meanwhile.
    let owned = bytes.to_vec();
    let name = file_name.to_string();
    let (progress_tx, mut progress_rx) = tokio::sync::watch::channel((0usize, 0usize));
    let work = tokio::task::spawn_blocking(move || -> Result<(Table, Vec<T>), FileProblem> {
        let table = lienket_office::read_table(&owned, &name, columns, &Limits::default())?;
        let total = table.rows.len();
        // Rows are independent: they are checked on every core, in order-preserving chunks.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let chunk = total.div_ceil(threads).max(1);
        let done = std::sync::atomic::AtomicUsize::new(0);
        let analysed = std::thread::scope(|scope| {
            let workers: Vec<_> = table
                .rows
                .chunks(chunk)
                .map(|rows| {
                    let (done, progress_tx) = (&done, &progress_tx);
                    scope.spawn(move || {
                        let mut out = Vec::with_capacity(rows.len());
                        for row in rows {
                            out.push(analyse(row, today));
                            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if n % 1000 == 0 {
                                let _ = progress_tx.send((n, total));
                            }
                        }
                        out
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect::<Vec<_>>()
        });
        if analysed.len() != total {
            return Err(FileProblem {
                key: "err-import-corrupt",
                args: vec![("format", table.format.name().to_string())],
            });
        }
        Ok((table, analysed))
    });
    tokio::pin!(work);
    let joined = loop {
        tokio::select! {
            joined = &mut work => break joined,
            changed = progress_rx.changed() => {
                if changed.is_ok() {
                    let (done, total) = *progress_rx.borrow_and_update();
                    progress(done, total);
                }
            }
        }
    };
    let (table, analysed) = match joined {
        Ok(Ok(x)) => x,
        Ok(Err(problem)) => return Ok(Err(problem)),
        Err(_) => return Err(StoreError::Unsupported("the import worker stopped unexpectedly")),
    };
    let total = table.rows.len();
    progress(total, total);
    Ok(Ok((table, analysed)))
}

/// Reads a file and checks it against the registry of `alliance`.
/// `progress` is called with (rows done, rows total) while rows are analysed.
pub async fn plan(
    store: &Store,
    alliance: AllianceId,
    bytes: &[u8],
    file_name: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Result<Plan, FileProblem>, StoreError> {
    let (table, analysed) =
        match read_rows(bytes, file_name, REGISTRY_COLUMNS, analyse_row, today(), progress).await? {
            Ok(x) => x,
            Err(problem) => return Ok(Err(problem)),
        };
    let total = table.rows.len();

    let codes: Vec<String> = analysed
        .iter()
        .filter_map(|(_, input)| {
            input
                .as_ref()?
                .registration_code
                .as_ref()
                .map(|c| c.as_str().to_string())
        })
        .collect();
    let existing = store.organisations_by_codes(&codes).await?;
    let by_name = store.uncoded_organisations_by_name(alliance).await?;
    let mut first_row_of_code: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut outcomes = Vec::with_capacity(total);
    for (mut outcome, input) in analysed {
        if let Some(input) = input {
            let target = match &input.registration_code {
                Some(code) => {
                    if let Some(first) = first_row_of_code.get(code.as_str()) {
                        outcome.errors.push(RowMessage::new(
                            "registration_code",
                            "err-import-duplicate-in-file",
                            vec![("row", first.to_string())],
                        ));
                        None
                    } else {
                        first_row_of_code.insert(code.as_str().to_string(), outcome.row);
                        match existing.get(code.as_str()) {
                            Some(e) if e.alliance.is_some_and(|a| a != alliance) => {
                                outcome.errors.push(RowMessage::new(
                                    "registration_code",
                                    "err-import-other-alliance",
                                    vec![],
                                ));
                                None
                            }
                            Some(e) => Some(Some(e.id)),
                            None => Some(None),
                        }
                    }
                }
                None => Some(by_name.get(&fold(&input.name)).copied()),
            };
            if let Some(target) = target {
                outcome.action = if target.is_some() {
                    RowAction::Update
                } else {
                    RowAction::Create
                };
                rows.push((target, input));
            }
        }
        outcomes.push(outcome);
    }
    let preview = Preview {
        file: SheetSummary::of(&table),
        ok_rows: outcomes.iter().filter(|r| r.status() == "ok").count(),
        creates: outcomes.iter().filter(|r| r.action == RowAction::Create).count(),
        updates: outcomes.iter().filter(|r| r.action == RowAction::Update).count(),
        rows: outcomes.into_iter().filter(|r| r.status() != "ok").collect(),
    };
    Ok(Ok(Plan { preview, rows }))
}

/// Applies a plan with no errors in one transaction; returns (created, updated).
pub async fn commit(
    store: &Store,
    actor: &Actor,
    import_id: Option<i64>,
    alliance: AllianceId,
    plan: &Plan,
) -> Result<(i64, i64), StoreError> {
    store
        .commit_import(actor, import_id, Some(alliance), &plan.rows)
        .await
}

/// The MIME type of an uploaded register, from the format found in it.
pub fn content_type(format: &str) -> &'static str {
    match format {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "text/csv",
    }
}

/// The kind a register row's name announces ("Tổ hợp tác …", "Công ty …", "Hộ kinh doanh …"),
/// read as the OCOP list import reads it; an alliance's register is of cooperatives otherwise.
fn kind_of_name(name: &str) -> OrgKind {
    let key = crate::import_products::producer_key(name);
    if key.starts_with("tht ") {
        OrgKind::CooperativeGroup
    } else {
        crate::import_products::kind_from_name(&key).unwrap_or(OrgKind::Cooperative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_row_without_a_kind_takes_the_one_its_name_announces() {
        let cases = [
            ("HTX Nông nghiệp Đông Dư", OrgKind::Cooperative),
            ("Chè Vũ Minh", OrgKind::Cooperative),
            ("THT Mây tre đan Phú Vinh", OrgKind::CooperativeGroup),
            ("Tổ hợp tác Mây tre", OrgKind::CooperativeGroup),
            ("Liên hiệp HTX Thái Bình", OrgKind::CooperativeUnion),
            ("Công ty TNHH Thực phẩm Hồng Hà", OrgKind::Enterprise),
            ("Hộ kinh doanh Nguyễn Thị Lan", OrgKind::Household),
        ];
        for (name, kind) in cases {
            assert_eq!(kind_of_name(name), kind, "{name}");
        }
    }
}
