//! Which demo pages carry which attachments, and what is inside each file.

use super::files::*;
use super::secrets::{self, STAFF};
use crate::rng::SplitMix64;

/// (space key, page title, file name) for every demo attachment, in creation order.
pub const PLANNED: &[(&str, &str, &str)] = &[
    ("ENG", secrets::PG_FAILOVER, "failover-checklist.md"),
    ("ENG", secrets::PG_FAILOVER, "replication-lag.csv"),
    ("ENG", secrets::AWS_ACCESS, "aws-credentials.txt"),
    ("ENG", "Architecture overview", "architecture-overview.png"),
    ("ENG", "Architecture overview", "service-inventory.json"),
    ("ENG", "Service map", "service-map.png"),
    (
        "ENG",
        "INC-2026-007: Checkout latency spike",
        "incident-timeline.csv",
    ),
    (
        "ENG",
        "Design: multi-region active-active",
        "multi-region-design.pdf",
    ),
    (
        "ENG",
        "On-call rotation schedule",
        "oncall-rotation-2026.xlsx",
    ),
    ("DOCS", "User Guide", "user-guide-4.3.pdf"),
    ("DOCS", "Getting started", "getting-started-screenshot.png"),
    ("DOCS", "Release 4.3", "changelog-4.3.md"),
    ("DOCS", "Webhooks", "webhook-payload-example.json"),
    ("HR", "Benefits overview 2026", "benefits-summary-2026.pdf"),
    ("HR", secrets::DIRECTORY, "employee-directory.xlsx"),
    ("HR", secrets::DIRECTORY, "employee-directory.csv"),
    ("HR", "Salary bands 2026", "salary-bands-2026.xlsx"),
    ("HR", secrets::NEW_HIRES, "new-hires-2026.csv"),
    (
        "HR",
        "New hire onboarding checklist",
        "onboarding-checklist.docx",
    ),
    ("HR", "Code of conduct", "code-of-conduct.pdf"),
    ("LEGAL", "Mutual NDA template", "mutual-nda-template.docx"),
    ("LEGAL", "Data Processing Agreement (DPA)", "dpa-2026.docx"),
    (
        "LEGAL",
        "Data Processing Agreement (DPA)",
        "dpa-2026-signed.pdf",
    ),
    ("LEGAL", "MSA: Northwind Traders", "northwind-msa.pdf"),
    ("LEGAL", "Sub-processor list", "subprocessors.csv"),
    ("EXEC", "Board deck Q1 2026", "board-deck-q1-2026.pdf"),
    ("EXEC", "2027 plan", "2027-plan-model.xlsx"),
    (
        "EXEC",
        "Acquisition target: Project Falcon",
        "falcon-teaser.pdf",
    ),
    ("EXEC", "Company OKRs 2026 Q2", "okrs-2026-q2.xlsx"),
];

/// The attachment file names of one page.
pub fn names_for(space: &str, title: &str) -> Vec<String> {
    PLANNED
        .iter()
        .filter(|(s, t, _)| *s == space && *t == title)
        .map(|(_, _, f)| (*f).to_owned())
        .collect()
}

