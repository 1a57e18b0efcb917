//! How each CredSweeper rule name maps onto what we report. Written by reading the rule names
//! and the sample lines they label; this table holds no patterns.
//!
//! - `Keyed(ids)`: a vendor token with a recognizable format. `ids` are our detectors that
//!   claim the format; an empty list means we have no detector for that vendor yet (reported
//!   as a coverage gap, apart from the formats we claim).
//! - `PrivateKey`: private key material (PEM/OpenSSH/PGP blocks, age keys, JWK private
//!   members, base64-wrapped keys).
//! - `UrlOrHeader`: credentials inside URLs, `Authorization` headers and `curl -u`.
//! - `Assignment`: `password = …`, `token: …`, `--password …`, SQL `IDENTIFIED BY …`: a
//!   secret known by the name next to it, not by its own format.
//! - `OutOfScope(reason)`: labelled by CredSweeper but deliberately not treated as a secret
//!   by our engine.

/// What kind of truth a rule labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleClass {
    Keyed(&'static [&'static str]),
    PrivateKey,
    UrlOrHeader,
    Assignment,
    OutOfScope(&'static str),
}

use RuleClass::{Assignment, Keyed, OutOfScope, PrivateKey, UrlOrHeader};

const NOT_A_SECRET_ID: &str = "a public identifier, not a credential";

