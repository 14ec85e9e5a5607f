use actix_web::test::TestRequest;

use crate::helpers::TestApp;

fn csv_request(token: &str, path: &str, content_type: &str, body: &str) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", content_type.to_string()))
        .set_payload(body.to_string())
}

async fn count_employees(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/employees?limit=200", token).await.expect(200)["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn a_valid_file_imports_every_row_with_supervisors_from_the_file() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("imp");
    let admin = app.token_for(&org.admin);
    // The staff row comes before its supervisor's row; an existing employee supervises the kabid.
    let file = format!(
        "nip,name,position,job_level,unit_code,supervisor_nip,roles\n\
         199001012015031001,Budi Santoso,Analis,pelaksana,bidang,198203112006042003,\n\
         198203112006042003,Rina Kusumawati,Kepala Bidang,administrator,bidang,{},\n\
         198511112010011007,Auditor Baru,Auditor,fungsional,root,,auditor\n",
        org.head.nip
    );
    let dry =
        app.send(csv_request(&admin, "/api/v1/employees/import?dry_run=true", "text/csv", &file)).await.expect(200);
    assert_eq!(dry["rows"], 3);
    assert_eq!(count_employees(&app, &admin).await, 6);

    let done =
        app.send(csv_request(&admin, "/api/v1/employees/import", "text/csv; charset=utf-8", &file)).await.expect(201);
    assert_eq!(done["created"].as_array().unwrap().len(), 3);
    assert_eq!(count_employees(&app, &admin).await, 9);
    let staff_id = done["created"][0]["id"].as_str().unwrap();
    let kabid_id = done["created"][1]["id"].as_str().unwrap();
    let staff = app.get(&format!("/api/v1/employees/{staff_id}"), &admin).await.expect(200);
    assert_eq!(staff["supervisor_id"], kabid_id);
    let kabid = app.get(&format!("/api/v1/employees/{kabid_id}"), &admin).await.expect(200);
    assert_eq!(kabid["supervisor_id"], org.head.id.as_str());
    let auditor =
        app.get(&format!("/api/v1/employees/{}", done["created"][2]["id"].as_str().unwrap()), &admin).await.expect(200);
    assert_eq!(auditor["roles"], serde_json::json!(["pegawai", "auditor"]));
}

#[actix_web::test]
async fn any_bad_row_rejects_the_whole_file_with_every_problem_listed() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("bad");
    let admin = app.token_for(&org.admin);
    let file = "nip,name,position,job_level,unit_code,supervisor_nip,roles\n\
                199001012015031001,Baik,Analis,pelaksana,bidang,,\n\
                199013012015031002,Tanggal Salah,Analis,pelaksana,bidang,,\n\
                199001012015031003,Unit Salah,Analis,pelaksana,tidak-ada,,\n\
                199001012015031001,Kembar,Analis,pelaksana,bidang,,\n\
                199001012015031004,Atasan Salah,Analis,pelaksana,bidang,199912312020121999,\n\
                199001012015031005,Level Salah,Analis,menteri,bidang,,\n";
    let problem = app
        .send(csv_request(&admin, "/api/v1/employees/import", "text/csv", file))
        .await
        .expect_problem(422, "validation_failed");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in ["rows[3].nip", "rows[4].unit_code", "rows[5].nip", "rows[6].supervisor_nip", "rows[7].job_level"] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    assert!(!fields.iter().any(|f| f.starts_with("rows[2]")), "{fields:?}");
    assert_eq!(count_employees(&app, &admin).await, 6);
}

#[actix_web::test]
async fn the_import_refuses_bad_files_and_non_admins() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("refuse");
    let admin = app.token_for(&org.admin);
    app.send(csv_request(&admin, "/api/v1/employees/import", "text/csv", "nip,name\n1,2\n"))
        .await
        .expect_problem(400, "invalid_csv");
    app.send(csv_request(&admin, "/api/v1/employees/import", "application/json", "{}"))
        .await
        .expect_problem(415, "unsupported_media_type");
    app.send(csv_request(&admin, "/api/v1/employees/import", "text/csv", "nip,name,position,job_level,unit_code\n"))
        .await
        .expect_problem(400, "invalid_csv");
    let staff = app.token_for(&org.staff);
    app.send(csv_request(&staff, "/api/v1/employees/import", "text/csv", "nip,name,position,job_level,unit_code\n"))
        .await
        .expect_problem(403, "forbidden");
}
