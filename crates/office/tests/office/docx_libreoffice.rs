//! An administrative document as LibreOffice lays it out: a yearly review converted to PDF,
//! then checked with poppler's `pdfinfo` and `pdftotext`.
//!
//! Runs only with `LIENKET_TEST_LIBREOFFICE=1` (and then fails if a tool is missing):
//! `apt-get install libreoffice-writer-nogui poppler-utils`. The DOCX and PDF stay in
//! `target/tmp/docx-libreoffice/` to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use lienket_office::docx::{AdminDocument, Annex, Block, Table, write_admin_document};
use unicode_normalization::UnicodeNormalization;

const WARDS: [&str; 10] = [
    "Phường Hoàn Kiếm",
    "Phường Ba Đình",
    "Phường Đống Đa",
    "Xã Gia Lâm",
    "Xã Đông Anh",
    "Xã Sóc Sơn",
    "Phường Hà Đông",
    "Xã Thanh Trì",
    "Xã Mê Linh",
    "Phường Long Biên",
];

/// A yearly review as an alliance writes it: basis, situation, results with tables,
/// assessment, directions, proposals, then recipients, signature and an annex.
fn review() -> AdminDocument {
    let cooperatives = Table {
        caption: Some("Bảng 1. Hợp tác xã thành lập mới năm 2024 theo địa bàn".into()),
        header: vec![
            "TT".into(),
            "Địa bàn".into(),
            "Số HTX thành lập mới".into(),
            "Số thành viên".into(),
            "Vốn điều lệ (triệu đồng)".into(),
        ],
        rows: (1..=30)
            .map(|i| {
                vec![
                    i.to_string(),
                    format!("{} (khu vực {})", WARDS[(i - 1) % WARDS.len()], i.div_ceil(10)),
                    (i % 4 + 1).to_string(),
                    (i * 7 + 12).to_string(),
                    format!("{}.{:03}", i % 3 + 1, (i * 137) % 1000),
                ]
            })
            .chain([vec![
                "".into(),
                "Tổng cộng".into(),
                "75".into(),
                "3.615".into(),
                "60.412".into(),
            ]])
            .collect(),
        numeric: vec![true, false, true, true, true],
        total_row: true,
    };
    let events = Table {
        caption: Some("Bảng 2. Hoạt động xúc tiến thương mại năm 2024".into()),
        header: vec![
            "TT".into(),
            "Hội chợ, triển lãm".into(),
            "Thời gian".into(),
            "Số gian hàng".into(),
        ],
        rows: (1..=30)
            .map(|i| {
                vec![
                    i.to_string(),
                    format!("Tuần lễ quảng bá sản phẩm OCOP và nông sản an toàn lần thứ {i}"),
                    format!("{:02}/{:02}/2024", (i * 3) % 28 + 1, (i % 12) + 1),
                    (i * 3 + 5).to_string(),
                ]
            })
            .collect(),
        numeric: vec![true, false, false, true],
        total_row: false,
    };
    let paragraph = |text: &str| Block::Paragraph(text.into());
    AdminDocument {
        parent_body: "Liên minh Hợp tác xã Việt Nam".into(),
        issuing_body: "Liên minh Hợp tác xã thành phố Hà Nội".into(),
        number: "Số: 05/BC-LMHTX".into(),
        place_date: "Hà Nội, ngày 05 tháng 3 năm 2025".into(),
        title: "Báo cáo".into(),
        summary: "Sơ kết 01 năm thực hiện Chương trình phối hợp về phát triển kinh tế tập thể năm 2024"
            .into(),
        body: vec![
            paragraph(
                "Căn cứ Chương trình phối hợp số 12/CTr-LMHTX-SNN ngày 15/01/2024 giữa Liên minh Hợp tác xã \
                 thành phố và Sở Nông nghiệp và Môi trường về phát triển kinh tế tập thể giai đoạn 2024 - 2025; \
                 Ban Thường trực Liên minh Hợp tác xã thành phố báo cáo kết quả thực hiện năm 2024 như sau:",
            ),
            Block::Heading1("I. TÌNH HÌNH CHUNG VÀ CÔNG TÁC CHỈ ĐẠO".into()),
            paragraph(
                "Năm 2024, kinh tế tập thể trên địa bàn thành phố tiếp tục phát triển; nhiều hợp tác xã đổi mới \
                 phương thức hoạt động, ứng dụng chuyển đổi số trong sản xuất, kinh doanh và liên kết chuỗi giá trị.\n\
                 Ban Thường trực đã ban hành kế hoạch triển khai, phân công nhiệm vụ cho các ban chuyên môn và \
                 định kỳ hằng quý kiểm tra, đôn đốc việc thực hiện.",
            ),
            Block::Heading1("II. KẾT QUẢ THỰC HIỆN".into()),
            Block::Heading2("1. Thông tin, tuyên truyền".into()),
            paragraph(
                "Phối hợp tổ chức 24 hội nghị tuyên truyền Luật Hợp tác xã năm 2023 cho trên 2.000 lượt cán bộ, \
                 thành viên hợp tác xã; đăng tải 156 tin, bài trên trang thông tin điện tử của Liên minh.",
            ),
            Block::Bullet("Hội nghị tập huấn về chuyển đổi số cho hợp tác xã: 8 lớp, 640 học viên;".into()),
            Block::Bullet("Tọa đàm về mô hình hợp tác xã kiểu mới hiệu quả: 4 cuộc.".into()),
            Block::Heading2("2. Thành lập mới và củng cố hợp tác xã".into()),
            paragraph("Trong năm, toàn thành phố thành lập mới 75 hợp tác xã, chi tiết tại Bảng 1."),
            Block::Table(cooperatives),
            Block::Heading2("3. Xúc tiến thương mại".into()),
            paragraph(
                "Hỗ trợ các hợp tác xã tham gia 30 hội chợ, triển lãm, tuần lễ quảng bá sản phẩm (Bảng 2).",
            ),
            Block::Table(events),
            Block::Heading1("III. ĐÁNH GIÁ CHUNG".into()),
            paragraph(
                "Công tác phối hợp được triển khai đồng bộ, kịp thời. Tuy nhiên, quy mô hợp tác xã còn nhỏ, \
                 năng lực quản trị của một số hợp tác xã còn hạn chế; nguồn lực hỗ trợ chưa đáp ứng nhu cầu.",
            ),
            Block::Heading1("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025".into()),
            Block::Bullet("Tiếp tục tuyên truyền, hướng dẫn thi hành Luật Hợp tác xã năm 2023;".into()),
            Block::Bullet("Hỗ trợ xây dựng 20 mô hình hợp tác xã kiểu mới hiệu quả.".into()),
            Block::Heading1("V. ĐỀ XUẤT, KIẾN NGHỊ".into()),
            paragraph(
                "Đề nghị Ủy ban nhân dân thành phố bố trí kinh phí hỗ trợ hợp tác xã tham gia xúc tiến thương mại.",
            ),
        ],
        recipients: vec![
            "Liên minh HTX Việt Nam (để b/c);".into(),
            "Thường trực Thành ủy (để b/c);".into(),
            "UBND thành phố (để b/c);".into(),
            "Sở Nông nghiệp và Môi trường;".into(),
        ],
        signer_role: "TM. Ban Thường trực\nChủ tịch".into(),
        signer_name: "Nguyễn Văn An".into(),
        annexes: vec![Annex {
            label: "Phụ lục I".into(),
            title: "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2024".into(),
            subtitle: "(Kèm theo Báo cáo số 05/BC-LMHTX ngày 05/3/2025 của Liên minh Hợp tác xã thành phố)"
                .into(),
            blocks: vec![Block::Table(Table {
                caption: None,
                header: vec![
                    "TT".into(),
                    "Chỉ tiêu".into(),
                    "Kế hoạch".into(),
                    "Thực hiện".into(),
                    "Tỷ lệ (%)".into(),
                ],
                rows: vec![
                    vec![
                        "1".into(),
                        "Hợp tác xã thành lập mới".into(),
                        "70".into(),
                        "75".into(),
                        "107,1".into(),
                    ],
                    vec![
                        "2".into(),
                        "Thành viên mới".into(),
                        "3.000".into(),
                        "3.615".into(),
                        "120,5".into(),
                    ],
                    vec![
                        "3".into(),
                        "Sản phẩm OCOP 3 sao trở lên".into(),
                        "40".into(),
                        "38".into(),
                        "95,0".into(),
                    ],
                ],
                numeric: vec![true, false, true, true, true],
                total_row: false,
            })],
        }],
    }
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("LIENKET_TEST_LIBREOFFICE=1 but {program} cannot run ({e}): apt-get install libreoffice-writer-nogui poppler-utils"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn pdf_text(pdf: &Path, page: Option<u32>) -> String {
    let pdf = pdf.to_str().expect("a UTF-8 path");
    let text = match page {
        Some(page) => run(
            "pdftotext",
            &["-f", &page.to_string(), "-l", &page.to_string(), pdf, "-"],
        ),
        None => run("pdftotext", &[pdf, "-"]),
    };
    text.nfc().collect()
}

fn convert_to_pdf(docx: &Path, out_dir: &Path) -> PathBuf {
    // A fresh profile: the first start of LibreOffice creates one, and a shared one is locked
    // by any other running instance.
    let profile = std::env::temp_dir().join(format!("lienket-soffice-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let profile_url = format!("-env:UserInstallation=file://{}", profile.display());
    run(
        "soffice",
        &[
            &profile_url,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            out_dir.to_str().expect("a UTF-8 path"),
            docx.to_str().expect("a UTF-8 path"),
        ],
    );
    let _ = std::fs::remove_dir_all(&profile);
    let pdf = docx.with_extension("pdf");
    assert!(pdf.exists(), "soffice wrote no {}", pdf.display());
    pdf
}

#[test]
fn libreoffice_lays_out_a_yearly_review_on_a4_with_the_national_heading() {
    if std::env::var("LIENKET_TEST_LIBREOFFICE").map_or(true, |v| v != "1") {
        eprintln!("skipping the LibreOffice layout test: set LIENKET_TEST_LIBREOFFICE=1 to run it");
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docx-libreoffice");
    std::fs::create_dir_all(&dir).expect("an output directory");
    let docx = dir.join("bao-cao-so-ket.docx");
    let _ = std::fs::remove_file(docx.with_extension("pdf"));
    std::fs::write(&docx, write_admin_document(&review())).expect("the DOCX is written");
    let pdf = convert_to_pdf(&docx, &dir);
    eprintln!("wrote {} and {}", docx.display(), pdf.display());

    let info = run("pdfinfo", &[pdf.to_str().expect("a UTF-8 path")]);
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    let pages: u32 = field("Pages:").parse().expect("a page count");
    assert!(pages >= 3, "{pages} pages");
    let size: Vec<f64> = field("Page size:")
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    assert!(
        size.len() == 2 && (size[0] - 595.0).abs() < 1.5 && (size[1] - 842.0).abs() < 1.5,
        "not A4 portrait: {size:?}"
    );

    let text = pdf_text(&pdf, None);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-LMHTX",
        "Nơi nhận",
        "Phụ lục I",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF text:\n{text}"
        );
    }
    // The page number is centred at the top from page 2 only.
    let first_line = |page| {
        pdf_text(&pdf, Some(page))
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(String::from)
    };
    assert_ne!(first_line(1).as_deref(), Some("1"));
    assert_eq!(first_line(2).as_deref(), Some("2"));
}
