//! Demonstration support requests: three years of requests answered by each alliance (so the
//! programme's "requests answered" indicator and the response times have figures), and the
//! demo cooperative's own requests in every state, one still waiting for the Hà Nội staff.

use anyhow::Context;
use lienket_domain::ids::{OrganisationId, UserId};
use lienket_domain::support::{NewSupportRequest, SupportTopic};
use lienket_store::{Actor, OrganisationRef, Store, SupportHistory};
use time::{Duration, OffsetDateTime};

use crate::datagen::Lcg;

/// Questions cooperatives ask, by topic: (topic, title, question, answer).
const QUESTIONS: [(SupportTopic, &str, &str, &str); 10] = [
    (
        SupportTopic::Legal,
        "Thủ tục sửa đổi điều lệ theo Luật Hợp tác xã 2023",
        "Hợp tác xã cần sửa đổi điều lệ cho phù hợp Luật Hợp tác xã năm 2023. Đề nghị Liên minh hướng dẫn \
         trình tự, hồ sơ và mẫu điều lệ.",
        "Liên minh gửi kèm mẫu điều lệ và hướng dẫn: thông qua tại đại hội thành viên, nộp hồ sơ thay đổi \
         tại cơ quan đăng ký kinh doanh cấp xã trong 30 ngày.",
    ),
    (
        SupportTopic::Finance,
        "Vay vốn Quỹ hỗ trợ phát triển hợp tác xã",
        "Hợp tác xã muốn vay 500 triệu đồng để mua máy sấy nông sản. Xin hướng dẫn điều kiện và hồ sơ vay \
         từ Quỹ hỗ trợ phát triển hợp tác xã.",
        "Hợp tác xã đủ điều kiện vay với dự án có phương án kinh doanh khả thi, tài sản bảo đảm hoặc bảo lãnh. \
         Cán bộ Quỹ sẽ liên hệ khảo sát trong tuần tới.",
    ),
    (
        SupportTopic::Ocop,
        "Hồ sơ đánh giá lại sản phẩm OCOP hết hạn",
        "Giấy chứng nhận OCOP 3 sao của sản phẩm sắp hết hạn 36 tháng. Hợp tác xã cần chuẩn bị những gì để \
         được đánh giá lại?",
        "Hồ sơ gồm phiếu đăng ký, phương án sản xuất, bản công bố chất lượng còn hiệu lực, nhãn và câu chuyện \
         sản phẩm. Nên nộp trước ngày hết hạn ít nhất 3 tháng.",
    ),
    (
        SupportTopic::Ocop,
        "Nâng hạng sản phẩm từ 3 sao lên 4 sao",
        "Sản phẩm của hợp tác xã đạt 68 điểm. Xin tư vấn những tiêu chí cần cải thiện để đạt 4 sao.",
        "Các phần dễ tăng điểm: truy xuất nguồn gốc điện tử (tem QR), chứng nhận HACCP/ISO, hợp đồng phân \
         phối và bằng chứng tham gia hội chợ.",
    ),
    (
        SupportTopic::Market,
        "Đăng ký gian hàng tại Tuần lễ OCOP",
        "Hợp tác xã muốn tham gia tuần lễ giới thiệu sản phẩm OCOP sắp tới. Chi phí gian hàng và hạn đăng ký \
         như thế nào?",
        "Gian hàng tiêu chuẩn được Liên minh hỗ trợ 50% chi phí. Hợp tác xã đăng ký trực tiếp trên trang sự \
         kiện của LiênKết trước hạn ghi trên thông báo.",
    ),
    (
        SupportTopic::Market,
        "Kết nối tiêu thụ với chuỗi siêu thị",
        "Hợp tác xã có sản lượng rau an toàn ổn định, muốn được giới thiệu với các chuỗi siêu thị.",
        "Liên minh đã gửi hồ sơ năng lực của hợp tác xã tới hai chuỗi siêu thị đối tác; sẽ tổ chức buổi \
         gặp trong tháng.",
    ),
    (
        SupportTopic::Digital,
        "Hướng dẫn dùng hóa đơn điện tử",
        "Hợp tác xã bắt đầu phải dùng hóa đơn điện tử. Xin giới thiệu phần mềm phù hợp và cách đăng ký.",
        "Liên minh có chương trình hỗ trợ miễn phí 12 tháng phần mềm hóa đơn điện tử cho hợp tác xã thành \
         viên; gửi kèm hướng dẫn đăng ký với cơ quan thuế.",
    ),
    (
        SupportTopic::Digital,
        "Bán hàng trên sàn thương mại điện tử",
        "Hợp tác xã muốn mở gian hàng trên sàn thương mại điện tử nhưng chưa có người biết làm.",
        "Lớp tập huấn bán hàng trực tuyến tổ chức vào tháng tới; Liên minh đã ghi danh 2 cán bộ của hợp tác xã.",
    ),
    (
        SupportTopic::Training,
        "Đào tạo kế toán hợp tác xã",
        "Kế toán mới của hợp tác xã chưa quen chế độ kế toán hợp tác xã. Có lớp bồi dưỡng nào không?",
        "Lớp bồi dưỡng kế toán hợp tác xã khai giảng quý tới, học phí được hỗ trợ toàn bộ cho thành viên.",
    ),
    (
        SupportTopic::Technique,
        "Chứng nhận VietGAP cho vùng trồng",
        "Hợp tác xã muốn cấp chứng nhận VietGAP cho 12 ha vùng trồng. Xin tư vấn tổ chức chứng nhận và chi phí.",
        "Liên minh giới thiệu ba tổ chức chứng nhận được chỉ định; chi phí được ngân sách hỗ trợ theo chương \
         trình khuyến nông.",
    ),
];

