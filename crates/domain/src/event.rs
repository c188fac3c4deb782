//! Trade promotion: fairs, exhibitions and OCOP weeks (sự kiện xúc tiến thương mại), their booth
//! plans, and the applications organisations send to exhibit at them.
//!
//! Times of day are Vietnam time (UTC+7, no daylight saving): an application window that closes
//! "17:00 ngày 20/3" closes at 10:00 UTC.

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

use crate::ids::AllianceId;
use crate::lenient::{Date, parse_date};
use crate::ocop::ProductGroup;
use crate::validate::{Findings, clean_text};

/// Vietnam's offset from UTC.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Hội chợ.
    Fair,
    /// Triển lãm.
    Exhibition,
    /// Tuần lễ quảng bá sản phẩm OCOP.
    OcopWeek,
    /// Phiên chợ trực tuyến.
    OnlineFair,
    /// Hội nghị kết nối cung cầu.
    SupplyDemand,
}

impl EventKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [EventKind; 5] = [
        EventKind::Fair,
        EventKind::Exhibition,
        EventKind::OcopWeek,
        EventKind::OnlineFair,
        EventKind::SupplyDemand,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Fair => "fair",
            EventKind::Exhibition => "exhibition",
            EventKind::OcopWeek => "ocop_week",
            EventKind::OnlineFair => "online_fair",
            EventKind::SupplyDemand => "supply_demand",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            EventKind::Fair => "event-kind-fair",
            EventKind::Exhibition => "event-kind-exhibition",
            EventKind::OcopWeek => "event-kind-ocop-week",
            EventKind::OnlineFair => "event-kind-online-fair",
            EventKind::SupplyDemand => "event-kind-supply-demand",
        }
    }

    /// Whether exhibitors stand in physical booths (an online fair has none to number).
    pub fn has_venue(self) -> bool {
        self != EventKind::OnlineFair
    }
}

/// Whether the public sees the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// Being prepared by the host alliance.
    Draft,
    /// Announced: on the public list, the calendar and the iCalendar feed.
    Published,
    /// Called off after being announced (kept so links and applications stay readable).
    Cancelled,
}

impl EventStatus {
    /// Every status.
    pub const ALL: [EventStatus; 3] = [EventStatus::Draft, EventStatus::Published, EventStatus::Cancelled];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "draft",
            EventStatus::Published => "published",
            EventStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<EventStatus> {
        EventStatus::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            EventStatus::Draft => "event-status-draft",
            EventStatus::Published => "event-status-published",
            EventStatus::Cancelled => "event-status-cancelled",
        }
    }
}

/// Where an application is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Being written by the organisation.
    Draft,
    /// Sent to the host alliance.
    Submitted,
    /// Accepted: holds its booths.
    Approved,
    /// Accepted in principle, waiting for a place to free up.
    Waitlisted,
    /// Refused by the host alliance.
    Rejected,
    /// Withdrawn by the organisation (its booths, if any, are freed).
    Withdrawn,
}

impl ApplicationState {
    /// Every state.
    pub const ALL: [ApplicationState; 6] = [
        ApplicationState::Draft,
        ApplicationState::Submitted,
        ApplicationState::Approved,
        ApplicationState::Waitlisted,
        ApplicationState::Rejected,
        ApplicationState::Withdrawn,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationState::Draft => "draft",
            ApplicationState::Submitted => "submitted",
            ApplicationState::Approved => "approved",
            ApplicationState::Waitlisted => "waitlisted",
            ApplicationState::Rejected => "rejected",
            ApplicationState::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ApplicationState> {
        ApplicationState::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ApplicationState::Draft => "application-draft",
            ApplicationState::Submitted => "application-submitted",
            ApplicationState::Approved => "application-approved",
            ApplicationState::Waitlisted => "application-waitlisted",
            ApplicationState::Rejected => "application-rejected",
            ApplicationState::Withdrawn => "application-withdrawn",
        }
    }

    /// Whether the organisation may still change what it applied with.
    pub fn editable(self) -> bool {
        matches!(self, ApplicationState::Draft | ApplicationState::Withdrawn)
    }

