use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn writes_appear_in_the_trail_with_their_before_and_after() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("trail");
    let admin = app.token_for(&org.admin);
    let unit = app
        .post(
            &format!("/api/v1/organizations/{}/units", org.id),
            &admin,
            json!({"code": "baru", "name": "Unit Baru", "kind": "seksi"}),
        )
        .await
        .expect(201);
    let id = unit["id"].as_str().unwrap();
    app.put(
        &format!("/api/v1/units/{id}"),
        &admin,
        1,
        json!({"code": "baru", "name": "Unit Berganti", "kind": "seksi"}),
    )
    .await
    .expect(200);
    // A refused write leaves nothing behind.
    app.post(
        &format!("/api/v1/organizations/{}/units", org.id),
        &admin,
        json!({"code": "baru", "name": "Lagi", "kind": "seksi"}),
    )
    .await
    .expect(422);

    let events = app.get(&format!("/api/v1/audit-events?resource_id={id}"), &admin).await.expect(200);
    let events = events["items"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["action"], "unit.create");
    assert_eq!(events[0]["actor_kind"], "employee");
    assert_eq!(events[0]["actor_id"], org.admin.id.as_str());
    assert!(events[0]["before"].is_null());
    assert_eq!(events[0]["after"]["name"], "Unit Baru");
    assert_eq!(events[1]["action"], "unit.update");
    assert_eq!(events[1]["before"]["name"], "Unit Baru");
    assert_eq!(events[1]["after"]["name"], "Unit Berganti");
    assert!(events[1]["request_id"].is_string());
    assert_eq!(events[1]["prev_hash"], events[0]["hash"]);

    // Auditors read it; staff may not.
    app.get("/api/v1/audit-events", &app.token_for(&org.auditor)).await.expect(200);
    app.get("/api/v1/audit-events", &app.token_for(&org.staff)).await.expect_problem(403, "forbidden");
}

#[actix_web::test]
async fn an_altered_or_deleted_event_is_detected() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("tamper");
    let admin = app.token_for(&org.admin);
    let verify = || app.get("/api/v1/audit-events/verify", &admin);
    let intact = verify().await.expect(200);
    assert_eq!(intact["intact"], true);
    let events = intact["events_checked"].as_i64().unwrap();
    assert!(events > 5);
    // The head hash is the last event's: the value an auditor notes outside the service.
    let trail = app.get("/api/v1/audit-events?limit=200", &admin).await.expect(200);
    let last = trail["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(intact["head_hash"], last["hash"]);
    assert_eq!(intact["head_seq"], last["seq"]);

    // Someone with database access rewrites history: an employee was never created by the CLI...
    let altered = app.execute_sql(&format!(
        "UPDATE audit_events SET actor_id = 'someone-else' WHERE organization_id = '{}' AND seq = 4",
        org.id
    ));
    assert_eq!(altered, 1);
    let broken = verify().await.expect(200);
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["first_broken_seq"], 4);

    // ...or deletes an event and relinks nothing.
    let other = app.seed_org("tamper2");
    let other_admin = app.token_for(&other.admin);
    app.execute_sql(&format!("DELETE FROM audit_events WHERE organization_id = '{}' AND seq = 3", other.id));
    let gap = app.get("/api/v1/audit-events/verify", &other_admin).await.expect(200);
    assert_eq!(gap["intact"], false);
    assert_eq!(gap["first_broken_seq"], 3);

    // Removing the newest event is caught by the chain head.
    let third = app.seed_org("tamper3");
    let head: i64 = app.get("/api/v1/audit-events/verify", &app.token_for(&third.admin)).await.expect(200)["head_seq"]
        .as_i64()
        .unwrap();
    app.execute_sql(&format!("DELETE FROM audit_events WHERE organization_id = '{}' AND seq = {head}", third.id));
    let truncated = app.get("/api/v1/audit-events/verify", &app.token_for(&third.admin)).await.expect(200);
    assert_eq!(truncated["intact"], false);
}

/// Verification reads the head and the events in one snapshot: writers appending while it runs
/// never make an intact chain look broken (it used to report "the chain ends at N+1 but its head
/// is at N").
#[actix_web::test]
async fn verification_during_concurrent_writes_always_finds_the_chain_intact() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use kinerja::audit::Actor;
    use kinerja::units::{self, UnitInput, UnitKind};

    let app = TestApp::spawn().await;
    let org = app.seed_org("busy");
    let auditor = app.token_for(&org.auditor);
    const WRITERS: usize = 4;
    const UNITS_EACH: usize = 12;
    let running = Arc::new(AtomicUsize::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (db, org_id, running) = (app.db().clone(), org.id.clone(), running.clone());
            std::thread::spawn(move || {
                for n in 0..UNITS_EACH {
                    let org_id = org_id.clone();
                    db.write_blocking(move |conn| {
                        let input = UnitInput {
                            parent_id: None,
                            code: format!("w{w}-{n}"),
                            name: format!("Unit {w}-{n}"),
                            kind: UnitKind::Seksi,
                            is_service_unit: false,
                        };
                        units::insert(conn, &Actor::cli("test"), &org_id, input)
                    })
                    .expect("a writer creates its unit");
                }
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    let mut verifications = 0;
    while running.load(Ordering::SeqCst) > 0 {
        let result = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
        assert_eq!(result["intact"], true, "verification {verifications} during writes: {result}");
        verifications += 1;
    }
    for writer in writers {
        writer.join().unwrap();
    }
    let last = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(last["intact"], true, "{last}");
    assert!(last["head_seq"].as_i64().unwrap() >= (WRITERS * UNITS_EACH) as i64);
    assert!(verifications > 0, "the verifier ran while the writers wrote");
}
