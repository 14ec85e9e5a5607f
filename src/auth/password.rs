//! argon2id password hashing. Both functions are slow on purpose: call them off the executor.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_PASSWORD_LENGTH: usize = 12;

/// argon2id with 7 MiB and 5 passes: one of the settings OWASP's password storage cheat sheet
/// gives as equal in defence (19 MiB × 2 passes, the crate's default, is another). Every hash
/// being computed holds its memory, so the smallest keeps a login from growing the server by
/// 19 MB per concurrent login. A stored hash names its own parameters: older hashes made with
/// other ones still verify.
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> String {
    hasher().hash_password(password.as_bytes()).expect("argon2id accepts any password").to_string()
}

/// Checks `password` against a stored hash. With no stored hash it still does the work of
/// one check, so an unknown NIP takes as long to refuse as a wrong password.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not a password anyone has"));
    let (candidate, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(candidate) else { return false };
    hasher().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// The password rules, for people choosing one.
pub fn check_strength(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LENGTH {
        return Err(format!("must be at least {MIN_PASSWORD_LENGTH} characters"));
    }
    if chars > 256 {
        return Err("must be at most 256 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let stored = hash("correct horse battery");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("wrong horse battery", Some(&stored)));
        assert!(!verify("not a password anyone has", None));
    }

    #[test]
    fn hashes_name_their_parameters_and_older_ones_still_verify() {
        let stored = hash("correct horse battery");
        assert!(stored.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{stored}");
        // Made before, with the crate's default of 19 MiB and 2 passes.
        let older = Argon2::default().hash_password(b"correct horse battery").unwrap().to_string();
        assert!(older.contains("$m=19456,t=2,p=1$"), "{older}");
        assert!(verify("correct horse battery", Some(&older)));
        assert!(!verify("wrong horse battery", Some(&older)));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength("long enough password").is_ok());
    }
}
