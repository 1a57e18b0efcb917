//! Personal-data detectors: true positives in the formats people write, and the look-alikes
//! that must stay untouched (ids, hashes, versions, ISBNs, order numbers, dates).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// A Luhn-valid number: `prefix` + random digits + check digit, `len` digits long.
fn luhn_number(prefix: &str, len: usize) -> String {
    let body = format!("{prefix}{}", random(DIGITS, len - prefix.len() - 1));
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// A valid IBAN for `country` with the given BBAN (check digits computed by mod-97).
fn iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut remainder = 0u32;
    for c in rearranged.chars() {
        let value = c.to_digit(36).unwrap();
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - remainder)
}

fn grouped(number: &str, separator: &str) -> String {
    number
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(separator)
}

#[test]
fn email_addresses() {
    for address in [
        "alice@example.org",
        "first.last+tag@mail.example.co.uk",
        "UtaKortig@jourrapide.com",
        "ops_team-1@sub.domain.io",
    ] {
        assert_finds("email", &format!("Contact: {address}."), address);
    }
    assert_nothing("Retina asset logo@2x.png and icon@3x.svg");
    assert_nothing("Ping @alice or @bob in the channel");
    assert_nothing("npm i left-pad@1.3.0");
}

#[test]
fn phone_numbers() {
    for (id, number) in [
        ("phone_international", "+44 20 7946 0958"),
        ("phone_international", "+1-415-555-2671"),
        ("phone_international", "+49 (30) 1234567"),
        ("phone_international_00", "001-415-555-2671"),
        ("phone_nanp", "(415) 555-2671"),
        ("phone_nanp", "415-555-2671"),
        ("phone_nanp", "415.555.2671"),
    ] {
        assert_finds(id, &format!("Reach me at {number} tomorrow"), number);
    }
    assert_finds("phone_national", "Tel: 020 7946 0958", "020 7946 0958");
    assert_finds("phone_national", "mobile 0151 2345 6789", "0151 2345 6789");
    assert_finds("phone_national", "call 4155552671 now", "4155552671");
    // National formats without a phone word are not claimed.
    assert_not_found_by("phone_national", "Invoice 020 7946 0958");
    for text in [
        "Released on 2024-05-06 at 10:30",
        "Version 10.4.2 build 20240506",
        "ISBN 978-3-16-148410-0",
        "Order number 123-456-7890 shipped",
        "Ticket ref 415-555-2671",
        "Between 1990 and 2024 we grew 12345 %",
    ] {
        assert_nothing(text);
    }
}

#[test]
fn payment_cards() {
    for (prefix, len) in [
        ("4", 16),
        ("4", 13),
        ("51", 16),
        ("2221", 16),
        ("34", 15),
        ("37", 15),
        ("6011", 16),
        ("65", 16),
        ("3528", 16),
        ("36", 14),
        ("62", 19),
    ] {
        let number = luhn_number(prefix, len);
        assert_finds("credit_card", &format!("Card {number} on file"), &number);
        let spaced = grouped(&number, " ");
        assert_finds("credit_card", &format!("card: {spaced}."), &spaced);
        let dashed = grouped(&number, "-");
        assert_finds("credit_card", &format!("({dashed})"), &dashed);
    }
    // Another number right before the card does not hide it.
    let number = luhn_number("4", 16);
    let spaced = grouped(&number, " ");
    assert_finds("credit_card", &format!("ref 12 {spaced}"), &spaced);
}

#[test]
fn payment_card_negatives() {
    let valid = luhn_number("4", 16);
    let last = valid.as_bytes()[15] - b'0';
    let invalid = format!("{}{}", &valid[..15], (last + 1) % 10);
    assert_nothing(&format!("Card {invalid} declined"));
    // Mixed separators, unknown issuer, repeated digits, published test cards.
    assert_not_found_by(
        "credit_card",
        &format!("{} {}-{}", &valid[..4], &valid[4..8], &valid[8..]),
    );
    assert_nothing(&format!("Account {}", luhn_number("9", 16)));
    assert_nothing("0000 0000 0000 0000");
    assert_nothing("Use 4242 4242 4242 4242 or 4111111111111111 in the sandbox");
    assert_nothing("ISBN-13: 9780306406157 and EAN 4006381333931");
    assert_nothing("epoch 1714995600123 ms");
}

