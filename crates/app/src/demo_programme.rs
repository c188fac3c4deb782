//! The demonstration coordination programme: the 2023–2025 programme the five city alliances
//! signed, with its nine content areas, a yearly plan for each year with the host rotating
//! (Hà Nội, Hải Phòng, Đà Nẵng), the activities of each year carried out by the alliances with
//! their cooperatives, targets and typed figures for the indicators, and the text of the 2024
//! mid-term review.
//!
//! Everything goes through the store's own operations, so the demo obeys the same rules as
//! what users enter; the figures of the reviews are computed from it like any other data.

use anyhow::Context;
use lienket_domain::ids::AllianceId;
use lienket_domain::programme::{AREAS_2023_2025, ActivityForm, Measure, PlanForm, ProgrammeForm};
use lienket_store::{Actor, EventFilter, IndicatorValue, PageRequest, Programme, ReviewText, Store};

use crate::datagen::Lcg;

/// An activity of the demo: (year, month, day, days, area number, kind, title, place, lead alliance code).
type Planned = (
    i32,
    u8,
    u8,
    u8,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// What the alliances did together, year by year.
const ACTIVITIES: [Planned; 30] = [
    (
        2023,
        3,
        30,
        1,
        1,
        "conference",
        "Hội nghị ký kết Chương trình phối hợp giai đoạn 2023 – 2025",
        "Hà Nội",
        "HN",
    ),
    (
        2023,
        3,
        31,
        7,
        9,
        "trade_promotion",
        "Tuần lễ giới thiệu sản phẩm OCOP các tỉnh, thành phố tại Hà Nội",
        "Hà Nội",
        "HN",
    ),
    (
        2023,
        5,
        18,
        2,
        5,
        "training",
        "Tập huấn ứng dụng phần mềm kế toán cho hợp tác xã",
        "Hải Phòng",
        "HP",
    ),
    (
        2023,
        6,
        22,
        1,
        4,
        "workshop",
        "Hội thảo góp ý dự thảo Luật Hợp tác xã (sửa đổi) và văn bản hướng dẫn",
        "TP Hồ Chí Minh",
        "HCM",
    ),
    (
        2023,
        7,
        12,
        3,
        7,
        "study_visit",
        "Khảo sát, học tập kinh nghiệm mô hình HTX nông nghiệp ứng dụng công nghệ cao",
        "Đà Lạt, Lâm Đồng",
        "DN",
    ),
    (
        2023,
        8,
        24,
        1,
        3,
        "conference",
        "Hội nghị đối thoại giữa lãnh đạo Liên minh với giám đốc hợp tác xã",
        "Cần Thơ",
        "CT",
    ),
    (
        2023,
        9,
        14,
        2,
        8,
        "media",
        "Chuyên trang \"Kinh tế tập thể – đổi mới và phát triển\" trên báo điện tử",
        "Hà Nội",
        "HN",
    ),
    (
        2023,
        10,
        19,
        2,
        2,
        "training",
        "Tập huấn thành lập mới và tổ chức lại hợp tác xã theo Luật HTX 2023",
        "Đà Nẵng",
        "DN",
    ),
    (
        2023,
        11,
        9,
        1,
        6,
        "workshop",
        "Hội thảo nhân rộng mô hình HTX kiểu mới hiệu quả theo Quyết định 167/QĐ-TTg",
        "Hải Phòng",
        "HP",
    ),
    (
        2023,
        12,
        7,
        1,
        5,
        "consulting",
        "Tư vấn xây dựng phương án sản xuất kinh doanh cho HTX",
        "Cần Thơ",
        "CT",
    ),
    (
        2024,
        1,
        11,
        1,
        1,
        "conference",
        "Hội nghị phổ biến Luật Hợp tác xã năm 2023",
        "Hải Phòng",
        "HP",
    ),
    (
        2024,
        3,
        21,
        3,
        9,
        "trade_promotion",
        "Phiên chợ trực tuyến sản phẩm OCOP của hợp tác xã",
        "Trực tuyến",
        "HCM",
    ),
    (
        2024,
        4,
        16,
        2,
        5,
        "training",
        "Tập huấn chuyển đổi số: hóa đơn điện tử và thanh toán không dùng tiền mặt",
        "Hà Nội",
        "HN",
    ),
    (
        2024,
        5,
        23,
        1,
        3,
        "conference",
        "Hội nghị nắm bắt tình hình, tâm tư của thành viên hợp tác xã",
        "Đà Nẵng",
        "DN",
    ),
    (
        2024,
        6,
        13,
        2,
        7,
        "study_visit",
        "Trao đổi kinh nghiệm giữa các HTX dịch vụ nông nghiệp Hải Phòng – Cần Thơ",
        "Cần Thơ",
        "HP",
    ),
    (
        2024,
        7,
        18,
        1,
        4,
        "workshop",
        "Hội thảo đề xuất chính sách hỗ trợ HTX tiếp cận vốn tín dụng",
        "TP Hồ Chí Minh",
        "HCM",
    ),
    (
        2024,
        8,
        15,
        1,
        6,
        "workshop",
        "Hội thảo đánh giá mô hình HTX kiểu mới sau 2 năm nhân rộng",
        "Hà Nội",
        "HN",
    ),
    (
        2024,
        9,
        26,
        2,
        8,
        "media",
        "Phóng sự truyền hình về hợp tác xã tiêu biểu các thành phố",
        "Đà Nẵng",
        "DN",
    ),
    (
        2024,
        10,
        10,
        1,
        2,
        "consulting",
        "Tư vấn hồ sơ thành lập mới hợp tác xã cho các tổ hợp tác",
        "Hải Phòng",
        "HP",
    ),
    (
        2024,
        11,
        21,
        1,
        5,
        "consulting",
        "Tư vấn xây dựng và hoàn thiện hồ sơ sản phẩm OCOP",
        "Cần Thơ",
        "CT",
    ),
    (
        2025,
        1,
        16,
        1,
        1,
        "conference",
        "Hội nghị phổ biến chính sách sắp xếp đơn vị hành chính và hoạt động của HTX",
        "Đà Nẵng",
        "DN",
    ),
    (
        2025,
        3,
        20,
        2,
        5,
        "training",
        "Tập huấn kỹ năng bán hàng trên sàn thương mại điện tử",
        "TP Hồ Chí Minh",
        "HCM",
    ),
    (
        2025,
        4,
        24,
        1,
        3,
        "conference",
        "Hội nghị đối thoại với thành viên HTX sau sắp xếp địa giới hành chính",
        "Hà Nội",
        "HN",
    ),
    (
        2025,
        5,
        8,
        4,
        9,
        "trade_promotion",
        "Hội chợ sản phẩm hợp tác xã và OCOP Hải Phòng 2025",
        "Hải Phòng",
        "HP",
    ),
    (
        2025,
        6,
        19,
        3,
        7,
        "study_visit",
        "Học tập kinh nghiệm mô hình HTX du lịch cộng đồng",
        "Hội An, Đà Nẵng",
        "DN",
    ),
    (
        2025,
        7,
        24,
        1,
        4,
        "workshop",
        "Hội thảo tổng kết thực tiễn thi hành Luật Hợp tác xã năm 2023",
        "Cần Thơ",
        "CT",
    ),
    (
        2025,
        8,
        21,
        1,
        6,
        "workshop",
        "Hội thảo nhân rộng mô hình HTX kiểu mới gắn với chuỗi giá trị",
        "Hải Phòng",
        "HP",
    ),
    (
        2025,
        9,
        18,
        2,
        8,
        "media",
        "Cuộc thi ảnh \"Hợp tác xã – sức sống mới\"",
        "TP Hồ Chí Minh",
        "HCM",
    ),
    (
        2025,
        10,
        16,
        1,
        2,
        "consulting",
        "Tư vấn củng cố, tổ chức lại HTX hoạt động kém hiệu quả",
        "Đà Nẵng",
        "DN",
    ),
    (
        2025,
        11,
        27,
        1,
        1,
        "conference",
        "Hội nghị tổng kết Chương trình phối hợp giai đoạn 2023 – 2025",
        "Đà Nẵng",
        "DN",
    ),
];

/// Hosts of the years: the host rotates among the signatories.
const HOSTS: [(i32, &str, &str); 3] = [
    (
        2023,
        "HN",
        "Ký kết và triển khai Chương trình; tổ chức Tuần lễ giới thiệu sản phẩm OCOP; tập huấn cho cán bộ HTX.",
    ),
    (
        2024,
        "HP",
        "Phổ biến Luật Hợp tác xã năm 2023; đẩy mạnh chuyển đổi số và kết nối tiêu thụ trực tuyến.",
    ),
    (
        2025,
        "DN",
        "Ổn định hoạt động của HTX sau sắp xếp đơn vị hành chính; tổng kết Chương trình giai đoạn 2023 – 2025.",
    ),
];

/// Seeds the programme. `alliances` are the demo alliances by code.
pub async fn seed_programme(
    store: &Store,
    actor: &Actor,
    alliances: &[(&'static str, AllianceId)],
) -> anyhow::Result<Programme> {
    let id = |code: &str| -> anyhow::Result<i64> {
        alliances
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, a)| a.0)
            .with_context(|| format!("demo alliance {code}"))
    };
    let form = ProgrammeForm {
        name: "Chương trình phối hợp phát triển kinh tế tập thể giữa Liên minh Hợp tác xã các thành phố Hà Nội, \
               Hải Phòng, Đà Nẵng, Cần Thơ và Thành phố Hồ Chí Minh giai đoạn 2023 – 2025"
            .into(),
        number: "01/CTrPH-LMHTX".into(),
        first_year: "2023".into(),
        last_year: "2025".into(),
        signed_on: "30/03/2023".into(),
        signatories: alliances.iter().map(|(_, a)| a.0.to_string()).collect(),
        areas: AREAS_2023_2025.join("\n"),
        summary: "Phối hợp chia sẻ thông tin, kinh nghiệm về cơ chế, chính sách; hỗ trợ, theo dõi các hợp tác xã \
                  thành viên; nhân rộng mô hình hiệu quả và kết nối hợp tác xã với hội chợ, triển lãm, tuần lễ \
                  quảng bá sản phẩm OCOP."
            .into(),
    };
    let draft = form
        .parse()
        .map_err(|f| anyhow::anyhow!("demo programme is invalid: {f:?}"))?;
    let programme = store.create_programme(actor, &draft).await?;
    for (year, host, goals) in HOSTS {
        let plan = PlanForm {
            year: year.to_string(),
            host_alliance_id: id(host)?.to_string(),
            goals: goals.into(),
        }
        .parse(programme.period())
        .map_err(|f| anyhow::anyhow!("demo plan {year} is invalid: {f:?}"))?;
        store.save_plan(actor, programme.id, &plan, None).await?;
    }
    // Events the trade-promotion activities stand for, by year.
    let events = store
        .list_events(
            &EventFilter {
                public_only: true,
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(200)),
        )
        .await?
        .items;
    let orgs = store.list_organisations(None).await?;
    let mut rng = Lcg::new(2025);
    for (n, (year, month, day, days, area, kind, title, place, lead)) in ACTIVITIES.iter().enumerate() {
        let area_id = programme
            .areas
            .iter()
            .find(|a| i64::from(a.number) == *area)
            .map(|a| a.id)
            .context("demo area")?;
        let lead_id = id(lead)?;
        let others: Vec<String> = alliances
            .iter()
            .map(|(_, a)| a.0)
            .filter(|a| *a != lead_id && (rng.below(3) > 0 || *area == 1))
            .map(|a| a.to_string())
            .collect();
        let event = (*kind == "trade_promotion")
            .then(|| {
                events
                    .iter()
                    .find(|e| e.event.starts_on.starts_with(&year.to_string()))
                    .map(|e| e.event.id.to_string())
            })
            .flatten()
            .unwrap_or_default();
        // Cooperatives of the lead alliance (and a few of the others) took part.
        let wanted = 4 + rng.below(12);
        let mut taking_part: Vec<String> = Vec::new();
        for o in &orgs {
            if taking_part.len() == wanted {
                break;
            }
            let own = o.alliance_id.is_some_and(|a| a.0 == lead_id);
            if (own && rng.below(4) == 0) || rng.below(40) == 0 {
                taking_part.push(o.id.0.to_string());
            }
        }
        let last_day = u32::from(*day) + u32::from(*days) - 1;
        let ends = if *days > 1 && last_day <= 28 {
            format!("{last_day}/{month}/{year}")
        } else {
            String::new()
        };
        // One activity of 2025 was dropped from the plan.
        let state = if n == ACTIVITIES.len() - 3 {
            "cancelled"
        } else {
            "done"
        };
        let participants = if state == "done" {
            (40 + rng.below(260)).to_string()
        } else {
            String::new()
        };
        let form = ActivityForm {
            title: (*title).into(),
            kind: (*kind).into(),
            state: state.into(),
            areas: vec![area_id.to_string()],
            lead_alliance_id: lead_id.to_string(),
            alliances: others,
            starts_on: format!("{day}/{month}/{year}"),
            ends_on: ends,
            place: (*place).into(),
            participants,
            outcome: outcome(kind, &mut rng).into(),
            event_id: event,
            organisations: taking_part,
        };
        let draft = form
            .parse()
            .map_err(|f| anyhow::anyhow!("demo activity {title} is invalid: {f:?}"))?;
        store.create_activity(actor, programme.id, &draft).await?;
    }
    seed_indicators(store, actor, &programme, alliances, &mut rng).await?;
    seed_review_text(store, actor, &programme).await?;
    Ok(programme)
}

fn outcome(kind: &str, rng: &mut Lcg) -> &'static str {
    const OUTCOMES: [&str; 4] = [
        "Đạt mục tiêu đề ra; các đại biểu đánh giá cao nội dung và đề nghị tổ chức định kỳ.",
        "Nhiều hợp tác xã đăng ký tham gia các hoạt động tiếp theo; Liên minh tiếp nhận kiến nghị để tổng hợp.",
        "Kết nối được đầu mối tiêu thụ mới cho sản phẩm của hợp tác xã; ký kết biên bản ghi nhớ hợp tác.",
        "Học viên nắm được kiến thức cơ bản; cần tiếp tục hướng dẫn tại chỗ cho các hợp tác xã nhỏ.",
    ];
    match kind {
        "trade_promotion" => OUTCOMES[2],
        "training" => OUTCOMES[3],
        _ => OUTCOMES[rng.below(2)],
    }
}