/// An instant of a day, in office hours (Vietnam is UTC+7).
fn at(year: i32, month: u8, day: u8, hour: u8) -> anyhow::Result<OffsetDateTime> {
    let month = time::Month::try_from(month)?;
    let date = time::Date::from_calendar_date(year, month, day)?;
    Ok(date.with_hms(hour.saturating_sub(7), 15, 0)?.assume_utc())
}

fn request(q: &(SupportTopic, &str, &str, &str)) -> NewSupportRequest {
    NewSupportRequest {
        topic: q.0,
        title: q.1.into(),
        body: q.2.into(),
    }
}

/// Seeds the requests. `rep` is the demo cooperative, `staff` the Hà Nội staff account.
pub async fn seed_support(
    store: &Store,
    actor: &Actor,
    rep: (OrganisationId, &str),
    staff: (UserId, &str),
) -> anyhow::Result<()> {
    let orgs: Vec<OrganisationRef> = store.list_organisations(None).await?;
    let alliances = store.list_alliances().await?;
    let mut rng = Lcg::new(167);
    let staff_alliance = staff_alliance(store, staff.0).await?;
    let mut items = Vec::new();
    for year in 2023..=2025 {
        for a in &alliances {
            let members: Vec<&OrganisationRef> = orgs
                .iter()
                .filter(|o| o.alliance_id == Some(a.id) && o.id != rep.0)
                .collect();
            if members.is_empty() {
                continue;
            }
            let ours = a.id == staff_alliance;
            let answerer = if ours {
                staff.1.to_string()
            } else {
                format!("Cán bộ {}", a.short_name)
            };
            for _ in 0..(4 + rng.below(6)) {
                let org = members[rng.below(members.len())];
                let q = &QUESTIONS[rng.below(QUESTIONS.len())];
                let asked = at(
                    year,
                    1 + rng.below(12) as u8,
                    1 + rng.below(28) as u8,
                    8 + rng.below(9) as u8,
                )?;
                // Most answers come within a working day or two; some wait over a week.
                let hours = match rng.below(10) {
                    0 => 170 + rng.below(200),
                    1 | 2 => 50 + rng.below(60),
                    _ => 1 + rng.below(30),
                } as i64;
                let answered = asked + Duration::hours(hours);
                let mut replies = vec![(answerer.clone(), true, q.3.to_string(), answered)];
                if rng.below(3) == 0 {
                    replies.push((
                        format!("Đại diện {}", org.name),
                        false,
                        "Cảm ơn Liên minh. Hợp tác xã sẽ chuẩn bị hồ sơ theo hướng dẫn.".into(),
                        answered + Duration::hours(3 + rng.below(20) as i64),
                    ));
                }
                // Closed two days after the last message, at the same hour of the day.
                let closed = replies.last().map(|r| r.3 + Duration::days(2));
                items.push(SupportHistory {
                    organisation: org.id,
                    request: request(q),
                    asked_by: format!("Đại diện {}", org.name),
                    asked_at: asked,
                    replies,
                    assignee: ours.then(|| (staff.0, staff.1.to_string())),
                    closed_at: closed,
                });
            }
        }
    }
    // The demo cooperative's own: one closed last year, one answered this year, one waiting.
    let now = OffsetDateTime::now_utc();
    let this_year = now.year();
    let legal = &QUESTIONS[0];
    let asked = at(this_year - 1, 9, 12, 9)?;
    items.push(SupportHistory {
        organisation: rep.0,
        request: request(legal),
        asked_by: rep.1.into(),
        asked_at: asked,
        replies: vec![(staff.1.into(), true, legal.3.into(), asked + Duration::hours(20))],
        assignee: Some((staff.0, staff.1.into())),
        closed_at: Some(asked + Duration::days(4)),
    });
    let ocop = &QUESTIONS[3];
    let asked = now - Duration::days(40);
    items.push(SupportHistory {
        organisation: rep.0,
        request: request(ocop),
        asked_by: rep.1.into(),
        asked_at: asked,
        replies: vec![(staff.1.into(), true, ocop.3.into(), asked + Duration::hours(5))],
        assignee: Some((staff.0, staff.1.into())),
        closed_at: None,
    });
    let digital = &QUESTIONS[6];
    items.push(SupportHistory {
        organisation: rep.0,
        request: request(digital),
        asked_by: rep.1.into(),
        asked_at: now - Duration::hours(26),
        replies: Vec::new(),
        assignee: None,
        closed_at: None,
    });
    store
        .record_support_history(actor, &items)
        .await
        .context("recording the demonstration support requests")
}

/// The alliance of a staff account.
async fn staff_alliance(store: &Store, user: UserId) -> anyhow::Result<lienket_domain::ids::AllianceId> {
    store
        .get_user(user)
        .await?
        .role
        .alliance()
        .context("the demo staff account has an alliance")
}
