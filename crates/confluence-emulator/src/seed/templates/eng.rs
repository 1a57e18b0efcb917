//! Engineering-flavoured templates: runbooks, ADRs, design docs, postmortems, how-tos,
//! meeting notes and release notes.

use super::{code_block, image, link_or_para, links_list};
use crate::rng::SplitMix64;
use crate::seed::bodies::*;
use chrono::Duration;

pub(super) fn runbook(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn adr(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn design(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn postmortem(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn howto(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn meeting(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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

pub(super) fn release_notes(cx: &Cx, rng: &mut SplitMix64) -> Vec<String> {
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
