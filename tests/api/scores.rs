//! Scores computed on read from the plan, the ratings and the policy, with their explanation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Connection, InstrumentationEvent};
use serde_json::{json, Value};

use crate::helpers::{nip, Org, TestApp};

/// The worked example of domain.md as two targets: A (weight 60) and B (weight 40).
fn worked_example_targets() -> Vec<Value> {
    let target = |description: &str, weight: f64, quantity: f64| {
        json!({
            "description": description, "kind": "utama", "weight": weight,
            "indicators": [{"description": format!("Indikator {description}"), "aspects": [
                {"aspect": "kuantitas", "target": quantity, "unit": "laporan"},
                {"aspect": "kualitas", "target": 100, "unit": "persen"},
                {"aspect": "waktu", "target": 12, "unit": "bulan"}
            ]}]
        })
    };
    vec![target("Target A", 60.0, 12.0), target("Target B", 40.0, 4.0)]
}

/// A 2030 period and the staff's approved SKP of the worked example; returns the period.
async fn planned(app: &TestApp, org: &Org) -> Value {
    planned_in(app, org, 2030).await
}

/// A period of `year` and the staff's approved SKP of the worked example; returns the period.
pub async fn planned_in(app: &TestApp, org: &Org, year: i32) -> Value {
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": year})).await.expect(201);
    let staff = app.token_for(&org.staff);
    let skp = app.post("/api/v1/skps", &staff, json!({"period_id": period["id"]})).await.expect(201);
    let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let filled = app.put(&path, &staff, 1, json!({"targets": worked_example_targets()})).await.expect(200);
    let version = filled["version"].as_i64().unwrap();
    let submitted = app.post_versioned(&format!("{path}/submit"), &staff, version, json!({})).await.expect(200);
    let version = submitted["version"].as_i64().unwrap();
    let supervisor = app.token_for(&org.supervisor);
    app.post_versioned(&format!("{path}/approve"), &supervisor, version, json!({})).await.expect(200);
    period
}

fn scores(value: i32) -> Value {
    json!({"berorientasi_pelayanan": value, "akuntabel": value, "kompeten": value, "harmonis": value, "loyal": value, "adaptif": value, "kolaboratif": value})
}

#[actix_web::test]
async fn a_score_explains_every_step_and_peers_count_once_the_assessment_opens() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scores");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let admin = app.token_for(&org.admin);
    let supervisor = app.token_for(&org.supervisor);
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);

    let score = app.get(&path, &app.token_for(&org.staff)).await.expect(200);
    assert_eq!(score, app.get(&path, &supervisor).await.expect(200), "the supervisor sees the same");
    assert_eq!(score["scope"]["label"], "2030");
    assert_eq!(score["skp_revision"], 1);
    let card = &score["explanation"];
    assert_eq!(card["policy_version"], 1);
    // Nothing realised yet: every aspect scores 0, said so, and the suggestion is below.
    let aspect = &card["results"]["targets"][0]["indicators"][0]["aspects"][0];
    assert_eq!((aspect["aspect"].as_str(), aspect["target"].as_f64()), (Some("kuantitas"), Some(12.0)));
    assert_eq!(
        (aspect["recorded"].as_bool(), aspect["branch"].as_str()),
        (Some(false), Some("kuantitas, nothing recorded"))
    );
    assert_eq!(card["results"]["targets"][1]["weight_share"], 0.4);
    assert_eq!(card["results"]["nilai_hasil_kerja"], 0.0);
    assert_eq!(card["results"]["suggested"]["rule"], "0.00 < 90: di_bawah_ekspektasi");
    // Nobody rated behaviour: no behaviour score, no predicate; nilai kinerja is results alone.
    assert_eq!(card["behaviour"]["groups"][0]["reason"], "the supervisor has not rated yet");
    assert!(card["behaviour"]["mean"].is_null() && card["predicate"].is_null());
    assert_eq!(card["nilai_kinerja"]["value"], 0.0);
    assert_eq!(card["ratings"].as_array().unwrap().len(), 2);

    // A quarter is measured against its share of the year: 12 reports a year are 3 a quarter.
    let quarter = &period["sub_periods"][0];
    let q_path = format!("{path}&sub_period_id={}", quarter["id"].as_str().unwrap());
    let q = app.get(&q_path, &supervisor).await.expect(200);
    assert_eq!(q["scope"]["label"], "2030-Q1");
    let q_aspects = &q["explanation"]["results"]["targets"][0]["indicators"][0]["aspects"];
    assert_eq!(
        (q_aspects[0]["target"].as_f64(), q_aspects[0]["basis"].as_str()),
        (Some(3.0), Some("annual target 12 ÷ 4 sub-periods"))
    );
    assert_eq!((q_aspects[1]["target"].as_f64(), q_aspects[1]["basis"].as_str()), (Some(100.0), None));

    // Three peers answer while the year runs: their answers count only once the assessment opens.
    let mut peers = vec![org.peer.clone()];
    for n in 0..2 {
        let body = json!({"nip": nip(950, n), "name": format!("Rekan {n}"), "position": "Pelaksana", "job_level": "pelaksana",
                          "unit_id": org.bidang.id, "supervisor_id": org.supervisor.id});
        peers.push(serde_json::from_value(app.post("/api/v1/employees", &admin, body).await.expect(201)).unwrap());
    }
    let raters: Vec<Value> =
        peers.iter().map(|p: &kinerja::employees::Employee| json!({"rater_id": p.id, "group": "peer"})).collect();
    app.post(
        &format!("/api/v1/periods/{period_id}/peer-assignments"),
        &supervisor,
        json!({"ratee_id": org.staff.id, "raters": raters}),
    )
    .await
    .expect(201);
    // 4, 4 and 5 on every value: mean 13/3 = 4.33.
    for (peer, value) in peers.iter().zip([4, 4, 5]) {
        let token = app.token_for(peer);
        let mine = app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &token).await.expect(200);
        let rating = format!("/api/v1/peer-assignments/{}/rating", mine["items"][0]["id"].as_str().unwrap());
        app.put_unversioned(&rating, &token, json!({"scores": scores(value)})).await.expect(200);
    }
    let running = app.get(&path, &supervisor).await.expect(200);
    let peer_row = &running["explanation"]["behaviour"]["groups"][1];
    assert_eq!((peer_row["group"].as_str(), peer_row["counted"].as_bool()), (Some("peer"), Some(false)));
    assert!(peer_row["respondents"].is_null());
    assert!(peer_row["reason"].as_str().unwrap().contains("once the year's assessment opens"), "{peer_row}");
    assert!(running["explanation"]["behaviour"]["values"][0]["peer"].is_null());

    app.to_evaluating(&admin, period_id).await;
    let open = app.get(&path, &supervisor).await.expect(200);
    let behaviour = &open["explanation"]["behaviour"];
    let peer_row = &behaviour["groups"][1];
    // Peers alone (the supervisor has not assessed): their weight 0.3 renormalised to 1.
    assert_eq!(
        (peer_row["counted"].as_bool(), peer_row["respondents"].as_i64(), peer_row["weight"].as_f64()),
        (Some(true), Some(3), Some(1.0))
    );
    let mean = behaviour["mean"].as_f64().unwrap();
    assert!((mean - 13.0 / 3.0).abs() < 1e-9, "{mean}");
    assert_eq!(behaviour["suggested"]["rating"], "di_atas_ekspektasi");
    assert_eq!(behaviour["multi_rater"], true);
    // Results below × behaviour above, as suggested: butuh_perbaikan (provisional).
    let predicate = &open["explanation"]["predicate"];
    assert_eq!(
        (predicate["predikat"].as_str(), predicate["basis"].as_str()),
        (Some("butuh_perbaikan"), Some("suggested"))
    );
    // Peers counted, so 60/40: 0.6 × 0 + 0.4 × min(4.33/3 × 100, 120) = 0.4 × 120 = 48.
    let nk = open["explanation"]["nilai_kinerja"]["value"].as_f64().unwrap();
    assert!((nk - 48.0).abs() < 1e-9, "{nk}");
}

