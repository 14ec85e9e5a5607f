//! The documented API: every route the app mounts (`configure_api`), the top-level description,
//! and the OpenAPI document gathered from the handlers' annotations of exactly those routes.

use actix_web::{web, App};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{scope, AppExt};

use crate::error::responses;
use crate::{
    achievements, assessments, audit, auth, complaints, distribution, employees, feedback, health, inbox, objections,
    organizations, periods, policies, ratings, recommendations, reports, scores, skp, templates, units,
};

/// Where the API is mounted.
const API: &str = "/api/v1";

/// Every documented route. The OpenAPI document is gathered from exactly these registrations.
///
/// The routes are grouped by the first segment of their path: actix tries a request's path
/// against each route of a scope in turn, a regular expression for each route with a parameter,
/// so 120 routes in one scope cost a read about a tenth of the server's time before its handler
/// ran. A group's guard compares one segment; the handlers keep their whole paths. Every route of
/// a segment must be in its group: a group that admits a request and has no route for it answers
/// 404 (the authorization matrix, `every_operation_answers_every_caller_as_the_rules_say`, calls
/// every documented operation through them).
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(health::routes).service(
        scope::scope(API)
            .service(group(&["auth"]).configure(auth::routes::routes))
            .service(
                group(&["me"])
                    .configure(auth::routes::me_routes)
                    .configure(skp::me_routes)
                    .configure(ratings::peer::me_routes),
            )
            .service(group(&["service-clients"]).configure(auth::service_clients::routes))
            .service(group(&["webhooks"]).configure(crate::webhooks::routes::routes))
            .service(
                group(&["organizations"])
                    .configure(organizations::routes)
                    .configure(units::organization_routes)
                    .configure(reports::routes),
            )
            .service(
                group(&["units"])
                    .configure(units::routes)
                    .configure(ratings::citizen::unit_routes)
                    .configure(complaints::unit_routes)
                    .configure(scores::unit_routes),
            )
            .service(
                group(&["employees"])
                    .configure(employees::routes)
                    .configure(feedback::employee_routes)
                    .configure(ratings::peer::employee_routes)
                    .configure(ratings::citizen::employee_routes)
                    .configure(complaints::employee_routes)
                    .configure(scores::employee_routes),
            )
            .service(
                group(&["periods"])
                    .configure(periods::routes)
                    .configure(skp::period_routes)
                    .configure(ratings::peer::period_routes)
                    .configure(scores::period_routes)
                    .configure(distribution::routes)
                    .configure(recommendations::routes),
            )
            .service(group(&["policies"]).configure(policies::routes))
            .service(group(&["skps"]).configure(skp::routes))
            .service(
                group(&[
                    "templates",
                    "template-proposals",
                    "template-assignments",
                    "indicator-flags",
                    "template-flags",
                ])
                .configure(templates::routes),
            )
            .service(group(&["inbox"]).configure(inbox::routes))
            .service(group(&["achievements"]).configure(achievements::routes))
            .service(group(&["feedback"]).configure(feedback::routes))
            .service(group(&["peer-assignments"]).configure(ratings::peer::routes))
            .service(group(&["rating-tickets"]).configure(ratings::citizen::routes))
            .service(group(&["public"]).configure(ratings::citizen::public_routes).configure(complaints::public_routes))
            .service(group(&["complaints"]).configure(complaints::routes))
            .service(group(&["scores"]).configure(scores::routes))
            .service(group(&["assessments"]).configure(assessments::routes))
            .service(group(&["objections"]).configure(objections::routes))
            .service(group(&["audit-events"]).configure(audit::routes::routes))
            // Served from the state rather than documented: the document does not list itself.
            .route("/openapi.json", web::get().to(serve_openapi)),
    );
}

/// The routes under `/api/v1/<segment>/…` for any of `segments`.
fn group(
    segments: &'static [&'static str],
) -> scope::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    scope::scope("").guard(FirstSegment(segments))
}

/// Admits a request whose path under `/api/v1` starts with one of the segments. The guard sees
/// the path as sent, where the router matches it with escaped letters decoded (`%65mployees` is
/// `employees` to it): a segment with escapes is decoded before it is compared.
struct FirstSegment(&'static [&'static str]);

