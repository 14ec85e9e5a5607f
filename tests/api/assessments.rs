//! Assessments: self and supervisor, drafts private, publishing, the gap view, and the refusals.

use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

pub fn scores(n: i64) -> Value {
    json!({"berorientasi_pelayanan": n, "akuntabel": n, "kompeten": n, "harmonis": n, "loyal": n, "adaptif": n, "kolaboratif": n})
}

/// Content of a complete assessment.
pub fn content(results: &str, behaviour: &str, score: i64) -> Value {
    json!({
        "results_rating": results,
        "behaviour_rating": behaviour,
        "behaviour_scores": scores(score),
        "comment": "Triwulan berjalan baik",
        "follow_up": {"training_needs": [{"topic": "Analisis data", "note": "Diklat teknis"}], "coaching": null, "recognition": null}
    })
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

/// Opens the 2026 period (as the admin) and returns (period id, first quarter id).
pub async fn period(app: &TestApp, org: &Org) -> (String, String) {
    let period = app.post("/api/v1/periods", &app.token_for(&org.admin), json!({"year": 2026})).await.expect(201);
    (id(&period), period["sub_periods"][0]["id"].as_str().unwrap().to_string())
}

/// Starts, fills and publishes an assessment of `employee_id` for the quarter by `token`.
pub async fn publish(app: &TestApp, token: &str, period: &str, quarter: &str, employee_id: &str, body: Value) -> Value {
    let draft = app
        .post(
            "/api/v1/assessments",
            token,
            json!({"period_id": period, "sub_period_id": quarter, "employee_id": employee_id}),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/assessments/{}", id(&draft));
    app.put(&path, token, 1, body).await.expect(200);
    app.post_versioned(&format!("{path}/publish"), token, 2, json!({})).await.expect(200)
}

#[actix_web::test]
async fn both_assess_a_quarter_and_the_gap_view_shows_the_difference() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("assess-gap");
    let (period, q1) = period(&app, &org).await;
    let (staff, supervisor, head) =
        (app.token_for(&org.staff), app.token_for(&org.supervisor), app.token_for(&org.head));

    // The employee drafts a self-assessment: private until published.
    let own =
        app.post("/api/v1/assessments", &staff, json!({"period_id": period, "sub_period_id": q1})).await.expect(201);
    assert_eq!((own["kind"].as_str(), own["status"].as_str()), (Some("self"), Some("draft")));
    let own_path = format!("/api/v1/assessments/{}", id(&own));
    let mut own_content = content("di_atas_ekspektasi", "di_atas_ekspektasi", 5);
    own_content["behaviour_scores"]["loyal"] = json!(3);
    let updated = app.put(&own_path, &staff, 1, own_content).await.expect(200);
    assert_eq!(updated["follow_up"]["training_needs"][0]["topic"], "Analisis data");
    app.get(&own_path, &supervisor).await.expect_problem(404, "not_found");
    // A stale If-Match is refused.
    app.put(&own_path, &staff, 1, content("di_atas_ekspektasi", "di_atas_ekspektasi", 5))
        .await
        .expect_problem(412, "version_mismatch");
    app.post_versioned(&format!("{own_path}/publish"), &staff, 2, json!({})).await.expect(200);
    app.get(&own_path, &supervisor).await.expect(200);

    // The supervisor assesses: a draft the employee cannot see.
    let body = json!({"period_id": period, "sub_period_id": q1, "employee_id": org.staff.id});
    let theirs = app.post("/api/v1/assessments", &supervisor, body).await.expect(201);
    assert_eq!(theirs["kind"], "supervisor");
    let path = format!("/api/v1/assessments/{}", id(&theirs));
    app.put(&path, &supervisor, 1, content("sesuai_ekspektasi", "di_atas_ekspektasi", 4)).await.expect(200);
    app.get(&path, &staff).await.expect_problem(404, "not_found");

    // The gap view: supervisor minus self, per criterion.
    let comparison = app.get(&format!("{path}/comparison"), &supervisor).await.expect(200);
    assert_eq!(comparison["self_assessment"]["id"], own["id"]);
    let gaps = comparison["gaps"].as_array().unwrap();
    let gap = |name: &str| gaps.iter().find(|g| g["criterion"] == name).unwrap()["gap"].clone();
    assert_eq!(gaps.len(), 9);
    assert_eq!(gap("results_rating"), -1);
    assert_eq!(gap("behaviour_rating"), 0);
    assert_eq!(gap("kompeten"), -1);
    assert_eq!(gap("loyal"), 1);
    // The comparison starts from the supervisor's assessment.
    app.get(&format!("{own_path}/comparison"), &staff).await.expect_problem(409, "not_a_supervisor_assessment");

    // Publishing shows it to the employee and opens the objection window; it is then locked.
    let published = app.post_versioned(&format!("{path}/publish"), &supervisor, 2, json!({})).await.expect(200);
    assert_eq!(published["status"], "published");
    assert!(published["objection_deadline"].is_string());
    assert_eq!(published["final_results_rating"], "sesuai_ekspektasi");
    assert_eq!(published["final_predikat"], "baik");
    let seen = app.get(&path, &staff).await.expect(200);
    assert_eq!(seen["results_rating"], "sesuai_ekspektasi");
    app.put(&path, &supervisor, 3, content("di_atas_ekspektasi", "di_atas_ekspektasi", 5))
        .await
        .expect_problem(409, "assessment_published");
    // The supervisor's own supervisor (who hears objections) reads it too, and in the list.
    app.get(&path, &head).await.expect(200);
    let listed = app.get(&format!("/api/v1/assessments?period_id={period}&kind=supervisor"), &head).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Lists: the employee sees both published ones; updated_since filters for sync.
    let mine = app.get(&format!("/api/v1/assessments?employee_id={}", org.staff.id), &staff).await.expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let later = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339().replace('+', "%2B");
    let none = app.get(&format!("/api/v1/assessments?updated_since={later}"), &staff).await.expect(200);
    assert!(none["items"].as_array().unwrap().is_empty());

    // Every step is in the audit trail, with its actor.
    let events = app
        .get(&format!("/api/v1/audit-events?resource_id={}", id(&theirs)), &app.token_for(&org.admin))
        .await
        .expect(200);
    let actions: Vec<(String, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["actor_id"].as_str().unwrap().to_string()))
        .collect();
    for action in ["assessment.create", "assessment.update", "assessment.publish"] {
        assert!(actions.contains(&(action.to_string(), org.supervisor.id.to_string())), "{action} in {actions:?}");
    }
}

