//! 360 ratings: assignments, answers, and aggregates that never reveal a rater.

use serde_json::{json, Value};

use crate::helpers::{nip, TestApp};

fn scores(first: i32, rest: i32) -> Value {
    json!({"berorientasi_pelayanan": first, "akuntabel": rest, "kompeten": rest, "harmonis": rest, "loyal": rest, "adaptif": rest, "kolaboratif": rest})
}

#[actix_web::test]
async fn four_peers_assigned_three_answer_and_only_the_aggregate_is_shown() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("peers");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();

    // Three more colleagues at the staff's unit and level.
    let mut peers = vec![org.peer.clone()];
    for n in 0..3 {
        let body = json!({"nip": nip(900, n), "name": format!("Rekan {n}"), "position": "Pelaksana", "job_level": "pelaksana",
                          "unit_id": org.bidang.id, "supervisor_id": org.supervisor.id, "password": "a long enough password"});
        let created: kinerja::employees::Employee =
            serde_json::from_value(app.post("/api/v1/employees", &admin, body).await.expect(201)).unwrap();
        peers.push(created);
    }
    let supervisor = app.token_for(&org.supervisor);
    // Proposals are a paged list like any other, by name.
    let proposals_path = format!("/api/v1/peer-assignments/proposals?period_id={period_id}&ratee_id={}", org.staff.id);
    let first = app.get(&format!("{proposals_path}&limit=3"), &supervisor).await.expect(200);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let rest = app.get(&format!("{proposals_path}&limit=3&cursor={cursor}"), &supervisor).await.expect(200);
    assert!(rest["next_cursor"].is_null());
    let proposals: Vec<Value> =
        first["items"].as_array().unwrap().iter().chain(rest["items"].as_array().unwrap()).cloned().collect();
    assert_eq!(proposals.len(), 4);
    assert!(proposals.iter().all(|p| p["group"] == "peer"));
    let mut ids: Vec<&str> = proposals.iter().map(|p| p["employee_id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "no proposal twice across pages");

    let raters: Vec<Value> = peers.iter().map(|p| json!({"rater_id": p.id, "group": "peer"})).collect();
    let assigned = app
        .post(
            &format!("/api/v1/periods/{period_id}/peer-assignments"),
            &supervisor,
            json!({"ratee_id": org.staff.id, "raters": raters}),
        )
        .await
        .expect(201);
    assert_eq!(assigned["peers_assigned"], 4);
    assert!(!assigned.to_string().contains(peers[0].id.as_str()), "the assignment answer names no rater");

    let feedback_path = format!("/api/v1/employees/{}/peer-feedback?period_id={period_id}", org.staff.id);
    let mut seen_by_ratee_and_supervisor = Vec::new();
    // Three answer: all 4s; all 3s; 5 for service and 2 for the rest. Comments are private.
    for (i, (first, rest)) in [(4, 4), (3, 3), (5, 2)].into_iter().enumerate() {
        let token = app.token_for(&peers[i]);
        let mine = app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &token).await.expect(200);
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
        let id = mine["items"][0]["id"].as_str().unwrap();
        let path = format!("/api/v1/peer-assignments/{id}/rating");
        app.put_unversioned(&path, &token, json!({"scores": scores(first, rest), "comment": format!("rahasia-{i}")}))
            .await
            .expect(200);
        let partial = app.get(&feedback_path, &app.token_for(&org.staff)).await.expect(200);
        if i < 2 {
            // Below the policy's minimum of three, nothing of the answers, not even how many came in.
            let group = &partial["groups"][0];
            assert_eq!(group["enough_responses"], false, "{partial}");
            assert!(group["means"].is_null() && group["respondents"].is_null(), "{partial}");
            assert_eq!(group["assigned"], 4);
        }
        seen_by_ratee_and_supervisor.push(partial.to_string());
    }

    // Three answered, but the year's assessment is not open: answers may still change, so
    // nothing of them is shown yet (a change in the means would tell whose answer changed).
    let early = app.get(&feedback_path, &app.token_for(&org.staff)).await.expect(200);
    assert_eq!(early["assessment_open"], false);
    assert!(early["groups"][0]["means"].is_null() && early["groups"][0]["respondents"].is_null(), "{early}");
    seen_by_ratee_and_supervisor.push(early.to_string());
    app.to_evaluating(&admin, period_id).await;
    // From now on the answers are final.
    let first_path = {
        let mine =
            app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &app.token_for(&peers[0])).await;
        format!("/api/v1/peer-assignments/{}/rating", mine.expect(200)["items"][0]["id"].as_str().unwrap())
    };
    app.put_unversioned(&first_path, &app.token_for(&peers[0]), json!({"scores": scores(1, 1)}))
        .await
        .expect_problem(409, "peer_answers_final");

    let own = app.get(&feedback_path, &app.token_for(&org.staff)).await.expect(200);
    assert_eq!(own["assessment_open"], true);
    let by_supervisor = app.get(&feedback_path, &supervisor).await.expect(200);
    assert_eq!(own, by_supervisor);
    let group = &own["groups"][0];
    assert_eq!(
        (group["group"].as_str(), group["respondents"].as_i64(), group["min_respondents"].as_i64()),
        (Some("peer"), Some(3), Some(3))
    );
    // By hand: service (4 + 3 + 5) / 3 = 4.0; accountability (4 + 3 + 2) / 3 = 3.0.
    assert_eq!(group["means"]["berorientasi_pelayanan"].as_f64(), Some(4.0));
    assert_eq!(group["means"]["akuntabel"].as_f64(), Some(3.0));
    assert_eq!(group["enough_responses"], true);
    assert_eq!(
        (own["groups"][1]["assigned"].as_i64(), own["groups"][1]["enough_responses"].as_bool()),
        (Some(0), Some(false))
    );
    seen_by_ratee_and_supervisor.push(own.to_string());

    // The fourth peer, who did not answer, reads nothing of the others.
    let fourth = app.token_for(&peers[3]);
    let fourth_mine = app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &fourth).await.expect(200);
    assert!(fourth_mine["items"][0]["scores"].is_null());
    app.get(&feedback_path, &fourth).await.expect_problem(404, "not_found");
    let others = app
        .get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &app.token_for(&peers[0]))
        .await
        .expect(200);
    let fourth_bodies = [fourth_mine.to_string(), others.to_string()];

    // No body shown to the rated employee or the supervisor names a rater or carries a comment;
    // the fourth peer sees only their own assignment.
    for body in &seen_by_ratee_and_supervisor {
        for p in &peers {
            assert!(!body.contains(p.id.as_str()), "a rater id leaked: {body}");
        }
        assert!(!body.contains("rahasia"), "a comment leaked: {body}");
    }
    assert!(!fourth_bodies[0].contains("rahasia"));
    assert!(!fourth_bodies[0].contains(peers[0].id.as_str()) && !fourth_bodies[0].contains(peers[1].id.as_str()));
    // With the aggregate shown, a newcomer's answer would show in the change of the means: refused.
    let body = json!({"nip": nip(900, 5), "name": "Rekan Baru", "position": "Pelaksana", "job_level": "pelaksana",
                      "unit_id": org.bidang.id, "supervisor_id": org.supervisor.id});
    let newcomer = app.post("/api/v1/employees", &admin, body).await.expect(201);
    let late = json!({"ratee_id": org.staff.id, "raters": [{"rater_id": newcomer["id"], "group": "peer"}]});
    app.post(&format!("/api/v1/periods/{period_id}/peer-assignments"), &supervisor, late)
        .await
        .expect_problem(409, "peer_feedback_shown");
    // The audit trail records that ratings were given, not what they said.
    let trail =
        app.get("/api/v1/audit-events?resource_type=peer_assignment&limit=200", &admin).await.expect(200).to_string();
    assert!(!trail.contains("rahasia"));
}