    /// The decisions staff may take from this state.
    pub fn decisions(self) -> &'static [ApplicationState] {
        match self {
            ApplicationState::Submitted => &[
                ApplicationState::Approved,
                ApplicationState::Waitlisted,
                ApplicationState::Rejected,
            ],
            ApplicationState::Waitlisted => &[ApplicationState::Approved, ApplicationState::Rejected],
            ApplicationState::Approved => &[ApplicationState::Rejected],
            _ => &[],
        }
    }

    /// Whether the organisation may withdraw from this state.
    pub fn withdrawable(self) -> bool {
        matches!(
            self,
            ApplicationState::Submitted | ApplicationState::Approved | ApplicationState::Waitlisted
        )
    }

    /// Whether the application holds booths.
    pub fn holds_booths(self) -> bool {
        self == ApplicationState::Approved
    }
}

/// One type of booth in an event's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoothTypeDraft {
    /// The stored id when editing an existing type.
    pub id: Option<i64>,
    /// Name, e.g. "Gian tiêu chuẩn".
    pub name: String,
    /// Size as written, e.g. "3 × 3 m".
    pub size: String,
    /// How many booths of this type there are.
    pub capacity: i32,
    /// Fee per booth (đồng), 0 when free.
    pub fee: i64,
}

/// A booth-type row of the event form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoothTypeForm {
    /// Hidden id of an existing type.
    pub id: String,
    /// Name.
    pub name: String,
    /// Size.
    pub size: String,
    /// Count.
    pub capacity: String,
    /// Fee per booth.
    pub fee: String,
}

/// The event form as typed (dates `YYYY-MM-DD` or `dd/mm/yyyy`; times `HH:MM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    /// Title, e.g. "Tuần lễ giới thiệu sản phẩm OCOP các tỉnh, thành phố".
    pub title: String,
    /// Kind (stored name).
    pub kind: String,
    /// Venue as written.
    pub venue: String,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Opening hours, e.g. "8:00 – 21:00".
    pub opening_hours: String,
    /// First day applications are accepted.
    pub applications_open_on: String,
    /// Last day applications are accepted.
    pub applications_close_on: String,
    /// Time of day on the last day when applications close (default 17:00).
    pub applications_close_time: String,
    /// Eligible OCOP product groups (codes; empty = any).
    pub eligible_groups: Vec<String>,
    /// Co-organising alliances (ids as typed).
    pub co_organisers: Vec<String>,
    /// Description.
    pub description: String,
    /// Booth plan rows (blank rows are ignored).
    pub booth_types: Vec<BoothTypeForm>,
}

/// A checked event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventDraft {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Venue as written.
    pub venue: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// When applications open.
    pub applications_open_at: OffsetDateTime,
    /// When applications close.
    pub applications_close_at: OffsetDateTime,
    /// Eligible group codes (empty = any group).
    pub eligible_groups: Vec<String>,
    /// Co-organising alliances.
    pub co_organisers: Vec<AllianceId>,
    /// Description.
    pub description: Option<String>,
    /// Booth plan.
    pub booth_types: Vec<BoothTypeDraft>,
}

/// The largest booth count a type may have.
pub const MAX_BOOTHS_PER_TYPE: i32 = 5_000;
/// The largest sales figure an exhibitor may report (đồng): a hundred thousand billion.
pub const MAX_SALES: i64 = 100_000_000_000_000;
/// The largest number of booths one application may ask for.
pub const MAX_BOOTHS_PER_APPLICATION: i32 = 20;

fn far_future() -> Date {
    Date::new(2200, 12, 31).unwrap_or_else(|| unreachable!("a valid date"))
}

/// Reads a day typed in a form; `None` with a finding when unreadable.
pub(crate) fn day(f: &mut Findings, field: &'static str, raw: &str) -> Option<Date> {
    if raw.trim().is_empty() {
        f.add(field, "err-required");
        return None;
    }
    match parse_date(raw, far_future()) {
        Ok((d, _)) if d.year() >= 2000 => Some(d),
        Ok(_) => {
            f.add(field, "err-event-date-range");
            None
        }
        Err(p) => {
            f.add_with(field, p.key, p.args);
            None
        }
    }
}

/// Reads `HH:MM` (or `HHhMM`, `HH`); default 17:00 when blank.
pub fn parse_time_of_day(raw: &str) -> Option<time::Time> {
    let s = raw.trim().to_lowercase().replace(['h', '.'], ":");
    if s.is_empty() {
        return time::Time::from_hms(17, 0, 0).ok();
    }
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h.trim(), if m.trim().is_empty() { "0" } else { m.trim() }),
        None => (s.as_str(), "0"),
    };
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    time::Time::from_hms(h, m, 0).ok()
}

