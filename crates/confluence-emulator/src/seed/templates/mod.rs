//! Page templates: each page type (runbook, ADR, policy, release notes...) assembled from the
//! blocks in `bodies.rs` with random variation, as a list of sections. Older versions of a
//! page are prefixes of that list, so history shows a page growing over time.

mod business;
mod eng;

use super::bodies::*;
use crate::rng::SplitMix64;
use business::*;
use eng::*;

/// The kind of page, which decides its body's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tpl {
    Home,
    Index,
    Runbook,
    Adr,
    Design,
    Postmortem,
    Howto,
    Meeting,
    ReleaseNotes,
    Policy,
    Guide,
    ApiRef,
    Contract,
    Nda,
    Okr,
    Board,
    Plan,
    Faq,
    Generic,
    Blog,
    Personal,
}

impl Tpl {
    /// The label every page of this kind carries, if any.
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            Tpl::Runbook => "runbook",
            Tpl::Adr => "adr",
            Tpl::Design => "design-doc",
            Tpl::Postmortem => "postmortem",
            Tpl::Howto => "howto",
            Tpl::Meeting => "meeting-notes",
            Tpl::ReleaseNotes => "release-notes",
            Tpl::Policy => "policy",
            Tpl::Guide => "user-guide",
            Tpl::ApiRef => "api",
            Tpl::Contract => "contract",
            Tpl::Nda => "nda",
            Tpl::Okr => "okr",
            Tpl::Board => "board",
            Tpl::Plan => "planning",
            Tpl::Faq => "faq",
            _ => return None,
        })
    }
}

/// A page body as sections; `layout` wraps the whole body in a page layout.
pub struct Body {
    pub sections: Vec<String>,
    pub layout: bool,
}

impl Body {
    /// The body as it was with only the first `n` sections.
    pub fn render(&self, n: usize) -> String {
        let n = n.clamp(1, self.sections.len().max(1));
        let parts = &self.sections[..n.min(self.sections.len())];
        if self.layout {
            layout(parts)
        } else {
            parts.concat()
        }
    }

    pub fn full(&self) -> String {
        self.render(self.sections.len())
    }
}

pub fn build(tpl: Tpl, cx: &Cx, rng: &mut SplitMix64) -> Body {
    let mut layout = false;
    let sections = match tpl {
        Tpl::Home | Tpl::Index => {
            layout = tpl == Tpl::Home || chance(rng, 50);
            index(cx, rng, tpl == Tpl::Home)
        }
        Tpl::Runbook => runbook(cx, rng),
        Tpl::Adr => adr(cx, rng),
        Tpl::Design => design(cx, rng),
        Tpl::Postmortem => postmortem(cx, rng),
        Tpl::Howto => howto(cx, rng),
        Tpl::Meeting => {
            layout = chance(rng, 40);
            meeting(cx, rng)
        }
        Tpl::ReleaseNotes => release_notes(cx, rng),
        Tpl::Policy => policy(cx, rng),
        Tpl::Guide => guide(cx, rng),
        Tpl::ApiRef => api_ref(cx, rng),
        Tpl::Contract | Tpl::Nda => contract(cx, rng, tpl == Tpl::Nda),
        Tpl::Okr => {
            layout = true;
            okr(cx, rng)
        }
        Tpl::Board => board(cx, rng),
        Tpl::Plan => plan(cx, rng),
        Tpl::Faq => faq(cx, rng),
        Tpl::Generic => generic(cx, rng),
        Tpl::Blog => blog(cx, rng),
        Tpl::Personal => personal(cx, rng),
    };
    Body { sections, layout }
}

pub(super) fn link_or_para(cx: &Cx, rng: &mut SplitMix64) -> String {
    match some_link(cx, rng) {
        Some(link) => format!("<p>See {link} for background.</p>"),
        None => para(cx, rng, 2),
    }
}

pub(super) fn links_list(cx: &Cx, rng: &mut SplitMix64, n: u64) -> String {
    let mut out = String::from("<ul>");
    for _ in 0..n {
        match some_link(cx, rng) {
            Some(link) => out.push_str(&format!("<li>{link}</li>")),
            None => out.push_str(&format!("<li>{}</li>", item(cx.domain, rng))),
        }
    }
    out.push_str("</ul>");
    out
}

pub(super) fn image(cx: &Cx, rng: &mut SplitMix64) -> String {
    match cx.files.iter().find(|f| f.ends_with(".png")) {
        Some(file) => format!("<p>{}</p>", image_attachment(file, cx.title)),
        None => format!("<p>{}</p>", image_url(pick(rng, IMAGE_URLS))),
    }
}

pub(super) fn code_block(rng: &mut SplitMix64) -> String {
    let (lang, text) = code_sample(rng);
    code(lang, None, &text)
}

fn index(cx: &Cx, rng: &mut SplitMix64, home: bool) -> Vec<String> {
    let mut s = vec![format!(
        "<h2>{}</h2>{}",
        if home {
            "Welcome"
        } else {
            "About this section"
        },
        para(cx, rng, 3)
    )];
    s.push(panel(
        "info",
        None,
        &format!(
            "<p>Questions? Ask {} {}</p>",
            someone(cx, rng),
            emoticon(rng)
        ),
    ));
    s.push(format!("<h2>Pages in this section</h2>{}", children()));
    s.push(format!("<h3>Popular pages</h3>{}", links_list(cx, rng, 3)));
    if home {
        s.push(format!(
            "<h3>Recently updated</h3><p>Last reviewed {} by {}.</p>",
            time(cx.date),
            someone(cx, rng)
        ));
    }
    s
}
