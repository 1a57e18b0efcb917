//! Secret detectors: a true positive for every built-in secret format (tokens are built at run
//! time from public format facts — prefix, alphabet, length — so no real-looking credential
//! sits in the repository), plus the negatives that matter for each family.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[test]
fn cloud_providers() {
    let key_id = format!("AKIA{}", random(BASE32, 16));
    assert_finds(
        "aws_access_key_id",
        &format!("aws_access_key_id = {key_id}"),
        &key_id,
    );
    let secret = random(BASE64, 40);
    assert_finds(
        "aws_secret_access_key",
        &format!("export AWS_SECRET_ACCESS_KEY=\"{secret}\""),
        &secret,
    );
    assert_finds(
        "aws_secret_key_pair",
        &format!("User,Access key ID,Secret access key\nci,{key_id},{secret}\n"),
        &secret,
    );
    let session = random(BASE64, 300);
    assert_finds(
        "aws_session_token",
        &format!("aws_session_token = {session}"),
        &session,
    );
    let mws = format!(
        "amzn.mws.{}-{}-{}-{}-{}",
        random(HEX, 8),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 12)
    );
    assert_finds("aws_mws_auth_token", &format!("mws: {mws}"), &mws);
    let gcp = format!("AIza{}", random(BASE64URL, 35));
    assert_finds("gcp_api_key", &format!("key={gcp}&q=1"), &gcp);
    let key_id = random(HEX, 40);
    assert_finds(
        "gcp_service_account_key",
        &format!("{{\"type\": \"service_account\", \"private_key_id\": \"{key_id}\"}}"),
        &key_id,
    );
    let client_secret = format!("GOCSPX-{}", random(BASE64URL, 28));
    assert_finds(
        "gcp_oauth_client_secret",
        &format!("secret: {client_secret}"),
        &client_secret,
    );
    let access = format!("ya29.{}", random(BASE64URL, 120));
    assert_finds(
        "gcp_oauth_access_token",
        &format!("Authorization: {access}"),
        &access,
    );
    let account_key = format!("{}==", random(BASE64, 86));
    assert_finds(
        "azure_storage_account_key",
        &format!(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={account_key};EndpointSuffix=core.windows.net"
        ),
        &account_key,
    );
    let sig = random(BASE64URL.trim_end_matches("-_"), 43) + "%3D";
    assert_finds(
        "azure_sas_token",
        &format!(
            "https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={sig}"
        ),
        &sig,
    );
    let shared = format!("{}=", random(BASE64, 43));
    assert_finds(
        "azure_sas_connection_string",
        &format!(
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={shared}"
        ),
        &shared,
    );
    let entra = format!("{}8Q~{}", random(BASE62, 3), random(BASE62, 34));
    assert_finds(
        "azure_ad_client_secret",
        &format!("client secret: {entra}"),
        &entra,
    );
    let alibaba = format!("LTAI{}", random(BASE62, 20));
    assert_finds("alibaba_access_key_id", &format!("id={alibaba}"), &alibaba);
    let digital_ocean = format!("dop_v1_{}", random(HEX, 64));
    assert_finds(
        "digitalocean_token",
        &format!("DO_TOKEN={digital_ocean}"),
        &digital_ocean,
    );
    let heroku = format!(
        "{}-{}-{}-{}-{}",
        random(HEX, 8),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 12)
    );
    assert_finds(
        "heroku_api_key",
        &format!("HEROKU_API_KEY={heroku}"),
        &heroku,
    );
    let cloudflare = random(BASE62, 40);
    assert_finds(
        "cloudflare_api_token",
        &format!("CLOUDFLARE_API_TOKEN: {cloudflare}"),
        &cloudflare,
    );
}

