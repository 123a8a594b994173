//! Reading the meetings of a page: each begins with a sentence that opens on its date and
//! speaks of a meeting ("Chiều 13.7, Tỉnh ủy tổ chức Hội nghị …"), and runs, with the
//! headline before it, to the next one. Within it: the date and what dates its year, part of
//! day, kind, format, organizers, the people by the verbs that give their roles, the documents
//! named and the tasks handed out.

use super::people::{self, Named};
use super::period;
use super::vocabulary::section;
use super::words::Token;
use super::{Document, Meeting, MeetingDate, Page, Person, Source, Span, Stated, Task, YearBasis, leading_date};
use crate::domain::code;
use crate::domain::printed_date::{self, PrintedDate};
use crate::domain::text::fold;
use crate::domain::vocabulary::{ConferenceDirectiveRelation, ConferenceFormat, DirectiveKind, ParticipationRole};
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A phrase of a vocabulary section found in a run of tokens: token range and value.
struct Found {
    start: usize,
    end: usize,
    value: String,
}

/// Every phrase of `name` in `tokens`, longest at each position, not overlapping.
fn phrases(tokens: &[Token<'_>], name: &str) -> Vec<Found> {
    let words: Vec<(usize, &str)> =
        tokens.iter().enumerate().filter(|(_, t)| t.is_word()).map(|(i, t)| (i, t.folded.as_str())).collect();
    let folded: Vec<&str> = words.iter().map(|w| w.1).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if let Some((n, value)) = section(name).longest_prefix(&folded[i..]) {
            let (start, end) = (words[i].0, words[i + n - 1].0 + 1);
            // A phrase does not run across punctuation.
            if tokens[start..end].iter().all(|t| t.is_word()) {
                out.push(Found { start, end, value: value.to_owned() });
                i += n;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn span_of(tokens: &[Token<'_>], start: usize, end: usize) -> Span {
    Span { start: tokens[start].start, end: tokens[end - 1].end }
}

fn stated(text: &str, start: usize, end: usize) -> Stated<String> {
    Stated { value: text[start..end].to_owned(), span: Span { start, end } }
}

/// Whether a sentence speaks of a meeting: a meeting's noun or a verb that holds or chairs one.
fn speaks_of_meeting(tokens: &[Token<'_>]) -> bool {
    ["meeting-kinds", "organize-verbs", "chair-verbs", "chair-after", "lead-verbs"]
        .iter()
        .any(|name| !phrases(tokens, name).is_empty())
}

/// Lines that credit the article ("Ảnh: …", "Tin, ảnh: …", "Thực hiện: …"): no one there is at
/// the meeting.
fn is_byline(line: &str) -> bool {
    let folded = fold(line);
    ["anh:", "tin, anh", "tin va anh", "bai va anh", "bai, anh", "thuc hien:", "nguon:", "tin:", "bai:"]
        .iter()
        .any(|p| folded.starts_with(p))
}

fn is_headline(line: &str) -> bool {
    let trimmed = line.trim_end();
    !trimmed.ends_with(['.', '…', ':', ';']) && trimmed.chars().count() < 250
}

/// The meetings of a page.
pub(super) fn read(text: &str, body_start: usize, source: &Source) -> Vec<Meeting> {
    let page = Page::new(text, body_start, source);
    let mut anchors: Vec<(usize, PrintedDate)> = Vec::new();
    for (index, &(start, end, line)) in page.sentences.iter().enumerate() {
        if is_byline(&text[page.lines[line].0.0..page.lines[line].0.1]) {
            continue;
        }
        let date = leading_date(text, (start, end)).or_else(|| {
            // "Chiều cùng ngày, …": another meeting on the day of the one before.
            let (_, previous) = anchors.last()?;
            let part = same_day_part(&text[start..end])?;
            Some(PrintedDate {
                part_of_day: Some(part),
                time: None,
                span: (start, start + same_day_len(&text[start..end])),
                ..previous.clone()
            })
        });
        if let Some(date) = date
            && speaks_of_meeting(&page.sentence_tokens[index])
        {
            anchors.push((index, date));
        }
    }
    if anchors.is_empty() {
        anchors.extend(fallback_anchor(&page));
    }
    // Each meeting's sentences: from the headline lines before its dated sentence to the next's.
    let mut starts: Vec<usize> = Vec::new();
    for (k, (index, _)) in anchors.iter().enumerate() {
        if k == 0 {
            starts.push(0);
            continue;
        }
        let mut line = page.sentences[*index].2;
        let floor = page.sentences[anchors[k - 1].0].2 + 1;
        while line > floor {
            let (span, stamp) = page.lines[line - 1];
            if stamp.is_some() || is_headline(&text[span.0..span.1]) {
                line -= 1;
            } else {
                break;
            }
        }
        let first = page.sentences.iter().position(|s| s.2 >= line).unwrap_or(*index).min(*index);
        starts.push(first);
    }
    let mut meetings: Vec<Meeting> = Vec::new();
    for (k, (index, date)) in anchors.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(page.sentences.len());
        let meeting = read_meeting(&page, starts[k], *index, end.max(index + 1), date);
        match meetings.iter_mut().find(|m| same_meeting(m, &meeting, text)) {
            Some(earlier) => merge(earlier, meeting),
            None => meetings.push(meeting),
        }
    }
    meetings
}

static SAME_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[^,.]{0,30}[-–]\s*)?(sáng|chiều|tối|trưa)\s+(?:cùng\s+ngày|hôm\s+đó|ngày\s+hôm\s+đó)\b")
        .expect("valid")
});

fn same_day_part(sentence: &str) -> Option<crate::domain::vocabulary::PartOfDay> {
    use crate::domain::vocabulary::PartOfDay;
    let found = SAME_DAY.captures(sentence)?;
    Some(match fold(found.get(1)?.as_str()).as_str() {
        "sang" => PartOfDay::Morning,
        "toi" => PartOfDay::Evening,
        _ => PartOfDay::Afternoon,
    })
}

fn same_day_len(sentence: &str) -> usize {
    SAME_DAY.find(sentence).map_or(0, |m| m.end())
}

/// Without any sentence that opens on a date, a meeting named with its date anywhere ("tại hội
/// nghị giao ban ngày 24/9", "Hội nghị …, ngày 7-4-2015").
fn fallback_anchor(page: &Page<'_>) -> Option<(usize, PrintedDate)> {
    for (index, &(start, end, _)) in page.sentences.iter().enumerate() {
        if phrases(&page.sentence_tokens[index], "meeting-kinds").is_empty() {
            continue;
        }
        let slice = &page.text[start..end];
        for mut date in printed_date::find(slice) {
            let before = fold(&slice[..date.span.0]);
            let printed = fold(&slice[date.span.0..date.span.1]);
            let dated_as_meeting = printed.starts_with("ngay")
                || date.part_of_day.is_some()
                || before.trim_end().ends_with("ngay")
                || before.trim_end().ends_with(',');
            // A document's date: a code among the words just before, or its kind right before.
            let after_code = before.trim_end().rsplit(' ').take(6).any(|w| w.contains('/'));
            let after_kind =
                section("document-kinds").longest_suffix(&before.split_whitespace().collect::<Vec<_>>()).is_some();
            let of_document = after_code || after_kind;
            if dated_as_meeting && !of_document {
                date.span = (date.span.0 + start, date.span.1 + start);
                return Some((index, date));
            }
        }
    }
    None
}

fn same_meeting(a: &Meeting, b: &Meeting, text: &str) -> bool {
    if (a.date.day, a.date.month) != (b.date.day, b.date.month) || a.part_of_day != b.part_of_day {
        return false;
    }
    let names = |m: &Meeting| m.people.iter().map(|p| fold(&p.name.value)).collect::<HashSet<_>>();
    let organizers = |m: &Meeting| m.organizers.iter().map(|o| fold(&o.value)).collect::<HashSet<_>>();
    let words =
        |m: &Meeting| fold(&text[m.span.start..m.span.end]).split(' ').map(str::to_owned).collect::<HashSet<_>>();
    let (wa, wb) = (words(a), words(b));
    let dice = 2.0 * wa.intersection(&wb).count() as f64 / (wa.len() + wb.len()).max(1) as f64;
    !names(a).is_disjoint(&names(b)) || (!a.organizers.is_empty() && organizers(a) == organizers(b)) || dice >= 0.6
}

fn merge(into: &mut Meeting, other: Meeting) {
    for person in other.people {
        add_person(&mut into.people, person);
    }
    for document in other.documents {
        if !into.documents.iter().any(|d| d.code.is_some() && d.code == document.code) {
            into.documents.push(document);
        }
    }
    for task in other.tasks {
        into.tasks.push(task);
    }
    if into.date.year.is_none() && other.date.year.is_some() {
        into.date = other.date;
    }
}

fn role_rank(role: ParticipationRole) -> u8 {
    match role {
        ParticipationRole::Chair => 0,
        ParticipationRole::Speaker => 1,
        ParticipationRole::Reporter => 2,
        ParticipationRole::Attendee => 3,
        _ => 4,
    }
}

/// Adds a person, or the titles and role of a new mention to the person already named.
fn add_person(people: &mut Vec<Person>, person: Person) {
    let key = fold(&person.name.value);
    match people.iter_mut().find(|p| fold(&p.name.value) == key) {
        Some(known) => {
            if role_rank(person.role) < role_rank(known.role) {
                known.role = person.role;
                known.role_span = person.role_span;
            }
            known.leads |= person.leads;
            for title in person.titles {
                if !known.titles.iter().any(|t| fold(&t.value) == fold(&title.value)) {
                    known.titles.push(title);
                }
            }
        }
        None => people.push(person),
    }
}

fn person_of(named: Named, role: ParticipationRole, leads: bool, role_span: Span) -> Person {
    Person {
        name: Stated { value: named.name.0, span: Span { start: named.name.1.0, end: named.name.1.1 } },
        role,
        leads,
        titles: named
            .titles
            .into_iter()
            .map(|(value, span)| Stated { value, span: Span { start: span.0, end: span.1 } })
            .collect(),
        role_span,
    }
}

fn read_meeting(page: &Page<'_>, first: usize, anchor: usize, end: usize, printed: &PrintedDate) -> Meeting {
    let text = page.text;
    let (a_start, a_end, a_line) = page.sentences[anchor];
    let anchor_tokens = &page.sentence_tokens[anchor];
    // The headline lines of the item: lines before the dated sentence's that hold no sentence
    // of another meeting.
    let headline_lines: Vec<(usize, usize)> = page.sentences[first..anchor]
        .iter()
        .map(|s| s.2)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|&line| line < a_line && is_headline(&text[page.lines[line].0.0..page.lines[line].0.1]))
        .map(|line| page.lines[line].0)
        .collect();
    let date = meeting_date(page, printed, anchor, &headline_lines);
    let starts_at = start_time(text, (a_start, a_end), printed);
    let (kind, title) = kind_and_title(text, &anchor_tokens)
        .or_else(|| headline_lines.iter().find_map(|line| kind_and_title(text, &page.tokens(*line))))
        .map_or((None, None), |(k, t)| (Some(k), Some(t)));
    let format = format_of(&anchor_tokens, &headline_lines, page);
    let organizers = organizers_of(text, &anchor_tokens);
    let mut people: Vec<Person> = Vec::new();
    let mut documents: Vec<Document> = Vec::new();
    let mut tasks: Vec<Task> = Vec::new();
    let meeting_day = date.date();
    for (index, &(start, _, line)) in page.sentences.iter().enumerate().take(end).skip(first) {
        if is_byline(&text[page.lines[line].0.0..page.lines[line].0.1]) {
            continue;
        }
        let tokens = &page.sentence_tokens[index];
        for person in people_in(text, &tokens, start == a_start) {
            add_person(&mut people, person);
        }
        for document in documents_in(text, &tokens) {
            let same = |d: &Document| {
                (d.code.is_some() && d.code == document.code)
                    || ((d.code.is_none() || document.code.is_none())
                        && d.kind == document.kind
                        && d.number == document.number)
            };
            match documents.iter().position(same) {
                // "Đề án 06" after "Đề án số 06-ĐA/TU": the coded mention stands for both.
                Some(at) if documents[at].code.is_none() && document.code.is_some() => documents[at] = document,
                Some(_) => {}
                None => documents.push(document),
            }
        }
        tasks.extend(tasks_in(text, &tokens, meeting_day));
    }
    // The opening speaker heads a meeting whose chair the report does not name.
    if !people.iter().any(|p| p.role == ParticipationRole::Chair) {
        for person in people.iter_mut() {
            let words = fold(&text[person.role_span.start..person.role_span.end]);
            if words.contains("khai mac") || (person.role_span.start >= a_start && person.role_span.end <= a_end) {
                person.leads = true;
            }
        }
    }
    people.sort_by_key(|p| role_rank(p.role) != 0);
    Meeting {
        date,
        part_of_day: printed.part_of_day,
        starts_at,
        kind,
        format,
        title,
        area: page.source.area.clone(),
        organizers,
        people,
        documents,
        tasks,
        span: Span { start: a_start, end: a_end },
    }
}

/// The year of a date printed without one: the page's stamp nearest the meeting, the report's
/// publication, a period the meeting's own lines name, then the month the address gives.
fn meeting_date(page: &Page<'_>, printed: &PrintedDate, anchor: usize, headlines: &[(usize, usize)]) -> MeetingDate {
    let span = Span { start: printed.span.0, end: printed.span.1 };
    let base =
        MeetingDate { day: printed.day, month: printed.month, year: printed.year, inferred: false, basis: None, span };
    if printed.year.is_some() {
        return base;
    }
    let anchor_line = page.sentences[anchor].2;
    let stamp = page
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, (_, stamp))| stamp.map(|d| (i.abs_diff(anchor_line), d)))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, d)| d);
    let inferred = |year: i32, basis: YearBasis| MeetingDate {
        year: Some(year),
        inferred: true,
        basis: Some(basis),
        ..base.clone()
    };
    let not_after = |published: NaiveDate| printed.resolve(Some(published)).map(|r| r.date.year());
    if let Some(published) = stamp
        && let Some(year) = not_after(published)
    {
        return inferred(year, YearBasis::PageDate(published));
    }
    if let Some(published) = page.source.published_on
        && let Some(year) = not_after(published)
    {
        return inferred(year, YearBasis::Publication(published));
    }
    let (a_start, a_end, _) = page.sentences[anchor];
    let mut lines: Vec<(usize, usize)> = vec![(a_start, a_end)];
    lines.extend_from_slice(headlines);
    for (start, end) in lines {
        let slice = &page.text[start..end];
        for found in period::find(slice) {
            if found.year.is_none() || found.day.is_some() {
                continue;
            }
            let before = fold(&slice[..found.span.0]);
            if before.trim_end().ends_with(|c: char| c.is_ascii_digit()) {
                continue; // "ngày 15 tháng 5 năm 2016": a day, not a period
            }
            // Looking ahead ("triển khai nhiệm vụ năm 2024") or back ("đánh giá … nhiệm vụ năm
            // 2023"): the nearest such word before the period decides; none, and the year that
            // puts the day inside or nearest the period.
            let recent: Vec<&str> =
                before.split_whitespace().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            let recent = recent.join(" ");
            let last_at = |words: &[&str]| words.iter().filter_map(|w| recent.rfind(w)).max();
            let ahead = last_at(&["trien khai", "phuong huong", "ke hoach"]);
            let back = last_at(&["danh gia", "tong ket", "so ket", "ket qua", "kiem diem"]);
            let forward = matches!((ahead, back), (Some(a), Some(b)) if a > b) || (ahead.is_some() && back.is_none());
            if let Some(year) = found.year_of(printed.day, printed.month, forward) {
                return inferred(year, YearBasis::Period(slice[found.span.0..found.span.1].to_owned()));
            }
        }
    }
    if let Some((year, month)) = page.url_month
        && let Some(last) = NaiveDate::from_ymd_opt(year, month, 1).and_then(|d| {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            };
            next.and_then(|n| n.pred_opt()).or(Some(d))
        })
        && let Some(year) = not_after(last)
    {
        return inferred(year, YearBasis::AddressMonth { year, month });
    }
    base
}

