//! Citizen ratings: tickets from a portal, anonymous one-time submission, the SKM index and the
//! public figures.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

fn all(score: i32) -> Value {
    json!({"persyaratan": score, "prosedur": score, "waktu_penyelesaian": score, "biaya_tarif": score, "produk_layanan": score,
           "kompetensi_pelaksana": score, "perilaku_pelaksana": score, "penanganan_pengaduan": score, "sarana_prasarana": score})
}

fn rate(ticket: &str, scores: Value, from: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/public/citizen-ratings")
        .peer_addr(from.parse().unwrap())
        .insert_header(("content-type", "application/json"))
        .set_payload(
            json!({"ticket": ticket, "scores": scores, "comment": "Nama saya Budi, pelayanannya cepat"}).to_string(),
        )
}

/// A token of a portal of `org` that may issue tickets.
async fn portal(app: &TestApp, org: &Org) -> String {
    let (client_id, secret) = app.service_client(org, &["rating_tickets:issue"]).await;
    app.client_token(&client_id, &secret).await
}

async fn ticket(app: &TestApp, token: &str, unit_id: &str, officer_id: Option<&str>) -> String {
    let issued = app
        .post(
            "/api/v1/rating-tickets",
            token,
            json!({"unit_id": unit_id, "officer_id": officer_id, "reference": "LOKET-1"}),
        )
        .await
        .expect(201);
    issued["token"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn a_portal_issues_tickets_citizens_rate_and_the_index_matches_the_hand_computation() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("skm");
    let admin = app.token_for(&org.admin);
    let period = app
        .post("/api/v1/periods", &admin, json!({"year": chrono::Datelike::year(&chrono::Utc::now())}))
        .await
        .expect(201);
    let period_id = period["id"].as_str().unwrap();
    let (client_id, secret) = app.service_client(&org, &["rating_tickets:issue"]).await;
    let portal = app.client_token(&client_id, &secret).await;

    // Ten citizens served by the staff officer: persyaratan gets seven 4s and three 3s; every
    // other element 3. NRR persyaratan 3.7, others 3.0; IKM (3.7 + 8 × 3) / 9 = 3.0778;
    // converted 76.94 → band B (76.61 – 88.30).
    for i in 0..10 {
        let token = ticket(&app, &portal, &org.bidang.id, Some(&org.staff.id)).await;
        let mut scores = all(3);
        scores["persyaratan"] = json!(if i < 7 { 4 } else { 3 });
        let answer = app.send(rate(&token, scores, &format!("10.0.0.{i}:5000"))).await.expect(201);
        assert_eq!(answer["unit_name"], org.bidang.name.as_str());
        if i == 8 {
            // Nine responses: below the minimum of ten, no number.
            let early = app
                .get(&format!("/api/v1/units/{}/citizen-index?period_id={period_id}", org.bidang.id), &admin)
                .await
                .expect(200);
            assert_eq!(early["result"]["status"], "not_enough_responses");
            assert_eq!(early["result"]["respondents"], 9);
            assert!(early["result"].get("converted").is_none());
        }
    }
    let unit = app
        .get(&format!("/api/v1/units/{}/citizen-index?period_id={period_id}", org.bidang.id), &admin)
        .await
        .expect(200);
    let result = &unit["result"];
    assert_eq!(result["status"], "index");
    assert_eq!(result["respondents"], 10);
    assert!((result["element_means"][0]["mean"].as_f64().unwrap() - 3.7).abs() < 1e-9);
    assert_eq!(result["element_means"][0]["element"], "persyaratan");
    assert!((result["ikm"].as_f64().unwrap() - 27.7 / 9.0).abs() < 1e-9);
    assert!((result["converted"].as_f64().unwrap() - 76.944).abs() < 1e-3);
    assert_eq!(result["mutu"], "B");
    assert_eq!(result["meaning"], "baik");

    // The officer's own index counts the same ratings; a peer cannot read it.
    let officer = app
        .get(
            &format!("/api/v1/employees/{}/citizen-index?period_id={period_id}", org.staff.id),
            &app.token_for(&org.staff),
        )
        .await
        .expect(200);
    assert_eq!(officer["result"]["mutu"], "B");
    app.get(
        &format!("/api/v1/employees/{}/citizen-index?period_id={period_id}", org.staff.id),
        &app.token_for(&org.peer),
    )
    .await
    .expect_problem(404, "not_found");

    // The public figures: the unit, its band and count; no officer, no comments.
    let public = app
        .request(actix_web::http::Method::GET, "/api/v1/public/organizations/skm/citizen-index", None, None)
        .await
        .expect(200);
    let bidang = public["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == org.bidang.id.as_str()).unwrap();
    assert_eq!(bidang["result"]["mutu"], "B");
    assert_eq!(bidang["result"]["respondents"], 10);
    let text = public.to_string();
    assert!(!text.contains(org.staff.id.as_str()) && !text.contains("Budi") && !text.contains("comment"), "{text}");
    app.request(actix_web::http::Method::GET, "/api/v1/public/organizations/nope/citizen-index", None, None)
        .await
        .expect_problem(404, "not_found");
}

#[actix_web::test]
async fn tickets_work_once_and_only_while_valid() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("ticket");
    let admin = app.token_for(&org.admin);
    let desk = portal(&app, &org).await;
    let token = ticket(&app, &desk, &org.bidang.id, None).await;
    app.send(rate(&token, all(4), "10.1.0.1:1")).await.expect(201);
    app.send(rate(&token, all(1), "10.1.0.1:1")).await.expect_problem(409, "ticket_used");
    app.send(rate("no-such-ticket-at-all", all(4), "10.1.0.1:1")).await.expect_problem(404, "not_found");

    let expiring = ticket(&app, &desk, &org.bidang.id, None).await;
    app.execute_sql("UPDATE rating_tickets SET expires_at = '2020-01-01 00:00:00' WHERE used_at IS NULL");
    app.send(rate(&expiring, all(4), "10.1.0.1:1")).await.expect_problem(410, "ticket_expired");

    let fresh = ticket(&app, &desk, &org.bidang.id, None).await;
    let mut bad = all(4);
    bad["sarana_prasarana"] = json!(5);
    let problem = app.send(rate(&fresh, bad, "10.1.0.1:1")).await.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "scores.sarana_prasarana");
    let mut missing = all(4);
    missing.as_object_mut().unwrap().remove("prosedur");
    app.send(rate(&fresh, missing, "10.1.0.1:1")).await.expect_problem(422, "validation_failed");
    // Scores by position are refused: the spec says an object keyed by element.
    let by_position = json!([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    let problem = app.send(rate(&fresh, by_position, "10.1.0.1:1")).await.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "scores");
    // A refused rating does not use the ticket up.
    app.send(rate(&fresh, all(2), "10.1.0.1:1")).await.expect(201);

    // Issuing: only service units of the organisation, only portals with the scope; not admins,
    // who must not be able to rate on a citizen's behalf.
    let root = app.post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.root.id})).await;
    root.expect(201); // the test root is a service unit too
    app.post("/api/v1/rating-tickets", &admin, json!({"unit_id": org.bidang.id}))
        .await
        .expect_problem(403, "forbidden");
    let other = app.seed_org("ticket-other");
    let other_desk = portal(&app, &other).await;
    let foreign = app.post("/api/v1/rating-tickets", &other_desk, json!({"unit_id": org.bidang.id})).await;
    assert_eq!(foreign.expect(422)["errors"][0]["code"], "unknown_unit");
    app.post("/api/v1/rating-tickets", &app.token_for(&org.staff), json!({"unit_id": org.bidang.id}))
        .await
        .expect_problem(403, "forbidden");
    let (client_id, secret) = app.service_client(&org, &["employees:read"]).await;
    let reader = app.client_token(&client_id, &secret).await;
    app.post("/api/v1/rating-tickets", &reader, json!({"unit_id": org.bidang.id}))
        .await
        .expect_problem(403, "forbidden");
    let officer = app
        .post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.bidang.id, "officer_id": other.staff.id}))
        .await;
    assert_eq!(officer.expect(422)["errors"][0]["field"], "officer_id");
}

