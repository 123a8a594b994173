//! Folding text for search: Vietnamese is searched with and without diacritics and case, so
//! every searchable text is stored folded and every query is folded the same way.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `text`, strips diacritics (decomposing first), folds `đ`/`Đ` to `d` and
/// collapses runs of white space. "Trần Mạnh Lợi" and "tran  manh LOI" fold alike.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The form text is stored and searched in: folded, with punctuation other than the `-`, `/`
/// and `.` of document codes turned into spaces, so every word starts after a space.
pub fn search_form(text: &str) -> String {
    let spaced: String =
        fold(text).chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '/' | '.') { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a search query; a record matches when a word of its text starts with each.
pub fn search_terms(query: &str) -> Vec<String> {
    search_form(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// The two SQL `LIKE` patterns (escape character `\`) that find `term` at the start of a
/// word: at the start of the text, or after a space.
pub fn word_prefix_patterns(term: &str) -> [String; 2] {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    [format!("{escaped}%"), format!("% {escaped}%")]
}

/// A readable, stable key made from a name: folded, with runs of other characters as `-`.
pub fn slug(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_diacritics_case_and_d() {
        assert_eq!(fold("Trần Mạnh Lợi"), "tran manh loi");
        assert_eq!(fold("Nguyễn Mạnh Dũng"), "nguyen manh dung");
        assert_eq!(fold("06-ĐA/TU"), "06-da/tu");
        assert_eq!(fold("  Đề   án 06 "), "de an 06");
        assert_eq!(fold("BÙI THỊ MINH HOÀI"), "bui thi minh hoai");
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_alike() {
        let decomposed: String = "Lợi".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Lợi"));
    }

    #[test]
    fn search_terms_split_folded_words() {
        assert_eq!(search_terms("Trần  mạnh"), vec!["tran", "manh"]);
        assert!(search_terms("   ").is_empty());
    }

    #[test]
    fn like_patterns_escape_wildcards_and_anchor_words() {
        assert_eq!(word_prefix_patterns("50%_a\\b"), ["50\\%\\_a\\\\b%".to_owned(), "% 50\\%\\_a\\\\b%".to_owned()]);
    }

    #[test]
    fn search_form_spaces_out_punctuation_but_keeps_codes() {
        assert_eq!(search_form("Tỉnh ủy (BCH Đảng bộ tỉnh), 06-ĐA/TU"), "tinh uy bch dang bo tinh 06-da/tu");
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slug("Ban Dân vận Tỉnh ủy"), "ban-dan-van-tinh-uy");
        assert_eq!(slug("06-ĐA/TU"), "06-da-tu");
    }
}
