//! The demonstration showcase of effective new-type cooperative models (Decision 167/QĐ-TTg):
//! eight kinds of model, cooperatives of the five alliances shown as models (two of them short
//! of the decision's conditions, one not yet published) and the organisations that replicated
//! them from 2023 to 2025.
//!
//! Everything goes through the domain's forms and the store's own operations, like what staff
//! type. A model's assessment reads its accepted yearly reports of the three years before its
//! selection: the demo registry holds reports of the last three years only, so the earlier
//! years a model needs are added here, accepted and profitable, for the model cooperatives
//! alone.

use anyhow::Context;
use lienket_domain::ids::{AllianceId, ModelKindId};
use lienket_domain::model::{AssessmentFacts, ModelEntryForm, ModelKindForm, ReplicationForm};
use lienket_domain::report::ReportPeriod;
use lienket_store::{Actor, ModelEntry, ReportSave, Store};

use crate::datagen::Lcg;

/// The kinds of model: (code, name, description). The scheme's own list is not confirmed.
const KINDS: [(&str, &str, &str); 8] = [
    (
        "NN-CNC",
        "HTX nông nghiệp ứng dụng công nghệ cao",
        "Sản xuất nông nghiệp ứng dụng công nghệ cao: nhà màng, tưới tiết kiệm, cơ giới hóa, quản lý sản xuất bằng phần mềm.",
    ),
    (
        "CHUOI-GT",
        "HTX gắn với chuỗi giá trị sản phẩm chủ lực",
        "Liên kết sản xuất với tiêu thụ theo chuỗi giá trị sản phẩm chủ lực của địa phương, có hợp đồng bao tiêu.",
    ),
    (
        "OCOP",
        "HTX sản xuất, kinh doanh sản phẩm OCOP",
        "Hợp tác xã là chủ thể sản phẩm OCOP từ 3 sao trở lên, có truy xuất nguồn gốc.",
    ),
    (
        "DV-TH",
        "HTX dịch vụ tổng hợp",
        "Cung ứng vật tư đầu vào, dịch vụ làm đất, thủy lợi, tiêu thụ nông sản cho thành viên.",
    ),
    (
        "DL-CD",
        "HTX du lịch cộng đồng",
        "Du lịch cộng đồng, du lịch trải nghiệm gắn với làng nghề và sản xuất nông nghiệp.",
    ),
    (
        "MOI-TRUONG",
        "HTX thu gom, xử lý môi trường",
        "Thu gom, vận chuyển, xử lý rác thải sinh hoạt và vệ sinh môi trường.",
    ),
    (
        "VAN-TAI",
        "HTX vận tải",
        "Vận tải hành khách, hàng hóa; điều hành chung phương tiện của thành viên.",
    ),
    (
        "NHA-O",
        "HTX nhà ở",
        "Xây dựng, quản lý nhà ở cho thành viên và người lao động.",
    ),
];

/// A model of the demo: (organisation, kind code, year selected, rating points, dossier
/// complete, published, story, results).
type DemoModel = (
    &'static str,
    &'static str,
    i32,
    Option<u8>,
    bool,
    bool,
    &'static str,
    &'static str,
);

