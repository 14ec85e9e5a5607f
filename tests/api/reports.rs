//! Reports: the score table and the citizen index as JSON pages, CSV, XLSX and JSON Lines, read
//! back with a CSV parser and a spreadsheet reader; who may read them.

use std::io::Cursor;

use actix_web::test::TestRequest;
use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

/// A name that needs every kind of CSV care: a comma, quotes, an apostrophe and an é.
const HARD_NAME: &str = "Sitorus, \"Ucok\" D'Arcy Ré";

async fn get_as(app: &TestApp, path: &str, token: &str, accept: Option<&str>) -> crate::helpers::TestResponse {
    let mut req = TestRequest::get().uri(path).insert_header(("authorization", format!("Bearer {token}")));
    if let Some(accept) = accept {
        req = req.insert_header(("accept", accept));
    }
    app.send(req).await
}

/// Every record of a CSV body, after checking its byte-order mark.
fn csv_records(body: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(body).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("starts with a byte-order mark");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

/// Every row of a workbook's sheet.
fn sheet_rows(body: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(body.to_vec())).expect("a workbook");
    let range = book.worksheet_range(sheet).expect("the sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// The 2026 plan of the staff, and the supervisor's published first-quarter assessments: the staff
/// meets expectations on both (baik), the peer exceeds them (sangat_baik).
async fn assessed_quarter(app: &TestApp, org: &Org) -> (String, String) {
    let period = crate::scores::planned_in(app, org, 2026).await;
    let period_id = period["id"].as_str().unwrap().to_string();
    let quarter = period["sub_periods"][0]["id"].as_str().unwrap().to_string();
    let supervisor = app.token_for(&org.supervisor);
    let meets = crate::assessments::content("sesuai_ekspektasi", "sesuai_ekspektasi", 3);
    crate::assessments::publish(app, &supervisor, &period_id, &quarter, &org.staff.id, meets).await;
    let above = crate::assessments::content("di_atas_ekspektasi", "di_atas_ekspektasi", 5);
    crate::assessments::publish(app, &supervisor, &period_id, &quarter, &org.peer.id, above).await;
    (period_id, quarter)
}

#[actix_web::test]
async fn the_score_table_pages_as_json_and_downloads_as_csv_and_xlsx() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("laporan");
    app.execute_sql(&format!(
        "UPDATE employees SET name = '{}' WHERE id = '{}'",
        HARD_NAME.replace('\'', "''"),
        org.staff.id
    ));
    let (period_id, quarter) = assessed_quarter(&app, &org).await;
    let auditor = app.token_for(&org.auditor);
    let base = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}&sub_period_id={quarter}", org.id);

    // JSON: a page of the whole organisation, by NIP, with names, units and supervisors.
    let page = app.get(&base, &auditor).await.expect(200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    let nips: Vec<&str> = items.iter().map(|i| i["nip"].as_str().unwrap()).collect();
    let mut sorted = nips.clone();
    sorted.sort();
    assert_eq!(nips, sorted);
    let staff = items.iter().find(|i| i["employee_id"] == org.staff.id.as_str()).unwrap();
    assert_eq!(
        (staff["name"].as_str(), staff["unit_name"].as_str(), staff["supervisor_name"].as_str()),
        (Some(HARD_NAME), Some(org.bidang.name.as_str()), Some(org.supervisor.name.as_str()))
    );
    assert_eq!((staff["period"].as_str(), staff["position"].as_str()), (Some("2026-Q1"), Some("Analis")));
    assert_eq!(
        (staff["final_results"].as_str(), staff["final_behaviour"].as_str(), staff["predikat"].as_str()),
        (Some("sesuai_ekspektasi"), Some("sesuai_ekspektasi"), Some("baik"))
    );
    assert_eq!((staff["state"].as_str(), staff["policy_version"].as_i64()), (Some("live"), Some(1)));
    assert_eq!(staff["nilai_hasil_kerja"], 0.0);
    assert_eq!(staff["behaviour_mean"], 3.0);
    assert!(staff["nilai_kinerja"].as_f64().is_some() && staff.get("inputs").is_none());
    // The score report says what the employee's own score says.
    let own = app
        .get(
            &format!("/api/v1/employees/{}/score?period_id={period_id}&sub_period_id={quarter}", org.staff.id),
            &auditor,
        )
        .await
        .expect(200);
    assert_eq!(staff["nilai_kinerja"], own["explanation"]["nilai_kinerja"]["value"]);

    // Pages follow the cursor; filters by predicate and by unit.
    let first = app.get(&format!("{base}&limit=4"), &auditor).await.expect(200);
    let next = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{base}&limit=4&cursor={next}"), &auditor).await.expect(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second["next_cursor"].is_null());
    let baik = app.get(&format!("{base}&predikat=baik&limit=1"), &auditor).await.expect(200);
    assert_eq!(baik["items"].as_array().unwrap().len(), 1);
    assert_eq!(baik["items"][0]["employee_id"], org.staff.id.as_str());
    assert!(baik["next_cursor"].is_null(), "one employee is baik: {baik}");
    let sangat = app.get(&format!("{base}&predikat=sangat_baik"), &auditor).await.expect(200);
    assert_eq!(sangat["items"][0]["employee_id"], org.peer.id.as_str());
    let root = format!("{base}&unit_id={}", org.root.id);
    assert_eq!(app.get(&root, &auditor).await.expect(200)["items"].as_array().unwrap().len(), 3);
    let tree = app.get(&format!("{root}&include_sub_units=true"), &auditor).await.expect(200);
    assert_eq!(tree["items"].as_array().unwrap().len(), 6);

    // CSV, asked for by Accept: a byte-order mark, a header, every row, quoting that reads back.
    let csv = get_as(&app, &base, &auditor, Some("text/csv")).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = csv.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment; filename=\"laporan_skor_2026-Q1_"), "{disposition}");
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let records = csv_records(&csv.body);
    let columns: Vec<String> = <kinerja::reports::ScoreReportRow as kinerja::reports::format::Tabular>::COLUMNS
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(records[0], columns);
    assert_eq!(records.len(), 7);
    let col = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let staff_line = records.iter().find(|r| r[col("employee_id")] == org.staff.id).unwrap();
    assert_eq!(staff_line[col("name")], HARD_NAME);
    assert_eq!(staff_line[col("predikat")], "baik");
    assert_eq!(staff_line[col("nilai_kinerja")].parse::<f64>().unwrap(), staff["nilai_kinerja"].as_f64().unwrap());
    assert!(std::str::from_utf8(&csv.body).unwrap().contains("\"Sitorus, \"\"Ucok\"\" D'Arcy Ré\""));
    // The predicate filter holds in files too.
    let filtered = app.get(&format!("{base}&predikat=baik&format=csv"), &auditor).await;
    assert_eq!(csv_records(&filtered.body).len(), 2);

    // XLSX, asked for by the format parameter: numbers as numbers under a header row.
    let xlsx = app.get(&format!("{base}&format=xlsx"), &auditor).await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(xlsx.header("content-type"), Some(kinerja::reports::format::XLSX));
    assert!(xlsx.header("content-disposition").unwrap().ends_with(".xlsx\""));
    let rows = sheet_rows(&xlsx.body, "Skor");
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0][col("nilai_kinerja")], Data::String("nilai_kinerja".into()));
    let staff_row = rows.iter().find(|r| r[col("employee_id")] == Data::String(org.staff.id.to_string())).unwrap();
    assert_eq!(staff_row[col("name")], Data::String(HARD_NAME.into()));
    assert_eq!(staff_row[col("nilai_kinerja")], Data::Float(staff["nilai_kinerja"].as_f64().unwrap()));
    assert_eq!(staff_row[col("behaviour_mean")], Data::Float(3.0));
    assert_eq!(staff_row[col("policy_version")], Data::Float(1.0));
    let head_row = rows.iter().find(|r| r[col("employee_id")] == Data::String(org.head.id.to_string())).unwrap();
    assert_eq!(head_row[col("nilai_hasil_kerja")], Data::Empty, "no SKP, no number");

    // Closed, the period's scores are frozen: the report says so and names the snapshot; with
    // include=inputs each row carries what its score was computed from, the policy included.
    app.close_period(&app.token_for(&org.admin), &period_id).await;
    let frozen = app.get(&format!("{base}&include=inputs&predikat=baik"), &auditor).await.expect(200);
    let row = &frozen["items"][0];
    assert_eq!((row["state"].as_str(), row["snapshot"].as_i64()), (Some("frozen"), Some(1)));
    assert_eq!(row["nilai_kinerja"], staff["nilai_kinerja"]);
    assert_eq!(row["inputs"]["policy_version"], 1);
    assert_eq!(row["inputs"]["supervisor_ratings"]["results"], "sesuai_ekspektasi");
    assert_eq!(row["inputs"]["targets"].as_array().unwrap().len(), 2);
    let inputs: kinerja::domain::engine::ScoreInputs = serde_json::from_value(row["inputs"].clone()).unwrap();
    let again = kinerja::domain::engine::compute(&inputs).unwrap();
    assert_eq!(again.nilai_kinerja.map(|n| n.value), row["nilai_kinerja"].as_f64());
    let lines = app.get(&format!("{base}&include=inputs&format=jsonl"), &auditor).await;
    assert_eq!(lines.header("content-type"), Some("application/jsonl"));
    let parsed: Vec<Value> =
        std::str::from_utf8(&lines.body).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(parsed.len(), 6);
    assert!(parsed.iter().all(|r| r["state"] == "frozen" && r["inputs"]["policy"].is_object()));
    let missing = app.get(&format!("{base}&snapshot=2"), &auditor).await;
    missing.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn reports_refuse_other_organisations_plain_staff_and_portals_without_the_scope() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("laporan-tolak");
    let other = app.seed_org("laporan-lain");
    let period = app.post("/api/v1/periods", &app.token_for(&org.admin), json!({"year": 2026})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let scores = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", org.id);
    let citizen = format!("/api/v1/organizations/{}/reports/citizen-index?period_id={period_id}", org.id);
    for path in [&scores, &citizen] {
        for format in ["json", "csv", "xlsx", "jsonl"] {
            let path = format!("{path}&format={format}");
            app.get(&path, &app.token_for(&other.auditor)).await.expect_problem(404, "not_found");
            app.get(&path, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
            app.get(&path, &app.token_for(&org.staff)).await.expect_problem(403, "forbidden");
            app.get(&path, &app.token_for(&org.supervisor)).await.expect_problem(403, "forbidden");
        }
        app.get(path, &app.token_for(&org.admin)).await.expect(200);
        app.get(path, &app.token_for(&org.auditor)).await.expect(200);
    }
    // Another organisation's auditor asking about their own organisation with this period: no such period.
    let theirs = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", other.id);
    app.get(&theirs, &app.token_for(&other.auditor)).await.expect_problem(404, "not_found");
    // A unit of another organisation is not found either.
    let foreign_unit = format!("{scores}&unit_id={}", other.root.id);
    app.get(&foreign_unit, &app.token_for(&org.auditor)).await.expect_problem(404, "not_found");

    // Portals: reports:read reads both reports; another scope is refused.
    let (id, secret) = app.service_client(&org, &["reports:read"]).await;
    let reader = app.client_token(&id, &secret).await;
    app.get(&scores, &reader).await.expect(200);
    let csv = app.get(&format!("{citizen}&format=csv"), &reader).await;
    assert_eq!(csv.status, 200);
    let (id, secret) = app.service_client(&org, &["employees:read", "organization:read"]).await;
    let directory = app.client_token(&id, &secret).await;
    app.get(&scores, &directory).await.expect_problem(403, "forbidden");
    // Bad input is a problem document, not a file.
    app.get(&format!("{scores}&format=pdf"), &app.token_for(&org.auditor)).await.expect(400);
    app.get(&format!("{scores}&predikat=luar_biasa"), &app.token_for(&org.auditor)).await.expect(400);
    let bad_sub = format!("{scores}&sub_period_id=nope&format=csv");
    app.get(&bad_sub, &app.token_for(&org.auditor)).await.expect(422);
}

#[actix_web::test]
async fn the_citizen_index_report_lists_each_service_unit_for_the_year_and_its_quarters() {
    let app = TestApp::spawn_with(|s| s.public_rate_limit_per_minute = 1000).await;
    let org = app.seed_org("laporan-skm");
    let admin = app.token_for(&org.admin);
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let period = app.post("/api/v1/periods", &admin, json!({"year": year})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let (client_id, secret) = app.service_client(&org, &["rating_tickets:issue"]).await;
    let portal = app.client_token(&client_id, &secret).await;
    // Ten citizens served by the staff in the bidang: persyaratan seven 4s and three 3s, the rest
    // 3: NRR 3.7 and 3.0, IKM 3.0778, converted 76.94, band B.
    for i in 0..10 {
        let issued = app
            .post(
                "/api/v1/rating-tickets",
                &portal,
                json!({"unit_id": org.bidang.id, "officer_id": org.staff.id, "reference": "L-1"}),
            )
            .await
            .expect(201);
        let mut scores = json!({"persyaratan": 3, "prosedur": 3, "waktu_penyelesaian": 3, "biaya_tarif": 3, "produk_layanan": 3,
            "kompetensi_pelaksana": 3, "perilaku_pelaksana": 3, "penanganan_pengaduan": 3, "sarana_prasarana": 3});
        scores["persyaratan"] = json!(if i < 7 { 4 } else { 3 });
        let rate = TestRequest::post()
            .uri("/api/v1/public/citizen-ratings")
            .peer_addr(format!("10.0.1.{i}:5000").parse().unwrap())
            .insert_header(("content-type", "application/json"))
            .set_payload(json!({"ticket": issued["token"], "scores": scores}).to_string());
        app.send(rate).await.expect(201);
    }
    let auditor = app.token_for(&org.auditor);
    let base = format!("/api/v1/organizations/{}/reports/citizen-index?period_id={period_id}", org.id);
    let page = app.get(&base, &auditor).await.expect(200);
    let items = page["items"].as_array().unwrap();
    // The organisation, then two service units (the bidang sorts before the root by name), each the
    // year and four quarters.
    assert_eq!(items.len(), 15);
    let labels: Vec<&str> = items[..5].iter().map(|i| i["period"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [year.to_string(), format!("{year}-Q1"), format!("{year}-Q2"), format!("{year}-Q3"), format!("{year}-Q4")]
    );
    let bidang_year = &items[5];
    assert_eq!(
        (bidang_year["unit_id"].as_str(), bidang_year["level"].as_str()),
        (Some(org.bidang.id.as_str()), Some("unit"))
    );
    assert_eq!(
        (bidang_year["result"]["status"].as_str(), bidang_year["result"]["respondents"].as_i64()),
        (Some("index"), Some(10))
    );
    let converted = bidang_year["result"]["converted"].as_f64().unwrap();
    assert!((converted - 25.0 * (3.7 + 8.0 * 3.0) / 9.0).abs() < 1e-9, "{converted}");
    assert_eq!(bidang_year["result"]["mutu"], "B");
    let this_quarter = items[6..10].iter().filter(|i| i["result"]["respondents"] == 10).count();
    assert_eq!(this_quarter, 1, "the ratings fall in one quarter");
    assert_eq!(items[10]["unit_id"], org.root.id.as_str());
    assert_eq!(items[10]["result"]["status"], "not_enough_responses");
    // The organisation's rows: every rating of its service units together, the same quarter.
    let organization_year = &items[0];
    assert_eq!(
        (
            organization_year["level"].as_str(),
            organization_year["unit_code"].as_str(),
            organization_year["unit_id"].as_str()
        ),
        (Some("organization"), Some("laporan-skm"), None)
    );
    assert_eq!(organization_year["result"]["respondents"], 10);
    assert_eq!(organization_year["result"]["converted"].as_f64(), Some(converted));
    assert_eq!(items[1..5].iter().filter(|i| i["result"]["respondents"] == 10).count(), 1);
    // Paging by three follows the same order.
    let first = app.get(&format!("{base}&limit=3"), &auditor).await.expect(200);
    let next = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{base}&limit=3&cursor={next}"), &auditor).await.expect(200);
    assert_eq!(second["items"][0], items[3]);
    // Only the root's subtree asked for: both units; the bidang alone: five rows.
    let only = app.get(&format!("{base}&unit_id={}", org.bidang.id), &auditor).await.expect(200);
    assert_eq!(only["items"].as_array().unwrap().len(), 5);

    // CSV and XLSX: the element means read back as numbers.
    let csv = app.get(&format!("{base}&format=csv"), &auditor).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-disposition").unwrap().contains(&format!("laporan-skm_indeks-skm_{year}_")));
    let records = csv_records(&csv.body);
    assert_eq!(records.len(), 16);
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    assert_eq!((records[1][col("level")].as_str(), records[6][col("level")].as_str()), ("organization", "unit"));
    assert_eq!(records[6][col("persyaratan")].parse::<f64>().unwrap(), 3.7);
    assert_eq!((records[6][col("mutu")].as_str(), records[6][col("respondents")].as_str()), ("B", "10"));
    assert_eq!(records[11][col("status")], "not_enough_responses");
    assert_eq!(records[11][col("persyaratan")], "");
    let xlsx = app.get(&format!("{base}&format=xlsx"), &auditor).await;
    let rows = sheet_rows(&xlsx.body, "Indeks SKM");
    assert_eq!(rows.len(), 16);
    assert_eq!(rows[1][col("persyaratan")], Data::Float(3.7));
    assert_eq!(rows[1][col("respondents")], Data::Float(10.0));
    // JSON Lines: one object a line, the same rows.
    let lines = app.get(&format!("{base}&format=jsonl"), &auditor).await;
    let parsed: Vec<Value> =
        std::str::from_utf8(&lines.body).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(parsed, *items);

    // The score table carries the officer's index.
    let scores = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", org.id);
    let rows = app.get(&scores, &auditor).await.expect(200);
    let staff = rows["items"].as_array().unwrap().iter().find(|i| i["employee_id"] == org.staff.id.as_str()).unwrap();
    assert_eq!(staff["citizen_index"].as_f64(), Some(converted));
}

#[actix_web::test]
async fn the_supervisor_column_names_the_supervisor_in_force_during_the_period() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("laporan-mutasi");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2026})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let first_quarter = period["sub_periods"][0]["id"].as_str().unwrap();
    // The staff reported to the supervisor from January (the history as recorded), and to the
    // head from June on (mutasi).
    app.execute_sql(&format!(
        "UPDATE reporting_lines SET effective_from = '2026-01-01' WHERE employee_id = '{}'",
        org.staff.id
    ));
    let mutasi = json!({"unit_id": org.bidang.id, "supervisor_id": org.head.id, "effective_from": "2026-06-01",
        "reason": "Mutasi (SK 800/1/2026)"});
    app.post(&format!("/api/v1/employees/{}/reporting-line", org.staff.id), &admin, mutasi).await.expect(201);
    let auditor = app.token_for(&org.auditor);
    let supervisor_in = |report: &Value| {
        let staff = report["items"].as_array().unwrap().iter().find(|i| i["employee_id"] == org.staff.id.as_str());
        staff.unwrap()["supervisor_name"].as_str().map(str::to_string)
    };
    let base = format!("/api/v1/organizations/{}/reports/scores?period_id={period_id}", org.id);
    let quarter = app.get(&format!("{base}&sub_period_id={first_quarter}"), &auditor).await.expect(200);
    assert_eq!(supervisor_in(&quarter).as_deref(), Some(org.supervisor.name.as_str()), "Q1: before the mutasi");
    let year = app.get(&base, &auditor).await.expect(200);
    assert_eq!(
        supervisor_in(&year).as_deref(),
        Some(org.head.name.as_str()),
        "the year: the line at its end (or today)"
    );
    // The CSV says the same.
    let csv = app.get(&format!("{base}&sub_period_id={first_quarter}&format=csv"), &auditor).await;
    let records = csv_records(&csv.body);
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let staff = records.iter().find(|r| r[col("employee_id")] == org.staff.id).unwrap();
    assert_eq!(staff[col("supervisor_name")], org.supervisor.name);
}

