//! The login endpoints: tokens for people (NIP + password) and for portals (client credentials),
//! refresh-token rotation with reuse detection, logout, and `me`.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError, ValidationErrors};

use super::caller::{Caller, Role, Scope};
use super::tokens::{self, SubjectKind};
use super::{lockout, password, service_clients, store};
use crate::audit::{self, Actor, ActorKind, Change};
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::employees::{self as staff, Employee, EmployeeRow};
use crate::error::{problems, responses, ApiError, ApiResult};
use crate::extract::ValidatedJson;
use crate::organizations::{self, Organization};
use crate::secrets::{random_token, sha256_hex};
use crate::state::AppState;

/// Tokens, under `/auth`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_token).service(rotate_refresh_token).service(logout);
}

/// The caller, under `/me`.
pub fn me_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(me);
}

/// How to get a token: `password` for people, `client_credentials` for portals.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenRequest {
    /// A person logs in with their NIP and password.
    Password { nip: String, password: String },
    /// A service client (portal) logs in with its id and secret, asking for some of its scopes.
    ClientCredentials {
        client_id: String,
        client_secret: String,
        /// Space-separated scopes; all of the client's scopes when absent.
        scope: Option<String>,
    },
}

impl Validate for TokenRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut check = |field: &'static str, value: &str, max: usize| {
            if value.is_empty() || value.len() > max {
                errors.add(
                    field,
                    ValidationError::new("length").with_message(format!("must be 1 to {max} characters").into()),
                );
            }
        };
        match self {
            TokenRequest::Password { nip, password } => {
                check("nip", nip, 32);
                check("password", password, 256);
            }
            TokenRequest::ClientCredentials { client_id, client_secret, scope } => {
                check("client_id", client_id, 128);
                check("client_secret", client_secret, 256);
                if let Some(scope) = scope {
                    check("scope", scope, 1024);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Tokens. The access token goes in `Authorization: Bearer`; the refresh token (people only)
/// gets a new pair from `/auth/refresh` and can be used once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: Option<String>,
    /// Granted scopes (service clients).
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

/// The caller: the employee (with organisation and roles) or the service client.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub kind: String,
    pub organization: Organization,
    pub roles: Vec<Role>,
    pub scopes: Vec<Scope>,
    pub employee: Option<Employee>,
    /// The employees who report directly to the caller.
    pub direct_reports: i64,
}

fn invalid_credentials() -> ApiError {
    // One answer for an unknown NIP, a wrong password and a deactivated account.
    ApiError::Unauthorized { code: "invalid_credentials", detail: "The NIP or password is not correct".into() }
}

/// Gets an access token.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenRequest, examples(
        ("password" = (value = json!({"grant_type": "password", "nip": "198503152010011001", "password": "••••••••••••"}))),
        ("client_credentials" = (value = json!({"grant_type": "client_credentials", "client_id": "portal-…", "client_secret": "…", "scope": "employees:read"}))),
    )),
    responses(
        (status = 200, description = "Tokens", body = TokenResponse),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/auth/token")]
pub async fn create_token(
    state: web::Data<AppState>,
    body: ValidatedJson<TokenRequest>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    // Before any password is hashed: guesses (and hashing floods) are limited per address.
    state.rate_limit.check(&state.db, state.clock, crate::rate_limit::Limited::Login, &req).await?;
    let request_id =
        actix_web::HttpMessage::extensions(&req).get::<crate::request_id::RequestId>().map(|r| r.0.clone());
    let response = match body.into_inner() {
        TokenRequest::Password { nip, password: given } => {
            let now = state.clock.now().timestamp();
            let lookup = nip.clone();
            let (row, failures) = state
                .db
                .read(move |conn| Ok((staff::find_by_nip(conn, &lookup)?, lockout::find(conn, &lookup)?)))
                .await?;
            // A locked account is refused before any hashing, whoever asks and from wherever; an
            // unknown NIP locks the same way, so the lock tells nothing about who exists.
            if let Some(refusal) = failures.and_then(|f| f.refusal(now)) {
                return Err(refusal);
            }
            let stored = row.as_ref().filter(|r| r.active).and_then(|r| r.password_hash.clone());
            let ok = web::block(move || password::verify(&given, stored.as_deref())).await?;
            let employee = match (ok, row) {
                (true, Some(employee)) => employee,
                _ => {
                    let rule = state.login_lockout;
                    state.db.write(move |conn| lockout::record_failure(conn, &rule, &nip, now)).await?;
                    return Err(invalid_credentials());
                }
            };
            let keys = state.tokens.clone();
            state
                .db
                .write(move |conn| {
                    if failures.is_some() {
                        lockout::clear(conn, &nip)?;
                    }
                    let refresh = new_refresh_token(conn, &employee.id, &new_id(), keys.refresh_ttl_secs)?;
                    let actor = Actor { kind: ActorKind::Employee, id: employee.id.to_string(), request_id };
                    audit::record(
                        conn,
                        &actor,
                        &employee.organization_id,
                        Change::new("auth.login", "employee", &employee.id),
                    )?;
                    Ok(person_tokens(&keys, &employee, refresh))
                })
                .await?
        }
        TokenRequest::ClientCredentials { client_id, client_secret, scope } => {
            let client = state.db.read(move |conn| service_clients::find_active(conn, &client_id)).await?;
            let client =
                client.filter(|c| c.secret_hash == sha256_hex(&client_secret)).ok_or(ApiError::Unauthorized {
                    code: "invalid_client",
                    detail: "The client id or secret is not correct".into(),
                })?;
            let granted = client.scopes.values().to_vec();
            let scopes = match scope {
                None => granted,
                Some(asked) => {
                    let mut scopes = Vec::new();
                    for name in asked.split_whitespace() {
                        match Scope::parse(name) {
                            Some(s) if granted.contains(&s) => scopes.push(s),
                            _ => {
                                return Err(ApiError::bad_request(
                                    "invalid_scope",
                                    format!("The client may not ask for {name:?}"),
                                ))
                            }
                        }
                    }
                    scopes
                }
            };
            let names: Vec<String> = scopes.iter().map(|s| s.as_str().to_string()).collect();
            TokenResponse {
                access_token: state.tokens.issue(
                    SubjectKind::ServiceClient,
                    &client.id,
                    &client.organization_id,
                    vec![],
                    names.clone(),
                ),
                token_type: "Bearer".into(),
                expires_in: state.tokens.access_ttl_secs,
                refresh_token: None,
                scope: Some(names.join(" ")),
            }
        }
    };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(response))
}

