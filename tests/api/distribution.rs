//! The organisation's rating, the predicate distribution against its curve, and the
//! recommendations (tindak lanjut) with the decisions taken on them.

use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

fn scores(value: i32) -> Value {
    json!({"berorientasi_pelayanan": value, "akuntabel": value, "kompeten": value, "harmonis": value, "loyal": value, "adaptif": value, "kolaboratif": value})
}

fn assessment(
    results: &str,
    behaviour: &str,
    topics: &[&str],
    coaching: Option<&str>,
    recognition: Option<&str>,
) -> Value {
    let needs: Vec<Value> = topics.iter().map(|t| json!({"topic": t, "note": ""})).collect();
    json!({
        "results_rating": results, "behaviour_rating": behaviour, "behaviour_scores": scores(3),
        "comment": "Triwulan I", "reason": "Sesuai hasil pembahasan",
        "follow_up": {"training_needs": needs, "coaching": coaching, "recognition": recognition}
    })
}

/// The first quarter of 2026, assessed and published: the staff `sangat_baik` (training
/// "Analisis data"), the peer `kurang` (training "analisis  DATA", coaching), the supervisor
/// `baik` (training "Etika ASN", recognition). Returns (period id, quarter id).
async fn assessed_quarter(app: &TestApp, org: &Org) -> (String, String) {
    let (period, quarter) = crate::assessments::period(app, org).await;
    let supervisor = app.token_for(&org.supervisor);
    let publish = |token: String, employee: String, body: Value| {
        let (period, quarter) = (period.clone(), quarter.clone());
        async move { crate::assessments::publish(app, &token, &period, &quarter, &employee, body).await }
    };
    let above = "di_atas_ekspektasi";
    let (meets, below) = ("sesuai_ekspektasi", "di_bawah_ekspektasi");
    publish(supervisor.clone(), org.staff.id.to_string(), assessment(above, above, &["Analisis data"], None, None))
        .await;
    let peer = assessment(meets, below, &["analisis  DATA"], Some("Pendampingan mingguan"), None);
    publish(supervisor, org.peer.id.to_string(), peer).await;
    let own = assessment(meets, meets, &["Etika ASN"], None, Some("Inovasi layanan antrean"));
    publish(app.token_for(&org.head), org.supervisor.id.to_string(), own).await;
    (period, quarter)
}