/// The moment a day and time of day in Vietnam is.
pub fn vietnam_moment(d: Date, t: time::Time) -> Option<OffsetDateTime> {
    let month = time::Month::try_from(d.month()).ok()?;
    let date = time::Date::from_calendar_date(d.year(), month, d.day()).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_offset(VIETNAM))
}

/// The day (Vietnam time) of a moment.
pub fn vietnam_day(t: OffsetDateTime) -> Date {
    let local = t.to_offset(VIETNAM);
    Date::new(local.year(), local.month() as u8, local.day()).unwrap_or_else(far_future)
}

/// Cleans a text of several paragraphs: each line trimmed and collapsed, paragraphs kept
/// apart by one blank line; `None` when empty.
pub(crate) fn paragraphs(
    f: &mut Findings,
    field: &'static str,
    raw: &str,
    max_chars: usize,
) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for line in raw.lines().map(clean_text) {
        if !line.is_empty() || out.last().is_some_and(|l| !l.is_empty()) {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let text = out.join("\n");
    if text.chars().count() > max_chars {
        f.add_with(field, "err-too-long", vec![("max", max_chars.to_string())]);
    }
    (!text.is_empty()).then_some(text)
}

/// Reads a whole number typed with or without thousands separators ("2.000.000", "2 000 000").
pub(crate) fn number(f: &mut Findings, field: &'static str, raw: &str, max: i64) -> Option<i64> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    match digits.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Some(n),
        _ => {
            f.add_with(field, "err-event-number", vec![("max", max.to_string())]);
            None
        }
    }
}

impl EventForm {
    /// Validates the form, every finding at once.
    pub fn parse(&self) -> Result<EventDraft, Findings> {
        let mut f = Findings::default();
        let title = f.required("title", &self.title, 300);
        let kind = EventKind::parse(&self.kind);
        if kind.is_none() {
            f.add("kind", "err-required");
        }
        let kind = kind.unwrap_or(EventKind::Fair);
        let venue = clean_text(&self.venue);
        if venue.is_empty() && kind.has_venue() {
            f.add("venue", "err-required");
        }
        if venue.chars().count() > 500 {
            f.add_with("venue", "err-too-long", vec![("max", "500".into())]);
        }
        let starts_on = day(&mut f, "starts_on", &self.starts_on);
        let ends_on = day(&mut f, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            f.add("ends_on", "err-event-ends-before-start");
        }
        let open_day = day(&mut f, "applications_open_on", &self.applications_open_on);
        let close_day = day(&mut f, "applications_close_on", &self.applications_close_on);
        let close_time = parse_time_of_day(&self.applications_close_time);
        if close_time.is_none() {
            f.add("applications_close_time", "err-event-time");
        }
        let open_at = open_day.and_then(|d| vietnam_moment(d, time::Time::MIDNIGHT));
        let close_at = close_day.zip(close_time).and_then(|(d, t)| vietnam_moment(d, t));
        if let (Some(o), Some(c)) = (open_at, close_at)
            && c <= o
        {
            f.add("applications_close_on", "err-event-window-order");
        }
        // Applications are reviewed and booths assigned before the doors open.
        if let (Some(c), Some(s)) = (
            close_at,
            starts_on.and_then(|d| vietnam_moment(d, time::Time::MIDNIGHT)),
        ) && c > s
        {
            f.add("applications_close_on", "err-event-window-after-start");
        }
        let mut eligible_groups = Vec::new();
        for code in self
            .eligible_groups
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match ProductGroup::by_code(code).map(ProductGroup::statistics_group) {
                // A group of the 2019 criteria counts as the current group it became.
                Some(g) if !eligible_groups.contains(&g.code.to_string()) => {
                    eligible_groups.push(g.code.to_string())
                }
                Some(_) => {}
                None => f.add("eligible_groups", "err-event-group"),
            }
        }
        let mut co_organisers = Vec::new();
        for raw in self
            .co_organisers
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match raw.parse::<i64>() {
                Ok(id) if !co_organisers.contains(&AllianceId(id)) => co_organisers.push(AllianceId(id)),
                Ok(_) => {}
                Err(_) => f.add("co_organisers", "err-reference"),
            }
        }
        let mut booth_types = Vec::new();
        let mut names = Vec::new();
        for row in &self.booth_types {
            let blank = row.name.trim().is_empty()
                && row.size.trim().is_empty()
                && row.capacity.trim().is_empty()
                && row.fee.trim().is_empty();
            if blank {
                continue;
            }
            let name = clean_text(&row.name);
            if name.is_empty() {
                f.add("booth_types", "err-booth-name");
            } else if name.chars().count() > 120 {
                f.add_with("booth_types", "err-too-long", vec![("max", "120".into())]);
            } else if names.contains(&crate::text::fold(&name)) {
                f.add_with(
                    "booth_types",
                    "err-booth-name-twice",
                    vec![("name", name.clone())],
                );
            }
            names.push(crate::text::fold(&name));
            let capacity = number(
                &mut f,
                "booth_types",
                &row.capacity,
                i64::from(MAX_BOOTHS_PER_TYPE),
            );
            if capacity == Some(0) {
                f.add_with("booth_types", "err-booth-capacity", vec![("name", name.clone())]);
            }
            let fee = number(&mut f, "booth_types", &row.fee, 10_000_000_000);
            booth_types.push(BoothTypeDraft {
                id: row.id.trim().parse().ok(),
                name,
                size: clean_text(&row.size).chars().take(60).collect(),
                capacity: capacity.unwrap_or(0) as i32,
                fee: fee.unwrap_or(0),
            });
        }
        if booth_types.is_empty() {
            f.add("booth_types", "err-booth-plan-empty");
        }
        let draft = EventDraft {
            title,
            kind,
            venue,
            starts_on: starts_on.unwrap_or_else(far_future),
            ends_on: ends_on.unwrap_or_else(far_future),
            opening_hours: f.optional("opening_hours", &self.opening_hours, 120),
            applications_open_at: open_at.unwrap_or(OffsetDateTime::UNIX_EPOCH),
            applications_close_at: close_at.unwrap_or(OffsetDateTime::UNIX_EPOCH),
            eligible_groups,
            co_organisers,
            description: paragraphs(&mut f, "description", &self.description, 20_000),
            booth_types,
        };
        f.into_result(draft)
    }
}

