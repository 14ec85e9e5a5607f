//! Every kind of bad request gets a problem+json answer that says what to fix.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::TestApp;

fn raw(method: Method, path: &str, token: &str, content_type: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::default()
        .method(method)
        .uri(path)
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", content_type.to_string()))
        .set_payload(body.into())
}

#[actix_web::test]
async fn unknown_routes_and_wrong_methods() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("routes");
    let token = app.token_for(&org.admin);
    app.get("/api/v1/nothing-here", &token).await.expect_problem(404, "not_found");
    app.get("/not-even-the-api", &token).await.expect_problem(404, "not_found");
    let wrong = app.request(Method::PATCH, "/api/v1/employees", Some(&token), None).await;
    wrong.expect_problem(405, "method_not_allowed");
    assert_eq!(wrong.header("allow"), Some("GET, POST"));
    let item = app.request(Method::POST, &format!("/api/v1/employees/{}", org.staff.id), Some(&token), None).await;
    item.expect_problem(405, "method_not_allowed");
    assert_eq!(item.header("allow"), Some("DELETE, GET, PUT"));
    // A trailing slash names no endpoint, whatever the method.
    app.get("/api/v1/me/", &token).await.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_nul_character_anywhere_is_a_clear_400_on_both_databases() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("nul");
    let token = app.token_for(&org.admin);
    let login = json!({"grant_type": "password", "nip": "1985\u{0}", "password": "x"}).to_string();
    assert!(login.contains("\\u0000"));
    let req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/json"))
        .set_payload(login);
    app.send(req).await.expect_problem(400, "invalid_text");
    let path = format!("/api/v1/organizations/{}/units", org.id);
    let unit = r#"{"code":"a","name":"Seksi \u0000","kind":"seksi"}"#;
    app.send(raw(Method::POST, &path, &token, "application/json", unit)).await.expect_problem(400, "invalid_text");
    app.get("/api/v1/employees/ab%00cd", &token).await.expect_problem(400, "invalid_text");
    app.get("/api/v1/audit-events?resource_type=%00", &token).await.expect_problem(400, "invalid_text");
    let csv = "nip,name,position,job_level,unit_code\n199001012015031001,Nama\0,Staf,pelaksana,bidang\n";
    app.send(raw(Method::POST, "/api/v1/employees/import", &token, "text/csv", csv))
        .await
        .expect_problem(400, "invalid_text");
    // An escaped backslash before "u0000" is ordinary text.
    let fine = r#"{"code":"b","name":"Seksi \\u0000","kind":"seksi"}"#;
    app.send(raw(Method::POST, &path, &token, "application/json", fine)).await.expect(201);
}

#[actix_web::test]
async fn malformed_unsupported_oversized_and_too_deep_bodies() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("bodies");
    let token = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}/units", org.id);

    app.send(raw(Method::POST, &path, &token, "application/json", "{\"code\": "))
        .await
        .expect_problem(400, "malformed_json");
    app.send(raw(Method::POST, &path, &token, "application/json", "")).await.expect_problem(400, "malformed_json");
    app.send(raw(Method::POST, &path, &token, "text/plain", "code=x"))
        .await
        .expect_problem(415, "unsupported_media_type");
    // The test settings allow 64 KiB.
    let huge = format!("{{\"code\":\"x\",\"name\":\"{}\",\"kind\":\"seksi\"}}", "a".repeat(70_000));
    app.send(raw(Method::POST, &path, &token, "application/json", huge)).await.expect_problem(413, "payload_too_large");
    let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
    app.send(raw(Method::POST, &path, &token, "application/json", deep)).await.expect_problem(400, "json_too_deep");
    // Trailing garbage after a valid document.
    let trailing = r#"{"code":"a","name":"Seksi A","kind":"seksi"} x"#;
    app.send(raw(Method::POST, &path, &token, "application/json", trailing))
        .await
        .expect_problem(400, "malformed_json");
}

#[actix_web::test]
async fn wrong_types_and_invalid_fields_are_listed_by_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("fields");
    let token = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}/units", org.id);

    let wrong_type =
        app.post(&path, &token, json!({"code": "x", "name": "Seksi", "kind": "seksi", "is_service_unit": "yes"})).await;
    assert_eq!(wrong_type.expect_problem(422, "validation_failed")["errors"][0]["field"], "is_service_unit");
    let unknown_kind = app.post(&path, &token, json!({"code": "x", "name": "Seksi", "kind": "kementerian"})).await;
    assert_eq!(unknown_kind.expect_problem(422, "validation_failed")["errors"][0]["field"], "kind");

    let invalid = app.post(&path, &token, json!({"code": "bad code!", "name": "S", "kind": "seksi"})).await;
    let problem = invalid.expect_problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["code", "name"]);
    assert!(problem["errors"][1]["message"].as_str().unwrap().contains("antara 2 dan 200"));
}

