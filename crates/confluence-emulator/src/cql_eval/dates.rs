//! CQL date values: literal dates as the range they cover, and date functions such as
//! `startOfWeek("-1w")` resolved against the evaluation's clock.

use super::EvalError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use cql::{FunctionCall, FunctionName, TimeUnit};

/// `now()`, `startOfWeek("-1w")` … as an instant (weeks start on Monday).
pub(super) fn resolve(now: DateTime<Utc>, f: &FunctionCall) -> DateTime<Utc> {
    let mut at = now;
    if let Ok(Some(offset)) = f.offset() {
        let n = offset.signed_amount();
        at = match offset.unit {
            TimeUnit::Year => add_months(at, n.saturating_mul(12)),
            TimeUnit::Month => add_months(at, n),
            unit => at + Duration::seconds(n.saturating_mul(unit.fixed_seconds().unwrap_or(0))),
        };
    }
    let day = at.date_naive();
    let start_of =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end_of =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(23, 59, 59).unwrap_or_default());
    let week_start = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let month_start = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day);
    let next_month = add_months(start_of(month_start), 1).date_naive();
    let year_start = NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day);
    let year_end = NaiveDate::from_ymd_opt(day.year(), 12, 31).unwrap_or(day);
    match f.name {
        FunctionName::Now | FunctionName::CurrentUser => at,
        FunctionName::StartOfDay => start_of(day),
        FunctionName::EndOfDay => end_of(day),
        FunctionName::StartOfWeek => start_of(week_start),
        FunctionName::EndOfWeek => end_of(week_start + Duration::days(6)),
        FunctionName::StartOfMonth => start_of(month_start),
        FunctionName::EndOfMonth => end_of(next_month - Duration::days(1)),
        FunctionName::StartOfYear => start_of(year_start),
        FunctionName::EndOfYear => end_of(year_end),
    }
}

fn add_months(at: DateTime<Utc>, months: i64) -> DateTime<Utc> {
    let shifted = if months >= 0 {
        at.checked_add_months(chrono::Months::new(months.min(i64::from(u32::MAX)) as u32))
    } else {
        at.checked_sub_months(chrono::Months::new(
            months.unsigned_abs().min(u64::from(u32::MAX)) as u32,
        ))
    };
    shifted.unwrap_or(at)
}

/// A date value as the instant range it covers: a day, or one minute.
pub(super) fn parse_date(raw: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), EvalError> {
    let t = raw.trim();
    for fmt in ["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            let start = Utc.from_utc_datetime(&dt);
            return Ok((start, start + Duration::seconds(59)));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            let start = Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
            return Ok((start, start + Duration::seconds(86_399)));
        }
    }
    Err(EvalError::BadDate(raw.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_ranges_or_explain() {
        let (start, end) = parse_date("2026-05-01").unwrap();
        assert_eq!((end - start).num_seconds(), 86_399);
        assert!(parse_date("2026/05/01 10:30").is_ok());
        assert_eq!(
            parse_date("yesterday"),
            Err(EvalError::BadDate("yesterday".into()))
        );
    }
}
