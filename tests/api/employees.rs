use serde_json::{json, Value};

use crate::helpers::{TestApp, PASSWORD};

fn new_employee(nip: &str, unit_id: &str, supervisor_id: Option<&str>) -> Value {
    json!({"nip": nip, "name": "Pegawai Baru", "position": "Analis", "job_level": "pelaksana", "unit_id": unit_id, "supervisor_id": supervisor_id})
}

fn ids(page: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

#[actix_web::test]
async fn a_nip_must_be_real() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("nip");
    let admin = app.token_for(&org.admin);
    for (nip, why) in [
        ("19850315201001100", "18 angka"),
        ("198513152010011001", "tanggal lahir"),
        ("198503152010131001", "bulan pengangkatan"),
        ("198503152010013001", "jenis kelamin"),
    ] {
        let problem = app.post("/api/v1/employees", &admin, new_employee(nip, &org.bidang.id, None)).await.expect(422);
        assert_eq!(problem["errors"][0]["field"], "nip", "{nip}");
        assert_eq!(problem["errors"][0]["code"], "invalid_nip");
        assert!(
            problem["errors"][0]["message"].as_str().unwrap().to_lowercase().contains(&why.to_lowercase()),
            "{problem}"
        );
    }
    let created = app
        .post("/api/v1/employees", &admin, new_employee("199001012015031001", &org.bidang.id, None))
        .await
        .expect(201);
    assert_eq!(created["has_password"], false);
    let dup = app
        .post("/api/v1/employees", &admin, new_employee("199001012015031001", &org.bidang.id, None))
        .await
        .expect(422);
    assert_eq!(dup["errors"][0]["code"], "duplicate");
}

#[actix_web::test]
async fn supervisors_must_be_in_the_same_organisation_without_loops() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("loops");
    let other = app.seed_org("other");
    let admin = app.token_for(&org.admin);
    let foreign = app
        .post("/api/v1/employees", &admin, new_employee("199001012015031001", &org.bidang.id, Some(&other.head.id)))
        .await;
    assert_eq!(foreign.expect(422)["errors"][0]["field"], "supervisor_id");
    let foreign_unit =
        app.post("/api/v1/employees", &admin, new_employee("199001012015031001", &other.bidang.id, None)).await;
    assert_eq!(foreign_unit.expect(422)["errors"][0]["field"], "unit_id");

    // head → supervisor → staff; making staff the head's supervisor would loop.
    let head = app.get(&format!("/api/v1/employees/{}", org.head.id), &admin).await.expect(200);
    let mut update = json!({"name": head["name"], "position": head["position"], "job_level": "jpt", "unit_id": head["unit_id"], "supervisor_id": org.staff.id});
    let looped = app.put(&format!("/api/v1/employees/{}", org.head.id), &admin, 1, update.clone()).await.expect(422);
    assert_eq!(looped["errors"][0]["code"], "invalid_supervisor");
    update["supervisor_id"] = json!(org.head.id);
    app.put(&format!("/api/v1/employees/{}", org.head.id), &admin, 1, update).await.expect(422);
}

#[actix_web::test]
async fn who_sees_whom() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("see");
    let list = |token: String| {
        let app = &app;
        async move { ids(&app.get("/api/v1/employees?limit=200", &token).await.expect(200)) }
    };
    assert_eq!(list(app.token_for(&org.staff)).await, vec![org.staff.id.clone()]);
    let mut mine = vec![org.supervisor.id.clone(), org.staff.id.clone(), org.peer.id.clone()];
    mine.sort();
    assert_eq!(list(app.token_for(&org.supervisor)).await, mine);
    assert_eq!(list(app.token_for(&org.admin)).await.len(), 6);
    assert_eq!(list(app.token_for(&org.auditor)).await.len(), 6);

    let staff = app.token_for(&org.staff);
    app.get(&format!("/api/v1/employees/{}", org.peer.id), &staff).await.expect_problem(404, "not_found");
    app.get(&format!("/api/v1/employees/{}", org.supervisor.id), &staff).await.expect_problem(404, "not_found");
    app.get(&format!("/api/v1/employees/{}", org.staff.id), &app.token_for(&org.supervisor)).await.expect(200);
    // The head sees the supervisor but not the supervisor's staff (direct reports only).
    app.get(&format!("/api/v1/employees/{}", org.staff.id), &app.token_for(&org.head)).await.expect(404);
}

