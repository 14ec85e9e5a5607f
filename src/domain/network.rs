//! Which addresses the service may send a request to on someone else's behalf (a portal's webhook
//! endpoint): the public ones, and those in the networks the operator allows. Pure: the caller
//! resolves names; here are only the addresses.
//!
//! The special-purpose ranges are those of the IANA registries (RFC 6890 and its updates): RFC 1918
//! private networks, RFC 6598 shared address space, loopback, link-local (169.254.0.0/16, where
//! cloud metadata services answer, and fe80::/10), RFC 4193 unique local IPv6, multicast,
//! documentation and benchmarking ranges, and the rest of the reserved space. An IPv4 address
//! written as IPv6 (`::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`) is judged
//! as the IPv4 address it reaches.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NonPublic {
    /// `0.0.0.0/8`, `::` (on Linux a connection to `0.0.0.0` reaches the host itself).
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`; local-use NAT64 `64:ff9b:1::/48`.
    Private,
    /// RFC 6598 shared address space (carrier-grade NAT): `100.64.0.0/10`.
    Shared,
    /// `169.254.0.0/16` (cloud metadata at 169.254.169.254), `fe80::/10`.
    LinkLocal,
    /// RFC 4193 `fc00::/7`, and the deprecated site-local `fec0::/10`.
    UniqueLocal,
    /// `224.0.0.0/4`, `255.255.255.255`, `ff00::/8`.
    Multicast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// Everything else that is not global unicast: `192.0.0.0/24`, `192.88.99.0/24`,
    /// `198.18.0.0/15`, `240.0.0.0/4`, the IPv4-compatible `::/96`, `100::/64`, `2001::/23`, and
    /// IPv6 outside `2000::/3`.
    Reserved,
}

impl NonPublic {
    pub const ALL: [NonPublic; 9] = [
        NonPublic::Unspecified,
        NonPublic::Loopback,
        NonPublic::Private,
        NonPublic::Shared,
        NonPublic::LinkLocal,
        NonPublic::UniqueLocal,
        NonPublic::Multicast,
        NonPublic::Documentation,
        NonPublic::Reserved,
    ];

    /// What kind of address it is, for a sentence (`127.0.0.1 is a loopback address`).
    pub fn describe(self) -> &'static str {
        match self {
            NonPublic::Unspecified => "an unspecified address",
            NonPublic::Loopback => "a loopback address",
            NonPublic::Private => "a private address (RFC 1918)",
            NonPublic::Shared => "a shared carrier address (RFC 6598)",
            NonPublic::LinkLocal => "a link-local address, where cloud metadata services answer",
            NonPublic::UniqueLocal => "a unique local IPv6 address",
            NonPublic::Multicast => "a multicast or broadcast address",
            NonPublic::Documentation => "an address reserved for documentation",
            NonPublic::Reserved => "a reserved or special-purpose address",
        }
    }

    /// Never a receiver, whatever the operator allows: no server listens on an unspecified or a
    /// multicast address, and `0.0.0.0` is the host itself in disguise.
    pub fn never_allowed(self) -> bool {
        matches!(self, NonPublic::Unspecified | NonPublic::Multicast)
    }
}

/// Why `ip` is not public, or `None` for a public (global unicast) address.
pub fn classify(ip: IpAddr) -> Option<NonPublic> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Option<NonPublic> {
    use NonPublic::*;
    const RANGES: &[([u8; 4], u32, NonPublic)] = &[
        ([0, 0, 0, 0], 8, Unspecified),
        ([10, 0, 0, 0], 8, Private),
        ([100, 64, 0, 0], 10, Shared),
        ([127, 0, 0, 0], 8, Loopback),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([172, 16, 0, 0], 12, Private),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Documentation),
        ([192, 88, 99, 0], 24, Reserved),
        ([192, 168, 0, 0], 16, Private),
        ([198, 18, 0, 0], 15, Reserved),
        ([198, 51, 100, 0], 24, Documentation),
        ([203, 0, 113, 0], 24, Documentation),
        ([224, 0, 0, 0], 4, Multicast),
        ([255, 255, 255, 255], 32, Multicast),
        ([240, 0, 0, 0], 4, Reserved),
    ];
    RANGES.iter().find(|(net, prefix, _)| in_v4(ip, *net, *prefix)).map(|(_, _, why)| *why)
}

fn in_v6(ip: Ipv6Addr, net: u128, prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
    u128::from(ip) & mask == net & mask
}

fn classify_v6(ip: Ipv6Addr) -> Option<NonPublic> {
    use NonPublic::*;
    let bits = u128::from(ip);
    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    // IPv4 reached through IPv6: mapped, NAT64's well-known prefix, 6to4.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    if in_v6(ip, 0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96) {
        return classify_v4(Ipv4Addr::from(bits as u32));
    }
    if in_v6(ip, 0x2002_0000_0000_0000_0000_0000_0000_0000, 16) {
        return classify_v4(Ipv4Addr::from((bits >> 80) as u32));
    }
    const RANGES: &[(u128, u32, NonPublic)] = &[
        // The deprecated IPv4-compatible addresses (`::a.b.c.d`).
        (0, 96, Reserved),
        (0x0064_ff9b_0001_0000_0000_0000_0000_0000, 48, Private),
        (0x0100_0000_0000_0000_0000_0000_0000_0000, 64, Reserved),
        (0x2001_0db8_0000_0000_0000_0000_0000_0000, 32, Documentation),
        (0x2001_0000_0000_0000_0000_0000_0000_0000, 23, Reserved),
        (0x3fff_0000_0000_0000_0000_0000_0000_0000, 20, Documentation),
        (0xfc00_0000_0000_0000_0000_0000_0000_0000, 7, UniqueLocal),
        (0xfe80_0000_0000_0000_0000_0000_0000_0000, 10, LinkLocal),
        (0xfec0_0000_0000_0000_0000_0000_0000_0000, 10, UniqueLocal),
        (0xff00_0000_0000_0000_0000_0000_0000_0000, 8, Multicast),
    ];
    if let Some((_, _, why)) = RANGES.iter().find(|(net, prefix, _)| in_v6(ip, *net, *prefix)) {
        return Some(*why);
    }
    // Global unicast is 2000::/3; the rest of the space is not assigned.
    (!in_v6(ip, 0x2000_0000_0000_0000_0000_0000_0000_0000, 3)).then_some(Reserved)
}

/// An IP network in CIDR notation (`10.20.0.0/16`, `fd00:1::/64`); a bare address is the network
/// of that one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().map_err(|_| format!("{text:?} is not an IP address or network"))?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Network { address, prefix })
    }

    /// Whether `ip` (an IPv4-mapped IPv6 address as the IPv4 one) is in the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => in_v4(ip, net.octets(), u32::from(self.prefix)),
            (IpAddr::V6(net), IpAddr::V6(ip)) => in_v6(ip, u128::from(net), u32::from(self.prefix)),
            _ => false,
        }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// Whether the service may connect to `ip`: a public address, or one in an `allowed` network
/// (never an unspecified or multicast one). The error says what kind of address it is.
pub fn judge(ip: IpAddr, allowed: &[Network]) -> Result<(), NonPublic> {
    match classify(ip) {
        None => Ok(()),
        Some(why) if why.never_allowed() => Err(why),
        Some(_) if allowed.iter().any(|n| n.contains(ip)) => Ok(()),
        Some(why) => Err(why),
    }
}

/// Whether `ip` is in one of the `allowed` networks (and so may take plain `http://`).
pub fn is_allowed_network(ip: IpAddr, allowed: &[Network]) -> bool {
    !classify(ip).is_some_and(NonPublic::never_allowed) && allowed.iter().any(|n| n.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use NonPublic::*;

    fn class(text: &str) -> Option<NonPublic> {
        classify(text.parse().unwrap())
    }

    #[test]
    fn every_special_range_is_named() {
        let cases = [
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Unspecified)),
            ("::", Some(Unspecified)),
            ("127.0.0.1", Some(Loopback)),
            ("127.255.255.254", Some(Loopback)),
            ("::1", Some(Loopback)),
            ("10.0.0.1", Some(Private)),
            ("172.16.0.1", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("192.168.1.1", Some(Private)),
            ("100.64.0.1", Some(Shared)),
            ("100.127.255.255", Some(Shared)),
            ("169.254.169.254", Some(LinkLocal)),
            ("fe80::1", Some(LinkLocal)),
            ("fd00:ec2::254", Some(UniqueLocal)),
            ("fc00::1", Some(UniqueLocal)),
            ("fec0::1", Some(UniqueLocal)),
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.250", Some(Multicast)),
            ("255.255.255.255", Some(Multicast)),
            ("ff02::1", Some(Multicast)),
            ("192.0.2.10", Some(Documentation)),
            ("198.51.100.1", Some(Documentation)),
            ("203.0.113.7", Some(Documentation)),
            ("2001:db8::1", Some(Documentation)),
            ("192.0.0.170", Some(Reserved)),
            ("198.18.0.1", Some(Reserved)),
            ("240.0.0.1", Some(Reserved)),
            ("2001::1", Some(Reserved)),
            ("100::1", Some(Reserved)),
            ("::127.0.0.1", Some(Reserved)),
            ("4000::1", Some(Reserved)),
            // IPv4 written as IPv6 is judged as the IPv4 address it reaches.
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:169.254.169.254", Some(LinkLocal)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("64:ff9b::a9fe:a9fe", Some(LinkLocal)),
            ("64:ff9b:1::1", Some(Private)),
            ("2002:7f00:1::", Some(Loopback)),
            ("2002:c0a8:101::1", Some(Private)),
            // Public.
            ("8.8.8.8", None),
            ("103.10.20.30", None),
            ("172.32.0.1", None),
            ("100.128.0.1", None),
            ("169.255.0.1", None),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::808:808", None),
            ("2002:808:808::1", None),
            ("2404:6800:4003::200e", None),
        ];
        for (address, expected) in cases {
            assert_eq!(class(address), expected, "{address}");
        }
    }

    #[test]
    fn networks_parse_in_cidr_notation_and_bare_addresses_are_one_address() {
        let net = Network::parse("10.20.0.0/16").unwrap();
        assert!(net.contains("10.20.3.4".parse().unwrap()));
        assert!(net.contains("::ffff:10.20.3.4".parse().unwrap()), "mapped IPv4 is the IPv4 address");
        assert!(!net.contains("10.21.0.1".parse().unwrap()));
        assert!(!net.contains("fd00::1".parse().unwrap()));
        let one = Network::parse(" 127.0.0.1 ").unwrap();
        assert_eq!(one.to_string(), "127.0.0.1/32");
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        assert!(Network::parse("fd00:1::/64").unwrap().contains("fd00:1::42".parse().unwrap()));
        for bad in ["", "10.0.0.0/33", "::/129", "example.go.id", "10.0.0.0/x", "10.0.0/8"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_allowed_network_lets_its_addresses_through_but_never_unspecified_or_multicast() {
        let allowed = [Network::parse("127.0.0.0/8").unwrap(), Network::parse("10.0.0.0/8").unwrap()];
        assert_eq!(judge("127.0.0.1".parse().unwrap(), &allowed), Ok(()));
        assert_eq!(judge("::ffff:127.0.0.1".parse().unwrap(), &allowed), Ok(()));
        assert_eq!(judge("10.9.8.7".parse().unwrap(), &allowed), Ok(()));
        assert_eq!(judge("169.254.169.254".parse().unwrap(), &allowed), Err(LinkLocal));
        assert_eq!(judge("::1".parse().unwrap(), &allowed), Err(Loopback));
        let everything = [Network::parse("0.0.0.0/0").unwrap(), Network::parse("::/0").unwrap()];
        assert_eq!(judge("0.0.0.0".parse().unwrap(), &everything), Err(Unspecified));
        assert_eq!(judge("224.0.0.1".parse().unwrap(), &everything), Err(Multicast));
        assert_eq!(judge("8.8.8.8".parse().unwrap(), &[]), Ok(()));
        assert!(is_allowed_network("10.1.1.1".parse().unwrap(), &allowed));
        assert!(!is_allowed_network("8.8.8.8".parse().unwrap(), &allowed));
    }

    proptest! {
        #[test]
        fn ipv4_written_as_ipv6_is_judged_as_ipv4(bits: u32) {
            let v4 = Ipv4Addr::from(bits);
            let expected = classify(IpAddr::V4(v4));
            prop_assert_eq!(classify(IpAddr::V6(v4.to_ipv6_mapped())), expected);
            let nat64 = Ipv6Addr::from(0x0064_ff9b_0000_0000_0000_0000_0000_0000u128 | u128::from(bits));
            prop_assert_eq!(classify(IpAddr::V6(nat64)), expected);
            let six_to_four = Ipv6Addr::from((0x2002u128 << 112) | (u128::from(bits) << 80) | 1);
            prop_assert_eq!(classify(IpAddr::V6(six_to_four)), expected);
        }

        #[test]
        fn a_network_contains_exactly_the_addresses_sharing_its_prefix(a: u32, b: u32, prefix in 0u8..=32) {
            let net = Network::parse(&format!("{}/{prefix}", Ipv4Addr::from(a))).unwrap();
            let same = prefix == 0 || (a >> (32 - u32::from(prefix))) == (b >> (32 - u32::from(prefix)));
            prop_assert_eq!(net.contains(IpAddr::V4(Ipv4Addr::from(b))), same);
            prop_assert!(net.contains(IpAddr::V4(Ipv4Addr::from(a))));
        }

        #[test]
        fn only_public_or_allowed_addresses_pass(a: u128, allow_all: bool) {
            let ip = IpAddr::V6(Ipv6Addr::from(a));
            let allowed = if allow_all { vec![Network::parse("::/0").unwrap()] } else { Vec::new() };
            let verdict = judge(ip, &allowed);
            match classify(ip) {
                None => prop_assert_eq!(verdict, Ok(())),
                Some(why) if allow_all && !why.never_allowed() => prop_assert_eq!(verdict, Ok(())),
                Some(why) => prop_assert_eq!(verdict, Err(why)),
            }
        }

        #[test]
        fn public_ipv6_is_global_unicast(a: u128) {
            let ip = Ipv6Addr::from(a);
            let reaches_ipv4 = ip.to_ipv4_mapped().is_some() || in_v6(ip, 0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96);
            if classify(IpAddr::V6(ip)).is_none() && !reaches_ipv4 {
                prop_assert_eq!(a >> 125, 1, "{} is outside 2000::/3", ip);
            }
        }
    }
}
