//! Periodic activity reports (báo cáo tình hình hoạt động) that organisations file and alliance
//! staff review.

use serde::{Deserialize, Serialize};

use crate::validate::Findings;

/// Which period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportPeriod {
    /// The whole year (by default 15 December of the previous year to 14 December, as in the
    /// national information system).
    Year,
    /// The first six months.
    FirstHalf,
}

impl ReportPeriod {
    /// Both periods.
    pub const ALL: [ReportPeriod; 2] = [ReportPeriod::Year, ReportPeriod::FirstHalf];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportPeriod::Year => "year",
            ReportPeriod::FirstHalf => "first_half",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ReportPeriod> {
        ReportPeriod::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ReportPeriod::Year => "period-year",
            ReportPeriod::FirstHalf => "period-first-half",
        }
    }

    /// The filing deadline of the report for `year` (year, month, day): 15 December for the
    /// yearly report (the national system's date), 15 July for the six-month one.
    pub fn deadline(self, year: i32) -> (i32, u8, u8) {
        match self {
            ReportPeriod::Year => (year, 12, 15),
            ReportPeriod::FirstHalf => (year, 7, 15),
        }
    }
}

/// Where a report is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Being written by the organisation.
    Draft,
    /// Sent to the alliance, waiting for review.
    Submitted,
    /// Accepted by alliance staff.
    Accepted,
    /// Sent back with a comment; the organisation corrects and submits again.
    Returned,
}

impl ReportStatus {
    /// Every status.
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Accepted,
        ReportStatus::Returned,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Returned => "returned",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ReportStatus::Draft => "report-draft",
            ReportStatus::Submitted => "report-submitted",
            ReportStatus::Accepted => "report-accepted",
            ReportStatus::Returned => "report-returned",
        }
    }

    /// Whether the organisation may still change the figures.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// The digital-adoption checklist of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigitalAdoption {
    /// Accounting software.
    pub accounting_software: bool,
    /// Electronic invoices.
    pub e_invoices: bool,
    /// Own web site.
    pub website: bool,
    /// Listed on an e-commerce platform.
    pub e_commerce: bool,
    /// QR traceability stamps on products.
    pub qr_traceability: bool,
    /// Cashless payments.
    pub cashless_payments: bool,
}

impl DigitalAdoption {
    /// The fields with their catalogue keys, for forms and tables.
    pub const FIELDS: [(&'static str, &'static str); 6] = [
        ("accounting_software", "digital-accounting-software"),
        ("e_invoices", "digital-e-invoices"),
        ("website", "digital-website"),
        ("e_commerce", "digital-e-commerce"),
        ("qr_traceability", "digital-qr-traceability"),
        ("cashless_payments", "digital-cashless-payments"),
    ];

    /// The value of a field by name.
    pub fn get(&self, field: &str) -> bool {
        match field {
            "accounting_software" => self.accounting_software,
            "e_invoices" => self.e_invoices,
            "website" => self.website,
            "e_commerce" => self.e_commerce,
            "qr_traceability" => self.qr_traceability,
            "cashless_payments" => self.cashless_payments,
            _ => false,
        }
    }

    /// How many of the six are in use.
    pub fn count(&self) -> u32 {
        Self::FIELDS.iter().filter(|(f, _)| self.get(f)).count() as u32
    }
}

/// The report form as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    /// Revenue (đồng).
    pub revenue: String,
    /// Profit after tax (đồng), may be negative.
    pub profit: String,
    /// Official members at the end of the period.
    pub members_official: String,
    /// Associate members.
    pub members_associate: String,
    /// Workers.
    pub workers: String,
    /// Average income per worker per month (đồng).
    pub average_income: String,
    /// Charter capital at the end of the period (đồng).
    pub charter_capital: String,
    /// Value of services provided to members (đồng).
    pub member_services: String,
    /// Checklist ticks ("on" when ticked).
    pub accounting_software: Option<String>,
    /// See [`DigitalAdoption::e_invoices`].
    pub e_invoices: Option<String>,
    /// See [`DigitalAdoption::website`].
    pub website: Option<String>,
    /// See [`DigitalAdoption::e_commerce`].
    pub e_commerce: Option<String>,
    /// See [`DigitalAdoption::qr_traceability`].
    pub qr_traceability: Option<String>,
    /// See [`DigitalAdoption::cashless_payments`].
    pub cashless_payments: Option<String>,
    /// Difficulties (free text).
    pub difficulties: String,
    /// Proposals to the alliance (free text).
    pub proposals: String,
}

/// Checked figures of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFigures {
    /// Revenue (đồng).
    pub revenue: i64,
    /// Profit after tax (đồng).
    pub profit: i64,
    /// Official members.
    pub members_official: i64,
    /// Associate members.
    pub members_associate: i64,
    /// Workers.
    pub workers: i64,
    /// Average monthly income per worker (đồng).
    pub average_income: i64,
    /// Charter capital (đồng).
    pub charter_capital: i64,
    /// Services to members (đồng).
    pub member_services: i64,
    /// Digital adoption.
    pub digital: DigitalAdoption,
    /// Difficulties.
    pub difficulties: Option<String>,
    /// Proposals.
    pub proposals: Option<String>,
}

