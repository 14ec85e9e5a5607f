//! All configuration, read once from the environment. Every variable is documented in the README.

use std::time::Duration;

/// Which database the service runs on, decided by the URL scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file path (from `sqlite://path` or `sqlite:path`).
    Sqlite(String),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseTarget {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() || path == ":memory:" {
                // Every pooled connection would get its own empty in-memory database.
                return Err(ConfigError::new(
                    "DATABASE_URL",
                    "a SQLite database needs a file path, e.g. sqlite://kinerja.db",
                ));
            }
            return Ok(Self::Sqlite(path.to_string()));
        }
        Err(ConfigError::new("DATABASE_URL", "must start with sqlite:// (a file) or postgres:// (a server)"))
    }

    /// The URL with any password replaced, safe to print.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{path}"),
            Self::Postgres(url) => redact_password(url),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((userinfo, host)) = rest.split_once('@') else { return url.to_string() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Where the JWT signing secret came from; a generated one cannot be shared between instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    Configured,
    Generated,
}

#[derive(Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind: String,
    pub db_pool_size: u32,
    pub jwt_secret: Vec<u8>,
    pub jwt_secret_source: SecretSource,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub max_body_bytes: usize,
    pub max_import_bytes: usize,
    /// Largest evidence file (bukti dukung) accepted for an achievement.
    pub max_evidence_bytes: usize,
    pub max_json_depth: usize,
    pub shutdown_timeout: Duration,
    pub workers: Option<usize>,
    /// Failed ticket attempts (unknown, used, expired) per minute per client address on the
    /// public endpoints that take a ticket; valid tickets are never refused.
    pub public_rate_limit_per_minute: u32,
    /// Rating tickets one portal may issue per minute.
    pub ticket_rate_limit_per_minute: u32,
    /// How long the public figures are cached per instance (0: not cached).
    pub public_cache_secs: u64,
    /// Serialised SKP documents and scores kept per instance, in kB (half each), served while the
    /// database confirms they are current (0: none kept; see `document_cache`).
    pub document_cache_kb: usize,
    /// Token requests per minute per client address (password guesses stay slow).
    pub login_rate_limit_per_minute: u32,
    /// Wrong passwords in a row before an account is locked (briefly, doubling each time).
    pub login_lockout_after: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The password `kinerja admin create` gives the admin (KINERJA_ADMIN_PASSWORD); when absent it
    /// is asked for.
    pub admin_password: Option<String>,
    /// The demo users' password for `kinerja seed --demo` (KINERJA_DEMO_PASSWORD); when absent one
    /// is generated.
    pub demo_password: Option<String>,
    /// Web origins (`https://kinerja.example.go.id`) whose pages may call the API from a browser
    /// (KINERJA_CORS_ORIGINS, comma separated); none by default: other origins are refused.
    pub cors_origins: Vec<String>,
    /// `Strict-Transport-Security` max-age (KINERJA_HSTS_MAX_AGE_SECS), for when TLS terminates in
    /// front of the service; absent by default (the header would be wrong over plain HTTP).
    pub hsts_max_age_secs: Option<u64>,
    /// The bearer token `/metrics` requires (KINERJA_METRICS_TOKEN); without one `/metrics` is not
    /// served at all.
    pub metrics_token: Option<String>,
    /// The region's identity provider, whose access tokens sign employees in beside the
    /// service's own (KINERJA_OIDC_*); none by default.
    pub oidc: Option<OidcSettings>,
    /// The first retry of a failed webhook delivery waits this long, each next one twice as long
    /// (KINERJA_WEBHOOK_RETRY_BASE_SECS, default 10).
    pub webhook_retry_base: Duration,
    /// Networks beyond the public internet that webhooks may be sent to
    /// (KINERJA_WEBHOOK_ALLOW_NETWORKS, comma separated CIDRs, e.g. `10.20.0.0/16`); none by
    /// default: loopback, private, link-local and other non-public addresses are refused.
    pub webhook_allow_networks: Vec<crate::domain::network::Network>,
}

/// The region's OpenID Connect provider.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The `iss` its tokens carry (KINERJA_OIDC_ISSUER).
    pub issuer: String,
    /// Where its signing keys are published (KINERJA_OIDC_JWKS_URL).
    pub jwks_url: String,
    /// The `aud` its tokens for this service carry (KINERJA_OIDC_AUDIENCE).
    pub audience: String,
    /// The claim holding the employee's NIP (KINERJA_OIDC_NIP_CLAIM, default `nip`).
    pub nip_claim: String,
    /// Only employees of the organisation with this code sign in through it
    /// (KINERJA_OIDC_ORGANIZATION); any organisation's when absent.
    pub organization_code: Option<String>,
    /// The least time between two fetches of the keys for an unknown key id
    /// (KINERJA_OIDC_JWKS_MIN_REFRESH_SECS, default 60).
    pub min_refresh: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database.redacted())
            .field("bind", &self.bind)
            .field("jwt_secret", &"***")
            .field("jwt_secret_source", &self.jwt_secret_source)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self { variable, message: message.into() }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://kinerja.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
