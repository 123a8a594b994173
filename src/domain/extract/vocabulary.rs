//! The words reports are read with, kept as data (`data/extraction-vocabulary.txt`) so that a
//! maintainer extends them without touching the rules: sections of phrases, some mapped to a
//! value. Phrases are held folded and split into words, and looked up longest first.

use crate::domain::text::fold;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The vocabulary file, built into the binary.
pub const SOURCE: &str = include_str!("../../../data/extraction-vocabulary.txt");

/// One section: its phrases as folded words, longest first, each with its value.
#[derive(Debug, Default)]
pub struct Section {
    entries: Vec<(Vec<String>, String)>,
    /// The entries by their first word, longest first: a look-up reads only the phrases that
    /// can match, so reading a report stays linear in its words.
    by_first: HashMap<String, Vec<usize>>,
    /// The phrases as the file writes them, in its order, with their values.
    printed: Vec<(String, String)>,
    /// The same phrases lower-cased, as words, for comparing with their diacritics.
    printed_words: Vec<Vec<String>>,
}

impl Section {
    /// Every phrase as the file writes it (capitals and marks kept), with its value, in the
    /// file's order.
    pub fn printed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.printed.iter().map(|(p, v)| (p.as_str(), v.as_str()))
    }

    /// The longest phrase of the section that `words` (folded) begin with: its length in words
    /// and its value.
    pub fn longest_prefix<S: AsRef<str>>(&self, words: &[S]) -> Option<(usize, &str)> {
        let first = words.first()?.as_ref();
        self.by_first.get(first)?.iter().find_map(|&i| {
            let (phrase, value) = &self.entries[i];
            (phrase.len() <= words.len() && phrase.iter().zip(words).all(|(p, w)| p == w.as_ref()))
                .then_some((phrase.len(), value.as_str()))
        })
    }

    /// The longest phrase of the section that `words` (folded) end with, and its length.
    pub fn longest_suffix<S: AsRef<str>>(&self, words: &[S]) -> Option<(usize, &str)> {
        self.entries.iter().find_map(|(phrase, value)| {
            (phrase.len() <= words.len() && phrase.iter().rev().zip(words.iter().rev()).all(|(p, w)| p == w.as_ref()))
                .then_some((phrase.len(), value.as_str()))
        })
    }

    /// Whether `words` (folded) are exactly one of the section's phrases.
    pub fn contains<S: AsRef<str>>(&self, words: &[S]) -> bool {
        self.entries
            .iter()
            .any(|(phrase, _)| phrase.len() == words.len() && phrase.iter().zip(words).all(|(p, w)| p == w.as_ref()))
    }

    /// Every phrase and its value, longest first.
    pub fn entries(&self) -> impl Iterator<Item = (&[String], &str)> {
        self.entries.iter().map(|(p, v)| (p.as_slice(), v.as_str()))
    }
}

/// The vocabulary, by section name.
#[derive(Debug, Default)]
pub struct Vocabulary {
    sections: HashMap<String, Section>,
    empty: Section,
}

/// The words of a phrase as the extractor compares them: folded, without the punctuation
/// around them ("Tỉnh ủy," and "tinh uy" give `["tinh", "uy"]`).
pub fn words_of(phrase: &str) -> Vec<String> {
    phrase.split_whitespace().map(fold_word).filter(|w| !w.is_empty()).collect()
}

/// One word folded, without the punctuation around it (a word's own "/" or "'" stays: "đ/c").
pub fn fold_word(word: &str) -> String {
    fold(word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/' || c == '\'' || c == '&')))
}

impl Vocabulary {
    /// Reads the vocabulary format: `[section]` lines, then one phrase a line (`phrase = VALUE`
    /// where the section maps phrases), `#` comments and blank lines ignored.
    pub fn parse(source: &str) -> Result<Vocabulary, String> {
        let mut sections: HashMap<String, Section> = HashMap::new();
        let mut current: Option<String> = None;
        for (number, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = Some(name.to_owned());
                sections.entry(name.to_owned()).or_default();
                continue;
            }
            let Some(section) = current.as_ref().and_then(|name| sections.get_mut(name)) else {
                return Err(format!("line {}: a phrase before any [section]", number + 1));
            };
            let (phrase, value) = match line.split_once(" = ") {
                Some((phrase, value)) => (phrase.trim(), value.trim()),
                None => (line, ""),
            };
            let words = words_of(phrase);
            if words.is_empty() {
                return Err(format!("line {}: an empty phrase", number + 1));
            }
            section.entries.push((words, value.to_owned()));
            section.printed.push((phrase.to_owned(), value.to_owned()));
            section.printed_words.push(phrase.to_lowercase().split_whitespace().map(str::to_owned).collect());
        }
        for section in sections.values_mut() {
            section.entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
            section.entries.dedup_by(|a, b| a.0 == b.0);
            for (i, (phrase, _)) in section.entries.iter().enumerate() {
                section.by_first.entry(phrase[0].clone()).or_default().push(i);
            }
        }
        Ok(Vocabulary { sections, empty: Section::default() })
    }

    /// A section by name (empty when the file has none).
    pub fn section(&self, name: &str) -> &Section {
        self.sections.get(name).unwrap_or(&self.empty)
    }
}

