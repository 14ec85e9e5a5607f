use actix_web::http::Method;
use serde_json::json;

use kinerja::clock::Clock;

use crate::helpers::{TestApp, PASSWORD};

#[actix_web::test]
async fn an_employee_logs_in_and_sees_who_they_are() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("login");
    let tokens = app.login(&org.supervisor.nip, PASSWORD).await.expect(200);
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["refresh_token"].is_string());
    let me = app.get("/api/v1/me", tokens["access_token"].as_str().unwrap()).await.expect(200);
    assert_eq!(me["employee"]["nip"], org.supervisor.nip.as_str());
    assert_eq!(me["organization"]["id"], org.id.as_str());
    assert_eq!(me["roles"], json!(["pegawai"]));
    assert_eq!(me["direct_reports"], 2);
    assert!(me["employee"].get("password_hash").is_none());
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_nip_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("same");
    let wrong = app.login(&org.staff.nip, "not the password at all").await;
    let unknown = app.login("199912312020121999", PASSWORD).await;
    wrong.expect_problem(401, "invalid_credentials");
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    // A deactivated employee is refused the same way.
    let admin = app.token_for(&org.admin);
    app.delete(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(204);
    assert_eq!(app.login(&org.staff.nip, PASSWORD).await.body, unknown.body);
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_whole_login() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("rotate");
    let first = app.login(&org.staff.nip, PASSWORD).await.expect(200);
    let refresh =
        |token: &str| app.request(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": token})));
    let second = refresh(first["refresh_token"].as_str().unwrap()).await.expect(200);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    app.get("/api/v1/me", second["access_token"].as_str().unwrap()).await.expect(200);

    // The first token again: refused, and the family is revoked, so the second one dies too.
    refresh(first["refresh_token"].as_str().unwrap()).await.expect_problem(401, "refresh_token_reused");
    refresh(second["refresh_token"].as_str().unwrap()).await.expect_problem(401, "refresh_token_reused");
    refresh("never-issued").await.expect_problem(401, "invalid_refresh_token");

    // Logins, rotations and the detected reuse are in the audit trail.
    let admin = app.token_for(&org.admin);
    let trail =
        app.get(&format!("/api/v1/audit-events?resource_id={}&limit=200", org.staff.id), &admin).await.expect(200);
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["employee.create", "auth.login", "auth.refresh", "auth.refresh_reuse_detected"]);

    // Another login is a new family and unaffected.
    let other = app.login(&org.staff.nip, PASSWORD).await.expect(200);
    refresh(other["refresh_token"].as_str().unwrap()).await.expect(200);
}

#[actix_web::test]
async fn logout_revokes_the_session() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("logout");
    let tokens = app.login(&org.staff.nip, PASSWORD).await.expect(200);
    let body = json!({"refresh_token": tokens["refresh_token"]});
    app.request(Method::POST, "/api/v1/auth/logout", None, Some(body.clone())).await.expect(204);
    app.request(Method::POST, "/api/v1/auth/refresh", None, Some(body.clone())).await.expect(401);
    // Logging out twice is harmless.
    app.request(Method::POST, "/api/v1/auth/logout", None, Some(body)).await.expect(204);
}

