//! Doing the work: achievements against the approved SKP, evidence files and links, and the
//! supervisor's verification.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp, TestResponse};
use crate::skp::{target, Planning};

/// A year whose quarters have all begun, so that every sub-period takes achievements.
const YEAR: i32 = 2025;

pub const PDF: &[u8] =
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

/// The first bytes of a ZIP archive whose first entry is `name` (office files are ZIP archives).
fn zip_starting_with(name: &str) -> Vec<u8> {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend([0u8; 26]);
    bytes.extend(name.as_bytes());
    bytes.extend([0u8; 64]);
    bytes
}

/// An approved SKP of `owner` (approved by `approver`) in the period, and its first aspect's id
/// and the period's first quarter.
pub struct Approved {
    pub skp: Value,
    /// The first indicator of the first target; its first aspect is kuantitas.
    pub indicator_id: String,
    pub sub_period_id: String,
}

pub async fn approved_skp(app: &TestApp, plan: &Planning<'_>, owner: &str, approver: &str, jpt: bool) -> Approved {
    let perspective = jpt.then_some("penerima_layanan");
    let skp = plan
        .plan_and_approve(owner, approver, vec![target("Perekaman KTP-el", "utama", 100.0, None, perspective)])
        .await;
    let period = app.get(&format!("/api/v1/periods/{}", plan.period_id), owner).await.expect(200);
    Approved {
        indicator_id: skp["targets"][0]["indicators"][0]["id"].as_str().unwrap().to_string(),
        sub_period_id: period["sub_periods"][0]["id"].as_str().unwrap().to_string(),
        skp,
    }
}

/// Uploads `bytes` as evidence, declared as `content_type` (none when `None`).
pub async fn upload(
    app: &TestApp,
    token: &str,
    achievement_id: &str,
    filename: &str,
    content_type: Option<&str>,
    bytes: &[u8],
) -> TestResponse {
    let mut req = TestRequest::post()
        .uri(&format!("/api/v1/achievements/{achievement_id}/evidence/files?filename={filename}"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .set_payload(bytes.to_vec());
    if let Some(content_type) = content_type {
        req = req.insert_header(("content-type", content_type));
    }
    app.send(req).await
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

fn version(value: &Value) -> i64 {
    value["version"].as_i64().unwrap()
}

struct Setting<'a> {
    app: &'a TestApp,
    org: Org,
    plan: Planning<'a>,
    staff: String,
    supervisor: String,
}

async fn setting<'a>(app: &'a TestApp, code: &str) -> Setting<'a> {
    let org = app.seed_org(code);
    let plan = Planning::start_in(app, &org, YEAR).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    Setting { app, org, plan, staff, supervisor }
}

impl Setting<'_> {
    async fn record(&self, indicator_id: &str, sub_period_id: &str, realised: f64) -> TestResponse {
        let body = json!({"indicator_id": indicator_id, "aspect": "kuantitas", "sub_period_id": sub_period_id, "realised": realised, "note": "catatan"});
        self.app.post("/api/v1/achievements", &self.staff, body).await
    }
}

