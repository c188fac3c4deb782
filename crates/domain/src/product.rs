//! Products of cooperatives and their OCOP certificates, as typed into forms and import sheets.
//!
//! [`ProductForm`] and [`CertificationForm`] hold raw strings (also the API bodies); their
//! `parse` returns a checked draft or every finding at once, each with its field and a catalogue
//! key listed in [`MESSAGE_KEYS`] (a certificate's findings may also carry keys of
//! [`crate::ocop::MESSAGE_KEYS`]). The OCOP rules themselves live in [`crate::ocop`].
//!
//! Layout:
//! - [`ProductStatus`]: draft, published, withdrawn.
//! - [`parse_gtin`]: barcodes (GTIN-8/12/13/14, Vietnamese 893… included).
//! - [`NetQuantity`], [`ShelfLife`]: "1,5 kg", "12 tháng" read into numbers, display kept.
//! - [`ProductForm`] → [`ProductDraft`]; [`CertificationForm`] → [`CertificationDraft`].

use serde::{Deserialize, Serialize};

use crate::lenient::{Date, parse_amount_vnd, parse_date};
use crate::ocop::{
    CertLevel, Certification, Part, ProductGroup, ProductSet, Score, Stars, parse_decision_number,
    parse_points, rule_versions, rules_for, stars_from_score,
};
use crate::text::fold;
use crate::validate::{Findings, clean_text};

/// Every catalogue key this module uses (findings and labels), for the web crate's catalogue.
pub const MESSAGE_KEYS: &[&str] = &[
    "product-status-draft",
    "product-status-published",
    "product-status-withdrawn",
    "product-error-required",
    "product-error-too-long",
    "product-error-group",
    "product-error-set",
    "product-error-set-not-in-group",
    "product-error-net-quantity",
    "product-error-shelf-life",
    "product-error-origin-province",
    "product-error-origin-ward",
    "product-error-origin-ward-not-in-province",
    "product-error-price",
    "product-error-price-range",
    "product-error-barcode-chars",
    "product-error-barcode-length",
    "product-error-barcode-check-digit",
    "product-error-status",
    "product-error-cert-score",
    "product-error-cert-date",
    "product-error-cert-date-future",
    "product-error-cert-date-incomplete",
    "product-error-cert-level",
    "product-error-cert-level-required",
    "product-error-cert-not-certifiable",
    "product-error-cert-central-needs-five",
    "product-error-cert-five-stars-province",
    "product-error-cert-stars-typed",
    "product-error-cert-stars-differ",
];

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/// Whether a product is shown to the public.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Bản nháp — being written, visible to its organisation and alliance staff only.
    #[default]
    Draft,
    /// Đã công bố — shown on the public catalogue and QR pages.
    Published,
    /// Ngừng công bố — withdrawn from the public, kept for history.
    Withdrawn,
}

impl ProductStatus {
    /// Every status.
    pub const ALL: [ProductStatus; 3] = [
        ProductStatus::Draft,
        ProductStatus::Published,
        ProductStatus::Withdrawn,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Published => "published",
            ProductStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored name or the Vietnamese words ("bản nháp", "đã công bố", "ngừng bán",
    /// "thu hồi"), accents optional.
    pub fn parse(raw: &str) -> Option<ProductStatus> {
        let f = fold(raw);
        if let Some(s) = ProductStatus::ALL.into_iter().find(|s| s.as_str() == f) {
            return Some(s);
        }
        match f.as_str() {
            "nhap" | "ban nhap" | "dang soan" => Some(ProductStatus::Draft),
            "cong bo" | "da cong bo" | "dang ban" | "hien thi" | "cong khai" => {
                Some(ProductStatus::Published)
            }
            "ngung" | "ngung ban" | "ngung cong bo" | "thu hoi" | "da thu hoi" | "an" | "da an" => {
                Some(ProductStatus::Withdrawn)
            }
            _ => None,
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ProductStatus::Draft => "product-status-draft",
            ProductStatus::Published => "product-status-published",
            ProductStatus::Withdrawn => "product-status-withdrawn",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Barcodes
// ---------------------------------------------------------------------------------------------

/// Reads a barcode number (GTIN-8, GTIN-12 / UPC-A, GTIN-13 / EAN-13, GTIN-14), spaces and
/// dashes removed, and checks its mod-10 check digit. Vietnamese codes (prefix 893) are plain
/// GTIN-13. The error is a catalogue key: `product-error-barcode-chars`, `-length` or
/// `-check-digit`.
pub fn parse_gtin(raw: &str) -> Result<String, &'static str> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}'..='\u{2015}'))
        .collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("product-error-barcode-chars");
    }
    if !matches!(digits.len(), 8 | 12 | 13 | 14) {
        return Err("product-error-barcode-length");
    }
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let (check, payload) = values.split_last().ok_or("product-error-barcode-length")?;
    // From the right of the payload, weights alternate 3, 1, 3, … whatever the length.
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    if (10 - sum % 10) % 10 == *check {
        Ok(digits)
    } else {
        Err("product-error-barcode-check-digit")
    }
}

// ---------------------------------------------------------------------------------------------
// Quantities and shelf life
// ---------------------------------------------------------------------------------------------

/// The unit of a net quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    /// mg.
    Milligram,
    /// g, gr, gam.
    Gram,
    /// kg, ký, kí.
    Kilogram,
    /// ml.
    Millilitre,
    /// l, lít.
    Litre,
    /// gói, túi — a pack.
    Pack,
    /// cái, chiếc, quả, trái, viên, con, cây — a piece.
    Piece,
}

