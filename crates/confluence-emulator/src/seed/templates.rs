//! Page templates: each page type (runbook, ADR, policy, release notes...) assembled from the
//! blocks in `bodies.rs` with random variation, as a list of sections. Older versions of a
//! page are prefixes of that list, so history shows a page growing over time.

use super::bodies::*;
use crate::rng::SplitMix64;
use chrono::Duration;

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

fn link_or_para(cx: &Cx, rng: &mut SplitMix64) -> String {
    match some_link(cx, rng) {
        Some(link) => format!("<p>See {link} for background.</p>"),
        None => para(cx, rng, 2),
    }
}

fn links_list(cx: &Cx, rng: &mut SplitMix64, n: u64) -> String {
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

fn image(cx: &Cx, rng: &mut SplitMix64) -> String {
    match cx.files.iter().find(|f| f.ends_with(".png")) {
        Some(file) => format!("<p>{}</p>", image_attachment(file, cx.title)),
        None => format!("<p>{}</p>", image_url(pick(rng, IMAGE_URLS))),
    }
}

fn code_block(rng: &mut SplitMix64) -> String {
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

fn runbook(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let state = if chance(rng, 70) {
        status("Green", "VERIFIED")
    } else {
        status("Yellow", "NEEDS REVIEW")
    };
    let mut procedure = format!("<h2>Procedure</h2>{}", list(cx, rng, true, (3, 6)));
    procedure.push_str(&code_block(rng));
    if chance(rng, 60) {
        procedure.push_str(&panel(
            "warning",
            Some("Production impact"),
            &para(cx, rng, 2),
        ));
    }
    procedure.push_str(&list(cx, rng, true, (2, 4)));
    vec![
        panel(
            "info",
            Some("Runbook owner"),
            &format!(
                "<p>Owner: {}. Last tested {} {state}</p>",
                someone(cx, rng),
                time(cx.date - Duration::days(between(rng, 3, 90) as i64))
            ),
        ),
        format!("<h2>Overview</h2>{}", para(cx, rng, 3)),
        format!(
            "<h2>When to use this runbook</h2>{}",
            list(cx, rng, false, (2, 4))
        ),
        procedure,
        format!(
            "<h2>Verification</h2>{}{}",
            para(cx, rng, 2),
            code_block(rng)
        ),
        expand("Rollback", &list(cx, rng, true, (2, 4))),
        format!(
            "<h2>Escalation</h2><p>If this does not resolve the issue, page {} and open {}.</p>{}",
            someone(cx, rng),
            jira(cx, rng),
            link_or_para(cx, rng)
        ),
    ]
}

fn adr(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let state = match rng.next_below(4) {
        0 => status("Yellow", "PROPOSED"),
        1 => status("Grey", "SUPERSEDED"),
        _ => status("Green", "ACCEPTED"),
    };
    let option = |rng: &mut SplitMix64| {
        vec![
            format!(
                "<p>{}</p>",
                pick(
                    rng,
                    &[
                        "Keep the current setup",
                        "Adopt a managed service",
                        "Build it in-house",
                        "Use an open-source library"
                    ]
                )
            ),
            list(cx, rng, false, (2, 2)),
            list(cx, rng, false, (2, 2)),
        ]
    };
    let rows = vec![option(rng), option(rng)];
    vec![
        table(
            &["Status", "Date", "Deciders", "Ticket"],
            &[vec![
                format!("<p>{state}</p>"),
                format!("<p>{}</p>", time(cx.date)),
                format!("<p>{} {}</p>", someone(cx, rng), someone(cx, rng)),
                format!("<p>{}</p>", jira(cx, rng)),
            ]],
        ),
        format!("<h2>Context</h2>{}{}", para(cx, rng, 3), para(cx, rng, 2)),
        format!(
            "<h2>Decision</h2>{}{}",
            para(cx, rng, 2),
            if chance(rng, 50) {
                code_block(rng)
            } else {
                String::new()
            }
        ),
        format!("<h2>Consequences</h2>{}", list(cx, rng, false, (3, 5))),
        format!(
            "<h2>Alternatives considered</h2>{}",
            table(&["Option", "Pros", "Cons"], &rows)
        ),
    ]
}

fn design(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let risk_rows: Vec<Vec<String>> = (0..between(rng, 2, 4))
        .map(|_| {
            let (colour, word) = *rng
                .pick(&[("Green", "LOW"), ("Yellow", "MEDIUM"), ("Red", "HIGH")])
                .unwrap_or(&("Green", "LOW"));
            vec![
                format!("<p>{}</p>", item(cx.domain, rng)),
                format!("<p>{}</p>", status(colour, word)),
                para(cx, rng, 1),
            ]
        })
        .collect();
    let questions: Vec<(bool, String)> = (0..between(rng, 2, 4))
        .map(|_| {
            (
                chance(rng, 30),
                format!("{} {}", item(cx.domain, rng), someone(cx, rng)),
            )
        })
        .collect();
    vec![
        toc(),
        format!(
            "<h2>Summary</h2>{}{}",
            para(cx, rng, 3),
            panel("info", None, &para(cx, rng, 1))
        ),
        format!(
            "<h2>Goals</h2>{}<h3>Non-goals</h3>{}",
            list(cx, rng, false, (3, 3)),
            list(cx, rng, false, (2, 2))
        ),
        format!(
            "<h2>Proposed design</h2>{}{}{}",
            para(cx, rng, 3),
            image(cx, rng),
            code_block(rng)
        ),
        format!(
            "<h2>Risks</h2>{}",
            table(&["Risk", "Likelihood", "Mitigation"], &risk_rows)
        ),
        format!("<h2>Open questions</h2>{}", tasks(&questions)),
    ]
}

fn postmortem(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let minutes = between(rng, 12, 240);
    let mut timeline = Vec::new();
    let mut at = cx.date;
    for event in [
        "Alert fired for elevated error rate",
        "On-call engineer acknowledged the page",
        "Incident declared and channel opened",
        "Mitigation deployed",
        "Error rates back to normal",
    ] {
        timeline.push(vec![
            format!("<p>{}</p>", at.format("%H:%M")),
            format!("<p>{event}</p>"),
        ]);
        at += Duration::minutes(between(rng, 2, 40) as i64);
    }
    let actions: Vec<(bool, String)> = (0..between(rng, 2, 4))
        .map(|_| {
            (
                chance(rng, 40),
                format!(
                    "{} {} {}",
                    item(cx.domain, rng),
                    someone(cx, rng),
                    jira(cx, rng)
                ),
            )
        })
        .collect();
    vec![
        panel(
            "note",
            Some("Summary"),
            &format!("{}<p>{}</p>", para(cx, rng, 2), status("Green", "RESOLVED")),
        ),
        format!(
            "<h2>Impact</h2>{}",
            table(
                &["Metric", "Value"],
                &[
                    vec![
                        "<p>Duration</p>".into(),
                        format!("<p>{minutes} minutes</p>")
                    ],
                    vec![
                        "<p>Requests failed</p>".into(),
                        format!("<p>{}</p>", between(rng, 100, 90_000)),
                    ],
                    vec![
                        "<p>Customers affected</p>".into(),
                        format!("<p>{}</p>", between(rng, 3, 1_200)),
                    ],
                ]
            )
        ),
        format!(
            "<h2>Timeline (UTC)</h2>{}",
            table(&["Time", "Event"], &timeline)
        ),
        format!("<h2>Root cause</h2>{}{}", para(cx, rng, 3), code_block(rng)),
        format!("<h2>Action items</h2>{}", tasks(&actions)),
        expand("Lessons learned", &list(cx, rng, false, (3, 3))),
    ]
}

fn howto(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    vec![
        panel("tip", None, &para(cx, rng, 2)),
        format!(
            "<h2>Steps</h2>{}{}",
            list(cx, rng, true, (3, 6)),
            if cx.domain == Domain::Eng || chance(rng, 30) {
                code_block(rng)
            } else {
                String::new()
            }
        ),
        panel("note", None, &para(cx, rng, 1)),
        format!("<h2>Related</h2>{}", links_list(cx, rng, 2)),
    ]
}

fn meeting(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let attendees: String = (0..between(rng, 2, 4))
        .map(|_| format!("<li>{}</li>", someone(cx, rng)))
        .collect();
    let actions: Vec<(bool, String)> = (0..between(rng, 1, 3))
        .map(|_| {
            (
                chance(rng, 50),
                format!("{} {}", someone(cx, rng), item(cx.domain, rng)),
            )
        })
        .collect();
    vec![
        format!(
            "<p><strong>Date:</strong> {}</p><h2>Attendees</h2><ul>{attendees}</ul>",
            time(cx.date)
        ),
        format!("<h2>Agenda</h2>{}", list(cx, rng, true, (2, 4))),
        format!(
            "<h2>Notes</h2>{}{}",
            para(cx, rng, 3),
            list(cx, rng, false, (3, 3))
        ),
        format!(
            "<h2>Decisions</h2>{}",
            table(
                &["Decision", "Owner"],
                &[vec![
                    para(cx, rng, 1),
                    format!("<p>{}</p>", someone(cx, rng))
                ]]
            )
        ),
        format!("<h2>Action items</h2>{}", tasks(&actions)),
    ]
}

fn release_notes(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let features: String = (0..between(rng, 2, 5))
        .map(|_| {
            let (c, w) = *rng
                .pick(&[("Blue", "NEW"), ("Green", "IMPROVED"), ("Purple", "BETA")])
                .unwrap_or(&("Blue", "NEW"));
            format!("<li>{} {}</li>", status(c, w), sentence(Domain::Docs, rng))
        })
        .collect();
    let fixes: Vec<Vec<String>> = (0..between(rng, 2, 5))
        .map(|_| {
            vec![
                format!("<p>{}</p>", jira(cx, rng)),
                format!("<p>{}</p>", item(Domain::Eng, rng)),
            ]
        })
        .collect();
    vec![
        format!(
            "<p>Released {} {}</p>",
            time(cx.date),
            status("Blue", "GENERALLY AVAILABLE")
        ),
        format!("<h2>Highlights</h2>{}{}", para(cx, rng, 3), image(cx, rng)),
        format!("<h2>New features</h2><ul>{features}</ul>"),
        format!(
            "<h2>Fixed issues</h2>{}",
            table(&["Key", "Summary"], &fixes)
        ),
        panel("note", Some("Known issues"), &list(cx, rng, false, (1, 3))),
        format!(
            "<h2>Upgrade notes</h2>{}",
            code(
                "bash",
                Some("Upgrade"),
                "helm repo update\nhelm upgrade acme-app acme/acme-app --version 4.3.0 --reuse-values"
            )
        ),
    ]
}

fn policy(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let roles = ["Employees", "Managers", "People team", "Legal"];
    let rows: Vec<Vec<String>> = roles
        .iter()
        .take(between(rng, 2, 4) as usize)
        .map(|r| vec![format!("<p>{r}</p>"), list(cx, rng, false, (2, 2))])
        .collect();
    let history: Vec<Vec<String>> = (1..=between(rng, 1, 3))
        .map(|v| {
            vec![
                format!("<p>{v}.0</p>"),
                format!(
                    "<p>{}</p>",
                    time(cx.date - Duration::days((4 - v as i64) * 120))
                ),
                format!("<p>{}</p>", someone(cx, rng)),
                format!("<p>{}</p>", item(cx.domain, rng)),
            ]
        })
        .collect();
    vec![
        format!(
            "{}{}",
            toc(),
            panel(
                "info",
                Some("Policy owner"),
                &format!(
                    "<p>Owner: {}. Effective {}.</p>",
                    someone(cx, rng),
                    time(cx.date)
                )
            )
        ),
        format!("<h2>Purpose</h2>{}", para(cx, rng, 3)),
        format!(
            "<h2>Scope</h2>{}{}",
            para(cx, rng, 2),
            list(cx, rng, false, (3, 3))
        ),
        format!("<h2>Policy</h2>{}", list(cx, rng, true, (3, 6))),
        format!(
            "<h2>Responsibilities</h2>{}",
            table(&["Role", "Responsibilities"], &rows)
        ),
        format!("<h2>Exceptions</h2>{}", para(cx, rng, 2)),
        format!(
            "<h2>Revision history</h2>{}",
            table(&["Version", "Date", "Author", "Change"], &history)
        ),
    ]
}

fn guide(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    vec![
        format!("{}{}", para(cx, rng, 3), toc()),
        format!("<h2>Before you begin</h2>{}", list(cx, rng, false, (3, 3))),
        format!(
            "<h2>Steps</h2>{}{}",
            list(cx, rng, true, (3, 6)),
            image(cx, rng)
        ),
        panel("tip", Some("Tip"), &para(cx, rng, 2)),
        expand("Troubleshooting", &para(cx, rng, 3)),
        format!("<h2>See also</h2>{}", links_list(cx, rng, 3)),
    ]
}

fn api_ref(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let resource = pick(
        rng,
        &[
            "projects", "tasks", "users", "comments", "webhooks", "files",
        ],
    );
    vec![
        para(cx, rng, 2),
        format!(
            "<h2>Request</h2>{}",
            code(
                "bash",
                None,
                &format!(
                    "curl -H \"Authorization: Bearer $TOKEN\" \\\n  \"https://api.example.com/v2/{resource}?limit=50\""
                )
            )
        ),
        format!(
            "<h2>Parameters</h2>{}",
            table(
                &["Name", "Type", "Required", "Description"],
                &[
                    vec![
                        "<p><code>limit</code></p>".into(),
                        "<p>integer</p>".into(),
                        "<p>No</p>".into(),
                        "<p>Page size, 1 to 250.</p>".into()
                    ],
                    vec![
                        "<p><code>cursor</code></p>".into(),
                        "<p>string</p>".into(),
                        "<p>No</p>".into(),
                        "<p>Opaque cursor from the previous response.</p>".into()
                    ],
                    vec![
                        "<p><code>sort</code></p>".into(),
                        "<p>string</p>".into(),
                        "<p>No</p>".into(),
                        "<ul><li><code>created</code></li><li><code>-created</code></li></ul>"
                            .into()
                    ],
                ]
            )
        ),
        format!(
            "<h2>Response</h2>{}",
            code(
                "json",
                None,
                &format!(
                    "{{\n  \"results\": [{{\"id\": \"{}\", \"type\": \"{resource}\"}}],\n  \"_links\": {{\"next\": \"/v2/{resource}?cursor=abc\"}}\n}}",
                    between(rng, 1000, 99999)
                )
            )
        ),
        panel("warning", Some("Rate limits"), &para(cx, rng, 2)),
    ]
}

fn contract(cx: &Cx, rng: &mut SplitMix64, nda: bool) -> Vec<String> {
    let state = match rng.next_below(3) {
        0 => status("Yellow", "IN NEGOTIATION"),
        1 => status("Grey", "EXPIRED"),
        _ => status("Green", "SIGNED"),
    };
    let docs = if cx.files.is_empty() {
        para(cx, rng, 1)
    } else {
        let items: String = cx
            .files
            .iter()
            .map(|f| format!("<li>{}</li>", attachment_link(f)))
            .collect();
        format!("<ul>{items}</ul>")
    };
    let mut s = vec![
        table(
            &["Term", "Value"],
            &[
                vec!["<p>Status</p>".into(), format!("<p>{state}</p>")],
                vec![
                    "<p>Effective date</p>".into(),
                    format!("<p>{}</p>", time(cx.date)),
                ],
                vec![
                    "<p>Term</p>".into(),
                    format!("<p>{} months</p>", 12 * between(rng, 1, 3)),
                ],
                vec![
                    "<p>Owner</p>".into(),
                    format!("<p>{}</p>", someone(cx, rng)),
                ],
            ],
        ),
        format!("<h2>Summary</h2>{}", para(cx, rng, 3)),
        format!("<h2>Key obligations</h2>{}", list(cx, rng, false, (3, 3))),
    ];
    if !nda {
        s.push(format!(
            "<h2>Termination and renewal</h2>{}",
            para(cx, rng, 2)
        ));
    }
    s.push(format!("<h2>Documents</h2>{docs}"));
    s.push(tasks(&[
        (true, "Legal review complete".into()),
        (
            chance(rng, 60),
            format!("Countersignature from {}", someone(cx, rng)),
        ),
    ]));
    s
}

fn okr(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let rows: Vec<Vec<String>> = (0..between(rng, 2, 4))
        .map(|_| {
            let (c, w) = *rng
                .pick(&[
                    ("Green", "ON TRACK"),
                    ("Yellow", "AT RISK"),
                    ("Red", "OFF TRACK"),
                ])
                .unwrap_or(&("Green", "ON TRACK"));
            vec![
                para(cx, rng, 1),
                list(cx, rng, false, (2, 3)),
                format!("<p>{}</p>", someone(cx, rng)),
                format!("<p>{}</p>", status(c, w)),
            ]
        })
        .collect();
    vec![
        format!("{}<p>Last updated {}</p>", para(cx, rng, 2), time(cx.date)),
        table(&["Objective", "Key results", "Owner", "Status"], &rows),
        format!("<h2>Risks</h2>{}", list(cx, rng, false, (3, 3))),
        format!("<h2>Notes</h2>{}", para(cx, rng, 3)),
    ]
}

fn board(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let money =
        |rng: &mut SplitMix64| format!("<p>${:.1}M</p>", between(rng, 40, 900) as f64 / 10.0);
    let rows: Vec<Vec<String>> = ["Revenue", "Gross margin", "Operating expenses", "Cash"]
        .iter()
        .map(|m| vec![format!("<p>{m}</p>"), money(rng), money(rng)])
        .collect();
    let appendix = match cx.files.first() {
        Some(f) => format!("<p>Full deck: {}</p>", attachment_link(f)),
        None => para(cx, rng, 2),
    };
    vec![
        panel(
            "warning",
            Some("Confidential"),
            "<p>Board material. Do not forward.</p>",
        ),
        format!("<h2>Agenda</h2>{}", list(cx, rng, true, (4, 4))),
        format!(
            "<h2>Financial summary</h2>{}",
            table(&["Metric", "Actual", "Plan"], &rows)
        ),
        format!("<h2>Decisions</h2>{}", list(cx, rng, false, (3, 3))),
        expand("Appendix", &appendix),
    ]
}

fn plan(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let teams = [
        "Engineering",
        "Sales",
        "Customer success",
        "Marketing",
        "G&A",
    ];
    let rows: Vec<Vec<String>> = teams
        .iter()
        .map(|t| {
            let now = between(rng, 8, 120);
            vec![
                format!("<p>{}</p>", super::files::xml_escape(t)),
                format!("<p>{now}</p>"),
                format!("<p>{}</p>", now + between(rng, 0, 30)),
            ]
        })
        .collect();
    vec![
        toc(),
        format!("<h2>Strategy</h2>{}{}", para(cx, rng, 3), para(cx, rng, 3)),
        format!(
            "<h2>Headcount</h2>{}",
            table(&["Team", "Today", "End of year"], &rows)
        ),
        format!("<h2>Risks</h2>{}", list(cx, rng, false, (3, 3))),
        format!(
            "<h2>Next steps</h2>{}",
            tasks(&[
                (false, format!("Review with {}", someone(cx, rng))),
                (false, item(cx.domain, rng).to_owned()),
            ])
        ),
    ]
}

fn faq(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let mut s = vec![para(cx, rng, 2)];
    let questions = [
        "How do I get access?",
        "Who do I contact with questions?",
        "Where can I find older versions?",
        "What changed recently?",
        "Does this apply to contractors?",
    ];
    for q in questions.iter().take(between(rng, 3, 5) as usize) {
        s.push(expand(q, &para(cx, rng, 2)));
    }
    s
}

fn generic(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    let mut s = vec![
        para(cx, rng, 3),
        format!(
            "<h2>Details</h2>{}{}",
            para(cx, rng, 2),
            list(cx, rng, false, (3, 3))
        ),
    ];
    if chance(rng, 50) {
        s.push(table(
            &["Item", "Owner", "Due"],
            &[vec![
                format!("<p>{}</p>", item(cx.domain, rng)),
                format!("<p>{}</p>", someone(cx, rng)),
                format!("<p>{}</p>", time(cx.date + Duration::days(14))),
            ]],
        ));
    }
    if cx.domain == Domain::Eng && chance(rng, 50) {
        s.push(code_block(rng));
    }
    s.push(link_or_para(cx, rng));
    s
}

fn blog(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    vec![
        para(cx, rng, 3),
        image(cx, rng),
        format!(
            "<p>Thanks to {} for making this happen {}</p>",
            someone(cx, rng),
            emoticon(rng)
        ),
        format!("<h2>What is next</h2>{}", list(cx, rng, false, (3, 3))),
        para(cx, rng, 2),
    ]
}

fn personal(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
    vec![
        para(cx, rng, 2),
        tasks(&[
            (true, item(cx.domain, rng).to_owned()),
            (false, item(cx.domain, rng).to_owned()),
        ]),
        format!("<h3>Links</h3>{}", links_list(cx, rng, 2)),
        noformat("scratch notes: remember to check the dashboards after lunch"),
    ]
}
