//! Deterministic synthetic registry data, for the demo (about a hundred cooperatives) and for
//! benchmarks (`lienket gen-data --orgs 100000`), and the applicants, accounts and event of the
//! event-application benchmark (`--event-applicants`). The same seed always gives the same data.

use lienket_domain::admin_units::units;
use lienket_domain::organisation::OrganisationForm;

/// The 15 provinces of the 2023 OCOP week, as people wrote them before the 2025 merger, and
/// the code of the alliance that manages their cooperatives in the demo.
pub const PROVINCES: [(&str, &str); 15] = [
    ("Thành phố Hà Nội", "HN"),
    ("Thành phố Hồ Chí Minh", "HCM"),
    ("Thành phố Hải Phòng", "HP"),
    ("Thành phố Cần Thơ", "CT"),
    ("Thành phố Đà Nẵng", "DN"),
    ("Tỉnh Bắc Giang", "HN"),
    ("Tỉnh Yên Bái", "HN"),
    ("Tỉnh Lào Cai", "HN"),
    ("Tỉnh Phú Thọ", "HN"),
    ("Tỉnh Cao Bằng", "HN"),
    ("Tỉnh Hải Dương", "HP"),
    ("Tỉnh Thái Nguyên", "HN"),
    ("Tỉnh Quảng Ninh", "HP"),
    ("Tỉnh Quảng Nam", "DN"),
    ("Tỉnh Sơn La", "HN"),
];

/// Line of business words and their sector.
const TRADES: [(&str, &str); 16] = [
    ("Nông nghiệp", "agriculture"),
    ("Dịch vụ nông nghiệp", "agriculture"),
    ("Chè", "agriculture"),
    ("Rau an toàn", "agriculture"),
    ("Gạo sạch", "agriculture"),
    ("Mật ong", "agriculture"),
    ("Thủy sản", "agriculture"),
    ("Dược liệu", "agriculture"),
    ("Cây ăn quả", "agriculture"),
    ("Chăn nuôi", "agriculture"),
    ("Mây tre đan", "industry"),
    ("Gốm sứ", "industry"),
    ("Chế biến nông sản", "industry"),
    ("Du lịch cộng đồng", "other"),
    ("Vận tải", "transport"),
    ("Vệ sinh môi trường", "environment"),
];

const FAMILY: [&str; 10] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang"];
const GIVEN: [&str; 12] = [
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Thảo",
];

/// A small linear congruential generator: deterministic, dependency-free.
pub struct Lcg(u64);

