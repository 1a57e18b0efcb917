//! Key material, JWTs, credentials in URLs / connection strings / headers / config
//! assignments, and generic high-entropy secrets: positives built at run time, and the
//! placeholders and look-alikes that must not be reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[test]
fn private_keys_and_jwts() {
    let body: String = (0..12).map(|_| random(BASE64, 64) + "\n").collect();
    for (id, kind) in [
        ("private_key", "RSA PRIVATE KEY"),
        ("private_key", "PRIVATE KEY"),
        ("private_key", "EC PRIVATE KEY"),
        ("openssh_private_key", "OPENSSH PRIVATE KEY"),
        ("pgp_private_key_block", "PGP PRIVATE KEY BLOCK"),
    ] {
        let block = format!("-----BEGIN {kind}-----\n{body}-----END {kind}-----");
        assert_finds(id, &format!("key.pem:\n{block}\nnext line"), &block);
    }
    // As it appears inside a service-account JSON file: `\n` escapes, not newlines.
    let escaped = format!(
        "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----",
        body.replace('\n', "\\n").trim_end_matches("\\n")
    );
    assert_finds(
        "private_key",
        &format!("\"private_key\": \"{escaped}\\n\""),
        &escaped,
    );
    let putty = format!(
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n{}\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}",
        random(BASE64, 64),
        random(BASE64, 20),
        random(BASE64, 44),
        random(HEX, 64)
    );
    assert_finds("putty_private_key", &putty, &putty);
    let age = bech32_upper("AGE-SECRET-KEY-", &random(BECH32, 52));
    assert_finds("age_secret_key", &format!("# key\n{age}\n"), &age);
    // One character changed: the Bech32 checksum fails.
    let last = age.chars().last().unwrap();
    let typo = format!(
        "{}{}",
        &age[..age.len() - 1],
        if last == 'Q' { 'P' } else { 'Q' }
    );
    assert_not_found_by("age_secret_key", &format!("# key\n{typo}\n"));

    use base64::Engine as _;
    let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let jwt = format!(
        "{}.{}.{}",
        encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        encode(r#"{"sub":"1234567890","name":"Test User","iat":1516239022}"#),
        random(BASE64URL, 43)
    );
    assert_finds("jwt", &format!("Authorization: JWT {jwt}"), &jwt);
    // A documentation sample: real header and payload, stand-in signature.
    let (signed, _) = jwt.rsplit_once('.').unwrap();
    assert_not_found_by(
        "jwt",
        &format!("Authorization: JWT {signed}.q1-EXAMPLESIGNATURE"),
    );
}

#[test]
fn key_blocks_pasted_into_code_comments_and_logs() {
    let lines: Vec<String> = (0..8).map(|_| random(BASE64, 64)).collect();
    let begin = "-----BEGIN RSA PRIVATE KEY-----";
    let end = "-----END RSA PRIVATE KEY-----";
    let wrap = |prefix: &str, suffix: &str| -> String {
        let body: String = lines
            .iter()
            .map(|l| format!("{prefix}{l}{suffix}\n"))
            .collect();
        format!("{prefix}{begin}{suffix}\n{body}{prefix}{end}")
    };
    // Java/JS string concatenation with `\n` escapes, block and line comments, shell
    // comments, a timestamped log, a docker build log.
    for (prefix, suffix) in [
        ("    + \"", "\\n\""),
        (" *  ", ""),
        ("// ", ""),
        ("# ", ""),
        ("2026-04-26 12:36:01 ", ""),
        ("#6 0.245 ", ""),
    ] {
        let block = wrap(prefix, suffix);
        let text = format!("key = {block};\nnext();\n");
        let found = found_by(&text, "private_key");
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        assert!(
            found[0].starts_with(begin) && found[0].ends_with(end),
            "{found:?}"
        );
        assert_same_as_exhaustive(&text);
    }
    // A PGP armor header with parentheses stays inside the block.
    let pgp = format!(
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v1.4.12 (GNU/Linux)\n\n{}\n-----END PGP PRIVATE KEY BLOCK-----",
        lines.join("\n")
    );
    assert_finds("pgp_private_key_block", &format!(" *  {pgp}\n"), &pgp);
}

#[test]
fn key_block_negatives() {
    assert_nothing("-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----");
    assert_nothing("-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----");
    assert_nothing(
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexampleexampleexampleexampleexample\n-----END PUBLIC KEY-----",
    );
    // Looks like a JWT but the header is not JSON.
    assert_not_found_by("jwt", "eyJub3RqdXN0.eyJzb21ldGhpbmc.c2lnbmF0dXJl");
}

