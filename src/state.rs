//! The state every handler can reach. It sits low in the module graph: resources import it,
//! and the app factory (`startup`) builds it, so no resource needs to import the factory.

use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::Database;
use crate::extract::RequestLimits;

/// What every handler can reach.
pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub limits: RequestLimits,
    pub rate_limit: crate::rate_limit::RateLimit,
    /// When wrong passwords lock an account (per account, across addresses and instances).
    pub login_lockout: crate::domain::lockout::LockoutRule,
    /// The public figures, cached instead of rate limited (they change slowly).
    pub public_cache: crate::rate_limit::PublicCache,
    /// SKP documents as last serialised, served while the database confirms they are current.
    pub documents: crate::document_cache::DocumentCache,
    /// Employees' scores as last serialised, frozen or live, served likewise (`scores::kept`).
    pub scores: crate::document_cache::DocumentCache<crate::document_cache::KeptAt>,
    /// What time it is for the rules: the system's, or a fixed instant in tests.
    pub clock: crate::clock::Clock,
    /// The browser edge: CORS origins and HSTS (see `browser`).
    pub cors_origins: Vec<String>,
    pub hsts_max_age_secs: Option<u64>,
    /// The bearer token `/metrics` requires; `None`: not served.
    pub metrics_token: Option<String>,
    /// The region's identity provider, when configured (see `auth::oidc`).
    pub oidc: Option<std::sync::Arc<crate::auth::oidc::Oidc>>,
    /// Networks beyond the public ones that webhook endpoints may be in (see `webhooks::target`).
    pub webhook_allow_networks: Vec<crate::domain::network::Network>,
}

impl AppState {
    pub fn new(db: Database, settings: &Settings) -> Self {
        AppState {
            db,
            tokens: TokenKeys::new(settings),
            limits: RequestLimits {
                max_body_bytes: settings.max_body_bytes,
                max_import_bytes: settings.max_import_bytes,
                max_evidence_bytes: settings.max_evidence_bytes,
                max_json_depth: settings.max_json_depth,
            },
            rate_limit: crate::rate_limit::RateLimit::new(
                settings.public_rate_limit_per_minute,
                settings.login_rate_limit_per_minute,
                settings.ticket_rate_limit_per_minute,
                settings.trust_forwarded_for,
            ),
            login_lockout: crate::domain::lockout::LockoutRule {
                threshold: settings.login_lockout_after,
                ..Default::default()
            },
            public_cache: crate::rate_limit::PublicCache::new(std::time::Duration::from_secs(
                settings.public_cache_secs,
            )),
            // Half of the budget each.
            documents: crate::document_cache::DocumentCache::new(settings.document_cache_kb * 512),
            scores: crate::document_cache::DocumentCache::new(settings.document_cache_kb * 512),
            clock: crate::clock::Clock::System,
            cors_origins: settings.cors_origins.clone(),
            hsts_max_age_secs: settings.hsts_max_age_secs,
            metrics_token: settings.metrics_token.clone(),
            oidc: settings.oidc.clone().map(|o| std::sync::Arc::new(crate::auth::oidc::Oidc::new(o))),
            webhook_allow_networks: settings.webhook_allow_networks.clone(),
        }
    }
}
