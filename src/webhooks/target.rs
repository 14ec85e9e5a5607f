//! Where a webhook may go. A portal's endpoint is a request the service makes on the portal's
//! behalf, so it must not reach what only the service can reach: itself on loopback, the private
//! network, the cloud's metadata service (server-side request forgery, OWASP API7:2023).
//!
//! The URL is checked when it is registered, and again at every delivery on the addresses its
//! name resolves to then. The request goes to exactly those checked addresses (the resolver below
//! hands them to the connector: there is no second lookup that a rebinding DNS server could answer
//! differently), follows no redirect and uses no proxy. Which addresses are public is decided by
//! the pure [`crate::domain::network`]; the operator may allow more networks
//! (`KINERJA_WEBHOOK_ALLOW_NETWORKS`, e.g. an on-premise receiver at `10.20.0.0/16`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::domain::network::{is_allowed_network, judge, Network, NonPublic};
use crate::error::{ApiError, ApiResult};

/// Why a webhook is not sent to an address: the host as written, the address, what kind it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub host: String,
    pub ip: IpAddr,
    pub why: NonPublic,
}

impl Refused {
    /// The message (in English, translated by the problem catalogue): `127.0.0.1 is a loopback
    /// address; …` or, for a name, `localhost (127.0.0.1) is a loopback address; …`.
    pub fn message(&self) -> String {
        let ip = self.ip.to_string();
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        let what = if bare.parse::<IpAddr>().is_ok() { ip } else { format!("{} ({ip})", self.host) };
        format!("{what} is {}; webhooks are sent only to public addresses", self.why.describe())
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Refused {}

/// Every address of `host` must be public or allowed: a name that resolves to a public and a
/// private address is refused (the connector could pick either).
pub fn check_addresses(host: &str, ips: &[IpAddr], allowed: &[Network]) -> Result<(), Refused> {
    for ip in ips {
        judge(*ip, allowed).map_err(|why| Refused { host: host.to_string(), ip: *ip, why })?;
    }
    Ok(())
}

/// How long a name may take to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The addresses of `name`, by the system's resolver (`/etc/hosts`, DNS), off the async threads.
pub async fn resolve(name: &str) -> std::io::Result<Vec<IpAddr>> {
    let owned = name.to_string();
    let lookup = actix_web::rt::task::spawn_blocking(move || {
        use std::net::ToSocketAddrs;
        (owned.as_str(), 0).to_socket_addrs().map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>())
    });
    match actix_web::rt::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => Err(std::io::Error::other(e)),
        Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, format!("resolving {name} timed out"))),
    }
}

/// The address a URL's host is written as (`127.0.0.1`, `[::1]`, and the decimal, octal and hex
/// forms the URL parser turns into dotted decimal), or `None` for a name.
fn literal(url: &reqwest::Url) -> Option<IpAddr> {
    url.host_str()?.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// The registration check of an endpoint URL (its form is checked by [`super::check_url`]): an
/// address, or every address the name resolves to now, public or in an allowed network. A name
/// that does not resolve (yet) is accepted: it is checked at every delivery, when it must resolve.
/// Plain `http://` only to a receiver in an allowed network.
pub async fn check_registration(url: &str, allowed: &[Network]) -> ApiResult<()> {
    let url = reqwest::Url::parse(url).map_err(|_| ApiError::field("url", "url", "must be an absolute http(s) URL"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let ips = match literal(&url) {
        Some(ip) => Some(vec![ip]),
        None => resolve(&host).await.ok().filter(|ips| !ips.is_empty()),
    };
    if let Some(ips) = &ips {
        check_addresses(&host, ips, allowed)
            .map_err(|refused| ApiError::field("url", "non_public_address", refused.message()))?;
    }
    let internal = ips.is_some_and(|ips| ips.iter().all(|ip| is_allowed_network(*ip, allowed)));
    if url.scheme() == "http" && !internal {
        return Err(ApiError::field(
            "url",
            "url",
            "use an https:// URL (http:// only to a receiver in a network the operator allows)",
        ));
    }
    Ok(())
}

/// The sender's HTTP client and the networks beyond the public ones it may reach.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allowed: Arc<[Network]>,
}

impl Sender {
    pub fn new(allowed: &[Network]) -> reqwest::Result<Sender> {
        let allowed: Arc<[Network]> = allowed.into();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            // A redirect is a second request to wherever the endpoint says: not followed (3xx
            // counts as a failed attempt).
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the name itself, past the check.
            .no_proxy()
            .dns_resolver(Arc::new(CheckedResolver { allowed: allowed.clone() }))
            .build()?;
        Ok(Sender { client, allowed })
    }

    /// A POST to `url`, or why it may not be sent. An address written in the URL is checked here;
    /// a name is checked when the connector resolves it (by [`CheckedResolver`]).
    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("the stored URL is not valid: {e}"))?;
        if let Some(ip) = literal(&parsed) {
            check_addresses(parsed.host_str().unwrap_or_default(), &[ip], &self.allowed)
                .map_err(|refused| format!("refused: {refused}"))?;
        }
        Ok(self.client.post(parsed))
    }
}

