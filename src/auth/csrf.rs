//! CSRF defences for every state-changing request: a synchronizer token
//! (in the session; sent as the `csrf_token` form field or the
//! `X-CSRF-Token` header) and refusing cross-site requests by
//! `Sec-Fetch-Site`.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};

/// The header htmx sends the token in (static/app.js sets it).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field plain forms send it in.
pub const CSRF_FIELD: &str = "csrf_token";

/// Methods that may change state (everything but GET, HEAD, OPTIONS).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True when the browser says another site made this request, except a
/// top-level GET navigation (a link from a chat message to a page).
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    if get("sec-fetch-site") != "cross-site" {
        return false;
    }
    let navigation = get("sec-fetch-mode") == "navigate" && !is_unsafe(method);
    !navigation
}

/// Constant-time comparison of two tokens.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    !a.is_empty()
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A request whose form body has been read: the fields, and the request
/// rebuilt for the handler.
pub struct Buffered {
    pub request: Request,
    pub fields: Vec<(String, String)>,
}

/// Reads a urlencoded body (within `limit`) so the token and the fields can
/// be checked; other bodies pass untouched with no fields.
pub async fn buffer_form(req: Request, limit: usize) -> Result<Buffered, ()> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(Buffered {
            request: req,
            fields: Vec::new(),
        });
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, limit).await.map_err(|_| ())?;
    let fields = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    Ok(Buffered {
        request: Request::from_parts(parts, Body::from(bytes)),
        fields,
    })
}

/// The token the request carries: the header, else the form field.
pub fn submitted_token<'a>(
    headers: &'a HeaderMap,
    fields: &'a [(String, String)],
) -> Option<&'a str> {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            fields
                .iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.as_str())
        })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn cross_site_navigation_is_allowed_but_nothing_else() {
        let mut h = HeaderMap::new();
        h.insert(
            "sec-fetch-site",
            "cross-site".parse().expect("header value"),
        );
        assert!(is_cross_site(&Method::GET, &h));
        h.insert("sec-fetch-mode", "navigate".parse().expect("header value"));
        assert!(!is_cross_site(&Method::GET, &h));
        assert!(is_cross_site(&Method::POST, &h));
        h.insert(
            "sec-fetch-site",
            "same-origin".parse().expect("header value"),
        );
        assert!(!is_cross_site(&Method::POST, &h));
    }
}
