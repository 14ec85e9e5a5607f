//! The command line, run as a user would: clear one-line failures, the first admin, the demo
//! data and the audit check.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const SECRET: &str = "cli-test-secret-cli-test-secret-cli-test";

struct Workdir(PathBuf);

impl Workdir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("kinerja-cli-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Workdir(dir)
    }

    /// The binary in this directory, with a clean environment and its own SQLite database.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kinerja"));
        cmd.args(args).current_dir(&self.0).env_remove("DATABASE_URL").env_remove("KINERJA_JWT_SECRET");
        cmd.env_remove("KINERJA_ADMIN_PASSWORD").env_remove("KINERJA_DEMO_PASSWORD").env("RUST_LOG", "warn");
        cmd.env("DATABASE_URL", "sqlite://cli.db");
        cmd
    }

    fn kinerja(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            child.stdin.as_mut().unwrap().write_all(input.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[track_caller]
fn one_clear_line(out: &Output, contains: &str) {
    assert!(!out.status.success(), "expected a failure: {}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "stderr: {err}");
    assert!(err.contains(contains), "stderr: {err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "stderr: {err}");
}

#[test]
fn bad_database_urls_fail_with_one_line() {
    let dir = Workdir::new();
    one_clear_line(&dir.kinerja(&["migrate"], &[("DATABASE_URL", "mysql://localhost/x")], None), "DATABASE_URL");
    one_clear_line(
        &dir.kinerja(
            &["migrate"],
            &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x"), ("KINERJA_JWT_SECRET", SECRET)],
            None,
        ),
        "cannot connect",
    );
    one_clear_line(
        &dir.kinerja(&["migrate"], &[("DATABASE_URL", "sqlite:///no/such/dir/x.db")], None),
        "cannot connect",
    );
}

#[test]
fn postgres_without_a_shared_secret_refuses_to_start() {
    let dir = Workdir::new();
    let out = dir.kinerja(&["serve"], &[("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")], None);
    one_clear_line(&out, "KINERJA_JWT_SECRET");
}

#[test]
fn the_first_admin_is_created_with_a_password_from_stdin() {
    let dir = Workdir::new();
    let args = [
        "admin",
        "create",
        "--org-code",
        "kota-uji",
        "--org-name",
        "Pemerintah Kota Uji",
        "--nip",
        "198503152010011001",
        "--name",
        "Admin Uji",
    ];
    one_clear_line(&dir.kinerja(&args, &[], Some("short\n")), "at least 12");
    let out = dir.kinerja(&args, &[], Some("a long enough password\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("admin Admin Uji (198503152010011001) created"));
    // The same NIP again is refused, naming the field.
    let again = dir.kinerja(&args, &[("KINERJA_ADMIN_PASSWORD", "a long enough password")], None);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("nip"), "{}", stderr(&again));
    // A second admin for the existing organisation needs no name for it.
    let second = ["admin", "create", "--org-code", "kota-uji", "--nip", "199001012015031001", "--name", "Admin Dua"];
    assert!(dir.kinerja(&second, &[("KINERJA_ADMIN_PASSWORD", "another long password")], None).status.success());
    let verify = dir.kinerja(&["audit", "verify"], &[], None);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(stdout(&verify).contains("kota-uji: intact"));
}

/// A pseudo-terminal pair: (the side a person types on, the side the program runs on).
fn open_pty() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors, which the files below then own.
    let rc =
        unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    unsafe { (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave)) }
}

/// Whether the terminal behind `master` echoes what is typed.
fn echoes(master: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    let mut settings = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr fills the struct on success, which is checked before it is read.
    let rc = unsafe { libc::tcgetattr(master.as_raw_fd(), settings.as_mut_ptr()) };
    assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
    unsafe { settings.assume_init() }.c_lflag & libc::ECHO != 0
}

/// On a terminal, `admin create` reads the password without echo: typed on a pseudo-terminal, it
/// never comes back on the screen. It is typed once the prompt shows and echo is off, or after
/// five seconds if echo stays on, so a program that echoes fails here instead of hanging.
#[test]
fn admin_create_on_a_terminal_does_not_echo_the_password() {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    const PASSWORD: &str = "typed secret 12345";
    let dir = Workdir::new();
    let (mut master, slave) = open_pty();
    let mut cmd = dir.command(&[
        "admin",
        "create",
        "--org-code",
        "kota-tty",
        "--org-name",
        "Pemerintah Kota Terminal",
        "--nip",
        "198503152010011001",
        "--name",
        "Admin Terminal",
    ]);
    cmd.stdin(slave.try_clone().unwrap()).stdout(slave.try_clone().unwrap()).stderr(slave);
    // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
    // controlling terminal is the pseudo-terminal, as a login shell would have (the password is
    // read from /dev/tty).
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(cmd); // closes this process's copies of the terminal side, so reading ends with the child
    let screen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let (screen, mut master) = (screen.clone(), master.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            // Ends with EIO once the child has exited and the terminal side is closed.
            while let Ok(n @ 1..) = master.read(&mut buf) {
                screen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let shown = |text: &str| String::from_utf8_lossy(&screen.lock().unwrap()).contains(text);
    let start = Instant::now();
    while !shown("Password") {
        assert!(start.elapsed() < Duration::from_secs(60), "no prompt");
        std::thread::sleep(Duration::from_millis(20));
    }
    let start = Instant::now();
    while echoes(&master) && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    master.write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let screen = String::from_utf8_lossy(&screen.lock().unwrap()).to_string();
    assert!(status.success(), "{screen}");
    assert!(screen.contains("admin Admin Terminal (198503152010011001) created"), "{screen}");
    assert!(!screen.contains(PASSWORD), "the password was echoed: {screen}");
}

#[test]
fn the_demo_data_is_loaded_only_when_asked_and_says_so() {
    let dir = Workdir::new();
    let refused = dir.kinerja(&["seed"], &[], None);
    assert!(!refused.status.success());
    let out = dir.kinerja(&["seed", "--demo"], &[("KINERJA_DEMO_PASSWORD", "demo password 123")], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("DEMO DATA LOADED"), "{text}");
    assert!(text.contains("197801152003121001"));
    let generated = Workdir::new().kinerja(&["seed", "--demo"], &[], None);
    assert!(stdout(&generated).contains("password for every demo account: "));
    let twice = dir.kinerja(&["seed", "--demo"], &[("KINERJA_DEMO_PASSWORD", "demo password 123")], None);
    one_clear_line(&twice, "already exists");
    assert!(dir.kinerja(&["audit", "verify", "--org-code", "demo"], &[], None).status.success());
}

#[test]
fn openapi_prints_the_document() {
    let out = Workdir::new().kinerja(&["openapi"], &[], None);
    assert!(out.status.success());
    assert_eq!(stdout(&out), kinerja::openapi::document_json());
}
