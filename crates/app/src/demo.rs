//! The demonstration data set: the five alliances that signed the 2023–2025 coordination
//! programme, one organisation per province of the 2023 OCOP week, one account per role, the
//! trade-promotion events they took part in, and the cooperatives shown as effective models.

use std::path::Path;

use anyhow::Context;
use lienket_domain::alliance::AllianceForm;
use lienket_domain::ids::AllianceId;
use lienket_domain::organisation::OrganisationForm;
use lienket_domain::role::Role;
use lienket_store::{Actor, DatabaseUrl, NewUser, Store};

use crate::config::ServeArgs;

/// The password of every demonstration account (printed at start).
pub const DEMO_PASSWORD: &str = "lienket-demo-2023";

/// The five signatory alliances: (code, name, short name, 2025 province code, address).
pub const ALLIANCES: [(&str, &str, &str, &str, &str); 5] = [
    (
        "HN",
        "Liên minh Hợp tác xã thành phố Hà Nội",
        "LMHTX Hà Nội",
        "01",
        "Phường Hà Đông, Thành phố Hà Nội",
    ),
    (
        "HP",
        "Liên minh Hợp tác xã thành phố Hải Phòng",
        "LMHTX Hải Phòng",
        "31",
        "Thành phố Hải Phòng",
    ),
    (
        "DN",
        "Liên minh Hợp tác xã thành phố Đà Nẵng",
        "LMHTX Đà Nẵng",
        "48",
        "Thành phố Đà Nẵng",
    ),
    (
        "CT",
        "Liên minh Hợp tác xã thành phố Cần Thơ",
        "LMHTX Cần Thơ",
        "92",
        "Thành phố Cần Thơ",
    ),
    (
        "HCM",
        "Liên minh Hợp tác xã Thành phố Hồ Chí Minh",
        "LMHTX TP Hồ Chí Minh",
        "79",
        "Thành phố Hồ Chí Minh",
    ),
];

/// Synthetic cooperatives, one per province named for the 2023 OCOP week:
/// (name, legacy province as people still write it, managing alliance code).
const ORGANISATIONS: [(&str, &str, &str); 15] = [
    ("Hợp tác xã Nông nghiệp Đông Dư", "Hà Nội", "HN"),
    ("Hợp tác xã Chè Phú Thịnh", "Thái Nguyên", "HN"),
    ("Hợp tác xã Rau an toàn Tiên Lãng", "Hải Phòng", "HP"),
    ("Hợp tác xã Vải thiều Thanh Hà", "Hải Dương", "HP"),
    ("Hợp tác xã Nước mắm Nam Ô", "Đà Nẵng", "DN"),
    ("Hợp tác xã Gạo sạch Phong Điền", "Cần Thơ", "CT"),
    ("Hợp tác xã Dịch vụ Nông nghiệp Củ Chi", "TP Hồ Chí Minh", "HCM"),
    ("Hợp tác xã Mật ong Bắc Giang", "Bắc Giang", "HN"),
    ("Hợp tác xã Quế Văn Yên", "Yên Bái", "HN"),
    ("Hợp tác xã Chè Shan tuyết Bát Xát", "Lào Cai", "HN"),
    ("Hợp tác xã Bưởi Đoan Hùng", "Phú Thọ", "HN"),
    ("Hợp tác xã Hạt dẻ Trùng Khánh", "Cao Bằng", "HN"),
    ("Hợp tác xã Miến dong Bình Liêu", "Quảng Ninh", "HP"),
    ("Hợp tác xã Gốm Bát Tràng", "Hà Nội", "HN"),
    ("Hợp tác xã Bánh tráng Đại Lộc", "Quảng Nam", "DN"),
];

/// The demonstration accounts: (username, display name, role label).
pub const ACCOUNTS: [(&str, &str); 4] = [
    ("admin", "Quản trị hệ thống"),
    ("dieuphoi", "Ban điều phối chương trình"),
    ("canbo.hanoi", "Cán bộ LMHTX Hà Nội"),
    ("daidien.htx", "Đại diện HTX Nông nghiệp Đông Dư"),
];

