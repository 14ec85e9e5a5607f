//! What browsers need from every response: CORS for the configured web origins (no other origin
//! gets CORS headers, so browsers refuse them; the service's own pages, such as `/docs`, are
//! same-origin and unaffected), and security headers, with a content security policy that the
//! docs UI still runs under.

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

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
