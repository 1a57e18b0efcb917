//! Reproducible benchmark corpora (same bytes on every run and machine):
//!
//! - **wiki prose**: the emulator's demo wiki (`seed::build(Demo, 42, n)`), every page's
//!   current body converted to Markdown with `content::storage_to_markdown`, as the gateway
//!   would hand it to an agent. Extra generated pages are added until the size is reached.
//! - **config-heavy runbooks**: generated runbook pages whose code blocks are YAML manifests,
//!   `.env` files, JSON and INI configs, shell commands and connection strings, with about
//!   one real-looking secret per 1-2 KB (random values in vendor formats, made at run time,
//!   none stored in the repository) among placeholders, UUIDs, hashes and version strings.
//!
//! Shared by the throughput, scaling and criterion benchmarks via `#[path]`.

#![allow(dead_code)]

use confluence_emulator::SeedKind;

/// A named list of documents (pages); each is scanned as one text.
pub struct Corpus {
    pub name: &'static str,
    pub documents: Vec<String>,
}

impl Corpus {
    pub fn bytes(&self) -> usize {
        self.documents.iter().map(String::len).sum()
    }

    /// All documents in one string, separated by blank lines.
    pub fn joined(&self) -> String {
        self.documents.join("\n\n")
    }
}

/// Markdown of the demo wiki's pages, at least `min_bytes` (whole pages).
pub fn wiki_prose(min_bytes: usize) -> Corpus {
    let mut extra = 0;
    loop {
        let store = confluence_emulator::seed::build(SeedKind::Demo, 42, extra);
        let mut documents = Vec::new();
        let mut total = 0;
        for content in store.contents.values() {
            let Some(version) = content.versions.last() else {
                continue;
            };
            let Ok(markdown) =
                content::storage_to_markdown(&version.body, &content::Options::default())
            else {
                continue;
            };
            total += markdown.len();
            documents.push(markdown);
            if total >= min_bytes {
                return Corpus {
                    name: "wiki prose",
                    documents,
                };
            }
        }
        // Not enough yet: add generated pages in proportion to what is missing.
        let average = (total / documents.len().max(1)).max(1);
        extra += (min_bytes - total) / average * 11 / 10 + 10;
    }
}

/// SplitMix64: tiny, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// `len` characters from `alphabet`.
    pub fn string(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }
}

const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";
const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const SERVICES: &[&str] = &[
    "billing",
    "search",
    "ingest",
    "auth",
    "notifications",
    "reports",
    "gateway",
    "payments",
];
const TASKS: &[&str] = &[
    "rotate credentials",
    "fail over the primary",
    "drain a node",
    "restore from backup",
    "scale out workers",
    "recover a stuck deploy",
];
const STEPS: &[&str] = &[
    "Check the dashboard for the error rate before you start, and announce the change in the channel.",
    "Run the command below from the bastion host; it takes about two minutes to finish.",
    "If the health check still fails after five minutes, roll back to the previous release.",
    "Confirm with the owning team that no batch job is running, then continue.",
    "Update the ticket with the output and the time you finished.",
];

/// A random value in a common secret format, or a placeholder (a third of the time).
fn secret_value(rng: &mut Rng) -> String {
    if rng.chance(33) {
        return rng
            .pick(&[
                "${DB_PASSWORD}",
                "<your-token>",
                "changeme",
                "xxxxxxxx",
                "{{ vault_secret }}",
            ])
            .to_owned();
    }
    match rng.below(8) {
        0 => format!("ghp_{}", rng.string(BASE62, 36)),
        1 => format!(
            "xoxb-{}-{}-{}",
            rng.string("0123456789", 11),
            rng.string("0123456789", 12),
            rng.string(BASE62, 24)
        ),
        2 => format!("sk_live_{}", rng.string(BASE62, 24)),
        3 => format!("glpat-{}", rng.string(BASE62, 20)),
        4 => format!("SG.{}.{}", rng.string(BASE62, 22), rng.string(BASE62, 43)),
        5 => rng.string(B64, 40),
        _ => format!(
            "{}{}!{}",
            rng.string(BASE62, 8),
            rng.below(100),
            rng.string(BASE62, 5)
        ),
    }
}