#[actix_web::test]
async fn a_quarter_is_recorded_with_a_pdf_and_a_link_rejected_corrected_and_verified() {
    let app = TestApp::spawn().await;
    let s = setting(&app, "capaian").await;
    let approved = approved_skp(&app, &s.plan, &s.staff, &s.supervisor, false).await;

    let body = json!({
        "indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 130,
        "note": "130 KTP-el terekam",
        "links": [{"url": "https://drive.kota.go.id/laporan/ktp-q1", "title": "Rekap perekaman Q1"}]
    });
    let response = app.post("/api/v1/achievements", &s.staff, body).await;
    let created = response.expect(201);
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!((created["status"].as_str(), created["aspect"].as_str()), (Some("submitted"), Some("kuantitas")));
    assert_eq!((created["target_value"].as_f64(), created["unit"].as_str()), (Some(12.0), Some("laporan")));
    assert_eq!(created["evidence"][0]["kind"], "link");
    assert_eq!(created["target_id"], approved.skp["targets"][0]["lineage_id"]);
    let achievement = id(&created).to_string();

    // A PDF is kept with its SHA-256; a file that claims to be a PDF but is not is refused.
    let with_pdf =
        upload(&app, &s.staff, &achievement, "laporan-q1.pdf", Some("application/pdf"), PDF).await.expect(201);
    assert_eq!(version(&with_pdf), 2);
    let file = &with_pdf["evidence"][1];
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    assert_eq!((file["kind"].as_str(), file["content_type"].as_str()), (Some("file"), Some("application/pdf")));
    assert_eq!((file["sha256"].as_str(), file["size_bytes"].as_i64()), (Some(sha.as_str()), Some(PDF.len() as i64)));
    let fake =
        upload(&app, &s.staff, &achievement, "laporan.pdf", Some("application/pdf"), b"<html>not a pdf</html>").await;
    assert!(fake.expect_problem(415, "unsupported_media_type")["detail"].as_str().unwrap().contains("PDF"));

    // The supervisor downloads it with its type, name and digest; a peer cannot.
    let download = file["download_path"].as_str().unwrap();
    let got = app.get(download, &s.supervisor).await;
    assert_eq!(got.status.as_u16(), 200);
    assert_eq!(got.body, PDF);
    assert_eq!(got.header("content-type"), Some("application/pdf"));
    assert!(got.header("content-disposition").unwrap().starts_with("attachment"));
    assert!(
        got.header("content-disposition").unwrap().contains("filename=\"laporan-q1.pdf\""),
        "{:?}",
        got.header("content-disposition")
    );
    assert_eq!(got.header("etag").map(str::to_string), Some(format!("\"{sha}\"")));
    assert!(got.header("repr-digest").unwrap().starts_with("sha-256=:"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    app.get(download, &app.token_for(&s.org.peer)).await.expect_problem(404, "not_found");
    assert_eq!(app.get(download, &app.token_for(&s.org.auditor)).await.status.as_u16(), 200);

    // The supervisor's verification must name the version they read (with the PDF).
    let verify = format!("/api/v1/achievements/{achievement}/verify");
    app.post_versioned(&verify, &s.supervisor, 1, json!({})).await.expect_problem(412, "version_mismatch");
    let reject = format!("/api/v1/achievements/{achievement}/reject");
    let rejected =
        app.post_versioned(&reject, &s.supervisor, 2, json!({"reason": "Angka tidak sesuai rekap"})).await.expect(200);
    assert_eq!(
        (rejected["status"].as_str(), rejected["rejection_reason"].as_str()),
        (Some("rejected"), Some("Angka tidak sesuai rekap"))
    );
    assert_eq!(rejected["verifier_id"], s.org.supervisor.id.as_str());
    app.post_versioned(&verify, &s.supervisor, 3, json!({})).await.expect_problem(409, "invalid_transition");

    // Corrected and resubmitted, then verified and locked.
    let path = format!("/api/v1/achievements/{achievement}");
    let corrected = app.put(&path, &s.staff, 3, json!({"realised": 120, "note": "Dikoreksi"})).await.expect(200);
    assert_eq!((corrected["status"].as_str(), corrected["realised"].as_f64()), (Some("rejected"), Some(120.0)));
    let resubmitted = app.post_versioned(&format!("{path}/resubmit"), &s.staff, 4, json!({})).await.expect(200);
    assert_eq!((resubmitted["status"].as_str(), resubmitted["rejection_reason"].as_str()), (Some("submitted"), None));
    let verified = app.post_versioned(&verify, &s.supervisor, 5, json!({})).await.expect(200);
    assert_eq!(verified["status"], "verified");

    // The verified value is what the quarter's score uses; a rejected or pending one never is.
    let score_path = format!(
        "/api/v1/employees/{}/score?period_id={}&sub_period_id={}",
        s.org.staff.id, s.plan.period_id, approved.sub_period_id
    );
    let score = app.get(&score_path, &s.supervisor).await.expect(200);
    let aspect = &score["explanation"]["results"]["targets"][0]["indicators"][0]["aspects"][0];
    assert_eq!((aspect["aspect"].as_str(), aspect["recorded"].as_bool()), (Some("kuantitas"), Some(true)), "{aspect}");
    assert_eq!(aspect["realised"].as_f64(), Some(120.0), "{aspect}");
    app.put(&path, &s.staff, 6, json!({"realised": 1})).await.expect_problem(409, "achievement_locked");
    upload(&app, &s.staff, &achievement, "lagi.png", None, PNG).await.expect_problem(409, "achievement_locked");
    let evidence_path = format!("{path}/evidence/{}", file["id"].as_str().unwrap());
    app.delete(&evidence_path, &s.staff).await.expect_problem(409, "achievement_locked");

    // Each step is in the audit trail with its actor; the file is there as metadata, not bytes.
    let admin = app.token_for(&s.org.admin);
    let events = app.get(&format!("/api/v1/audit-events?resource_id={achievement}"), &admin).await.expect(200);
    let steps: Vec<(String, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["actor_id"].as_str().unwrap().to_string()))
        .collect();
    let (staff_id, supervisor_id) = (s.org.staff.id.to_string(), s.org.supervisor.id.to_string());
    for expected in [
        ("achievement.create".to_string(), staff_id.clone()),
        ("achievement.evidence.add".to_string(), staff_id.clone()),
        ("achievement.reject".to_string(), supervisor_id.clone()),
        ("achievement.update".to_string(), staff_id.clone()),
        ("achievement.resubmit".to_string(), staff_id.clone()),
        ("achievement.verify".to_string(), supervisor_id.clone()),
    ] {
        assert!(steps.contains(&expected), "{expected:?} missing from {steps:?}");
    }
    assert!(events.to_string().contains(&sha));
    assert!(!events.to_string().contains("Catalog"), "file bytes never go into the audit trail");
}

#[actix_web::test]
async fn only_the_approved_revision_takes_achievements_and_nothing_after_the_period_closes() {
    let app = TestApp::spawn().await;
    let s = setting(&app, "capaian-rules").await;
    // A draft SKP's aspects take nothing.
    let draft = s.plan.create(&app.token_for(&s.org.peer)).await;
    let draft = s
        .plan
        .put(&app.token_for(&s.org.peer), &draft, vec![target("Arsip", "utama", 100.0, None, None)])
        .await
        .expect(200);
    let draft_indicator = draft["targets"][0]["indicators"][0]["id"].as_str().unwrap();
    let period = app.get(&format!("/api/v1/periods/{}", s.plan.period_id), &s.staff).await.expect(200);
    let q1 = period["sub_periods"][0]["id"].as_str().unwrap();
    let peer_body = json!({"indicator_id": draft_indicator, "aspect": "kuantitas", "sub_period_id": q1, "realised": 1});
    app.post("/api/v1/achievements", &app.token_for(&s.org.peer), peer_body)
        .await
        .expect_problem(409, "skp_not_approved");

    let approved = approved_skp(&app, &s.plan, &s.staff, &s.supervisor, false).await;
    // A new draft revision leaves the approved one in force; its own aspects take nothing yet.
    let revision = app
        .request(
            actix_web::http::Method::POST,
            &format!("/api/v1/skps/{}/revisions", id(&approved.skp)),
            Some(&s.staff),
            None,
        )
        .await
        .expect(201);
    let revision_indicator = revision["targets"][0]["indicators"][0]["id"].as_str().unwrap();
    s.record(revision_indicator, &approved.sub_period_id, 5.0).await.expect_problem(409, "skp_not_approved");
    let first = s.record(&approved.indicator_id, &approved.sub_period_id, 5.0).await.expect(201);
    s.record(&approved.indicator_id, &approved.sub_period_id, 6.0).await.expect_problem(409, "achievement_exists");

    // A sub-period of another year, or one that has not begun.
    let other = app.post("/api/v1/periods", &app.token_for(&s.org.admin), json!({"year": 2099})).await.expect(201);
    let foreign = s.record(&approved.indicator_id, other["sub_periods"][0]["id"].as_str().unwrap(), 1.0).await;
    assert_eq!(foreign.expect_problem(422, "validation_failed")["errors"][0]["code"], "not_in_period");

    // Closed: neither the employee nor the supervisor changes anything.
    app.close_period(&app.token_for(&s.org.admin), &s.plan.period_id).await;
    let q2 = period["sub_periods"][1]["id"].as_str().unwrap();
    s.record(&approved.indicator_id, q2, 1.0).await.expect_problem(409, "period_closed");
    let verify = format!("/api/v1/achievements/{}/verify", id(&first));
    app.post_versioned(&verify, &s.supervisor, 1, json!({})).await.expect_problem(409, "period_closed");
    upload(&app, &s.staff, id(&first), "a.pdf", None, PDF).await.expect_problem(409, "period_closed");
    // Still readable.
    app.get(&format!("/api/v1/achievements/{}", id(&first)), &s.supervisor).await.expect(200);
}

#[actix_web::test]
async fn a_sub_period_that_has_not_begun_takes_nothing_yet() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("capaian-future");
    let plan = Planning::start_in(&app, &org, 2099).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    let approved = approved_skp(&app, &plan, &staff, &supervisor, false).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 1});
    let refused = app.post("/api/v1/achievements", &staff, body).await.expect_problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "not_started");
}

