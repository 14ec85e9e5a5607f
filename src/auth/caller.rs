//! Who is calling: the bearer token checked and turned into a [`Caller`].

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use utoipa::ToSchema;

use super::tokens::SubjectKind;
use crate::db::types::{EmployeeId, OrganizationId};
use crate::error::ApiError;
use crate::request_id::RequestId;
use crate::state::AppState;

crate::domain::text_enum! {
    /// Organisation-level roles. Every employee is also a `pegawai`; supervisor rights follow
    /// from the reporting line, not from a role.
    #[derive(ToSchema)]
    pub enum Role {
        Pegawai = "pegawai",
        Admin = "admin",
        Auditor = "auditor",
    }
}

/// An employee's extra roles as stored (`admin,auditor`; `pegawai` is implied, never stored).
pub type RoleList = crate::db::types::TextList<Role, ','>;

impl RoleList {
    /// The stored list of `roles` (without `pegawai`).
    pub fn of(roles: &[Role]) -> Self {
        let extra: Vec<Role> = roles.iter().copied().filter(|r| *r != Role::Pegawai).collect();
        RoleList::new(&extra)
    }

    /// Every role the employee has: `pegawai` and the stored ones.
    pub fn with_pegawai(&self) -> Vec<Role> {
        let mut roles = vec![Role::Pegawai];
        roles.extend(self.values().iter().copied());
        roles
    }
}

crate::domain::text_enum! {
    /// What a service client (portal) may do; granted per client by an admin.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum Scope {
        OrganizationRead = "organization:read",
        EmployeesRead = "employees:read",
        /// Issue one-time citizen rating tickets (service desks, portals).
        RatingTicketsIssue = "rating_tickets:issue",
        /// Read the organisation's reports: score tables and the citizen index (e.g. a regional
        /// dashboard).
        ReportsRead = "reports:read",
        /// Register webhook endpoints and read their delivery log (a portal that wants events).
        WebhooksManage = "webhooks:manage",
        /// Pass on citizens' complaints received elsewhere (e.g. SP4N-LAPOR!), for the unit to answer.
        ComplaintsWrite = "complaints:write",
    }
}

/// A service client's scopes as stored (`employees:read organization:read`).
pub type ScopeList = crate::db::types::TextList<Scope, ' '>;

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub kind: SubjectKind,
    /// The employee id, or the service client's id.
    pub subject_id: String,
    /// The same id, typed, when the caller is an employee.
    pub employee: Option<EmployeeId>,
    pub organization_id: OrganizationId,
    pub roles: Vec<Role>,
    pub scopes: Vec<Scope>,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn employee_id(&self) -> Option<&EmployeeId> {
        self.employee.as_ref()
    }

    /// The employee making a change only employees make (the one recorded as its author); a
    /// service client is refused.
    pub fn acting_employee(&self) -> Result<&EmployeeId, ApiError> {
        self.employee.as_ref().ok_or_else(|| ApiError::forbidden("Only employees do this"))
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
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        let state = match req.app_data::<web::Data<AppState>>() {
            Some(state) => state.clone(),
            None => return Box::pin(std::future::ready(Err(ApiError::internal("application state is missing")))),
        };
        let token = match bearer_token(req) {
            Ok(token) => token.to_string(),
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        // The region's identity provider signs with RS256 or ES256; the service itself with HS256.
        let provider = jsonwebtoken::decode_header(&token)
            .is_ok_and(|h| matches!(h.alg, jsonwebtoken::Algorithm::RS256 | jsonwebtoken::Algorithm::ES256));
        match (provider, state.oidc.clone()) {
            (true, Some(oidc)) => Box::pin(async move {
                let nip = oidc.verify(&token).await?;
                let organization = oidc.organization_code().map(str::to_string);
                let (employee, organization_id, roles) =
                    state.db.read(move |conn| signed_in(conn, &nip, organization)).await?;
                Ok(Caller {
                    kind: SubjectKind::Employee,
                    subject_id: employee.to_string(),
                    employee: Some(employee),
                    organization_id,
                    roles: roles.with_pegawai(),
                    scopes: Vec::new(),
                    request_id,
                })
            }),
            _ => Box::pin(std::future::ready(authenticate(&state, &token, request_id))),
        }
    }
}

/// The active employee with `nip` (in the organisation with code `organization`, if given) that
/// the identity provider signs in; the roles are the service's own.
fn signed_in(
    conn: &mut crate::db::AnyConnection,
    nip: &str,
    organization: Option<String>,
) -> Result<(EmployeeId, OrganizationId, RoleList), ApiError> {
    use crate::db::schema::{employees, organizations};
    use diesel::prelude::*;
    let mut query = employees::table
        .filter(employees::nip.eq(nip))
        .select((employees::id, employees::organization_id, employees::roles, employees::active))
        .into_boxed();
    if let Some(code) = organization {
        let organization = organizations::table.filter(organizations::code.eq(code)).select(organizations::id);
        query = query.filter(employees::organization_id.eq_any(organization));
    }
    match query.first::<(EmployeeId, OrganizationId, RoleList, bool)>(conn).optional()? {
        Some((employee, organization, roles, true)) => Ok((employee, organization, roles)),
        Some(_) => Err(super::oidc::refused("This employee is not active")),
        None => Err(super::oidc::refused("No employee with this NIP signs in here")),
    }
}

fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized {
            code: "missing_token",
            detail: "Send an access token: Authorization: Bearer <token> (POST /api/v1/auth/token)".into(),
        })
}

/// A token the service signed itself.
fn authenticate(state: &AppState, token: &str, request_id: Option<String>) -> Result<Caller, ApiError> {
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
        employee: (claims.kind == SubjectKind::Employee).then(|| EmployeeId::from(claims.sub.as_str())),
        subject_id: claims.sub,
        organization_id: claims.org.into(),
        roles: claims.roles.iter().map(|r| Role::parse(r).ok_or_else(|| unknown_claim(r))).collect::<Result<_, _>>()?,
        scopes: claims
            .scopes
            .iter()
            .map(|s| Scope::parse(s).ok_or_else(|| unknown_claim(s)))
            .collect::<Result<_, _>>()?,
        request_id,
    })
}

/// A token naming a role or scope this version does not know is refused, never read as fewer rights.
fn unknown_claim(name: &str) -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_token",
        detail: format!("The access token names an unknown role or scope {name:?}; log in again"),
    }
}

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::{RoleList, ScopeList};
    use crate::db::AnyConnection;

    fn conn() -> AnyConnection {
        AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap())
    }

    #[test]
    fn an_unknown_stored_role_or_scope_is_an_error_never_dropped() {
        let roles = diesel::select(sql::<Text>("'admin,superuser'")).get_result::<RoleList>(&mut conn()).unwrap_err();
        assert!(format!("{roles:?}").contains(r#"unknown Role value \"superuser\""#), "{roles:?}");
        let scopes = diesel::select(sql::<Text>("'employees:read all:write'")).get_result::<ScopeList>(&mut conn());
        let scopes = scopes.unwrap_err();
        assert!(format!("{scopes:?}").contains(r#"unknown Scope value \"all:write\""#), "{scopes:?}");
        let known: RoleList = diesel::select(sql::<Text>("'auditor,admin'")).get_result(&mut conn()).unwrap();
        assert_eq!(known.as_str(), "admin,auditor");
    }
}
