//! Document codes as reports write them.
//!
//! Party documents are written `number-TYPE/ISSUER` ("06-ĐA/TU"), state documents
//! `number/TYPE-ISSUER` ("1209/QĐ-UBND", also with a year: "12/2021/NQ-HĐND"). Numbers restart
//! per issuer, type and term, so a code identifies a document only together with its issuer.

use super::text::{fold, search_form};
use super::vocabulary::DirectiveKind;

/// The parts of a document code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentCode {
    /// The number as written ("06").
    pub number: String,
    /// The type abbreviation as written ("ĐA").
    pub type_code: String,
    /// The issuer abbreviation as written ("TU", "UBND").
    pub issuer_code: String,
}

impl DocumentCode {
    /// The kind the type abbreviation stands for, if it is a known one.
    pub fn kind(&self) -> Option<DirectiveKind> {
        kind_of_type_code(&self.type_code)
    }
}

/// The kind a type abbreviation stands for ("NQ" -> resolution), ignoring case and diacritics
/// except that "QĐi" (regulation) differs from "QĐ" (decision).
pub fn kind_of_type_code(code: &str) -> Option<DirectiveKind> {
    if code.trim() == "QĐi" || code.trim() == "QDi" {
        return Some(DirectiveKind::Regulation);
    }
    Some(match fold(code).as_str() {
        "nq" => DirectiveKind::Resolution,
        "ct" => DirectiveKind::Directive,
        "kl" => DirectiveKind::Conclusion,
        "qd" => DirectiveKind::Decision,
        "qdi" => DirectiveKind::Regulation,
        "da" => DirectiveKind::Scheme,
        "kh" => DirectiveKind::Plan,
        "ctr" => DirectiveKind::Programme,
        "tb" => DirectiveKind::Notice,
        "hd" => DirectiveKind::Guidance,
        "bc" => DirectiveKind::Report,
        _ => return None,
    })
}

/// Parses a party (`06-ĐA/TU`) or state (`1209/QĐ-UBND`, `12/2021/NQ-HĐND`) document code.
pub fn parse(code: &str) -> Option<DocumentCode> {
    let code = code.trim();
    let is_number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let is_word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphabetic() || c == '.');
    // Party form: number-TYPE/ISSUER (the issuer may itself contain letters only).
    if let Some((head, issuer)) = code.split_once('/') {
        if let Some((number, type_code)) = head.split_once('-') {
            if is_number(number) && is_word(type_code) && is_word(issuer) {
                return Some(DocumentCode {
                    number: number.to_owned(),
                    type_code: type_code.to_owned(),
                    issuer_code: issuer.to_owned(),
                });
            }
        }
    }
    // State form: number[/year]/TYPE-ISSUER.
    let parts: Vec<&str> = code.split('/').collect();
    if (parts.len() == 2 || parts.len() == 3) && is_number(parts[0]) {
        if parts.len() == 3 && !is_number(parts[1]) {
            return None;
        }
        let tail = parts[parts.len() - 1];
        if let Some((type_code, issuer)) = tail.split_once('-') {
            if is_word(type_code) && !issuer.is_empty() {
                return Some(DocumentCode {
                    number: parts[0].to_owned(),
                    type_code: type_code.to_owned(),
                    issuer_code: issuer.to_owned(),
                });
            }
        }
    }
    None
}

/// The folded text a directive is found by: its code, "kind number" as reports write it
/// ("Đề án 06"), and its title.
pub fn search_text(code: Option<&str>, kind: DirectiveKind, number: Option<&str>, title: &str) -> String {
    let mut text = String::new();
    if let Some(code) = code {
        text.push_str(code);
        text.push(' ');
    }
    if let Some(number) = number {
        text.push_str(kind.vietnamese_name());
        text.push(' ');
        text.push_str(number);
        text.push(' ');
    }
    text.push_str(title);
    search_form(&text)
}

/// A search query in the words the index holds for documents: reports write "Đề án số 02",
/// "Nghị quyết số 26", "NQ 06", where the index holds the kind and number as "đề án 02". A
/// "số" between a kind and a number is dropped, and a type abbreviation before a number reads
/// as its kind's name; the rest of the query is left as it is ("chuyển đổi số" keeps its "số").
pub fn reading(query: &str) -> String {
    let words: Vec<String> = search_form(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let names: Vec<String> = DirectiveKind::ALL.iter().map(|k| search_form(k.vietnamese_name())).collect();
    let mut read: Vec<String> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let before_number = words.get(i + 1).is_some_and(|next| next.starts_with(|c: char| c.is_ascii_digit()));
        if before_number && word == "so" {
            let so_far = format!(" {}", read.join(" "));
            if names.iter().any(|name| so_far.ends_with(&format!(" {name}"))) {
                continue;
            }
        }
        match kind_of_type_code(word).filter(|_| before_number) {
            Some(kind) => read.push(search_form(kind.vietnamese_name())),
            None => read.push(word.clone()),
        }
    }
    read.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_party_codes() {
        let code = parse("06-ĐA/TU").unwrap();
        assert_eq!((code.number.as_str(), code.type_code.as_str(), code.issuer_code.as_str()), ("06", "ĐA", "TU"));
        assert_eq!(code.kind(), Some(DirectiveKind::Scheme));
        assert_eq!(parse("09-CT/TU").unwrap().kind(), Some(DirectiveKind::Directive));
        assert_eq!(parse("35-KL/TW").unwrap().kind(), Some(DirectiveKind::Conclusion));
        assert_eq!(parse("01-QĐi/TU").unwrap().kind(), Some(DirectiveKind::Regulation));
    }

    #[test]
    fn parses_state_codes() {
        let code = parse("1209/QĐ-UBND").unwrap();
        assert_eq!((code.number.as_str(), code.issuer_code.as_str()), ("1209", "UBND"));
        assert_eq!(code.kind(), Some(DirectiveKind::Decision));
        let with_year = parse("12/2021/NQ-HĐND").unwrap();
        assert_eq!(with_year.kind(), Some(DirectiveKind::Resolution));
        assert_eq!(with_year.number, "12");
    }

    #[test]
    fn refuses_what_is_not_a_code() {
        for text in ["", "Đề án 06", "06", "ĐA/TU", "06-ĐA", "x/y/z/w"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn search_text_holds_code_and_spoken_form() {
        let text = search_text(Some("06-ĐA/TU"), DirectiveKind::Scheme, Some("06"), "Đổi mới công tác dân vận");
        assert!(text.contains("06-da/tu"));
        assert!(text.contains("de an 06"));
        assert!(text.contains("doi moi"));
    }

    #[test]
    fn queries_read_as_the_reports_word_documents() {
        assert_eq!(reading("Đề án số 02"), "de an 02");
        assert_eq!(reading("Nghị quyết số 26 của Tỉnh ủy"), "nghi quyet 26 cua tinh uy");
        assert_eq!(reading("NQ 06"), "nghi quyet 06");
        assert_eq!(reading("de an so 06-DA/TU"), "de an 06-da/tu");
        assert_eq!(reading("chuyển đổi số"), "chuyen doi so", "a word of the title stays");
        assert_eq!(reading("đã triển khai"), "da trien khai", "an abbreviation only before a number");
    }
}
