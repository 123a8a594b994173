//! People as reports list them: "Các đồng chí Nguyễn Mạnh Dũng, Phó Bí thư Tỉnh ủy; Trần Mạnh
//! Lợi, Ủy viên BTV Tỉnh ủy …" (name first), "Phó Bí thư Tỉnh ủy Nguyễn Mạnh Dũng" (title
//! first), "ông Võ Văn Hùng - Chủ tịch UBND huyện", several joined by ";", "," and "và". A list
//! is cut into segments at those marks; each segment is a name, a title, a title ending in a
//! name, an unnamed group ("các Phó Chủ tịch HĐND tỉnh"), or something else, which ends the
//! list.

use super::vocabulary::section;
use super::words::Token;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Family names compared with their diacritics: folded, "Trương" would be "Trưởng".
static SURNAMES: LazyLock<HashSet<String>> =
    LazyLock::new(|| super::vocabulary::printed_phrases("surnames").into_iter().collect());

fn is_surname(token: &Token<'_>) -> bool {
    let lower: String = unicode_normalization::UnicodeNormalization::nfc(token.text.to_lowercase().chars()).collect();
    SURNAMES.contains(&lower)
}

/// A person named in a list, with the titles printed with the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The full name as printed, and its byte span.
    pub name: (String, (usize, usize)),
    /// The titles, one post each, as printed, with their spans.
    pub titles: Vec<(String, (usize, usize))>,
    /// The span of the whole mention (honorific, name and titles).
    pub span: (usize, usize),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Kind {
    /// A name alone (name-first lists).
    Name { honorific: bool, name: (usize, usize) },
    /// A title, and possibly a name after it (title-first); `tail` when words follow the name
    /// ("Phó Chủ tịch UBND huyện Hồ Công Điểm cùng 12 điểm cầu"), which end the list.
    Title { title: (usize, usize), name: Option<(usize, usize)>, honorific: bool, tail: bool },
    /// An unnamed group of people.
    Group,
    /// Words that open a list and name no one yet ("Các đồng chí:").
    Opener,
    /// Not part of a list of people.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    kind: Kind,
    start: usize,
    end: usize,
    /// It follows a ";": lists that use them put one person between two.
    after_semicolon: bool,
}

