//! Page trees of the business spaces (HR, LEGAL, EXEC) and of the personal space.

use super::secrets::*;
use super::templates::Tpl::*;
use super::tree::{Node, Tree};

pub fn hr() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "Policies", Index, &["policy"]);
    for title in [
        "Code of conduct",
        "Remote work policy",
        "Travel and expense policy",
        "Parental leave policy",
        "Paid time off policy",
        "Anti-harassment policy",
        "Information security policy",
        "Whistleblower policy",
    ] {
        t.add(2, title, Policy, &[]);
    }
    t.add(1, "Benefits", Index, &["benefits"]);
    t.add(2, "Benefits overview 2026", Generic, &["benefits"]);
    t.add(2, "Health insurance plans", Generic, &["benefits"]);
    for title in ["401(k) matching", "Wellness stipend", "Learning budget"] {
        t.add(2, title, Faq, &["benefits"]);
    }
    t.add(1, "Compensation", Index, &["confidential", "compensation"]);
    t.add(
        2,
        "Salary bands 2026",
        Generic,
        &["confidential", "compensation"],
    );
    t.add(2, "Compensation review cycle 2026", Plan, &["compensation"]);
    t.add(2, "Equity FAQ", Faq, &["compensation"]);
    t.add(1, "Payroll", Index, &["confidential", "payroll"]);
    t.add(2, PAYROLL, Generic, &["confidential", "payroll", "pii"]);
    t.add(2, CARDS, Generic, &["confidential", "finance", "pii"]);
    t.add(2, "Payroll calendar 2026", Generic, &["payroll"]);
    t.add(1, DIRECTORY, Generic, &["directory", "pii"]);
    t.add(1, "Onboarding", Index, &["onboarding"]);
    t.add(2, "New hire onboarding checklist", Howto, &["onboarding"]);
    t.add(2, "First week schedule", Generic, &["onboarding"]);
    t.add(
        2,
        NEW_HIRES,
        Generic,
        &["confidential", "pii", "onboarding"],
    );
    t.add(2, "IT equipment request", Howto, &[]);
    t.add(2, "Offboarding checklist", Howto, &["offboarding"]);
    t.add(1, "Performance reviews", Index, &["performance"]);
    t.add(2, "Performance review process", Policy, &["performance"]);
    t.add(
        2,
        "Performance improvement plans",
        Index,
        &["confidential", "performance"],
    );
    t.add(3, "PIP case notes: Engineering", Generic, &["confidential"]);
    t.add(3, "PIP case notes: Sales", Generic, &["confidential"]);
    t.add(1, "Hiring", Index, &["hiring"]);
    t.add(2, "Interview guide", Howto, &["hiring"]);
    t.add(2, "Hiring plan 2026", Plan, &["hiring", "confidential"]);
    for title in [
        "Senior Backend Engineer",
        "Product Designer",
        "Legal Counsel",
    ] {
        t.add(
            2,
            format!("Job description: {title}"),
            Generic,
            &["hiring", "job-description"],
        );
    }
    t.add(1, "HR FAQ", Faq, &[]);
    t.0
}