#[test]
fn cloud_negatives() {
    // AWS's own documentation keys, and a key id that is too short.
    assert_nothing("aws_access_key_id = AKIAIOSFODNN7EXAMPLE");
    assert_nothing("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assert_nothing(&format!("id AKIA{}", random(BASE32, 12)));
    // A UUID next to "heroku" but not assigned to a key/token name.
    assert_not_found_by(
        "heroku_api_key",
        "Heroku dyno 123e4567-e89b-12d3-a456-426614174000 restarted",
    );
}

#[test]
fn source_hosting() {
    for (id, prefix) in [
        ("github_personal_access_token", "ghp_"),
        ("github_oauth_token", "gho_"),
        ("github_user_to_server_token", "ghu_"),
        ("github_server_to_server_token", "ghs_"),
    ] {
        let token = github_token(prefix, 30);
        assert_finds(id, &format!("GH_TOKEN={token}\n"), &token);
    }
    let refresh = format!("ghr_{}", random(BASE62, 76));
    assert_finds(
        "github_refresh_token",
        &format!("GH_TOKEN={refresh}\n"),
        &refresh,
    );
    let fine = format!("github_pat_{}_{}", random(BASE62, 22), random(BASE62, 59));
    assert_finds(
        "github_fine_grained_token",
        &format!("token: {fine}"),
        &fine,
    );
    for (id, prefix, body) in [
        (
            "gitlab_personal_access_token",
            "glpat-",
            random(BASE64URL, 20),
        ),
        ("gitlab_pipeline_trigger_token", "glptt-", random(HEX, 40)),
        ("gitlab_runner_token", "glrt-", random(BASE62, 20)),
        (
            "gitlab_runner_registration_token",
            "GR1348941",
            random(BASE62, 20),
        ),
        ("gitlab_deploy_token", "gldt-", random(BASE62, 20)),
        ("gitlab_oauth_app_secret", "gloas-", random(BASE62, 64)),
        ("gitlab_feed_token", "glft-", random(BASE62, 20)),
        ("gitlab_incoming_mail_token", "glimt-", random(BASE62, 25)),
        ("gitlab_agent_token", "glagent-", random(BASE62, 50)),
        ("gitlab_ci_job_token", "glcbt-", random(BASE62, 30)),
        ("gitlab_scim_token", "glsoat-", random(BASE62, 20)),
    ] {
        let token = format!("{prefix}{body}");
        assert_finds(id, &format!("export CI_TOKEN='{token}'"), &token);
    }
    let app_password = format!("ATBB{}", random(BASE62, 32));
    assert_finds(
        "bitbucket_app_password",
        &format!("password: {app_password}"),
        &app_password,
    );
    let client = random(BASE62, 32);
    assert_finds(
        "bitbucket_client_secret",
        &format!("BITBUCKET_CLIENT_SECRET={client}"),
        &client,
    );
}

#[test]
fn source_hosting_negatives() {
    // Placeholders in documentation, too-short bodies, and words that merely start alike.
    assert_nothing(&format!("GH_TOKEN=ghp_{}", "x".repeat(36)));
    assert_nothing("GH_TOKEN=ghp_your_token_here");
    assert_nothing(&format!("id ghp_{}", random(BASE62, 20)));
    assert_nothing("see ghp_ prefix docs and glpat- tokens in the handbook");
}

#[test]
fn chat() {
    let bot = format!(
        "xoxb-{}-{}-{}",
        random(DIGITS, 11),
        random(DIGITS, 13),
        random(BASE62, 24)
    );
    assert_finds("slack_bot_token", &format!("SLACK_BOT_TOKEN={bot}"), &bot);
    let user = format!(
        "xoxp-{}-{}-{}-{}",
        random(DIGITS, 11),
        random(DIGITS, 11),
        random(DIGITS, 13),
        random(HEX, 32)
    );
    assert_finds("slack_user_token", &format!("token {user}"), &user);
    let app = format!(
        "xapp-1-{}-{}-{}",
        random(&(UPPER.to_owned() + DIGITS), 11),
        random(DIGITS, 13),
        random(HEX, 64)
    );
    assert_finds("slack_app_token", &format!("app token {app}"), &app);
    let legacy = format!("xoxe-1-{}", random(BASE62, 60));
    assert_finds("slack_other_token", &format!("refresh {legacy}"), &legacy);
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        random(&(UPPER.to_owned() + DIGITS), 8),
        random(&(UPPER.to_owned() + DIGITS), 10),
        random(BASE62, 24)
    );
    assert_finds(
        "slack_webhook_url",
        &format!("Post to {hook} daily."),
        &hook,
    );
    let discord = format!(
        "M{}.{}.{}",
        random(BASE62, 25),
        random(BASE62, 6),
        random(BASE64URL, 38)
    );
    assert_finds(
        "discord_bot_token",
        &format!("DISCORD_TOKEN={discord}"),
        &discord,
    );
    let discord_hook = format!(
        "https://discord.com/api/webhooks/{}/{}",
        random(DIGITS, 18),
        random(BASE64URL, 68)
    );
    assert_finds(
        "discord_webhook_url",
        &format!("webhook: {discord_hook}"),
        &discord_hook,
    );
    let uuid = || {
        format!(
            "{}-{}-{}-{}-{}",
            random(HEX, 8),
            random(HEX, 4),
            random(HEX, 4),
            random(HEX, 4),
            random(HEX, 12)
        )
    };
    let teams = format!(
        "https://contoso.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}",
        uuid(),
        uuid(),
        random(HEX, 32),
        uuid()
    );
    assert_finds("teams_webhook_url", &format!("Teams: {teams}"), &teams);
    let workflow_sig = random(BASE64URL, 43);
    assert_finds(
        "teams_workflow_url",
        &format!(
            "https://prod-12.westeurope.logic.azure.com:443/workflows/{}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={workflow_sig}",
            random(HEX, 32)
        ),
        &workflow_sig,
    );
    let telegram = format!("{}:AA{}", random(DIGITS, 10), random(BASE64URL, 33));
    assert_finds(
        "telegram_bot_token",
        &format!("bot token {telegram}"),
        &telegram,
    );
}

