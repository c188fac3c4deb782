//! Organisations of the collective economy (Luật Hợp tác xã 17/2023/QH15): cooperative groups,
//! cooperatives and cooperative unions, with the rules that apply to their registry records.

use serde::{Deserialize, Serialize};

use crate::validate::{Findings, parse_email, parse_phone_vn, parse_website};

/// The legal kind of an organisation.
///
/// The registry is of the collective economy's three kinds; OCOP products are also made by
/// companies and households (about two thirds of OCOP subjects), which the registry keeps as
/// producers of the catalogue, outside the collective economy's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Tổ hợp tác — a cooperative group (contract-based, no legal personality), at least 2 members.
    CooperativeGroup,
    /// Hợp tác xã — a cooperative, at least 5 official members.
    Cooperative,
    /// Liên hiệp hợp tác xã — a cooperative union, at least 3 member cooperatives.
    CooperativeUnion,
    /// Doanh nghiệp — a company (an OCOP producer, not of the collective economy).
    Enterprise,
    /// Hộ sản xuất, kinh doanh — a household business (an OCOP producer, not of the collective
    /// economy).
    Household,
}

impl OrgKind {
    /// Every kind.
    pub const ALL: [OrgKind; 5] = [
        OrgKind::CooperativeGroup,
        OrgKind::Cooperative,
        OrgKind::CooperativeUnion,
        OrgKind::Enterprise,
        OrgKind::Household,
    ];

    /// The kinds of the collective economy, which its figures count.
    pub const COLLECTIVE: [OrgKind; 3] = [
        OrgKind::CooperativeGroup,
        OrgKind::Cooperative,
        OrgKind::CooperativeUnion,
    ];

    /// `('cooperative_group', 'cooperative', 'cooperative_union')`, for SQL filters.
    pub const COLLECTIVE_SQL: &'static str = "('cooperative_group', 'cooperative', 'cooperative_union')";

    /// Whether the kind is of the collective economy.
    pub fn is_collective(self) -> bool {
        OrgKind::COLLECTIVE.contains(&self)
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::CooperativeGroup => "cooperative_group",
            OrgKind::Cooperative => "cooperative",
            OrgKind::CooperativeUnion => "cooperative_union",
            OrgKind::Enterprise => "enterprise",
            OrgKind::Household => "household",
        }
    }

    /// Parses the stored name, or the Vietnamese name or abbreviation people write
    /// ("HTX", "Hợp tác xã", "THT", "Liên hiệp HTX", "LHHTX", "Doanh nghiệp", "DN", "Công ty",
    /// "Hộ kinh doanh", "HKD"), accents optional.
    pub fn parse(raw: &str) -> Option<OrgKind> {
        let f = crate::text::fold(raw);
        let f = f.trim();
        OrgKind::ALL.into_iter().find(|k| k.as_str() == f).or(match f {
            "tht" | "to hop tac" => Some(OrgKind::CooperativeGroup),
            "htx" | "hop tac xa" => Some(OrgKind::Cooperative),
            "lhhtx" | "lh htx" | "lien hiep htx" | "lien hiep hop tac xa" => Some(OrgKind::CooperativeUnion),
            "dn" | "doanh nghiep" | "cong ty" | "cty" => Some(OrgKind::Enterprise),
            "hkd"
            | "ho kinh doanh"
            | "ho san xuat"
            | "ho san xuat kinh doanh"
            | "ho san xuat, kinh doanh" => Some(OrgKind::Household),
            _ => None,
        })
    }

    /// The legal minimum of official members (of member cooperatives for a union); none for
    /// companies and households, which have no members in the cooperative sense.
    pub fn minimum_members(self) -> u32 {
        match self {
            OrgKind::CooperativeGroup => 2,
            OrgKind::Cooperative => 5,
            OrgKind::CooperativeUnion => 3,
            OrgKind::Enterprise | OrgKind::Household => 0,
        }
    }

    /// Whether the kind must have a registration code (a cooperative group and a household
    /// business may not: neither registers with a 10-digit code).
    pub fn requires_code(self) -> bool {
        !matches!(self, OrgKind::CooperativeGroup | OrgKind::Household)
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::CooperativeGroup => "kind-cooperative-group",
            OrgKind::Cooperative => "kind-cooperative",
            OrgKind::CooperativeUnion => "kind-cooperative-union",
            OrgKind::Enterprise => "kind-enterprise",
            OrgKind::Household => "kind-household",
        }
    }
}

