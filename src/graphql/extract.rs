//! Drafting a report's facts over GraphQL (`extractReport`), for EDITORs: the same draft as
//! `govtrail extract`, typed, with the dataset file to review and import. Nothing is written.

use super::scalars::Date;
use super::{Result, db};
use crate::auth::{Identity, Role};
use crate::dataset::draft::{ReviewItem, draft_file, match_stored};
use crate::domain::extract::{self, Draft, Meeting, Person, Span, Stated};
use crate::domain::vocabulary::{
    ConferenceDirectiveRelation, ConferenceFormat, DirectiveKind, PartOfDay, ParticipationRole,
};
use crate::error::AppError;
use async_graphql::{Context, InputObject, Object, SimpleObject};

/// The longest report text read, in characters: a long article is a few tens of thousands.
pub const MAX_REPORT_CHARS: usize = 200_000;

/// What is known of a report besides its text.
#[derive(InputObject, Default)]
pub struct ReportSourceInput {
    /// Where it was published (http or https).
    pub url: Option<String>,
    /// The day it was published: the year of dates printed without one.
    pub published_on: Option<Date>,
    /// The publisher's name.
    pub publisher: Option<String>,
    /// The area the report is about: an area's key or name.
    pub area: Option<String>,
}

/// Words of the report that state a fact, and where they stand.
#[derive(SimpleObject, Clone)]
pub struct ReportWords {
    /// The words as printed.
    pub text: String,
    /// Offset of the first character (Unicode scalar values, from 0, in the text after NFC
    /// normalization: `ExtractedReport.text`).
    pub start: i32,
    /// Offset past the last character.
    pub end: i32,
}

fn words(draft: &Draft, span: Span) -> ReportWords {
    let offset = |byte| i32::try_from(draft.char_offset(byte)).unwrap_or(i32::MAX);
    ReportWords { text: draft.quote(span).to_owned(), start: offset(span.start), end: offset(span.end) }
}

fn stated<T>(draft: &Draft, stated: &Stated<T>) -> ReportWords {
    words(draft, stated.span)
}

/// A person the report names at a meeting.
#[derive(SimpleObject)]
pub struct ExtractedPerson {
    /// The full name.
    pub name: ReportWords,
    /// The role, from the words that give it.
    pub role: ParticipationRole,
    /// Heads the meeting without being said to chair it.
    pub leads: bool,
    /// The titles printed with the name, one post each.
    pub titles: Vec<ReportWords>,
    /// The words that give the role ("chủ trì", "Cùng dự có").
    pub role_words: ReportWords,
}

/// A document the report names at a meeting.
#[derive(SimpleObject)]
pub struct ExtractedDocument {
    /// Its code as printed, when a whole code is.
    pub code: Option<String>,
    /// Its kind.
    pub kind: DirectiveKind,
    /// Its number.
    pub number: Option<String>,
    /// Its issuer as printed.
    pub issuer: Option<String>,
    /// The day it was issued, when printed.
    pub issued_on: Option<Date>,
    /// Its title, as printed after "về".
    pub title: Option<String>,
    /// How the meeting deals with it, when the report says.
    pub relation: Option<ConferenceDirectiveRelation>,
    /// The words naming it.
    pub words: ReportWords,
}

/// A task the report says the meeting handed out.
#[derive(SimpleObject)]
pub struct ExtractedTask {
    /// Who is to do it, as printed.
    pub assignees: Vec<ReportWords>,
    /// What is to be done.
    pub title: String,
    /// The deadline, when its words name a day that can be known.
    pub due_on: Option<Date>,
    /// The deadline's words.
    pub due_words: Option<ReportWords>,
    /// The words that hand it out.
    pub words: ReportWords,
}

