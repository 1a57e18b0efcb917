//! Building blocks of the v1 wire format shared by every v1 family: the `expand` tree, dates,
//! users, spaces and list envelopes (query parsing itself is [`crate::params`]). Content shapes live in
//! `content_json.rs`.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::*;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

pub const V1: Flavor = Flavor::V1;

/// Kept with [`Expand`] rather than in `crate::params`, as `expand` exists only in v1.
impl Params {
    pub fn expand(&self) -> Expand {
        Expand(self.all("expand"))
    }
}

/// The `expand` parameter as a tree of dotted paths (`body.storage`, `history.lastUpdated`).
#[derive(Clone, Debug, Default)]
pub struct Expand(Vec<String>);

impl Expand {
    pub fn of(paths: &[&str]) -> Expand {
        Expand(paths.iter().map(|s| (*s).to_owned()).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `key` or anything below it was asked for.
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|p| {
            p == key
                || p.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// The expansions below `key` (`body.storage` → `storage` under `body`).
    pub fn sub(&self, key: &str) -> Expand {
        Expand(
            self.0
                .iter()
                .filter_map(|p| p.strip_prefix(key)?.strip_prefix('.'))
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// RFC 3339 with milliseconds and `Z`, as Confluence writes dates.
pub fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Confluence's human form of a date: recent ones relative, older ones as `Jun 01, 2026`.
pub fn friendly(at: DateTime<Utc>) -> String {
    let age = Utc::now().signed_duration_since(at);
    let minutes = age.num_minutes();
    if age.num_seconds() < 0 {
        at.format("%b %d, %Y").to_string()
    } else if minutes < 1 {
        "just a moment ago".to_owned()
    } else if minutes < 60 {
        format!(
            "{minutes} minute{} ago",
            if minutes == 1 { "" } else { "s" }
        )
    } else if age.num_hours() < 24 {
        let h = age.num_hours();
        format!("about {h} hour{} ago", if h == 1 { "" } else { "s" })
    } else if age.num_hours() < 48 {
        "yesterday".to_owned()
    } else {
        at.format("%b %d, %Y").to_string()
    }
}

/// The short `/x/...` link Confluence derives from a content id.
pub fn tiny_link(id: u64) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(id.to_le_bytes());
    let trimmed = encoded.trim_end_matches(['=', 'A']);
    format!("/x/{}", trimmed.replace('/', "-").replace('+', "_"))
}

/// What every serializer needs: the site for links, the store, and who is looking.
pub struct Renderer<'a> {
    pub state: &'a AppState,
    pub store: &'a Store,
    pub viewer: &'a User,
}

impl<'a> Renderer<'a> {
    pub fn new(state: &'a AppState, store: &'a Store, viewer: &'a User) -> Renderer<'a> {
        Renderer {
            state,
            store,
            viewer,
        }
    }

    pub fn base(&self) -> String {
        self.state.wiki_base()
    }

    /// An absolute API link, e.g. `self` links.
    pub fn api(&self, path: &str) -> String {
        format!("{}/rest/api{path}", self.base())
    }

    /// A user as v1 shows it (`history.createdBy`, `version.by`, `/user`).
    pub fn user(&self, account_id: &str) -> Value {
        match self.store.user_by_account(account_id) {
            Some(u) => user_json(&self.state.wiki_base(), u),
            None => json!({
                "type": "unknown",
                "accountId": account_id,
                "accountType": "",
                "email": "",
                "publicName": "Unknown user",
                "displayName": "Unknown user",
                "isExternalCollaborator": false,
                "_expandable": {"operations": "", "personalSpace": ""},
                "_links": {"self": self.api(&format!("/user?accountId={account_id}"))},
            }),
        }
    }

    /// A space; `ex` may ask for `description.plain`, `description.view`, `homepage`, `icon`,
    /// `history` and `metadata.labels`.
    pub fn space(&self, space: &Space, ex: &Expand) -> Value {
        let key = &space.key;
        let mut out = Map::new();
        out.insert("id".into(), json!(space.id));
        out.insert("key".into(), json!(key));
        out.insert("alias".into(), json!(key));
        out.insert("name".into(), json!(space.name));
        out.insert("type".into(), json!(space.space_type.as_str()));
        out.insert("status".into(), json!(space.status));
        let mut expandable = Map::new();
        for (name, link) in [
            ("settings", format!("/rest/api/space/{key}/settings")),
            ("metadata", String::new()),
            ("operations", String::new()),
            (
                "lookAndFeel",
                format!("/rest/api/settings/lookandfeel?spaceKey={key}"),
            ),
            ("identifiers", String::new()),
            ("permissions", String::new()),
            ("roles", String::new()),
            ("icon", String::new()),
            ("description", String::new()),
            ("theme", format!("/rest/api/space/{key}/theme")),
            ("history", String::new()),
            ("homepage", String::new()),
        ] {
            if !ex.has(name) {
                expandable.insert(name.into(), json!(link));
            }
        }
        if let Some(home) = space.homepage_id
            && let Some(link) = expandable.get_mut("homepage")
        {
            *link = json!(format!("/rest/api/content/{home}"));
        }
        if ex.has("icon") {
            out.insert(
                "icon".into(),
                json!({"path": "/images/logo/default-space-logo.svg", "width": 48, "height": 48, "isDefault": false}),
            );
        }
        if ex.has("description") {
            let sub = ex.sub("description");
            let mut d = Map::new();
            let mut d_exp = Map::new();
            for rep in ["plain", "view"] {
                if sub.has(rep) {
                    let value = if rep == "view" {
                        format!("<p>{}</p>", escape_html(&space.description))
                    } else {
                        space.description.clone()
                    };
                    d.insert(
                        rep.into(),
                        json!({"value": value, "representation": rep, "embeddedContent": []}),
                    );
                } else {
                    d_exp.insert(rep.into(), json!(""));
                }
            }
            d.insert("_expandable".into(), Value::Object(d_exp));
            out.insert("description".into(), Value::Object(d));
        }
        if ex.has("homepage")
            && let Some(home) = space
                .homepage_id
                .and_then(|id| self.store.readable_content(self.viewer, id))
        {
            out.insert(
                "homepage".into(),
                crate::v1::content_json::content(self, home, None, &ex.sub("homepage"), false),
            );
        }
        if ex.has("history") {
            out.insert(
                "history".into(),
                json!({"createdDate": date(space.created_at), "createdBy": self.user(&space.author_id)}),
            );
        }
        if ex.has("metadata") {
            out.insert(
                "metadata".into(),
                json!({"labels": {"results": [], "start": 0, "limit": 200, "size": 0}, "_expandable": {}}),
            );
        }
        if ex.has("operations") {
            let mut ops = vec![json!({"operation": "read", "targetType": "space"})];
            if self.store.can_write_space(self.viewer, space.id) {
                ops.push(json!({"operation": "create", "targetType": "page"}));
                ops.push(json!({"operation": "create", "targetType": "blogpost"}));
            }
            out.insert("operations".into(), Value::Array(ops));
        }
        out.insert("_expandable".into(), Value::Object(expandable));
        out.insert(
            "_links".into(),
            json!({"webui": format!("/spaces/{key}"), "self": self.api(&format!("/space/{key}"))}),
        );
        Value::Object(out)
    }
}

/// A user in v1's shape.
pub fn user_json(base: &str, u: &User) -> Value {
    json!({
        "type": "known",
        "accountId": u.account_id,
        "accountType": "atlassian",
        "email": u.email,
        "publicName": u.display_name,
        "profilePicture": {
            "path": format!("/wiki/aa-avatar/{}", u.account_id),
            "width": 48,
            "height": 48,
            "isDefault": false,
        },
        "displayName": u.display_name,
        "timeZone": "Etc/UTC",
        "isExternalCollaborator": false,
        "isGuest": false,
        "_expandable": {"operations": "", "personalSpace": ""},
        "_links": {"self": format!("{base}/rest/api/user?accountId={}", u.account_id)},
    })
}

/// The `_links.base` and `_links.context` a top-level v1 object carries, so clients can
/// turn its relative links into absolute ones.
pub fn add_site_links(value: &mut Value, state: &AppState) {
    value["_links"]["base"] = json!(state.wiki_base());
    value["_links"]["context"] = json!("/wiki");
}

/// Minimal HTML escaping for text placed into markup.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_html(&mut out, text);
    out
}

/// Appends `text` with `&`, `<`, `>` and `"` escaped, in one pass.
pub fn push_escaped_html(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// 404 for content the caller cannot see or that does not exist; Confluence does not tell
/// the two apart.
pub fn no_content(id: u64) -> ApiError {
    ApiError::not_found(
        V1,
        format!("No content found with id: ContentId{{id={id}}}"),
    )
}

pub fn no_space(key: &str) -> ApiError {
    ApiError::not_found(V1, format!("No space found with key : {key}"))
}

/// Reads a content id that may carry the `att` prefix attachments use in v1.
pub fn parse_content_id(raw: &str) -> ApiResult<u64> {
    ApiError::parse_id(V1, raw.trim().trim_start_matches("att"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_paths_nest_and_alias() {
        let ex = Expand::of(&["body.view.value", "history.lastUpdated", "space"]);
        assert!(ex.has("body") && ex.has("body.view") && ex.has("space"));
        assert!(!ex.has("bod") && !ex.has("version"));
        assert!(ex.sub("body").has("view"));
        assert!(ex.sub("history").has("lastUpdated"));
        assert!(ex.sub("space").is_empty());
    }

    #[test]
    fn tiny_links_are_short_and_url_safe() {
        let t = tiny_link(65_538);
        assert!(t.starts_with("/x/") && !t[3..].contains(['=', '/', '+']));
        assert_ne!(tiny_link(1), tiny_link(2));
    }

    #[test]
    fn friendly_dates() {
        assert_eq!(friendly(Utc::now()), "just a moment ago");
        let old = Utc::now() - chrono::Duration::days(30);
        assert_eq!(friendly(old), old.format("%b %d, %Y").to_string());
    }
}
