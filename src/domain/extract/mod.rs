//! Drafting the facts of a Vietnamese meeting report from its text (issue 18): the meetings it
//! reports, who chaired and attended them with the titles printed beside their names, the
//! documents named, the tasks handed out, each with the words that state it and where they
//! stand. Rules over normalized text, with the words kept as data (`vocabulary`); nothing is
//! invented: a fact the text does not state is absent, a year that is not printed is inferred
//! only from the report's own dates (its publication, a period it names, its address) and is
//! marked so.

pub mod names;
pub mod people;
pub mod period;
pub mod vocabulary;
pub mod words;

mod meeting;

use crate::domain::printed_date::{self, PrintedDate};
use crate::domain::text::fold;
use crate::domain::vocabulary::{
    ConferenceDirectiveRelation, ConferenceFormat, DirectiveKind, PartOfDay, ParticipationRole,
};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use vocabulary::section;
use words::Token;

/// What is known of a report besides its text.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// Where it was published.
    pub url: Option<String>,
    /// The day it was published (Vietnam date).
    pub published_on: Option<NaiveDate>,
    /// The publisher's name.
    pub publisher: Option<String>,
    /// The area the report is about (a province's or district's name), when the reader knows.
    pub area: Option<String>,
}

/// Words of the text that state a fact, as byte offsets into the text as read (Unicode NFC,
/// every kind of space a plain one); outputs give them as character offsets, which are those
/// of the text as given when it was already NFC (most texts are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first byte, in the normalized text.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
}

/// A value with the words that state it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stated<T> {
    /// The value.
    pub value: T,
    /// The words.
    pub span: Span,
}

/// A meeting's date as the report lets it be known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingDate {
    /// Day of the month.
    pub day: u32,
    /// Month.
    pub month: u32,
    /// Year, when printed or inferred.
    pub year: Option<i32>,
    /// Whether the year comes from outside the meeting's own date line.
    pub inferred: bool,
    /// Where the inferred year comes from.
    pub basis: Option<YearBasis>,
    /// The printed date.
    pub span: Span,
}

/// Where an inferred year comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearBasis {
    /// The page's date stamp nearest the meeting.
    PageDate(NaiveDate),
    /// The report's publication date.
    Publication(NaiveDate),
    /// A period the meeting's sentence or a headline names, in the report's words.
    Period(String),
    /// The month in the report's address.
    AddressMonth {
        /// Its year.
        year: i32,
        /// Its month.
        month: u32,
    },
}

impl YearBasis {
    /// Every name [`YearBasis::reason`] gives.
    pub const NAMES: [&str; 4] = ["page_date", "publication", "period", "address_month"];

    /// The basis in English words, as a conference's `dateNote` keeps it.
    pub fn note(&self) -> String {
        match self {
            YearBasis::PageDate(date) => format!("the year of the page's date {}", date.format("%d/%m/%Y")),
            YearBasis::Publication(date) => format!("the year of the report's publication on {date}"),
            YearBasis::Period(words) => format!("the period named in the report: \"{words}\""),
            YearBasis::AddressMonth { year, month } => format!("the month in the report's address, {month:02}/{year}"),
        }
    }

    /// A stable name of the kind of basis and its one value, for pages that word it in their
    /// own language: `page_date` and `publication` give a date (YYYY-MM-DD), `period` the
    /// words, `address_month` the month (MM/YYYY).
    pub fn reason(&self) -> (&'static str, String) {
        match self {
            YearBasis::PageDate(date) => ("page_date", date.to_string()),
            YearBasis::Publication(date) => ("publication", date.to_string()),
            YearBasis::Period(words) => ("period", words.clone()),
            YearBasis::AddressMonth { year, month } => ("address_month", format!("{month:02}/{year}")),
        }
    }
}

impl MeetingDate {
    /// Where the inferred year comes from, in English words.
    pub fn note(&self) -> Option<String> {
        self.basis.as_ref().map(YearBasis::note)
    }

    /// The calendar day, when the year is known.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }
}

