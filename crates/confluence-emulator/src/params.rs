//! Query-string reading for every v1 and v2 endpoint. Confluence accepts list filters both
//! repeated (`status=current&status=trashed`) and comma-separated (`id=1,2,3`), so one parser
//! serves all handlers. The few checks that differ between endpoint families (how strictly a
//! flag is read, the wording of a 400) are separate methods so each keeps its wire behaviour.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{self, Window};
use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;
use std::convert::Infallible;

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

    pub fn from_uri(uri: &Uri) -> Params {
        Params::from_query(uri.query())
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, repeated or comma-separated, trimmed, empty ones dropped.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Numeric ids of a v2 list filter such as `id` or `space-id`.
    pub fn ids(&self, key: &str) -> ApiResult<Vec<u64>> {
        self.all(key)
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

    /// A v2 boolean (`true`/`false`, case-insensitive); absent means `default`, else 400.
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

    /// Exactly `true` or `false`, as the comment and attachment endpoints check; absent means
    /// `default`, anything else is a 400.
    pub fn exact_flag(&self, key: &str, default: bool) -> ApiResult<bool> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(ApiError::bad_request(
                Flavor::V2,
                format!("Parameter '{key}' must be true or false, got '{other}'"),
            )),
        }
    }

    /// v1's lenient boolean: anything but `true` is false, absent means `default`.
    pub fn loose_flag(&self, key: &str, default: bool) -> bool {
        match self.get(key) {
            Some(v) => v.eq_ignore_ascii_case("true"),
            None => default,
        }
    }

    /// One value out of a fixed set (`sort`, `depth`, ...), or `None` when absent.
    pub fn one_of<'a>(&self, key: &str, allowed: &[&'a str]) -> ApiResult<Option<&'a str>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => pick(v, allowed)
                .map(Some)
                .ok_or_else(|| invalid_value(Flavor::V2, key, v, allowed, "")),
        }
    }

    /// Every value of a list filter, each checked against a fixed set.
    pub fn list_of<'a>(&self, key: &str, allowed: &[&'a str]) -> ApiResult<Vec<&'a str>> {
        self.all(key)
            .iter()
            .map(|v| pick(v, allowed).ok_or_else(|| invalid_value(Flavor::V2, key, v, allowed, "")))
            .collect()
    }

    /// Like [`Params::one_of`], in the wording the comment, label and attachment endpoints use.
    pub fn choice(&self, flavor: Flavor, key: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => pick(v, allowed)
                .map(|v| Some(v.to_owned()))
                .ok_or_else(|| invalid_value(flavor, key, v, allowed, "parameter ")),
        }
    }

    /// Like [`Params::list_of`], in the wording the comment, label and attachment endpoints use.
    pub fn choices(&self, flavor: Flavor, key: &str, allowed: &[&str]) -> ApiResult<Vec<String>> {
        let values = self.all(key);
        if let Some(bad) = values.iter().find(|v| pick(v, allowed).is_none()) {
            return Err(invalid_value(flavor, key, bad, allowed, "parameter "));
        }
        Ok(values)
    }

    /// v2's `limit` and `cursor`, answering 400 for a garbage cursor or limit.
    pub fn window(&self) -> ApiResult<Window> {
        pagination::cursor_window(self.get("limit"), self.get("cursor"))
    }

    /// v1's `start`/`limit` with Confluence's default of 25 and the endpoint's cap.
    pub fn start_window(&self, max: usize) -> ApiResult<Window> {
        pagination::start_window(self.get("start"), self.get("limit"), max)
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

/// Lets handlers take `params: Params` directly; reading a query string cannot fail.
impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Params, Infallible> {
        Ok(Params::from_uri(&parts.uri))
    }
}

fn pick<'a>(value: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed.iter().find(|a| **a == value).copied()
}

/// `noun` is `"parameter "` or empty: the two endpoint families word this 400 differently.
fn invalid_value(flavor: Flavor, key: &str, value: &str, allowed: &[&str], noun: &str) -> ApiError {
    ApiError::bad_request(
        flavor,
        format!(
            "Invalid value '{value}' for {noun}'{key}'; expected one of: {}",
            allowed.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_accept_repeats_and_commas() {
        let p = Params::from_query(Some("status=current,trashed&status=archived&id=1,%202"));
        assert_eq!(p.all("status"), vec!["current", "trashed", "archived"]);
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

    #[test]
    fn arrays_split_on_commas_and_repeat() {
        let uri: Uri = "/x?status=current,trashed&status=draft&limit=5"
            .parse()
            .unwrap();
        let p = Params::from_uri(&uri);
        assert_eq!(p.all("status"), vec!["current", "trashed", "draft"]);
        assert_eq!(p.get("limit"), Some("5"));
        assert!(p.choices(Flavor::V2, "status", &["current"]).is_err());
    }
}