impl QuantityUnit {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            QuantityUnit::Milligram => "mg",
            QuantityUnit::Gram => "g",
            QuantityUnit::Kilogram => "kg",
            QuantityUnit::Millilitre => "ml",
            QuantityUnit::Litre => "l",
            QuantityUnit::Pack => "pack",
            QuantityUnit::Piece => "piece",
        }
    }

    /// The unit of a folded word.
    fn from_word(word: &str) -> Option<QuantityUnit> {
        Some(match word {
            "mg" => QuantityUnit::Milligram,
            "g" | "gr" | "gram" | "grams" | "gam" => QuantityUnit::Gram,
            "kg" | "ky" | "ki" | "kilo" | "kilogram" | "kilograms" => QuantityUnit::Kilogram,
            "ml" => QuantityUnit::Millilitre,
            "l" | "lit" | "liter" | "litre" | "liters" | "litres" => QuantityUnit::Litre,
            "goi" | "tui" | "pack" | "packs" => QuantityUnit::Pack,
            "cai" | "chiec" | "qua" | "trai" | "vien" | "con" | "cay" | "piece" | "pieces" | "pcs" => {
                QuantityUnit::Piece
            }
            _ => return None,
        })
    }
}

/// A net quantity (khối lượng / thể tích tịnh), e.g. `500 ml`, `1,5 kg`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetQuantity {
    /// The amount in thousandths of the unit (`1,5 kg` is 1500).
    pub amount_thousandths: u64,
    /// The unit.
    pub unit: QuantityUnit,
    /// The quantity as typed (whitespace cleaned), for display.
    pub display: String,
}

/// A shelf life (hạn sử dụng), e.g. `12 tháng`, `18 months`, `365 ngày`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShelfLife {
    /// The length in days (a month counts 30 days, a year 365).
    pub days: u32,
    /// The shelf life as typed (whitespace cleaned), for display.
    pub display: String,
}

/// Reads a decimal number into thousandths. A comma is the decimal mark (`1,5`); a dot is a
/// decimal mark too (`1.5`) unless it groups thousands (`1.000`, `12.500`: exactly three digits
/// after each dot and no leading zero). More than three decimals is `None`.
fn decimal_thousandths(number: &str) -> Option<u64> {
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let grouped = |s: &str| {
        let groups: Vec<&str> = s.split('.').collect();
        groups.len() > 1 && !groups[0].starts_with('0') && groups[1..].iter().all(|g| g.len() == 3)
    };
    let (whole, fraction): (String, &str) = match number.split_once(',') {
        Some((w, f)) => (w.replace('.', ""), f),
        None if grouped(number) => (number.replace('.', ""), ""),
        None => match number.split_once('.') {
            Some((w, f)) => (w.to_string(), f),
            None => (number.to_string(), ""),
        },
    };
    let fraction = fraction.trim_end_matches('0');
    if whole.is_empty()
        || whole.len() > 12
        || fraction.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<3}").parse().ok()?
    };
    whole.checked_mul(1000)?.checked_add(fraction)
}

