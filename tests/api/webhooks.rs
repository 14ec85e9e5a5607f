//! Webhooks: a portal registers an endpoint, the audit trail is the outbox, deliveries are signed
//! (Standard Webhooks) and retried; receivers on loopback that the tests start.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse, HttpServer};
use kinerja::domain::network::Network;
use kinerja::webhooks::store::{dispatch, send_due};
use kinerja::webhooks::target::Sender;
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

/// Sends the due deliveries as the server's sender does, with the app's settings.
async fn send_at(app: &TestApp, at: chrono::NaiveDateTime) -> usize {
    send_with(app, &app.settings.webhook_allow_networks, at).await
}

/// Sends the due deliveries allowing only the `allowed` networks beyond the public ones.
async fn send_with(app: &TestApp, allowed: &[Network], at: chrono::NaiveDateTime) -> usize {
    let sender = Sender::new(allowed).expect("a client");
    send_due(app.db(), &sender, BASE, at).await.expect("sending works")
}

/// The networks of the receivers the tests start (`KINERJA_WEBHOOK_ALLOW_NETWORKS=127.0.0.0/8,::1`).
fn loopback() -> Vec<Network> {
    vec![Network::parse("127.0.0.0/8").unwrap(), Network::parse("::1").unwrap()]
}

/// A test app whose webhooks may go to the loopback receivers.
async fn app_allowing_loopback() -> TestApp {
    TestApp::spawn_with(|s| s.webhook_allow_networks = loopback()).await
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
    let app = app_allowing_loopback().await;
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
    // Plain http to a receiver outside the allowed networks is refused.
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
        kinerja::audit::record(conn, &kinerja::audit::Actor::cli("test"), &org_id, change)?;
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
    let app = app_allowing_loopback().await;
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

/// Registers `url` for `skp.approved` in English; returns the response.
async fn register_in_english(app: &TestApp, token: &str, url: &str) -> crate::helpers::TestResponse {
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/webhooks")
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("accept-language", "en"))
        .insert_header(("content-type", "application/json"))
        .set_payload(json!({"url": url, "event_types": ["skp.approved"]}).to_string());
    app.send(req).await
}

