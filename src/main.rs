fn main() -> std::process::ExitCode {
    tune_allocator();
    kinerja::cli::run()
}

/// glibc's malloc raises its mmap threshold to the largest block freed (up to 32 MB), so after
/// the first login the 19 MB of every Argon2 hash come from a thread's arena and stay resident
/// after it: each blocking thread that ever hashed a password kept 19 MB (an idle server grew
/// from 45 to 100 MB after a few logins). A fixed threshold keeps large blocks mmapped and
/// returned on free; two arenas keep the database threads from holding one each.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread runs.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
