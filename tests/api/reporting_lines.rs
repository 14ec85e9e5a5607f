//! Mutasi: reporting lines with effective dates. Pending work follows the current line; the
//! history and the audit trail keep who was where and who decided what.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

fn history_path(employee_id: &str) -> String {
    format!("/api/v1/employees/{employee_id}/reporting-lines")
}

fn change_path(employee_id: &str) -> String {
    format!("/api/v1/employees/{employee_id}/reporting-line")
}

/// Today where the fixture's organisation is (WIB, the default): from 17:00 UTC it is tomorrow
/// there, and a line takes effect on the organisation's date.
fn today() -> String {
    kinerja::domain::time_zone::OrgTimeZone::AsiaJakarta.date_at(chrono::Utc::now()).to_string()
}

/// The staff member's SKP for a new period, filled and submitted; returns it.
pub async fn submitted_skp(app: &TestApp, org: &Org) -> Value {
    let admin = app.token_for(&org.admin);
    let staff = app.token_for(&org.staff);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let skp = app
        .post("/api/v1/skps", &staff, json!({"period_id": period["id"], "annex": {"resources": "Laptop"}}))
        .await
        .expect(201);
    let targets = json!({"targets": [{
        "description": "Laporan analisis kebijakan",
        "kind": "utama",
        "weight": 100.0,
        "indicators": [{
            "description": "Laporan tersusun",
            "aspects": [{"aspect": "kuantitas", "target": 12, "unit": "laporan"}]
        }]
    }]});
    let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let filled = app.put(&path, &staff, skp["version"].as_i64().unwrap() as i32, targets).await.expect(200);
    skp_action(app, &staff, &filled, "submit").await.expect(200)
}

pub async fn skp_action(app: &TestApp, token: &str, skp: &Value, action: &str) -> crate::helpers::TestResponse {
    let req = TestRequest::post()
        .uri(&format!("/api/v1/skps/{}/{action}", skp["id"].as_str().unwrap()))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("if-match", format!("\"{}\"", skp["version"])));
    app.send(req).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn a_new_supervisor_mid_year_finds_the_pending_skp_and_the_trail_names_each_actor() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi");
    let (admin, old, new) = (app.token_for(&org.admin), app.token_for(&org.supervisor), app.token_for(&org.head));
    let skp = submitted_skp(&app, &org).await;
    assert_eq!(ids(&app.get("/api/v1/skps/inbox", &old).await.expect(200)), vec![skp["id"].as_str().unwrap()]);

    // Every employee starts with one open line.
    let history = app.get(&history_path(&org.staff.id), &admin).await.expect(200);
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(history["items"][0]["supervisor_id"], org.supervisor.id.as_str());
    assert_eq!(history["items"][0]["effective_to"], Value::Null);

    let line = app
        .post(
            &change_path(&org.staff.id),
            &admin,
            json!({"unit_id": org.root.id, "supervisor_id": org.head.id, "reason": "Mutasi ke Sekretariat (SK 800/12/2030)"}),
        )
        .await
        .expect(201);
    assert_eq!(line["supervisor_id"], org.head.id.as_str());
    assert_eq!(line["effective_from"], today());
    assert_eq!(line["changed_by"], org.admin.id.as_str());

    // The pending SKP moved with the line: gone from the old supervisor, waiting for the new one.
    assert!(ids(&app.get("/api/v1/skps/inbox", &old).await.expect(200)).is_empty());
    assert_eq!(ids(&app.get("/api/v1/skps/inbox", &new).await.expect(200)), vec![skp["id"].as_str().unwrap()]);
    skp_action(&app, &old, &skp, "approve").await.expect_problem(404, "not_found");
    let approved = skp_action(&app, &new, &skp, "approve").await.expect(200);
    assert_eq!(approved["approver_id"], org.head.id.as_str());

    // The employee record, the history and the audit trail agree.
    let staff = app.get(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(200);
    assert_eq!(
        (staff["unit_id"].as_str(), staff["supervisor_id"].as_str()),
        (Some(&*org.root.id), Some(&*org.head.id))
    );
    let history = app.get(&history_path(&org.staff.id), &admin).await.expect(200);
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["effective_to"], today());
    assert_eq!(items[1]["reason"], "Mutasi ke Sekretariat (SK 800/12/2030)");
    let trail = app.get(&format!("/api/v1/audit-events?resource_id={}", org.staff.id), &admin).await.expect(200);
    let change = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "employee.change_reporting_line")
        .expect("the change is audited");
    assert_eq!(change["actor_id"], org.admin.id.as_str());
    assert_eq!(change["before"]["supervisor_id"], org.supervisor.id.as_str());
    assert_eq!(change["after"]["reason"], "Mutasi ke Sekretariat (SK 800/12/2030)");
    let approval = app.get(&format!("/api/v1/audit-events?resource_id={}", skp["id"].as_str().unwrap()), &admin).await;
    let approval = approval.expect(200);
    let approve = approval["items"].as_array().unwrap().iter().find(|e| e["action"] == "skp.approve").unwrap();
    assert_eq!(approve["actor_id"], org.head.id.as_str());
}