#[actix_web::test]
async fn the_distribution_names_every_deviation_from_the_curve_of_the_organisations_rating() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("distribution");
    let (period, quarter) = assessed_quarter(&app, &org).await;
    let (admin, auditor) = (app.token_for(&org.admin), app.token_for(&org.auditor));
    let rating_path = format!("/api/v1/periods/{period}/organization-rating");
    let report_path = format!("/api/v1/periods/{period}/distribution?sub_period_id={quarter}");

    // No rating yet: nothing to check against, and nothing recorded to read.
    app.get(&report_path, &auditor).await.expect_problem(409, "organization_rating_missing");
    app.get(&rating_path, &admin).await.expect_problem(404, "not_found");
    // Only admins record it (the default policy), with a note.
    let baik = json!({"rating": "baik", "note": "Keputusan Bupati 800/12/2026"});
    app.put_unversioned(&rating_path, &auditor, baik.clone()).await.expect_problem(403, "forbidden");
    app.put_unversioned(&rating_path, &app.token_for(&org.head), baik.clone()).await.expect_problem(403, "forbidden");
    let refused = app.put_unversioned(&rating_path, &admin, json!({"rating": "luar_biasa", "note": "x"})).await;
    assert!([400, 422].contains(&refused.status.as_u16()), "{}", refused.status);
    let recorded = app.put_unversioned(&rating_path, &admin, baik).await.expect(200);
    assert_eq!((recorded["rating"].as_str(), recorded["version"].as_i64()), (Some("baik"), Some(1)));
    assert_eq!(recorded["recorded_by"], org.admin.id.as_str());
    // Any member of the organisation reads it.
    let read = app.get(&rating_path, &app.token_for(&org.staff)).await;
    assert_eq!(read.header("etag"), Some("\"1\""));

    // sangat_baik, kurang, baik under `baik`: baik 33.3% ≤ 70%, one kurang: it fits.
    let report = app.get(&report_path, &auditor).await.expect(200);
    assert_eq!(report["scope"]["label"], "2026-Q1");
    assert_eq!((report["counted"].as_u64(), report["without_predikat"].as_u64()), (Some(3), Some(3)));
    let organization = &report["organization"];
    assert_eq!(
        organization["counts"],
        json!({"sangat_baik": 1, "baik": 1, "butuh_perbaikan": 0, "kurang": 1, "sangat_kurang": 0})
    );
    let share = organization["percents"]["baik"].as_f64().unwrap();
    assert!((share - 100.0 / 3.0).abs() < 1e-9, "{share}");
    assert_eq!((organization["fits"].as_bool(), report["fits"].as_bool()), (Some(true), Some(true)));
    // The root unit counts its sub-unit's people; the bidang holds all three.
    let units = report["units"].as_array().unwrap();
    let unit = |id: &str| units.iter().find(|u| u["unit_id"] == id).unwrap_or_else(|| panic!("{id} in {units:?}"));
    assert_eq!(unit(&org.root.id)["check"]["total"], 3);
    assert_eq!(unit(&org.bidang.id)["unit_code"], "bidang");

    // The rating changes only with the version read; then the curve of `kurang` is broken thrice.
    let kurang = json!({"rating": "kurang", "note": "Koreksi: Keputusan Bupati 800/15/2026"});
    app.put_unversioned(&rating_path, &admin, kurang.clone()).await.expect_problem(428, "if_match_required");
    app.put(&rating_path, &admin, 7, kurang.clone()).await.expect_problem(412, "version_mismatch");
    let changed = app.put(&rating_path, &admin, 1, kurang).await.expect(200);
    assert_eq!(changed["version"], 2);
    let report = app.get(&report_path, &admin).await.expect(200);
    assert_eq!(report["organization_rating"]["rating"], "kurang");
    assert_eq!(report["fits"], false);
    let messages: Vec<&str> = report["organization"]["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec!["kurang 33.3% < 60% required", "butuh_perbaikan 0% < 10% required", "sangat_baik 33.3% > 10% allowed"]
    );
    assert_eq!(unit(&org.bidang.id)["check"]["deviations"].as_array().unwrap().len(), 0, "the old report");
    let bidang = report["units"].as_array().unwrap().iter().find(|u| u["unit_id"] == org.bidang.id.as_str()).unwrap();
    assert_eq!(bidang["check"]["deviations"].as_array().unwrap().len(), 3);

    // The same distribution as a report: the organisation's row, then each unit's, as a JSON page,
    // a CSV and a workbook; a portal with reports:read reads it too.
    let rows_path =
        format!("/api/v1/organizations/{}/reports/distribution?period_id={period}&sub_period_id={quarter}", org.id);
    let page = app.get(&rows_path, &auditor).await.expect(200);
    let rows = page["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1 + report["units"].as_array().unwrap().len());
    assert_eq!(
        (rows[0]["level"].as_str(), rows[0]["unit_code"].as_str()),
        (Some("organization"), Some("distribution"))
    );
    assert_eq!(rows[0]["counts"], report["organization"]["counts"]);
    assert_eq!(rows[0]["deviations"], report["organization"]["deviations"]);
    assert_eq!(rows[0]["allowed"].as_array().unwrap().len(), 3, "the curve of kurang: {}", rows[0]);
    let bidang_row = rows.iter().find(|r| r["unit_id"] == org.bidang.id.as_str()).unwrap();
    assert_eq!(bidang_row["level"], "unit");
    assert_eq!(bidang_row["fits"], false);
    let (portal, secret) = app.service_client(&org, &["reports:read"]).await;
    let portal = app.client_token(&portal, &secret).await;
    let csv = app.get(&format!("{rows_path}&format=csv"), &portal).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-disposition").unwrap().contains("_distribusi_2026-Q1_"));
    let text = std::str::from_utf8(&csv.body).unwrap().strip_prefix('\u{feff}').expect("a byte-order mark");
    let records: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), rows.len());
    let header: Vec<&str> =
        <kinerja::reports::DistributionReportRow as kinerja::reports::format::Tabular>::COLUMNS.to_vec();
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    assert_eq!(&records[0][col("kurang")], "1");
    assert_eq!(&records[0][col("fits")], "no");
    assert_eq!(
        &records[0][col("deviations")],
        "kurang 33.3% < 60% required; butuh_perbaikan 0% < 10% required; sangat_baik 33.3% > 10% allowed"
    );
    let xlsx = app.get(&format!("{rows_path}&format=xlsx"), &auditor).await;
    assert_eq!(xlsx.status, 200);
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(xlsx.body.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "Distribusi").unwrap();
    let first = sheet.rows().nth(1).unwrap();
    assert_eq!(first[col("total")], calamine::Data::Float(3.0));
    let calamine::Data::Float(kurang_share) = first[col("kurang_percent")] else { panic!("a number") };
    assert!((kurang_share - 100.0 / 3.0).abs() < 1e-9);
    app.get(&rows_path, &app.token_for(&org.staff)).await.expect_problem(403, "forbidden");
    let others = format!("/api/v1/organizations/{}/reports/distribution?period_id={period}", org.id);
    let outsider = app.seed_org("distribution-c");
    app.get(&others, &app.token_for(&outsider.auditor)).await.expect_problem(404, "not_found");
    // Reported, never corrected: the staff's predicate is what the supervisor gave.
    let score = format!("/api/v1/employees/{}/score?period_id={period}&sub_period_id={quarter}", org.staff.id);
    assert_eq!(app.get(&score, &admin).await.expect(200)["explanation"]["predicate"]["predikat"], "sangat_baik");

    // Both recordings are in the audit trail.
    let audit = app.get("/api/v1/audit-events?resource_type=organization_rating", &auditor).await.expect(200);
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);

    // Who may not see it: staff and supervisors (403), another organisation (404).
    app.get(&report_path, &app.token_for(&org.supervisor)).await.expect_problem(403, "forbidden");
    let other = app.seed_org("distribution-b");
    app.get(&report_path, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    app.put(&rating_path, &app.token_for(&other.admin), 2, json!({"rating": "baik", "note": "Bukan milik kami"}))
        .await
        .expect_problem(404, "not_found");

    // A closed period's rating stands.
    app.close_period(&admin, &period).await;
    app.put(&rating_path, &admin, 2, json!({"rating": "baik", "note": "Terlambat"}))
        .await
        .expect_problem(409, "period_closed");
    // The closed period's report reads the frozen scores: the same counts.
    let frozen = app.get(&report_path, &auditor).await.expect(200);
    assert_eq!(frozen["organization"]["counts"], report["organization"]["counts"]);
    assert_eq!(frozen["organization"]["deviations"], report["organization"]["deviations"]);
}

