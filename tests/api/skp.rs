//! Planning a year: SKPs, the approval workflow, revisions and the cascade.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

pub(crate) struct Planning<'a> {
    app: &'a TestApp,
    pub(crate) period_id: String,
}

pub(crate) fn target(
    description: &str,
    kind: &str,
    weight: f64,
    supports: Option<&str>,
    perspective: Option<&str>,
) -> Value {
    json!({
        "description": description,
        "kind": kind,
        "weight": weight,
        "perspective": perspective,
        "supports_target_id": supports,
        "indicators": [{
            "description": format!("Indikator {description}"),
            "aspects": [
                {"aspect": "kuantitas", "target": 12, "unit": "laporan"},
                {"aspect": "kualitas", "target": 100, "unit": "persen"},
                {"aspect": "waktu", "target": 12, "unit": "bulan"}
            ]
        }]
    })
}

impl<'a> Planning<'a> {
    async fn start(app: &'a TestApp, org: &Org) -> Planning<'a> {
        Planning::start_in(app, org, 2030).await
    }

    /// Opens `year` for the organisation.
    pub(crate) async fn start_in(app: &'a TestApp, org: &Org, year: i32) -> Planning<'a> {
        let period = app.post("/api/v1/periods", &app.token_for(&org.admin), json!({"year": year})).await.expect(201);
        Planning { app, period_id: period["id"].as_str().unwrap().to_string() }
    }

    pub(crate) async fn create(&self, token: &str) -> Value {
        self.app
            .post("/api/v1/skps", token, json!({"period_id": self.period_id, "annex": {"resources": "Laptop"}}))
            .await
            .expect(201)
    }

    pub(crate) async fn put(&self, token: &str, skp: &Value, targets: Vec<Value>) -> crate::helpers::TestResponse {
        let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
        self.app.put(&path, token, skp["version"].as_i64().unwrap() as i32, json!({"targets": targets})).await
    }

    pub(crate) async fn action(
        &self,
        token: &str,
        skp: &Value,
        action: &str,
        body: Option<Value>,
    ) -> crate::helpers::TestResponse {
        let mut req = TestRequest::post()
            .uri(&format!("/api/v1/skps/{}/{action}", skp["id"].as_str().unwrap()))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("if-match", format!("\"{}\"", skp["version"])));
        if let Some(body) = body {
            req = req.insert_header(("content-type", "application/json")).set_payload(body.to_string());
        }
        self.app.send(req).await
    }

    /// Creates, fills, submits and has `approver` approve an SKP; returns it approved.
    pub(crate) async fn plan_and_approve(&self, owner: &str, approver: &str, targets: Vec<Value>) -> Value {
        let skp = self.create(owner).await;
        let filled = self.put(owner, &skp, targets).await.expect(200);
        let submitted = self.action(owner, &filled, "submit", None).await.expect(200);
        let approved = self.action(approver, &submitted, "approve", None).await.expect(200);
        assert_eq!(approved["status"], "approved");
        approved
    }
}

#[actix_web::test]
async fn a_supervisor_and_two_staff_plan_a_year() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("plan");
    let plan = Planning::start(&app, &org).await;
    let (admin, head, supervisor, staff, peer) = (
        app.token_for(&org.admin),
        app.token_for(&org.head),
        app.token_for(&org.supervisor),
        app.token_for(&org.staff),
        app.token_for(&org.peer),
    );

    // The head of the agency (JPT) plans with perspectives; with no supervisor in the system,
    // an admin records the approval.
    let head_skp = plan
        .plan_and_approve(
            &head,
            &admin,
            vec![
                target("Meningkatnya kualitas layanan kependudukan", "utama", 70.0, None, Some("penerima_layanan")),
                target("Terlaksananya reformasi birokrasi", "utama", 30.0, None, Some("proses_bisnis")),
            ],
        )
        .await;
    let head_target = head_skp["targets"][0]["lineage_id"].as_str().unwrap();
    let sup_skp = plan
        .plan_and_approve(
            &supervisor,
            &head,
            vec![target("Layanan KTP elektronik tepat waktu", "utama", 100.0, Some(head_target), None)],
        )
        .await;
    let sup_target = sup_skp["targets"][0]["id"].as_str().unwrap();

