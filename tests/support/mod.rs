//! What the process-level tests share: the service started as an operator starts it (its own
//! process, its own port), and one HTTP/1.1 exchange per connection on its real socket.

#![allow(dead_code)] // each test binary uses a part

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SECRET: &str = "process-test-secret-process-test-secret";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The service as an operator runs it: its own process.
pub struct Service {
    pub child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl Service {
    /// Starts `kinerja` serving `database_url`, with `env` on top, and waits until it listens.
    pub fn start(database_url: &str, dir: &Path, env: &[(&str, &str)]) -> Service {
        let port = free_port();
        let log = std::fs::File::create(dir.join(format!("kinerja-{port}.log"))).unwrap();
        let mut cmd = kinerja(database_url, dir);
        cmd.env("KINERJA_DB_POOL_SIZE", "4").env("KINERJA_SHUTDOWN_TIMEOUT_SECS", "10").envs(env.iter().copied());
        let child =
            cmd.env("KINERJA_BIND", format!("127.0.0.1:{port}")).stdout(Stdio::null()).stderr(log).spawn().unwrap();
        let service = Service { child, port, dir: dir.to_path_buf() };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "the service did not start: {}", service.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        service
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(format!("kinerja-{}.log", self.port))).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with a clean environment for `database_url`, run in `dir`.
pub fn kinerja(database_url: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kinerja"));
    cmd.current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("KINERJA_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env_remove("KINERJA_DEMO_PASSWORD")
        .env_remove("KINERJA_ADMIN_PASSWORD")
        .env_remove("KINERJA_CORS_ORIGINS")
        .env_remove("KINERJA_METRICS_TOKEN");
    cmd
}

/// One HTTP/1.1 exchange on its own connection (the service's real socket, no client library).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub fn request_head(method: &str, path: &str, token: Option<&str>, body_len: usize) -> String {
    request_head_with(method, path, token, &[], body_len)
}

pub fn request_head_with(
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body_len: usize,
) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if body_len > 0 {
        head.push_str(&format!("content-type: application/json\r\ncontent-length: {body_len}\r\n"));
    }
    head.push_str("\r\n");
    head
}

pub fn read_reply(mut stream: TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Reply { status, headers, body: body.to_string() }
}

pub fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&serde_json::Value>) -> Reply {
    http_with(port, method, path, token, &[], body)
}

/// [`http`] with more request headers.
pub fn http_with(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Reply {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream.write_all(request_head_with(method, path, token, headers, body.len()).as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    read_reply(stream)
}
