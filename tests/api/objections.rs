//! Objections: the window in the organisation's time zone, once per assessment, only one's own,
//! decided by the assessor's supervisor (or the policy's admin fallback), final ratings.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::{json, Value};

use crate::assessments::{content, id, period, publish};
use crate::helpers::{Org, TestApp};
use kinerja::domain::assessment::objection_window;
use kinerja::domain::time_zone::OrgTimeZone;

/// The supervisor publishes the quarter's assessment of `employee` and it is backdated to `at`.
async fn published_at(app: &TestApp, org: &Org, employee_id: &str, at: DateTime<Utc>) -> Value {
    let (period, q1) = match app.get("/api/v1/periods?year=2026", &app.token_for(&org.admin)).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .first()
    {
        Some(p) => (id(p), p["sub_periods"][0]["id"].as_str().unwrap().to_string()),
        None => period(app, org).await,
    };
    let body = content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    let assessment = publish(app, &app.token_for(&org.supervisor), &period, &q1, employee_id, body).await;
    let stamp = at.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f");
    app.execute_sql(&format!("UPDATE assessments SET published_at = '{stamp}' WHERE id = '{}'", id(&assessment)));
    assessment
}

fn objection(assessment: &Value) -> Value {
    json!({"assessment_id": assessment["id"], "reason": "Capaian saya di atas target triwulan ini"})
}

#[actix_web::test]
async fn day_thirteen_is_in_time_day_fifteen_late_and_only_once_and_only_ones_own() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("objection-window");
    let now = Utc::now();
    let staff_assessment = published_at(&app, &org, &org.staff.id, now - Duration::days(13)).await;
    let peer_assessment = published_at(&app, &org, &org.peer.id, now - Duration::days(15)).await;
    let (staff, peer) = (app.token_for(&org.staff), app.token_for(&org.peer));

    // Someone else's assessment: a colleague cannot see it (404), the supervisor may not object (403).
    app.post("/api/v1/objections", &peer, objection(&staff_assessment)).await.expect_problem(404, "not_found");
    app.post("/api/v1/objections", &app.token_for(&org.supervisor), objection(&staff_assessment))
        .await
        .expect_problem(403, "forbidden");
    app.post("/api/v1/objections", &app.token_for(&org.admin), objection(&staff_assessment))
        .await
        .expect_problem(403, "forbidden");

    // Day 13: accepted, decided by the supervisor's own supervisor.
    let filed = app.post("/api/v1/objections", &staff, objection(&staff_assessment)).await.expect(201);
    assert_eq!(filed["status"], "pending");
    assert_eq!(
        (filed["decider_kind"].as_str(), filed["decider_id"].as_str()),
        (Some("superior"), Some(org.head.id.as_str()))
    );
    assert_eq!(filed["original_results_rating"], "sesuai_ekspektasi");
    // Once.
    app.post("/api/v1/objections", &staff, objection(&staff_assessment)).await.expect_problem(409, "objection_exists");
    // Day 15: late.
    let late = app
        .post("/api/v1/objections", &peer, objection(&peer_assessment))
        .await
        .expect_problem(409, "objection_window_closed");
    assert!(late["detail"].as_str().unwrap().contains("hari ke-15"), "{late}");
    // Too short a reason, an unknown field.
    let mut short = objection(&peer_assessment);
    short["reason"] = json!("tidak");
    app.post("/api/v1/objections", &peer, short).await.expect_problem(422, "validation_failed");
    let mut extra = objection(&peer_assessment);
    extra["urgent"] = json!(true);
    app.post("/api/v1/objections", &peer, extra).await.expect_problem(422, "validation_failed");

    // The assessment shows the objection.
    let seen = app.get(&format!("/api/v1/assessments/{}", id(&staff_assessment)), &staff).await.expect(200);
    assert_eq!(seen["objection"]["status"], "pending");
}