#[actix_web::test]
async fn teams_and_units_page_through_summaries() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scorelists");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let supervisor = app.token_for(&org.supervisor);

    let team = app.get(&format!("/api/v1/scores/team?period_id={period_id}"), &supervisor).await.expect(200);
    let items = team["items"].as_array().unwrap();
    let mut ids: Vec<&str> = items.iter().map(|i| i["employee_id"].as_str().unwrap()).collect();
    ids.sort();
    let mut expected = vec![org.staff.id.as_str(), org.peer.id.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let staff_row = items.iter().find(|i| i["employee_id"] == org.staff.id.as_str()).unwrap();
    assert!(staff_row["skp_id"].is_string() && staff_row.get("explanation").is_none());
    assert_eq!(
        (staff_row["nilai_hasil_kerja"].as_f64(), staff_row["suggested_results"].as_str()),
        (Some(0.0), Some("di_bawah_ekspektasi"))
    );
    let peer_row = items.iter().find(|i| i["employee_id"] == org.peer.id.as_str()).unwrap();
    assert!(peer_row["skp_id"].is_null() && peer_row["nilai_hasil_kerja"].is_null());

    // The root unit alone holds the admin, the auditor and the head; with its sub-units, all six.
    let auditor = app.token_for(&org.auditor);
    let root = format!("/api/v1/units/{}/scores?period_id={period_id}", org.root.id);
    assert_eq!(app.get(&root, &auditor).await.expect(200)["items"].as_array().unwrap().len(), 3);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_path = format!("{root}&include_sub_units=true&limit=4");
        if let Some(c) = &cursor {
            page_path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&page_path, &auditor).await.expect(200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["employee_id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    // An admin names another supervisor's team.
    let path = format!("/api/v1/scores/team?period_id={period_id}&supervisor_id={}", org.head.id);
    let heads = app.get(&path, &app.token_for(&org.admin)).await.expect(200);
    assert_eq!(heads["items"][0]["employee_id"], org.supervisor.id.as_str());
}

#[actix_web::test]
async fn scores_refuse_whoever_may_not_see_them_and_bad_input() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scorerefuse");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let staff_score = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);

    // A colleague does not see the staff's score; the head (two levels up) neither.
    app.get(&staff_score, &app.token_for(&org.peer)).await.expect_problem(404, "not_found");
    app.get(&staff_score, &app.token_for(&org.head)).await.expect_problem(404, "not_found");
    // Another organisation's admin finds nothing.
    let other = app.seed_org("scorerefuse-b");
    app.get(&staff_score, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    // Portals read no performance data.
    let (client, secret) = app.service_client(&org, &["employees:read"]).await;
    let portal = app.client_token(&client, &secret).await;
    app.get(&staff_score, &portal).await.expect_problem(403, "forbidden");
    let team = format!("/api/v1/scores/team?period_id={period_id}&supervisor_id={}", org.supervisor.id);
    app.get(&team, &portal).await.expect_problem(403, "forbidden");
    // Staff read no one else's team (a supervisor they may not see does not exist for them; the
    // head sees the supervisor but not the team), and no unit.
    app.get(&team, &app.token_for(&org.staff)).await.expect_problem(404, "not_found");
    app.get(&team, &app.token_for(&org.head)).await.expect_problem(403, "forbidden");
    let unit = format!("/api/v1/units/{}/scores?period_id={period_id}", org.bidang.id);
    app.get(&unit, &app.token_for(&org.supervisor)).await.expect_problem(403, "forbidden");
    app.get(&unit, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    app.get(&unit, &portal).await.expect_problem(403, "forbidden");

    // Bad input: a foreign sub-period, a missing period, another organisation's period, a bad page.
    let admin = app.token_for(&org.admin);
    let foreign_period =
        app.post("/api/v1/periods", &app.token_for(&other.admin), json!({"year": 2030})).await.expect(201);
    let sub = foreign_period["sub_periods"][0]["id"].as_str().unwrap();
    let refused = app.get(&format!("{staff_score}&sub_period_id={sub}"), &admin).await.expect(422);
    assert_eq!(refused["errors"][0]["code"], "unknown_sub_period");
    let no_period = format!("/api/v1/employees/{}/score", org.staff.id);
    assert!([400, 422].contains(&app.get(&no_period, &admin).await.status.as_u16()));
    let foreign =
        format!("/api/v1/employees/{}/score?period_id={}", org.staff.id, foreign_period["id"].as_str().unwrap());
    app.get(&foreign, &admin).await.expect_problem(404, "not_found");
    app.get(&format!("{unit}&limit=0"), &admin).await.expect(422);
    app.get(&format!("{unit}&cursor=%25%25"), &admin).await.expect(422);
    app.get("/api/v1/units/nope/scores?period_id=x", &admin).await.expect_problem(404, "not_found");
}

/// How many SELECTs scoring `people` costs.
fn queries_to_score(app: &TestApp, org_id: &str, period_id: &str, people: &[&str]) -> usize {
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    let (org_id, period_id) = (kinerja::db::types::OrganizationId::from(org_id), period_id.to_string());
    let ids: Vec<kinerja::db::types::EmployeeId> = people.iter().map(|p| p.to_string().into()).collect();
    let scored = app
        .db()
        .read_blocking(move |conn| {
            let rows = ids.iter().map(|id| kinerja::employees::find(conn, id)).collect::<Result<Vec<_>, _>>()?;
            let scope = kinerja::scores::store::scope(conn, &org_id, &period_id, None, kinerja::clock::Clock::System)?;
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    if query.to_string().trim_start().starts_with("SELECT") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            kinerja::scores::store::scores_of(conn, &scope, rows)
        })
        .unwrap();
    assert_eq!(scored.len(), people.len());
    queries.load(Ordering::SeqCst)
}

#[actix_web::test]
async fn scoring_a_page_costs_the_same_queries_however_many_employees_and_targets() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scorecount");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    // The peer plans too, with the same two targets: more targets, indicators and aspects.
    let peer = app.token_for(&org.peer);
    let skp = app.post("/api/v1/skps", &peer, json!({"period_id": period_id})).await.expect(201);
    let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let filled = app.put(&path, &peer, 1, json!({"targets": worked_example_targets()})).await.expect(200);
    let submitted = app
        .post_versioned(&format!("{path}/submit"), &peer, filled["version"].as_i64().unwrap(), json!({}))
        .await
        .expect(200);
    let version = submitted["version"].as_i64().unwrap();
    app.post_versioned(&format!("{path}/approve"), &app.token_for(&org.supervisor), version, json!({}))
        .await
        .expect(200);

    let one = queries_to_score(&app, &org.id, period_id, &[&org.staff.id]);
    let three = queries_to_score(&app, &org.id, period_id, &[&org.staff.id, &org.peer.id, &org.supervisor.id]);
    assert_eq!(one, three, "no query per employee or per target");
    // Ten, and one for the complaints assigned to them.
    assert!(one <= 11, "{one} queries");
}

/// Recomputes every frozen score of the organisation from its stored inputs; fails naming any
/// that differs from the stored result by a single byte.
fn recompute_every_frozen_score(app: &TestApp, org_id: &str) -> usize {
    let org_id = kinerja::db::types::OrganizationId::from(org_id);
    let found = app.db().read_blocking(move |conn| kinerja::scores::freeze::recompute(conn, &org_id)).unwrap();
    assert!(found.differing.is_empty(), "recomputed differently: {:?}", found.differing);
    found.checked
}

/// The supervisor's assessment of the staff member for the year, published: these ratings and
/// every behaviour value at `score`.
async fn year_assessment(
    app: &TestApp,
    org: &Org,
    period_id: &str,
    results: &str,
    behaviour: &str,
    score: i64,
) -> Value {
    let supervisor = app.token_for(&org.supervisor);
    let body = json!({"period_id": period_id, "employee_id": org.staff.id});
    let draft = app.post("/api/v1/assessments", &supervisor, body).await.expect(201);
    let path = format!("/api/v1/assessments/{}", draft["id"].as_str().unwrap());
    app.put(&path, &supervisor, 1, crate::assessments::content(results, behaviour, score)).await.expect(200);
    app.post_versioned(&format!("{path}/publish"), &supervisor, 2, json!({})).await.expect(200)
}

/// The staff member's objection to `assessment`; returns the path its decision is posted to.
async fn objection(app: &TestApp, org: &Org, assessment: &Value) -> String {
    let body = json!({"assessment_id": assessment["id"], "reason": "Bukti dukung saya lengkap dan diverifikasi"});
    let filed = app.post("/api/v1/objections", &app.token_for(&org.staff), body).await.expect(201);
    format!("/api/v1/objections/{}/decision", filed["id"].as_str().unwrap())
}

/// A decision changing both ratings to sesuai_ekspektasi.
fn changed_to_sesuai() -> Value {
    json!({"outcome": "changed", "reason": "Capaian terverifikasi sesuai target",
           "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"})
}

/// A new policy version (nilai kinerja weighs results 70%, behaviour 30%), as the admin.
async fn new_policy(app: &TestApp, org: &Org, version: i32) {
    let mut policy = kinerja::domain::policy::ScoringPolicy::default();
    policy.component_weights.results = 0.7;
    policy.component_weights.behaviour = 0.3;
    let body = json!({"note": format!("version {}", version + 1), "policy": policy});
    app.put("/api/v1/policies/current", &app.token_for(&org.admin), version, body).await.expect(200);
}

#[actix_web::test]
async fn a_new_policy_version_changes_an_open_periods_score_on_the_next_read() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scorepolicy");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let supervisor = app.token_for(&org.supervisor);
    app.to_evaluating(&app.token_for(&org.admin), period_id).await;
    // The supervisor's behaviour scores alone (5 on every value: 5/3 × 100 capped at 120).
    year_assessment(&app, &org, period_id, "di_bawah_ekspektasi", "di_atas_ekspektasi", 5).await;
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);
    let before = app.get(&path, &supervisor).await.expect(200);
    // Supervisor only: 70/30 by default; 0.7 × 0 + 0.3 × 120 = 36.
    assert_eq!(before["explanation"]["policy_version"], 1);
    let nk = before["explanation"]["nilai_kinerja"]["value"].as_f64().unwrap();
    assert!((nk - 36.0).abs() < 1e-9, "{nk}");

    let mut policy = kinerja::domain::policy::ScoringPolicy::default();
    policy.component_weights.results = 0.5;
    policy.component_weights.behaviour = 0.5;
    let body = json!({"note": "half and half", "policy": policy});
    app.put("/api/v1/policies/current", &app.token_for(&org.admin), 1, body).await.expect(200);
    let after = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((after["state"].as_str(), after["explanation"]["policy_version"].as_i64()), (Some("live"), Some(2)));
    // 0.5 × 0 + 0.5 × 120 = 60.
    let nk = after["explanation"]["nilai_kinerja"]["value"].as_f64().unwrap();
    assert!((nk - 60.0).abs() < 1e-9, "{nk}");
}