const MODELS: [DemoModel; 11] = [
    (
        "Hợp tác xã Nông nghiệp Đông Dư",
        "CHUOI-GT",
        2023,
        Some(86),
        true,
        true,
        "Hợp tác xã liên kết 320 hộ trồng rau, hoa ven đô, ký hợp đồng bao tiêu với ba chuỗi siêu thị và các bếp ăn tập thể.\nMỗi luống rau có mã truy xuất nguồn gốc; thành viên ghi nhật ký sản xuất trên điện thoại.",
        "Doanh thu tăng gần gấp đôi sau ba năm; thu nhập bình quân của thành viên đạt 9,5 triệu đồng một tháng.\nHai sản phẩm đạt OCOP 4 sao; hợp tác xã đón hơn 40 đoàn đến học tập kinh nghiệm.",
    ),
    (
        "Hợp tác xã Chè Phú Thịnh",
        "OCOP",
        2023,
        Some(82),
        true,
        true,
        "Từ tổ sản xuất chè truyền thống, hợp tác xã chuyển sang sản xuất chè theo tiêu chuẩn VietGAP, tự chế biến và đóng gói.",
        "Ba sản phẩm chè đạt OCOP 4 sao; 60% sản lượng bán qua sàn thương mại điện tử và hội chợ.",
    ),
    (
        "Hợp tác xã Rau an toàn Tiên Lãng",
        "NN-CNC",
        2024,
        Some(78),
        true,
        true,
        "Hợp tác xã đầu tư 4 ha nhà màng, tưới nhỏ giọt tự động và cảm biến độ ẩm cho rau an toàn.",
        "Năng suất tăng 35%, lượng thuốc bảo vệ thực vật giảm một nửa; cung cấp rau cho 25 trường học.",
    ),
    (
        "Hợp tác xã Vải thiều Thanh Hà",
        "CHUOI-GT",
        2022,
        Some(84),
        true,
        true,
        "Vùng vải thiều liên kết 150 hộ, được cấp mã số vùng trồng và tham gia xuất khẩu.",
        "Giá bán bình quân cao hơn 20% so với vải bán lẻ; hợp tác xã đứng ra ký hợp đồng xuất khẩu cho thành viên.",
    ),
    (
        "Hợp tác xã Nước mắm Nam Ô",
        "OCOP",
        2023,
        Some(88),
        true,
        true,
        "Giữ nghề làm nước mắm truyền thống Nam Ô, hợp tác xã chuẩn hóa quy trình ủ chượp và bao bì.",
        "Sản phẩm nước mắm đạt OCOP 4 sao; làng nghề đón khách tham quan, tạo việc làm cho 40 lao động.",
    ),
    (
        "Hợp tác xã Gạo sạch Phong Điền",
        "CHUOI-GT",
        2024,
        Some(72),
        true,
        true,
        "Cánh đồng lớn 180 ha lúa thơm sản xuất theo quy trình giảm phát thải, liên kết với doanh nghiệp xay xát.",
        "Chi phí sản xuất giảm 15%; gạo mang nhãn hiệu của hợp tác xã có mặt tại các cửa hàng tiện lợi.",
    ),
    (
        "Hợp tác xã Dịch vụ Nông nghiệp Củ Chi",
        "DV-TH",
        2024,
        Some(81),
        true,
        true,
        "Hợp tác xã cung ứng giống, vật tư, dịch vụ làm đất và tiêu thụ sản phẩm cho 500 hộ thành viên.",
        "Thành viên mua vật tư rẻ hơn 8–10%; hợp tác xã lập quỹ tín dụng nội bộ hỗ trợ vốn cho hộ khó khăn.",
    ),
    (
        "Hợp tác xã Mật ong Bắc Giang",
        "OCOP",
        2025,
        Some(58),
        true,
        true,
        "Hợp tác xã nuôi ong lấy mật dưới tán rừng vải, đang hoàn thiện quy trình chế biến.",
        "Sản phẩm mật ong đạt OCOP 3 sao; hợp tác xã cần nâng xếp loại để tham gia Đề án.",
    ),
    (
        "Hợp tác xã Gốm Bát Tràng",
        "DL-CD",
        2022,
        Some(90),
        false,
        true,
        "Xưởng gốm mở cửa cho khách trải nghiệm làm gốm, gắn sản xuất với du lịch làng nghề.",
        "Đón hơn 30.000 lượt khách mỗi năm; hồ sơ đề nghị tham gia Đề án còn thiếu phương án sản xuất kinh doanh.",
    ),
    (
        "Hợp tác xã Bánh tráng Đại Lộc",
        "OCOP",
        2025,
        Some(76),
        true,
        true,
        "Hợp tác xã làm bánh tráng truyền thống, đầu tư lò tráng bánh tiết kiệm năng lượng.",
        "Sản lượng tăng 40%, sản phẩm có mặt tại các chợ đầu mối miền Trung.",
    ),
    (
        "Hợp tác xã Bưởi Đoan Hùng",
        "CHUOI-GT",
        2025,
        Some(68),
        true,
        false,
        "Vùng bưởi đặc sản liên kết 90 hộ, đang xây dựng chỉ dẫn địa lý.",
        "",
    ),
];

