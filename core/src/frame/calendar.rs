//! Dates as days and date-times as milliseconds since 1970-01-01, in UTC: the
//! numbers a frame stores and a model reads.

use chrono::{DateTime, Datelike, NaiveDate};

const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01 of a calendar date; `None` if it does not exist (31 April).
pub fn days(year: i32, month: u32, day: u32) -> Option<i64> {
    NaiveDate::from_ymd_opt(year, month, day)
        .map(|d| i64::from(d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE))
}

/// `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    i32::try_from(days + i64::from(UNIX_EPOCH_DAYS_FROM_CE))
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .map_or_else(
            || format!("{days} days"),
            |d| d.format("%Y-%m-%d").to_string(),
        )
}

/// `YYYY-MM-DDTHH:MM:SS`, with milliseconds when there are any.
pub fn format_datetime(millis: i64) -> String {
    match DateTime::from_timestamp_millis(millis) {
        Some(t) if millis % 1000 == 0 => t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string(),
        Some(t) => t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
        None => format!("{millis} ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_the_epoch_and_formats_back() {
        assert_eq!(days(1970, 1, 1), Some(0));
        assert_eq!(days(2024, 2, 29), Some(19_782));
        assert_eq!(days(2023, 2, 29), None);
        assert_eq!(format_date(19_782), "2024-02-29");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(
            format_datetime(86_400_000 + 1_500),
            "1970-01-02T00:00:01.500"
        );
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00");
    }
}
