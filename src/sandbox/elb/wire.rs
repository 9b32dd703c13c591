//! The AWS query route: `POST /` with a form body naming `Action` (ELBv2,
//! the only query-protocol service the sandbox serves), answered in XML.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::xml;
use super::{groups, health};
use crate::sandbox::error::ApiError;
use crate::sandbox::server::{Shared, admit, lock};

const NAMESPACE: &str = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
const VERSION: &str = "2015-12-01";
const XML: &str = "text/xml";

/// Whether `headers` announce an AWS query (form) request.
pub fn is_query(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn error(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, XML)],
        xml::error(&e.kind, &e.message, e.status < 500, &request_id()),
    )
        .into_response()
}

pub async fn dispatch(shared: Shared, headers: HeaderMap, body: Bytes) -> Response {
    let params: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(p) => p,
        Err(e) => {
            return error(&ApiError::new(
                400,
                "MalformedQueryString",
                format!("the form body does not decode: {e}"),
            ));
        }
    };
    let Some(action) = xml::param(&params, "Action").map(str::to_string) else {
        return error(&ApiError::new(
            400,
            "MissingAction",
            "the request names no Action",
        ));
    };
    if xml::param(&params, "Version") != Some(VERSION) {
        return error(&ApiError::new(
            400,
            "InvalidAction",
            format!("the ecsdeck sandbox serves the AWS query API of ELBv2 ({VERSION}) only"),
        ));
    }
    if let Err(e) = admit(&shared, "elasticloadbalancing", &action, &headers).await {
        return error(&e);
    }
    let result = {
        let mut world = lock(&shared.world);
        world.advance();
        let now = world.clock.now_ms();
        match action.as_str() {
            "DescribeTargetGroups" => {
                groups::describe_target_groups(&world.elb, &world.ecs, &params)
            }
            "DescribeTargetHealth" => {
                health::describe_target_health(&world.elb, &world.ecs, &params, now)
            }
            _ => Err(ApiError::new(
                400,
                "InvalidAction",
                format!("ELBv2 {action} is not supported by the ecsdeck sandbox"),
            )),
        }
    };
    match result {
        Ok(nodes) => (
            [(header::CONTENT_TYPE, XML)],
            xml::response(&action, NAMESPACE, nodes, &request_id()),
        )
            .into_response(),
        Err(e) => error(&e),
    }
}