#[actix_web::test]
async fn a_self_assessment_or_a_draft_takes_no_objection() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("objection-what");
    let (period, q1) = period(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let own =
        publish(&app, &staff, &period, &q1, &org.staff.id, content("sesuai_ekspektasi", "sesuai_ekspektasi", 3)).await;
    app.post("/api/v1/objections", &staff, objection(&own)).await.expect_problem(409, "not_a_supervisor_assessment");
    let draft = app
        .post(
            "/api/v1/assessments",
            &app.token_for(&org.supervisor),
            json!({"period_id": period, "employee_id": org.staff.id}),
        )
        .await
        .expect(201);
    // A draft does not exist for the employee.
    app.post("/api/v1/objections", &staff, objection(&draft)).await.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn the_second_level_supervisor_changes_the_rating_and_both_see_it() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("objection-decide");
    let assessment = published_at(&app, &org, &org.staff.id, Utc::now() - Duration::days(2)).await;
    let (staff, supervisor, head) =
        (app.token_for(&org.staff), app.token_for(&org.supervisor), app.token_for(&org.head));
    let filed = app.post("/api/v1/objections", &staff, objection(&assessment)).await.expect(201);
    let path = format!("/api/v1/objections/{}", id(&filed));
    let decision = path.clone() + "/decision";
    let changed = json!({"outcome": "changed", "reason": "Bukti dukung menunjukkan capaian di atas target",
        "results_rating": "di_atas_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"});

    // The head sees it waiting; nobody else decides.
    let waiting = app.get("/api/v1/objections?status=pending", &head).await.expect(200);
    assert_eq!(waiting["items"][0]["id"], filed["id"]);
    for who in [&supervisor, &staff, &app.token_for(&org.admin)] {
        app.post_versioned(&decision, who, 1, changed.clone()).await.expect_problem(403, "forbidden");
    }
    app.post_versioned(&decision, &app.token_for(&org.peer), 1, changed.clone()).await.expect_problem(404, "not_found");
    // Bad decisions.
    let same = json!({"outcome": "changed", "reason": "Penilaian tetap sama saja", "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"});
    app.post_versioned(&decision, &head, 1, same).await.expect_problem(422, "validation_failed");
    let half =
        json!({"outcome": "changed", "reason": "Hanya hasil kerja berubah", "results_rating": "di_atas_ekspektasi"});
    app.post_versioned(&decision, &head, 1, half).await.expect_problem(422, "validation_failed");
    let upheld_with_rating =
        json!({"outcome": "upheld", "reason": "Penilaian sudah tepat", "results_rating": "di_atas_ekspektasi"});
    app.post_versioned(&decision, &head, 1, upheld_with_rating).await.expect_problem(422, "validation_failed");
    app.post_versioned(&decision, &head, 7, changed.clone()).await.expect_problem(412, "version_mismatch");

    let decided = app.post_versioned(&decision, &head, 1, changed.clone()).await.expect(200);
    assert_eq!((decided["status"].as_str(), decided["outcome"].as_str()), (Some("decided"), Some("changed")));
    assert_eq!(decided["decided_by"], org.head.id.as_str());
    // Final.
    app.post_versioned(&decision, &head, 2, changed).await.expect_problem(409, "objection_decided");

    // Both parties see the decision; the assessment keeps the original beside the final ratings.
    for who in [&staff, &supervisor] {
        let seen = app.get(&path, who).await.expect(200);
        assert_eq!(seen["final_results_rating"], "di_atas_ekspektasi");
        assert_eq!(seen["decision_reason"], "Bukti dukung menunjukkan capaian di atas target");
        let rated = app.get(&format!("/api/v1/assessments/{}", id(&assessment)), who).await.expect(200);
        assert_eq!(
            (rated["results_rating"].as_str(), rated["final_results_rating"].as_str()),
            (Some("sesuai_ekspektasi"), Some("di_atas_ekspektasi"))
        );
        assert_eq!(rated["final_predikat"], "baik");
        assert_eq!(rated["objection"]["outcome"], "changed");
    }
    // The score engine reads the final ratings in one query.
    let (employee, period) = (org.staff.id.clone(), assessment["period_id"].as_str().unwrap().to_string());
    let scored = app
        .db()
        .read_blocking(move |conn| {
            kinerja::assessments::store::published_for_scores(conn, std::slice::from_ref(&employee), &period)
        })
        .unwrap();
    assert_eq!(scored.len(), 1);
    assert_eq!(scored[0].final_results_rating, Some(kinerja::domain::predikat::Rating::DiAtasEkspektasi));
    assert_eq!(scored[0].results_rating, Some(kinerja::domain::predikat::Rating::SesuaiEkspektasi));
    assert_eq!(scored[0].scores.len(), 7);
    // The score shows the changed rating beside the supervisor's, and the predicate follows it.
    let score_path = format!(
        "/api/v1/employees/{}/score?period_id={}&sub_period_id={}",
        org.staff.id,
        assessment["period_id"].as_str().unwrap(),
        assessment["sub_period_id"].as_str().unwrap()
    );
    let score = app.get(&score_path, &staff).await.expect(200);
    let results = &score["explanation"]["ratings"][0];
    assert_eq!(
        (results["supervisor"].as_str(), results["final"].as_str(), results["source"].as_str()),
        (Some("sesuai_ekspektasi"), Some("di_atas_ekspektasi"), Some("objection")),
        "{score}"
    );
    assert_eq!(score["explanation"]["predicate"]["basis"], "final");
    assert_eq!(score["explanation"]["behaviour"]["groups"][0]["counted"], true);

    // The audit trail names the right actor for each step.
    let events = app
        .get(&format!("/api/v1/audit-events?resource_id={}", id(&filed)), &app.token_for(&org.auditor))
        .await
        .expect(200);
    let steps: Vec<(&str, &str)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor_id"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, vec![("objection.file", org.staff.id.as_str()), ("objection.decide", org.head.id.as_str())]);
    // A colleague sees none of it.
    app.get(&path, &app.token_for(&org.peer)).await.expect_problem(404, "not_found");
    let theirs = app.get("/api/v1/objections", &app.token_for(&org.peer)).await.expect(200);
    assert!(theirs["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn with_nobody_above_the_assessor_an_admin_who_is_not_a_party_decides() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("objection-top");
    let (period, q1) = period(&app, &org).await;
    // The head of agency (no supervisor) assesses the supervisor.
    let assessment = publish(
        &app,
        &app.token_for(&org.head),
        &period,
        &q1,
        &org.supervisor.id,
        content("di_bawah_ekspektasi", "sesuai_ekspektasi", 2),
    )
    .await;
    let filed =
        app.post("/api/v1/objections", &app.token_for(&org.supervisor), objection(&assessment)).await.expect(201);
    assert_eq!((filed["decider_kind"].as_str(), filed["decider_id"].as_str()), (Some("admin"), None));
    let decision = format!("/api/v1/objections/{}/decision", id(&filed));
    let upheld = json!({"outcome": "upheld", "reason": "Penilaian sesuai bukti yang ada"});
    app.post_versioned(&decision, &app.token_for(&org.head), 1, upheld.clone()).await.expect_problem(403, "forbidden");
    app.post_versioned(&decision, &app.token_for(&org.auditor), 1, upheld.clone())
        .await
        .expect_problem(403, "forbidden");
    let decided = app.post_versioned(&decision, &app.token_for(&org.admin), 1, upheld).await.expect(200);
    assert_eq!(
        (decided["outcome"].as_str(), decided["final_results_rating"].as_str()),
        (Some("upheld"), Some("di_bawah_ekspektasi"))
    );
}

#[actix_web::test]
async fn the_window_counts_the_organisations_dates_not_utcs() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("objection-tz");
    let now = Utc::now();
    let zone = OrgTimeZone::AsiaJakarta;
    let utc_date = now.date_naive();
    // Pick a publication time whose UTC date and WIB date differ, so that counting UTC dates
    // would give the other answer: 20:00 UTC (03:00 WIB the next day), 15 UTC days ago, is day
    // 14 in WIB when WIB and UTC agree on today's date; otherwise 10:00 UTC 14 days ago is day
    // 15 in WIB.
    let wib_is_ahead_today = zone.date_at(now) != utc_date;
    let (days_back, hour) = if wib_is_ahead_today { (14, 10) } else { (15, 20) };
    let published =
        (utc_date - Duration::days(days_back)).and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()).and_utc();
    let in_wib = objection_window(published, now, zone, 14);
    let in_utc = (utc_date - published.date_naive()).num_days() <= 14;
    assert_ne!(in_wib.open, in_utc, "the chosen time must tell the two counts apart");

    let assessment = published_at(&app, &org, &org.staff.id, published).await;
    let response = app.post("/api/v1/objections", &app.token_for(&org.staff), objection(&assessment)).await;
    if in_wib.open {
        response.expect(201);
    } else {
        response.expect_problem(409, "objection_window_closed");
    }
}

