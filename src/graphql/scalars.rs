//! The scalars of the API: calendar dates, instants, partial dates and IANA time zones.

use crate::domain::partial_date;
use crate::domain::time::parse_time_zone;
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;

fn text_of<T: async_graphql::InputType>(value: &Value) -> Result<&str, InputValueError<T>> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(InputValueError::expected_type(other.clone())),
    }
}

/// A local calendar date, `YYYY-MM-DD`; the time zone it is local to is given beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A local calendar date in the form `YYYY-MM-DD` (for example `2021-07-13`).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = text_of::<Self>(&value)?;
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Ok(Date(date)),
            _ => Err(InputValueError::custom(format!(
                "\"{text}\" is not a date of the form YYYY-MM-DD"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant, exchanged as RFC 3339 text with an offset; answers are given in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant in RFC 3339 form with an offset (for example `2021-07-13T12:18:00Z` or
/// `2021-07-13T19:18:00+07:00`); answers are given in UTC.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = text_of::<Self>(&value)?;
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|instant| DateTime(instant.with_timezone(&Utc)))
            .map_err(|_| {
                InputValueError::custom(format!(
                    "\"{text}\" is not an RFC 3339 instant with an offset"
                ))
            })
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

/// A date known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartialDate(pub partial_date::PartialDate);

/// A date known only as precisely as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[Scalar(name = "PartialDate")]
impl ScalarType for PartialDate {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = text_of::<Self>(&value)?;
        text.parse()
            .map(PartialDate)
            .map_err(|err: partial_date::PartialDateError| InputValueError::custom(err.0))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// An IANA time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZone(pub Tz);

/// An IANA time zone name (for example `Asia/Ho_Chi_Minh`); an unknown name is an error.
#[Scalar(name = "TimeZone")]
impl ScalarType for TimeZone {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = text_of::<Self>(&value)?;
        parse_time_zone(text)
            .map(TimeZone)
            .map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.name().to_owned())
    }
}
