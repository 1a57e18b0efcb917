//! Storage-format building blocks for the demo wiki: the XHTML and `ac:`/`ri:` macros real
//! Confluence pages are made of, plus the vocabulary that fills them. Templates that put
//! these together per page type live in `templates.rs`.
//!
//! Everything returned here is a well-formed XML fragment (only the five XML entities, CDATA
//! never containing `]]>`), so downstream converters can rely on a real XML parser.

use super::files::xml_escape as esc;
use crate::rng::SplitMix64;
use chrono::{DateTime, Utc};

/// Which vocabulary a page draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    Eng,
    Docs,
    Hr,
    Legal,
    Exec,
}

impl Domain {
    pub fn for_space(key: &str) -> Domain {
        match key {
            "DOCS" => Domain::Docs,
            "HR" => Domain::Hr,
            "LEGAL" => Domain::Legal,
            "EXEC" => Domain::Exec,
            _ => Domain::Eng,
        }
    }

    fn jira_project(self) -> &'static str {
        match self {
            Domain::Eng => "PLAT",
            Domain::Docs => "DOC",
            Domain::Hr => "PEOPLE",
            Domain::Legal => "LEG",
            Domain::Exec => "OPS",
        }
    }
}

/// What a body template knows about the page it fills.
pub struct Cx<'a> {
    pub title: &'a str,
    pub space_key: &'a str,
    pub domain: Domain,
    /// Account ids that may be mentioned.
    pub people: &'a [String],
    /// Titles of other pages in the same space, for page links.
    pub links: &'a [String],
    /// Attachment file names on this page.
    pub files: &'a [String],
    pub date: DateTime<Utc>,
}

pub fn pick<'a>(rng: &mut SplitMix64, items: &[&'a str]) -> &'a str {
    rng.pick(items).copied().unwrap_or_default()
}

/// A number in `lo..=hi`.
pub fn between(rng: &mut SplitMix64, lo: u64, hi: u64) -> u64 {
    lo + rng.next_below(hi.saturating_sub(lo) + 1)
}

pub fn chance(rng: &mut SplitMix64, percent: u64) -> bool {
    rng.next_below(100) < percent
}

// ---- vocabulary -------------------------------------------------------------------------

pub const SERVICES: &[&str] = &[
    "billing-api",
    "ledger",
    "auth-service",
    "search-indexer",
    "notification-worker",
    "checkout",
    "edge-gateway",
    "scheduler",
    "reporting",
    "file-store",
    "webhooks",
    "sync-engine",
];

const ENG: &[&str] = &[
    "The {svc} service handles roughly {n} requests per second at peak.",
    "Before making changes, confirm the current state in the <strong>Grafana</strong> dashboard.",
    "Alerts for {svc} page the primary on-call engineer first and escalate after 15 minutes.",
    "We run <code>{svc}</code> as three replicas behind the internal load balancer.",
    "Changes to this procedure must be reviewed by the platform team.",
    "Latency is measured at the edge and reported as p50, p95 and p99.",
    "The service reads its configuration from environment variables at start-up.",
    "If replication lag exceeds {n} seconds, stop and escalate before continuing.",
    "Deploys happen through the CI pipeline; <em>never</em> edit production by hand.",
    "Metrics are retained for 13 months and logs for 30 days.",
    "Most incidents in this area were caused by expired credentials or full disks.",
    "The on-call engineer owns the incident until it is handed over explicitly.",
    "Use the staging environment to rehearse every step at least once per quarter.",
    "Capacity is reviewed monthly against the forecast from the finance team.",
    "The health check endpoint returns <code>200 OK</code> only when all dependencies respond.",
    "Feature flags let us roll out {svc} changes to one percent of traffic first.",
    "Backups run nightly and are restored automatically every Sunday to verify them.",
    "Runbook steps are written so that someone new to the team can follow them at night.",
];

const DOCS: &[&str] = &[
    "Projects group the tasks, files and people working towards one goal.",
    "You can invite teammates from the <strong>Members</strong> tab of any project.",
    "Administrators can change this setting for the whole workspace.",
    "Changes are saved automatically and synced to every device within seconds.",
    "Use keyboard shortcuts to move faster: press <code>?</code> to see them all.",
    "Exports are available as CSV, PDF and JSON.",
    "This feature is available on the Business and Enterprise plans.",
    "If you do not see the option, ask your workspace administrator for access.",
    "The API accepts and returns JSON, and every request must be authenticated.",
    "Rate limits apply per user and per workspace, and reset every minute.",
    "Deleted items stay in the trash for 30 days before they are removed permanently.",
    "Notifications can be delivered by email, in the app, or to Slack.",
    "Select <em>Settings</em> and then <em>Integrations</em> to connect another tool.",
    "Templates help teams start new projects with a consistent structure.",
    "Up to {n} people can edit the same document at once.",
];

