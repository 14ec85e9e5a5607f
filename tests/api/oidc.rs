//! Sign-in through the region's identity provider: a JWKS server on loopback publishes its keys;
//! its RS256 and ES256 tokens sign employees in by their NIP, beside the service's own tokens.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use actix_web::{web, HttpResponse, HttpServer};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::TestApp;

pub(crate) const ISSUER: &str = "https://sso.test.go.id/realms/asn";
pub(crate) const AUDIENCE: &str = "kinerja-test";

/// A signing key of the test provider.
pub(crate) struct Key {
    kid: &'static str,
    algorithm: Algorithm,
    encoding: EncodingKey,
}

impl Key {
    pub(crate) fn load(kid: &'static str, file: &str, algorithm: Algorithm) -> Key {
        let path = format!("{}/tests/api/fixtures/oidc/{file}", env!("CARGO_MANIFEST_DIR"));
        let pem = std::fs::read(&path).expect("the fixture key is readable");
        let encoding = match algorithm {
            Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
            _ => EncodingKey::from_rsa_pem(&pem),
        }
        .expect("the fixture key parses");
        Key { kid, algorithm, encoding }
    }

    /// The public key as the provider publishes it; `with_alg: false` leaves `alg` out, as
    /// many providers do.
    pub(crate) fn jwk(&self, with_alg: bool) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, self.algorithm).expect("a public JWK");
        jwk.common.key_id = Some(self.kid.to_string());
        if !with_alg {
            jwk.common.key_algorithm = None;
        }
        jwk
    }

    fn sign_as(&self, algorithm: Algorithm, claims: &Value) -> String {
        let mut header = Header::new(algorithm);
        header.kid = Some(self.kid.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signing works")
    }

    pub(crate) fn sign(&self, claims: &Value) -> String {
        self.sign_as(self.algorithm, claims)
    }
}

pub(crate) fn claims(nip: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "f81d4fae-7dec", "iat": now, "exp": now + 300, "nip": nip})
}

/// A JWKS endpoint on loopback whose key set the test changes, counting the fetches.
pub(crate) struct JwksServer {
    url: String,
    keys: Arc<Mutex<Vec<Jwk>>>,
    fetches: Arc<AtomicUsize>,
    pub(crate) handle: actix_web::dev::ServerHandle,
}