/// A person named at a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The full name, without "đồng chí", "ông" or a rank.
    pub name: Stated<String>,
    /// Chair, speaker, reporter, attendee.
    pub role: ParticipationRole,
    /// Heads the meeting without being said to chair it ("dự và chỉ đạo", "làm việc với").
    pub leads: bool,
    /// The titles printed with the name, one post each, every mention's.
    pub titles: Vec<Stated<String>>,
    /// The words that give the role ("chủ trì", "Cùng dự có").
    pub role_span: Span,
}

/// A document named at a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The code as printed ("06-ĐA/TU"), when a whole code is printed.
    pub code: Option<String>,
    /// The kind.
    pub kind: DirectiveKind,
    /// The number ("06").
    pub number: Option<String>,
    /// The issuer as printed ("BTV Tỉnh ủy").
    pub issuer: Option<String>,
    /// The day it was issued, when printed.
    pub issued_on: Option<NaiveDate>,
    /// Its title, short, as printed.
    pub title: Option<String>,
    /// How the meeting deals with it, when the text says.
    pub relation: Option<ConferenceDirectiveRelation>,
    /// The words naming it.
    pub span: Span,
}

/// A task handed out at a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Who is to do it, as printed.
    pub assignees: Vec<Stated<String>>,
    /// What is to be done, as printed (shortened).
    pub title: String,
    /// The deadline as a day, when the bound is a day or a period of known year.
    pub due_on: Option<NaiveDate>,
    /// The deadline's words.
    pub due_text: Option<Stated<String>>,
    /// The words that hand it out.
    pub span: Span,
}

/// A meeting the report says took place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    /// Its date.
    pub date: MeetingDate,
    /// Morning, afternoon, evening, when printed.
    pub part_of_day: Option<PartOfDay>,
    /// The clock time it started, when printed.
    pub starts_at: Option<Stated<(u32, u32)>>,
    /// The kind as printed ("hội nghị trực tuyến").
    pub kind: Option<Stated<String>>,
    /// Online, in person or both, when the report says.
    pub format: Option<Stated<ConferenceFormat>>,
    /// Its name, short.
    pub title: Option<Stated<String>>,
    /// The area it belongs to.
    pub area: Option<String>,
    /// The bodies that organize it, as printed.
    pub organizers: Vec<Stated<String>>,
    /// Its chairs first, then the other people.
    pub people: Vec<Person>,
    /// The documents named.
    pub documents: Vec<Document>,
    /// The tasks handed out.
    pub tasks: Vec<Task>,
    /// The sentence that reports it.
    pub span: Span,
}

/// A report's draft: its meetings and what the reading found about the report itself.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The text as read (Unicode NFC), which spans point into.
    pub text: String,
    /// The source: as given, completed from the text's header lines.
    pub source: Source,
    /// The meetings.
    pub meetings: Vec<Meeting>,
}

impl Draft {
    /// The words of a span.
    pub fn quote(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// A byte offset as a character offset.
    pub fn char_offset(&self, byte: usize) -> usize {
        self.text.get(..byte).map_or(0, |t| t.chars().count())
    }
}

/// Header lines a report text may start with ("URL: …", "Published: 04/04/2022 - 08:59"),
/// before a blank line: metadata, not report text.
fn read_header(text: &str, source: &mut Source) -> usize {
    let mut offset = 0;
    let mut saw_header = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if saw_header {
                return offset + line.len();
            }
            offset += line.len();
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else { break };
        let value = value.trim();
        match fold(key).as_str() {
            "url" | "source" | "nguon" => {
                if source.url.is_none() {
                    source.url = Some(value.to_owned());
                }
            }
            "published" | "ngay dang" | "date" => {
                if source.published_on.is_none() {
                    source.published_on =
                        printed_date::find(value).first().and_then(|d| d.resolve(None)).map(|r| r.date);
                }
            }
            "publisher" => {
                if source.publisher.is_none() {
                    source.publisher = Some(value.to_owned());
                }
            }
            _ => break,
        }
        saw_header = true;
        offset += line.len();
    }
    if saw_header { offset } else { 0 }
}

