//! Indicator templates: a unit head builds one from a staff proposal, assigns it to a position's
//! employees as pre-filled drafts (twice: nothing new), and an indicator flagged as hard to
//! measure shows in the flag report.

use serde_json::{json, Value};

use crate::helpers::{Org, TestApp};

pub(crate) fn content(description: &str, supports: Option<(&str, u32)>) -> Value {
    json!({"targets": [{
        "description": description,
        "kind": "utama",
        "weight": 60,
        "supports": supports.map(|(t, i)| json!({"template_id": t, "target": i})),
        "indicators": [{
            "description": format!("Indikator {description}"),
            "aspects": [
                {"aspect": "kuantitas", "target": 120, "unit": "tiket"},
                {"aspect": "waktu", "target": 12, "unit": "bulan"}
            ]
        }]
    }, {
        "description": format!("{description} (dokumentasi)"),
        "kind": "tambahan",
        "weight": 40,
        "indicators": [{"description": "Dokumentasi sistem", "aspects": [{"aspect": "kuantitas", "target": 4, "unit": "dokumen"}]}]
    }]})
}

/// Staff and peer become Pranata Komputer, their supervisor (head of the bidang) Kepala Bidang.
pub(crate) fn positions(app: &TestApp, org: &Org) {
    app.execute_sql(&format!(
        "UPDATE employees SET position = 'Pranata Komputer' WHERE id IN ('{}', '{}')",
        org.staff.id, org.peer.id
    ));
    app.execute_sql(&format!("UPDATE employees SET position = 'Kepala Bidang' WHERE id = '{}'", org.supervisor.id));
}

async fn assign(app: &TestApp, token: &str, period: &str, position: &str, unit: &str) -> Value {
    let body = json!({"period_id": period, "position": position, "unit_id": unit});
    app.post("/api/v1/template-assignments", token, body).await.expect(200)
}