const HR: &[&str] = &[
    "This policy applies to all employees, contractors and interns.",
    "Questions about this policy should go to the People team.",
    "Managers are responsible for making sure their teams know about these guidelines.",
    "Requests must be submitted through the HR portal at least two weeks in advance.",
    "We review this policy every year and after any change in the law.",
    "Employees in different countries may have additional local entitlements.",
    "The company covers the full premium for employees and 75 percent for dependants.",
    "Time off is tracked in the HR system and approved by your manager.",
    "Information about individual employees is <strong>confidential</strong> and must not be shared.",
    "New hires receive their laptop and accounts before their first day.",
    "Every employee has a yearly learning budget of {n} dollars for courses, books and conferences.",
    "Performance conversations happen twice a year, in spring and autumn.",
    "Parents receive 20 weeks of fully paid leave regardless of gender.",
];

const LEGAL: &[&str] = &[
    "This agreement is governed by the laws of the State of Delaware.",
    "Either party may terminate for convenience with ninety days of written notice.",
    "Confidential information excludes information that is already public.",
    "The data processor acts only on documented instructions from the controller.",
    "Liability is capped at the fees paid in the twelve months before the claim.",
    "Renewal is automatic unless either party objects sixty days before the end of the term.",
    "All sub-processors are listed in the annex and notified thirty days before any change.",
    "Signed copies are stored in the contract repository; do <em>not</em> email them outside the company.",
    "Legal review is required for any deviation from the standard template.",
    "Personal data leaves the EEA only under the standard contractual clauses.",
    "Indemnification obligations survive termination of the agreement.",
    "The counterparty must notify us of a security breach within 72 hours.",
];

const EXEC: &[&str] = &[
    "Revenue grew {n} percent year over year, ahead of plan.",
    "Our priority for the next two quarters is retention in the enterprise segment.",
    "Hiring stays focused on engineering and customer success.",
    "The board asked for a deeper look at gross margin by product line.",
    "We will revisit the pricing change after the Q3 numbers are in.",
    "Cash runway remains above 30 months at the current burn rate.",
    "The leadership team agreed to consolidate the two data platforms.",
    "Net revenue retention is the metric we watch most closely.",
    "Expansion into the German market is planned for the second half of next year.",
    "Each objective has one accountable owner on the leadership team.",
    "Customer churn in the SMB segment remains the largest risk to the plan.",
    "These numbers are <strong>preliminary</strong> and must not be shared outside the leadership team.",
];

const ITEMS_ENG: &[&str] = &[
    "Check the replication status on the primary",
    "Drain traffic from the affected node",
    "Confirm the alert is not a false positive",
    "Post an update in the incident channel",
    "Scale the deployment back to its normal size",
    "Verify error rates are back under the SLO",
    "Rotate the credentials used by the job",
    "Open a ticket for the follow-up work",
    "Compare the config with the last known good version",
    "Take a snapshot before changing anything",
];

const ITEMS_DOCS: &[&str] = &[
    "Open the project and select Settings",
    "Choose who can see the project",
    "Select Save to apply the change",
    "Invite teammates by email",
    "Pick a template or start from scratch",
    "Connect the integration from the Apps page",
    "Check that notifications are turned on",
    "Export the data as CSV",
    "Clear the browser cache and sign in again",
    "Ask an administrator to grant access",
    "Drag the card to another column",
    "Copy the API token from your profile",
];

const ITEMS_HR: &[&str] = &[
    "Submit the request in the HR portal",
    "Get approval from your manager",
    "Book the time off in the shared calendar",
    "Keep receipts for every expense",
    "Complete the mandatory training",
    "Update your emergency contact",
    "Review the benefits guide",
    "Schedule a check-in with your People Partner",
    "Return company equipment on your last day",
    "Read the code of conduct",
    "Enrol before the deadline",
    "Confirm your tax details",
];

const ITEMS_LEGAL: &[&str] = &[
    "Confirm the counterparty legal entity",
    "Check the liability cap",
    "Review the data processing terms",
    "Verify the governing law clause",
    "Attach the signed copy",
    "Record the renewal date in the tracker",
    "Send the redline to the counterparty",
    "Get sign-off from finance for payment terms",
    "Check export control restrictions",
    "Store the executed agreement in the repository",
    "Flag any non-standard indemnity",
    "Notify the privacy team of new sub-processors",
];