#[actix_web::test]
async fn raters_are_checked_and_answers_close_with_the_period() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("peerrules");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    let path = format!("/api/v1/periods/{period_id}/peer-assignments");
    let supervisor = app.token_for(&org.supervisor);

    let selfish = app
        .post(
            &path,
            &supervisor,
            json!({"ratee_id": org.staff.id, "raters": [{"rater_id": org.staff.id, "group": "peer"}]}),
        )
        .await;
    assert_eq!(selfish.expect(422)["errors"][0]["code"], "self_rating");
    let wrong_level = app
        .post(
            &path,
            &supervisor,
            json!({"ratee_id": org.staff.id, "raters": [{"rater_id": org.head.id, "group": "peer"}]}),
        )
        .await;
    assert_eq!(wrong_level.expect(422)["errors"][0]["code"], "not_eligible");
    // The supervisor's own subordinates rate them as subordinates; the head assigns.
    let head = app.token_for(&org.head);
    let subordinates = json!({"ratee_id": org.supervisor.id, "raters": [{"rater_id": org.staff.id, "group": "subordinate"}, {"rater_id": org.peer.id, "group": "subordinate"}]});
    assert_eq!(app.post(&path, &head, subordinates).await.expect(201)["subordinates_assigned"], 2);
    // A peer cannot assign raters for a colleague; an admin can.
    app.post(
        &path,
        &app.token_for(&org.peer),
        json!({"ratee_id": org.staff.id, "raters": [{"rater_id": org.peer.id, "group": "peer"}]}),
    )
    .await
    .expect_problem(404, "not_found");
    app.post(&path, &admin, json!({"ratee_id": org.staff.id, "raters": [{"rater_id": org.peer.id, "group": "peer"}]}))
        .await
        .expect(201);

    let peer = app.token_for(&org.peer);
    let mine = app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &peer).await.expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let id = mine["items"].as_array().unwrap().iter().find(|a| a["ratee_id"] == org.staff.id.as_str()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/peer-assignments/{id}/rating");
    let rate = |token: String, body: Value| {
        let (app, path) = (&app, path.clone());
        async move { app.put_unversioned(&path, &token, body).await }
    };
    rate(peer.clone(), json!({"scores": scores(6, 3)})).await.expect_problem(422, "validation_failed");
    rate(peer.clone(), json!({"scores": {"akuntabel": 3}})).await.expect_problem(422, "validation_failed");
    // Someone not assigned cannot even see the assignment.
    rate(app.token_for(&org.staff), json!({"scores": scores(3, 3)})).await.expect_problem(404, "not_found");
    rate(app.token_for(&org.supervisor), json!({"scores": scores(3, 3)})).await.expect_problem(404, "not_found");
    rate(peer.clone(), json!({"scores": scores(3, 3)})).await.expect(200);
    let changed = rate(peer.clone(), json!({"scores": scores(4, 4)})).await.expect(200);
    assert_eq!(changed["scores"]["akuntabel"], 4);

    app.close_period(&admin, period_id).await;
    rate(peer, json!({"scores": scores(2, 2)})).await.expect_problem(409, "period_closed");
}