#[test]
fn atlassian() {
    let api = format!("ATATT3xFfGF0{}", random(BASE64URL, 180));
    assert_finds(
        "atlassian_api_token",
        &format!("JIRA_API_TOKEN={api}"),
        &api,
    );
    let access = format!("ATCTT3xFfGN0{}", random(BASE64URL, 180));
    assert_finds(
        "atlassian_access_token",
        &format!("Bearer-ish {access}"),
        &access,
    );
    let legacy = random(BASE62, 24);
    assert_finds(
        "atlassian_api_token_legacy",
        &format!("confluence_api_token: {legacy}"),
        &legacy,
    );
    assert_not_found_by(
        "atlassian_api_token_legacy",
        "Confluence token: see the admin page for how to create one",
    );
}

#[test]
fn payment_and_saas() {
    let cases: Vec<(&str, String)> = vec![
        (
            "stripe_secret_key",
            format!("sk_live_{}", random(BASE62, 24)),
        ),
        (
            "stripe_restricted_key",
            format!("rk_live_{}", random(BASE62, 24)),
        ),
        (
            "stripe_test_secret_key",
            format!("sk_test_{}", random(BASE62, 24)),
        ),
        (
            "stripe_webhook_secret",
            format!("whsec_{}", random(BASE62, 32)),
        ),
        (
            "square_access_token",
            format!("sq0atp-{}", random(BASE64URL, 22)),
        ),
        (
            "square_oauth_secret",
            format!("sq0csp-{}", random(BASE64URL, 43)),
        ),
        (
            "braintree_access_token",
            format!(
                "access_token$production${}${}",
                random(&(LOWER.to_owned() + DIGITS), 16),
                random(HEX, 32)
            ),
        ),
        ("twilio_api_key", format!("SK{}", random(HEX, 32))),
        (
            "sendgrid_api_key",
            format!("SG.{}.{}", random(BASE64URL, 22), random(BASE64URL, 43)),
        ),
        ("mailgun_api_key", format!("key-{}", random(HEX, 32))),
        ("mailchimp_api_key", format!("{}-us14", random(HEX, 32))),
        ("shopify_access_token", format!("shpat_{}", random(HEX, 32))),
        (
            "shopify_shared_secret",
            format!("shpss_{}", random(HEX, 32)),
        ),
        (
            "newrelic_user_api_key",
            format!("NRAK-{}", random(&(UPPER.to_owned() + DIGITS), 27)),
        ),
        (
            "newrelic_insert_key",
            format!("NRII-{}", random(BASE64URL, 32)),
        ),
        (
            "sentry_auth_token",
            format!("sntrys_{}", random(BASE64, 80)),
        ),
        ("linear_api_key", format!("lin_api_{}", random(BASE62, 40))),
        (
            "notion_integration_token",
            format!("secret_{}", random(BASE62, 43)),
        ),
        (
            "postman_api_key",
            format!("PMAK-{}-{}", random(HEX, 24), random(HEX, 34)),
        ),
        (
            "hashicorp_vault_token",
            format!("hvs.{}", random(BASE64URL, 90)),
        ),
        (
            "terraform_cloud_token",
            format!("{}.atlasv1.{}", random(BASE62, 14), random(BASE64URL, 67)),
        ),
        (
            "dropbox_access_token",
            format!("sl.{}", random(BASE64URL, 140)),
        ),
        ("doppler_token", format!("dp.pt.{}", random(BASE62, 43))),
        ("pulumi_access_token", format!("pul-{}", random(HEX, 40))),
        ("grafana_cloud_token", format!("glc_{}", random(BASE62, 60))),
        (
            "grafana_service_account_token",
            format!("glsa_{}_{}", random(BASE62, 32), random(HEX, 8)),
        ),
        (
            "airtable_personal_access_token",
            format!("pat{}.{}", random(BASE62, 14), random(HEX, 64)),
        ),
    ];
    for (id, token) in cases {
        assert_finds(id, &format!("value: {token}\n"), &token);
    }
    let twilio = random(HEX, 32);
    assert_finds(
        "twilio_auth_token",
        &format!("TWILIO_AUTH_TOKEN={twilio}"),
        &twilio,
    );
    let mailgun = format!("{}-{}-{}", random(HEX, 32), random(HEX, 8), random(HEX, 8));
    assert_finds(
        "mailgun_private_key",
        &format!("MAILGUN_API_KEY={mailgun}"),
        &mailgun,
    );
    let datadog = random(HEX, 32);
    assert_finds(
        "datadog_api_key",
        &format!("DD_API_KEY={datadog}"),
        &datadog,
    );
    let okta = format!("00{}", random(BASE64URL, 40));
    assert_finds("okta_api_token", &format!("okta_api_token: {okta}"), &okta);
}

