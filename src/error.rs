//! The one error type. Every failure leaves the service as an RFC 9457 `application/problem+json`
//! body with a stable `code`; internals are logged, never sent.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// What is wrong with one input field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `indicators[0].target`.
    #[schema(example = "nip")]
    pub field: String,
    /// Machine-readable reason, e.g. `length`, `invalid_nip`, `required`.
    #[schema(example = "invalid_nip")]
    pub code: String,
    /// What to fix, for people.
    #[schema(example = "NIP must be 18 digits")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:kinerja:problem:validation_failed",
    "title": "The request has invalid fields",
    "status": 422,
    "detail": "1 field is invalid",
    "code": "validation_failed",
    "errors": [{"field": "nip", "code": "invalid_nip", "message": "NIP must be 18 digits"}]
}))]
pub struct Problem {
    /// A URI naming the problem type: `urn:kinerja:problem:{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code; clients switch on this.
    pub code: String,
    /// Field-level errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("the resource changed since it was read")]
    PreconditionFailed,
    #[error("If-Match is required")]
    PreconditionRequired,
    #[error("body too large")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{detail}")]
    Gone { code: &'static str, detail: String },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest { code, detail: detail.into() }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict { code, detail: detail.into() }
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(detail.into())
    }
    pub fn field(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. }
            | Self::Gone { code, .. } => code,
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionFailed => "version_mismatch",
            Self::PreconditionRequired => "if_match_required",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Validation(_) => "The request has invalid fields",
            Self::BadRequest { .. } => "The request is malformed",
            Self::Unauthorized { .. } => "Authentication is required",
            Self::Forbidden(_) => "Not allowed",
            Self::NotFound(_) => "Not found",
            Self::MethodNotAllowed { .. } => "Method not allowed",
            Self::Conflict { .. } => "Conflict with the current state",
            Self::PreconditionFailed => "The resource was changed by someone else",
            Self::PreconditionRequired => "A version is required for this update",
            Self::PayloadTooLarge { .. } => "The request body is too large",
            Self::UnsupportedMediaType(_) => "Unsupported content type",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::Gone { .. } => "No longer available",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(errors) => match errors.len() {
                1 => format!("{}: {}", errors[0].field, errors[0].message),
                n => format!("{n} fields are invalid"),
            },
            Self::NotFound("route") => "No such endpoint; the API is described at /docs/".into(),
            Self::NotFound(what) => format!("No {what} with that identifier is visible to you"),
            Self::MethodNotAllowed { allow } => format!("Allowed methods: {}", allow.join(", ")),
            Self::PreconditionFailed => {
                "The If-Match version is not the current one: read the resource again and reapply your change".into()
            }
            Self::PreconditionRequired => "Send the ETag you read in an If-Match header".into(),
            Self::PayloadTooLarge { limit } => format!("The body may be at most {limit} bytes"),
            Self::TooManyRequests { retry_after_secs } => format!("Try again in {retry_after_secs} seconds"),
            // Never leak the cause: it is logged with the request id instead.
            Self::Internal(_) => {
                "Something went wrong on our side; the request id is in the X-Request-Id header".into()
            }
            other => other.to_string(),
        }
    }

    /// The error for a terminal (the command line), with field errors spelled out.
    pub fn describe(self) -> String {
        let problem = self.to_problem();
        let mut text = problem.detail;
        for field in problem.errors {
            text.push_str(&format!("\n  {}: {}", field.field, field.message));
        }
        text
    }

    pub fn to_problem(&self) -> Problem {
        let code = self.code();
        Problem {
            problem_type: format!("urn:kinerja:problem:{code}"),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.into(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Gone { .. } => StatusCode::GONE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // Internal errors are logged by `request_id::middleware`, which knows the request id.
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        match self {
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.to_problem()).unwrap_or_default())
    }
}

/// How long a client should wait before retrying when the database is unreachable: long enough
/// for a restart or a fail-over, short enough that nobody gives up.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::conflict("already_exists", "A record with the same unique value already exists")
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => Self::conflict(
                "still_referenced",
                "The record is referenced by other records or refers to a missing one",
            ),
            // The database went away (stopped, restarted, network cut), also in the middle of a
            // transaction or its commit: the client may retry once it is back, so 503, not 500.
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                log::error!("database connection lost: {}", info.message());
                Self::Unavailable("The database is not reachable right now".into())
            }
            Error::BrokenTransactionManager => {
                log::error!("database connection lost: the transaction manager is broken");
                Self::Unavailable("The database is not reachable right now".into())
            }
            Error::RollbackErrorOnCommit { commit_error, .. } => Self::from(*commit_error),
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        log::error!("database pool: {error}");
        Self::Unavailable("The database is not reachable right now".into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        flatten_validation_errors(&errors, String::new(), &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Validation(fields)
    }
}