#[actix_web::test]
async fn recommendations_group_training_by_topic_and_record_the_decisions_taken() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("recommend");
    let (period, quarter) = assessed_quarter(&app, &org).await;
    let (admin, auditor) = (app.token_for(&org.admin), app.token_for(&org.auditor));
    let path = format!("/api/v1/periods/{period}/recommendations?sub_period_id={quarter}");

    let report = app.get(&path, &auditor).await.expect(200);
    let ids = |list: &Value| -> Vec<String> {
        let mut ids: Vec<String> =
            list.as_array().unwrap().iter().map(|e| e["employee_id"].as_str().unwrap().to_string()).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let (staff, peer, supervisor) = (org.staff.id.to_string(), org.peer.id.to_string(), org.supervisor.id.to_string());
    // Recognition: the staff by predicate, the supervisor by the plan.
    assert_eq!(ids(&report["recognition"]), sorted(vec![staff.clone(), supervisor.clone()]));
    let by_staff =
        report["recognition"].as_array().unwrap().iter().find(|e| e["employee_id"] == staff.as_str()).unwrap();
    assert_eq!(by_staff["reasons"], json!(["predikat sangat_baik"]));
    assert_eq!(
        (by_staff["nip"].as_str(), by_staff["predikat"].as_str()),
        (Some(org.staff.nip.as_str()), Some("sangat_baik"))
    );
    // Training by topic: "Analisis data" and "analisis  DATA" are one course of two.
    let training = report["training"].as_array().unwrap();
    let topics: Vec<(&str, &str)> =
        training.iter().map(|t| (t["topic"].as_str().unwrap(), t["topic_key"].as_str().unwrap())).collect();
    assert_eq!(topics, vec![("Analisis data", "analisis data"), ("Etika ASN", "etika asn")]);
    assert_eq!(ids(&training[0]["employees"]), sorted(vec![staff.clone(), peer.clone()]));
    assert_eq!(ids(&training[1]["employees"]), vec![supervisor.clone()]);
    // The peer's kurang: coaching (the plan) and a warning (the predicate).
    assert_eq!(ids(&report["coaching"]), vec![peer.clone()]);
    assert_eq!(ids(&report["warning"]), vec![peer.clone()]);
    assert_eq!(report["warning"][0]["reasons"], json!(["predikat kurang"]));
    assert!(report["warning"][0]["decision"].is_null());
    // One unit: the root alone holds nobody assessed; with its sub-units, everyone.
    let root = format!("{path}&unit_id={}", org.root.id);
    assert_eq!(app.get(&root, &admin).await.expect(200)["warning"].as_array().unwrap().len(), 0);
    let all = app.get(&format!("{root}&include_sub_units=true"), &admin).await.expect(200);
    assert_eq!(all["warning"].as_array().unwrap().len(), 1);
    // The year has no assessment yet: nothing recommended.
    let year = app.get(&format!("/api/v1/periods/{period}/recommendations"), &admin).await.expect(200);
    assert!(year["recognition"].as_array().unwrap().is_empty() && year["training"].as_array().unwrap().is_empty());

    // People decide: the admin accepts the course for the staff, named as anyone writes it.
    let decisions = format!("/api/v1/periods/{period}/recommendation-decisions");
    let body = json!({"employee_id": staff, "sub_period_id": quarter, "kind": "training", "topic": "ANALISIS   data",
                      "decision": "accepted", "note": "Diklat teknis angkatan II"});
    app.post(&decisions, &auditor, body.clone()).await.expect_problem(403, "forbidden");
    app.post(&decisions, &app.token_for(&org.supervisor), body.clone()).await.expect_problem(403, "forbidden");
    let decided = app.post(&decisions, &admin, body.clone()).await.expect(201);
    assert_eq!(
        (decided["topic"].as_str(), decided["decided_by"].as_str(), decided["decision"].as_str()),
        (Some("analisis data"), Some(org.admin.id.as_str()), Some("accepted"))
    );
    app.post(&decisions, &admin, body).await.expect_problem(409, "already_decided");
    // Not recommended, or not what a recommendation is: refused.
    let not_recommended =
        json!({"employee_id": peer, "sub_period_id": quarter, "kind": "recognition", "decision": "accepted"});
    app.post(&decisions, &admin, not_recommended).await.expect_problem(409, "not_recommended");
    let other_topic = json!({"employee_id": supervisor, "sub_period_id": quarter, "kind": "training", "topic": "Analisis data", "decision": "declined"});
    app.post(&decisions, &admin, other_topic).await.expect_problem(409, "not_recommended");
    let no_topic = json!({"employee_id": staff, "sub_period_id": quarter, "kind": "training", "decision": "accepted"});
    assert_eq!(app.post(&decisions, &admin, no_topic).await.expect(422)["errors"][0]["field"], "topic");
    let warning = json!({"employee_id": peer, "sub_period_id": quarter, "kind": "warning", "decision": "declined",
                         "note": "Teguran lisan cukup"});
    app.post(&decisions, &admin, warning).await.expect(201);

    // The decisions are listed with their recommendations, and audited.
    let report = app.get(&path, &auditor).await.expect(200);
    let course = &report["training"][0]["employees"];
    let staff_entry = course.as_array().unwrap().iter().find(|e| e["employee_id"] == staff.as_str()).unwrap();
    assert_eq!(staff_entry["decision"]["id"], decided["id"]);
    let peer_entry = course.as_array().unwrap().iter().find(|e| e["employee_id"] == peer.as_str()).unwrap();
    assert!(peer_entry["decision"].is_null());
    assert_eq!(report["warning"][0]["decision"]["note"], "Teguran lisan cukup");
    let audit = app.get("/api/v1/audit-events?resource_type=recommendation_decision", &auditor).await.expect(200);
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);

    // Another organisation sees nothing; staff are refused.
    let other = app.seed_org("recommend-b");
    app.get(&path, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    app.get(&path, &app.token_for(&org.staff)).await.expect_problem(403, "forbidden");
}

