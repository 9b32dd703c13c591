//! The dashboard on a socket: HTTP/1.1 with a header-read timeout (a client
//! that never finishes its headers is disconnected), a cap on open
//! connections (past it, new ones wait in the listen backlog), and a
//! graceful shutdown that ends live tails instead of waiting for them.
//! Request timeouts are per route (`routes.rs`), since streams are exempt.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::state::AppState;

/// Limits on what one client or one request may hold, fixed at start-up.
#[derive(Clone, Copy, Debug)]
pub struct ServerLimits {
    /// A client must send a request's headers within this long (the
    /// connection is closed otherwise; also ends idle keep-alive waits).
    pub header_read_timeout: Duration,
    /// Ordinary routes answer 408 past this (not the live tail or log
    /// downloads, which stream for as long as they are read).
    pub request_timeout: Duration,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Serves `app(state)` on `listener` until `signal` resolves, then stops
/// accepting, ends live tails (`state.shutdown`), lets requests in flight
/// finish and returns once every connection has closed.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    signal: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limits = state.settings.server;
    let router = crate::app(state.clone());
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS) as u32;
    let slots = Arc::new(Semaphore::new(max as usize));
    let (closing, _) = tokio::sync::watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    tokio::pin!(signal);
    loop {
        let accepted = tokio::select! {
            () = &mut signal => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((stream, remote, slot)) = accepted else {
            continue;
        };
        let service = router
            .clone()
            .map_request(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(remote));
                req
            });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let mut closing = closing.subscribe();
        tokio::spawn(async move {
            tokio::pin!(conn);
            let ended = tokio::select! {
                ended = conn.as_mut() => ended,
                () = async { _ = closing.wait_for(|c| *c).await; } => {
                    // Finish the request in flight, then close.
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(client = %remote, error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    state.shutdown.trigger();
    closing.send_replace(true);
    // Every connection holds a slot until it has closed.
    let _all = slots.acquire_many(max).await;
    Ok(())
}

/// The next connection, once a slot is free. None after an accept error
/// (logged; a short pause keeps a full file table from spinning).
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(
    tokio::net::TcpStream,
    SocketAddr,
    tokio::sync::OwnedSemaphorePermit,
)> {
    let slot = slots.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, remote)) => Some((stream, remote, slot)),
        Err(e) => {
            tracing::warn!(error = %e, "cannot accept a connection");
            tokio::time::sleep(Duration::from_millis(50)).await;
            None
        }
    }
}
