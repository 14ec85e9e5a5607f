//! `Idempotency-Key` support: the first request with a key runs and its response is stored in
//! the same transaction; a repeat with the same key and body gets the stored response.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::caller::Caller;
use crate::db::schema::idempotency_keys;
use crate::db::{now, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::extract::IdempotencyKey;

/// A response that can be stored and replayed.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: StatusCode,
    pub body: serde_json::Value,
    pub replayed: bool,
}

impl Stored {
    pub fn new(status: StatusCode, body: &impl Serialize) -> ApiResult<Self> {
        Ok(Stored { status, body: serde_json::to_value(body).map_err(ApiError::internal)?, replayed: false })
    }

    pub fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(version) = self.body.get("version").and_then(|v| v.as_i64()) {
            response.insert_header((actix_web::http::header::ETAG, crate::extract::etag(version as i32)));
        }
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        response.json(self.body)
    }
}

/// Runs `work` once per (caller, key). Call inside the write transaction.
pub fn once(
    conn: &mut AnyConnection,
    caller: &Caller,
    key: &IdempotencyKey,
    request: &impl Serialize,
    work: impl FnOnce(&mut AnyConnection) -> ApiResult<Stored>,
) -> ApiResult<Stored> {
    let Some(key) = &key.0 else { return work(conn) };
    let principal = format!("{}:{}", caller.organization_id, caller.subject_id);
    let request_hash = crate::secrets::sha256_hex(&serde_json::to_string(request).map_err(ApiError::internal)?);
    let existing: Option<(String, i32, String)> = idempotency_keys::table
        .find((&principal, key))
        .select((idempotency_keys::request_hash, idempotency_keys::status_code, idempotency_keys::response_body))
        .first(conn)
        .optional()?;
    if let Some((stored_hash, status, body)) = existing {
        if stored_hash != request_hash {
            return Err(ApiError::conflict(
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request; use a new key for a new write",
            ));
        }
        return Ok(Stored {
            status: StatusCode::from_u16(status as u16).map_err(ApiError::internal)?,
            body: serde_json::from_str(&body).map_err(ApiError::internal)?,
            replayed: true,
        });
    }
    let stored = work(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(&principal),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(&request_hash),
            idempotency_keys::status_code.eq(stored.status.as_u16() as i32),
            idempotency_keys::response_body.eq(stored.body.to_string()),
            idempotency_keys::created_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            // The same key raced in from a second request that committed first; this one rolls back.
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict(
                    "idempotency_key_in_flight",
                    "Another request with this Idempotency-Key was applied meanwhile; repeat the request to get its result",
                )
            }
            other => other.into(),
        })?;
    Ok(stored)
}
