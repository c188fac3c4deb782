//! Catalogue search relevance: nDCG@10 over the labelled set in `tests/relevance/`.
//!
//! Indexes `catalog.csv` in memory, runs every query of `queries.tsv` (limit 10, relevance
//! order), prints the mean nDCG@10 per query kind, writes the rankings to
//! `target/relevance-ranking.tsv` (for `bench/search-relevance.py --ranking`, which compares with
//! SQLite FTS5), and fails when the overall mean is below 0.92 or any kind's below 0.85.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lienket_search::{ProductDoc, Query, SearchIndex, Sort};

const OVERALL_MIN: f64 = 0.92;
const KIND_MIN: f64 = 0.85;
const K: usize = 10;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance")
}

/// Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    rows
}

fn load_catalog() -> Vec<ProductDoc> {
    let text = std::fs::read_to_string(data_dir().join("catalog.csv")).expect("catalog.csv");
    let mut rows = parse_csv(&text).into_iter();
    let header = rows.next().expect("a header row");
    assert_eq!(
        header,
        [
            "code",
            "name",
            "producer",
            "province_code",
            "province_name",
            "legacy_province",
            "group",
            "set_no",
            "stars",
            "description"
        ]
    );
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    rows.enumerate()
        .map(|(i, r)| {
            assert_eq!(r.len(), 10, "row {}: {r:?}", i + 2);
            ProductDoc {
                id: format!("00000000-0000-0000-0000-{:012}", i + 1),
                code: r[0].clone(),
                name: r[1].clone(),
                producer_id: format!("producer-{}", r[2]),
                producer_name: r[2].clone(),
                alliance_code: None,
                province_code: some(&r[3]),
                province_name: some(&r[4]),
                // The product's own pre-2025 province: the merged one, or else its current one
                // (an empty list would stand for every province merged into it).
                legacy_provinces: some(&r[5]).or_else(|| some(&r[4])).into_iter().collect(),
                group: some(&r[6]),
                set_no: r[7].parse().ok(),
                stars: r[8].parse().ok(),
                description: r[9].clone(),
                published_at: 1_700_000_000 + i as i64 * 3_600,
                card: String::new(),
            }
        })
        .collect()
}

struct Judged {
    id: String,
    kind: String,
    text: String,
    grades: HashMap<String, u32>,
}

fn load_queries() -> Vec<Judged> {
    let text = std::fs::read_to_string(data_dir().join("queries.tsv")).expect("queries.tsv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id\tkind\tquery\tjudgments"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "{l}");
            let grades = cols[3]
                .split_whitespace()
                .map(|pair| {
                    let (code, grade) = pair.rsplit_once(':').expect("CODE:GRADE");
                    (code.to_string(), grade.parse().expect("a grade"))
                })
                .collect();
            Judged {
                id: cols[0].into(),
                kind: cols[1].into(),
                text: cols[2].into(),
                grades,
            }
        })
        .collect()
}

fn gain(grade: u32) -> f64 {
    f64::from((1u32 << grade) - 1)
}

fn discount(rank: usize) -> f64 {
    ((rank + 1) as f64).log2()
}

/// nDCG@10 of a ranking (codes, best first).
fn ndcg(ranking: &[String], grades: &HashMap<String, u32>) -> f64 {
    let dcg: f64 = ranking
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, code)| gain(grades.get(code).copied().unwrap_or(0)) / discount(i + 1))
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, &g)| gain(g) / discount(i + 1))
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

#[test]
fn ndcg_is_computed_like_the_benchmark() {
    let grades: HashMap<String, u32> = [("A".to_string(), 3), ("B".to_string(), 1)].into();
    let perfect = ["A".to_string(), "B".to_string()];
    assert!((ndcg(&perfect, &grades) - 1.0).abs() < 1e-9);
    let swapped = ["B".to_string(), "A".to_string()];
    let expected = (1.0 + 7.0 / 3f64.log2()) / (7.0 + 1.0 / 3f64.log2());
    assert!((ndcg(&swapped, &grades) - expected).abs() < 1e-9);
    assert_eq!(ndcg(&[], &grades), 0.0);
}

