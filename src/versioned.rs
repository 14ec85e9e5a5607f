//! The one shape of a change to a record that carries a version (its ETag).
//!
//! A route loads the record and authorizes the caller (each resource's `load_checked`), checks
//! what the resource requires, then hands the write to [`Edit::apply`]: it runs the `UPDATE`
//! filtered on the version the client read (`If-Match`) and setting the next one, so that the
//! check and the write are one statement and two concurrent changes cannot both pass (412
//! `version_mismatch` for the later one); it reads the record after, and audits the change with
//! both states, all in the route's transaction. The route answers with [`ok_with_etag`]: the
//! record and its new version, for the next `If-Match`.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde::Serialize;

use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};
use crate::extract::etag;

/// A response type that carries its record's version.
pub trait Versioned: Serialize {
    fn version(&self) -> i32;
}

/// Declares [`Versioned`] for response types with a `version: i32` field.
macro_rules! versioned {
    ($($ty:ty),+ $(,)?) => {$(
        impl $crate::versioned::Versioned for $ty {
            fn version(&self) -> i32 {
                self.version
            }
        }
    )+};
}
pub(crate) use versioned;

/// `status` with the record and its version as the ETag.
pub fn with_etag<T: Versioned>(status: StatusCode, record: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(record.version()))).json(record)
}

/// 200 with the record and its new version as the ETag.
pub fn ok_with_etag<T: Versioned>(record: &T) -> HttpResponse {
    with_etag(StatusCode::OK, record)
}

/// 200 with a record already serialised (`body`, JSON) at `version`, as [`ok_with_etag`] would
/// answer it.
pub fn ok_serialised(version: i32, body: actix_web::web::Bytes) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(version))).content_type("application/json").body(body)
}

/// The version the `UPDATE` must find (the client's `If-Match`) and the one it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    pub expected: i32,
    pub next: i32,
}

/// One audited change to a versioned record.
pub struct Edit<'a, B: Serialize> {
    pub caller: &'a Caller,
    /// Whose audit trail records it.
    pub organization_id: &'a crate::db::types::OrganizationId,
    /// The event: action, resource type and id (the states before and after are added).
    pub change: Change,
    /// The record as read, before the change.
    pub before: &'a B,
    /// The version the client read (`If-Match`).
    pub if_match: i32,
}

impl<B: Serialize> Edit<'_, B> {
    /// Runs `write` (an `UPDATE … WHERE id = … AND version = expected SET version = next, …`,
    /// returning the number of rows it changed), refuses with 412 unless it changed exactly one,
    /// reads the record with `after` (which may write what follows the change first) and audits.
    pub fn apply<A: Serialize>(
        self,
        conn: &mut AnyConnection,
        write: impl FnOnce(&mut AnyConnection, Versions) -> ApiResult<usize>,
        after: impl FnOnce(&mut AnyConnection) -> ApiResult<A>,
    ) -> ApiResult<A> {
        let versions = Versions { expected: self.if_match, next: self.if_match + 1 };
        if write(conn, versions)? != 1 {
            return Err(ApiError::PreconditionFailed);
        }
        let after = after(conn)?;
        let change = self.change.before(self.before).after(&after);
        audit::record(conn, &self.caller.actor(), self.organization_id, change)?;
        Ok(after)
    }
}