#[actix_web::test]
async fn bad_query_parameters() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("query");
    let token = app.token_for(&org.admin);
    app.get("/api/v1/employees?limit=abc", &token).await.expect_problem(400, "invalid_query");
    app.get("/api/v1/employees?limit=500", &token).await.expect_problem(422, "validation_failed");
    app.get("/api/v1/employees?cursor=%%%", &token).await.expect_problem(422, "validation_failed");
    app.get("/api/v1/employees?cursor=bm90LWEtY3Vyc29y!!", &token).await.expect_problem(422, "validation_failed");
    app.get("/api/v1/employees?updated_since=yesterday", &token).await.expect_problem(400, "invalid_query");
    app.get("/api/v1/employees?active=maybe", &token).await.expect_problem(400, "invalid_query");
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_no_internals() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("rid");
    let token = app.token_for(&org.admin);
    let generated = app.get("/api/v1/me", &token).await;
    assert!(generated.header("x-request-id").is_some_and(|id| id.len() >= 16));
    let echoed =
        app.send(TestRequest::get().uri("/api/v1/nothing").insert_header(("x-request-id", "portal-req-42"))).await;
    assert_eq!(echoed.header("x-request-id"), Some("portal-req-42"));
    // A duplicate unique value comes back as a clean conflict, not a SQL message.
    let dup = app
        .post("/api/v1/employees", &token, json!({"nip": org.staff.nip, "name": "Kembar", "position": "Staf", "job_level": "pelaksana", "unit_id": org.bidang.id}))
        .await;
    let text = String::from_utf8_lossy(&dup.body).to_lowercase();
    dup.expect(422);
    for leak in ["sql", "unique constraint", "panicked", "diesel", "duplicate key"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

/// The log lines of this test process, captured through env_logger (the service's logger).
fn captured_log() -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    use std::sync::{Arc, Mutex, OnceLock};
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        env_logger::Builder::new()
            .filter_level(log::LevelFilter::Error)
            .target(env_logger::Target::Pipe(Box::new(Capture(buffer.clone()))))
            .init();
        buffer
    })
    .clone()
}

#[actix_web::test]
async fn an_internal_error_is_logged_under_the_request_id_the_client_is_told() {
    let log = captured_log();
    let app = TestApp::spawn().await;
    let org = app.seed_org("internal");
    // A table gone from under the service: the login's rate-limit count fails inside the database.
    app.execute_sql("DROP TABLE rate_limits");
    let login = TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/json"))
        .insert_header(("x-request-id", "trace-me-4711"))
        .set_payload(
            json!({"grant_type": "password", "nip": org.staff.nip, "password": "irrelevant here"}).to_string(),
        );
    let failed = app.send(login).await;
    let problem = failed.expect_problem(500, "internal_error");
    assert!(!problem.to_string().contains("rate_limits"), "the cause stays in the log");
    assert_eq!(failed.header("x-request-id"), Some("trace-me-4711"));
    let lines = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    let line = lines.lines().find(|l| l.contains("trace-me-4711")).expect("the error is logged with the request id");
    assert!(line.contains("rate_limits"), "the log line names the cause: {line}");
}

#[actix_web::test]
async fn unknown_or_misspelt_fields_are_refused_by_name() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("unknown-field");
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}/units", org.id);
    let unit =
        json!({"parent_id": org.root.id, "code": "typo", "name": "Typo", "kind": "seksi", "is_servce_unit": true});
    let refused = app.post(&path, &admin, unit).await.expect(422);
    assert_eq!(refused["errors"][0]["field"], "is_servce_unit");
    assert_eq!(refused["errors"][0]["code"], "unknown_field");
    let units = app.get(&format!("{path}?limit=200"), &admin).await.expect(200);
    assert!(units["items"].as_array().unwrap().iter().all(|u| u["code"] != "typo"), "nothing was created");
    // Inside a nested object the field is named by its path.
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2026})).await.expect(201);
    let staff = app.token_for(&org.staff);
    let skp = json!({"period_id": period["id"], "annex": {"resources": "x", "resorces": "y"}});
    let refused = app.post("/api/v1/skps", &staff, skp).await.expect(422);
    assert_eq!(refused["errors"][0]["field"], "annex.resorces");
    assert_eq!(refused["errors"][0]["code"], "unknown_field");
}

