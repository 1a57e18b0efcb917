//! User search: `GET /rest/api/search/user?cql=…`, Confluence Cloud's only way to find users
//! by name. It takes user CQL only: `type = user`, `user` / `user.accountid` (account ids,
//! `currentUser()` too) and `user.fullname ~ "jo"` (names with a word starting with `jo`),
//! combined with AND, OR and NOT. Any other field is refused with 400, as Confluence does. The
//! answer is a v1 search page whose results carry a `user` object.

use super::json::{V1, date, user_json};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::User;
use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::routing::get;
use cql::{Clause, Expr, Field, FunctionName, Operator, Value as CqlValue};
use serde_json::{Value, json};
use std::time::Instant;

/// Most users per request (Confluence documents a "fixed system limit" without a number).
const MAX_LIMIT: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rest/api/search/user", get(search_users))
}

async fn search_users(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let started = Instant::now();
    let params = Params::from_uri(&uri);
    let cql_text = params
        .get("cql")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                V1,
                "CQL query parameter is required but was empty: send cql=user.fullname~\"name\"",
            )
        })?
        .to_owned();
    let query = cql::parse(&cql_text).map_err(|e| {
        ApiError::bad_request(V1, format!("Could not parse cql : {cql_text} ({e})"))
    })?;
    if let Some(filter) = &query.filter {
        check_user_fields(filter).map_err(|field| {
            ApiError::bad_request(
                V1,
                format!(
                    "Could not parse cql : {cql_text} (the field '{field}' cannot be used to \
                     search users; use type, user, user.accountid or user.fullname)"
                ),
            )
        })?;
    }
    let window = params.start_window(MAX_LIMIT)?;
    let base = state.wiki_base();
    let store = state.read();
    let mut found: Vec<&User> = store
        .users
        .iter()
        .filter(|u| {
            query
                .filter
                .as_ref()
                .is_none_or(|f| matches(u, f, &ctx.user))
        })
        .collect();
    found.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then(a.account_id.cmp(&b.account_id))
    });
    let seen = date(crate::seed::epoch());
    let items: Vec<Value> = found
        .iter()
        .map(|u| {
            json!({
                "user": user_json(&base, u),
                "title": u.display_name,
                "excerpt": "",
                "url": format!("/people/{}", u.account_id),
                "breadcrumbs": [],
                "entityType": "user",
                "iconCssClass": "aui-icon content-type-profile",
                "lastModified": seen,
                "score": 0.0,
            })
        })
        .collect();
    let total = items.len();
    let mut out = crate::pagination::v1_list(&state, &uri, items, window);
    out["totalSize"] = json!(total);
    out["cqlQuery"] = json!(cql_text);
    out["searchDuration"] = json!(started.elapsed().as_millis() as u64);
    Ok(axum::Json(out))
}

/// The first field in `expr` that user search does not know, if any.
fn check_user_fields(expr: &Expr) -> Result<(), String> {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().try_for_each(check_user_fields),
        Expr::Not(inner) => check_user_fields(inner),
        Expr::Clause(c) => match c.field {
            Field::Type | Field::User | Field::UserFullname => Ok(()),
            _ => Err(c.field_spelling().to_owned()),
        },
    }
}

fn matches(user: &User, expr: &Expr, caller: &User) -> bool {
    match expr {
        Expr::And(parts) => parts.iter().all(|p| matches(user, p, caller)),
        Expr::Or(parts) => parts.iter().any(|p| matches(user, p, caller)),
        Expr::Not(inner) => !matches(user, inner, caller),
        Expr::Clause(c) => clause(user, c, caller),
    }
}

fn clause(user: &User, c: &Clause, caller: &User) -> bool {
    let values: Vec<&str> = c
        .value
        .scalars()
        .iter()
        .filter_map(|v| match v {
            CqlValue::Text(t) => Some(t.as_str()),
            CqlValue::Function(f) if f.name == FunctionName::CurrentUser => {
                Some(caller.account_id.as_str())
            }
            _ => None,
        })
        .collect();
    let any = match c.field {
        Field::Type => values.iter().any(|v| v.eq_ignore_ascii_case("user")),
        Field::User => values.iter().any(|v| *v == user.account_id),
        Field::UserFullname => values.iter().any(|v| name_matches(&user.display_name, v)),
        _ => false,
    };
    match c.op {
        Operator::Ne | Operator::NotIn | Operator::NotContains => !any,
        _ => any,
    }
}

/// Every word of `fragment` starts a word of `name`, ignoring case (`"bo bu"` finds
/// "Bob Builder"); a trailing `*` changes nothing, since matching is by prefix already.
fn name_matches(name: &str, fragment: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let name_words = words(name);
    let wanted = words(fragment);
    !wanted.is_empty()
        && wanted
            .iter()
            .all(|w| name_words.iter().any(|n| n.starts_with(w.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_by_word_prefix() {
        assert!(name_matches("Bob Builder", "bob"));
        assert!(name_matches("Bob Builder", "BUILD"));
        assert!(name_matches("Bob Builder", "bo bu*"));
        assert!(!name_matches("Bob Builder", "ob"));
        assert!(!name_matches("Bob Builder", "bob carol"));
        assert!(!name_matches("Bob Builder", " * "));
    }
}
