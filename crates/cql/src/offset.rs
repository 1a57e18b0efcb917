//! Relative date offsets such as `"-4w"` used as date-function arguments.
//!
//! This crate deliberately knows nothing about clocks or calendars (no chrono
//! dependency); it only parses the offset so evaluators can apply it with
//! whatever date library they already use.

use std::fmt;

/// Largest accepted amount; keeps arithmetic in evaluators far from overflow.
pub const MAX_OFFSET_AMOUNT: u32 = 1_000_000;

/// The unit of a [`RelativeOffset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// `y`
    Year,
    /// `M` (upper case, to tell it from minutes)
    Month,
    /// `w`
    Week,
    /// `d`
    Day,
    /// `h`
    Hour,
    /// `m` (lower case)
    Minute,
}

impl TimeUnit {
    /// Every unit.
    pub const ALL: [TimeUnit; 6] = [
        TimeUnit::Year,
        TimeUnit::Month,
        TimeUnit::Week,
        TimeUnit::Day,
        TimeUnit::Hour,
        TimeUnit::Minute,
    ];

    /// The canonical one-letter suffix.
    pub fn as_char(self) -> char {
        match self {
            TimeUnit::Year => 'y',
            TimeUnit::Month => 'M',
            TimeUnit::Week => 'w',
            TimeUnit::Day => 'd',
            TimeUnit::Hour => 'h',
            TimeUnit::Minute => 'm',
        }
    }

    /// Parses a suffix. `M`/`m` are case-sensitive (months vs minutes); the
    /// other letters are unambiguous, so their upper case is accepted too.
    pub fn from_char(c: char) -> Option<TimeUnit> {
        match c {
            'y' | 'Y' => Some(TimeUnit::Year),
            'M' => Some(TimeUnit::Month),
            'w' | 'W' => Some(TimeUnit::Week),
            'd' | 'D' => Some(TimeUnit::Day),
            'h' | 'H' => Some(TimeUnit::Hour),
            'm' => Some(TimeUnit::Minute),
            _ => None,
        }
    }

    /// Length in seconds for fixed-length units; `None` for months and years,
    /// whose length depends on the calendar.
    pub fn fixed_seconds(self) -> Option<i64> {
        match self {
            TimeUnit::Week => Some(7 * 86_400),
            TimeUnit::Day => Some(86_400),
            TimeUnit::Hour => Some(3_600),
            TimeUnit::Minute => Some(60),
            TimeUnit::Year | TimeUnit::Month => None,
        }
    }
}

/// Direction of a [`RelativeOffset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Sign {
    /// Into the future (`+`, also the default when no sign is written).
    #[default]
    Plus,
    /// Into the past (`-`).
    Minus,
}

/// A parsed offset such as `-4w` (four weeks ago).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelativeOffset {
    /// Direction.
    pub sign: Sign,
    /// Magnitude, at most [`MAX_OFFSET_AMOUNT`].
    pub amount: u32,
    /// Unit of `amount`.
    pub unit: TimeUnit,
}

impl RelativeOffset {
    /// The amount with its sign applied (`-4w` gives `-4`).
    pub fn signed_amount(&self) -> i64 {
        match self.sign {
            Sign::Plus => i64::from(self.amount),
            Sign::Minus => -i64::from(self.amount),
        }
    }

    /// The offset in seconds for fixed-length units (weeks, days, hours,
    /// minutes); `None` for months and years.
    pub fn fixed_seconds(&self) -> Option<i64> {
        self.unit.fixed_seconds().map(|s| s * self.signed_amount())
    }
}

impl fmt::Display for RelativeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.sign {
            Sign::Plus => '+',
            Sign::Minus => '-',
        };
        write!(f, "{sign}{}{}", self.amount, self.unit.as_char())
    }
}

/// Why an offset string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    /// The argument was empty.
    #[error("the offset is empty")]
    Empty,
    /// No digits after the optional sign.
    #[error("the offset has no number")]
    MissingAmount,
    /// More than [`MAX_OFFSET_AMOUNT`].
    #[error("the offset amount is larger than {MAX_OFFSET_AMOUNT}")]
    AmountTooLarge,
    /// Digits but no unit letter.
    #[error("the offset has no unit")]
    MissingUnit,
    /// Something other than exactly one unit letter after the number.
    #[error("'{0}' is not a time unit")]
    UnknownUnit(String),
}

/// Parses an offset like `-4w`, `+2d`, `3M` or `-1y`.
///
/// Format: optional `+`/`-`, decimal digits, one unit letter (`y`, `M`, `w`,
/// `d`, `h`, `m`). No whitespace is allowed.
pub fn relative_offset(arg: &str) -> Result<RelativeOffset, OffsetError> {
    if arg.is_empty() {
        return Err(OffsetError::Empty);
    }
    let (sign, rest) = match arg.as_bytes()[0] {
        b'-' => (Sign::Minus, &arg[1..]),
        b'+' => (Sign::Plus, &arg[1..]),
        _ => (Sign::Plus, arg),
    };
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits_end == 0 {
        return Err(OffsetError::MissingAmount);
    }
    let (digits, unit) = rest.split_at(digits_end);
    let amount: u32 = match digits.parse() {
        Ok(n) if n <= MAX_OFFSET_AMOUNT => n,
        _ => return Err(OffsetError::AmountTooLarge),
    };
    let mut chars = unit.chars();
    let unit = match (chars.next(), chars.next()) {
        (None, _) => return Err(OffsetError::MissingUnit),
        (Some(c), None) => {
            TimeUnit::from_char(c).ok_or_else(|| OffsetError::UnknownUnit(unit.to_string()))?
        }
        (Some(_), Some(_)) => return Err(OffsetError::UnknownUnit(unit.to_string())),
    };
    Ok(RelativeOffset { sign, amount, unit })
}
