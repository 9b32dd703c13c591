//! STS's AWS query protocol: `POST /` with a form body
//! (`Action=AssumeRole&Version=2011-06-15&RoleArn=…`), answered in XML in
//! the shapes the SDK's deserializers read.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AssumeRequest;
use crate::sandbox::elb::xml::{self, parent, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::server::{Shared, admit, lock};

pub const VERSION: &str = "2011-06-15";
const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const XML: &str = "text/xml";

/// Whether a query-protocol request is for STS (its `Version`).
pub fn is_sts(params: &[(String, String)]) -> bool {
    xml::param(params, "Version") == Some(VERSION)
}

/// The access key id of the SigV4 `Authorization` header's credential.
pub fn access_key(headers: &HeaderMap) -> Option<&str> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?;
    cred.split('/').next().filter(|k| !k.is_empty())
}

fn error(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, XML)],
        xml::error_in(
            NAMESPACE,
            &e.kind,
            &e.message,
            e.status < 500,
            &uuid::Uuid::new_v4().to_string(),
        ),
    )
        .into_response()
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.replace_nanosecond(0)
                .ok()?
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

pub async fn dispatch(
    shared: Shared,
    headers: HeaderMap,
    params: Vec<(String, String)>,
) -> Response {
    let Some(action) = xml::param(&params, "Action").map(str::to_string) else {
        return error(&ApiError::new(
            400,
            "MissingAction",
            "the request names no Action",
        ));
    };
    if let Err(e) = admit(&shared, "sts", &action, &headers).await {
        return error(&e);
    }
    let get = |k: &str| xml::param(&params, k).map(str::to_string);
    let result = {
        let mut world = lock(&shared.world);
        let now = world.clock.now_ms();
        match action.as_str() {
            "AssumeRole" => {
                let req = AssumeRequest {
                    role_arn: get("RoleArn").unwrap_or_default(),
                    session_name: get("RoleSessionName").unwrap_or_default(),
                    source_identity: get("SourceIdentity"),
                    external_id: get("ExternalId"),
                    duration_seconds: get("DurationSeconds"),
                };
                world.sts.assume_role(&req, now).map(|s| {
                    let caller = world.sts.caller(&s.access_key_id);
                    let mut nodes = vec![
                        parent(
                            "Credentials",
                            vec![
                                text("AccessKeyId", &s.access_key_id),
                                text(
                                    "SecretAccessKey",
                                    format!("sandbox-secret-{}", s.access_key_id),
                                ),
                                text("SessionToken", format!("sandbox-token-{}", s.access_key_id)),
                                text("Expiration", rfc3339(s.expires_ms)),
                            ],
                        ),
                        parent(
                            "AssumedRoleUser",
                            vec![
                                text("Arn", caller.arn),
                                text("AssumedRoleId", caller.user_id),
                            ],
                        ),
                        text("PackedPolicySize", 0),
                    ];
                    if let Some(id) = s.source_identity {
                        nodes.push(text("SourceIdentity", id));
                    }
                    nodes
                })
            }
            "GetCallerIdentity" => {
                let caller = world.sts.caller(access_key(&headers).unwrap_or(""));
                Ok(vec![
                    text("UserId", caller.user_id),
                    text("Account", caller.account),
                    text("Arn", caller.arn),
                ])
            }
            _ => Err(ApiError::new(
                400,
                "InvalidAction",
                format!("STS {action} is not supported by the ecsdeck sandbox"),
            )),
        }
    };
    match result {
        Ok(nodes) => (
            [(header::CONTENT_TYPE, XML)],
            xml::response(&action, NAMESPACE, nodes, &uuid::Uuid::new_v4().to_string()),
        )
            .into_response(),
        Err(e) => error(&e),
    }
}

/// `GET /_sandbox/sts/sessions`: every AssumeRole the sandbox answered —
/// role, session name, source identity, external id, issued access key,
/// times (simulation clock).
pub async fn sessions(axum::extract::State(shared): axum::extract::State<Shared>) -> Response {
    let sessions = lock(&shared.world).sts.sessions();
    axum::Json(serde_json::json!({ "sessions": sessions })).into_response()
}

/// The body of a query request, decoded (for the dispatch by `Version`).
pub fn decode(body: &Bytes) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body).ok()
}
