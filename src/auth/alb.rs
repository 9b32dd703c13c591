//! Sign-in via an Application Load Balancer with OIDC authentication: the
//! ALB signs the user's claims into `x-amzn-oidc-data`, a JWT we verify:
//! ES256 only, `signer` equal to the configured ALB ARN, `exp` in the
//! future, signature by the public key named by `kid`, fetched from a
//! configurable URL and cached. ALB pads its base64url segments with '=',
//! so decoding accepts padding either way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde_json::{Map, Value};

use super::{Clock, Role};

/// The header the ALB adds to every authenticated request.
pub const OIDC_DATA_HEADER: &str = "x-amzn-oidc-data";

/// AWS's public-key endpoint; `{region}` comes from the ALB ARN.
pub const AWS_KEY_URL: &str = "https://public-keys.auth.elb.{region}.amazonaws.com/{kid}";

/// Settings for ALB sign-in.
#[derive(Clone, Debug)]
pub struct AlbConfig {
    /// The ALB's ARN; the token's `signer` must equal it.
    pub signer_arn: String,
    /// Where public keys live: `{kid}` and `{region}` are substituted.
    pub key_url: String,
    /// Who gets which role: `group:NAME`, `*@example.com`, an e-mail address
    /// or `*`. Checked admins, then operators, then viewers.
    pub admins: Vec<String>,
    pub operators: Vec<String>,
    pub viewers: Vec<String>,
    /// The claim holding the user's groups (Cognito: `cognito:groups`).
    pub groups_claim: String,
    /// Where sign-out sends the browser (the IdP's logout endpoint).
    pub logout_url: Option<String>,
}

/// Why a token was refused (logged; users see a generic message).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AlbError {
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("algorithm {0:?} is not ES256")]
    Algorithm(String),
    #[error("signed by another load balancer: {0}")]
    Signer(String),
    #[error("token expired")]
    Expired,
    #[error("bad signature")]
    Signature,
    #[error("unknown key id {0}")]
    UnknownKey(String),
}

/// A verified user as the ALB vouches for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlbIdentity {
    /// The e-mail address, else the subject.
    pub name: String,
    pub groups: Vec<String>,
    /// None when the role map gives this user nothing.
    pub role: Option<Role>,
    /// The token said `email_verified: false`: the address was ignored.
    pub email_unverified: bool,
    /// The token's `iat`, if it has one, and `exp` (unix seconds).
    pub issued_s: Option<i64>,
    pub expires_s: i64,
}

const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// Allowed clock skew between the ALB and us.
const LEEWAY_MS: i64 = 30_000;
/// How long an unknown key id is remembered as unknown.
const MISS_TTL_MS: i64 = 60_000;
const MAX_KEYS: usize = 64;