/// Number of organisations in the demonstration registry.
pub const DEMO_ORGANISATIONS: usize = 100;

/// Creates the five signatory alliances; returns their codes and ids.
pub async fn seed_alliances(store: &Store, actor: &Actor) -> anyhow::Result<Vec<(&'static str, AllianceId)>> {
    let mut alliance_ids = Vec::new();
    for (code, name, short_name, province_code, address) in ALLIANCES {
        let form = AllianceForm {
            code: code.into(),
            name: name.into(),
            short_name: short_name.into(),
            province_code: province_code.into(),
            address: address.into(),
            ..Default::default()
        };
        let input = form
            .parse()
            .map_err(|f| anyhow::anyhow!("demo alliance {code} is invalid: {f:?}"))?;
        alliance_ids.push((code, store.create_alliance(actor, &input).await?.id));
    }
    Ok(alliance_ids)
}

/// Fills an empty database with the demonstration data.
pub async fn seed(store: &Store) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let alliance_ids = seed_alliances(store, &actor).await?;
    let alliance = |code: &str| alliance_ids.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);
    let mut first_org = None;
    for (i, (name, province, alliance_code)) in ORGANISATIONS.iter().enumerate() {
        let form = OrganisationForm {
            kind: "cooperative".into(),
            // Deterministic, syntactically valid 10-digit codes reserved for demonstrations.
            registration_code: format!("0109{:06}", 100 + i),
            name: (*name).into(),
            sector: if name.contains("Gốm") {
                "industry"
            } else {
                "agriculture"
            }
            .into(),
            founded_on: format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2005 + i % 18),
            members_official: (7 + i * 3).to_string(),
            charter_capital: ((i as i64 + 2) * 350_000_000).to_string(),
            address: (*province).into(),
            ..Default::default()
        };
        let input = form
            .parse(crate::datagen::today())
            .map_err(|f| anyhow::anyhow!("demo organisation {name} is invalid: {f:?}"))?;
        let org = store
            .create_organisation(&actor, alliance(alliance_code), &input)
            .await?;
        first_org.get_or_insert(org.id);
        // Two Hải Phòng members that sell through Hà Nội also joined the Hà Nội alliance.
        if *alliance_code == "HP" && (name.contains("Vải thiều") || name.contains("Miến dong")) {
            let hn = alliance("HN").context("demo alliance HN")?;
            store
                .add_membership(&actor, org.id, hn, Some((2024, 3, 15)))
                .await?;
        }
    }
    let mut rng = crate::datagen::Lcg::new(2023);
    let mut generated = Vec::new();
    for i in ORGANISATIONS.len()..DEMO_ORGANISATIONS {
        let (form, code) = crate::datagen::organisation(i, &mut rng);
        let input = form
            .parse(crate::datagen::today())
            .map_err(|f| anyhow::anyhow!("generated organisation {i} is invalid: {f:?}"))?;
        generated.push((alliance(code), input));
    }
    store.bulk_create_organisations(&actor, &generated).await?;
    seed_reports(store, &actor).await?;
    seed_products(store, &actor).await?;
    let hash = lienket_web::security::hash_password(DEMO_PASSWORD.into()).await?;
    let roles = [
        Role::Admin,
        Role::Coordinator,
        Role::AllianceStaff {
            alliance: alliance("HN").context("demo alliance HN")?,
        },
        Role::OrganisationRep {
            organisation: first_org.context("demo organisation")?,
        },
    ];
    let mut users = Vec::new();
    for ((username, display_name), role) in ACCOUNTS.iter().zip(roles) {
        let user = store
            .create_user(
                &actor,
                &NewUser {
                    username: (*username).into(),
                    display_name: (*display_name).into(),
                    email: None,
                    password_hash: hash.clone(),
                    role,
                },
            )
            .await?;
        users.push(user);
    }
    crate::demo_events::seed_events(
        store,
        &actor,
        &alliance_ids,
        first_org.context("demo organisation")?,
    )
    .await
    .context("seeding the demonstration events")?;
    crate::demo_programme::seed_programme(store, &actor, &alliance_ids)
        .await
        .context("seeding the demonstration programme")?;
    crate::demo_models::seed_models(store, &actor, &alliance_ids)
        .await
        .context("seeding the demonstration model cooperatives")?;
    let (staff, rep) = (&users[2], &users[3]);
    crate::demo_support::seed_support(
        store,
        &actor,
        (first_org.context("demo organisation")?, &rep.display_name),
        (staff.id, &staff.display_name),
    )
    .await
    .context("seeding the demonstration support requests")?;
    Ok(())
}