const MIN_SECRET_BYTES: usize = 32;

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so that tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let database = DatabaseTarget::parse(&get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()))?;

        let (jwt_secret, jwt_secret_source) = match get("KINERJA_JWT_SECRET") {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                return Err(ConfigError::new(
                    "KINERJA_JWT_SECRET",
                    format!("must be at least {MIN_SECRET_BYTES} bytes"),
                ));
            }
            Some(secret) => (secret.into_bytes(), SecretSource::Configured),
            None if database.is_postgres() => {
                return Err(ConfigError::new(
                    "KINERJA_JWT_SECRET",
                    "is required with PostgreSQL: every instance behind the load balancer must sign with the same secret",
                ));
            }
            None => (crate::secrets::random_bytes(48), SecretSource::Generated),
        };

        Ok(Self {
            database,
            bind: get("KINERJA_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            db_pool_size: parse_number(&get, "KINERJA_DB_POOL_SIZE", default_pool_size(), 1, 200)?,
            jwt_secret,
            jwt_secret_source,
            jwt_issuer: get("KINERJA_JWT_ISSUER").unwrap_or_else(|| "kinerja".into()),
            jwt_audience: get("KINERJA_JWT_AUDIENCE").unwrap_or_else(|| "kinerja-api".into()),
            access_token_ttl: Duration::from_secs(parse_number(
                &get,
                "KINERJA_ACCESS_TOKEN_TTL_SECS",
                900,
                60,
                86_400,
            )?),
            refresh_token_ttl: Duration::from_secs(parse_number(
                &get,
                "KINERJA_REFRESH_TOKEN_TTL_SECS",
                30 * 86_400,
                300,
                365 * 86_400,
            )?),
            max_body_bytes: parse_number(&get, "KINERJA_MAX_BODY_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024)?,
            max_import_bytes: parse_number(&get, "KINERJA_MAX_IMPORT_BYTES", 5 * 1024 * 1024, 1024, 256 * 1024 * 1024)?,
            max_evidence_bytes: parse_number(
                &get,
                "KINERJA_MAX_EVIDENCE_BYTES",
                5 * 1024 * 1024,
                1024,
                64 * 1024 * 1024,
            )?,
            max_json_depth: parse_number(&get, "KINERJA_MAX_JSON_DEPTH", 32, 2, 128)?,
            shutdown_timeout: Duration::from_secs(parse_number(&get, "KINERJA_SHUTDOWN_TIMEOUT_SECS", 30, 0, 600)?),
            workers: match get("KINERJA_WORKERS") {
                Some(_) => Some(parse_number(&get, "KINERJA_WORKERS", 2, 1, 256)?),
                None => None,
            },
            public_rate_limit_per_minute: parse_number(&get, "KINERJA_PUBLIC_RATE_LIMIT", 30, 1, 100_000)?,
            login_rate_limit_per_minute: parse_number(&get, "KINERJA_LOGIN_RATE_LIMIT", 60, 1, 100_000)?,
            login_lockout_after: parse_number(&get, "KINERJA_LOGIN_LOCKOUT_AFTER", 5, 1, 1_000)?,
            ticket_rate_limit_per_minute: parse_number(&get, "KINERJA_TICKET_RATE_LIMIT", 600, 1, 1_000_000)?,
            public_cache_secs: parse_number(&get, "KINERJA_PUBLIC_CACHE_SECS", 60, 0, 3_600)?,
            document_cache_kb: parse_number(&get, "KINERJA_DOCUMENT_CACHE_KB", 4_096, 0, 1_048_576)?,
            trust_forwarded_for: match get("KINERJA_TRUST_FORWARDED_FOR").as_deref() {
                None | Some("false") | Some("0") => false,
                Some("true") | Some("1") => true,
                Some(other) => {
                    return Err(ConfigError::new(
                        "KINERJA_TRUST_FORWARDED_FOR",
                        format!("must be true or false, got {other:?}"),
                    ))
                }
            },
            // Taken as given, even empty: a password that is too short is refused where it is used.
            admin_password: lookup("KINERJA_ADMIN_PASSWORD"),
            demo_password: lookup("KINERJA_DEMO_PASSWORD"),
            cors_origins: match get("KINERJA_CORS_ORIGINS") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(parse_origin)
                    .collect::<Result<_, _>>()?,
            },
            hsts_max_age_secs: match get("KINERJA_HSTS_MAX_AGE_SECS") {
                Some(_) => Some(parse_number(&get, "KINERJA_HSTS_MAX_AGE_SECS", 31_536_000, 0, 2 * 31_536_000)?),
                None => None,
            },
            metrics_token: match get("KINERJA_METRICS_TOKEN") {
                Some(token) if token.len() < 16 => {
                    return Err(ConfigError::new("KINERJA_METRICS_TOKEN", "must be at least 16 characters"))
                }
                token => token,
            },
            oidc: parse_oidc(&get)?,
            webhook_retry_base: Duration::from_secs(parse_number(
                &get,
                "KINERJA_WEBHOOK_RETRY_BASE_SECS",
                10,
                1,
                3600,
            )?),
            webhook_allow_networks: match get("KINERJA_WEBHOOK_ALLOW_NETWORKS") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| {
                        crate::domain::network::Network::parse(n)
                            .map_err(|why| ConfigError::new("KINERJA_WEBHOOK_ALLOW_NETWORKS", why))
                    })
                    .collect::<Result<_, _>>()?,
            },
        })
    }
}

