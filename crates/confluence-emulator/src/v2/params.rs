//! Query-string reading for v2 endpoints. Confluence accepts list filters both repeated
//! (`status=current&status=trashed`) and comma-separated (`id=1,2,3`), and answers 400 for
//! values it does not know, so every v2 handler reads its parameters the same way.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{Window, cursor_window};
use serde_json::Value;

/// The decoded query string, in order, repeated keys kept.
#[derive(Clone, Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn from_query(raw: Option<&str>) -> Params {
        Params(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        )
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, repeated or comma-separated, trimmed, empty ones dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Numeric ids of a list filter such as `id` or `space-id`.
    pub fn ids(&self, key: &str) -> ApiResult<Vec<u64>> {
        self.list(key)
            .iter()
            .map(|raw| {
                raw.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(
                        Flavor::V2,
                        format!("Provided value {{{raw}}} for '{key}' is not the correct type. Expected type is long"),
                    )
                })
            })
            .collect()
    }

    /// A boolean flag (`true`/`false`, case-insensitive); absent means `default`.
    pub fn flag(&self, key: &str, default: bool) -> ApiResult<bool> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::bad_request(
                Flavor::V2,
                format!(
                    "Provided value {{{v}}} for '{key}' is not the correct type. Expected type is boolean"
                ),
            )),
        }
    }

    /// One value out of a fixed set (`sort`, `depth`, ...), or `None` when absent.
    pub fn one_of<'a>(&self, key: &str, allowed: &[&'a str]) -> ApiResult<Option<&'a str>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => allowed
                .iter()
                .find(|a| **a == v)
                .map(|a| Some(*a))
                .ok_or_else(|| invalid_value(key, v, allowed)),
        }
    }

    /// Every value of a list filter, each checked against a fixed set.
    pub fn list_of<'a>(&self, key: &str, allowed: &[&'a str]) -> ApiResult<Vec<&'a str>> {
        self.list(key)
            .iter()
            .map(|v| {
                allowed
                    .iter()
                    .find(|a| **a == v.as_str())
                    .copied()
                    .ok_or_else(|| invalid_value(key, v, allowed))
            })
            .collect()
    }

    /// `limit` and `cursor`, answering 400 for a garbage cursor or limit.
    pub fn window(&self) -> ApiResult<Window> {
        cursor_window(self.get("limit"), self.get("cursor"))
    }

    /// An integer parameter such as `depth` or `version`.
    pub fn integer(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                ApiError::bad_request(
                    Flavor::V2,
                    format!("Provided value {{{v}}} for '{key}' is not the correct type. Expected type is integer"),
                )
            }),
        }
    }
}

fn invalid_value(key: &str, value: &str, allowed: &[&str]) -> ApiError {
    ApiError::bad_request(
        Flavor::V2,
        format!(
            "Invalid value '{value}' for '{key}'; expected one of: {}",
            allowed.join(", ")
        ),
    )
}

/// Serializes only the items inside `window`, leaving cheap placeholders elsewhere, so
/// [`crate::pagination::v2_list`] can count and slice the whole list without rendering bodies
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
    fn lists_accept_repeats_and_commas() {
        let p = Params::from_query(Some("status=current,trashed&status=archived&id=1,%202"));
        assert_eq!(p.list("status"), vec!["current", "trashed", "archived"]);
        assert_eq!(p.ids("id").ok(), Some(vec![1, 2]));
        assert!(Params::from_query(Some("id=x")).ids("id").is_err());
    }

    #[test]
    fn enums_and_flags_reject_unknown_values() {
        let p = Params::from_query(Some("sort=-id&purge=TRUE&bad=maybe"));
        assert_eq!(p.one_of("sort", &["id", "-id"]).ok(), Some(Some("-id")));
        assert!(p.one_of("sort", &["title"]).is_err());
        assert_eq!(p.flag("purge", false).ok(), Some(true));
        assert!(p.flag("bad", false).is_err());
        assert_eq!(p.flag("absent", true).ok(), Some(true));
    }
}