fn folded<'t>(tokens: &'t [Token<'_>]) -> Vec<&'t str> {
    tokens.iter().map(|t| t.folded.as_str()).collect()
}

/// Where a name ends in `tokens` when one starts at `at`: a run of capitalised words beginning
/// with a family name, two to five long, that is not a place ("Hà Giang").
fn name_at(tokens: &[Token<'_>], at: usize, min_words: usize) -> Option<usize> {
    if !tokens.get(at)?.is_capitalised() || !is_surname(&tokens[at]) {
        return None;
    }
    let mut end = at;
    while end < tokens.len() && tokens[end].is_capitalised() && end - at < 5 {
        end += 1;
    }
    if end < tokens.len() && tokens[end].is_capitalised() {
        return None; // six capitalised words: a body's or a place's name, not a person's
    }
    let words = folded(&tokens[at..end]);
    if end - at < min_words || section("places").contains(&words) || section("places").longest_prefix(&words).is_some()
    {
        return None;
    }
    Some(end)
}

/// Whether `tokens` name a person anywhere (a run of three capitalised words from a family
/// name): a phrase that does is no body's name.
pub fn names_someone(tokens: &[Token<'_>]) -> bool {
    (0..tokens.len()).any(|at| name_at(tokens, at, 3).is_some())
}

/// The words a segment starts with that say who follows: "đồng chí", "ông", "các đồng chí".
pub fn honorific_len(tokens: &[Token<'_>]) -> usize {
    // Compared with their diacritics: folded, "chị" would be the "Chỉ" of "Chỉ huy trưởng".
    let words: Vec<String> = tokens
        .iter()
        .take(3)
        .map(|t| unicode_normalization::UnicodeNormalization::nfc(t.text.to_lowercase().chars()).collect())
        .collect();
    super::vocabulary::printed_prefix_len("honorifics", &words)
}

/// The length of the title head a segment starts with ("Phó Bí thư", "Trung tướng"), if any.
pub fn title_head_len(tokens: &[Token<'_>]) -> Option<usize> {
    let words = folded(tokens);
    section("title-heads").longest_prefix(&words).or_else(|| section("ranks").longest_prefix(&words)).map(|(n, _)| n)
}

fn classify(tokens: &[Token<'_>]) -> Kind {
    let skip = honorific_len(tokens);
    let honorific = skip > 0;
    let rest = &tokens[skip..];
    let Some(first) = rest.first() else { return if honorific { Kind::Opener } else { Kind::Other } };
    if let Some(end) = name_at(rest, 0, 2)
        && end == rest.len()
    {
        return Kind::Name { honorific, name: (first.start, rest[end - 1].end) };
    }
    if title_head_len(rest).is_some() {
        // Title first: the name is the first run of capitalised words from a family name that
        // ends the segment or is followed by small words (a verb, "cùng …").
        let min_words = if honorific { 2 } else { 3 };
        let head = title_head_len(rest).unwrap_or(1);
        let mut found: Option<(usize, usize)> = None;
        for at in head.max(1)..rest.len() {
            if let Some(end) = name_at(rest, at, min_words)
                && (end == rest.len() || !rest[end].is_capitalised())
                && (!rest[at - 1].is_capitalised() || is_place_or_upper(&rest[..at]))
            {
                // A name of three or four words before one of two or five ("Hà Giang Nguyễn Văn
                // Sơn" is "Nguyễn Văn Sơn" of Hà Giang).
                let better = found.is_none_or(|(a, e)| !(3..=4).contains(&(e - a)) && (3..=4).contains(&(end - at)));
                if better {
                    found = Some((at, end));
                }
                if (3..=4).contains(&(end - at)) {
                    break;
                }
            }
        }
        if let Some((at, end)) = found {
            let title = (first.start, rest[at - 1].end);
            let name = (rest[at].start, rest[end - 1].end);
            return Kind::Title { title, name: Some(name), honorific, tail: end < rest.len() };
        }
        return Kind::Title { title: (first.start, rest[rest.len() - 1].end), name: None, honorific, tail: false };
    }
    let words = folded(rest);
    // Unnamed groups and bodies listed among the people ("các Ủy viên BTV Tỉnh ủy, Thường trực
    // HĐND, UBND … tham dự") belong to the list and name no one.
    if section("groups").longest_prefix(&words).is_some()
        || section("body-heads").longest_prefix(&words).is_some()
        || honorific
    {
        return Kind::Group;
    }
    Kind::Other
}

/// Whether the capitalised words before a name are a place or abbreviations ("Tỉnh ủy Gia Lai
/// Hồ Quốc Dũng", "UBND tỉnh Nghệ An Nguyễn …"), so that the name may start after them.
fn is_place_or_upper(before: &[Token<'_>]) -> bool {
    let mut run = before.len();
    while run > 0 && before[run - 1].is_capitalised() {
        run -= 1;
    }
    let words = folded(&before[run..]);
    section("places").contains(&words)
        || section("places").longest_suffix(&words).is_some_and(|(n, _)| n == words.len())
}

/// Whether the words from `at` start a new segment after "-" or "và": a person, a title or a
/// group, so that "Văn hóa - Xã hội" and "Kế hoạch và Đầu tư" stay inside one post.
fn starts_segment(tokens: &[Token<'_>], at: usize) -> bool {
    let rest = &tokens[at..];
    honorific_len(rest) > 0
        || title_head_len(rest).is_some()
        || name_at(rest, 0, 2).is_some()
        || section("groups").longest_prefix(&folded(rest)).is_some()
}

/// Cuts `tokens` into segments at ",", ";", ":" and, where a person, title or group follows,
/// at dashes and "và". "phòng, chống" (a programme's name) is not cut.
fn segments(tokens: &[Token<'_>]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut semicolon = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let cut = match t.text {
            "," => {
                !(i > 0 && tokens[i - 1].folded == "phong" && tokens.get(i + 1).is_some_and(|n| n.folded == "chong"))
            }
            ";" | ":" => true,
            _ if t.is_dash() => starts_segment(tokens, i + 1),
            _ if t.folded == "va" => starts_segment(tokens, i + 1),
            _ => false,
        };
        if cut {
            if i > start {
                out.push((start, i, semicolon));
            }
            semicolon = t.text == ";";
            start = i + 1;
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push((start, tokens.len(), semicolon));
    }
    out
}

fn classify_all(tokens: &[Token<'_>]) -> Vec<Segment> {
    segments(tokens)
        .into_iter()
        .map(|(s, e, after_semicolon)| Segment { kind: classify(&tokens[s..e]), start: s, end: e, after_semicolon })
        .collect()
}

/// A title as a post: the printed words without a parenthesis ("(gọi tắt là BCĐ)") and
/// without what follows a venue's "tại", white space collapsed.
fn title_text(tokens: &[Token<'_>], span: (usize, usize)) -> Option<(String, (usize, usize))> {
    let mut words: Vec<&str> = Vec::new();
    let mut end = span.0;
    let mut depth = 0usize;
    for t in tokens.iter().filter(|t| t.start >= span.0 && t.end <= span.1) {
        if t.is("(") {
            depth += 1;
            continue;
        }
        if t.is(")") {
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth > 0 {
            continue;
        }
        if t.start > span.0 && matches!(t.text.to_lowercase().as_str(), "tại" | "đã" | "cùng") {
            break;
        }
        let not_a_verb = |next: Option<&&Token<'_>>| {
            // "Ủy viên dự khuyết", "dự án", "dự thảo": not the verb "dự".
            next.is_some_and(|n| matches!(n.folded.as_str(), "khuyet" | "an" | "thao" | "kien" | "bi" | "toan"))
        };
        let next = tokens.iter().find(|u| u.start > t.start);
        if t.start > span.0 && t.is_word() && !t.is_capitalised() && !(t.folded == "du" && not_a_verb(next.as_ref())) {
            let rest: Vec<String> = tokens
                .iter()
                .filter(|u| u.start >= t.start && u.end <= span.1)
                .take(4)
                .map(|u| unicode_normalization::UnicodeNormalization::nfc(u.text.to_lowercase().chars()).collect())
                .collect();
            let after_ban = words.last().is_some_and(|w| fold_word_eq(w, "ban"));
            if super::vocabulary::begins_with_printed("clause-verbs", &rest) && !after_ban {
                break;
            }
        }
        words.push(t.text);
        end = t.end;
    }
    while words.last().is_some_and(|w| !w.chars().any(char::is_alphanumeric)) {
        words.pop();
    }
    let mut printed = String::new();
    for (i, word) in words.iter().enumerate() {
        let glued = i > 0 && {
            let previous = words[i - 1];
            matches!(*word, "," | ";" | ")") || previous == "("
        };
        if i > 0 && !glued {
            printed.push(' ');
        }
        printed.push_str(word);
    }
    (!printed.is_empty()).then_some((printed, (span.0, end)))
}

fn fold_word_eq(word: &str, folded: &str) -> bool {
    super::vocabulary::fold_word(word) == folded
}

/// The people of a list: walks the segments in order, a name or a title-ending-in-a-name
/// starting each person, the titles after a name-first person being that person's, the titles
/// before a title-first name being its own. Unnamed titles and groups are dropped.
fn people_of(text: &str, tokens: &[Token<'_>], list: &[Segment]) -> Vec<Named> {
    let mut people: Vec<Named> = Vec::new();
    let mut pending: Vec<(String, (usize, usize))> = Vec::new();
    let mut open = false; // the last person was named first: titles that follow are theirs
    let mut mention_start: Option<usize> = None;
    // With ";" between people, the titles after a title-first name are still that person's.
    let grouped = list.iter().any(|s| s.after_semicolon);
    for (index, segment) in list.iter().enumerate() {
        let span_start = tokens[segment.start].start;
        let span_end = tokens[segment.end - 1].end;
        if segment.after_semicolon {
            // A part between ";" that names no one goes on with the person before ("Trần Thị
            // Hằng, Ủy viên BTV Tỉnh ủy; Phó Chủ tịch Thường trực HĐND tỉnh; Trần Thị Vân, …").
            let part_end =
                list[index + 1..].iter().position(|s| s.after_semicolon).map_or(list.len(), |p| index + 1 + p);
            let names = list[index..part_end]
                .iter()
                .any(|s| matches!(s.kind, Kind::Name { .. } | Kind::Title { name: Some(_), .. }));
            open = !names && !people.is_empty();
            pending.clear();
            mention_start = None;
        }
        match segment.kind {
            Kind::Name { name, .. } => {
                let titles = std::mem::take(&mut pending);
                people.push(Named {
                    name: (text[name.0..name.1].to_owned(), name),
                    titles,
                    span: (mention_start.take().unwrap_or(span_start), span_end),
                });
                open = true;
            }
            Kind::Title { title, name: Some(name), tail, .. } => {
                let mut titles = std::mem::take(&mut pending);
                titles.extend(title_text(tokens, title));
                people.push(Named {
                    name: (text[name.0..name.1].to_owned(), name),
                    titles,
                    span: (mention_start.take().unwrap_or(span_start), span_end),
                });
                open = grouped;
                if tail {
                    break;
                }
            }
            Kind::Title { title, name: None, .. } => {
                let Some(title) = title_text(tokens, title) else { continue };
                match people.last_mut() {
                    Some(person) if open => {
                        person.titles.push(title);
                        person.span.1 = span_end;
                    }
                    _ => {
                        mention_start.get_or_insert(span_start);
                        pending.push(title);
                    }
                }
            }
            Kind::Group | Kind::Opener | Kind::Other => {
                pending.clear();
                mention_start = None;
                open = false;
            }
        }
    }
    // Titles after the last, title-first, name with no one after them are that person's
    // ("Thượng tướng Trịnh Quốc Dân, Thứ trưởng Bộ Công an").
    if let Some(last) = people.last_mut()
        && let Some(end) = pending.last().map(|t| t.1.1)
    {
        last.titles.append(&mut pending);
        last.span.1 = last.span.1.max(end);
    }
    people
}

/// How far from its verb a list of people is looked for, in words and marks: the longest lists
/// (five chairs with three titles each) take about 120, and the bound keeps reading linear in
/// the text whatever it holds.
const WINDOW: usize = 160;

/// The people listed in `tokens` just before a verb ("…; Trần Mạnh Lợi, Ủy viên BTV Tỉnh ủy
/// chủ trì"): segments are taken backwards from the end while they belong to a list of people,
/// up to the one that opens it ("Các đồng chí …", "ông …").
pub fn listed_before(text: &str, tokens: &[Token<'_>]) -> Vec<Named> {
    let tokens = &tokens[tokens.len().saturating_sub(WINDOW)..];
    let mut all = classify_all(tokens);
    let mut first = all.len();
    while first > 0 {
        let segment = all[first - 1];
        match segment.kind {
            Kind::Other => {
                // "Hội nghị do đồng chí …": the list opens inside the segment, after "do" or an
                // honorific.
                let inside = &tokens[segment.start..segment.end];
                if let Some(at) = inside
                    .iter()
                    .rposition(|t| matches!(t.folded.as_str(), "do" | "cua" | "dong" | "ong" | "ba") && t.is_word())
                {
                    let at = if inside[at].folded == "dong" { at } else { at + 1 };
                    let kind = classify(&inside[at..]);
                    if matches!(kind, Kind::Name { .. } | Kind::Title { name: Some(_), .. }) {
                        all[first - 1] = Segment { kind, start: segment.start + at, ..segment };
                        first -= 1;
                    }
                }
                break;
            }
            Kind::Title { tail: true, .. } => {
                // Words after a name end the list: the name is the list's only when it is the
                // last segment before the verb.
                if first == all.len() {
                    first -= 1;
                }
                break;
            }
            Kind::Name { honorific: true, .. } | Kind::Title { honorific: true, .. } | Kind::Opener => {
                first -= 1;
                break;
            }
            _ => first -= 1,
        }
    }
    people_of(text, tokens, &all[first..])
}

/// The people listed in `tokens` just after a verb or phrase ("dưới sự chủ trì của đồng chí
/// …", "Cùng dự có các đồng chí: …"), up to the first segment that is not part of the list.
pub fn listed_after(text: &str, tokens: &[Token<'_>]) -> Vec<Named> {
    let tokens = &tokens[..tokens.len().min(WINDOW)];
    let all = classify_all(tokens);
    let mut last = 0;
    while last < all.len() && all[last].kind != Kind::Other {
        last += 1;
        if matches!(all[last - 1].kind, Kind::Title { tail: true, .. }) {
            break;
        }
    }
    // A list's last title may run on into the sentence ("…, Trưởng Ban chỉ đạo … tỉnh tại điểm
    // cầu UBND tỉnh, hội nghị …"): the title is cut at the venue, the rest ends the list.
    people_of(text, tokens, &all[..last])
}

/// The person a clause starts with, title first or name first ("Phó Bí thư Tỉnh ủy Nguyễn Mạnh
/// Dũng ghi nhận …", "Đồng chí Lê Văn Bình, UVTV Tỉnh ủy, …"): the mention and how many tokens
/// it takes.
pub fn person_at_start(text: &str, tokens: &[Token<'_>]) -> Option<Named> {
    let skip = honorific_len(tokens);
    let rest = &tokens[skip..];
    if let Some(end) = name_at(rest, 0, 2) {
        // Name first: the titles that follow after a comma or a dash.
        let mut list_end = end;
        while list_end < rest.len() && !matches!(rest[list_end].text, "." | ";") {
            list_end += 1;
        }
        let named = listed_after(text, &rest[..list_end]);
        if let Some(first) = named.into_iter().next() {
            return Some(first);
        }
        let name = (rest[0].start, rest[end - 1].end);
        return Some(Named { name: (text[name.0..name.1].to_owned(), name), titles: Vec::new(), span: name });
    }
    let head = title_head_len(rest)?;
    // Title first: the name is the first run of capitalised words from a family name, after the
    // head, with no comma in between.
    let min_words = if skip > 0 { 2 } else { 3 };
    for at in head..rest.len() {
        if !rest[at].is_word() {
            return None;
        }
        if let Some(end) = name_at(rest, at, min_words) {
            let title = title_text(rest, (rest[0].start, rest[at - 1].end))?;
            let name = (rest[at].start, rest[end - 1].end);
            return Some(Named {
                name: (text[name.0..name.1].to_owned(), name),
                titles: vec![title],
                span: (tokens[0].start, name.1),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::words::tokens;
    use super::*;

    fn names(people: &[Named]) -> Vec<(&str, Vec<&str>)> {
        people.iter().map(|p| (p.name.0.as_str(), p.titles.iter().map(|t| t.0.as_str()).collect())).collect()
    }

    #[test]
    fn name_first_people_joined_by_semicolons() {
        let text = "Các đồng chí Lò Văn Mạnh, Phó Bí thư Tỉnh uỷ, Trưởng Ban chỉ đạo Quy chế dân chủ của tỉnh; Mùa Thị Hoa, Ủy viên BTV Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy";
        let all = tokens(text, 0, text.len());
        assert_eq!(
            names(&listed_before(text, &all)),
            [
                ("Lò Văn Mạnh", vec!["Phó Bí thư Tỉnh uỷ", "Trưởng Ban chỉ đạo Quy chế dân chủ của tỉnh"]),
                ("Mùa Thị Hoa", vec!["Ủy viên BTV Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy"]),
            ]
        );
    }

    #[test]
    fn name_first_people_joined_by_commas_and_dashes() {
        let text = "Chiều 2-3, Thường trực Tỉnh ủy họp. Các đồng chí Đỗ Văn Tâm, Phó bí thư Thường trực Tỉnh ủy, Phạm Thị Lan, Phó bí thư Tỉnh ủy, Chủ tịch UBND tỉnh";
        let all = tokens(text, text.find("Các").unwrap(), text.len());
        assert_eq!(
            names(&listed_before(text, &all)),
            [
                ("Đỗ Văn Tâm", vec!["Phó bí thư Thường trực Tỉnh ủy"]),
                ("Phạm Thị Lan", vec!["Phó bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]),
            ]
        );
        let text = "Sáng 3.4, ông Lê Quang Vinh - Chủ tịch UBND huyện";
        assert_eq!(
            names(&listed_before(text, &tokens(text, 0, text.len()))),
            [("Lê Quang Vinh", vec!["Chủ tịch UBND huyện"])]
        );
    }

    #[test]
    fn title_first_names_and_unnamed_groups() {
        let text = "UVTƯ Đảng, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh Trịnh Văn Hải và các Phó Chủ tịch HĐND tỉnh";
        assert_eq!(
            names(&listed_before(text, &tokens(text, 0, text.len()))),
            [("Trịnh Văn Hải", vec!["UVTƯ Đảng", "Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"])]
        );
        let text = "Ủy viên Trung ương Đảng - Bí thư Tỉnh ủy Phan Văn Mãi";
        assert_eq!(
            names(&listed_before(text, &tokens(text, 0, text.len()))),
            [("Phan Văn Mãi", vec!["Ủy viên Trung ương Đảng", "Bí thư Tỉnh ủy"])]
        );
    }

    #[test]
    fn places_and_posts_inside_titles_are_not_names() {
        let text = "Đồng chí Vũ Đức Minh, Bí thư Tỉnh ủy Hà Giang, Trưởng Ban Văn hóa - Xã hội HĐND tỉnh";
        assert_eq!(
            names(&listed_before(text, &tokens(text, 0, text.len()))),
            [("Vũ Đức Minh", vec!["Bí thư Tỉnh ủy Hà Giang", "Trưởng Ban Văn hóa - Xã hội HĐND tỉnh"])]
        );
    }

    #[test]
    fn a_list_after_its_verb_ends_where_the_sentence_goes_on() {
        let text = "đồng chí Đào Minh Khôi, Phó Bí thư Tỉnh uỷ, Chủ tịch UBND tỉnh, Trưởng Ban chỉ đạo phòng, chống dịch tỉnh (gọi tắt là BCĐ) tại điểm cầu UBND tỉnh, hội nghị trực tuyến được tổ chức";
        assert_eq!(
            names(&listed_after(text, &tokens(text, 0, text.len()))),
            [(
                "Đào Minh Khôi",
                vec!["Phó Bí thư Tỉnh uỷ", "Chủ tịch UBND tỉnh", "Trưởng Ban chỉ đạo phòng, chống dịch tỉnh"]
            )]
        );
    }

    #[test]
    fn the_person_a_clause_starts_with() {
        let text = "Phó Bí thư Tỉnh ủy Lò Văn Mạnh ghi nhận kết quả";
        let found = person_at_start(text, &tokens(text, 0, text.len())).unwrap();
        assert_eq!((found.name.0.as_str(), found.titles[0].0.as_str()), ("Lò Văn Mạnh", "Phó Bí thư Tỉnh ủy"));
        let text = "Chủ tịch UBND tỉnh yêu cầu các sở";
        assert!(person_at_start(text, &tokens(text, 0, text.len())).is_none(), "no name, no person");
    }
}
