//! Timestamp and date columns read without diesel's format probing.
//!
//! SQLite keeps them as text, and diesel parses each value by trying chrono formats in turn (up to
//! eighteen) — a tenth of the time of a one-learner `GetEnrollments`. These types read the text
//! diesel itself writes (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.fraction]`) digit by digit and leave
//! any other spelling to diesel. PostgreSQL's binary values go to diesel unchanged.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Date, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

/// A `TIMESTAMP` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct DateTimeColumn(pub NaiveDateTime);

/// A `DATE` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct DateColumn(pub NaiveDate);

impl FromSql<Timestamp, Sqlite> for DateTimeColumn {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(parsed) = parse_date_time(value.read_text().as_bytes()) {
            return Ok(DateTimeColumn(parsed));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(DateTimeColumn)
    }
}

impl FromSql<Date, Sqlite> for DateColumn {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(parsed) = parse_date(value.read_text().as_bytes()) {
            return Ok(DateColumn(parsed));
        }
        <NaiveDate as FromSql<Date, Sqlite>>::from_sql(value).map(DateColumn)
    }
}

impl FromSql<Timestamp, Pg> for DateTimeColumn {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(DateTimeColumn)
    }
}

impl FromSql<Date, Pg> for DateColumn {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(DateColumn)
    }
}

fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

/// `YYYY-MM-DD`.
fn parse_date(text: &[u8]) -> Option<NaiveDate> {
    match text {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => {
            NaiveDate::from_ymd_opt(number(y)? as i32, number(&[*m1, *m2])?, number(&[*d1, *d2])?)
        }
        _ => None,
    }
}

/// `YYYY-MM-DD HH:MM:SS`, optionally with `.` and 1 to 9 digits of fraction.
fn parse_date_time(text: &[u8]) -> Option<NaiveDateTime> {
    if text.len() < 19 || text[10] != b' ' || text[13] != b':' || text[16] != b':' {
        return None;
    }
    let date = parse_date(&text[..10])?;
    let nanos = match &text[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => number(fraction)? * 10u32.pow(9 - fraction.len() as u32),
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(number(&text[11..13])?, number(&text[14..16])?, number(&text[17..19])?, nanos)?;
    Some(NaiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_diesel_writes_and_nothing_else() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for time in [
            NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(23, 59, 59).unwrap(),
            NaiveTime::from_hms_micro_opt(9, 30, 5, 120_000).unwrap(),
            NaiveTime::from_hms_nano_opt(9, 30, 5, 7).unwrap(),
        ] {
            let at = NaiveDateTime::new(date, time);
            // diesel writes timestamps with "%F %T%.f" and dates with "%F".
            assert_eq!(parse_date_time(at.format("%F %T%.f").to_string().as_bytes()), Some(at));
        }
        assert_eq!(parse_date(b"0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        assert_eq!(parse_date(b"9999-12-31"), NaiveDate::from_ymd_opt(9999, 12, 31));
        for other in [
            "2026-02-30",
            "2026-1-01",
            "2026-01-01T10:00:00",
            "2026-01-01 10:00",
            "2026-01-01 10:00:00Z",
            "2026-01-01 24:00:00",
            "2026-01-01 10:00:00.",
            "2026-01-01 10:00:00.1234567890",
            "+2026-01-01",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_date_time(other.as_bytes()), None, "{other}");
            assert_eq!(parse_date(other.as_bytes()), None, "{other}");
        }
    }
}