fn amount(f: &mut Findings, field: &'static str, raw: &str, allow_negative: bool) -> i64 {
    let t = raw.trim();
    if t.is_empty() {
        f.add(field, "err-required");
        return 0;
    }
    let negative = t.starts_with('-');
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let junk = t
        .chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '-' | 'đ' | 'd')));
    match digits.parse::<i64>() {
        Ok(v) if !junk && (allow_negative || !negative) => {
            if negative {
                -v
            } else {
                v
            }
        }
        _ => {
            f.add(
                field,
                if negative && !allow_negative {
                    "err-negative"
                } else {
                    "err-amount"
                },
            );
            0
        }
    }
}

/// A head count: a whole number, zero or more.
fn count(f: &mut Findings, field: &'static str, raw: &str) -> i64 {
    let t = raw.trim().replace(['.', ',', ' '], "");
    if t.is_empty() {
        f.add(field, "err-required");
        return 0;
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => n,
        _ => {
            f.add(field, "err-count");
            0
        }
    }
}

impl ReportForm {
    /// Validates the figures, every finding at once; profit may be negative, nothing else.
    pub fn parse(&self) -> Result<ReportFigures, Findings> {
        let mut f = Findings::default();
        let tick = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        let figures = ReportFigures {
            revenue: amount(&mut f, "revenue", &self.revenue, false),
            profit: amount(&mut f, "profit", &self.profit, true),
            members_official: count(&mut f, "members_official", &self.members_official),
            members_associate: count(&mut f, "members_associate", &self.members_associate),
            workers: count(&mut f, "workers", &self.workers),
            average_income: amount(&mut f, "average_income", &self.average_income, false),
            charter_capital: amount(&mut f, "charter_capital", &self.charter_capital, false),
            member_services: amount(&mut f, "member_services", &self.member_services, false),
            digital: DigitalAdoption {
                accounting_software: tick(&self.accounting_software),
                e_invoices: tick(&self.e_invoices),
                website: tick(&self.website),
                e_commerce: tick(&self.e_commerce),
                qr_traceability: tick(&self.qr_traceability),
                cashless_payments: tick(&self.cashless_payments),
            },
            difficulties: f.optional("difficulties", &self.difficulties, 4000),
            proposals: f.optional("proposals", &self.proposals, 4000),
        };
        // Only two figures that were both read can be compared: an unreadable or negative
        // revenue stands at 0 here, and a sound profit must not be blamed for it.
        if figures.profit > figures.revenue
            && figures.revenue >= 0
            && f.for_field("revenue").next().is_none()
            && f.for_field("profit").next().is_none()
        {
            f.add("profit", "err-profit-above-revenue");
        }
        f.into_result(figures)
    }

    /// The form showing stored figures.
    pub fn from_figures(r: &ReportFigures) -> ReportForm {
        let on = |b: bool| b.then(|| "on".to_string());
        ReportForm {
            revenue: r.revenue.to_string(),
            profit: r.profit.to_string(),
            members_official: r.members_official.to_string(),
            members_associate: r.members_associate.to_string(),
            workers: r.workers.to_string(),
            average_income: r.average_income.to_string(),
            charter_capital: r.charter_capital.to_string(),
            member_services: r.member_services.to_string(),
            accounting_software: on(r.digital.accounting_software),
            e_invoices: on(r.digital.e_invoices),
            website: on(r.digital.website),
            e_commerce: on(r.digital.e_commerce),
            qr_traceability: on(r.digital.qr_traceability),
            cashless_payments: on(r.digital.cashless_payments),
            difficulties: r.difficulties.clone().unwrap_or_default(),
            proposals: r.proposals.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ReportForm {
        ReportForm {
            revenue: "2.800.000.000".into(),
            profit: "-120.000.000".into(),
            members_official: "25".into(),
            members_associate: "4".into(),
            workers: "18".into(),
            average_income: "6.500.000".into(),
            charter_capital: "2.000.000.000".into(),
            member_services: "900.000.000".into(),
            e_invoices: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_loss_is_a_valid_profit_figure() {
        let r = form().parse().expect("valid");
        assert_eq!(r.profit, -120_000_000);
        assert_eq!(r.revenue, 2_800_000_000);
        assert_eq!(r.digital.count(), 1);
    }

    #[test]
    fn negative_revenue_text_and_profit_above_revenue_are_refused() {
        let f = ReportForm {
            revenue: "-5".into(),
            workers: "mười".into(),
            ..form()
        }
        .parse()
        .expect_err("invalid");
        let keys: Vec<_> = f.0.iter().map(|x| (x.field, x.key)).collect();
        assert_eq!(keys, [("revenue", "err-negative"), ("workers", "err-count")]);
        let f = ReportForm {
            profit: "3.000.000.000".into(),
            ..form()
        }
        .parse()
        .expect_err("invalid");
        assert_eq!(f.0[0].key, "err-profit-above-revenue");
    }

    #[test]
    fn the_yearly_deadline_is_the_fifteenth_of_december() {
        assert_eq!(ReportPeriod::Year.deadline(2025), (2025, 12, 15));
        assert_eq!(ReportPeriod::FirstHalf.deadline(2025), (2025, 7, 15));
    }

    #[test]
    fn returned_reports_can_be_corrected_accepted_ones_cannot() {
        assert!(ReportStatus::Returned.editable());
        assert!(!ReportStatus::Accepted.editable());
        assert!(!ReportStatus::Submitted.editable());
    }
}
