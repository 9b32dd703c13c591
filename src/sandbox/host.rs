//! The sandbox serves an unauthenticated, mutable fleet, so it stays on
//! loopback unless told otherwise: a non-loopback bind address needs
//! `--allow-remote` (`check_bind`), and without it every request must name
//! a loopback host in its `Host` header (`localhost`, `127.x.x.x`, `[::1]`,
//! any port), so a web page on another site cannot reach it through DNS
//! rebinding (`loopback_only`).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::server::Shared;

/// Refuses a bind address off loopback unless `allow_remote`.
pub fn check_bind(bind: SocketAddr, allow_remote: bool) -> Result<(), String> {
    if allow_remote || bind.ip().is_loopback() {
        return Ok(());
    }
    Err(format!(
        "refusing to serve the sandbox on {bind}: it has no authentication and anyone who \
         reaches it can change its fleet. Bind it to loopback (e.g. 127.0.0.1:4510), or pass \
         --allow-remote (ECSDECK_SANDBOX_ALLOW_REMOTE=true) if other machines must reach it."
    ))
}

/// Whether a `Host` header value names this machine's loopback.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || is_port(port) => {
                return ip.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_ipv4() && ip.is_loopback())
}

/// `:PORT` (the part after the colon).
fn is_port(s: &str) -> bool {
    s.strip_prefix(':').unwrap_or(s).parse::<u16>().is_ok()
}

/// Middleware: without `allow_remote`, a request whose `Host` is not a
/// loopback name or address gets 403 and reaches nothing.
pub async fn loopback_only(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    if shared.config.allow_remote {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if is_loopback_host(&h) => next.run(req).await,
        other => (
            StatusCode::FORBIDDEN,
            format!(
                "The ecsdeck sandbox answers only requests addressed to a loopback host \
                 (localhost, 127.0.0.1, [::1]); this one named {:?}. This guards against \
                 DNS rebinding. Start it with --allow-remote to serve other hosts.\n",
                other.unwrap_or_default()
            ),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_with_any_port_pass_and_others_do_not() {
        for ok in [
            "localhost",
            "LOCALHOST:4510",
            "127.0.0.1",
            "127.0.0.1:4510",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:4510",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4510",
            "localhost.evil.example",
            "10.0.0.1:4510",
            "0.0.0.0:4510",
            "[::]:4510",
            "[::1]x",
            "127.0.0.1:notaport",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn non_loopback_binds_need_allow_remote() {
        let any: SocketAddr = "0.0.0.0:4510".parse().unwrap();
        let v6: SocketAddr = "[::]:4510".parse().unwrap();
        let lo: SocketAddr = "127.0.0.1:4510".parse().unwrap();
        assert!(
            check_bind(any, false)
                .unwrap_err()
                .contains("--allow-remote")
        );
        assert!(check_bind(v6, false).is_err());
        assert!(check_bind(any, true).is_ok());
        assert!(check_bind(lo, false).is_ok());
    }
}