/// Where the application window stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Not open yet.
    NotYet,
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// The application window at `now`.
pub fn window(open_at: OffsetDateTime, close_at: OffsetDateTime, now: OffsetDateTime) -> Window {
    if now < open_at {
        Window::NotYet
    } else if now <= close_at {
        Window::Open
    } else {
        Window::Closed
    }
}

/// An application as typed by the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    /// Booth type id.
    pub booth_type_id: String,
    /// How many booths.
    pub booth_count: String,
    /// Products to show (ids).
    pub products: Vec<String>,
    /// Contact on site.
    pub contact_name: String,
    /// Their phone.
    pub contact_phone: String,
    /// Notes for the organisers.
    pub notes: String,
}

/// A checked application (what the organisation asks for; the store checks it against the event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationDraft {
    /// Booth type.
    pub booth_type_id: i64,
    /// Booths asked for.
    pub booth_count: i32,
    /// Products to show.
    pub products: Vec<i64>,
    /// Contact on site.
    pub contact_name: String,
    /// Phone (E.164).
    pub contact_phone: String,
    /// Notes.
    pub notes: Option<String>,
}

impl ApplicationForm {
    /// Validates the form, every finding at once.
    pub fn parse(&self) -> Result<ApplicationDraft, Findings> {
        let mut f = Findings::default();
        let booth_type_id = self.booth_type_id.trim().parse::<i64>().ok();
        if booth_type_id.is_none() {
            f.add("booth_type_id", "err-required");
        }
        let booth_count = match self.booth_count.trim() {
            "" => Some(1),
            s => s
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=MAX_BOOTHS_PER_APPLICATION).contains(n)),
        };
        if booth_count.is_none() {
            f.add_with(
                "booth_count",
                "err-booth-count",
                vec![("max", MAX_BOOTHS_PER_APPLICATION.to_string())],
            );
        }
        let mut products = Vec::new();
        for raw in self.products.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            match raw.parse::<i64>() {
                Ok(id) if !products.contains(&id) => products.push(id),
                Ok(_) => {}
                Err(_) => f.add("products", "err-reference"),
            }
        }
        if products.is_empty() {
            f.add("products", "err-application-no-products");
        }
        if products.len() > 50 {
            f.add_with("products", "err-too-many", vec![("max", "50".into())]);
        }
        let contact_name = f.required("contact_name", &self.contact_name, 120);
        let contact_phone = match crate::validate::parse_phone_vn(&self.contact_phone) {
            Some(p) => p,
            None => {
                f.add("contact_phone", "err-phone");
                String::new()
            }
        };
        let draft = ApplicationDraft {
            booth_type_id: booth_type_id.unwrap_or(0),
            booth_count: booth_count.unwrap_or(1),
            products,
            contact_name,
            contact_phone,
            notes: f.optional("notes", &self.notes, 4000),
        };
        f.into_result(draft)
    }
}

