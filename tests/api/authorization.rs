//! The authorization matrix: every operation of the OpenAPI document, called by every kind of
//! caller, each with the outcome the rules in the README ("Who may do what") and `src/authz.rs`
//! give. An operation without a row here fails the test, so new endpoints must add theirs.
//!
//! Every row states an outcome for each caller of [`WHO`]: the subject of the row (usually the
//! peer, `org.peer`: their employee record, SKP, feedback, assessment, objection), a colleague in
//! the same unit (`org.staff`), their direct supervisor, the supervisor's supervisor (the head of
//! the agency), an admin, an auditor, a portal holding every scope (so it holds the one the route
//! needs), another organisation's admin, and the peer signed in through the region's identity
//! provider (OIDC), who gets what the peer gets unless the row says otherwise. Besides them every
//! operation refuses forged and foreign tokens (401) and a portal without the scope (403).
//!
//! The matrix runs in two passes. First every refusal (401, 403, 404), while nothing has changed,
//! then a check that none of them wrote; then the allowed callers, row by row in the order of the
//! table, each with the record's current version in `If-Match`. Allowed calls change state (an SKP
//! is submitted, then approved, then no longer returnable), so a row's outcomes for allowed callers
//! are those after the rows above it; where an allowed caller gets a 4xx that is not a refusal
//! (409, 412, 422), the row's comment says why.

use std::collections::BTreeMap;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp, PASSWORD};
use crate::oidc::{JwksServer, Key};

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

/// Every scope a portal can hold: the matrix's portal holds them all.
const ALL_SCOPES: &[&str] = &[
    "organization:read",
    "employees:read",
    "rating_tickets:issue",
    "reports:read",
    "webhooks:manage",
    "complaints:write",
];

/// The callers every row states an outcome for, in the order the matrix calls them, by the name
/// a row uses.
const WHO: [(&str, &str); 9] = [
    ("staff", "a colleague in the subject's unit"),
    ("peer", "the peer (the subject of most rows)"),
    ("oidc", "the peer, with a token of the identity provider"),
    ("sup", "the direct supervisor"),
    ("head", "the second-level supervisor"),
    ("audit", "an auditor"),
    ("portal", "a portal with the scope"),
    ("admin", "an admin"),
    ("other", "another organisation's admin"),
];
const PEER: usize = 1;
const OIDC: usize = 2;
const AUDITOR: usize = 5;
const OTHER: usize = 8;

/// A refusal: the caller learns nothing (401, 404) or that this is not theirs to do (403).
fn refused(status: u16) -> bool {
    matches!(status, 401 | 403 | 404)
}

/// What a row sends.
enum Body {
    None,
    Json(Value),
    Csv(&'static str),
    File(&'static str, &'static [u8]),
}

/// How one operation is called, and what each caller of [`WHO`] gets.
struct Row {
    path: String,
    body: Body,
    outcomes: [u16; 9],
    /// The problem `code` an allowed caller's 4xx must carry (e.g. `skp_exists`).
    codes: [Option<String>; 9],
    /// Where the allowed callers read the record's current version (its ETag) for `If-Match`.
    version_of: Option<String>,
}

/// A row: `outcomes` names each caller of [`WHO`] with its status, e.g. `"staff 404 peer 200 …"`,
/// and for an allowed caller's 4xx the problem code too (`peer 409:skp_exists`); `oidc` may be
/// left out when it is the peer's.
fn op(path: impl Into<String>, outcomes: &str) -> Row {
    let (mut out, mut codes) = ([0u16; 9], [const { None }; 9]);
    let words: Vec<&str> = outcomes.split_whitespace().collect();
    assert!(words.len().is_multiple_of(2), "outcomes come in pairs: {outcomes:?}");
    for pair in words.chunks(2) {
        let i = WHO.iter().position(|(name, _)| *name == pair[0]);
        let i = i.unwrap_or_else(|| panic!("unknown caller {:?} in {outcomes:?}", pair[0]));
        assert_eq!(out[i], 0, "{} named twice in {outcomes:?}", pair[0]);
        let (status, code) = pair[1].split_once(':').map_or((pair[1], None), |(s, c)| (s, Some(c.to_string())));
        out[i] = status.parse().unwrap_or_else(|_| panic!("not a status: {:?}", pair[1]));
        let allowed_problem = out[i] >= 400 && !refused(out[i]);
        assert_eq!(code.is_some(), allowed_problem, "{outcomes:?}: a problem code for, and only for, an allowed 4xx");
        codes[i] = code;
    }
    if out[OIDC] == 0 {
        out[OIDC] = out[PEER];
        codes[OIDC] = codes[PEER].clone();
    }
    for (i, (name, _)) in WHO.iter().enumerate() {
        assert!(out[i] != 0, "{outcomes:?} states no outcome for {name}");
    }
    Row { path: path.into(), body: Body::None, outcomes: out, codes, version_of: None }
}

impl Row {
    fn json(mut self, body: Value) -> Row {
        self.body = Body::Json(body);
        self
    }

    fn csv(mut self, body: &'static str) -> Row {
        self.body = Body::Csv(body);
        self
    }

    fn file(mut self, content_type: &'static str, bytes: &'static [u8]) -> Row {
        self.body = Body::File(content_type, bytes);
        self
    }

