//! Administrative units of Vietnam, embedded from `data/admin-units/`.
//!
//! Two schemes coexist: the three-level structure in force until 30 June 2025 ([`Scheme::Legacy`]:
//! 63 provinces, ~700 districts, ~10,000 wards) and the two-level structure since 1 July 2025
//! ([`Scheme::Y2025`]: 34 provinces, 3,321 wards). Codes of the two schemes share one number space
//! but not one meaning (legacy ward `00004` is Phường Trúc Bạch, 2025 ward `00004` is Phường Ba
//! Đình), so every lookup names its scheme, and a stored code must always carry it.
//!
//! - [`units`] gives the data, loaded once on first use, with lookups by code.
//! - [`AdminUnits::convert_legacy_ward`] maps a legacy ward to the 2025 ward(s) it became part of.
//! - [`AdminUnits::parse_address`] reads a free-text Vietnamese address, old or new style.

mod convert;
mod data;
mod index;
mod parse;
mod result;
mod tokens;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use convert::Conversion;
pub use result::{AddressMatch, Candidate, LegacyMatch};

/// Which structure of administrative units a code or an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scheme {
    /// The three-level structure (province, district, ward) in force until 30 June 2025.
    #[serde(rename = "legacy")]
    Legacy,
    /// The two-level structure (province, ward) in force since 1 July 2025.
    #[serde(rename = "2025")]
    Y2025,
}

impl Scheme {
    /// The serialised name: `"legacy"` or `"2025"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Legacy => "legacy",
            Scheme::Y2025 => "2025",
        }
    }
}

/// A province-level unit (tỉnh or thành phố trực thuộc trung ương) of the 2025 scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Province2025 {
    /// Two-digit code, e.g. `"01"`.
    pub code: &'static str,
    /// Full name, e.g. `"Thành phố Hà Nội"`.
    pub name: &'static str,
    /// Name without its type word, e.g. `"Hà Nội"`.
    pub short_name: &'static str,
}

/// A commune-level unit (phường, xã or đặc khu) of the 2025 scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ward2025 {
    /// Five-digit code, e.g. `"00004"`.
    pub code: &'static str,
    /// Full name, e.g. `"Phường Ba Đình"`.
    pub name: &'static str,
    /// Name without its type word, e.g. `"Ba Đình"`.
    pub short_name: &'static str,
    /// Type word as given by the source data: `"Phường"`, `"Xã"` or `"Đặc khu"`.
    pub ward_type: &'static str,
    /// Code of its [`Province2025`].
    pub province_code: &'static str,
    /// Latitude of the ward centre.
    pub lat: f64,
    /// Longitude of the ward centre.
    pub lon: f64,
    /// Area in km², when known.
    pub area_km2: Option<f64>,
}

/// A province of the legacy scheme (63 provinces).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegacyProvince {
    /// Two-digit code, e.g. `"30"` (Hải Dương); the same number may mean another 2025 province.
    pub code: &'static str,
    /// Full name, e.g. `"Tỉnh Hải Dương"`.
    pub name: &'static str,
    /// Name without its type word, e.g. `"Hải Dương"`.
    pub short_name: &'static str,
}

/// A district (quận, huyện, thị xã, thành phố thuộc tỉnh) of the legacy scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegacyDistrict {
    /// Three-digit code, e.g. `"268"` (Quận Hà Đông).
    pub code: &'static str,
    /// Full name, e.g. `"Quận Hà Đông"`.
    pub name: &'static str,
    /// Type word: `"Quận"`, `"Huyện"`, `"Thị xã"` or `"Thành phố"`.
    pub district_type: &'static str,
    /// Code of its [`LegacyProvince`].
    pub province_code: &'static str,
}

/// A ward (phường, xã, thị trấn) of the legacy scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegacyWard {
    /// Five-digit code, e.g. `"09542"` (Phường Văn Quán).
    pub code: &'static str,
    /// Full name, e.g. `"Phường Văn Quán"`.
    pub name: &'static str,
    /// Type word: `"Phường"`, `"Xã"` or `"Thị trấn"`.
    pub ward_type: &'static str,
    /// Code of its [`LegacyDistrict`].
    pub district_code: &'static str,
    /// Code of its [`LegacyProvince`].
    pub province_code: &'static str,
    /// Latitude of the ward centre, when known.
    pub lat: Option<f64>,
    /// Longitude of the ward centre, when known.
    pub lon: Option<f64>,
}

/// All administrative units of both schemes, with indexes; obtained from [`units`].
#[derive(Debug)]
pub struct AdminUnits {
    provinces_2025: Vec<Province2025>,
    /// Sorted by province code, then ward code.
    wards_2025: Vec<Ward2025>,
    /// For each 2025 province (same order), its range in `wards_2025`.
    wards_2025_of: Vec<Range<usize>>,
    province_2025_by_code: HashMap<&'static str, u32>,
    ward_2025_by_code: HashMap<&'static str, u32>,