/// How many SELECTs the organisation's distribution report costs.
fn queries_for_the_report(app: &TestApp, period_id: &str, quarter: &str) -> usize {
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let queries = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    let (period_id, quarter) = (period_id.to_string(), quarter.to_string());
    app.db()
        .read_blocking(move |conn| {
            let period = kinerja::periods::find(conn, &period_id)?;
            let scope = kinerja::scores::store::scope(
                conn,
                &period.organization_id,
                &period_id,
                Some(&quarter),
                kinerja::clock::Clock::System,
            )?;
            let rating = kinerja::distribution::store::rating_of(conn, &period_id)?.unwrap();
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    if query.to_string().trim_start().starts_with("SELECT") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            kinerja::distribution::store::report(conn, &scope, rating, false)
        })
        .unwrap();
    queries.load(Ordering::SeqCst)
}

#[actix_web::test]
async fn the_report_costs_the_same_queries_however_many_employees() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("distcount");
    let (period, quarter) = assessed_quarter(&app, &org).await;
    let admin = app.token_for(&org.admin);
    let rating = json!({"rating": "baik", "note": "Keputusan Bupati"});
    app.put_unversioned(&format!("/api/v1/periods/{period}/organization-rating"), &admin, rating).await.expect(200);
    let before = queries_for_the_report(&app, &period, &quarter);
    // Five more employees, one of them assessed.
    for n in 0..5 {
        let body = json!({"nip": crate::helpers::nip(960, n), "name": format!("Tambahan {n}"), "position": "Pelaksana",
                          "job_level": "pelaksana", "unit_id": org.bidang.id, "supervisor_id": org.supervisor.id});
        let added = app.post("/api/v1/employees", &admin, body).await.expect(201);
        if n == 0 {
            let id = added["id"].as_str().unwrap();
            let body = assessment("sesuai_ekspektasi", "sesuai_ekspektasi", &[], None, None);
            crate::assessments::publish(&app, &app.token_for(&org.supervisor), &period, &quarter, id, body).await;
        }
    }
    assert_eq!(before, queries_for_the_report(&app, &period, &quarter), "no query per employee");
    assert!(before <= 20, "{before} queries");
}