#[actix_web::test]
async fn past_decisions_stay_with_whoever_made_them() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-past");
    let admin = app.token_for(&org.admin);
    let skp = submitted_skp(&app, &org).await;
    skp_action(&app, &app.token_for(&org.supervisor), &skp, "approve").await.expect(200);
    let body = json!({"unit_id": org.bidang.id, "supervisor_id": org.peer.id, "reason": "Atasan salah dicatat"});
    app.post(&change_path(&org.staff.id), &admin, body).await.expect(201);
    let skp = app.get(&format!("/api/v1/skps/{}", skp["id"].as_str().unwrap()), &admin).await.expect(200);
    assert_eq!(skp["approver_id"], org.supervisor.id.as_str());
}

#[actix_web::test]
async fn an_update_of_the_employee_record_also_writes_the_history() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-put");
    let admin = app.token_for(&org.admin);
    let update = |supervisor: &str| json!({"name": "Pegawai 5", "position": "Analis", "job_level": "pelaksana", "unit_id": org.bidang.id, "supervisor_id": supervisor});
    let path = format!("/api/v1/employees/{}", org.staff.id);
    // Same line, other data: no new history row.
    let mut renamed = update(&org.supervisor.id);
    renamed["name"] = json!("Pegawai Lima");
    app.put(&path, &admin, 1, renamed).await.expect(200);
    assert_eq!(app.get(&history_path(&org.staff.id), &admin).await.expect(200)["items"].as_array().unwrap().len(), 1);
    app.put(&path, &admin, 2, update(&org.head.id)).await.expect(200);
    let history = app.get(&history_path(&org.staff.id), &admin).await.expect(200);
    assert_eq!(history["items"][1]["supervisor_id"], org.head.id.as_str());
    assert_eq!(history["items"][1]["reason"], "changed with the employee record");
    // Pages of one.
    let first = app.get(&format!("{}?limit=1", history_path(&org.staff.id)), &admin).await.expect(200);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("{}?limit=1&cursor={cursor}", history_path(&org.staff.id)), &admin).await;
    let second = second.expect(200);
    assert_eq!(second["items"][0]["id"], history["items"][1]["id"]);
    assert_eq!(second["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn only_admins_change_a_line_and_only_who_reads_the_employee_reads_its_history() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-authz");
    let other = app.seed_org("mutasi-other");
    let body = json!({"unit_id": org.bidang.id, "supervisor_id": org.head.id, "reason": "Mutasi"});
    let path = change_path(&org.staff.id);
    app.post(&path, &app.token_for(&org.staff), body.clone()).await.expect_problem(403, "forbidden");
    app.post(&path, &app.token_for(&org.supervisor), body.clone()).await.expect_problem(403, "forbidden");
    app.post(&path, &app.token_for(&org.auditor), body.clone()).await.expect_problem(403, "forbidden");
    app.post(&path, &app.token_for(&org.peer), body.clone()).await.expect_problem(404, "not_found");
    app.post(&path, &app.token_for(&other.admin), body.clone()).await.expect_problem(404, "not_found");

    let history = history_path(&org.staff.id);
    for reader in [&org.staff, &org.supervisor, &org.auditor, &org.admin] {
        app.get(&history, &app.token_for(reader)).await.expect(200);
    }
    app.get(&history, &app.token_for(&org.peer)).await.expect_problem(404, "not_found");
    app.get(&history, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    app.get(&format!("{history}?cursor=%%%"), &app.token_for(&org.admin)).await.expect(422);
}

#[actix_web::test]
async fn bad_reporting_lines_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-bad");
    let other = app.seed_org("mutasi-bad-other");
    let admin = app.token_for(&org.admin);
    let path = change_path(&org.staff.id);
    let with = |changes: Value| {
        let mut body = json!({"unit_id": org.bidang.id, "supervisor_id": org.head.id, "reason": "Mutasi"});
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let field = |problem: &Value| problem["errors"][0]["field"].as_str().unwrap().to_string();
    let p = app.post(&path, &admin, with(json!({"unit_id": other.bidang.id}))).await.expect(422);
    assert_eq!(field(&p), "unit_id");
    let p = app.post(&path, &admin, with(json!({"supervisor_id": org.staff.id}))).await.expect(422);
    assert_eq!(field(&p), "supervisor_id");
    let p = app.post(&path, &admin, with(json!({"supervisor_id": other.head.id}))).await.expect(422);
    assert_eq!(field(&p), "supervisor_id");
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    let p = app.post(&path, &admin, with(json!({"effective_from": tomorrow}))).await.expect(422);
    assert_eq!(field(&p), "effective_from");
    let p = app.post(&path, &admin, with(json!({"effective_from": "2000-01-01"}))).await.expect(422);
    assert_eq!(field(&p), "effective_from");
    app.post(&path, &admin, with(json!({"effective_from": "not a date"}))).await.expect(422);
    let p = app.post(&path, &admin, with(json!({"reason": ""}))).await.expect(422);
    assert_eq!(field(&p), "reason");
    app.post(&path, &admin, with(json!({"approved": true}))).await.expect(422);
    let same = with(json!({"supervisor_id": org.supervisor.id}));
    app.post(&path, &admin, same).await.expect_problem(409, "unchanged");
    app.post(&change_path("no-such-employee"), &admin, with(json!({}))).await.expect_problem(404, "not_found");
    // Nothing of it was written.
    assert_eq!(app.get(&history_path(&org.staff.id), &admin).await.expect(200)["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_repeated_change_with_the_same_key_is_made_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-idem");
    let admin = app.token_for(&org.admin);
    let body = json!({"unit_id": org.root.id, "supervisor_id": org.head.id, "reason": "Mutasi"});
    let send = || {
        TestRequest::post()
            .uri(&change_path(&org.staff.id))
            .insert_header(("authorization", format!("Bearer {admin}")))
            .insert_header(("idempotency-key", "mutasi-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string())
    };
    let first = app.send(send()).await.expect(201);
    let again = app.send(send()).await.expect(201);
    assert_eq!(first["id"], again["id"]);
    assert_eq!(app.get(&history_path(&org.staff.id), &admin).await.expect(200)["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn after_mutasi_the_new_supervisor_assesses_and_the_old_draft_is_set_aside() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-assess");
    let (period, q1) = crate::assessments::period(&app, &org).await;
    let (supervisor, head, admin) =
        (app.token_for(&org.supervisor), app.token_for(&org.head), app.token_for(&org.admin));
    let scope = json!({"period_id": period, "sub_period_id": q1, "employee_id": org.staff.id});
    let old = app.post("/api/v1/assessments", &supervisor, scope.clone()).await.expect(201);
    let old_path = format!("/api/v1/assessments/{}", old["id"].as_str().unwrap());

    let mutasi = json!({"unit_id": org.root.id, "supervisor_id": org.head.id, "reason": "Mutasi ke sekretariat"});
    app.post(&format!("/api/v1/employees/{}/reporting-line", org.staff.id), &admin, mutasi).await.expect(201);
    // The old supervisor may no longer fill in or publish it.
    let body = crate::assessments::content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    app.put(&old_path, &supervisor, 1, body.clone()).await.expect_problem(403, "forbidden");
    app.post_versioned(&format!("{old_path}/publish"), &supervisor, 1, json!({}))
        .await
        .expect_problem(403, "forbidden");

    // The new supervisor starts theirs: the old draft is set aside, not in the way.
    let new = app.post("/api/v1/assessments", &head, scope).await.expect(201);
    assert_eq!((new["author_id"].as_str(), new["status"].as_str()), (Some(org.head.id.as_str()), Some("draft")));
    app.get(&old_path, &supervisor).await.expect_problem(404, "not_found");
    let new_path = format!("/api/v1/assessments/{}", new["id"].as_str().unwrap());
    app.put(&new_path, &head, 1, body).await.expect(200);
    let audit = app.get("/api/v1/audit-events?resource_type=assessment", &admin).await.expect(200);
    let set_aside = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "assessment.set_aside").unwrap();
    assert_eq!(set_aside["actor_id"], org.head.id.as_str());
    assert_eq!(set_aside["resource_id"], old["id"]);
    assert_eq!(set_aside["before"]["author_id"], org.supervisor.id.as_str(), "the trail keeps the draft");
}

#[actix_web::test]
async fn a_pending_objection_follows_the_assessors_new_supervisor() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("mutasi-objection");
    let (period, q1) = crate::assessments::period(&app, &org).await;
    let (supervisor, head, admin, staff) = (
        app.token_for(&org.supervisor),
        app.token_for(&org.head),
        app.token_for(&org.admin),
        app.token_for(&org.staff),
    );
    let body = crate::assessments::content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    let published = crate::assessments::publish(&app, &supervisor, &period, &q1, &org.staff.id, body).await;
    let reason = "Capaian saya di atas target triwulan ini";
    let filed = app
        .post("/api/v1/objections", &staff, json!({"assessment_id": published["id"], "reason": reason}))
        .await
        .expect(201);
    assert_eq!(filed["decider_id"], org.head.id.as_str());
    let path = format!("/api/v1/objections/{}", filed["id"].as_str().unwrap());

    // The assessor now reports to the admin (a person of the organisation like any other).
    let mutasi = json!({"unit_id": org.root.id, "supervisor_id": org.admin.id, "reason": "Atasan baru"});
    app.post(&format!("/api/v1/employees/{}/reporting-line", org.supervisor.id), &admin, mutasi).await.expect(201);
    let moved = app.get(&path, &admin).await.expect(200);
    assert_eq!(
        (moved["decider_kind"].as_str(), moved["decider_id"].as_str()),
        (Some("superior"), Some(org.admin.id.as_str()))
    );
    let decision = json!({"outcome": "upheld", "reason": "Penilaian sesuai bukti dukung"});
    let version = moved["version"].as_i64().unwrap();
    app.post_versioned(&format!("{path}/decision"), &head, version, decision.clone())
        .await
        .expect_problem(404, "not_found");
    assert_eq!(app.get("/api/v1/inbox?kinds=objection_to_decide", &admin).await.expect(200)["total"], 1);
    let decided = app.post_versioned(&format!("{path}/decision"), &admin, version, decision).await.expect(200);
    assert_eq!(decided["decided_by"], org.admin.id.as_str());
    let audit = app.get("/api/v1/audit-events?resource_type=objection", &admin).await.expect(200);
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "objection.follow_reporting_line"));
    // A decided objection stays with whoever decided it, whatever moves next.
    let back = json!({"unit_id": org.bidang.id, "supervisor_id": org.head.id, "reason": "Kembali"});
    app.post(&format!("/api/v1/employees/{}/reporting-line", org.supervisor.id), &admin, back).await.expect(201);
    assert_eq!(app.get(&path, &admin).await.expect(200)["decider_id"], org.admin.id.as_str());
}
