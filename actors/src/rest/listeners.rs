//! Kafka Connect's `listeners` worker setting (`http://:8083`, `http://host:port`, …) as the
//! address the REST server binds.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// Why a `listeners` value gives no address to bind.
#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    /// The value lists no listener.
    #[error("listeners is empty: it needs one http listener such as http://:8083")]
    Empty,
    /// Only HTTPS listeners are listed, and Sluice does not serve HTTPS.
    #[error("listener {0} is https, which is not supported; use an http listener")]
    HttpsUnsupported(String),
    /// A listener is not `protocol://host:port`.
    #[error("listener {listener} is malformed: {reason}")]
    Malformed {
        /// The listener as written.
        listener: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The listener's host name does not resolve.
    #[error("listener {listener}: cannot resolve its host: {source}")]
    Resolve {
        /// The listener as written.
        listener: String,
        /// The resolver's error.
        source: std::io::Error,
    },
}

/// The address of the first `http` listener in a `listeners` value (comma-separated
/// `protocol://host:port`). An empty host means all interfaces; a host name is resolved.
///
/// ```
/// use sluice_actors::rest::parse_listeners;
/// assert_eq!(parse_listeners("http://:8083").unwrap().to_string(), "0.0.0.0:8083");
/// ```
pub fn parse_listeners(value: &str) -> Result<SocketAddr, ListenerError> {
    let mut https = None;
    for listener in value.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        let malformed = |reason| ListenerError::Malformed {
            listener: listener.to_owned(),
            reason,
        };
        let (scheme, rest) = listener
            .split_once("://")
            .ok_or_else(|| malformed("expected protocol://host:port"))?;
        if scheme.eq_ignore_ascii_case("https") {
            https.get_or_insert_with(|| listener.to_owned());
            continue;
        }
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(malformed("the protocol must be http or https"));
        }
        let (host, port) = split_host_port(rest.trim_end_matches('/'))
            .ok_or_else(|| malformed("expected protocol://host:port with a port number"))?;
        return resolve(host, port).map_err(|source| ListenerError::Resolve {
            listener: listener.to_owned(),
            source,
        });
    }
    Err(https.map_or(ListenerError::Empty, ListenerError::HttpsUnsupported))
}

/// `host:port` or `[v6]:port`, with the port a number.
fn split_host_port(text: &str) -> Option<(&str, u16)> {
    let (host, port) = match text.strip_prefix('[') {
        Some(bracketed) => {
            let (host, rest) = bracketed.split_once(']')?;
            (host, rest.strip_prefix(':')?)
        }
        None => text.rsplit_once(':')?,
    };
    Some((host, port.parse().ok()?))
}

fn resolve(host: &str, port: u16) -> std::io::Result<SocketAddr> {
    if host.is_empty() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address for the host"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(value: &str) -> String {
        parse_listeners(value).unwrap().to_string()
    }

    #[test]
    fn empty_host_means_all_interfaces() {
        assert_eq!(addr("http://:8083"), "0.0.0.0:8083");
        assert_eq!(addr("http://0.0.0.0:8083"), "0.0.0.0:8083");
    }

    #[test]
    fn hosts_and_ports_are_kept() {
        assert_eq!(addr("http://127.0.0.1:9000"), "127.0.0.1:9000");
        assert_eq!(addr("HTTP://[::1]:8083/"), "[::1]:8083");
        assert!(
            parse_listeners("http://localhost:8083")
                .unwrap()
                .ip()
                .is_loopback()
        );
    }

    #[test]
    fn the_first_http_listener_wins_over_https() {
        assert_eq!(
            addr("https://:8443, http://127.0.0.1:8083"),
            "127.0.0.1:8083"
        );
    }

    #[test]
    fn https_only_is_unsupported() {
        let error = parse_listeners("https://:8443").unwrap_err();
        assert!(matches!(error, ListenerError::HttpsUnsupported(ref l) if l == "https://:8443"));
        assert!(error.to_string().contains("not supported"));
    }

    #[test]
    fn malformed_and_empty_values_are_refused() {
        assert!(matches!(parse_listeners(""), Err(ListenerError::Empty)));
        assert!(matches!(
            parse_listeners("http://host"),
            Err(ListenerError::Malformed { .. })
        ));
        assert!(matches!(
            parse_listeners("localhost:8083"),
            Err(ListenerError::Malformed { .. })
        ));
        assert!(matches!(
            parse_listeners("ftp://:21"),
            Err(ListenerError::Malformed { .. })
        ));
    }
}
