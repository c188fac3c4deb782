//! Times each query of a list against an index directory, one at a time: the cold cost of each
//! query (the first run) and a second run, with hits and the slowest queries.
//!
//! Usage: cargo run --release -p lienket-search --example query_times -- INDEX_DIR QUERIES.tsv
//! (the server must not hold the directory); `THREADS=2` also runs the list on two threads.

use std::time::Instant;

use lienket_search::{Query, SearchIndex};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, tsv) = (&args[1], &args[2]);
    let (index, state) = SearchIndex::open(std::path::Path::new(dir)).expect("open the index");
    eprintln!("opened: {state:?}, {} documents", index.len());
    let status = || {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("RssAnon") || l.starts_with("RssFile"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!("after open: {}", status());
    let text = std::fs::read_to_string(tsv).expect("read the queries");
    let queries: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2))
        .collect();
    let mut rows = Vec::new();
    for pass in 0..2 {
        for (i, q) in queries.iter().enumerate() {
            let query = Query {
                text: q.to_string(),
                limit: 10,
                ..Query::default()
            };
            let t = Instant::now();
            let r = index.search(&query).expect("search");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if pass == 0 {
                rows.push((q.to_string(), r.total, ms, 0.0));
            } else {
                rows[i].3 = ms;
            }
        }
    }
    eprintln!("after searches: {}", status());
    // With THREADS set: the list again on that many threads at once (each its share), for what
    // searches running together cost each other.
    if let Some(threads) = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse::<usize>().ok())
    {
        let t = Instant::now();
        std::thread::scope(|scope| {
            for k in 0..threads {
                let (index, queries) = (&index, &queries);
                scope.spawn(move || {
                    for q in queries.iter().skip(k).step_by(threads) {
                        let query = Query {
                            text: q.to_string(),
                            limit: 10,
                            ..Query::default()
                        };
                        index.search(&query).expect("search");
                    }
                });
            }
        });
        let took = t.elapsed().as_secs_f64();
        println!(
            "{threads} threads: {:.0} queries/s, {:.2} ms of a thread per query",
            queries.len() as f64 / took,
            took * 1000.0 * threads as f64 / queries.len() as f64
        );
    }
    let mut second: Vec<f64> = rows.iter().map(|r| r.3).collect();
    second.sort_by(f64::total_cmp);
    let sum: f64 = second.iter().sum();
    println!(
        "queries {}, mean {:.2} ms, p50 {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        second.len(),
        sum / second.len() as f64,
        second[second.len() / 2],
        second[second.len() * 9 / 10],
        second[second.len() - 1]
    );
    rows.sort_by(|a, b| b.3.total_cmp(&a.3));
    for (q, total, first, again) in rows.iter().take(25) {
        println!("{again:8.2} ms (first {first:8.2}) {total:8} hits  {q}");
    }
}
