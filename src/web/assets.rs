//! Static files embedded in the binary (rust-embed), served with their
//! content type, a content-hash ETag and long-lived caching for `?v=` URLs.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;
use serde::Deserialize;

use crate::web::extract::{Path, Query};

use crate::error::AppError;

#[derive(Embed)]
#[folder = "static/"]
struct Assets;

/// Short content hash per asset, computed once.
static VERSIONS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Assets::iter()
        .filter_map(|name| {
            let file = Assets::get(&name)?;
            let hash = hex::encode(&file.metadata.sha256_hash()[..8]);
            Some((name.into_owned(), hash))
        })
        .collect()
});

/// `/static/NAME?v=HASH`: the URL pages use, so a new build busts caches.
pub fn url(name: &str) -> String {
    crate::web::urls::asset(name, VERSIONS.get(name).map(String::as_str))
}

#[derive(Deserialize)]
pub struct AssetQuery {
    v: Option<String>,
}

pub async fn serve_asset(
    Path(path): Path<String>,
    Query(query): Query<AssetQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (Some(file), Some(version)) = (Assets::get(&path), VERSIONS.get(&path)) else {
        return Err(AppError::NotFound(format!(
            "There is no static file {path}."
        )));
    };
    let etag = format!("\"{version}\"");
    let cache = if query.v.as_deref() == Some(version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    let mime = content_type(&path);
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    Ok((out, file.data.into_owned()).into_response())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}
