use lienket_domain::admin_units::*;
#[test]
fn scratch() {
    let t = std::time::Instant::now();
    let u = units();
    println!("load {:?}", t.elapsed());
    for a in [
        "phường Văn Quán, quận Hà Đông, Hà Nội",
        "Phường Ba Đình, Thành phố Hà Nội",
        "P. Truc Bach, Q. Ba Dinh, TP. Ha Noi",
        "Hải Dương",
        "Hà Nội",
        "Số 12 ngõ 34 Văn Quán, P. Văn Quán, Q. Hà Đông, TP. Hà Nội",
        "so 12 ngo 34 van quan van quan ha dong ha noi",
        "Văn Quán, Hà Đông, Hà Nội",
        "Ba Đình, Hà Nội",
        "P.5, Q.3, TPHCM",
        "phuong 5 quan 3 hcm",
        "Q.1, Sài Gòn",
        "Xã Văn Quán",
        "Phường Tân An",
        "xyz",
        "",
        "😀😀",
    ] {
        let m = u.parse_address(a);
        println!(
            "{a:?}\n  scheme={:?} p={:?} w={:?} legacy={:?} conf={} review={} alts={:?}",
            m.scheme,
            m.province_2025.map(|p| p.name),
            m.ward_2025.map(|w| (w.code, w.name)),
            m.legacy.as_ref().map(|l| (
                l.province.name,
                l.district.map(|d| d.name),
                l.ward.map(|w| (w.code, w.name))
            )),
            m.confidence,
            m.needs_review,
            m.alternatives
                .iter()
                .map(|c| (
                    c.province_2025.short_name,
                    c.ward_2025.map(|w| (w.code, w.name)),
                    c.score
                ))
                .collect::<Vec<_>>()
        );
    }
}
