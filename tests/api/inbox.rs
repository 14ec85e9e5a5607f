//! The inbox: what waits for a supervisor, a decider and an employee, with counts per kind, paged,
//! filtered by kind and `updated_since`; it follows mutasi; a page costs a fixed number of queries.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Connection, InstrumentationEvent};
use serde_json::{json, Value};

use crate::achievements::approved_skp;
use crate::assessments::{content, id};
use crate::helpers::{Org, TestApp};
use crate::skp::Planning;

/// A year that has ended, so its assessment is due.
const YEAR: i32 = 2025;

fn kinds(inbox: &Value) -> Vec<(String, String)> {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_string(), i["employee_id"].as_str().unwrap().to_string()))
        .collect()
}

/// The staff member's approved SKP and one submitted achievement; returns the achievement.
async fn submitted_achievement(app: &TestApp, org: &Org, plan: &Planning<'_>) -> Value {
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    let approved = approved_skp(app, plan, &staff, &supervisor, false).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id,
        "realised": 10, "note": "Rekap triwulan"});
    app.post("/api/v1/achievements", &staff, body).await.expect(201)
}

#[actix_web::test]
async fn each_finds_what_waits_for_them_with_counts_pages_and_filters() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("inbox");
    let plan = Planning::start_in(&app, &org, YEAR).await;
    let (staff, supervisor, head) =
        (app.token_for(&org.staff), app.token_for(&org.supervisor), app.token_for(&org.head));
    let achievement = submitted_achievement(&app, &org, &plan).await;
    // The peer's SKP is submitted, not yet decided.
    let skp = plan.create(&app.token_for(&org.peer)).await;
    let skp = plan
        .put(&app.token_for(&org.peer), &skp, vec![crate::skp::target("Arsip", "utama", 100.0, None, None)])
        .await
        .expect(200);
    let submitted = plan.action(&app.token_for(&org.peer), &skp, "submit", None).await.expect(200);

    // The supervisor: an SKP, an achievement, and the year's assessment of both reports.
    let inbox = app.get("/api/v1/inbox", &supervisor).await.expect(200);
    assert_eq!(
        kinds(&inbox),
        vec![
            ("skp_to_decide".to_string(), org.peer.id.to_string()),
            ("achievement_to_verify".to_string(), org.staff.id.to_string()),
            ("assessment_due".to_string(), org.staff.id.to_string().min(org.peer.id.to_string())),
            ("assessment_due".to_string(), org.staff.id.to_string().max(org.peer.id.to_string())),
        ]
    );
    assert_eq!(inbox["counts"]["skp_to_decide"], 1);
    assert_eq!(inbox["counts"]["assessment_due"], 2);
    assert_eq!(inbox["total"], 4);
    assert_eq!(inbox["items"][0]["path"], format!("/api/v1/skps/{}", id(&submitted)));
    assert_eq!(inbox["items"][1]["employee_name"], org.staff.name.as_str());
    assert_eq!(inbox["items"][2]["sub_period_id"], Value::Null, "the year is due");
    // The staff member and the head have nothing yet.
    let theirs = app.get("/api/v1/inbox", &staff).await.expect(200);
    assert_eq!(theirs["total"], 0, "{theirs}");
    let heads = app.get("/api/v1/inbox", &head).await.expect(200);
    assert_eq!(kinds(&heads), vec![("assessment_due".to_string(), org.supervisor.id.to_string())], "{heads}");

    // Paged one by one, the same four, in the same order.
    let mut seen = Vec::new();
    let mut path = "/api/v1/inbox?limit=1".to_string();
    loop {
        let page = app.get(&path, &supervisor).await.expect(200);
        assert_eq!(page["total"], 4, "the counts are the totals on every page");
        seen.extend(kinds(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/inbox?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, kinds(&inbox));
    // One kind; changes since a moment: only the assessments due (nothing recorded) remain.
    let only = app.get("/api/v1/inbox?kinds=achievement_to_verify", &supervisor).await.expect(200);
    assert_eq!(kinds(&only), vec![("achievement_to_verify".to_string(), org.staff.id.to_string())]);
    assert_eq!((only["counts"]["skp_to_decide"].as_i64(), only["total"].as_i64()), (Some(0), Some(1)));
    let later = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339().replace('+', "%2B");
    let since = app.get(&format!("/api/v1/inbox?updated_since={later}"), &supervisor).await.expect(200);
    assert_eq!(since["items"].as_array().unwrap().iter().filter(|i| i["kind"] != "assessment_due").count(), 0);
    assert_eq!(since["total"], 4);
    // The SKP-only inbox lists the same SKPs.
    let skp_inbox = app.get("/api/v1/skps/inbox", &supervisor).await.expect(200);
    assert_eq!(skp_inbox["items"][0]["id"], inbox["items"][0]["id"]);

    // Rejected: it comes back to the employee.
    let reject = json!({"reason": "Bukti dukung belum lengkap"});
    app.post_versioned(&format!("/api/v1/achievements/{}/reject", id(&achievement)), &supervisor, 1, reject)
        .await
        .expect(200);
    let mine = app.get("/api/v1/inbox", &staff).await.expect(200);
    assert_eq!(kinds(&mine), vec![("achievement_rejected".to_string(), org.staff.id.to_string())]);
    assert_eq!(mine["items"][0]["path"], format!("/api/v1/achievements/{}", id(&achievement)));

    // Published: the employee reads it; the supervisor has one assessment less to do.
    let body = content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    let draft = app
        .post("/api/v1/assessments", &supervisor, json!({"period_id": plan.period_id, "employee_id": org.staff.id}))
        .await
        .expect(201);
    let path = format!("/api/v1/assessments/{}", id(&draft));
    app.put(&path, &supervisor, 1, body).await.expect(200);
    let assessment = app.post_versioned(&format!("{path}/publish"), &supervisor, 2, json!({})).await.expect(200);
    let mine = app.get("/api/v1/inbox?kinds=assessment_published", &staff).await.expect(200);
    assert_eq!(mine["items"][0]["id"], assessment["id"]);
    assert_eq!(app.get("/api/v1/inbox", &supervisor).await.expect(200)["counts"]["assessment_due"], 1);

    // Objected: the supervisor's supervisor decides; the decision comes back to the employee.
    let reason = "Capaian saya di atas target tahun ini";
    let objection = app
        .post("/api/v1/objections", &staff, json!({"assessment_id": assessment["id"], "reason": reason}))
        .await
        .expect(201);
    let heads = app.get("/api/v1/inbox?kinds=objection_to_decide", &head).await.expect(200);
    assert_eq!(kinds(&heads), vec![("objection_to_decide".to_string(), org.staff.id.to_string())]);
    assert_eq!(heads["items"][0]["path"], format!("/api/v1/objections/{}", id(&objection)));
    assert_eq!(app.get("/api/v1/inbox?kinds=assessment_published", &staff).await.expect(200)["total"], 0);
    let decision = json!({"outcome": "upheld", "reason": "Penilaian sesuai bukti dukung"});
    app.post_versioned(&format!("/api/v1/objections/{}/decision", id(&objection)), &head, 1, decision)
        .await
        .expect(200);
    assert_eq!(app.get("/api/v1/inbox?kinds=objection_to_decide", &head).await.expect(200)["total"], 0);
    let mine = app.get("/api/v1/inbox?kinds=objection_decided", &staff).await.expect(200);
    assert_eq!(mine["items"][0]["status"], "decided");

    // Bad input: an unknown kind, a made-up cursor; portals have no inbox.
    let bad = app.get("/api/v1/inbox?kinds=everything", &staff).await.expect(422);
    assert_eq!(bad["errors"][0]["code"], "unknown_kind");
    app.get("/api/v1/inbox?cursor=bm9wZQ", &staff).await.expect(422);
    app.get("/api/v1/inbox?color=red", &staff).await.expect(400);
    let (client_id, secret) = app.service_client(&org, &["employees:read"]).await;
    let portal = app.client_token(&client_id, &secret).await;
    app.get("/api/v1/inbox", &portal).await.expect_problem(403, "forbidden");
}

#[actix_web::test]
async fn after_mutasi_the_new_supervisor_finds_the_pending_work() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("inbox-mutasi");
    let plan = Planning::start_in(&app, &org, YEAR).await;
    let achievement = submitted_achievement(&app, &org, &plan).await;
    let (supervisor, head, admin) =
        (app.token_for(&org.supervisor), app.token_for(&org.head), app.token_for(&org.admin));
    let before = app.get("/api/v1/inbox", &supervisor).await.expect(200);
    assert_eq!(before["counts"]["achievement_to_verify"], 1);

    let mutasi = json!({"unit_id": org.root.id, "supervisor_id": org.head.id, "reason": "Mutasi ke sekretariat"});
    app.post(&format!("/api/v1/employees/{}/reporting-line", org.staff.id), &admin, mutasi).await.expect(201);

    let new = app.get("/api/v1/inbox", &head).await.expect(200);
    assert_eq!(new["counts"]["achievement_to_verify"], 1);
    assert_eq!(new["items"][0]["id"], achievement["id"]);
    assert!(kinds(&new).contains(&("assessment_due".to_string(), org.staff.id.to_string())));
    let old = app.get("/api/v1/inbox", &supervisor).await.expect(200);
    assert_eq!(old["counts"]["achievement_to_verify"], 0);
    assert!(!kinds(&old).iter().any(|(_, e)| *e == org.staff.id));
}

