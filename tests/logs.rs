//! The log lines carry no personal data: the service runs as an operator runs it, with the most
//! talkative log level, and gets requests that carry names, NIPs and free text (in the query
//! string, in bodies, in a failed login); none of it may appear in what it writes to stderr,
//! while the requests themselves are logged (so this cannot pass on an empty log).

mod support;

use serde_json::json;
use support::{http, kinerja, Service};

const DEMO_PASSWORD: &str = "logs-demo-password";
const ADMIN_NIP: &str = "197801152003121001";
const KABID_NIP: &str = "198203112006042003";
const STAFF_NIP: &str = "199002142015031004";
const STAFF_NAME: &str = "Agus Prasetyo";
/// A new employee's, a stranger's failed login and the free texts of this test.
const NEW_NIP: &str = "198805122010011007";
const NEW_NAME: &str = "Sulastri Wiryaningsih";
const UNKNOWN_NIP: &str = "196512301990031099";
const FEEDBACK: &str = "Laporan triwulan Bapak Agus sangat terlambat";
const RATING_COMMENT: &str = "Petugas bernama Yusuf Maulana menolak berkas saya";
const COMPLAINT: &str = "Saya Bambang Sutrisno, HP 081234567890, dipungut biaya liar";

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("expected a string, got {value}")).to_string()
}

fn token(port: u16, nip: &str) -> String {
    let reply = http(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"grant_type": "password", "nip": nip, "password": DEMO_PASSWORD})),
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    text(&reply.json()["access_token"])
}

