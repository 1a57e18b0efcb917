//! The browser half of the authorization-code flow: `GET /authorize` shows a consent page
//! (or consents at once with the emulator's `auto_consent=EMAIL`), `POST /authorize` takes the
//! answer and redirects back with a code or an error.

use crate::state::AppState;
use crate::v1::json::escape_html;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct AuthorizeParams {
    #[serde(default)]
    pub audience: Option<String>,
    pub client_id: String,
    #[serde(default)]
    pub scope: Option<String>,
    pub redirect_uri: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub response_type: Option<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub code_challenge_method: Option<String>,
    /// Emulator extension for tests: consent at once as the user with this email.
    #[serde(default)]
    pub auto_consent: Option<String>,
}

fn redirect_with(params: &AuthorizeParams, pairs: &[(&str, &str)]) -> Response {
    let mut url = match url::Url::parse(&params.redirect_uri) {
        Ok(url) => url,
        Err(_) => {
            return (StatusCode::BAD_REQUEST, "redirect_uri is not a valid URL").into_response();
        }
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = &params.state {
            query.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

/// Why an authorize request cannot proceed; shown to the user, never redirected.
fn check_authorize(
    state: &AppState,
    params: &AuthorizeParams,
) -> Result<(), (StatusCode, &'static str)> {
    if params.client_id != state.oauth.client_id {
        return Err((StatusCode::BAD_REQUEST, "Unknown client_id"));
    }
    if params.response_type.as_deref().is_some_and(|r| r != "code") {
        return Err((StatusCode::BAD_REQUEST, "response_type must be 'code'"));
    }
    if url::Url::parse(&params.redirect_uri).is_err() {
        return Err((StatusCode::BAD_REQUEST, "redirect_uri is not a valid URL"));
    }
    Ok(())
}

/// `GET /authorize`: the consent page, or an immediate redirect with `auto_consent=EMAIL`.
pub async fn authorize_page(
    State(state): State<AppState>,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if let Err(refusal) = check_authorize(&state, &params) {
        return refusal.into_response();
    }
    if let Some(email) = &params.auto_consent {
        let account = state
            .read()
            .user_by_email(email)
            .map(|u| u.account_id.clone());
        return match account {
            Some(account_id) => {
                let code = state.oauth.issue_code(&account_id, &params);
                redirect_with(&params, &[("code", &code)])
            }
            None => redirect_with(&params, &[("error", "access_denied")]),
        };
    }
    let users: Vec<(String, String, String)> = state
        .read()
        .users
        .iter()
        .map(|u| {
            (
                u.account_id.clone(),
                u.display_name.clone(),
                u.email.clone(),
            )
        })
        .collect();
    let hidden: String = [
        ("client_id", Some(params.client_id.clone())),
        ("redirect_uri", Some(params.redirect_uri.clone())),
        ("scope", params.scope.clone()),
        ("state", params.state.clone()),
        ("code_challenge", params.code_challenge.clone()),
        (
            "code_challenge_method",
            params.code_challenge_method.clone(),
        ),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_ref().map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape_html(v)
            )
        })
    })
    .collect();
    let options: String = users
        .iter()
        .map(|(id, name, email)| {
            format!(
                "<label><input type=\"radio\" name=\"account_id\" value=\"{}\" required> {} &lt;{}&gt;</label><br>",
                escape_html(id),
                escape_html(name),
                escape_html(email)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><title>Authorize access</title></head><body>\
         <h1>Confluence emulator</h1><p>An app wants access to Confluence with the scopes: <code>{}</code></p>\
         <form method=\"post\" action=\"/authorize\">{hidden}{options}\
         <button name=\"decision\" value=\"accept\">Accept</button> \
         <button name=\"decision\" value=\"deny\" formnovalidate>Deny</button></form></body></html>",
        escape_html(params.scope.as_deref().unwrap_or(""))
    ))
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    account_id: Option<String>,
    decision: String,
}

/// `POST /authorize`: the consent form's answer.
pub async fn authorize_consent(
    State(state): State<AppState>,
    Form(form): Form<ConsentForm>,
) -> Response {
    if let Err(refusal) = check_authorize(&state, &form.params) {
        return refusal.into_response();
    }
    if form.decision != "accept" {
        return redirect_with(&form.params, &[("error", "access_denied")]);
    }
    let known = form
        .account_id
        .as_deref()
        .is_some_and(|id| state.read().user_by_account(id).is_some());
    match (known, form.account_id.as_deref()) {
        (true, Some(account_id)) => {
            let code = state.oauth.issue_code(account_id, &form.params);
            redirect_with(&form.params, &[("code", &code)])
        }
        _ => (StatusCode::BAD_REQUEST, "Choose a user to consent as").into_response(),
    }
}