/// How many SELECTs a page of `employee_id`'s inbox costs, and how many items it had.
fn queries_for_inbox(app: &TestApp, org: &Org, employee: &kinerja::employees::Employee) -> (usize, usize) {
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    let caller = kinerja::auth::caller::Caller {
        kind: kinerja::auth::tokens::SubjectKind::Employee,
        subject_id: employee.id.to_string(),
        employee: Some(employee.id.clone()),
        organization_id: org.id.clone(),
        roles: employee.roles.clone(),
        scopes: vec![],
        request_id: None,
    };
    let items = app
        .db()
        .read_blocking(move |conn| {
            let scope = kinerja::authz::inbox_scope(&caller)?;
            let kinds = kinerja::inbox::InboxKind::ALL.to_vec();
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    if query.to_string().trim_start().starts_with("SELECT") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            let today = chrono::Utc::now().date_naive();
            let due = kinerja::inbox::store::assessment_due_scope(conn, &scope.organization_id, today)?;
            kinerja::inbox::store::counts(conn, &scope, &kinds, due.as_ref())?;
            let request = kinerja::inbox::store::Request { kinds: &kinds, since: None, after: None, fetch: 51 };
            let entries = kinerja::inbox::store::page(conn, &scope, &request, due.as_ref())?;
            kinerja::inbox::store::names(conn, &entries)?;
            Ok(entries.len())
        })
        .unwrap();
    (queries.load(Ordering::SeqCst), items)
}

#[actix_web::test]
async fn a_page_costs_the_same_queries_however_many_items_wait() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("inbox-count");
    let plan = Planning::start_in(&app, &org, YEAR).await;
    let (empty_queries, empty_items) = queries_for_inbox(&app, &org, &org.supervisor);
    submitted_achievement(&app, &org, &plan).await;
    let skp = plan.create(&app.token_for(&org.peer)).await;
    let skp = plan
        .put(&app.token_for(&org.peer), &skp, vec![crate::skp::target("Arsip", "utama", 100.0, None, None)])
        .await
        .expect(200);
    plan.action(&app.token_for(&org.peer), &skp, "submit", None).await.expect(200);
    let (full_queries, full_items) = queries_for_inbox(&app, &org, &org.supervisor);
    assert_eq!((empty_items, full_items), (2, 4), "two assessments due, then an SKP and an achievement too");
    assert_eq!(empty_queries, full_queries, "no query per item");
    assert!(full_queries <= 20, "{full_queries} queries");
}
