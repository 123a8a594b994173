//! Dates known only to the year, the month or the day ("2016", "2021-07", "2021-07-13"), as
//! reports give them: tenures, issue dates and periods of documents.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar date known to a year, a month or a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

/// How much of a partial date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "DatePrecision")]
pub enum Precision {
    /// Only the year.
    Year,
    /// The year and the month.
    Month,
    /// The full date.
    Day,
}

impl Precision {
    /// The stored name: DAY, MONTH, YEAR.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "YEAR",
            Precision::Month => "MONTH",
            Precision::Day => "DAY",
        }
    }

    /// The precision of a stored name; a full date for anything else.
    pub fn parse(text: &str) -> Self {
        match text {
            "YEAR" => Precision::Year,
            "MONTH" => Precision::Month,
            _ => Precision::Day,
        }
    }
}

impl PartialDate {
    /// A date known to the day.
    pub fn from_date(date: NaiveDate) -> Self {
        Self { year: date.year(), month: Some(date.month()), day: Some(date.day()) }
    }

    /// `date` known only to `precision`: its year, its month, or all of it.
    pub fn truncated(date: NaiveDate, precision: Precision) -> Self {
        match precision {
            Precision::Day => Self::from_date(date),
            Precision::Month => Self { year: date.year(), month: Some(date.month()), day: None },
            Precision::Year => Self { year: date.year(), month: None, day: None },
        }
    }

    /// How much of the date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The first day the date can mean: 2021 -> 2021-01-01, 2021-07 -> 2021-07-01.
    pub fn earliest(&self) -> NaiveDate {
        let month = self.month.unwrap_or(1);
        let day = self.day.unwrap_or(1);
        NaiveDate::from_ymd_opt(self.year, month, day).unwrap_or(NaiveDate::MIN)
    }

    /// The last day the date can mean: 2021 -> 2021-12-31, 2021-02 -> 2021-02-28.
    pub fn latest(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, next) = if m == 12 { (self.year + 1, 1) } else { (self.year, m + 1) };
                NaiveDate::from_ymd_opt(y, next, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

/// Why a text is not a partial date.
#[derive(Debug, PartialEq, Eq)]
pub struct PartialDateError(pub String);

impl FromStr for PartialDate {
    type Err = PartialDateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || PartialDateError(format!("\"{text}\" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"));
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| -> Result<u32, PartialDateError> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let year = number(parts.first().copied().unwrap_or(""), 4)? as i32;
        let date = match parts.len() {
            1 => Self { year, month: None, day: None },
            2 => {
                let month = number(parts[1], 2)?;
                if !(1..=12).contains(&month) {
                    return Err(bad());
                }
                Self { year, month: Some(month), day: None }
            }
            3 => {
                let month = number(parts[1], 2)?;
                let day = number(parts[2], 2)?;
                NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)?;
                Self { year, month: Some(month), day: Some(day) }
            }
            _ => return Err(bad()),
        };
        Ok(date)
    }
}

// Partial dates travel as their text ("2021", "2021-07", "2021-07-13") in snapshots of the history.
impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(|err: PartialDateError| serde::de::Error::custom(err.0))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_prints_each_precision() {
        for text in ["2016", "2021-07", "2021-07-13"] {
            assert_eq!(text.parse::<PartialDate>().unwrap().to_string(), text);
        }
        assert_eq!("2021".parse::<PartialDate>().unwrap().precision(), Precision::Year);
        assert_eq!("2021-07".parse::<PartialDate>().unwrap().precision(), Precision::Month);
    }

    #[test]
    fn refuses_malformed_dates() {
        for text in ["", "21", "2021-7", "2021-13", "2021-02-30", "2021-07-13-01", "abcd", "2021/07"] {
            assert!(text.parse::<PartialDate>().is_err(), "{text}");
        }
    }

    #[test]
    fn bounds_of_a_period() {
        let year: PartialDate = "2020".parse().unwrap();
        assert_eq!((year.earliest(), year.latest()), (d(2020, 1, 1), d(2020, 12, 31)));
        let feb: PartialDate = "2024-02".parse().unwrap();
        assert_eq!((feb.earliest(), feb.latest()), (d(2024, 2, 1), d(2024, 2, 29)));
        let dec: PartialDate = "2021-12".parse().unwrap();
        assert_eq!(dec.latest(), d(2021, 12, 31));
    }
}
