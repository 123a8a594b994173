//! Pages from templates: the minijinja environment with the app's templates (escaping what
//! they print, as their names end in `.html`), the message catalogue behind `t(...)`, and the
//! filters that write dates and instants the way the page's language does.

use super::Lang;
use crate::domain::partial_date::PartialDate;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::value::Kwargs;
use minijinja::{Environment, State, UndefinedBehavior, Value};
use std::sync::LazyLock;

/// The zone the app shows instants in: the one govtrail's users work in.
pub(super) const ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),*]
    };
}

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = templates![
    "base.html",
    "macros.html",
    "sign_in.html",
    "board.html",
    "task.html",
    "official.html",
    "directive.html",
    "conference.html",
    "organization.html",
    "report.html",
    "review.html",
    "record.html",
    "search.html",
    "message.html",
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Optional fields of an answer may be absent (or null) all the way down a path.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    for (name, source) in TEMPLATES {
        if let Err(err) = env.add_template(name, source) {
            panic!("the template {name} does not parse: {err:#}");
        }
    }
    env.add_function("t", translate_in_template);
    env.add_filter("date", date_filter);
    env.add_filter("instant", instant_filter);
    env
});

/// The text of a catalogue key in `lang`, with `%{name}` placeholders filled from `args`.
pub(super) fn translate(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut text = rust_i18n::t!(key, locale = lang.code()).into_owned();
    for (name, value) in args {
        text = text.replace(&format!("%{{{name}}}"), value);
    }
    text
}

/// `t("key", name=value, ...)` in a template: the page's language is its `lang` variable.
fn translate_in_template(state: &State, key: &str, args: Kwargs) -> Result<String, minijinja::Error> {
    let lang = lang_of(state);
    let mut pairs = Vec::new();
    for name in args.args() {
        let value: Value = args.get(name)?;
        pairs.push((name, value.to_string()));
    }
    Ok(translate(lang, key, &pairs))
}