#[actix_web::test]
async fn sixty_valid_tickets_from_one_desk_in_a_minute_are_all_accepted_and_count_nothing() {
    // The default limit (30 failed attempts a minute), one minute, one address: a service desk
    // whose citizens rate on its tablet, or a NAT.
    let app = TestApp::spawn_at(crate::helpers::minute_clock().1, |_| {}).await;
    assert_eq!(app.settings.public_rate_limit_per_minute, 30);
    let org = app.seed_org("desk");
    let desk = portal(&app, &org).await;
    for i in 0..60 {
        let t = ticket(&app, &desk, &org.bidang.id, None).await;
        app.send(rate(&t, all(4), &format!("192.0.2.7:{}", 4000 + i))).await.expect(201);
    }
    // The success path wrote no counter row (the portal's login has its own).
    assert_eq!(app.execute_sql("DELETE FROM rate_limits WHERE bucket NOT LIKE 'login:%'"), 0);
}

#[actix_web::test]
async fn failed_ticket_attempts_are_limited_per_address_across_instances_and_a_valid_ticket_still_works() {
    let app = TestApp::spawn_at(crate::helpers::minute_clock().1, |s| s.public_rate_limit_per_minute = 3).await;
    let other = app.another_instance().await;
    let org = app.seed_org("limit-lb");
    let desk = portal(&app, &org).await;
    let used = ticket(&app, &desk, &org.bidang.id, None).await;
    app.send(rate(&used, all(4), "10.9.9.9:1")).await.expect(201);
    let expired = ticket(&app, &desk, &org.bidang.id, None).await;
    app.execute_sql("UPDATE rating_tickets SET expires_at = '2020-01-01 00:00:00' WHERE used_at IS NULL");
    let valid = ticket(&app, &desk, &org.bidang.id, None).await;
    let valid_too = ticket(&app, &desk, &org.bidang.id, None).await;

    // One client's failures land on alternate instances: unknown, used, expired, then over the
    // shared limit of three.
    app.send(rate("a-guessed-ticket-000", all(4), "198.51.100.9:1000")).await.expect_problem(404, "not_found");
    other.send(rate(&used, all(4), "198.51.100.9:1001")).await.expect_problem(409, "ticket_used");
    app.send(rate(&expired, all(4), "198.51.100.9:1002")).await.expect_problem(410, "ticket_expired");
    let limited = other.send(rate("a-guessed-ticket-001", all(4), "198.51.100.9:1003")).await;
    limited.expect_problem(429, "rate_limited");
    // The clock stands 20 seconds into its minute.
    assert_eq!(limited.header("retry-after"), Some("40"));
    app.send(rate("a-guessed-ticket-002", all(4), "198.51.100.9:1004")).await.expect_problem(429, "rate_limited");
    // A valid ticket is never refused for its address, on either instance.
    other.send(rate(&valid, all(4), "198.51.100.9:1005")).await.expect(201);
    app.send(rate(&valid_too, all(4), "198.51.100.9:1006")).await.expect(201);
    // Validation failures are not ticket attempts, and another address has its own allowance.
    app.send(rate("a-guessed-ticket-003", json!({"prosedur": 4}), "198.51.100.9:1")).await.expect(422);
    app.send(rate("a-guessed-ticket-004", all(4), "198.51.100.10:1")).await.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn a_portal_issues_a_limited_number_of_tickets_a_minute_on_every_instance() {
    let (now, clock) = crate::helpers::minute_clock();
    let app = TestApp::spawn_at(clock, |s| s.ticket_rate_limit_per_minute = 3).await;
    let other = app.another_instance().await;
    let org = app.seed_org("issuance");
    let desk = portal(&app, &org).await;
    let second_desk = portal(&app, &org).await;
    for _ in 0..3 {
        ticket(&app, &desk, &org.bidang.id, None).await;
    }
    let body = json!({"unit_id": org.bidang.id});
    let limited = other.post("/api/v1/rating-tickets", &desk, body.clone()).await;
    limited.expect_problem(429, "rate_limited");
    // The oldest of the minute's tickets was issued now: a place frees in 60 seconds.
    assert_eq!(limited.header("retry-after"), Some("60"));
    // Each portal has its own allowance; a minute later the first has one again.
    ticket(&other, &second_desk, &org.bidang.id, None).await;
    let later = app.another_instance_at(kinerja::clock::Clock::at_unix(now + 61)).await;
    later.post("/api/v1/rating-tickets", &desk, body).await.expect(201);
}

#[actix_web::test]
async fn the_public_figures_are_cached_not_rate_limited() {
    let app = TestApp::spawn_at(crate::helpers::minute_clock().1, |s| s.public_rate_limit_per_minute = 1).await;
    let org = app.seed_org("cached");
    let desk = portal(&app, &org).await;
    let figures = || {
        TestRequest::get()
            .uri("/api/v1/public/organizations/cached/citizen-index")
            .peer_addr("203.0.113.77:1".parse().unwrap())
    };
    let respondents = |figures: &Value| {
        let units = figures["units"].as_array().unwrap();
        units.iter().find(|u| u["unit_id"] == org.bidang.id.as_str()).unwrap()["result"]["respondents"].clone()
    };
    let first = app.send(figures()).await;
    assert_eq!(first.header("cache-control"), Some("public, max-age=60"));
    let before = respondents(&first.expect(200));
    let t = ticket(&app, &desk, &org.bidang.id, None).await;
    app.send(rate(&t, all(4), "10.4.0.1:1")).await.expect(201);
    // Read far past the old per-address limit: every read answers, from the instance's cache.
    for _ in 0..20 {
        assert_eq!(respondents(&app.send(figures()).await.expect(200)), before);
    }
    // An instance without the cached answer reads the new rating.
    let fresh = app.another_instance().await;
    let after = respondents(&fresh.send(figures()).await.expect(200));
    assert_ne!(after, before, "the rating counts once the cache is fresh");
}

#[actix_web::test]
async fn a_closed_period_takes_no_more_ratings_until_it_is_reopened() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("skm-closed");
    let admin = app.token_for(&org.admin);
    let desk = portal(&app, &org).await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let period = app.post("/api/v1/periods", &admin, json!({"year": year})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let waiting = ticket(&app, &desk, &org.bidang.id, None).await;
    app.send(rate(&waiting, all(4), "10.2.0.1:1")).await.expect(201);
    let second = ticket(&app, &desk, &org.bidang.id, None).await;

    let closed = app.close_period(&admin, period_id).await;
    app.send(rate(&second, all(1), "10.2.0.1:1")).await.expect_problem(409, "period_closed");
    app.post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.bidang.id}))
        .await
        .expect_problem(409, "period_closed");
    let index_path = format!("/api/v1/units/{}/citizen-index?period_id={period_id}", org.bidang.id);
    assert_eq!(app.get(&index_path, &admin).await.expect(200)["result"]["respondents"], 1);

    // Reopened with a reason, the refused ticket still works: the refusal did not use it up.
    let reopen = json!({"status": "evaluating", "reason": "Rekap SKM loket belum masuk"});
    let version = closed["version"].as_i64().unwrap();
    app.post_versioned(&format!("/api/v1/periods/{period_id}/status"), &admin, version, reopen).await.expect(200);
    app.send(rate(&second, all(1), "10.2.0.1:1")).await.expect(201);
    assert_eq!(app.get(&index_path, &admin).await.expect(200)["result"]["respondents"], 2);
}

