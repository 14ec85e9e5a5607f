//! A fixed-window rate limit for the public endpoints, counted in the database so that every
//! instance behind the load balancer sees the same counts.

use actix_web::HttpRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::clock::Clock;
use crate::db::schema::rate_limits;
use crate::db::{AnyConnection, Database};
use crate::error::{ApiError, ApiResult};

const WINDOW_SECS: i64 = 60;

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Requests per minute per address on the public endpoints.
    pub per_minute: u32,
    /// Login attempts per minute per address.
    pub login_per_minute: u32,
    pub trust_forwarded_for: bool,
}

/// What is being limited; each has its own counter per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// A citizen's rating (public, no login).
    CitizenRating,
    /// The public transparency figures.
    PublicRead,
    /// Getting a token: each password attempt costs an argon2 hash, and guesses must stay slow.
    Login,
}

impl RateLimit {
    /// The client's address: the peer, or behind a trusted proxy the address that proxy appended
    /// to `X-Forwarded-For` (the right-most entry; the ones before it are the client's to forge).
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let forwarded = self
            .trust_forwarded_for
            .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.rsplit(',').next())
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty());
        let address = forwarded.or_else(|| req.connection_info().peer_addr().map(str::to_string));
        // One client is one bucket whatever port it comes from.
        match address {
            Some(a) => a.parse::<std::net::SocketAddr>().map(|s| s.ip().to_string()).unwrap_or(a),
            None => "unknown".into(),
        }
    }

    /// Counts one request of this kind from the client in the minute `clock` reads; 429 past the limit.
    pub async fn check(&self, db: &Database, clock: Clock, what: Limited, req: &HttpRequest) -> ApiResult<()> {
        let (scope, limit) = match what {
            Limited::CitizenRating => ("citizen-rating", self.per_minute),
            Limited::PublicRead => ("public-read", self.per_minute),
            Limited::Login => ("login", self.login_per_minute),
        };
        let bucket = format!("{scope}:{}", self.client_address(req));
        let now = clock.now().timestamp();
        let window = window_of(now);
        let hits = db.write(move |conn| count_hit(conn, &bucket, window)).await?;
        if hits > limit as i32 {
            return Err(ApiError::TooManyRequests { retry_after_secs: (window + WINDOW_SECS - now).max(1) as u64 });
        }
        Ok(())
    }
}

/// The start of the minute `now` (Unix seconds) falls in.
fn window_of(now: i64) -> i64 {
    now - now.rem_euclid(WINDOW_SECS)
}

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Integer)]
    hits: i32,
}

/// Adds one hit to the window and returns the count; clears windows long past.
fn count_hit(conn: &mut AnyConnection, bucket: &str, window: i64) -> ApiResult<i32> {
    // An atomic upsert; the two backends differ only in placeholder syntax.
    let hits = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
        )
        .bind::<Text, _>(bucket)
        .bind::<BigInt, _>(window)
        .get_result::<Hits>(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
        )
        .bind::<Text, _>(bucket)
        .bind::<BigInt, _>(window)
        .get_result::<Hits>(lite)?,
    }
    .hits;
    if hits == 1 {
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(window - WINDOW_SECS))).execute(conn)?;
    }
    Ok(hits)
}
