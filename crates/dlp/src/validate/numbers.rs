//! Number checks: Luhn and payment-card issuer ranges, IBAN length and mod-97, the US SSN
//! number plan, UK NINO prefixes, phone digit counts, calendar dates.

/// Digits of `value` as numbers 0–9, at most `N` of them (`None` if more).
pub(crate) fn digits<const N: usize>(value: &[u8]) -> Option<([u8; N], usize)> {
    let mut out = [0u8; N];
    let mut count = 0;
    for &byte in value {
        if byte.is_ascii_digit() {
            *out.get_mut(count)? = byte - b'0';
            count += 1;
        }
    }
    Some((out, count))
}

/// The Luhn (mod 10) checksum used by payment cards and some national ids.
pub fn luhn_valid(value: &[u8]) -> bool {
    let Some((digits, count)) = digits::<32>(value) else {
        return false;
    };
    if count < 2 {
        return false;
    }
    let mut sum = 0u32;
    for (position, &digit) in digits[..count].iter().rev().enumerate() {
        let mut d = u32::from(digit);
        if position % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Card numbers published by payment providers for testing; they are not anyone's data.
const TEST_CARDS: &[&[u8]] = &[
    b"4111111111111111",
    b"4242424242424242",
    b"4012888888881881",
    b"4000056655665556",
    b"5555555555554444",
    b"5105105105105100",
    b"5200828282828210",
    b"378282246310005",
    b"371449635398431",
    b"6011111111111117",
    b"6011000990139424",
    b"3530111333300000",
    b"30569309025904",
];

fn card_issuer_accepts(number: &[u8]) -> bool {
    let len = number.len();
    let prefix = |n: usize| -> u32 {
        number
            .iter()
            .take(n)
            .fold(0u32, |acc, d| acc * 10 + u32::from(*d))
    };
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    let p6 = prefix(6);
    match p1 {
        4 => matches!(len, 13 | 16 | 19),
        // Mastercard 2-series, Mir, and JCB's old 15-digit 2131 range (and 1800 below).
        2 => {
            (2221..=2720).contains(&p4) && len == 16
                || (2200..=2204).contains(&p4) && (16..=19).contains(&len)
                || p4 == 2131 && len == 15
        }
        1 => p4 == 1800 && len == 15,
        // UK Maestro's old 0604 range.
        0 => p4 == 604 && (12..=19).contains(&len),
        5 => {
            (51..=55).contains(&p2) && len == 16
                || matches!(p2, 50 | 56..=58) && (12..=19).contains(&len)
        }
        3 => {
            matches!(p2, 34 | 37) && len == 15
                // JCB is 3528–3589; card generators and some issuers use all of 35xx.
                || p2 == 35 && (16..=19).contains(&len)
                || ((300..=305).contains(&p3) || p4 == 3095 || matches!(p2, 36 | 38 | 39))
                    && (14..=19).contains(&len)
        }
        6 => {
            (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
                && (16..=19).contains(&len)
                || p2 == 62 && (16..=19).contains(&len)
                || (12..=19).contains(&len) && matches!(p2, 60 | 63 | 67 | 69)
        }
        _ => false,
    }
}

/// Luhn, issuer prefix/length, one kind of separator, not a repeated digit, not a test card.
pub fn payment_card_valid(value: &[u8]) -> bool {
    let mut separator = None;
    for &byte in value {
        if !byte.is_ascii_digit() {
            match separator {
                None => separator = Some(byte),
                Some(seen) if seen != byte => return false,
                Some(_) => {}
            }
        }
    }
    let Some((digits, count)) = digits::<19>(value) else {
        return false;
    };
    let number = &digits[..count];
    if !(12..=19).contains(&count) || number.iter().all(|d| *d == number[0]) {
        return false;
    }
    let mut plain = [0u8; 19];
    for (slot, d) in plain.iter_mut().zip(number) {
        *slot = d + b'0';
    }
    if TEST_CARDS.contains(&&plain[..count]) {
        return false;
    }
    card_issuer_accepts(number) && luhn_valid(value)
}

/// IBAN lengths by country (the SWIFT registry plus the widely used partner-country forms).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AO", 25),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BF", 28),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BJ", 28),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CI", 28),
    (b"CM", 27),
    (b"CR", 22),
    (b"CV", 25),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"DZ", 26),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HN", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IR", 26),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MA", 28),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MG", 27),
    (b"MK", 19),
    (b"ML", 28),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"MZ", 25),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SN", 28),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"YE", 30),
];

