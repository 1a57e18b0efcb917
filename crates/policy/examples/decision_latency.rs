//! The decision benchmark: single decisions (resource already resolved) over a policy of
//! demo-like rules plus 40 filler rules, printing p50/p99/p99.9 in nanoseconds. Target:
//! p99 <= 10 µs. Run: `cargo run --release -p policy --example decision_latency`.

use std::time::Instant;

use policy::*;

fn rules() -> Vec<RuleConfig> {
    let mut text = String::from(
        r#"
[[rules]]
id = "support-read"
effect = "allow"
roles = ["support"]
toolsets = ["*:read"]
spaces = ["ENG", "DOCS"]

[[rules]]
id = "writer"
effect = "allow"
roles = ["writer"]
spaces = ["DOCS", "~*"]
max_response_chars = 5000

[[rules]]
id = "no-confidential"
effect = "deny"
labels = ["confidential", "secret", "legal-hold"]

[[rules]]
id = "no-incidents"
effect = "deny"
roles = ["support"]
under = ["100", "200", "300"]

[[rules]]
id = "approve-deletes"
effect = "require_approval"
actions = ["delete"]
"#,
    );
    for i in 0..40 {
        text.push_str(&format!(
            "\n[[rules]]\nid = \"team-{i}\"\neffect = \"allow\"\nroles = [\"team-{i}\"]\nspaces = [\"S{i}\", \"T{i}\"]\nlabels = [\"l{i}\"]\n"
        ));
    }
    parse_policy_file(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .rules
        .into_iter()
        .map(|r| r.into_inner())
        .collect()
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let policy = Policy::from_rules(&rules(), &Known::default()).unwrap_or_else(|e| panic!("{e}"));
    let roles = vec!["support".to_owned(), "team-3".to_owned()];
    let who = Subject {
        agent: "support-bot",
        roles: &roles,
    };
    let tool = ToolRef {
        server: "readonly",
        name: "get_page",
        toolset: "pages",
        read_only: true,
        action: Action::Read,
    };
    let labels: Vec<String> = ["howto", "runbook", "postgres"].map(String::from).to_vec();
    let ancestors = [1u64, 2, 3, 4, 5, 6];
    let keys = ["ENG", "docs", "HR", "S3", "~bob"];
    let resources: Vec<Resource> = keys
        .iter()
        .map(|k| Resource {
            space_key: Some(k),
            content_id: Some(42),
            ancestors: &ancestors,
            labels: &labels,
            content_type: Some(ContentType::Page),
            space_level: false,
        })
        .collect();
    let grant = policy.grant(&who, &tool);
    let n = 200_000;
    for (name, full) in [
        ("resource decision (grant reused)", false),
        ("grant + decision", true),
    ] {
        let mut samples = Vec::with_capacity(n);
        let mut allowed = 0usize;
        for i in 0..n {
            let r = &resources[i % resources.len()];
            let t0 = Instant::now();
            let v = if full {
                policy.decide(&who, &tool, Some(r))
            } else {
                grant.decide(&policy, r)
            };
            samples.push(t0.elapsed().as_nanos() as u64);
            allowed += usize::from(std::hint::black_box(v).is_allow());
        }
        samples.sort_unstable();
        println!(
            "{name}: {n} decisions over {} rules, p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns ({allowed} allowed)",
            policy.rules().len(),
            percentile(&samples, 0.50),
            percentile(&samples, 0.99),
            percentile(&samples, 0.999),
            samples.last().copied().unwrap_or(0),
        );
    }
}
