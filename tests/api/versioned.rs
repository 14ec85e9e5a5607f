//! Every change to a versioned record goes through `kinerja::versioned::Edit`: a stale `If-Match`
//! changes nothing and records nothing (412); the current one writes, answers the new version as
//! the ETag, and audits the states before and after.

use serde_json::{json, Value};

use crate::helpers::{TestApp, TestResponse};

/// The audit events of one record, newest last.
async fn events(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let page = app.get(&format!("/api/v1/audit-events?resource_id={id}&limit=200"), token).await.expect(200);
    page["items"].as_array().unwrap().clone()
}

/// PUTs `body` at a stale version, then at the current one; checks what each left behind.
async fn stale_then_current(app: &TestApp, admin: &str, path: &str, id: &str, action: &str, body: Value) {
    let read = app.get(path, admin).await;
    let current = read.header("etag").unwrap().trim_matches('"').parse::<i32>().unwrap();
    let before = read.expect(200);
    let audited = events(app, admin, id).await.len();

    app.put(path, admin, current + 7, body.clone()).await.expect_problem(412, "version_mismatch");
    assert_eq!(app.get(path, admin).await.expect(200), before, "{path}: a stale write changed the record");
    assert_eq!(events(app, admin, id).await.len(), audited, "{path}: a stale write was audited");

    let response: TestResponse = app.put(path, admin, current, body).await;
    let etag = response.header("etag").map(str::to_string);
    let after = response.expect(200);
    assert_eq!(after["version"], current + 1, "{path}");
    assert_eq!(etag, Some(format!("\"{}\"", current + 1)), "{path}: the new version for the next If-Match");
    let all = events(app, admin, id).await;
    assert_eq!(all.len(), audited + 1, "{path}");
    let event = all.last().unwrap();
    assert_eq!(event["action"], action, "{event}");
    assert_eq!(event["before"]["version"], current, "{event}");
    assert_eq!(event["after"], after, "{event}");
}

#[actix_web::test]
async fn a_stale_write_changes_and_records_nothing_and_the_current_one_is_audited() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("versioned");
    let admin = app.token_for(&org.admin);

    let unit = org.bidang.id.to_string();
    let body = json!({"parent_id": org.root.id, "code": "bidang", "name": "Bidang Baru", "kind": "bidang"});
    stale_then_current(&app, &admin, &format!("/api/v1/units/{unit}"), &unit, "unit.update", body).await;

    let staff = org.staff.id.to_string();
    let body = json!({"name": "Nama Baru", "position": "Analis", "job_level": "pelaksana", "unit_id": org.bidang.id,
        "supervisor_id": org.supervisor.id, "roles": [], "active": true});
    stale_then_current(&app, &admin, &format!("/api/v1/employees/{staff}"), &staff, "employee.update", body).await;

    let id = org.id.to_string();
    let body = json!({"name": "Pemerintah Kabupaten Baru", "time_zone": "Asia/Makassar"});
    stale_then_current(&app, &admin, &format!("/api/v1/organizations/{id}"), &id, "organization.update", body).await;
}
