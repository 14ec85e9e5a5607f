//! Webhooks: a portal registers an endpoint, the audit trail is the outbox, deliveries are signed
//! (Standard Webhooks) and retried; receivers on loopback that the tests start.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse, HttpServer};
use kinerja::webhooks::store::{dispatch, send_due};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::skp::{target, Planning};

/// What a receiver got: the Standard Webhooks headers and the body.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

/// A webhook receiver on loopback that answers 500 to its first `failures` requests.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    fn start(failures: usize) -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let (store, count) = (received.clone(), calls.clone());
        let server = HttpServer::new(move || {
            let (store, count) = (store.clone(), count.clone());
            actix_web::App::new().route(
                "/hooks",
                web::post().to(move |req: HttpRequest, body: web::Bytes| {
                    let (store, count) = (store.clone(), count.clone());
                    async move {
                        let header = |name: &str| {
                            req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
                        };
                        store.lock().unwrap().push(Received {
                            id: header("webhook-id"),
                            timestamp: header("webhook-timestamp"),
                            signature: header("webhook-signature"),
                            body: body.to_vec(),
                        });
                        if count.fetch_add(1, Ordering::SeqCst) < failures {
                            HttpResponse::InternalServerError().finish()
                        } else {
                            HttpResponse::NoContent().finish()
                        }
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("a loopback port");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Receiver { url: format!("http://127.0.0.1:{port}/hooks"), received, handle }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Seals the audit trail and turns the new events into deliveries, as the server's loops do.
fn dispatch_now(app: &TestApp) -> usize {
    app.seal_audit();
    dispatch(app.db()).expect("dispatching works")
}

const BASE: Duration = Duration::from_secs(10);

async fn send_at(app: &TestApp, at: chrono::NaiveDateTime) -> usize {
    send_due(app.db(), &reqwest::Client::new(), BASE, at).await.expect("sending works")
}

async fn portal(app: &TestApp, org: &crate::helpers::Org) -> String {
    let (client_id, secret) = app.service_client(org, &["webhooks:manage"]).await;
    app.client_token(&client_id, &secret).await
}

/// Checks a Standard Webhooks signature by the specification, independently of the service's code.
fn verify(secret: &str, received: &Received) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", received.id, received.timestamp).as_bytes());
    mac.update(&received.body);
    let expected = format!("v1,{}", engine.encode(mac.finalize().into_bytes()));
    received.signature.split(' ').any(|s| s == expected)
}

#[actix_web::test]
async fn an_approved_skp_reaches_the_portal_signed_once_and_a_rolled_back_write_sends_nothing() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("hooks");
    let receiver = Receiver::start(0);
    let token = portal(&app, &org).await;
    let created = app
        .post("/api/v1/webhooks", &token, json!({"url": receiver.url, "event_types": ["skp.approved"]}))
        .await
        .expect(201);
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{created}");
    let webhook_id = created["webhook"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/webhooks", &token).await.expect(200)["items"][0]["id"], webhook_id.as_str());
    // A URL that is neither https nor loopback is refused.
    app.post(
        "/api/v1/webhooks",
        &token,
        json!({"url": "http://portal.example/hooks", "event_types": ["skp.approved"]}),
    )
    .await
    .expect_problem(422, "validation_failed");

    // A write that rolls back leaves no event, so nothing is sent for it.
    let org_id = org.id.clone();
    let rolled_back = app.db().write_blocking(move |conn| -> Result<(), kinerja::error::ApiError> {
        let change = kinerja::audit::Change::new("skp.approve", "skp", "never-committed");
        kinerja::audit::record(conn, &kinerja::audit::Actor::cli("test"), org_id.as_str(), change)?;
        Err(kinerja::error::ApiError::conflict("rolled_back", "on purpose"))
    });
    assert!(rolled_back.is_err());
    assert_eq!(dispatch_now(&app), 0);

    // The supervisor approves the staff's SKP: one delivery, posted once, signed.
    let plan = Planning::start_in(&app, &org, 2031).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    let skp = plan.plan_and_approve(&staff, &supervisor, vec![target("Layanan", "utama", 100.0, None, None)]).await;
    assert_eq!(dispatch_now(&app), 1, "submit is not subscribed; approve is");
    assert_eq!(dispatch_now(&app), 0, "the cursor moved: nothing twice");
    let now = kinerja::db::now();
    assert_eq!(send_at(&app, now).await, 1);
    assert_eq!(send_at(&app, now).await, 0, "delivered once");
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert!(verify(&secret, &got[0]), "{got:?}");
    assert!(got[0].id.starts_with("msg_"));
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["type"], "skp.approved");
    assert_eq!(body["data"]["resource_id"], skp["id"]);
    assert_eq!(body["data"]["organization_id"], org.id.as_str());
    // Kept for the report's check with the Python `standardwebhooks` library.
    if let Ok(path) = std::env::var("KINERJA_WEBHOOK_SAMPLE") {
        let sample = json!({"secret": secret, "id": got[0].id, "timestamp": got[0].timestamp,
            "signature": got[0].signature, "body": String::from_utf8_lossy(&got[0].body)});
        std::fs::write(path, sample.to_string()).unwrap();
    }

    // The delivery log; another portal sees none of it.
    let log = app.get(&format!("/api/v1/webhooks/{webhook_id}/deliveries"), &token).await.expect(200);
    assert_eq!(log["items"][0]["status"], "delivered");
    assert_eq!(log["items"][0]["attempts"], 1);
    assert_eq!(log["items"][0]["last_status_code"], 204);
    let other = portal(&app, &org).await;
    app.get(&format!("/api/v1/webhooks/{webhook_id}/deliveries"), &other).await.expect_problem(404, "not_found");
    // A portal without the scope may not register.
    let (id, key) = app.service_client(&org, &["employees:read"]).await;
    let reader = app.client_token(&id, &key).await;
    app.post("/api/v1/webhooks", &reader, json!({"url": receiver.url, "event_types": ["skp.approved"]}))
        .await
        .expect_problem(403, "forbidden");

    // Removed: nothing more is sent.
    app.delete(&format!("/api/v1/webhooks/{webhook_id}"), &token).await.expect(204);
    let peer = app.token_for(&org.peer);
    plan.plan_and_approve(&peer, &supervisor, vec![target("Arsip", "utama", 100.0, None, None)]).await;
    assert_eq!(dispatch_now(&app), 0);
    receiver.handle.stop(false).await;
}

#[actix_web::test]
async fn a_failing_receiver_gets_the_event_after_retries_with_backoff_and_by_hand() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("hooks-retry");
    let receiver = Receiver::start(2);
    let token = portal(&app, &org).await;
    let created = app
        .post("/api/v1/webhooks", &token, json!({"url": receiver.url, "event_types": ["skp.approved", "skp.returned"]}))
        .await
        .expect(201);
    let webhook_id = created["webhook"]["id"].as_str().unwrap().to_string();
    let plan = Planning::start_in(&app, &org, 2031).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    plan.plan_and_approve(&staff, &supervisor, vec![target("Layanan", "utama", 100.0, None, None)]).await;
    assert_eq!(dispatch_now(&app), 1);
    let log_path = format!("/api/v1/webhooks/{webhook_id}/deliveries");

    // First attempt: 500; the next is due one base later, not before.
    let start = kinerja::db::now();
    assert_eq!(send_at(&app, start).await, 1);
    let log = app.get(&log_path, &token).await.expect(200);
    assert_eq!(log["items"][0]["status"], "pending");
    assert_eq!(log["items"][0]["attempts"], 1);
    assert_eq!(log["items"][0]["last_status_code"], 500);
    assert_eq!(send_at(&app, start + chrono::Duration::seconds(9)).await, 0);
    // Second attempt after 10 s: 500 again; the next waits twice as long.
    let second = start + chrono::Duration::seconds(10);
    assert_eq!(send_at(&app, second).await, 1);
    assert_eq!(send_at(&app, second + chrono::Duration::seconds(19)).await, 0);
    let third = second + chrono::Duration::seconds(20);
    assert_eq!(send_at(&app, third).await, 1);
    let log = app.get(&log_path, &token).await.expect(200);
    assert_eq!(log["items"][0]["status"], "delivered", "{log}");
    assert_eq!(log["items"][0]["attempts"], 3);
    let got = receiver.received();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.id == got[0].id), "one webhook-id across the retries");
    let secret = created["secret"].as_str().unwrap();
    assert!(got.iter().all(|r| verify(secret, r)));

    // Redelivered by hand: sent again at once, same id.
    let delivery = log["items"][0]["id"].as_str().unwrap();
    let queued = app.post(&format!("{log_path}/{delivery}/redeliver"), &token, json!({})).await.expect(202);
    assert_eq!(queued["status"], "pending");
    assert_eq!(send_at(&app, kinerja::db::now()).await, 1);
    assert_eq!(receiver.received().len(), 4);
    assert_eq!(receiver.received()[3].id, got[0].id);
    app.post(&format!("{log_path}/nope/redeliver"), &token, json!({})).await.expect_problem(404, "not_found");
    receiver.handle.stop(false).await;
}
