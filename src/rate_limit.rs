//! A fixed-window rate limit for the public endpoints, counted in the database so that every
//! instance behind the load balancer sees the same counts.

use actix_web::HttpRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::schema::rate_limits;
use crate::db::{AnyConnection, Database};
use crate::error::{ApiError, ApiResult};

const WINDOW_SECS: i64 = 60;

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub per_minute: u32,
    pub trust_forwarded_for: bool,
}

impl RateLimit {
    /// The client's address: the peer, or the first `X-Forwarded-For` hop when configured.
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let info = req.connection_info();
        let address = if self.trust_forwarded_for { info.realip_remote_addr() } else { info.peer_addr() };
        // One client is one bucket whatever port it comes from.
        match address {
            Some(a) => a.parse::<std::net::SocketAddr>().map(|s| s.ip().to_string()).unwrap_or_else(|_| a.to_string()),
            None => "unknown".into(),
        }
    }

    /// Counts one request for `scope` from the client; 429 past the limit.
    pub async fn check(&self, db: &Database, scope: &str, req: &HttpRequest) -> ApiResult<()> {
        let bucket = format!("{scope}:{}", self.client_address(req));
        let limit = self.per_minute as i32;
        let now = chrono::Utc::now().timestamp();
        let window = now - now.rem_euclid(WINDOW_SECS);
        let hits = db.write(move |conn| count_hit(conn, &bucket, window)).await?;
        if hits > limit {
            return Err(ApiError::TooManyRequests { retry_after_secs: (window + WINDOW_SECS - now).max(1) as u64 });
        }
        Ok(())
    }
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
