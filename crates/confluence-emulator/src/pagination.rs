//! Confluence's two pagination schemes: v2's opaque cursors with `Link: <…>; rel="next"` and
//! `_links.next`, and v1's `start`/`limit`/`size`.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::state::AppState;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 250;

/// Where a page of results starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub offset: usize,
    pub limit: usize,
}

/// Reads `limit` (default 25, capped at 250 as Confluence does) and an opaque `cursor`.
pub fn cursor_window(limit: Option<&str>, cursor: Option<&str>) -> ApiResult<Window> {
    let limit = parse_limit(Flavor::V2, limit, MAX_LIMIT)?;
    let offset = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => decode_cursor(c).ok_or_else(|| {
            ApiError::bad_request(
                Flavor::V2,
                "The cursor is invalid or expired; start again without a cursor",
            )
        })?,
    };
    Ok(Window { offset, limit })
}

/// Reads v1 `start` and `limit`.
pub fn start_window(start: Option<&str>, limit: Option<&str>, max: usize) -> ApiResult<Window> {
    let limit = parse_limit(Flavor::V1, limit, max)?;
    let offset = match start {
        None | Some("") => 0,
        Some(s) => s.parse::<usize>().map_err(|_| {
            ApiError::bad_request(
                Flavor::V1,
                format!("start must be a non-negative integer, got '{s}'"),
            )
        })?,
    };
    Ok(Window { offset, limit })
}

fn parse_limit(flavor: Flavor, raw: Option<&str>, max: usize) -> ApiResult<usize> {
    match raw {
        None | Some("") => Ok(DEFAULT_LIMIT.min(max)),
        Some(s) => {
            let n: i64 = s.parse().map_err(|_| {
                ApiError::bad_request(flavor, format!("limit must be an integer, got '{s}'"))
            })?;
            if n < 1 {
                return Err(ApiError::bad_request(flavor, "limit must be at least 1"));
            }
            Ok((n as usize).min(max))
        }
    }
}

pub fn encode_cursor(offset: usize) -> String {
    encode_tagged_cursor("emu", offset)
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    decode_tagged_cursor("emu", cursor)
}

/// An opaque cursor for `offset`; the tag keeps cursors of different lists apart.
pub fn encode_tagged_cursor(tag: &str, offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{tag}:{offset}"))
}

/// The offset in a cursor made by [`encode_tagged_cursor`] with the same tag.
pub fn decode_tagged_cursor(tag: &str, cursor: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix(tag)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

/// The request's path below the site (`/wiki/...`), whichever style it came in by. Confluence's
/// next links are relative to the site, also through the OAuth gateway.
pub fn site_relative_path(uri: &Uri) -> String {
    let path = uri.path();
    if let Some(rest) = path.strip_prefix("/ex/confluence/")
        && let Some((_, wiki)) = rest.split_once('/')
    {
        return format!("/{wiki}");
    }
    path.to_owned()
}

/// Rebuilds the request URL with `key` set to `value` (other parameters kept, in order).
pub fn relative_link_with(uri: &Uri, key: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != key)
                .collect()
        })
        .unwrap_or_default();
    pairs.push((key.to_owned(), value.to_owned()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{}?{query}", site_relative_path(uri))
}

/// A v2 list response for one window of `items` (the whole filtered, ordered list).
pub fn v2_list(state: &AppState, uri: &Uri, items: Vec<Value>, window: Window) -> Response {
    let total = items.len();
    let end = window.offset.saturating_add(window.limit).min(total);
    let results: Vec<Value> = items
        .into_iter()
        .skip(window.offset)
        .take(end.saturating_sub(window.offset))
        .collect();
    let base = state.wiki_base();
    let mut links = json!({ "base": base });
    let next = (end < total).then(|| relative_link_with(uri, "cursor", &encode_cursor(end)));
    if let Some(next) = &next {
        links["next"] = json!(next);
    }
    let mut response = axum::Json(json!({ "results": results, "_links": links })).into_response();
    if let Some(next) = next
        && let Ok(value) =
            HeaderValue::from_str(&format!("<{next}>; rel=\"next\", <{base}>; rel=\"base\""))
    {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

/// v1 links are relative to the wiki context (`/rest/api/...`): clients join them onto `/wiki`.
fn context_relative(link: String) -> String {
    match link.strip_prefix("/wiki/") {
        Some(rest) => format!("/{rest}"),
        None => link,
    }
}

/// A v1 list body (`results`, `start`, `limit`, `size`, `_links`) for one window of `items`.
pub fn v1_list(state: &AppState, uri: &Uri, items: Vec<Value>, window: Window) -> Value {
    let total = items.len();
    let results: Vec<Value> = items
        .into_iter()
        .skip(window.offset)
        .take(window.limit)
        .collect();
    let size = results.len();
    let mut links = json!({
        "base": state.wiki_base(),
        "context": "/wiki",
        "self": format!("{}{}", state.site_url, site_relative_path(uri)),
    });
    if window.offset + size < total {
        links["next"] = json!(context_relative(relative_link_with(
            uri,
            "start",
            &(window.offset + size).to_string()
        )));
    }
    if window.offset > 0 {
        links["prev"] = json!(context_relative(relative_link_with(
            uri,
            "start",
            &window.offset.saturating_sub(window.limit).to_string()
        )));
    }
    json!({
        "results": results,
        "start": window.offset,
        "limit": window.limit,
        "size": size,
        "_links": links,
    })
}

/// Serializes only the items inside `window`, leaving cheap placeholders elsewhere, so
/// [`v2_list`] can count and slice the whole list without rendering bodies
/// of pages that are not on this page of results.
pub fn windowed<T>(items: &[T], window: Window, mut render: impl FnMut(&T) -> Value) -> Vec<Value> {
    let end = window.offset.saturating_add(window.limit);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if i >= window.offset && i < end {
                render(item)
            } else {
                Value::Null
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(125)), Some(125));
        assert_eq!(decode_cursor("not-a-cursor"), None);
    }

    #[test]
    fn limit_defaults_caps_and_rejects() {
        assert_eq!(cursor_window(None, None).map(|w| w.limit).ok(), Some(25));
        assert_eq!(
            cursor_window(Some("1000"), None).map(|w| w.limit).ok(),
            Some(250)
        );
        assert!(cursor_window(Some("0"), None).is_err());
        assert!(cursor_window(Some("x"), None).is_err());
    }

    #[test]
    fn next_link_is_site_relative_and_keeps_other_params() {
        let uri: Uri = "/ex/confluence/abc/wiki/api/v2/pages?limit=5&cursor=old&space-id=1"
            .parse()
            .unwrap();
        let link = relative_link_with(&uri, "cursor", "new");
        assert_eq!(link, "/wiki/api/v2/pages?limit=5&space-id=1&cursor=new");
    }
}