    // Staff: submitted, returned with comments, fixed, approved.
    let staff_skp = plan.create(&staff).await;
    let filled = plan
        .put(
            &staff,
            &staff_skp,
            vec![
                target("Perekaman KTP-el", "utama", 60.0, Some(sup_target), None),
                target("Arsip", "tambahan", 40.0, None, None),
            ],
        )
        .await
        .expect(200);
    assert_eq!(filled["targets"][0]["supports_target_id"], sup_skp["targets"][0]["lineage_id"]);
    let submitted = plan.action(&staff, &filled, "submit", None).await.expect(200);
    assert_eq!(submitted["approver_id"], org.supervisor.id.as_str());
    let inbox = app.get("/api/v1/skps/inbox", &supervisor).await.expect(200);
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["employee_name"], org.staff.name.as_str());
    let returned = plan
        .action(&supervisor, &submitted, "return", Some(json!({"comment": "Tambahkan target arsip digital"})))
        .await
        .expect(200);
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["return_comment"], "Tambahkan target arsip digital");
    let fixed = plan
        .put(
            &staff,
            &returned,
            vec![
                json!({"id": filled["targets"][0]["id"], "description": "Perekaman KTP-el", "kind": "utama", "weight": 60, "supports_target_id": sup_target,
                       "indicators": [{"description": "KTP-el terekam", "aspects": [{"aspect": "kuantitas", "target": 500, "unit": "dokumen"}]}]}),
                target("Arsip digital", "tambahan", 40.0, None, None),
            ],
        )
        .await
        .expect(200);
    // A kept target keeps its identity.
    assert_eq!(fixed["targets"][0]["id"], filled["targets"][0]["id"]);
    let resubmitted = plan.action(&staff, &fixed, "submit", None).await.expect(200);
    let approved = plan.action(&supervisor, &resubmitted, "approve", None).await.expect(200);
    assert!(approved["decided_at"].is_string());
    assert_eq!(app.get("/api/v1/skps/inbox", &supervisor).await.expect(200)["items"].as_array().unwrap().len(), 0);

    // The peer's target supports nothing.
    plan.plan_and_approve(&peer, &supervisor, vec![target("Pelayanan loket", "utama", 100.0, None, None)]).await;

    // The cascade: head → supervisor → staff, under the targets they support.
    let tree = app.get(&format!("/api/v1/periods/{}/cascade", plan.period_id), &admin).await.expect(200);
    let roots = tree["roots"].as_array().unwrap();
    let head_node = roots.iter().find(|r| r["employee_id"] == org.head.id.as_str()).expect("the head is a root");
    let sup_node = &head_node["targets"][0]["supported_by"][0];
    assert_eq!(sup_node["employee_id"], org.supervisor.id.as_str());
    let staff_nodes = sup_node["targets"][0]["supported_by"].as_array().unwrap();
    assert_eq!(staff_nodes.len(), 1, "only the staff supports the supervisor's target: {tree}");
    assert_eq!(staff_nodes[0]["employee_id"], org.staff.id.as_str());
    assert_eq!(staff_nodes[0]["targets"].as_array().unwrap().len(), 1);
    assert!(head_node["targets"][1]["supported_by"].as_array().unwrap().is_empty());

    // Paged one at a time, the two targets that support nothing.
    let unlinked_path = format!("/api/v1/periods/{}/cascade/unlinked?limit=1", plan.period_id);
    let first = app.get(&unlinked_path, &admin).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{unlinked_path}&cursor={cursor}"), &admin).await.expect(200);
    assert!(second["next_cursor"].is_null(), "{second}");
    let mut descriptions: Vec<&str> =
        [&first, &second].iter().map(|page| page["items"][0]["description"].as_str().unwrap()).collect();
    descriptions.sort();
    assert_eq!(descriptions, ["Arsip digital", "Pelayanan loket"]);
    // The staff's own view of the cascade is their subtree.
    let own = app.get(&format!("/api/v1/periods/{}/cascade", plan.period_id), &staff).await.expect(200);
    assert_eq!(own["roots"].as_array().unwrap().len(), 1);
    assert_eq!(own["roots"][0]["employee_id"], org.staff.id.as_str());

    // A revision after approval: a new draft; the approved revision stays, locked and readable.
    let revision = app
        .post(&format!("/api/v1/skps/{}/revisions", approved["id"].as_str().unwrap()), &staff, json!({}))
        .await
        .expect(201);
    assert_eq!((revision["revision"].as_i64(), revision["status"].as_str()), (Some(2), Some("draft")));
    assert_eq!(revision["targets"][0]["lineage_id"], approved["targets"][0]["lineage_id"]);
    assert_ne!(revision["targets"][0]["id"], approved["targets"][0]["id"]);
    plan.put(&staff, &approved, vec![target("Coba ubah", "utama", 100.0, None, None)])
        .await
        .expect_problem(409, "skp_locked");
    let old = app.get(&format!("/api/v1/skps/{}", approved["id"].as_str().unwrap()), &staff).await.expect(200);
    assert_eq!(old["status"], "approved");
    assert_eq!(old["targets"][1]["description"], "Arsip digital");
    // The revisions are a paged list like any other, oldest first.
    let revisions_path = format!("/api/v1/skps/{}/revisions", revision["id"].as_str().unwrap());
    let first = app.get(&format!("{revisions_path}?limit=1"), &supervisor).await.expect(200);
    assert_eq!(first["items"][0]["id"], approved["id"]);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("{revisions_path}?limit=1&cursor={cursor}"), &supervisor).await.expect(200);
    assert_eq!(second["items"][0]["id"], revision["id"]);
    assert!(second["next_cursor"].is_null());
    let mine = app.get(&format!("/api/v1/me/skp?period_id={}", plan.period_id), &staff).await.expect(200);
    assert_eq!(mine["id"], revision["id"]);
    assert_eq!(mine["targets"][0]["indicators"][0]["aspects"][0]["aspect"], "kuantitas");
}