#[actix_web::test]
async fn a_unit_head_builds_a_template_from_a_proposal_and_assigns_it_once() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("tpl");
    positions(&app, &org);
    let (admin, kabid, staff, peer, head) = (
        app.token_for(&org.admin),
        app.token_for(&org.supervisor),
        app.token_for(&org.staff),
        app.token_for(&org.peer),
        app.token_for(&org.head),
    );
    let period = app.post("/api/v1/periods", &admin, json!({"year": 2030})).await.expect(201);
    let period = period["id"].as_str().unwrap();
    let bidang = org.bidang.id.as_str();

    // The head of the bidang keeps its templates; the head of another unit and staff do not.
    let kabid_template = json!({"unit_id": bidang, "position": "Kepala Bidang", "name": "Kinerja bidang", "content": content("Layanan bidang prima", None)});
    app.post("/api/v1/templates", &head, kabid_template.clone()).await.expect_problem(403, "forbidden");
    app.post("/api/v1/templates", &staff, kabid_template.clone()).await.expect_problem(403, "forbidden");
    let kabid_template = app.post("/api/v1/templates", &kabid, kabid_template).await.expect(201);
    let kabid_template_id = kabid_template["id"].as_str().unwrap();
    // A link to a target that does not exist is refused.
    let bad = json!({"position": "Pranata Komputer", "name": "Layanan TIK", "reason": "Tugas kami belum punya indikator",
        "content": content("Aplikasi layanan berjalan", Some((kabid_template_id, 7)))});
    app.post("/api/v1/template-proposals", &staff, bad).await.expect_problem(422, "validation_failed");

    // Staff propose; only the unit head (not the proposer, not a colleague) decides.
    let proposal = json!({"position": "Pranata Komputer", "name": "Layanan TIK", "reason": "Tugas kami belum punya indikator",
        "content": content("Aplikasi layanan berjalan", Some((kabid_template_id, 0)))});
    let proposal = app.post("/api/v1/template-proposals", &staff, proposal).await.expect(201);
    assert_eq!((proposal["status"].as_str(), proposal["unit_id"].as_str()), (Some("pending"), Some(bidang)));
    let decide = format!("/api/v1/template-proposals/{}/decision", proposal["id"].as_str().unwrap());
    let accept = json!({"outcome": "accepted", "reason": "Sesuai tugas pranata komputer"});
    app.post_versioned(&decide, &peer, 1, accept.clone()).await.expect_problem(403, "forbidden");
    app.post_versioned(&decide, &kabid, 2, accept.clone()).await.expect(412);
    let decided = app.post_versioned(&decide, &kabid, 1, accept.clone()).await.expect(200);
    assert_eq!((decided["status"].as_str(), decided["resulting_version"].as_i64()), (Some("accepted"), Some(1)));
    app.post_versioned(&decide, &kabid, 2, accept).await.expect_problem(409, "proposal_decided");
    let template_id = decided["resulting_template_id"].as_str().unwrap().to_string();
    let template = app.get(&format!("/api/v1/templates/{template_id}"), &peer).await.expect(200);
    assert_eq!((template["position"].as_str(), template["version"].as_i64()), (Some("Pranata Komputer"), Some(1)));

    // The kabid's own draft first, then the staff's: their main target supports the kabid's.
    let first = assign(&app, &kabid, period, "Kepala Bidang", bidang).await;
    assert_eq!(first["created"].as_array().unwrap().len(), 1);
    let kabid_skp = app.get(&format!("/api/v1/me/skp?period_id={period}"), &kabid).await.expect(200);
    let kabid_lineage = kabid_skp["targets"][0]["lineage_id"].as_str().unwrap().to_string();
    let assigned = assign(&app, &kabid, period, "Pranata Komputer", bidang).await;
    let created = assigned["created"].as_array().unwrap();
    assert_eq!(created.len(), 2, "{assigned}");
    assert!(created.iter().all(|c| c["linked_to_supervisor"] == 1 && c["targets"] == 2));
    assert!(assigned["existing"].as_array().unwrap().is_empty());
    let skp = app.get(&format!("/api/v1/me/skp?period_id={period}"), &staff).await.expect(200);
    assert_eq!(skp["status"], "draft");
    assert_eq!(skp["targets"][0]["supports_target_id"].as_str(), Some(kabid_lineage.as_str()));
    assert_eq!(skp["targets"][0]["description"], "Aplikasi layanan berjalan");
    assert_eq!(skp["targets"][0]["indicators"][0]["aspects"][0]["target"], 120.0);
    assert_eq!(skp["total_weight"], 100.0);

    // Running it again makes nothing: both are listed with the SKP they have.
    let again = assign(&app, &kabid, period, "Pranata Komputer", bidang).await;
    assert!(again["created"].as_array().unwrap().is_empty());
    let existing: Vec<&str> =
        again["existing"].as_array().unwrap().iter().map(|e| e["skp_id"].as_str().unwrap()).collect();
    assert!(existing.contains(&skp["id"].as_str().unwrap()));
    assert_eq!(existing.len(), 2);
    let skps = app.get(&format!("/api/v1/skps?period_id={period}"), &admin).await.expect(200);
    assert_eq!(skps["items"].as_array().unwrap().len(), 3);
    // A colleague may not assign, nor the head of another unit.
    let body = json!({"period_id": period, "position": "Pranata Komputer", "unit_id": bidang});
    app.post("/api/v1/template-assignments", &staff, body.clone()).await.expect_problem(403, "forbidden");
    app.post("/api/v1/template-assignments", &head, body).await.expect_problem(403, "forbidden");

    // The employee and the supervisor flag the indicator; a colleague cannot see it.
    let indicator = skp["targets"][0]["indicators"][0]["id"].as_str().unwrap();
    let flag = json!({"indicator_id": indicator, "note": "Jumlah tiket tidak mencerminkan mutu layanan"});
    app.post("/api/v1/indicator-flags", &peer, flag.clone()).await.expect_problem(404, "not_found");
    let flagged = app.post("/api/v1/indicator-flags", &staff, flag.clone()).await.expect(201);
    assert_eq!(flagged["template_id"].as_str(), Some(template_id.as_str()));
    app.post("/api/v1/indicator-flags", &staff, flag.clone()).await.expect_problem(409, "already_flagged");
    app.post("/api/v1/indicator-flags", &kabid, flag).await.expect(201);

    let report_path = format!("/api/v1/template-flags?period_id={period}");
    app.get(&report_path, &staff).await.expect_problem(403, "forbidden");
    for token in [&kabid, &admin, &app.token_for(&org.auditor)] {
        let report = app.get(&report_path, token).await.expect(200);
        assert_eq!(report["templates"][0]["template_id"].as_str(), Some(template_id.as_str()), "{report}");
        assert_eq!(report["templates"][0]["flags"], 2);
        assert_eq!(report["templates"][0]["indicators"][0]["notes"][0], "Jumlah tiket tidak mencerminkan mutu layanan");
    }

    // The flag leads to a change proposal; accepted, it is the template's version 2.
    let change = json!({"template_id": template_id, "reason": "Indikator tiket sulit diukur mutunya",
        "content": content("Aplikasi layanan berjalan dengan waktu pulih terukur", Some((kabid_template_id, 0)))});
    let change = app.post("/api/v1/template-proposals", &staff, change).await.expect(201);
    let decide = format!("/api/v1/template-proposals/{}/decision", change["id"].as_str().unwrap());
    app.post_versioned(&decide, &kabid, 1, json!({"outcome": "accepted", "reason": "Lebih terukur"})).await.expect(200);
    let template = app.get(&format!("/api/v1/templates/{template_id}"), &staff).await.expect(200);
    assert_eq!(template["version"], 2);
    assert_eq!(
        template["content"]["targets"][0]["description"],
        "Aplikasi layanan berjalan dengan waktu pulih terukur"
    );
    let listed = app.get("/api/v1/template-proposals?status=accepted", &peer).await.expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    // Declining keeps the template as it was.
    let other = json!({"template_id": template_id, "reason": "Usul menghapus dokumentasi",
        "content": content("Aplikasi", None)});
    let other = app.post("/api/v1/template-proposals", &peer, other).await.expect(201);
    let decide = format!("/api/v1/template-proposals/{}/decision", other["id"].as_str().unwrap());
    let declined = app
        .post_versioned(&decide, &admin, 1, json!({"outcome": "declined", "reason": "Dokumentasi tetap wajib"}))
        .await
        .expect(200);
    assert_eq!(declined["status"], "declined");
    assert_eq!(app.get(&format!("/api/v1/templates/{template_id}"), &staff).await.expect(200)["version"], 2);

    // Another organisation sees none of it.
    let other_org = app.seed_org("tpl-b");
    app.get(&format!("/api/v1/templates/{template_id}"), &app.token_for(&other_org.admin))
        .await
        .expect_problem(404, "not_found");
    let theirs = app.get("/api/v1/templates", &app.token_for(&other_org.admin)).await.expect(200);
    assert!(theirs["items"].as_array().unwrap().is_empty());
}