pub fn legal() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "Contracts", Index, &["contract"]);
    t.add(2, "Customer agreements", Index, &["customer"]);
    for name in [
        "Northwind Traders",
        "Globex Corporation",
        "Initech",
        "Umbrella Health",
        "Stark Logistics",
    ] {
        t.add(
            3,
            format!("MSA: {name}"),
            Contract,
            &["msa", "confidential"],
        );
    }
    t.add(3, "Order form template", Contract, &["template"]);
    t.add(2, "Vendor agreements", Index, &["vendor"]);
    for title in [
        "AWS Enterprise Agreement",
        "Datadog subscription",
        "Office lease: Berlin",
        "Payroll provider agreement",
    ] {
        t.add(3, title, Contract, &["vendor"]);
    }
    t.add(1, "NDAs", Index, &["nda"]);
    t.add(2, "Mutual NDA template", Nda, &["template"]);
    for name in [
        "Initech",
        "Acme Robotics",
        "Blue Harbor Capital",
        "Falcon Analytics",
        "Vandelay Industries",
    ] {
        t.add(2, format!("NDA: {name}"), Nda, &["confidential"]);
    }
    t.add(1, "Data protection", Index, &["privacy", "gdpr"]);
    t.add(
        2,
        "Data Processing Agreement (DPA)",
        Contract,
        &["dpa", "gdpr"],
    );
    t.add(2, "Sub-processor list", Generic, &["dpa", "gdpr"]);
    t.add(2, "Record of processing activities", Generic, &["gdpr"]);
    t.add(2, "DPIA: AI assistant", Generic, &["gdpr", "ai"]);
    t.add(2, "Data subject request procedure", Howto, &["gdpr"]);
    t.add(1, "Compliance", Index, &["compliance"]);
    t.add(2, "SOC 2 Type II evidence index", Generic, &["soc2"]);
    t.add(2, "Export controls screening", Howto, &[]);
    t.add(2, "Open source license policy", Policy, &["open-source"]);
    t.add(2, "Anti-bribery policy", Policy, &[]);
    t.add(
        1,
        "Pending litigation",
        Index,
        &["confidential", "litigation"],
    );
    t.add(
        2,
        "Smith v. Example Corp",
        Generic,
        &["confidential", "litigation"],
    );
    t.add(
        2,
        "Patent claim: Acme IP Holdings",
        Generic,
        &["confidential", "litigation"],
    );
    t.add(1, "Trademark register", Generic, &["trademark"]);
    t.add(1, "Legal request intake", Howto, &[]);
    t.0
}

pub fn exec() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "OKRs", Index, &["okr"]);
    for (q, age) in [
        ("2026 Q2", 55),
        ("2026 Q1", 145),
        ("2025 Q4", 235),
        ("2025 Q3", 325),
    ] {
        t.aged(
            2,
            format!("Company OKRs {q}"),
            Okr,
            &["okr"],
            (age, age + 10),
        );
    }
    t.add(1, "Board", Index, &["board", "confidential"]);
    t.add(2, "Board meetings", Index, &["board"]);
    t.aged(3, "Board deck Q1 2026", Board, &["confidential"], (70, 75));
    t.aged(
        3,
        "Board deck Q4 2025",
        Board,
        &["confidential"],
        (165, 170),
    );
    t.aged(
        3,
        "Board deck Q3 2025",
        Board,
        &["confidential"],
        (255, 260),
    );
    t.aged(
        3,
        "Board minutes 2026-03-18",
        Meeting,
        &["confidential"],
        (75, 75),
    );
    t.aged(
        3,
        "Board minutes 2025-12-10",
        Meeting,
        &["confidential"],
        (173, 173),
    );
    t.add(1, "Strategy", Index, &["strategy"]);
    t.add(2, "2027 plan", Plan, &["confidential", "planning"]);
    t.add(
        3,
        "2027 plan: headcount",
        Plan,
        &["confidential", "planning"],
    );
    t.add(3, "2027 plan: budget", Plan, &["confidential", "planning"]);
    t.add(2, "Competitive landscape", Generic, &["strategy"]);
    t.add(
        2,
        "Pricing strategy 2026",
        Plan,
        &["confidential", "pricing"],
    );
    t.add(
        1,
        "Acquisition target: Project Falcon",
        Plan,
        &["confidential", "m-and-a"],
    );
    t.add(
        2,
        "Falcon: due diligence findings",
        Generic,
        &["confidential", "m-and-a"],
    );
    t.add(
        2,
        "Falcon: valuation model",
        Generic,
        &["confidential", "m-and-a"],
    );
    t.add(
        2,
        "Falcon: integration plan",
        Plan,
        &["confidential", "m-and-a"],
    );
    t.aged(
        1,
        "Leadership offsite 2026",
        Meeting,
        &["offsite"],
        (20, 25),
    );
    t.add(1, "Leadership meetings", Index, &["meeting-notes"]);
    t.weekly(2, "Leadership weekly", 8, 1, &["leadership"]);
    t.0
}

pub fn personal() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "Notes", Personal, &[]);
    t.add(1, "Draft: Rust migration proposal", Design, &["draft"]);
    t.add(1, "Reading list", Personal, &[]);
    t.aged(1, "1:1 notes with Alice", Meeting, &["1-on-1"], (2, 30));
    t.0
}
