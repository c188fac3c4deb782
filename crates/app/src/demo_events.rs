//! Demonstration trade-promotion events: the OCOP week of 31/3–6/4/2023 at the Hà Nội alliance,
//! where nearly a hundred cooperatives from the 15 provinces showed their products; a 2024
//! online fair; a finished 2025 fair in Hải Phòng; a Hà Nội fair taking applications now (with
//! a full booth type and its waitlist); and a Cần Thơ fair still being prepared.
//!
//! Everything goes through the store's own operations (apply, review, assign booths, check in,
//! report outcomes), so the demo data obeys the same rules as what users enter. Past events are
//! applied to at a moment inside their application window; the open and draft events are placed
//! around the day the demo starts.

use std::collections::HashMap;

use anyhow::Context;
use lienket_domain::event::{
    ApplicationForm, ApplicationState, BoothTypeForm, EventForm, EventKind, EventStatus, Outcome, VIETNAM,
};
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::ocop::ProductGroup;
use lienket_domain::product::ProductForm;
use lienket_store::{
    Actor, Application, Event, NewProduct, Organisation, OrganisationFilter, OrganisationSort, Store,
};
use time::{Duration, OffsetDateTime};

use crate::datagen::Lcg;

/// An organisation that can exhibit, with its published products.
struct Exhibitor {
    id: OrganisationId,
    alliance: Option<AllianceId>,
    representative: Option<String>,
    phone: Option<String>,
    /// Published products, best rated first: (id, current OCOP group code).
    products: Vec<(i64, Option<&'static str>)>,
}

impl Exhibitor {
    /// Up to `n` products to show, only of `groups` when given.
    fn pick(&self, n: usize, groups: &[&str]) -> Vec<i64> {
        self.products
            .iter()
            .filter(|(_, g)| groups.is_empty() || g.is_some_and(|g| groups.contains(&g)))
            .take(n)
            .map(|(id, _)| *id)
            .collect()
    }
}

/// A product for organisations the demonstration catalogue gave none, from their line of
/// business: (trade as named, product name with `{}` for the place, OCOP set, description).
const STAND_INS: [(&str, &str, &str, &str); 15] = [
    (
        "Dịch vụ nông nghiệp",
        "Rau củ sạch {}",
        "1",
        "Rau củ theo mùa, trồng theo quy trình VietGAP, sơ chế và đóng túi trong ngày.",
    ),
    (
        "Nông nghiệp",
        "Gạo nếp cái hoa vàng {}",
        "3",
        "Gạo nếp cái hoa vàng dẻo thơm, trồng theo quy trình VietGAP. Túi 2 kg.",
    ),
    (
        "Chè",
        "Chè búp {}",
        "11",
        "Chè búp sao tay, nước xanh, vị chát dịu, hậu ngọt. Gói 200 g.",
    ),
    (
        "Rau an toàn",
        "Rau cải ngọt {}",
        "1",
        "Rau cải trồng theo VietGAP, thu hoạch buổi sáng. Bó 500 g.",
    ),
    (
        "Gạo sạch",
        "Gạo sạch {}",
        "3",
        "Gạo tẻ trồng theo hướng hữu cơ, cơm mềm, thơm nhẹ. Túi 5 kg.",
    ),
    (
        "Mật ong",
        "Mật ong hoa rừng {}",
        "4",
        "Mật ong nguyên chất từ đàn ong nuôi dưới tán rừng. Chai 500 ml.",
    ),
    (
        "Thủy sản",
        "Cá phơi một nắng {}",
        "8",
        "Cá làm sạch, phơi một nắng, đóng gói hút chân không. Gói 500 g.",
    ),
    (
        "Dược liệu",
        "Giảo cổ lam {}",
        "17",
        "Giảo cổ lam trồng và sấy khô tại địa phương, dùng hãm nước uống. Túi 500 g.",
    ),
    (
        "Cây ăn quả",
        "Cam sành {}",
        "1",
        "Cam sành chín cây, vỏ mỏng, mọng nước. Thùng 5 kg.",
    ),
    (
        "Chăn nuôi",
        "Trứng gà ta {}",
        "5",
        "Trứng gà nuôi thả vườn, chọn lọc và đóng hộp. Hộp 10 quả.",
    ),
    (
        "Mây tre đan",
        "Giỏ mây tre đan {}",
        "21",
        "Giỏ đan tay từ mây và tre, xử lý chống mốc. Bộ 3 chiếc.",
    ),
    (
        "Gốm sứ",
        "Bình gốm men lam {}",
        "21",
        "Bình gốm vuốt tay, vẽ men lam, nung ở nhiệt độ cao.",
    ),
    (
        "Chế biến nông sản",
        "Măng khô {}",
        "2",
        "Măng tre luộc chín, phơi khô tự nhiên, không dùng chất bảo quản. Gói 500 g.",
    ),
    (
        "Du lịch cộng đồng",
        "Trải nghiệm du lịch cộng đồng {}",
        "26",
        "Một ngày làm nông dân: thăm vườn, nấu ăn cùng các hộ thành viên, nghỉ tại nhà dân.",
    ),
    (
        "Hạt dẻ",
        "Hạt dẻ {}",
        "1",
        "Hạt dẻ thu hái trên núi đá vôi, bùi và thơm. Túi 1 kg.",
    ),
];

/// The product an organisation without one brings to its first fair, if its trade makes one.
fn stand_in(o: &Organisation) -> Option<anyhow::Result<NewProduct>> {
    let rest = ["Liên hiệp hợp tác xã ", "Hợp tác xã ", "Tổ hợp tác "]
        .iter()
        .find_map(|p| o.name.strip_prefix(p))?;
    let (trade, name, set, description) = STAND_INS.iter().find(|s| rest.starts_with(s.0))?;
    let place = rest[trade.len()..].trim();
    let form = ProductForm {
        name: name.replace("{}", place).trim().to_string(),
        set: (*set).into(),
        description: (*description).into(),
        origin_province: o.province_code.clone().unwrap_or_default(),
        status: "published".into(),
        ..Default::default()
    };
    Some(
        form.parse()
            .map_err(|f| anyhow::anyhow!("demo product of {} is invalid: {f:?}", o.name))
            .map(|draft| NewProduct {
                organisation_id: o.id,
                input: lienket_web::product_input(&draft),
                publish: true,
                certification: None,
            }),
    )
}

/// A published product with its stars and current OCOP group code.
type Rated = (u8, i64, Option<&'static str>);

/// Every demonstration organisation with published products, by id. Organisations the
/// catalogue gave no product get one from their trade first, so nearly all can exhibit.
async fn exhibitors(store: &Store, actor: &Actor) -> anyhow::Result<Vec<Exhibitor>> {
    let orgs = store
        .export_organisations(
            &OrganisationFilter::default(),
            OrganisationSort::Name,
            false,
            10_000,
        )
        .await?;
    // Per organisation: (stars, product id, group).
    let mut products: HashMap<i64, Vec<Rated>> = HashMap::new();
    let group = |code: Option<&str>| {
        code.and_then(ProductGroup::by_code)
            .map(|g| g.statistics_group().code)
    };
    for row in store.catalog_batch(0, 100_000).await? {
        let p = row.product;
        products.entry(p.organisation_id.0).or_default().push((
            p.stars.unwrap_or(0),
            p.id.0,
            group(p.fields.group_code.as_deref()),
        ));
    }
    let missing = orgs
        .iter()
        .filter(|o| !products.contains_key(&o.id.0))
        .filter_map(stand_in)
        .collect::<anyhow::Result<Vec<_>>>()?;
    if !missing.is_empty() {
        for p in store.bulk_create_products(actor, &missing).await? {
            products.entry(p.organisation_id.0).or_default().push((
                0,
                p.id.0,
                group(p.fields.group_code.as_deref()),
            ));
        }
    }
    let mut out: Vec<Exhibitor> = orgs
        .into_iter()
        .filter_map(|o| {
            let mut own = products.remove(&o.id.0)?;
            own.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            Some(Exhibitor {
                id: o.id,
                alliance: o.alliance_id,
                representative: o.representative,
                phone: o.phone,
                products: own.into_iter().map(|(_, id, g)| (id, g)).collect(),
            })
        })
        .collect();
    out.sort_by_key(|e| e.id.0);
    Ok(out)
}

const FAMILY: [&str; 12] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý",
];
const MEN: [&str; 10] = [
    "Văn Hùng",
    "Đức Thắng",
    "Văn Long",
    "Quang Huy",
    "Minh Tuấn",
    "Văn Bình",
    "Đức Anh",
    "Quang Trung",
    "Văn Nam",
    "Minh Khôi",
];
const WOMEN: [&str; 10] = [
    "Thị Lan",
    "Thị Hương",
    "Thu Hà",
    "Ngọc Anh",
    "Thị Mai",
    "Thu Trang",
    "Thị Hạnh",
    "Ngọc Lan",
    "Thị Phương",
    "Thu Thảo",
];

/// Who stands at the booth, the same person at every event: the representative when the
/// registry names one, else a name of its own; and a phone to reach them.
fn contact(e: &Exhibitor) -> (String, String) {
    let rng = &mut Lcg::new(e.id.0 as u64);
    let family = FAMILY[rng.below(FAMILY.len())];
    let given = if rng.below(2) == 0 {
        MEN[rng.below(MEN.len())]
    } else {
        WOMEN[rng.below(WOMEN.len())]
    };
    let phone = format!("09{:08}", rng.below(100_000_000));
    (
        e.representative
            .clone()
            .unwrap_or_else(|| format!("{family} {given}")),
        e.phone.clone().unwrap_or(phone),
    )
}

/// Requests exhibitors write to the organisers.
const NOTES: [&str; 5] = [
    "Xin bố trí gian gần nguồn điện để đặt tủ mát bảo quản sản phẩm.",
    "Hợp tác xã xin trình diễn chế biến sản phẩm để khách dùng thử tại gian hàng.",
    "Đề nghị được giới thiệu sản phẩm trong buổi kết nối giao thương với các siêu thị.",
    "Gian hàng có hai người trực; xin thêm một bàn trưng bày.",
    "Hợp tác xã đăng ký tham gia livestream bán hàng cùng Ban tổ chức.",
];

/// What exhibitors write about their results.
const OUTCOME_NOTES: [&str; 6] = [
    "Ký biên bản ghi nhớ cung cấp sản phẩm cho chuỗi cửa hàng nông sản sạch.",
    "Kết nối được với hai doanh nghiệp xuất khẩu; đang gửi mẫu để thử nghiệm.",
    "Bán hết hàng mang theo trước ngày bế mạc; cần chuẩn bị thêm hàng cho các kỳ sau.",
    "Nhiều khách hỏi mua qua mạng; hợp tác xã đã mở gian hàng trên sàn thương mại điện tử.",
    "Được một số nhà hàng đặt hàng định kỳ hằng tháng.",
    "Gặp gỡ hợp tác xã bạn để liên kết cung ứng nguyên liệu.",
];

/// The ids of the alliances, by code.
struct Alliances<'a>(&'a [(&'static str, AllianceId)]);

impl Alliances<'_> {
    fn id(&self, code: &str) -> anyhow::Result<AllianceId> {
        self.0
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, id)| *id)
            .with_context(|| format!("demo alliance {code}"))
    }

