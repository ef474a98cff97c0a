//! The page: HTML, CSS and JavaScript written for sou, compiled into the binary. Only
//! these names are served; no path reaches the file system.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes) of every asset.
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.js", "text/javascript; charset=utf-8", include_str!("page/app.js")),
    ("style.css", "text/css; charset=utf-8", include_str!("page/style.css")),
];

const INDEX: &str = include_str!("page/index.html");

/// `/`: the page.
pub async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], INDEX).into_response()
}

/// `/assets/{name}`: one of the embedded files, or 404.
pub async fn file(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => {
            ([(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, "no-cache")], *body).into_response()
        }
        None => super::api::error(StatusCode::NOT_FOUND, "no such page".into()),
    }
}