/// A meeting the report says took place.
#[derive(SimpleObject)]
pub struct ExtractedMeeting {
    /// "YYYY-MM-DD", or "--MM-DD" when the year cannot be known.
    pub date: String,
    /// Whether the year comes from outside the meeting's date line.
    pub date_inferred: bool,
    /// Where an inferred year comes from.
    pub date_note: Option<String>,
    /// The printed date.
    pub date_words: ReportWords,
    /// Morning, afternoon or evening, when printed.
    pub part_of_day: Option<PartOfDay>,
    /// The clock time it started ("HH:MM"), when printed.
    pub starts_at: Option<String>,
    /// The kind of meeting as printed.
    pub kind: Option<ReportWords>,
    /// Online, in person or both, when the report says (null when it does not).
    pub format: Option<ConferenceFormat>,
    /// The words that say the format.
    pub format_words: Option<ReportWords>,
    /// Its name, short.
    pub title: Option<ReportWords>,
    /// The bodies that organize it, as printed.
    pub organizers: Vec<ReportWords>,
    /// Its chairs.
    pub chairs: Vec<ExtractedPerson>,
    /// The other people named at it.
    pub participants: Vec<ExtractedPerson>,
    /// The documents named.
    pub documents: Vec<ExtractedDocument>,
    /// The tasks handed out.
    pub tasks: Vec<ExtractedTask>,
    /// The sentence that reports it.
    pub words: ReportWords,
}

/// Something of a draft to look at before importing it.
#[derive(SimpleObject)]
pub struct DraftReviewItem {
    /// Where in the dataset file ("conferences[0].date", "officials[nguyen-van-a]").
    pub place: String,
    /// INFERRED, MISSING, NEW, MATCHED, AMBIGUOUS or UNLINKED.
    pub kind: String,
    /// What to look at, in English words.
    pub message: String,
    /// Why, as a stable name for clients that word it in their own language: new_body,
    /// new_official, new_document, year_missing, year_inferred, document_unlinked,
    /// deadline_unknown, matched, ambiguous.
    pub reason: String,
    /// The values the reason names, by name: `name` and `kind` of a new body; `basis`
    /// (page_date, publication, period, address_month) and `value` of an inferred year; `name`,
    /// `key`, `why` (same_name_in_area, holds_post, held_post_in, same_document), `post` and
    /// `body` of a match; `count` and `candidates` of an ambiguous one.
    pub details: Vec<DraftReviewDetail>,
    /// The report's words it rests on.
    pub quote: Option<String>,
    /// For an AMBIGUOUS record, the stored records it could be: put one's key in its place to
    /// record it as that one.
    pub candidates: Vec<DraftCandidate>,
}