#[actix_web::test]
async fn expired_tampered_foreign_and_missing_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("tokens");
    let good = app.token_for(&org.staff);
    app.get("/api/v1/me", &good).await.expect(200);

    let mut expired = app.claims_for(&org.staff);
    expired.exp = chrono::Utc::now().timestamp() - 3600;
    app.get("/api/v1/me", &app.sign(&expired)).await.expect_problem(401, "invalid_token");

    let mut wrong_audience = app.claims_for(&org.staff);
    wrong_audience.aud = "another-api".into();
    app.get("/api/v1/me", &app.sign(&wrong_audience)).await.expect_problem(401, "invalid_token");

    let mut wrong_issuer = app.claims_for(&org.staff);
    wrong_issuer.iss = "someone-else".into();
    app.get("/api/v1/me", &app.sign(&wrong_issuer)).await.expect_problem(401, "invalid_token");

    // A role or scope this version does not know is refused, not read as fewer rights.
    let mut unknown_role = app.claims_for(&org.staff);
    unknown_role.roles.push("superuser".into());
    app.get("/api/v1/me", &app.sign(&unknown_role)).await.expect_problem(401, "invalid_token");
    let mut unknown_scope = app.claims_for(&org.staff);
    unknown_scope.scopes.push("all:write".into());
    app.get("/api/v1/me", &app.sign(&unknown_scope)).await.expect_problem(401, "invalid_token");

    // Same secret, another algorithm: the algorithm is pinned to HS256.
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &app.claims_for(&org.staff),
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::JWT_SECRET.as_bytes()),
    )
    .unwrap();
    app.get("/api/v1/me", &hs512).await.expect_problem(401, "invalid_token");

    // Claiming to be the admin by editing the payload breaks the signature.
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let forged = app.claims_for(&org.admin);
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    app.get("/api/v1/me", &parts.join(".")).await.expect_problem(401, "invalid_token");

    let missing = app.request(Method::GET, "/api/v1/me", None, None).await;
    missing.expect_problem(401, "missing_token");
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
}

#[actix_web::test]
async fn portals_get_tokens_by_client_credentials_within_their_scopes() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("portal");
    let (client_id, secret) = app.service_client(&org, &["employees:read"]).await;
    let token = app.client_token(&client_id, &secret).await;

    let all = app.get("/api/v1/employees?limit=200", &token).await.expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 6);
    // Reading is all it may do.
    app.post("/api/v1/employees", &token, json!({"nip": "199001012015031001", "name": "X Y", "position": "Staf", "job_level": "pelaksana", "unit_id": org.bidang.id}))
        .await
        .expect_problem(403, "forbidden");
    app.get(&format!("/api/v1/organizations/{}/units", org.id), &token).await.expect_problem(403, "forbidden");
    // The staff directory is not performance data: no plans, peer feedback or citizen index.
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let skp = app.post("/api/v1/skps", &app.token_for(&org.staff), json!({"period_id": period_id})).await.expect(201);
    for path in [
        "/api/v1/skps".to_string(),
        format!("/api/v1/skps/{}", skp["id"].as_str().unwrap()),
        format!("/api/v1/employees/{}/peer-feedback?period_id={period_id}", org.staff.id),
        format!("/api/v1/employees/{}/citizen-index?period_id={period_id}", org.staff.id),
    ] {
        app.get(&path, &token).await.expect_problem(403, "forbidden");
    }

    let ask = |scope: &str, secret: &str| {
        app.request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scope})),
        )
    };
    ask("employees:read", &secret).await.expect(200);
    ask("organization:read", &secret).await.expect_problem(400, "invalid_scope");
    ask("employees:read", "wrong-secret").await.expect_problem(401, "invalid_client");

    // Revoked: no new tokens.
    let admin = app.token_for(&org.admin);
    let clients = app.get("/api/v1/service-clients", &admin).await.expect(200);
    let id = clients["items"][0]["id"].as_str().unwrap();
    assert!(clients["items"][0].get("secret_hash").is_none());
    app.delete(&format!("/api/v1/service-clients/{id}"), &admin).await.expect(204);
    ask("employees:read", &secret).await.expect_problem(401, "invalid_client");
}

