use kinerja::audit::{Actor, Change};
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
    assert!(app.seal_audit() > 5);
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
    let fourth = &trail["items"][3];
    assert_eq!(broken["first_broken_event_id"], fourth["id"]);

    // ...or deletes an event and relinks nothing.
    let other = app.seed_org("tamper2");
    let other_admin = app.token_for(&other.admin);
    app.seal_audit();
    app.execute_sql(&format!("DELETE FROM audit_events WHERE organization_id = '{}' AND seq = 3", other.id));
    let gap = app.get("/api/v1/audit-events/verify", &other_admin).await.expect(200);
    assert_eq!(gap["intact"], false);
    assert_eq!(gap["first_broken_seq"], 3);

    // Removing the newest event is caught by the chain head.
    let third = app.seed_org("tamper3");
    app.seal_audit();
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
    // The server's sealer links events meanwhile.
    let sealer = {
        let (db, running) = (app.db().clone(), running.clone());
        std::thread::spawn(move || {
            let mut sealed = 0;
            while running.load(Ordering::SeqCst) > 0 {
                sealed += kinerja::audit::seal_all(&db).expect("the sealer runs");
            }
            sealed
        })
    };
    let mut verifications = 0;
    while running.load(Ordering::SeqCst) > 0 {
        let result = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
        assert_eq!(result["intact"], true, "verification {verifications} during writes: {result}");
        verifications += 1;
    }
    for writer in writers {
        writer.join().unwrap();
    }
    let sealed_meanwhile = sealer.join().unwrap();
    app.seal_audit();
    let last = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(last["intact"], true, "{last}");
    assert_eq!(last["unsealed_events"], 0, "{last}");
    assert!(last["head_seq"].as_i64().unwrap() >= (WRITERS * UNITS_EACH) as i64);
    assert!(sealed_meanwhile > 0, "the sealer sealed while the writers wrote");
    assert!(verifications > 0, "the verifier ran while the writers wrote");
}

/// Creates a unit as the command line would, in its own transaction.
fn create_unit(db: &kinerja::db::Database, org_id: &str, code: &str) -> kinerja::units::Unit {
    use kinerja::units::{self, UnitInput, UnitKind};
    let org_id = kinerja::db::types::OrganizationId::from(org_id);
    let input = UnitInput {
        parent_id: None,
        code: code.into(),
        name: format!("Unit {code}"),
        kind: UnitKind::Seksi,
        is_service_unit: false,
    };
    db.write_blocking(move |conn| units::insert(conn, &Actor::cli("test"), &org_id, input))
        .expect("the unit is created")
}

/// The (seq, id) of the event that created `resource_id`, read straight from the database.
fn event_of(app: &TestApp, resource_id: &str) -> (Option<i64>, String) {
    use diesel::prelude::*;
    use kinerja::db::schema::audit_events;
    let resource_id = resource_id.to_string();
    app.db()
        .read_blocking(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::resource_id.eq(resource_id))
                .select((audit_events::seq, audit_events::id))
                .first(conn)?)
        })
        .unwrap()
}

#[actix_web::test]
async fn an_event_altered_before_it_is_sealed_is_caught_before_and_after_sealing() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("early");
    app.seal_audit();
    let auditor = app.token_for(&org.auditor);
    let unit = create_unit(app.db(), &org.id, "fresh");
    let (seq, id) = event_of(&app, &unit.id);
    assert_eq!(seq, None, "the write only inserted its event");

    // Unsealed events are counted and checked apart from the chain.
    let pending = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(pending["intact"], true, "{pending}");
    assert_eq!(pending["unsealed_events"], 1);
    assert!(pending["oldest_unsealed_at"].is_string());

    app.execute_sql(&format!("UPDATE audit_events SET actor_id = 'someone-else' WHERE id = '{id}'"));
    let caught = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(caught["intact"], false, "{caught}");
    assert_eq!(caught["first_broken_event_id"], id.as_str());
    assert!(caught["first_broken_seq"].is_null());

    // Sealing does not launder it: the chain links what it found, the content hash still differs.
    assert_eq!(app.seal_audit(), 1);
    let (seq, _) = event_of(&app, &unit.id);
    let seq = seq.expect("sealed");
    let still = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(still["intact"], false, "{still}");
    assert_eq!(still["unsealed_events"], 0);
    assert_eq!(still["first_broken_seq"], seq);
    assert_eq!(still["first_broken_event_id"], id.as_str());
}