fn text(s: Vec<String>) -> Vec<u8> {
    let mut out = s.join("\n");
    out.push('\n');
    out.into_bytes()
}

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// Media type, bytes and upload comment of a planned file.
pub fn build(file: &str, author: &str, rng: &mut SplitMix64) -> (&'static str, Vec<u8>, String) {
    let ext = file.rsplit('.').next().unwrap_or_default();
    let media = match ext {
        "pdf" => MEDIA_PDF,
        "docx" => MEDIA_DOCX,
        "xlsx" => MEDIA_XLSX,
        "png" => MEDIA_PNG,
        "md" => MEDIA_MD,
        "csv" => MEDIA_CSV,
        "json" => MEDIA_JSON,
        _ => MEDIA_TXT,
    };
    let data = match file {
        "failover-checklist.md" => text(lines(&[
            "# PostgreSQL failover checklist",
            "",
            "1. Announce the failover in #incidents",
            "2. Confirm replica lag is under 5 seconds",
            "3. Promote the replica: `pg_ctl promote -D /var/lib/postgresql/16/main`",
            "4. Repoint pgbouncer and reload",
            "5. Verify writes on the new primary",
            "",
            "| Step | Owner | Done |",
            "|------|-------|------|",
            "| Promote | on-call | [ ] |",
            "| Repoint | on-call | [ ] |",
        ])),
        "replication-lag.csv" | "incident-timeline.csv" => {
            let mut rows = vec!["timestamp,host,lag_seconds".to_owned()];
            for i in 0..48 {
                rows.push(format!(
                    "2026-05-{:02}T{:02}:00:00Z,pg-prod-replica-{},{}",
                    1 + i / 24,
                    i % 24,
                    1 + i % 2,
                    rng.next_below(40)
                ));
            }
            text(rows)
        }
        "aws-credentials.txt" => text(vec![
            "# break-glass profile, rotate after use".to_owned(),
            "[prod-admin]".to_owned(),
            format!("aws_access_key_id = {}", secrets::aws_access_key_id()),
            format!(
                "aws_secret_access_key = {}",
                secrets::aws_secret_access_key()
            ),
        ]),
        "service-inventory.json" => {
            let services: Vec<serde_json::Value> = super::bodies::SERVICES
                .iter()
                .map(|s| {
                    serde_json::json!({"name": s, "tier": 1 + rng.next_below(3), "owner": "platform", "language": if rng.next_below(2) == 0 { "rust" } else { "go" }})
                })
                .collect();
            serde_json::to_vec_pretty(&serde_json::json!({ "services": services }))
                .unwrap_or_default()
        }
        "webhook-payload-example.json" => serde_json::to_vec_pretty(&serde_json::json!({
            "event": "task.updated",
            "delivered_at": "2026-05-20T10:15:00Z",
            "data": {"id": "T-48213", "status": "done", "project": "Website relaunch"}
        }))
        .unwrap_or_default(),
        "changelog-4.3.md" => text(lines(&[
            "# Changelog 4.3",
            "",
            "## Added",
            "- Board views can be grouped by assignee",
            "- SCIM provisioning for Microsoft Entra ID",
            "",
            "## Fixed",
            "- Sync errors after changing the workspace name",
        ])),
        "employee-directory.csv" => {
            let mut rows = vec!["name,email,title".to_owned()];
            rows.extend(STAFF.iter().map(|(n, e, r)| format!("{n},{e},{r}")));
            text(rows)
        }
        "new-hires-2026.csv" => {
            let dob = secrets::dates_of_birth();
            text(vec![
                "name,start_date,date_of_birth,ssn".to_owned(),
                format!("Jordan Doe,2026-06-15,{},{}", dob[0], secrets::ssns()[1]),
                format!("Marcus Lee,2026-07-06,{},{}", dob[2], secrets::ssns()[2]),
            ])
        }
        "subprocessors.csv" => text(lines(&[
            "subprocessor,purpose,location",
            "Amazon Web Services,Hosting,EU (Ireland)",
            "Datadog,Monitoring,EU (Germany)",
            "Postmark,Email delivery,US",
            "Zendesk,Customer support,US",
        ])),
        _ => match ext {
            "png" => diagram(rng),
            "pdf" => pdf(&title_of(file), &pdf_lines(file, rng)),
            "docx" => docx(&title_of(file), author, &doc_paras(file)),
            "xlsx" => xlsx(&title_of(file), author, &sheets(file, rng)),
            _ => text(vec![format!("{file}: notes")]),
        },
    };
    let comment = match ext {
        "pdf" => "Final version",
        "png" => "Diagram export",
        "xlsx" => "Latest export",
        "docx" => "Editable copy",
        _ => "",
    };
    (media, data, comment.to_owned())
}