/// The phrases of a section of the built-in file as printed, lower-cased but with their
/// diacritics: for words that folding would confuse ("Trương", a family name, and "Trưởng").
pub fn printed_phrases(name: &str) -> Vec<String> {
    section(name).printed().map(|(phrase, _)| phrase.to_lowercase()).collect()
}

/// Whether `words` (lower-cased, with diacritics) begin with a phrase of the section as printed:
/// for short verbs that folding would confuse with other words ("giao" and "giáo", "dự" and
/// "dư").
pub fn begins_with_printed(name: &str, words: &[String]) -> bool {
    printed_prefix_len(name, words) > 0
}

/// The length in words of the longest phrase of the section, as printed, that `words`
/// (lower-cased, with diacritics) begin with; 0 when none does.
pub fn printed_prefix_len(name: &str, words: &[String]) -> usize {
    section(name)
        .printed_words
        .iter()
        .filter(|phrase| phrase.len() <= words.len() && phrase.iter().zip(words).all(|(p, w)| p == w))
        .map(Vec::len)
        .max()
        .unwrap_or(0)
}

/// The built-in vocabulary. The file is checked by a unit test, so a broken edit fails the
/// build's tests rather than a report's reading.
pub static VOCABULARY: LazyLock<Vocabulary> =
    LazyLock::new(|| Vocabulary::parse(SOURCE).unwrap_or_else(|_| Vocabulary::default()));

/// A section of the built-in vocabulary.
pub fn section(name: &str) -> &'static Section {
    VOCABULARY.section(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_vocabulary_reads_and_has_every_section_the_rules_use() {
        let vocabulary = Vocabulary::parse(SOURCE).expect("the vocabulary file reads");
        for name in [
            "honorifics",
            "ranks",
            "surnames",
            "title-heads",
            "body-heads",
            "groups",
            "places",
            "meeting-kinds",
            "online",
            "hybrid",
            "venues",
            "organize-verbs",
            "chair-verbs",
            "chair-after",
            "lead-verbs",
            "speaker-verbs",
            "reporter-verbs",
            "attendee-verbs",
            "attendee-before",
            "request-verbs",
            "action-verbs",
            "document-kinds",
            "relations",
            "vague-deadlines",
            "datelines",
            "speaker-after",
            "clause-verbs",
            "abbreviations",
            "synonyms",
            "in-person",
        ] {
            assert!(vocabulary.section(name).entries().count() > 0, "section {name} is missing or empty");
        }
    }

    #[test]
    fn phrases_match_folded_and_longest_first() {
        let heads = section("title-heads");
        assert_eq!(heads.longest_prefix(&words_of("Phó Bí thư Tỉnh uỷ")).map(|p| p.0), Some(3));
        assert_eq!(heads.longest_prefix(&words_of("phó bí thư thường trực")).map(|p| p.0), Some(3));
        assert_eq!(section("document-kinds").longest_prefix(&words_of("Đề án số 06")), Some((2, "SCHEME")));
        assert_eq!(
            section("relations").longest_prefix(&words_of("giao ban việc thực hiện Chỉ thị")),
            Some((5, "REVIEWS"))
        );
        assert!(section("places").contains(&words_of("Hà Giang")));
        assert!(section("places").contains(&words_of("Hòa Bình")) && section("places").contains(&words_of("Hoà Bình")));
    }

    #[test]
    fn a_broken_file_is_refused_with_its_line() {
        assert!(Vocabulary::parse("chủ trì\n").unwrap_err().contains("line 1"));
        assert!(Vocabulary::parse("[a]\n=\n").is_err());
    }
}