#[test]
fn payment_and_saas_negatives() {
    assert_nothing("Use sk_live_xxxxxxxxxxxxxxxxxxxxxxxx in production only.");
    assert_nothing("SK is the country code for Slovakia; the task list is long.");
    assert_nothing("The key-value store keeps a key-hashed index.");
    assert_nothing("Configure the pattern path and patch the patterns.");
}

#[test]
fn ai_apis() {
    let project = format!("sk-proj-{}", random(BASE64URL, 120));
    assert_finds(
        "openai_project_key",
        &format!("OPENAI_API_KEY={project}"),
        &project,
    );
    let legacy = format!("sk-{}T3BlbkFJ{}", random(BASE62, 20), random(BASE62, 20));
    assert_finds(
        "openai_api_key",
        &format!("openai.api_key = \"{legacy}\""),
        &legacy,
    );
    let anthropic = format!("sk-ant-api03-{}", random(BASE64URL, 93)) + "AA";
    assert_finds(
        "anthropic_api_key",
        &format!("ANTHROPIC_API_KEY={anthropic}"),
        &anthropic,
    );
    let hugging = format!("hf_{}", random(&(UPPER.to_owned() + LOWER), 34));
    assert_finds(
        "huggingface_token",
        &format!("HF_TOKEN={hugging}"),
        &hugging,
    );
    let groq = format!("gsk_{}", random(BASE62, 52));
    assert_finds("groq_api_key", &format!("key {groq}"), &groq);
    let replicate = format!("r8_{}", random(BASE62, 37));
    assert_finds(
        "replicate_api_token",
        &format!("key {replicate}"),
        &replicate,
    );
    let perplexity = format!("pplx-{}", random(BASE62, 48));
    assert_finds(
        "perplexity_api_key",
        &format!("key {perplexity}"),
        &perplexity,
    );
    let xai = format!("xai-{}", random(BASE62, 80));
    assert_finds("xai_api_key", &format!("key {xai}"), &xai);
    assert_nothing("Pass sk-proj-... or sk-ant-... as the API key.");
}

#[test]
fn package_registries() {
    let npm = format!("npm_{}", random(BASE62, 36));
    assert_finds(
        "npm_access_token",
        &format!("//registry.npmjs.org/:_authToken={npm}"),
        &npm,
    );
    let auth = random(BASE64, 40);
    assert_finds("npmrc_auth_token", &format!("_auth = {auth}"), &auth);
    let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", random(BASE64URL, 120));
    assert_finds("pypi_upload_token", &format!("password = {pypi}"), &pypi);
    let cases: Vec<(&str, String)> = vec![
        ("rubygems_api_key", format!("rubygems_{}", random(HEX, 48))),
        (
            "docker_hub_token",
            format!("dckr_pat_{}", random(BASE64URL, 27)),
        ),
        (
            "nuget_api_key",
            format!("oy2{}", random(&(LOWER.to_owned() + DIGITS), 43)),
        ),
        ("crates_io_token", format!("cio{}", random(BASE62, 32))),
        ("jfrog_api_key", format!("AKCp{}", random(BASE62, 69))),
        (
            "jfrog_reference_token",
            format!("cmVmdGtuOjAxOj{}", random(BASE62, 50)),
        ),
        (
            "clojars_token",
            format!("CLOJARS_{}", random(&(LOWER.to_owned() + DIGITS), 60)),
        ),
    ];
    for (id, token) in cases {
        assert_finds(id, &format!("token: {token}"), &token);
    }
}