#[actix_web::test]
async fn an_objections_outcome_shows_beside_the_supervisors_ratings() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scoreobjection");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    app.to_evaluating(&app.token_for(&org.admin), period_id).await;
    let draft = year_assessment(&app, &org, period_id, "di_bawah_ekspektasi", "sesuai_ekspektasi", 3).await;
    let staff = app.token_for(&org.staff);
    let decide = objection(&app, &org, &draft).await;
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);
    let pending = app.get(&path, &staff).await.expect(200);
    assert!(pending["explanation"]["ratings"][0]["objection"].is_null(), "a pending objection decides nothing");

    app.post_versioned(&decide, &app.token_for(&org.head), 1, changed_to_sesuai()).await.expect(200);
    let decided = app.get(&path, &staff).await.expect(200);
    let results = &decided["explanation"]["ratings"][0];
    assert_eq!(
        (results["supervisor"].as_str(), results["objection"].as_str(), results["final"].as_str()),
        (Some("di_bawah_ekspektasi"), Some("sesuai_ekspektasi"), Some("sesuai_ekspektasi"))
    );
    assert_eq!(
        (results["source"].as_str(), results["objection_outcome"].as_str(), results["reason"].as_str()),
        (Some("objection"), Some("changed"), Some("Capaian terverifikasi sesuai target"))
    );
    assert_eq!(decided["explanation"]["predicate"]["predikat"], "baik");
}

