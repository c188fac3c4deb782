//! Support requests (tư vấn – hỗ trợ): a cooperative asks its alliance for advice or help, the
//! alliance's staff take the request, answer it in a thread and close it.
//!
//! A request's life: `open` (asked, nobody answered yet) → `answered` (staff replied; the
//! cooperative may reply again, which reopens it as `awaiting` staff) → `closed` (by either side;
//! a new message reopens it). The first staff reply is the moment the request counts as
//! answered, for the response-time figures and the programme's "requests answered" indicator.

use serde::{Deserialize, Serialize};

use crate::validate::Findings;

/// What the request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportTopic {
    /// Pháp lý — the cooperative law, registration, charter, conversion.
    Legal,
    /// Tài chính, tín dụng — loans, the support fund, accounting.
    Finance,
    /// OCOP — preparing a product's dossier, re-certification.
    Ocop,
    /// Thị trường, xúc tiến thương mại — markets, fairs, distribution.
    Market,
    /// Chuyển đổi số — software, e-invoices, e-commerce, QR traceability.
    Digital,
    /// Đào tạo, nhân lực — training of managers and members.
    Training,
    /// Khoa học kỹ thuật — techniques, standards, certification of quality.
    Technique,
    /// Khác.
    Other,
}

impl SupportTopic {
    /// Every topic, in the order forms list them.
    pub const ALL: [SupportTopic; 8] = [
        SupportTopic::Legal,
        SupportTopic::Finance,
        SupportTopic::Ocop,
        SupportTopic::Market,
        SupportTopic::Digital,
        SupportTopic::Training,
        SupportTopic::Technique,
        SupportTopic::Other,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SupportTopic::Legal => "legal",
            SupportTopic::Finance => "finance",
            SupportTopic::Ocop => "ocop",
            SupportTopic::Market => "market",
            SupportTopic::Digital => "digital",
            SupportTopic::Training => "training",
            SupportTopic::Technique => "technique",
            SupportTopic::Other => "other",
        }
    }

    /// The topic of a stored name.
    pub fn parse(s: &str) -> Option<SupportTopic> {
        SupportTopic::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    /// Catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            SupportTopic::Legal => "support-topic-legal",
            SupportTopic::Finance => "support-topic-finance",
            SupportTopic::Ocop => "support-topic-ocop",
            SupportTopic::Market => "support-topic-market",
            SupportTopic::Digital => "support-topic-digital",
            SupportTopic::Training => "support-topic-training",
            SupportTopic::Technique => "support-topic-technique",
            SupportTopic::Other => "support-topic-other",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportStatus {
    /// Asked; no staff reply yet.
    Open,
    /// The cooperative wrote again after a staff reply: staff have to look again.
    Awaiting,
    /// Staff replied last.
    Answered,
    /// Closed by either side.
    Closed,
}

impl SupportStatus {
    /// Every status.
    pub const ALL: [SupportStatus; 4] = [
        SupportStatus::Open,
        SupportStatus::Awaiting,
        SupportStatus::Answered,
        SupportStatus::Closed,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SupportStatus::Open => "open",
            SupportStatus::Awaiting => "awaiting",
            SupportStatus::Answered => "answered",
            SupportStatus::Closed => "closed",
        }
    }

    /// The status of a stored name.
    pub fn parse(s: &str) -> Option<SupportStatus> {
        SupportStatus::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    /// Catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            SupportStatus::Open => "support-status-open",
            SupportStatus::Awaiting => "support-status-awaiting",
            SupportStatus::Answered => "support-status-answered",
            SupportStatus::Closed => "support-status-closed",
        }
    }

    /// Whether staff have something to do on it.
    pub fn waiting_for_staff(self) -> bool {
        matches!(self, SupportStatus::Open | SupportStatus::Awaiting)
    }

    /// The status after a message: a staff reply answers, the cooperative's message waits
    /// for staff (a first question stays open until someone answers).
    pub fn after_message(self, from_staff: bool, ever_answered: bool) -> SupportStatus {
        match (from_staff, ever_answered) {
            (true, _) => SupportStatus::Answered,
            (false, true) => SupportStatus::Awaiting,
            (false, false) => SupportStatus::Open,
        }
    }
}

/// The longest title, and the longest message.
pub const MAX_TITLE: usize = 300;
/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 20_000;

/// A request as typed in its form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SupportRequestForm {
    /// Topic (stored name).
    #[serde(default)]
    pub topic: String,
    /// One-line title.
    #[serde(default)]
    pub title: String,
    /// The question, in full.
    #[serde(default)]
    pub body: String,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupportRequest {
    /// Topic.
    pub topic: SupportTopic,
    /// Title.
    pub title: String,
    /// First message.
    pub body: String,
}