/// The broad sectors alliances use for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    /// Nông nghiệp — agriculture (crops, livestock, forestry, fisheries, salt, rural water, mixed).
    Agriculture,
    /// Công nghiệp – tiểu thủ công nghiệp — industry and handicrafts.
    Industry,
    /// Xây dựng — construction.
    Construction,
    /// Thương mại – dịch vụ — trade and services.
    Trade,
    /// Giao thông vận tải — transport.
    Transport,
    /// Quỹ tín dụng nhân dân — people's credit fund.
    CreditFund,
    /// Môi trường — environment.
    Environment,
    /// Nhà ở — housing.
    Housing,
    /// Khác — other (health, education, tourism…).
    Other,
}

impl Sector {
    /// Every sector, in the order alliances list them.
    pub const ALL: [Sector; 9] = [
        Sector::Agriculture,
        Sector::Industry,
        Sector::Construction,
        Sector::Trade,
        Sector::Transport,
        Sector::CreditFund,
        Sector::Environment,
        Sector::Housing,
        Sector::Other,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Agriculture => "agriculture",
            Sector::Industry => "industry",
            Sector::Construction => "construction",
            Sector::Trade => "trade",
            Sector::Transport => "transport",
            Sector::CreditFund => "credit_fund",
            Sector::Environment => "environment",
            Sector::Housing => "housing",
            Sector::Other => "other",
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            Sector::Agriculture => "sector-agriculture",
            Sector::Industry => "sector-industry",
            Sector::Construction => "sector-construction",
            Sector::Trade => "sector-trade",
            Sector::Transport => "sector-transport",
            Sector::CreditFund => "sector-credit-fund",
            Sector::Environment => "sector-environment",
            Sector::Housing => "sector-housing",
            Sector::Other => "sector-other",
        }
    }

    /// Parses the stored name or the Vietnamese words people write, accents optional.
    pub fn parse(raw: &str) -> Option<Sector> {
        let f = crate::text::fold(raw);
        if let Some(s) = Sector::ALL.into_iter().find(|s| s.as_str() == f) {
            return Some(s);
        }
        let has = |w: &str| f.contains(w);
        Some(if has("tin dung") {
            Sector::CreditFund
        } else if has("nong")
            || has("lam nghiep")
            || has("thuy san")
            || has("chan nuoi")
            || has("trong trot")
            || has("diem nghiep")
            || has("nuoc sach")
        {
            Sector::Agriculture
        } else if has("cong nghiep") || has("thu cong") || has("tieu thu") {
            Sector::Industry
        } else if has("xay dung") {
            Sector::Construction
        } else if has("thuong mai") || has("dich vu") {
            Sector::Trade
        } else if has("van tai") || has("giao thong") {
            Sector::Transport
        } else if has("moi truong") || has("ve sinh") {
            Sector::Environment
        } else if has("nha o") {
            Sector::Housing
        } else if has("khac") || has("y te") || has("giao duc") || has("du lich") {
            Sector::Other
        } else {
            return None;
        })
    }
}

/// The state of an organisation in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    /// Đang hoạt động — active.
    Active,
    /// Tạm ngừng hoạt động — suspended.
    Suspended,
    /// Giải thể — dissolved.
    Dissolved,
}

impl OrgStatus {
    /// Every status.
    pub const ALL: [OrgStatus; 3] = [OrgStatus::Active, OrgStatus::Suspended, OrgStatus::Dissolved];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Suspended => "suspended",
            OrgStatus::Dissolved => "dissolved",
        }
    }

    /// Parses the stored name or Vietnamese words.
    pub fn parse(raw: &str) -> Option<OrgStatus> {
        let f = crate::text::fold(raw);
        OrgStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == f)
            .or(if f.contains("giai the") {
                Some(OrgStatus::Dissolved)
            } else if f.contains("tam ngung") || f.contains("ngung") {
                Some(OrgStatus::Suspended)
            } else if f.contains("hoat dong") {
                Some(OrgStatus::Active)
            } else {
                None
            })
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            OrgStatus::Active => "status-active",
            OrgStatus::Suspended => "status-suspended",
            OrgStatus::Dissolved => "status-dissolved",
        }
    }
}