const ITEMS_EXEC: &[&str] = &[
    "Grow enterprise revenue by 30 percent",
    "Reduce churn in the SMB segment",
    "Launch in two new markets",
    "Hire a VP of Sales",
    "Reach 80 percent gross margin",
    "Ship the AI assistant to all customers",
    "Close the Series C round",
    "Cut time to first value in half",
    "Consolidate the data platforms",
    "Improve NPS to 50",
    "Renew the top 20 accounts",
    "Keep burn within the approved budget",
];

fn items_of(domain: Domain) -> &'static [&'static str] {
    match domain {
        Domain::Eng => ITEMS_ENG,
        Domain::Docs => ITEMS_DOCS,
        Domain::Hr => ITEMS_HR,
        Domain::Legal => ITEMS_LEGAL,
        Domain::Exec => ITEMS_EXEC,
    }
}

fn sentences_of(domain: Domain) -> &'static [&'static str] {
    match domain {
        Domain::Eng => ENG,
        Domain::Docs => DOCS,
        Domain::Hr => HR,
        Domain::Legal => LEGAL,
        Domain::Exec => EXEC,
    }
}

/// `n` distinct indexes below `len` (fewer when `len` is smaller), in random order.
fn distinct(rng: &mut SplitMix64, len: usize, n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    let n = n.min(len);
    for i in 0..n {
        let j = i + rng.next_below((len - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx.truncate(n);
    idx
}

fn fill(rng: &mut SplitMix64, s: &str) -> String {
    if !s.contains('{') {
        return s.to_owned();
    }
    let svc = pick(rng, SERVICES);
    let n = between(rng, 3, 900).to_string();
    s.replace("{svc}", svc).replace("{n}", &n)
}

/// One sentence of the page's domain, with placeholders filled in.
pub fn sentence(domain: Domain, rng: &mut SplitMix64) -> String {
    let s = pick(rng, sentences_of(domain));
    fill(rng, s)
}

pub fn item(domain: Domain, rng: &mut SplitMix64) -> &'static str {
    pick(rng, items_of(domain))
}

// ---- blocks -----------------------------------------------------------------------------

/// A paragraph of 1 to `max` sentences.
pub fn para(cx: &Cx, rng: &mut SplitMix64, max: u64) -> String {
    let n = between(rng, 1, max) as usize;
    let list = sentences_of(cx.domain);
    let mut out = String::from("<p>");
    for (i, at) in distinct(rng, list.len(), n).into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&fill(rng, list[at]));
    }
    out.push_str("</p>");
    out
}

/// A bulleted or numbered list, sometimes with a nested list under one item.
pub fn list(cx: &Cx, rng: &mut SplitMix64, ordered: bool, items: (u64, u64)) -> String {
    let n = between(rng, items.0, items.1) as usize;
    let all = items_of(cx.domain);
    let tag = if ordered { "ol" } else { "ul" };
    let mut out = format!("<{tag}>");
    let nested_at = if chance(rng, 40) {
        rng.next_below(n as u64) as usize
    } else {
        usize::MAX
    };
    let chosen = distinct(rng, all.len(), n);
    for (i, at) in chosen.iter().enumerate() {
        out.push_str("<li>");
        out.push_str(all[*at]);
        if i == nested_at {
            out.push_str("<ul>");
            let k = between(rng, 2, 3) as usize;
            for sub in distinct(rng, all.len(), k + n)
                .into_iter()
                .filter(|x| !chosen.contains(x))
                .take(k)
            {
                out.push_str(&format!("<li>{}</li>", all[sub]));
            }
            out.push_str("</ul>");
        }
        out.push_str("</li>");
    }
    out.push_str(&format!("</{tag}>"));
    out
}

