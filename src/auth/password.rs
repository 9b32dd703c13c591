//! Password hashing with argon2id (OWASP's parameters: 19 MiB, 2 passes),
//! off the async runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes `password` into a PHC string (`$argon2id$v=19$…`).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| anyhow::anyhow!("cannot encode salt: {e}"))?;
    let hash = hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))?;
    Ok(hash.to_string())
}

/// Checks `password` against `hash`; false for a wrong password or an
/// unreadable hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing in particular, verified against when the user does not
/// exist so that both failures take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("ecsdeck-no-such-user").unwrap_or_default())
}

/// Verifies `password` against `hash`; `hash` None (no such user) still
/// costs a verification and answers false. Blocks: run it on the blocking
/// pool, through `VerifyGate::verify`.
pub fn verify_password_or_dummy(password: &str, hash: Option<&str>) -> bool {
    match hash {
        Some(h) => verify_password(password, h),
        None => {
            let _ = verify_password(password, dummy_hash());
            false
        }
    }
}

/// Hashes on a blocking thread.
pub async fn hash_password_async(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// The fewest characters a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Rules for a new password (`user add`, `user set-password`): long enough
/// to resist guessing.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters (this one has {chars})"
        ));
    }
    if password.len() > 1024 {
        return Err("the password is longer than 1024 bytes".to_string());
    }
    Ok(())
}

/// Rules for a user name: 1–64 of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_user_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid user name {name:?}: use 1 to 64 letters, digits, '.', '_', '-' or '@'"
        ))
    }
}
