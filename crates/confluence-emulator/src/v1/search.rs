//! CQL search: `GET /rest/api/search` (content and spaces, with excerpts) and
//! `GET /rest/api/content/search` (content objects only). Both styles serve the first;
//! through the OAuth gateway the second is gone with the other v1 content endpoints.

use std::borrow::Cow;

use super::content_json::{self as cj};
use super::json::{Expand, Renderer, V1, date, escape_html, friendly, push_escaped_html};
use crate::auth::Ctx;
use crate::cql_eval::{self, Item};
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{self, Window};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::*;
use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cql::{Expr, Field, Operator, Query, Value as CqlValue};
use serde_json::{Value, json};
use std::time::Instant;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/search", get(search))
        .route("/rest/api/content/search", get(content_search))
}

/// Longest plain-text excerpt, in characters.
const EXCERPT_CHARS: usize = 200;

/// Result caps: 25 with `export_view`/`styled_view` bodies (documented for Cloud), 50 with any
/// other body, 100 otherwise (Cloud's cap for plain searches; assumed, not documented).
fn cap(ex: &Expand) -> usize {
    let body = ex.sub("content").sub("body");
    let body = if body.is_empty() {
        ex.sub("body")
    } else {
        body
    };
    if body.has("export_view") || body.has("styled_view") {
        25
    } else if !body.is_empty() || ex.has("body") || ex.sub("content").has("body") {
        50
    } else {
        100
    }
}

/// Opaque `cursor` values for next/prev links (Cloud pages search results by cursor).
fn encode_cursor(offset: usize) -> String {
    pagination::encode_tagged_cursor("search", offset)
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    pagination::decode_tagged_cursor("search", cursor)
}

/// What both endpoints share: the parsed query, its hits and the page of them to show.
struct Run {
    cql: String,
    query: Query,
    window: Window,
    started: Instant,
}

fn prepare(params: &Params) -> ApiResult<Run> {
    let started = Instant::now();
    let cql = params
        .get("cql")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                V1,
                "CQL query parameter is required but was empty: send cql=...",
            )
        })?
        .to_owned();
    let query = cql::parse(&cql)
        .map_err(|e| ApiError::bad_request(V1, format!("Could not parse cql : {cql} ({e})")))?;
    let mut window = params.start_window(cap(&params.expand()))?;
    if let Some(cursor) = params.get("cursor").filter(|c| !c.is_empty()) {
        window.offset = decode_cursor(cursor).ok_or_else(|| {
            ApiError::bad_request(
                V1,
                "The cursor is invalid or expired; start again without a cursor",
            )
        })?;
    }
    Ok(Run {
        cql,
        query,
        window,
        started,
    })
}

/// `cqlcontext={"spaceKey":"DEV","contentId":"123"}` narrows the search.
struct Context {
    space_key: Option<String>,
    content_id: Option<u64>,
}

fn context(params: &Params) -> ApiResult<Context> {
    let Some(raw) = params.get("cqlcontext").filter(|c| !c.trim().is_empty()) else {
        return Ok(Context {
            space_key: None,
            content_id: None,
        });
    };
    let v: Value = serde_json::from_str(raw).map_err(|e| {
        ApiError::bad_request(
            V1,
            format!("cqlcontext must be a JSON object such as {{\"spaceKey\":\"DEV\"}}: {e}"),
        )
    })?;
    Ok(Context {
        space_key: v.get("spaceKey").and_then(Value::as_str).map(str::to_owned),
        content_id: v.get("contentId").and_then(super::content::id_value),
    })
}

/// Runs the query and applies the context and archived-space rules.
fn hits<'a>(
    index: &cql_eval::TextIndex,
    store: &'a crate::store::Store,
    user: &User,
    run: &Run,
    params: &Params,
) -> ApiResult<Vec<Item<'a>>> {
    let ctx = context(params)?;
    let include_archived = params.loose_flag("includeArchivedSpaces", false);
    let found =
        cql_eval::search(store, index, user, &run.query, chrono::Utc::now()).map_err(|e| {
            ApiError::bad_request(V1, format!("Could not execute cql : {} ({e})", run.cql))
        })?;
    Ok(found
        .into_iter()
        .filter(|item| {
            let space = space_of(store, *item);
            let archived = space.is_some_and(|s| s.status == "archived");
            let in_space = ctx
                .space_key
                .as_ref()
                .is_none_or(|k| space.is_some_and(|s| &s.key == k));
            let in_content = ctx.content_id.is_none_or(|cid| {
                container_of(store, *item)
                    .is_some_and(|c| c.id == cid || store.is_descendant_of(c.id, cid))
            });
            (include_archived || !archived) && in_space && in_content
        })
        .collect())
}

