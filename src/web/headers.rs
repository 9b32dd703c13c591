//! Security headers on every response. The CSP allows only our own origin
//! (and, behind an ALB, forms may lead to its logout URL's origin): no
//! inline scripts or styles, no eval (htmx is configured not to need them).
//! And the client's `X-Request-Id`, checked before anything records it.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::AuthMode;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// The CSP this server sends. Behind an ALB with a logout URL, sign-out's
/// form POST is answered with a redirect to the identity provider, and
/// browsers hold redirects after a form submission to `form-action`: so
/// that URL's origin (and only it) is allowed there too.
pub fn content_security_policy(mode: &AuthMode) -> HeaderValue {
    let origin = match mode {
        AuthMode::Alb(alb) => alb.logout_url.as_deref().and_then(logout_origin),
        AuthMode::Local => None,
    };
    let csp = match origin {
        Some(o) => CONTENT_SECURITY_POLICY
            .replace("form-action 'self'", &format!("form-action 'self' {o}")),
        None => CONTENT_SECURITY_POLICY.to_string(),
    };
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY))
}

/// `scheme://host[:port]` of an http(s) URL, as a CSP source.
pub fn logout_origin(url: &str) -> Option<String> {
    let uri = url.parse::<axum::http::Uri>().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?.as_str();
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    (matches!(scheme.as_str(), "https" | "http") && authority.chars().all(plain))
        .then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

pub async fn security_headers(
    State(csp): State<HeaderValue>,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(csp);
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    resp
}

/// The longest client-chosen request id kept.
pub const REQUEST_ID_MAX: usize = 64;

/// Whether a client's `X-Request-Id` may be kept: 1 to 64 of
/// `[A-Za-z0-9._-]`.
pub fn is_valid_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= REQUEST_ID_MAX
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Drops a client's `X-Request-Id` that is not [`is_valid_request_id`] (so
/// the request-id layer gives the request a fresh one) before audit rows
/// and logs record it.
pub async fn valid_request_id(mut req: Request, next: Next) -> Response {
    let name = HeaderName::from_static("x-request-id");
    let ids = req.headers().get_all(&name).iter().count();
    let valid = req
        .headers()
        .get(&name)
        .is_some_and(|v| is_valid_request_id(v.as_bytes()));
    if ids > 1 || (ids == 1 && !valid) {
        req.headers_mut().remove(&name);
    }
    next.run(req).await
}