/// The document title stored inside a file's metadata.
fn title_of(file: &str) -> String {
    let title = match file {
        "board-deck-q1-2026.pdf" => "Board deck Q1 2026",
        "dpa-2026-signed.pdf" => "Data Processing Agreement 2026 (signed)",
        "northwind-msa.pdf" => "Master Services Agreement: Northwind Traders",
        "falcon-teaser.pdf" => "Project Falcon teaser",
        "user-guide-4.3.pdf" => "User Guide 4.3",
        "multi-region-design.pdf" => "Multi-region active-active design",
        "benefits-summary-2026.pdf" => "Benefits summary 2026",
        "code-of-conduct.pdf" => "Code of conduct",
        "mutual-nda-template.docx" => "Mutual NDA template",
        "dpa-2026.docx" => "Data Processing Agreement 2026",
        "onboarding-checklist.docx" => "New hire onboarding checklist",
        "employee-directory.xlsx" => "Employee directory",
        "salary-bands-2026.xlsx" => "Salary bands 2026",
        "oncall-rotation-2026.xlsx" => "On-call rotation 2026",
        "2027-plan-model.xlsx" => "2027 plan model",
        "okrs-2026-q2.xlsx" => "Company OKRs 2026 Q2",
        other => other,
    };
    title.to_owned()
}

fn diagram(rng: &mut SplitMix64) -> Vec<u8> {
    let colours = [[0, 82, 204], [54, 179, 126], [255, 171, 0], [222, 53, 11]];
    let boxes: Vec<(u32, u32, u32, u32, [u8; 3])> = (0..4)
        .map(|i| {
            let colour = colours[rng.next_below(4) as usize];
            (10 + i * 75, 35, 55, 30, colour)
        })
        .collect();
    png_diagram(320, 100, &boxes)
}