#[actix_web::test]
async fn closing_freezes_every_score_and_a_reopened_period_closes_into_a_new_snapshot() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("scorefreeze");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let admin = app.token_for(&org.admin);
    let supervisor = app.token_for(&org.supervisor);
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);
    let quarter = period["sub_periods"][1]["id"].as_str().unwrap();
    let q_path = format!("{path}&sub_period_id={quarter}");
    app.to_evaluating(&admin, period_id).await;
    let live = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((live["state"].as_str(), live["snapshots"].as_array().map(Vec::len)), (Some("live"), Some(0)));
    app.get(&format!("{path}&snapshot=1"), &supervisor).await.expect_problem(404, "not_found");

    let closed = app.close_period(&admin, period_id).await;
    let frozen = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((frozen["state"].as_str(), frozen["snapshot"].as_i64()), (Some("frozen"), Some(1)));
    assert!(frozen["frozen_at"].is_string());
    assert_eq!(frozen["explanation"], live["explanation"], "the snapshot is the score as it was");
    assert_eq!(frozen["snapshots"][0]["snapshot"], 1);
    let q = app.get(&q_path, &supervisor).await.expect(200);
    assert_eq!((q["state"].as_str(), q["scope"]["sub_period_id"].as_str()), (Some("frozen"), Some(quarter)));
    // Every employee (six), the year and four quarters: recorded in the close's audit event.
    let events = app.get(&format!("/api/v1/audit-events?resource_id={period_id}"), &admin).await.expect(200);
    let close = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["after"]["status"] == "closed")
        .expect("the close is audited")
        .clone();
    assert_eq!(close["after"]["on_close"], json!({"snapshot": 1, "scores": 30}));
    assert_eq!(recompute_every_frozen_score(&app, &org.id), 30);

    // A new policy changes nothing in the closed period.
    new_policy(&app, &org, 1).await;
    let still = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((still["state"].as_str(), still["explanation"]["policy_version"].as_i64()), (Some("frozen"), Some(1)));
    let team = app.get(&format!("/api/v1/scores/team?period_id={period_id}"), &supervisor).await.expect(200);
    assert!(team["items"].as_array().unwrap().iter().all(|i| i["state"] == "frozen" && i["snapshot"] == 1));

    // Reopening needs a reason and an admin; the score is live again, with the new policy.
    let status = format!("/api/v1/periods/{period_id}/status");
    let version = closed["version"].as_i64().unwrap();
    app.post_versioned(&status, &admin, version, json!({"status": "evaluating"})).await.expect(422);
    app.post_versioned(
        &status,
        &supervisor,
        version,
        json!({"status": "evaluating", "reason": "Koreksi nilai setelah audit"}),
    )
    .await
    .expect(403);
    let reopened = app
        .post_versioned(
            &status,
            &admin,
            version,
            json!({"status": "evaluating", "reason": "Koreksi nilai setelah audit"}),
        )
        .await
        .expect(200);
    let events = app.get(&format!("/api/v1/audit-events?resource_id={period_id}"), &admin).await.expect(200);
    assert!(events["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "period.reopen" && e["after"]["reason"] == "Koreksi nilai setelah audit"));
    let again = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((again["state"].as_str(), again["explanation"]["policy_version"].as_i64()), (Some("live"), Some(2)));
    assert_eq!(again["snapshots"].as_array().unwrap().len(), 1, "the old snapshot stays listed");
    let old = app.get(&format!("{path}&snapshot=1"), &supervisor).await.expect(200);
    assert_eq!((old["state"].as_str(), old["explanation"]["policy_version"].as_i64()), (Some("frozen"), Some(1)));

    // Closing again stores snapshot 2; snapshot 1 stays readable.
    app.post_versioned(&status, &admin, reopened["version"].as_i64().unwrap(), json!({"status": "closed"}))
        .await
        .expect(200);
    let second = app.get(&path, &supervisor).await.expect(200);
    assert_eq!((second["snapshot"].as_i64(), second["explanation"]["policy_version"].as_i64()), (Some(2), Some(2)));
    assert_eq!(second["snapshots"].as_array().unwrap().len(), 2);
    let first = app.get(&format!("{path}&snapshot=1"), &supervisor).await.expect(200);
    assert_eq!(first["explanation"], frozen["explanation"]);
    app.get(&format!("{path}&snapshot=3"), &supervisor).await.expect_problem(404, "not_found");
    app.get(&format!("{path}&snapshot=0"), &supervisor).await.expect(422);
    let unit = format!("/api/v1/units/{}/scores?period_id={period_id}&snapshot=1", org.root.id);
    let listed = app.get(&unit, &app.token_for(&org.auditor)).await.expect(200);
    assert!(listed["items"].as_array().unwrap().iter().all(|i| i["snapshot"] == 1));
    assert_eq!(recompute_every_frozen_score(&app, &org.id), 60);
}

/// Scores frozen before they were packed are stored as JSON text: they are served and recompute
/// as packed ones do, and a row must hold one form or the other.
#[actix_web::test]
async fn scores_stored_as_text_before_packing_serve_and_recompute_alike() {
    use diesel::prelude::*;
    use kinerja::db::schema::score_snapshots as s;
    use kinerja::scores::packing::unpack;

    let app = TestApp::spawn().await;
    let org = app.seed_org("scoretext");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);
    let quarter = format!("{path}&sub_period_id={}", period["sub_periods"][1]["id"].as_str().unwrap());
    app.to_evaluating(&admin, period_id).await;
    app.close_period(&admin, period_id).await;
    let (year, q) = (app.get(&path, &admin).await.expect(200), app.get(&quarter, &admin).await.expect(200));
    assert_eq!(year["state"], "frozen");

    // Every row as a close stored it before packing: the JSON text, nothing packed.
    let org_id = org.id.clone();
    let rewritten = app
        .db()
        .write_blocking(move |conn| {
            type Packed = (String, Option<Vec<u8>>, Option<Vec<u8>>);
            let rows: Vec<Packed> = s::table
                .filter(s::organization_id.eq(&org_id))
                .select((s::id, s::packed_inputs, s::packed_result))
                .load(conn)?;
            for (id, inputs, result) in &rows {
                diesel::update(s::table.find(id))
                    .set((
                        s::inputs.eq(unpack(inputs.as_deref().unwrap())?),
                        s::result.eq(unpack(result.as_deref().unwrap())?),
                        s::packed_inputs.eq(None::<Vec<u8>>),
                        s::packed_result.eq(None::<Vec<u8>>),
                    ))
                    .execute(conn)?;
            }
            Ok(rows.len())
        })
        .unwrap();
    assert_eq!(rewritten, 30);
    // Another instance, whose kept documents cannot hide the stored form.
    let other = app.another_instance().await;
    assert_eq!(other.get(&path, &admin).await.expect(200), year);
    assert_eq!(other.get(&quarter, &admin).await.expect(200), q);
    assert_eq!(recompute_every_frozen_score(&app, &org.id), 30);

    let org_id = org.id.clone();
    let neither = app.db().write_blocking(move |conn| {
        Ok(diesel::update(s::table.filter(s::organization_id.eq(&org_id)))
            .set(s::result.eq(None::<String>))
            .execute(conn)?)
    });
    assert!(neither.is_err(), "a row with neither form is refused");
}

