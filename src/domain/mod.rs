//! The regulation's rules as pure functions: no actix, no diesel, no clock. Each module cites
//! its source and is tested with worked examples and property tests.

pub mod achievement;
pub mod assessment;
pub mod behaviour;
pub mod capaian;
pub mod complaint;
pub mod distribution;
pub mod engine;
pub mod ids;
pub mod lockout;
pub mod network;
pub mod nip;
pub mod policy;
pub mod predikat;
pub mod recommendation;
pub mod score;
pub mod skm;
pub mod template;
pub mod text_enum;
pub mod time_zone;

pub(crate) use text_enum::text_enum;

/// Rounds to two decimals, for presentation only (the rules keep full precision).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