#[actix_web::test]
async fn only_the_employee_and_their_direct_supervisor_assess() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("assess-who");
    let (period, q1) = period(&app, &org).await;
    let of_staff = json!({"period_id": period, "sub_period_id": q1, "employee_id": org.staff.id});
    // A colleague and the second-level supervisor cannot see the employee's records: 404.
    app.post("/api/v1/assessments", &app.token_for(&org.peer), of_staff.clone()).await.expect_problem(404, "not_found");
    app.post("/api/v1/assessments", &app.token_for(&org.head), of_staff.clone()).await.expect_problem(404, "not_found");
    // Admins and auditors see performance records but rate nobody.
    app.post("/api/v1/assessments", &app.token_for(&org.admin), of_staff.clone())
        .await
        .expect_problem(403, "forbidden");
    app.post("/api/v1/assessments", &app.token_for(&org.auditor), of_staff.clone())
        .await
        .expect_problem(403, "forbidden");
    // Another organisation's admin sees nothing of it.
    let other = app.seed_org("assess-who-b");
    app.post("/api/v1/assessments", &app.token_for(&other.admin), of_staff.clone())
        .await
        .expect_problem(404, "not_found");

    // A published self-assessment: readable by the supervisor, editable only by its author.
    let own = publish(
        &app,
        &app.token_for(&org.staff),
        &period,
        &q1,
        &org.staff.id,
        content("sesuai_ekspektasi", "sesuai_ekspektasi", 3),
    )
    .await;
    let path = format!("/api/v1/assessments/{}", id(&own));
    app.get(&path, &app.token_for(&org.supervisor)).await.expect(200);
    app.get(&path, &app.token_for(&org.peer)).await.expect_problem(404, "not_found");
    app.put(&path, &app.token_for(&org.supervisor), 3, content("sesuai_ekspektasi", "sesuai_ekspektasi", 3))
        .await
        .expect_problem(403, "forbidden");
    app.post_versioned(&format!("{path}/publish"), &app.token_for(&org.admin), 3, json!({}))
        .await
        .expect_problem(403, "forbidden");
    // A supervisor's draft is invisible to everyone else, admins included.
    let draft = app.post("/api/v1/assessments", &app.token_for(&org.supervisor), of_staff).await.expect(201);
    let draft_path = format!("/api/v1/assessments/{}", id(&draft));
    for who in [&org.admin, &org.auditor, &org.staff, &org.head] {
        app.get(&draft_path, &app.token_for(who)).await.expect_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn bad_input_gets_a_clear_problem() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("assess-bad");
    let (period, q1) = period(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let draft =
        app.post("/api/v1/assessments", &staff, json!({"period_id": period, "sub_period_id": q1})).await.expect(201);
    let path = format!("/api/v1/assessments/{}", id(&draft));

    let mut wrong = content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    wrong["behaviour_scores"]["loyal"] = json!(6);
    let problem = app.put(&path, &staff, 1, wrong).await.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "behaviour_scores.loyal");
    let mut unknown = content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    unknown["rating"] = json!("baik");
    app.put(&path, &staff, 1, unknown).await.expect_problem(422, "validation_failed");
    let mut bad_rating = content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    bad_rating["results_rating"] = json!("luar_biasa");
    app.put(&path, &staff, 1, bad_rating).await.expect_problem(422, "validation_failed");
    app.put_unversioned(&path, &staff, content("sesuai_ekspektasi", "sesuai_ekspektasi", 3))
        .await
        .expect_problem(428, "if_match_required");

    // Publishing needs both ratings and the seven scores.
    let problem = app
        .post_versioned(&format!("{path}/publish"), &staff, 1, json!({}))
        .await
        .expect_problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["results_rating", "behaviour_rating", "behaviour_scores"]);

    // One of each kind per sub-period; a sub-period of another period is refused.
    app.post("/api/v1/assessments", &staff, json!({"period_id": period, "sub_period_id": q1}))
        .await
        .expect_problem(409, "assessment_exists");
    let later = app.post("/api/v1/periods", &app.token_for(&org.admin), json!({"year": 2030})).await.expect(201);
    let problem = app
        .post(
            "/api/v1/assessments",
            &staff,
            json!({"period_id": period, "sub_period_id": later["sub_periods"][0]["id"]}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "sub_period_id");
    app.post("/api/v1/assessments", &staff, json!({"period_id": "nope"})).await.expect_problem(404, "not_found");

    // A quarter that has not ended cannot be published yet.
    let early = app
        .post(
            "/api/v1/assessments",
            &staff,
            json!({"period_id": later["id"], "sub_period_id": later["sub_periods"][0]["id"]}),
        )
        .await
        .expect(201);
    let early_path = format!("/api/v1/assessments/{}", id(&early));
    app.put(&early_path, &staff, 1, content("sesuai_ekspektasi", "sesuai_ekspektasi", 3)).await.expect(200);
    let problem = app
        .post_versioned(&format!("{early_path}/publish"), &staff, 2, json!({}))
        .await
        .expect_problem(409, "assessment_not_open");
    assert!(problem["detail"].as_str().unwrap().contains("2030-03-31"));
}

