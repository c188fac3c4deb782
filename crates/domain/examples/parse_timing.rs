//! Timings of loading the administrative units and parsing addresses, against a baseline in
//! the same run: folding the same addresses (NFC, lower case, accents removed), the least work
//! any matcher must do per address. Run by `bench/address-parse.sh`.

use std::hint::black_box;
use std::time::Instant;

use lienket_domain::admin_units::{parse_address, units};

fn main() {
    let started = Instant::now();
    let u = units();
    let load = started.elapsed();

    let mut addresses: Vec<String> = Vec::new();
    for p in u.legacy_provinces() {
        for d in u.legacy_districts(p.code).iter().take(3) {
            for w in u.legacy_wards(d.code).iter().take(5) {
                addresses.push(format!("Số 12 đường Lê Lợi, {}, {}, {}", w.name, d.name, p.name));
            }
        }
    }
    for p in u.provinces_2025() {
        for w in u.wards_2025(p.code).iter().take(30) {
            addresses.push(format!("thon dong {} {}", w.name, p.short_name).to_lowercase());
        }
    }
    let started = Instant::now();
    let mut found = 0;
    for a in &addresses {
        found += usize::from(black_box(parse_address(a)).ward_2025.is_some());
    }
    let parse = started.elapsed();
    let per_address = parse.as_secs_f64() * 1e6 / addresses.len() as f64;

    println!(
        "load: {:.1} ms; parse: {per_address:.1} µs per address over {} addresses ({found} with a ward)",
        load.as_secs_f64() * 1e3,
        addresses.len()
    );
    let started = Instant::now();
    for a in &addresses {
        black_box(lienket_domain::text::fold(a));
    }
    let fold = started.elapsed().as_secs_f64() * 1e6 / addresses.len() as f64;
    println!(
        "baseline fold: {fold:.2} µs per address; parse / fold = {:.1}×",
        per_address / fold
    );
}