#[actix_web::test]
async fn evidence_is_judged_by_content_and_size_and_bad_input_is_a_clear_problem() {
    let app = TestApp::spawn_with(|s| s.max_evidence_bytes = 2048).await;
    let s = setting(&app, "bukti").await;
    let approved = approved_skp(&app, &s.plan, &s.staff, &s.supervisor, false).await;
    let base = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 3});

    // Bad bodies: unknown fields, a negative value, a link that is not a web address.
    let mut unknown = base.clone();
    unknown["status"] = json!("verified");
    app.post("/api/v1/achievements", &s.staff, unknown).await.expect_problem(422, "validation_failed");
    let mut negative = base.clone();
    negative["realised"] = json!(-1);
    app.post("/api/v1/achievements", &s.staff, negative).await.expect_problem(422, "validation_failed");
    let mut bad_link = base.clone();
    bad_link["links"] = json!([{"url": "javascript:alert(1)", "title": "x"}]);
    let problem = app.post("/api/v1/achievements", &s.staff, bad_link).await.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "links[0].url");
    app.post(
        "/api/v1/achievements",
        &s.staff,
        json!({"indicator_id": "nope", "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 1}),
    )
    .await
    .expect_problem(404, "not_found");

    let created = app.post("/api/v1/achievements", &s.staff, base).await.expect(201);
    let achievement = id(&created);

    // Files: too large, empty, a plain ZIP, a PDF declared as PNG, a name that is a path.
    let big = [PDF, &vec![b' '; 4096]].concat();
    upload(&app, &s.staff, achievement, "besar.pdf", None, &big).await.expect_problem(413, "payload_too_large");
    upload(&app, &s.staff, achievement, "kosong.pdf", None, b"").await.expect_problem(400, "empty_file");
    upload(&app, &s.staff, achievement, "arsip.docx", None, &zip_starting_with("notes.txt"))
        .await
        .expect_problem(415, "unsupported_media_type");
    upload(&app, &s.staff, achievement, "foto.png", Some("image/png"), PDF)
        .await
        .expect_problem(415, "unsupported_media_type");
    upload(&app, &s.staff, achievement, "..%2F", None, PDF).await.expect_problem(422, "validation_failed");
    let no_name = TestRequest::post()
        .uri(&format!("/api/v1/achievements/{achievement}/evidence/files"))
        .insert_header(("authorization", format!("Bearer {}", s.staff)))
        .set_payload(PDF.to_vec());
    app.send(no_name).await.expect_problem(400, "invalid_query");

    // Office files and photos are accepted, told apart by their content.
    let docx = upload(
        &app,
        &s.staff,
        achievement,
        "surat.docx",
        Some("application/octet-stream"),
        &zip_starting_with("word/document.xml"),
    )
    .await
    .expect(201);
    let xlsx = upload(&app, &s.staff, achievement, "rekap.xlsx", None, &zip_starting_with("xl/workbook.xml"))
        .await
        .expect(201);
    let png = upload(&app, &s.staff, achievement, "C:%5Cfoto%5Cloket.png", None, PNG).await.expect(201);
    let types: Vec<&str> =
        png["evidence"].as_array().unwrap().iter().map(|e| e["content_type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/png"
        ]
    );
    assert_eq!(png["evidence"][2]["file_name"], "loket.png");
    assert_eq!((version(&docx), version(&xlsx), version(&png)), (2, 3, 4));

    // Removing evidence makes a new version; its bytes are gone.
    let first = png["evidence"][0].clone();
    let removed =
        app.delete(&format!("/api/v1/achievements/{achievement}/evidence/{}", id(&first)), &s.staff).await.expect(200);
    assert_eq!((removed["evidence"].as_array().unwrap().len(), version(&removed)), (2, 5));
    app.get(first["download_path"].as_str().unwrap(), &s.staff).await.expect_problem(404, "not_found");

    // Links one at a time, checked the same way.
    let link = format!("/api/v1/achievements/{achievement}/evidence/links");
    app.post(&link, &s.staff, json!({"url": "ftp://arsip/x", "title": "Arsip"}))
        .await
        .expect_problem(422, "validation_failed");
    app.post(&link, &s.staff, json!({"url": "https://sikd.kota.go.id/1", "title": "Surat", "x": 1}))
        .await
        .expect_problem(422, "validation_failed");
    app.post(&link, &s.staff, json!({"url": "https://sikd.kota.go.id/1", "title": "Surat"})).await.expect(201);
}

#[actix_web::test]
async fn only_the_owner_records_and_only_the_direct_supervisor_verifies() {
    let app = TestApp::spawn().await;
    let s = setting(&app, "capaian-roles").await;
    let approved = approved_skp(&app, &s.plan, &s.staff, &s.supervisor, false).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 3});
    let (peer, head, admin, auditor) = (
        app.token_for(&s.org.peer),
        app.token_for(&s.org.head),
        app.token_for(&s.org.admin),
        app.token_for(&s.org.auditor),
    );
    // Nobody records on someone else's SKP: the supervisor and admin see it (403), a peer does not (404).
    app.post("/api/v1/achievements", &peer, body.clone()).await.expect_problem(404, "not_found");
    app.post("/api/v1/achievements", &s.supervisor, body.clone()).await.expect_problem(403, "forbidden");
    app.post("/api/v1/achievements", &admin, body.clone()).await.expect_problem(403, "forbidden");
    let created = app.post("/api/v1/achievements", &s.staff, body).await.expect(201);
    let path = format!("/api/v1/achievements/{}", id(&created));

    // Verification: not the employee, an admin, an auditor or the second level; a peer sees nothing.
    for (who, token, status) in [
        ("staff", &s.staff, 403),
        ("admin", &admin, 403),
        ("auditor", &auditor, 403),
        ("head", &head, 404),
        ("peer", &peer, 404),
    ] {
        let response = app.post_versioned(&format!("{path}/verify"), token, 1, json!({})).await;
        assert_eq!(response.status.as_u16(), status, "{who} verifying");
        let response = app.post_versioned(&format!("{path}/reject"), token, 1, json!({"reason": "tidak sesuai"})).await;
        assert_eq!(response.status.as_u16(), status, "{who} rejecting");
    }
    // Corrections: the employee only.
    app.put(&path, &s.supervisor, 1, json!({"realised": 9})).await.expect_problem(403, "forbidden");
    upload(&app, &s.supervisor, id(&created), "a.pdf", None, PDF).await.expect_problem(403, "forbidden");
    upload(&app, &peer, id(&created), "a.pdf", None, PDF).await.expect_problem(404, "not_found");
    // Reading: the employee, the supervisor, admins and auditors; not a peer or a portal.
    for token in [&s.staff, &s.supervisor, &admin, &auditor] {
        app.get(&path, token).await.expect(200);
    }
    app.get(&path, &peer).await.expect_problem(404, "not_found");
    let (client, secret) = app.service_client(&s.org, &["employees:read"]).await;
    let portal = app.client_token(&client, &secret).await;
    app.get(&path, &portal).await.expect_problem(403, "forbidden");
    app.get("/api/v1/achievements", &portal).await.expect_problem(403, "forbidden");
    let listed = app.get("/api/v1/achievements", &peer).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "a peer lists none of the staff's");
    let unchanged = app.get(&path, &s.staff).await.expect(200);
    assert_eq!((version(&unchanged), unchanged["status"].as_str()), (1, Some("submitted")));
}

