//! The demo wiki's page trees, space by space: titles, depth, page type and labels. Depth 1
//! pages sit directly under the space's home page.

use super::secrets::*;
use super::templates::Tpl::{self, *};

/// One planned page.
pub struct Node {
    pub depth: usize,
    pub title: String,
    pub tpl: Tpl,
    pub labels: Vec<&'static str>,
    /// Age range in days before the epoch; `None` picks one at random.
    pub age: Option<(u64, u64)>,
}

#[derive(Default)]
struct Tree(Vec<Node>);

impl Tree {
    fn add(&mut self, depth: usize, title: impl Into<String>, tpl: Tpl, labels: &[&'static str]) {
        self.0.push(Node {
            depth,
            title: title.into(),
            tpl,
            labels: labels.to_vec(),
            age: None,
        });
    }

    fn aged(
        &mut self,
        depth: usize,
        title: impl Into<String>,
        tpl: Tpl,
        labels: &[&'static str],
        age: (u64, u64),
    ) {
        self.add(depth, title, tpl, labels);
        if let Some(last) = self.0.last_mut() {
            last.age = Some(age);
        }
    }

    /// Weekly meeting pages named by date, newest `first_age` days ago.
    fn weekly(
        &mut self,
        depth: usize,
        prefix: &str,
        count: u64,
        first_age: u64,
        labels: &[&'static str],
    ) {
        for week in 0..count {
            let age = first_age + 7 * week;
            let date = super::epoch() - chrono::Duration::days(age as i64);
            self.aged(
                depth,
                format!("{prefix} {}", date.format("%Y-%m-%d")),
                Meeting,
                labels,
                (age, age),
            );
        }
    }
}

const ADRS: &[&str] = &[
    "Record architecture decisions",
    "Use PostgreSQL as the primary datastore",
    "Adopt Kubernetes for service deployment",
    "Use gRPC for internal service calls",
    "Standardise on OpenTelemetry for tracing",
    "Use Terraform for infrastructure",
    "Adopt trunk-based development",
    "Store secrets in Vault",
    "Use Kafka for domain events",
    "Write new services in Rust",
    "Use feature flags for risky rollouts",
    "Move search to OpenSearch",
    "Adopt the outbox pattern for events",
    "Single sign-on via SAML and OIDC",
    "Multi-tenant data isolation by schema",
    "Use Redis only as a cache",
    "Deprecate the v1 public API",
    "Use S3 for file storage",
    "Structured logging in JSON",
    "Run canary deployments for tier-1 services",
    "Replace cron jobs with the workflow engine",
    "Use ULIDs for public identifiers",
    "Adopt Renovate for dependency updates",
    "Encrypt backups with per-tenant keys",
    "Keep the monorepo",
    "Rate limit at the edge gateway",
    "Adopt an LLM provider for the assistant",
    "Retire the legacy billing service",
    "Use Protobuf schemas in a registry",
    "Active-active across two regions",
];

pub fn eng() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "Runbooks", Index, &["runbook"]);
    t.add(2, "Database", Index, &["database"]);
    t.add(3, "PostgreSQL", Index, &["postgres"]);
    t.add(4, PG_FAILOVER, Runbook, &["postgres", "database", "tier-1"]);
    t.aged(
        5,
        "Failover drill 2026-04 notes",
        Meeting,
        &["postgres", "drill"],
        (40, 45),
    );
    t.aged(
        5,
        "Failover drill 2025-10 notes",
        Meeting,
        &["postgres", "drill"],
        (220, 230),
    );
    t.add(4, "PostgreSQL vacuum and bloat", Runbook, &["postgres"]);
    t.add(
        4,
        "PostgreSQL major version upgrade",
        Runbook,
        &["postgres", "upgrade"],
    );
    t.add(
        4,
        "PostgreSQL connection pool exhaustion",
        Runbook,
        &["postgres"],
    );
    t.add(3, "Redis", Index, &["redis"]);
    t.add(4, REDIS_RUNBOOK, Runbook, &["redis"]);
    t.add(4, "Redis Sentinel recovery", Runbook, &["redis"]);
    t.add(3, "Kafka consumer lag runbook", Runbook, &["kafka"]);
    t.add(3, "OpenSearch cluster red status", Runbook, &["search"]);
    t.add(2, "Cloud", Index, &["aws"]);
    t.add(3, AWS_ACCESS, Howto, &["aws", "access"]);
    t.add(3, "Terraform state recovery", Runbook, &["terraform"]);
    t.add(
        3,
        "EKS node group rotation",
        Runbook,
        &["kubernetes", "aws"],
    );
    t.add(3, "S3 bucket policy changes", Howto, &["aws", "s3"]);
    t.add(3, "CloudFront cache invalidation", Runbook, &["aws", "cdn"]);
    t.add(2, "Kubernetes", Index, &["kubernetes"]);
    t.add(3, "Pod crashloop triage", Runbook, &["kubernetes"]);
    t.add(3, TLS_ROTATION, Runbook, &["tls", "security"]);
    t.add(
        3,
        "Scaling the API deployment",
        Runbook,
        &["kubernetes", "scaling"],
    );
    t.add(
        3,
        "Cluster upgrade checklist",
        Runbook,
        &["kubernetes", "upgrade"],
    );
    t.add(2, "Services", Index, &[]);
    t.add(3, AUTH_DEBUG, Runbook, &["auth"]);
    t.add(3, PAYMENTS_CONFIG, Generic, &["payments", "config"]);
    t.add(3, "Search indexer rebuild", Runbook, &["search"]);
    t.add(3, "Email delivery troubleshooting", Runbook, &["email"]);
    t.add(
        3,
        "Webhook retries and dead letters",
        Runbook,
        &["webhooks"],
    );
    t.add(1, "Architecture Decision Records", Index, &["adr"]);
    for (i, title) in ADRS.iter().enumerate() {
        t.add(
            2,
            format!("ADR-{:03}: {title}", i + 1),
            Adr,
            &["architecture"],
        );
    }
    t.add(1, "Architecture", Index, &["architecture"]);
    t.add(2, "Architecture overview", Design, &["architecture"]);
    t.add(3, "Service map", Generic, &["architecture"]);
    t.add(3, "Data flow diagrams", Generic, &["architecture"]);
    t.add(3, "Network topology", Generic, &["architecture", "network"]);
    t.add(2, "Design documents", Index, &[]);
    t.add(
        3,
        "Design: multi-region active-active",
        Design,
        &["multi-region"],
    );
    t.add(
        4,
        "Multi-region: failover testing plan",
        Generic,
        &["multi-region"],
    );
    t.add(
        4,
        "Multi-region: cost estimate",
        Generic,
        &["multi-region", "cost"],
    );
    t.add(
        3,
        "Design: event sourcing for billing",
        Design,
        &["billing"],
    );
    t.add(3, "Design: rate limiting at the edge", Design, &["edge"]);
    t.add(3, AI_DESIGN, Design, &["ai"]);
    t.add(3, "Design: search relevance v2", Design, &["search"]);
    t.add(3, "Design: audit log pipeline", Design, &["security"]);
    t.add(1, "On-call", Index, &["on-call"]);
    t.add(2, "On-call handbook", Howto, &["on-call"]);
    t.add(2, "Escalation policy", Policy, &["on-call"]);
    t.add(2, SLACK_ROUTING, Howto, &["alerting", "slack"]);
    t.add(2, "On-call rotation schedule", Generic, &["on-call"]);
    t.add(2, "Incident postmortems", Index, &["incident"]);
    t.add(3, "2026 postmortems", Index, &[]);
    for title in [
        "INC-2026-003: Login failures after certificate expiry",
        "INC-2026-007: Checkout latency spike",
        "INC-2026-011: Search index out of date",
        "INC-2026-014: Webhook delivery backlog",
        "INC-2026-019: Partial outage in eu-west-1",
        "INC-2026-022: Duplicate invoice emails",
    ] {
        t.aged(4, title, Postmortem, &["incident"], (5, 150));
    }
    t.aged(
        4,
        "Security incident 2026-03 postmortem",
        Postmortem,
        &["incident", "security"],
        (60, 80),
    );
    t.add(3, "2025 postmortems", Index, &[]);
    for title in [
        "INC-2025-002: Database disk full",
        "INC-2025-009: DNS misconfiguration after migration",
        "INC-2025-015: Memory leak in the sync engine",
        "INC-2025-021: Expired API token broke the billing export",
        "INC-2025-028: Kafka broker outage",
        "INC-2025-033: Slow dashboard queries",
        "INC-2025-040: Failed deploy rolled back manually",
        "INC-2025-047: CDN cache served stale assets",
    ] {
        t.aged(4, title, Postmortem, &["incident"], (160, 515));
    }
    t.add(1, "CI/CD", Index, &["ci"]);
    t.add(2, GH_ACTIONS, Howto, &["ci", "github"]);
    t.add(2, "Release process", Howto, &["release"]);
    t.add(2, "Feature flags", Howto, &["feature-flags"]);
    t.add(2, "Build cache troubleshooting", Runbook, &["ci"]);
    t.add(2, "Dependency update policy", Policy, &["dependencies"]);
    t.add(2, "Legacy deploy process", Howto, &["deprecated"]);
    t.add(1, "Team", Index, &[]);
    t.add(2, "Team meetings", Index, &["meeting-notes"]);
    t.weekly(3, "Platform sync", 12, 3, &["platform-sync"]);
    t.add(2, "Engineering onboarding", Howto, &["onboarding"]);
    t.add(2, "Team charter", Generic, &[]);
    t.aged(2, "Quarterly planning 2026 Q3", Plan, &["planning"], (1, 6));
    t.add(1, "How-to guides", Index, &["howto"]);
    for title in [
        "How to run the stack locally",
        "How to add a new microservice",
        "How to rotate secrets",
        "How to request production access",
        "How to write a runbook",
        "How to profile a slow endpoint",
        "How to run database migrations safely",
    ] {
        t.add(2, title, Howto, &[]);
    }
    t.0
}

pub fn docs() -> Vec<Node> {
    let mut t = Tree::default();
    t.add(1, "User Guide", Index, &["user-guide"]);
    t.add(2, "Getting started", Guide, &["getting-started"]);
    for title in [
        "Installing the desktop app",
        "Creating your first project",
        "Inviting your team",
        "Keyboard shortcuts",
    ] {
        t.add(3, title, Guide, &["getting-started"]);
    }
    t.add(2, "Projects", Guide, &[]);
    t.add(3, "Project settings", Guide, &[]);
    t.add(3, "Archiving and restoring projects", Guide, &[]);
    t.add(3, "Project templates", Guide, &["templates"]);
    t.add(4, "Template gallery", Guide, &["templates"]);
    t.add(4, "Creating custom templates", Guide, &["templates"]);
    t.add(
        5,
        "Template variables reference",
        Guide,
        &["templates", "reference"],
    );
    t.add(3, "Sharing and permissions", Guide, &["permissions"]);
    t.add(2, "Tasks and boards", Guide, &[]);
    t.add(3, "Creating tasks", Guide, &[]);
    t.add(3, "Board views", Guide, &[]);
    t.add(3, "Automations", Guide, &["automation"]);
    t.add(4, "Automation recipes", Guide, &["automation"]);
    t.add(4, "Automation limits", Guide, &["automation", "limits"]);
    t.add(2, "Integrations", Guide, &["integrations"]);
    t.add(3, "Slack integration", Guide, &["integrations", "slack"]);
    t.add(3, "Jira integration", Guide, &["integrations", "jira"]);
    t.add(3, "Google Drive integration", Guide, &["integrations"]);
    t.add(3, "Single sign-on", Guide, &["sso"]);
    t.add(4, "Okta setup", Guide, &["sso"]);
    t.add(4, "Microsoft Entra ID setup", Guide, &["sso"]);
    t.add(4, "SCIM provisioning", Guide, &["sso", "scim"]);
    t.add(2, "Administration", Guide, &["admin"]);
    for title in [
        "User management",
        "Billing and invoices",
        "Audit log",
        "Data retention settings",
    ] {
        t.add(3, title, Guide, &["admin"]);
    }
    t.add(2, "Troubleshooting", Index, &["troubleshooting"]);
    for title in ["Sync errors", "Login problems", "Performance issues"] {
        t.add(3, title, Faq, &["troubleshooting"]);
    }
    t.add(1, "API reference", Index, &["api"]);
    for title in ["Authentication", "Rate limits", "Pagination", "Webhooks"] {
        t.add(2, title, ApiRef, &[]);
    }
    t.add(2, "Endpoints", Index, &[]);
    for title in [
        "Projects API",
        "Tasks API",
        "Users API",
        "Comments API",
        "Files API",
    ] {
        t.add(3, title, ApiRef, &["endpoint"]);
    }
    t.add(1, "Release notes", Index, &["release-notes"]);
    let mut age = 9;
    for (year, versions) in [
        ("2026", &["4.3", "4.2", "4.1", "4.0"][..]),
        (
            "2025",
            &[
                "3.9", "3.8", "3.7", "3.6", "3.5", "3.4", "3.3", "3.2", "3.1", "3.0",
            ][..],
        ),
        ("2024", &["2.9", "2.8", "2.7", "2.6", "2.5"][..]),
    ] {
        t.add(2, format!("Release notes {year}"), Index, &[]);
        for v in versions {
            t.aged(3, format!("Release {v}"), ReleaseNotes, &[], (age, age + 3));
            age += 38;
        }
    }
    t.add(2, "Release notes 2023", Index, &["archive"]);
    t.add(1, "FAQ", Faq, &[]);
    t.add(1, "Documentation style guide", Policy, &["style-guide"]);
    t.add(1, "Glossary", Generic, &[]);
    t.add(1, "Docs team", Index, &[]);
    t.add(2, "Docs review checklist", Howto, &[]);
    t.add(2, "Screenshot guidelines", Howto, &[]);
    t.add(2, "Docs roadmap 2026", Plan, &["roadmap"]);
    t.0
}

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
