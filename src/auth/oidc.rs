//! Sign-in through the region's own identity provider (OIDC): its RS256/ES256 access tokens are
//! accepted beside the service's own. Its signing keys come from its JWKS URL, cached, fetched
//! again when a token names a key id the cache lacks (at most once per `min_refresh`, so that
//! tokens with made-up key ids cannot make the service hammer the provider) or when the cache is
//! older than [`KEYS_MAX_AGE`] (so that a key the provider withdrew stops being trusted). Each
//! key's algorithm is pinned by the key itself, never taken from the token. The configured claim
//! (the NIP) names the employee (`caller` refuses an unknown or inactive one).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::config::OidcSettings;
use crate::error::ApiError;

/// Keys older than this are fetched again before use.
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);

/// The identity provider's settings and its cached keys.
pub struct Oidc {
    settings: OidcSettings,
    client: reqwest::Client,
    cache: Mutex<KeyCache>,
}

#[derive(Default)]
struct KeyCache {
    /// Key id -> the key and the one algorithm it verifies.
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    fetched_at: Option<Instant>,
    /// The last fetch tried, successful or not: the floor counts from it.
    tried_at: Option<Instant>,
}

pub fn refused(detail: &str) -> ApiError {
    ApiError::Unauthorized { code: "invalid_token", detail: detail.into() }
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client with default TLS settings builds");
        Oidc { settings, client, cache: Mutex::new(KeyCache::default()) }
    }

    /// The NIP in the provider's `token` (already known to be RS256 or ES256), once its
    /// signature, issuer, audience and expiry are checked.
    pub async fn verify(&self, token: &str) -> Result<String, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| refused("The access token is not valid"))?;
        let kid = header.kid.ok_or_else(|| refused("The access token names no signing key (kid)"))?;
        let (key, algorithm) = self.key(&kid).await?;
        // The key decides the algorithm: a token naming another one is refused.
        if header.alg != algorithm {
            return Err(refused("The access token is not valid"));
        }
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = 5;
        let claims = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    refused("The access token has expired; refresh it")
                }
                _ => refused("The access token is not valid"),
            })?
            .claims;
        match claims.get(&self.settings.nip_claim) {
            Some(serde_json::Value::String(nip)) => Ok(nip.clone()),
            _ => Err(refused("The access token carries no NIP")),
        }
    }

    /// Only employees of the organisation with this code sign in through the provider.
    pub fn organization_code(&self) -> Option<&str> {
        self.settings.organization_code.as_deref()
    }

    /// The key named `kid`, fetching the key set again if needed and allowed.
    async fn key(&self, kid: &str) -> Result<(DecodingKey, Algorithm), ApiError> {
        let now = Instant::now();
        let fetch = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = cache.fetched_at.is_some_and(|at| now.duration_since(at) < KEYS_MAX_AGE);
            if fresh {
                if let Some(found) = cache.keys.get(kid) {
                    return Ok(found.clone());
                }
            }
            let may_fetch =
                !fresh || cache.tried_at.is_none_or(|at| now.duration_since(at) >= self.settings.min_refresh);
            if may_fetch {
                cache.tried_at = Some(now);
            } else if let Some(found) = cache.keys.get(kid) {
                return Ok(found.clone());
            }
            may_fetch
        };
        if fetch {
            match self.fetch().await {
                Ok(keys) => {
                    let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
                    cache.keys = keys;
                    cache.fetched_at = Some(Instant::now());
                }
                Err(e) => log::warn!("fetching the identity provider's keys from {}: {e}", self.settings.jwks_url),
            }
        }
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| refused("The access token is signed by a key the identity provider does not publish"))
    }

    /// The provider's key set: the RS256 and ES256 (P-256) keys with a key id.
    async fn fetch(&self) -> Result<HashMap<String, (DecodingKey, Algorithm)>, String> {
        let response = self.client.get(&self.settings.jwks_url).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        let set: JwkSet = serde_json::from_slice(&body).map_err(|e| format!("not a JWK set: {e}"))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = jwk.common.key_id.clone() else { continue };
            let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
                (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
                (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
                    if ec.curve == EllipticCurve::P256 =>
                {
                    Algorithm::ES256
                }
                // Other algorithms are not accepted; their keys are skipped.
                _ => continue,
            };
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => {
                    keys.insert(kid, (key, algorithm));
                }
                Err(e) => log::warn!("the identity provider's key {kid} is unusable: {e}"),
            }
        }
        Ok(keys)
    }
}