/// A registration code (mã số HTX): the organisation's 10-digit tax code, or a branch's
/// 13-character dependent code `NNNNNNNNNN-NNN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RegistrationCode(String);

impl RegistrationCode {
    /// Parses a code as typed: spaces and dots removed, and a code that lost its leading zero
    /// in a spreadsheet (9 digits) restored. Returns the code and whether it was repaired.
    pub fn parse(raw: &str) -> Option<(RegistrationCode, bool)> {
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        let (main, branch) = match cleaned.split_once('-') {
            Some((m, b)) => (m.to_string(), Some(b.to_string())),
            None => (cleaned.clone(), None),
        };
        if !main.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let (main, repaired) = match main.len() {
            10 => (main, false),
            9 => (format!("0{main}"), true),
            _ => return None,
        };
        match branch {
            None => Some((RegistrationCode(main), repaired)),
            Some(b) if b.len() == 3 && b.chars().all(|c| c.is_ascii_digit()) => {
                Some((RegistrationCode(format!("{main}-{b}")), repaired))
            }
            Some(_) => None,
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Members of an organisation by type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    /// Thành viên chính thức (member cooperatives for a union): count toward the legal minimum.
    pub official: u32,
    /// Thành viên liên kết góp vốn.
    pub associate_with_capital: u32,
    /// Thành viên liên kết không góp vốn.
    pub associate_without_capital: u32,
}

/// What a user typed into the organisation form (also the API body).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrganisationForm {
    /// Kind (stored name).
    pub kind: String,
    /// Registration code.
    pub registration_code: String,
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Primary sector (stored name).
    pub sector: String,
    /// Founding date, dd/mm/yyyy or yyyy-mm-dd.
    pub founded_on: String,
    /// Official members.
    pub members_official: String,
    /// Associate members with capital.
    pub members_associate_capital: String,
    /// Associate members without capital.
    pub members_associate_other: String,
    /// Charter capital in đồng.
    pub charter_capital: String,
    /// Legal representative.
    pub representative: String,
    /// Representative's position.
    pub representative_title: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Web site.
    pub website: String,
    /// Address as written.
    pub address: String,
}

/// A checked organisation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationInput {
    /// Kind.
    pub kind: OrgKind,
    /// Registration code, when registered.
    pub registration_code: Option<RegistrationCode>,
    /// Name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Primary sector.
    pub sector: Sector,
    /// Founding date (year, month, day).
    pub founded_on: Option<(i32, u8, u8)>,
    /// Members.
    pub members: Members,
    /// Charter capital (đồng).
    pub charter_capital: Option<i64>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Representative's position.
    pub representative_title: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Address as written.
    pub address: Option<String>,
    /// 2025 province code found in the address.
    pub province_code: Option<String>,
    /// 2025 ward code found in the address.
    pub ward_code: Option<String>,
    /// Legacy ward code, when the address was written in the old structure.
    pub legacy_ward_code: Option<String>,
}

/// Parses a date as people type it in forms: `dd/mm/yyyy`, `d-m-yyyy`, `yyyy-mm-dd`.
pub fn parse_form_date(raw: &str) -> Option<(i32, u8, u8)> {
    let s = raw.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let (y, m, d) = match parts.as_slice() {
        [a, b, c] if a.len() == 4 => (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?),
        [a, b, c] if c.len() == 4 => (c.parse().ok()?, b.parse().ok()?, a.parse().ok()?),
        _ => return None,
    };
    valid_date(y, m, d).then_some((y, m, d))
}

/// Whether the calendar has this day.
pub fn valid_date(y: i32, m: u8, d: u8) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2200).contains(&y) && d >= 1 && d <= days
}

fn count(f: &mut Findings, field: &'static str, raw: &str) -> u32 {
    let t = raw.trim().replace(['.', ',', ' '], "");
    if t.is_empty() {
        return 0;
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 10_000_000 => n,
        _ => {
            f.add(field, "err-count");
            0
        }
    }
}

impl OrganisationForm {
    /// Validates every field against the law's rules, returning all findings at once.
    /// `today` bounds the founding date.
    pub fn parse(&self, today: (i32, u8, u8)) -> Result<OrganisationInput, Findings> {
        self.parse_located(today, None)
    }

