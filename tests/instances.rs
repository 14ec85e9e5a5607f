//! Several instances behind a load balancer: two service processes over one database (PostgreSQL
//! when TEST_DATABASE_URL is set, else one SQLite file), every step alternating between them.
//! Nothing may depend on which instance answered: tokens, refresh rotation and reuse detection,
//! idempotency keys, rating tickets, the login lockout and the audit sealer behave as with one.

mod support;

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
        assert!(verified.status.success(), "{out}");
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