#[actix_web::test]
async fn only_the_owner_edits_and_only_the_direct_supervisor_decides() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("who");
    let other = app.seed_org("who-other");
    let plan = Planning::start(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let skp = plan.create(&staff).await;
    let filled = plan.put(&staff, &skp, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);

    // Others editing: the supervisor may see it but not edit (403); a peer cannot see it (404).
    plan.put(&app.token_for(&org.supervisor), &filled, vec![target("Ubah", "utama", 100.0, None, None)])
        .await
        .expect_problem(403, "forbidden");
    plan.put(&app.token_for(&org.peer), &filled, vec![target("Ubah", "utama", 100.0, None, None)])
        .await
        .expect_problem(404, "not_found");
    plan.action(&app.token_for(&org.supervisor), &filled, "submit", None).await.expect_problem(403, "forbidden");

    let submitted = plan.action(&staff, &filled, "submit", None).await.expect(200);
    for (who, token, status) in [
        ("the owner", app.token_for(&org.staff), 403),
        ("a peer", app.token_for(&org.peer), 404),
        ("the supervisor's supervisor", app.token_for(&org.head), 404),
        ("an admin (segregation of duties)", app.token_for(&org.admin), 403),
        ("an auditor", app.token_for(&org.auditor), 403),
        ("another organisation's admin", app.token_for(&other.admin), 404),
    ] {
        let response = plan.action(&token, &submitted, "approve", None).await;
        assert_eq!(response.status.as_u16(), status, "{who} approving: {}", String::from_utf8_lossy(&response.body));
        let response = plan.action(&token, &submitted, "return", Some(json!({"comment": "Tidak boleh"}))).await;
        assert_eq!(response.status.as_u16(), status, "{who} returning");
    }
    // Returning needs a comment; approving twice is a conflict.
    plan.action(&app.token_for(&org.supervisor), &submitted, "return", Some(json!({"comment": ""}))).await.expect(422);
    let approved = plan.action(&app.token_for(&org.supervisor), &submitted, "approve", None).await.expect(200);
    plan.action(&app.token_for(&org.supervisor), &approved, "approve", None)
        .await
        .expect_problem(409, "invalid_transition");
    // Only the owner revises.
    app.post(
        &format!("/api/v1/skps/{}/revisions", approved["id"].as_str().unwrap()),
        &app.token_for(&org.supervisor),
        json!({}),
    )
    .await
    .expect_problem(403, "forbidden");
    // One SKP per employee per period.
    app.post("/api/v1/skps", &staff, json!({"period_id": plan.period_id})).await.expect_problem(409, "skp_exists");
}

