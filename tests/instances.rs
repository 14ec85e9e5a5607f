//! Several instances behind a load balancer: two service processes over one database (PostgreSQL
//! when TEST_DATABASE_URL is set, else one SQLite file), every step alternating between them.
//! Nothing may depend on which instance answered: tokens, refresh rotation and reuse detection,
//! idempotency keys, rating tickets, the login lockout, the audit sealer and webhook delivery
//! behave as with one.

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use support::{http, http_with, kinerja, Reply, Service};

const DEMO_PASSWORD: &str = "instances-demo-password";
const ADMIN_NIP: &str = "197801152003121001";
const STAFF_NIP: &str = "199002142015031004";

/// A database of this test's own: (url, what to drop afterwards).
fn database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) => {
            let name = format!("kinerja_instances_{}", uuid::Uuid::new_v4().simple());
            let mut admin = diesel::PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL is reachable");
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url).to_string();
            (format!("{base}/{name}"), Some((admin_url, name)))
        }
        Err(_) => (format!("sqlite://{}", dir.join("shared.db").display()), None),
    }
}

fn login(port: u16, nip: &str, password: &str) -> Reply {
    http(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"grant_type": "password", "nip": nip, "password": password})),
    )
}

fn refresh(port: u16, token: &str) -> Reply {
    http(port, "POST", "/api/v1/auth/refresh", None, Some(&json!({"refresh_token": token})))
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("expected a string, got {value}")).to_string()
}

#[test]
fn two_instances_over_one_database_behave_as_one() {
    let dir = std::env::temp_dir().join(format!("kinerja-instances-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, drop_after) = database(&dir);

    let seeded =
        kinerja(&url, &dir).args(["seed", "--demo"]).env("KINERJA_DEMO_PASSWORD", DEMO_PASSWORD).output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let client = kinerja(&url, &dir)
        .args(["client", "create", "--org-code", "demo", "--name", "Loket", "--scope", "rating_tickets:issue"])
        .output()
        .unwrap();
    let client = String::from_utf8_lossy(&client.stdout).to_string();
    let field = |name: &str| client.lines().find_map(|l| l.strip_prefix(name)).unwrap().to_string();
    let (client_id, client_secret) = (field("client_id="), field("client_secret="));

    let env = [("KINERJA_LOGIN_LOCKOUT_AFTER", "3")];
    let a = Service::start(&url, &dir, &env);
    let b = Service::start(&url, &dir, &env);
    let (a, b) = (a.port, b.port);

    // A token from one instance works on the other.
    let tokens = login(a, ADMIN_NIP, DEMO_PASSWORD).json();
    let access = text(&tokens["access_token"]);
    let me = http(b, "GET", "/api/v1/me", Some(&access), None);
    assert_eq!(me.status, 200, "{me:?}");
    let org = text(&me.json()["organization"]["id"]);

    // Refresh rotation on B; the old refresh token replayed on A is caught and ends the login,
    // so the newest one (from B) stops working on B too.
    let first = text(&tokens["refresh_token"]);
    let rotated = refresh(b, &first);
    assert_eq!(rotated.status, 200, "{rotated:?}");
    let second = text(&rotated.json()["refresh_token"]);
    let replayed = refresh(a, &first);
    assert_eq!((replayed.status, replayed.json()["code"].clone()), (401, json!("refresh_token_reused")));
    assert_eq!(refresh(b, &second).status, 401, "the whole login ends, whichever instance is asked");

    // An idempotency key: the retry lands on the other instance and gets the first answer.
    let access = text(&login(b, ADMIN_NIP, DEMO_PASSWORD).json()["access_token"]);
    let units = format!("/api/v1/organizations/{org}/units");
    let unit = json!({"code": "loket-baru", "name": "Loket Baru", "kind": "seksi", "is_service_unit": true});
    let key = [("idempotency-key", "retry-across-instances")];
    let made = http_with(a, "POST", &units, Some(&access), &key, Some(&unit));
    assert_eq!(made.status, 201, "{made:?}");
    let again = http_with(b, "POST", &units, Some(&access), &key, Some(&unit));
    assert_eq!((again.status, again.header("idempotent-replayed")), (201, Some("true")));
    assert_eq!(again.json()["id"], made.json()["id"]);
    let listed = http(a, "GET", &format!("{units}?limit=200"), Some(&access), None).json();
    let same_code = listed["items"].as_array().unwrap().iter().filter(|u| u["code"] == "loket-baru").count();
    assert_eq!(same_code, 1);

    // A ticket issued through A is used once, through B; a replay on A is refused.
    let desk = http(
        a,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})),
    );
    let desk = text(&desk.json()["access_token"]);
    let issued = http(b, "POST", "/api/v1/rating-tickets", Some(&desk), Some(&json!({"unit_id": made.json()["id"]})));
    assert_eq!(issued.status, 201, "{issued:?}");
    let scores = json!({"persyaratan": 4, "prosedur": 4, "waktu_penyelesaian": 3, "biaya_tarif": 4, "produk_layanan": 3,
                        "kompetensi_pelaksana": 4, "perilaku_pelaksana": 4, "penanganan_pengaduan": 3, "sarana_prasarana": 3});
    let rating = json!({"ticket": issued.json()["token"], "scores": scores});
    let rated = http(a, "POST", "/api/v1/public/citizen-ratings", None, Some(&rating));
    assert_eq!(rated.status, 201, "{rated:?}");
    let replay = http(b, "POST", "/api/v1/public/citizen-ratings", None, Some(&rating));
    assert_eq!((replay.status, replay.json()["code"].clone()), (409, json!("ticket_used")));

    // Wrong passwords alternating between the instances lock the account on both.
    for port in [a, b, a] {
        assert_eq!(login(port, STAFF_NIP, "a wrong guess").status, 401);
    }
    for port in [b, a] {
        let locked = login(port, STAFF_NIP, DEMO_PASSWORD);
        assert_eq!(locked.status, 429, "{locked:?}");
        assert!(locked.header("retry-after").is_some());
    }

    // Both instances run the audit sealer: every event ends up sealed exactly once, in one chain.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let verified = kinerja(&url, &dir).args(["audit", "verify"]).output().unwrap();
        let out = String::from_utf8_lossy(&verified.stdout).to_string();
        let err = String::from_utf8_lossy(&verified.stderr);
        assert!(verified.status.success(), "{}: {out}{err}", verified.status);
        if out.contains(" 0 not sealed yet") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "events stayed unsealed: {out}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    if let Some((admin_url, name)) = drop_after {
        let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the receiver got: the Standard Webhooks headers and the body.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    /// The body as sent, and as JSON.
    raw: String,
    body: serde_json::Value,
}