#[test]
fn log_lines_carry_no_names_nips_or_free_text_even_at_debug() {
    let dir = std::env::temp_dir().join(format!("kinerja-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("logs.db").display());
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

    let service = Service::start(&url, &dir, &[("RUST_LOG", "debug")]);
    let port = service.port;
    let admin = token(port, ADMIN_NIP);
    let me = http(port, "GET", "/api/v1/me", Some(&admin), None).json();
    let org = text(&me["organization"]["id"]);

    // Searches by name and by NIP in the query string, as a client would send them (whatever the
    // list makes of a parameter it does not take, the request is logged).
    let by_name = http(port, "GET", "/api/v1/employees?q=Agus%20Prasetyo", Some(&admin), None);
    assert!(by_name.status < 500, "{by_name:?}");
    let by_nip = http(port, "GET", &format!("/api/v1/employees?q={STAFF_NIP}&limit=5"), Some(&admin), None);
    assert!(by_nip.status < 500, "{by_nip:?}");

    // A new employee, and a failed login with a NIP nobody has.
    let unit = json!({"code": "loket-log", "name": "Loket Log", "kind": "seksi", "is_service_unit": true});
    let unit = http(port, "POST", &format!("/api/v1/organizations/{org}/units"), Some(&admin), Some(&unit));
    assert_eq!(unit.status, 201, "{unit:?}");
    let unit_id = text(&unit.json()["id"]);
    let employee = json!({"nip": NEW_NIP, "name": NEW_NAME, "position": "Pengadministrasi Umum",
                          "job_level": "pelaksana", "unit_id": unit_id, "roles": []});
    let created = http(port, "POST", "/api/v1/employees", Some(&admin), Some(&employee));
    assert_eq!(created.status, 201, "{created:?}");
    // A careless client puts the name where a code belongs: the problem tells it (its own input
    // back), the log must not.
    let mut mixed_up = employee.clone();
    mixed_up["job_level"] = json!(NEW_NAME);
    let refused = http(port, "POST", "/api/v1/employees", Some(&admin), Some(&mixed_up));
    assert!(refused.body.contains(NEW_NAME) && refused.status >= 400, "{refused:?}");
    let failed = http(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"grant_type": "password", "nip": UNKNOWN_NIP, "password": "not the password"})),
    );
    assert_eq!(failed.status, 401, "{failed:?}");

    // A supervisor's feedback to a staff member.
    let staff = token(port, STAFF_NIP);
    let staff_id = text(&http(port, "GET", "/api/v1/me", Some(&staff), None).json()["employee"]["id"]);
    let kabid = token(port, KABID_NIP);
    let feedback = http(
        port,
        "POST",
        &format!("/api/v1/employees/{staff_id}/feedback"),
        Some(&kabid),
        Some(&json!({"body": FEEDBACK})),
    );
    assert_eq!(feedback.status, 201, "{feedback:?}");

    // A citizen rates with a comment and complains with the same ticket.
    let desk = http(
        port,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})),
    );
    let desk = text(&desk.json()["access_token"]);
    let issued = http(port, "POST", "/api/v1/rating-tickets", Some(&desk), Some(&json!({"unit_id": unit_id})));
    assert_eq!(issued.status, 201, "{issued:?}");
    let ticket = text(&issued.json()["token"]);
    let scores = json!({"persyaratan": 4, "prosedur": 4, "waktu_penyelesaian": 3, "biaya_tarif": 4, "produk_layanan": 3,
                        "kompetensi_pelaksana": 4, "perilaku_pelaksana": 2, "penanganan_pengaduan": 3, "sarana_prasarana": 3});
    let rated = http(
        port,
        "POST",
        "/api/v1/public/citizen-ratings",
        None,
        Some(&json!({"ticket": ticket, "scores": scores, "comment": RATING_COMMENT})),
    );
    assert_eq!(rated.status, 201, "{rated:?}");
    let complained =
        http(port, "POST", "/api/v1/public/complaints", None, Some(&json!({"ticket": ticket, "complaint": COMPLAINT})));
    assert_eq!(complained.status, 201, "{complained:?}");
    let tracking = text(&complained.json()["tracking_code"]);

    // The log, once the last request's line is written.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let log = loop {
        let log = service.log();
        if log.contains("POST /api/v1/public/complaints") || std::time::Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    drop(service);

    // The personal data is not, in any spelling a URL or JSON would give it.
    let personal = [
        ADMIN_NIP,
        KABID_NIP,
        STAFF_NIP,
        STAFF_NAME,
        NEW_NIP,
        NEW_NAME,
        UNKNOWN_NIP,
        FEEDBACK,
        RATING_COMMENT,
        COMPLAINT,
        "081234567890",
        "Bambang Sutrisno",
        // Credentials, while at it.
        DEMO_PASSWORD,
        &ticket,
        &tracking,
    ];
    for data in personal {
        for spelling in [data.to_string(), data.replace(' ', "%20"), data.replace(' ', "+")] {
            assert!(!log.contains(&spelling), "{spelling:?} is in the log:\n{log}");
        }
    }
    // The requests are there, at the debug level asked for.
    for line in [
        r#"request="GET /api/v1/employees?q=*" status="#,
        r#"request="GET /api/v1/employees?q=*&limit=*" status="#,
        r#"request="POST /api/v1/employees" status=201"#,
        r#"request="POST /api/v1/auth/token" status=401"#,
        &format!(r#"request="POST /api/v1/employees/{staff_id}/feedback" status=201"#),
        r#"request="POST /api/v1/public/citizen-ratings" status=201"#,
        r#"request="POST /api/v1/public/complaints" status=201"#,
    ] {
        assert!(log.contains(line), "no {line:?} in the log:\n{log}");
    }
    assert!(log.contains(" DEBUG kinerja::startup] Settings {"), "the log is not at the debug level:\n{log}");

    let _ = std::fs::remove_dir_all(&dir);
}

/// RUST_LOG=warn silences the access log (which is capped at info, never raised to it), and the
/// default writes it.
#[test]
fn the_access_log_follows_rust_log_below_info() {
    let dir = std::env::temp_dir().join(format!("kinerja-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("quiet.db").display());
    for (filter, logged) in [("warn", false), ("info", true)] {
        let service = Service::start(&url, &dir, &[("RUST_LOG", filter)]);
        assert_eq!(http(service.port, "GET", "/readyz", None, None).status, 200);
        // The line is written once the response is; wait for it where it is expected.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(if logged { 10 } else { 1 });
        let log = loop {
            let log = service.log();
            if log.contains("GET /readyz") || std::time::Instant::now() > deadline {
                break log;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        assert_eq!(log.contains("GET /readyz"), logged, "RUST_LOG={filter}: {log}");
    }
}