fn pdf_lines(file: &str, rng: &mut SplitMix64) -> Vec<String> {
    let mut out = vec!["Example Corp - internal document".to_owned(), String::new()];
    let topic = match file {
        "user-guide-4.3.pdf" => super::bodies::Domain::Docs,
        "benefits-summary-2026.pdf" | "code-of-conduct.pdf" => super::bodies::Domain::Hr,
        "dpa-2026-signed.pdf" | "northwind-msa.pdf" => super::bodies::Domain::Legal,
        "multi-region-design.pdf" => super::bodies::Domain::Eng,
        _ => super::bodies::Domain::Exec,
    };
    let count = if file == "user-guide-4.3.pdf" { 70 } else { 24 };
    for i in 0..count {
        if i % 8 == 0 {
            out.push(format!("Section {}", i / 8 + 1));
        }
        let s = super::bodies::sentence(topic, rng);
        out.push(strip_tags(&s));
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn doc_paras(file: &str) -> Vec<DocPara> {
    use DocPara::*;
    let s = |x: &str| x.to_owned();
    match file {
        "mutual-nda-template.docx" => vec![
            Title(s("Mutual Non-Disclosure Agreement")),
            Text(s(
                "This Mutual Non-Disclosure Agreement is entered into between Example Corp and the Counterparty named below.",
            )),
            Heading(s("1. Confidential Information")),
            Text(s(
                "Confidential Information means any non-public information disclosed by either party, in any form.",
            )),
            Heading(s("2. Obligations")),
            Bullet(s(
                "Use Confidential Information only to evaluate the business relationship.",
            )),
            Bullet(s("Protect it with at least reasonable care.")),
            Heading(s("3. Term")),
            Text(s("This Agreement lasts two years from the Effective Date.")),
        ],
        "dpa-2026.docx" => vec![
            Title(s("Data Processing Agreement")),
            Heading(s("1. Subject matter")),
            Text(s(
                "The Processor processes Personal Data on behalf of the Controller to provide the Services.",
            )),
            Heading(s("2. Sub-processors")),
            Text(s(
                "The Controller authorises the sub-processors listed in Annex 3.",
            )),
            Heading(s("3. Security")),
            Bullet(s("Encryption in transit and at rest")),
            Bullet(s("Breach notification within 72 hours")),
        ],
        _ => vec![
            Title(s("New hire onboarding checklist")),
            Heading(s("Before day one")),
            Bullet(s("Laptop shipped and accounts created")),
            Bullet(s("Buddy assigned")),
            Heading(s("First week")),
            Bullet(s("Meet the team and your manager")),
            Bullet(s("Complete security training")),
        ],
    }
}

fn sheets(file: &str, rng: &mut SplitMix64) -> Vec<Sheet> {
    let num = |n: u64| Cell::Num(n as f64);
    match file {
        "employee-directory.xlsx" => vec![Sheet {
            name: "Directory".to_owned(),
            rows: std::iter::once(vec![t("Name"), t("Email"), t("Title")])
                .chain(STAFF.iter().map(|(n, e, r)| vec![t(n), t(e), t(r)]))
                .collect(),
        }],
        "salary-bands-2026.xlsx" => {
            let mut rows = vec![vec![t("Level"), t("Min"), t("Mid"), t("Max")]];
            for (i, level) in ["L1", "L2", "L3", "L4", "L5", "L6"].iter().enumerate() {
                let min = 70_000 + 25_000 * i as u64;
                rows.push(vec![
                    t(level),
                    num(min),
                    num(min + 15_000),
                    num(min + 30_000),
                ]);
            }
            vec![Sheet {
                name: "Bands".to_owned(),
                rows,
            }]
        }
        "oncall-rotation-2026.xlsx" => {
            let names = ["Bob", "Priya", "Jonas", "Kenji"];
            let mut rows = vec![vec![t("Week"), t("Primary"), t("Secondary")]];
            for w in 1..=26u64 {
                rows.push(vec![
                    num(w),
                    t(names[(w % 4) as usize]),
                    t(names[((w + 1) % 4) as usize]),
                ]);
            }
            vec![Sheet {
                name: "2026 H1".to_owned(),
                rows,
            }]
        }
        "okrs-2026-q2.xlsx" => {
            let mut rows = vec![vec![
                t("Objective"),
                t("Key result"),
                t("Owner"),
                t("Progress"),
            ]];
            for (objective, kr, owner) in [
                (
                    "Win the enterprise segment",
                    "Sign 12 new enterprise logos",
                    "Erin Chief",
                ),
                (
                    "Win the enterprise segment",
                    "Net revenue retention of 115 percent",
                    "Erin Chief",
                ),
                (
                    "Ship the AI assistant",
                    "GA to all customers by June",
                    "Bob Builder",
                ),
                (
                    "Be a great place to work",
                    "Engagement score of 80",
                    "Carol People",
                ),
            ] {
                let progress = Cell::Num(rng.next_below(100) as f64 / 100.0);
                rows.push(vec![t(objective), t(kr), t(owner), progress]);
            }
            vec![Sheet {
                name: "OKRs".to_owned(),
                rows,
            }]
        }
        _ => {
            let mut rows = vec![vec![t("Line item"), t("2026"), t("2027")]];
            for item in [
                "Revenue",
                "Cost of revenue",
                "R&D",
                "Sales and marketing",
                "G&A",
            ] {
                let now = 1_000_000 + rng.next_below(9_000_000);
                rows.push(vec![t(item), num(now), num(now + now / 5)]);
            }
            let targets = vec![
                vec![t("Metric"), t("Target")],
                vec![t("Net revenue retention"), Cell::Num(1.12)],
                vec![t("Gross margin"), Cell::Num(0.78)],
            ];
            vec![
                Sheet {
                    name: "Model".to_owned(),
                    rows,
                },
                Sheet {
                    name: "Targets".to_owned(),
                    rows: targets,
                },
            ]
        }
    }
}
