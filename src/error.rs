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
    /// What to fix, for people (in the response's `Content-Language`).
    #[schema(example = "NIP must be 18 digits")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// An RFC 9457 problem document. `title`, `detail` and the field errors' `message` are in the
/// language `Accept-Language` asks for: Indonesian (`id`, the default) or English (`en`).
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
            other => {
                // Diesel names only the field it could not read; the cause (e.g. the unknown
                // stored name and its type) is in the source chain.
                let mut detail = format!("database: {other}");
                let mut cause = std::error::Error::source(&other);
                while let Some(e) = cause {
                    detail.push_str(&format!(": {e}"));
                    cause = e.source();
                }
                Self::Internal(detail)
            }
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

/// The languages problems are written in. Indonesian is the default; English on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Indonesian,
    English,
}

impl Language {
    /// The language for an `Accept-Language` header: the highest-weighted of `id` (or `in`) and
    /// `en`, Indonesian when neither is named, when they tie, or without the header.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let mut best: Option<(f32, Language)> = None;
        for item in accept_language.unwrap_or("").split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let language = match primary {
                "id" | "in" => Language::Indonesian,
                "en" => Language::English,
                _ => continue,
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.trim().parse::<f32>().unwrap_or(0.0)))
                .unwrap_or(1.0);
            if weight <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((w, l)) => {
                    weight > w || (weight == w && l == Language::English && language == Language::Indonesian)
                }
            };
            if better {
                best = Some((weight, language));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Language::Indonesian)
    }

    /// The `Content-Language` tag.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Indonesian => "id",
            Language::English => "en",
        }
    }
}

impl Problem {
    /// The problem in `language`: `title`, `detail` and the field errors' `message`s are
    /// translated, `code`, `type`, `status` and the field names stay. The service writes its
    /// problems in English; a text the catalogue does not know stays English.
    pub fn localized(mut self, language: Language) -> Problem {
        if language == Language::English {
            return self;
        }
        self.title = translate(&self.title).unwrap_or(self.title);
        // A one-field validation problem's detail is `field: message`.
        self.detail = match self.errors.as_slice() {
            [only] if self.detail == format!("{}: {}", only.field, only.message) => {
                format!("{}: {}", only.field, translate(&only.message).unwrap_or_else(|| only.message.clone()))
            }
            _ => translate(&self.detail).unwrap_or(self.detail),
        };
        for error in &mut self.errors {
            if let Some(message) = translate(&error.message) {
                error.message = message;
            }
        }
        self
    }
}

/// The Indonesian for one of the service's English texts, by the catalogue.
pub fn translate(english: &str) -> Option<String> {
    CATALOGUE.iter().find_map(|(template, indonesian)| {
        let values = match_template(template, english)?;
        Some(fill_template(indonesian, &values))
    })
}

/// The values `{}` stood for if `text` is `template` filled in (each `{}` matches the shortest
/// text that lets the rest match, the last one the rest of the text).
fn match_template<'t>(template: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let mut parts = template.split("{}");
    let first = parts.next().unwrap_or("");
    let mut rest = text.strip_prefix(first)?;
    let parts: Vec<&str> = parts.collect();
    let mut values = Vec::with_capacity(parts.len());
    for (index, part) in parts.iter().enumerate() {
        if index + 1 == parts.len() {
            let value = rest.strip_suffix(part)?;
            values.push(value);
            rest = "";
        } else if part.is_empty() {
            return None;
        } else {
            let at = rest.find(part)?;
            values.push(&rest[..at]);
            rest = &rest[at + part.len()..];
        }
    }
    (!parts.is_empty() || rest.is_empty()).then_some(values)
}