fn container_of<'a>(store: &'a crate::store::Store, item: Item<'a>) -> Option<&'a Content> {
    match item {
        Item::Content(c) => Some(c),
        Item::Comment(c) => store.contents.get(&c.container_id),
        Item::Attachment(a) => store.contents.get(&a.container_id),
        Item::Space(_) => None,
    }
}

fn space_of<'a>(store: &'a crate::store::Store, item: Item<'a>) -> Option<&'a Space> {
    match item {
        Item::Space(s) => Some(s),
        other => container_of(store, other).and_then(|c| store.spaces.get(&c.space_id)),
    }
}

/// `_links` with `next`/`prev` cursors relative to the wiki context, as Confluence writes them.
fn links(state: &AppState, uri: &Uri, window: Window, shown: usize, total: usize) -> Value {
    let path = crate::pagination::site_relative_path(uri);
    let mut out = json!({
        "base": state.wiki_base(),
        "context": "/wiki",
        "self": format!("{}{}", state.site_url, path),
    });
    let page_link = |offset: usize, dir: &str| {
        let mut pairs: Vec<(String, String)> = uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .filter(|(k, _)| !matches!(k.as_str(), "cursor" | "start" | "next" | "prev"))
                    .collect()
            })
            .unwrap_or_default();
        pairs.push((dir.to_owned(), "true".to_owned()));
        pairs.push(("cursor".to_owned(), encode_cursor(offset)));
        pairs.push(("start".to_owned(), offset.to_string()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let relative = path.strip_prefix("/wiki").unwrap_or(&path);
        format!("{relative}?{query}")
    };
    if window.offset + shown < total {
        out["next"] = json!(page_link(window.offset + shown, "next"));
    }
    if window.offset > 0 {
        out["prev"] = json!(page_link(
            window.offset.saturating_sub(window.limit),
            "prev"
        ));
    }
    out
}

async fn search(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let run = prepare(&params)?;
    let mode = match params.get("excerpt").unwrap_or("highlight") {
        m @ ("highlight" | "indexed" | "none" | "highlight_unescaped" | "indexed_unescaped") => {
            m.to_owned()
        }
        other => {
            return Err(ApiError::bad_request(
                V1,
                format!(
                    "Unknown excerpt strategy '{other}': use highlight, indexed, none, highlight_unescaped or indexed_unescaped"
                ),
            ));
        }
    };
    let terms = highlight_terms(&run.query);
    let store = state.read();
    let index = state.text_index(&store);
    let found = hits(&index, &store, &ctx.user, &run, &params)?;
    let total = found.len();
    let r = Renderer::new(&state, &store, &ctx.user);
    let ex = params.expand();
    let results: Vec<Value> = found
        .into_iter()
        .skip(run.window.offset)
        .take(run.window.limit)
        .map(|item| result(&r, &index, item, &ex, &mode, &terms))
        .collect();
    Ok(axum::Json(envelope(&state, &uri, &run, results, total)).into_response())
}

async fn content_search(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let run = prepare(&params)?;
    let store = state.read();
    let index = state.text_index(&store);
    let found: Vec<Item> = hits(&index, &store, &ctx.user, &run, &params)?
        .into_iter()
        .filter(|i| !matches!(i, Item::Space(_)))
        .collect();
    let total = found.len();
    let r = Renderer::new(&state, &store, &ctx.user);
    let ex = params.expand();
    let results: Vec<Value> = found
        .into_iter()
        .skip(run.window.offset)
        .take(run.window.limit)
        .filter_map(|item| content_value(&r, item, &ex))
        .collect();
    Ok(axum::Json(envelope(&state, &uri, &run, results, total)).into_response())
}

/// The list envelope both search endpoints answer with.
fn envelope(state: &AppState, uri: &Uri, run: &Run, results: Vec<Value>, total: usize) -> Value {
    let shown = results.len();
    json!({
        "results": results,
        "start": run.window.offset,
        "limit": run.window.limit,
        "size": shown,
        "totalSize": total,
        "cqlQuery": run.cql,
        "searchDuration": run.started.elapsed().as_millis() as u64,
        "_links": links(state, uri, run.window, shown, total),
    })
}

fn content_value(r: &Renderer, item: Item, ex: &Expand) -> Option<Value> {
    match item {
        Item::Content(c) => Some(cj::content(r, c, None, ex, false)),
        Item::Comment(c) => Some(cj::comment(r, c, ex, false)),
        Item::Attachment(a) => Some(cj::attachment(r, a, ex, false)),
        Item::Space(_) => None,
    }
}

