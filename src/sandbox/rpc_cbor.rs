//! Smithy RPC v2 CBOR dispatch: `POST /service/{Service}/operation/{Op}`
//! with a CBOR body (CloudWatch since the SDK moved it off AWS query).
//! Answers are CBOR with `smithy-protocol: rpc-v2-cbor`; errors a CBOR map
//! with `__type` and `message`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::cbor;
use super::cloudwatch;
use super::error::ApiError;
use super::server::{Shared, admit, lock};

const CBOR: &str = "application/cbor";

fn answer(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, CBOR),
            (
                header::HeaderName::from_static("smithy-protocol"),
                "rpc-v2-cbor",
            ),
        ],
        cbor::encode(body),
    )
        .into_response()
}

/// A CBOR error answer, with CloudWatch's query-compatible error header.
pub fn error(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = answer(status, &json!({ "__type": e.kind, "message": e.message }));
    let sender = if e.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    if let Ok(v) = format!("{};{sender}", e.kind).parse() {
        resp.headers_mut().insert("x-amzn-query-error", v);
    }
    resp
}

pub async fn dispatch(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // `/service/{Service}/operation/{Op}` (the route matched it).
    let mut parts = uri.path().split('/').skip(2);
    let service_shape = parts.next().unwrap_or("").to_string();
    let op = parts.nth(1).unwrap_or("").to_string();
    if service_shape != cloudwatch::SERVICE_SHAPE {
        return error(&ApiError::new(
            400,
            "UnknownOperationException",
            format!("the ecsdeck sandbox does not serve {service_shape}"),
        ));
    }
    if headers.get("smithy-protocol").and_then(|v| v.to_str().ok()) != Some("rpc-v2-cbor") {
        return error(&ApiError::new(
            400,
            "SerializationException",
            "RPC v2 CBOR requests need the smithy-protocol: rpc-v2-cbor header",
        ));
    }
    if let Err(e) = admit(&shared, "monitoring", &op, &headers).await {
        return error(&e);
    }
    let input = match cbor::decode(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(&ApiError::new(
                400,
                "SerializationException",
                format!("request body is not valid CBOR: {e}"),
            ));
        }
    };
    let result = {
        let mut world = lock(&shared.world);
        let now = world.clock.now_ms();
        cloudwatch::handle(&mut world, &op, &input, now)
    };
    match result {
        Ok(v) => answer(StatusCode::OK, &v),
        Err(e) => error(&e),
    }
}
