//! Identity: who is calling (`caller`), access and refresh tokens (`tokens`), passwords
//! (`password`), the region's identity provider (`oidc`). This core names no resource module; the login endpoints (`routes`) and the
//! portals' registry (`service_clients`) are resources built on it.

pub mod caller;
pub mod lockout;
pub mod oidc;
pub mod password;
pub mod routes;
pub mod service_clients;
pub mod store;
pub mod tokens;
