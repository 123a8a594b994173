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

/// The folded words of a search query; a record matches when its folded text contains each.
pub fn search_terms(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Escapes a term for a SQL `LIKE` pattern whose escape character is `\`.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
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
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slug("Ban Dân vận Tỉnh ủy"), "ban-dan-van-tinh-uy");
        assert_eq!(slug("06-ĐA/TU"), "06-da-tu");
    }
}
