//! Storage-format sections that carry the fake sensitive values of `secrets.rs`, written the
//! way people actually paste credentials and personal data into wiki pages.

use super::bodies::{code, noformat, panel, table};
use super::files::xml_escape as esc;
use super::secrets::*;

fn cell(text: &str) -> String {
    format!("<p>{}</p>", esc(text))
}

/// Extra sections for a page that has planted data (inserted after its first section).
pub fn sections(title: &str) -> Option<Vec<String>> {
    let out = match title {
        PG_FAILOVER => {
            let [primary, replica] = postgres_urls();
            vec![
                format!(
                    "<h2>Connection strings</h2><p>Use these from the bastion host only.</p>{}",
                    code(
                        "bash",
                        Some("prod.env"),
                        &format!(
                            "# primary (read/write)\nexport DATABASE_URL={primary}\n# replica (read-only)\nexport REPLICA_URL={replica}"
                        )
                    )
                ),
                code(
                    "text",
                    Some("pgbouncer.ini"),
                    &format!(
                        "[databases]\nbilling = host=pg-prod-primary.internal.example.net port=5432 dbname=billing\n\n[pgbouncer]\nauth_user = billing_svc\npassword={}\npool_mode = transaction",
                        config_password()
                    ),
                ),
            ]
        }
        AWS_ACCESS => vec![format!(
            "<h2>Break-glass credentials</h2><p>Only for when SSO is down. Rotate after use.</p>{}<p>A copy is attached as <code>aws-credentials.txt</code>.</p>",
            code(
                "bash",
                Some("~/.aws/credentials"),
                &format!(
                    "[prod-admin]\naws_access_key_id = {}\naws_secret_access_key = {}\nregion = eu-west-1",
                    aws_access_key_id(),
                    aws_secret_access_key()
                )
            )
        )],
        GH_ACTIONS => vec![token_section(&github_tokens()[0])],
        SLACK_ROUTING => vec![format!(
            "<h2>Webhook for #alerts-prod</h2>{}",
            code(
                "bash",
                None,
                &format!(
                    "curl -X POST -H 'Content-type: application/json' \\\n  --data '{{\"text\":\"test alert from runbook\"}}' \\\n  {}",
                    slack_webhook()
                )
            )
        )],
        TLS_ROTATION => vec![format!(
            "<h2>Current key</h2>{}{}",
            panel(
                "warning",
                None,
                "<p>Temporary: remove once the key is in Vault.</p>"
            ),
            code("text", Some("wildcard.example.com.key"), &private_key_pem())
        )],
        AUTH_DEBUG => vec![format!(
            "<h2>Example token</h2><p>A token captured from the staging tenant, handy for testing the middleware:</p>{}",
            noformat(&format!("Authorization: Bearer {}", jwt()))
        )],
        PAYMENTS_CONFIG => vec![format!(
            "<h2>Production configuration</h2>{}",
            code(
                "text",
                Some("payments.properties"),
                &format!(
                    "stripe.api.key={}\nstripe.webhook.tolerance=300\ndb.url=jdbc:postgresql://pg-prod-primary.internal.example.net:5432/payments\ndb.user=payments\ndb.password={}",
                    stripe_live_key(),
                    config_password()
                )
            )
        )],
        AI_DESIGN => vec![format!(
            "<h2>Prototype</h2>{}",
            code(
                "python",
                Some("assistant_prototype.py"),
                &format!(
                    "from openai import OpenAI\n\nclient = OpenAI(api_key=\"{}\")\nreply = client.chat.completions.create(model=\"gpt-4o-mini\", messages=[{{\"role\": \"user\", \"content\": \"Summarise this page\"}}])",
                    openai_key()
                )
            )
        )],
        DIRECTORY => vec![directory()],
        PAYROLL => vec![payroll()],
        CARDS => vec![cards()],
        NEW_HIRES => vec![new_hires()],
        _ => return None,
    };
    Some(out)
}

/// The section an older version had in place of the current one (a since-rotated secret).
pub fn old_section(title: &str) -> Option<String> {
    match title {
        GH_ACTIONS => Some(token_section(&github_tokens()[1])),
        _ => None,
    }
}

