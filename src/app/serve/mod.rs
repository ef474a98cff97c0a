//! `sou serve`: a local web page and JSON API over the engine — the same `Engine` the
//! CLI uses, opened once, reloaded when `sou index` commits.
//!
//! Local servers are attacked through the browser, so: loopback by default, a bearer
//! token required on any other address, the `Host` header checked against the bound
//! address (DNS rebinding), no CORS unless asked, nothing written, static files only
//! from the set compiled into the binary, and security headers on every response.

mod api;
mod assets;
mod guard;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::routing::get;
use axum::Router;

use sou::engine::Engine;

use crate::app::cli::{Globals, ServeArgs};

/// Longest a request may take before it is answered with 503.
const REQUEST_TIME: Duration = Duration::from_secs(10);

/// What every request handler shares.
pub struct AppState {
    /// The engine, opened once and reloaded on commits.
    pub engine: Engine,
    /// The bearer token API requests must carry, if any.
    pub token: Option<String>,
    /// `Host` header values accepted (the bound address, localhost, 127.0.0.1).
    pub hosts: Vec<String>,
    /// The one origin CORS responses allow (`--cors`).
    pub cors: Option<String>,
}

/// The `Host` values a browser sends for a server bound to `addr`.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts =
        vec![format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}"), addr.to_string()];
    if port == 80 {
        hosts.extend(["localhost".into(), "127.0.0.1".into(), "[::1]".into(), addr.ip().to_string()]);
    }
    hosts
}

/// The application: the page, its assets and the API, behind the guard.
fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::file))
        .route("/api/search", get(api::search))
        .route("/api/doc/{id}", get(api::doc))
        .route("/api/keywords", get(api::keywords))
        .route("/api/stats", get(api::stats))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::check))
        .with_state(state)
}

/// Resolves when Ctrl-C or SIGTERM arrives.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("sou: stopping (requests in flight finish first)");
}

/// The shortest token `--token` accepts: a guessable token is no defence.
const MIN_TOKEN_CHARS: usize = 16;

/// `--addr` as a socket address: `IP:PORT`, or `HOST:PORT` resolved (`localhost:0`),
/// IPv4 first.
fn listen_address(addr: &str) -> Result<SocketAddr> {
    use std::net::ToSocketAddrs;
    let all: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .with_context(|| format!("--addr {addr}: not an address (IP:PORT or HOST:PORT, e.g. 127.0.0.1:7700)"))?
        .collect();
    all.iter().find(|a| a.is_ipv4()).or(all.first()).copied().with_context(|| format!("--addr {addr}: no address"))
}

/// Runs `sou serve` until Ctrl-C or SIGTERM.
pub fn run(globals: &Globals, args: &ServeArgs) -> Result<bool> {
    let token = args.token.clone().filter(|t| !t.is_empty());
    if let Some(t) = &token {
        let n = t.chars().count();
        if n < MIN_TOKEN_CHARS {
            bail!("--token: {n} characters are easy to guess; give at least {MIN_TOKEN_CHARS} (e.g. `openssl rand -hex 16`)");
        }
    }
    let bind = listen_address(&args.addr)?;
    if !bind.ip().is_loopback() && token.is_none() {
        bail!(
            "--addr {}: not a loopback address; anyone who can reach it could read the index. Give --token TOKEN (or SOU_TOKEN), then every API request needs `Authorization: Bearer TOKEN`",
            args.addr
        );
    }
    let engine = Engine::open_live(&globals.index, globals.tz.clone())?;
    let listener = std::net::TcpListener::bind(bind).with_context(|| format!("cannot listen on {}", args.addr))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState { engine, token, hosts: allowed_hosts(addr), cors: args.cors.clone() });
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the server")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        println!("sou: serving {} on http://{addr}/", globals.index.display());
        use std::io::Write;
        let _ = std::io::stdout().flush();
        axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await
    })?;
    Ok(true)
}
