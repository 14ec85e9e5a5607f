//! Faults, injected for real: the service runs as its own process over a PostgreSQL server that this
//! test starts itself (initdb into a temporary directory, its own port; the shared server is not
//! touched), under write load; the database is killed (`pg_ctl stop -m immediate`, which cuts every
//! connection, mid-transaction included) and started again.
//!
//! It checks that every refusal meanwhile is a `503` problem with `Retry-After`, never a `500`;
//! that `/readyz` says not ready; that the service recovers by itself; that every write it
//! acknowledged with a 2xx is in the database afterwards; and that SIGTERM lets a request that is
//! in flight finish.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use support::{free_port, http, kinerja, read_reply, request_head, Reply, Service};
const PASSWORD: &str = "fault-test-password";
const ADMIN_NIP: &str = "198503152010011001";

/// A PostgreSQL server of this test's own.
struct OwnPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl OwnPostgres {
    fn start() -> OwnPostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server binaries are installed under /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|bin| bin.join("initdb").exists())
            .expect("initdb is installed");
        let dir = std::env::temp_dir().join(format!("kinerja-faults-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let pg = OwnPostgres { bin, dir, port: free_port() };
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(&pg.dir, Some(uid), Some(gid)).unwrap();
        }
        let data = pg.data();
        pg.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        pg.start_server();
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(&program);
            cmd
        } else {
            Command::new(&program)
        };
        let out = cmd.args(args).current_dir(&self.dir).output().unwrap();
        assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn start_server(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let log = self.dir.join("postgres.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// As a crash would: every backend is killed at once, transactions in flight are lost.
    fn kill(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new(if is_root() { "runuser" } else { "true" })
            .args(if is_root() { vec!["-u", "postgres", "--"] } else { vec![] })
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, "postgres"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("a postgres user exists")
    };
    (id("-u"), id("-g"))
}

#[derive(Default)]
struct Outcomes {
    acknowledged: Vec<String>,
    refused: Vec<Reply>,
}

#[test]
fn a_database_crash_under_load_gives_503s_loses_no_acknowledged_write_and_heals_itself() {
    let pg = OwnPostgres::start();
    let work = pg.dir.join("service");
    std::fs::create_dir_all(&work).unwrap();
    let created = kinerja(&pg.url(), &work)
        .args(["admin", "create", "--org-code", "fault", "--org-name", "Pemerintah Fault"])
        .args(["--nip", ADMIN_NIP, "--name", "Admin Fault"])
        .env("KINERJA_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let service = Service::start(&pg.url(), &work, &[]);
    let port = service.port;

    let login = serde_json::json!({"grant_type": "password", "nip": ADMIN_NIP, "password": PASSWORD});
    let token = http(port, "POST", "/api/v1/auth/token", None, Some(&login)).json()["access_token"]
        .as_str()
        .expect("the admin logs in")
        .to_string();
    let org =
        http(port, "GET", "/api/v1/me", Some(&token), None).json()["organization"]["id"].as_str().unwrap().to_string();

    // Four clients create units as fast as they are answered.
    let stop = Arc::new(AtomicBool::new(false));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, outcomes, token, org) = (stop.clone(), outcomes.clone(), token.clone(), org.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let code = format!("w{w}-{n}");
                    let body = serde_json::json!({"code": code, "name": format!("Unit {code}"), "kind": "seksi"});
                    let reply =
                        http(port, "POST", &format!("/api/v1/organizations/{org}/units"), Some(&token), Some(&body));
                    let mut outcomes = outcomes.lock().unwrap();
                    if reply.status == 201 {
                        outcomes.acknowledged.push(code);
                    } else {
                        outcomes.refused.push(reply);
                    }
                }
            })
        })
        .collect();
    let acknowledged_now = || outcomes.lock().unwrap().acknowledged.len();

    std::thread::sleep(Duration::from_millis(1500));
    let before_crash = acknowledged_now();
    assert!(before_crash > 0, "no write succeeded before the fault: {}", service.log());
    pg.kill();
    std::thread::sleep(Duration::from_millis(500));
    let ready = http(port, "GET", "/readyz", None, None);
    assert_eq!(ready.status, 503, "{ready:?}");
    std::thread::sleep(Duration::from_secs(2));
    pg.start_server();

    // The service heals without a restart: writes succeed again and it says it is ready.
    let restarted = Instant::now();
    let after_restart = acknowledged_now();
    while acknowledged_now() < after_restart + 20 {
        assert!(restarted.elapsed() < Duration::from_secs(30), "no recovery after the database came back");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(http(port, "GET", "/readyz", None, None).status, 200);
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().unwrap();
    }

    let outcomes = outcomes.lock().unwrap();
    assert!(!outcomes.refused.is_empty(), "the fault refused nothing: it was not injected");
    for reply in &outcomes.refused {
        assert_eq!(reply.status, 503, "a refusal during the outage must be 503: {reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{reply:?}");
        assert_eq!(reply.json()["code"], "unavailable", "{reply:?}");
        let retry: u64 = reply.header("retry-after").and_then(|s| s.parse().ok()).expect("Retry-After");
        assert!(retry > 0);
    }

    // Every acknowledged write is in the database.
    let mut conn = diesel::PgConnection::establish(&pg.url()).unwrap();
    #[derive(QueryableByName)]
    struct Code {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
    }
    let stored: std::collections::HashSet<String> = diesel::sql_query("SELECT code FROM units")
        .load::<Code>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    let lost: Vec<_> = outcomes.acknowledged.iter().filter(|c| !stored.contains(*c)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    eprintln!(
        "faults: {} writes acknowledged and all {} found after the crash, {} refused with 503 + Retry-After, 0 with 500",
        outcomes.acknowledged.len(),
        outcomes.acknowledged.len(),
        outcomes.refused.len()
    );

    // The audit chain survived the crash (the sealer kept running through it).
    let verified = kinerja(&pg.url(), &work).args(["audit", "verify"]).output().unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
    graceful_shutdown_finishes_the_request_in_flight(service, &token, &org);
}

/// SIGTERM while a request is being received: the service stops accepting, answers it, then exits.
fn graceful_shutdown_finishes_the_request_in_flight(mut service: Service, token: &str, org: &str) {
    let body = serde_json::json!({"code": "in-flight", "name": "Unit in flight", "kind": "seksi"}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(("127.0.0.1", service.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let path = format!("/api/v1/organizations/{org}/units");
    stream.write_all(request_head("POST", &path, Some(token), body.len()).as_bytes()).unwrap();
    stream.write_all(first.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(service.child.id() as i32, libc::SIGTERM) }, 0);
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest.as_bytes()).unwrap();
    let reply = read_reply(stream);
    assert_eq!(reply.status, 201, "the request in flight at SIGTERM was not finished: {reply:?}");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = service.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the service did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit after SIGTERM: {status:?}\n{}", service.log());
}
