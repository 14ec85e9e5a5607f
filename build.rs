//! The migrations are compiled in (`embed_migrations!` in `src/db/mod.rs`): a new migration
//! folder must rebuild the crate, which cargo does not know of itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
