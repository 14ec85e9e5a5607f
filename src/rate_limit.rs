//! Abuse limits that put no shared row on the success path, counted in the database where they
//! must hold across every instance behind the load balancer:
//!
//! - endpoints that take a citizen's one-time ticket (a rating, a complaint) never refuse a valid
//!   ticket for its address (a service desk or a NAT puts many citizens behind one); they count
//!   the *failed* attempts (unknown, used or expired ticket) per address and refuse past the limit
//!   ([`RateLimit::ticket_attempt`]);
//! - a portal issues at most so many tickets a minute, counted from the tickets themselves
//!   ([`RateLimit::check_ticket_issuance`]);
//! - logins are counted per address before any password is hashed ([`RateLimit::check`]);
//! - the public read endpoint is cached ([`PublicCache`]) instead of counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::clock::Clock;
use crate::db::schema::rate_limits;
use crate::db::{AnyConnection, Database};
use crate::error::{ApiError, ApiResult};

const WINDOW_SECS: i64 = 60;
/// Beyond this many addresses remembered as over their limit, the expired ones are dropped.
const BLOCKED_MEMORY: usize = 10_000;

#[derive(Debug, Clone)]
pub struct RateLimit {
    /// Failed ticket attempts per minute per address on the public endpoints.
    pub per_minute: u32,
    /// Login attempts per minute per address.
    pub login_per_minute: u32,
    /// Tickets one portal may issue per minute.
    pub tickets_per_minute: u32,
    pub trust_forwarded_for: bool,
    /// Addresses this instance found over their failed-attempt limit, with the end of that window:
    /// their further failures in it are refused without writing the shared counter again.
    blocked: Arc<Mutex<HashMap<String, i64>>>,
}

/// What is counted per address in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Getting a token: each password attempt costs an argon2 hash, and guesses must stay slow.
    Login,
}

impl RateLimit {
    pub fn new(per_minute: u32, login_per_minute: u32, tickets_per_minute: u32, trust_forwarded_for: bool) -> Self {
        Self { per_minute, login_per_minute, tickets_per_minute, trust_forwarded_for, blocked: Default::default() }
    }

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
            Limited::Login => ("login", self.login_per_minute),
        };
        let bucket = format!("{scope}:{}", self.client_address(req));
        let now = clock.now().timestamp();
        let window = window_of(now);
        let hits = db.write(move |conn| count_hit(conn, &bucket, window)).await?;
        if hits > limit as i32 {
            return Err(too_many(window, now));
        }
        Ok(())
    }

    /// The limit of every public endpoint that takes a citizen's one-time ticket (the citizen
    /// rating, the public complaint): call it with the outcome of the attempt and return what it
    /// gives. A success passes untouched and costs nothing here, so a valid ticket is never
    /// refused whatever its address. A failed ticket attempt ([`is_failed_ticket`]: an unknown,
    /// used or expired ticket) is counted for the client's address in the shared counter, and
    /// past `per_minute` failures in the minute it answers 429 instead (with `Retry-After`).
    /// Other errors (validation, a closed period) pass as they are.
    pub async fn ticket_attempt<T>(
        &self,
        db: &Database,
        clock: Clock,
        req: &HttpRequest,
        outcome: ApiResult<T>,
    ) -> ApiResult<T> {
        match outcome {
            Err(error) if is_failed_ticket(&error) => {
                self.count_failed_ticket(db, clock, req).await?;
                Err(error)
            }
            other => other,
        }
    }

    /// Counts one failed ticket attempt of the client; 429 once it is past the limit this minute.
    pub async fn count_failed_ticket(&self, db: &Database, clock: Clock, req: &HttpRequest) -> ApiResult<()> {
        let address = self.client_address(req);
        let now = clock.now().timestamp();
        let window = window_of(now);
        // Already known over the limit here: no need to write the shared counter again.
        if self.blocked.lock().unwrap_or_else(|p| p.into_inner()).get(&address).is_some_and(|&until| until > now) {
            return Err(too_many(window, now));
        }
        let bucket = format!("ticket-failure:{address}");
        let hits = db.write(move |conn| count_hit(conn, &bucket, window)).await?;
        if hits > self.per_minute as i32 {
            let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
            if blocked.len() >= BLOCKED_MEMORY {
                blocked.retain(|_, until| *until > now);
            }
            blocked.insert(address, window + WINDOW_SECS);
            return Err(too_many(window, now));
        }
        Ok(())
    }

    /// A portal's ticket issuance: 429 when it issued `tickets_per_minute` in the last minute.
    /// Counted from its own tickets (`rating_tickets` by portal and time, indexed), read in the
    /// issuing transaction: nothing is written for it, and every instance sees the same tickets.
    /// Concurrent issuances of one portal may overshoot by the number in flight.
    pub fn check_ticket_issuance(
        &self,
        conn: &mut AnyConnection,
        portal_id: &str,
        now: NaiveDateTime,
    ) -> ApiResult<()> {
        use crate::db::schema::rating_tickets;
        let since = now - chrono::Duration::seconds(WINDOW_SECS);
        let (issued, oldest): (i64, Option<NaiveDateTime>) = rating_tickets::table
            .filter(rating_tickets::issued_by.eq(portal_id))
            .filter(rating_tickets::created_at.gt(since))
            .select((diesel::dsl::count_star(), diesel::dsl::min(rating_tickets::created_at)))
            .first(conn)?;
        if issued >= i64::from(self.tickets_per_minute) {
            // The minute frees a place when the oldest ticket in it is a minute old.
            let free_at = oldest.unwrap_or(now) + chrono::Duration::seconds(WINDOW_SECS);
            return Err(ApiError::TooManyRequests { retry_after_secs: (free_at - now).num_seconds().max(1) as u64 });
        }
        Ok(())
    }
}

/// Whether an error answers a ticket that does not work: unknown (404), already used (409
/// `ticket_used`) or expired (410 `ticket_expired`). What guessing or replaying tickets produces.
pub fn is_failed_ticket(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::NotFound(_)
            | ApiError::Conflict { code: "ticket_used", .. }
            | ApiError::Gone { code: "ticket_expired", .. }
    )
}

fn too_many(window: i64, now: i64) -> ApiError {
    ApiError::TooManyRequests { retry_after_secs: (window + WINDOW_SECS - now).max(1) as u64 }
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

/// A small in-process cache of public answers that change slowly (the open citizen figures):
/// repeated reads cost no query and need no counting. Each instance keeps its own; an answer is
/// at most `ttl` old. Bounded: when full, expired entries go, and if none had, all of them.
#[derive(Debug, Clone)]
pub struct PublicCache {
    ttl: Duration,
    entries: Arc<Mutex<HashMap<String, Cached>>>,
}

/// When an answer was cached, and its body.
type Cached = (Instant, Arc<Vec<u8>>);

const PUBLIC_CACHE_ENTRIES: usize = 4_096;

impl PublicCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Default::default() }
    }

    /// The cached answer under `key`, if one younger than the time to live is kept.
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, body)| body.clone())
    }

    pub fn put(&self, key: String, body: Vec<u8>) -> Arc<Vec<u8>> {
        let body = Arc::new(body);
        if self.ttl.is_zero() {
            return body;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= PUBLIC_CACHE_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= PUBLIC_CACHE_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), body.clone()));
        body
    }

    /// How long an answer is kept, for `Cache-Control: max-age`.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}