#[actix_web::test]
async fn webhook_urls_that_reach_non_public_addresses_are_refused_saying_why() {
    let app = TestApp::spawn().await;
    let org = app.seed_org("hooks-ssrf");
    let token = portal(&app, &org).await;
    // (URL, field code, what the message must name). No request is ever made to these.
    let refused = [
        ("https://127.0.0.1/hooks", "non_public_address", "127.0.0.1 is a loopback address"),
        ("https://127.8.9.10:8443/hooks", "non_public_address", "127.8.9.10 is a loopback address"),
        ("https://[::1]/hooks", "non_public_address", "::1 is a loopback address"),
        ("https://localhost/hooks", "non_public_address", "localhost (127.0.0.1) is a loopback address"),
        ("https://10.1.2.3/hooks", "non_public_address", "10.1.2.3 is a private address (RFC 1918)"),
        ("https://172.16.0.1/hooks", "non_public_address", "172.16.0.1 is a private address (RFC 1918)"),
        ("https://192.168.1.1/hooks", "non_public_address", "192.168.1.1 is a private address (RFC 1918)"),
        ("https://100.64.0.1/hooks", "non_public_address", "100.64.0.1 is a shared carrier address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "non_public_address",
            "169.254.169.254 is a link-local address, where cloud metadata services answer",
        ),
        ("https://[fe80::1]/hooks", "non_public_address", "fe80::1 is a link-local address"),
        ("https://[fd00:ec2::254]/hooks", "non_public_address", "fd00:ec2::254 is a unique local IPv6 address"),
        ("https://0.0.0.0/hooks", "non_public_address", "0.0.0.0 is an unspecified address"),
        ("https://[::]/hooks", "non_public_address", ":: is an unspecified address"),
        ("https://224.0.0.1/hooks", "non_public_address", "224.0.0.1 is a multicast or broadcast address"),
        ("https://255.255.255.255/hooks", "non_public_address", "255.255.255.255 is a multicast or broadcast"),
        ("https://[ff02::1]/hooks", "non_public_address", "ff02::1 is a multicast or broadcast address"),
        ("https://192.0.2.1/hooks", "non_public_address", "192.0.2.1 is an address reserved for documentation"),
        ("https://240.0.0.1/hooks", "non_public_address", "240.0.0.1 is a reserved or special-purpose address"),
        // IPv4 written as IPv6: mapped, NAT64, 6to4.
        ("https://[::ffff:127.0.0.1]/hooks", "non_public_address", "::ffff:127.0.0.1 is a loopback address"),
        ("https://[::ffff:a9fe:a9fe]/", "non_public_address", "::ffff:169.254.169.254 is a link-local address"),
        ("https://[64:ff9b::a9fe:a9fe]/", "non_public_address", "64:ff9b::a9fe:a9fe is a link-local address"),
        ("https://[2002:c0a8:101::1]/", "non_public_address", "2002:c0a8:101::1 is a private address"),
        // The decimal, octal, hexadecimal and short forms the URL parser accepts.
        ("https://2130706433/hooks", "non_public_address", "127.0.0.1 is a loopback address"),
        ("https://0177.0.0.1/hooks", "non_public_address", "127.0.0.1 is a loopback address"),
        ("https://0x7f.0.0.1/hooks", "non_public_address", "127.0.0.1 is a loopback address"),
        ("https://127.1/hooks", "non_public_address", "127.0.0.1 is a loopback address"),
        ("https://0xa9fea9fe/", "non_public_address", "169.254.169.254 is a link-local address"),
        // Not http(s), not a URL, or with a user name or password.
        ("ftp://portal.kinerja.invalid/hooks", "url", "use an https:// URL"),
        ("file:///etc/passwd", "url", "use an https:// URL"),
        ("gopher://portal.kinerja.invalid:70/_hooks", "url", "use an https:// URL"),
        ("javascript:alert(1)", "url", "use an https:// URL"),
        ("//portal.kinerja.invalid/hooks", "url", "must be an absolute http(s) URL"),
        ("https://user:secret@portal.kinerja.invalid/hooks", "url_userinfo", "may not carry a user name"),
        ("https://user@portal.kinerja.invalid/hooks", "url_userinfo", "may not carry a user name"),
        // Plain http to a public or unknown host.
        ("http://portal.kinerja.invalid/hooks", "url", "http:// only to a receiver in a network the operator allows"),
        ("http://203.0.114.10/hooks", "url", "http:// only to a receiver in a network the operator allows"),
    ];
    for (url, code, names) in refused {
        let body = register_in_english(&app, &token, url).await.expect_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "url", "{url}: {body}");
        assert_eq!(body["errors"][0]["code"], code, "{url}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(names), "{url}: {message:?} does not say {names:?}");
    }
    // In Indonesian (the default) too.
    let body = app
        .post("/api/v1/webhooks", &token, json!({"url": "https://169.254.169.254/", "event_types": ["skp.approved"]}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(
        body["errors"][0]["message"],
        "169.254.169.254 adalah alamat link-local, tempat layanan metadata cloud menjawab; \
         webhook hanya dikirim ke alamat publik"
    );

    // A public address, and a name that does not resolve (yet): accepted, since every delivery
    // checks again where the name leads then.
    for url in ["https://203.0.114.10/hooks", "https://portal.kinerja.invalid/hooks", "https://[2404:6800::1]/x"] {
        register_in_english(&app, &token, url).await.expect(201);
    }
    assert_eq!(app.get("/api/v1/webhooks", &token).await.expect(200)["items"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn loopback_receivers_need_the_allow_setting_and_the_address_is_checked_again_at_delivery() {
    let receiver = Receiver::start(0);
    let port = receiver.url.rsplit(':').next().unwrap().trim_end_matches("/hooks").to_string();
    let by_name = format!("http://localhost:{port}/hooks");

    // Without the setting, neither the address nor a name resolving to it is taken.
    let closed = TestApp::spawn().await;
    let org = closed.seed_org("hooks-closed");
    let token = portal(&closed, &org).await;
    for url in [&receiver.url, &by_name] {
        let body = register_in_english(&closed, &token, url).await.expect_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], "non_public_address", "{url}: {body}");
    }

    // With KINERJA_WEBHOOK_ALLOW_NETWORKS=127.0.0.0/8,::1 both are, plain http included.
    let app = app_allowing_loopback().await;
    let org = app.seed_org("hooks-open");
    let token = portal(&app, &org).await;
    let mut hooks = Vec::new();
    for url in [&receiver.url, &by_name] {
        let created = register_in_english(&app, &token, url).await.expect(201);
        hooks.push(created["webhook"]["id"].as_str().unwrap().to_string());
    }
    // Neither allows other private networks.
    let body =
        register_in_english(&app, &token, "http://10.1.2.3/hooks").await.expect_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "non_public_address");

    let plan = Planning::start_in(&app, &org, 2031).await;
    let (staff, supervisor) = (app.token_for(&org.staff), app.token_for(&org.supervisor));
    plan.plan_and_approve(&staff, &supervisor, vec![target("Layanan", "utama", 100.0, None, None)]).await;
    assert_eq!(dispatch_now(&app), 2);

    // At delivery the sender judges the address again, the one the name resolves to now: a
    // sender that does not allow loopback (as though the name now led somewhere it may not go)
    // posts nothing, to the address or to the name, and says why.
    let start = kinerja::db::now();
    assert_eq!(send_with(&app, &[], start).await, 2, "both attempted");
    assert!(receiver.received().is_empty(), "nothing reached the receiver: {:?}", receiver.received());
    for (hook, refusal) in hooks
        .iter()
        .zip(["refused: 127.0.0.1 is a loopback address", "refused: localhost (127.0.0.1) is a loopback address"])
    {
        let log = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &token).await.expect(200);
        let delivery = &log["items"][0];
        assert_eq!(delivery["status"], "pending", "{log}");
        assert_eq!(delivery["attempts"], 1);
        assert_eq!(delivery["last_status_code"], Value::Null);
        assert!(delivery["last_error"].as_str().unwrap().starts_with(refusal), "{log}");
    }

    // The operator's setting lets the retries through.
    assert_eq!(send_at(&app, start + chrono::Duration::seconds(10)).await, 2);
    assert_eq!(receiver.received().len(), 2);
    for hook in &hooks {
        let log = app.get(&format!("/api/v1/webhooks/{hook}/deliveries"), &token).await.expect(200);
        assert_eq!(log["items"][0]["status"], "delivered", "{log}");
    }
    receiver.handle.stop(false).await;
}
