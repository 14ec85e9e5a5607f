//! The refusal matrix: every operation of the OpenAPI document, called by callers who must be
//! refused. An operation without a row here fails the test, so new endpoints must add theirs.

use std::collections::BTreeMap;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

/// Operations anyone may call without a token.
const PUBLIC: &[&str] = &[
    "POST /api/v1/auth/token",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/logout",
    "POST /api/v1/public/citizen-ratings",
    "GET /api/v1/public/organizations/{code}/citizen-index",
    "POST /api/v1/public/complaints",
    "POST /api/v1/public/complaints/status",
];

/// What a portal holding only `employees:read` may call; every other operation refuses it (403).
const EMPLOYEES_READ_SCOPE: &[&str] = &[
    "GET /api/v1/me",
    "GET /api/v1/employees",
    "GET /api/v1/employees/{id}",
    "GET /api/v1/employees/{id}/reporting-lines",
];

/// How one operation is called, and what two in-organisation outsiders get.
struct Row {
    path: String,
    body: Option<Value>,
    /// What a plain employee gets when the target is not theirs (None: allowed).
    staff: Option<u16>,
    /// What another organisation's admin gets (None: the operation has no object of org A).
    other_org: Option<u16>,
}

fn row(path: String, body: Option<Value>, staff: Option<u16>, other_org: Option<u16>) -> Row {
    Row { path, body, staff, other_org }
}

/// The head's achievement (with a file) and a feedback thread about the peer: records the plain
/// employee of the matrix may not touch.
struct Work {
    achievement: String,
    evidence: String,
    indicator: String,
    sub_period: String,
    thread: String,
    /// The supervisor's published assessment of the peer, and the peer's objection to it.
    peer_assessment: String,
    peer_objection: String,
}

