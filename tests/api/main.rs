//! API tests through the real app factory, on SQLite by default and on PostgreSQL when
//! TEST_DATABASE_URL is set (`.ci/run` does both).

mod helpers;

mod achievements;
mod assessments;
mod audit;
mod auth;
mod authorization;
mod backup;
mod browser;
mod citizen_ratings;
mod complaints;
mod distribution;
mod employees;
mod errors;
mod feedback;
mod import;
mod inbox;
mod objections;
mod oidc;
mod openapi;
mod peer_ratings;
mod periods;
mod reporting_lines;
mod reports;
mod round_trips;
mod scores;
mod skp;
mod synthetic;
mod templates;
mod time_zones;
mod units;
mod versioned;
mod webhooks;