/// A year's score report reads each frozen score's figures from the column a close keeps beside
/// its packed result (not the result), rows frozen before that column read their result alike,
/// and figures that are not the result's own are named when the scores are recomputed.
#[actix_web::test]
async fn a_report_reads_the_figures_kept_beside_a_frozen_score() {
    use diesel::prelude::*;
    use kinerja::db::schema::score_snapshots as s;

    let app = TestApp::spawn().await;
    let org = app.seed_org("scorefigures");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let admin = app.token_for(&org.admin);
    app.to_evaluating(&admin, period_id).await;
    year_assessment(&app, &org, period_id, "di_atas_ekspektasi", "sesuai_ekspektasi", 4).await;
    app.close_period(&admin, period_id).await;
    let report = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", org.id);
    let kept = app.get(&report, &admin).await.expect(200);
    let staff_row = |page: &Value| {
        page["items"].as_array().unwrap().iter().find(|i| i["employee_id"] == org.staff.id.as_str()).unwrap().clone()
    };
    let staff = staff_row(&kept);
    assert_eq!(
        (staff["state"].as_str(), staff["final_results"].as_str()),
        (Some("frozen"), Some("di_atas_ekspektasi"))
    );
    let nilai = staff["nilai_kinerja"].as_f64().unwrap();
    // Every row keeps its figures, and they are its result's own.
    let org_id = org.id.clone();
    let without = app
        .db()
        .read_blocking(move |conn| {
            Ok(s::table
                .filter(s::organization_id.eq(&org_id))
                .filter(s::figures.is_null())
                .count()
                .get_result::<i64>(conn)?)
        })
        .unwrap();
    assert_eq!(without, 0);
    assert_eq!(recompute_every_frozen_score(&app, &org.id), 30);

    // Rows frozen before figures were kept: the same report, read from their results.
    app.execute_sql(&format!("UPDATE score_snapshots SET figures = NULL WHERE organization_id = '{}'", org.id));
    assert_eq!(app.another_instance().await.get(&report, &admin).await.expect(200), kept);

    // The report reads the kept figures, not the result; recomputing names figures that differ.
    let staff_id = org.staff.id.clone();
    let figures = app
        .db()
        .write_blocking(move |conn| {
            let year = s::table.filter(s::employee_id.eq(&staff_id)).filter(s::scope.eq("year"));
            let result: Vec<u8> = year.select(s::packed_result).first::<Option<Vec<u8>>>(conn)?.unwrap();
            let card: kinerja::domain::engine::Scorecard =
                serde_json::from_str(&kinerja::scores::packing::unpack(&result)?).unwrap();
            let mut figures = serde_json::to_value(kinerja::domain::engine::Figures::of(&card)).unwrap();
            figures["nilai_kinerja"]["value"] = json!(nilai + 1.0);
            diesel::update(year).set(s::figures.eq(figures.to_string())).execute(conn)?;
            Ok(figures)
        })
        .unwrap();
    assert_eq!(figures["nilai_kinerja"]["value"].as_f64(), Some(nilai + 1.0));
    let altered = app.another_instance().await.get(&report, &admin).await.expect(200);
    assert_eq!(staff_row(&altered)["nilai_kinerja"].as_f64(), Some(nilai + 1.0));
    let org_id = kinerja::db::types::OrganizationId::from(org.id.as_str());
    let found = app.db().read_blocking(move |conn| kinerja::scores::freeze::recompute(conn, &org_id)).unwrap();
    assert_eq!(found.differing.len(), 1, "{:?}", found.differing);
    assert!(found.differing[0].ends_with(&format!("year {}", org.staff.id)), "{:?}", found.differing);
}

