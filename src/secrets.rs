//! Random secrets and their digests: a leaf that settings, tokens and tickets share.

use sha2::{Digest, Sha256};

/// `n` bytes from the operating system's random source.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    bytes
}

/// A 256-bit random secret, URL-safe, for refresh tokens, client secrets and rating tickets.
pub fn random_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(32))
}

/// Refresh tokens and client secrets are high-entropy, so a plain SHA-256 is enough to store them.
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}
