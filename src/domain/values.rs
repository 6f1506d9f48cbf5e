//! The contract's value rules (the simple types of `schemas/ispring.xsd`), for every face.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Longest id: the XSD's `Id` is a token of 1 to 255 characters.
pub const ID_MAX: usize = 255;
/// Longest free text (names of people, descriptions).
pub const TEXT_MAX: usize = 4000;

/// XML Schema whitespace collapse: runs of whitespace become one space; ends are trimmed.
pub fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r']).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Why a value was refused: the kind of rule it broke, and a reason that reads after the name of
/// the field (`must be 1 to 255 characters long; got 0`). Each face puts the name and the path in
/// its own shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub rule: Rule,
    pub reason: String,
}

/// The kinds of rules a value can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Too short or too long.
    Length,
    /// Not of its type's form, or out of its range.
    Type,
    /// Not one of the listed values.
    Enumeration,
}

fn refused(rule: Rule, reason: impl Into<String>) -> Refused {
    Refused { rule, reason: reason.into() }
}

/// Text every face can emit: XML 1.0 carries no control character but tab, line feed and carriage
/// return, and neither U+FFFE nor U+FFFF. What the store keeps, every face reads back, so text
/// written through one face must not break another's answers.
fn xml_safe(value: &str) -> Result<(), Refused> {
    match value.chars().find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')) {
        Some(c) => Err(refused(Rule::Type, format!("holds the character U+{:04X}, which XML cannot carry", c as u32))),
        None => Ok(()),
    }
}

/// `min..=max` characters.
fn length(value: &str, min: usize, max: usize) -> Result<(), Refused> {
    let length = value.chars().count();
    if length < min || length > max {
        let expected = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        return Err(refused(Rule::Length, format!("must be {expected} characters long; got {length}")));
    }
    Ok(())
}

/// A whole number in `min..=max`.
fn within(value: i32, min: i32, max: i32) -> Result<i32, Refused> {
    if value < min || value > max {
        return Err(refused(Rule::Type, format!("must be from {min} to {max}; got {value}")));
    }
    Ok(value)
}

/// Text values: each exists only once parsed, so a service function that takes one cannot be
/// handed text that breaks its rule, whichever face it came through.
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value! {
    /// An id given by the caller (the contract's `Id`, an xsd:token): whitespace collapsed, then 1 to
    /// 255 characters. Logins and e-mails are ids too.
    ExternalId
}
text_value! {
    /// Free text kept as sent (people's names): up to 4000 characters.
    Text
}
text_value! {
    /// The contract's `Name` (departments, groups): 1 to 255 characters on one line, not all whitespace.
    Name
}
text_value! {
    /// A password: 6 to 100 characters, kept as sent. Never printed: its `Debug` shows no character.
    Password
}

impl std::fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl ExternalId {
    pub fn parse(value: &str) -> Result<Self, Refused> {
        xml_safe(value)?;
        let value = collapse(value);
        length(&value, 1, ID_MAX)?;
        Ok(ExternalId(value))
    }

    /// An id the store holds: it was parsed when it was written, so reading it back does not parse
    /// it again (the hot reads of the vendor faces read several per record).
    pub(crate) fn from_store(value: String) -> Self {
        ExternalId(value)
    }

    /// Every id of a list, or the first one refused with its 0-based position.
    pub fn parse_all<S: AsRef<str>>(values: &[S]) -> Result<Vec<Self>, (usize, Refused)> {
        values.iter().enumerate().map(|(i, v)| Self::parse(v.as_ref()).map_err(|why| (i, why))).collect()
    }
}

impl Text {
    pub fn parse(value: &str) -> Result<Self, Refused> {
        xml_safe(value)?;
        length(value, 0, TEXT_MAX)?;
        Ok(Text(value.to_string()))
    }
}

impl Name {
    pub fn parse(value: &str) -> Result<Self, Refused> {
        xml_safe(value)?;
        length(value, 1, NAME_MAX)?;
        if value.contains(['\n', '\r']) || value.chars().all(|c| matches!(c, ' ' | '\t')) {
            return Err(refused(Rule::Type, "must be one line holding more than whitespace"));
        }
        Ok(Name(value.to_string()))
    }
}

impl Password {
    pub fn parse(value: &str) -> Result<Self, Refused> {
        length(value, PASSWORD_MIN, PASSWORD_MAX)?;
        Ok(Password(value.to_string()))
    }
}

