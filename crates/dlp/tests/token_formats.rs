//! Token formats and checks added after the accuracy evaluation (crates/dlp-eval): newer vendor
//! prefixes, checksums instead of entropy gates, and the placeholder shapes that must stay
//! quiet. Values are synthetic, built from the public format facts named in each detector.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

fn uuid() -> String {
    format!(
        "{}-{}-{}-{}-{}",
        random(HEX, 8),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 12)
    )
}

#[test]
fn github_tokens_are_validated_by_their_crc32_checksum() {
    // A low-entropy body is fine when the checksum holds (GitHub generates it, not a person).
    let zeros = "0".repeat(30);
    let low = with_github_checksum("ghp_", &zeros);
    assert_finds("github_personal_access_token", &format!("{low} # ci"), &low);
    // A longer random part (GitHub may grow it) is accepted with a valid checksum.
    let longer = github_token("gho_", 40);
    assert_finds("github_oauth_token", &format!("token={longer}"), &longer);
    // Right shape, wrong checksum: typed by hand.
    let token = github_token("ghp_", 30);
    let broken = format!(
        "{}{}",
        &token[..10],
        token[10..].replacen(|c: char| c.is_ascii_alphanumeric(), "Z", 1)
    );
    if broken != token {
        assert_not_found_by(
            "github_personal_access_token",
            &format!("GH_TOKEN={broken}"),
        );
    }
    assert_not_found_by(
        "github_personal_access_token",
        &format!("GH_TOKEN=ghp_{}", "10".repeat(20)),
    );
}

#[test]
fn github_installation_token_with_date_and_jwt() {
    use base64::Engine as _;
    let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let jwt = format!(
        "{}.{}.{}",
        encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        encode(r#"{"iat":1792521450,"iss":"42"}"#),
        random(BASE64URL, 43)
    );
    let token = format!("ghs_20260523_{jwt}");
    assert_finds(
        "github_installation_token_jwt",
        &format!("GITHUB_TOKEN={token}"),
        &jwt,
    );
}

#[test]
fn gitlab_newer_prefixes_and_session_cookie() {
    for (id, prefix) in [
        ("gitlab_feature_flags_token", "glffct-"),
        ("gitlab_runner_registration_token_prefixed", "glrtr-"),
        ("gitlab_workspace_token", "glwt-"),
    ] {
        let token = format!("{prefix}{}", random(BASE64URL, 26));
        assert_finds(id, &format!("{token} # comment"), &token);
    }
    let session = random(HEX, 32);
    assert_finds(
        "gitlab_session_cookie",
        &format!("Cookie: _gitlab_session={session}; path=/"),
        &session,
    );
}

#[test]
fn cloud_prefixed_keys() {
    let mws = format!(
        "amzn.mws.{}-{}-{}-{}-{}",
        random(LOWER, 8),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 4),
        random(HEX, 12)
    );
    assert_finds(
        "aws_mws_auth_token",
        &format!("AWS_MWS_KEY = \"{mws}\""),
        &mws,
    );
    for heroku in [
        format!("HRKU-{}", uuid()),
        format!("HRKU-{}", random(BASE62, 60)),
    ] {
        assert_finds("heroku_prefixed_api_key", &format!("{heroku}\n"), &heroku);
    }
    for prefix in ["cfat_", "cfut_", "cfk_"] {
        let token = format!("{prefix}{}", random(BASE62, 48));
        assert_finds("cloudflare_prefixed_token", &format!("CF={token}"), &token);
        assert_nothing(&format!("CF={prefix}{}tokenexample", random(BASE62, 36)));
    }
    let identifiable = format!(
        "{}JQQJ99{}AZDO{}",
        random(BASE62, 52),
        random(BASE62, 18),
        random(BASE62, 4)
    );
    assert_finds(
        "azure_identifiable_key",
        &format!("pat: {identifiable}\n"),
        &identifiable,
    );
}

#[test]
fn saas_and_chat_newer_forms() {
    let browser = format!("NRJS-{}", random(HEX, 19));
    assert_finds("newrelic_browser_key", &format!("key: {browser}"), &browser);
    let license = format!("eu01x{}NRAL", random(&format!("{LOWER}{DIGITS}"), 31));
    assert_finds(
        "newrelic_license_key",
        &format!("license_key: {license}"),
        &license,
    );
    let insert = format!("NRII-{}", random(BASE64URL, 25));
    assert_finds("newrelic_insert_key", &format!("{insert}\n"), &insert);
    let postman = format!("PMAT-01{}", random(&format!("{UPPER}{DIGITS}"), 24));
    assert_finds(
        "postman_collection_token",
        &format!("x-access-key: {postman}"),
        &postman,
    );
    let notion = format!("ntn_{}", random(BASE62, 46));
    assert_finds(
        "notion_integration_token",
        &format!("NOTION={notion}"),
        &notion,
    );
    let rotating = format!("xoxp-1-{}", random(BASE62, 120));
    assert_finds("slack_user_token", &format!("token: {rotating}"), &rotating);
}

#[test]
fn tokens_after_terminal_colour_codes() {
    let square = format!("sq0csp-{}", random(BASE64URL, 43));
    let text = format!("2024-12-04 Colored line: \"\x1b[94m{square}\x1b[0m\";");
    assert_finds("square_oauth_secret", &text, &square);
    // The escape itself is neither reported nor part of the value.
    assert_eq!(found_by(&text, "square_oauth_secret"), vec![square]);
}

#[test]
fn placeholders_and_look_alikes_stay_quiet() {
    // Sequential digit tails are typed stand-ins.
    assert_nothing(&format!("GROQ_API_KEY=gsk_{}76543210", random(BASE62, 44)));
    assert_nothing(&format!("pplx-{}654321", random(BASE62, 42)));
    // A vault-token look-alike inside a longer base64 blob.
    assert_not_found_by(
        "hashicorp_vault_token",
        &format!("blob:{}SJ9/hvs.{}", random(BASE64, 40), random(BASE62, 60)),
    );
    let vault = format!("hvs.{}", random(BASE62, 90));
    assert_finds(
        "hashicorp_vault_token",
        &format!("VAULT_TOKEN={vault}"),
        &vault,
    );
}
