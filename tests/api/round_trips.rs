//! Round trips per request on the hot paths, counted by the pool's instrumentation: every
//! statement a connection sends (BEGIN and COMMIT included) adds one to `Database::queries`.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::TestApp;
use crate::skp::{target, Planning};

#[actix_web::test]
async fn a_citizen_rating_takes_two_round_trips_on_postgres_and_an_own_skp_read_one() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("trips");

    let (client_id, secret) = app.service_client(&org, &["rating_tickets:issue"]).await;
    let desk = app.client_token(&client_id, &secret).await;
    let issued = app.post("/api/v1/rating-tickets", &desk, json!({"unit_id": org.bidang.id})).await.expect(201);
    let scores: serde_json::Map<String, serde_json::Value> = [
        "persyaratan",
        "prosedur",
        "waktu_penyelesaian",
        "biaya_tarif",
        "produk_layanan",
        "kompetensi_pelaksana",
        "perilaku_pelaksana",
        "penanganan_pengaduan",
        "sarana_prasarana",
    ]
    .into_iter()
    .map(|e| (e.to_string(), json!(4)))
    .collect();
    let rating = TestRequest::post()
        .uri("/api/v1/public/citizen-ratings")
        .peer_addr("192.0.2.1:1".parse().unwrap())
        .insert_header(("content-type", "application/json"))
        .set_payload(json!({"ticket": issued["token"], "scores": scores}).to_string());
    let before = app.db().queries();
    let received = app.send(rating).await.expect(201);
    let rating_trips = app.db().queries() - before;
    assert_eq!(received["unit_name"], org.bidang.name.as_str());

    // An SKP of three targets, each with an indicator of three aspects, read by its owner.
    let planning = Planning::start_in(&app, &org, 2030).await;
    let staff = app.token_for(&org.staff);
    let skp = planning.create(&staff).await;
    let targets = ["Arsip", "Layanan", "Laporan"].map(|d| target(d, "utama", 100.0 / 3.0, None, None)).to_vec();
    planning.put(&staff, &skp, targets).await.expect(200);
    let path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    let before = app.db().queries();
    let read = app.get(&path, &staff).await.expect(200);
    let read_trips = app.db().queries() - before;
    let targets = read["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    assert!(targets.iter().all(|t| t["indicators"][0]["aspects"].as_array().unwrap().len() == 3), "{read}");

    println!("round trips: citizen rating {rating_trips}, own SKP read {read_trips}");
    // The ticket with its time zone, unit name and periods; then on PostgreSQL one statement
    // claiming it and inserting the rating and its audit event; on SQLite BEGIN IMMEDIATE and
    // COMMIT around the read and the three writes.
    assert_eq!(rating_trips, if app.is_postgres() { 2 } else { 6 });
    // One statement: the SKP with its owner's reference, targets, indicators and aspects.
    assert_eq!(read_trips, 1);
    assert_eq!(
        targets.iter().map(|t| t["description"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Arsip", "Layanan", "Laporan"]
    );
}

/// Without a `SELECT 1` at every checkout, a connection the server dropped is found by its BEGIN:
/// it is discarded and another taken, so no request fails for it.
#[actix_web::test]
async fn connections_the_database_dropped_are_replaced_without_a_failed_request() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("dropped");
    let staff = app.token_for(&org.staff);
    let planning = Planning::start_in(&app, &org, 2030).await;
    let skp = planning.create(&staff).await;
    let skp_path = format!("/api/v1/skps/{}", skp["id"].as_str().unwrap());
    // Every connection of the pool opened (four), then all but the one asking dropped by the server.
    let held: Vec<_> = (0..4).map(|_| app.db().pool.get().unwrap()).collect();
    drop(held);
    if app.is_postgres() {
        let dropped = app.execute_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
        assert!(dropped >= 3, "{dropped} connections dropped");
    }
    // The pool hands out the connection returned last: holding it makes the requests take the others.
    let _live = app.db().pool.get().unwrap();
    let path = format!("/api/v1/employees/{}", org.staff.id);
    // Reads in a snapshot (BEGIN first) and reads of one statement (no BEGIN) alike.
    for path in [path, skp_path].iter().cycle().take(8) {
        let before = app.db().queries();
        app.get(path, &staff).await.expect(200);
        assert!(app.db().queries() > before, "the read went to the database");
    }
}