fn yaml_manifest(rng: &mut Rng, service: &str) -> String {
    format!(
        "```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {service}\n  labels:\n    \
         app: {service}\n    version: \"{}.{}.{}\"\nspec:\n  replicas: {}\n  template:\n    spec:\n      \
         containers:\n        - name: {service}\n          image: registry.internal/{service}:{}.{}.{}\n          \
         env:\n            - name: DB_HOST\n              value: db-{}.internal\n            - name: DB_PASSWORD\n              \
         value: \"{}\"\n            - name: REQUEST_ID_SEED\n              value: \"{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}\"\n```\n",
        rng.below(5),
        rng.below(30),
        rng.below(9),
        1 + rng.below(8),
        rng.below(5),
        rng.below(30),
        rng.below(9),
        rng.below(9),
        secret_value(rng),
        rng.next() as u32,
        rng.below(65536),
        rng.below(4096),
        rng.below(4096),
        rng.next() & 0xFFFF_FFFF_FFFF,
    )
}

fn env_file(rng: &mut Rng, service: &str) -> String {
    format!(
        "```bash\n# /etc/{service}/env\nexport AWS_ACCESS_KEY_ID=AKIA{}\nexport AWS_REGION=eu-west-1\n\
         export LOG_LEVEL=info\nexport API_TOKEN={}\nexport BUILD_SHA={:016x}{:016x}{:08x}\n```\n",
        rng.string(BASE32, 16),
        secret_value(rng),
        rng.next(),
        rng.next(),
        rng.next() as u32,
    )
}

fn json_config(rng: &mut Rng, service: &str) -> String {
    format!(
        "```json\n{{\n  \"service\": \"{service}\",\n  \"timeout_ms\": {},\n  \"retries\": {},\n  \
         \"endpoint\": \"https://{service}.internal/v2\",\n  \"api_key\": \"{}\",\n  \"owner\": \"team-{service}@corp.example\"\n}}\n```\n",
        100 * rng.below(60),
        rng.below(6),
        secret_value(rng),
    )
}

fn ini_config(rng: &mut Rng) -> String {
    format!(
        "```ini\n[smtp]\nhost = smtp.internal\nport = 587\nuser = mailer\npassword = {}\n\n[cache]\nttl_seconds = {}\n```\n",
        secret_value(rng),
        rng.below(3600),
    )
}

fn shell_commands(rng: &mut Rng, service: &str) -> String {
    format!(
        "```bash\ncurl -sS -H \"Authorization: Bearer {}\" https://{service}.internal/admin/health\n\
         psql \"postgres://app:{}@db-{}.internal:5432/{service}\" -c 'select count(*) from jobs'\n\
         kubectl rollout status deploy/{service} --timeout=120s\n```\n",
        rng.string(BASE62, 32),
        rng.string(BASE62, 14),
        rng.below(9),
    )
}

fn table(rng: &mut Rng) -> String {
    let mut out = String::from("| step | owner | duration |\n|---|---|---|\n");
    for _ in 0..(2 + rng.below(4)) {
        out.push_str(&format!(
            "| {} | {} | {} min |\n",
            rng.pick(&["drain", "backup", "promote", "verify", "announce"]),
            rng.pick(&["platform", "dba", "on-call", "sre"]),
            1 + rng.below(30)
        ));
    }
    out
}

/// Generated runbook pages, at least `min_bytes` in all.
pub fn config_runbooks(min_bytes: usize, seed: u64) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut documents = Vec::new();
    let mut total = 0;
    while total < min_bytes {
        let service = rng.pick(SERVICES);
        let mut page = format!("# {service}: {}\n\n", rng.pick(TASKS));
        for n in 1..=(4 + rng.below(5)) {
            page.push_str(&format!("{n}. {}\n", rng.pick(STEPS)));
            page.push_str(&match rng.below(6) {
                0 => yaml_manifest(&mut rng, service),
                1 => env_file(&mut rng, service),
                2 => json_config(&mut rng, service),
                3 => ini_config(&mut rng),
                4 => shell_commands(&mut rng, service),
                _ => table(&mut rng),
            });
            page.push('\n');
        }
        total += page.len();
        documents.push(page);
    }
    Corpus {
        name: "config runbooks",
        documents,
    }
}
