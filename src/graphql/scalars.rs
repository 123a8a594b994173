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
            _ => Err(InputValueError::custom(format!("\"{text}\" is not a date of the form YYYY-MM-DD"))),
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
            .map_err(|_| InputValueError::custom(format!("\"{text}\" is not an RFC 3339 instant with an offset")))
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
        text.parse().map(PartialDate).map_err(|err: partial_date::PartialDateError| InputValueError::custom(err.0))
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
        parse_time_zone(text).map(TimeZone).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.name().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_full_and_real() {
        assert!(Date::parse(Value::String("2021-07-13".into())).is_ok());
        for bad in ["2021-7-13", "13/07/2021", "2021-02-30", "2021"] {
            assert!(Date::parse(Value::String(bad.into())).is_err(), "{bad}");
        }
        assert!(Date::parse(Value::Number(20210713.into())).is_err());
    }

    #[test]
    fn instants_need_an_offset_and_answer_in_utc() {
        let parsed = DateTime::parse(Value::String("2021-07-13T19:18:00+07:00".into())).unwrap();
        assert_eq!(parsed.to_value(), Value::String("2021-07-13T12:18:00Z".into()));
        assert!(DateTime::parse(Value::String("2021-07-13T19:18:00".into())).is_err());
    }

    #[test]
    fn unknown_time_zones_are_refused() {
        assert!(TimeZone::parse(Value::String("Asia/Ho_Chi_Minh".into())).is_ok());
        let err = TimeZone::parse(Value::String("Asia/Saigon_Typo".into())).unwrap_err();
        assert!(err.into_server_error(Default::default()).message.contains("IANA"));
    }

    #[test]
    fn partial_dates_keep_their_precision() {
        let year = PartialDate::parse(Value::String("2016".into())).unwrap();
        assert_eq!(year.to_value(), Value::String("2016".into()));
        assert!(PartialDate::parse(Value::String("2016-13".into())).is_err());
    }
}