/// Every rule name in CredSweeper's expected output, with its class.
pub const RULES: &[(&str, RuleClass)] = &[
    // Cloud.
    ("AWS Client ID", Keyed(&["aws_access_key_id"])),
    (
        "AWS Multi",
        Keyed(&[
            "aws_access_key_id",
            "aws_secret_key_pair",
            "aws_secret_access_key",
        ]),
    ),
    ("AWS MWS Key", Keyed(&["aws_mws_auth_token"])),
    ("Alibaba Access Key ID", Keyed(&["alibaba_access_key_id"])),
    ("Alibaba Multi", Keyed(&["alibaba_access_key_id"])),
    ("Azure Access Token", Keyed(&["jwt"])),
    ("Azure Secret Value", Keyed(&["azure_ad_client_secret"])),
    (
        "Azure Storage Account Key",
        Keyed(&["azure_storage_account_key"]),
    ),
    ("Digital Ocean Token", Keyed(&["digitalocean_token"])),
    ("Google API Key", Keyed(&["gcp_api_key"])),
    ("Google Multi", Keyed(&["gcp_oauth_client_secret"])),
    (
        "Google OAuth Access Token",
        Keyed(&["gcp_oauth_access_token"]),
    ),
    ("Google OAuth Secret", Keyed(&["gcp_oauth_client_secret"])),
    ("Heroku Credentials", Keyed(&["heroku_api_key"])),
    ("CloudFlare API Token", Keyed(&["cloudflare_api_token"])),
    ("Google OAuth Refresh Token", Keyed(&[])),
    ("Amazon Bedrock API Key", Keyed(&[])),
    ("AWS AppSync GraphQL API Key", Keyed(&[])),
    ("Akamai Credentials", Keyed(&[])),
    // Source hosting.
    (
        "Github Classic Token",
        Keyed(&["github_personal_access_token"]),
    ),
    (
        "Github Fine-granted Token",
        Keyed(&["github_fine_grained_token"]),
    ),
    (
        "Github App Installation Token",
        Keyed(&["github_server_to_server_token"]),
    ),
    (
        "Gitlab Prefix Token",
        Keyed(&[
            "gitlab_personal_access_token",
            "gitlab_pipeline_trigger_token",
            "gitlab_runner_token",
            "gitlab_runner_registration_token",
            "gitlab_deploy_token",
            "gitlab_oauth_app_secret",
            "gitlab_feed_token",
            "gitlab_incoming_mail_token",
            "gitlab_agent_token",
            "gitlab_ci_job_token",
            "gitlab_scim_token",
        ]),
    ),
    ("Bitbucket App Password", Keyed(&["bitbucket_app_password"])),
    (
        "Bitbucket Repository Access Token",
        Keyed(&["atlassian_access_token"]),
    ),
    ("Bitbucket HTTP Access Token", Keyed(&[])),
    // Chat.
    (
        "Slack Token",
        Keyed(&[
            "slack_bot_token",
            "slack_user_token",
            "slack_app_token",
            "slack_other_token",
        ]),
    ),
    ("Slack Webhook", Keyed(&["slack_webhook_url"])),
    ("Discord Bot Token", Keyed(&["discord_bot_token"])),
    ("Discord Webhook", Keyed(&["discord_webhook_url"])),
    ("Telegram Bot API Token", Keyed(&["telegram_bot_token"])),
    // Atlassian.
    ("Atlassian PAT token", Keyed(&["atlassian_api_token"])),
    ("Jira / Confluence PAT token", Keyed(&[])),
    // Payment and messaging.
    (
        "Stripe Credentials",
        Keyed(&[
            "stripe_secret_key",
            "stripe_restricted_key",
            "stripe_test_secret_key",
            "stripe_webhook_secret",
        ]),
    ),
    ("Picatic API Key", Keyed(&["stripe_secret_key"])),
    ("Square Access Token", Keyed(&["square_access_token"])),
    (
        "Square Credentials",
        Keyed(&["square_access_token", "square_oauth_secret"]),
    ),
    (
        "PayPal Braintree Access Token",
        Keyed(&["braintree_access_token"]),
    ),
    (
        "Twilio Credentials",
        Keyed(&["twilio_api_key", "twilio_auth_token"]),
    ),
    ("SendGrid API Key", Keyed(&["sendgrid_api_key"])),
    (
        "MailGun API Key",
        Keyed(&["mailgun_api_key", "mailgun_private_key"]),
    ),
    ("MailChimp API Key", Keyed(&["mailchimp_api_key"])),
    ("Brevo API Key", Keyed(&[])),
    // SaaS.
    ("Shopify Token", Keyed(&["shopify_access_token"])),
    (
        "NewRelic Credentials",
        Keyed(&["newrelic_user_api_key", "newrelic_insert_key"]),
    ),
    (
        "Sentry Organization Auth Token",
        Keyed(&["sentry_auth_token"]),
    ),
    ("Sentry User Auth Token", Keyed(&["sentry_auth_token"])),
    ("Linear API Key", Keyed(&["linear_api_key"])),
    (
        "Notion Integration Token",
        Keyed(&["notion_integration_token"]),
    ),
    ("Postman Credentials", Keyed(&["postman_api_key"])),
    ("Hashicorp Vault Token", Keyed(&["hashicorp_vault_token"])),
    (
        "Hashicorp Terraform Token",
        Keyed(&["terraform_cloud_token"]),
    ),
    (
        "Dropbox OAuth2 API Access Token",
        Keyed(&["dropbox_access_token"]),
    ),
    ("Doppler API Key", Keyed(&["doppler_token"])),
    (
        "Grafana Access Policy Token",
        Keyed(&["grafana_cloud_token"]),
    ),
    (
        "Grafana Service Account Token",
        Keyed(&["grafana_service_account_token"]),
    ),
    ("Grafana Provisioned API Key", Keyed(&[])),
    ("1Password Account Token", Keyed(&[])),
    ("Databricks Access Token", Keyed(&[])),
    ("Defined Networking API Key", Keyed(&[])),
    ("Dropbox API secret (long term)", Keyed(&[])),
    ("Dropbox App secret", Keyed(&[])),
    ("Dynatrace API Token", Keyed(&[])),
    ("Facebook Access Token", Keyed(&[])),
    ("Facebook App Token", Keyed(&[])),
    ("Figma Personal Access Token", Keyed(&[])),
    ("Instagram Access Token", Keyed(&[])),
    ("Netlify Token", Keyed(&[])),
    ("NTLM Token", Keyed(&[])),
    ("PlanetScale Credentials", Keyed(&[])),
    ("PostHog Credentials", Keyed(&[])),
    ("Salesforce Credentials", Keyed(&[])),
    ("SonarQube Credentials", Keyed(&[])),
    ("Supabase Credentials", Keyed(&[])),
    ("Vercel Token", Keyed(&[])),
    ("WunderGraph API Key", Keyed(&[])),
    ("X App-Only Authentication Bearer Token", Keyed(&[])),
    ("Docker Swarm Key", Keyed(&[])),
    ("Docker Swarm Token", Keyed(&[])),
    ("NKEY Seed", Keyed(&[])),
    // AI.
    (
        "OpenAI Token",
        Keyed(&["openai_api_key", "openai_project_key"]),
    ),
    ("Anthropic API Key", Keyed(&["anthropic_api_key"])),
    (
        "Hugging Face User Access Token",
        Keyed(&["huggingface_token"]),
    ),
    ("Groq API Key", Keyed(&["groq_api_key"])),
    ("Perplexity API Key", Keyed(&["perplexity_api_key"])),
    ("X AI API Key", Keyed(&["xai_api_key"])),
    ("DeepSeek API Key", Keyed(&[])),
    ("LLAMA API Key", Keyed(&[])),
    ("Tavily API Key", Keyed(&[])),
    ("Together AI API Key", Keyed(&[])),
    // Package registries.
    ("NPM Token", Keyed(&["npm_access_token"])),
    ("PyPi API Token", Keyed(&["pypi_upload_token"])),
    ("RubyGems API Key", Keyed(&["rubygems_api_key"])),
    ("NuGet API key", Keyed(&["nuget_api_key"])),
    ("Docker Access Token", Keyed(&["docker_hub_token"])),
    (
        "Jfrog Token",
        Keyed(&["jfrog_api_key", "jfrog_reference_token"]),
    ),
    ("Clojars Deploy Token", Keyed(&["clojars_token"])),
    // Tokens with a structure rather than a vendor.
    ("JSON Web Token", Keyed(&["jwt"])),
    // Private keys.
    ("PEM Private Key", PrivateKey),
    ("BASE64 encoded PEM Private Key", PrivateKey),
    ("BASE64 Private Key", PrivateKey),
    ("Age Secret Key", PrivateKey),
    ("JWK", PrivateKey),
    ("JSON Web Key", PrivateKey),
    // Credentials in URLs and headers.
    ("URL Credentials", UrlOrHeader),
    ("Basic Authorization", UrlOrHeader),
    ("Bearer Authorization", UrlOrHeader),
    ("CURL User Password", UrlOrHeader),
    // Secrets known by the name next to them.
    ("Password", Assignment),
    ("SQL Password", Assignment),
    ("Token", Assignment),
    ("Key", Assignment),
    ("Secret", Assignment),
    ("Auth", Assignment),
    ("Credential", Assignment),
    ("API", Assignment),
    ("CMD Password", Assignment),
    ("CMD Token", Assignment),
    ("CMD Secret", Assignment),
    ("CMD ConvertTo-SecureString", Assignment),
    ("CURL Options", Assignment),
    ("OTP / 2FA Secret", Assignment),
    // Labelled, but not secrets for our engine.
    (
        "UUID",
        OutOfScope(
            "bare UUIDs are identifiers; the engine rejects them as secret values by design",
        ),
    ),
    (
        "Salt",
        OutOfScope("salts are stored beside hashes in clear by design, not credentials"),
    ),
    (
        "Nonce",
        OutOfScope("nonces are public per-message values, not credentials"),
    ),
    (
        "AWS S3 Bucket",
        OutOfScope("a bucket host name is an address, not a credential"),
    ),
    (
        "Firebase Domain",
        OutOfScope("a Firebase host name is an address, not a credential"),
    ),
    ("Tencent WeChat API App ID", OutOfScope(NOT_A_SECRET_ID)),
];