/// One value a review point's reason names.
#[derive(SimpleObject)]
pub struct DraftReviewDetail {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// A stored record a drafted one could be.
#[derive(SimpleObject)]
pub struct DraftCandidate {
    /// Its dataset key.
    pub key: String,
    /// Its name or title.
    pub name: String,
}

/// A report's draft.
#[derive(SimpleObject)]
pub struct ExtractedReport {
    /// The text as read (Unicode NFC), which every `ReportWords` points into.
    pub text: String,
    /// The meetings.
    pub meetings: Vec<ExtractedMeeting>,
    /// The draft as a dataset file (JSON) to review and import with `importDataset` or
    /// `govtrail import` (add and update), its people, bodies, posts and documents matched with
    /// the stored ones.
    pub dataset: String,
    /// What to look at before importing it.
    pub review: Vec<DraftReviewItem>,
}

fn person(draft: &Draft, p: &Person) -> ExtractedPerson {
    ExtractedPerson {
        name: stated(draft, &p.name),
        role: p.role,
        leads: p.leads,
        titles: p.titles.iter().map(|t| stated(draft, t)).collect(),
        role_words: words(draft, p.role_span),
    }
}

fn meeting(draft: &Draft, m: &Meeting) -> ExtractedMeeting {
    ExtractedMeeting {
        date: match m.date.year {
            Some(year) => format!("{year:04}-{:02}-{:02}", m.date.month, m.date.day),
            None => format!("--{:02}-{:02}", m.date.month, m.date.day),
        },
        date_inferred: m.date.inferred,
        date_note: m.date.note(),
        date_words: words(draft, m.date.span),
        part_of_day: m.part_of_day,
        starts_at: m.starts_at.as_ref().map(|s| format!("{:02}:{:02}", s.value.0, s.value.1)),
        kind: m.kind.as_ref().map(|k| stated(draft, k)),
        format: m.format.as_ref().map(|f| f.value),
        format_words: m.format.as_ref().map(|f| stated(draft, f)),
        title: m.title.as_ref().map(|t| stated(draft, t)),
        organizers: m.organizers.iter().map(|o| stated(draft, o)).collect(),
        chairs: m.people.iter().filter(|p| p.role == ParticipationRole::Chair).map(|p| person(draft, p)).collect(),
        participants: m
            .people
            .iter()
            .filter(|p| p.role != ParticipationRole::Chair)
            .map(|p| person(draft, p))
            .collect(),
        documents: m
            .documents
            .iter()
            .map(|d| ExtractedDocument {
                code: d.code.clone(),
                kind: d.kind,
                number: d.number.clone(),
                issuer: d.issuer.clone(),
                issued_on: d.issued_on.map(Date),
                title: d.title.clone(),
                relation: d.relation,
                words: words(draft, d.span),
            })
            .collect(),
        tasks: m
            .tasks
            .iter()
            .map(|t| ExtractedTask {
                assignees: t.assignees.iter().map(|a| stated(draft, a)).collect(),
                title: t.title.clone(),
                due_on: t.due_on.map(Date),
                due_words: t.due_text.as_ref().map(|d| stated(draft, d)),
                words: words(draft, t.span),
            })
            .collect(),
        words: words(draft, m.span),
    }
}

fn review_item(item: ReviewItem) -> DraftReviewItem {
    DraftReviewItem {
        place: item.place,
        kind: item.kind,
        message: item.message,
        reason: item.reason,
        details: item.details.into_iter().map(|(name, value)| DraftReviewDetail { name, value }).collect(),
        quote: item.quote,
        candidates: item.candidates.into_iter().map(|c| DraftCandidate { key: c.key, name: c.name }).collect(),
    }
}

/// Drafting reports.
#[derive(Default)]
pub struct ExtractQuery;

/// Drafting reports (EDITOR).
#[Object]
impl ExtractQuery {
    /// Drafts the facts of a Vietnamese meeting report from its plain text, as `govtrail
    /// extract` does: the meetings, chairs and participants with their printed titles, the
    /// documents and tasks, each with the words that state it; people, bodies, posts and
    /// documents matched with the stored ones. Writes nothing: apply a reviewed draft with
    /// `importDataset` (add and update). For EDITORs; the text is at most 200,000 characters.
    async fn extract_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's plain text; it may begin with `URL:` and `Published:` lines.")] text: String,
        #[graphql(desc = "What is known of the report besides its text.")] source: Option<ReportSourceInput>,
    ) -> Result<ExtractedReport> {
        ctx.data::<Identity>().unwrap_or(&Identity::Anonymous).require(Role::Editor)?;
        if text.chars().count() > MAX_REPORT_CHARS {
            return Err(AppError::limit(
                "report text",
                MAX_REPORT_CHARS,
                format!("text: a report is read up to {MAX_REPORT_CHARS} characters"),
            )
            .into());
        }
        let source = source.unwrap_or_default();
        if let Some(url) = &source.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(AppError::bad_input("source.url", "source.url: an http or https address").into());
        }
        let given = extract::Source {
            url: source.url,
            published_on: source.published_on.map(|d| d.0),
            publisher: source.publisher,
            area: source.area,
        };
        let draft = extract::extract(&text, &given);
        let mut file = draft_file(&draft);
        match_stored(db(ctx)?, &mut file, draft.source.area.as_deref()).await?;
        let dataset = serde_json::to_string_pretty(&file).map_err(|e| AppError::internal(e.to_string()))?;
        Ok(ExtractedReport {
            meetings: draft.meetings.iter().map(|m| meeting(&draft, m)).collect(),
            review: file.review.into_iter().map(review_item).collect(),
            dataset,
            text: draft.text.clone(),
        })
    }
}