#[actix_web::test]
async fn the_demo_years_scores_match_hand_computation_and_freeze_bit_for_bit() {
    let app = TestApp::spawn().await;
    kinerja::seed::demo(app.db(), Some("demo password 123".into())).unwrap();
    let login = |nip: &'static str| {
        let app = &app;
        async move { app.login(nip, "demo password 123").await.expect(200)["access_token"].as_str().unwrap().to_string() }
    };
    let admin = login("197801152003121001").await;
    let last_year = app.get("/api/v1/periods?status=evaluating", &admin).await.expect(200)["items"][0].clone();
    let period_id = last_year["id"].as_str().unwrap();
    let people = app.get("/api/v1/employees?limit=200", &admin).await.expect(200)["items"].as_array().unwrap().clone();
    let mut live = std::collections::BTreeMap::new();
    for person in &people {
        let id = person["id"].as_str().unwrap();
        let score = app.get(&format!("/api/v1/employees/{id}/score?period_id={period_id}"), &admin).await.expect(200);
        assert_eq!(score["state"], "live");
        live.insert(person["nip"].as_str().unwrap().to_string(), score);
    }
    // Seven with last year's records, and the three Pranata Komputer who joined this year.
    assert_eq!(live.len(), 10);
    let nk = |nip: &str| live[nip]["explanation"]["nilai_kinerja"]["value"].as_f64().unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // By hand (domain.md): time on schedule E = 0 gives 76; 8 of 12 months E = 33.3 gives
    // 76 − ((1.76×12 − 8)/12×100 − 100); behaviour as percent is mean/3 × 100, capped at 120.
    let on_time = (1.76 * 12.0 - 12.0) / 12.0 * 100.0;
    let early = 76.0 - ((1.76 * 12.0 - 8.0) / 12.0 * 100.0 - 100.0);
    // Agus (staf1): 70/30, the supervisor alone (two peers are fewer than three).
    let agus = 0.5 * ((2450.0 / 2400.0 * 100.0 + 97.5 + on_time) / 3.0)
        + 0.3 * ((410.0 / 400.0 * 100.0 + early) / 2.0)
        + 0.2 * ((10.0 / 8.0 * 100.0 + 95.0 / 90.0 * 100.0) / 2.0);
    assert!(close(nk("199002142015031004"), 0.7 * agus + 0.3 * f64::min(26.0 / 7.0 / 3.0 * 100.0, 120.0)));
    // Dewi (staf2): the study's mean 133.3 is capped at 120; cost 38 of 50 million is E = 24 exactly.
    let dewi = 0.6 * ((14.0 / 12.0 * 100.0 + 100.0 + early) / 3.0) + 0.4 * 120.0;
    assert!(close(nk("199207302019022005"), 0.7 * dewi + 0.3 * 120.0));
    // Rina (kabid): subordinates counted, so 60/40; behaviour exactly 4.0.
    let rina = 0.7 * ((9200.0 / 9000.0 * 100.0 + 97.5 / 98.0 * 100.0 + on_time) / 3.0)
        + 0.3 * ((100.0 + (1.76 * 9.0 - 8.0) / 9.0 * 100.0) / 2.0);
    assert!(close(nk("198203112006042003"), 0.6 * rina + 0.4 * f64::min(4.0 / 3.0 * 100.0, 120.0)));
    // Agus's objection changed the results rating: the decision shows beside the supervisor's.
    let results = &live["199002142015031004"]["explanation"]["ratings"][0];
    assert_eq!(
        (results["supervisor"].as_str(), results["final"].as_str(), results["objection_outcome"].as_str()),
        (Some("di_bawah_ekspektasi"), Some("sesuai_ekspektasi"), Some("changed"))
    );

    app.close_period(&admin, period_id).await;
    for person in &people {
        let id = person["id"].as_str().unwrap();
        let frozen = app.get(&format!("/api/v1/employees/{id}/score?period_id={period_id}"), &admin).await.expect(200);
        assert_eq!((frozen["state"].as_str(), frozen["snapshot"].as_i64()), (Some("frozen"), Some(1)));
        assert_eq!(frozen["explanation"], live[person["nip"].as_str().unwrap()]["explanation"]);
    }
    let org_id = people[0]["organization_id"].as_str().unwrap();
    // Ten people, the year and four quarters.
    assert_eq!(recompute_every_frozen_score(&app, org_id), 50);
}