fn lang_of(state: &State) -> Lang {
    match state.lookup("lang").as_ref().and_then(|v| v.as_str()) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// A date as the language writes it: 13/07/2021 (07/2021, 2021 when only the month or year is
/// known) in Vietnamese, 13 Jul 2021 in English. Anything else is printed as it is.
pub(super) fn write_date(lang: Lang, text: &str) -> String {
    use crate::domain::partial_date::Precision;
    let Ok(date) = text.parse::<PartialDate>() else { return text.to_owned() };
    let first = date.earliest();
    let format = match (lang, date.precision()) {
        (_, Precision::Year) => "%Y",
        (Lang::Vi, Precision::Month) => "%m/%Y",
        (Lang::Vi, Precision::Day) => "%d/%m/%Y",
        (Lang::En, Precision::Month) => "%b %Y",
        (Lang::En, Precision::Day) => "%-d %b %Y",
    };
    first.format(format).to_string()
}

fn date_filter(state: &State, value: Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    write_date(lang_of(state), &value.to_string())
}

/// An instant (RFC 3339) as the local time in Vietnam: 13/07/2021 08:30 or 13 Jul 2021 08:30.
pub(super) fn write_instant(lang: Lang, text: &str) -> String {
    let Ok(at) = DateTime::parse_from_rfc3339(text) else { return text.to_owned() };
    let local = at.with_timezone(&Utc).with_timezone(&ZONE);
    match lang {
        Lang::Vi => local.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => local.format("%-d %b %Y %H:%M").to_string(),
    }
}

fn instant_filter(state: &State, value: Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    write_instant(lang_of(state), &value.to_string())
}

/// The page `name` rendered with `context` (a JSON object).
pub(super) fn render(name: &str, context: &serde_json::Value) -> AppResult<String> {
    let template = ENVIRONMENT.get_template(name).map_err(|err| AppError::internal(format!("{err:#}")))?;
    template.render(Value::from_serialize(context)).map_err(|err| AppError::internal(format!("{name}: {err:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_dates_read_as_each_language_writes_them() {
        LazyLock::force(&ENVIRONMENT);
        assert_eq!(write_date(Lang::Vi, "2021-07-13"), "13/07/2021");
        assert_eq!(write_date(Lang::Vi, "2021-07"), "07/2021");
        assert_eq!(write_date(Lang::Vi, "2021"), "2021");
        assert_eq!(write_date(Lang::En, "2021-07-13"), "13 Jul 2021");
        assert_eq!(write_date(Lang::En, "2021-07"), "Jul 2021");
        assert_eq!(write_date(Lang::Vi, "not a date"), "not a date");
        // 23:30 UTC is the next morning in Vietnam.
        assert_eq!(write_instant(Lang::Vi, "2021-07-12T23:30:00Z"), "13/07/2021 06:30");
    }

    #[test]
    fn every_key_the_templates_and_pages_use_is_in_both_languages() {
        let key = regex::Regex::new(r#"\bt\(\s*["']([a-z][a-z0-9_.]*[a-z0-9_])["']"#).unwrap();
        let mut sources: Vec<&str> = TEMPLATES.iter().map(|(_, source)| *source).collect();
        sources.extend(super::super::SOURCES);
        let mut missing = Vec::new();
        for source in sources {
            for found in key.captures_iter(source) {
                for lang in [Lang::Vi, Lang::En] {
                    let text = translate(lang, &found[1], &[]);
                    if text == format!("{}.{}", lang.code(), &found[1]) {
                        missing.push(format!("{} in {}", &found[1], lang.code()));
                    }
                }
            }
        }
        // The keys the pages build from a value: each value they can meet.
        use crate::domain::vocabulary::*;
        let options = [
            names!(ConferenceKind),
            names!(ConferenceFormat),
            names!(ParticipationRole),
            names!(ConferenceDirectiveRelation),
        ]
        .concat();
        let roles = [names!(ParticipationRole), vec!["ORGANIZER", "READER", "EDITOR", "ADMIN"]].concat();
        let families: Vec<(&str, Vec<&str>)> = vec![
            ("status", names!(TaskStatus)),
            ("role", roles),
            ("certainty", vec!["STATED", "ATTESTED", "INFERRED", "POSSIBLE"]),
            ("origin", vec!["RECORDED", "CITATION", "PARTICIPATION"]),
            ("relation", names!(ConferenceDirectiveRelation)),
            ("conference_kind", names!(ConferenceKind)),
            ("option", options),
            ("format", names!(ConferenceFormat)),
            ("part_of_day", names!(PartOfDay)),
            ("directive_kind", names!(DirectiveKind)),
            ("kind", vec!["OFFICIAL", "ORGANIZATION", "POST", "DIRECTIVE", "CONFERENCE", "TASK"]),
            ("review.kind", vec!["INFERRED", "MISSING", "NEW", "MATCHED", "AMBIGUOUS", "UNLINKED"]),
            ("board.column", vec!["overdue", "week", "month", "none"]),
            ("board.filter", vec!["organization", "directive", "area", "assignee"]),
            ("task.saved", vec!["progress", "reopen"]),
            ("csv.list", vec!["posts", "conferences", "tasks", "participants", "holders"]),
            ("organization_kind", names!(OrganizationKind)),
            ("review.reason", crate::dataset::draft::REVIEW_REASONS.to_vec()),
            ("review.why", crate::dataset::draft::MATCH_GROUNDS.to_vec()),
            ("review.basis", crate::domain::extract::YearBasis::NAMES.to_vec()),
        ];
        for (family, values) in families {
            for value in values {
                for lang in [Lang::Vi, Lang::En] {
                    let key = format!("{family}.{value}");
                    if translate(lang, &key, &[]) == format!("{}.{key}", lang.code()) {
                        missing.push(format!("{key} in {}", lang.code()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing from the catalogue: {missing:?}");
    }
}