/// The spec says object wherever a record goes; serde's derive would also take an array and fill
/// the fields by position (a client listing the values in the spec's order fills the wrong ones).
#[actix_web::test]
async fn objects_sent_as_arrays_are_refused_wherever_the_spec_says_object() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("by-position");
    let admin = app.token_for(&org.admin);
    // The whole body.
    let refused = app.post("/api/v1/periods", &admin, json!([2026, "quarterly"])).await.expect(422);
    assert_eq!(refused["errors"][0]["field"], "body");
    assert_eq!(refused["errors"][0]["code"], "invalid_type");
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2026})).await.expect(201);
    // A record inside the body, by its path; the SKP is not created.
    let staff = app.token_for(&org.staff);
    let skp = json!({"period_id": period["id"], "annex": ["sumber daya", "akuntabel", "konsekuensi"]});
    let refused = app.post("/api/v1/skps", &staff, skp).await.expect(422);
    assert_eq!(refused["errors"][0]["field"], "annex");
    assert_eq!(refused["errors"][0]["code"], "invalid_type");
    app.get("/api/v1/me/skp", &staff).await.expect(404);
    // Lists stay lists.
    let skp = json!({"period_id": period["id"], "annex": {"resources": "sumber daya"}});
    app.post("/api/v1/skps", &staff, skp).await.expect(201);
}

#[actix_web::test]
async fn a_misspelt_login_field_is_named_too() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("login-typo");
    let body = json!({"grant_type": "password", "nip": org.staff.nip, "password": "whatever it is", "pasword": "x"});
    let refused = app.request(Method::POST, "/api/v1/auth/token", None, Some(body)).await.expect(422);
    assert_eq!(refused["errors"][0]["field"], "pasword");
    assert_eq!(refused["errors"][0]["code"], "unknown_field");
}

#[actix_web::test]
async fn problems_speak_indonesian_by_default_and_english_on_request_with_the_same_code() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("languages");
    let admin = app.token_for(&org.admin);
    let invalid = || {
        TestRequest::post()
            .uri(&format!("/api/v1/organizations/{}/units", org.id))
            .insert_header(("authorization", format!("Bearer {admin}")))
            .insert_header(("content-type", "application/json"))
            .set_payload(json!({"code": "bad code!", "name": "S", "kind": "seksi"}).to_string())
    };
    // No Accept-Language: Indonesian, and the response says so.
    let indonesian = app.send(invalid()).await;
    assert_eq!(indonesian.header("content-language"), Some("id"));
    let vary: Vec<_> = indonesian.headers.get_all("vary").filter_map(|v| v.to_str().ok()).collect();
    assert!(vary.iter().any(|v| v.eq_ignore_ascii_case("accept-language")), "{vary:?}");
    let problem = indonesian.expect_problem(422, "validation_failed");
    assert_eq!(problem["title"], "Permintaan memuat isian yang tidak sah");
    assert_eq!(problem["detail"], "2 isian tidak sah");
    assert_eq!(problem["errors"][0]["field"], "code");
    assert_eq!(problem["errors"][0]["message"], "gunakan huruf, angka, '-', '_' atau '.'");
    assert_eq!(problem["errors"][1]["field"], "name");
    assert_eq!(problem["errors"][1]["message"], "panjangnya harus antara 2 dan 200");
    // English when asked for, by weight; the code and the fields are the same.
    let english = app.send(invalid().insert_header(("accept-language", "fr;q=0.9, en;q=0.8, id;q=0.1"))).await;
    assert_eq!(english.header("content-language"), Some("en"));
    let english = english.expect_problem(422, "validation_failed");
    assert_eq!(english["title"], "The request has invalid fields");
    assert_eq!(english["detail"], "2 fields are invalid");
    assert_eq!(english["errors"][0]["code"], problem["errors"][0]["code"]);
    assert_eq!(english["errors"][1]["message"], "length must be between 2 and 200");

    // A detail with values in it keeps the values.
    let unknown =
        TestRequest::get().uri("/api/v1/employees/nobody").insert_header(("authorization", format!("Bearer {admin}")));
    let gone = app.send(unknown).await.expect_problem(404, "not_found");
    assert_eq!(gone["detail"], "Tidak ada pegawai dengan pengenal itu yang dapat Anda lihat");
    let moved = TestRequest::delete().uri("/api/v1/me").insert_header(("accept-language", "en-US"));
    let moved = app.send(moved).await.expect_problem(405, "method_not_allowed");
    assert_eq!(moved["title"], "Method not allowed");
    let no_token = app.send(TestRequest::get().uri("/api/v1/me")).await.expect_problem(401, "missing_token");
    assert_eq!(no_token["title"], "Autentikasi diperlukan");
    assert!(no_token["detail"].as_str().unwrap().starts_with("Kirim token akses"), "{no_token}");
}