const NOT_AN_AWS_KEY_ID: &str = "not an AWS key id: the 16 characters after the type prefix are \
     base32 (A-Z, 2-7), this dummy has digits outside it";

/// Single labelled lines we do not score, each with the reason printed in the report: the
/// value is public by design or an identifier, or the label contradicts the sample itself.
/// Kept short on purpose; every entry must name a public format fact or the sample's own text.
pub const LABEL_DISAGREEMENTS: &[(&str, usize, &str)] = &[
    (
        "stripe_credentials",
        3,
        "Stripe publishable key (pk_test_): shipped to browsers; public by design",
    ),
    (
        "stripe_credentials",
        6,
        "Stripe publishable key (pk_live_): shipped to browsers; public by design",
    ),
    (
        "twilio_credentials_p",
        2,
        "Twilio Account SID (AC + 32 hex): an account identifier, not a credential",
    ),
    (
        "google_multi",
        2,
        "Google OAuth client ID (…apps.googleusercontent.com): sent in browser redirects; \
         public by design",
    ),
    ("aws_multi.json", 3, NOT_AN_AWS_KEY_ID),
    ("aws_multi.json", 53, NOT_AN_AWS_KEY_ID),
    ("sample.tm7", 3, NOT_AN_AWS_KEY_ID),
    ("aws_multi.md", 7, NOT_AN_AWS_KEY_ID),
    (
        "docker",
        2,
        "the sample marks this line NEGATIVE itself (an EXAMPLE-EXAMPLE placeholder)",
    ),
    (
        "huggingface",
        6,
        "listed under the sample's own '# negative cases' heading; the value ends in 'example'",
    ),
    (
        "mailchimp_key",
        1,
        "not the Mailchimp format (32 hex digits, -usN): the value is mixed-case, not hex",
    ),
    (
        "sendgrid_api_key",
        1,
        "not the SendGrid format (SG. + 22 + . + 43 characters): two 16-letter repeats of a \
         dummy word",
    ),
];

/// Why the line `file:line` is not scored, if it is a listed label disagreement.
pub fn label_disagreement(file: &str, line: usize) -> Option<&'static str> {
    LABEL_DISAGREEMENTS
        .iter()
        .find(|(f, l, _)| *f == file && *l == line)
        .map(|(_, _, reason)| *reason)
}

/// The class of `rule`, or `None` for a rule this table does not know.
pub fn classify(rule: &str) -> Option<RuleClass> {
    RULES
        .iter()
        .find(|(name, _)| *name == rule)
        .map(|(_, class)| *class)
}
