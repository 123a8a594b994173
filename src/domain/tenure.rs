//! Who held which post on a given day, and how sure that answer is.
//!
//! A tenure runs from its start to its end, both inclusive, either of which may be partial or
//! unknown. The record rules a day out when the tenure starts after it (its start's earliest
//! possible day is later) or ended before it (its end's latest possible day is earlier), or
//! when the body the post belongs to did not exist then. A day not ruled out is held with a
//! [`Certainty`] that says what the evidence is: the stated bounds cover it, a source attests
//! that very day, it lies between two pieces of evidence of the same tenure with nothing
//! contrary between them, or nothing but open bounds allow it. Reports rarely state bounds; a
//! report attests that a person held a title on the day it describes, and nothing more.

use super::partial_date::{PartialDate, Precision};
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

/// How sure an answer is that a tenure covers a day (or some day of a period), from the
/// weakest to the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum)]
pub enum Certainty {
    /// Nothing rules the day out, but only open bounds allow it: no evidence on one side.
    Possible,
    /// The day lies between two pieces of evidence of the same tenure (attestations or stated
    /// bounds), with no contrary evidence between them.
    Inferred,
    /// A source attests that very day.
    Attested,
    /// The tenure's stated bounds cover the day: its start and end both, or a bound stated
    /// to that very day.
    Stated,
}

/// What is known of one tenure: its stated bounds, the life span of the body its post belongs
/// to, the days sources attest it, and the periods in which someone else is known to have held
/// its post when the post has a single seat.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The stated start.
    pub started: Option<PartialDate>,
    /// The stated end.
    pub ended: Option<PartialDate>,
    /// When the body began.
    pub body_started: Option<PartialDate>,
    /// When the body ended.
    pub body_ended: Option<PartialDate>,
    /// The days (or months, years) sources attest the tenure.
    pub attested: Vec<PartialDate>,
    /// First and last days of periods in which another person held the post.
    pub contrary: Vec<(NaiveDate, NaiveDate)>,
}

impl Evidence {
    /// Whether the record rules `day` out.
    pub fn rules_out(&self, day: NaiveDate) -> bool {
        !held_on(self.started.as_ref(), self.ended.as_ref(), day)
            || !exists_on(self.body_started.as_ref(), self.body_ended.as_ref(), day)
    }

    /// How sure it is that the tenure covers `day`; `None` when the record rules it out.
    pub fn on(&self, day: NaiveDate) -> Option<Certainty> {
        if self.rules_out(day) {
            return None;
        }
        let covered =
            matches!((self.started, self.ended), (Some(s), Some(e)) if s.latest() <= day && day <= e.earliest());
        // A bound stated to the day says the post was held that day.
        let is_day = |d: &PartialDate| d.precision() == Precision::Day && d.earliest() == day;
        if covered || self.started.iter().chain(&self.ended).any(is_day) {
            return Some(Certainty::Stated);
        }
        if self.attested.iter().any(|a| a.precision() == Precision::Day && a.earliest() == day) {
            return Some(Certainty::Attested);
        }
        // The last day before (or on) `day` by which the tenure surely had begun, and the first
        // day after (or on) it until which it surely lasted.
        let since = self.started.map(|s| s.latest()).into_iter().chain(self.attested.iter().map(|a| a.latest()));
        let until = self.ended.map(|e| e.earliest()).into_iter().chain(self.attested.iter().map(|a| a.earliest()));
        let since = since.filter(|d| *d <= day).max();
        let until = until.filter(|d| *d >= day).min();
        if let (Some(since), Some(until)) = (since, until)
            && !self.contrary.iter().any(|(first, last)| *first < until && *last > since)
        {
            return Some(Certainty::Inferred);
        }
        Some(Certainty::Possible)
    }

    /// How sure it is that the tenure covers some day from `from` to `to` (inclusive): the
    /// best certainty of any of those days; `None` when the record rules out every one.
    pub fn during(&self, from: NaiveDate, to: NaiveDate) -> Option<Certainty> {
        // Certainty changes only at the evidence's own days, so those, the days beside them and
        // the period's ends are every day worth asking about.
        let mut turns = vec![from, to];
        let dates = self.started.iter().chain(&self.ended).chain(&self.body_started).chain(&self.body_ended);
        for d in dates.chain(&self.attested) {
            turns.extend([d.earliest(), d.latest()]);
        }
        for (first, last) in &self.contrary {
            turns.extend([*first, *last]);
        }
        let beside = |d: NaiveDate| [d.pred_opt(), Some(d), d.succ_opt()];
        let days: Vec<NaiveDate> = turns.into_iter().flat_map(beside).flatten().collect();
        days.into_iter().filter(|d| from <= *d && *d <= to).filter_map(|d| self.on(d)).max()
    }
}