#[test]
fn ibans() {
    let german = iban("DE", "370400440532013000");
    assert_finds("iban", &format!("IBAN: {german}"), &german);
    let spaced = grouped(&german, " ");
    assert_finds("iban", &format!("Pay to {spaced} today"), &spaced);
    let british = iban("GB", "WEST12345698765432");
    assert_finds("iban", &format!("Sort/IBAN {british}."), &british);
    let lower = british.to_ascii_lowercase();
    assert_finds("iban", &format!("iban {lower}"), &lower);
    let norway = iban("NO", "86011117947");
    assert_finds("iban", &format!("({norway})"), &norway);
    let malta = iban("MT", "MALT011000012345MTLCAST001S");
    assert_finds("iban", &format!("IBAN {malta}"), &malta);
    // Wrong check digits, wrong length for the country, unknown country.
    let broken = format!("{}{}", &german[..2], "00370400440532013000");
    assert_nothing(&format!("IBAN {broken}"));
    assert_nothing(&format!("IBAN {}", iban("DE", "3704004405320130001")));
    assert_nothing(&format!("IBAN {}", iban("QQ", "370400440532013000")));
}

#[test]
fn us_ssn_and_itin() {
    for ssn in ["536-22-1234", "460-89-9847", "054 28 6917"] {
        assert_finds("us_ssn", &format!("SSN {ssn}."), ssn);
    }
    assert_finds("us_ssn_unformatted", "SSN: 536221234", "536221234");
    assert_not_found_by("us_ssn_unformatted", "Order 536221234");
    for invalid in [
        "000-12-3456",
        "666-12-3456",
        "912-12-3456",
        "123-00-4567",
        "123-45-0000",
        "078-05-1120",
        "219-09-9999",
        "123-45-6789",
        "111-11-1111",
        "536-22 1234",
    ] {
        assert_not_found_by("us_ssn", &format!("SSN {invalid}"));
    }
    assert_finds("us_itin", "ITIN 912-70-1234", "912-70-1234");
    assert_not_found_by("us_itin", "ITIN 912-89-1234");
}

#[test]
fn uk_nino_passport_national_id() {
    assert_finds("uk_nino", "NI number: AB 12 34 56 C", "AB 12 34 56 C");
    assert_finds("uk_nino", "nino=CE123456A;", "CE123456A");
    assert_not_found_by("uk_nino", "GB 12 34 56 A");
    assert_not_found_by("uk_nino", "QQ123456C");
    assert_finds("passport_number", "Passport No: X12345678", "X12345678");
    assert_finds("passport_number", "passport number 123456789", "123456789");
    assert_not_found_by("passport_number", "Passport photos are required");
    assert_finds("national_id", "National ID number: 123456789", "123456789");
    assert_finds("national_id", "Personalausweis: T220001293", "T220001293");
    assert_not_found_by("national_id", "the id card reader is broken");
}

#[test]
fn ip_addresses() {
    for address in ["10.20.30.40", "192.168.1.254", "8.8.8.8", "172.61.42.192"] {
        assert_finds(
            "ipv4_address",
            &format!("host {address}:8080 is down"),
            address,
        );
    }
    for address in [
        "2001:db8::1",
        "fe80::1ff:fe23:4567:890a",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    ] {
        assert_finds("ipv6_address", &format!("addr {address} up"), address);
    }
    for text in [
        "upgrade to version 1.2.3.4",
        "release v2.10.3.1",
        "OID 1.3.6.1.4.1.311",
        "localhost 127.0.0.1 and 0.0.0.0",
        "at 12:30:45",
        "MAC 00:1a:2b:3c:4d:5e",
        "std::vector<int> x;",
        "999.1.1.1",
    ] {
        assert_nothing(text);
    }
}

#[test]
fn dates_of_birth() {
    for (text, date) in [
        ("DOB: 04/12/1985", "04/12/1985"),
        ("Date of birth 1985-12-04", "1985-12-04"),
        ("born on 4 December 1985", "4 December 1985"),
        ("Birthday: March 3rd, 1990", "March 3rd, 1990"),
    ] {
        assert_finds("date_of_birth", text, date);
    }
    assert_nothing("Released 04/12/2020 after review");
    assert_not_found_by("date_of_birth", "DOB: 13/13/1985");
}

#[test]
fn health_information_hints() {
    assert_finds("medical_record_number", "MRN: 00123456", "00123456");
    assert_finds(
        "medical_record_number",
        "Medical record number 4455667",
        "4455667",
    );
    assert_finds("icd10_code", "Diagnosis: E11.9 (type 2 diabetes)", "E11.9");
    assert_finds("icd10_code", "ICD-10 code J45", "J45");
    assert_not_found_by("icd10_code", "Take vitamin B12 and D3 daily");
}

#[test]
fn ip_detection_can_be_switched_off() {
    let config = dlp::DlpConfig {
        ip_addresses: false,
        ..Default::default()
    };
    let engine = dlp::Engine::new(&config).unwrap();
    assert!(engine.scan("host 10.20.30.40").findings.is_empty());
    assert!(
        engine
            .detectors()
            .all(|d| d.category != dlp::Category::Pii(dlp::PiiKind::Ip))
    );
}