/// Three years of accepted yearly reports (the three years before this one) for every organisation, and the current
/// year's in every state: most submitted, some returned or in draft, some not filed yet.
async fn seed_reports(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    use lienket_domain::report::ReportPeriod;
    use lienket_store::{OrganisationFilter, OrganisationSort, PageRequest, ReportSave};
    let orgs = store
        .search_organisations(
            &OrganisationFilter::default(),
            OrganisationSort::Updated,
            false,
            PageRequest::new(Some(1), Some(200)),
        )
        .await?;
    let mut rng = crate::datagen::Lcg::new(2025);
    // The three years before this one are accepted; this year's reports are in every state.
    let current = time::OffsetDateTime::now_utc().year();
    for (i, o) in orgs.items.iter().enumerate() {
        for year in current - 3..current {
            let figures = crate::datagen::report_figures(o.members.official, year, &mut rng);
            store
                .save_report(
                    actor,
                    o.id,
                    year,
                    ReportPeriod::Year,
                    &figures,
                    None,
                    ReportSave::Accepted,
                )
                .await?;
        }
        let figures = crate::datagen::report_figures(o.members.official, current, &mut rng);
        // Six in ten sent, one returned with a comment, one in draft, two not started.
        let save = match i % 10 {
            0..=6 => ReportSave::Submit,
            7 => ReportSave::Draft,
            _ => continue,
        };
        let r = store
            .save_report(actor, o.id, current, ReportPeriod::Year, &figures, None, save)
            .await?;
        if i % 10 == 6 {
            let comment = "Số lao động chưa khớp với bảng lương; đề nghị kiểm tra lại.";
            store
                .review_report(actor, r.id, r.version, false, Some(comment.into()))
                .await?;
        }
    }
    Ok(())
}

/// Starts the server on a fresh demonstration database in `data_dir/demo`.
pub async fn serve(data_dir: &Path, web: &ServeArgs) -> anyhow::Result<()> {
    let dir = data_dir.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("lienket.db");
    for ext in ["db", "db-wal", "db-shm"] {
        let _ = std::fs::remove_file(path.with_extension(ext));
    }
    let _ = std::fs::remove_dir_all(dir.join("search-index"));
    let store = Store::open(&DatabaseUrl::sqlite_file(&path)).await?;
    seed(&store).await.context("loading the demonstration data")?;
    let listener = crate::cli::bind(web).await?;
    let addr = listener.local_addr()?;
    println!();
    println!("  LiênKết demo is running: http://{addr}/");
    println!("  Database: {} (fresh at every start)", path.display());
    println!("  Accounts (password for all: {DEMO_PASSWORD}):");
    for ((username, name), role) in ACCOUNTS.iter().zip([
        "admin",
        "coordinator",
        "alliance staff (Hà Nội)",
        "organisation representative",
    ]) {
        println!("    {username:<14} {role:<32} {name}");
    }
    println!("  Stop with Ctrl-C.");
    println!();
    crate::server::run(listener, store, web.web_config(), &web.places(&dir)).await
}

/// The OCOP products of the demonstration catalogue (also the catalogue of the search
/// relevance test): code, name, producer, 2025 province code and name, legacy province,
/// group, set, stars, description.
const CATALOG: &str = include_str!("../../search/tests/relevance/catalog.csv");