fn parse_oidc(get: &impl Fn(&str) -> Option<String>) -> Result<Option<OidcSettings>, ConfigError> {
    let (issuer, jwks_url, audience) =
        match (get("KINERJA_OIDC_ISSUER"), get("KINERJA_OIDC_JWKS_URL"), get("KINERJA_OIDC_AUDIENCE")) {
            (None, None, None) => return Ok(None),
            (Some(issuer), Some(jwks_url), Some(audience)) => (issuer, jwks_url, audience),
            (None, _, _) => {
                return Err(ConfigError::new(
                    "KINERJA_OIDC_ISSUER",
                    "is required with the other KINERJA_OIDC_ settings",
                ))
            }
            (_, None, _) => {
                return Err(ConfigError::new("KINERJA_OIDC_JWKS_URL", "is required with KINERJA_OIDC_ISSUER"))
            }
            (_, _, None) => {
                return Err(ConfigError::new("KINERJA_OIDC_AUDIENCE", "is required with KINERJA_OIDC_ISSUER"))
            }
        };
    if !(jwks_url.starts_with("https://") || jwks_url.starts_with("http://")) {
        return Err(ConfigError::new("KINERJA_OIDC_JWKS_URL", "must be an http(s):// URL"));
    }
    Ok(Some(OidcSettings {
        issuer,
        jwks_url,
        audience,
        nip_claim: get("KINERJA_OIDC_NIP_CLAIM").unwrap_or_else(|| "nip".into()),
        organization_code: get("KINERJA_OIDC_ORGANIZATION"),
        min_refresh: Duration::from_secs(parse_number(get, "KINERJA_OIDC_JWKS_MIN_REFRESH_SECS", 60, 0, 86_400)?),
    }))
}

/// One origin as browsers send it: scheme, host and optional port, no path; never `*`.
fn parse_origin(origin: &str) -> Result<String, ConfigError> {
    let bad = |why: &str| ConfigError::new("KINERJA_CORS_ORIGINS", format!("{origin:?}: {why}"));
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| bad("an origin starts with https:// or http:// (a wildcard is not allowed)"))?;
    if rest.is_empty() || rest.contains(['/', '*', ' ', '?', '#', '@']) {
        return Err(bad("an origin is scheme://host[:port], without a path"));
    }
    Ok(origin.to_ascii_lowercase())
}

/// Twice the cores, at least 4 (PostgreSQL's rule of thumb for a busy pool): more connections
/// than that only queue for the same cores, and each is a server process and a thread here. On
/// the 2-core benchmark machine 10 connections gave an own-SKP read a p99 of 70-200 ms, 4 gave
/// 10 ms at a higher rate.
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (2 * cores).max(4)
}