#[actix_web::test]
async fn bad_plans_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("badplan");
    let plan = Planning::start(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let head = app.token_for(&org.head);
    let skp = plan.create(&staff).await;

    let mut bad_unit = target("Tugas", "utama", 100.0, None, None);
    bad_unit["indicators"][0]["aspects"][1]["unit"] = json!("laporan");
    bad_unit["indicators"][0]["aspects"][2]["target"] = json!(0);
    let problem = plan.put(&staff, &skp, vec![bad_unit]).await.expect_problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"targets[0].indicators[0].aspects[1].unit"), "{fields:?}");
    assert!(fields.contains(&"targets[0].indicators[0].aspects[2].target"), "{fields:?}");

    let mut unknown_aspect = target("Tugas", "utama", 100.0, None, None);
    unknown_aspect["indicators"][0]["aspects"][0]["aspect"] = json!("kecepatan");
    plan.put(&staff, &skp, vec![unknown_aspect]).await.expect_problem(422, "validation_failed");
    let mut twice = target("Tugas", "utama", 100.0, None, None);
    twice["indicators"][0]["aspects"][1]["aspect"] = json!("kuantitas");
    twice["indicators"][0]["aspects"][1]["unit"] = json!("laporan");
    plan.put(&staff, &skp, vec![twice]).await.expect_problem(422, "validation_failed");
    plan.put(&staff, &skp, vec![target("Tugas", "utama", 0.0, None, None)])
        .await
        .expect_problem(422, "validation_failed");
    let perspective =
        plan.put(&staff, &skp, vec![target("Tugas", "utama", 100.0, None, Some("anggaran"))]).await.expect(422);
    assert_eq!(perspective["errors"][0]["field"], "targets[0].perspective");
    // One existing target kept twice in one body.
    let kept = plan.put(&staff, &skp, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);
    let mut first = target("Tugas", "utama", 50.0, None, None);
    first["id"] = kept["targets"][0]["id"].clone();
    let duplicated = plan.put(&staff, &kept, vec![first.clone(), first]).await.expect(422);
    assert_eq!(duplicated["errors"][0]["field"], "targets[1].id");
    let skp = kept;

    // A JPT target needs a perspective.
    let head_skp = plan.create(&head).await;
    let missing = plan.put(&head, &head_skp, vec![target("Sasaran", "utama", 100.0, None, None)]).await.expect(422);
    assert_eq!(missing["errors"][0]["code"], "required");

    // Supporting a peer's target (not the supervisor's) is refused.
    let peer = app.token_for(&org.peer);
    let peer_skp = plan.create(&peer).await;
    let peer_filled = plan.put(&peer, &peer_skp, vec![target("Loket", "utama", 100.0, None, None)]).await.expect(200);
    let wrong_link = plan
        .put(&staff, &skp, vec![target("Tugas", "utama", 100.0, peer_filled["targets"][0]["id"].as_str(), None)])
        .await
        .expect(422);
    assert_eq!(wrong_link["errors"][0]["code"], "not_a_supervisor_target");

    // Weights must sum to 100 and there must be a main target, when submitting.
    let partial = plan
        .put(
            &staff,
            &skp,
            vec![target("Tugas A", "tambahan", 30.0, None, None), target("Tugas B", "tambahan", 30.0, None, None)],
        )
        .await
        .expect(200);
    let refused = plan.action(&staff, &partial, "submit", None).await.expect_problem(422, "validation_failed");
    let codes: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["no_main_target", "weights"]);

    // Versions: a stale write is refused, a missing one too.
    plan.put(&staff, &skp, vec![target("Tugas A", "utama", 100.0, None, None)])
        .await
        .expect_problem(412, "version_mismatch");
    let no_version = app
        .request(
            Method::PUT,
            &format!("/api/v1/skps/{}", skp["id"].as_str().unwrap()),
            Some(&staff),
            Some(json!({"targets": []})),
        )
        .await;
    no_version.expect_problem(428, "if_match_required");
}