fn b64url() -> GeneralPurpose {
    GeneralPurpose::new(
        &URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// The uncompressed P-256 point of a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
pub fn p256_point_from_pem(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----") && !l.is_empty())
        .collect();
    let der = STANDARD.decode(body).ok()?;
    (der.len() == 91 && der[..26] == P256_SPKI_PREFIX).then(|| der[26..].to_vec())
}

/// PEM for an uncompressed P-256 point (tests and tools).
pub fn p256_pem_from_point(point: &[u8]) -> String {
    let mut der = P256_SPKI_PREFIX.to_vec();
    der.extend_from_slice(point);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    )
}

#[derive(Debug)]
pub struct AlbVerifier {
    config: AlbConfig,
    clock: Clock,
    http: HttpClient,
    keys: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    misses: Mutex<HashMap<String, i64>>,
}

impl AlbVerifier {
    pub fn new(config: AlbConfig, clock: Clock) -> anyhow::Result<Self> {
        let http = http_client()?;
        Ok(Self {
            config,
            clock,
            http,
            keys: Mutex::new(HashMap::new()),
            misses: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &AlbConfig {
        &self.config
    }

    /// Verifies the token and maps the user to a role.
    pub async fn verify(&self, token: &str) -> Result<AlbIdentity, AlbError> {
        let claims = self.verify_token(token).await?;
        Ok(self.identity(&claims))
    }

    async fn verify_token(&self, token: &str) -> Result<Map<String, Value>, AlbError> {
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [header_b64, payload_b64, sig_b64] = parts[..] else {
            return Err(AlbError::Malformed("not three segments"));
        };
        let header = decode_json(header_b64)?;
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        if alg != "ES256" {
            return Err(AlbError::Algorithm(alg.to_string()));
        }
        let signer = header.get("signer").and_then(Value::as_str).unwrap_or("");
        if signer != self.config.signer_arn {
            return Err(AlbError::Signer(signer.to_string()));
        }
        let kid = header
            .get("kid")
            .and_then(Value::as_str)
            .filter(|k| valid_kid(k))
            .ok_or(AlbError::Malformed("kid"))?;
        let now = self.clock.now_ms();
        let expired = |v: Option<&Value>| {
            v.and_then(Value::as_i64)
                .map(|exp| exp * 1000 + LEEWAY_MS <= now)
        };
        if expired(header.get("exp")) == Some(true) {
            return Err(AlbError::Expired);
        }
        let payload = decode_json(payload_b64)?;
        match expired(payload.get("exp")) {
            Some(false) => {}
            Some(true) => return Err(AlbError::Expired),
            None => return Err(AlbError::Malformed("exp")),
        }
        let sig = b64url()
            .decode(sig_b64)
            .map_err(|_| AlbError::Malformed("signature encoding"))?;
        let point = self.key(kid).await?;
        let signed = format!("{header_b64}.{payload_b64}");
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point.as_slice())
            .verify(signed.as_bytes(), &sig)
            .map_err(|_| AlbError::Signature)?;
        Ok(payload)
    }

    async fn key(&self, kid: &str) -> Result<Arc<Vec<u8>>, AlbError> {
        if let Some(k) = self.keys.lock().ok().and_then(|m| m.get(kid).cloned()) {
            return Ok(k);
        }
        let now = self.clock.now_ms();
        let recently_missed = self
            .misses
            .lock()
            .ok()
            .and_then(|m| m.get(kid).copied())
            .is_some_and(|at| now - at < MISS_TTL_MS);
        if recently_missed {
            return Err(AlbError::UnknownKey(kid.to_string()));
        }
        match self.fetch_key(kid).await {
            Some(point) => {
                let point = Arc::new(point);
                if let Ok(mut m) = self.keys.lock() {
                    if m.len() >= MAX_KEYS {
                        m.clear();
                    }
                    m.insert(kid.to_string(), point.clone());
                }
                Ok(point)
            }
            None => {
                if let Ok(mut m) = self.misses.lock() {
                    if m.len() >= 1024 {
                        m.clear();
                    }
                    m.insert(kid.to_string(), now);
                }
                Err(AlbError::UnknownKey(kid.to_string()))
            }
        }
    }

    async fn fetch_key(&self, kid: &str) -> Option<Vec<u8>> {
        let region = self.config.signer_arn.split(':').nth(3).unwrap_or("");
        let url = self
            .config
            .key_url
            .replace("{region}", region)
            .replace("{kid}", kid);
        let pem = match fetch_text(&self.http, &url).await {
            Ok(Some(pem)) => pem,
            Ok(None) => {
                tracing::warn!(%url, "no ALB public key there");
                return None;
            }
            Err(e) => {
                tracing::warn!(%url, error = %e, "cannot fetch the ALB public key");
                return None;
            }
        };
        let point = p256_point_from_pem(&pem);
        if point.is_none() {
            tracing::warn!(%url, "the ALB public key is not a P-256 PEM key");
        }
        point
    }

    fn identity(&self, claims: &Map<String, Value>) -> AlbIdentity {
        // An address the IdP says it has not verified grants nothing (it
        // may be anyone's) and does not name the user.
        let unverified = matches!(claims.get("email_verified"), Some(Value::Bool(false)))
            || claims
                .get("email_verified")
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        let email = claims
            .get("email")
            .and_then(Value::as_str)
            .filter(|_| !unverified);
        let name = email
            .or_else(|| claims.get("sub").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        let groups = match claims.get(&self.config.groups_claim) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => s
                .split([',', ' '])
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        let matches = |list: &[String]| {
            list.iter()
                .any(|p| pattern_matches(p, email.unwrap_or(""), &groups))
        };
        let role = if name.is_empty() {
            None
        } else if matches(&self.config.admins) {
            Some(Role::Admin)
        } else if matches(&self.config.operators) {
            Some(Role::Operator)
        } else if matches(&self.config.viewers) {
            Some(Role::Viewer)
        } else {
            None
        };
        AlbIdentity {
            name,
            groups,
            role,
            email_unverified: unverified,
            issued_s: claims.get("iat").and_then(Value::as_i64),
            expires_s: claims.get("exp").and_then(Value::as_i64).unwrap_or(0),
        }
    }
}

/// An HTTP(S) client for key fetches: the system's roots and aws-lc-rs (the
/// TLS provider the AWS SDK already uses, so the process has exactly one).
fn http_client() -> anyhow::Result<HttpClient> {
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider)?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// GETs `url`; the body as text when the answer is 200.
async fn fetch_text(http: &HttpClient, url: &str) -> Result<Option<String>, String> {
    use http_body_util::BodyExt;
    let req = axum::http::Request::get(url)
        .body(http_body_util::Empty::<axum::body::Bytes>::new())
        .map_err(|e| e.to_string())?;
    let fetch = async {
        let resp = http.request(req).await.map_err(|e| e.to_string())?;
        if resp.status() != axum::http::StatusCode::OK {
            return Ok(None);
        }
        let body = http_body_util::Limited::new(resp.into_body(), 64 * 1024)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Some(String::from_utf8_lossy(&body).into_owned()))
    };
    tokio::time::timeout(Duration::from_secs(5), fetch)
        .await
        .map_err(|_| "timed out".to_string())?
}

type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Empty<axum::body::Bytes>,
>;

fn valid_kid(kid: &str) -> bool {
    !kid.is_empty()
        && kid.len() <= 128
        && kid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn decode_json(segment: &str) -> Result<Map<String, Value>, AlbError> {
    let bytes = b64url()
        .decode(segment)
        .map_err(|_| AlbError::Malformed("base64"))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(AlbError::Malformed("json")),
    }
}

/// `group:NAME`, `*@domain`, `*` or an e-mail address (case-insensitive).
fn pattern_matches(pattern: &str, email: &str, groups: &[String]) -> bool {
    let pattern = pattern.trim();
    if let Some(group) = pattern.strip_prefix("group:") {
        return groups.iter().any(|g| g == group);
    }
    if pattern == "*" {
        return true;
    }
    if email.is_empty() {
        return false;
    }
    let email = email.to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    match pattern.strip_prefix('*') {
        Some(suffix) => email.ends_with(suffix),
        None => email == pattern,
    }
}