#[actix_web::test]
async fn password_guesses_are_limited_per_address_before_any_hashing() {
    let (now, clock) = crate::helpers::minute_clock();
    let app = TestApp::spawn_at(clock, |s| {
        s.login_rate_limit_per_minute = 3;
        s.trust_forwarded_for = true;
    })
    .await;
    let org = app.seed_org("guess");
    // Behind the proxy, the address it appended (the right-most) is the client; what the client
    // wrote before it is ignored, so rotating it gains nothing.
    let attempt = |forged: &str, password: &str| {
        let body = json!({"grant_type": "password", "nip": org.staff.nip, "password": password});
        actix_web::test::TestRequest::post()
            .uri("/api/v1/auth/token")
            .insert_header(("content-type", "application/json"))
            .insert_header(("x-forwarded-for", format!("{forged}, 203.0.113.5")))
            .set_payload(body.to_string())
    };
    for forged in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
        app.send(attempt(forged, "a wrong guess of a password")).await.expect_problem(401, "invalid_credentials");
    }
    let limited = app.send(attempt("10.0.0.4", PASSWORD)).await;
    limited.expect_problem(429, "rate_limited");
    // The clock stands 20 seconds into its minute: the window opens again in 40.
    assert_eq!(limited.header("retry-after"), Some("40"));
    let later = app.another_instance_at(Clock::at_unix(now + 40)).await;
    later.send(attempt("10.0.0.5", PASSWORD)).await.expect(200);
    // Another client behind the same proxy logs in.
    let other = actix_web::test::TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/json"))
        .insert_header(("x-forwarded-for", "203.0.113.9"))
        .set_payload(json!({"grant_type": "password", "nip": org.staff.nip, "password": PASSWORD}).to_string());
    app.send(other).await.expect(200);
}

#[actix_web::test]
async fn wrong_passwords_from_many_addresses_lock_the_account_briefly_and_doubling() {
    let (now, clock) = crate::helpers::minute_clock();
    let app = TestApp::spawn_at(clock, |s| {
        s.trust_forwarded_for = true;
        s.login_lockout_after = 3;
    })
    .await;
    let org = app.seed_org("lockout");
    // Each guess from another address: the per-address limit never triggers.
    let attempt = |nip: &str, password: &str, n: u32| {
        actix_web::test::TestRequest::post()
            .uri("/api/v1/auth/token")
            .insert_header(("content-type", "application/json"))
            .insert_header(("x-forwarded-for", format!("198.51.100.{n}")))
            .set_payload(json!({"grant_type": "password", "nip": nip, "password": password}).to_string())
    };
    for n in 1..=3 {
        app.send(attempt(&org.staff.nip, "a wrong guess", n)).await.expect_problem(401, "invalid_credentials");
    }
    // Locked: even the right password, from a fresh address, waits the first lock (30 s).
    let locked = app.send(attempt(&org.staff.nip, PASSWORD, 4)).await;
    locked.expect_problem(429, "rate_limited");
    assert_eq!(locked.header("retry-after"), Some("30"));
    // Another account is not touched, and another instance sees the same lock.
    app.send(attempt(&org.peer.nip, PASSWORD, 5)).await.expect(200);
    let other = app.another_instance_at(Clock::at_unix(now + 29)).await;
    other.send(attempt(&org.staff.nip, PASSWORD, 6)).await.expect_problem(429, "rate_limited");

    // Once the lock has passed, one more wrong guess locks again for twice as long.
    let later = app.another_instance_at(Clock::at_unix(now + 30)).await;
    later.send(attempt(&org.staff.nip, "another guess", 7)).await.expect_problem(401, "invalid_credentials");
    let relocked = later.send(attempt(&org.staff.nip, PASSWORD, 8)).await;
    assert_eq!(relocked.header("retry-after"), Some("60"));

    // After that, the right password works and the count starts afresh.
    let after = app.another_instance_at(Clock::at_unix(now + 90)).await;
    after.send(attempt(&org.staff.nip, PASSWORD, 9)).await.expect(200);
    after.send(attempt(&org.staff.nip, "one slip", 10)).await.expect_problem(401, "invalid_credentials");
    after.send(attempt(&org.staff.nip, PASSWORD, 11)).await.expect(200);

    // An unknown NIP locks the same way: the lock says nothing about who exists.
    let ghost = crate::helpers::nip(9999, 1);
    for n in 12..=14 {
        after.send(attempt(&ghost, "a guess", n)).await.expect_problem(401, "invalid_credentials");
    }
    let ghost_locked = after.send(attempt(&ghost, "a guess", 15)).await;
    ghost_locked.expect_problem(429, "rate_limited");
    assert_eq!(ghost_locked.header("retry-after"), Some("30"));
}
