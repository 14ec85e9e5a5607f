//! kinerja: performance management for Indonesian civil servants (ASN).
//!
//! `domain` holds the regulation's rules as pure functions; each resource module holds its
//! routes, request/response types and handlers; `startup::build_app` is the app factory.

pub mod achievements;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod backup;
pub mod browser;
pub mod cli;
pub mod clock;
pub mod complaints;
pub mod config;
pub mod db;
pub mod distribution;
pub mod document_cache;
pub mod domain;
pub mod employees;
pub mod error;
pub mod extract;
pub mod feedback;
pub mod health;
pub mod idempotency;
pub mod inbox;
pub mod metrics;
pub mod objections;
pub mod openapi;
pub mod organizations;
pub mod pagination;
pub mod periods;
pub mod policies;
pub mod rate_limit;
pub mod ratings;
pub mod recommendations;
pub mod reports;
pub mod request_id;
pub mod scores;
pub mod secrets;
pub mod seed;
pub mod skp;
pub mod startup;
pub mod state;
pub mod templates;
pub mod units;
pub mod versioned;
pub mod webhooks;