#[actix_web::test]
async fn paging_and_sync_filters() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("page");
    let admin = app.token_for(&org.admin);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/employees?limit=4&cursor={c}"),
            None => "/api/v1/employees?limit=4".to_string(),
        };
        let page = app.get(&path, &admin).await.expect(200);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);

    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let staff = app.get(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(200);
    let update = json!({"name": "Nama Baru", "position": staff["position"], "job_level": "pelaksana", "unit_id": staff["unit_id"], "supervisor_id": staff["supervisor_id"]});
    app.put(&format!("/api/v1/employees/{}", org.staff.id), &admin, 1, update).await.expect(200);
    let changed =
        app.get(&format!("/api/v1/employees?updated_since={}", since.replace('+', "%2B")), &admin).await.expect(200);
    assert_eq!(ids(&changed), vec![org.staff.id.clone()]);
    let filtered = app.get(&format!("/api/v1/employees?unit_id={}&limit=200", org.bidang.id), &admin).await.expect(200);
    assert_eq!(filtered["items"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn deactivation_ends_sessions_and_the_last_admin_stays() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("deact");
    let admin = app.token_for(&org.admin);
    let session = app.login(&org.staff.nip, PASSWORD).await.expect(200);
    app.delete(&format!("/api/v1/employees/{}", org.staff.id), &admin).await.expect(204);
    let refresh = app
        .request(
            actix_web::http::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": session["refresh_token"]})),
        )
        .await;
    assert_eq!(refresh.status.as_u16(), 401);
    app.login(&org.staff.nip, PASSWORD).await.expect_problem(401, "invalid_credentials");

    let me = app.get(&format!("/api/v1/employees/{}", org.admin.id), &admin).await.expect(200);
    let demote = json!({"name": me["name"], "position": me["position"], "job_level": me["job_level"], "unit_id": me["unit_id"], "roles": []});
    app.put(&format!("/api/v1/employees/{}", org.admin.id), &admin, 1, demote).await.expect_problem(409, "last_admin");
    app.delete(&format!("/api/v1/employees/{}", org.admin.id), &admin).await.expect_problem(409, "last_admin");
}

#[actix_web::test]
async fn passwords_are_set_by_their_owner_or_an_admin() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("pw");
    let path = format!("/api/v1/employees/{}/password", org.staff.id);
    let put = |token: String, body: Value| {
        let app = &app;
        let path = path.clone();
        async move {
            app.send(
                actix_web::test::TestRequest::put()
                    .uri(&path)
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .insert_header(("content-type", "application/json"))
                    .set_payload(body.to_string()),
            )
            .await
        }
    };
    put(app.token_for(&org.staff), json!({"current_password": "wrong one", "new_password": "a brand new passphrase"}))
        .await
        .expect_problem(422, "validation_failed");
    put(app.token_for(&org.staff), json!({"current_password": PASSWORD, "new_password": "short"})).await.expect(422);
    put(app.token_for(&org.supervisor), json!({"new_password": "a brand new passphrase"}))
        .await
        .expect_problem(403, "forbidden");
    put(app.token_for(&org.peer), json!({"new_password": "a brand new passphrase"}))
        .await
        .expect_problem(404, "not_found");
    put(app.token_for(&org.staff), json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}))
        .await
        .expect(204);
    app.login(&org.staff.nip, "a brand new passphrase").await.expect(200);
    put(app.token_for(&org.admin), json!({"new_password": "set by the admin today"})).await.expect(204);
    app.login(&org.staff.nip, "set by the admin today").await.expect(200);
}

#[actix_web::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    use actix_web::test::{call_service, init_service, TestRequest};
    let app = TestApp::spawn().await;
    let org = app.seed_org("race");
    let admin = app.token_for(&org.admin);
    // The auditor becomes the second admin.
    let second = app.get(&format!("/api/v1/employees/{}", org.auditor.id), &admin).await.expect(200);
    let promote = json!({"name": second["name"], "position": second["position"], "job_level": second["job_level"],
                         "unit_id": second["unit_id"], "roles": ["admin"]});
    let promoted = app.put(&format!("/api/v1/employees/{}", org.auditor.id), &admin, 1, promote).await.expect(200);
    let mut second_admin = org.auditor.clone();
    second_admin.roles = vec![kinerja::auth::caller::Role::Admin];

    // Each demotes the other in the same instant, several times over.
    let mut versions = (1i64, promoted["version"].as_i64().unwrap());
    for round in 0..5 {
        let demote = |target: &kinerja::employees::Employee, version: i64, token: String| {
            let body = json!({"name": target.name, "position": target.position, "job_level": target.job_level,
                              "unit_id": target.unit_id, "roles": []});
            let req = TestRequest::put()
                .uri(&format!("/api/v1/employees/{}", target.id))
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("if-match", format!("\"{version}\"")))
                .insert_header(("content-type", "application/json"))
                .set_payload(body.to_string())
                .to_request();
            req
        };
        // Both services are built first, so that the two requests reach the database together.
        let one = init_service(kinerja::startup::build_app(app.state.clone())).await;
        let two = init_service(kinerja::startup::build_app(app.state.clone())).await;
        let (req_one, req_two) = (
            demote(&org.admin, versions.0, app.token_for(&second_admin)),
            demote(&second_admin, versions.1, app.token_for(&org.admin)),
        );
        let first = actix_web::rt::spawn(async move { call_service(&one, req_one).await.status().as_u16() });
        let other = actix_web::rt::spawn(async move { call_service(&two, req_two).await.status().as_u16() });
        let mut statuses = [first.await.unwrap(), other.await.unwrap()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: both demotions landed or both failed");
        // Whoever was demoted becomes admin again for the next round (by the remaining admin).
        let a = app.get(&format!("/api/v1/employees/{}", org.admin.id), &app.token_for(&org.admin)).await.expect(200);
        let b =
            app.get(&format!("/api/v1/employees/{}", org.auditor.id), &app.token_for(&org.auditor)).await.expect(200);
        let admins = [&a, &b].iter().filter(|e| e["roles"].as_array().unwrap().contains(&json!("admin"))).count();
        assert_eq!(admins, 1, "round {round}: exactly one admin remains");
        let (survivor, demoted) = if a["roles"].as_array().unwrap().contains(&json!("admin")) {
            (&org.admin, &b)
        } else {
            (&second_admin, &a)
        };
        let restore = json!({"name": demoted["name"], "position": demoted["position"], "job_level": demoted["job_level"],
                             "unit_id": demoted["unit_id"], "roles": ["admin"]});
        let path = format!("/api/v1/employees/{}", demoted["id"].as_str().unwrap());
        let version = demoted["version"].as_i64().unwrap() as i32;
        app.put(&path, &app.token_for(survivor), version, restore).await.expect(200);
        let a = app.get(&format!("/api/v1/employees/{}", org.admin.id), &app.token_for(&org.admin)).await.expect(200);
        let b =
            app.get(&format!("/api/v1/employees/{}", org.auditor.id), &app.token_for(&org.auditor)).await.expect(200);
        versions = (a["version"].as_i64().unwrap(), b["version"].as_i64().unwrap());
    }
}