#[test]
fn credentials_in_urls_strings_and_headers() {
    let password = random(BASE62, 14);
    assert_finds(
        "url_credentials",
        &format!("DATABASE_URL=postgres://app:{password}@db.internal:5432/app"),
        &password,
    );
    assert_finds(
        "url_credentials",
        &format!("git clone https://deploy:{password}@git.example.org/team/repo.git"),
        &password,
    );
    assert_finds(
        "connection_string_password",
        &format!(
            "Server=tcp:db.example.net,1433;Initial Catalog=app;User ID=svc;Password={password};Encrypt=true"
        ),
        &password,
    );
    for (line, value) in [
        (format!("DB_PASSWORD={password}"), password.clone()),
        (format!("password: \"{password}\""), password.clone()),
        (format!("  db_password: '{password}'"), password.clone()),
        (format!("<password>{password}</password>"), password.clone()),
        (
            "spring.datasource.password=Tr0ub4dor&3".to_owned(),
            "Tr0ub4dor&3".to_owned(),
        ),
        (
            "MYSQL_ROOT_PASSWORD := hunter2!".to_owned(),
            "hunter2!".to_owned(),
        ),
    ] {
        assert_finds("password_assignment", &line, &value);
    }
    for (id, line, value) in [
        (
            "password_short_assignment",
            format!("PW:{password}"),
            password.clone(),
        ),
        (
            "password_short_assignment",
            format!("X3_PSWD={password}"),
            password.clone(),
        ),
        (
            "cli_password_flag",
            format!("mysql --user=root --password {password}"),
            password.clone(),
        ),
        (
            "sql_password",
            format!("ALTER USER 'app'@'%' IDENTIFIED BY '{password}';"),
            password.clone(),
        ),
        (
            "sql_password",
            format!("CREATE USER bob WITH PASSWORD '{password}' CREATEDB;"),
            password.clone(),
        ),
    ] {
        assert_finds(id, &line, &value);
    }
    for line in [
        "bypass=cache-2024",
        "--password is required",
        "CREATE USER bob WITH PASSWORD '$PASS';",
    ] {
        assert_nothing(line);
    }
    let secret = random(BASE62, 32);
    for line in [
        format!("client_secret = {secret}"),
        format!("\"api_key\": \"{secret}\""),
        format!("SIGNING_KEY={secret}"),
        format!("auth_token: {secret}"),
    ] {
        assert_finds("secret_assignment", &line, &secret);
    }
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("svc:{password}"));
    assert_finds(
        "basic_auth_header",
        &format!("Authorization: Basic {basic}"),
        &basic,
    );
    let bearer = random(BASE64URL, 48);
    assert_finds(
        "bearer_token",
        &format!("-H 'Authorization: Bearer {bearer}'"),
        &bearer,
    );
    assert_finds(
        "netrc_password",
        &format!("machine api.example.com login bot password {password}"),
        &password,
    );
    let docker = base64::engine::general_purpose::STANDARD.encode(format!("bot:{password}"));
    assert_finds(
        "docker_config_auth",
        &format!("{{\"auths\": {{\"registry.example.com\": {{\"auth\": \"{docker}\"}}}}}}"),
        &docker,
    );
    let bcrypt = format!("$2b$12${}", random(&(BASE62.to_owned() + "./"), 53));
    assert_finds("bcrypt_password_hash", &format!("admin:{bcrypt}"), &bcrypt);
}

#[test]
fn credential_negatives() {
    for line in [
        "password: changeme",
        "password: ********",
        "DB_PASSWORD=${DB_PASSWORD}",
        "password = os.environ['DB_PASSWORD']",
        "password: {{ vault_db_password }}",
        "Enter your password: required",
        "The password field is optional",
        "password_file = /etc/app/secret.txt",
        "api_key = <your-api-key>",
        "api_key: YOUR_API_KEY_HERE",
        "token: ${{ secrets.GITHUB_TOKEN }}",
        "max_tokens: 4096",
        "next_page_token: CAoQAA",
        "postgres://user:password@localhost/db",
        "postgres://app:${PGPASSWORD}@db/app",
        "Authorization: Bearer <token>",
        "Authorization: Basic dXNlcjpwYXNzd29yZA==".trim_end_matches(|_| false),
    ] {
        if line.starts_with("Authorization: Basic") {
            // user:password in base64 is a credential shape; it must still be found.
            assert!(!found_by(line, "basic_auth_header").is_empty());
            continue;
        }
        assert_nothing(line);
    }
}

#[test]
fn generic_high_entropy_next_to_keywords() {
    let secret = random(BASE62, 40);
    assert_finds(
        "generic_high_entropy_secret",
        &format!("The deploy key for staging is {secret} (rotate monthly)."),
        &secret,
    );
    // Hashes, ids and encoded images near the same words are not secrets.
    for line in [
        "key commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 fixed it",
        "the key sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "key id 3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b",
        "public key AAAAC3NzaC1lZDI1NTE5AAAAIGh5c2VjcmV0a2V5Zm9ydGVzdGluZ29ubHk",
        "token icon: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "The monkey ate a keyboard with ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123",
    ] {
        assert_not_found_by("generic_high_entropy_secret", line);
    }
}
