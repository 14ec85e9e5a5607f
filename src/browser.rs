//! What browsers need from every response: CORS for the configured web origins (no other origin
//! gets CORS headers, so browsers refuse them; the service's own pages, such as `/docs`, are
//! same-origin and unaffected), and security headers, with a content security policy that the
//! docs UI still runs under.

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::ResponseError;

use crate::error::{ApiError, PROBLEM_CONTENT_TYPE};

/// The headers a browser client may send, besides the CORS-safelisted ones.
const REQUEST_HEADERS: [&str; 7] =
    ["authorization", "content-type", "accept-language", "if-match", "idempotency-key", "x-request-id", "accept"];
/// The response headers a browser client needs to read.
const EXPOSED_HEADERS: [&str; 5] = ["etag", "location", "retry-after", "x-request-id", "allow"];

/// CORS for `origins` (exact, lower-case `scheme://host[:port]`); an empty list admits none.
pub fn cors(origins: &[String]) -> Cors {
    let allowed: Arc<Vec<String>> = Arc::new(origins.to_vec());
    Cors::default()
        .allowed_origin_fn(move |origin: &HeaderValue, head: &RequestHead| {
            origin.to_str().is_ok_and(|o| allowed.iter().any(|a| a.eq_ignore_ascii_case(o)) || same_origin(o, head))
        })
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(REQUEST_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(3600)
}

/// Whether `origin` is the service's own (browsers send `Origin` on same-origin writes too, e.g.
/// from `/docs`): its host and port are the request's `Host`. The scheme is not compared, since
/// TLS may end in front of the service.
fn same_origin(origin: &str, head: &RequestHead) -> bool {
    let host = head.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

/// The policy for the API's JSON: nothing may load from a response, nor frame it.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// The docs UI loads its own scripts, styles (some inline, from Swagger UI) and images, and
/// fetches the OpenAPI document from the same origin.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'none'";

/// How long browsers must use HTTPS only, when the operator says TLS terminates in front.
#[derive(Debug, Clone, Copy)]
pub struct Hsts(pub Option<u64>);

/// Adds the security headers to every response (those a handler set itself stay).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let hsts = req.app_data::<actix_web::web::Data<Hsts>>().and_then(|h| h.0);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if !headers.contains_key(&name) {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::CONTENT_SECURITY_POLICY, if docs { DOCS_POLICY } else { API_POLICY });
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if let Some(age) = hsts {
        set(header::STRICT_TRANSPORT_SECURITY, &format!("max-age={age}; includeSubDomains"));
    }
    Ok(response)
}

/// actix-cors refuses a preflight with a plain-text 400; clients of this API get a problem like
/// every other refusal (then translated by `error::localize`).
pub async fn cors_refusal_as_problem(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let preflight = req.method() == actix_web::http::Method::OPTIONS
        && req.headers().contains_key(header::ORIGIN)
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let response = next.call(req).await?;
    let refused = preflight
        && response.status() == actix_web::http::StatusCode::BAD_REQUEST
        && response.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes() != PROBLEM_CONTENT_TYPE.as_bytes());
    if !refused {
        return Ok(response.map_into_left_body());
    }
    let (request, response) = response.into_parts();
    let reason = actix_web::body::to_bytes(response.into_body()).await.unwrap_or_default();
    let detail = match std::str::from_utf8(&reason).unwrap_or("") {
        "Origin is not allowed to make this request" => {
            "This origin may not call the API; the operator lists the allowed ones in KINERJA_CORS_ORIGINS"
        }
        "Requested method is not allowed" => "This method may not be used from another origin",
        "One or more request headers are not allowed" => "A requested header may not be sent from another origin",
        _ => "The preflight request is not valid",
    };
    let problem = ApiError::bad_request("cors_refused", detail).error_response();
    Ok(ServiceResponse::new(request, problem).map_into_right_body())
}
