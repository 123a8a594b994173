//! Dates as Vietnamese reports print them, found in a report's text: "Chiều 13/7", "Sáng
//! ngày 26-7", "13.7.2021", "ngày 13 tháng 7 năm 2021", "19:18, 13/07/2021". Day comes before
//! month. A date printed without its year takes the year of the report's publication (the date
//! is then inferred), or the year before when that would put the meeting after the report.
//! The first step of drafting a report's facts (issue 18): what the words say, where they say
//! it, and nothing more.

use super::vocabulary::PartOfDay;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;

/// A date printed in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedDate {
    /// The day of the month.
    pub day: u32,
    /// The month.
    pub month: u32,
    /// The year, when printed.
    pub year: Option<i32>,
    /// The part of the day printed before it ("Chiều" = afternoon).
    pub part_of_day: Option<PartOfDay>,
    /// The clock time printed with it ("19:18, 13/07/2021"), hours and minutes.
    pub time: Option<(u32, u32)>,
    /// Where the words stand in the text: the byte offsets of their start and end.
    pub span: (usize, usize),
}

/// A date resolved to a calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolvedDate {
    /// The day.
    pub date: NaiveDate,
    /// Whether the year was inferred rather than printed.
    pub inferred: bool,
}

static DATES: LazyLock<Regex> = LazyLock::new(|| {
    // One pattern for both spellings: "13/7", "13-7", "13.7" (and a year after a third mark),
    // and "ngày 13 tháng 7 (năm 2021)". Part of day and clock time are optional in front.
    Regex::new(
        r"(?ix)
        (?:(?P<hour>\d{1,2})\s*[:gh]\s*(?P<minute>\d{2})(?:\s*phút)?\s*,?\s*)?
        (?:(?P<part>sáng|chiều|tối|trưa|đêm)(?:\s+nay)?\s*,?\s+)?
        (?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*)?
        (?:ngày\s+)?
        (?:
            (?P<d1>\d{1,2})\s*[/.\-–—]\s*(?P<m1>\d{1,2})(?:\s*[/.\-–—]\s*(?P<y1>\d{4}))?
          | (?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s+năm\s+(?P<y2>\d{4}))?
        )
        ",
    )
    .expect("the date pattern is valid")
});

/// The dates printed in `text`, in order, each with where it stands. Numbers that cannot be a
/// day and a month ("32/13", a document's "06-ĐA/TU" needs a second number) are not dates.
pub fn find(text: &str) -> Vec<PrintedDate> {
    let mut found = Vec::new();
    for m in DATES.captures_iter(text) {
        let whole = m.get(0).map_or((0, 0), |w| (w.start(), w.end()));
        // A number glued to letters or to more digits ("06-ĐA", "2016-2020" periods) is no date.
        let after = &text[whole.1..];
        if after.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let before = &text[..whole.0];
        if before.ends_with(|c: char| c.is_alphanumeric() || c == '/' || c == '-' || c == '.') {
            continue;
        }
        let number = |names: [&str; 2]| names.iter().find_map(|n| m.name(n)).and_then(|v| v.as_str().parse().ok());
        let (Some(day), Some(month)) = (number(["d1", "d2"]), number(["m1", "m2"])) else { continue };
        let year: Option<i32> = number(["y1", "y2"]).map(|y: u32| y as i32);
        if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
            continue;
        }
        if year.is_some_and(|y| NaiveDate::from_ymd_opt(y, month, day).is_none()) {
            continue;
        }
        let part_of_day = m.name("part").and_then(|p| match super::text::fold(p.as_str()).as_str() {
            "sang" => Some(PartOfDay::Morning),
            "chieu" | "trua" => Some(PartOfDay::Afternoon),
            "toi" | "dem" => Some(PartOfDay::Evening),
            _ => None,
        });
        let time = match (m.name("hour"), m.name("minute")) {
            (Some(h), Some(mi)) => {
                let (h, mi): (u32, u32) = (h.as_str().parse().unwrap_or(99), mi.as_str().parse().unwrap_or(99));
                (h < 24 && mi < 60).then_some((h, mi))
            }
            _ => None,
        };
        found.push(PrintedDate { day, month, year, part_of_day, time, span: whole });
    }
    found
}

impl PrintedDate {
    /// The calendar day: with its printed year; else in the year of `published_on`, or the
    /// year before when that day would come after the publication (a report of 2 January
    /// about "30-12"); `None` when no year is printed and no publication date is known, or
    /// the day does not exist in that year (29/2).
    pub fn resolve(&self, published_on: Option<NaiveDate>) -> Option<ResolvedDate> {
        if let Some(year) = self.year {
            return NaiveDate::from_ymd_opt(year, self.month, self.day)
                .map(|date| ResolvedDate { date, inferred: false });
        }
        let published = published_on?;
        let in_year = |year: i32| NaiveDate::from_ymd_opt(year, self.month, self.day);
        let date = match in_year(published.year()) {
            Some(date) if date <= published => Some(date),
            _ => in_year(published.year() - 1),
        }?;
        Some(ResolvedDate { date, inferred: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_ways_reports_print_a_day() {
        let text =
            "Chiều 13/7, Tỉnh ủy tổ chức hội nghị. Sáng ngày 26-7 và ngày 5 tháng 8 năm 2022; 01.02.2023; Ngày 17 – 9.";
        let found = find(text);
        let days: Vec<(u32, u32, Option<i32>, Option<PartOfDay>)> =
            found.iter().map(|p| (p.day, p.month, p.year, p.part_of_day)).collect();
        assert_eq!(
            days,
            [
                (13, 7, None, Some(PartOfDay::Afternoon)),
                (26, 7, None, Some(PartOfDay::Morning)),
                (5, 8, Some(2022), None),
                (1, 2, Some(2023), None),
                (17, 9, None, None),
            ]
        );
        assert_eq!(&text[found[0].span.0..found[0].span.1], "Chiều 13/7", "the words that state it");
    }

    #[test]
    fn a_clock_time_before_the_date_is_kept() {
        let found = find("Cập nhật: 19:18, 13/07/2021");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].time, found[0].year), (Some((19, 18)), Some(2021)));
    }

    #[test]
    fn codes_periods_and_impossible_numbers_are_not_dates() {
        assert!(find("Đề án số 06-ĐA/TU của BTV Tỉnh ủy").is_empty());
        assert!(find("giai đoạn 2016-2020").is_empty());
        assert!(find("Quyết định 1209/QĐ-UBND").is_empty());
        assert!(find("tỷ lệ 32/45 xã").is_empty(), "no day 32");
        assert!(find("ngày 30/02/2021").is_empty(), "no 30 February");
    }

    #[test]
    fn a_missing_year_comes_from_the_publication_and_is_marked_inferred() {
        let found = find("Chiều 26-7");
        let resolved = found[0].resolve(Some(d("2023-08-02"))).unwrap();
        assert_eq!(resolved, ResolvedDate { date: d("2023-07-26"), inferred: true });
        let late = find("ngày 30-12")[0].resolve(Some(d("2024-01-02"))).unwrap();
        assert_eq!(late.date, d("2023-12-30"), "not after the report");
        assert_eq!(found[0].resolve(None), None, "no year, no publication: unknown");
        let printed = find("13/07/2021")[0].resolve(Some(d("2025-01-01"))).unwrap();
        assert_eq!(printed, ResolvedDate { date: d("2021-07-13"), inferred: false });
    }
}