/// A row of the snapshot test's report: one unit.
#[derive(serde::Serialize)]
struct UnitLine {
    code: String,
}

impl kinerja::reports::format::Tabular for UnitLine {
    const COLUMNS: &'static [&'static str] = &["code"];
    const SHEET: &'static str = "Units";
    fn cells(&self) -> Vec<kinerja::reports::format::Cell> {
        vec![self.code.as_str().into()]
    }
}

#[actix_web::test]
async fn a_file_is_one_snapshot_even_when_rows_are_written_while_it_streams() {
    use actix_web::body::MessageBody;
    use diesel::prelude::*;
    use kinerja::db::schema::units;
    use kinerja::reports::format::{respond, PageFn, Report, ReportFormat, CHUNKS_IN_FLIGHT, FILE_PAGE};

    let app = TestApp::spawn().await;
    let org = app.seed_org("laporan-snapshot");
    // Enough rows for many more pages than the reader may run ahead of the client.
    let before = FILE_PAGE as usize * (CHUNKS_IN_FLIGHT + 3);
    let insert = |from: usize, to: usize, prefix: &'static str| {
        let org_id = org.id.clone();
        app.db()
            .write_blocking(move |conn| {
                for n in from..to {
                    let input = kinerja::units::UnitInput {
                        parent_id: None,
                        code: format!("{prefix}{n:05}"),
                        name: format!("Seksi {n}"),
                        kind: kinerja::units::UnitKind::Seksi,
                        is_service_unit: false,
                    };
                    kinerja::units::insert(conn, &kinerja::audit::Actor::cli("test"), &org_id, input)?;
                }
                Ok(())
            })
            .unwrap();
    };
    insert(0, before, "a");
    let org_id = org.id.to_string();
    let pages: PageFn<UnitLine> = std::sync::Arc::new(move |conn, page| {
        let mut q = units::table.filter(units::organization_id.eq(org_id.clone())).into_boxed();
        if let Some(after) = &page.after {
            q = q.filter(units::code.gt(after.clone()));
        }
        let codes: Vec<String> = q.order(units::code.asc()).limit(page.fetch_limit()).select(units::code).load(conn)?;
        Ok(page.page(codes, |c| c.clone(), |code| UnitLine { code }))
    });
    let first = kinerja::pagination::PageRequest::new(None, None).unwrap();
    let report = Report { pages, file_stem: "snapshot".into() };
    let response = respond(app.db(), ReportFormat::Csv, first, report).await.unwrap();
    let mut body: actix_web::body::BoxBody = response.into_body();
    async fn next(body: &mut actix_web::body::BoxBody) -> Option<actix_web::web::Bytes> {
        let chunk = futures_util::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_next(cx)).await;
        chunk.map(|c| c.expect("the file streams to its end"))
    }
    let mut text = Vec::new();
    text.extend(next(&mut body).await.unwrap());
    // While the file streams: rows added after those read so far, and one of the last removed.
    insert(0, 3, "z");
    app.execute_sql(&format!("DELETE FROM units WHERE organization_id = '{}' AND code = 'a{:05}'", org.id, before - 1));
    while let Some(chunk) = next(&mut body).await {
        text.extend(chunk);
    }
    let records = csv_records(&text);
    let codes: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    // The root and the bidang (their codes sort first), then every unit as it was when the file began.
    assert_eq!(codes.len(), 2 + before, "{:?}", &codes[codes.len().saturating_sub(3)..]);
    assert!(codes.contains(&format!("a{:05}", before - 1).as_str()), "the removed row is still in the snapshot");
    assert!(codes.iter().all(|c| !c.starts_with('z')), "no row written after it began");
}