/// Splits `"1,5 kg …"` into the number and the first word after it (folded); the word must end
/// at the end of the text or at a non-letter.
fn number_and_word(raw: &str) -> Option<(u64, String)> {
    let folded = fold(raw);
    let end = folded
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(folded.len());
    let amount = decimal_thousandths(&folded[..end])?;
    let rest = folded[end..].trim_start();
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    Some((amount, word))
}

impl NetQuantity {
    /// Reads a net quantity: a positive number then a unit among mg, g, kg, ml, l/lít, gói/túi
    /// and pieces (`500 ml`, `1,5 kg`, `250g`, `2 lít`, `10 gói`); text after the unit is kept
    /// in the display only.
    pub fn parse(raw: &str) -> Option<NetQuantity> {
        let (amount_thousandths, word) = number_and_word(raw)?;
        let unit = QuantityUnit::from_word(&word)?;
        (amount_thousandths > 0).then(|| NetQuantity {
            amount_thousandths,
            unit,
            display: clean_text(raw),
        })
    }
}

impl ShelfLife {
    /// Reads a shelf life: a positive number then ngày/day, tuần/week, tháng/month or năm/year
    /// (`12 tháng`, `18 months`, `365 ngày`, `1,5 năm`), at most 100 years; text after the unit
    /// ("kể từ ngày sản xuất") is kept in the display only.
    pub fn parse(raw: &str) -> Option<ShelfLife> {
        let (amount, word) = number_and_word(raw)?;
        let days_per_unit: u64 = match word.as_str() {
            "ngay" | "day" | "days" | "d" => 1,
            "tuan" | "week" | "weeks" | "w" => 7,
            "thang" | "month" | "months" | "th" | "m" => 30,
            "nam" | "year" | "years" | "y" => 365,
            _ => return None,
        };
        // Rounded to the nearest day.
        let days = (amount.checked_mul(days_per_unit)? + 500) / 1000;
        let days = u32::try_from(days).ok().filter(|d| (1..=36_500).contains(d))?;
        Some(ShelfLife {
            days,
            display: clean_text(raw),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Product form
// ---------------------------------------------------------------------------------------------

/// What a user typed into the product form (also the API body and an import row).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProductForm {
    /// Name (required, at most 200 characters).
    pub name: String,
    /// OCOP product group: code or name, a 1048 name is mapped to its current group. May be
    /// empty when the set is given.
    pub group: String,
    /// OCOP product set: number or name; must belong to the group.
    pub set: String,
    /// Description (at most 5,000 characters).
    pub description: String,
    /// Selling unit (đơn vị tính), e.g. `chai`, `hộp`.
    pub unit: String,
    /// Packaging (quy cách đóng gói).
    pub packaging: String,
    /// Net quantity, e.g. `500 ml`, `1,5 kg`.
    pub net_quantity: String,
    /// Shelf life, e.g. `12 tháng`, `365 ngày`.
    pub shelf_life: String,
    /// Quality standard (TCVN, TCCS, ISO…), free text.
    pub quality_standard: String,
    /// Ingredients (thành phần).
    pub ingredients: String,
    /// Province of origin, 2025 code (`01`).
    pub origin_province: String,
    /// Ward of origin, 2025 code (`00004`).
    pub origin_ward: String,
    /// Lowest price in đồng.
    pub price_min: String,
    /// Highest price in đồng.
    pub price_max: String,
    /// Barcode (GTIN), optional.
    pub barcode: String,
    /// Status (stored name or Vietnamese words); empty is a draft.
    pub status: String,
}

/// A checked product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductDraft {
    /// Name.
    pub name: String,
    /// OCOP product group (always a current group).
    pub group: &'static ProductGroup,
    /// OCOP product set.
    pub set: Option<&'static ProductSet>,
    /// Description.
    pub description: Option<String>,
    /// Selling unit.
    pub unit: Option<String>,
    /// Packaging.
    pub packaging: Option<String>,
    /// Net quantity.
    pub net_quantity: Option<NetQuantity>,
    /// Shelf life.
    pub shelf_life: Option<ShelfLife>,
    /// Quality standard.
    pub quality_standard: Option<String>,
    /// Ingredients.
    pub ingredients: Option<String>,
    /// Province of origin (2025 code); filled from the ward when only the ward was given.
    pub origin_province_code: Option<&'static str>,
    /// Ward of origin (2025 code).
    pub origin_ward_code: Option<&'static str>,
    /// Lowest price in đồng.
    pub price_min: Option<i64>,
    /// Highest price in đồng.
    pub price_max: Option<i64>,
    /// Barcode (GTIN digits).
    pub barcode: Option<String>,
    /// Status.
    pub status: ProductStatus,
}

/// Cleans a text field; records `product-error-required` when a required one is empty and
/// `product-error-too-long` when it has more than `max_chars` characters.
fn text(
    f: &mut Findings,
    field: &'static str,
    raw: &str,
    max_chars: usize,
    required: bool,
) -> Option<String> {
    let value = clean_text(raw);
    if value.is_empty() {
        if required {
            f.add(field, "product-error-required");
        }
        return None;
    }
    if value.chars().count() > max_chars {
        f.add_with(
            field,
            "product-error-too-long",
            vec![("max", max_chars.to_string())],
        );
    }
    Some(value)
}

/// Reads an optional value with `parse`, recording `key` (with the typed value) when it fails.
fn optional<T>(
    f: &mut Findings,
    field: &'static str,
    raw: &str,
    key: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    if raw.trim().is_empty() {
        return None;
    }
    let value = parse(raw);
    if value.is_none() {
        f.add_with(field, key, vec![("value", raw.trim().to_string())]);
    }
    value
}

impl ProductForm {
    /// Checks every field, returning the product or all findings at once.
    pub fn parse(&self) -> Result<ProductDraft, Findings> {
        let mut f = Findings::default();
        let name = text(&mut f, "name", &self.name, 200, true);

        let set = optional(&mut f, "set", &self.set, "product-error-set", ProductSet::find);
        let group = if self.group.trim().is_empty() {
            let inferred = set.map(ProductSet::group);
            if inferred.is_none() && self.set.trim().is_empty() {
                f.add("group", "product-error-required");
            }
            inferred
        } else {
            optional(
                &mut f,
                "group",
                &self.group,
                "product-error-group",
                ProductGroup::find,
            )
        };
        if let (Some(g), Some(s)) = (group, set)
            && s.group_code != g.code
        {
            f.add_with(
                "set",
                "product-error-set-not-in-group",
                vec![
                    ("set", s.number.to_string()),
                    ("set_vi", s.name_vi.to_string()),
                    ("set_en", s.name_en.to_string()),
                    ("group_vi", g.name_vi.to_string()),
                    ("group_en", g.name_en.to_string()),
                ],
            );
        }

        let description = text(&mut f, "description", &self.description, 5000, false);
        let unit = text(&mut f, "unit", &self.unit, 50, false);
        let packaging = text(&mut f, "packaging", &self.packaging, 200, false);
        let net_quantity = optional(
            &mut f,
            "net_quantity",
            &self.net_quantity,
            "product-error-net-quantity",
            NetQuantity::parse,
        );
        let shelf_life = optional(
            &mut f,
            "shelf_life",
            &self.shelf_life,
            "product-error-shelf-life",
            ShelfLife::parse,
        );
        let quality_standard = text(&mut f, "quality_standard", &self.quality_standard, 200, false);
        let ingredients = text(&mut f, "ingredients", &self.ingredients, 2000, false);

        let (origin_province_code, origin_ward_code) = self.origin(&mut f);

        let price = |f: &mut Findings, field: &'static str, raw: &str| {
            if raw.trim().is_empty() {
                return None;
            }
            match parse_amount_vnd(raw) {
                Ok((amount, _)) => Some(amount),
                Err(problem) => {
                    f.add_with(
                        field,
                        "product-error-price",
                        vec![
                            ("value", raw.trim().to_string()),
                            ("reason", problem.key.to_string()),
                        ],
                    );
                    None
                }
            }
        };
        let price_min = price(&mut f, "price_min", &self.price_min);
        let price_max = price(&mut f, "price_max", &self.price_max);
        if let (Some(min), Some(max)) = (price_min, price_max)
            && min > max
        {
            f.add("price_max", "product-error-price-range");
        }

        let barcode = if self.barcode.trim().is_empty() {
            None
        } else {
            match parse_gtin(&self.barcode) {
                Ok(code) => Some(code),
                Err(key) => {
                    f.add_with("barcode", key, vec![("value", self.barcode.trim().to_string())]);
                    None
                }
            }
        };
        let status = if self.status.trim().is_empty() {
            Some(ProductStatus::Draft)
        } else {
            optional(
                &mut f,
                "status",
                &self.status,
                "product-error-status",
                ProductStatus::parse,
            )
        };

        let (Some(name), Some(group), Some(status)) = (name, group, status) else {
            return Err(f);
        };
        f.into_result(ProductDraft {
            name,
            group,
            set,
            description,
            unit,
            packaging,
            net_quantity,
            shelf_life,
            quality_standard,
            ingredients,
            origin_province_code,
            origin_ward_code,
            price_min,
            price_max,
            barcode,
            status,
        })
    }

    /// The 2025 province and ward of origin; the province is taken from the ward when only
    /// the ward is given.
    fn origin(&self, f: &mut Findings) -> (Option<&'static str>, Option<&'static str>) {
        let units = crate::admin_units::units();
        let province = optional(
            f,
            "origin_province",
            &self.origin_province,
            "product-error-origin-province",
            |c| units.province_2025(c),
        );
        let ward = optional(
            f,
            "origin_ward",
            &self.origin_ward,
            "product-error-origin-ward",
            |c| units.ward_2025(c),
        );
        match (province, ward) {
            (Some(p), Some(w)) if w.province_code != p.code => {
                f.add_with(
                    "origin_ward",
                    "product-error-origin-ward-not-in-province",
                    vec![("ward", w.name.to_string()), ("province", p.name.to_string())],
                );
                (Some(p.code), None)
            }
            (p, Some(w)) => (p.map(|p| p.code).or(Some(w.province_code)), Some(w.code)),
            (p, None) => (p.map(|p| p.code), None),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Certification form
// ---------------------------------------------------------------------------------------------

/// What a user typed about an OCOP certificate (form, API body or import row).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CertificationForm {
    /// Points of part A, `32,5` or `32.5`.
    pub score_a: String,
    /// Points of part B.
    pub score_b: String,
    /// Points of part C.
    pub score_c: String,
    /// Recognition decision number, e.g. `858/QĐ-UBND`.
    pub decision_no: String,
    /// Decision date, day first (`15/03/2024`).
    pub decision_date: String,
    /// Level (`province`, `central`, "cấp tỉnh", "Trung ương"); empty: read from the issuer,
    /// else the province.
    pub level: String,
    /// Issuing body, free text (UBND tỉnh …, Bộ Nông nghiệp và Môi trường).
    pub issuer: String,
    /// Stars typed in an imported sheet: only checked against the score, never stored.
    pub stars: String,
}

/// A checked OCOP certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationDraft {
    /// The points of the three parts.
    pub score: Score,
    /// Total, tenths of a point.
    pub total: u16,
    /// Stars to show, derived from the score and the level (4★ for "tiềm năng 5 sao").
    pub stars: Stars,
    /// The level that decided.
    pub level: CertLevel,
    /// Decision number, normalised (`858/QĐ-UBND`).
    pub decision_no: String,
    /// Decision date.
    pub decision_date: Date,
    /// Last day of validity.
    pub expires_on: Date,
    /// Code of the rule version in force on the decision date (`qd148`).
    pub rules_code: &'static str,
    /// "Tiềm năng 5 sao": a province decision scoring 90 or more.
    pub potential_five: bool,
    /// Issuing body.
    pub issuer: Option<String>,
}

impl CertificationDraft {
    /// The certificate as the rules read it (not revoked).
    pub fn certification(&self) -> Certification {
        Certification {
            rules: rules_for(self.decision_date),
            total: self.total,
            level: self.level,
            decision_date: self.decision_date,
            revoked_on: None,
        }
    }
}

/// Reads stars typed in a sheet: `4`, `4 sao`, `4*`, `4 stars`, `★★★★`.
fn typed_stars(raw: &str) -> Option<Stars> {
    let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
    match digits.as_slice() {
        [n] => Stars::new(u8::try_from(*n).ok()?),
        [] => {
            let marks = raw.chars().filter(|c| matches!(c, '★' | '⭐' | '*')).count();
            Stars::new(u8::try_from(marks).ok()?)
        }
        _ => None,
    }
}

impl CertificationForm {
    fn part(&self, part: Part) -> &str {
        match part {
            Part::A => &self.score_a,
            Part::B => &self.score_b,
            Part::C => &self.score_c,
        }
    }

    /// Checks every field against the rule version in force on the decision date, returning
    /// the certificate or all findings at once. `today` bounds the decision date.
    pub fn parse(&self, today: Date) -> Result<CertificationDraft, Findings> {
        let mut f = Findings::default();

        let points = Part::ALL.map(|part| {
            let raw = self.part(part);
            if raw.trim().is_empty() {
                f.add(part.field(), "product-error-required");
                return None;
            }
            optional(
                &mut f,
                part.field(),
                raw,
                "product-error-cert-score",
                parse_points,
            )
        });

        let decision_no = if self.decision_no.trim().is_empty() {
            f.add("decision_no", "product-error-required");
            None
        } else {
            match parse_decision_number(&self.decision_no) {
                Ok(n) => Some(n),
                Err(findings) => {
                    f.0.extend(findings.0);
                    None
                }
            }
        };

        let decision_date = self.decision_date(&mut f, today);
        let rules = decision_date.map(rules_for);

        let score = match points {
            [Some(a), Some(b), Some(c)] => Some(Score { a, b, c }),
            _ => None,
        };
        if let Some(score) = score {
            match rules {
                Some(rules) => f.0.extend(score.validate(rules).0),
                None => {
                    // Without a date the version is unknown: report only what is wrong under
                    // every version, worded as today's version words it.
                    let all: Vec<Findings> = rule_versions().iter().map(|v| score.validate(v)).collect();
                    let wrong_everywhere = score
                        .validate(rules_for(today))
                        .0
                        .into_iter()
                        .filter(|x| all.iter().all(|v| v.for_field(x.field).next().is_some()));
                    f.0.extend(wrong_everywhere);
                }
            }
        }
        // Thresholds are read from the version of the date, or today's to still report on stars.
        let score_stars =
            score.map(|s| stars_from_score(s.total(), rules.unwrap_or_else(|| rules_for(today))));

        let level = if self.level.trim().is_empty() {
            match CertLevel::parse(&self.issuer) {
                Some(level) => Some(level),
                None if score_stars.is_some_and(|s| s.get() == 5) => {
                    f.add("level", "product-error-cert-level-required");
                    None
                }
                None => Some(CertLevel::Province),
            }
        } else {
            optional(
                &mut f,
                "level",
                &self.level,
                "product-error-cert-level",
                CertLevel::parse,
            )
        };
        let issuer = text(&mut f, "issuer", &self.issuer, 300, false);

        if let Some(stars) = score_stars {
            let total = score.map_or(0, Score::total);
            if !stars.is_certifiable() {
                f.add_with(
                    "score",
                    "product-error-cert-not-certifiable",
                    vec![
                        ("stars", stars.get().to_string()),
                        ("total", crate::ocop::format_points(total)),
                    ],
                );
            } else if level == Some(CertLevel::Central) && stars.get() < 5 {
                f.add_with(
                    "level",
                    "product-error-cert-central-needs-five",
                    vec![("stars", stars.get().to_string())],
                );
            }
        }

        let potential_five = level == Some(CertLevel::Province) && score_stars.is_some_and(|s| s.get() == 5);
        if let Some(typed) = optional(
            &mut f,
            "stars",
            &self.stars,
            "product-error-cert-stars-typed",
            typed_stars,
        ) {
            if typed.get() == 5 && level == Some(CertLevel::Province) {
                f.add("stars", "product-error-cert-five-stars-province");
            }
            let shown_as_potential = potential_five && typed.get() == 4;
            if let Some(stars) = score_stars
                && typed != stars
                && !shown_as_potential
            {
                f.add_with(
                    "stars",
                    "product-error-cert-stars-differ",
                    vec![
                        ("typed", typed.get().to_string()),
                        ("stars", stars.get().to_string()),
                        ("total", crate::ocop::format_points(score.map_or(0, Score::total))),
                    ],
                );
            }
        }

        let (Some(score), Some(level), Some(decision_no), Some(decision_date), Some(rules)) =
            (score, level, decision_no, decision_date, rules)
        else {
            return Err(f);
        };
        let certification = Certification {
            rules,
            total: score.total(),
            level,
            decision_date,
            revoked_on: None,
        };
        f.into_result(CertificationDraft {
            score,
            total: score.total(),
            stars: certification.stars_shown(),
            level,
            decision_no,
            decision_date,
            expires_on: certification.expires_on(),
            rules_code: rules.code,
            potential_five: certification.potential_five(),
            issuer,
        })
    }

    /// The decision date: a full day, not in the future.
    fn decision_date(&self, f: &mut Findings, today: Date) -> Option<Date> {
        let raw = self.decision_date.trim();
        if raw.is_empty() {
            f.add("decision_date", "product-error-required");
            return None;
        }
        let value = vec![("value", raw.to_string())];
        match parse_date(raw, today) {
            // A guessed day would move the expiry date: a decision date must be complete.
            Ok((_, Some(fix))) if matches!(fix.key, "fix-date-year-only" | "fix-date-month-only") => {
                f.add_with("decision_date", "product-error-cert-date-incomplete", value);
                None
            }
            Ok((date, _)) => Some(date),
            Err(problem) if problem.key == "err-date-in-future" => {
                f.add_with("decision_date", "product-error-cert-date-future", value);
                None
            }
            Err(_) => {
                f.add_with("decision_date", "product-error-cert-date", value);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_keep_their_display_and_read_decimal_commas() {
        let q = NetQuantity::parse("1,5 kg").expect("quantity");
        assert_eq!((q.amount_thousandths, q.unit), (1500, QuantityUnit::Kilogram));
        assert_eq!(q.display, "1,5 kg");
        let q = NetQuantity::parse("500ml").expect("quantity");
        assert_eq!(
            (q.amount_thousandths, q.unit),
            (500_000, QuantityUnit::Millilitre)
        );
        let q = NetQuantity::parse("2 lít").expect("quantity");
        assert_eq!(q.unit, QuantityUnit::Litre);
        let q = NetQuantity::parse("1.000 g").expect("quantity");
        assert_eq!(q.amount_thousandths, 1_000_000);
        let q = NetQuantity::parse("0.5 kg").expect("quantity");
        assert_eq!(q.amount_thousandths, 500);
        assert_eq!(
            NetQuantity::parse("10 gói").map(|q| q.unit),
            Some(QuantityUnit::Pack)
        );
        for bad in ["kg", "500", "500 xe", "0 g", "1,2345 kg", "1,5,5 kg"] {
            assert_eq!(NetQuantity::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn shelf_lives_are_counted_in_days() {
        let days = |s: &str| ShelfLife::parse(s).map(|l| l.days);
        assert_eq!(days("12 tháng"), Some(360));
        assert_eq!(days("18 months"), Some(540));
        assert_eq!(days("365 ngày"), Some(365));
        assert_eq!(days("2 năm kể từ ngày sản xuất"), Some(730));
        assert_eq!(days("1,5 năm"), Some(548));
        assert_eq!(days("12"), None);
        assert_eq!(days("0 ngày"), None);
        assert_eq!(days("mãi mãi"), None);
    }

    #[test]
    fn statuses_are_read_from_vietnamese_words() {
        assert_eq!(ProductStatus::parse("Đã công bố"), Some(ProductStatus::Published));
        assert_eq!(ProductStatus::parse("ban nhap"), Some(ProductStatus::Draft));
        assert_eq!(ProductStatus::parse("withdrawn"), Some(ProductStatus::Withdrawn));
        assert_eq!(ProductStatus::parse("Thu hồi"), Some(ProductStatus::Withdrawn));
        assert_eq!(ProductStatus::parse("?"), None);
    }

    #[test]
    fn typed_stars_are_read_however_written() {
        assert_eq!(typed_stars("4").map(Stars::get), Some(4));
        assert_eq!(typed_stars("4 sao").map(Stars::get), Some(4));
        assert_eq!(typed_stars("★★★").map(Stars::get), Some(3));
        assert_eq!(typed_stars("6"), None);
        assert_eq!(typed_stars("3-4"), None);
    }
}
