//! `kinerja backup`: a copy taken while the service writes holds every write acknowledged before
//! it started, no half write, and an intact audit chain once restored.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use actix_web::web;
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::TestApp;
use kinerja::config::DatabaseTarget;
use kinerja::db::Database;

#[actix_web::test]
async fn a_backup_taken_under_write_load_restores_whole_with_its_audit_chain_intact() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("backup");
    let admin = app.token_for(&org.admin);
    let dir = std::env::temp_dir().join(format!("kinerja-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("copy.db");

    if app.is_postgres() {
        let db = app.db().clone();
        let refused = web::block(move || kinerja::backup::to_file(&db, &target)).await.unwrap().unwrap_err();
        assert!(refused.contains("pg_dump"), "{refused}");
        return;
    }

    // Units are created one after another while the backup runs.
    let acknowledged = AtomicUsize::new(0);
    let backup_done = AtomicBool::new(false);
    let acknowledged_at_start = AtomicUsize::new(usize::MAX);
    let writer = async {
        let path = format!("/api/v1/organizations/{}/units", org.id);
        // A few writes after the backup has finished, which the copy must not hold.
        let (mut n, mut after_backup) = (0, 0);
        while after_backup < 5 {
            if backup_done.load(Ordering::SeqCst) {
                after_backup += 1;
            }
            n += 1;
            let body = json!({"parent_id": org.bidang.id, "code": format!("beban-{n}"), "name": format!("Beban {n}"), "kind": "seksi"});
            app.post(&path, &admin, body).await.expect(201);
            acknowledged.fetch_add(1, Ordering::SeqCst);
        }
    };
    let backup = async {
        // Let the writer get going first, so the copy is taken with writes in flight.
        while acknowledged.load(Ordering::SeqCst) < 10 {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        acknowledged_at_start.store(acknowledged.load(Ordering::SeqCst), Ordering::SeqCst);
        let db = app.db().clone();
        let to = target.clone();
        let report = web::block(move || kinerja::backup::to_file(&db, &to)).await.unwrap();
        backup_done.store(true, Ordering::SeqCst);
        report
    };
    let ((), report) = futures_util::future::join(writer, backup).await;
    let report = report.expect("the backup succeeds");
    assert_eq!(report.organizations, 1);

    // Restore: the copy is a database of its own that the service opens as it is.
    let copy = Database::connect(&DatabaseTarget::parse(&format!("sqlite://{}", target.display())).unwrap(), 1)
        .expect("the backup opens");
    let org_id = org.id.clone();
    let (units, created_events, chain) = copy
        .read_blocking(move |conn| {
            use kinerja::db::schema::{audit_events, units};
            let unit_count: i64 = units::table.filter(units::code.like("beban-%")).count().get_result(conn)?;
            let created: i64 = audit_events::table
                .filter(audit_events::action.eq("unit.create"))
                .filter(audit_events::after_state.like("%beban-%"))
                .count()
                .get_result(conn)?;
            Ok((unit_count, created, kinerja::audit::verify_chain(conn, &org_id)?))
        })
        .unwrap();
    let before = acknowledged_at_start.load(Ordering::SeqCst);
    let total = acknowledged.load(Ordering::SeqCst);
    assert!(units as usize >= before, "the copy lost acknowledged writes: {units} < {before}");
    assert!((units as usize) <= total);
    assert!((units as usize) < total, "the writer kept writing after the copy: {units} of {total}");
    assert_eq!(units, created_events, "a unit without its audit event (or the reverse) is half a write");
    assert!(chain.intact, "{:?}", chain.problem);

    // The operator's own check of the restored file passes too.
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_kinerja"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", format!("sqlite://{}", target.display()))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));

    // An existing file is never overwritten.
    let db = app.db().clone();
    let again = target.clone();
    let refused = web::block(move || kinerja::backup::to_file(&db, &again)).await.unwrap().unwrap_err();
    assert!(refused.contains("exists already"), "{refused}");
    let _ = std::fs::remove_dir_all(&dir);
}