/// Splits RFC 4180 CSV text into records.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Products of the demonstration catalogue whose province has demo members, each given to a
/// member of that province, most published and certified: some certificates expired, some
/// expiring within 90 days, a few drafts and one withdrawn product.
async fn seed_products(store: &Store, actor: &Actor) -> anyhow::Result<usize> {
    use lienket_domain::product::{CertificationForm, ProductForm};
    use lienket_store::{NewProduct, OrganisationFilter, OrganisationSort};
    let orgs = store
        .export_organisations(
            &OrganisationFilter::default(),
            OrganisationSort::Name,
            false,
            10_000,
        )
        .await?;
    let mut by_province: std::collections::BTreeMap<String, Vec<lienket_domain::ids::OrganisationId>> =
        std::collections::BTreeMap::new();
    for o in &orgs {
        if let Some(p) = &o.province_code {
            by_province.entry(p.clone()).or_default().push(o.id);
        }
    }
    let today = lienket_web::catalog::today_vn();
    let today_date = lienket_web::pages_today();
    let mut rng = crate::datagen::Lcg::new(20_230_331);
    let mut rows = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, r) in csv_records(CATALOG).into_iter().skip(1).enumerate() {
        let [_, name, _, province, _, _, group, set, stars, description] = r.as_slice() else {
            continue;
        };
        let Some(members) = by_province.get(province.as_str()) else {
            continue;
        };
        let n = seen.entry(province.clone()).or_default();
        let organisation_id = members[*n % members.len()];
        *n += 1;
        let form = ProductForm {
            name: name.clone(),
            group: group.clone(),
            set: set.clone(),
            description: description.clone(),
            origin_province: province.clone(),
            status: if i % 41 == 7 { "draft" } else { "published" }.into(),
            ..Default::default()
        };
        let draft = form
            .parse()
            .map_err(|f| anyhow::anyhow!("demo product {name} is invalid: {f:?}"))?;
        let stars: u32 = stars.parse().unwrap_or(3);
        // A score inside the star band, split over the parts by their weights (40/25/35).
        let total = match stars {
            5 => 900 + rng.below(80) as u32,
            4 => 700 + rng.below(190) as u32,
            _ => 500 + rng.below(190) as u32,
        };
        let a = total * 40 / 100;
        let b = total * 25 / 100;
        let c = total - a - b;
        let days_ago = 20 + rng.below(1_380) as i64;
        let decided = today - time::Duration::days(days_ago);
        let cert = CertificationForm {
            score_a: format!("{},{}", a / 10, a % 10),
            score_b: format!("{},{}", b / 10, b % 10),
            score_c: format!("{},{}", c / 10, c % 10),
            decision_no: format!("{}/QĐ-UBND", 100 + rng.below(3_000)),
            decision_date: format!(
                "{:02}/{:02}/{}",
                decided.day(),
                u8::from(decided.month()),
                decided.year()
            ),
            level: if stars == 5 { "central" } else { "province" }.into(),
            issuer: if stars == 5 {
                "Bộ Nông nghiệp và Môi trường".into()
            } else {
                format!("UBND {}", lienket_web::province_label(province))
            },
            ..Default::default()
        }
        .parse(today_date)
        .map_err(|f| anyhow::anyhow!("demo certificate of {name} is invalid: {f:?}"))?;
        rows.push(NewProduct {
            organisation_id,
            input: lienket_web::product_input(&draft),
            publish: draft.status == lienket_domain::product::ProductStatus::Published,
            certification: Some(lienket_web::certification_input(&cert)),
        });
    }
    let saved = store.bulk_create_products(actor, &rows).await?;
    if let Some(p) = saved.iter().find(|p| p.status == "published") {
        store
            .set_product_status(
                actor,
                p.id,
                p.version,
                "withdrawn",
                Some("Chủ thể ngừng sản xuất sản phẩm".into()),
            )
            .await?;
    }
    Ok(saved.len())
}