#[actix_web::test]
async fn a_closed_period_is_read_only_and_lists_sync() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("closed");
    let plan = Planning::start(&app, &org).await;
    let staff = app.token_for(&org.staff);
    let admin = app.token_for(&org.admin);
    let skp = plan.create(&staff).await;

    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let filled = plan.put(&staff, &skp, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);
    let changed = app.get(&format!("/api/v1/skps?updated_since={since}"), &staff).await.expect(200);
    assert_eq!(changed["items"].as_array().unwrap().len(), 1);
    let later = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B");
    assert_eq!(
        app.get(&format!("/api/v1/skps?updated_since={later}"), &staff).await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The supervisor lists their reports' SKPs; a peer lists only their own (none).
    assert_eq!(
        app.get("/api/v1/skps", &app.token_for(&org.supervisor)).await.expect(200)["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        app.get("/api/v1/skps", &app.token_for(&org.peer)).await.expect(200)["items"].as_array().unwrap().len(),
        0
    );

    let closed = app.close_period(&admin, &plan.period_id).await;
    plan.put(&staff, &filled, vec![target("Tugas", "utama", 100.0, None, None)])
        .await
        .expect_problem(409, "period_closed");
    plan.action(&staff, &filled, "submit", None).await.expect_problem(409, "period_closed");
    app.post("/api/v1/skps", &app.token_for(&org.peer), json!({"period_id": plan.period_id}))
        .await
        .expect_problem(409, "period_closed");
    // Reading still works.
    app.get(&format!("/api/v1/skps/{}", filled["id"].as_str().unwrap()), &staff).await.expect(200);

    // Only an admin reopens it, only with a reason, and the reason is in the audit trail.
    let status_path = format!("/api/v1/periods/{}/status", plan.period_id);
    let version = closed["version"].as_i64().unwrap();
    app.post_versioned(&status_path, &admin, version, json!({"status": "running"}))
        .await
        .expect_problem(409, "invalid_transition");
    let no_reason = app.post_versioned(&status_path, &admin, version, json!({"status": "evaluating"})).await;
    assert_eq!(no_reason.expect(422)["errors"][0]["field"], "reason");
    let reason = json!({"status": "evaluating", "reason": "Keberatan pegawai dikabulkan"});
    app.post_versioned(&status_path, &staff, version, reason.clone()).await.expect_problem(403, "forbidden");
    let reopened = app.post_versioned(&status_path, &admin, version, reason).await.expect(200);
    assert_eq!(reopened["status"], "evaluating");
    let trail = app
        .get(&format!("/api/v1/audit-events?resource_type=period&resource_id={}", plan.period_id), &admin)
        .await
        .expect(200);
    let last = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["after"]["reason"].as_str()),
        (Some("period.reopen"), Some("Keberatan pegawai dikabulkan"))
    );
    assert_eq!(last["before"]["status"], "closed");
    // Writable again.
    plan.put(&staff, &filled, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);
}

#[actix_web::test]
async fn the_inbox_pages_oldest_submission_first() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("inbox");
    let plan = Planning::start(&app, &org).await;
    for who in [&org.staff, &org.peer] {
        let token = app.token_for(who);
        let skp = plan.create(&token).await;
        let filled = plan.put(&token, &skp, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);
        plan.action(&token, &filled, "submit", None).await.expect(200);
    }
    let supervisor = app.token_for(&org.supervisor);
    let first = app.get("/api/v1/skps/inbox?limit=1", &supervisor).await.expect(200);
    assert_eq!(first["items"][0]["employee_id"], org.staff.id.as_str());
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/api/v1/skps/inbox?limit=1&cursor={cursor}"), &supervisor).await.expect(200);
    assert_eq!(second["items"][0]["employee_id"], org.peer.id.as_str());
    assert!(second["next_cursor"].is_null());
    // The head has nothing waiting; a forged cursor is a clear 422.
    let head = app.get("/api/v1/skps/inbox", &app.token_for(&org.head)).await.expect(200);
    assert_eq!(head["items"].as_array().unwrap().len(), 0);
    app.get("/api/v1/skps/inbox?cursor=bm9wZQ", &supervisor).await.expect_problem(422, "validation_failed");
    app.get("/api/v1/skps/inbox?limit=0", &supervisor).await.expect_problem(422, "validation_failed");
}

