//! A report's text cut the way the rules read it: lines, sentences, and words with their byte
//! offsets, each word also folded (no diacritics, no case) so that "uỷ" and "ủy" compare equal.

use super::vocabulary::fold_word;

/// A word or a punctuation mark, with where it stands in the text.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    /// The characters as printed.
    pub text: &'a str,
    /// Folded: lower case, no diacritics ("Tỉnh" -> "tinh"); punctuation stays as printed.
    pub folded: String,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset past the last character.
    pub end: usize,
}

impl Token<'_> {
    /// Whether the token is a word (it has a letter or a digit).
    pub fn is_word(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
    }

    /// Whether the token is this punctuation mark.
    pub fn is(&self, mark: &str) -> bool {
        self.text == mark
    }

    /// Whether it is a dash standing between words (" - ", " – ").
    pub fn is_dash(&self) -> bool {
        matches!(self.text, "-" | "–" | "—")
    }

    /// A capitalised word as names are written: a capital then small letters ("Dũng", "Y"),
    /// not an abbreviation in capitals ("UBND", "TUV") nor a number.
    pub fn is_capitalised(&self) -> bool {
        let mut chars = self.text.chars();
        let Some(first) = chars.next() else { return false };
        if !first.is_uppercase() {
            return false;
        }
        let rest: Vec<char> = chars.collect();
        rest.is_empty()
            || (rest.iter().all(|c| c.is_alphabetic() || *c == '\'') && rest.iter().any(|c| c.is_lowercase()))
    }
}

fn glues(prev: char, c: char, next: Option<char>) -> bool {
    let Some(next) = next else { return false };
    match c {
        // "13.7", "1.073", "T.Ư", "BDK.VN": a dot inside a number or an abbreviation; "tỉnh.Các"
        // is two sentences run together.
        '.' => (prev.is_ascii_digit() && next.is_ascii_digit()) || (prev.is_uppercase() && next.is_uppercase()),
        '/' | '-' | '&' | '\'' | '_' => prev.is_alphanumeric() && next.is_alphanumeric(),
        _ => false,
    }
}

/// The tokens of `text[start..end]`: words (letters and digits, with the marks inside codes and
/// abbreviations: "06-ĐA/TU", "đ/c", "T.Ư", "13.7") and single punctuation marks.
pub fn tokens(text: &str, start: usize, end: usize) -> Vec<Token<'_>> {
    let slice = &text[start..end];
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() || (glues(chars[j - 1].1, cj, chars.get(j + 1).map(|p| p.1))) {
                    j += 1;
                } else {
                    break;
                }
            }
            let stop = chars.get(j).map_or(slice.len(), |p| p.0);
            let word = &slice[offset..stop];
            out.push(Token { text: word, folded: fold_word(word), start: start + offset, end: start + stop });
            i = j;
        } else {
            let stop = chars.get(i + 1).map_or(slice.len(), |p| p.0);
            let mark = &slice[offset..stop];
            out.push(Token { text: mark, folded: mark.to_owned(), start: start + offset, end: start + stop });
            i += 1;
        }
    }
    out
}

/// The lines of `text` that hold something, as byte spans without the line break.
pub fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let trimmed = body.trim();
        if !trimmed.is_empty() {
            out.push((start + lead, start + lead + trimmed.len()));
        }
        start += line.len();
    }
    out
}

/// The sentences of a line, as byte spans: a line is cut after ".", "!", "?" or "…" followed by
/// a space or a capital ("tỉnh.Các đồng chí"), but not inside "13.7", "T.Ư" or "TP. Hồ Chí Minh".
pub fn sentences(text: &str, line: (usize, usize)) -> Vec<(usize, usize)> {
    let slice = &text[line.0..line.1];
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &(offset, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let next = chars.get(i + 1).map(|p| p.1);
        let prev = i.checked_sub(1).map(|k| chars[k].1);
        let ends = match next {
            None => true,
            Some(n) if n.is_whitespace() => {
                // "TP. Hồ Chí Minh", "Tp. Vị Thanh": an abbreviation's dot.
                let word_before: String = slice[..offset]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                !matches!(word_before.as_str(), "TP" | "Tp" | "TX" | "Th" | "ThS" | "TS" | "PGS" | "GS" | "Q")
            }
            Some(n) if n.is_uppercase() => c != '.' || prev.is_some_and(char::is_lowercase),
            Some(n) if matches!(n, '"' | '“' | '”' | ')') => false,
            _ => false,
        };
        if ends {
            let stop = offset + c.len_utf8();
            let piece = slice[start..stop].trim();
            if piece.chars().any(char::is_alphanumeric) {
                let lead = slice[start..stop].len() - slice[start..stop].trim_start().len();
                out.push((line.0 + start + lead, line.0 + start + lead + piece.len()));
            }
            start = stop;
        }
    }
    let piece = slice[start..].trim();
    if piece.chars().any(char::is_alphanumeric) {
        let lead = slice[start..].len() - slice[start..].trim_start().len();
        out.push((line.0 + start + lead, line.0 + start + lead + piece.len()));
    }
    out
}

/// The folded words of tokens (punctuation left out).
pub fn folded_words<'t>(tokens: &'t [Token<'_>]) -> Vec<&'t str> {
    tokens.iter().filter(|t| t.is_word()).map(|t| t.folded.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        tokens(text, 0, text.len()).iter().map(|t| t.text).collect()
    }

    #[test]
    fn codes_abbreviations_and_numbers_stay_whole() {
        assert_eq!(
            texts("Đề án số 06-ĐA/TU, Ban Dân vận T.Ư; đ/c Lợi (13.7)."),
            ["Đề", "án", "số", "06-ĐA/TU", ",", "Ban", "Dân", "vận", "T.Ư", ";", "đ/c", "Lợi", "(", "13.7", ")", "."]
        );
        assert_eq!(texts("Phương Thị Thanh- Phó"), ["Phương", "Thị", "Thanh", "-", "Phó"]);
        assert_eq!(texts("tỉnh.Các"), ["tỉnh", ".", "Các"]);
    }

    #[test]
    fn names_are_capitalised_words_and_abbreviations_are_not() {
        let text = "Nguyễn UBND Y tỉnh 13";
        let all = tokens(text, 0, text.len());
        let flags: Vec<bool> = all.iter().map(Token::is_capitalised).collect();
        assert_eq!(flags, [true, false, true, false, false]);
    }

    #[test]
    fn sentences_end_at_stops_but_not_inside_dates_or_abbreviations() {
        let text = "Chiều 13.7, Tỉnh ủy họp tại TP. Hà Giang. Dự có T.Ư Đảng.Các đồng chí chủ trì";
        let cut: Vec<&str> = sentences(text, (0, text.len())).into_iter().map(|(s, e)| &text[s..e]).collect();
        assert_eq!(cut, ["Chiều 13.7, Tỉnh ủy họp tại TP. Hà Giang.", "Dự có T.Ư Đảng.", "Các đồng chí chủ trì"]);
    }
}