impl SupportRequestForm {
    /// Parses the form; every finding at once.
    pub fn parse(&self) -> Result<NewSupportRequest, Findings> {
        let mut f = Findings::default();
        let topic = SupportTopic::parse(&self.topic);
        if topic.is_none() {
            f.add("topic", "err-support-topic");
        }
        let title = f.required("title", &self.title, MAX_TITLE);
        let body = message(&mut f, "body", &self.body);
        f.into_result(NewSupportRequest {
            topic: topic.unwrap_or(SupportTopic::Other),
            title,
            body,
        })
    }
}

/// A message's text: required, at most [`MAX_MESSAGE`] characters, line breaks kept (a
/// question is written in paragraphs), other control characters dropped.
pub fn message(f: &mut Findings, field: &'static str, raw: &str) -> String {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let text = text.trim().to_string();
    if text.is_empty() {
        f.add(field, "err-required");
    } else if text.chars().count() > MAX_MESSAGE {
        f.add_with(field, "err-too-long", vec![("max", MAX_MESSAGE.to_string())]);
    }
    text
}

/// Response-time figures of a set of requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseTimes {
    /// Requests counted.
    pub requests: u64,
    /// Of those, answered at least once.
    pub answered: u64,
    /// Answered within [`ANSWER_TARGET_HOURS`].
    pub answered_in_target: u64,
    /// Median hours from asking to the first answer, over the answered ones.
    pub median_hours: Option<f64>,
    /// 90th percentile of the same.
    pub p90_hours: Option<f64>,
}

/// The answer time the alliances hold themselves to: three working days, counted as 72 hours.
pub const ANSWER_TARGET_HOURS: f64 = 72.0;

impl ResponseTimes {
    /// The figures of `requests` requests, of which `waits` (hours to the first answer) were
    /// answered.
    pub fn from_waits(requests: u64, mut waits: Vec<f64>) -> ResponseTimes {
        waits.retain(|w| w.is_finite() && *w >= 0.0);
        waits.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            (!waits.is_empty()).then(|| {
                // Nearest rank: the smallest wait at or above the q-th share of answers.
                let rank = ((q * waits.len() as f64).ceil() as usize).clamp(1, waits.len());
                waits[rank - 1]
            })
        };
        ResponseTimes {
            requests,
            answered: waits.len() as u64,
            answered_in_target: waits.iter().filter(|w| **w <= ANSWER_TARGET_HOURS).count() as u64,
            median_hours: pick(0.5),
            p90_hours: pick(0.9),
        }
    }

    /// Share of the answered requests answered within the target, in percent.
    pub fn in_target_percent(&self) -> Option<u64> {
        (self.answered > 0).then(|| (self.answered_in_target * 100 + self.answered / 2) / self.answered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_topic_title_or_question_reports_all_three() {
        let err = SupportRequestForm::default().parse().expect_err("empty");
        let fields: Vec<&str> = err.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["topic", "title", "body"]);
        let ok = SupportRequestForm {
            topic: "ocop".into(),
            title: "  Hồ sơ OCOP  ".into(),
            body: "Xin hướng dẫn\r\n\r\nhồ sơ\u{0007}".into(),
        }
        .parse()
        .expect("valid");
        assert_eq!(ok.topic, SupportTopic::Ocop);
        assert_eq!(ok.title, "Hồ sơ OCOP");
        assert_eq!(ok.body, "Xin hướng dẫn\n\nhồ sơ");
    }

    #[test]
    fn a_message_longer_than_the_limit_is_refused() {
        let mut f = Findings::default();
        message(&mut f, "body", &"a".repeat(MAX_MESSAGE + 1));
        assert_eq!(f.0[0].key, "err-too-long");
    }

    #[test]
    fn a_staff_reply_answers_and_the_cooperatives_next_message_waits_for_staff() {
        let s = SupportStatus::Open;
        assert_eq!(s.after_message(false, false), SupportStatus::Open);
        let s = s.after_message(true, false);
        assert_eq!(s, SupportStatus::Answered);
        assert_eq!(s.after_message(false, true), SupportStatus::Awaiting);
        assert!(SupportStatus::Awaiting.waiting_for_staff());
        assert!(!SupportStatus::Closed.waiting_for_staff());
        assert_eq!(
            SupportStatus::Closed.after_message(false, true),
            SupportStatus::Awaiting
        );
    }

    #[test]
    fn response_times_take_the_median_and_ninetieth_percentile_of_answered_requests() {
        let t = ResponseTimes::from_waits(5, vec![100.0, 2.0, 30.0, 10.0]);
        assert_eq!(t.requests, 5);
        assert_eq!(t.answered, 4);
        assert_eq!(t.answered_in_target, 3);
        assert_eq!(t.median_hours, Some(10.0));
        assert_eq!(t.p90_hours, Some(100.0));
        assert_eq!(t.in_target_percent(), Some(75));
        let none = ResponseTimes::from_waits(3, vec![]);
        assert_eq!(none.median_hours, None);
        assert_eq!(none.in_target_percent(), None);
    }
}
