//! The browser edge: CORS (closed by default, open to the configured origins, preflights
//! answered), security headers on every response, and the Prometheus metrics behind a token.

use actix_web::http::Method;
use actix_web::test::TestRequest;

use crate::helpers::TestApp;

const PORTAL: &str = "https://kinerja.example.go.id";

fn preflight(origin: &str, method: &str, headers: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/api/v1/me")
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", method))
        .insert_header(("access-control-request-headers", headers))
}

#[actix_web::test]
async fn cors_is_closed_by_default_and_open_to_the_configured_origins_only() {
    // Closed: no origin is admitted, neither in a preflight nor in a request.
    let closed = TestApp::spawn().await;
    let refused = closed.send(preflight(PORTAL, "GET", "authorization")).await;
    assert!(refused.header("access-control-allow-origin").is_none());
    assert_eq!(refused.status.as_u16(), 400);
    let org = closed.seed_org("cors-closed");
    let token = closed.token_for(&org.staff);
    let request = TestRequest::get()
        .uri("/api/v1/me")
        .insert_header(("origin", PORTAL))
        .insert_header(("authorization", format!("Bearer {token}")));
    let response = closed.send(request).await;
    assert!(response.header("access-control-allow-origin").is_none(), "{:?}", response.headers);
    // The service's own pages (the docs UI) send their origin on writes: same-origin still works.
    let own = TestRequest::get()
        .uri("/api/v1/me")
        .insert_header(("host", "kinerja.test:8080"))
        .insert_header(("origin", "http://kinerja.test:8080"))
        .insert_header(("authorization", format!("Bearer {token}")));
    closed.send(own).await.expect(200);

    // Open to one origin: the preflight names what a client sends and reads.
    let open = TestApp::spawn_with(|s| s.cors_origins = vec![PORTAL.to_string()]).await;
    let answered = open.send(preflight(PORTAL, "PUT", "authorization, content-type, if-match, idempotency-key")).await;
    assert_eq!(answered.status.as_u16(), 200);
    assert_eq!(answered.header("access-control-allow-origin"), Some(PORTAL));
    let allowed = answered.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
    for name in ["authorization", "if-match", "idempotency-key"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert!(answered.header("access-control-allow-methods").unwrap().contains("PUT"));
    let org = open.seed_org("cors-open");
    let request = TestRequest::get()
        .uri(&format!("/api/v1/employees/{}", org.staff.id))
        .insert_header(("origin", PORTAL))
        .insert_header(("authorization", format!("Bearer {}", open.token_for(&org.admin))));
    let response = open.send(request).await;
    response.expect(200);
    assert_eq!(response.header("access-control-allow-origin"), Some(PORTAL));
    let exposed = response.header("access-control-expose-headers").unwrap().to_ascii_lowercase();
    assert!(exposed.contains("etag") && exposed.contains("x-request-id"), "{exposed}");
    // Another origin gets nothing.
    let other = open.send(preflight("https://evil.example", "GET", "authorization")).await;
    assert!(other.header("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn every_response_carries_the_security_headers_and_the_docs_run_under_their_policy() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/api/v1/me", "/nowhere"] {
        let response = app.send(TestRequest::get().uri(path)).await;
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(response.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert!(response.header("content-security-policy").unwrap().starts_with("default-src 'none'"), "{path}");
        assert!(response.header("strict-transport-security").is_none(), "no HSTS unless configured");
    }
    // The docs page loads only its own scripts (no inline script the policy would block).
    let docs = app.send(TestRequest::get().uri("/docs/")).await;
    assert_eq!(docs.status.as_u16(), 200);
    let policy = docs.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), "{policy}");
    let page = String::from_utf8_lossy(&docs.body).to_string();
    let inline_scripts = page
        .match_indices("<script")
        .filter(|(at, _)| !page[*at..].split('>').next().unwrap().contains("src="))
        .count();
    assert_eq!(inline_scripts, 0, "{page}");

    let behind_tls = TestApp::spawn_with(|s| s.hsts_max_age_secs = Some(31_536_000)).await;
    let response = behind_tls.send(TestRequest::get().uri("/healthz")).await;
    assert_eq!(response.header("strict-transport-security"), Some("max-age=31536000; includeSubDomains"));
}

#[actix_web::test]
async fn metrics_are_closed_by_default_and_count_requests_by_route_template() {
    let app = TestApp::spawn().await;
    app.send(TestRequest::get().uri("/metrics")).await.expect_problem(404, "not_found");

    let token = "metrics-token-0123456789";
    let app = TestApp::spawn_with(|s| s.metrics_token = Some(token.to_string())).await;
    app.send(TestRequest::get().uri("/metrics")).await.expect_problem(401, "invalid_token");
    let wrong = TestRequest::get().uri("/metrics").insert_header(("authorization", "Bearer not-the-token-at-all"));
    app.send(wrong).await.expect_problem(401, "invalid_token");
    let org = app.seed_org("metrics");
    let admin = app.token_for(&org.admin);
    app.get(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(200);
    app.get(&format!("/api/v1/employees/{}", org.peer.id), &admin).await.expect(200);
    app.get("/api/v1/employees/nobody", &admin).await.expect(404);
    // The counts span the requests: the test app is built once per test, not once per request
    // (a rebuilt app starts its counters afresh and this fails).
    let scrape = TestRequest::get().uri("/metrics").insert_header(("authorization", format!("Bearer {token}")));
    let response = app.send(scrape).await;
    assert_eq!(response.status.as_u16(), 200);
    assert!(response.header("content-type").unwrap().starts_with("text/plain"));
    let text = String::from_utf8_lossy(&response.body).to_string();
    let route = "route=\"/api/v1/employees/{id}\"";
    assert!(
        text.contains(&format!("kinerja_http_requests_total{{method=\"GET\",{route},status=\"200\"}} 2\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("kinerja_http_requests_total{{method=\"GET\",{route},status=\"404\"}} 1\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("kinerja_http_request_duration_seconds_count{{method=\"GET\",{route}}} 3\n")),
        "{text}"
    );
    assert!(text.contains("kinerja_db_pool_max_connections 4\n"), "{text}");
    assert!(text.contains("kinerja_db_pool_waiting 0\n"), "{text}");
    // The seeded organisation's events are not sealed in a test (no sealer runs): a backlog.
    let unsealed: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("kinerja_audit_unsealed_events "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(unsealed > 0, "{text}");
    assert!(text.contains("kinerja_webhook_deliveries{status=\"pending\"} 0\n"), "{text}");
    // Ids never become series of their own.
    assert!(!text.contains(org.staff.id.as_str()));
}

#[actix_web::test]
async fn a_refused_preflight_is_a_problem_in_the_clients_language() {
    let app = TestApp::spawn_with(|s| s.cors_origins = vec![PORTAL.to_string()]).await;
    let refused = app.send(preflight("https://evil.example", "GET", "authorization")).await;
    assert!(refused.header("access-control-allow-origin").is_none());
    let problem = refused.expect_problem(400, "cors_refused");
    assert!(problem["detail"].as_str().unwrap().contains("KINERJA_CORS_ORIGINS"), "{problem}");
    assert!(problem["detail"].as_str().unwrap().starts_with("Origin ini"), "{problem}");
    let english = preflight(PORTAL, "GET", "x-not-allowed").insert_header(("accept-language", "en"));
    let problem = app.send(english).await.expect_problem(400, "cors_refused");
    assert_eq!(problem["detail"], "A requested header may not be sent from another origin");
    // An admitted preflight is unchanged.
    app.send(preflight(PORTAL, "GET", "authorization")).await.expect(200);
}