impl JwksServer {
    pub(crate) fn start(keys: Vec<Jwk>) -> JwksServer {
        let keys = Arc::new(Mutex::new(keys));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (keys.clone(), fetches.clone());
        let server = HttpServer::new(move || {
            let (served, counted) = (served.clone(), counted.clone());
            actix_web::App::new().route(
                "/certs",
                web::get().to(move || {
                    let (served, counted) = (served.clone(), counted.clone());
                    async move {
                        counted.fetch_add(1, Ordering::SeqCst);
                        let set = JwkSet { keys: served.lock().unwrap().clone() };
                        HttpResponse::Ok().json(set)
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("a loopback port");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        JwksServer { url: format!("http://127.0.0.1:{port}/certs"), keys, fetches, handle }
    }

    fn publish(&self, keys: Vec<Jwk>) {
        *self.keys.lock().unwrap() = keys;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

pub(crate) async fn app_for(server: &JwksServer, min_refresh_secs: u64) -> TestApp {
    let url = server.url.clone();
    TestApp::spawn_with(move |s| {
        s.oidc = Some(kinerja::config::OidcSettings {
            issuer: ISSUER.into(),
            jwks_url: url,
            audience: AUDIENCE.into(),
            nip_claim: "nip".into(),
            organization_code: None,
            min_refresh: std::time::Duration::from_secs(min_refresh_secs),
        })
    })
    .await
}

async fn me(app: &TestApp, token: &str) -> crate::helpers::TestResponse {
    app.send(TestRequest::get().uri("/api/v1/me").insert_header(("authorization", format!("Bearer {token}")))).await
}

#[actix_web::test]
async fn the_providers_tokens_sign_employees_in_by_nip_and_keys_rotate() {
    let rsa = Key::load("key-a", "rsa-a.pem", Algorithm::RS256);
    let ec = Key::load("key-b", "ec-b.pem", Algorithm::ES256);
    let unpublished = Key::load("key-x", "rsa-unpublished.pem", Algorithm::RS256);
    let server = JwksServer::start(vec![rsa.jwk(true), ec.jwk(false)]);
    let app = app_for(&server, 0).await;
    let org = app.seed_org("oidc");

    // RS256 and ES256 tokens name the employee by NIP; the service's own token works beside them.
    let body = me(&app, &rsa.sign(&claims(&org.staff.nip))).await.expect(200);
    assert_eq!(body["employee"]["id"], org.staff.id.as_str(), "{body}");
    let body = me(&app, &ec.sign(&claims(&org.admin.nip))).await.expect(200);
    assert_eq!(body["employee"]["id"], org.admin.id.as_str(), "{body}");
    assert_eq!(body["roles"], json!(["pegawai", "admin"]), "{body}");
    me(&app, &app.token_for(&org.peer)).await.expect(200);
    assert_eq!(server.fetches(), 1, "the keys are cached");
    // The admin's role comes from the employee record, not from the token.
    let admin_token = ec.sign(&claims(&org.admin.nip));
    let staff_token = rsa.sign(&claims(&org.staff.nip));
    let path = "/api/v1/employees?limit=50";
    let everyone = app.get(path, &admin_token).await.expect(200)["items"].as_array().unwrap().len();
    assert_eq!(everyone, 6);
    assert_eq!(app.get(path, &staff_token).await.expect(200)["items"].as_array().unwrap().len(), 1);

    // A key the provider does not publish: fetched again, still unknown, refused.
    let forged = unpublished.sign(&claims(&org.staff.nip));
    me(&app, &forged).await.expect_problem(401, "invalid_token");
    assert_eq!(server.fetches(), 2);

    // Wrong issuer, audience, expiry, claim; the wrong algorithm for the key.
    let mut wrong_issuer = claims(&org.staff.nip);
    wrong_issuer["iss"] = json!("https://sso.elsewhere.go.id");
    let mut wrong_audience = claims(&org.staff.nip);
    wrong_audience["aud"] = json!("another-service");
    let mut expired = claims(&org.staff.nip);
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let mut no_nip = claims(&org.staff.nip);
    no_nip.as_object_mut().unwrap().remove("nip");
    for token in [rsa.sign(&wrong_issuer), rsa.sign(&wrong_audience), rsa.sign(&expired), rsa.sign(&no_nip)] {
        me(&app, &token).await.expect_problem(401, "invalid_token");
    }
    let ec_as_rsa = Key { kid: "key-b", algorithm: Algorithm::RS256, encoding: rsa.encoding.clone() };
    me(&app, &ec_as_rsa.sign(&claims(&org.staff.nip))).await.expect_problem(401, "invalid_token");
    // The RSA key's own signature, but the header says PS256: the key pins RS256.
    me(&app, &rsa.sign_as(Algorithm::PS256, &claims(&org.staff.nip))).await.expect_problem(401, "invalid_token");

    // Unknown and inactive employees are refused.
    me(&app, &rsa.sign(&claims("199001012015011001"))).await.expect_problem(401, "invalid_token");
    app.execute_sql(&format!("UPDATE employees SET active = FALSE WHERE id = '{}'", org.peer.id));
    let inactive = me(&app, &rsa.sign(&claims(&org.peer.nip))).await.expect_problem(401, "invalid_token");
    assert_eq!(inactive["detail"], "Pegawai ini tidak aktif", "{inactive}");

    // Rotation: the provider now signs with key D and has withdrawn A.
    let rotated = Key::load("key-d", "rsa-d.pem", Algorithm::RS256);
    server.publish(vec![rotated.jwk(true), ec.jwk(false)]);
    let before = server.fetches();
    me(&app, &rotated.sign(&claims(&org.staff.nip))).await.expect(200);
    assert_eq!(server.fetches(), before + 1, "an unknown kid fetches the keys again");
    me(&app, &rsa.sign(&claims(&org.staff.nip))).await.expect_problem(401, "invalid_token");
    server.handle.stop(false).await;
}

#[actix_web::test]
async fn unknown_key_ids_fetch_the_keys_at_most_once_per_floor() {
    let rsa = Key::load("key-a", "rsa-a.pem", Algorithm::RS256);
    let unpublished = Key::load("key-x", "rsa-unpublished.pem", Algorithm::RS256);
    let server = JwksServer::start(vec![rsa.jwk(true)]);
    let app = app_for(&server, 3600).await;
    let org = app.seed_org("oidc-floor");
    me(&app, &rsa.sign(&claims(&org.staff.nip))).await.expect(200);
    assert_eq!(server.fetches(), 1);
    for _ in 0..5 {
        me(&app, &unpublished.sign(&claims(&org.staff.nip))).await.expect_problem(401, "invalid_token");
    }
    assert_eq!(server.fetches(), 1, "made-up key ids do not make the service fetch again within the floor");
    me(&app, &rsa.sign(&claims(&org.staff.nip))).await.expect(200);

    // Without a provider configured, an RS256 token is simply not valid.
    let plain = TestApp::spawn().await;
    let org = plain.seed_org("oidc-off");
    me(&plain, &rsa.sign(&claims(&org.staff.nip))).await.expect_problem(401, "invalid_token");
    assert_eq!(server.fetches(), 1);
    server.handle.stop(false).await;
}