#[actix_web::test]
async fn a_repeated_create_with_the_same_key_returns_the_first_draft() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("assess-idem");
    let (period, _) = period(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let send = || {
        actix_web::test::TestRequest::post()
            .uri("/api/v1/assessments")
            .insert_header(("authorization", format!("Bearer {staff}")))
            .insert_header(("idempotency-key", "year-self-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(json!({"period_id": period}).to_string())
    };
    let first = app.send(send()).await;
    let again = app.send(send()).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (201, 201));
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The year's assessment has no sub-period.
    assert!(first.json()["sub_period_id"].is_null());
}

#[actix_web::test]
async fn admins_read_and_set_the_organisations_time_zone() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("assess-tz");
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}", org.id);
    let read = app.get(&path, &app.token_for(&org.staff)).await.expect(200);
    assert_eq!(read["time_zone"], "Asia/Jakarta");
    let changed = app
        .put(&path, &admin, 1, json!({"name": "Pemerintah Kota Jayapura", "time_zone": "Asia/Jayapura"}))
        .await
        .expect(200);
    assert_eq!(changed["time_zone"], "Asia/Jayapura");
    // Absent keeps the zone; an unknown zone is refused.
    let renamed = app.put(&path, &admin, 2, json!({"name": "Kota Jayapura"})).await.expect(200);
    assert_eq!(renamed["time_zone"], "Asia/Jayapura");
    let problem = app
        .put(&path, &admin, 3, json!({"name": "Kota Jayapura", "time_zone": "Asia/Singapore"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "time_zone");
    app.put(&path, &app.token_for(&org.staff), 3, json!({"name": "Kota X", "time_zone": "Asia/Makassar"}))
        .await
        .expect_problem(403, "forbidden");
}
