//! Who is calling: the bearer token checked and turned into a [`Caller`].

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens::SubjectKind;
use crate::error::ApiError;
use crate::request_id::RequestId;
use crate::state::AppState;

/// Organisation-level roles. Every employee is also a `pegawai`; supervisor rights follow
/// from the reporting line, not from a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Pegawai,
    Admin,
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pegawai => "pegawai",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "pegawai" => Some(Role::Pegawai),
            "admin" => Some(Role::Admin),
            "auditor" => Some(Role::Auditor),
            _ => None,
        }
    }

    /// Roles as stored on an employee: a comma-separated list (`pegawai` is implied).
    pub fn parse_list(stored: &str) -> Vec<Role> {
        let mut roles = vec![Role::Pegawai];
        roles.extend(stored.split(',').filter_map(|r| Role::parse(r.trim())).filter(|r| *r != Role::Pegawai));
        roles
    }

    pub fn store_list(roles: &[Role]) -> String {
        let mut names: Vec<&str> = roles.iter().filter(|r| **r != Role::Pegawai).map(|r| r.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.join(",")
    }
}

/// What a service client (portal) may do; granted per client by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, PartialOrd, Ord)]
pub enum Scope {
    #[serde(rename = "organization:read")]
    OrganizationRead,
    #[serde(rename = "employees:read")]
    EmployeesRead,
    /// Issue one-time citizen rating tickets (service desks, portals).
    #[serde(rename = "rating_tickets:issue")]
    RatingTicketsIssue,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[Scope::OrganizationRead, Scope::EmployeesRead, Scope::RatingTicketsIssue];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OrganizationRead => "organization:read",
            Scope::EmployeesRead => "employees:read",
            Scope::RatingTicketsIssue => "rating_tickets:issue",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|s| s.as_str() == value)
    }
}

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub kind: SubjectKind,
    /// The employee id, or the service client's id.
    pub subject_id: String,
    pub organization_id: String,
    pub roles: Vec<Role>,
    pub scopes: Vec<Scope>,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn employee_id(&self) -> Option<&str> {
        (self.kind == SubjectKind::Employee).then_some(self.subject_id.as_str())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.kind == SubjectKind::Employee && self.roles.contains(&role)
    }

    pub fn has_scope(&self, scope: Scope) -> bool {
        self.kind == SubjectKind::ServiceClient && self.scopes.contains(&scope)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state =
        req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::internal("application state is missing"))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized {
            code: "missing_token",
            detail: "Send an access token: Authorization: Bearer <token> (POST /api/v1/auth/token)".into(),
        })?;
    let claims = state.tokens.verify(token).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        let detail = match e.kind() {
            ErrorKind::ExpiredSignature => "The access token has expired; refresh it",
            _ => "The access token is not valid",
        };
        ApiError::Unauthorized { code: "invalid_token", detail: detail.into() }
    })?;
    Ok(Caller {
        kind: claims.kind,
        subject_id: claims.sub,
        organization_id: claims.org,
        roles: claims.roles.iter().filter_map(|r| Role::parse(r)).collect(),
        scopes: claims.scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    })
}