fn person_tokens(keys: &tokens::TokenKeys, employee: &EmployeeRow, refresh_token: String) -> TokenResponse {
    let roles = employee.roles.with_pegawai().iter().map(|r| r.as_str().to_string()).collect();
    TokenResponse {
        access_token: keys.issue(SubjectKind::Employee, &employee.id, &employee.organization_id, roles, vec![]),
        token_type: "Bearer".into(),
        expires_in: keys.access_ttl_secs,
        refresh_token: Some(refresh_token),
        scope: None,
    }
}

fn new_refresh_token(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    family_id: &str,
    ttl_secs: i64,
) -> ApiResult<String> {
    let token = random_token();
    store::insert(conn, employee_id, family_id, &sha256_hex(&token), ttl_secs)?;
    Ok(token)
}

/// What happened to a presented refresh token.
enum Rotation {
    Rotated(TokenResponse),
    /// A used or revoked token came back: someone else may hold it, so its family was revoked.
    Reused,
    Invalid,
}

/// Trades a refresh token for a new pair. Each refresh token works once; presenting a used one
/// again revokes every token descended from the same login.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/auth/refresh")]
pub async fn rotate_refresh_token(
    state: web::Data<AppState>,
    body: ValidatedJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = sha256_hex(&body.into_inner().refresh_token);
    let keys = state.tokens.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let found = store::find_by_hash(conn, &hash)?;
            let Some(store::RefreshTokenRow { id, family_id: family, employee_id, expires_at, used_at, revoked_at }) =
                found
            else {
                return Ok(Rotation::Invalid);
            };
            let employee = staff::find(conn, &employee_id)?;
            // Marking it used only if still unused makes two racing refreshes with one token a reuse.
            let claimed = store::claim(conn, &id)?;
            if used_at.is_some() || revoked_at.is_some() || !claimed {
                let revoked = store::revoke_family(conn, &family)?;
                if revoked > 0 || revoked_at.is_none() {
                    let actor = Actor { kind: ActorKind::Employee, id: employee.id.to_string(), request_id: None };
                    audit::record(
                        conn,
                        &actor,
                        &employee.organization_id,
                        Change::new("auth.refresh_reuse_detected", "employee", &employee.id),
                    )?;
                }
                return Ok(Rotation::Reused);
            }
            if expires_at < now() || !employee.active {
                return Ok(Rotation::Invalid);
            }
            let token = new_refresh_token(conn, &employee.id, &family, keys.refresh_ttl_secs)?;
            let actor = Actor { kind: ActorKind::Employee, id: employee.id.to_string(), request_id: None };
            audit::record(
                conn,
                &actor,
                &employee.organization_id,
                Change::new("auth.refresh", "employee", &employee.id),
            )?;
            Ok(Rotation::Rotated(person_tokens(&keys, &employee, token)))
        })
        .await?;
    match outcome {
        Rotation::Rotated(tokens) => Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(tokens)),
        Rotation::Reused => Err(ApiError::Unauthorized {
            code: "refresh_token_reused",
            detail: "This refresh token was already used; every session from that login has been ended. Log in again"
                .into(),
        }),
        Rotation::Invalid => Err(ApiError::Unauthorized {
            code: "invalid_refresh_token",
            detail: "The refresh token is unknown or expired; log in again".into(),
        }),
    }
}

/// Ends the session the refresh token belongs to. Answers 204 whether or not the token was known.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        (status = 400, response = responses::BadRequest),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: ValidatedJson<RefreshRequest>) -> ApiResult<HttpResponse> {
    let hash = sha256_hex(&body.into_inner().refresh_token);
    state
        .db
        .write(move |conn| {
            let Some(found) = store::find_by_hash(conn, &hash)? else { return Ok(()) };
            let employee_id = found.employee_id;
            let revoked = store::revoke_family(conn, &found.family_id)?;
            if revoked > 0 {
                let org = staff::find(conn, &employee_id)?.organization_id;
                let actor = Actor { kind: ActorKind::Employee, id: employee_id.to_string(), request_id: None };
                audit::record(conn, &actor, &org, Change::new("auth.logout", "employee", &employee_id))?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who the token belongs to.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = Me),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let me = state
        .db
        .read(move |conn| {
            let organization = organizations::find(conn, &caller.organization_id)?.into();
            let (employee, direct_reports) = match caller.employee_id() {
                Some(id) => {
                    let row = staff::find(conn, id)?;
                    let reports = staff::active_reports(conn, id)?;
                    (Some(Employee::from(row)), reports)
                }
                None => (None, 0),
            };
            Ok(Me {
                kind: match caller.kind {
                    SubjectKind::Employee => "employee".into(),
                    SubjectKind::ServiceClient => "service_client".into(),
                },
                organization,
                roles: caller.roles.clone(),
                scopes: caller.scopes.clone(),
                employee,
                direct_reports,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(me))
}