#[test]
fn csv_reader_handles_quotes_commas_and_line_breaks() {
    let rows = parse_csv("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n");
    assert_eq!(rows, [vec!["a", "b"], vec!["x, \"y\"", "two\nlines"]]);
}

#[test]
fn relevance_meets_the_thresholds() {
    let dir = data_dir();
    if !dir.join("catalog.csv").exists() || !dir.join("queries.tsv").exists() {
        panic!("the relevance set is missing from {}", dir.display());
    }
    let catalog = load_catalog();
    let queries = load_queries();
    assert!(catalog.len() >= 300, "catalogue of {} products", catalog.len());
    assert!(queries.len() >= 90, "{} queries", queries.len());

    // RELEVANCE_SHOW=Q001,Q002 prints those queries' hits with their names, to tune by.
    let show: Vec<String> = std::env::var("RELEVANCE_SHOW")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let names: HashMap<String, String> = catalog
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                format!(
                    "{} [{}{}]",
                    p.name,
                    p.province_name.clone().unwrap_or_default(),
                    if p.legacy_provinces.is_empty() {
                        String::new()
                    } else {
                        format!(" < {}", p.legacy_provinces.join(", "))
                    }
                ),
            )
        })
        .collect();

    let index = SearchIndex::in_memory().expect("an index");
    index.replace_all(catalog.into_iter(), 1).expect("indexing");

    let mut by_kind: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut ranking_file = String::new();
    let mut worst: Vec<(f64, String)> = Vec::new();
    for q in &queries {
        let results = index
            .search(&Query {
                text: q.text.clone(),
                sort: Sort::Relevance,
                limit: K,
                ..Query::default()
            })
            .expect("a search");
        let codes: Vec<String> = results.hits.iter().map(|h| h.code.clone()).collect();
        if show.contains(&q.id) {
            println!("{} {} — {}", q.id, q.kind, q.text);
            for h in &results.hits {
                let grade = q.grades.get(&h.code).copied().unwrap_or(0);
                println!("  {grade} {:7.2} {} {}", h.score, h.code, names[&h.code]);
            }
            let mut missing: Vec<(&String, &u32)> = q
                .grades
                .iter()
                .filter(|(c, g)| **g >= 2 && !codes.contains(c))
                .collect();
            missing.sort();
            for (c, g) in missing {
                println!("  missing {g} {c} {}", names[c]);
            }
        }
        let score = ndcg(&codes, &q.grades);
        by_kind.entry(q.kind.clone()).or_default().push(score);
        ranking_file.push_str(&format!("{}\t{}\n", q.id, codes.join(" ")));
        let shown: Vec<String> = codes
            .iter()
            .map(|c| format!("{c}:{}", q.grades.get(c).copied().unwrap_or(0)))
            .collect();
        worst.push((
            score,
            format!("{} {:<16} {:<32} {}", q.id, q.kind, q.text, shown.join(" ")),
        ));
    }

    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    std::fs::create_dir_all(&target).expect("target dir");
    std::fs::write(target.join("relevance-ranking.tsv"), &ranking_file).expect("ranking file");

    let all: Vec<f64> = by_kind.values().flatten().copied().collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let overall = mean(&all);
    println!("{:<18} {:>7} {:>8}", "kind", "queries", "nDCG@10");
    for (kind, scores) in &by_kind {
        println!("{kind:<18} {:>7} {:>8.3}", scores.len(), mean(scores));
    }
    println!("{:<18} {:>7} {:>8.3}", "overall", all.len(), overall);
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("\nweakest queries:");
    for (score, line) in worst.iter().take(15) {
        println!("{score:.3} {line}");
    }

    let failing: Vec<String> = by_kind
        .iter()
        .filter(|(_, s)| mean(s) < KIND_MIN)
        .map(|(k, s)| format!("{k} {:.3}", mean(s)))
        .collect();
    assert!(
        overall >= OVERALL_MIN,
        "overall nDCG@10 {overall:.3} < {OVERALL_MIN}"
    );
    assert!(failing.is_empty(), "kinds below {KIND_MIN}: {failing:?}");
}