impl actix_web::guard::Guard for FirstSegment {
    fn check(&self, ctx: &actix_web::guard::GuardContext<'_>) -> bool {
        let path = ctx.head().uri.path();
        let Some(segment) =
            path.strip_prefix(API).and_then(|rest| rest.strip_prefix('/')).and_then(|rest| rest.split('/').next())
        else {
            return false;
        };
        if segment.contains('%') {
            return self.0.iter().any(|s| *s == percent_decoded(segment));
        }
        self.0.contains(&segment)
    }
}

/// `text` with its `%XX` escapes decoded (an invalid escape is kept as it is).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| text.get(i + 1..i + 3)).flatten();
        let hex = escaped.filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
        match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The OpenAPI document as JSON, made once when the app is built.
pub struct OpenApiJson(pub String);

async fn serve_openapi(document: web::Data<OpenApiJson>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().content_type("application/json").body(document.0.clone())
}

/// The OpenAPI document the routes make.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut api = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(configure_api).split_for_parts().1;
    close_tagged_alternatives(&mut api);
    api
}

/// utoipa says `additionalProperties: false` for structs with `deny_unknown_fields` but not for
/// the alternatives of a tagged enum that has it (the token request): say it there too.
pub fn close_tagged_alternatives(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    use utoipa::openapi::RefOr;
    let Some(components) = api.components.as_mut() else { return };
    if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("TokenRequest") {
        for item in one_of.items.iter_mut() {
            if let RefOr::T(Schema::Object(object)) = item {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kinerja",
        description = "Performance management for Indonesian civil servants (ASN): SKP planning, achievements with evidence, \
supervisor, peer and citizen ratings, and transparent, auditable scores.\n\n\
Errors are RFC 9457 `application/problem+json` documents with a stable `code`. Their `title`, `detail` and \
field errors' `message` are in Indonesian by default and in English when `Accept-Language` prefers `en` \
(e.g. `Accept-Language: en`); `code`, `type`, `status` and field names never change with the language, and \
`Content-Language` says which one was used. Records the caller may not see answer 404; \
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
        (name = "templates", description = "Indicator templates per position (jabatan), designed with staff: proposals, versions, the yearly assignment as pre-filled draft SKPs, and indicators flagged as hard to measure"),
        (name = "inbox", description = "What waits for the caller as a supervisor, decider or employee, with counts per kind: one list for a phone to poll"),
        (name = "achievements", description = "Achievements (capaian/realisasi) with evidence (bukti dukung), verified by the supervisor"),
        (name = "feedback", description = "Continuous feedback (umpan balik) between a supervisor and an employee; private to them, the second-level supervisor and auditors"),
        (name = "peer-ratings", description = "360 feedback on the BerAKHLAK values, shown only as aggregates"),
        (name = "citizen-ratings", description = "Citizen satisfaction (SKM): one-time rating tickets and the index"),
        (name = "complaints", description = "Citizen complaints (pengaduan): received with a rating ticket or from a portal, assigned by the unit's head, answered by an officer within the policy's working days; figures per unit and officer"),
        (name = "scores", description = "Scores computed from every input, with their explanation"),
        (name = "assessments", description = "Self-assessments and supervisors' assessments of a sub-period or the year, with the gap between them"),
        (name = "objections", description = "Objections (keberatan) to a published assessment, decided by the supervisor's own supervisor"),
        (name = "distribution", description = "The organisation's own rating for a period and its employees' predicate distribution against the curve it allows (SE MenPANRB 3/2023); deviations reported, never corrected"),
        (name = "recommendations", description = "Follow-up (tindak lanjut): employees recommended for recognition, training by topic, coaching or a warning, and the decisions people took on them"),
        (name = "public", description = "Open, non-personal transparency figures"),
        (name = "service-clients", description = "Portals that call the API with client credentials"),
        (name = "webhooks", description = "Events for portals: endpoints registered by event type, signed by the Standard Webhooks convention, retried with backoff, with a delivery log"),
        (name = "reports", description = "Score tables and the citizen index as JSON pages, CSV, XLSX or JSON Lines, for auditors, admins and portals with reports:read"),
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
        let mut metrics = Http::new(HttpAuthScheme::Bearer);
        metrics.description = Some("The operator's KINERJA_METRICS_TOKEN, for GET /metrics".into());
        components.add_security_scheme("metrics_token", SecurityScheme::Http(metrics));
    }
}

/// The document as the running service serves it, pretty-printed with a final newline.
pub fn document_json() -> String {
    let api = openapi_document();
    let mut text = api.to_pretty_json().expect("the OpenAPI document serialises");
    text.push('\n');
    text
}
