//! The checks every request passes before a handler sees it, and the headers every
//! response leaves with: `Host` (DNS-rebinding defence), the bearer token (compared in
//! constant time), CORS for the one allowed origin, and security headers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::api::error;
use super::AppState;

/// No script, style or connection from anywhere but this server; no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn token_matches(req: &Request, token: &str) -> bool {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

/// Checks the request, runs the handler, adds the headers.
pub async fn check(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    // Without a token, only this machine's names: a page elsewhere that rebinds a name to
    // 127.0.0.1 is refused. With one, the token is the defence, and a server on 0.0.0.0
    // is reached by whatever name the network gives it.
    let foreign = !state.hosts.iter().any(|h| h.eq_ignore_ascii_case(host));
    let mut response = if state.token.is_none() && foreign {
        error(StatusCode::FORBIDDEN, format!("Host '{host}' is not this server (DNS rebinding is refused)"))
    } else if req.method() == Method::OPTIONS && state.cors.is_some() {
        StatusCode::NO_CONTENT.into_response()
    } else if req.method() != Method::GET && req.method() != Method::HEAD {
        error(StatusCode::METHOD_NOT_ALLOWED, "only GET: the server never writes".to_string())
    } else if req.uri().path().starts_with("/api/") && state.token.as_deref().is_some_and(|t| !token_matches(&req, t)) {
        let mut r = error(StatusCode::UNAUTHORIZED, "this server needs `Authorization: Bearer TOKEN`".to_string());
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    } else {
        next.run(req).await
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Some(origin) = state.cors.as_deref().and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization"));
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET"));
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}