#[actix_web::test]
async fn the_head_of_the_agency_is_verified_by_an_admin_other_than_themselves() {
    let app = TestApp::spawn().await;
    let s = setting(&app, "capaian-head").await;
    let (head, admin) = (app.token_for(&s.org.head), app.token_for(&s.org.admin));
    let approved = approved_skp(&app, &s.plan, &head, &admin, true).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 3});
    let created = app.post("/api/v1/achievements", &head, body).await.expect(201);
    let verify = format!("/api/v1/achievements/{}/verify", id(&created));
    app.post_versioned(&verify, &head, 1, json!({})).await.expect_problem(403, "forbidden");
    app.post_versioned(&verify, &admin, 1, json!({})).await.expect(200);
}

#[actix_web::test]
async fn repeated_creates_and_uploads_apply_once_and_lists_sync_and_feed_the_inboxes() {
    let app = TestApp::spawn().await;
    let s = setting(&app, "capaian-sync").await;
    let approved = approved_skp(&app, &s.plan, &s.staff, &s.supervisor, false).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 3});
    let keyed = |body: Value| {
        TestRequest::post()
            .uri("/api/v1/achievements")
            .insert_header(("authorization", format!("Bearer {}", s.staff)))
            .insert_header(("idempotency-key", "capaian-q1-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string())
    };
    let first = app.send(keyed(body.clone())).await.expect(201);
    let again = app.send(keyed(body)).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(201)["id"], first["id"]);

    let keyed_upload = || {
        TestRequest::post()
            .uri(&format!("/api/v1/achievements/{}/evidence/files?filename=a.pdf", id(&first)))
            .insert_header(("authorization", format!("Bearer {}", s.staff)))
            .insert_header(("idempotency-key", "bukti-1"))
            .set_payload(PDF.to_vec())
    };
    app.send(keyed_upload()).await.expect(201);
    let replay = app.send(keyed_upload()).await.expect(201);
    assert_eq!(replay["evidence"].as_array().unwrap().len(), 1);
    let now = app.get(&format!("/api/v1/achievements/{}", id(&first)), &s.staff).await.expect(200);
    assert_eq!((now["evidence"].as_array().unwrap().len(), version(&now)), (1, 2));

    // Lists: by status and changes since a time, for the phone.
    let since = chrono::Utc::now() - chrono::Duration::minutes(5);
    let query =
        format!("/api/v1/achievements?status=submitted&updated_since={}", since.to_rfc3339().replace('+', "%2B"));
    let listed = app.get(&query, &s.supervisor).await.expect(200);
    assert_eq!(listed["items"][0]["id"], first["id"]);
    let later = (chrono::Utc::now() + chrono::Duration::minutes(5)).to_rfc3339().replace('+', "%2B");
    let none = app.get(&format!("/api/v1/achievements?updated_since={later}"), &s.supervisor).await.expect(200);
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    app.get("/api/v1/achievements?status=draft", &s.supervisor).await.expect_problem(400, "invalid_query");

    // The inbox: waiting for the supervisor, then back with the employee.
    let waiting = app.get("/api/v1/inbox?kinds=achievement_to_verify", &s.supervisor).await.expect(200);
    assert_eq!(
        (waiting["items"][0]["id"].clone(), waiting["counts"]["achievement_to_verify"].clone()),
        (first["id"].clone(), json!(1))
    );
    app.post_versioned(
        &format!("/api/v1/achievements/{}/reject", id(&first)),
        &s.supervisor,
        2,
        json!({"reason": "Bukti kurang"}),
    )
    .await
    .expect(200);
    let waiting = app.get("/api/v1/inbox?kinds=achievement_to_verify", &s.supervisor).await.expect(200);
    assert_eq!(waiting["total"], 0, "{waiting}");
    let rejected = app.get("/api/v1/inbox?kinds=achievement_rejected", &s.staff).await.expect(200);
    assert_eq!(
        (rejected["items"][0]["id"].clone(), rejected["counts"]["achievement_rejected"].clone()),
        (first["id"].clone(), json!(1))
    );
}