/// What an exhibitor reports after the event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeForm {
    /// Sales at the event (đồng).
    pub sales: String,
    /// Contracts or memoranda signed.
    pub contracts: String,
    /// Buyers and partners met.
    pub buyers: String,
    /// What came of it, in words.
    pub note: String,
}

/// Checked outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Sales (đồng).
    pub sales: i64,
    /// Contracts signed.
    pub contracts: i32,
    /// Buyers met.
    pub buyers: i32,
}

impl OutcomeForm {
    /// Validates the outcome, every finding at once; returns the figures and the note.
    pub fn parse(&self) -> Result<(Outcome, Option<String>), Findings> {
        let mut f = Findings::default();
        let sales = match crate::lenient::parse_amount_vnd(&self.sales) {
            _ if self.sales.trim().is_empty() => 0,
            Ok((v, _)) if v > MAX_SALES => {
                f.add("sales", "err-outcome-too-large");
                0
            }
            Ok((v, _)) if v >= 0 => v,
            Ok(_) => {
                f.add("sales", "err-negative");
                0
            }
            Err(p) => {
                f.add_with("sales", p.key, p.args);
                0
            }
        };
        let contracts = number(&mut f, "contracts", &self.contracts, 100_000).unwrap_or(0) as i32;
        let buyers = number(&mut f, "buyers", &self.buyers, 1_000_000).unwrap_or(0) as i32;
        let note = f.optional("note", &self.note, 4000);
        f.into_result((
            Outcome {
                sales,
                contracts,
                buyers,
            },
            note,
        ))
    }
}

/// A short code printed on an exhibitor's pass, read back by scanning or typing: 10 characters
/// from an alphabet without look-alikes (no 0/O, 1/I/L).
pub fn pass_code(entropy: u128) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut n = entropy;
    (0..10)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u128) as usize] as char;
            n /= ALPHABET.len() as u128;
            c
        })
        .collect()
}