#[actix_web::test]
async fn nobody_approves_their_own_plan_and_the_inbox_follows_the_reporting_line() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("selfapprove");
    let plan = Planning::start(&app, &org).await;
    let admin = app.token_for(&org.admin);
    // The admin has no supervisor in the system: their plan is not theirs to approve.
    let own = plan.create(&admin).await;
    let own = plan.put(&admin, &own, vec![target("Kelola aplikasi", "utama", 100.0, None, None)]).await.expect(200);
    let own = plan.action(&admin, &own, "submit", None).await.expect(200);
    assert_eq!(app.get("/api/v1/skps/inbox", &admin).await.expect(200)["items"].as_array().unwrap().len(), 0);
    plan.action(&admin, &own, "approve", None).await.expect_problem(403, "forbidden");

    // The staff submits to the supervisor; then the head becomes the staff's supervisor.
    let staff = app.token_for(&org.staff);
    let skp = plan.create(&staff).await;
    let skp = plan.put(&staff, &skp, vec![target("Tugas", "utama", 100.0, None, None)]).await.expect(200);
    let submitted = plan.action(&staff, &skp, "submit", None).await.expect(200);
    let supervisor = app.token_for(&org.supervisor);
    assert_eq!(app.get("/api/v1/skps/inbox", &supervisor).await.expect(200)["items"].as_array().unwrap().len(), 1);
    let move_to_head = json!({"name": org.staff.name, "position": org.staff.position, "job_level": "pelaksana",
                              "unit_id": org.staff.unit_id, "supervisor_id": org.head.id});
    app.put(&format!("/api/v1/employees/{}", org.staff.id), &admin, 1, move_to_head).await.expect(200);
    assert_eq!(app.get("/api/v1/skps/inbox", &supervisor).await.expect(200)["items"].as_array().unwrap().len(), 0);
    let head = app.token_for(&org.head);
    let inbox = app.get("/api/v1/skps/inbox", &head).await.expect(200);
    assert_eq!(inbox["items"][0]["id"], submitted["id"]);
    plan.action(&supervisor, &submitted, "approve", None).await.expect_problem(404, "not_found");
    plan.action(&head, &submitted, "approve", None).await.expect(200);
}

/// Each instance keeps the SKP documents it served, but serves one only while it is the SKP's
/// version and only to whom may read it now: a change, and a move of the owner to another
/// supervisor, made through another instance show on the very next read, by id or as `/me/skp`.
#[actix_web::test]
async fn a_kept_skp_is_never_served_after_another_instance_changed_it() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let org = app.seed_org("kept");
    let plan = Planning::start(&app, &org).await;
    let (staff, supervisor, head) =
        (app.token_for(&org.staff), app.token_for(&org.supervisor), app.token_for(&org.head));
    let skp = plan.create(&staff).await;
    let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let first = app.get(&path, &staff).await;
    assert_eq!(first.expect(200), skp);
    assert!(app.state.documents.bytes() > 0, "the first read keeps the document");
    let again = app.get(&path, &supervisor).await;
    assert_eq!((again.expect(200), again.header("etag")), (skp.clone(), Some("\"1\"")));
    let mine = format!("/api/v1/me/skp?period_id={}", plan.period_id);
    assert_eq!(app.get(&mine, &staff).await.expect(200), skp);

    // Filled through the other instance: the next read here has the targets and the new version.
    let elsewhere = Planning { app: &other, period_id: plan.period_id.clone() };
    let filled = elsewhere.put(&staff, &skp, vec![target("Perekaman KTP-el", "utama", 100.0, None, None)]).await;
    let filled = filled.expect(200);
    let read_mine = app.get(&mine, &staff).await;
    assert_eq!((read_mine.expect(200), read_mine.header("etag")), (filled.clone(), Some("\"2\"")));
    let read = app.get(&path, &staff).await;
    assert_eq!((read.expect(200), read.header("etag")), (filled.clone(), Some("\"2\"")));
    assert_eq!(read.json()["targets"][0]["description"], "Perekaman KTP-el");

    // The owner moves to the head through the other instance: the supervisor before may no
    // longer read it here, the new one may.
    other.move_staff_to_head(&org).await;
    app.get(&path, &supervisor).await.expect_problem(404, "not_found");
    assert_eq!(app.get(&path, &head).await.expect(200), filled);
}
