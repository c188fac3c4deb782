//! Secrets: password hashing (argon2id), random tokens, and their hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use sha2::{Digest, Sha256};

/// A hash that no password matches, verified when the account does not exist so that a wrong
/// username costs the same time as a wrong password (no user enumeration by timing).
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password_blocking("no account has this password").unwrap_or_default());

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password_blocking(password: &str) -> Result<String, String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(hash.to_string())
}

/// Checks a password against a PHC string (constant-time inside argon2).
pub fn verify_password_blocking(password: &str, phc: Option<&str>) -> bool {
    match phc {
        Some(phc) => Argon2::default()
            .verify_password(password.as_bytes(), phc)
            .is_ok(),
        None => {
            let _ = Argon2::default().verify_password(password.as_bytes(), DUMMY_HASH.as_str());
            false
        }
    }
}

/// Hashes off the async runtime: argon2 takes tens of milliseconds by design.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Verifies off the async runtime.
pub async fn verify_password(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_password_blocking(&password, phc.as_deref()))
        .await
        .unwrap_or(false)
}

/// A random token of 32 bytes, hex-encoded (256 bits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password_blocking("mật khẩu đủ dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password_blocking("mật khẩu đủ dài", Some(&h)));
        assert!(!verify_password_blocking("mat khau du dai", Some(&h)));
        assert!(!verify_password_blocking("anything", None));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(token_hash("a"), token_hash("a"));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
