//! Names of bodies and posts compared as one whatever the spelling: abbreviations written in
//! capitals expanded ("BTV" is "Ban Thường vụ", "T.Ư" is "Trung ương"), set phrasings rewritten
//! ("Mặt trận Tổ quốc Việt Nam" is "Mặt trận Tổ quốc"), parentheses dropped, then folded. Both
//! lists are in the vocabulary file.

use super::vocabulary::{fold_word, section, words_of};
use std::collections::HashMap;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// The abbreviations as printed, in capitals with their marks: "TU" (Tỉnh ủy) and "TƯ" (Trung
/// ương) fold alike and must not be confused.
static ABBREVIATIONS: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    section("abbreviations").printed().map(|(short, long)| (short.nfc().collect::<String>(), words_of(long))).collect()
});

fn expansion(word: &str) -> Option<&'static Vec<String>> {
    ABBREVIATIONS.get(&word.nfc().collect::<String>())
}

fn is_abbreviation(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && word.chars().all(|c| !c.is_lowercase())
}

/// The words of `name` as compared: folded, abbreviations expanded, synonyms rewritten.
pub fn canonical_words(name: &str) -> Vec<String> {
    let mut depth = 0usize;
    let mut plain = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut words: Vec<String> = Vec::new();
    for raw in plain.split_whitespace() {
        let word = raw.trim_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '&' | '-' | '/')));
        let word = word.trim_end_matches('.');
        if word.is_empty() || word == "-" {
            continue;
        }
        let folded = fold_word(word);
        if is_abbreviation(word) {
            if let Some(long) = expansion(word) {
                words.extend(long.iter().cloned());
                continue;
            }
            if word.contains('&') {
                for (i, part) in word.split('&').filter(|p| !p.is_empty()).enumerate() {
                    if i > 0 {
                        words.push("va".to_owned());
                    }
                    match expansion(part) {
                        Some(long) => words.extend(long.iter().cloned()),
                        None => words.push(fold_word(part)),
                    }
                }
                continue;
            }
        }
        words.extend(folded.split('-').filter(|w| !w.is_empty()).map(str::to_owned));
    }
    for _ in 0..4 {
        let mut out = Vec::with_capacity(words.len());
        let mut changed = false;
        let mut i = 0;
        while i < words.len() {
            match section("synonyms").longest_prefix(&words[i..]) {
                Some((n, replacement)) => {
                    out.extend(words_of(replacement));
                    i += n;
                    changed = true;
                }
                None => {
                    out.push(words[i].clone());
                    i += 1;
                }
            }
        }
        words = out;
        if !changed {
            break;
        }
    }
    words
}

/// `canonical_words` joined: two names are one when their canonical forms are equal.
pub fn canonical(name: &str) -> String {
    canonical_words(name).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_synonyms_and_spellings_compare_as_one() {
        assert_eq!(canonical("BTV Tỉnh uỷ"), canonical("Ban Thường vụ Tỉnh ủy"));
        assert_eq!(canonical("Ủy ban MTTQ tỉnh"), canonical("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"));
        assert_eq!(canonical("Ban Dân vận T.Ư"), canonical("Ban Dân vận Trung ương"));
        assert_eq!(canonical("UVTƯ Đảng"), canonical("Ủy viên Ban Chấp hành Trung ương Đảng"));
        assert_eq!(
            canonical("Trưởng Ban chỉ đạo (BCĐ) Cải cách Tư pháp tỉnh (CCTP)"),
            canonical("Trưởng Ban Chỉ đạo Cải cách tư pháp tỉnh")
        );
        assert_eq!(canonical("Sở KH&ĐT"), canonical("Sở Kế hoạch và Đầu tư"));
        assert_ne!(
            canonical("Sở Kế hoạch và Đầu tư"),
            canonical("Sở Kế hoạch và Đầu TU"),
            "only capitals are abbreviations"
        );
        assert_ne!(canonical("Ban Dân vận Tỉnh ủy"), canonical("Ban Tuyên giáo Tỉnh ủy"));
        assert_eq!(canonical("BTV TU"), canonical("Ban Thường vụ Tỉnh ủy"));
        assert_ne!(canonical("BTV TU"), canonical("BTV TƯ"), "TU is Tỉnh ủy, TƯ Trung ương");
    }
}
