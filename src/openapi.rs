//! The OpenAPI document: the top-level description here, the paths and schemas from the
//! handlers' annotations, gathered when the app is built.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::responses;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kinerja",
        description = "Performance management for Indonesian civil servants (ASN): SKP planning, achievements with evidence, \
supervisor, peer and citizen ratings, and transparent, auditable scores.\n\n\
Errors are RFC 9457 `application/problem+json` documents with a stable `code`. Records the caller may not see answer 404; \
actions the caller may see but not do answer 403. Lists are paged with `limit` and `cursor` (`next_cursor` in the body). \
Updates carry `If-Match` with the ETag read; creates accept an `Idempotency-Key`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&BearerAuth),
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        // Recursive types are only referenced from the paths, so they are listed here.
        crate::skp::cascade::CascadeTarget,
        crate::skp::cascade::CascadeNode,
    ), responses(
        responses::BadRequest,
        responses::Unauthorized,
        responses::Forbidden,
        responses::NotFound,
        responses::Conflict,
        responses::PreconditionFailed,
        responses::PreconditionRequired,
        responses::ValidationFailed,
        responses::PayloadTooLarge,
        responses::UnsupportedMediaType,
        responses::Unavailable,
        responses::TooManyRequests,
        responses::Gone,
    )),
    tags(
        (name = "auth", description = "Tokens for people and portals"),
        (name = "organizations", description = "The organisation (instansi)"),
        (name = "units", description = "The organisation's unit tree"),
        (name = "employees", description = "Employees (pegawai) and their reporting lines"),
        (name = "periods", description = "Evaluation years and their sub-periods"),
        (name = "policies", description = "The versioned scoring policy"),
        (name = "skp", description = "Performance plans (SKP): targets, indicators, approval, revisions and the cascade"),
        (name = "peer-ratings", description = "360 feedback on the BerAKHLAK values, shown only as aggregates"),
        (name = "citizen-ratings", description = "Citizen satisfaction (SKM): one-time rating tickets and the index"),
        (name = "public", description = "Open, non-personal transparency figures"),
        (name = "service-clients", description = "Portals that call the API with client credentials"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        scheme.description = Some("An access token from POST /api/v1/auth/token".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document as the running service serves it, pretty-printed with a final newline.
pub fn document_json() -> String {
    let api = crate::startup::openapi_document();
    let mut text = api.to_pretty_json().expect("the OpenAPI document serialises");
    text.push('\n');
    text
}