#[actix_web::test]
async fn the_index_of_a_sub_period_counts_only_its_days() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("skm-quarter");
    let admin = app.token_for(&org.admin);
    let desk = portal(&app, &org).await;
    let today = chrono::Utc::now().date_naive();
    let period = app
        .post("/api/v1/periods", &admin, json!({"year": chrono::Datelike::year(&today), "frequency": "quarterly"}))
        .await
        .expect(201);
    let period_id = period["id"].as_str().unwrap();
    for i in 0..3 {
        let t = ticket(&app, &desk, &org.bidang.id, Some(&org.staff.id)).await;
        app.send(rate(&t, all(3), &format!("10.3.0.{i}:1"))).await.expect(201);
    }
    let quarters = period["sub_periods"].as_array().unwrap();
    let is_current = |q: &&Value| {
        let day = |k: &str| q[k].as_str().unwrap().parse::<chrono::NaiveDate>().unwrap();
        day("starts_on") <= today && today <= day("ends_on")
    };
    let current = quarters.iter().find(is_current).unwrap();
    let other = quarters.iter().find(|q| !is_current(q)).unwrap();
    for (subject, id) in [("units", org.bidang.id.as_str()), ("employees", org.staff.id.as_str())] {
        let path = |sub: &Value| {
            format!(
                "/api/v1/{subject}/{id}/citizen-index?period_id={period_id}&sub_period_id={}",
                sub["id"].as_str().unwrap()
            )
        };
        let now = app.get(&path(current), &admin).await.expect(200);
        assert_eq!(
            (now["result"]["respondents"].as_i64(), now["from"].as_str()),
            (Some(3), current["starts_on"].as_str())
        );
        assert_eq!(app.get(&path(other), &admin).await.expect(200)["result"]["respondents"], 0);
    }
    let foreign = format!("/api/v1/units/{}/citizen-index?period_id={period_id}&sub_period_id=nope", org.bidang.id);
    assert_eq!(app.get(&foreign, &admin).await.expect(422)["errors"][0]["field"], "sub_period_id");
}

