//! Continuous feedback between a supervisor and an employee: a private thread in time order.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::TestApp;
use crate::skp::{target, Planning};

#[actix_web::test]
async fn a_supervisor_and_an_employee_talk_in_a_private_thread() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("umpan-balik");
    let (staff, supervisor, head, peer, admin, auditor) = (
        app.token_for(&org.staff),
        app.token_for(&org.supervisor),
        app.token_for(&org.head),
        app.token_for(&org.peer),
        app.token_for(&org.admin),
        app.token_for(&org.auditor),
    );
    let plan = Planning::start_in(&app, &org, 2025).await;
    let skp = plan.create(&staff).await;
    let skp = plan.put(&staff, &skp, vec![target("Perekaman KTP-el", "utama", 100.0, None, None)]).await.expect(200);
    let target_id = skp["targets"][0]["id"].as_str().unwrap();

    let threads = format!("/api/v1/employees/{}/feedback", org.staff.id);
    let body =
        json!({"body": "Perekaman bulan ini sudah baik; perhatikan antrean hari Senin.", "target_id": target_id});
    let thread = app.post(&threads, &supervisor, body).await.expect(201);
    assert_eq!(
        (thread["message_count"].as_i64(), thread["supervisor_id"].as_str()),
        (Some(1), Some(org.supervisor.id.as_str()))
    );
    assert_eq!(thread["target_id"], skp["targets"][0]["lineage_id"]);
    let path = format!("/api/v1/feedback/{}", thread["id"].as_str().unwrap());
    let replies = format!("{path}/replies");
    app.post(&replies, &staff, json!({"body": "Terima kasih, Pak. Saya tambah loket pagi."})).await.expect(201);
    let after = app.post(&replies, &supervisor, json!({"body": "Baik, kita lihat bulan depan."})).await.expect(201);
    let order: Vec<(bool, &str)> = after["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["by_employee"].as_bool().unwrap(), m["body"].as_str().unwrap()))
        .collect();
    assert_eq!(order.len(), 3);
    assert_eq!(order.iter().map(|m| m.0).collect::<Vec<_>>(), [false, true, false], "in the order written");
    assert_eq!(after["message_count"], 3);

    // Readers: the two of them, the second-level supervisor and auditors.
    for token in [&staff, &supervisor, &head, &auditor] {
        assert_eq!(app.get(&path, token).await.expect(200)["messages"].as_array().unwrap().len(), 3);
        assert_eq!(app.get(&threads, token).await.expect(200)["items"].as_array().unwrap().len(), 1);
    }
    // Not admins, peers or other organisations.
    app.get(&threads, &admin).await.expect_problem(403, "forbidden");
    app.get(&path, &admin).await.expect_problem(403, "forbidden");
    app.get(&threads, &peer).await.expect_problem(404, "not_found");
    app.get(&path, &peer).await.expect_problem(404, "not_found");
    let other = app.seed_org("umpan-balik-lain");
    app.get(&path, &app.token_for(&other.admin)).await.expect_problem(404, "not_found");
    app.get(&threads, &app.token_for(&other.auditor)).await.expect_problem(404, "not_found");

    // Writers: only the direct supervisor starts; only the two reply.
    let note = json!({"body": "Catatan"});
    for (who, token, status) in [
        ("staff", &staff, 403),
        ("head", &head, 403),
        ("auditor", &auditor, 403),
        ("admin", &admin, 403),
        ("peer", &peer, 404),
    ] {
        assert_eq!(app.post(&threads, token, note.clone()).await.status.as_u16(), status, "{who} starting");
    }
    for (who, token, status) in
        [("head", &head, 403), ("auditor", &auditor, 403), ("admin", &admin, 403), ("peer", &peer, 404)]
    {
        assert_eq!(app.post(&replies, token, note.clone()).await.status.as_u16(), status, "{who} replying");
    }
    assert_eq!(app.get(&path, &staff).await.expect(200)["message_count"], 3, "no refused write landed");

    // The audit trail names who wrote, and keeps a hash of the text rather than the text.
    let events = app.get("/api/v1/audit-events?resource_type=feedback", &admin).await.expect(200);
    let actions: Vec<(&str, &str)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor_id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("feedback.create", org.supervisor.id.as_str()),
            ("feedback.reply", org.staff.id.as_str()),
            ("feedback.reply", org.supervisor.id.as_str())
        ]
    );
    assert!(!events.to_string().contains("antrean"), "feedback text stays out of the audit trail");
}

#[actix_web::test]
async fn feedback_input_is_checked_repeats_apply_once_and_lists_sync() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("umpan-balik-input");
    let (staff, supervisor, peer) =
        (app.token_for(&org.staff), app.token_for(&org.supervisor), app.token_for(&org.peer));
    let threads = format!("/api/v1/employees/{}/feedback", org.staff.id);
    app.post(&threads, &supervisor, json!({"body": ""})).await.expect_problem(422, "validation_failed");
    app.post(&threads, &supervisor, json!({"body": "   "})).await.expect_problem(422, "validation_failed");
    app.post(&threads, &supervisor, json!({"body": "x", "private": true}))
        .await
        .expect_problem(422, "validation_failed");
    app.post(&threads, &supervisor, json!({"body": "x".repeat(4001)})).await.expect_problem(422, "validation_failed");

    // A target or achievement must be the employee's own.
    let plan = Planning::start_in(&app, &org, 2025).await;
    let peer_skp = plan.create(&peer).await;
    let peer_skp = plan.put(&peer, &peer_skp, vec![target("Arsip", "utama", 100.0, None, None)]).await.expect(200);
    let foreign = json!({"body": "Tentang target", "target_id": peer_skp["targets"][0]["id"]});
    let problem = app.post(&threads, &supervisor, foreign).await.expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "target_id");
    let problem = app
        .post(&threads, &supervisor, json!({"body": "Tentang capaian", "achievement_id": "tidak-ada"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "achievement_id");

    // A repeated start with the same key is one thread.
    let keyed = || {
        TestRequest::post()
            .uri(&threads)
            .insert_header(("authorization", format!("Bearer {supervisor}")))
            .insert_header(("idempotency-key", "fb-1"))
            .insert_header(("content-type", "application/json"))
            .set_payload(json!({"body": "Bagus"}).to_string())
    };
    let first = app.send(keyed()).await.expect(201);
    let again = app.send(keyed()).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(201)["id"], first["id"]);
    let listed = app.get(&threads, &staff).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Sync: a thread shows up again when someone writes in it.
    let mark = chrono::Utc::now();
    let since =
        |t: chrono::DateTime<chrono::Utc>| format!("{threads}?updated_since={}", t.to_rfc3339().replace('+', "%2B"));
    assert_eq!(app.get(&since(mark), &staff).await.expect(200)["items"].as_array().unwrap().len(), 0);
    app.post(&format!("/api/v1/feedback/{}/replies", first["id"].as_str().unwrap()), &staff, json!({"body": "Siap"}))
        .await
        .expect(201);
    assert_eq!(app.get(&since(mark), &staff).await.expect(200)["items"][0]["id"], first["id"]);
    app.get(&format!("{threads}?limit=0"), &staff).await.expect_problem(422, "validation_failed");
}