/// How many items one page holds: 1 to 10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(i32);

impl PageSize {
    pub const MAX: i32 = 10_000;

    pub fn parse(value: i32) -> Result<Self, Refused> {
        within(value, 1, Self::MAX).map(PageSize)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A due period in hours: 1 to 876000 (a hundred years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod(i32);

impl DuePeriod {
    pub const MAX: i32 = 876_000;

    pub fn parse(value: i32) -> Result<Self, Refused> {
        within(value, 1, Self::MAX).map(DuePeriod)
    }

    pub fn hours(self) -> i32 {
        self.0
    }
}

/// One of the completion statuses learner results report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionStatus(&'static str);

impl CompletionStatus {
    /// Every status, as the contract spells it.
    pub const ALL: [&'static str; 9] =
        ["not_started", "in_progress", "pending", "complete", "passed", "accepted", "incomplete", "failed", "declined"];

    pub fn parse(value: &str) -> Result<Self, Refused> {
        match Self::ALL.iter().find(|status| **status == value) {
            Some(status) => Ok(CompletionStatus(status)),
            None => Err(refused(Rule::Enumeration, format!("must be one of {}; got '{value}'", Self::ALL.join(", ")))),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// Longest `Name`.
pub const NAME_MAX: usize = 255;
/// Shortest and longest password.
pub const PASSWORD_MIN: usize = 6;
pub const PASSWORD_MAX: usize = 100;

/// Splits an optional xsd time zone (`Z` or `±hh:mm`) off the end of a lexical value.
fn split_zone(s: &str) -> Option<(&str, Option<FixedOffset>)> {
    if let Some(rest) = s.strip_suffix('Z') {
        return Some((rest, FixedOffset::east_opt(0)));
    }
    if s.len() > 6 {
        let (rest, zone) = s.split_at(s.len() - 6);
        let b = zone.as_bytes();
        if (b[0] == b'+' || b[0] == b'-') && b[3] == b':' {
            if !zone[1..3].bytes().all(|c| c.is_ascii_digit()) || !zone[4..6].bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let hours: i32 = zone[1..3].parse().ok()?;
            let minutes: i32 = zone[4..6].parse().ok()?;
            if hours > 14 || minutes > 59 || (hours == 14 && minutes != 0) {
                return None;
            }
            let seconds = (hours * 60 + minutes) * 60 * if b[0] == b'-' { -1 } else { 1 };
            return Some((rest, FixedOffset::east_opt(seconds)));
        }
    }
    Some((s, None))
}

/// `[-]YYYY-MM-DD` where the year has four or more digits (more only without a leading zero).
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let (negative, s) = s.strip_prefix('-').map_or((false, s), |rest| (true, rest));
    let (year, rest) = s.split_once('-')?;
    let b = rest.as_bytes();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if year.len() < 4 || (year.len() > 4 && year.starts_with('0')) || !digits(year) {
        return None;
    }
    if b.len() != 5 || b[2] != b'-' || !digits(&rest[0..2]) || !digits(&rest[3..5]) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    NaiveDate::from_ymd_opt(if negative { -year } else { year }, rest[0..2].parse().ok()?, rest[3..5].parse().ok()?)
}

/// An xsd:date (a time zone, if given, is accepted and does not move the day).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // Every valid lexical form is ASCII; checking first keeps the byte slicing below on char boundaries.
    if !s.is_ascii() {
        return None;
    }
    let (date, _zone) = split_zone(s)?;
    parse_ymd(date)
}

/// An xsd:dateTime; without a time zone it is taken as UTC.
pub fn parse_date_time(s: &str) -> Option<DateTime<FixedOffset>> {
    if !s.is_ascii() {
        return None;
    }
    let (local, zone) = split_zone(s)?;
    let (date, time) = local.split_once('T')?;
    let date = parse_ymd(date)?;
    let b = time.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (hms, fraction) = time.split_at(8);
    if !hms.bytes().enumerate().all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit()) {
        return None;
    }
    let nanos = match fraction.strip_prefix('.') {
        None if fraction.is_empty() => 0,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) => {
            let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
            padded.parse().ok()?
        }
        _ => return None,
    };
    let (h, m, sec): (u32, u32, u32) = (hms[0..2].parse().ok()?, hms[3..5].parse().ok()?, hms[6..8].parse().ok()?);
    // 24:00:00 is the first instant of the next day in XML Schema.
    let naive = if (h, m, sec, nanos) == (24, 0, 0, 0) {
        NaiveDateTime::new(date.succ_opt()?, NaiveTime::MIN)
    } else {
        NaiveDateTime::new(date, NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?)
    };
    match zone {
        Some(offset) => offset.from_local_datetime(&naive).single(),
        None => Some(Utc.from_utc_datetime(&naive).fixed_offset()),
    }
}

/// The calendar the store and every face can hold: years 1 to 9999 (four digits in ISO 8601).
pub fn in_calendar(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (1..=9999).contains(&date.year())
}

/// A date or instant as the contract writes it: `2024-05-01`, `2024-05-01T09:30:00+02:00` (whole
/// seconds, `+00:00` for UTC), exactly as chrono's RFC 3339 output. Written by hand on the stack:
/// every response writes several per row.
#[derive(Clone, Copy)]
pub struct Stamp {
    bytes: [u8; 32],
    len: usize,
}

impl Stamp {
    const EMPTY: Stamp = Stamp { bytes: [0; 32], len: 0 };

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    fn digits(&mut self, value: u32, width: u32) {
        for place in (0..width).rev() {
            self.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    }

    fn date(&mut self, date: NaiveDate) {
        use chrono::Datelike;
        self.digits(date.year() as u32, 4);
        self.push(b'-');
        self.digits(date.month(), 2);
        self.push(b'-');
        self.digits(date.day(), 2);
    }

    /// Chrono's own rendering, for what the fast path does not cover (years beyond four digits,
    /// leap seconds, offsets with seconds).
    fn chrono(shown: impl std::fmt::Display) -> Stamp {
        use std::io::Write;
        let mut stamp = Stamp::EMPTY;
        let mut out = &mut stamp.bytes[..];
        let _ = write!(out, "{shown}");
        stamp.len = 32 - out.len();
        stamp
    }
}

impl std::ops::Deref for Stamp {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An xsd:date, `YYYY-MM-DD`.
pub fn date_text(date: NaiveDate) -> Stamp {
    use chrono::Datelike;
    if !(0..=9999).contains(&date.year()) {
        return Stamp::chrono(date.format("%Y-%m-%d"));
    }
    let mut stamp = Stamp::EMPTY;
    stamp.date(date);
    stamp
}

/// An xsd:dateTime with its offset, in whole seconds.
pub fn instant_text(t: &DateTime<FixedOffset>) -> Stamp {
    use chrono::{Datelike, Timelike};
    let local = t.naive_local();
    let offset = t.offset().local_minus_utc();
    if !(0..=9999).contains(&local.year()) || local.nanosecond() >= 1_000_000_000 || offset % 60 != 0 {
        return Stamp::chrono(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    }
    let mut stamp = Stamp::EMPTY;
    stamp.date(local.date());
    stamp.push(b'T');
    stamp.digits(local.hour(), 2);
    stamp.push(b':');
    stamp.digits(local.minute(), 2);
    stamp.push(b':');
    stamp.digits(local.second(), 2);
    stamp.push(if offset < 0 { b'-' } else { b'+' });
    let minutes = offset.unsigned_abs() / 60;
    stamp.digits(minutes / 60, 2);
    stamp.push(b':');
    stamp.digits(minutes % 60, 2);
    stamp
}

/// A UTC instant as an xsd:dateTime (`+00:00`).
pub fn utc_text(t: &NaiveDateTime) -> Stamp {
    instant_text(&t.and_utc().fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_as_chrono_writes_them() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..20_000 {
            let days = next(4_000_000) as i64 - 100_000;
            let date = NaiveDate::from_num_days_from_ce_opt(days as i32).unwrap();
            assert_eq!(date_text(date).as_str(), date.format("%Y-%m-%d").to_string());
            let time = NaiveTime::from_num_seconds_from_midnight_opt(next(86_400) as u32, next(1_000_000_000) as u32).unwrap();
            let offset = FixedOffset::east_opt(next(2 * 86_399) as i32 - 86_399).unwrap();
            let instant = offset.from_utc_datetime(&NaiveDateTime::new(date, time));
            assert_eq!(instant_text(&instant).as_str(), instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
            let minute_offset = FixedOffset::east_opt((next(2 * 1439) as i32 - 1439) * 60).unwrap();
            let instant = minute_offset.from_utc_datetime(&NaiveDateTime::new(date, time));
            assert_eq!(instant_text(&instant).as_str(), instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
            let utc = NaiveDateTime::new(date, time);
            assert_eq!(utc_text(&utc).as_str(), utc.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
        }
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap().and_hms_milli_opt(23, 59, 59, 1_500).unwrap();
        assert_eq!(utc_text(&leap).as_str(), leap.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    }

    #[test]
    fn non_ascii_input_is_refused_not_sliced() {
        for bad in ["\u{800}\u{10000}", "2020-01-01T12:34:5\u{e9}", "2020-01-01\u{800}\u{10000}", "\u{80}\u{80}\u{800}", "\u{10000}000"] {
            assert_eq!(parse_date(bad), None, "{bad}");
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_calendar_has_four_digit_years() {
        assert!(in_calendar(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()));
        assert!(!in_calendar(NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()));
        assert!(!in_calendar(NaiveDate::from_ymd_opt(0, 1, 1).unwrap()));
    }

    #[test]
    fn collapses_whitespace_like_xml_schema() {
        assert_eq!(collapse("  a \n\t b  "), "a b");
        assert_eq!(collapse(""), "");
    }

    #[test]
    fn ids_and_names_follow_the_schema() {
        assert_eq!(ExternalId::parse("  x  ").unwrap().as_str(), "x");
        assert_eq!(ExternalId::parse("   ").unwrap_err().rule, Rule::Length);
        assert!(ExternalId::parse(&"x".repeat(256)).is_err());
        assert!(Name::parse("Sales").is_ok());
        assert!(Name::parse("  ").is_err() && Name::parse("a\nb").is_err() && Name::parse("").is_err());
        assert_eq!(ExternalId::parse_all(&["a", "", "c"]).unwrap_err().0, 1, "the refused item's position");
    }

    /// Text the store keeps must be text every face can emit: XML 1.0 carries no other control
    /// characters, nor U+FFFE and U+FFFF.
    #[test]
    fn text_values_refuse_what_xml_cannot_carry() {
        for bad in ["Evil\u{0}Dept", "a\u{1}", "\u{1F}", "x\u{FFFE}", "\u{FFFF}"] {
            assert_eq!(Name::parse(bad).unwrap_err().rule, Rule::Type, "{bad:?}");
            assert!(Text::parse(bad).is_err() && ExternalId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Text::parse("tab\tline\nreturn\r").is_ok());
        assert_eq!(Text::parse(&"x".repeat(TEXT_MAX + 1)).unwrap_err().rule, Rule::Length);
    }

    #[test]
    fn numbers_and_enumerations_have_their_ranges() {
        assert!(PageSize::parse(1).is_ok() && PageSize::parse(10_000).is_ok());
        assert!(PageSize::parse(0).is_err() && PageSize::parse(10_001).is_err());
        assert!(DuePeriod::parse(876_000).is_ok() && DuePeriod::parse(876_001).is_err() && DuePeriod::parse(0).is_err());
        assert_eq!(CompletionStatus::parse("passed").unwrap().as_str(), "passed");
        assert_eq!(CompletionStatus::parse(" passed").unwrap_err().rule, Rule::Enumeration);
        assert!(Password::parse("12345").is_err() && Password::parse("123456").is_ok());
    }

    #[test]
    fn dates_follow_xsd_lexical_rules() {
        assert_eq!(parse_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("2024-02-29Z"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("2024-02-29+05:30"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("12026-01-01"), NaiveDate::from_ymd_opt(12026, 1, 1));
        assert_eq!(parse_date("02026-01-01"), None);
        for bad in ["2023-02-29", "2024-2-29", "20240229", "2024-02-29T00:00:00", "2024-02-29+5:30", "2024-13-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times_follow_xsd_lexical_rules() {
        let t = parse_date_time("2022-07-15T07:19:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2022-07-15T07:19:00+02:00");
        assert_eq!(parse_date_time("2022-07-15T07:19:00.5Z").unwrap().timestamp_subsec_millis(), 500);
        assert_eq!(parse_date_time("2022-07-15T24:00:00").unwrap().to_rfc3339(), "2022-07-16T00:00:00+00:00");
        for bad in ["2022-07-15 07:19:00", "2022-07-15T7:19:00", "2022-07-15T07:19", "2022-07-15T07:19:00.", "2022-07-15T25:00:00"] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