/// Targets for every alliance and year, and the typed figures of the manual indicators.
async fn seed_indicators(
    store: &Store,
    actor: &Actor,
    p: &Programme,
    alliances: &[(&'static str, AllianceId)],
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    for year in p.years() {
        for (_, alliance) in alliances {
            let values: Vec<IndicatorValue> = p
                .indicators
                .iter()
                .map(|ind| {
                    let target = match ind.measure {
                        Measure::Activities => 1 + rng.below(3) as i64,
                        Measure::Participants => 300 + 50 * rng.below(8) as i64,
                        Measure::OrganisationsSupported => 10 + rng.below(10) as i64,
                        Measure::NewOrganisations => 2 + rng.below(5) as i64,
                        Measure::OcopProducts => 3 + rng.below(6) as i64,
                        Measure::OcopFourStars => 1 + rng.below(2) as i64,
                        Measure::Events => 1,
                        Measure::Exhibitors => 10 + rng.below(20) as i64,
                        Measure::ReportsFiled => 12 + rng.below(10) as i64,
                        Measure::ModelsReplicated => 1 + rng.below(3) as i64,
                        Measure::SupportAnswered => 3 + rng.below(5) as i64,
                        Measure::Manual => 500 + 100 * rng.below(10) as i64,
                    };
                    let actual =
                        (ind.measure == Measure::Manual).then(|| target - 100 + 50 * rng.below(5) as i64);
                    IndicatorValue {
                        indicator_id: ind.id,
                        alliance_id: alliance.0,
                        year,
                        target: Some(target),
                        actual,
                        note: None,
                    }
                })
                .collect();
            store
                .save_indicator_values(actor, p.id, *alliance, year, &values, None)
                .await?;
        }
    }
    Ok(())
}

/// The text the 2024 host wrote for the mid-term review.
async fn seed_review_text(store: &Store, actor: &Actor, p: &Programme) -> anyhow::Result<()> {
    let mut narrative = std::collections::BTreeMap::new();
    narrative.insert(
        "limitations".to_string(),
        "Một số hoạt động phối hợp còn mang tính sự vụ, chưa có chiều sâu; việc chia sẻ thông tin giữa các \
         Liên minh chưa thường xuyên. Nguyên nhân: nguồn lực và kinh phí dành cho hoạt động phối hợp còn hạn \
         chế; nhiều hợp tác xã quy mô nhỏ, năng lực tiếp cận chính sách còn yếu."
            .to_string(),
    );
    narrative.insert(
        "lessons".to_string(),
        "Cần xây dựng kế hoạch cụ thể hằng năm, phân công rõ đơn vị chủ trì; phát huy vai trò của hợp tác xã \
         điển hình trong các hoạt động trao đổi kinh nghiệm."
            .to_string(),
    );
    narrative.insert(
        "directions".to_string(),
        "Năm 2025, tập trung hỗ trợ hợp tác xã ổn định hoạt động sau sắp xếp đơn vị hành chính; đẩy mạnh \
         chuyển đổi số, xúc tiến thương mại và chuẩn bị tổng kết Chương trình giai đoạn 2023 – 2025."
            .to_string(),
    );
    let text = ReviewText {
        number: "45/BC-LMHTX".into(),
        place: "Hải Phòng".into(),
        issued_on: "2024-12-20".into(),
        signer_role: "TM. BAN THƯỜNG TRỰC\nCHỦ TỊCH".into(),
        signer_name: "Nguyễn Văn Hùng".into(),
        recipients:
            "Liên minh HTX Việt Nam (để b/c);\nLiên minh HTX các thành phố: Hà Nội, Đà Nẵng, Cần Thơ, \
                     TP Hồ Chí Minh;\nThường trực Thành ủy, UBND thành phố (để b/c)"
                .into(),
        narrative,
    };
    store
        .save_review_text(actor, p.id, 2024, None, &text, None)
        .await?;
    Ok(())
}