/// Why a request failed, with its causes; a refusal by [`CheckedResolver`] as such.
pub fn describe_failure(error: &reqwest::Error) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut chain = Vec::new();
    while let Some(e) = cause {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return format!("refused: {refused}");
        }
        chain.push(e.to_string());
        cause = e.source();
    }
    format!("not sent: {}", chain.join(": "))
}

/// Resolves a name and hands the connector only its checked addresses, or refuses.
struct CheckedResolver {
    allowed: Arc<[Network]>,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let ips = resolve(&host).await?;
            if ips.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            check_addresses(&host, &ips, &allowed)?;
            let addrs: reqwest::dns::Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_in_indonesian_too() {
        for why in NonPublic::ALL {
            for (host, ip) in [("10.1.2.3", "10.1.2.3"), ("localhost", "127.0.0.1"), ("[::1]", "::1")] {
                let refused = Refused { host: host.into(), ip: ip.parse().unwrap(), why };
                let english = refused.message();
                let indonesian = crate::error::translate(&english).unwrap_or_else(|| panic!("{english}"));
                assert_ne!(indonesian, english);
                assert!(indonesian.starts_with(english.split(" is ").next().unwrap()), "{indonesian}");
            }
        }
        let refused = Refused { host: "localhost".into(), ip: "127.0.0.1".parse().unwrap(), why: NonPublic::Loopback };
        assert_eq!(
            refused.message(),
            "localhost (127.0.0.1) is a loopback address; webhooks are sent only to public addresses"
        );
    }

    #[actix_web::test]
    async fn the_resolver_hands_over_only_checked_addresses() {
        use reqwest::dns::Resolve;
        let loopback = [Network::parse("127.0.0.0/8").unwrap(), Network::parse("::1").unwrap()];
        let open = CheckedResolver { allowed: loopback.as_slice().into() };
        let addrs: Vec<SocketAddr> = open.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        let closed = CheckedResolver { allowed: Arc::from(Vec::new()) };
        let refused = closed.resolve("localhost".parse().unwrap()).await.err().expect("refused");
        let refused = refused.downcast_ref::<Refused>().expect("a refusal");
        assert_eq!(refused.why, NonPublic::Loopback);
    }

    #[test]
    fn an_address_in_the_url_is_checked_before_any_request() {
        let sender = Sender::new(&[]).unwrap();
        for url in ["http://127.0.0.1:9/hooks", "https://[::ffff:169.254.169.254]/", "https://2130706433/"] {
            let why = sender.post(url).err().unwrap_or_else(|| panic!("{url} was not refused"));
            assert!(why.starts_with("refused: "), "{why}");
        }
        assert!(sender.post("https://203.0.114.1/hooks").is_ok());
        assert!(Sender::new(&[Network::parse("127.0.0.1").unwrap()]).unwrap().post("http://127.0.0.1:9/").is_ok());
    }
}
