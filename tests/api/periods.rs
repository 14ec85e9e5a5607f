use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::{Connection, InstrumentationEvent};
use kinerja::audit::Actor;
use kinerja::domain::policy::EvaluationFrequency;
use kinerja::periods::{self, PeriodQuery};

use crate::helpers::TestApp;

#[actix_web::test]
async fn a_page_of_periods_costs_two_queries_however_many_periods_it_holds() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("period-list");
    app.db()
        .write_blocking(|conn| {
            for year in 2024..=2028 {
                periods::insert(conn, &Actor::cli("test"), &org.id, year, Some(EvaluationFrequency::Monthly))?;
            }
            Ok(())
        })
        .unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    let listed = app
        .db()
        .read_blocking(move |conn| {
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                // Reads run in a transaction (one snapshot): count the queries, not its COMMIT.
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    if query.to_string().trim_start().starts_with("SELECT") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            periods::list(conn, &org.id, &PeriodQuery::default(), None, 50)
        })
        .unwrap();
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().all(|p| p.sub_periods.len() == 12));
    assert_eq!(listed[0].year, 2028);
    assert_eq!(queries.load(Ordering::SeqCst), 2, "one query for the periods, one for all their sub-periods");
}

#[actix_web::test]
async fn policy_versions_are_a_paged_list_newest_first() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("policy-pages");
    let admin = app.token_for(&org.admin);
    let body = serde_json::json!({"note": "second", "policy": kinerja::domain::policy::ScoringPolicy::default()});
    app.put("/api/v1/policies/current", &admin, 1, body).await.expect(200);
    let first = app.get("/api/v1/policies?limit=1", &admin).await.expect(200);
    assert_eq!(first["items"][0]["version"], 2);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("/api/v1/policies?limit=1&cursor={cursor}"), &admin).await.expect(200);
    assert_eq!(second["items"][0]["version"], 1);
    assert!(second["next_cursor"].is_null());
}