    /// The record whose version the write must name.
    fn version_of(mut self, path: impl Into<String>) -> Row {
        self.version_of = Some(path.into());
        self
    }
}

/// The records of organisation A the rows name.
struct Ids {
    period: String,
    /// Its first quarter, which the supervisor assessed the peer for.
    quarter: String,
    /// A period only the status row moves on.
    status_period: String,
    /// A portal the admin made (the row revokes it), and one a second admin made (the admin approves it).
    client: String,
    pending_client: String,
    peer_skp: String,
    /// The peer's assignment to rate the staff member.
    assignment: String,
    /// The all-scopes portal's webhook and one of its deliveries.
    webhook: String,
    delivery: String,
    /// A unit nobody works in (the row deletes it).
    empty_unit: String,
    complaint: String,
    template: String,
    proposal: String,
    work: Work,
}

/// The head's achievement (with a file) and a feedback thread about the peer.
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

/// The table, in the order the allowed callers are called. Columns: staff, peer, oidc, sup, head,
/// audit, portal, admin, other (see [`WHO`]).
fn rows(a: &Org, ids: &Ids) -> Vec<(&'static str, Row)> {
    let p = &ids.period;
    let w = &ids.work;
    let org = format!("/api/v1/organizations/{}", a.id);
    let bidang = format!("/api/v1/units/{}", a.bidang.id);
    let peer = format!("/api/v1/employees/{}", a.peer.id);
    let skp = format!("/api/v1/skps/{}", ids.peer_skp);
    let achievement = format!("/api/v1/achievements/{}", w.achievement);
    let evidence = format!("{achievement}/evidence/{}", w.evidence);
    let thread = format!("/api/v1/feedback/{}", w.thread);
    let assessment = format!("/api/v1/assessments/{}", w.peer_assessment);
    let objection = format!("/api/v1/objections/{}", w.peer_objection);
    let complaint = format!("/api/v1/complaints/{}", ids.complaint);
    let webhook = format!("/api/v1/webhooks/{}", ids.webhook);
    let period = format!("/api/v1/periods/{p}");
    let unit = json!({"code": "x-unit", "name": "Unit X", "kind": "seksi", "parent_id": a.bidang.id});
    let employee = json!({"nip": "199001012015031001", "name": "Pegawai X", "position": "Staf", "job_level": "pelaksana", "unit_id": a.bidang.id});
    let update = json!({"name": "Pegawai X", "position": "Staf", "job_level": "pelaksana", "unit_id": a.bidang.id, "supervisor_id": a.supervisor.id});
    let policy = json!({"note": "matrix", "policy": kinerja::domain::policy::ScoringPolicy::default()});
    let template = json!({"unit_id": a.bidang.id, "position": "Pranata Komputer", "name": "Layanan TIK", "content": crate::templates::content("Layanan aplikasi", None)});
    let proposal = json!({"position": "Pranata Komputer", "name": "Usulan TIK", "content": crate::templates::content("Layanan aplikasi", None), "reason": "Indikator lama sulit diukur"});
    let plan = json!({"targets": [crate::skp::target("Perekaman KTP-el", "utama", 100.0, None, None)]});
    let achieved =
        json!({"indicator_id": w.indicator, "aspect": "kuantitas", "sub_period_id": w.sub_period, "realised": 1});
    vec![
        // Who one is, and the organisation: every member and the portal read it; others' is missing.
        ("GET /api/v1/me", op("/api/v1/me", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200")),
        ("GET /api/v1/organizations/{id}", op(&org, "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404")),
        (
            "GET /api/v1/organizations/{org_id}/units",
            op(format!("{org}/units"), "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404"),
        ),
        ("GET /api/v1/units/{id}", op(&bidang, "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404")),
        (
            "GET /api/v1/units/{id}/citizen-index",
            op(
                format!("{bidang}/citizen-index?period_id={p}"),
                "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404",
            ),
        ),
        // Admins keep the organisation, its units, periods, policy and portals.
        (
            "PUT /api/v1/organizations/{id}",
            op(&org, "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404")
                .json(json!({"name": "Nama Baru"}))
                .version_of(&org),
        ),
        (
            "POST /api/v1/organizations/{org_id}/units",
            op(format!("{org}/units"), "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 404")
                .json(unit),
        ),
        (
            "PUT /api/v1/units/{id}",
            op(&bidang, "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404")
                .json(json!({"code": "bidang", "name": "Unit bidang", "kind": "dinas", "is_service_unit": true, "parent_id": a.root.id}))
                .version_of(&bidang),
        ),
        (
            "DELETE /api/v1/units/{id}",
            op(
                format!("/api/v1/units/{}", ids.empty_unit),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 204 other 404",
            ),
        ),
        ("GET /api/v1/periods", op("/api/v1/periods", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200")),
        ("GET /api/v1/periods/{id}", op(&period, "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404")),
        // Another organisation's admin opens a year of their own.
        (
            "POST /api/v1/periods",
            op("/api/v1/periods", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 201")
                .json(json!({"year": 2031})),
        ),
        (
            "POST /api/v1/periods/{id}/status",
            op(
                format!("/api/v1/periods/{}/status", ids.status_period),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404",
            )
            .json(json!({"status": "running"}))
            .version_of(format!("/api/v1/periods/{}", ids.status_period)),
        ),
        ("GET /api/v1/policies", op("/api/v1/policies", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200")),
        (
            "GET /api/v1/policies/current",
            op("/api/v1/policies/current", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200"),
        ),
        (
            "GET /api/v1/policies/{version}",
            op("/api/v1/policies/1", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200"),
        ),
        (
            "PUT /api/v1/policies/current",
            op("/api/v1/policies/current", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 200")
                .json(policy)
                .version_of("/api/v1/policies/current"),
        ),
        (
            "GET /api/v1/service-clients",
            op("/api/v1/service-clients", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 200"),
        ),
        (
            "POST /api/v1/service-clients",
            op("/api/v1/service-clients", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 201")
                .json(json!({"name": "Portal", "scopes": ["employees:read"]})),
        ),
        // A second admin made this portal: the admin approves it.
        (
            "POST /api/v1/service-clients/{id}/approve",
            op(
                format!("/api/v1/service-clients/{}/approve", ids.pending_client),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404",
            )
            .json(json!({})),
        ),
        (
            "DELETE /api/v1/service-clients/{id}",
            op(
                format!("/api/v1/service-clients/{}", ids.client),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 204 other 404",
            ),
        ),
        // The audit trail: admins and auditors; the export also to portals with reports:read.
        (
            "GET /api/v1/audit-events",
            op("/api/v1/audit-events", "staff 403 peer 403 sup 403 head 403 audit 200 portal 403 admin 200 other 200"),
        ),
        (
            "GET /api/v1/audit-events/verify",
            op("/api/v1/audit-events/verify", "staff 403 peer 403 sup 403 head 403 audit 200 portal 403 admin 200 other 200"),
        ),
        (
            "GET /api/v1/audit-events/export",
            op("/api/v1/audit-events/export", "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 200"),
        ),
        // Employees: each sees themselves and their direct reports; admins, auditors and the
        // directory portal see everyone.
        ("GET /api/v1/employees", op("/api/v1/employees", "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 200")),
        ("GET /api/v1/employees/{id}", op(&peer, "staff 404 peer 200 sup 200 head 404 audit 200 portal 200 admin 200 other 404")),
        (
            "GET /api/v1/employees/{id}/reporting-lines",
            op(format!("{peer}/reporting-lines"), "staff 404 peer 200 sup 200 head 404 audit 200 portal 200 admin 200 other 404"),
        ),
        // Another organisation's admin adds to their own organisation, where A's unit does not exist.
        (
            "POST /api/v1/employees",
            op("/api/v1/employees", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 422:validation_failed")
                .json(employee),
        ),
        // NIPs are national: the one the admin imported is taken for another organisation's admin.
        (
            "POST /api/v1/employees/import",
            op("/api/v1/employees/import", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 422:validation_failed")
                .csv("nip,name,position,job_level,unit_code\n198503152010011999,Pegawai Impor,Staf,pelaksana,bidang\n"),
        ),
        (
            "PUT /api/v1/employees/{id}",
            op(&peer, "staff 404 peer 403 sup 403 head 404 audit 403 portal 403 admin 200 other 404")
                .json(update)
                .version_of(&peer),
        ),
        // One's own password with the current one, or an admin's reset.
        (
            "PUT /api/v1/employees/{id}/password",
            op(format!("{peer}/password"), "staff 404 peer 204 sup 403 head 404 audit 403 portal 403 admin 204 other 404")
                .json(json!({"current_password": PASSWORD, "new_password": PASSWORD})),
        ),
        // SKPs. Everyone plans their own year (the peer has one already); the peer fills theirs,
        // submits it, the supervisor approves it (so it can no longer be returned) and the peer
        // opens a revision.
        ("GET /api/v1/skps", op("/api/v1/skps", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        (
            "POST /api/v1/skps",
            op("/api/v1/skps", "staff 201 peer 409:skp_exists sup 201 head 201 audit 201 portal 403 admin 201 other 404")
                .json(json!({"period_id": p})),
        ),
        (
            "GET /api/v1/me/skp",
            op(format!("/api/v1/me/skp?period_id={p}"), "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        ("GET /api/v1/skps/inbox", op("/api/v1/skps/inbox", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/inbox", op("/api/v1/inbox", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/skps/{id}", op(&skp, "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404")),
        (
            "GET /api/v1/skps/{id}/revisions",
            op(format!("{skp}/revisions"), "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404"),
        ),
        (
            "PUT /api/v1/skps/{id}",
            op(&skp, "staff 404 peer 200 sup 403 head 404 audit 403 portal 403 admin 403 other 404").json(plan).version_of(&skp),
        ),
        // Submitted by the peer: the same submit through the identity provider finds it submitted.
        (
            "POST /api/v1/skps/{id}/submit",
            op(format!("{skp}/submit"), "staff 404 peer 200 oidc 409:invalid_transition sup 403 head 404 audit 403 portal 403 admin 403 other 404")
                .version_of(&skp),
        ),
        (
            "POST /api/v1/skps/{id}/approve",
            op(format!("{skp}/approve"), "staff 404 peer 403 sup 200 head 404 audit 403 portal 403 admin 403 other 404")
                .version_of(&skp),
        ),
        // Approved: nothing to return any more.
        (
            "POST /api/v1/skps/{id}/return",
            op(format!("{skp}/return"), "staff 404 peer 403 sup 409:invalid_transition head 404 audit 403 portal 403 admin 403 other 404")
                .json(json!({"comment": "Perbaiki indikator"}))
                .version_of(&skp),
        ),
        // The peer opens a revision; a second one is refused while it is a draft.
        (
            "POST /api/v1/skps/{id}/revisions",
            op(format!("{skp}/revisions"), "staff 404 peer 201 oidc 409:revision_not_allowed sup 403 head 404 audit 403 portal 403 admin 403 other 404"),
        ),
        (
            "GET /api/v1/periods/{id}/cascade",
            op(format!("{period}/cascade"), "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        (
            "GET /api/v1/periods/{id}/cascade/unlinked",
            op(format!("{period}/cascade/unlinked"), "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        // Peer ratings: the supervisor or an admin chooses the peer's raters, never the peer;
        // only the rater sees and answers an assignment.
        (
            "POST /api/v1/periods/{period_id}/peer-assignments",
            op(format!("{period}/peer-assignments"), "staff 404 peer 403 sup 201 head 404 audit 403 portal 403 admin 201 other 404")
                .json(json!({"ratee_id": a.peer.id, "raters": [{"rater_id": a.staff.id, "group": "peer"}]})),
        ),
        (
            "GET /api/v1/peer-assignments/proposals",
            op(
                format!("/api/v1/peer-assignments/proposals?period_id={p}&ratee_id={}", a.peer.id),
                "staff 404 peer 403 sup 200 head 404 audit 403 portal 403 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/me/peer-assignments",
            op(
                format!("/api/v1/me/peer-assignments?period_id={p}"),
                "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        (
            "PUT /api/v1/peer-assignments/{id}/rating",
            op(
                format!("/api/v1/peer-assignments/{}/rating", ids.assignment),
                "staff 404 peer 200 sup 404 head 404 audit 404 portal 403 admin 404 other 404",
            )
            .json(json!({"scores": scores()})),
        ),
        (
            "GET /api/v1/employees/{id}/peer-feedback",
            op(
                format!("{peer}/peer-feedback?period_id={p}"),
                "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        // Achievements: the head of the agency's; with no supervisor in the system, an admin verifies.
        ("GET /api/v1/achievements", op("/api/v1/achievements", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/achievements/{id}", op(&achievement, "staff 404 peer 404 sup 404 head 200 audit 200 portal 403 admin 200 other 404")),
        (
            "GET /api/v1/achievements/{id}/evidence/{evidence_id}/content",
            op(format!("{evidence}/content"), "staff 404 peer 404 sup 404 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        // The quarter's figure for this indicator exists already: the head corrects it instead.
        (
            "POST /api/v1/achievements",
            op("/api/v1/achievements", "staff 404 peer 404 sup 404 head 409:achievement_exists audit 403 portal 403 admin 403 other 404").json(achieved),
        ),
        (
            "PUT /api/v1/achievements/{id}",
            op(&achievement, "staff 404 peer 404 sup 404 head 200 audit 403 portal 403 admin 403 other 404")
                .json(json!({"realised": 1, "note": ""}))
                .version_of(&achievement),
        ),
        (
            "POST /api/v1/achievements/{id}/evidence/links",
            op(format!("{achievement}/evidence/links"), "staff 404 peer 404 sup 404 head 201 audit 403 portal 403 admin 403 other 404")
                .json(json!({"url": "https://drive.example.go.id/x", "title": "Bukti"})),
        ),
        (
            "POST /api/v1/achievements/{id}/evidence/files",
            op(
                format!("{achievement}/evidence/files?filename=bukti.pdf"),
                "staff 404 peer 404 sup 404 head 201 audit 403 portal 403 admin 403 other 404",
            )
            .file("application/pdf", crate::achievements::PDF),
        ),
        (
            "DELETE /api/v1/achievements/{id}/evidence/{evidence_id}",
            op(&evidence, "staff 404 peer 404 sup 404 head 200 audit 403 portal 403 admin 403 other 404"),
        ),
        (
            "POST /api/v1/achievements/{id}/verify",
            op(format!("{achievement}/verify"), "staff 404 peer 404 sup 404 head 403 audit 403 portal 403 admin 200 other 404")
                .version_of(&achievement),
        ),
        // Verified: neither rejected nor resubmitted any more.
        (
            "POST /api/v1/achievements/{id}/reject",
            op(format!("{achievement}/reject"), "staff 404 peer 404 sup 404 head 403 audit 403 portal 403 admin 409:invalid_transition other 404")
                .json(json!({"reason": "tidak sesuai"}))
                .version_of(&achievement),
        ),
        (
            "POST /api/v1/achievements/{id}/resubmit",
            op(format!("{achievement}/resubmit"), "staff 404 peer 404 sup 404 head 409:invalid_transition audit 403 portal 403 admin 403 other 404")
                .version_of(&achievement),
        ),
        // Feedback is between the peer, the supervisor, the second level and auditors; not admins.
        (
            "GET /api/v1/employees/{id}/feedback",
            op(format!("{peer}/feedback"), "staff 404 peer 200 sup 200 head 200 audit 200 portal 403 admin 403 other 404"),
        ),
        ("GET /api/v1/feedback/{id}", op(&thread, "staff 404 peer 200 sup 200 head 200 audit 200 portal 403 admin 403 other 404")),
        (
            "POST /api/v1/employees/{id}/feedback",
            op(format!("{peer}/feedback"), "staff 404 peer 403 sup 201 head 403 audit 403 portal 403 admin 403 other 404")
                .json(json!({"body": "Catatan"})),
        ),
        (
            "POST /api/v1/feedback/{id}/replies",
            op(format!("{thread}/replies"), "staff 404 peer 201 sup 201 head 403 audit 403 portal 403 admin 403 other 404")
                .json(json!({"body": "Balasan"})),
        ),
        // Scores and reports.
        (
            "GET /api/v1/employees/{id}/score",
            op(format!("{peer}/score?period_id={p}"), "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404"),
        ),
        // A team's scores: its supervisor's, admins' and auditors'; the head sees the supervisor but
        // not the team, and to colleagues who may not see the supervisor the team does not exist.
        (
            "GET /api/v1/scores/team",
            op(
                format!("/api/v1/scores/team?period_id={p}&supervisor_id={}", a.supervisor.id),
                "staff 404 peer 404 sup 200 head 403 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/units/{id}/scores",
            op(format!("{bidang}/scores?period_id={p}"), "staff 403 peer 403 sup 403 head 403 audit 200 portal 403 admin 200 other 404"),
        ),
        // The organisation's own rating first: the distribution reports need it.
        (
            "PUT /api/v1/periods/{id}/organization-rating",
            op(
                format!("{period}/organization-rating"),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404",
            )
            .json(json!({"rating": "baik", "note": "Keputusan Bupati"})),
        ),
        (
            "GET /api/v1/periods/{id}/organization-rating",
            op(
                format!("{period}/organization-rating"),
                "staff 200 peer 200 sup 200 head 200 audit 200 portal 200 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/scores",
            op(
                format!("{org}/reports/scores?period_id={p}"),
                "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/distribution",
            op(
                format!("{org}/reports/distribution?period_id={p}&format=xlsx"),
                "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/organizations/{id}/reports/citizen-index",
            op(
                format!("{org}/reports/citizen-index?period_id={p}&format=csv"),
                "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/periods/{id}/distribution",
            op(format!("{period}/distribution"), "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 404"),
        ),
        (
            "GET /api/v1/periods/{id}/recommendations",
            op(format!("{period}/recommendations?sub_period_id={}", ids.quarter), "staff 403 peer 403 sup 403 head 403 audit 200 portal 200 admin 200 other 404"),
        ),
        (
            "POST /api/v1/periods/{id}/recommendation-decisions",
            op(
                format!("{period}/recommendation-decisions"),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 201 other 404",
            )
            .json(json!({"employee_id": a.peer.id, "sub_period_id": ids.quarter, "kind": "training", "topic": "Analisis data", "decision": "accepted"})),
        ),
        // Assessments: the supervisor's published one of the peer's first quarter.
        ("GET /api/v1/assessments", op("/api/v1/assessments", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/assessments/{id}", op(&assessment, "staff 404 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404")),
        (
            "GET /api/v1/assessments/{id}/comparison",
            op(format!("{assessment}/comparison"), "staff 404 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        // Published: its author can no longer change or publish it.
        (
            "PUT /api/v1/assessments/{id}",
            op(&assessment, "staff 404 peer 403 sup 409:assessment_published head 403 audit 403 portal 403 admin 403 other 404")
                .json(json!({"results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"}))
                .version_of(&assessment),
        ),
        (
            "POST /api/v1/assessments/{id}/publish",
            op(format!("{assessment}/publish"), "staff 404 peer 403 sup 409:assessment_published head 403 audit 403 portal 403 admin 403 other 404")
                .version_of(&assessment),
        ),
        // The peer's self-assessment and the supervisor's of the year; the second self-assessment
        // (through the identity provider) finds the first.
        (
            "POST /api/v1/assessments",
            op("/api/v1/assessments", "staff 404 peer 201 oidc 409:assessment_exists sup 201 head 404 audit 403 portal 403 admin 403 other 404")
                .json(json!({"period_id": p, "employee_id": a.peer.id})),
        ),
        // Objections: the peer objected already; the head (the assessor's supervisor) decides.
        ("GET /api/v1/objections", op("/api/v1/objections", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/objections/{id}", op(&objection, "staff 404 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404")),
        (
            "POST /api/v1/objections",
            op("/api/v1/objections", "staff 404 peer 409:objection_exists sup 403 head 403 audit 403 portal 403 admin 403 other 404")
                .json(json!({"assessment_id": w.peer_assessment, "reason": "Saya tidak setuju dengan nilai ini"})),
        ),
        (
            "POST /api/v1/objections/{id}/decision",
            op(format!("{objection}/decision"), "staff 404 peer 403 sup 403 head 200 audit 403 portal 403 admin 403 other 404")
                .json(json!({"outcome": "upheld", "reason": "Penilaian sudah sesuai"}))
                .version_of(&objection),
        ),
        // Citizens: portals issue tickets; the employee's own index is performance data.
        (
            "POST /api/v1/rating-tickets",
            op("/api/v1/rating-tickets", "staff 403 peer 403 sup 403 head 403 audit 403 portal 201 admin 403 other 403")
                .json(json!({"unit_id": a.bidang.id})),
        ),
        (
            "GET /api/v1/employees/{id}/citizen-index",
            op(format!("{peer}/citizen-index?period_id={p}"), "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404"),
        ),
        // Templates: every employee reads and proposes; admins and a unit's head (the supervisor
        // heads the bidang, the head of the agency the root) keep them.
        ("GET /api/v1/templates", op("/api/v1/templates", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        (
            "GET /api/v1/templates/{id}",
            op(format!("/api/v1/templates/{}", ids.template), "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 404"),
        ),
        (
            "POST /api/v1/templates",
            op("/api/v1/templates", "staff 403 peer 403 sup 201 head 403 audit 403 portal 403 admin 201 other 404").json(template),
        ),
        (
            "GET /api/v1/template-proposals",
            op("/api/v1/template-proposals", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200"),
        ),
        (
            "POST /api/v1/template-proposals",
            op("/api/v1/template-proposals", "staff 201 peer 201 sup 201 head 201 audit 201 portal 403 admin 201 other 201")
                .json(proposal),
        ),
        // The peer's proposal is for their unit: its head (the supervisor) accepts it, after which
        // the admin finds it decided. The head of the agency heads another unit.
        (
            "POST /api/v1/template-proposals/{id}/decision",
            op(
                format!("/api/v1/template-proposals/{}/decision", ids.proposal),
                "staff 403 peer 403 sup 200 head 403 audit 403 portal 403 admin 409:proposal_decided other 404",
            )
            .json(json!({"outcome": "accepted", "reason": "Disetujui"})),
        ),
        (
            "POST /api/v1/template-assignments",
            op("/api/v1/template-assignments", "staff 403 peer 403 sup 403 head 403 audit 403 portal 403 admin 200 other 404")
                .json(json!({"period_id": p, "position": "Pranata Komputer"})),
        ),
        (
            "POST /api/v1/indicator-flags",
            op("/api/v1/indicator-flags", "staff 404 peer 404 sup 404 head 201 audit 403 portal 403 admin 403 other 404")
                .json(json!({"indicator_id": w.indicator, "note": "Sulit diukur"})),
        ),
        (
            "GET /api/v1/template-flags",
            op(
                format!("/api/v1/template-flags?period_id={p}"),
                "staff 403 peer 403 sup 200 head 200 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        // Complaints about the bidang: its head (the supervisor) handles them, the officer assigned
        // (the peer, once assigned) answers; portals pass them on.
        (
            "POST /api/v1/complaints",
            op("/api/v1/complaints", "staff 403 peer 403 sup 403 head 403 audit 403 portal 201 admin 403 other 403")
                .json(json!({"unit_id": a.bidang.id, "complaint": "Antrean terlalu lama"})),
        ),
        ("GET /api/v1/complaints", op("/api/v1/complaints", "staff 200 peer 200 sup 200 head 200 audit 200 portal 403 admin 200 other 200")),
        ("GET /api/v1/complaints/{id}", op(&complaint, "staff 404 peer 404 sup 200 head 404 audit 200 portal 403 admin 200 other 404")),
        (
            "POST /api/v1/complaints/{id}/assign",
            op(format!("{complaint}/assign"), "staff 404 peer 404 sup 200 head 404 audit 403 portal 403 admin 200 other 404")
                .json(json!({"officer_id": a.peer.id}))
                .version_of(&complaint),
        ),
        // Answered by the peer (twice: the answer may be amended until the complaint is closed).
        (
            "POST /api/v1/complaints/{id}/answer",
            op(format!("{complaint}/answer"), "staff 404 peer 200 sup 403 head 404 audit 403 portal 403 admin 403 other 404")
                .json(json!({"answer": "Kami mohon maaf"}))
                .version_of(&complaint),
        ),
        (
            "POST /api/v1/complaints/{id}/close",
            op(format!("{complaint}/close"), "staff 404 peer 404 sup 200 head 404 audit 403 portal 403 admin 409:complaint_status other 404")
                .version_of(&complaint),
        ),
        (
            "POST /api/v1/complaints/{id}/reject",
            op(format!("{complaint}/reject"), "staff 404 peer 404 sup 409:complaint_status head 404 audit 403 portal 403 admin 409:complaint_status other 404")
                .json(json!({"reason": "Bukan layanan kami"}))
                .version_of(&complaint),
        ),
        (
            "GET /api/v1/units/{id}/complaint-figures",
            op(
                format!("{bidang}/complaint-figures?period_id={p}"),
                "staff 403 peer 403 sup 200 head 403 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        (
            "GET /api/v1/employees/{id}/complaint-figures",
            op(
                format!("{peer}/complaint-figures?period_id={p}"),
                "staff 404 peer 200 sup 200 head 404 audit 200 portal 403 admin 200 other 404",
            ),
        ),
        // Webhooks: the portal's own.
        ("GET /api/v1/webhooks", op("/api/v1/webhooks", "staff 403 peer 403 sup 403 head 403 audit 403 portal 200 admin 403 other 403")),
        (
            "GET /api/v1/webhooks/{id}/deliveries",
            op(format!("{webhook}/deliveries"), "staff 403 peer 403 sup 403 head 403 audit 403 portal 200 admin 403 other 403"),
        ),
        (
            "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            op(
                format!("{webhook}/deliveries/{}/redeliver", ids.delivery),
                "staff 403 peer 403 sup 403 head 403 audit 403 portal 202 admin 403 other 403",
            )
            .json(json!({})),
        ),
        (
            "POST /api/v1/webhooks",
            op("/api/v1/webhooks", "staff 403 peer 403 sup 403 head 403 audit 403 portal 201 admin 403 other 403")
                .json(json!({"url": "https://portal.example.go.id/hooks", "event_types": ["skp.approved"]})),
        ),
        ("DELETE /api/v1/webhooks/{id}", op(&webhook, "staff 403 peer 403 sup 403 head 403 audit 403 portal 204 admin 403 other 403")),
        // Last, as they change the peer's standing: a mutasi to the root unit under the head, and
        // the deactivation.
        (
            "POST /api/v1/employees/{id}/reporting-line",
            op(format!("{peer}/reporting-line"), "staff 404 peer 403 sup 403 head 404 audit 403 portal 403 admin 201 other 404")
                .json(json!({"unit_id": a.root.id, "supervisor_id": a.head.id, "reason": "Mutasi"})),
        ),
        ("DELETE /api/v1/employees/{id}", op(&peer, "staff 404 peer 403 sup 403 head 404 audit 403 portal 403 admin 204 other 404")),
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

async fn call(app: &TestApp, op: &str, row: &Row, token: Option<&str>, if_match: &str) -> (u16, Value) {
    let method = Method::from_bytes(op.split(' ').next().unwrap().as_bytes()).unwrap();
    let mut req = TestRequest::default().method(method).uri(&row.path).insert_header(("if-match", if_match));
    if let Some(token) = token {
        req = req.insert_header(("authorization", format!("Bearer {token}")));
    }
    req = match &row.body {
        Body::None => req,
        Body::Json(body) => req.insert_header(("content-type", "application/json")).set_payload(body.to_string()),
        Body::Csv(body) => req.insert_header(("content-type", "text/csv")).set_payload(*body),
        Body::File(content_type, bytes) => req.insert_header(("content-type", *content_type)).set_payload(*bytes),
    };
    let response = app.send(req).await;
    let body = if response.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&response.body)
            .unwrap_or_else(|_| Value::String(format!("{} bytes", response.body.len())))
    };
    (response.status.as_u16(), body)
}

/// How many events an organisation's audit trail holds, sealed or not, as its auditor reads it.
async fn trail_length(app: &TestApp, auditor: &str) -> i64 {
    let verified = app.get("/api/v1/audit-events/verify", auditor).await.expect(200);
    verified["head_seq"].as_i64().unwrap() + verified["unsealed_events"].as_i64().unwrap()
}

/// The `If-Match` an allowed caller sends: the record's current version, as the caller (or else
/// the auditor, who reads everything of organisation A) reads it.
async fn current_version(app: &TestApp, row: &Row, token: &str, auditor: &str) -> String {
    let Some(path) = &row.version_of else { return "\"1\"".into() };
    for reader in [token, auditor] {
        let response = app.get(path, reader).await;
        if let (true, Some(etag)) = (response.status.is_success(), response.header("etag")) {
            return etag.to_string();
        }
    }
    panic!("{path}: no version to read")
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_rules_say() {
    let provider = Key::load("key-a", "rsa-a.pem", Algorithm::RS256);
    let stranger_key = Key::load("key-x", "rsa-unpublished.pem", Algorithm::RS256);
    let jwks = JwksServer::start(vec![provider.jwk(true)]);
    let app = crate::oidc::app_for(&jwks, 3600).await;
    let a = app.seed_org("matrix-a");
    let b = app.seed_org("matrix-b");
    let admin_a = app.token_for(&a.admin);

    // The portal of organisation A with every scope (its ticket scope approved by a second admin),
    // and its webhook, registered before the events below so that they are delivered to it.
    let portal = {
        let (client_id, secret) = app.service_client(&a, ALL_SCOPES).await;
        app.client_token(&client_id, &secret).await
    };
    let hook = json!({"url": "https://portal.example.go.id/hooks", "event_types": ["assessment.published", "objection.filed"]});
    let webhook = app.post("/api/v1/webhooks", &portal, hook).await.expect(201);
    let webhook = webhook["webhook"]["id"].as_str().unwrap().to_string();

    let period = app.post("/api/v1/periods", &admin_a, json!({"year": 2026})).await.expect(201);
    let period_id = period["id"].as_str().unwrap().to_string();
    let status_period = app.post("/api/v1/periods", &admin_a, json!({"year": 2030})).await.expect(201);
    let clients = app
        .post("/api/v1/service-clients", &admin_a, json!({"name": "Portal A", "scopes": ["employees:read"]}))
        .await
        .expect(201);
    let pending_client = {
        let second = app.token_for(&app.second_admin(&a));
        let body = json!({"name": "Loket Kedua", "scopes": ["rating_tickets:issue"]});
        app.post("/api/v1/service-clients", &second, body).await.expect(201)
    };
    let empty_unit = app
        .post(
            &format!("/api/v1/organizations/{}/units", a.id),
            &admin_a,
            json!({"code": "kosong", "name": "Unit Kosong", "kind": "seksi", "parent_id": a.bidang.id}),
        )
        .await
        .expect(201);
    let peer_skp = app.post("/api/v1/skps", &app.token_for(&a.peer), json!({"period_id": period_id})).await.expect(201);
    // The peer rates the staff: an assignment only the peer may answer.
    let path = format!("/api/v1/periods/{period_id}/peer-assignments");
    let assign = json!({"ratee_id": a.staff.id, "raters": [{"rater_id": a.peer.id, "group": "peer"}]});
    app.post(&path, &app.token_for(&a.supervisor), assign).await.expect(201);
    let mine_path = format!("/api/v1/me/peer-assignments?period_id={period_id}");
    let mine = app.get(&mine_path, &app.token_for(&a.peer)).await.expect(200);
    // The supervisor's published assessment of the peer for the first quarter, and the peer's objection.
    let peer_assessment = crate::assessments::publish(
        &app,
        &app.token_for(&a.supervisor),
        &period_id,
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
    let body = json!({"position": "Pranata Komputer", "name": "Layanan TIK", "content": crate::templates::content("Layanan aplikasi", None)});
    let template = app.post("/api/v1/templates", &admin_a, body).await.expect(201);
    let body = json!({"position": "Pranata Komputer", "name": "Usul", "reason": "Tugas belum punya indikator", "content": crate::templates::content("Layanan", None)});
    let proposal = app.post("/api/v1/template-proposals", &app.token_for(&a.peer), body).await.expect(201);
    let complaint = {
        let ticket = crate::complaints::ticket(&app, &a, a.peer.id.as_str()).await;
        let body = json!({"ticket": ticket, "complaint": "Antrean terlalu lama"});
        app.request(Method::POST, "/api/v1/public/complaints", None, Some(body)).await.expect(201);
        let listed = app.get("/api/v1/complaints", &admin_a).await.expect(200);
        listed["items"][0]["id"].as_str().unwrap().to_string()
    };
    // The events above become deliveries to the portal's webhook.
    app.seal_audit();
    kinerja::webhooks::store::dispatch(app.db()).expect("dispatching works");
    let deliveries = app.get(&format!("/api/v1/webhooks/{webhook}/deliveries"), &portal).await.expect(200);
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let ids = Ids {
        period: period_id.clone(),
        quarter: period["sub_periods"][0]["id"].as_str().unwrap().to_string(),
        status_period: id(&status_period),
        client: id(&clients["client"]),
        pending_client: id(&pending_client["client"]),
        peer_skp: id(&peer_skp),
        assignment: id(&mine["items"][0]),
        webhook,
        delivery: id(&deliveries["items"][0]),
        empty_unit: id(&empty_unit),
        complaint,
        template: id(&template),
        proposal: id(&proposal),
        work,
    };
    let table = rows(&a, &ids);
    let mut index = BTreeMap::new();
    for (i, (op, _)) in table.iter().enumerate() {
        assert!(index.insert(*op, i).is_none(), "{op}: two rows");
    }

    // Tokens that must not work anywhere.
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
    // The identity provider's tokens: for a NIP nobody has, from another issuer, from a key it
    // does not publish.
    let provider_unknown = provider.sign(&crate::oidc::claims("199001012015011001"));
    let mut foreign = crate::oidc::claims(&a.admin.nip);
    foreign["iss"] = json!("https://sso.elsewhere.go.id/realms/asn");
    let provider_foreign = provider.sign(&foreign);
    let provider_forged = stranger_key.sign(&crate::oidc::claims(&a.admin.nip));
    let token_attacks = [
        ("no token", None),
        ("expired token", Some(expired.as_str())),
        ("tampered token", Some(tampered.as_str())),
        ("token for another audience", Some(wrong_audience.as_str())),
        ("token signed with another key", Some(another_key.as_str())),
        ("alg: none token", Some(unsigned.as_str())),
        ("provider token for an unknown NIP", Some(provider_unknown.as_str())),
        ("provider token from another issuer", Some(provider_foreign.as_str())),
        ("provider token signed with a key it does not publish", Some(provider_forged.as_str())),
    ];
    // A portal of organisation A that may read employees, and nothing else.
    let directory_portal = {
        let made =
            app.post("/api/v1/service-clients", &admin_a, json!({"name": "Direktori", "scopes": ["employees:read"]}));
        let made = made.await.expect(201);
        app.client_token(made["client"]["client_id"].as_str().unwrap(), made["client_secret"].as_str().unwrap()).await
    };
    let callers: [String; 9] = [
        app.token_for(&a.staff),
        app.token_for(&a.peer),
        provider.sign(&crate::oidc::claims(&a.peer.nip)),
        app.token_for(&a.supervisor),
        app.token_for(&a.head),
        app.token_for(&a.auditor),
        portal.clone(),
        admin_a.clone(),
        app.token_for(&b.admin),
    ];

    // Every write appends to its organisation's audit trail: the refusals must append nothing.
    let (auditor_a, auditor_b) = (app.token_for(&a.auditor), app.token_for(&b.auditor));
    let trails = (trail_length(&app, &auditor_a).await, trail_length(&app, &auditor_b).await);

    // Pass 1: every refusal, while nothing has changed.
    let (mut operations_checked, mut refusals, mut allowed) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    let operations = operations();
    for op in &operations {
        if PUBLIC.contains(&op.as_str()) {
            continue;
        }
        let Some(&i) = index.get(op.as_str()) else {
            failures.push(format!("{op}: no row in the authorization matrix"));
            continue;
        };
        let row = &table[i].1;
        operations_checked += 1;
        for (who, token) in token_attacks {
            let (status, body) = call(&app, op, row, token, "\"1\"").await;
            refusals += 1;
            if status != 401 || body["code"].as_str().is_none() {
                failures.push(format!("{op} with {who}: expected 401, got {status} {body}"));
            }
        }
        if !EMPLOYEES_READ_SCOPE.contains(&op.as_str()) {
            let (status, body) = call(&app, op, row, Some(&directory_portal), "\"1\"").await;
            refusals += 1;
            if status != 403 {
                failures.push(format!("{op} as a portal without its scope: expected 403, got {status} {body}"));
            }
        }
        for (who, (name, _)) in WHO.iter().enumerate() {
            let expected = row.outcomes[who];
            if !refused(expected) {
                continue;
            }
            refusals += 1;
            let (status, body) = call(&app, op, row, Some(&callers[who]), "\"1\"").await;
            if status != expected || body["code"].as_str().is_none() {
                failures.push(format!("{op} as {name}: expected {expected}, got {status} {body}"));
            }
        }
    }
    for (op, _) in &table {
        if PUBLIC.contains(op) || !operations.iter().any(|o| o == op) {
            failures.push(format!("{op}: a row for an operation the spec does not have"));
        }
    }
    assert!(failures.is_empty(), "refusals that did not hold:\n{}", failures.join("\n"));

    // Nothing any refused caller sent changed organisation A (or B).
    let after = (trail_length(&app, &auditor_a).await, trail_length(&app, &auditor_b).await);
    assert_eq!(after, trails, "audit events written by refused calls (organisation A, organisation B)");
    let org = app.get(&format!("/api/v1/organizations/{}", a.id), &admin_a).await.expect(200);
    assert_eq!(org["version"], 1);
    let peer = app.get(&format!("/api/v1/employees/{}", a.peer.id), &admin_a).await.expect(200);
    assert_eq!((peer["version"].as_i64(), peer["active"].as_bool()), (Some(1), Some(true)));
    let skp = app.get(&format!("/api/v1/skps/{}", ids.peer_skp), &admin_a).await.expect(200);
    assert_eq!((skp["version"].as_i64(), skp["status"].as_str()), (Some(1), Some("draft")));
    let achievement = app.get(&format!("/api/v1/achievements/{}", ids.work.achievement), &admin_a).await.expect(200);
    assert_eq!((achievement["version"].as_i64(), achievement["status"].as_str()), (Some(2), Some("submitted")));
    let auditor = &callers[AUDITOR];
    let thread = app.get(&format!("/api/v1/feedback/{}", ids.work.thread), auditor).await.expect(200);
    assert_eq!(thread["message_count"], 1);
    let objection = app.get(&format!("/api/v1/objections/{}", ids.work.peer_objection), &admin_a).await.expect(200);
    assert_eq!((objection["version"].as_i64(), objection["status"].as_str()), (Some(1), Some("pending")));
    let complaint = app.get(&format!("/api/v1/complaints/{}", ids.complaint), &admin_a).await.expect(200);
    assert_eq!((complaint["version"].as_i64(), complaint["status"].as_str()), (Some(1), Some("received")));
    let units = app.get(&format!("/api/v1/organizations/{}/units?limit=100", a.id), &admin_a).await.expect(200);
    assert_eq!(units["items"].as_array().unwrap().len(), 3, "{units}");
    let clients = app.get("/api/v1/service-clients?limit=100", &admin_a).await.expect(200);
    assert!(clients["items"].as_array().unwrap().iter().all(|c| !c["revoked"].as_bool().unwrap_or(false)), "{clients}");
    let proposals = app.get("/api/v1/template-proposals?limit=100", &admin_a).await.expect(200);
    assert_eq!(
        proposals["items"].as_array().map(|p| p.iter().map(|p| p["status"].clone()).collect()),
        Some(vec![json!("pending")])
    );
    let status_period = app.get(&format!("/api/v1/periods/{}", ids.status_period), &admin_a).await.expect(200);
    assert_eq!(status_period["status"], "planning");
    let hooks = app.get("/api/v1/webhooks", &portal).await.expect(200);
    assert_eq!(hooks["items"].as_array().map(Vec::len), Some(1), "{hooks}");

    // Pass 2: the allowed callers, row by row in the table's order.
    for (op, row) in &table {
        for (who, (name, _)) in WHO.iter().enumerate() {
            let expected = row.outcomes[who];
            if refused(expected) {
                continue;
            }
            allowed += 1;
            let if_match = current_version(&app, row, &callers[who], auditor).await;
            let (status, body) = call(&app, op, row, Some(&callers[who]), &if_match).await;
            let code = &row.codes[who];
            if status != expected || code.as_ref().is_some_and(|code| body["code"] != code.as_str()) {
                let expected = code.as_ref().map_or(expected.to_string(), |code| format!("{expected} {code}"));
                failures.push(format!("{op} as {name}: expected {expected}, got {status} {body}"));
            }
            // Another organisation's admin acts in their own organisation: nothing of A shows.
            if who == OTHER && body.to_string().contains(a.id.as_str()) {
                failures.push(format!("{op} as {name}: organisation A in the answer {body}"));
            }
        }
    }
    assert!(failures.is_empty(), "allowed callers that did not get their outcome:\n{}", failures.join("\n"));
    eprintln!(
        "authorization matrix: {operations_checked} operations, {} callers per row plus {} forged or foreign tokens \
         and a portal without the scope; {refusals} refusals and {allowed} allowed outcomes asserted",
        WHO.len(),
        token_attacks.len(),
    );
    eprintln!("refusal matrix: {operations_checked} operations, {refusals} refusals asserted");
    jwks.handle.stop(false).await;
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