    /// Every alliance but `host`, as the event form lists co-organisers.
    fn others(&self, host: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(c, _)| *c != host)
            .map(|(_, id)| id.0.to_string())
            .collect()
    }

    /// The staff member who handles an alliance's events.
    fn staff(code: &str) -> Actor {
        let short = crate::demo::ALLIANCES
            .iter()
            .find(|a| a.0 == code)
            .map_or(code, |a| a.2);
        Actor::system(&format!("Cán bộ {short}"))
    }
}

/// One row of a booth plan.
fn booth_type(name: &str, size: &str, capacity: u32, fee: &str) -> BoothTypeForm {
    BoothTypeForm {
        name: name.into(),
        size: size.into(),
        capacity: capacity.to_string(),
        fee: fee.into(),
        ..Default::default()
    }
}

/// Creates an event (the venue read for its province and ward) and announces it unless `draft`.
async fn create(
    store: &Store,
    actor: &Actor,
    host: AllianceId,
    form: &EventForm,
    draft: bool,
) -> anyhow::Result<Event> {
    let input = form
        .parse()
        .map_err(|f| anyhow::anyhow!("demo event {} is invalid: {f:?}", form.title))?;
    let place = if input.kind.has_venue() {
        let m = lienket_domain::admin_units::parse_address(&input.venue);
        (
            m.province_2025.map(|p| p.code.to_string()),
            m.ward_2025.map(|w| w.code.to_string()),
        )
    } else {
        (None, None)
    };
    let event = store
        .create_event(actor, host, &input, place)
        .await
        .with_context(|| format!("creating the demo event {}", form.title))?;
    if draft {
        return Ok(event);
    }
    Ok(store
        .set_event_status(actor, event.id, event.version, EventStatus::Published)
        .await?)
}