#[actix_web::test]
async fn an_event_altered_or_deleted_after_sealing_is_caught() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("late");
    let auditor = app.token_for(&org.auditor);
    let units: Vec<_> = (0..3).map(|n| create_unit(app.db(), &org.id, &format!("u{n}"))).collect();
    app.seal_audit();
    let intact = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(intact["intact"], true, "{intact}");

    let (seq, id) = event_of(&app, &units[1].id);
    app.execute_sql(&format!(
        "UPDATE audit_events SET after_state = REPLACE(after_state, 'Unit u1', 'Unit X') WHERE id = '{id}'"
    ));
    let altered = app.get("/api/v1/audit-events/verify", &auditor).await.expect(200);
    assert_eq!(altered["intact"], false);
    assert_eq!(altered["first_broken_seq"], seq.unwrap());
    assert_eq!(altered["first_broken_event_id"], id.as_str());

    let other = app.seed_org("late2");
    let units: Vec<_> = (0..3).map(|n| create_unit(app.db(), &other.id, &format!("u{n}"))).collect();
    app.seal_audit();
    let (seq, id) = event_of(&app, &units[1].id);
    app.execute_sql(&format!("DELETE FROM audit_events WHERE id = '{id}'"));
    let deleted = app.get("/api/v1/audit-events/verify", &app.token_for(&other.auditor)).await.expect(200);
    assert_eq!(deleted["intact"], false);
    assert_eq!(deleted["first_broken_seq"], seq.unwrap());
    assert!(deleted["first_broken_event_id"].is_null());
}

/// Records one event in its own transaction, as every write path does (`audit::record`).
fn record(db: &kinerja::db::Database, org_id: &str, resource_id: &str) {
    let (org_id, resource_id) = (kinerja::db::types::OrganizationId::from(org_id), resource_id.to_string());
    db.write_blocking(move |conn| {
        kinerja::audit::record(conn, &Actor::cli("test"), &org_id, Change::new("test.write", "test", resource_id))
    })
    .expect("the event is recorded")
}

/// The hot path only inserts: a write whose transaction is still open does not hold up another
/// write of the same organisation (on PostgreSQL; SQLite has one writer at a time anyway). And an
/// event whose transaction commits after a later event was sealed is sealed in the next run, not
/// skipped.
#[actix_web::test]
async fn a_write_committing_late_neither_blocks_others_nor_is_skipped_by_the_sealer() {
    use std::sync::mpsc;
    use std::time::Duration;

    let app = TestApp::spawn().await;
    let org = app.seed_org("order");
    app.seal_audit();
    let (inserted_tx, inserted) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let slow = {
        let (db, org_id) = (app.db().clone(), org.id.clone());
        std::thread::spawn(move || {
            db.write_blocking(move |conn| {
                kinerja::audit::record(conn, &Actor::cli("test"), &org_id, Change::new("test.write", "test", "slow"))?;
                inserted_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok(())
            })
            .unwrap()
        })
    };
    inserted.recv_timeout(Duration::from_secs(10)).expect("the slow write inserted its event");
    let (done_tx, done) = mpsc::channel();
    let fast = {
        let (db, org_id) = (app.db().clone(), org.id.clone());
        std::thread::spawn(move || {
            record(&db, &org_id, "fast");
            let sealed = kinerja::audit::seal_all(&db).unwrap();
            done_tx.send(()).unwrap();
            sealed
        })
    };
    if app.is_postgres() {
        done.recv_timeout(Duration::from_secs(10))
            .expect("the fast write commits and is sealed while the slow one is still open");
    }
    release.send(()).unwrap();
    slow.join().unwrap();
    let sealed_with_fast = fast.join().unwrap();
    app.seal_audit();
    let (slow_seq, fast_seq) = (event_of(&app, "slow").0.unwrap(), event_of(&app, "fast").0.unwrap());
    if app.is_postgres() {
        assert_eq!(sealed_with_fast, 1, "only the committed event was sealed");
        assert!(slow_seq > fast_seq, "the late commit is sealed after the event sealed before it");
    }
    let result = app.get("/api/v1/audit-events/verify", &app.token_for(&org.auditor)).await.expect(200);
    assert_eq!(result["intact"], true, "{result}");
    assert_eq!(result["unsealed_events"], 0);
}