fn parse_number<T>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = get(name) else { return Ok(default) };
    let value: T =
        raw.trim().parse().map_err(|_| ConfigError::new(name, format!("must be a whole number, got {raw:?}")))?;
    if value < min || value > max {
        return Err(ConfigError::new(name, format!("must be between {min} and {max}, got {value}")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_a_sqlite_file_with_a_generated_secret() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database, DatabaseTarget::Sqlite("kinerja.db".into()));
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.jwt_secret_source, SecretSource::Generated);
        assert!(s.jwt_secret.len() >= 32);
    }

    #[test]
    fn cors_origins_are_exact_origins_and_closed_by_default() {
        assert!(settings(&[]).unwrap().cors_origins.is_empty());
        let s = settings(&[("KINERJA_CORS_ORIGINS", "https://Kinerja.example.go.id, http://127.0.0.1:3000")]).unwrap();
        assert_eq!(s.cors_origins, vec!["https://kinerja.example.go.id", "http://127.0.0.1:3000"]);
        for bad in ["*", "https://a.example/app", "kinerja.example.go.id"] {
            assert_eq!(settings(&[("KINERJA_CORS_ORIGINS", bad)]).unwrap_err().variable, "KINERJA_CORS_ORIGINS");
        }
        assert_eq!(settings(&[("KINERJA_METRICS_TOKEN", "short")]).unwrap_err().variable, "KINERJA_METRICS_TOKEN");
        assert_eq!(settings(&[("KINERJA_HSTS_MAX_AGE_SECS", "600")]).unwrap().hsts_max_age_secs, Some(600));
    }

    #[test]
    fn the_identity_provider_is_all_or_nothing() {
        assert!(settings(&[]).unwrap().oidc.is_none());
        let issuer = ("KINERJA_OIDC_ISSUER", "https://sso.example.go.id/realms/asn");
        let jwks = ("KINERJA_OIDC_JWKS_URL", "https://sso.example.go.id/realms/asn/certs");
        let audience = ("KINERJA_OIDC_AUDIENCE", "kinerja");
        assert_eq!(settings(&[issuer, jwks]).unwrap_err().variable, "KINERJA_OIDC_AUDIENCE");
        assert_eq!(settings(&[jwks, audience]).unwrap_err().variable, "KINERJA_OIDC_ISSUER");
        let bad_url = ("KINERJA_OIDC_JWKS_URL", "file:///etc/keys");
        assert_eq!(settings(&[issuer, bad_url, audience]).unwrap_err().variable, "KINERJA_OIDC_JWKS_URL");
        let oidc = settings(&[issuer, jwks, audience]).unwrap().oidc.unwrap();
        assert_eq!(oidc.nip_claim, "nip");
        assert_eq!(oidc.min_refresh, Duration::from_secs(60));
        assert_eq!(oidc.organization_code, None);
    }

    #[test]
    fn postgres_requires_a_configured_secret() {
        let err = settings(&[("DATABASE_URL", "postgres://localhost/kinerja")]).unwrap_err();
        assert_eq!(err.variable, "KINERJA_JWT_SECRET");
        let ok = settings(&[
            ("DATABASE_URL", "postgresql://u:pw@localhost/kinerja"),
            ("KINERJA_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
        .unwrap();
        assert_eq!(ok.database.redacted(), "postgresql://u:***@localhost/kinerja");
    }

    #[test]
    fn rejects_unknown_schemes_short_secrets_and_bad_numbers() {
        assert_eq!(settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err().variable, "DATABASE_URL");
        assert_eq!(settings(&[("DATABASE_URL", "sqlite::memory:")]).unwrap_err().variable, "DATABASE_URL");
        assert_eq!(settings(&[("KINERJA_JWT_SECRET", "short")]).unwrap_err().variable, "KINERJA_JWT_SECRET");
        assert_eq!(
            settings(&[("KINERJA_ACCESS_TOKEN_TTL_SECS", "abc")]).unwrap_err().variable,
            "KINERJA_ACCESS_TOKEN_TTL_SECS"
        );
        assert_eq!(settings(&[("KINERJA_DB_POOL_SIZE", "0")]).unwrap_err().variable, "KINERJA_DB_POOL_SIZE");
    }

    #[test]
    fn webhooks_go_to_public_addresses_unless_networks_are_allowed() {
        assert!(settings(&[]).unwrap().webhook_allow_networks.is_empty());
        let s = settings(&[("KINERJA_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8, ::1,10.20.0.0/16")]).unwrap();
        let listed: Vec<String> = s.webhook_allow_networks.iter().map(ToString::to_string).collect();
        assert_eq!(listed, ["127.0.0.0/8", "::1/128", "10.20.0.0/16"]);
        for bad in ["10.0.0.0/33", "intranet.example.go.id", "*"] {
            let err = settings(&[("KINERJA_WEBHOOK_ALLOW_NETWORKS", bad)]).unwrap_err();
            assert_eq!(err.variable, "KINERJA_WEBHOOK_ALLOW_NETWORKS", "{bad}");
        }
    }

    #[test]
    fn the_command_line_passwords_are_settings() {
        let s = settings(&[("KINERJA_ADMIN_PASSWORD", "admin pass phrase"), ("KINERJA_DEMO_PASSWORD", "")]).unwrap();
        assert_eq!(s.admin_password.as_deref(), Some("admin pass phrase"));
        assert_eq!(s.demo_password.as_deref(), Some(""));
        assert_eq!(settings(&[]).unwrap().admin_password, None);
    }
}