/// One `/rest/api/search` result.
fn result(
    r: &Renderer,
    index: &cql_eval::TextIndex,
    item: Item,
    ex: &Expand,
    mode: &str,
    terms: &[String],
) -> Value {
    let plain = |body: &str| -> Cow<'_, str> {
        match index.plain_text(item) {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(cql_eval::plain_text(body)),
        }
    };
    let store = r.store;
    let space = space_of(store, item);
    let global =
        space.map(|s| json!({"title": s.name, "displayUrl": format!("/spaces/{}", s.key)}));
    let (title, text, url, icon, modified) = match item {
        Item::Content(c) => (
            c.title().to_owned(),
            plain(&c.current().body),
            cj::webui(r, c),
            format!("aui-icon content-type-{}", c.kind.as_str()),
            c.last_modified(),
        ),
        Item::Comment(cm) => {
            let container = store.contents.get(&cm.container_id);
            (
                format!("Re: {}", container.map(|c| c.title()).unwrap_or_default()),
                plain(&cm.current().body),
                container
                    .map(|c| {
                        format!(
                            "{}?focusedCommentId={}#comment-{}",
                            cj::webui(r, c),
                            cm.id,
                            cm.id
                        )
                    })
                    .unwrap_or_default(),
                "aui-icon content-type-comment".to_owned(),
                cm.current().created_at,
            )
        }
        Item::Attachment(a) => (
            a.title.clone(),
            Cow::Borrowed(a.comment.as_str()),
            format!(
                "/pages/viewpageattachments.action?pageId={}&preview=%2F{}%2Fatt{}",
                a.container_id, a.container_id, a.id
            ),
            format!(
                "aui-icon content-type-attachment-{}",
                attachment_icon(&a.media_type)
            ),
            a.created_at,
        ),
        Item::Space(s) => (
            s.name.clone(),
            Cow::Borrowed(s.description.as_str()),
            format!("/spaces/{}", s.key),
            "aui-icon content-type-space".to_owned(),
            s.created_at,
        ),
    };
    let highlight = mode.starts_with("highlight");
    let escape = !mode.ends_with("_unescaped");
    let shown_title = if highlight {
        mark(&title, terms, escape)
    } else if escape {
        escape_html(&title)
    } else {
        title.clone()
    };
    let excerpt = if mode == "none" {
        String::new()
    } else {
        let snippet = snippet(&text, terms);
        if highlight {
            mark(&snippet, terms, escape)
        } else if escape {
            escape_html(&snippet)
        } else {
            snippet
        }
    };
    let mut out = json!({
        "title": shown_title,
        "excerpt": excerpt,
        "url": url,
        "breadcrumbs": [],
        "entityType": if matches!(item, Item::Space(_)) { "space" } else { "content" },
        "iconCssClass": icon,
        "lastModified": date(modified),
        "friendlyLastModified": friendly(modified),
        "score": score(&title, &text, terms),
    });
    if let Some(g) = global {
        out["resultGlobalContainer"] = g;
    }
    match item {
        Item::Space(s) => out["space"] = r.space(s, &ex.sub("space")),
        other => {
            if let Some(v) = content_value(r, other, &ex.sub("content")) {
                out["content"] = v;
            }
        }
    }
    if let Item::Comment(Comment { container_id, .. })
    | Item::Attachment(Attachment { container_id, .. }) = item
        && let Some(c) = store.contents.get(container_id)
    {
        out["resultParentContainer"] = json!({"title": c.title(), "displayUrl": cj::webui(r, c)});
    }
    out
}

fn attachment_icon(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        t if t.starts_with("image/") => "image",
        t if t.starts_with("text/") => "text",
        _ => "unknown",
    }
}