fn token_section(token: &str) -> String {
    format!(
        "<h2>Deploy bot token</h2><p>The deploy bot uses this personal access token: <code>{token}</code></p>{}",
        code(
            "yaml",
            Some(".github/workflows/deploy.yml"),
            &format!(
                "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy.sh\n        env:\n          GH_TOKEN: {token}"
            )
        )
    )
}

fn directory() -> String {
    let phones = [
        us_phones()[0],
        intl_phones()[0],
        intl_phones()[1],
        intl_phones()[2],
        "+1 646 555 0199",
        "+44 161 496 0123",
        "+39 06 5550 1234",
        "+81 3 5550 0134",
    ];
    let rows: Vec<Vec<String>> = STAFF
        .iter()
        .zip(phones)
        .map(|((name, email, role), phone)| vec![cell(name), cell(role), cell(email), cell(phone)])
        .collect();
    format!(
        "<h2>Staff</h2>{}<p>The full export is attached as <code>employee-directory.xlsx</code>.</p>",
        table(&["Name", "Title", "Email", "Phone"], &rows)
    )
}

fn payroll() -> String {
    let [de, gb, nl] = ibans();
    let rows = vec![
        vec![
            cell("Jonas Becker"),
            cell("Germany"),
            cell(&de),
            cell("Steuer-ID on file"),
            cell("EUR 7,450"),
        ],
        vec![
            cell("Liam O'Connor"),
            cell("United Kingdom"),
            cell(&gb),
            cell(ninos()[0]),
            cell("GBP 6,100"),
        ],
        vec![
            cell("Mei Lin"),
            cell("Netherlands"),
            cell(&nl),
            cell("BSN on file"),
            cell("EUR 6,900"),
        ],
        vec![
            cell("Priya Raman"),
            cell("United States"),
            cell("ACH, routing on file"),
            cell(ssns()[0]),
            cell("USD 15,200"),
        ],
    ];
    format!(
        "<h2>Bank details</h2>{}",
        table(
            &["Employee", "Country", "IBAN", "Tax id", "Monthly gross"],
            &rows
        )
    )
}

fn cards() -> String {
    let [visa, mc, amex] = card_numbers();
    let rows = vec![
        vec![
            cell("Erin Chief"),
            cell(&amex),
            cell("09/28"),
            cell("USD 50,000"),
        ],
        vec![
            cell("Tomás Herrera"),
            cell(&visa),
            cell("03/27"),
            cell("USD 10,000"),
        ],
        vec![
            cell("Amara Okafor"),
            cell(&mc),
            cell("11/27"),
            cell("USD 5,000"),
        ],
    ];
    format!(
        "<h2>Cards issued</h2>{}<p>Report a lost card to finance immediately.</p>",
        table(
            &["Cardholder", "Card number", "Expiry", "Monthly limit"],
            &rows
        )
    )
}

fn new_hires() -> String {
    let dobs = dates_of_birth();
    let rows = vec![
        vec![
            cell("Jordan Doe"),
            cell("2026-06-15"),
            cell(dobs[0]),
            cell(ssns()[1]),
            cell("jdoe.personal@example.net"),
            cell(us_phones()[1]),
        ],
        vec![
            cell("Aisha Khan"),
            cell("2026-07-01"),
            cell(dobs[1]),
            cell(ninos()[1]),
            cell("aisha.k@example.org"),
            cell("+44 20 7946 0321"),
        ],
        vec![
            cell("Marcus Lee"),
            cell("2026-07-06"),
            cell(dobs[2]),
            cell(ssns()[2]),
            cell("marcus.lee.home@example.org"),
            cell("(312) 555-0175"),
        ],
    ];
    format!(
        "<h2>Starting this quarter</h2>{}<p>The HR system export is attached as <code>new-hires-2026.csv</code>.</p>",
        table(
            &[
                "Name",
                "Start date",
                "Date of birth",
                "SSN / NI number",
                "Personal email",
                "Phone"
            ],
            &rows
        )
    )
}