    legacy_provinces: Vec<LegacyProvince>,
    /// Sorted by province code, then district code.
    legacy_districts: Vec<LegacyDistrict>,
    /// Sorted by province code, district code, then ward code.
    legacy_wards: Vec<LegacyWard>,
    legacy_districts_of: Vec<Range<usize>>,
    legacy_wards_of: Vec<Range<usize>>,
    legacy_province_by_code: HashMap<&'static str, u32>,
    legacy_district_by_code: HashMap<&'static str, u32>,
    legacy_ward_by_code: HashMap<&'static str, u32>,
    /// Index of each legacy ward's district and province.
    legacy_ward_parents: Vec<(u32, u32)>,
    /// Index of each legacy district's province.
    legacy_district_parent: Vec<u32>,
    /// Index of each 2025 ward's province.
    ward_2025_parent: Vec<u32>,

    /// For each legacy ward: its 2025 targets, the default (`is_default=1`) first.
    targets: Vec<Vec<u32>>,
    /// For each legacy ward: whether the mapping marks it as divided.
    divided: Vec<bool>,
    /// For each legacy province: the 2025 province most of its wards went to.
    successor: Vec<u32>,

    index: index::NameIndex,
}

static UNITS: LazyLock<AdminUnits> = LazyLock::new(data::load);

/// The embedded administrative units, loaded on first use.
pub fn units() -> &'static AdminUnits {
    &UNITS
}

/// Parses a free-text address with the embedded units; see [`AdminUnits::parse_address`].
pub fn parse_address(text: &str) -> AddressMatch {
    units().parse_address(text)
}

/// Converts a legacy ward code; see [`AdminUnits::convert_legacy_ward`].
pub fn convert_legacy_ward(legacy_ward_code: &str) -> Option<Conversion> {
    units().convert_legacy_ward(legacy_ward_code)
}

/// Looks a code up, also accepting it without its leading zeros (`"4"` for `"00004"`).
fn find(map: &HashMap<&'static str, u32>, code: &str, width: usize) -> Option<usize> {
    let code = code.trim();
    if let Some(&i) = map.get(code) {
        return Some(i as usize);
    }
    if code.is_empty() || code.len() >= width || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{code:0>width$}");
    map.get(padded.as_str()).map(|&i| i as usize)
}

impl AdminUnits {
    /// The 34 provinces of the 2025 scheme, in code order.
    pub fn provinces_2025(&self) -> &[Province2025] {
        &self.provinces_2025
    }

    /// The 2025 province with this code (`"01"`; `"1"` is accepted too).
    pub fn province_2025(&self, code: &str) -> Option<&Province2025> {
        find(&self.province_2025_by_code, code, 2).map(|i| &self.provinces_2025[i])
    }

    /// The wards of a 2025 province, in code order; empty for an unknown code.
    pub fn wards_2025(&self, province_code: &str) -> &[Ward2025] {
        match find(&self.province_2025_by_code, province_code, 2) {
            Some(p) => &self.wards_2025[self.wards_2025_of[p].clone()],
            None => &[],
        }
    }

    /// The 2025 ward with this code.
    pub fn ward_2025(&self, code: &str) -> Option<&Ward2025> {
        find(&self.ward_2025_by_code, code, 5).map(|i| &self.wards_2025[i])
    }

    /// The 63 legacy provinces, in code order.
    pub fn legacy_provinces(&self) -> &[LegacyProvince] {
        &self.legacy_provinces
    }

    /// The legacy province with this code.
    pub fn legacy_province(&self, code: &str) -> Option<&LegacyProvince> {
        find(&self.legacy_province_by_code, code, 2).map(|i| &self.legacy_provinces[i])
    }

    /// The districts of a legacy province, in code order; empty for an unknown code.
    pub fn legacy_districts(&self, province_code: &str) -> &[LegacyDistrict] {
        match find(&self.legacy_province_by_code, province_code, 2) {
            Some(p) => &self.legacy_districts[self.legacy_districts_of[p].clone()],
            None => &[],
        }
    }

    /// The legacy district with this code.
    pub fn legacy_district(&self, code: &str) -> Option<&LegacyDistrict> {
        find(&self.legacy_district_by_code, code, 3).map(|i| &self.legacy_districts[i])
    }

    /// The wards of a legacy district, in code order; empty for an unknown code.
    pub fn legacy_wards(&self, district_code: &str) -> &[LegacyWard] {
        match find(&self.legacy_district_by_code, district_code, 3) {
            Some(d) => &self.legacy_wards[self.legacy_wards_of[d].clone()],
            None => &[],
        }
    }

    /// The legacy ward with this code.
    pub fn legacy_ward(&self, code: &str) -> Option<&LegacyWard> {
        find(&self.legacy_ward_by_code, code, 5).map(|i| &self.legacy_wards[i])
    }

    /// The 2025 province that most wards of a legacy province went to (legacy Hải Dương →
    /// Hải Phòng, Quảng Nam → Đà Nẵng, Bình Dương → Hồ Chí Minh, …).
    pub fn legacy_province_successor(&self, legacy_province_code: &str) -> Option<&Province2025> {
        find(&self.legacy_province_by_code, legacy_province_code, 2)
            .map(|p| &self.provinces_2025[self.successor[p] as usize])
    }
}