/// The titles printed beside a name ("Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh"), each in
/// search form: split where reports join them (commas, semicolons, "kiêm"), so that diacritics,
/// case and the spelling of tone marks do not tell two printings of one title apart.
pub fn printed_titles(printed: &str) -> Vec<String> {
    printed
        .split([',', ';'])
        .flat_map(|part| {
            let folded = super::text::search_form(part);
            folded.split(" kiem ").map(|t| t.trim().to_owned()).collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether the titles printed beside a name include a post's title, in search form: one of
/// the [`printed_titles`] must be the title itself. A part that merely contains the title does
/// not count ("Phó Bí thư Tỉnh ủy" does not name "Bí thư Tỉnh ủy").
pub fn names_post(printed: &str, title_searched: &str) -> bool {
    printed_titles(printed).iter().any(|part| part == title_searched)
}

/// The question a list of tenures answers: held on a day, or at some time in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// On this day.
    On(NaiveDate),
    /// On some day from the first to the last (inclusive).
    During(NaiveDate, NaiveDate),
}

impl When {
    /// How sure `evidence` makes it that the tenure is held then.
    pub fn judge(&self, evidence: &Evidence) -> Option<Certainty> {
        match *self {
            When::On(day) => evidence.on(day),
            When::During(from, to) => evidence.during(from, to),
        }
    }
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

    fn evidence(started: Option<&str>, ended: Option<&str>, attested: &[&str]) -> Evidence {
        Evidence {
            started: started.map(p),
            ended: ended.map(p),
            attested: attested.iter().map(|a| p(a)).collect(),
            ..Evidence::default()
        }
    }

    #[test]
    fn one_attestation_says_that_day_and_nothing_more() {
        let e = evidence(None, None, &["2021-07-13"]);
        assert_eq!(e.on(d("2021-07-13")), Some(Certainty::Attested));
        assert_eq!(e.on(d("2025-01-01")), Some(Certainty::Possible));
        assert_eq!(e.on(d("2019-01-01")), Some(Certainty::Possible));
    }

    #[test]
    fn days_between_two_attestations_are_inferred() {
        let e = evidence(None, None, &["2021-07-13", "2023-03-01"]);
        assert_eq!(e.on(d("2022-01-01")), Some(Certainty::Inferred));
        assert_eq!(e.on(d("2023-03-02")), Some(Certainty::Possible));
        let stated_start = evidence(Some("2020-10"), None, &["2023-03-01"]);
        assert_eq!(stated_start.on(d("2021-01-01")), Some(Certainty::Inferred));
        // Within the month the start is known to, it may not have begun yet.
        assert_eq!(stated_start.on(d("2020-10-15")), Some(Certainty::Possible));
    }

    #[test]
    fn stated_bounds_cover_their_days_and_rule_out_the_rest() {
        let e = evidence(Some("2020-10-15"), Some("2025-06-30"), &["2021-07-13"]);
        assert_eq!(e.on(d("2021-07-13")), Some(Certainty::Stated));
        assert_eq!(e.on(d("2025-07-01")), None);
        let open = evidence(Some("2020-10-15"), None, &[]);
        assert_eq!(open.on(d("2024-01-01")), Some(Certainty::Possible));
        assert_eq!(open.on(d("2020-10-15")), Some(Certainty::Stated), "the first day is stated");
    }

    #[test]
    fn another_holder_of_a_single_seat_between_breaks_the_inference() {
        let mut e = evidence(None, None, &["2020-01-10", "2024-01-10"]);
        e.contrary.push((d("2022-05-01"), d("2022-05-01")));
        assert_eq!(e.on(d("2021-01-01")), Some(Certainty::Possible));
        assert_eq!(e.on(d("2020-01-10")), Some(Certainty::Attested));
    }

    #[test]
    fn the_end_of_the_body_ends_its_posts() {
        let mut e = evidence(None, None, &["2021-07-13", "2025-09-01"]);
        e.body_ended = Some(p("2025-06-30"));
        assert_eq!(e.on(d("2025-07-01")), None);
        assert_eq!(e.on(d("2024-01-01")), Some(Certainty::Inferred));
    }

    #[test]
    fn a_period_takes_its_best_day() {
        let e = evidence(None, None, &["2021-07-13", "2023-03-01"]);
        assert_eq!(e.during(d("2024-01-01"), d("2024-12-31")), Some(Certainty::Possible));
        assert_eq!(e.during(d("2022-01-01"), d("2022-12-31")), Some(Certainty::Inferred));
        assert_eq!(e.during(d("2021-01-01"), d("2021-12-31")), Some(Certainty::Attested));
        let ended = evidence(None, Some("2020"), &[]);
        assert_eq!(ended.during(d("2021-01-01"), d("2021-12-31")), None);
    }

    #[test]
    fn printed_titles_name_a_post_only_whole() {
        let title = crate::domain::text::search_form("Phó Bí thư Tỉnh ủy");
        assert!(names_post("Phó Bí thư Tỉnh uỷ, Chủ tịch HĐND tỉnh", &title));
        assert!(names_post("Chủ tịch HĐND tỉnh kiêm Phó Bí thư Tỉnh ủy", &title));
        assert!(!names_post("Bí thư Tỉnh ủy", &title));
        let secretary = crate::domain::text::search_form("Bí thư Tỉnh ủy");
        assert!(!names_post("Phó Bí thư Tỉnh ủy", &secretary));
        assert!(!names_post("", &secretary));
    }
}
