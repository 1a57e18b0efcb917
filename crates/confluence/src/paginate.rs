//! Lists as async streams: follow `_links.next` (or the `Link` header) until the caller's caps
//! on items or pages are reached.

use crate::client::{Client, Request, Target};
use crate::error::{Error, Result};
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;

/// A stream of list items, each page fetched when the previous one is used up.
pub type Paged<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// Caller-set limits on a list.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageCaps {
    /// Stop after this many items.
    pub max_items: Option<usize>,
    /// Stop after this many pages (requests).
    pub max_pages: Option<usize>,
    /// Items per request (`limit`); Confluence's default when unset.
    pub page_size: Option<u32>,
}

impl PageCaps {
    pub fn items(max_items: usize) -> PageCaps {
        PageCaps {
            max_items: Some(max_items),
            ..PageCaps::default()
        }
    }
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default = "Vec::new")]
    results: Vec<T>,
    #[serde(rename = "_links", default)]
    links: Option<Links>,
}

#[derive(Deserialize, Default)]
struct Links {
    next: Option<String>,
}

struct State<T> {
    client: Client,
    next: Option<Request>,
    buffer: VecDeque<T>,
    pages: usize,
    items: usize,
    caps: PageCaps,
    failed: bool,
}

/// The `rel="next"` target of a `Link` header.
fn link_next(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let raw = headers.get(reqwest::header::LINK)?.to_str().ok()?;
    raw.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

async fn fetch_page<T: DeserializeOwned>(
    client: &Client,
    req: Request,
) -> Result<(Vec<T>, Option<String>)> {
    let resp = client.send(req).await?;
    let header_next = link_next(resp.headers());
    let bytes = resp.bytes().await.map_err(|e| Error::Network {
        message: format!("reading a list page: {e}"),
    })?;
    let page: Envelope<T> =
        serde_json::from_slice(&bytes).map_err(|e| Error::upstream_decode("list page", e))?;
    let next = page.links.and_then(|l| l.next).or(header_next);
    Ok((page.results, next))
}

/// Streams the items of a list endpoint.
pub(crate) fn paginate<T>(client: &Client, first: Request, caps: PageCaps) -> Paged<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let first = match caps.page_size {
        Some(size) if !first.query.iter().any(|(k, _)| k == "limit") => first.query("limit", size),
        _ => first,
    };
    let state = State {
        client: client.clone(),
        next: Some(first),
        buffer: VecDeque::new(),
        pages: 0,
        items: 0,
        caps,
        failed: false,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if st.failed || st.caps.max_items.is_some_and(|m| st.items >= m) {
                return None;
            }
            if let Some(item) = st.buffer.pop_front() {
                st.items += 1;
                return Some((Ok(item), st));
            }
            if st.caps.max_pages.is_some_and(|m| st.pages >= m) {
                return None;
            }
            let req = st.next.take()?;
            st.pages += 1;
            match fetch_page::<T>(&st.client, req).await {
                Ok((items, next)) => {
                    st.buffer.extend(items);
                    if let Some(link) = next.filter(|l| !l.is_empty()) {
                        match st.client.resolve_link(&link).await {
                            Ok(url) => {
                                let mut r = Request::get(String::new());
                                r.target = Target::Url(url);
                                st.next = Some(r);
                            }
                            Err(e) => {
                                st.failed = true;
                                return Some((Err(e), st));
                            }
                        }
                    }
                }
                Err(e) => {
                    st.failed = true;
                    return Some((Err(e), st));
                }
            }
        }
    })
    .boxed()
}

/// One page of a v2 list and the cursor of the next, for callers that hand paging to their own
/// users (an agent continuing a listing in a later call) instead of streaming to the end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Fetches the page `first` names, with `cursor` if given, and extracts the next cursor.
pub(crate) async fn one_page<T: DeserializeOwned>(
    client: &Client,
    first: Request,
    cursor: Option<&str>,
) -> Result<ListPage<T>> {
    let req = first.query_opt("cursor", cursor);
    let (items, next) = fetch_page(client, req).await?;
    Ok(ListPage {
        items,
        next_cursor: next.as_deref().and_then(cursor_of),
    })
}

/// The `cursor` query parameter of a next link (site-relative or absolute).
fn cursor_of(link: &str) -> Option<String> {
    let url = url::Url::parse("http://base.invalid/")
        .and_then(|base| base.join(link))
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "cursor")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

/// Collects a stream into a vector, stopping at the first error.
pub async fn collect<T>(stream: Paged<T>) -> Result<Vec<T>> {
    stream.try_collect().await
}

/// Turns a `_links.next`, `Link` or download link into an absolute URL on our wiki base.
pub(crate) fn rebase_link(base: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        return link.to_owned();
    }
    let (origin, base_path) = match url::Url::parse(base) {
        Ok(u) => {
            let path = u.path().trim_end_matches('/').to_owned();
            let origin = u.origin().ascii_serialization();
            (origin, path)
        }
        Err(_) => (String::new(), String::new()),
    };
    if !base_path.is_empty()
        && (link.starts_with(&format!("{base_path}/"))
            || link.starts_with(&format!("{base_path}?")))
    {
        return format!("{origin}{link}");
    }
    if let Some(rest) = link.strip_prefix("/wiki/") {
        return format!("{base}/{rest}");
    }
    if link.starts_with('/') {
        format!("{base}{link}")
    } else {
        format!("{base}/{link}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_land_on_the_configured_base() {
        let site = "http://127.0.0.1:9/wiki";
        assert_eq!(
            rebase_link(site, "/wiki/api/v2/pages?cursor=x"),
            "http://127.0.0.1:9/wiki/api/v2/pages?cursor=x"
        );
        let gw = "https://api.atlassian.com/ex/confluence/abc/wiki";
        assert_eq!(
            rebase_link(gw, "/wiki/api/v2/pages?cursor=x"),
            "https://api.atlassian.com/ex/confluence/abc/wiki/api/v2/pages?cursor=x"
        );
        assert_eq!(
            rebase_link(gw, "/ex/confluence/abc/wiki/api/v2/pages?cursor=y"),
            "https://api.atlassian.com/ex/confluence/abc/wiki/api/v2/pages?cursor=y"
        );
        assert_eq!(
            rebase_link(gw, "/rest/api/search?cql=x&cursor=z"),
            "https://api.atlassian.com/ex/confluence/abc/wiki/rest/api/search?cql=x&cursor=z"
        );
        assert_eq!(rebase_link(gw, "https://x.test/a"), "https://x.test/a");
    }

    #[test]
    fn cursors_come_out_of_next_links() {
        assert_eq!(
            cursor_of("/wiki/api/v2/spaces?limit=2&cursor=eyJ4Ijo1fQ%3D%3D"),
            Some("eyJ4Ijo1fQ==".into())
        );
        assert_eq!(
            cursor_of("https://api.atlassian.com/ex/confluence/abc/wiki/api/v2/spaces?cursor=c2"),
            Some("c2".into())
        );
        assert_eq!(cursor_of("/wiki/api/v2/spaces?limit=2"), None);
        assert_eq!(cursor_of("/wiki/api/v2/spaces?cursor="), None);
    }
}