/// A table with a header row; cells are already-built XHTML.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table data-layout=\"default\"><tbody><tr>");
    for head in headers {
        out.push_str(&format!("<th><p><strong>{}</strong></p></th>", esc(head)));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// Text for a `<![CDATA[...]]>` section: `]]>` would end it early, so it is split.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

pub fn code(language: &str, title: Option<&str>, text: &str) -> String {
    let title = title
        .map(|t| format!("<ac:parameter ac:name=\"title\">{}</ac:parameter>", esc(t)))
        .unwrap_or_default();
    format!(
        "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\"><ac:parameter ac:name=\"language\">{language}</ac:parameter>{title}<ac:plain-text-body>{}</ac:plain-text-body></ac:structured-macro>",
        cdata(text)
    )
}

pub fn noformat(text: &str) -> String {
    format!(
        "<ac:structured-macro ac:name=\"noformat\" ac:schema-version=\"1\"><ac:plain-text-body>{}</ac:plain-text-body></ac:structured-macro>",
        cdata(text)
    )
}

/// `info`, `note`, `warning` or `tip` panel around rich content.
pub fn panel(kind: &str, title: Option<&str>, inner: &str) -> String {
    let title = title
        .map(|t| format!("<ac:parameter ac:name=\"title\">{}</ac:parameter>", esc(t)))
        .unwrap_or_default();
    format!(
        "<ac:structured-macro ac:name=\"{kind}\" ac:schema-version=\"1\">{title}<ac:rich-text-body>{inner}</ac:rich-text-body></ac:structured-macro>"
    )
}

pub fn expand(title: &str, inner: &str) -> String {
    format!(
        "<ac:structured-macro ac:name=\"expand\" ac:schema-version=\"1\"><ac:parameter ac:name=\"title\">{}</ac:parameter><ac:rich-text-body>{inner}</ac:rich-text-body></ac:structured-macro>",
        esc(title)
    )
}

/// A status lozenge; colour is `Green`, `Yellow`, `Red`, `Blue` or `Grey`.
pub fn status(colour: &str, title: &str) -> String {
    format!(
        "<ac:structured-macro ac:name=\"status\" ac:schema-version=\"1\"><ac:parameter ac:name=\"colour\">{colour}</ac:parameter><ac:parameter ac:name=\"title\">{}</ac:parameter></ac:structured-macro>",
        esc(title)
    )
}

/// A task list; each task is (complete, rich body).
pub fn tasks(items: &[(bool, String)]) -> String {
    let mut out = String::from("<ac:task-list>");
    for (i, (done, body)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<ac:task><ac:task-id>{}</ac:task-id><ac:task-status>{}</ac:task-status><ac:task-body>{body}</ac:task-body></ac:task>",
            i + 1,
            if *done { "complete" } else { "incomplete" }
        ));
    }
    out.push_str("</ac:task-list>");
    out
}

pub fn mention(account_id: &str) -> String {
    format!(
        "<ac:link><ri:user ri:account-id=\"{}\"/></ac:link>",
        esc(account_id)
    )
}

/// A mention of one of the page's people (plain text when there is nobody to mention).
pub fn someone(cx: &Cx, rng: &mut SplitMix64) -> String {
    match rng.pick(cx.people) {
        Some(id) => mention(id),
        None => "the owner".to_owned(),
    }
}

pub fn page_link(space_key: &str, title: &str) -> String {
    format!(
        "<ac:link><ri:page ri:space-key=\"{}\" ri:content-title=\"{}\"/><ac:plain-text-link-body>{}</ac:plain-text-link-body></ac:link>",
        esc(space_key),
        esc(title),
        cdata(title)
    )
}

/// A link to another page of the same space, if the space has any.
pub fn some_link(cx: &Cx, rng: &mut SplitMix64) -> Option<String> {
    rng.pick(cx.links).map(|t| page_link(cx.space_key, t))
}

pub fn attachment_link(filename: &str) -> String {
    format!(
        "<ac:link><ri:attachment ri:filename=\"{}\"/></ac:link>",
        esc(filename)
    )
}

pub fn image_attachment(filename: &str, alt: &str) -> String {
    format!(
        "<ac:image ac:align=\"center\" ac:width=\"640\" ac:alt=\"{}\"><ri:attachment ri:filename=\"{}\"/></ac:image>",
        esc(alt),
        esc(filename)
    )
}

pub fn image_url(url: &str) -> String {
    format!(
        "<ac:image ac:width=\"480\"><ri:url ri:value=\"{}\"/></ac:image>",
        esc(url)
    )
}

pub fn jira(cx: &Cx, rng: &mut SplitMix64) -> String {
    let key = format!("{}-{}", cx.domain.jira_project(), between(rng, 100, 4999));
    format!(
        "<ac:structured-macro ac:name=\"jira\" ac:schema-version=\"1\"><ac:parameter ac:name=\"server\">System JIRA</ac:parameter><ac:parameter ac:name=\"serverId\">8a3f1c2e-5d4b-4e6a-9c7f-2b1d0e9a8c61</ac:parameter><ac:parameter ac:name=\"key\">{key}</ac:parameter></ac:structured-macro>"
    )
}

pub fn toc() -> String {
    "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\"><ac:parameter ac:name=\"maxLevel\">3</ac:parameter></ac:structured-macro>".to_owned()
}

pub fn children() -> String {
    "<ac:structured-macro ac:name=\"children\" ac:schema-version=\"2\"><ac:parameter ac:name=\"all\">true</ac:parameter><ac:parameter ac:name=\"sort\">title</ac:parameter></ac:structured-macro>".to_owned()
}