/// What one application asks for.
struct Ask<'a> {
    exhibitor: &'a Exhibitor,
    booth_type: i64,
    booths: u32,
    products: Vec<i64>,
    notes: Option<&'static str>,
}

/// The organisation applies (and submits, unless `draft`) at the moment `at`.
async fn apply(
    store: &Store,
    event: &Event,
    ask: &Ask<'_>,
    draft: bool,
    at: OffsetDateTime,
) -> anyhow::Result<Application> {
    let (name, phone) = contact(ask.exhibitor);
    let form = ApplicationForm {
        booth_type_id: ask.booth_type.to_string(),
        booth_count: ask.booths.to_string(),
        products: ask.products.iter().map(i64::to_string).collect(),
        contact_name: name.clone(),
        contact_phone: phone,
        notes: ask.notes.unwrap_or_default().into(),
    };
    let input = form
        .parse()
        .map_err(|f| anyhow::anyhow!("demo application to {} is invalid: {f:?}", event.title))?;
    store
        .save_application(
            &Actor::system(&name),
            event.id,
            ask.exhibitor.id,
            &input,
            !draft,
            None,
            at,
        )
        .await
        .with_context(|| format!("applying to {}", event.title))
}

/// Staff decide on an application.
async fn decide(
    store: &Store,
    staff: &Actor,
    app: &Application,
    decision: ApplicationState,
    note: Option<&str>,
) -> anyhow::Result<Application> {
    store
        .review_application(staff, app.id, app.version, decision, note.map(String::from))
        .await
        .with_context(|| format!("reviewing application {}", app.id))
}