#[actix_web::test]
async fn a_rated_auditor_cannot_learn_from_the_audit_trail_who_rated_them() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("peeraudit");
    let admin = app.token_for(&org.admin);
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period_id = period["id"].as_str().unwrap();
    // A colleague at the auditor's level rates the auditor, assigned by the admin.
    let body = json!({"nip": nip(901, 0), "name": "Rekan Auditor", "position": "Auditor", "job_level": "fungsional",
                      "unit_id": org.root.id});
    let rater: kinerja::employees::Employee =
        serde_json::from_value(app.post("/api/v1/employees", &admin, body).await.expect(201)).unwrap();
    let assign = json!({"ratee_id": org.auditor.id, "raters": [{"rater_id": rater.id, "group": "peer"}]});
    app.post(&format!("/api/v1/periods/{period_id}/peer-assignments"), &admin, assign).await.expect(201);
    let rater_token = app.token_for(&rater);
    let mine = app.get(&format!("/api/v1/me/peer-assignments?period_id={period_id}"), &rater_token).await.expect(200);
    let assignment = mine["items"][0]["id"].as_str().unwrap().to_string();
    app.put_unversioned(
        &format!("/api/v1/peer-assignments/{assignment}/rating"),
        &rater_token,
        json!({"scores": scores(2, 2)}),
    )
    .await
    .expect(200);

    // The admin, who is not rated, sees the assignment and the answer in the trail.
    let seen_by_admin = app.get("/api/v1/audit-events?resource_type=peer_assignment", &admin).await.expect(200);
    let actions: Vec<&str> =
        seen_by_admin["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["peer_assignment.create", "peer_rating.submit"]);
    assert!(seen_by_admin.to_string().contains(&assignment));

    // Nobody picks their own raters, and another organisation's employee is nobody here.
    let own = json!({"ratee_id": org.admin.id, "raters": [{"rater_id": rater.id, "group": "peer"}]});
    app.post(&format!("/api/v1/periods/{period_id}/peer-assignments"), &admin, own)
        .await
        .expect_problem(403, "forbidden");
    let other = app.seed_org("peeraudit-other");
    let foreign = json!({"ratee_id": org.auditor.id, "raters": [{"rater_id": other.auditor.id, "group": "peer"}]});
    let refused = app.post(&format!("/api/v1/periods/{period_id}/peer-assignments"), &admin, foreign).await;
    assert_eq!(refused.expect(422)["errors"][0]["code"], "unknown_employee");

    // The rated auditor reads the trail and finds nothing of it, however they ask.
    let auditor = app.token_for(&org.auditor);
    for query in [
        "limit=200".to_string(),
        "resource_type=peer_assignment".to_string(),
        format!("actor_id={}", rater.id),
        format!("resource_id={assignment}"),
    ] {
        let trail = app.get(&format!("/api/v1/audit-events?{query}"), &auditor).await.expect(200).to_string();
        assert!(!trail.contains(&assignment) && !trail.contains("peer_rating"), "{query}: {trail}");
    }
    // The hidden events still belong to the chain, which stays intact.
    assert_eq!(app.get("/api/v1/audit-events/verify", &auditor).await.expect(200)["intact"], true);
}
