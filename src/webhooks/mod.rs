//! Webhooks: a portal (a service client with `webhooks:manage`) registers endpoints for event
//! types and receives them signed by the Standard Webhooks convention.
//!
//! The audit trail is the outbox. Every write already appends its audit event in its own
//! transaction; once the sealer has linked it into the chain (it has a `seq`, so it committed), a
//! dispatcher ([`store::dispatch`]) turns the organisation's events past its cursor into
//! deliveries and moves the cursor, in one transaction: a rolled-back write has no event, so
//! nothing is sent for it, and a crash between the two loses nothing. One dispatcher per
//! organisation at a time (`FOR UPDATE SKIP LOCKED` on the cursor row on PostgreSQL; SQLite's
//! one writer). A sender ([`store::send_due`]) claims due deliveries (skipping those another
//! instance holds), posts them, and retries failures with exponential backoff.

pub mod routes;
pub mod store;
pub mod target;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;
use validator::Validate;

crate::domain::text_enum! {
    /// The events a portal may subscribe to.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum EventType {
        SkpApproved = "skp.approved",
        SkpReturned = "skp.returned",
        AssessmentPublished = "assessment.published",
        ObjectionFiled = "objection.filed",
        ObjectionDecided = "objection.decided",
        PeriodClosed = "period.closed",
        ComplaintReceived = "complaint.received",
    }
}

/// The subscribed event types as stored (`assessment.published skp.approved`).
pub type EventTypeList = crate::db::types::TextList<EventType, ' '>;

crate::domain::text_enum! {
    /// Where a delivery stands.
    #[derive(ToSchema)]
    pub enum DeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed; a redelivery tries again.
        Failed = "failed",
    }
}
crate::db::types::text_column!(DeliveryStatus);

/// The event type an audit event is, if any: the audit action, and for a period's status change
/// its new status.
pub fn event_type(action: &str, after_state: Option<&str>) -> Option<EventType> {
    Some(match action {
        "skp.approve" => EventType::SkpApproved,
        "skp.return" => EventType::SkpReturned,
        "assessment.publish" => EventType::AssessmentPublished,
        "objection.file" => EventType::ObjectionFiled,
        "objection.decide" => EventType::ObjectionDecided,
        "complaint.received" => EventType::ComplaintReceived,
        "period.status" => {
            let after: serde_json::Value = serde_json::from_str(after_state?).ok()?;
            if after.get("status")?.as_str()? != "closed" {
                return None;
            }
            EventType::PeriodClosed
        }
        _ => return None,
    })
}

/// Retries after a failed attempt: 1, 2, 4, … times `base`, at most six hours apart.
pub fn backoff(base: std::time::Duration, attempts: i32) -> std::time::Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 30) as u32);
    base.saturating_mul(factor).min(std::time::Duration::from_secs(6 * 3600))
}

/// Attempts before a delivery is given up (it can still be redelivered by hand).
pub const MAX_ATTEMPTS: i32 = 8;

/// The Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256, keyed with the secret's
/// bytes (after `whsec_`), of `{id}.{timestamp}.{body}`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!("v1,{}", engine.encode(mac.finalize().into_bytes())))
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    use base64::Engine;
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(crate::secrets::random_bytes(32)))
}

/// A registered endpoint; its secret is shown only when it is registered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://portal.example.go.id/hooks/kinerja", "event_types": ["skp.approved", "assessment.published"]}))]
pub struct NewWebhook {
    /// Where events are posted: `https://` to a public address (a name resolving to a loopback,
    /// private, link-local or other non-public address is refused, now and at every delivery);
    /// `http://` only to a receiver in a network the operator allows. No user name or password.
    #[validate(length(min = 8, max = 2000), custom(function = "check_url"))]
    #[schema(min_length = 8, max_length = 2000)]
    pub url: String,
    #[validate(length(min = 1, max = 16))]
    #[schema(min_items = 1, max_items = 16)]
    pub event_types: Vec<EventType>,
}

/// The form of an endpoint URL; where it points is checked by [`target::check_registration`].
fn check_url(url: &str) -> Result<(), validator::ValidationError> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Err(validator::ValidationError::new("url").with_message("must be an absolute http(s) URL".into()));
    };
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(validator::ValidationError::new("url")
            .with_message("use an https:// URL (http:// only to a receiver in a network the operator allows)".into()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(validator::ValidationError::new("url_userinfo")
            .with_message("a webhook URL may not carry a user name or password".into()));
    }
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// The Standard Webhooks signing secret (`whsec_…`). Store it now: it is not shown again.
    pub secret: String,
}

/// One event sent (or to be sent) to one endpoint: the delivery log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// Also the `webhook-id` header: the same on every attempt, so the receiver can drop repeats.
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The endpoint's HTTP status on the last attempt.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed (a connection error, a timeout or a non-2xx status).
    pub last_error: Option<String>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The body as sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert!(new_secret().starts_with("whsec_"));
    }

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1), Duration::from_secs(10));
        assert_eq!(backoff(base, 2), Duration::from_secs(20));
        assert_eq!(backoff(base, 4), Duration::from_secs(80));
        assert_eq!(backoff(base, 40), Duration::from_secs(6 * 3600));
    }

    #[test]
    fn audit_actions_map_to_event_types() {
        assert_eq!(event_type("skp.approve", None), Some(EventType::SkpApproved));
        assert_eq!(event_type("skp.submit", None), None);
        assert_eq!(event_type("period.status", Some(r#"{"status":"closed"}"#)), Some(EventType::PeriodClosed));
        assert_eq!(event_type("period.status", Some(r#"{"status":"evaluating"}"#)), None);
    }
}