impl Lcg {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

/// The `i`-th synthetic organisation and the code of its managing alliance.
pub fn organisation(i: usize, rng: &mut Lcg) -> (OrganisationForm, &'static str) {
    organisation_in(i, i % PROVINCES.len(), false, rng)
}

/// The `i`-th synthetic organisation in the `province`-th of [`PROVINCES`]; with
/// `cooperative_only`, always a cooperative (the generator draws the same numbers either way).
fn organisation_in(
    i: usize,
    province: usize,
    cooperative_only: bool,
    rng: &mut Lcg,
) -> (OrganisationForm, &'static str) {
    let u = units();
    let (province_name, alliance) = PROVINCES[province % PROVINCES.len()];
    let province = u
        .legacy_provinces()
        .iter()
        .find(|p| p.name == province_name)
        .expect("demo province in the data");
    let districts = u.legacy_districts(province.code);
    let district = &districts[rng.below(districts.len())];
    let wards = u.legacy_wards(district.code);
    let ward = wards.get(rng.below(wards.len().max(1)));
    let (trade, sector) = TRADES[rng.below(TRADES.len())];
    let place = ward.map_or(district.name, |w| w.name);
    let place_short = place.split_once(' ').map_or(place, |(_, rest)| rest);
    let roll = rng.below(100);
    let roll = if cooperative_only { roll.max(10) } else { roll };
    let (kind, prefix, members) = match roll {
        0..=6 => ("cooperative_group", "Tổ hợp tác", 2 + rng.below(15)),
        7..=9 => ("cooperative_union", "Liên hiệp hợp tác xã", 3 + rng.below(10)),
        _ => ("cooperative", "Hợp tác xã", 5 + rng.below(200)),
    };
    // Most records still carry the pre-2025 address; newer ones use the 2025 form.
    let address = match (ward, rng.below(10)) {
        (Some(w), 0..=5) => format!("{}, {}, {}", w.name, district.name, province.name),
        (Some(w), _) => match lienket_domain::admin_units::convert_legacy_ward(w.code) {
            Some(c) => format!("{}, {}", c.target.name, c.province.name),
            None => format!("{}, {}", district.name, province.name),
        },
        (None, _) => format!("{}, {}", district.name, province.name),
    };
    let representative = format!(
        "{} {} {}",
        FAMILY[rng.below(FAMILY.len())],
        MIDDLE[rng.below(MIDDLE.len())],
        GIVEN[rng.below(GIVEN.len())]
    );
    let form = OrganisationForm {
        kind: kind.into(),
        registration_code: if kind == "cooperative_group" && rng.below(2) == 0 {
            String::new()
        } else {
            format!("{:010}", 3_600_000_000u64 + i as u64)
        },
        name: format!("{prefix} {trade} {place_short}"),
        sector: sector.into(),
        founded_on: format!(
            "{:02}/{:02}/{}",
            1 + rng.below(28),
            1 + rng.below(12),
            1996 + rng.below(29)
        ),
        members_official: members.to_string(),
        members_associate_capital: rng.below(20).to_string(),
        members_associate_other: rng.below(40).to_string(),
        charter_capital: ((1 + rng.below(80)) as i64 * 50_000_000).to_string(),
        representative,
        representative_title: if kind == "cooperative_group" {
            "Tổ trưởng"
        } else {
            "Giám đốc"
        }
        .into(),
        phone: format!("09{:08}", rng.below(100_000_000)),
        address,
        ..Default::default()
    };
    (form, alliance)
}

/// Plausible yearly figures of an organisation with `members` official members, growing a
/// little each year; about one in eight makes a loss.
pub fn report_figures(members: u32, year: i32, rng: &mut Lcg) -> lienket_domain::report::ReportFigures {
    use lienket_domain::report::{DigitalAdoption, ReportFigures};
    let growth = 1.0 + 0.06 * f64::from(year - 2022);
    let workers = i64::from(members / 2 + 2 + rng.below(20) as u32);
    let revenue = ((300 + rng.below(5_000)) as f64 * 1_000_000.0 * growth) as i64;
    let margin = rng.below(100) as i64 - 12;
    let digital = |p: usize, rng: &mut Lcg| rng.below(100) < p + (year - 2023).max(0) as usize * 8;
    ReportFigures {
        revenue,
        profit: revenue * margin / 1000,
        members_official: i64::from(members),
        members_associate: rng.below(30) as i64,
        workers,
        average_income: ((4_000 + rng.below(6_000)) as f64 * 1_000.0 * growth) as i64,
        charter_capital: (1 + rng.below(60)) as i64 * 50_000_000,
        member_services: revenue * (20 + rng.below(50) as i64) / 100,
        digital: DigitalAdoption {
            accounting_software: digital(55, rng),
            e_invoices: digital(45, rng),
            website: digital(15, rng),
            e_commerce: digital(20, rng),
            qr_traceability: digital(25, rng),
            cashless_payments: digital(60, rng),
        },
        difficulties: (rng.below(3) == 0).then(|| "Thiếu vốn lưu động; giá vật tư đầu vào tăng.".to_string()),
        proposals: (rng.below(4) == 0)
            .then(|| "Đề nghị Liên minh hỗ trợ kết nối tiêu thụ và tham gia hội chợ OCOP.".to_string()),
    }
}

/// Writes `orgs` synthetic organisations as a registry workbook the way alliances keep one
/// (title rows, Vietnamese headers, dates as text, amounts with dots), plus the same rows as CSV
/// next to it (`.csv`), for the import benchmark.
pub fn write_registry_workbook(path: &std::path::Path, orgs: usize, seed: u64) -> anyhow::Result<()> {
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    let headers = [
        "Mã số HTX",
        "Tên hợp tác xã",
        "Loại hình",
        "Lĩnh vực",
        "Ngày thành lập",
        "Thành viên chính thức",
        "Liên kết góp vốn",
        "Liên kết không góp vốn",
        "Vốn điều lệ",
        "Người đại diện",
        "Chức vụ",
        "Điện thoại",
        "Địa chỉ",
    ];
    let columns: Vec<ExportColumn> = headers
        .iter()
        .map(|h| ExportColumn {
            header: (*h).into(),
            kind: ColumnKind::Text,
            width: 18.0,
        })
        .collect();
    let mut rng = Lcg::new(seed);
    let mut rows = Vec::with_capacity(orgs);
    for i in 0..orgs {
        let (f, _) = organisation(2_000_000 + i, &mut rng);
        let capital: i64 = f.charter_capital.parse().unwrap_or(0);
        rows.push(
            [
                f.registration_code,
                f.name,
                f.kind,
                f.sector,
                f.founded_on,
                f.members_official,
                f.members_associate_capital,
                f.members_associate_other,
                format_vnd(capital),
                f.representative,
                f.representative_title,
                f.phone,
                f.address,
            ]
            .into_iter()
            .map(|v| {
                if v.is_empty() {
                    ExportCell::Empty
                } else {
                    ExportCell::Text(v)
                }
            })
            .collect::<Vec<_>>(),
        );
    }
    let xlsx = lienket_office::write_xlsx(
        "DANH SÁCH HỢP TÁC XÃ THÀNH VIÊN",
        "Dữ liệu tổng hợp để đo hiệu năng",
        "Danh sách",
        &columns,
        &rows,
    )
    .map_err(|e| anyhow::anyhow!("writing the workbook: {e:?}"))?;
    std::fs::write(path, xlsx)?;
    std::fs::write(
        path.with_extension("csv"),
        lienket_office::write_csv(&columns, &rows),
    )?;
    println!(
        "wrote {orgs} rows to {} and {}",
        path.display(),
        path.with_extension("csv").display()
    );
    Ok(())
}

/// 1500000000 → "1.500.000.000", the way amounts are typed in registers.
fn format_vnd(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Today's date as (year, month, day), bounding generated founding dates.
pub fn today() -> (i32, u8, u8) {
    let d = time::OffsetDateTime::now_utc().date();
    (d.year(), u8::from(d.month()), d.day())
}

/// Product types of generated catalogues: (name, group code, product set).
const PRODUCT_TYPES: [(&str, &str, u8); 48] = [
    ("Nước mắm cá cơm", "thuc_pham", 9),
    ("Mắm tôm", "thuc_pham", 9),
    ("Tương bần", "thuc_pham", 9),
    ("Mật ong hoa nhãn", "thuc_pham", 4),
    ("Mật ong bạc hà", "thuc_pham", 4),
    ("Gạo ST25", "thuc_pham", 3),
    ("Gạo nếp cái hoa vàng", "thuc_pham", 3),
    ("Miến dong", "thuc_pham", 3),
    ("Bánh đa nem", "thuc_pham", 3),
    ("Bánh tráng", "thuc_pham", 3),
    ("Bưởi", "thuc_pham", 1),
    ("Cam sành", "thuc_pham", 1),
    ("Vải thiều", "thuc_pham", 1),
    ("Nhãn lồng", "thuc_pham", 1),
    ("Xoài cát", "thuc_pham", 1),
    ("Măng khô", "thuc_pham", 2),
    ("Mứt gừng", "thuc_pham", 2),
    ("Chuối sấy", "thuc_pham", 2),
    ("Ruốc thịt", "thuc_pham", 6),
    ("Giò lụa", "thuc_pham", 6),
    ("Chả mực", "thuc_pham", 8),
    ("Cá khô", "thuc_pham", 8),
    ("Tôm khô", "thuc_pham", 8),
    ("Trứng vịt muối", "thuc_pham", 5),
    ("Đường phèn", "thuc_pham", 10),
    ("Kẹo dừa", "thuc_pham", 10),
    ("Chè Shan tuyết", "do_uong", 11),
    ("Chè xanh", "do_uong", 11),
    ("Trà sen", "do_uong", 12),
    ("Trà hoa vàng", "do_uong", 12),
    ("Cà phê Robusta", "do_uong", 13),
    ("Cà phê Arabica", "do_uong", 13),
    ("Ca cao", "do_uong", 13),
    ("Rượu nếp cái", "do_uong", 14),
    ("Rượu ngô men lá", "do_uong", 14),
    ("Nước cốt chanh leo", "do_uong", 16),
    ("Tinh dầu quế", "duoc_lieu", 18),
    ("Cao dược liệu", "duoc_lieu", 18),
    ("Trà túi lọc dược liệu", "duoc_lieu", 18),
    ("Nấm linh chi", "duoc_lieu", 18),
    ("Gốm men lam", "thu_cong_my_nghe", 21),
    ("Mây tre đan", "thu_cong_my_nghe", 21),
    ("Mâm đồng", "thu_cong_my_nghe", 21),
    ("Nón lá", "thu_cong_my_nghe", 21),
    ("Lụa tơ tằm", "thu_cong_my_nghe", 22),
    ("Thổ cẩm", "thu_cong_my_nghe", 22),
    ("Lan hồ điệp", "sinh_vat_canh", 23),
    ("Du lịch cộng đồng", "du_lich", 26),
];

/// Qualifiers added to some generated names.
const QUALIFIERS: [&str; 8] = [
    "hữu cơ",
    "truyền thống",
    "đặc biệt",
    "loại 1",
    "thượng hạng",
    "sạch",
    "hộp quà",
    "",
];

/// The `i`-th generated product of an organisation in `province`: a plausible name, its group
/// and set, and a certification inside a star band (70 % 3★, 28 % 4★, 2 % 5★ as in the press).
pub fn product(
    province: &str,
    org: lienket_domain::ids::OrganisationId,
    rng: &mut Lcg,
    today: time::Date,
) -> lienket_store::GeneratedProduct {
    let (kind, group, set) = PRODUCT_TYPES[rng.below(PRODUCT_TYPES.len())];
    let wards = units().wards_2025(province);
    let place = if wards.is_empty() {
        units()
            .province_2025(province)
            .map_or("Việt Nam", |p| p.short_name)
    } else {
        wards[rng.below(wards.len())].short_name
    };
    let qualifier = QUALIFIERS[rng.below(QUALIFIERS.len())];
    let name = if qualifier.is_empty() {
        format!("{kind} {place}")
    } else {
        format!("{kind} {place} {qualifier}")
    };
    let band = rng.below(100);
    let (stars, total) = match band {
        0..=1 => (5u8, 900 + rng.below(80) as u16),
        2..=29 => (4, 700 + rng.below(190) as u16),
        _ => (3, 500 + rng.below(190) as u16),
    };
    let a = total * 40 / 100;
    let b = total * 25 / 100;
    let decided = today - time::Duration::days(20 + rng.below(1_300) as i64);
    let expires = decided.replace_year(decided.year() + 3).unwrap_or(decided);
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    lienket_store::GeneratedProduct {
        organisation_id: org,
        input: lienket_store::ProductInput {
            description: Some(format!(
                "{kind} của {place}, sản xuất theo quy trình {}.",
                if qualifier.is_empty() {
                    "truyền thống"
                } else {
                    qualifier
                }
            )),
            name,
            group_code: Some(group.into()),
            set_no: Some(set),
            origin_province_code: Some(province.into()),
            ..Default::default()
        },
        certification: lienket_store::CertificationInput {
            score_a: a,
            score_b: b,
            score_c: total - a - b,
            total,
            stars,
            potential_five: false,
            level: if stars == 5 { "central" } else { "province" }.into(),
            rules_code: "qd148".into(),
            decision_no: format!("{}/QĐ-UBND", 100 + rng.below(3_000)),
            decision_date: iso(decided),
            issuer: None,
            expires_on: iso(expires),
        },
    }
}

/// Adds `count` generated products to the organisations already in the database.
pub async fn gen_products(store: &lienket_store::Store, count: usize, seed: u64) -> anyhow::Result<()> {
    use lienket_store::{OrganisationFilter, OrganisationSort};
    let orgs: Vec<(lienket_domain::ids::OrganisationId, String)> = store
        .export_organisations(
            &OrganisationFilter::default(),
            OrganisationSort::Name,
            false,
            1_000_000,
        )
        .await?
        .into_iter()
        .filter_map(|o| Some((o.id, o.province_code?)))
        .collect();
    anyhow::ensure!(
        !orgs.is_empty(),
        "products need producers: add organisations first (lienket gen-data --orgs N)"
    );
    let actor = lienket_store::Actor::system("gen-data");
    let today = time::OffsetDateTime::now_utc().date();
    let mut rng = Lcg::new(seed ^ 0x0C0F);
    let started = std::time::Instant::now();
    let mut done = 0;
    while done < count {
        let n = (count - done).min(20_000);
        let batch: Vec<_> = (0..n)
            .map(|_| {
                let (org, province) = &orgs[rng.below(orgs.len())];
                product(province, *org, &mut rng, today)
            })
            .collect();
        store.insert_generated_products(&actor, &batch).await?;
        done += n;
        eprint!(
            "\r{done}/{count} products ({:.0}/s)",
            done as f64 / started.elapsed().as_secs_f64().max(0.001)
        );
    }
    eprintln!();
    println!(
        "added {count} products in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What `lienket gen-data --event-applicants N` sets up for the event-application benchmark
/// (`bench/event-applications.sh`).
#[derive(Debug, Clone)]
pub struct EventBench {
    /// Cooperatives of the Hà Nội alliance that will apply.
    pub applicants: usize,
    /// Booths of the event's one booth type; by default 60 % of the applicants, so that
    /// approvals run out of booths.
    pub capacity: Option<usize>,
    /// Seconds from the event's creation until its application window closes.
    pub closes_in: u64,
    /// Where the event, its booth type and the API tokens are written, as JSON.
    pub out: std::path::PathBuf,
}

/// Creates what the event-application benchmark needs: `applicants` cooperatives managed by
/// the Hà Nội alliance, each with one published product and one representative holding a
/// personal API token; one Hà Nội staff account with a token; and one published event hosted
/// by Hà Nội with a single booth type, whose application window closes `closes_in` seconds
/// after it is created (to the second). Writes the ids and tokens to `out`.
///
/// The organisations and products follow the seed; the tokens are random, like every token, so
/// the accounts created here can be used only with the tokens in that file.
pub async fn gen_event_bench(
    store: &lienket_store::Store,
    bench: &EventBench,
    seed: u64,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use lienket_domain::event::{BoothTypeDraft, EventDraft, EventKind, EventStatus, MAX_BOOTHS_PER_TYPE};
    use lienket_domain::role::Role;
    use lienket_store::{Actor, NewProduct, NewUser};

    let n = bench.applicants;
    anyhow::ensure!(n > 0, "--event-applicants needs at least one applicant");
    let capacity = bench.capacity.unwrap_or(n * 3 / 5).max(1);
    anyhow::ensure!(
        capacity <= MAX_BOOTHS_PER_TYPE as usize,
        "a booth type holds at most {MAX_BOOTHS_PER_TYPE} booths"
    );
    anyhow::ensure!(
        bench.closes_in <= 366 * 24 * 3600,
        "--event-closes-in is at most a year"
    );
    let actor = Actor::system("gen-data");
    let started = std::time::Instant::now();
    let hn = store
        .alliance_by_code("HN")
        .await
        .context("the Hà Nội alliance (HN) hosts the event")?
        .id;

    // Cooperatives in the provinces the Hà Nội alliance manages; registration codes continue
    // after what the database holds, as for `--orgs`.
    let provinces: Vec<usize> = (0..PROVINCES.len()).filter(|&i| PROVINCES[i].1 == "HN").collect();
    let offset = store.counts().await?.organisations as usize + 1_000_000;
    let mut rng = Lcg::new(seed ^ 0xE7E7_0001);
    let mut rows = Vec::with_capacity(n);
    for j in 0..n {
        let (form, _) = organisation_in(offset + j, provinces[j % provinces.len()], true, &mut rng);
        let input = form
            .parse(today())
            .map_err(|f| anyhow::anyhow!("generated applicant {j} is invalid: {f:?}"))?;
        rows.push((Some(hn), input));
    }
    for chunk in rows.chunks(2_000) {
        store.bulk_create_organisations(&actor, chunk).await?;
    }
    let mut orgs = Vec::with_capacity(n);
    for (_, input) in &rows {
        let code = input
            .registration_code
            .as_ref()
            .context("a generated cooperative has a registration code")?;
        orgs.push(
            store
                .organisation_by_code(code.as_str())
                .await?
                .with_context(|| format!("the organisation {} just added", code.as_str()))?,
        );
    }

    let today_utc = time::OffsetDateTime::now_utc().date();
    let new_products: Vec<NewProduct> = orgs
        .iter()
        .map(|o| {
            let g = product(
                o.province_code.as_deref().unwrap_or("01"),
                o.id,
                &mut rng,
                today_utc,
            );
            NewProduct {
                organisation_id: g.organisation_id,
                input: g.input,
                publish: true,
                certification: Some(g.certification),
            }
        })
        .collect();
    let mut products = Vec::with_capacity(n);
    for chunk in new_products.chunks(500) {
        products.extend(store.bulk_create_products(&actor, chunk).await?);
    }

    // Nobody signs in with a password here: one hash of a random password serves every
    // account (argon2 takes tens of milliseconds per hash by design; 500 would take minutes).
    let password_hash = lienket_web::security::hash_password(lienket_web::security::random_token()).await?;
    let mut applicants = Vec::with_capacity(n);
    for (org, product) in orgs.iter().zip(&products) {
        let user = store
            .create_user(
                &actor,
                &NewUser {
                    username: format!("bench.rep.{}", org.id.0),
                    display_name: format!("Đại diện {}", org.name).chars().take(100).collect(),
                    email: None,
                    password_hash: password_hash.clone(),
                    role: Role::OrganisationRep { organisation: org.id },
                },
            )
            .await?;
        applicants.push(serde_json::json!({
            "token": api_token(store, &actor, user.id).await?,
            "organisation_id": org.id.0,
            "product_id": product.id.0,
        }));
    }
    let staff = store
        .create_user(
            &actor,
            &NewUser {
                username: format!("bench.staff.{}", orgs[0].id.0),
                display_name: "Cán bộ LMHTX Hà Nội (đo tải)".into(),
                email: None,
                password_hash,
                role: Role::AllianceStaff { alliance: hn },
            },
        )
        .await?;
    let staff_token = api_token(store, &actor, staff.id).await?;

    // Built directly rather than through the form, which reads the closing time to the minute.
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .context("the current second")?;
    let closes_at = now + time::Duration::seconds(bench.closes_in as i64);
    let round = store
        .list_events(
            &lienket_store::EventFilter::default(),
            lienket_store::PageRequest::new(Some(1), Some(1)),
        )
        .await?
        .total
        + 1;
    let draft = EventDraft {
        title: format!("Hội chợ OCOP Hà Nội — đợt đo tải {round}"),
        kind: EventKind::Fair,
        venue: "Cung Văn hóa Lao động Hữu nghị Việt Xô, 91 Trần Hưng Đạo, Hà Nội".into(),
        starts_on: lienket_domain::event::vietnam_day(closes_at + time::Duration::days(30)),
        ends_on: lienket_domain::event::vietnam_day(closes_at + time::Duration::days(33)),
        opening_hours: Some("8:00 – 21:00".into()),
        applications_open_at: now - time::Duration::days(1),
        applications_close_at: closes_at,
        eligible_groups: Vec::new(),
        co_organisers: Vec::new(),
        description: Some(format!(
            "Sự kiện tạo cho đo tải: {n} hợp tác xã đăng ký, {capacity} gian hàng."
        )),
        booth_types: vec![BoothTypeDraft {
            id: None,
            name: "Gian tiêu chuẩn".into(),
            size: "3 × 3 m".into(),
            capacity: capacity as i32,
            fee: 2_000_000,
        }],
    };
    let event = store
        .create_event(&actor, hn, &draft, (Some("01".into()), None))
        .await?;
    let event = store
        .set_event_status(&actor, event.id, event.version, EventStatus::Published)
        .await?;
    let booth_type = event.booth_types.first().context("the event's booth type")?;
    let closes_at = event
        .applications_close_at
        .format(&time::format_description::well_known::Rfc3339)?;
    let file = serde_json::json!({
        "event_id": event.id,
        "booth_type_id": booth_type.id,
        "capacity": booth_type.capacity,
        "closes_at": closes_at,
        "staff_token": staff_token,
        "applicants": applicants,
    });
    write_secret(&bench.out, &serde_json::to_vec_pretty(&file)?)
        .with_context(|| format!("writing {}", bench.out.display()))?;
    println!(
        "event {}: {n} applicants, {capacity} booths, applications close at {closes_at}; \
         tokens in {} ({:.1} s)",
        event.id,
        bench.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A new personal API token of `user`, in the form the web layer hands out (`lk_` + 64 hex).
async fn api_token(
    store: &lienket_store::Store,
    actor: &lienket_store::Actor,
    user: lienket_domain::ids::UserId,
) -> anyhow::Result<String> {
    let token = format!("lk_{}", lienket_web::security::random_token());
    store
        .create_api_token(
            actor,
            user,
            "event benchmark",
            &lienket_web::security::token_hash(&token),
            &token[..10],
        )
        .await?;
    Ok(token)
}

/// Writes a file of tokens readable by its owner only (where the system has such modes).
fn write_secret(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Sets up the yearly-review benchmark: accepted yearly reports of every organisation for the
/// `report_years` years before this one, and `activities` activities of the 2023–2025
/// programme (created when missing), each with up to six organisations taking part.
pub async fn gen_programme(
    store: &lienket_store::Store,
    report_years: i32,
    activities: usize,
    seed: u64,
) -> anyhow::Result<()> {
    use lienket_domain::programme::{AREAS_2023_2025, ActivityForm, ActivityKind, PlanForm, ProgrammeForm};
    let actor = lienket_store::Actor::system("gen-data");
    let mut rng = Lcg::new(seed ^ 0x5EED);
    let orgs = store.organisation_ids().await?;
    let started = std::time::Instant::now();
    if report_years > 0 {
        let current = time::OffsetDateTime::now_utc().year();
        let mut batch = Vec::with_capacity(20_000);
        let mut done = 0;
        for year in current - report_years..current {
            for o in &orgs {
                let members = 7 + rng.below(40) as u32;
                batch.push((*o, year, report_figures(members, year, &mut rng)));
                if batch.len() == 20_000 {
                    done += store.bulk_accepted_reports(&actor, &batch).await?;
                    batch.clear();
                    eprint!("\r{done} reports");
                }
            }
        }
        done += store.bulk_accepted_reports(&actor, &batch).await?;
        eprintln!("\r{done} reports in {:.1} s", started.elapsed().as_secs_f64());
    }
    if activities == 0 {
        return Ok(());
    }
    let mut alliances = Vec::new();
    for (code, _, _, _, _) in crate::demo::ALLIANCES {
        alliances.push(store.alliance_by_code(code).await?.id);
    }
    let programme = match store.programmes().await?.into_iter().next() {
        Some(p) => p,
        None => {
            let draft = ProgrammeForm {
                name: "Chương trình phối hợp giai đoạn 2023 – 2025".into(),
                number: "01/CTrPH-LMHTX".into(),
                first_year: "2023".into(),
                last_year: "2025".into(),
                signed_on: "30/03/2023".into(),
                signatories: alliances.iter().map(|a| a.0.to_string()).collect(),
                areas: AREAS_2023_2025.join("\n"),
                summary: String::new(),
            }
            .parse()
            .map_err(|f| anyhow::anyhow!("generated programme is invalid: {f:?}"))?;
            let p = store.create_programme(&actor, &draft).await?;
            for (i, year) in p.years().into_iter().enumerate() {
                let plan = PlanForm {
                    year: year.to_string(),
                    host_alliance_id: alliances[i % alliances.len()].0.to_string(),
                    goals: String::new(),
                }
                .parse(p.period())
                .map_err(|f| anyhow::anyhow!("generated plan is invalid: {f:?}"))?;
                store.save_plan(&actor, p.id, &plan, None).await?;
            }
            store.get_programme(p.id).await?
        }
    };
    let started = std::time::Instant::now();
    for i in 0..activities {
        let year = programme.first_year
            + rng.below((programme.last_year - programme.first_year + 1) as usize) as i32;
        let area = &programme.areas[rng.below(programme.areas.len())];
        let kind = ActivityKind::ALL[rng.below(ActivityKind::ALL.len())];
        let lead = alliances[rng.below(alliances.len())];
        let taking_part: Vec<String> = (0..rng.below(7))
            .filter_map(|_| orgs.get(rng.below(orgs.len())).map(|o| o.0.to_string()))
            .collect();
        let draft = ActivityForm {
            title: format!("Hoạt động phối hợp số {} – {}", i + 1, area.name),
            kind: kind.as_str().into(),
            state: if rng.below(10) == 0 { "planned" } else { "done" }.into(),
            areas: vec![area.id.to_string()],
            lead_alliance_id: lead.0.to_string(),
            alliances: alliances
                .iter()
                .filter(|_| rng.below(3) == 0)
                .map(|a| a.0.to_string())
                .collect(),
            starts_on: format!("{}/{}/{year}", 1 + rng.below(28), 1 + rng.below(12)),
            ends_on: String::new(),
            place: "Hội trường Liên minh".into(),
            participants: (20 + rng.below(300)).to_string(),
            outcome: "Đạt yêu cầu đề ra.".into(),
            event_id: String::new(),
            organisations: taking_part,
        }
        .parse()
        .map_err(|f| anyhow::anyhow!("generated activity {i} is invalid: {f:?}"))?;
        store.create_activity(&actor, programme.id, &draft).await?;
        if (i + 1) % 500 == 0 {
            eprint!("\r{}/{activities} activities", i + 1);
        }
    }
    eprintln!(
        "\r{activities} activities in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