/// The month a report's address dates it to ("/202107/", "/2021/07/"), if any.
fn month_of_url(url: &str) -> Option<(i32, u32)> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let parts: Vec<&str> = path.split(['/', '?', '&', '=']).collect();
    for (i, part) in parts.iter().enumerate() {
        if part.len() == 6 && part.chars().all(|c| c.is_ascii_digit()) {
            let (year, month) = (part[..4].parse::<i32>().ok()?, part[4..].parse::<u32>().ok()?);
            if (1990..=2100).contains(&year) && (1..=12).contains(&month) {
                return Some((year, month));
            }
        }
        if part.len() == 4
            && part.chars().all(|c| c.is_ascii_digit())
            && let Some(next) = parts.get(i + 1)
            && next.len() == 2
            && next.chars().all(|c| c.is_ascii_digit())
        {
            let (year, month) = (part.parse::<i32>().ok()?, next.parse::<u32>().ok()?);
            if (1990..=2100).contains(&year) && (1..=12).contains(&month) {
                return Some((year, month));
            }
        }
    }
    None
}

/// The province a report's address names in its host ("baohagiang.vn" -> Hà Giang).
fn area_of_url(url: &str) -> Option<String> {
    let host = url.split_once("://").map_or(url, |(_, rest)| rest).split('/').next()?;
    let host: String = host.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
    section("places")
        .entries()
        .map(|(words, _)| (words.concat(), words))
        .filter(|(joined, _)| joined.len() >= 5 && host.contains(joined.as_str()))
        .max_by_key(|(joined, _)| joined.len())
        .and_then(|(_, words)| place_name(words))
}

/// A place's name as printed in the vocabulary file, from its folded words.
fn place_name(words: &[String]) -> Option<String> {
    section("places")
        .printed()
        .find(|(place, _)| vocabulary::words_of(place) == words)
        .map(|(place, _)| place.to_owned())
}

/// A line that only dates the page ("19:18, 13/07/2021", "04/04/2022 - 08:59", "Thứ Tư,
/// 08/04/2015, 08:11 [GMT+7]"): the day, which dates the items next to it.
fn stamp_of_line(line: &str) -> Option<NaiveDate> {
    let dates = printed_date::find(line);
    let first = dates.first()?;
    let date = first.resolve(None)?.date;
    let rest = format!("{}{}", &line[..first.span.0], &line[first.span.1..]);
    let words = rest.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().any(char::is_alphabetic)).count();
    (words <= 4 && line.chars().count() <= 60).then_some(date)
}

/// Reads `text` (a report, with or without header lines) and drafts its meetings.
pub fn extract(text: &str, source: &Source) -> Draft {
    // Spaces of every kind read as one (a no-break space inside a title is a space); each is one
    // character either way, so character offsets stay those of the text as given.
    let text: String =
        text.nfc().map(|c| if c.is_whitespace() && !matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
    let mut source = source.clone();
    let body_start = read_header(&text, &mut source);
    if source.area.is_none() {
        source.area = source.url.as_deref().and_then(area_of_url);
    }
    let meetings = meeting::read(&text, body_start, &source);
    Draft { text, source, meetings }
}

static PAGE_MONTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\s*date\s+(\d{4})-(\d{2})(?:-\d{2})?\s+").expect("the page month pattern is valid")
});

/// Helpers the meeting reader shares.
pub(crate) struct Page<'a> {
    pub text: &'a str,
    pub source: &'a Source,
    /// Every sentence, with the index of its line.
    pub sentences: Vec<(usize, usize, usize)>,
    /// The tokens of each sentence, cut once for every rule that reads it.
    pub sentence_tokens: Vec<Vec<Token<'a>>>,
    /// Lines: span, and the day when the line is a date stamp.
    pub lines: Vec<((usize, usize), Option<NaiveDate>)>,
    /// The month the page is dated to (its opening "date 2023-12", else its address), for years.
    pub url_month: Option<(i32, u32)>,
}

