//! Prometheus metrics: requests by method, route template and status, a latency histogram per
//! route template, and the database pool. Counted by [`middleware`]; rendered in the text
//! exposition format by [`Metrics::render`] for `/metrics` (served only with a token).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bound (cumulative when rendered).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Counts {
    /// (method, route template, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route template) → latency.
    latency: BTreeMap<(String, String), Histogram>,
}

/// The counters of one process.
#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

/// The database pool as the metrics show it.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
    /// Threads waiting for a connection.
    pub waiting: usize,
    /// Statements the pool's connections sent since start (BEGIN and COMMIT included).
    pub statements: u64,
}

/// Work queued in the database: audit events not yet sealed into their chains, webhook
/// deliveries waiting to be sent and those given up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backlog {
    pub unsealed_audit_events: i64,
    pub webhooks_pending: i64,
    pub webhooks_failed: i64,
}

/// A label value with `\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.requests.entry((method.to_string(), route.to_string(), status)).or_insert(0) += 1;
        let h = counts.latency.entry((method.to_string(), route.to_string())).or_default();
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Everything, in the Prometheus text format (version 0.0.4).
    pub fn render(&self, pool: PoolState, backlog: Backlog) -> String {
        let counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = String::new();
        out.push_str("# HELP kinerja_http_requests_total Requests answered, by method, route template and status.\n");
        out.push_str("# TYPE kinerja_http_requests_total counter\n");
        for ((method, route, status), n) in &counts.requests {
            let _ = writeln!(
                out,
                "kinerja_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        out.push_str("# HELP kinerja_http_request_duration_seconds Time to answer, by method and route template.\n");
        out.push_str("# TYPE kinerja_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &counts.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", label(method), label(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "kinerja_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(out, "kinerja_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "kinerja_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "kinerja_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        let in_use = pool.connections.saturating_sub(pool.idle);
        out.push_str("# HELP kinerja_db_pool_connections Database connections by state.\n");
        out.push_str("# TYPE kinerja_db_pool_connections gauge\n");
        let _ = writeln!(out, "kinerja_db_pool_connections{{state=\"in_use\"}} {in_use}");
        let _ = writeln!(out, "kinerja_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
        out.push_str("# HELP kinerja_db_pool_max_connections The pool's size.\n");
        out.push_str("# TYPE kinerja_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "kinerja_db_pool_max_connections {}", pool.max);
        out.push_str(
            "# HELP kinerja_db_statements_total Statements sent to the database, BEGIN and COMMIT included.\n",
        );
        out.push_str("# TYPE kinerja_db_statements_total counter\n");
        let _ = writeln!(out, "kinerja_db_statements_total {}", pool.statements);
        out.push_str("# HELP kinerja_db_pool_waiting Requests waiting for a database connection.\n");
        out.push_str("# TYPE kinerja_db_pool_waiting gauge\n");
        let _ = writeln!(out, "kinerja_db_pool_waiting {}", pool.waiting);
        out.push_str("# HELP kinerja_audit_unsealed_events Audit events not yet sealed into their chains.\n");
        out.push_str("# TYPE kinerja_audit_unsealed_events gauge\n");
        let _ = writeln!(out, "kinerja_audit_unsealed_events {}", backlog.unsealed_audit_events);
        out.push_str("# HELP kinerja_webhook_deliveries Webhook deliveries waiting to be sent, and given up.\n");
        out.push_str("# TYPE kinerja_webhook_deliveries gauge\n");
        let _ = writeln!(out, "kinerja_webhook_deliveries{{status=\"pending\"}} {}", backlog.webhooks_pending);
        let _ = writeln!(out, "kinerja_webhook_deliveries{{status=\"failed\"}} {}", backlog.webhooks_failed);
        out
    }
}

/// Counts every request under its route template (`/api/v1/employees/{id}`, never the raw path,
/// so ids do not multiply the series); requests no route took count as `unmatched`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let metrics = req.app_data::<actix_web::web::Data<Metrics>>().cloned();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_string());
        metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/api/v1/employees/{id}", 200, 0.003);
        m.observe("GET", "/api/v1/employees/{id}", 200, 0.2);
        m.observe("GET", "/api/v1/employees/{id}", 404, 0.004);
        let backlog = Backlog { unsealed_audit_events: 7, webhooks_pending: 2, webhooks_failed: 1 };
        let text = m.render(PoolState { connections: 3, idle: 1, max: 10, waiting: 4, statements: 12 }, backlog);
        assert!(text.contains(
            "kinerja_http_requests_total{method=\"GET\",route=\"/api/v1/employees/{id}\",status=\"200\"} 2\n"
        ));
        let labels = "method=\"GET\",route=\"/api/v1/employees/{id}\"";
        assert!(text.contains(&format!("kinerja_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 2\n")));
        assert!(text.contains(&format!("kinerja_http_request_duration_seconds_bucket{{{labels},le=\"0.25\"}} 3\n")));
        assert!(text.contains(&format!("kinerja_http_request_duration_seconds_count{{{labels}}} 3\n")));
        assert!(text.contains("kinerja_db_pool_connections{state=\"in_use\"} 2\n"));
        assert!(text.contains("kinerja_db_pool_waiting 4\n"));
        assert!(text.contains("kinerja_db_statements_total 12\n"));
        assert!(text.contains("kinerja_audit_unsealed_events 7\n"));
        assert!(text.contains("kinerja_webhook_deliveries{status=\"pending\"} 2\n"));
        assert!(text.contains("kinerja_webhook_deliveries{status=\"failed\"} 1\n"));
    }
}