fn rows(
    a: &Org,
    period_id: &str,
    client_id: &str,
    peer_skp: &str,
    assignment: &str,
    work: &Work,
) -> BTreeMap<&'static str, Row> {
    let achievement = format!("/api/v1/achievements/{}", work.achievement);
    let evidence = format!("{achievement}/evidence/{}", work.evidence);
    let feedback = format!("/api/v1/employees/{}/feedback", a.peer.id);
    let thread = format!("/api/v1/feedback/{}", work.thread);
    let (peer_assessment, peer_objection) = (&work.peer_assessment, &work.peer_objection);
    let assessment = json!({"results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"});
    let decision = json!({"outcome": "upheld", "reason": "Penilaian sudah sesuai"});
    let unit = json!({"code": "x-unit", "name": "Unit X", "kind": "seksi"});
    let employee = json!({"nip": "199001012015031001", "name": "Pegawai X", "position": "Staf", "job_level": "pelaksana", "unit_id": a.bidang.id});
    let update = json!({"name": "Pegawai X", "position": "Staf", "job_level": "pelaksana", "unit_id": a.bidang.id, "supervisor_id": a.supervisor.id});
    let policy = json!({"note": "matrix", "policy": kinerja::domain::policy::ScoringPolicy::default()});
    BTreeMap::from([
        ("GET /api/v1/me", row("/api/v1/me".into(), None, None, None)),
        ("GET /api/v1/audit-events", row("/api/v1/audit-events".into(), None, Some(403), None)),
        ("GET /api/v1/audit-events/verify", row("/api/v1/audit-events/verify".into(), None, Some(403), None)),
        ("GET /api/v1/audit-events/export", row("/api/v1/audit-events/export".into(), None, Some(403), None)),
        ("GET /api/v1/employees", row("/api/v1/employees".into(), None, None, None)),
        ("POST /api/v1/employees", row("/api/v1/employees".into(), Some(employee), Some(403), None)),
        ("POST /api/v1/employees/import", row("/api/v1/employees/import".into(), None, Some(403), None)),
        ("GET /api/v1/employees/{id}", row(format!("/api/v1/employees/{}", a.peer.id), None, Some(404), Some(404))),
        (
            "PUT /api/v1/employees/{id}",
            row(format!("/api/v1/employees/{}", a.peer.id), Some(update), Some(404), Some(404)),
        ),
        (
            "POST /api/v1/employees/{id}/reporting-line",
            row(
                format!("/api/v1/employees/{}/reporting-line", a.peer.id),
                Some(json!({"unit_id": a.root.id, "supervisor_id": a.head.id, "reason": "Mutasi"})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/employees/{id}/reporting-lines",
            row(format!("/api/v1/employees/{}/reporting-lines", a.peer.id), None, Some(404), Some(404)),
        ),
        ("DELETE /api/v1/employees/{id}", row(format!("/api/v1/employees/{}", a.peer.id), None, Some(404), Some(404))),
        (
            "PUT /api/v1/employees/{id}/password",
            row(
                format!("/api/v1/employees/{}/password", a.peer.id),
                Some(json!({"new_password": "long enough password"})),
                Some(404),
                Some(404),
            ),
        ),
        ("GET /api/v1/organizations/{id}", row(format!("/api/v1/organizations/{}", a.id), None, None, Some(404))),
        (
            "PUT /api/v1/organizations/{id}",
            row(format!("/api/v1/organizations/{}", a.id), Some(json!({"name": "Nama Baru"})), Some(403), Some(404)),
        ),
        (
            "GET /api/v1/organizations/{org_id}/units",
            row(format!("/api/v1/organizations/{}/units", a.id), None, None, Some(404)),
        ),
        (
            "POST /api/v1/organizations/{org_id}/units",
            row(format!("/api/v1/organizations/{}/units", a.id), Some(unit.clone()), Some(403), Some(404)),
        ),
        ("GET /api/v1/units/{id}", row(format!("/api/v1/units/{}", a.bidang.id), None, None, Some(404))),
        ("PUT /api/v1/units/{id}", row(format!("/api/v1/units/{}", a.bidang.id), Some(unit), Some(403), Some(404))),
        ("DELETE /api/v1/units/{id}", row(format!("/api/v1/units/{}", a.bidang.id), None, Some(403), Some(404))),
        ("GET /api/v1/periods", row("/api/v1/periods".into(), None, None, None)),
        ("POST /api/v1/periods", row("/api/v1/periods".into(), Some(json!({"year": 2031})), Some(403), None)),
        ("GET /api/v1/periods/{id}", row(format!("/api/v1/periods/{period_id}"), None, None, Some(404))),
        (
            "POST /api/v1/periods/{id}/status",
            row(
                format!("/api/v1/periods/{period_id}/status"),
                Some(json!({"status": "running"})),
                Some(403),
                Some(404),
            ),
        ),
        ("GET /api/v1/policies", row("/api/v1/policies".into(), None, None, None)),
        ("GET /api/v1/policies/current", row("/api/v1/policies/current".into(), None, None, None)),
        ("PUT /api/v1/policies/current", row("/api/v1/policies/current".into(), Some(policy), Some(403), None)),
        ("GET /api/v1/policies/{version}", row("/api/v1/policies/1".into(), None, None, None)),
        ("GET /api/v1/service-clients", row("/api/v1/service-clients".into(), None, Some(403), None)),
        (
            "POST /api/v1/service-clients",
            row(
                "/api/v1/service-clients".into(),
                Some(json!({"name": "Portal", "scopes": ["employees:read"]})),
                Some(403),
                None,
            ),
        ),
        (
            "POST /api/v1/service-clients/{id}/approve",
            row(format!("/api/v1/service-clients/{client_id}/approve"), Some(json!({})), Some(403), Some(404)),
        ),
        (
            "DELETE /api/v1/service-clients/{id}",
            row(format!("/api/v1/service-clients/{client_id}"), None, Some(403), Some(404)),
        ),
        ("GET /api/v1/skps", row("/api/v1/skps".into(), None, None, None)),
        ("POST /api/v1/skps", row("/api/v1/skps".into(), Some(json!({"period_id": period_id})), None, Some(404))),
        ("GET /api/v1/skps/inbox", row("/api/v1/skps/inbox".into(), None, None, None)),
        // One's own inbox: nothing of anyone else's to refuse (portals get 403, tests/api/inbox.rs).
        ("GET /api/v1/inbox", row("/api/v1/inbox".into(), None, None, None)),
        ("GET /api/v1/me/skp", row(format!("/api/v1/me/skp?period_id={period_id}"), None, None, None)),
        ("GET /api/v1/skps/{id}", row(format!("/api/v1/skps/{peer_skp}"), None, Some(404), Some(404))),
        (
            "PUT /api/v1/skps/{id}",
            row(format!("/api/v1/skps/{peer_skp}"), Some(json!({"targets": []})), Some(404), Some(404)),
        ),
        ("POST /api/v1/skps/{id}/submit", row(format!("/api/v1/skps/{peer_skp}/submit"), None, Some(404), Some(404))),
        ("POST /api/v1/skps/{id}/approve", row(format!("/api/v1/skps/{peer_skp}/approve"), None, Some(404), Some(404))),
        (
            "POST /api/v1/skps/{id}/return",
            row(
                format!("/api/v1/skps/{peer_skp}/return"),
                Some(json!({"comment": "tidak boleh"})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "POST /api/v1/skps/{id}/revisions",
            row(format!("/api/v1/skps/{peer_skp}/revisions"), None, Some(404), Some(404)),
        ),
        (
            "GET /api/v1/skps/{id}/revisions",
            row(format!("/api/v1/skps/{peer_skp}/revisions"), None, Some(404), Some(404)),
        ),
        (
            "GET /api/v1/periods/{id}/cascade",
            row(format!("/api/v1/periods/{period_id}/cascade"), None, None, Some(404)),
        ),
        (
            "GET /api/v1/periods/{id}/cascade/unlinked",
            row(format!("/api/v1/periods/{period_id}/cascade/unlinked"), None, None, Some(404)),
        ),
        (
            "POST /api/v1/periods/{period_id}/peer-assignments",
            row(
                format!("/api/v1/periods/{period_id}/peer-assignments"),
                Some(json!({"ratee_id": a.peer.id, "raters": [{"rater_id": a.staff.id, "group": "peer"}]})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/peer-assignments/proposals",
            row(
                format!("/api/v1/peer-assignments/proposals?period_id={period_id}&ratee_id={}", a.peer.id),
                None,
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/me/peer-assignments",
            row(format!("/api/v1/me/peer-assignments?period_id={period_id}"), None, None, None),
        ),
        (
            "PUT /api/v1/peer-assignments/{id}/rating",
            row(
                format!("/api/v1/peer-assignments/{assignment}/rating"),
                Some(json!({"scores": scores()})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/employees/{id}/peer-feedback",
            row(
                format!("/api/v1/employees/{}/peer-feedback?period_id={period_id}", a.peer.id),
                None,
                Some(404),
                Some(404),
            ),
        ),
        ("GET /api/v1/webhooks", row("/api/v1/webhooks".into(), None, Some(403), Some(403))),
        (
            "POST /api/v1/webhooks",
            row(
                "/api/v1/webhooks".into(),
                Some(json!({"url": "https://portal.example.go.id/hooks", "event_types": ["skp.approved"]})),
                Some(403),
                Some(403),
            ),
        ),
        ("DELETE /api/v1/webhooks/{id}", row("/api/v1/webhooks/w1".into(), None, Some(403), Some(403))),
        (
            "GET /api/v1/webhooks/{id}/deliveries",
            row("/api/v1/webhooks/w1/deliveries".into(), None, Some(403), Some(403)),
        ),
        (
            "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            row("/api/v1/webhooks/w1/deliveries/d1/redeliver".into(), Some(json!({})), Some(403), Some(403)),
        ),
        (
            "POST /api/v1/rating-tickets",
            row("/api/v1/rating-tickets".into(), Some(json!({"unit_id": a.bidang.id})), Some(403), Some(403)),
        ),
        (
            "GET /api/v1/units/{id}/citizen-index",
            row(format!("/api/v1/units/{}/citizen-index?period_id={period_id}", a.bidang.id), None, None, Some(404)),
        ),
        ("GET /api/v1/achievements", row("/api/v1/achievements".into(), None, None, None)),
        (
            "POST /api/v1/achievements",
            row(
                "/api/v1/achievements".into(),
                Some(
                    json!({"indicator_id": work.indicator, "aspect": "kuantitas", "sub_period_id": work.sub_period, "realised": 1}),
                ),
                Some(404),
                Some(404),
            ),
        ),
        ("GET /api/v1/achievements/{id}", row(achievement.clone(), None, Some(404), Some(404))),
        (
            "PUT /api/v1/achievements/{id}",
            row(achievement.clone(), Some(json!({"realised": 1, "note": ""})), Some(404), Some(404)),
        ),
        ("POST /api/v1/achievements/{id}/resubmit", row(format!("{achievement}/resubmit"), None, Some(404), Some(404))),
        ("POST /api/v1/achievements/{id}/verify", row(format!("{achievement}/verify"), None, Some(404), Some(404))),
        (
            "POST /api/v1/achievements/{id}/reject",
            row(format!("{achievement}/reject"), Some(json!({"reason": "tidak sesuai"})), Some(404), Some(404)),
        ),
        (
            "POST /api/v1/achievements/{id}/evidence/links",
            row(
                format!("{achievement}/evidence/links"),
                Some(json!({"url": "https://drive.example.go.id/x", "title": "Bukti"})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "POST /api/v1/achievements/{id}/evidence/files",
            row(format!("{achievement}/evidence/files?filename=bukti.pdf"), None, Some(404), Some(404)),
        ),
        (
            "GET /api/v1/achievements/{id}/evidence/{evidence_id}/content",
            row(format!("{evidence}/content"), None, Some(404), Some(404)),
        ),
        ("DELETE /api/v1/achievements/{id}/evidence/{evidence_id}", row(evidence, None, Some(404), Some(404))),
        ("GET /api/v1/employees/{id}/feedback", row(feedback.clone(), None, Some(404), Some(404))),
        ("POST /api/v1/employees/{id}/feedback", row(feedback, Some(json!({"body": "Catatan"})), Some(404), Some(404))),
        ("GET /api/v1/feedback/{id}", row(thread.clone(), None, Some(404), Some(404))),
        (
            "POST /api/v1/feedback/{id}/replies",
            row(format!("{thread}/replies"), Some(json!({"body": "Balasan"})), Some(404), Some(404)),
        ),
        (
            "GET /api/v1/employees/{id}/score",
            row(format!("/api/v1/employees/{}/score?period_id={period_id}", a.peer.id), None, Some(404), Some(404)),
        ),
        (
            "GET /api/v1/scores/team",
            row(
                format!("/api/v1/scores/team?period_id={period_id}&supervisor_id={}", a.supervisor.id),
                None,
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/units/{id}/scores",
            row(format!("/api/v1/units/{}/scores?period_id={period_id}", a.bidang.id), None, Some(403), Some(404)),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/scores",
            row(
                format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", a.id),
                None,
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/distribution",
            row(
                format!("/api/v1/organizations/{}/reports/distribution?period_id={period_id}&format=xlsx", a.id),
                None,
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/citizen-index",
            row(
                format!("/api/v1/organizations/{}/reports/citizen-index?period_id={period_id}&format=csv", a.id),
                None,
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/periods/{id}/organization-rating",
            row(format!("/api/v1/periods/{period_id}/organization-rating"), None, None, Some(404)),
        ),
        (
            "PUT /api/v1/periods/{id}/organization-rating",
            row(
                format!("/api/v1/periods/{period_id}/organization-rating"),
                Some(json!({"rating": "baik", "note": "Keputusan Bupati"})),
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/periods/{id}/distribution",
            row(format!("/api/v1/periods/{period_id}/distribution"), None, Some(403), Some(404)),
        ),
        (
            "GET /api/v1/periods/{id}/recommendations",
            row(format!("/api/v1/periods/{period_id}/recommendations"), None, Some(403), Some(404)),
        ),
        (
            "POST /api/v1/periods/{id}/recommendation-decisions",
            row(
                format!("/api/v1/periods/{period_id}/recommendation-decisions"),
                Some(json!({"employee_id": a.peer.id, "kind": "warning", "decision": "accepted"})),
                Some(403),
                Some(404),
            ),
        ),
        ("GET /api/v1/assessments", row("/api/v1/assessments".into(), None, None, None)),
        (
            "POST /api/v1/assessments",
            row(
                "/api/v1/assessments".into(),
                Some(json!({"period_id": period_id, "employee_id": a.peer.id})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/assessments/{id}",
            row(format!("/api/v1/assessments/{peer_assessment}"), None, Some(404), Some(404)),
        ),
        (
            "PUT /api/v1/assessments/{id}",
            row(format!("/api/v1/assessments/{peer_assessment}"), Some(assessment), Some(404), Some(404)),
        ),
        (
            "POST /api/v1/assessments/{id}/publish",
            row(format!("/api/v1/assessments/{peer_assessment}/publish"), None, Some(404), Some(404)),
        ),
        (
            "GET /api/v1/assessments/{id}/comparison",
            row(format!("/api/v1/assessments/{peer_assessment}/comparison"), None, Some(404), Some(404)),
        ),
        ("GET /api/v1/objections", row("/api/v1/objections".into(), None, None, None)),
        (
            "POST /api/v1/objections",
            row(
                "/api/v1/objections".into(),
                Some(json!({"assessment_id": peer_assessment, "reason": "Saya tidak setuju dengan nilai ini"})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/objections/{id}",
            row(format!("/api/v1/objections/{peer_objection}"), None, Some(404), Some(404)),
        ),
        (
            "POST /api/v1/objections/{id}/decision",
            row(format!("/api/v1/objections/{peer_objection}/decision"), Some(decision), Some(404), Some(404)),
        ),
        (
            "GET /api/v1/employees/{id}/citizen-index",
            row(
                format!("/api/v1/employees/{}/citizen-index?period_id={period_id}", a.peer.id),
                None,
                Some(404),
                Some(404),
            ),
        ),
    ])
}

/// Records of organisation A for the template rows: a template and a staff proposal.
struct TemplateWork {
    template: String,
    proposal: String,
}

fn template_rows(a: &Org, period_id: &str, work: &Work, t: &TemplateWork) -> Vec<(&'static str, Row)> {
    let content = crate::templates::content("Layanan aplikasi", None);
    let new =
        json!({"unit_id": a.bidang.id, "position": "Pranata Komputer", "name": "Layanan TIK", "content": content});
    let proposal = json!({"position": "Pranata Komputer", "name": "Usulan TIK", "content": content,
                          "reason": "Indikator lama sulit diukur"});
    vec![
        ("GET /api/v1/templates", row("/api/v1/templates".into(), None, None, None)),
        ("POST /api/v1/templates", row("/api/v1/templates".into(), Some(new), Some(403), Some(404))),
        ("GET /api/v1/templates/{id}", row(format!("/api/v1/templates/{}", t.template), None, None, Some(404))),
        ("GET /api/v1/template-proposals", row("/api/v1/template-proposals".into(), None, None, None)),
        // Every employee may propose (nothing to refuse but portals and strangers' tokens).
        ("POST /api/v1/template-proposals", row("/api/v1/template-proposals".into(), Some(proposal), None, None)),
        (
            "POST /api/v1/template-proposals/{id}/decision",
            row(
                format!("/api/v1/template-proposals/{}/decision", t.proposal),
                Some(json!({"outcome": "accepted", "reason": "Disetujui"})),
                Some(403),
                Some(404),
            ),
        ),
        (
            "POST /api/v1/template-assignments",
            row(
                "/api/v1/template-assignments".into(),
                Some(json!({"period_id": period_id, "position": "Pranata Komputer"})),
                Some(403),
                Some(404),
            ),
        ),
        (
            "POST /api/v1/indicator-flags",
            row(
                "/api/v1/indicator-flags".into(),
                Some(json!({"indicator_id": work.indicator, "note": "Sulit diukur"})),
                Some(404),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/template-flags",
            row(format!("/api/v1/template-flags?period_id={period_id}"), None, Some(403), Some(404)),
        ),
    ]
}

/// The complaint rows: a citizen's complaint about organisation A's bidang.
fn complaint_rows(a: &Org, period_id: &str, complaint: &str) -> Vec<(&'static str, Row)> {
    let path = format!("/api/v1/complaints/{complaint}");
    vec![
        (
            "POST /api/v1/complaints",
            row(
                "/api/v1/complaints".into(),
                Some(json!({"unit_id": a.bidang.id, "complaint": "Antrean terlalu lama"})),
                Some(403),
                Some(403),
            ),
        ),
        ("GET /api/v1/complaints", row("/api/v1/complaints".into(), None, None, None)),
        ("GET /api/v1/complaints/{id}", row(path.clone(), None, Some(404), Some(404))),
        (
            "POST /api/v1/complaints/{id}/assign",
            row(format!("{path}/assign"), Some(json!({"officer_id": a.peer.id})), Some(404), Some(404)),
        ),
        (
            "POST /api/v1/complaints/{id}/answer",
            row(format!("{path}/answer"), Some(json!({"answer": "Kami mohon maaf"})), Some(404), Some(404)),
        ),
        ("POST /api/v1/complaints/{id}/close", row(format!("{path}/close"), None, Some(404), Some(404))),
        (
            "POST /api/v1/complaints/{id}/reject",
            row(format!("{path}/reject"), Some(json!({"reason": "Bukan layanan kami"})), Some(404), Some(404)),
        ),
        (
            "GET /api/v1/units/{id}/complaint-figures",
            row(
                format!("/api/v1/units/{}/complaint-figures?period_id={period_id}", a.bidang.id),
                None,
                Some(403),
                Some(404),
            ),
        ),
        (
            "GET /api/v1/employees/{id}/complaint-figures",
            row(
                format!("/api/v1/employees/{}/complaint-figures?period_id={period_id}", a.peer.id),
                None,
                Some(404),
                Some(404),
            ),
        ),
    ]
}

fn scores() -> Value {
    json!({"berorientasi_pelayanan": 3, "akuntabel": 3, "kompeten": 3, "harmonis": 3, "loyal": 3, "adaptif": 3, "kolaboratif": 3})
}

fn operations() -> Vec<String> {
    let spec: Value = serde_json::from_str(&kinerja::openapi::document_json()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            ops.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    ops
}

async fn call(app: &TestApp, op: &str, row: &Row, token: Option<&str>) -> (u16, Value) {
    let method = Method::from_bytes(op.split(' ').next().unwrap().as_bytes()).unwrap();
    let mut req = TestRequest::default().method(method).uri(&row.path).insert_header(("if-match", "\"1\""));
    if let Some(token) = token {
        req = req.insert_header(("authorization", format!("Bearer {token}")));
    }
    req = match (&row.body, op.ends_with("/import")) {
        (_, true) => {
            req.insert_header(("content-type", "text/csv")).set_payload("nip,name,position,job_level,unit_code\n")
        }
        (Some(body), _) => req.insert_header(("content-type", "application/json")).set_payload(body.to_string()),
        (None, _) => req,
    };
    let response = app.send(req).await;
    let body = if response.body.is_empty() { Value::Null } else { response.json() };
    (response.status.as_u16(), body)
}

#[actix_web::test]
async fn every_operation_refuses_the_callers_it_must() {
    let app = TestApp::spawn().await;
    let a = app.seed_org("matrix-a");
    let b = app.seed_org("matrix-b");
    let admin_a = app.token_for(&a.admin);
    let period = app.post("/api/v1/periods", &admin_a, json!({"year": 2026})).await.expect(201);
    let clients = app
        .post("/api/v1/service-clients", &admin_a, json!({"name": "Portal A", "scopes": ["employees:read"]}))
        .await
        .expect(201);
    let peer_skp =
        app.post("/api/v1/skps", &app.token_for(&a.peer), json!({"period_id": period["id"]})).await.expect(201);
    // The peer rates the staff: an assignment only the peer may answer.
    let path = format!("/api/v1/periods/{}/peer-assignments", period["id"].as_str().unwrap());
    let assign = json!({"ratee_id": a.staff.id, "raters": [{"rater_id": a.peer.id, "group": "peer"}]});
    app.post(&path, &app.token_for(&a.supervisor), assign).await.expect(201);
    let mine_path = format!("/api/v1/me/peer-assignments?period_id={}", period["id"].as_str().unwrap());
    let mine = app.get(&mine_path, &app.token_for(&a.peer)).await.expect(200);
    // The supervisor's published assessment of the peer for the first quarter, and the peer's objection.
    let peer_assessment = crate::assessments::publish(
        &app,
        &app.token_for(&a.supervisor),
        period["id"].as_str().unwrap(),
        period["sub_periods"][0]["id"].as_str().unwrap(),
        &a.peer.id,
        crate::assessments::content("sesuai_ekspektasi", "sesuai_ekspektasi", 3),
    )
    .await;
    let objection = json!({"assessment_id": peer_assessment["id"], "reason": "Saya tidak setuju dengan nilai ini"});
    let peer_objection = app.post("/api/v1/objections", &app.token_for(&a.peer), objection).await.expect(201);
    let mut work = work(&app, &a).await;
    work.peer_assessment = peer_assessment["id"].as_str().unwrap().to_string();
    work.peer_objection = peer_objection["id"].as_str().unwrap().to_string();
    let mut table = rows(
        &a,
        period["id"].as_str().unwrap(),
        clients["client"]["id"].as_str().unwrap(),
        peer_skp["id"].as_str().unwrap(),
        mine["items"][0]["id"].as_str().unwrap(),
        &work,
    );
    let template_work = {
        let body = json!({"position": "Pranata Komputer", "name": "Layanan TIK", "content": crate::templates::content("Layanan aplikasi", None)});
        let template = app.post("/api/v1/templates", &admin_a, body).await.expect(201);
        let body = json!({"position": "Pranata Komputer", "name": "Usul", "reason": "Tugas belum punya indikator", "content": crate::templates::content("Layanan", None)});
        let proposal = app.post("/api/v1/template-proposals", &app.token_for(&a.peer), body).await.expect(201);
        TemplateWork {
            template: template["id"].as_str().unwrap().to_string(),
            proposal: proposal["id"].as_str().unwrap().to_string(),
        }
    };
    table.extend(template_rows(&a, period["id"].as_str().unwrap(), &work, &template_work));
    let complaint = {
        let ticket = crate::complaints::ticket(&app, &a, a.peer.id.as_str()).await;
        let body = json!({"ticket": ticket, "complaint": "Antrean terlalu lama"});
        app.request(Method::POST, "/api/v1/public/complaints", None, Some(body)).await.expect(201);
        let listed = app.get("/api/v1/complaints", &admin_a).await.expect(200);
        listed["items"][0]["id"].as_str().unwrap().to_string()
    };
    table.extend(complaint_rows(&a, period["id"].as_str().unwrap(), &complaint));

    let mut expired = app.claims_for(&a.admin);
    expired.exp = chrono::Utc::now().timestamp() - 120;
    let expired = app.sign(&expired);
    let tampered = {
        let good = app.token_for(&a.admin);
        let (head, sig) = good.rsplit_once('.').unwrap();
        // Change the signature's first character (all six of its bits count) to another one.
        let (first, rest) = sig.split_at(1);
        let flipped = format!("{}{rest}", if first == "A" { "B" } else { "A" });
        format!("{head}.{flipped}")
    };
    let mut wrong_audience = app.claims_for(&a.admin);
    wrong_audience.aud = "another-service".into();
    let wrong_audience = app.sign(&wrong_audience);
    let claims = app.claims_for(&a.admin);
    let another_key = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"a-key-the-service-never-had-a-key-the-service"),
    )
    .unwrap();
    let unsigned = {
        use base64::Engine;
        let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&serde_json::to_value(&claims).unwrap()))
    };
    let token_attacks = [
        ("no token", None),
        ("expired token", Some(expired.as_str())),
        ("tampered token", Some(tampered.as_str())),
        ("token for another audience", Some(wrong_audience.as_str())),
        ("token signed with another key", Some(another_key.as_str())),
        ("alg: none token", Some(unsigned.as_str())),
    ];
    let staff = app.token_for(&a.staff);
    let other_admin = app.token_for(&b.admin);
    // A portal of organisation A that may read employees, and nothing else.
    let directory_portal = {
        let made =
            app.post("/api/v1/service-clients", &admin_a, json!({"name": "Direktori", "scopes": ["employees:read"]}));
        let made = made.await.expect(201);
        app.client_token(made["client"]["client_id"].as_str().unwrap(), made["client_secret"].as_str().unwrap()).await
    };
    let mut counted = (0usize, 0usize);

    let mut failures = Vec::new();
    for op in operations() {
        if PUBLIC.contains(&op.as_str()) {
            continue;
        }
        let Some(row) = table.get(op.as_str()) else {
            failures.push(format!("{op}: no row in the authorization matrix"));
            continue;
        };
        counted.0 += 1;
        for (who, token) in token_attacks {
            let (status, body) = call(&app, &op, row, token).await;
            counted.1 += 1;
            if status != 401 || body["code"].as_str().is_none() {
                failures.push(format!("{op} with {who}: {status} {body}"));
            }
        }
        if !EMPLOYEES_READ_SCOPE.contains(&op.as_str()) {
            let (status, body) = call(&app, &op, row, Some(&directory_portal)).await;
            counted.1 += 1;
            if status != 403 {
                failures.push(format!("{op} as a portal without its scope: expected 403, got {status} {body}"));
            }
        }
        if let Some(expected) = row.staff {
            counted.1 += 1;
            let (status, body) = call(&app, &op, row, Some(&staff)).await;
            if status != expected {
                failures.push(format!("{op} as another employee: expected {expected}, got {status} {body}"));
            }
        }
        if let Some(expected) = row.other_org {
            counted.1 += 1;
            let (status, body) = call(&app, &op, row, Some(&other_admin)).await;
            if status != expected {
                failures
                    .push(format!("{op} as another organisation's admin: expected {expected}, got {status} {body}"));
            }
        }
    }
    assert!(failures.is_empty(), "refusals that did not hold:\n{}", failures.join("\n"));
    eprintln!("refusal matrix: {} operations, {} refusals asserted", counted.0, counted.1);

    // Nothing any refused caller sent changed organisation A.
    let org = app.get(&format!("/api/v1/organizations/{}", a.id), &admin_a).await.expect(200);
    assert_eq!(org["version"], 1);
    let peer = app.get(&format!("/api/v1/employees/{}", a.peer.id), &admin_a).await.expect(200);
    assert_eq!((peer["version"].as_i64(), peer["active"].as_bool()), (Some(1), Some(true)));
    let skp = app.get(&format!("/api/v1/skps/{}", peer_skp["id"].as_str().unwrap()), &admin_a).await.expect(200);
    assert_eq!((skp["version"].as_i64(), skp["status"].as_str()), (Some(1), Some("draft")));
    let achievement = app.get(&format!("/api/v1/achievements/{}", work.achievement), &admin_a).await.expect(200);
    assert_eq!((achievement["version"].as_i64(), achievement["status"].as_str()), (Some(2), Some("submitted")));
    let thread = app.get(&format!("/api/v1/feedback/{}", work.thread), &app.token_for(&a.auditor)).await.expect(200);
    assert_eq!(thread["message_count"], 1);
    let objection =
        app.get(&format!("/api/v1/objections/{}", peer_objection["id"].as_str().unwrap()), &admin_a).await.expect(200);
    assert_eq!((objection["version"].as_i64(), objection["status"].as_str()), (Some(1), Some("pending")));
}

/// The head of agency's achievement for the first quarter of 2025, with a PDF; the supervisor's
/// feedback to the peer.
async fn work(app: &TestApp, a: &Org) -> Work {
    let plan = crate::skp::Planning::start_in(app, a, 2025).await;
    let (head, admin) = (app.token_for(&a.head), app.token_for(&a.admin));
    let approved = crate::achievements::approved_skp(app, &plan, &head, &admin, true).await;
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": approved.sub_period_id, "realised": 4});
    let achievement = app.post("/api/v1/achievements", &head, body).await.expect(201);
    let id = achievement["id"].as_str().unwrap().to_string();
    let with_file =
        crate::achievements::upload(app, &head, &id, "bukti.pdf", None, crate::achievements::PDF).await.expect(201);
    let feedback = format!("/api/v1/employees/{}/feedback", a.peer.id);
    let thread = app.post(&feedback, &app.token_for(&a.supervisor), json!({"body": "Bagus"})).await.expect(201);
    Work {
        achievement: id,
        evidence: with_file["evidence"][0]["id"].as_str().unwrap().to_string(),
        indicator: approved.indicator_id,
        sub_period: approved.sub_period_id,
        thread: thread["id"].as_str().unwrap().to_string(),
        peer_assessment: String::new(),
        peer_objection: String::new(),
    }
}