/// Replications: (model's organisation, alliance of the replicating organisation, which of the
/// alliance's organisations, day, what was replicated).
type DemoReplication = (&'static str, &'static str, usize, &'static str, &'static str);

const REPLICATIONS: [DemoReplication; 15] = [
    (
        "Hợp tác xã Nông nghiệp Đông Dư",
        "HN",
        0,
        "12/04/2023",
        "Áp dụng nhật ký sản xuất điện tử và mã truy xuất nguồn gốc.",
    ),
    (
        "Hợp tác xã Nông nghiệp Đông Dư",
        "HP",
        1,
        "20/09/2023",
        "Ký hợp đồng bao tiêu rau với chuỗi siêu thị theo cách làm của Đông Dư.",
    ),
    (
        "Hợp tác xã Chè Phú Thịnh",
        "HN",
        2,
        "15/11/2023",
        "Chuyển sang sản xuất chè theo tiêu chuẩn VietGAP.",
    ),
    (
        "Hợp tác xã Vải thiều Thanh Hà",
        "CT",
        0,
        "08/06/2023",
        "Đăng ký mã số vùng trồng cho vùng chôm chôm.",
    ),
    (
        "Hợp tác xã Nông nghiệp Đông Dư",
        "HCM",
        0,
        "18/03/2024",
        "Liên kết tiêu thụ rau với bếp ăn tập thể.",
    ),
    (
        "Hợp tác xã Nước mắm Nam Ô",
        "DN",
        0,
        "22/05/2024",
        "Chuẩn hóa quy trình chế biến và bao bì sản phẩm.",
    ),
    (
        "Hợp tác xã Nước mắm Nam Ô",
        "HP",
        2,
        "10/07/2024",
        "Phát triển sản phẩm OCOP từ nước mắm truyền thống.",
    ),
    (
        "Hợp tác xã Chè Phú Thịnh",
        "HN",
        3,
        "25/08/2024",
        "Bán sản phẩm qua sàn thương mại điện tử.",
    ),
    (
        "Hợp tác xã Vải thiều Thanh Hà",
        "HP",
        3,
        "14/10/2024",
        "Hợp tác xã đứng ra ký hợp đồng xuất khẩu cho thành viên.",
    ),
    (
        "Hợp tác xã Rau an toàn Tiên Lãng",
        "HN",
        4,
        "16/01/2025",
        "Đầu tư nhà màng và tưới nhỏ giọt tự động.",
    ),
    (
        "Hợp tác xã Rau an toàn Tiên Lãng",
        "CT",
        1,
        "03/03/2025",
        "Lắp cảm biến độ ẩm đất, giảm lượng nước tưới.",
    ),
    (
        "Hợp tác xã Gạo sạch Phong Điền",
        "CT",
        2,
        "28/04/2025",
        "Sản xuất lúa theo quy trình giảm phát thải trên cánh đồng lớn.",
    ),
    (
        "Hợp tác xã Dịch vụ Nông nghiệp Củ Chi",
        "HCM",
        1,
        "12/06/2025",
        "Lập quỹ tín dụng nội bộ cho thành viên.",
    ),
    (
        "Hợp tác xã Dịch vụ Nông nghiệp Củ Chi",
        "DN",
        1,
        "19/08/2025",
        "Cung ứng vật tư đầu vào chung cho thành viên.",
    ),
    (
        "Hợp tác xã Gạo sạch Phong Điền",
        "HCM",
        2,
        "09/10/2025",
        "Liên kết với doanh nghiệp xay xát, gắn nhãn hiệu của hợp tác xã.",
    ),
];