/// Runs a Python script of the repository on `input` (written to a temporary file): its exit
/// status and what it printed.
fn python(script: &str, input: &[u8], args: &[&str]) -> (bool, String) {
    let path = std::env::temp_dir().join(format!("kinerja-report-{}", uuid::Uuid::new_v4()));
    std::fs::write(&path, input).unwrap();
    let output = std::process::Command::new("python3")
        .arg(format!("{}/{script}", env!("CARGO_MANIFEST_DIR")))
        .arg(&path)
        .args(args)
        .output()
        .expect("python3 runs");
    std::fs::remove_file(&path).ok();
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), printed)
}

#[actix_web::test]
async fn an_auditor_re_derives_every_frozen_score_of_the_demo_year_from_the_export_alone() {
    let app = TestApp::spawn().await;
    kinerja::seed::demo(app.db(), Some("demo password 123".into())).unwrap();
    let token = |nip: &'static str| {
        let app = &app;
        async move { app.login(nip, "demo password 123").await.expect(200)["access_token"].as_str().unwrap().to_string() }
    };
    let admin = token("197801152003121001").await;
    let auditor = token("198511112010011007").await;
    let last_year = app.get("/api/v1/periods?status=evaluating", &admin).await.expect(200)["items"][0].clone();
    let period_id = last_year["id"].as_str().unwrap();
    app.close_period(&admin, period_id).await;
    let org = app.get("/api/v1/me", &auditor).await.expect(200)["organization"]["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/organizations/{org}/reports/scores?period_id={period_id}");

    let export = app.get(&format!("{base}&include=inputs&format=jsonl"), &auditor).await;
    assert_eq!(export.status, 200);
    let (ok, printed) = python("docs/rederive.py", &export.body, &[]);
    assert!(ok, "{printed}");
    // Every demo employee of the year: one row each, all re-derived.
    let employees = std::str::from_utf8(&export.body).unwrap().lines().count();
    assert!(employees >= 7, "{printed}");
    assert_eq!(printed.lines().filter(|l| l.starts_with("match ")).count(), employees, "{printed}");
    assert!(printed.contains(&format!("{employees} re-derived, {employees} match, 0 mismatch")), "{printed}");
    assert!(printed.contains("frozen, snapshot 1"), "{printed}");

    // One figure changed in the file: that row, and that figure, are named.
    let mut rows: Vec<Value> =
        std::str::from_utf8(&export.body).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let agus = rows.iter_mut().find(|r| r["nip"] == "199002142015031004").unwrap();
    let nilai = agus["nilai_kinerja"].as_f64().unwrap();
    agus["nilai_kinerja"] = json!(nilai + 0.01);
    let altered: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let (ok, printed) = python("docs/rederive.py", altered.as_bytes(), &[]);
    assert!(!ok, "{printed}");
    let line = printed.lines().find(|l| l.starts_with("mismatch")).unwrap_or_else(|| panic!("{printed}"));
    assert!(line.contains("199002142015031004") && line.contains("nilai_kinerja"), "{line}");
    let expected = format!("{employees} re-derived, {} match, 1 mismatch", employees - 1);
    assert!(printed.contains(&expected), "{printed}");
    // An input changed instead (a realisation): the figures no longer follow from it.
    let mut rows: Vec<Value> =
        std::str::from_utf8(&export.body).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let dewi = rows.iter_mut().find(|r| r["nip"] == "199207302019022005").unwrap();
    dewi["inputs"]["targets"][0]["indicators"][0]["aspects"][0]["realised"] = json!(1.0);
    let altered: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let (ok, printed) = python("docs/rederive.py", altered.as_bytes(), &[]);
    assert!(!ok && printed.contains("1 mismatch"), "{printed}");

    // The yearly CSV read with Python's own csv module: the header, a row per employee, the numbers.
    let csv = app.get(&format!("{base}&format=csv"), &auditor).await;
    let check = "import csv, sys\n\
        rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))\n\
        print(len(rows), [r['nilai_kinerja'] for r in rows if r['nip'] == sys.argv[2]][0], rows[0]['state'])\n";
    let script = std::env::temp_dir().join(format!("kinerja-csv-{}.py", uuid::Uuid::new_v4()));
    std::fs::write(&script, check).unwrap();
    let path = std::env::temp_dir().join(format!("kinerja-csv-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&path, &csv.body).unwrap();
    let output = std::process::Command::new("python3")
        .args([script.to_str().unwrap(), path.to_str().unwrap(), "199002142015031004"])
        .output()
        .unwrap();
    std::fs::remove_file(&script).ok();
    std::fs::remove_file(&path).ok();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("{employees} {nilai} frozen"));
}