/// Country length and the ISO 7064 mod-97 check (spaces ignored, letters upper case).
pub fn iban_valid(value: &[u8]) -> bool {
    let mut compact = [0u8; 34];
    let mut len = 0;
    for &byte in value {
        if byte == b' ' {
            continue;
        }
        if !byte.is_ascii_alphanumeric() {
            return false;
        }
        let Some(slot) = compact.get_mut(len) else {
            return false;
        };
        *slot = byte.to_ascii_uppercase();
        len += 1;
    }
    let iban = &compact[..len];
    let Some((country, check)) = iban.split_first_chunk::<2>() else {
        return false;
    };
    let expected = IBAN_LENGTHS
        .iter()
        .find(|(code, _)| *code == country)
        .map(|(_, length)| *length);
    if expected != Some(len) || !check.iter().take(2).all(u8::is_ascii_digit) {
        return false;
    }
    let mut remainder = 0u32;
    for &byte in iban[4..].iter().chain(&iban[..4]) {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'A'..=b'Z' => u32::from(byte - b'A') + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// SSNs published as samples (wallet inserts, advertising) and obvious placeholders.
const SAMPLE_SSNS: &[&[u8; 9]] = &[b"078051120", b"219099999", b"123456789", b"111111111"];

/// US SSN number plan as the SSA has issued since 2011 (randomisation kept these rules).
pub fn us_ssn_valid(value: &[u8]) -> bool {
    let mut separators = value.iter().filter(|b| !b.is_ascii_digit());
    if let Some(first) = separators.next()
        && separators.any(|b| b != first)
    {
        return false;
    }
    let Some((digits, 9)) = digits::<9>(value) else {
        return false;
    };
    let number = |range: std::ops::Range<usize>| -> u32 {
        digits[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(*d))
    };
    let (area, group, serial) = (number(0..3), number(3..5), number(5..9));
    let mut plain = [0u8; 9];
    for (slot, d) in plain.iter_mut().zip(digits) {
        *slot = d + b'0';
    }
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && !SAMPLE_SSNS.contains(&&plain)
        && !digits.iter().all(|d| *d == digits[0])
}

/// Prefixes that are never issued as NINOs (administrative and temporary ranges).
const NINO_BAD_PREFIXES: &[&[u8; 2]] = &[b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];

pub fn uk_nino_valid(value: &[u8]) -> bool {
    value
        .first_chunk::<2>()
        .is_some_and(|prefix| !NINO_BAD_PREFIXES.contains(&prefix))
}

/// 7 to 15 digits, not one digit repeated, not a date written with `-`, `/` or `.`.
pub fn phone_valid(value: &[u8]) -> bool {
    let Some((digits, count)) = digits::<16>(value) else {
        return false;
    };
    let groups = value
        .split(|b| matches!(b, b'-' | b'/' | b'.'))
        .filter(|g| !g.is_empty())
        .count();
    let looks_like_date = groups == 3 && !value.contains(&b' ') && date_valid(value);
    (7..=15).contains(&count)
        && !digits[..count].iter().all(|d| *d == digits[0])
        && !looks_like_date
}

/// Day/month/year in any order the DOB detector accepts; month names are already checked by
/// the regex, so only the numbers are checked here.
pub fn date_valid(value: &[u8]) -> bool {
    let mut numbers = [0u32; 3];
    let mut widths = [0usize; 3];
    let mut count = 0;
    let mut in_number = false;
    for &byte in value {
        if byte.is_ascii_digit() {
            if !in_number {
                if count == 3 {
                    return false;
                }
                count += 1;
                in_number = true;
            }
            numbers[count - 1] = numbers[count - 1].saturating_mul(10) + u32::from(byte - b'0');
            widths[count - 1] += 1;
        } else {
            in_number = false;
        }
    }
    let year_ok = |y: u32, width: usize| width == 2 || (1900..=2099).contains(&y);
    let day_ok = |d: u32| (1..=31).contains(&d);
    let month_ok = |m: u32| (1..=12).contains(&m);
    match count {
        // "12 March 1980", "March 12, 1980": one day and a year.
        2 => {
            (day_ok(numbers[0]) && year_ok(numbers[1], widths[1]))
                || (year_ok(numbers[0], widths[0]) && day_ok(numbers[1]))
        }
        3 if widths[0] == 4 => year_ok(numbers[0], 4) && month_ok(numbers[1]) && day_ok(numbers[2]),
        3 => {
            year_ok(numbers[2], widths[2])
                && (month_ok(numbers[0]) && day_ok(numbers[1])
                    || day_ok(numbers[0]) && month_ok(numbers[1]))
        }
        _ => false,
    }
}
