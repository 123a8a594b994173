//! Periods as reports name them ("6 tháng đầu năm 2018", "quý II/2024", "tháng 11.2019",
//! "trong tháng 8", "năm 2022") and the deadlines they set ("trước ngày 15/9"): the words, the
//! first and last day where the year is known, and whether they look forward (a plan, "triển
//! khai nhiệm vụ …") or back (a review).

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;

/// A period named in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// The year printed with it, if any.
    pub year: Option<i32>,
    /// First and last month (1–12) of the period within its year.
    pub months: (u32, u32),
    /// The byte span of the words.
    pub span: (usize, usize),
    /// Whether the words bound something by a day ("trước ngày 15/9"): the day itself.
    pub day: Option<u32>,
}

static PERIODS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<half>\d{1,2})\s+tháng\s+(?P<side>đầu|cuối)\s+năm(?:\s+(?P<hy>\d{4}))?
      | quý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:/|năm|-)\s*(?P<qy>\d{4}))?
      | tháng\s+(?P<m>\d{1,2})(?:\s*(?:/|\.|năm|-)\s*(?P<my>\d{4}))?
      | (?:trước|chậm\s+nhất|hạn\s+chót|hạn)\s+(?:là\s+)?(?:ngày\s+)?(?P<dd>\d{1,2})\s*[/.\-]\s*(?P<dm>\d{1,2})(?:\s*[/.\-]\s*(?P<dy>\d{4}))?
      | năm\s+(?P<y>\d{4})
        ",
    )
    .expect("the period pattern is valid")
});

/// The periods named in `text`, in order. "năm 2016-2020" (a span of years) and "tháng 13"
/// are not periods.
pub fn find(text: &str) -> Vec<Period> {
    let mut out = Vec::new();
    for m in PERIODS.captures_iter(text) {
        let whole = m.get(0).map_or((0, 0), |w| (w.start(), w.end()));
        let after = &text[whole.1..];
        if after.starts_with(|c: char| c.is_alphanumeric())
            || after.trim_start().starts_with(['-', '–'])
                && after.trim_start()[1..].trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        if text[..whole.0].ends_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let number = |name: &str| m.name(name).and_then(|v| v.as_str().parse::<i32>().ok());
        let period = if let Some(half) = number("half") {
            let first = m.name("side").is_some_and(|s| crate::domain::text::fold(s.as_str()) == "dau");
            let half = half.clamp(1, 12) as u32;
            Period {
                year: number("hy"),
                months: if first { (1, half) } else { (13 - half, 12) },
                span: whole,
                day: None,
            }
        } else if let Some(q) = m.name("q") {
            let q = match q.as_str().to_uppercase().as_str() {
                "I" | "1" => 1,
                "II" | "2" => 2,
                "III" | "3" => 3,
                _ => 4,
            };
            Period { year: number("qy"), months: (q * 3 - 2, q * 3), span: whole, day: None }
        } else if let Some(month) = number("m") {
            if !(1..=12).contains(&month) {
                continue;
            }
            Period { year: number("my"), months: (month as u32, month as u32), span: whole, day: None }
        } else if let (Some(day), Some(month)) = (number("dd"), number("dm")) {
            if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
                continue;
            }
            Period { year: number("dy"), months: (month as u32, month as u32), span: whole, day: Some(day as u32) }
        } else if let Some(year) = number("y") {
            Period { year: Some(year), months: (1, 12), span: whole, day: None }
        } else {
            continue;
        };
        if period.year.is_some_and(|y| !(1945..=2100).contains(&y)) {
            continue;
        }
        out.push(period);
    }
    out
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

impl Period {
    /// The first and last day of the period in `year` (or its own year).
    pub fn bounds(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let year = self.year.unwrap_or(year);
        if let Some(day) = self.day {
            let date = NaiveDate::from_ymd_opt(year, self.months.0, day)?;
            return Some((date, date));
        }
        Some((NaiveDate::from_ymd_opt(year, self.months.0, 1)?, last_day_of_month(year, self.months.1)?))
    }