#[actix_web::test]
async fn a_ticket_portal_works_only_once_a_second_admin_approves_it_and_the_public_sees_its_ratings() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("four-eyes");
    let admin = app.token_for(&org.admin);
    let created = app
        .post("/api/v1/service-clients", &admin, json!({"name": "Loket Kecamatan", "scopes": ["rating_tickets:issue"]}))
        .await
        .expect(201);
    assert_eq!(created["client"]["approval"], "pending");
    assert_eq!(created["client"]["created_by"], org.admin.id.as_str());
    let (client_id, secret) =
        (created["client"]["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap());
    let desk = app.client_token(client_id, secret).await;
    // One admin alone cannot make a portal that rates officers as "citizens".
    let refused = app.post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.bidang.id})).await;
    refused.expect_problem(403, "forbidden");
    let approve = format!("/api/v1/service-clients/{}/approve", created["client"]["id"].as_str().unwrap());
    app.post(&approve, &admin, json!({})).await.expect_problem(403, "forbidden");
    let second = app.second_admin(&org);
    let approved = app.post(&approve, &app.token_for(&second), json!({})).await.expect(200);
    assert_eq!(approved["approval"], "approved");
    assert_eq!(approved["approved_by"], second.id.as_str());
    app.post(&approve, &app.token_for(&second), json!({})).await.expect_problem(409, "nothing_to_approve");
    for _ in 0..2 {
        let t = ticket(&app, &desk, &org.bidang.id, None).await;
        app.send(rate(&t, all(4), "192.0.2.30:1000")).await.expect(201);
    }
    // A portal the operator made on the command line needs no second admin; it produced nothing yet.
    let made = app
        .db()
        .write_blocking(|conn| {
            let input = kinerja::auth::service_clients::NewServiceClient {
                name: "Kios Mandiri".into(),
                scopes: vec![kinerja::auth::caller::Scope::RatingTicketsIssue],
            };
            kinerja::auth::service_clients::insert(conn, &kinerja::audit::Actor::cli("operator"), &org.id, &input, None)
        })
        .unwrap();
    assert_eq!(made.client.approval, kinerja::auth::service_clients::PortalApproval::Approved);
    let kiosk = app.client_token(&made.client.client_id, &made.client_secret).await;
    ticket(&app, &kiosk, &org.bidang.id, None).await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let public = app
        .send(TestRequest::get().uri(&format!("/api/v1/public/organizations/four-eyes/citizen-index?year={year}")))
        .await
        .expect(200);
    let portals: Vec<(String, i64)> = public["portals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["portal_name"].as_str().unwrap().to_string(), p["ratings"].as_i64().unwrap()))
        .collect();
    assert_eq!(portals, vec![("Kios Mandiri".to_string(), 0), ("Loket Kecamatan".to_string(), 2)]);
}