/// `template` with its `{}` replaced by `values` in order, and `{N}` by the N-th value.
fn fill_template(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_digit()) => {
                let index = if close == 0 {
                    next += 1;
                    next - 1
                } else {
                    after[..close].parse().unwrap_or(usize::MAX)
                };
                out.push_str(values.get(index).copied().unwrap_or(""));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Answers each problem in the language the client asked for (`Accept-Language`), with
/// `Content-Language` and `Vary: Accept-Language`.
pub async fn localize(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let language = Language::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let response = next.call(req).await?;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(PROBLEM_CONTENT_TYPE.as_bytes()));
    if !is_problem {
        return Ok(response.map_into_left_body());
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.map_err(|_| ApiError::internal("reading a problem body"))?;
    let body = match serde_json::from_slice::<Problem>(&bytes) {
        Ok(problem) => serde_json::to_vec(&problem.localized(language)).unwrap_or_else(|_| bytes.to_vec()),
        Err(_) => bytes.to_vec(),
    };
    let headers = head.headers_mut();
    headers.insert(header::CONTENT_LANGUAGE, header::HeaderValue::from_static(language.tag()));
    headers.append(header::VARY, header::HeaderValue::from_static("Accept-Language"));
    headers.remove(header::CONTENT_LENGTH);
    let response = head.set_body(body).map_into_boxed_body();
    Ok(actix_web::dev::ServiceResponse::new(request, response).map_into_right_body())
}

/// The service's English texts and their Indonesian. `{}` stands for a value that is carried
/// over (`{N}` in the Indonesian takes the N-th). Every text a handler passes to an [`ApiError`]
/// constructor must be here: `every_problem_text_has_an_indonesian_translation` checks it.
const CATALOGUE: &[(&str, &str)] = &[
    // Titles.
    ("The request has invalid fields", "Permintaan memuat isian yang tidak sah"),
    ("The request is malformed", "Permintaan tidak berbentuk benar"),
    ("Authentication is required", "Autentikasi diperlukan"),
    ("Not allowed", "Tidak diizinkan"),
    ("Not found", "Tidak ditemukan"),
    ("Method not allowed", "Metode tidak diizinkan"),
    ("Conflict with the current state", "Bertentangan dengan keadaan saat ini"),
    ("The resource was changed by someone else", "Sumber daya telah diubah oleh pihak lain"),
    ("A version is required for this update", "Perubahan ini memerlukan versi"),
    ("The request body is too large", "Isi permintaan terlalu besar"),
    ("Unsupported content type", "Jenis konten tidak didukung"),
    ("Too many requests", "Terlalu banyak permintaan"),
    ("No longer available", "Tidak tersedia lagi"),
    ("Service unavailable", "Layanan tidak tersedia"),
    ("Internal error", "Kesalahan internal"),
    // The error type's own details.
    ("{} fields are invalid", "{} isian tidak sah"),
    ("No such endpoint; the API is described at /docs/", "Endpoint ini tidak ada; API dijelaskan di /docs/"),
    ("No achievement with that identifier is visible to you", "Tidak ada capaian dengan pengenal itu yang dapat Anda lihat"),
    ("No assessment with that identifier is visible to you", "Tidak ada penilaian dengan pengenal itu yang dapat Anda lihat"),
    ("No employee with that identifier is visible to you", "Tidak ada pegawai dengan pengenal itu yang dapat Anda lihat"),
    ("No evidence file with that identifier is visible to you", "Tidak ada berkas bukti dukung dengan pengenal itu yang dapat Anda lihat"),
    ("No evidence with that identifier is visible to you", "Tidak ada bukti dukung dengan pengenal itu yang dapat Anda lihat"),
    ("No feedback with that identifier is visible to you", "Tidak ada umpan balik dengan pengenal itu yang dapat Anda lihat"),
    ("No indicator aspect with that identifier is visible to you", "Tidak ada aspek indikator dengan pengenal itu yang dapat Anda lihat"),
    ("No objection with that identifier is visible to you", "Tidak ada keberatan dengan pengenal itu yang dapat Anda lihat"),
    ("No organization rating with that identifier is visible to you", "Tidak ada predikat organisasi dengan pengenal itu yang dapat Anda lihat"),
    ("No organization with that identifier is visible to you", "Tidak ada instansi dengan pengenal itu yang dapat Anda lihat"),
    ("No peer assignment with that identifier is visible to you", "Tidak ada penugasan penilai rekan dengan pengenal itu yang dapat Anda lihat"),
    ("No period with that identifier is visible to you", "Tidak ada periode dengan pengenal itu yang dapat Anda lihat"),
    ("No policy version with that identifier is visible to you", "Tidak ada versi kebijakan dengan pengenal itu yang dapat Anda lihat"),
    ("No policy with that identifier is visible to you", "Tidak ada kebijakan dengan pengenal itu yang dapat Anda lihat"),
    ("No rating ticket with that identifier is visible to you", "Tidak ada tiket penilaian dengan pengenal itu yang dapat Anda lihat"),
    ("No record with that identifier is visible to you", "Tidak ada data dengan pengenal itu yang dapat Anda lihat"),
    ("No score snapshot with that identifier is visible to you", "Tidak ada cuplikan nilai dengan pengenal itu yang dapat Anda lihat"),
    ("No service client with that identifier is visible to you", "Tidak ada klien layanan dengan pengenal itu yang dapat Anda lihat"),
    ("No skp with that identifier is visible to you", "Tidak ada SKP dengan pengenal itu yang dapat Anda lihat"),
    ("No unit with that identifier is visible to you", "Tidak ada unit dengan pengenal itu yang dapat Anda lihat"),
    ("No webhook with that identifier is visible to you", "Tidak ada webhook dengan pengenal itu yang dapat Anda lihat"),
    ("No webhook delivery with that identifier is visible to you", "Tidak ada pengiriman webhook dengan pengenal itu yang dapat Anda lihat"),
    ("No {} with that identifier is visible to you", "Tidak ada {} dengan pengenal itu yang dapat Anda lihat"),
    ("Allowed methods: {}", "Metode yang diizinkan: {}"),
    (
        "The If-Match version is not the current one: read the resource again and reapply your change",
        "Versi If-Match bukan yang terkini: baca ulang sumber daya lalu terapkan kembali perubahan Anda",
    ),
    ("Send the ETag you read in an If-Match header", "Kirim ETag yang Anda baca dalam header If-Match"),
    ("The body may be at most {} bytes", "Isi permintaan paling banyak {} bita"),
    ("Try again in {} seconds", "Coba lagi dalam {} detik"),
    (
        "Something went wrong on our side; the request id is in the X-Request-Id header",
        "Terjadi kesalahan di pihak kami; id permintaan ada di header X-Request-Id",
    ),
    // Field checks (validator's and the service's own).
    ("length must be between {} and {}", "panjangnya harus antara {} dan {}"),
    ("length must be at least {}", "panjangnya paling sedikit {}"),
    ("length must be at most {}", "panjangnya paling banyak {}"),
    ("invalid length", "panjang tidak sah"),
    ("must be between {} and {}", "harus antara {} dan {}"),
    ("must be at least {} characters", "paling sedikit {} karakter"),
    ("must be at most {} characters", "paling banyak {} karakter"),
    ("must be 1 to {} characters", "harus 1 sampai {} karakter"),
    ("must be at least {}", "paling sedikit {}"),
    ("must be at most {}", "paling banyak {}"),
    ("out of range", "di luar rentang"),
    ("must be an email address", "harus berupa alamat surel"),
    ("must be a URL", "harus berupa URL"),
    ("invalid ({})", "tidak sah ({})"),
    ("unknown field `{}`, expected one of {}", "isian `{}` tidak dikenal; yang diharapkan salah satu dari {}"),
    ("unknown field `{}`, expected {}", "isian `{}` tidak dikenal; yang diharapkan {}"),
    ("unknown field `{}`, there are no fields", "isian `{}` tidak dikenal; tidak ada isian"),
    ("missing field `{}`", "isian `{}` wajib diisi"),
    ("unknown variant `{}`, expected one of {}", "nilai `{}` tidak dikenal; yang diharapkan salah satu dari {}"),
    ("unknown variant `{}`, expected {}", "nilai `{}` tidak dikenal; yang diharapkan {}"),
    ("invalid type: {}, expected {}", "jenis tidak sah: {}, yang diharapkan {}"),
    ("invalid value: {}, expected {}", "nilai tidak sah: {}, yang diharapkan {}"),
    ("NIP must be exactly 18 digits", "NIP harus tepat 18 angka"),
    ("NIP digits 1-8 must be a real birth date (YYYYMMDD)", "Angka 1-8 NIP harus tanggal lahir yang nyata (YYYYMMDD)"),
    (
        "NIP digits 9-14 must be a real start-of-service month (YYYYMM)",
        "Angka 9-14 NIP harus bulan pengangkatan yang nyata (YYYYMM)",
    ),
    ("NIP start of service cannot be before the birth date", "Pengangkatan pada NIP tidak boleh sebelum tanggal lahir"),
    ("NIP digit 15 is the gender digit and must be 1 or 2", "Angka 15 NIP adalah kode jenis kelamin dan harus 1 atau 2"),
    (
        "NIP digits 16-18 are a sequence number and cannot be 000",
        "Angka 16-18 NIP adalah nomor urut dan tidak boleh 000",
    ),
    (
        "This origin may not call the API; the operator lists the allowed ones in KINERJA_CORS_ORIGINS",
        "Origin ini tidak boleh memanggil API; operator mencantumkan origin yang diizinkan di KINERJA_CORS_ORIGINS",
    ),
    ("This method may not be used from another origin", "Metode ini tidak boleh dipakai dari origin lain"),
    ("A requested header may not be sent from another origin", "Header yang diminta tidak boleh dikirim dari origin lain"),
    ("The preflight request is not valid", "Permintaan preflight tidak sah"),
    // Handlers' texts.
    (
        "A decision on this recommendation is recorded already; it is listed with the recommendation",
        "Keputusan atas rekomendasi ini sudah dicatat; keputusan itu tercantum bersama rekomendasinya",
    ),
    (
        "A published assessment is locked; the employee may object to it instead",
        "Penilaian yang sudah diterbitkan terkunci; pegawai dapat mengajukan keberatan atasnya",
    ),
    ("A revoked client cannot be approved", "Klien yang sudah dicabut tidak dapat disetujui"),
    (
        "A {} SKP cannot be edited; an approved one changes through a new revision",
        "SKP berstatus {} tidak dapat diubah; SKP yang disetujui diubah melalui revisi baru",
    ),
    ("A {} SKP cannot be submitted", "SKP berstatus {} tidak dapat diajukan"),
    ("A {} SKP cannot be {}", "SKP berstatus {} tidak dapat diproses ({})"),
    (
        "Achievements are recorded against the approved revision of your SKP; this aspect belongs to a revision that is not (or no longer) the approved one",
        "Capaian dicatat pada revisi SKP Anda yang disetujui; aspek ini milik revisi yang bukan (atau tidak lagi) revisi yang disetujui",
    ),
    (
        "An achievement carries at most {} pieces of evidence; remove one first",
        "Satu capaian memuat paling banyak {} bukti dukung; hapus salah satunya terlebih dahulu",
    ),
    (
        "An achievement for this aspect in {} is already recorded; correct it instead",
        "Capaian untuk aspek ini pada {} sudah dicatat; perbaiki capaian itu",
    ),
    (
        "Another request with this Idempotency-Key was applied meanwhile; repeat the request to get its result",
        "Permintaan lain dengan Idempotency-Key ini telah diterapkan lebih dulu; ulangi permintaan untuk mendapatkan hasilnya",
    ),
    ("Bad path parameter: {}", "Parameter path tidak sah: {}"),
    ("Bad query parameter: {}", "Parameter kueri tidak sah: {}"),
    (
        "Feedback is private to the employee, their supervisor, the second-level supervisor and auditors",
        "Umpan balik hanya untuk pegawai, atasannya, atasan dari atasannya, dan auditor",
    ),
    (
        "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "Idempotency-Key harus 1 sampai 255 karakter ASCII yang terlihat",
    ),
    ("If-Match must be an ETag returned by this service", "If-Match harus ETag yang diberikan layanan ini"),
    ("JSON may nest at most {} levels", "JSON paling dalam bersarang {} tingkat"),
    (
        "Objections are to the supervisor's assessment, not to a self-assessment",
        "Keberatan diajukan atas penilaian atasan, bukan atas penilaian diri",
    ),
    ("Only employees assess", "Hanya pegawai yang menilai"),
    ("Only employees do this", "Hanya pegawai yang dapat melakukan ini"),
    ("Only employees have an SKP", "Hanya pegawai yang memiliki SKP"),
    ("Only employees have an inbox", "Hanya pegawai yang memiliki kotak masuk"),
    ("Only employees plan an SKP", "Hanya pegawai yang menyusun SKP"),
    ("Only employees rate colleagues", "Hanya pegawai yang menilai rekan kerja"),
    ("Only employees read assessments", "Hanya pegawai yang membaca penilaian"),
    ("Only people decide", "Hanya orang yang memutuskan"),
    ("Only people record the rating", "Hanya orang yang mencatat predikat"),
    (
        "Only the newest revision, once approved, can be revised; edit the open revision instead",
        "Hanya revisi terbaru yang sudah disetujui yang dapat direvisi; ubah revisi yang masih terbuka",
    ),
    ("Only the organisation's admins may change this", "Hanya admin instansi yang boleh mengubah ini"),
    (
        "A service client does not answer peer ratings: only the rater does",
        "Klien layanan tidak menjawab penilaian rekan: hanya penilainya yang menjawab",
    ),
    (
        "A service client does not read assessments: only the employees concerned do",
        "Klien layanan tidak membaca penilaian kinerja: hanya pegawai yang bersangkutan yang membacanya",
    ),
    (
        "Only portals with the complaints:write scope pass on complaints; citizens use their ticket",
        "Hanya portal dengan cakupan complaints:write yang meneruskan pengaduan; warga memakai tiketnya",
    ),
    (
        "Only the head of the unit complained about (or an admin) assigns, closes or rejects it",
        "Hanya kepala unit yang diadukan (atau admin) yang menugaskan, menutup atau menolaknya",
    ),
    (
        "Only the officer the complaint is assigned to answers it",
        "Hanya petugas yang ditugaskan yang menjawab pengaduan ini",
    ),
    (
        "Only admins, auditors and the unit's head read its complaint figures",
        "Hanya admin, auditor dan kepala unit yang membaca angka pengaduan unit ini",
    ),
    (
        "Only admins, and the head of a unit for the unit's own templates, keep templates",
        "Hanya admin, dan kepala unit untuk templat unitnya sendiri, yang mengelola templat",
    ),
    (
        "Nobody decides their own proposal",
        "Tidak ada yang memutuskan usulannya sendiri",
    ),
    (
        "Templates are designed by employees, not portals",
        "Templat dirancang oleh pegawai, bukan oleh portal",
    ),
    (
        "Only the employee and their direct supervisor flag an indicator of their SKP",
        "Hanya pegawai dan atasan langsungnya yang menandai indikator SKP-nya",
    ),
    (
        "Only admins, auditors and unit heads read the flag report",
        "Hanya admin, auditor dan kepala unit yang membaca laporan penandaan",
    ),
    (
        "A service client does not handle complaints: the unit's head and officers do",
        "Klien layanan tidak menangani pengaduan: kepala unit dan petugasnya yang menangani",
    ),
    (
        "A service client does not read objections: only the employees concerned do",
        "Klien layanan tidak membaca keberatan: hanya pegawai yang bersangkutan yang membacanya",
    ),
    ("Portals do not read performance records", "Portal tidak membaca catatan kinerja"),
    (
        "Record the organisation's own rating for the period first: it decides the curve",
        "Catat dahulu predikat kinerja organisasi untuk periode ini: predikat itu menentukan kurvanya",
    ),
    (
        "Send an access token: Authorization: Bearer <token> (POST /api/v1/auth/token)",
        "Kirim token akses: Authorization: Bearer <token> (POST /api/v1/auth/token)",
    ),
    ("Send the body as application/json", "Kirim isi permintaan sebagai application/json"),
    ("Send the file as text/csv", "Kirim berkas sebagai text/csv"),
    ("Send the operator's metrics token as a bearer token", "Kirim token metrik dari operator sebagai bearer token"),
    ("Text may not contain the NUL character (\\u0000)", "Teks tidak boleh memuat karakter NUL (\\u0000)"),
    (
        "The {} period is closed; an admin must reopen it, with a reason, before anything in it changes",
        "Periode {} sudah ditutup; admin harus membukanya kembali, dengan alasan, sebelum ada yang diubah di dalamnya",
    ),
    ("The CSV file may not contain the NUL character", "Berkas CSV tidak boleh memuat karakter NUL"),
    ("The CSV file must be UTF-8", "Berkas CSV harus berkodean UTF-8"),
    ("The NIP or password is not correct", "NIP atau kata sandi tidak benar"),
    ("The URL may not contain the NUL character (%00)", "URL tidak boleh memuat karakter NUL (%00)"),
    ("The access token has expired; refresh it", "Token akses sudah kedaluwarsa; perbarui token"),
    (
        "The access token names an unknown role or scope {}; log in again",
        "Token akses menyebut peran atau cakupan {} yang tidak dikenal; masuk kembali",
    ),
    ("The assessment is not published yet", "Penilaian belum diterbitkan"),
    ("The body is empty; send the file's bytes", "Isi permintaan kosong; kirim isi berkasnya"),
    ("The body is not valid JSON: {}", "Isi permintaan bukan JSON yang sah: {}"),
    (
        "The body was declared as {} but its content is {}; send it as that type or as application/octet-stream",
        "Isi permintaan dinyatakan sebagai {} tetapi isinya {}; kirim sebagai jenis itu atau sebagai application/octet-stream",
    ),
    ("The client id or secret is not correct", "Id klien atau rahasianya tidak benar"),
    ("The client may not ask for {}", "Klien tidak boleh meminta {}"),
    (
        "The comparison starts from the supervisor's assessment; this is a self-assessment",
        "Perbandingan dimulai dari penilaian atasan; ini penilaian diri",
    ),
    (
        "The content is not a PDF, JPEG, PNG, DOCX or XLSX file (judged by the bytes, not the name or header)",
        "Isinya bukan berkas PDF, JPEG, PNG, DOCX atau XLSX (dinilai dari isinya, bukan dari nama atau header)",
    ),
    ("The database does not answer", "Basis data tidak menjawab"),
    ("The database is not reachable", "Basis data tidak dapat dijangkau"),
    ("The database is not reachable right now", "Basis data tidak dapat dijangkau saat ini"),
    ("The employee already has this unit and supervisor", "Pegawai sudah berada di unit dan atasan ini"),
    ("The employee is not recommended for {} in this period", "Pegawai tidak direkomendasikan untuk {} pada periode ini"),
    ("The file has no rows", "Berkas tidak memuat baris"),
    ("The header row cannot be read: {}", "Baris judul tidak dapat dibaca: {}"),
    (
        "The objection window of {} days closed at {} ({}); this is day {} after publication",
        "Masa keberatan {} hari berakhir pada {} ({}); ini hari ke-{} setelah penerbitan",
    ),
    ("The organisation must keep at least one active admin", "Instansi harus tetap memiliki sedikitnya satu admin aktif"),
    ("The refresh token is unknown or expired; log in again", "Token penyegar tidak dikenal atau kedaluwarsa; masuk kembali"),
    ("The request body could not be read", "Isi permintaan tidak dapat dibaca"),
    ("The request body is empty; send a JSON document", "Isi permintaan kosong; kirim dokumen JSON"),
    (
        "The unit still has {} sub-units and {} employees; move them first",
        "Unit ini masih memiliki {} subunit dan {} pegawai; pindahkan terlebih dahulu",
    ),
    (
        "The year's assessment is open: peer and subordinate answers are final and shown as aggregates",
        "Penilaian tahunan sudah dibuka: jawaban rekan dan bawahan bersifat final dan ditampilkan sebagai agregat",
    ),
    ("The {} period already exists", "Periode {} sudah ada"),
    (
        "The {} group's aggregate is already shown; a rater added now could be singled out",
        "Agregat kelompok {} sudah ditampilkan; penilai yang ditambahkan sekarang dapat dikenali",
    ),
    (
        "This Idempotency-Key was used for a different request; use a new key for a new write",
        "Idempotency-Key ini sudah dipakai untuk permintaan lain; gunakan kunci baru untuk penulisan baru",
    ),
    (
        "This can be published from {} on, its last day (or once the period is evaluating)",
        "Ini dapat diterbitkan mulai {}, hari terakhirnya (atau setelah periode masuk tahap evaluasi)",
    ),
    ("This client does not wait for an approval", "Klien ini tidak menunggu persetujuan"),
    ("This client lacks the employees:read scope", "Klien ini tidak memiliki cakupan employees:read"),
    ("This objection is decided; the decision is final", "Keberatan ini sudah diputuskan; keputusannya final"),
    (
        "This refresh token was already used; every session from that login has been ended. Log in again",
        "Token penyegar ini sudah dipakai; semua sesi dari login itu telah diakhiri. Masuk kembali",
    ),
    ("This ticket has expired; ask the service desk for a new one", "Tiket ini sudah kedaluwarsa; minta tiket baru di loket layanan"),
    (
        "This ticket was already used; each ticket rates one service once",
        "Tiket ini sudah dipakai; setiap tiket menilai satu layanan satu kali",
    ),
    (
        "You already have an SKP for this period; edit it or make a revision",
        "Anda sudah memiliki SKP untuk periode ini; ubah SKP itu atau buat revisi",
    ),
    (
        "You have already objected to this assessment; an employee objects once",
        "Anda sudah mengajukan keberatan atas penilaian ini; pegawai mengajukan keberatan satu kali",
    ),
    ("a changed decision gives both new ratings", "keputusan yang mengubah memberikan kedua nilai baru"),
    (
        "a reporting line takes effect when it is recorded: on {} at the latest",
        "hubungan atasan berlaku sejak dicatat: paling lambat pada {}",
    ),
    ("a score is not a number", "sebuah nilai bukan angka"),
    ("a senior executive's (JPT) target needs a perspective", "sasaran pejabat pimpinan tinggi (JPT) memerlukan perspektif"),
    ("an SKP needs at least one target", "SKP memerlukan sedikitnya satu sasaran"),
    ("an employee cannot supervise themselves", "pegawai tidak dapat menjadi atasan dirinya sendiri"),
    ("an employee with this NIP already exists", "pegawai dengan NIP ini sudah ada"),
    ("an upheld rating stands: send no new rating", "nilai yang dipertahankan tetap berlaku: jangan kirim nilai baru"),
    ("another unit of this organisation has this code", "unit lain di instansi ini sudah memakai kode ini"),
    ("at least one target must be utama", "sedikitnya satu sasaran harus utama"),
    ("each aspect at most once per indicator", "setiap aspek paling banyak sekali per indikator"),
    ("each existing target may be kept only once", "setiap sasaran yang ada hanya boleh dipertahankan sekali"),
    ("each target needs an indicator", "setiap sasaran memerlukan indikator"),
    ("evaluating (reopen, with a reason)", "evaluasi (buka kembali, dengan alasan)"),
    (
        "import rows reference supervisors that were never created",
        "baris impor merujuk atasan yang tidak pernah dibuat",
    ),
    ("must be a sub-period of the SKP's period", "harus subperiode dari periode SKP"),
    ("must be a sub-period of the period (see GET /periods/{id})", "harus subperiode dari periode itu (lihat GET /periods/{id})"),
    ("must be a target of the employee's SKP", "harus sasaran dalam SKP pegawai"),
    (
        "must be a target of your direct supervisor's SKP in the same period",
        "harus sasaran dalam SKP atasan langsung Anda pada periode yang sama",
    ),
    ("must be after from", "harus setelah from"),
    ("must be one of the employee's achievements", "harus salah satu capaian pegawai"),
    ("name at least one kind, or leave the parameter out", "sebutkan sedikitnya satu jenis, atau hilangkan parameternya"),
    ("name the supervisor", "sebutkan atasannya"),
    ("name the training topic decided on", "sebutkan topik pelatihan yang diputuskan"),
    (
        "no active employee with this NIP in this organisation or the file",
        "tidak ada pegawai aktif dengan NIP ini di instansi ini maupun dalam berkas",
    ),
    ("no score computed", "belum ada nilai yang dihitung"),
    ("no such employee in this organisation", "tidak ada pegawai itu di instansi ini"),
    ("no such unit in this organisation", "tidak ada unit itu di instansi ini"),
    ("no unit with code {}", "tidak ada unit dengan kode {}"),
    ("nobody rates themselves", "tidak ada yang menilai dirinya sendiri"),
    ("not a sub-period of this period", "bukan subperiode dari periode ini"),
    ("only senior executives' (JPT) targets carry a perspective", "hanya sasaran pejabat pimpinan tinggi (JPT) yang memiliki perspektif"),
    ("only training recommendations have a topic", "hanya rekomendasi pelatihan yang memiliki topik"),
    ("rate the behaviour before publishing", "nilai perilaku sebelum menerbitkan"),
    ("rate the results before publishing", "nilai hasil kerja sebelum menerbitkan"),
    ("say why the closed period is reopened", "sebutkan alasan periode yang sudah ditutup dibuka kembali"),
    (
        "score each of the seven BerAKHLAK values before publishing",
        "beri nilai setiap tujuh nilai BerAKHLAK sebelum menerbitkan",
    ),
    ("scores are not an object", "nilai bukan sebuah objek"),
    ("the current password is not correct", "kata sandi saat ini tidak benar"),
    (
        "the current reporting line began on {}; a new one cannot start earlier",
        "hubungan atasan yang berlaku dimulai pada {}; yang baru tidak dapat dimulai lebih awal",
    ),
    (
        "the new ratings are the original ones: decide `upheld` instead",
        "nilai baru sama dengan nilai semula: putuskan `upheld`",
    ),
    ("the organisation has no unit with its own code", "instansi tidak memiliki unit dengan kodenya sendiri"),
    ("the realised value must be 0 or more", "nilai realisasi harus 0 atau lebih"),
    ("the reporting lines in the file form a loop", "hubungan atasan dalam berkas membentuk lingkaran"),
    ("the target value must be positive", "nilai target harus positif"),
    ("the targets' weights must sum to 100, not {}", "jumlah bobot sasaran harus 100, bukan {}"),
    ("this NIP appears earlier in the file", "NIP ini sudah muncul lebih awal dalam berkas"),
    ("this unit does not serve the public", "unit ini tidak melayani publik"),
    ("unknown cursor", "kursor tidak dikenal"),
    ("use a next_cursor returned by this list", "gunakan next_cursor yang diberikan daftar ini"),
    (
        "use jpt, administrator, pengawas, pelaksana or fungsional",
        "gunakan jpt, administrator, pengawas, pelaksana atau fungsional",
    ),
    ("use letters, digits, '-', '_' or '.'", "gunakan huruf, angka, '-', '_' atau '.'"),
    ("write something", "tulis sesuatu"),
    ("Only portals with the webhooks:manage scope manage webhooks", "Hanya portal dengan cakupan webhooks:manage yang mengelola webhook"),
    ("must be an absolute http(s) URL", "harus berupa URL http(s) lengkap"),
    (
        "use an https:// URL (http:// only to a receiver in a network the operator allows)",
        "gunakan URL https:// (http:// hanya ke penerima di jaringan yang diizinkan operator)",
    ),
    ("a webhook URL may not carry a user name or password", "URL webhook tidak boleh memuat nama pengguna atau kata sandi"),
    (
        "{} is an unspecified address; webhooks are sent only to public addresses",
        "{} adalah alamat tak tentu (unspecified); webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a loopback address; webhooks are sent only to public addresses",
        "{} adalah alamat loopback; webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a private address (RFC 1918); webhooks are sent only to public addresses",
        "{} adalah alamat privat (RFC 1918); webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a shared carrier address (RFC 6598); webhooks are sent only to public addresses",
        "{} adalah alamat bersama operator (RFC 6598); webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a link-local address, where cloud metadata services answer; webhooks are sent only to public addresses",
        "{} adalah alamat link-local, tempat layanan metadata cloud menjawab; webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a unique local IPv6 address; webhooks are sent only to public addresses",
        "{} adalah alamat IPv6 lokal unik; webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a multicast or broadcast address; webhooks are sent only to public addresses",
        "{} adalah alamat multicast atau broadcast; webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is an address reserved for documentation; webhooks are sent only to public addresses",
        "{} adalah alamat yang dicadangkan untuk dokumentasi; webhook hanya dikirim ke alamat publik",
    ),
    (
        "{} is a reserved or special-purpose address; webhooks are sent only to public addresses",
        "{} adalah alamat yang dicadangkan atau untuk keperluan khusus; webhook hanya dikirim ke alamat publik",
    ),
    ("This client lacks the organization:read scope", "Klien ini tidak memiliki cakupan organization:read"),
    ("Only the organisation's admins change reporting lines", "Hanya admin instansi yang mengubah hubungan atasan"),
    ("Only the employee edits and submits their own SKP", "Hanya pegawai yang bersangkutan yang mengubah dan mengajukan SKP-nya"),
    (
        "Only the employee's direct supervisor approves or returns their SKP",
        "Hanya atasan langsung pegawai yang menyetujui atau mengembalikan SKP-nya",
    ),
    ("Nobody chooses the raters of their own 360 feedback", "Tidak ada yang memilih penilai umpan balik 360 untuk dirinya sendiri"),
    ("Only the employee's supervisor or an admin assigns raters", "Hanya atasan pegawai atau admin yang menugaskan penilai"),
    ("A second admin approves the portal: not the one who made it", "Admin kedua yang menyetujui portal: bukan admin yang membuatnya"),
    ("Only the supervisor, admins and auditors read a team's scores", "Hanya atasan, admin dan auditor yang membaca nilai tim"),
    ("Only admins and auditors read a unit's scores", "Hanya admin dan auditor yang membaca nilai unit"),
    (
        "Only the organisation's admins record its rating (the policy's organization_rating_recorder)",
        "Hanya admin instansi yang mencatat predikat instansi (organization_rating_recorder pada kebijakan)",
    ),
    (
        "Only the organisation's admins record decisions on recommendations",
        "Hanya admin instansi yang mencatat keputusan atas rekomendasi",
    ),
    (
        "Only portals with the rating_tickets:issue scope issue rating tickets",
        "Hanya portal dengan cakupan rating_tickets:issue yang menerbitkan tiket penilaian",
    ),
    (
        "This portal issues tickets once a second admin of the organisation approves it",
        "Portal ini menerbitkan tiket setelah admin kedua instansi menyetujuinya",
    ),
    ("Only the employee records their own achievements", "Hanya pegawai yang bersangkutan yang mencatat capaiannya"),
    (
        "Only the employee's direct supervisor verifies or rejects their achievements",
        "Hanya atasan langsung pegawai yang memverifikasi atau menolak capaiannya",
    ),
    ("Only the employee's direct supervisor starts feedback", "Hanya atasan langsung pegawai yang memulai umpan balik"),
    (
        "Only the employee and the supervisor who started the feedback reply to it",
        "Hanya pegawai dan atasan yang memulai umpan balik yang dapat membalasnya",
    ),
    (
        "Only the employee (a self-assessment) or their direct supervisor assesses their work",
        "Hanya pegawai (penilaian diri) atau atasan langsungnya yang menilai kinerjanya",
    ),
    ("Only the author edits or publishes an assessment", "Hanya penyusun yang mengubah atau menerbitkan penilaian"),
    (
        "You are no longer this employee's supervisor: their current supervisor assesses them",
        "Anda bukan lagi atasan pegawai ini: atasannya saat ini yang menilainya",
    ),
    ("Only the assessed employee objects to their assessment", "Hanya pegawai yang dinilai yang mengajukan keberatan atas penilaiannya"),
    (
        "Only the assessor's own supervisor (atasan pejabat penilai) decides this objection",
        "Hanya atasan pejabat penilai yang memutuskan keberatan ini",
    ),
    ("Only admins and auditors may read the audit trail", "Hanya admin dan auditor yang boleh membaca jejak audit"),
    (
        "Only admins, auditors and portals with the reports:read scope read reports",
        "Hanya admin, auditor dan portal dengan cakupan reports:read yang membaca laporan",
    ),
    ("The access token is not valid", "Token akses tidak sah"),
    ("The access token names no signing key (kid)", "Token akses tidak menyebut kunci penandatangan (kid)"),
    ("The access token carries no NIP", "Token akses tidak memuat NIP"),
    ("This employee is not active", "Pegawai ini tidak aktif"),
    ("No employee with this NIP signs in here", "Tidak ada pegawai dengan NIP ini yang dapat masuk di sini"),
    (
        "The access token is signed by a key the identity provider does not publish",
        "Token akses ditandatangani dengan kunci yang tidak diterbitkan penyedia identitas",
    ),
    ("Missing columns: {}", "Kolom yang tidak ada: {}"),
    ("unknown role {}", "peran {} tidak dikenal"),
    ("unknown kind {}; one of {}", "jenis {} tidak dikenal; salah satu dari {}"),
    ("{}; it can no longer be changed", "{}; tidak dapat diubah lagi"),
    ("{} has not begun; record what was realised once it has", "{} belum dimulai; catat realisasinya setelah dimulai"),
    // Indicator templates and citizen complaints (issue 11).
    ("This proposal is decided already", "Usulan ini sudah diputuskan"),
    ("You have flagged this indicator already", "Anda sudah menandai indikator ini"),
    ("Only employees propose", "Hanya pegawai yang mengusulkan"),
    ("Only employees flag", "Hanya pegawai yang menandai"),
    ("a change keeps the template's position and unit", "perubahan mempertahankan jabatan dan unit templat"),
    (
        "must name a target of another template of the organisation",
        "harus menyebut sasaran dari templat lain milik instansi",
    ),
    ("a new template needs it", "templat baru memerlukannya"),
    ("Portals pass complaints on; they do not read them", "Portal meneruskan pengaduan; portal tidak membacanya"),
    ("Only employees read complaints", "Hanya pegawai yang membaca pengaduan"),
    (
        "A complaint was already made with this ticket; follow it with its tracking code",
        "Pengaduan sudah dibuat dengan tiket ini; pantau dengan kode lacaknya",
    ),
    ("A {} complaint cannot be {}", "Pengaduan berstatus {} tidak dapat di-{}"),
    ("no such employee", "pegawai tidak ditemukan"),
    ("an active employee of the organisation", "pegawai aktif instansi"),
    (
        "This ticket has expired; complain through the service desk or a portal",
        "Tiket ini sudah kedaluwarsa; sampaikan pengaduan melalui loket layanan atau portal",
    ),
];

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
/// `responses((status = 200, ...), problems::Read)`. Every set has `503`: any operation that touches
/// the database answers it (with `Retry-After`) while the database is unreachable.
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
            ("422", "ValidationFailed"), ("503", "Unavailable"),
        ]
    );
    problem_set!(
        /// Creates and actions without a version.
        Create => [
            ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict"),
            ("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType"), ("422", "ValidationFailed"),
            ("503", "Unavailable"),
        ]
    );
    problem_set!(
        /// Updates and actions guarded by `If-Match`.
        Update => [
            ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict"),
            ("412", "PreconditionFailed"), ("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType"),
            ("422", "ValidationFailed"), ("428", "PreconditionRequired"), ("503", "Unavailable"),
        ]
    );
    problem_set!(
        /// Deletes.
        Delete => [
            ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"), ("409", "Conflict"),
            ("503", "Unavailable"),
        ]
    );
}

