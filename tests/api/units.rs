use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn admins_build_the_unit_tree_and_loops_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("units");
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}/units", org.id);

    let created = app
        .post(
            &path,
            &admin,
            json!({"parent_id": org.bidang.id, "code": "seksi-1", "name": "Seksi Satu", "kind": "seksi"}),
        )
        .await;
    assert_eq!(created.header("etag"), Some("\"1\""));
    let seksi = created.expect(201);
    assert_eq!(seksi["parent_id"], org.bidang.id.as_str());

    // Moving bidang under its own child would make a loop.
    let looped = app
        .put(
            &format!("/api/v1/units/{}", org.bidang.id),
            &admin,
            1,
            json!({"parent_id": seksi["id"], "code": "bidang", "name": "Bidang", "kind": "bidang"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(looped["errors"][0]["field"], "parent_id");

    let duplicate = app.post(&path, &admin, json!({"code": "seksi-1", "name": "Lagi", "kind": "seksi"})).await;
    assert_eq!(duplicate.expect_problem(422, "validation_failed")["errors"][0]["code"], "duplicate");

    let page = app.get(&format!("{path}?limit=2"), &admin).await.expect(200);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let rest =
        app.get(&format!("{path}?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()), &admin).await.expect(200);
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());
}

#[actix_web::test]
async fn a_unit_with_people_or_sub_units_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("undel");
    let admin = app.token_for(&org.admin);
    app.delete(&format!("/api/v1/units/{}", org.bidang.id), &admin).await.expect_problem(409, "unit_not_empty");
    let empty = app
        .post(
            &format!("/api/v1/organizations/{}/units", org.id),
            &admin,
            json!({"code": "kosong", "name": "Kosong", "kind": "lainnya"}),
        )
        .await
        .expect(201);
    app.delete(&format!("/api/v1/units/{}", empty["id"].as_str().unwrap()), &admin).await.expect(204);
    app.get(&format!("/api/v1/units/{}", empty["id"].as_str().unwrap()), &admin).await.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn an_idempotency_key_makes_a_retried_create_return_the_first_result() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("idem");
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/organizations/{}/units", org.id);
    let send = |body: serde_json::Value| {
        actix_web::test::TestRequest::post()
            .uri(&path)
            .insert_header(("authorization", format!("Bearer {admin}")))
            .insert_header(("idempotency-key", "mobile-retry-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string())
    };
    let body = json!({"code": "upt", "name": "UPT Layanan", "kind": "upt", "is_service_unit": true});
    let first = app.send(send(body.clone())).await.expect(201);
    let again = app.send(send(body)).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(201), first);
    let other = app.send(send(json!({"code": "upt2", "name": "Lain", "kind": "upt"}))).await;
    other.expect_problem(409, "idempotency_key_reused");
    let all = app.get(&format!("{path}?limit=200"), &admin).await.expect(200);
    assert_eq!(all["items"].as_array().unwrap().iter().filter(|u| u["code"] == "upt").count(), 1);
}

#[actix_web::test]
async fn updates_need_the_current_version() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("ver");
    let admin = app.token_for(&org.admin);
    let path = format!("/api/v1/units/{}", org.bidang.id);
    let body = json!({"parent_id": org.root.id, "code": "bidang", "name": "Bidang Baru", "kind": "bidang"});
    let missing = app.request(actix_web::http::Method::PUT, &path, Some(&admin), Some(body.clone())).await;
    missing.expect_problem(428, "if_match_required");
    let response = app.put(&path, &admin, 1, body.clone()).await;
    let updated = response.expect(200);
    assert_eq!(updated["version"], 2);
    assert_eq!(response.header("etag"), Some("\"2\""), "the new version for the next If-Match");
    app.put(&path, &admin, 1, body).await.expect_problem(412, "version_mismatch");
}

#[actix_web::test]
async fn a_portal_without_the_read_scope_is_refused_not_told_the_record_is_missing() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("portal-read");
    let other = app.seed_org("portal-read-other");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2026, "frequency": "quarterly"})).await.expect(201);
    let unit = format!("/api/v1/units/{}", org.bidang.id);
    let period = format!("/api/v1/periods/{}", period["id"].as_str().unwrap());
    let (id, secret) = app.service_client(&org, &["employees:read"]).await;
    let directory = app.client_token(&id, &secret).await;
    app.get(&unit, &directory).await.expect_problem(403, "forbidden");
    app.get(&period, &directory).await.expect_problem(403, "forbidden");
    let (id, secret) = app.service_client(&org, &["organization:read"]).await;
    let reader = app.client_token(&id, &secret).await;
    app.get(&unit, &reader).await.expect(200);
    app.get(&period, &reader).await.expect(200);
    // Another organisation's portal is told nothing exists.
    let (id, secret) = app.service_client(&other, &["organization:read"]).await;
    let stranger = app.client_token(&id, &secret).await;
    app.get(&unit, &stranger).await.expect_problem(404, "not_found");
    app.get(&period, &stranger).await.expect_problem(404, "not_found");
}

#[actix_web::test]
async fn the_database_refuses_a_kind_role_or_level_the_code_does_not_know() {
    let app = TestApp::spawn().await;
    app.seed_org("tc");
    for sql in [
        "UPDATE units SET kind = 'castle'",
        "UPDATE employees SET job_level = 'raja'",
        "UPDATE employees SET roles = 'admin,king'",
        "UPDATE audit_events SET actor_kind = 'ghost'",
    ] {
        let statement = sql.to_string();
        let result = app.db().write_blocking(move |conn| {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query(statement).execute(conn)?)
        });
        let err = result.expect_err(sql);
        assert!(format!("{err:?}").contains("_known"), "{sql}: {err:?}");
    }
}