/// The ticket is read, then claimed by the statement that records the rating: of simultaneous
/// submissions with one ticket, one records (the rating and its audit event, which verifies) and
/// every other is told the ticket was used, writing nothing.
#[actix_web::test]
async fn of_simultaneous_submissions_with_one_ticket_one_records_and_the_rest_are_refused() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use kinerja::db::schema::{audit_events, citizen_ratings};
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("race");
    let desk = portal(&app, &org).await;
    let token = ticket(&app, &desk, &org.bidang.id, Some(org.staff.id.as_str())).await;
    // On PostgreSQL the submissions read the ticket unused, then queue on its row, which another
    // transaction holds for half a second: each claim must find it used by the one before.
    let mut holder = app.db().pool.get().unwrap();
    if app.is_postgres() {
        holder.batch_execute("BEGIN; SELECT 1 FROM rating_tickets FOR UPDATE").unwrap();
    }
    let submissions = (0..8).map(|i| app.send(rate(&token, all(1 + i % 4), &format!("10.2.0.{i}:1"))));
    let release = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
        if app.is_postgres() {
            holder.batch_execute("COMMIT").unwrap();
        }
    };
    let (responses, ()) = futures_util::future::join(futures_util::future::join_all(submissions), release).await;
    let outcomes: Vec<(u16, Value)> = responses.iter().map(|r| (r.status.as_u16(), r.json()["code"].clone())).collect();
    assert_eq!(outcomes.iter().filter(|(status, _)| *status == 201).count(), 1, "{outcomes:?}");
    // Refused by the claim, not by the unique ticket of a rating row (a conflict of another kind).
    let used = outcomes.iter().filter(|(status, code)| *status == 409 && code == "ticket_used").count();
    assert_eq!(used, 7, "{outcomes:?}");

    let org_id = org.id.to_string();
    let (ratings, events) = app
        .db()
        .read_blocking(move |conn| {
            let ratings: i64 =
                citizen_ratings::table.filter(citizen_ratings::organization_id.eq(&org_id)).count().get_result(conn)?;
            let events: Vec<(String, String)> = audit_events::table
                .filter(audit_events::organization_id.eq(&org_id))
                .filter(audit_events::action.eq("citizen_rating.submit"))
                .select((audit_events::resource_id, audit_events::actor_kind))
                .load(conn)?;
            Ok((ratings, events))
        })
        .unwrap();
    assert_eq!(ratings, 1);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1, "citizen");

    // The event written inside the rating's statement verifies, unsealed and sealed.
    let auditor = app.token_for(&org.auditor);
    let pending = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(pending["intact"], true, "{pending}");
    assert!(pending["unsealed_events"].as_i64().unwrap() >= 1, "{pending}");
    app.seal_audit();
    let sealed = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!((sealed["intact"].clone(), sealed["unsealed_events"].clone()), (json!(true), json!(0)), "{sealed}");
}