#[actix_web::test]
async fn the_window_closes_at_midnight_in_the_organisations_time_zone_not_in_utc() {
    // Published at 10:00 WIB on 16 September 2026: the window runs to the end of 30 September, WIB.
    let late_evening = "2026-09-30T16:30:00Z".parse::<DateTime<Utc>>().unwrap(); // 23:30 WIB, day 14
    let next_morning = "2026-09-30T23:00:00Z".parse::<DateTime<Utc>>().unwrap(); // 06:00 WIB 1 October
    let app = TestApp::spawn_at(kinerja::clock::Clock::Fixed(late_evening), |_| {}).await;
    let org = app.seed_org("objection-tz");
    let published = "2026-09-16T03:00:00Z".parse::<DateTime<Utc>>().unwrap();
    let staff_assessment = published_at(&app, &org, &org.staff.id, published).await;
    let peer_assessment = published_at(&app, &org, &org.peer.id, published).await;

    app.post("/api/v1/objections", &app.token_for(&org.staff), objection(&staff_assessment)).await.expect(201);
    // At 06:00 WIB the UTC date is still the 30th (day 14 in UTC), but the local day is the 15th.
    let morning = app.another_instance_at(kinerja::clock::Clock::Fixed(next_morning)).await;
    let late = morning
        .post("/api/v1/objections", &app.token_for(&org.peer), objection(&peer_assessment))
        .await
        .expect_problem(409, "objection_window_closed");
    assert!(late["detail"].as_str().unwrap().contains("hari ke-15"), "{late}");
    assert!(late["detail"].as_str().unwrap().contains("2026-09-30T17:00:00"), "{late}");
}