/// Normalises a pass code as typed or scanned (case, spaces, dashes, a full pass URL).
pub fn normalise_pass_code(raw: &str) -> String {
    let tail = raw.trim().rsplit('/').next().unwrap_or("");
    tail.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EventForm {
        EventForm {
            title: "Tuần lễ giới thiệu sản phẩm OCOP".into(),
            kind: "ocop_week".into(),
            venue: "Số 5 Nguyễn Trãi, phường Văn Quán, quận Hà Đông, Hà Nội".into(),
            starts_on: "2027-03-31".into(),
            ends_on: "06/04/2027".into(),
            opening_hours: "8:00 – 21:00".into(),
            applications_open_on: "2027-02-01".into(),
            applications_close_on: "2027-03-20".into(),
            applications_close_time: "17h".into(),
            eligible_groups: vec!["thuc_pham".into()],
            co_organisers: vec!["2".into()],
            description: String::new(),
            booth_types: vec![
                BoothTypeForm {
                    name: "Gian tiêu chuẩn".into(),
                    size: "3 × 3 m".into(),
                    capacity: "80".into(),
                    fee: "2.000.000".into(),
                    ..Default::default()
                },
                BoothTypeForm::default(),
            ],
        }
    }

    #[test]
    fn a_complete_event_form_is_read_with_vietnam_times_and_blank_booth_rows_ignored() {
        let d = form().parse().expect("valid");
        assert_eq!(d.kind, EventKind::OcopWeek);
        assert_eq!(d.ends_on, Date::new(2027, 4, 6).unwrap());
        assert_eq!(d.booth_types.len(), 1);
        assert_eq!(d.booth_types[0].fee, 2_000_000);
        // 17:00 in Hà Nội is 10:00 UTC.
        assert_eq!(d.applications_close_at.to_offset(UtcOffset::UTC).hour(), 10);
        assert_eq!(
            vietnam_day(d.applications_close_at),
            Date::new(2027, 3, 20).unwrap()
        );
    }

    #[test]
    fn impossible_dates_and_windows_are_refused_with_a_finding_each() {
        let mut f = form();
        f.ends_on = "2027-03-30".into();
        f.applications_close_on = "2027-04-02".into();
        f.booth_types[0].capacity = "0".into();
        let findings = f.parse().unwrap_err();
        let keys: Vec<_> = findings.0.iter().map(|x| x.key).collect();
        assert!(keys.contains(&"err-event-ends-before-start"), "{keys:?}");
        assert!(keys.contains(&"err-event-window-after-start"), "{keys:?}");
        assert!(keys.contains(&"err-booth-capacity"), "{keys:?}");
        let mut f = form();
        f.applications_open_on = "2027-03-21".into();
        let keys: Vec<_> = f.parse().unwrap_err().0.iter().map(|x| x.key).collect();
        assert_eq!(keys, vec!["err-event-window-order"]);
        let mut f = form();
        f.booth_types.clear();
        let keys: Vec<_> = f.parse().unwrap_err().0.iter().map(|x| x.key).collect();
        assert_eq!(keys, vec!["err-booth-plan-empty"]);
    }

    #[test]
    fn a_description_keeps_its_paragraphs_but_not_stray_spaces() {
        let mut f = form();
        f.description = "  Tuần lễ   giới thiệu\r\n\r\n\r\n  Hội nghị kết nối \n".into();
        assert_eq!(
            f.parse().unwrap().description.as_deref(),
            Some("Tuần lễ giới thiệu\n\nHội nghị kết nối")
        );
    }

    #[test]
    fn the_window_is_open_from_its_first_moment_to_its_last() {
        let d = form().parse().unwrap();
        let (o, c) = (d.applications_open_at, d.applications_close_at);
        assert_eq!(window(o, c, o - time::Duration::SECOND), Window::NotYet);
        assert_eq!(window(o, c, o), Window::Open);
        assert_eq!(window(o, c, c), Window::Open);
        assert_eq!(window(o, c, c + time::Duration::SECOND), Window::Closed);
    }

    #[test]
    fn decisions_follow_the_states() {
        use ApplicationState::*;
        assert_eq!(Submitted.decisions(), &[Approved, Waitlisted, Rejected]);
        assert!(Waitlisted.decisions().contains(&Approved));
        assert!(Draft.decisions().is_empty() && Withdrawn.decisions().is_empty());
        assert!(Approved.withdrawable() && !Rejected.withdrawable());
    }

    #[test]
    fn an_application_needs_products_a_booth_and_a_reachable_contact() {
        let a = ApplicationForm {
            booth_type_id: "3".into(),
            booth_count: "".into(),
            products: vec!["7".into(), "7".into(), "9".into()],
            contact_name: "Nguyễn Văn An".into(),
            contact_phone: "0912 345 678".into(),
            notes: String::new(),
        };
        let d = a.parse().unwrap();
        assert_eq!((d.booth_count, d.products.clone()), (1, vec![7, 9]));
        assert_eq!(d.contact_phone, "+84912345678");
        let bad = ApplicationForm {
            booth_count: "40".into(),
            ..Default::default()
        };
        let keys: Vec<_> = bad.parse().unwrap_err().0.iter().map(|x| x.key).collect();
        for k in [
            "err-required",
            "err-booth-count",
            "err-application-no-products",
            "err-phone",
        ] {
            assert!(keys.contains(&k), "{k} in {keys:?}");
        }
    }

    #[test]
    fn pass_codes_avoid_look_alikes_and_read_back_from_urls() {
        let c = pass_code(0x1234_5678_9abc_def0_1122_3344_5566_7788);
        assert_eq!(c.len(), 10);
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(
            normalise_pass_code(&format!("https://x.vn/passes/{}", c.to_lowercase())),
            c
        );
        assert_eq!(normalise_pass_code(" ab-cd 23 "), "ABCD23");
    }
}
