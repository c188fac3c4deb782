//! Prometheus text metrics: request counts by method and status class, and latency buckets.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode};

const BUCKETS_MS: [u64; 9] = [1, 5, 10, 25, 50, 100, 250, 1000, 5000];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Counters kept by each node (Prometheus scrapes every node).
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [[AtomicU64; 5]; 2],
    buckets: [AtomicU64; 9],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, method: &Method, status: StatusCode, elapsed: Duration, _path: &str) {
        let m = usize::from(!matches!(*method, Method::GET | Method::HEAD));
        let class = (status.as_u16() / 100).clamp(1, 5) as usize - 1;
        self.requests[m][class].fetch_add(1, Ordering::Relaxed);
        let ms = elapsed.as_millis() as u64;
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if ms <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self, uptime: Duration, extra: &[(&str, &str, u64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP lienket_http_requests_total HTTP requests by method kind and status class.\n");
        out.push_str("# TYPE lienket_http_requests_total counter\n");
        for (mi, m) in ["read", "write"].iter().enumerate() {
            for (ci, c) in CLASSES.iter().enumerate() {
                let v = self.requests[mi][ci].load(Ordering::Relaxed);
                out.push_str(&format!(
                    "lienket_http_requests_total{{method=\"{m}\",status=\"{c}\"}} {v}\n"
                ));
            }
        }
        out.push_str("# HELP lienket_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE lienket_http_request_duration_seconds histogram\n");
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            let v = self.buckets[i].load(Ordering::Relaxed);
            out.push_str(&format!(
                "lienket_http_request_duration_seconds_bucket{{le=\"{}\"}} {v}\n",
                *b as f64 / 1000.0
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!(
            "lienket_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "lienket_http_request_duration_seconds_sum {}\n",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        ));
        out.push_str(&format!("lienket_http_request_duration_seconds_count {count}\n"));
        out.push_str("# HELP lienket_uptime_seconds Seconds since this node started.\n");
        out.push_str("# TYPE lienket_uptime_seconds gauge\n");
        out.push_str(&format!("lienket_uptime_seconds {}\n", uptime.as_secs()));
        for (name, help, value) in extra {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
            ));
        }
        out
    }
}
