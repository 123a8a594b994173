//! Who held which post on a given day.
//!
//! A tenure runs from its start to its end, both inclusive, either of which may be partial or
//! unknown. A tenure counts as held on a day unless the record rules that day out: it starts
//! after the day (its start's earliest possible day is later) or ended before it (its end's
//! latest possible day is earlier). An unknown bound never rules a day out, so a post the
//! report attests with no dates counts as held on any day; researchers see the bounds beside it.

use super::partial_date::PartialDate;
use chrono::NaiveDate;

/// Whether a tenure from `start` to `end` (inclusive, each optional) covers `day`.
pub fn held_on(start: Option<&PartialDate>, end: Option<&PartialDate>, day: NaiveDate) -> bool {
    let started = start.is_none_or(|s| s.earliest() <= day);
    let not_ended = end.is_none_or(|e| e.latest() >= day);
    started && not_ended
}

/// Whether an organization with the life span `started`..`ended` exists on `day`.
pub fn exists_on(started: Option<&PartialDate>, ended: Option<&PartialDate>, day: NaiveDate) -> bool {
    held_on(started, ended, day)
}

/// Reads a stored partial date; text that does not parse counts as unknown.
pub fn stored(text: Option<&str>) -> Option<PartialDate> {
    text.and_then(|t| t.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> PartialDate {
        text.parse().unwrap()
    }
    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn full_dates_are_inclusive() {
        let (s, e) = (p("2020-10-15"), p("2025-06-30"));
        assert!(held_on(Some(&s), Some(&e), d("2020-10-15")));
        assert!(held_on(Some(&s), Some(&e), d("2025-06-30")));
        assert!(!held_on(Some(&s), Some(&e), d("2020-10-14")));
        assert!(!held_on(Some(&s), Some(&e), d("2025-07-01")));
    }

    #[test]
    fn partial_bounds_cover_their_whole_period() {
        let (s, e) = (p("2020"), p("2025-06"));
        assert!(held_on(Some(&s), Some(&e), d("2020-01-01")));
        assert!(held_on(Some(&s), Some(&e), d("2025-06-30")));
        assert!(!held_on(Some(&s), Some(&e), d("2019-12-31")));
        assert!(!held_on(Some(&s), Some(&e), d("2025-07-01")));
    }

    #[test]
    fn unknown_bounds_rule_nothing_out() {
        assert!(held_on(None, None, d("1990-01-01")));
        assert!(held_on(None, Some(&p("2021")), d("1990-01-01")));
        assert!(!held_on(None, Some(&p("2021")), d("2022-01-01")));
        assert!(!held_on(Some(&p("2021-08")), None, d("2021-07-31")));
    }
}