pub fn emoticon(rng: &mut SplitMix64) -> String {
    let name = pick(
        rng,
        &[
            "tick",
            "cross",
            "warning",
            "information",
            "smile",
            "thumbs-up",
            "light-on",
            "star_yellow",
        ],
    );
    format!("<ac:emoticon ac:name=\"{name}\"/>")
}

pub fn time(date: DateTime<Utc>) -> String {
    format!("<time datetime=\"{}\"/>", date.format("%Y-%m-%d"))
}

/// Wraps finished sections in a two-section page layout (single column, then two columns).
pub fn layout(sections: &[String]) -> String {
    let split = sections.len().div_ceil(2).max(1).min(sections.len());
    let (first, rest) = sections.split_at(split);
    let half = rest.len().div_ceil(2);
    let (left, right) = rest.split_at(half);
    format!(
        "<ac:layout><ac:layout-section ac:type=\"single\"><ac:layout-cell>{}</ac:layout-cell></ac:layout-section><ac:layout-section ac:type=\"two_equal\"><ac:layout-cell>{}</ac:layout-cell><ac:layout-cell>{}</ac:layout-cell></ac:layout-section></ac:layout>",
        first.concat(),
        if left.is_empty() {
            "<p/>".to_owned()
        } else {
            left.concat()
        },
        if right.is_empty() {
            "<p/>".to_owned()
        } else {
            right.concat()
        }
    )
}

/// Code samples by language; `{svc}` is replaced with a service name.
pub fn code_sample(rng: &mut SplitMix64) -> (&'static str, String) {
    const SAMPLES: &[(&str, &str)] = &[
        (
            "bash",
            "kubectl -n prod rollout status deploy/{svc}\nkubectl -n prod get pods -l app={svc} -o wide\nkubectl -n prod logs deploy/{svc} --since=15m | grep -i error",
        ),
        (
            "bash",
            "#!/usr/bin/env bash\nset -euo pipefail\nfor host in $(cat hosts.txt); do\n  ssh \"$host\" 'systemctl status {svc} --no-pager' || echo \"$host failed\"\ndone",
        ),
        (
            "sql",
            "SELECT client_addr, state, sent_lsn, replay_lsn,\n       now() - pg_last_xact_replay_timestamp() AS lag\nFROM pg_stat_replication\nWHERE application_name = '{svc}';",
        ),
        (
            "sql",
            "SELECT relname, n_dead_tup, last_autovacuum\nFROM pg_stat_user_tables\nWHERE n_dead_tup > 10000\nORDER BY n_dead_tup DESC\nLIMIT 20;",
        ),
        (
            "yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {svc}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: {svc}\n          resources:\n            limits: {cpu: \"2\", memory: 2Gi}",
        ),
        (
            "json",
            "{\n  \"service\": \"{svc}\",\n  \"timeout_ms\": 2500,\n  \"retries\": 3,\n  \"circuit_breaker\": {\"failure_ratio\": 0.5, \"window\": \"30s\"}\n}",
        ),
        (
            "python",
            "import requests\n\nresp = requests.get(\"https://{svc}.internal/healthz\", timeout=5)\nresp.raise_for_status()\nprint(resp.json()[\"status\"])",
        ),
        (
            "rust",
            "pub async fn health(State(db): State<Pool>) -> StatusCode {\n    match db.ping().await {\n        Ok(()) => StatusCode::OK,\n        Err(_) => StatusCode::SERVICE_UNAVAILABLE,\n    }\n}",
        ),
        (
            "go",
            "func (s *Server) Ready(w http.ResponseWriter, r *http.Request) {\n\tif err := s.db.PingContext(r.Context()); err != nil {\n\t\thttp.Error(w, \"not ready\", http.StatusServiceUnavailable)\n\t\treturn\n\t}\n\tw.WriteHeader(http.StatusOK)\n}",
        ),
        (
            "bash",
            "terraform -chdir=envs/prod plan -target=module.{svc} -out=plan.tfplan\nterraform -chdir=envs/prod apply plan.tfplan",
        ),
    ];
    let (lang, text) = rng.pick(SAMPLES).copied().unwrap_or(("bash", "true"));
    (lang, text.replace("{svc}", pick(rng, SERVICES)))
}

pub const IMAGE_URLS: &[&str] = &[
    "https://static.example.com/diagrams/platform-overview.png",
    "https://static.example.com/screenshots/settings-page.png",
    "https://static.example.com/charts/latency-p99.png",
];