static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\blúc\s+(\d{1,2})\s*(?:giờ|h|:)\s*(\d{2})?").expect("the clock pattern is valid")
});

fn start_time(text: &str, sentence: (usize, usize), printed: &PrintedDate) -> Option<Stated<(u32, u32)>> {
    if let Some(time) = printed.time {
        return Some(Stated { value: time, span: Span { start: printed.span.0, end: printed.span.1 } });
    }
    let slice = &text[sentence.0..sentence.1];
    let found = CLOCK.captures(slice)?;
    let hour: u32 = found.get(1)?.as_str().parse().ok()?;
    let minute: u32 = found.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
    let whole = found.get(0)?;
    (hour < 24 && minute < 60).then(|| Stated {
        value: (hour, minute),
        span: Span { start: sentence.0 + whole.start(), end: sentence.0 + whole.end() },
    })
}

/// The meeting's kind (the first meeting noun) and its name: from that noun to the end of
/// the clause, before the people or the purpose.
fn kind_and_title(text: &str, tokens: &[Token<'_>]) -> Option<(Stated<String>, Stated<String>)> {
    let found = phrases(tokens, "meeting-kinds").into_iter().next()?;
    let kind_span = span_of(tokens, found.start, found.end);
    let mut end = found.end;
    while end < tokens.len() {
        let t = &tokens[end];
        let next_starts_people = tokens.get(end + 1).is_some_and(|n| {
            let rest = &tokens[end + 1..];
            people::honorific_len(rest) > 0
                || people::title_head_len(rest).is_some()
                || matches!(n.folded.as_str(), "duoi" | "do" | "voi")
        });
        if t.is(".")
            || t.is(";")
            || (t.is(",") && next_starts_people)
            || matches!(t.text.to_lowercase().as_str(), "nhằm" | "để")
        {
            break;
        }
        if section("chair-verbs").longest_prefix(&[t.folded.as_str()]).is_some() {
            break;
        }
        end += 1;
        if end - found.start > 40 {
            break;
        }
    }
    let title_span = span_of(tokens, found.start, end);
    Some((
        Stated { value: text[kind_span.start..kind_span.end].to_owned(), span: kind_span },
        Stated { value: text[title_span.start..title_span.end].to_owned(), span: title_span },
    ))
}

/// Online when the report says "trực tuyến" or "điểm cầu", both when it says the two; in person
/// when the dated sentence puts the meeting in a place ("tại Hội trường …", "tại tỉnh Bắc
/// Giang"); otherwise not said.
fn format_of(anchor: &[Token<'_>], headlines: &[(usize, usize)], page: &Page<'_>) -> Option<Stated<ConferenceFormat>> {
    let mut sources: Vec<Vec<Token<'_>>> = vec![anchor.to_vec()];
    sources.extend(headlines.iter().map(|l| page.tokens(*l)));
    for tokens in &sources {
        if let Some(found) = phrases(tokens, "hybrid").into_iter().next() {
            return Some(Stated { value: ConferenceFormat::Hybrid, span: span_of(tokens, found.start, found.end) });
        }
    }
    for tokens in &sources {
        if let Some(found) = phrases(tokens, "online").into_iter().next() {
            return Some(Stated { value: ConferenceFormat::Online, span: span_of(tokens, found.start, found.end) });
        }
    }
    for tokens in &sources {
        if let Some(found) = phrases(tokens, "in-person").into_iter().next() {
            return Some(Stated { value: ConferenceFormat::InPerson, span: span_of(tokens, found.start, found.end) });
        }
    }
    for (i, t) in anchor.iter().enumerate() {
        if t.folded != "tai" {
            continue;
        }
        let rest = super::words::folded_words(&anchor[i + 1..]);
        if section("meeting-kinds").longest_prefix(&rest).is_some() {
            continue; // "tại hội nghị": at the meeting, not a place
        }
        if section("venues").longest_prefix(&rest).is_some() || anchor.get(i + 1).is_some_and(|n| n.is_capitalised()) {
            let end = (i + 4).min(anchor.len());
            return Some(Stated { value: ConferenceFormat::InPerson, span: span_of(anchor, i, end) });
        }
    }
    None
}

/// Whether a phrase names a body: it begins with a body's word and names no person.
fn is_body(tokens: &[Token<'_>]) -> bool {
    let words = super::words::folded_words(tokens);
    let skip = usize::from(matches!(words.first(), Some(&"cac")));
    section("body-heads").longest_prefix(&words[skip.min(words.len())..]).is_some()
        && people::honorific_len(tokens) == 0
        && !people::names_someone(tokens)
}

/// The bodies the dated sentence says hold the meeting: the subject of "tổ chức", "họp",
/// "khai mạc" (not of "được tổ chức"), or of "làm việc với" when it is a body.
fn organizers_of(text: &str, tokens: &[Token<'_>]) -> Vec<Stated<String>> {
    let mut out = Vec::new();
    let mut verbs = phrases(tokens, "organize-verbs");
    // "X làm việc với …": X holds the working session when X is a body.
    verbs.extend(phrases(tokens, "lead-verbs").into_iter().filter(|f| tokens[f.start].folded == "lam"));
    verbs.sort_by_key(|f| f.start);
    for verb in verbs {
        if verb.start > 0 && tokens[verb.start].is_capitalised() {
            continue; // "Ban Tổ chức Tỉnh ủy": a body's name, not its verb
        }
        let before: Vec<&str> =
            tokens[..verb.start].iter().filter(|t| t.is_word()).map(|t| t.folded.as_str()).rev().take(2).collect();
        if before.first().is_some_and(|w| matches!(*w, "duoc" | "se" | "cuoc" | "phien" | "ky" | "buoi" | "cac")) {
            continue;
        }
        // The subject: back to the clause's start (a comma, or the date before it).
        let clause_start = |mut start: usize| {
            while start > 0 && !matches!(tokens[start - 1].text, "," | ";" | ":" | "." | "(" | ")") {
                start -= 1;
            }
            start
        };
        let mut start = clause_start(verb.start);
        // "HĐND tỉnh khóa VII, nhiệm kỳ 2016-2021 tổ chức": the term belongs to the body before.
        while start > 1
            && tokens[start - 1].is(",")
            && matches!(tokens.get(start).map(|t| t.folded.as_str()), Some("nhiem" | "khoa"))
        {
            start = clause_start(start - 1);
        }
        let mut stop = verb.start;
        while stop > start && matches!(tokens[stop - 1].folded.as_str(), "da" | "cung" | "vua" | "dang") {
            stop -= 1;
        }
        if stop <= start {
            continue;
        }
        let mut subject = &tokens[start..stop];
        if let Some(comma) = subject.iter().position(|t| t.is(",")) {
            let qualified = &subject[comma + 1..];
            if !qualified.is_empty() && matches!(qualified[0].folded.as_str(), "nhiem" | "khoa") {
                subject = &subject[..comma];
            }
        }
        if !is_body(subject) || subject.iter().any(|t| t.is_word() && t.folded.chars().all(|c| c.is_ascii_digit())) {
            continue;
        }
        // "A phối hợp với B tổ chức": both.
        let words: Vec<&str> = subject.iter().map(|t| t.folded.as_str()).collect();
        let join = words.windows(3).position(|w| w == ["phoi", "hop", "voi"]);
        let parts: Vec<&[Token<'_>]> = match join {
            Some(at) => vec![&subject[..at], &subject[at + 3..]],
            None => vec![subject],
        };
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let span = span_of(part, 0, part.len());
            if !out.iter().any(|o: &Stated<String>| o.span == span) {
                out.push(stated(text, span.start, span.end));
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// The people a sentence names with a role: chairs ("… chủ trì", "dưới sự chủ trì của …"),
/// those who lead without chairing, attendees ("Cùng dự có …", "… đến dự"), speakers and
/// reporters ("… phát biểu", "Phát biểu kết luận, …", "… báo cáo").
fn people_in(text: &str, tokens: &[Token<'_>], anchor: bool) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps = |taken: &[(usize, usize)], f: &Found| taken.iter().any(|&(s, e)| f.start < e && s < f.end);
    let push = |named: Vec<Named>, role: ParticipationRole, leads: bool, span: Span, out: &mut Vec<Person>| {
        for person in named {
            add_person(out, person_of(person, role, leads, span));
        }
    };
    for found in phrases(tokens, "chair-after") {
        let named = people::listed_after(text, &tokens[skip_colon(tokens, found.end)..]);
        push(named, ParticipationRole::Chair, false, span_of(tokens, found.start, found.end), &mut out);
        taken.push((found.start, found.end));
    }
    for found in phrases(tokens, "chair-verbs") {
        if overlaps(&taken, &found) || tokens[..found.start].last().is_some_and(|t| t.folded == "su") {
            continue;
        }
        let stop = strip_back(tokens, found.start, &["du va", "tham du va", "da", "cung", "den du va", "truc tiep"]);
        push(
            people::listed_before(text, &tokens[..stop]),
            ParticipationRole::Chair,
            false,
            span_of(tokens, found.start, found.end),
            &mut out,
        );
        taken.push((found.start, found.end));
    }
    if anchor {
        for found in phrases(tokens, "speaker-after") {
            if let Some(named) = people::person_at_start(text, &tokens[found.end..]) {
                push(vec![named], ParticipationRole::Speaker, true, span_of(tokens, found.start, found.end), &mut out);
                taken.push((found.start, found.end));
            }
        }
    }
    for found in phrases(tokens, "lead-verbs") {
        if overlaps(&taken, &found) {
            continue;
        }
        let stop = strip_back(tokens, found.start, &["da", "cung", "truc tiep"]);
        let role = if tokens[found.start..found.end].iter().any(|t| t.folded == "bieu") {
            ParticipationRole::Speaker
        } else {
            ParticipationRole::Attendee
        };
        push(
            people::listed_before(text, &tokens[..stop]),
            role,
            true,
            span_of(tokens, found.start, found.end),
            &mut out,
        );
        taken.push((found.start, found.end));
    }
    for found in phrases(tokens, "attendee-before") {
        if overlaps(&taken, &found) {
            continue;
        }
        let at_clause_start = found.start == 0 || matches!(tokens[found.start - 1].text, "," | ";" | "." | ":");
        if !at_clause_start {
            continue;
        }
        // "Dự hội nghị tại điểm cầu tỉnh có các đồng chí: …": the list after "có" or ":".
        let mut from = found.end;
        if let Some(at) = tokens[found.end..].iter().take(10).position(|t| t.folded == "co" || t.is(":")) {
            from = found.end + at + 1;
        }
        let named = people::listed_after(text, &tokens[skip_colon(tokens, from)..]);
        push(named, ParticipationRole::Attendee, false, span_of(tokens, found.start, found.end), &mut out);
        taken.push((found.start, found.end));
    }
    for found in phrases(tokens, "attendee-verbs") {
        if overlaps(&taken, &found) {
            continue;
        }
        let closes = tokens.get(found.end).is_none_or(|next| {
            !next.is_word()
                || next.folded == "va"
                || section("meeting-kinds").longest_prefix(&super::words::folded_words(&tokens[found.end..])).is_some()
        });
        if !closes {
            continue;
        }
        let stop = strip_back(tokens, found.start, &["da", "cung", "truc tiep"]);
        push(
            people::listed_before(text, &tokens[..stop]),
            ParticipationRole::Attendee,
            false,
            span_of(tokens, found.start, found.end),
            &mut out,
        );
    }
    for (name, role) in [("speaker-verbs", ParticipationRole::Speaker), ("reporter-verbs", ParticipationRole::Reporter)]
    {
        for found in phrases(tokens, name) {
            if overlaps(&taken, &found) {
                continue;
            }
            let span = span_of(tokens, found.start, found.end);
            if found.start > 0 && tokens[found.start - 1].folded == "ban" {
                continue; // "Ban chỉ đạo": a steering committee, not a speech
            }
            if found.start == 0 {
                // "Phát biểu kết luận hội nghị, đồng chí X …": the person after the first comma.
                if let Some(comma) = tokens.iter().position(|t| t.is(","))
                    && let Some(named) = people::person_at_start(text, &tokens[comma + 1..])
                {
                    push(vec![named], role, false, span, &mut out);
                }
                continue;
            }
            let stop = strip_back(
                tokens,
                found.start,
                &["da", "co bai", "da co bai", "cung", "tiep tuc", "du va", "den du va", "tham du va", "va"],
            );
            // The speaker is the subject right before the verb, not someone a list names earlier.
            let named = people::listed_before(text, &tokens[..stop]);
            if let Some(last) = named.into_iter().last()
                && tokens[..stop].last().is_some_and(|t| t.end == last.span.1 || t.end == last.name.1.1)
            {
                push(vec![last], role, false, span, &mut out);
            }
        }
    }
    out
}

fn skip_colon(tokens: &[Token<'_>], at: usize) -> usize {
    if tokens.get(at).is_some_and(|t| t.is(":")) { at + 1 } else { at }
}

/// Where a list ends before a verb once words like "dự và", "đã" are stepped over.
fn strip_back(tokens: &[Token<'_>], mut stop: usize, words: &[&str]) -> usize {
    let mut changed = true;
    while changed {
        changed = false;
        for phrase in words {
            let parts: Vec<&str> = phrase.split(' ').collect();
            if stop >= parts.len()
                && tokens[stop - parts.len()..stop].iter().map(|t| t.folded.as_str()).eq(parts.iter().copied())
            {
                stop -= parts.len();
                changed = true;
            }
        }
    }
    stop
}

static ISSUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,?\s*(?:ban hành\s+)?ngày\s+(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})").expect("valid")
});
static ISSUER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*,?\s*của\s+([^,;.()“”\u0022]+?)(?:\s+(?:về|tại|trong|đối với|nhằm)\s|[,;.()“”\u0022]|$)")
        .expect("valid")
});
static ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*,?\s*(?:về\s+)?(?:việc\s+)?(?:“([^”]+)”|\u0022([^\u0022]+)\u0022|(?:về\s+)?([^;.(“]+))")
        .expect("valid")
});

/// The documents a sentence names: by code ("Đề án số 06-ĐA/TU ngày … của BTV Tỉnh ủy về …"),
/// or by kind and number without a code ("Chỉ thị 09 của BTV Tỉnh ủy").
fn documents_in(text: &str, tokens: &[Token<'_>]) -> Vec<Document> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        // "06 - ĐA/TU", "1209/ QĐ-UBND": a code printed with spaces is read whole.
        let spaced = (token.text.chars().all(|c| c.is_ascii_digit())
            && tokens.get(i + 1).is_some_and(|t| t.is_dash() || t.is("/"))
            && tokens.get(i + 2).is_some_and(|t| t.text.contains(['/', '-'])))
        .then(|| {
            let whole = &text[token.start..tokens[i + 2].end];
            let joined: String = whole.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace('–', "-");
            (joined, tokens[i + 2].end)
        })
        .filter(|(joined, _)| code::parse(joined).is_some());
        let token = &match &spaced {
            Some((joined, end)) => {
                Token { text: joined.as_str(), folded: joined.clone(), start: token.start, end: *end }
            }
            None => token.clone(),
        };
        let parsed = code::parse(token.text);
        if parsed.is_none() && !token.text.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let before: Vec<&str> = tokens[..i].iter().filter(|t| t.is_word()).map(|t| t.folded.as_str()).collect();
        let mut before_kind: &[&str] = &before;
        if before_kind.last() == Some(&"so") {
            before_kind = &before_kind[..before_kind.len() - 1];
        }
        let kind_word =
            section("document-kinds").longest_suffix(before_kind).and_then(|(_, v)| DirectiveKind::parse(v));
        let (code, number, kind) = match &parsed {
            Some(parsed) => (
                Some(token.text.to_owned()),
                Some(parsed.number.clone()),
                kind_word
                    .filter(|k| *k != DirectiveKind::Other)
                    .or(parsed.kind())
                    .or(kind_word)
                    .unwrap_or(DirectiveKind::Other),
            ),
            None => {
                let is_number = token.text.chars().all(|c| c.is_ascii_digit()) && token.text.len() <= 4;
                match kind_word {
                    Some(kind)
                        if is_number && !tokens.get(i + 1).is_some_and(|n| matches!(n.text, "/" | "-" | "%")) =>
                    {
                        (None, Some(token.text.to_owned()), kind)
                    }
                    _ => continue,
                }
            }
        };
        let rest = &text[token.end..tokens.last().map_or(token.end, |t| t.end)];
        let mut offset = 0;
        let issued_on = ISSUED.captures(rest).and_then(|c| {
            offset = c.get(0)?.end();
            NaiveDate::from_ymd_opt(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?)
        });
        let issuer = ISSUER.captures(&rest[offset..]).and_then(|c| {
            let issuer = c.get(1)?;
            offset += issuer.end();
            Some(body_name(issuer.as_str()))
        });
        let title = ABOUT.captures(&rest[offset..]).and_then(|c| {
            let found = c.get(1).or(c.get(2)).or(c.get(3))?.as_str().trim();
            let starts_about = rest[offset..].trim_start().trim_start_matches(',').trim_start().starts_with(['“', '"'])
                || fold(rest[offset..].trim_start()).starts_with("ve ");
            (starts_about && !found.is_empty()).then(|| found.chars().take(200).collect::<String>())
        });
        let relation = relation_before(&before);
        out.push(Document {
            code,
            kind,
            number,
            issuer,
            issued_on,
            title,
            relation,
            span: Span { start: token.start, end: token.end },
        });
    }
    out
}

/// A body's name at the start of `phrase`: up to the first verb ("BTV Tỉnh ủy tăng cường …").
fn body_name(phrase: &str) -> String {
    let tokens = super::words::tokens(phrase, 0, phrase.len());
    let end = (1..tokens.len())
        .find(|&i| {
            let rest = super::words::folded_words(&tokens[i..]);
            !tokens[i].is_capitalised()
                && (section("action-verbs").longest_prefix(&rest).is_some()
                    || section("relations").longest_prefix(&rest).is_some())
        })
        .map_or(phrase.len(), |i| tokens[i].start);
    phrase[..end].trim().to_owned()
}

/// How the sentence deals with a document: the nearest phrase before it that says so, "thực
/// hiện" ("carrying out", which also follows "sơ kết … thực hiện") counting only when nothing
/// else does.
fn relation_before(before: &[&str]) -> Option<ConferenceDirectiveRelation> {
    let mut weak = None;
    for end in (1..=before.len()).rev() {
        if let Some((n, value)) = section("relations").longest_suffix(&before[..end]) {
            let relation = ConferenceDirectiveRelation::parse(value);
            if n == 2 && before[end - 2..end] == ["thuc", "hien"] {
                weak = weak.or(relation);
                continue;
            }
            return relation;
        }
    }
    weak
}

/// Whether the words at `at` name who is to act: a group ("các ngành"), or a body.
fn starts_assignee(tokens: &[Token<'_>], at: usize) -> bool {
    let words = super::words::folded_words(&tokens[at..]);
    section("groups").longest_prefix(&words).is_some() || section("body-heads").longest_prefix(&words).is_some()
}

/// The tasks a sentence hands out: "yêu cầu / đề nghị / giao (cho) / chỉ đạo" + who + what,
/// and clauses after ";" that go on with another who and what; each with the period that
/// bounds it, in its clause or in the words that lead the sentence in ("Về nhiệm vụ 6 tháng
/// cuối năm, …").
fn tasks_in(text: &str, tokens: &[Token<'_>], meeting: Option<NaiveDate>) -> Vec<Task> {
    let mut out = Vec::new();
    let verbs = phrases(tokens, "request-verbs");
    for (n, verb) in verbs.iter().enumerate() {
        let next = tokens.get(verb.end);
        let previous = verb.start.checked_sub(1).map(|i| tokens[i].folded.as_str());
        if verb.value.is_empty() && tokens[verb.start].folded == "giao" && verb.end - verb.start == 1 {
            // "giao ban" is a briefing; "giao Ban Dân vận …" hands a task to a commission.
            if next.is_some_and(|t| t.folded == "ban" && !t.is_capitalised()) {
                continue;
            }
        }
        if tokens[verb.start].folded == "chi" && matches!(previous, Some("ban" | "su" | "bieu" | "dao" | ",")) {
            continue; // "Ban chỉ đạo", "sự chỉ đạo", "phát biểu chỉ đạo", "lãnh đạo, chỉ đạo"
        }
        let mut at = verb.end;
        while tokens.get(at).is_some_and(|t| t.is(":") || matches!(t.folded.as_str(), "cho")) {
            at += 1;
        }
        let clause_end = verbs.get(n + 1).map_or(tokens.len(), |v| v.start);
        let mut clauses = vec![at];
        // Later clauses after ";" with a subject of their own.
        for (i, t) in tokens.iter().enumerate().take(clause_end).skip(at) {
            if t.is(";") && i + 1 < clause_end && starts_assignee(tokens, i + 1) {
                clauses.push(i + 1);
            }
        }
        let lead_in = &text[tokens[0].start..tokens[verb.start].start];
        for (c, &from) in clauses.iter().enumerate() {
            if !starts_assignee(tokens, from) {
                continue;
            }
            let limit = clauses.get(c + 1).map_or(clause_end, |next| next - 1);
            let Some(action) = (from + 1..limit.min(from + 20)).find(|&i| {
                tokens[i].is_word()
                    // "và tổ chức thành viên": a noun joined to the assignee, not its verb
                    && !matches!(tokens[i - 1].folded.as_str(), "va" | "cac" | "nhung" | ",")
                    && section("action-verbs").longest_prefix(&super::words::folded_words(&tokens[i..])).is_some()
            }) else {
                continue;
            };
            let mut who_end = action;
            while who_end > from && !tokens[who_end - 1].is_word() {
                who_end -= 1;
            }
            let who = span_of(tokens, from, who_end);
            let what_end =
                tokens[action..limit].iter().position(|t| t.is(";") || t.is(".")).map_or(limit, |p| action + p);
            let what_end = what_end.min(action + 40).max(action + 1);
            let what = span_of(tokens, action, what_end);
            let clause_text = &text[who.start..what.end];
            let (due_on, due_text) = deadline(clause_text, who.start, meeting)
                .or_else(|| (c == 0).then(|| deadline(lead_in, tokens[0].start, meeting)).flatten())
                .map_or((None, None), |(on, words)| (on, Some(words)));
            out.push(Task {
                assignees: vec![stated(text, who.start, who.end)],
                title: text[what.start..what.end].to_owned(),
                due_on,
                due_text,
                span: Span { start: tokens[verb.start].start, end: what.end },
            });
        }
    }
    out
}

/// The deadline a clause sets: a period bound by "trong", "trước", "nhiệm vụ", "hoàn thành",
/// "đến", not vague ("và các tháng tiếp theo"), as a day where its year is known.
fn deadline(clause: &str, offset: usize, meeting: Option<NaiveDate>) -> Option<(Option<NaiveDate>, Stated<String>)> {
    for found in period::find(clause) {
        let before = fold(&clause[..found.span.0]);
        let before = before.trim_end();
        if before.ends_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let bound = found.day.is_some()
            || [
                "trong",
                "truoc",
                "nhiem vu",
                "hoan thanh",
                "den",
                "xong",
                "trong nam",
                "cuoi",
                "chuong trinh cong tac",
            ]
            .iter()
            .any(|w| before.ends_with(w));
        if !bound {
            continue;
        }
        let after = fold(&clause[found.span.1..]);
        let vague = section("vague-deadlines").entries().any(|(words, _)| {
            let phrase = words.join(" ");
            after.trim_start().starts_with(&format!("va {phrase}"))
                || after.trim_start().starts_with(&format!("va cac {phrase}"))
        });
        let words = Stated {
            value: clause[found.span.0..found.span.1].to_owned(),
            span: Span { start: offset + found.span.0, end: offset + found.span.1 },
        };
        if vague {
            return Some((None, words));
        }
        return Some((found.due_on(meeting), words));
    }
    None
}
