//! Citizen complaints: a citizen complains with a rating ticket, follows it with the tracking code
//! (and sees nothing else), the unit's head assigns it, the officer answers, the head closes it;
//! a portal passes one on with its SP4N-LAPOR! reference and it is rejected with a reason; the
//! public figures count the unit's complaints answered in time, without text or names.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};
use kinerja::clock::Clock;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A rating ticket for the bidang naming `officer`, from an approved service desk.
pub(crate) async fn ticket(app: &TestApp, org: &Org, officer: &str) -> String {
    let (id, secret) = app.service_client(org, &["rating_tickets:issue"]).await;
    let desk = app.client_token(&id, &secret).await;
    let issued = app
        .post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.bidang.id, "officer_id": officer}))
        .await
        .expect(201);
    issued["token"].as_str().unwrap().to_string()
}

async fn track(app: &TestApp, code: &str) -> crate::helpers::TestResponse {
    app.request(
        actix_web::http::Method::POST,
        "/api/v1/public/complaints/status",
        None,
        Some(json!({"tracking_code": code})),
    )
    .await
}

async fn complain(app: &TestApp, body: Value) -> crate::helpers::TestResponse {
    app.request(actix_web::http::Method::POST, "/api/v1/public/complaints", None, Some(body)).await
}

#[actix_web::test]
async fn a_citizens_complaint_is_assigned_answered_closed_and_counted() {
    // Monday 4 March 2030, 09:00 WIB.
    let app = TestApp::spawn_at(Clock::Fixed(at("2030-03-04T02:00:00Z")), |_| {}).await;
    let org = app.seed_org("pengaduan");
    let (admin, kabid, staff, peer, head) = (
        app.token_for(&org.admin),
        app.token_for(&org.supervisor),
        app.token_for(&org.staff),
        app.token_for(&org.peer),
        app.token_for(&org.head),
    );
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let ticket = ticket(&app, &org, org.staff.id.as_str()).await;

    // Text limits, unknown fields and unknown tickets are refused; no account is needed.
    let text = "Antrean KTP-el lebih dari tiga jam dan loket 2 kosong";
    complain(&app, json!({"ticket": ticket, "complaint": "x".repeat(2001)}))
        .await
        .expect_problem(422, "validation_failed");
    complain(&app, json!({"ticket": ticket, "complaint": text, "name": "Budi"})).await.expect(422);
    complain(&app, json!({"ticket": "not-a-ticket-at-all-xyz", "complaint": text}))
        .await
        .expect_problem(404, "not_found");
    let received = complain(&app, json!({"ticket": ticket, "complaint": text})).await.expect(201);
    assert_eq!(received["status"], "received");
    // Five working days: by the end of Monday 11 March (WIB).
    assert_eq!(received["answer_due_at"], "2030-03-11T17:00:00Z");
    complain(&app, json!({"ticket": ticket, "complaint": text})).await.expect_problem(409, "complaint_exists");
    let code = received["tracking_code"].as_str().unwrap().to_string();

    // The code shows the status and nothing else; typed in lower case without dashes it works too.
    let status = track(&app, &code).await.expect(200);
    let mut keys: Vec<&str> = status.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["answer", "answer_due_at", "answered_at", "closed_at", "received_at", "rejection_reason", "status"]
    );
    assert_eq!(status["status"], "received");
    let sloppy = code.replace('-', "").to_lowercase();
    assert_eq!(track(&app, &sloppy).await.expect(200)["status"], "received");
    track(&app, "ADU-00000-00000-00000-00000").await.expect_problem(404, "not_found");

    // The head of the bidang sees it; colleagues and the head of another unit do not.
    let listed = app.get("/api/v1/complaints", &kabid).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let complaint = &listed["items"][0];
    assert_eq!(
        (complaint["officer_id"].as_str(), complaint["channel"].as_str()),
        (Some(org.staff.id.as_str()), Some("ticket"))
    );
    let path = format!("/api/v1/complaints/{}", complaint["id"].as_str().unwrap());
    assert!(app.get("/api/v1/complaints", &staff).await.expect(200)["items"].as_array().unwrap().is_empty());
    app.get(&path, &peer).await.expect_problem(404, "not_found");
    app.get(&path, &head).await.expect_problem(404, "not_found");
    app.post_versioned(&format!("{path}/answer"), &staff, 1, json!({"answer": "Kami mohon maaf atas antrean"}))
        .await
        .expect(404);

    // Assign (and reassign) to an officer, who answers; only the head closes.
    let assign = |officer: &str| json!({"officer_id": officer});
    app.post_versioned(&format!("{path}/assign"), &peer, 1, assign(org.peer.id.as_str())).await.expect(404);
    let assigned =
        app.post_versioned(&format!("{path}/assign"), &kabid, 1, assign(org.peer.id.as_str())).await.expect(200);
    assert_eq!(assigned["status"], "assigned");
    app.post_versioned(&format!("{path}/assign"), &kabid, 1, assign(org.staff.id.as_str())).await.expect(412);
    let assigned =
        app.post_versioned(&format!("{path}/assign"), &kabid, 2, assign(org.staff.id.as_str())).await.expect(200);
    assert_eq!(assigned["assigned_to"].as_str(), Some(org.staff.id.as_str()));
    app.post_versioned(&format!("{path}/close"), &kabid, 3, json!({})).await.expect_problem(409, "complaint_status");
    let answer = json!({"answer": "Loket 2 kini dibuka pukul 08.00; kami mohon maaf atas antrean"});
    app.post_versioned(&format!("{path}/answer"), &kabid, 3, answer.clone()).await.expect_problem(403, "forbidden");
    // Two days later (Wednesday), in time.
    let later = app.another_instance_at(Clock::Fixed(at("2030-03-06T02:00:00Z"))).await;
    let answered = later.post_versioned(&format!("{path}/answer"), &staff, 3, answer).await.expect(200);
    assert_eq!((answered["status"].as_str(), answered["answered_in_time"].as_bool()), (Some("answered"), Some(true)));
    assert_eq!(answered["seconds_to_first_answer"], 2 * 24 * 3600);
    let status = track(&later, &code).await.expect(200);
    assert_eq!(status["answer"], "Loket 2 kini dibuka pukul 08.00; kami mohon maaf atas antrean");
    let closed = later.post_versioned(&format!("{path}/close"), &kabid, 4, json!({})).await.expect(200);
    assert_eq!((closed["status"].as_str(), closed["seconds_to_close"].as_i64()), (Some("closed"), Some(2 * 24 * 3600)));
    later.post_versioned(&format!("{path}/close"), &kabid, 5, json!({})).await.expect_problem(409, "complaint_status");

    // A portal passes one on with its SP4N-LAPOR! reference; it is answered late (Thursday 14th).
    let (id, secret) = app.service_client(&org, &["complaints:write"]).await;
    let portal = app.client_token(&id, &secret).await;
    let lapor = json!({"unit_id": org.bidang.id, "complaint": "Berkas akta kelahiran hilang setelah diserahkan", "external_reference": "LAPOR-2030-0001"});
    app.post("/api/v1/complaints", &kabid, lapor.clone()).await.expect_problem(403, "forbidden");
    let (id, secret) = app.service_client(&org, &["employees:read"]).await;
    app.post("/api/v1/complaints", &app.client_token(&id, &secret).await, lapor.clone())
        .await
        .expect_problem(403, "forbidden");
    let from_portal = app.post("/api/v1/complaints", &portal, lapor).await.expect(201);
    let listed = app.get("/api/v1/complaints?status=received", &admin).await.expect(200);
    let second = &listed["items"][0];
    assert_eq!(
        (second["external_reference"].as_str(), second["channel"].as_str()),
        (Some("LAPOR-2030-0001"), Some("portal"))
    );
    let second_path = format!("/api/v1/complaints/{}", second["id"].as_str().unwrap());
    app.post_versioned(&format!("{second_path}/assign"), &kabid, 1, json!({"officer_id": org.peer.id}))
        .await
        .expect(200);
    let late = app.another_instance_at(Clock::Fixed(at("2030-03-14T02:00:00Z"))).await;
    let answer = json!({"answer": "Berkas ditemukan dan akta sudah terbit"});
    let answered = late.post_versioned(&format!("{second_path}/answer"), &peer, 2, answer).await.expect(200);
    assert_eq!(answered["answered_in_time"], false);

    // A third, rejected with a reason the citizen reads.
    let third = app
        .post(
            "/api/v1/complaints",
            &portal,
            json!({"unit_id": org.bidang.id, "complaint": "Jalan rusak di depan kantor kelurahan"}),
        )
        .await
        .expect(201);
    let listed = app.get("/api/v1/complaints?status=received", &kabid).await.expect(200);
    let third_path = format!("/api/v1/complaints/{}", listed["items"][0]["id"].as_str().unwrap());
    let reason = json!({"reason": "Bukan layanan kependudukan; diteruskan ke Dinas PUPR"});
    let rejected = app.post_versioned(&format!("{third_path}/reject"), &kabid, 1, reason).await.expect(200);
    assert_eq!(rejected["status"], "rejected");
    let status = track(&app, third["tracking_code"].as_str().unwrap()).await.expect(200);
    assert_eq!(
        (status["status"].as_str(), status["rejection_reason"].as_str()),
        (Some("rejected"), Some("Bukan layanan kependudukan; diteruskan ke Dinas PUPR"))
    );
    assert_eq!(track(&app, from_portal["tracking_code"].as_str().unwrap()).await.expect(200)["status"], "answered");

    // The figures: the unit's (head, admins, auditors), the officers', and the public ones.
    let unit_path = format!("/api/v1/units/{}/complaint-figures?period_id={period_id}", org.bidang.id);
    app.get(&unit_path, &staff).await.expect_problem(403, "forbidden");
    let unit = late.get(&unit_path, &kabid).await.expect(200);
    let figures = &unit["figures"];
    assert_eq!(
        (
            figures["received"].as_i64(),
            figures["answered"].as_i64(),
            figures["answered_in_time"].as_i64(),
            figures["rejected"].as_i64()
        ),
        (Some(3), Some(2), Some(1), Some(1))
    );
    // Two days and ten days: the median of the two is six days.
    assert_eq!(figures["median_hours_to_answer"], 144.0);
    let officer = app
        .get(&format!("/api/v1/employees/{}/complaint-figures?period_id={period_id}", org.staff.id), &staff)
        .await
        .expect(200);
    assert_eq!(
        (officer["figures"]["answered"].as_i64(), officer["figures"]["answered_in_time"].as_i64()),
        (Some(1), Some(1))
    );
    app.get(&format!("/api/v1/employees/{}/complaint-figures?period_id={period_id}", org.staff.id), &peer)
        .await
        .expect(404);

    let public = late
        .request(
            actix_web::http::Method::GET,
            "/api/v1/public/organizations/pengaduan/citizen-index?year=2030",
            None,
            None,
        )
        .await
        .expect(200);
    let bidang = public["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == org.bidang.id.as_str()).unwrap();
    assert_eq!(
        (bidang["complaints"]["received"].as_i64(), bidang["complaints"]["answered_in_time"].as_i64()),
        (Some(3), Some(1))
    );
    let text = public.to_string();
    for secret in ["Antrean", "LAPOR-2030", org.staff.id.as_str(), org.peer.id.as_str()] {
        assert!(!text.contains(secret), "{secret} in the public figures: {text}");
    }

    // Beside the citizen index in the officer's score explanation, shown and not weighed.
    let score =
        app.get(&format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id), &admin).await.expect(200);
    let shown = &score["explanation"]["citizen"]["complaints"];
    assert_eq!((shown["figures"]["answered_in_time"].as_i64(), shown["weighed"].as_bool()), (Some(1), Some(false)));

    // Audited under clear names, without the complaint's or the answer's text.
    let events = app.get("/api/v1/audit-events?resource_type=complaint&limit=200", &admin).await.expect(200);
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["complaint.received", "complaint.assign", "complaint.answer", "complaint.close", "complaint.reject"]
    {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
    assert!(!events.to_string().contains("Antrean KTP-el"), "the text is in the audit trail");
}

#[actix_web::test]
async fn guessed_tickets_and_codes_are_limited_like_the_ratings_but_a_valid_ticket_is_never_refused() {
    let app = TestApp::spawn_at(crate::helpers::minute_clock().1, |s| s.public_rate_limit_per_minute = 2).await;
    let org = app.seed_org("pengaduan-limit");
    let ticket = ticket(&app, &org, org.staff.id.as_str()).await;
    let guess = json!({"ticket": "guessed-ticket-000000", "complaint": "Petugas tidak ada di loket"});
    complain(&app, guess.clone()).await.expect_problem(404, "not_found");
    track(&app, "ADU-00000-00000-00000-00001").await.expect_problem(404, "not_found");
    complain(&app, guess).await.expect_problem(429, "rate_limited");
    track(&app, "ADU-00000-00000-00000-00002").await.expect_problem(429, "rate_limited");
    // The citizen with a real ticket at the same address is still heard.
    let received =
        complain(&app, json!({"ticket": ticket, "complaint": "Petugas tidak ada di loket"})).await.expect(201);
    assert_eq!(track(&app, received["tracking_code"].as_str().unwrap()).await.expect(200)["status"], "received");
}