/// A webhook receiver on loopback: a plain socket, one request per connection, answering 204.
struct Receiver {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let (received, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let (store, stopped) = (received.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if let Some(got) = Self::read(stream) {
                            store.lock().unwrap().push(got);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Receiver { port, received, stop }
    }

    fn read(mut stream: TcpStream) -> Option<Received> {
        stream.set_nonblocking(false).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&buf[..n]);
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
        let header = |name: &str| {
            head.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let length: usize = header("content-length").parse().ok()?;
        while raw.len() < head_end + length {
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        stream.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").ok()?;
        Some(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            raw: String::from_utf8_lossy(&raw[head_end..head_end + length]).to_string(),
            body: serde_json::from_slice(&raw[head_end..head_end + length]).ok()?,
        })
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Checks a Standard Webhooks signature by the specification, independently of the service's code.
fn verify(secret: &str, got: &Received) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", got.id, got.timestamp, got.raw).as_bytes());
    let expected = format!("v1,{}", engine.encode(mac.finalize().into_bytes()));
    got.signature.split(' ').any(|s| s == expected)
}

/// Events caused through both instances reach a portal's endpoint once each, signed: every
/// instance runs the dispatcher and the sender, and the cursor lock and the delivery claims keep
/// them from dispatching or sending the same event twice. (The design promises each event once
/// per endpoint in the log, and each delivery at least once with one `webhook-id`; only a crash
/// between a post and its record sends one twice. Nothing crashes here, so exactly once.)
#[test]
fn webhooks_of_events_on_both_instances_arrive_once_each_and_signed() {
    let dir = std::env::temp_dir().join(format!("kinerja-instances-hooks-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, drop_after) = database(&dir);
    let seeded =
        kinerja(&url, &dir).args(["seed", "--demo"]).env("KINERJA_DEMO_PASSWORD", DEMO_PASSWORD).output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let client = kinerja(&url, &dir)
        .args(["client", "create", "--org-code", "demo", "--name", "Portal Aduan"])
        .args(["--scope", "webhooks:manage", "--scope", "complaints:write"])
        .output()
        .unwrap();
    let client = String::from_utf8_lossy(&client.stdout).to_string();
    let field = |name: &str| client.lines().find_map(|l| l.strip_prefix(name)).unwrap().to_string();
    let credentials = json!({"grant_type": "client_credentials", "client_id": field("client_id="),
                             "client_secret": field("client_secret=")});

    let receiver = Receiver::start();
    // The receiver is on loopback: the operator's setting allows it (as for an on-premise one).
    let env = [("KINERJA_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8")];
    let (a, b) = (Service::start(&url, &dir, &env), Service::start(&url, &dir, &env));
    let (a, b) = (a.port, b.port);

    // Subscribed through A.
    let portal = text(&http(b, "POST", "/api/v1/auth/token", None, Some(&credentials)).json()["access_token"]);
    let hook =
        json!({"url": format!("http://127.0.0.1:{}/hooks", receiver.port), "event_types": ["complaint.received"]});
    let created = http(a, "POST", "/api/v1/webhooks", Some(&portal), Some(&hook));
    assert_eq!(created.status, 201, "{created:?}");
    let secret = text(&created.json()["secret"]);
    let webhook_id = text(&created.json()["webhook"]["id"]);

    // Complaints passed on through A and B in turn: one event each.
    let admin = text(&login(a, ADMIN_NIP, DEMO_PASSWORD).json()["access_token"]);
    let org = text(&http(a, "GET", "/api/v1/me", Some(&admin), None).json()["organization"]["id"]);
    let unit = json!({"code": "loket-aduan", "name": "Loket Aduan", "kind": "seksi", "is_service_unit": true});
    let unit = http(b, "POST", &format!("/api/v1/organizations/{org}/units"), Some(&admin), Some(&unit));
    assert_eq!(unit.status, 201, "{unit:?}");
    const EVENTS: usize = 12;
    for i in 0..EVENTS {
        let port = if i % 2 == 0 { a } else { b };
        let complaint = json!({"unit_id": unit.json()["id"], "complaint": format!("Antrean loket terlalu lama ({i})")});
        let made = http(port, "POST", "/api/v1/complaints", Some(&portal), Some(&complaint));
        assert_eq!(made.status, 201, "{made:?}");
    }

    // Every event arrives; then a few more rounds of both instances' dispatchers and senders
    // (every 500 ms) bring no repeat.
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiver.received().len() < EVENTS {
        assert!(
            Instant::now() < deadline,
            "{} of {EVENTS} arrived: {:?}",
            receiver.received().len(),
            receiver.received()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(3));
    let got = receiver.received();
    assert_eq!(got.len(), EVENTS, "none duplicated: {got:?}");
    let ids: BTreeSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    let events: BTreeSet<&str> = got.iter().map(|r| r.body["data"]["event_id"].as_str().unwrap()).collect();
    let resources: BTreeSet<String> = got.iter().map(|r| text(&r.body["data"]["resource_id"])).collect();
    assert_eq!((ids.len(), events.len(), resources.len()), (EVENTS, EVENTS, EVENTS), "{got:?}");
    for r in &got {
        assert!(verify(&secret, r), "the signature does not verify: {r:?}");
        assert_eq!(r.body["type"], "complaint.received");
        assert_eq!(r.body["data"]["organization_id"], org.as_str());
    }
    // They are the complaints made, none lost.
    let listed = http(a, "GET", "/api/v1/complaints?limit=200", Some(&admin), None).json();
    let complaints: BTreeSet<String> = listed["items"].as_array().unwrap().iter().map(|c| text(&c["id"])).collect();
    assert_eq!(resources, complaints);
    // The delivery log, read through B: each delivered on its first attempt.
    let log = http(b, "GET", &format!("/api/v1/webhooks/{webhook_id}/deliveries?limit=200"), Some(&portal), None);
    let items = log.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), EVENTS, "{log:?}");
    assert!(items.iter().all(|d| d["status"] == "delivered" && d["attempts"] == 1), "{items:?}");

    if let Some((admin_url, name)) = drop_after {
        let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
        let _ = diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
