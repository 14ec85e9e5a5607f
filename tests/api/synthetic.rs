//! The synthetic organisation for benchmarks (`kinerja seed --synthetic N`): loaded only into an
//! empty organisation, and consistent enough that every score computes and the period closes.

use actix_web::web;
use diesel::prelude::*;
use kinerja::seed::synthetic::{synthetic, Options};

use crate::helpers::{TestApp, PASSWORD};

fn options(employees: u32, allow_non_empty: bool) -> Options {
    Options { employees, org_code: "sintetis".into(), allow_non_empty, password: Some(PASSWORD.into()) }
}

#[actix_web::test]
async fn a_synthetic_organisation_loads_into_an_empty_one_and_its_period_scores_and_closes() {
    let app = TestApp::spawn().await;
    let db = app.db().clone();
    // More employees than a close scores per page (200): the pages overlap (one computed while
    // the last is stored) and the last, short one is stored after the others.
    let report = web::block(move || synthetic(&db, options(450, false))).await.unwrap().expect("it loads");
    assert!(report.contains("SYNTHETIC DATA LOADED") && report.contains(", 450 employees, 449 SKPs"), "{report}");
    // Never on top of an organisation that has employees, unless asked.
    let db = app.db().clone();
    let again = web::block(move || synthetic(&db, options(10, false))).await.unwrap().unwrap_err();
    assert!(again.contains("already has 450 employees"), "{again}");

    let nip = |label: &str| {
        let line = report.lines().find(|l| l.starts_with("admin: NIP")).unwrap();
        let at = line.find(label).unwrap() + label.len();
        line[at..at + 18].to_string()
    };
    let admin =
        app.login(&nip("admin: NIP "), PASSWORD).await.expect(200)["access_token"].as_str().unwrap().to_string();
    let staff =
        app.login(&nip("staff member: NIP "), PASSWORD).await.expect(200)["access_token"].as_str().unwrap().to_string();
    let periods = app.get("/api/v1/periods", &admin).await.expect(200);
    let period = &periods["items"][0];
    assert_eq!(period["status"], "evaluating");
    let period_id = period["id"].as_str().unwrap().to_string();

    // A staff member's score: 3-8 targets with their capaian, peers counted, a predicate.
    let me = app.get("/api/v1/me", &staff).await.expect(200);
    let path = format!("/api/v1/employees/{}/score?period_id={period_id}", me["employee"]["id"].as_str().unwrap());
    let score = app.get(&path, &staff).await.expect(200);
    let targets = score["explanation"]["results"]["targets"].as_array().unwrap();
    assert!((3..=8).contains(&targets.len()), "{score}");
    assert!(score["explanation"]["nilai_kinerja"].is_object(), "{score}");

    // A close loads a page's SKPs a level at a time, a score its one or two flat, in one
    // statement: both read the same documents.
    let period = period_id.clone();
    let (by_level, flat) = app
        .db()
        .read_blocking(move |conn| {
            use kinerja::db::schema::employees;
            let ids: Vec<kinerja::db::types::EmployeeId> =
                employees::table.select(employees::id).order(employees::id.asc()).load(conn)?;
            let approved = kinerja::skp::approved_of(conn, &ids, &period)?;
            let by_level = kinerja::skp::load_many(conn, approved.clone())?;
            let flat = approved.into_iter().map(|row| kinerja::skp::load(conn, row)).collect::<Result<Vec<_>, _>>()?;
            Ok((serde_json::to_value(by_level).unwrap(), serde_json::to_value(flat).unwrap()))
        })
        .unwrap();
    assert_eq!(by_level.as_array().map(Vec::len), Some(449));
    assert_eq!(by_level, flat);

    // Closing freezes every score: 450 employees, the year and four quarters, each once; the
    // frozen score is the one computed before.
    app.close_period(&admin, &period_id).await;
    let frozen_score = app.get(&path, &staff).await.expect(200);
    assert_eq!(frozen_score["state"], "frozen");
    assert_eq!(frozen_score["explanation"], score["explanation"]);
    let (frozen, employees): (i64, i64) = app
        .db()
        .read_blocking(move |conn| {
            use diesel::dsl::{count, count_star};
            use kinerja::db::schema::score_snapshots;
            Ok(score_snapshots::table
                .filter(score_snapshots::period_id.eq(&period_id))
                .select((count_star(), count(score_snapshots::employee_id).aggregate_distinct()))
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!((frozen, employees), (450 * 5, 450));
}