impl<'a> Page<'a> {
    fn new(text: &'a str, body_start: usize, source: &'a Source) -> Page<'a> {
        let mut lines = Vec::new();
        let mut sentences = Vec::new();
        let mut page_month = None;
        for mut line in words::lines(text).into_iter().filter(|l| l.0 >= body_start) {
            // A page may open on its date as metadata, "date 2023-12 Sáng nay 18/12, …": the
            // month dates the page, and the line goes on after it.
            if lines.is_empty()
                && let Some(found) = PAGE_MONTH.captures(&text[line.0..line.1])
                && let (Some(year), Some(month)) = (found[1].parse::<i32>().ok(), found[2].parse::<u32>().ok())
            {
                page_month = Some((year, month));
                line.0 += found.get(0).map_or(0, |m| m.end());
            }
            let stamp = stamp_of_line(&text[line.0..line.1]);
            let index = lines.len();
            lines.push((line, stamp));
            if stamp.is_none() {
                for s in words::sentences(text, line) {
                    sentences.push((s.0, s.1, index));
                }
            }
        }
        let url_month = page_month.or_else(|| source.url.as_deref().and_then(month_of_url));
        let sentence_tokens = sentences.iter().map(|&(start, end, _)| words::tokens(text, start, end)).collect();
        Page { text, source, sentences, sentence_tokens, lines, url_month }
    }

    pub fn tokens(&self, span: (usize, usize)) -> Vec<Token<'a>> {
        words::tokens(self.text, span.0, span.1)
    }
}

static DAYS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?ix)^(?:[^,.]{0,30}?[-–]\s*)?
        (?P<date>(?:(?P<part>sáng|chiều|tối)\s+)?
        (?:từ\s+)?(?:(?:trong\s+)?(?:hai|ba|2|3)\s+)?ngày\s+(?P<first>\d{1,2})\s*(?:và|-|–|,|đến)\s*(?:ngày\s+)?\d{1,2}
        \s*[/.\-]\s*(?P<month>\d{1,2})(?:\s*[/.\-]\s*(?P<year>\d{4}))?)",
    )
    .expect("the pattern of several days is valid")
});

/// A meeting over several days ("Ngày 12 và 13/7", "Trong hai ngày 12-13/7/2024"): its first.
fn first_of_days(slice: &str) -> Option<PrintedDate> {
    let found = DAYS.captures(slice)?;
    let number = |name: &str| found.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (day, month) = (number("first")?, number("month")?);
    let year = number("year").map(|y| y as i32);
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let part_of_day = found.name("part").map(|p| match fold(p.as_str()).as_str() {
        "sang" => PartOfDay::Morning,
        "toi" => PartOfDay::Evening,
        _ => PartOfDay::Afternoon,
    });
    let date = found.name("date")?;
    Some(PrintedDate { day, month, year, part_of_day, time: None, span: (date.start(), date.end()) })
}

/// The first date a sentence begins with ("Chiều 13.7, …", "BHG - Sáng 13.7, …", "Trực tiếp -
/// Ngày 9-4, …", "Hôm nay 21/4/2020, …").
pub(crate) fn leading_date(text: &str, sentence: (usize, usize)) -> Option<PrintedDate> {
    let slice = &text[sentence.0..sentence.1];
    if let Some(first) = first_of_days(slice) {
        return Some(PrintedDate { span: (first.span.0 + sentence.0, first.span.1 + sentence.0), ..first });
    }
    let first = printed_date::find(slice).into_iter().next()?;
    let before = slice[..first.span.0].trim();
    let allowed = before.is_empty() || {
        // A dateline: a short tag and a dash ("BHG -", "(QBĐT) –", "BDK.VN -"), and/or the
        // words of the datelines section ("Hôm nay", "Vào").
        let cleaned = before.trim_end_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
        let ends_with_dash = cleaned.len() < before.len();
        let words: Vec<String> = vocabulary::words_of(cleaned);
        let tail_words = words.len();
        let dateline_words = section("datelines").longest_suffix(&words).map_or(0, |(n, _)| n);
        let tag = cleaned.starts_with('(') && cleaned.ends_with(')') && !cleaned[1..].contains('(');
        (ends_with_dash && cleaned.chars().count() <= 40 && tail_words <= 5)
            || (tag && cleaned.chars().count() <= 30)
            || (dateline_words == tail_words && tail_words > 0)
            || (dateline_words > 0 && {
                let head = &words[..tail_words - dateline_words];
                head.len() <= 4 && slice[..first.span.0].contains(['-', '–'])
            })
    };
    if !allowed {
        return None;
    }
    let mut date = first;
    date.span = (date.span.0 + sentence.0, date.span.1 + sentence.0);
    Some(date)
}

#[cfg(test)]
mod tests;
