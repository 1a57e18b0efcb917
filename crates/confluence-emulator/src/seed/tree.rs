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
pub(super) struct Tree(pub(super) Vec<Node>);

impl Tree {
    pub(super) fn add(
        &mut self,
        depth: usize,
        title: impl Into<String>,
        tpl: Tpl,
        labels: &[&'static str],
    ) {
        self.0.push(Node {
            depth,
            title: title.into(),
            tpl,
            labels: labels.to_vec(),
            age: None,
        });
    }

    pub(super) fn aged(
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
    pub(super) fn weekly(
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