    /// [`OrganisationForm::parse`] with the address already parsed by the caller (imports parse
    /// it once to report the conversion and pass it here rather than parsing it twice).
    pub fn parse_located(
        &self,
        today: (i32, u8, u8),
        located: Option<&crate::admin_units::AddressMatch>,
    ) -> Result<OrganisationInput, Findings> {
        let mut f = Findings::default();
        let kind = OrgKind::parse(&self.kind);
        if kind.is_none() {
            f.add(
                "kind",
                if self.kind.trim().is_empty() {
                    "err-required"
                } else {
                    "err-kind"
                },
            );
        }
        let registration_code = if self.registration_code.trim().is_empty() {
            if kind.is_some_and(OrgKind::requires_code) {
                f.add("registration_code", "err-code-required");
            }
            None
        } else {
            match RegistrationCode::parse(&self.registration_code) {
                Some((code, _)) => Some(code),
                None => {
                    f.add("registration_code", "err-registration-code");
                    None
                }
            }
        };
        let name = f.required("name", &self.name, 300);
        let short_name = f.optional("short_name", &self.short_name, 120);
        let sector = Sector::parse(&self.sector);
        if sector.is_none() {
            f.add(
                "sector",
                if self.sector.trim().is_empty() {
                    "err-required"
                } else {
                    "err-sector"
                },
            );
        }
        let founded_on = if self.founded_on.trim().is_empty() {
            None
        } else {
            match parse_form_date(&self.founded_on) {
                Some(d) if d <= today => Some(d),
                Some(_) => {
                    f.add("founded_on", "err-date-future");
                    None
                }
                None => {
                    f.add("founded_on", "err-date");
                    None
                }
            }
        };
        let members = Members {
            official: count(&mut f, "members_official", &self.members_official),
            associate_with_capital: count(
                &mut f,
                "members_associate_capital",
                &self.members_associate_capital,
            ),
            associate_without_capital: count(
                &mut f,
                "members_associate_other",
                &self.members_associate_other,
            ),
        };
        if let Some(k) = kind
            && members.official < k.minimum_members()
            && f.for_field("members_official").next().is_none()
        {
            f.add_with(
                "members_official",
                match k {
                    OrgKind::CooperativeUnion => "err-members-minimum-union",
                    _ => "err-members-minimum",
                },
                vec![
                    ("min", k.minimum_members().to_string()),
                    ("kind", k.label_key().to_string()),
                ],
            );
        }
        let charter_capital = if self.charter_capital.trim().is_empty() {
            None
        } else {
            let digits: String = self
                .charter_capital
                .chars()
                .filter(|c| !matches!(c, '.' | ',' | ' '))
                .collect();
            match digits.trim_end_matches(['đ', 'd']).trim().parse::<i64>() {
                Ok(v) if v >= 0 => Some(v),
                _ => {
                    f.add("charter_capital", "err-amount");
                    None
                }
            }
        };
        let representative = f.optional("representative", &self.representative, 120);
        let representative_title = f.optional("representative_title", &self.representative_title, 120);
        let opt = |f: &mut Findings, field, raw: &str, parse: fn(&str) -> Option<String>, key| {
            if raw.trim().is_empty() {
                return None;
            }
            let v = parse(raw);
            if v.is_none() {
                f.add(field, key);
            }
            v
        };
        let phone = opt(&mut f, "phone", &self.phone, parse_phone_vn, "err-phone");
        let email = opt(&mut f, "email", &self.email, parse_email, "err-email");
        let website = opt(&mut f, "website", &self.website, parse_website, "err-website");
        let address = f.optional("address", &self.address, 400);
        let (province_code, ward_code, legacy_ward_code) = match &address {
            Some(a) => {
                let parsed;
                let m = match located {
                    Some(m) => m,
                    None => {
                        parsed = crate::admin_units::parse_address(a);
                        &parsed
                    }
                };
                (
                    m.province_2025.map(|p| p.code.to_string()),
                    m.ward_2025.map(|w| w.code.to_string()),
                    m.legacy.as_ref().and_then(|l| l.ward).map(|w| w.code.to_string()),
                )
            }
            None => (None, None, None),
        };
        let (Some(kind), Some(sector)) = (kind, sector) else {
            return Err(f);
        };
        f.into_result(OrganisationInput {
            kind,
            registration_code,
            name,
            short_name,
            sector,
            founded_on,
            members,
            charter_capital,
            representative,
            representative_title,
            phone,
            email,
            website,
            address,
            province_code,
            ward_code,
            legacy_ward_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u8, u8) = (2026, 11, 26);

    fn form() -> OrganisationForm {
        OrganisationForm {
            kind: "HTX".into(),
            registration_code: "0109000123".into(),
            name: "Hợp tác xã Nông nghiệp Đông Dư".into(),
            sector: "Nông nghiệp".into(),
            founded_on: "15/03/2019".into(),
            members_official: "12".into(),
            charter_capital: "1.500.000.000".into(),
            phone: "0912 345 678".into(),
            address: "Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_cooperative_is_accepted_and_its_address_located() {
        let o = form().parse(TODAY).expect("valid");
        assert_eq!(o.kind, OrgKind::Cooperative);
        assert_eq!(o.charter_capital, Some(1_500_000_000));
        assert_eq!(o.founded_on, Some((2019, 3, 15)));
        assert_eq!(o.province_code.as_deref(), Some("01"));
        assert!(o.legacy_ward_code.is_some());
    }

    #[test]
    fn a_cooperative_with_four_members_is_rejected() {
        let f = OrganisationForm {
            members_official: "4".into(),
            ..form()
        }
        .parse(TODAY)
        .expect_err("invalid");
        assert_eq!(f.0[0].key, "err-members-minimum");
        assert_eq!(f.0[0].args[0], ("min", "5".to_string()));
    }

    #[test]
    fn a_union_needs_three_member_cooperatives_and_a_group_two_members() {
        let union = OrganisationForm {
            kind: "Liên hiệp HTX".into(),
            members_official: "2".into(),
            ..form()
        };
        assert_eq!(
            union.parse(TODAY).expect_err("invalid").0[0].key,
            "err-members-minimum-union"
        );
        let group = OrganisationForm {
            kind: "tổ hợp tác".into(),
            members_official: "2".into(),
            registration_code: "".into(),
            ..form()
        };
        assert!(group.parse(TODAY).is_ok(), "a cooperative group may have no code");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = OrganisationForm {
            registration_code: "12AB".into(),
            name: "".into(),
            founded_on: "31/02/2020".into(),
            email: "x".into(),
            ..form()
        };
        let fields: Vec<_> = bad
            .parse(TODAY)
            .expect_err("invalid")
            .0
            .iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["registration_code", "name", "founded_on", "email"]);
    }

    #[test]
    fn a_code_that_lost_its_leading_zero_is_repaired() {
        let (code, repaired) = RegistrationCode::parse("109000123").expect("code");
        assert_eq!(code.as_str(), "0109000123");
        assert!(repaired);
        assert!(RegistrationCode::parse("0109000123-001").is_some());
        assert!(RegistrationCode::parse("0109000123-1").is_none());
        assert!(RegistrationCode::parse("12345").is_none());
    }

    #[test]
    fn kinds_sectors_and_statuses_are_read_from_vietnamese_words() {
        assert_eq!(OrgKind::parse("Hợp tác xã"), Some(OrgKind::Cooperative));
        assert_eq!(OrgKind::parse("LHHTX"), Some(OrgKind::CooperativeUnion));
        assert_eq!(Sector::parse("Quỹ tín dụng nhân dân"), Some(Sector::CreditFund));
        assert_eq!(Sector::parse("Thương mại - dịch vụ"), Some(Sector::Trade));
        assert_eq!(Sector::parse("thuy san"), Some(Sector::Agriculture));
        assert_eq!(OrgStatus::parse("Giải thể"), Some(OrgStatus::Dissolved));
        assert_eq!(
            OrgStatus::parse("Tạm ngừng hoạt động"),
            Some(OrgStatus::Suspended)
        );
    }

    #[test]
    fn dates_are_day_first() {
        assert_eq!(parse_form_date("05/03/2025"), Some((2025, 3, 5)));
        assert_eq!(parse_form_date("2025-03-05"), Some((2025, 3, 5)));
        assert_eq!(parse_form_date("29/02/2023"), None);
        assert_eq!(parse_form_date("29/02/2024"), Some((2024, 2, 29)));
    }
}
