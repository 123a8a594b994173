//! Time rules: local calendar dates in an IANA zone, due dates and overdue tasks.
//!
//! A due date is a local calendar date in the task's zone. "Today" is the date on the wall
//! clocks of that zone, so 17:30 UTC on 31 December is already 1 January in Vietnam (UTC+7).
//! A task is overdue when it is neither DONE nor CANCELLED and its due date is before the
//! as-of date.

use super::vocabulary::TaskStatus;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The zone used where none is given.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Parses an IANA zone name ("Asia/Ho_Chi_Minh").
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| format!("\"{name}\" is not an IANA time zone name (for example Asia/Ho_Chi_Minh)"))
}

/// The local calendar date in `zone` at the instant `now`.
pub fn local_date(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// Whether a task with `status` and `due` is overdue on the local date `as_of`.
pub fn is_overdue(status: TaskStatus, due: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    status.is_active() && due.is_some_and(|due| due < as_of)
}

/// Days from `as_of` to `due`: 0 on the due date, negative once it has passed.
pub fn days_until_due(due: Option<NaiveDate>, as_of: NaiveDate) -> Option<i64> {
    due.map(|due| (due - as_of).num_days())
}

/// Where a due date stands against a window of days from today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuePhase {
    /// Due after the window.
    Later,
    /// Due today or within the window.
    Window,
    /// Due before today.
    Overdue,
}

/// Where `due` stands on the local date `today` against a window of `within_days` days.
pub fn due_phase(due: NaiveDate, today: NaiveDate, within_days: u32) -> DuePhase {
    if due < today {
        DuePhase::Overdue
    } else if due <= today + chrono::Days::new(u64::from(within_days)) {
        DuePhase::Window
    } else {
        DuePhase::Later
    }
}

/// The first instant after `now` at which the local date in `zone` changes: its next midnight,
/// or, where a transition skips midnight, the first local time that exists that day.
pub fn next_midnight(zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{NaiveTime, TimeZone};
    let tomorrow = local_date(zone, now) + chrono::Days::new(1);
    let mut wall = tomorrow.and_time(NaiveTime::MIN);
    // A gap is at most a few hours; a quarter-hour step finds its end without searching long.
    for _ in 0..(4 * 26) {
        if let Some(instant) = zone.from_local_datetime(&wall).earliest() {
            return instant.with_timezone(&Utc);
        }
        wall += chrono::Duration::minutes(15);
    }
    now + chrono::Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn vietnam_is_seven_hours_ahead() {
        let before = "2021-12-31T16:59:59Z".parse().unwrap();
        let after = "2021-12-31T17:30:00Z".parse().unwrap();
        assert_eq!(local_date(DEFAULT_TIME_ZONE, before), d("2021-12-31"));
        assert_eq!(local_date(DEFAULT_TIME_ZONE, after), d("2022-01-01"));
        assert_eq!(local_date(chrono_tz::UTC, after), d("2021-12-31"));
    }

    #[test]
    fn overdue_only_after_the_due_date_and_while_active() {
        let due = Some(d("2021-12-31"));
        assert!(!is_overdue(TaskStatus::Open, due, d("2021-12-31")));
        assert!(is_overdue(TaskStatus::Open, due, d("2022-01-01")));
        assert!(is_overdue(TaskStatus::InProgress, due, d("2022-01-01")));
        assert!(!is_overdue(TaskStatus::Done, due, d("2022-01-01")));
        assert!(!is_overdue(TaskStatus::Cancelled, due, d("2022-01-01")));
        assert!(!is_overdue(TaskStatus::Open, None, d("2022-01-01")));
    }

    #[test]
    fn days_until_due_counts_calendar_days() {
        assert_eq!(days_until_due(Some(d("2021-12-31")), d("2021-12-01")), Some(30));
        assert_eq!(days_until_due(Some(d("2021-12-31")), d("2022-01-02")), Some(-2));
        assert_eq!(days_until_due(None, d("2022-01-02")), None);
    }

    #[test]
    fn due_phase_splits_at_today_and_the_window_end() {
        let today = d("2021-07-20");
        assert_eq!(due_phase(d("2021-07-19"), today, 7), DuePhase::Overdue);
        assert_eq!(due_phase(d("2021-07-20"), today, 0), DuePhase::Window);
        assert_eq!(due_phase(d("2021-07-27"), today, 7), DuePhase::Window);
        assert_eq!(due_phase(d("2021-07-28"), today, 7), DuePhase::Later);
    }

    #[test]
    fn next_midnight_is_local() {
        let now: DateTime<Utc> = "2021-07-20T10:00:00Z".parse().unwrap();
        assert_eq!(next_midnight(DEFAULT_TIME_ZONE, now), "2021-07-20T17:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(next_midnight(chrono_tz::UTC, now), "2021-07-21T00:00:00Z".parse::<DateTime<Utc>>().unwrap());
        // Exactly at midnight, the next one is a day later.
        let midnight: DateTime<Utc> = "2021-07-20T17:00:00Z".parse().unwrap();
        assert_eq!(
            next_midnight(DEFAULT_TIME_ZONE, midnight),
            "2021-07-21T17:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn next_midnight_skips_a_missing_midnight() {
        // Santiago moved its clocks from 00:00 to 01:00 on 2022-09-11.
        let zone: Tz = "America/Santiago".parse().unwrap();
        let now: DateTime<Utc> = "2022-09-10T12:00:00Z".parse().unwrap();
        let next = next_midnight(zone, now);
        assert_eq!(local_date(zone, next), d("2022-09-11"));
        assert_eq!(next, "2022-09-11T04:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(parse_time_zone("Asia/Ho_Chi_Minh").is_ok());
        assert!(parse_time_zone("Asia/Hanoi_Typo").is_err());
    }
}

/// Where "now" comes from: the system clock, or a fixed instant (reproducible reports, tests).
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant.
    Fixed(DateTime<Utc>),
    /// Running from `from`, which it showed at `since` (a rehearsal of a day's end, a test).
    Running {
        /// The instant shown at `since`.
        from: DateTime<Utc>,
        /// When it showed `from`.
        since: std::time::Instant,
    },
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(instant) => *instant,
            Clock::Running { from, since } => {
                *from + chrono::Duration::from_std(since.elapsed()).unwrap_or_else(|_| chrono::Duration::zero())
            }
        }
    }

    /// Whether time passes on this clock (a fixed clock never reaches the next midnight).
    pub fn advances(&self) -> bool {
        !matches!(self, Clock::Fixed(_))
    }
}
