//! The organisation's calendar decides: at 06:00 WIB on a quarter's first day (23:00 UTC the day
//! before) a citizen's rating counts in the new quarter and the new quarter takes achievements.
//! The service reads the time from its clock, fixed here at that instant.

use chrono::{DateTime, Utc};
use kinerja::clock::Clock;
use serde_json::{json, Value};

use crate::achievements::approved_skp;
use crate::helpers::TestApp;
use crate::skp::Planning;

/// 1 October 2026, 06:00 in Jakarta (UTC+7): still 30 September in UTC.
const SIX_IN_THE_MORNING_WIB: &str = "2026-09-30T23:00:00Z";
/// 30 September 2026, 23:59 in Jakarta: the third quarter's last minute.
const LAST_MINUTE_OF_Q3_WIB: &str = "2026-09-30T16:59:00Z";

fn at(instant: &str) -> Clock {
    Clock::Fixed(instant.parse::<DateTime<Utc>>().unwrap())
}

fn quarter(period: &Value, n: usize) -> String {
    period["sub_periods"][n]["id"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn a_citizen_rating_at_six_in_the_morning_wib_counts_in_the_new_quarter() {
    let app = TestApp::spawn_at(at(SIX_IN_THE_MORNING_WIB), |_| {}).await;
    let org = app.seed_org("tz-skm");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2026})).await.expect(201);
    let (client_id, secret) = app.service_client(&org, &["rating_tickets:issue"]).await;
    let portal = app.client_token(&client_id, &secret).await;
    let scores = json!({"persyaratan": 4, "prosedur": 4, "waktu_penyelesaian": 4, "biaya_tarif": 4, "produk_layanan": 4,
        "kompetensi_pelaksana": 4, "perilaku_pelaksana": 4, "penanganan_pengaduan": 4, "sarana_prasarana": 4});
    // One citizen rates at 06:00 WIB on 1 October; another, on an instance whose clock stands at
    // 23:59 WIB the evening before.
    let evening = app.another_instance_at(at(LAST_MINUTE_OF_Q3_WIB)).await;
    for instance in [&app, &evening] {
        let issued = instance
            .post("/api/v1/rating-tickets", &portal, json!({"unit_id": org.bidang.id, "officer_id": org.staff.id}))
            .await
            .expect(201);
        instance
            .request(
                actix_web::http::Method::POST,
                "/api/v1/public/citizen-ratings",
                None,
                Some(json!({"ticket": issued["token"], "scores": scores})),
            )
            .await
            .expect(201);
    }

    let index = |sub: String| {
        let path = format!(
            "/api/v1/employees/{}/citizen-index?period_id={}&sub_period_id={sub}",
            org.staff.id,
            period["id"].as_str().unwrap()
        );
        let app = &app;
        let admin = admin.clone();
        async move { app.get(&path, &admin).await.expect(200)["result"]["respondents"].as_i64() }
    };
    assert_eq!(index(quarter(&period, 3)).await, Some(1), "the morning's rating counts in the fourth quarter");
    assert_eq!(index(quarter(&period, 2)).await, Some(1), "the evening's in the third");
}

#[actix_web::test]
async fn a_quarter_takes_achievements_from_its_first_morning_in_the_organisations_time_zone() {
    let app = TestApp::spawn_at(at(LAST_MINUTE_OF_Q3_WIB), |_| {}).await;
    let org = app.seed_org("tz-capaian");
    let plan = Planning::start_in(&app, &org, 2026).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    let approved = approved_skp(&app, &plan, &staff, &supervisor, false).await;
    let period = app.get(&format!("/api/v1/periods/{}", plan.period_id), &staff).await.expect(200);
    let body = json!({"indicator_id": approved.indicator_id, "aspect": "kuantitas", "sub_period_id": quarter(&period, 3),
        "realised": 40, "note": "Oktober minggu pertama"});

    let early = app.post("/api/v1/achievements", &staff, body.clone()).await.expect(422);
    assert_eq!(early["errors"][0]["code"], "not_started");
    let morning = app.another_instance_at(at(SIX_IN_THE_MORNING_WIB)).await;
    let recorded = morning.post("/api/v1/achievements", &staff, body).await.expect(201);
    assert_eq!(recorded["submitted_at"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), at_instant());
}

fn at_instant() -> DateTime<Utc> {
    SIX_IN_THE_MORNING_WIB.parse().unwrap()
}