#[cfg(test)]
mod language_tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_weighted_language_and_defaults_to_indonesian() {
        assert_eq!(Language::negotiate(None), Language::Indonesian);
        assert_eq!(Language::negotiate(Some("")), Language::Indonesian);
        assert_eq!(Language::negotiate(Some("en")), Language::English);
        assert_eq!(Language::negotiate(Some("en-GB,en;q=0.9")), Language::English);
        assert_eq!(Language::negotiate(Some("fr, en;q=0.5")), Language::English);
        assert_eq!(Language::negotiate(Some("en;q=0.5, id;q=0.8")), Language::Indonesian);
        assert_eq!(Language::negotiate(Some("en, id")), Language::Indonesian, "a tie goes to the default");
        assert_eq!(Language::negotiate(Some("en;q=0")), Language::Indonesian);
        assert_eq!(Language::negotiate(Some("de, fr;q=0.8")), Language::Indonesian);
        assert_eq!(Language::negotiate(Some("id-ID")), Language::Indonesian);
    }

    #[test]
    fn templates_carry_their_values_over() {
        assert_eq!(
            translate("The unit still has 2 sub-units and 5 employees; move them first").as_deref(),
            Some("Unit ini masih memiliki 2 subunit dan 5 pegawai; pindahkan terlebih dahulu")
        );
        assert_eq!(translate("Try again in 42 seconds").as_deref(), Some("Coba lagi dalam 42 detik"));
        assert_eq!(translate("No such thing at all"), None);
        assert_eq!(translate("Only people decide, mostly"), None, "a template matches the whole text");
        assert_eq!(fill_template("{1} lalu {0}", &["a", "b"]), "b lalu a");
        let problem = ApiError::field("nip", "invalid_nip", "NIP must be exactly 18 digits").to_problem();
        let translated = problem.clone().localized(Language::Indonesian);
        assert_eq!(translated.code, problem.code);
        assert_eq!(translated.title, "Permintaan memuat isian yang tidak sah");
        assert_eq!(translated.detail, "nip: NIP harus tepat 18 angka");
        assert_eq!(translated.errors[0].message, "NIP harus tepat 18 angka");
        assert_eq!(translated.errors[0].field, "nip");
        assert_eq!(problem.clone().localized(Language::English).detail, problem.detail);
    }

    /// The argument that is a problem's text, by constructor.
    const CONSTRUCTORS: &[(&str, usize)] = &[
        ("ApiError::bad_request(", 1),
        ("ApiError::conflict(", 1),
        ("ApiError::forbidden(", 0),
        ("ApiError::Forbidden(", 0),
        ("ApiError::field(", 2),
        ("FieldError::new(", 2),
        ("ApiError::Unavailable(", 0),
        ("ApiError::UnsupportedMediaType(", 0),
        (".with_message(", 0),
        ("refused(", 0),
        ("require(", 1),
    ];

    /// The arguments of the call whose `(` ends `text[..at]`, split at top-level commas.
    fn arguments(text: &str, at: usize) -> Vec<String> {
        let mut depth = 0;
        let mut out = vec![String::new()];
        let mut chars = text[at..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let last = out.last_mut().expect("one argument");
                    last.push('"');
                    while let Some(c) = chars.next() {
                        last.push(c);
                        if c == '\\' {
                            last.extend(chars.next());
                        } else if c == '"' {
                            break;
                        }
                    }
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(String::new());
                    continue;
                }
                _ => {}
            }
            out.last_mut().expect("one argument").push(c);
        }
        out
    }

    /// The text of a literal or `format!` argument (placeholders as `{}`), else `None`.
    fn text_of(argument: &str) -> Option<String> {
        let argument = argument.trim();
        let (is_format, rest) = match argument.strip_prefix("format!(") {
            Some(rest) => (true, rest),
            None => (false, argument),
        };
        let rest = rest.strip_prefix('"')?;
        let mut text = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('\n') => {
                        while chars.peek().is_some_and(|c| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    Some('n') => text.push('\n'),
                    Some(other) => text.push(other),
                    None => {}
                },
                '{' if is_format && chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if is_format && chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' if is_format => {
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                    text.push_str("{}");
                }
                other => text.push(other),
            }
        }
        Some(text)
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every text a handler gives a problem (a literal or a `format!` template, or a `detail:`)
    /// has its Indonesian in the catalogue. The command line's texts (`cli`, `seed`) are for
    /// operators at a terminal and stay English.
    #[test]
    fn every_problem_text_has_an_indonesian_translation() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in files {
            let relative = file.strip_prefix(&src).expect("under src").to_string_lossy().to_string();
            if relative == "cli.rs" || relative.starts_with("seed") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("readable");
            // This scan's own patterns are not texts.
            let text = text.split("mod language_tests").next().unwrap_or_default();
            let mut texts = Vec::new();
            for (constructor, position) in CONSTRUCTORS {
                for (at, _) in text.match_indices(constructor) {
                    if let Some(argument) = arguments(text, at + constructor.len()).get(*position) {
                        texts.extend(text_of(argument));
                    }
                }
            }
            for (at, _) in text.match_indices("detail: ") {
                texts.extend(text_of(&arguments(text, at + "detail: ".len())[0]));
            }
            for english in texts {
                seen += 1;
                if translate(&english).is_none() {
                    missing.push(format!("{relative}: {english:?}"));
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} texts");
        assert!(
            missing.is_empty(),
            "add these to CATALOGUE in src/error.rs with their Indonesian:\n{}",
            missing.join("\n")
        );
    }
}