/// Words of non-negated text clauses (`text ~`, `siteSearch ~`, `title ~`), to highlight.
fn highlight_terms(query: &Query) -> Vec<String> {
    fn walk(expr: &Expr, negated: bool, out: &mut Vec<String>) {
        match expr {
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| walk(p, negated, out)),
            Expr::Not(inner) => walk(inner, !negated, out),
            Expr::Clause(c) => {
                let texty = matches!(
                    c.field,
                    Field::Text | Field::SiteSearch | Field::Title | Field::Content
                );
                if negated || !texty || c.op != Operator::Contains {
                    return;
                }
                for v in c.value.scalars() {
                    if let CqlValue::Text(t) = v {
                        out.extend(
                            t.split(|ch: char| !(ch.is_alphanumeric() || ch == '*'))
                                .map(|w| w.trim_end_matches('*').to_lowercase())
                                .filter(|w| !w.is_empty()),
                        );
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Some(filter) = &query.filter {
        walk(filter, false, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a word of the text matches a search term (prefix, so `runbook` marks `runbooks`).
fn term_hit(word: &str, terms: &[String]) -> bool {
    if word.is_ascii() {
        // Terms are lower case; an ASCII word lower-cases byte by byte, no copy needed.
        return terms.iter().any(|t| {
            word.len() >= t.len() && word.as_bytes()[..t.len()].eq_ignore_ascii_case(t.as_bytes())
        });
    }
    let lower = word.to_lowercase();
    terms.iter().any(|t| lower.starts_with(t.as_str()))
}

/// Up to [`EXCERPT_CHARS`] of whitespace-collapsed text around the first match, or its start.
fn snippet(text: &str, terms: &[String]) -> String {
    let first = text
        .split_whitespace()
        .position(|w| term_hit(w.trim_matches(|c: char| !c.is_alphanumeric()), terms))
        .unwrap_or(0);
    let begin = first.saturating_sub(8);
    let mut out = String::new();
    for w in text.split_whitespace().skip(begin) {
        if out.chars().count() + w.chars().count() + 1 > EXCERPT_CHARS {
            out.push_str(" ...");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if begin > 0 {
        out.insert_str(0, "... ");
    }
    out
}

/// Wraps matching words in `@@@hl@@@`/`@@@endhl@@@`, escaping HTML when asked.
fn mark(text: &str, terms: &[String], escape: bool) -> String {
    let push = |out: &mut String, s: &str| {
        if escape {
            push_escaped_html(out, s);
        } else {
            out.push_str(s);
        }
    };
    let mut out = String::with_capacity(text.len() + 32);
    if terms.is_empty() {
        push(&mut out, text);
        return out;
    }
    // Alternating runs of word and non-word characters; word runs that hit a term are marked.
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let word = &rest[..word_end];
        if !word.is_empty() {
            if term_hit(word, terms) {
                out.push_str("@@@hl@@@");
                push(&mut out, word);
                out.push_str("@@@endhl@@@");
            } else {
                push(&mut out, word);
            }
        }
        rest = &rest[word_end..];
        let gap_end = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
        push(&mut out, &rest[..gap_end]);
        rest = &rest[gap_end..];
    }
    out
}

/// A relevance-like score: title hits weigh more than body hits.
fn score(title: &str, text: &str, terms: &[String]) -> f64 {
    if terms.is_empty() {
        return 1.0;
    }
    let raw = 3.0 * hit_words(title, terms) as f64 + hit_words(text, terms) as f64;
    (raw.ln_1p() * 1000.0).round() / 1000.0
}

/// How many words of `text` start with one of `terms` (lower case), as [`term_hit`] counts.
/// ASCII text is searched for the terms' letters instead of being split into words.
fn hit_words(text: &str, terms: &[String]) -> usize {
    if !text.is_ascii() || terms.iter().any(|t| t.is_empty() || !t.is_ascii()) {
        return text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && term_hit(w, terms))
            .count();
    }
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    for term in terms {
        let term = term.as_bytes();
        let mut from = 0;
        let (lower, upper) = (term[0], term[0].to_ascii_uppercase());
        while let Some(found) = memchr::memchr2(lower, upper, &bytes[from..]) {
            let at = from + found;
            let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
            if word_start
                && bytes
                    .get(at..at + term.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(term))
            {
                starts.push(at);
            }
            from = at + 1;
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_skip_negated_and_non_text_clauses() {
        let q = cql::parse("text ~ \"Failover runbook*\" AND NOT title ~ draft AND space = ENG")
            .unwrap();
        assert_eq!(highlight_terms(&q), vec!["failover", "runbook"]);
    }

    #[test]
    fn hit_words_counts_like_splitting_into_words() {
        let terms = vec!["run".to_owned(), "fail".to_owned(), "runbook".to_owned()];
        for text in [
            "Runbook: run the failover, then RUN it again; rerun is not a hit.",
            "run-run_run 3run runs FAILS failing",
            "",
            "été run",
            "xrun ru r",
        ] {
            let want = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty() && term_hit(w, &terms))
                .count();
            assert_eq!(hit_words(text, &terms), want, "{text}");
        }
    }

    #[test]
    fn marks_and_escapes() {
        let terms = vec!["fail".to_owned()];
        assert_eq!(
            mark("a <b> Failover", &terms, true),
            "a &lt;b&gt; @@@hl@@@Failover@@@endhl@@@"
        );
        assert_eq!(mark("x<y", &[], false), "x<y");
    }

    #[test]
    fn snippet_centres_on_first_match() {
        let text = (0..100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " target end";
        let s = snippet(&text, &["target".to_owned()]);
        assert!(s.starts_with("... ") && s.contains("target"));
        assert!(s.chars().count() <= EXCERPT_CHARS + 8);
        assert!(snippet("hello world", &[]).starts_with("hello"));
    }
}