/// A frozen score is kept by the instance that served it and served again only while the period
/// is closed at the same latest snapshot, and only to whom may read it now: reopening, closing
/// again and a new supervisor, all through another instance, show on the next read here.
#[actix_web::test]
async fn a_kept_frozen_score_follows_what_another_instance_changed() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let org = app.seed_org("scorekept");
    let period = planned(&app, &org).await;
    let period_id = period["id"].as_str().unwrap();
    let (admin, supervisor, staff, head) = (
        app.token_for(&org.admin),
        app.token_for(&org.supervisor),
        app.token_for(&org.staff),
        app.token_for(&org.head),
    );
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);
    app.to_evaluating(&admin, period_id).await;
    let closed = app.close_period(&admin, period_id).await;
    let frozen = app.get(&path, &staff).await.expect(200);
    assert_eq!((frozen["state"].as_str(), frozen["snapshot"].as_i64()), (Some("frozen"), Some(1)));
    assert!(app.state.scores.bytes() > 0, "the frozen score is kept");
    assert_eq!(app.get(&path, &supervisor).await.expect(200), frozen);

    // Reopened elsewhere: computed live here again.
    let status = format!("/api/v1/periods/{period_id}/status");
    let reopen = json!({"status": "evaluating", "reason": "Koreksi nilai setelah audit"});
    let reopened = other.post_versioned(&status, &admin, closed["version"].as_i64().unwrap(), reopen).await.expect(200);
    let live = app.get(&path, &staff).await.expect(200);
    assert_eq!((live["state"].as_str(), live["snapshots"].as_array().map(Vec::len)), (Some("live"), Some(1)));

    // Closed again elsewhere: snapshot 2 here.
    let version = reopened["version"].as_i64().unwrap();
    other.post_versioned(&status, &admin, version, json!({"status": "closed"})).await.expect(200);
    let second = app.get(&path, &staff).await.expect(200);
    assert_eq!((second["snapshot"].as_i64(), second["snapshots"].as_array().map(Vec::len)), (Some(2), Some(2)));
    let first = app.get(&format!("{path}&snapshot=1"), &staff).await.expect(200);
    assert_eq!(first["explanation"], frozen["explanation"]);

    // The owner moves to the head elsewhere: the supervisor before may no longer read it here.
    other.move_staff_to_head(&org).await;
    app.get(&path, &supervisor).await.expect_problem(404, "not_found");
    assert_eq!(app.get(&path, &head).await.expect(200), second);
}