/// The accepted yearly reports a model's assessment needs and the demo registry lacks, added
/// profitable.
async fn fill_reports(store: &Store, actor: &Actor, model: &ModelEntry, rng: &mut Lcg) -> anyhow::Result<()> {
    let org = store.get_organisation(model.organisation_id).await?;
    for year in AssessmentFacts::profit_years(model.selected_year) {
        if store
            .find_report(org.id, year, ReportPeriod::Year)
            .await?
            .is_some()
        {
            continue;
        }
        let mut figures = crate::datagen::report_figures(org.members.official, year, rng);
        figures.profit = figures.profit.abs().max(figures.revenue / 40);
        store
            .save_report(
                actor,
                org.id,
                year,
                ReportPeriod::Year,
                &figures,
                None,
                ReportSave::Accepted,
            )
            .await?;
    }
    Ok(())
}

/// Seeds the kinds of model, the models and their replications.
pub async fn seed_models(
    store: &Store,
    actor: &Actor,
    alliances: &[(&'static str, AllianceId)],
) -> anyhow::Result<()> {
    let this_year = crate::datagen::today().0;
    let mut kinds: Vec<(&str, ModelKindId)> = Vec::new();
    for (code, name, description) in KINDS {
        let draft = ModelKindForm {
            code: code.into(),
            name: name.into(),
            description: description.into(),
        }
        .parse()
        .map_err(|f| anyhow::anyhow!("demo kind of model {code} is invalid: {f:?}"))?;
        kinds.push((code, store.create_model_kind(actor, &draft).await?.id));
    }
    let all = store.list_organisations(None).await?;
    let org_named = |name: &str| {
        all.iter()
            .find(|o| o.name == name)
            .with_context(|| format!("demo organisation {name}"))
    };
    let mut rng = Lcg::new(167);
    let mut models = Vec::new();
    for (name, kind, year, points, dossier, published, summary, results) in MODELS {
        let org = org_named(name)?;
        let code = org
            .registration_code
            .clone()
            .with_context(|| format!("the registration code of {name}"))?;
        let kind_id = kinds
            .iter()
            .find(|(c, _)| *c == kind)
            .map(|(_, id)| *id)
            .with_context(|| format!("demo kind of model {kind}"))?;
        let on = |b: bool| b.then(|| "on".to_string());
        let draft = ModelEntryForm {
            registration_code: code,
            kind_id: kind_id.to_string(),
            selected_year: year.to_string(),
            rating_points: points.map(|p| p.to_string()).unwrap_or_default(),
            dossier_complete: on(dossier),
            published: on(published),
            summary: summary.into(),
            results: results.into(),
        }
        .parse(this_year)
        .map_err(|f| anyhow::anyhow!("demo model {name} is invalid: {f:?}"))?;
        let model = store.create_model(actor, org.id, &draft).await?;
        fill_reports(store, actor, &model, &mut rng).await?;
        models.push((name, model));
    }
    // The organisations that replicate are other members of each alliance, in name order:
    // registered ones that are not models themselves.
    let today = lienket_web::pages_today();
    for (model_org, alliance_code, nth, day, note) in REPLICATIONS {
        let alliance = alliances
            .iter()
            .find(|(c, _)| *c == alliance_code)
            .map(|(_, a)| *a)
            .with_context(|| format!("demo alliance {alliance_code}"))?;
        let members = store.list_organisations(Some(alliance)).await?;
        let replicator = members
            .iter()
            .filter(|o| o.registration_code.is_some() && !MODELS.iter().any(|m| m.0 == o.name))
            .nth(nth)
            .with_context(|| format!("a member of {alliance_code} to replicate a model"))?;
        let (_, model) = models
            .iter()
            .find(|(n, _)| *n == model_org)
            .with_context(|| format!("demo model {model_org}"))?;
        let draft = ReplicationForm {
            registration_code: replicator.registration_code.clone().unwrap_or_default(),
            replicated_on: day.into(),
            note: note.into(),
        }
        .parse(today)
        .map_err(|f| anyhow::anyhow!("demo replication of {model_org} is invalid: {f:?}"))?;
        store
            .add_replication(actor, model.id, replicator.id, &draft)
            .await?;
    }
    Ok(())
}
