//! Templates for documentation and business pages: policies, guides, API reference,
//! contracts, OKRs, board material, plans, FAQs, blog posts and personal notes.

use super::{code_block, image, link_or_para, links_list};
use crate::rng::SplitMix64;
use crate::seed::bodies::*;
use chrono::Duration;

pub(super) fn policy(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn guide(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn api_ref(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn contract(cx: &Cx, rng: &mut SplitMix64, nda: bool) -> Vec<String> {
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

pub(super) fn okr(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn board(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn plan(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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
                format!("<p>{}</p>", crate::seed::files::xml_escape(t)),
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

pub(super) fn faq(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn generic(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn blog(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn personal(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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