/// Two instances of the service over one database each run a sealer: every event is sealed once.
#[actix_web::test]
async fn sealers_of_two_instances_never_seal_an_event_twice() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let app = TestApp::spawn().await;
    let second = app.another_instance().await;
    let orgs = [app.seed_org("twin1"), app.seed_org("twin2")];
    let before: usize = app.seal_audit();
    assert!(before > 0);
    let writing = Arc::new(AtomicBool::new(true));
    let sealers: Vec<_> = [app.db().clone(), second.db().clone(), app.db().clone(), second.db().clone()]
        .into_iter()
        .map(|db| {
            let writing = writing.clone();
            std::thread::spawn(move || {
                let mut sealed = 0;
                loop {
                    let done = !writing.load(Ordering::SeqCst);
                    sealed += kinerja::audit::seal_all(&db).expect("a sealer runs");
                    if done {
                        return sealed;
                    }
                }
            })
        })
        .collect();
    const UNITS: usize = 40;
    let writers: Vec<_> = orgs
        .iter()
        .flat_map(|org| [(app.db().clone(), org.id.clone(), "a"), (second.db().clone(), org.id.clone(), "b")])
        .map(|(db, org_id, tag)| {
            std::thread::spawn(move || {
                for n in 0..UNITS {
                    create_unit(&db, &org_id, &format!("{tag}{n}"));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    writing.store(false, Ordering::SeqCst);
    let sealed: usize = sealers.into_iter().map(|s| s.join().unwrap()).sum();
    assert_eq!(sealed, 4 * UNITS, "each event was sealed by exactly one sealer");
    for org in &orgs {
        let result = second.get("/api/v1/audit-events/verify", &second.token_for(&org.auditor)).await.expect(200);
        assert_eq!(result["intact"], true, "{result}");
        assert_eq!(result["unsealed_events"], 0);
        assert_eq!(result["events_checked"], result["head_seq"]);
    }
}

/// The events of a time range, and the range's verification naming the first broken event.
#[actix_web::test]
async fn a_range_verification_names_the_altered_or_deleted_event_of_its_range() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("range");
    let auditor = app.token_for(&org.auditor);
    app.seal_audit();
    let start = chrono::Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let units: Vec<_> = (0..6).map(|n| create_unit(app.db(), &org.id, &format!("r{n}"))).collect();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let end = chrono::Utc::now();
    create_unit(app.db(), &org.id, "after");
    app.seal_audit();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let range = format!("/api/v1/audit-events/verify?from={}&to={}", fmt(start), fmt(end));

    let intact = app.get(&range, &auditor).await.expect(200);
    assert_eq!(intact["intact"], true, "{intact}");
    let seqs: Vec<i64> = units.iter().map(|u| event_of(&app, &u.id).0.unwrap()).collect();
    assert_eq!(intact["from_seq"], seqs[0]);
    // The range's events and the link of the one after it.
    assert_eq!(intact["to_seq"], seqs[5] + 1);
    assert_eq!(intact["events_checked"], 7);

    // Altered in the database: named by position and id.
    let (seq, id) = event_of(&app, &units[2].id);
    app.execute_sql(&format!("UPDATE audit_events SET action = 'unit.delete' WHERE id = '{id}'"));
    let altered = app.get(&range, &auditor).await.expect(200);
    assert_eq!(altered["intact"], false, "{altered}");
    assert_eq!(altered["first_broken_seq"], seq.unwrap());
    assert_eq!(altered["first_broken_event_id"], id.as_str());
    // A range before it does not reach it.
    let earlier = format!("/api/v1/audit-events/verify?to={}", fmt(start));
    assert_eq!(app.get(&earlier, &auditor).await.expect(200)["intact"], true);
    // A bad range is refused.
    let backwards = format!("/api/v1/audit-events/verify?from={}&to={}", fmt(end), fmt(start));
    app.get(&backwards, &auditor).await.expect_problem(422, "validation_failed");

    // Deleted: the first and the last of the range too, which leave no event of the range behind
    // to link from, are named by the neighbours' links.
    for (victim, code) in [(1usize, "d-mid"), (0, "d-first"), (5, "d-last")] {
        let other = app.seed_org(code);
        app.seal_audit();
        let start = chrono::Utc::now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let units: Vec<_> = (0..6).map(|n| create_unit(app.db(), &other.id, &format!("r{n}"))).collect();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let end = chrono::Utc::now();
        create_unit(app.db(), &other.id, "after");
        app.seal_audit();
        let (seq, id) = event_of(&app, &units[victim].id);
        app.execute_sql(&format!("DELETE FROM audit_events WHERE id = '{id}'"));
        let range = format!("/api/v1/audit-events/verify?from={}&to={}", fmt(start), fmt(end));
        let deleted = app.get(&range, &app.token_for(&other.auditor)).await.expect(200);
        assert_eq!(deleted["intact"], false, "{code}: {deleted}");
        assert_eq!(deleted["first_broken_seq"], seq.unwrap(), "{code}: {deleted}");
    }
}

#[actix_web::test]
async fn the_trail_of_a_range_exports_as_json_lines_and_csv_page_by_page() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("export");
    let auditor = app.token_for(&org.auditor);
    let start = chrono::Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    // More than one page (500) of events, with names a CSV must quote.
    const UNITS: usize = 520;
    {
        let org_id = org.id.clone();
        app.db()
            .write_blocking(move |conn| {
                for n in 0..UNITS {
                    let input = kinerja::units::UnitInput {
                        parent_id: None,
                        code: format!("x{n}"),
                        name: format!("Seksi \"Pelayanan\", Café {n}"),
                        kind: kinerja::units::UnitKind::Seksi,
                        is_service_unit: false,
                    };
                    kinerja::units::insert(conn, &Actor::cli("test"), &org_id, input)?;
                }
                Ok(())
            })
            .unwrap();
    }
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    // Not sealed yet: the export seals first.
    let jsonl = app.get(&format!("/api/v1/audit-events/export?from={}", fmt(start)), &auditor).await;
    assert_eq!(jsonl.status.as_u16(), 200);
    assert_eq!(jsonl.header("content-type"), Some("application/jsonl"));
    let disposition = jsonl.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment") && disposition.contains(".jsonl"), "{disposition}");
    let lines: Vec<serde_json::Value> =
        String::from_utf8(jsonl.body.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), UNITS, "{}", String::from_utf8_lossy(&jsonl.body[..jsonl.body.len().min(300)]));
    for pair in lines.windows(2) {
        assert_eq!(pair[1]["seq"].as_i64().unwrap(), pair[0]["seq"].as_i64().unwrap() + 1);
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(lines[7]["after"]["name"], "Seksi \"Pelayanan\", Café 7");

    // The same range as CSV, by Accept; the events before the range are not in it.
    let mut req = actix_web::test::TestRequest::get()
        .uri(&format!("/api/v1/audit-events/export?from={}", fmt(start)))
        .insert_header(("authorization", format!("Bearer {auditor}")))
        .insert_header(("accept", "text/csv"));
    req = req.insert_header(("x-request-id", "export-test"));
    let csv = app.send(req).await;
    assert_eq!(csv.status.as_u16(), 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("seq"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), UNITS);
    assert_eq!(rows[7].get(1), lines[7]["id"].as_str());
    let after: serde_json::Value = serde_json::from_str(rows[7].get(9).unwrap()).unwrap();
    assert_eq!(after["name"], "Seksi \"Pelayanan\", Café 7");
    assert_eq!(rows[7].get(13), lines[7]["hash"].as_str());

    // An empty range is a header only; staff may not export.
    let empty = app
        .get(&format!("/api/v1/audit-events/export?format=csv&to={}", fmt(start - chrono::Duration::days(1))), &auditor)
        .await;
    assert_eq!(String::from_utf8(empty.body).unwrap().lines().count(), 1);
    app.get("/api/v1/audit-events/export", &app.token_for(&org.staff)).await.expect_problem(403, "forbidden");
    // A portal with reports:read exports like an auditor (a report); the list stays theirs.
    let (portal, secret) = app.service_client(&org, &["reports:read"]).await;
    let portal = app.client_token(&portal, &secret).await;
    let theirs = app.get(&format!("/api/v1/audit-events/export?from={}&format=jsonl", fmt(start)), &portal).await;
    assert_eq!(theirs.status.as_u16(), 200);
    assert_eq!(theirs.header("content-type"), Some("application/jsonl"));
    assert!(String::from_utf8(theirs.body).unwrap().lines().count() >= UNITS);
    app.get("/api/v1/audit-events", &portal).await.expect_problem(403, "forbidden");
    let (directory, secret) = app.service_client(&org, &["employees:read"]).await;
    let directory = app.client_token(&directory, &secret).await;
    app.get("/api/v1/audit-events/export", &directory).await.expect_problem(403, "forbidden");
    app.get("/api/v1/audit-events/export?format=xml", &auditor).await.expect(400);
}