    /// The day a task bounded by this period is due, for a meeting held on `meeting` (which
    /// gives the year where the period has none: the first such day on or after the meeting).
    pub fn due_on(&self, meeting: Option<NaiveDate>) -> Option<NaiveDate> {
        match (self.year, meeting) {
            (Some(year), _) => self.bounds(year).map(|b| b.1),
            (None, Some(meeting)) => {
                let this_year = self.bounds(meeting.year())?.1;
                if this_year >= meeting { Some(this_year) } else { self.bounds(meeting.year() + 1).map(|b| b.1) }
            }
            (None, None) => None,
        }
    }

    /// The year a meeting on `day`/`month` falls in when the report ties it to this period
    /// (a review of "6 tháng đầu năm 2018" on 8/6 is in 2018; a review of "tháng 12 năm 2019"
    /// held on 5/1 is in 2020): the year that puts the day nearest the period, measured to its
    /// start for a period the meeting looks ahead to.
    pub fn year_of(&self, day: u32, month: u32, forward: bool) -> Option<i32> {
        let year = self.year?;
        let (start, end) = self.bounds(year)?;
        [year - 1, year, year + 1]
            .into_iter()
            .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day).map(|d| (y, d)))
            .min_by_key(|(_, d)| {
                if forward {
                    (*d - start).num_days().abs()
                } else if *d < start {
                    (start - *d).num_days()
                } else if *d > end {
                    (*d - end).num_days()
                } else {
                    0
                }
            })
            .map(|(y, _)| y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_ways_reports_name_a_period() {
        let found = find(
            "sơ kết 6 tháng đầu năm 2018; nhiệm vụ 6 tháng cuối năm; quý II/2024; tháng 11.2019; trong tháng 8; năm 2022",
        );
        let got: Vec<(Option<i32>, (u32, u32))> = found.iter().map(|p| (p.year, p.months)).collect();
        assert_eq!(
            got,
            [
                (Some(2018), (1, 6)),
                (None, (7, 12)),
                (Some(2024), (4, 6)),
                (Some(2019), (11, 11)),
                (None, (8, 8)),
                (Some(2022), (1, 12))
            ]
        );
        assert!(find("giai đoạn 2016-2020, nhiệm kỳ 2024 - 2029").is_empty(), "terms are not periods");
        assert!(find("tháng 13").is_empty());
    }

    #[test]
    fn deadlines_are_the_last_day_of_their_period() {
        let meeting = Some(d("2021-07-13"));
        assert_eq!(find("6 tháng cuối năm")[0].due_on(meeting), Some(d("2021-12-31")));
        assert_eq!(find("trong tháng 8")[0].due_on(Some(d("2022-07-20"))), Some(d("2022-08-31")));
        assert_eq!(find("trong tháng 2")[0].due_on(Some(d("2022-11-20"))), Some(d("2023-02-28")), "the next February");
        assert_eq!(find("trước ngày 15/9")[0].due_on(meeting), Some(d("2021-09-15")));
        assert_eq!(find("tháng 11.2019")[0].due_on(None), Some(d("2019-11-30")));
        assert_eq!(find("trong tháng 8")[0].due_on(None), None, "no year known, no date");
    }

    #[test]
    fn the_year_a_meeting_tied_to_a_period_falls_in() {
        assert_eq!(find("6 tháng đầu năm 2018")[0].year_of(8, 6, false), Some(2018));
        assert_eq!(find("tháng 10 năm 2019")[0].year_of(1, 11, false), Some(2019));
        assert_eq!(find("tháng 12 năm 2019")[0].year_of(5, 1, false), Some(2020));
        assert_eq!(find("nhiệm vụ năm 2022")[0].year_of(20, 12, true), Some(2021), "planning ahead");
    }
}