/// Results an exhibitor reports: sales around `scale` million đồng.
fn outcome(scale: usize, rng: &mut Lcg) -> Outcome {
    let sales = (scale * 5 + rng.below(scale * 10)) as i64 * 100_000;
    Outcome {
        sales,
        contracts: [0, 0, 1, 1, 2, 3][rng.below(6)],
        buyers: 3 + rng.below(35) as i32,
    }
}

/// The booth numbers of the 2023 standard booths: rows A to D of 25.
fn row_booth(n: usize) -> String {
    format!("{}{:02}", char::from(b'A' + (n / 25) as u8), n % 25 + 1)
}

/// A moment in Vietnam time.
fn vn(y: i32, m: time::Month, d: u8, h: u8, min: u8) -> anyhow::Result<OffsetDateTime> {
    Ok(time::Date::from_calendar_date(y, m, d)?
        .with_hms(h, min, 0)?
        .assume_offset(VIETNAM))
}

/// `YYYY-MM-DD`, as the event form reads it.
fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Seeds the demonstration events. `representative_org` is the organisation of the demo
/// representative account: it exhibited in 2023 and has applied to the open Hà Nội fair.
pub(crate) async fn seed_events(
    store: &Store,
    actor: &Actor,
    alliances: &[(&'static str, AllianceId)],
    representative_org: OrganisationId,
) -> anyhow::Result<()> {
    let alliances = Alliances(alliances);
    let all = exhibitors(store, actor).await?;
    ocop_week_2023(store, actor, &alliances, &all, representative_org).await?;
    online_fair_2024(store, actor, &alliances, &all).await?;
    hai_phong_fair_2025(store, actor, &alliances, &all).await?;
    let today = OffsetDateTime::now_utc().to_offset(VIETNAM).date();
    open_hanoi_fair(store, actor, &alliances, &all, representative_org, today).await?;
    can_tho_fair(store, actor, &alliances, today).await?;
    Ok(())
}

/// The OCOP week of 31/3–6/4/2023 at the Hà Nội alliance: every demo organisation with products
/// applied; all but three were approved, given numbered booths, checked in, and most reported
/// their results.
async fn ocop_week_2023(
    store: &Store,
    actor: &Actor,
    alliances: &Alliances<'_>,
    all: &[Exhibitor],
    representative_org: OrganisationId,
) -> anyhow::Result<()> {
    let form = EventForm {
        title: "Tuần lễ giới thiệu sản phẩm OCOP các tỉnh, thành phố năm 2023".into(),
        kind: EventKind::OcopWeek.as_str().into(),
        venue: "Trụ sở Liên minh HTX thành phố Hà Nội, phường Văn Quán, quận Hà Đông, thành phố Hà Nội"
            .into(),
        starts_on: "31/03/2023".into(),
        ends_on: "06/04/2023".into(),
        opening_hours: "8:00 – 21:00".into(),
        applications_open_on: "01/02/2023".into(),
        applications_close_on: "20/03/2023".into(),
        applications_close_time: "17:00".into(),
        eligible_groups: Vec::new(),
        co_organisers: alliances.others("HN"),
        description: "Liên minh Hợp tác xã thành phố Hà Nội chủ trì, phối hợp với Liên minh Hợp tác xã \
            các thành phố Hải Phòng, Đà Nẵng, Cần Thơ và Thành phố Hồ Chí Minh tổ chức, trong khuôn \
            khổ Chương trình phối hợp giai đoạn 2023–2025. Gần 100 hợp tác xã từ 15 tỉnh, thành phố \
            giới thiệu sản phẩm OCOP, nông sản an toàn, đặc sản vùng miền và hàng thủ công mỹ nghệ; \
            bên lề Tuần lễ có hội nghị kết nối giao thương với doanh nghiệp phân phối và siêu thị."
            .into(),
        booth_types: vec![
            booth_type("Gian tiêu chuẩn", "3 × 3 m", 100, "0"),
            booth_type("Gian đôi", "3 × 6 m", 10, "0"),
        ],
    };
    let event = create(store, actor, alliances.id("HN")?, &form, false).await?;
    let (standard, double) = (event.booth_types[0].id, event.booth_types[1].id);
    let staff = Alliances::staff("HN");
    let n = all.len();
    // Two refused, one withdrawn; never the demo representative's organisation (the first).
    let rejected = [n * 2 / 5, n * 2 / 3];
    let withdrawn = n * 5 / 6;
    let opens = vn(2023, time::Month::February, 1, 8, 0)?;
    let span = vn(2023, time::Month::March, 20, 16, 30)? - opens;
    let mut rng = Lcg::new(20_230_331);
    let (mut approved, mut next_standard, mut next_double) = (0usize, 0usize, 0usize);
    for (i, e) in all.iter().enumerate() {
        let at = opens + span * (i as f64 / n as f64);
        let accepted = !rejected.contains(&i) && i != withdrawn || e.id == representative_org;
        let is_double = accepted && approved % 12 == 3 && next_double < 10;
        let booths = if accepted && !is_double && approved % 20 == 9 {
            2
        } else {
            1
        };
        let ask = Ask {
            exhibitor: e,
            booth_type: if is_double { double } else { standard },
            booths,
            products: e.pick(1 + i % 3, &[]),
            notes: (i % 9 == 4).then(|| NOTES[i % NOTES.len()]),
        };
        let app = apply(store, &event, &ask, false, at).await?;
        if !accepted {
            if i == withdrawn {
                store
                    .withdraw_application(&Actor::system(&app.contact_name), app.id, app.version)
                    .await?;
            } else {
                let note = if i == rejected[0] {
                    "Sản phẩm đăng ký chưa có giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm còn \
                     hiệu lực; mời hợp tác xã bổ sung hồ sơ và đăng ký ở đợt sau."
                } else {
                    "Số gian dành cho nhóm sản phẩm này đã đủ; mời hợp tác xã tham gia phiên chợ \
                     trực tuyến do Liên minh tổ chức."
                };
                decide(store, &staff, &app, ApplicationState::Rejected, Some(note)).await?;
            }
            continue;
        }
        let app = decide(store, &staff, &app, ApplicationState::Approved, None).await?;
        let numbers: Vec<String> = if is_double {
            next_double += 1;
            vec![format!("E{next_double:02}")]
        } else {
            let first = next_standard;
            next_standard += booths as usize;
            (first..next_standard).map(row_booth).collect()
        };
        store.assign_booths(&staff, app.id, &numbers).await?;
        store.check_in(&staff, app.id).await?;
        if approved % 8 != 7 {
            let scale = if is_double { 24 } else { 8 + booths as usize * 4 };
            let note = (approved % 5 == 1).then(|| OUTCOME_NOTES[approved % OUTCOME_NOTES.len()].to_string());
            store
                .save_outcome(
                    &Actor::system(&app.contact_name),
                    app.id,
                    outcome(scale, &mut rng),
                    note,
                )
                .await?;
        }
        approved += 1;
    }
    Ok(())
}

/// A 2024 online fair of food and drinks hosted by the Hồ Chí Minh City alliance: no booths to
/// number or check in, results reported afterwards.
async fn online_fair_2024(
    store: &Store,
    actor: &Actor,
    alliances: &Alliances<'_>,
    all: &[Exhibitor],
) -> anyhow::Result<()> {
    const GROUPS: [&str; 2] = ["thuc_pham", "do_uong"];
    let form = EventForm {
        title: "Phiên chợ trực tuyến sản phẩm OCOP và nông sản hợp tác xã năm 2024".into(),
        kind: EventKind::OnlineFair.as_str().into(),
        venue: "Trực tuyến".into(),
        starts_on: "2024-11-20".into(),
        ends_on: "2024-11-26".into(),
        opening_hours: "Livestream 19:00 – 22:00 hằng ngày".into(),
        applications_open_on: "2024-10-01".into(),
        applications_close_on: "2024-11-10".into(),
        applications_close_time: "17:00".into(),
        eligible_groups: GROUPS.iter().map(|g| g.to_string()).collect(),
        co_organisers: alliances.others("HCM"),
        description: "Phiên chợ bán hàng trực tuyến dành cho thực phẩm và đồ uống của hợp tác xã: mỗi \
            gian hàng có trang giới thiệu sản phẩm, nhận đặt hàng trong bảy ngày và một buổi livestream \
            cùng Ban tổ chức."
            .into(),
        booth_types: vec![booth_type("Gian hàng trực tuyến", "", 200, "0")],
    };
    let hcm = alliances.id("HCM")?;
    let ct = alliances.id("CT")?;
    let event = create(store, actor, hcm, &form, false).await?;
    let kind = event.booth_types[0].id;
    let staff = Alliances::staff("HCM");
    let mut chosen: Vec<&Exhibitor> = all.iter().filter(|e| !e.pick(1, &GROUPS).is_empty()).collect();
    chosen.sort_by_key(|e| (e.alliance != Some(hcm) && e.alliance != Some(ct), e.id.0));
    chosen.truncate(16);
    let opens = vn(2024, time::Month::October, 1, 9, 0)?;
    let mut rng = Lcg::new(20_241_120);
    for (i, e) in chosen.into_iter().enumerate() {
        let ask = Ask {
            exhibitor: e,
            booth_type: kind,
            booths: 1,
            products: e.pick(1 + i % 3, &GROUPS),
            notes: (i == 3).then_some(NOTES[4]),
        };
        let app = apply(store, &event, &ask, false, opens + Duration::hours(40 * i as i64)).await?;
        if i == 11 {
            let note = "Sản phẩm chưa có mã vạch và nhãn hàng hóa đầy đủ để bán trực tuyến.";
            decide(store, &staff, &app, ApplicationState::Rejected, Some(note)).await?;
            continue;
        }
        let app = decide(store, &staff, &app, ApplicationState::Approved, None).await?;
        if i % 5 != 4 {
            let note = (i % 4 == 0).then(|| OUTCOME_NOTES[3].to_string());
            store
                .save_outcome(
                    &Actor::system(&app.contact_name),
                    app.id,
                    outcome(3, &mut rng),
                    note,
                )
                .await?;
        }
    }
    Ok(())
}

/// A finished 2025 fair in Hải Phòng: its one booth type filled up, two applicants waited, and
/// when an exhibitor withdrew the first of them took its place.
async fn hai_phong_fair_2025(
    store: &Store,
    actor: &Actor,
    alliances: &Alliances<'_>,
    all: &[Exhibitor],
) -> anyhow::Result<()> {
    let form = EventForm {
        title: "Hội chợ sản phẩm OCOP và hợp tác xã thành phố Hải Phòng năm 2025".into(),
        kind: EventKind::Fair.as_str().into(),
        venue: "Quảng trường Nhà hát Thành phố, quận Hồng Bàng, thành phố Hải Phòng".into(),
        starts_on: "22/05/2025".into(),
        ends_on: "26/05/2025".into(),
        opening_hours: "8:00 – 22:00".into(),
        applications_open_on: "01/04/2025".into(),
        applications_close_on: "10/05/2025".into(),
        applications_close_time: "17:00".into(),
        eligible_groups: Vec::new(),
        co_organisers: vec![alliances.id("HN")?.0.to_string()],
        description: "Hội chợ giới thiệu sản phẩm OCOP, nông sản và hàng thủ công của hợp tác xã Hải Phòng, \
            Hải Dương, Quảng Ninh và các địa phương kết nghĩa; phí gian hàng đã gồm điện, bàn ghế và \
            biển tên."
            .into(),
        booth_types: vec![booth_type("Gian tiêu chuẩn", "3 × 3 m", 20, "2.000.000")],
    };
    let hp = alliances.id("HP")?;
    let event = create(store, actor, hp, &form, false).await?;
    let kind = event.booth_types[0].id;
    let staff = Alliances::staff("HP");
    let mut chosen: Vec<&Exhibitor> = all.iter().collect();
    chosen.sort_by_key(|e| (e.alliance != Some(hp), e.id.0));
    chosen.truncate(23);
    let opens = vn(2025, time::Month::April, 1, 8, 30)?;
    let mut rng = Lcg::new(20_250_522);
    // Everyone applies while booths are free; staff review afterwards, in order.
    let mut submitted = Vec::new();
    for (i, e) in chosen.into_iter().enumerate() {
        let ask = Ask {
            exhibitor: e,
            booth_type: kind,
            booths: 1,
            products: e.pick(1 + i % 3, &[]),
            notes: (i % 7 == 2).then(|| NOTES[i % NOTES.len()]),
        };
        submitted.push(apply(store, &event, &ask, false, opens + Duration::hours(38 * i as i64)).await?);
    }
    for (i, app) in submitted.into_iter().enumerate() {
        match i {
            5 => {
                let note = "Hồ sơ thiếu bản sao giấy chứng nhận đăng ký hợp tác xã.";
                decide(store, &staff, &app, ApplicationState::Rejected, Some(note)).await?;
            }
            // Withdrew before the review: the booth it would have had went to the next in line.
            8 => {
                store
                    .withdraw_application(&Actor::system(&app.contact_name), app.id, app.version)
                    .await?;
            }
            22 => {
                let note = "Các gian đã kín; hợp tác xã được xếp vào danh sách chờ.";
                decide(store, &staff, &app, ApplicationState::Waitlisted, Some(note)).await?;
            }
            _ => {
                decide(store, &staff, &app, ApplicationState::Approved, None).await?;
            }
        }
    }
    let exhibiting = store
        .event_applications(event.id, Some(ApplicationState::Approved))
        .await?;
    for (j, app) in exhibiting.iter().enumerate() {
        store
            .assign_booths(&staff, app.id, &[format!("A{:02}", j + 1)])
            .await?;
        // One exhibitor did not come.
        if j == 13 {
            continue;
        }
        store.check_in(&staff, app.id).await?;
        if j % 6 != 5 {
            let note = (j % 4 == 2).then(|| OUTCOME_NOTES[j % OUTCOME_NOTES.len()].to_string());
            store
                .save_outcome(
                    &Actor::system(&app.contact_name),
                    app.id,
                    outcome(6, &mut rng),
                    note,
                )
                .await?;
        }
    }
    Ok(())
}

/// A Hà Nội fair whose applications opened 20 days ago and close in 15: some approved, the
/// small corner-booth type full with a waitlist, the rest waiting for review (the demo
/// representative's organisation among them), one refused and one still a draft.
async fn open_hanoi_fair(
    store: &Store,
    actor: &Actor,
    alliances: &Alliances<'_>,
    all: &[Exhibitor],
    representative_org: OrganisationId,
    today: time::Date,
) -> anyhow::Result<()> {
    let starts = today + Duration::days(30);
    let form = EventForm {
        title: format!(
            "Hội chợ sản phẩm OCOP và nông sản an toàn thành phố Hà Nội năm {}",
            starts.year()
        ),
        kind: EventKind::Fair.as_str().into(),
        venue: "Cung Văn hóa Hữu nghị Việt Xô, số 91 Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội".into(),
        starts_on: ymd(starts),
        ends_on: ymd(starts + Duration::days(4)),
        opening_hours: "8:30 – 21:30".into(),
        applications_open_on: ymd(today - Duration::days(20)),
        applications_close_on: ymd(today + Duration::days(15)),
        applications_close_time: "17:00".into(),
        eligible_groups: Vec::new(),
        co_organisers: vec![alliances.id("HP")?.0.to_string()],
        description: "Hội chợ thường niên của Liên minh Hợp tác xã thành phố Hà Nội dành cho hợp tác xã, \
            tổ hợp tác có sản phẩm OCOP hoặc nông sản an toàn. Ban tổ chức xét hồ sơ theo thứ tự nộp; gian \
            góc có số lượng hạn chế, hồ sơ đến sau được xếp vào danh sách chờ."
            .into(),
        booth_types: vec![
            booth_type("Gian tiêu chuẩn", "3 × 3 m", 60, "3.000.000"),
            booth_type("Gian góc", "3 × 3 m, hai mặt thoáng", 4, "4.500.000"),
        ],
    };
    let hn = alliances.id("HN")?;
    let event = create(store, actor, hn, &form, false).await?;
    let (standard, corner) = (event.booth_types[0].id, event.booth_types[1].id);
    let staff = Alliances::staff("HN");
    let mut chosen: Vec<&Exhibitor> = all.iter().filter(|e| e.id != representative_org).collect();
    chosen.sort_by_key(|e| (e.alliance != Some(hn), e.id.0));
    chosen.truncate(24);
    if let Some(rep) = all.iter().find(|e| e.id == representative_org) {
        chosen.insert(0, rep);
    }
    // Everyone applies while booths are free; staff review afterwards, in order.
    let mut submitted = Vec::new();
    for (k, e) in chosen.into_iter().enumerate() {
        let on_corner = (1..=7).contains(&k);
        let ask = Ask {
            exhibitor: e,
            booth_type: if on_corner { corner } else { standard },
            booths: 1,
            products: e.pick(1 + k % 3, &[]),
            notes: (k % 6 == 0).then(|| NOTES[k % NOTES.len()]),
        };
        let at = event.applications_open_at + Duration::hours(6 + 13 * k as i64);
        submitted.push((apply(store, &event, &ask, k == 24, at).await?, on_corner));
    }
    let (mut next_standard, mut next_corner) = (0, 0);
    let mut leaving = None;
    for (k, (app, on_corner)) in submitted.into_iter().enumerate() {
        let number = match k {
            1..=4 | 8..=15 => {
                let app = decide(store, &staff, &app, ApplicationState::Approved, None).await?;
                Some((app, on_corner))
            }
            5..=7 => {
                let note =
                    "Gian góc đã kín; hồ sơ được xếp vào danh sách chờ, sẽ được duyệt khi có chỗ trống.";
                decide(store, &staff, &app, ApplicationState::Waitlisted, Some(note)).await?;
                None
            }
            23 => {
                let note =
                    "Sản phẩm đăng ký là hàng nhập khẩu đóng gói lại, không thuộc đối tượng của Hội chợ.";
                decide(store, &staff, &app, ApplicationState::Rejected, Some(note)).await?;
                None
            }
            _ => None,
        };
        if let Some((app, on_corner)) = number {
            let booth = if on_corner {
                next_corner += 1;
                format!("G{next_corner:02}")
            } else {
                next_standard += 1;
                format!("A{next_standard:02}")
            };
            let placed = store.assign_booths(&staff, app.id, &[booth]).await?;
            if k == 2 {
                leaving = Some(placed);
            }
        }
    }
    // One corner exhibitor pulls out: its booth goes to the first on the waitlist.
    if let Some(app) = leaving {
        store
            .withdraw_application(&Actor::system(&app.contact_name), app.id, app.version)
            .await?;
    }
    Ok(())
}

/// A Cần Thơ fair for the Mekong Delta, still a draft of the host alliance.
async fn can_tho_fair(
    store: &Store,
    actor: &Actor,
    alliances: &Alliances<'_>,
    today: time::Date,
) -> anyhow::Result<()> {
    let starts = today + Duration::days(90);
    let form = EventForm {
        title: format!(
            "Hội chợ nông sản và sản phẩm OCOP vùng Đồng bằng sông Cửu Long năm {}",
            starts.year()
        ),
        kind: EventKind::Fair.as_str().into(),
        venue: "Công viên sông Hậu, phường Cái Khế, thành phố Cần Thơ".into(),
        starts_on: ymd(starts),
        ends_on: ymd(starts + Duration::days(4)),
        opening_hours: "8:00 – 22:00".into(),
        applications_open_on: ymd(today + Duration::days(30)),
        applications_close_on: ymd(today + Duration::days(70)),
        applications_close_time: "17:00".into(),
        eligible_groups: Vec::new(),
        co_organisers: vec![alliances.id("HCM")?.0.to_string()],
        description: "Dự kiến 150 gian hàng của hợp tác xã các tỉnh, thành phố vùng Đồng bằng sông Cửu Long \
            và các địa phương kết nghĩa; khu ẩm thực đặc sản miền Tây. Kế hoạch đang chờ lãnh đạo Liên minh \
            phê duyệt."
            .into(),
        booth_types: vec![
            booth_type("Gian tiêu chuẩn", "3 × 3 m", 130, "2.500.000"),
            booth_type("Gian ẩm thực", "3 × 4 m", 20, "3.500.000"),
        ],
    };
    create(store, actor, alliances.id("CT")?, &form, true).await?;
    Ok(())
}