/// A live score is kept by the instance that computed it and served again only while nothing it
/// is computed from has changed: each change below, made through another instance, shows on the
/// very next read here, exactly as an instance keeping nothing computes it. Every step changes
/// the score, so a step whose input the kept score's check missed would fail.
#[actix_web::test]
async fn a_kept_live_score_follows_every_input_another_instance_changed() {
    // Monday 4 March 2030, 09:00 WIB: the first quarter of 2030 runs.
    let at: chrono::DateTime<chrono::Utc> = "2030-03-04T02:00:00Z".parse().unwrap();
    let app = TestApp::spawn_at(kinerja::clock::Clock::Fixed(at), |s| s.public_rate_limit_per_minute = 1000).await;
    let other = app.uncached_instance().await;
    let org = app.seed_org("scorelive");
    let (admin, supervisor, staff, head) = (
        app.token_for(&org.admin),
        app.token_for(&org.supervisor),
        app.token_for(&org.staff),
        app.token_for(&org.head),
    );
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let quarter = period["sub_periods"][0]["id"].as_str().unwrap();
    let skp = app.post("/api/v1/skps", &staff, json!({"period_id": period_id})).await.expect(201);
    let skp_path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let filled = app.put(&skp_path, &staff, 1, json!({"targets": worked_example_targets()})).await.expect(200);
    let version = filled["version"].as_i64().unwrap();
    let submitted = app.post_versioned(&format!("{skp_path}/submit"), &staff, version, json!({})).await.expect(200);
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", org.staff.id);

    let first = app.get(&path, &admin).await.expect(200);
    assert_eq!(first["state"], "live");
    assert!(app.state.scores.bytes() > 0, "the live score is kept");
    let statements = app.db().queries();
    assert_eq!(app.get(&path, &staff).await.expect(200), first);
    assert_eq!(app.db().queries() - statements, 1, "a kept score is checked in one statement");
    let mut before = first;
    // After each change through the other instance: the next read here is what the other
    // instance computes afresh, and not what was kept.
    macro_rules! changed {
        ($what:expr) => {{
            let fresh = other.get(&path, &admin).await.expect(200);
            assert_ne!(fresh, before, "{} did not change the score: the step proves nothing", $what);
            assert_eq!(app.get(&path, &admin).await.expect(200), fresh, "after {}", $what);
            before = fresh;
        }};
    }
    // After a change that may leave the score as it was: what the other instance computes afresh.
    macro_rules! changed_or_same {
        ($what:expr) => {{
            let fresh = other.get(&path, &admin).await.expect(200);
            assert_eq!(app.get(&path, &admin).await.expect(200), fresh, "after {}", $what);
        }};
    }

    // The SKP approved.
    let version = submitted["version"].as_i64().unwrap();
    let approved =
        other.post_versioned(&format!("{skp_path}/approve"), &supervisor, version, json!({})).await.expect(200);
    changed!("the SKP's approval");

    // Two achievements recorded, verified one after the other: the second changes no row count.
    let mut verify = Vec::new();
    for target in 0..2 {
        let indicator = approved["targets"][target]["indicators"][0]["id"].as_str().unwrap();
        let body = json!({"indicator_id": indicator, "aspect": "kuantitas", "sub_period_id": quarter, "realised": 3, "note": "3 laporan"});
        let recorded = other.post("/api/v1/achievements", &staff, body).await.expect(201);
        verify.push(format!("/api/v1/achievements/{}/verify", recorded["id"].as_str().unwrap()));
    }
    other.post_versioned(&verify[0], &supervisor, 1, json!({})).await.expect(200);
    changed!("a verified achievement");
    other.post_versioned(&verify[1], &supervisor, 1, json!({})).await.expect(200);
    changed!("another achievement verified");

    // A citizen rating naming the officer.
    let ticket = crate::complaints::ticket(&other, &org, org.staff.id.as_str()).await;
    let scores = json!({"persyaratan": 4, "prosedur": 4, "waktu_penyelesaian": 4, "biaya_tarif": 4, "produk_layanan": 4,
                        "kompetensi_pelaksana": 4, "perilaku_pelaksana": 4, "penanganan_pengaduan": 4, "sarana_prasarana": 4});
    let rating = actix_web::test::TestRequest::post()
        .uri("/api/v1/public/citizen-ratings")
        .peer_addr("192.0.2.7:1".parse().unwrap())
        .insert_header(("content-type", "application/json"))
        .set_payload(json!({"ticket": ticket, "scores": scores}).to_string());
    other.send(rating).await.expect(201);
    changed!("a citizen rating");

    // Two complaints assigned to the officer: one answered, the other then assigned to a
    // colleague (it leaves the officer's figures).
    for text in ["Antrean KTP-el lebih dari tiga jam", "Loket 2 kosong sepanjang pagi"] {
        let ticket = crate::complaints::ticket(&other, &org, org.staff.id.as_str()).await;
        let complaint = json!({"ticket": ticket, "complaint": text});
        let received = other.request(actix_web::http::Method::POST, "/api/v1/public/complaints", None, Some(complaint));
        received.await.expect(201);
    }
    let listed = other.get("/api/v1/complaints", &supervisor).await.expect(200);
    let complaints: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("/api/v1/complaints/{}", c["id"].as_str().unwrap()))
        .collect();
    let assign = json!({"officer_id": org.staff.id});
    other.post_versioned(&format!("{}/assign", complaints[0]), &supervisor, 1, assign.clone()).await.expect(200);
    changed!("a complaint assigned to the officer");
    let answer = json!({"answer": "Kami mohon maaf atas antrean"});
    other.post_versioned(&format!("{}/answer", complaints[0]), &staff, 2, answer).await.expect(200);
    changed!("the complaint answered");
    other.post_versioned(&format!("{}/assign", complaints[1]), &supervisor, 1, assign).await.expect(200);
    changed!("another complaint assigned to the officer");
    let away = json!({"officer_id": org.peer.id});
    other.post_versioned(&format!("{}/assign", complaints[1]), &supervisor, 2, away).await.expect(200);
    changed!("that complaint assigned to someone else");

    // The year's assessment opens: peers would count now (none answered), the supervisor assesses.
    other.to_evaluating(&admin, period_id).await;
    changed!("the period's status");
    let draft = year_assessment(&other, &org, period_id, "di_bawah_ekspektasi", "sesuai_ekspektasi", 3).await;
    changed!("the supervisor's published assessment");

    // An objection decided.
    let decide = objection(&other, &org, &draft).await;
    // Pending, it decides nothing; read here, the kept score is now that of the filed objection.
    assert_eq!(app.get(&path, &admin).await.expect(200), before);
    other.post_versioned(&decide, &head, 1, changed_to_sesuai()).await.expect(200);
    changed!("the objection's decision");

    // A new policy version.
    new_policy(&other, &org, 1).await;
    changed!("a new policy version");

    // The employee renamed.
    let employee = format!("/api/v1/employees/{}", org.staff.id);
    let person = other.get(&employee, &admin).await.expect(200);
    let rename = json!({"name": "Siti Rahmawati, S.Kom.", "position": person["position"], "job_level": person["job_level"],
                        "unit_id": person["unit_id"], "supervisor_id": person["supervisor_id"]});
    other.put(&employee, &admin, person["version"].as_i64().unwrap() as i32, rename).await.expect(200);
    changed!("the employee's new name");

    // The organisation's own row (its time zone, which dates every input) changed: counted. It
    // moves no figure of this score, so the digest read now is compared with the one before.
    let id = org.staff.id.clone();
    let digest = move |app: &TestApp| {
        let id = id.clone();
        app.db()
            .read_blocking(move |conn| Ok(kinerja::scores::kept::live_state(conn, &id)?.expect("the employee").inputs))
            .unwrap()
    };
    let unchanged = digest(&app);
    assert_eq!(digest(&app), unchanged);
    let organization = format!("/api/v1/organizations/{}", org.id);
    let current = other.get(&organization, &admin).await.expect(200);
    let zone = json!({"name": current["name"], "time_zone": "Asia/Makassar"});
    other.put(&organization, &admin, current["version"].as_i64().unwrap() as i32, zone).await.expect(200);
    assert_ne!(digest(&app), unchanged, "the organisation's time zone is counted");
    changed_or_same!("the organisation's time zone");

    // The period closed: the frozen score from now on.
    other.close_period(&admin, period_id).await;
    changed!("the period's close");
    assert_eq!(before["state"], "frozen");
}