fn flatten_validation_errors(errors: &validator::ValidationErrors, prefix: String, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| describe(error));
                    out.push(FieldError::new(path.clone(), error.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten_validation_errors(inner, path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten_validation_errors(inner, format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// A readable message for validator's built-in checks when the field gave none.
fn describe(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match error.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".into(),
        },
        "email" => "must be an email address".into(),
        "url" => "must be a URL".into(),
        code => format!("invalid ({code})"),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Reusable OpenAPI problem responses, referenced by every path as `response = responses::X`.
/// Each example is what [`ApiError`] itself answers, so the document cannot drift from the service.
pub mod responses {
    use super::{ApiError, FieldError};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

    fn problem(description: &str, example: ApiError) -> RefOr<Response> {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .example(serde_json::to_value(example.to_problem()).ok())
            .build();
        let mut response =
            ResponseBuilder::new().description(description).content(super::PROBLEM_CONTENT_TYPE, content);
        if let ApiError::TooManyRequests { .. } | ApiError::Unavailable(_) = example {
            let seconds = utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Integer)
                .build();
            let header = utoipa::openapi::HeaderBuilder::new()
                .schema(Some(seconds))
                .description(Some("Seconds until the next request may be sent"))
                .build();
            response = response.header("Retry-After", header);
        }
        response.build().into()
    }

    macro_rules! problem_response {
        ($name:ident, $description:literal, $example:expr) => {
            pub struct $name;
            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    (stringify!($name), problem($description, $example))
                }
            }
        };
    }

    problem_response!(
        BadRequest,
        "Malformed request: bad JSON, query parameter or header",
        ApiError::bad_request("malformed_json", "The body is not valid JSON: EOF while parsing an object")
    );
    problem_response!(
        Unauthorized,
        "Missing, expired or invalid access token",
        ApiError::Unauthorized { code: "invalid_token", detail: "The access token has expired; refresh it".into() }
    );
    problem_response!(
        Forbidden,
        "The caller may see this but not do this",
        ApiError::forbidden("Only the organisation's admins may change this")
    );
    problem_response!(NotFound, "No such resource visible to the caller", ApiError::NotFound("employee"));
    problem_response!(
        Conflict,
        "Conflicts with the current state (duplicate, still referenced, wrong status, closed period)",
        ApiError::conflict(
            "period_closed",
            "The 2026 period is closed; an admin must reopen it, with a reason, before anything in it changes"
        )
    );
    problem_response!(PreconditionFailed, "If-Match does not name the current version", ApiError::PreconditionFailed);
    problem_response!(PreconditionRequired, "If-Match is required for this update", ApiError::PreconditionRequired);
    problem_response!(
        ValidationFailed,
        "Invalid fields, listed in `errors`",
        ApiError::Validation(vec![FieldError::new(
            "nip",
            "invalid_nip",
            "NIP digits 1-8 must be a real birth date (YYYYMMDD)"
        )])
    );
    problem_response!(PayloadTooLarge, "The body is larger than allowed", ApiError::PayloadTooLarge { limit: 262_144 });
    problem_response!(
        UnsupportedMediaType,
        "The body is not of the expected content type",
        ApiError::UnsupportedMediaType("Send the body as application/json".into())
    );
    problem_response!(
        TooManyRequests,
        "Too many requests from this address; see Retry-After",
        ApiError::TooManyRequests { retry_after_secs: 42 }
    );
    problem_response!(
        Gone,
        "No longer available (e.g. an expired ticket)",
        ApiError::Gone {
            code: "ticket_expired",
            detail: "This ticket has expired; ask the service desk for a new one".into()
        }
    );
    problem_response!(
        Unavailable,
        "The database is unreachable",
        ApiError::Unavailable("The database is not reachable".into())
    );
}

/// The problem responses of each kind of operation, so that a path names its set in one word:
/// `responses((status = 200, ...), problems::Read)`.
pub mod problems {
    use std::collections::BTreeMap;
    use utoipa::openapi::{Ref, RefOr, Response};

    fn refs(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
        list.iter().map(|(code, name)| (code.to_string(), RefOr::Ref(Ref::from_response_name(*name)))).collect()
    }

    macro_rules! problem_set {
        ($(#[$doc:meta])* $name:ident => [$(($code:literal, $response:literal)),* $(,)?]) => {
            $(#[$doc])*
            pub struct $name;
            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    refs(&[$(($code, $response)),*])
                }
            }
        };
    }

    problem_set!(
        /// Reads: a malformed or invalid query parameter, no token, not allowed, not visible.
        Read => [
            ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"),
            ("422", "ValidationFailed"),
        ]
    );
    problem_set!(
        /// Creates and actions without a version.
        Create => [
            ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict"),
            ("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType"), ("422", "ValidationFailed"),
        ]
    );
    problem_set!(
        /// Updates and actions guarded by `If-Match`.
        Update => [
            ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict"),
            ("412", "PreconditionFailed"), ("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType"),
            ("422", "ValidationFailed"), ("428", "PreconditionRequired"),
        ]
    );
    problem_set!(
        /// Deletes.
        Delete => [("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict")]
    );
}
