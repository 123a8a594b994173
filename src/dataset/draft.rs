//! A drafted report as a dataset file (`govtrail extract --format draft`): the records the
//! report states (its source, the bodies, posts and officials it names, its conferences with
//! chairs and participants, the documents and tasks), each citing the report with the words
//! that state it and where they stand, and a `review` list of what a person must look at before
//! importing it: what was inferred, what is missing, what is ambiguous.

use super::format::{
    Attestation, Citation, Conference, ConferenceDirective, Dataset, DetailedCitation, Directive, Official,
    Organization, Participant, Post, Source, Task, Tenure,
};
use crate::domain::extract::names::canonical;
use crate::domain::extract::{Draft, Meeting, Span, vocabulary};
use crate::domain::text::{fold, search_form, slug};
use crate::domain::vocabulary::{ConferenceKind, OrganizationKind};
use crate::error::AppResult;
use crate::store::matching;
use entity::{area, official, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Something of the draft a person should look at before importing it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    /// Where in the file: "conferences[0].date", "officials[2]".
    pub place: String,
    /// What kind of point: INFERRED, MISSING, NEW, MATCHED, AMBIGUOUS, UNLINKED.
    pub kind: String,
    /// What to look at, in English words.
    pub message: String,
    /// Why, as a stable name, for pages that word it in their own language: new_body,
    /// new_official, new_document, year_missing, year_inferred, document_unlinked,
    /// deadline_unknown, matched, ambiguous.
    pub reason: String,
    /// The values the reason names: `name`, `kind`, `key`, `basis` and `value` (of an inferred
    /// year), `why` with `post` and `body` (of a match), `count` and `candidates`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
    /// The words of the report it rests on, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The stored records an AMBIGUOUS one could be, to choose from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
}

/// Every `reason` a review point may give.
pub const REVIEW_REASONS: [&str; 9] = [
    "new_body",
    "new_official",
    "new_document",
    "year_missing",
    "year_inferred",
    "document_unlinked",
    "deadline_unknown",
    "matched",
    "ambiguous",
];

/// Every `why` of a MATCHED point.
pub const MATCH_GROUNDS: [&str; 4] = ["same_name_in_area", "holds_post", "held_post_in", "same_document"];

impl ReviewItem {
    fn new(place: String, kind: &str, reason: &str, message: String, quote: Option<&str>) -> Self {
        ReviewItem {
            place,
            kind: kind.to_owned(),
            message,
            reason: reason.to_owned(),
            details: BTreeMap::new(),
            quote: quote.map(str::to_owned),
            candidates: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.details.insert(name.to_owned(), value.into());
        self
    }
}

/// A stored record a drafted one could be.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Candidate {
    /// Its dataset key.
    pub key: String,
    /// Its name or title.
    pub name: String,
}

/// A draft file: a dataset plus its review list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftFile {
    /// The records.
    #[serde(flatten)]
    pub dataset: Dataset,
    /// What to review before importing.
    pub review: Vec<ReviewItem>,
}

struct Builder<'d> {
    draft: &'d Draft,
    source_key: String,
    area_suffix: String,
    organizations: BTreeMap<String, Organization>,
    posts: BTreeMap<String, Post>,
    officials: BTreeMap<String, Official>,
    directives: BTreeMap<String, Directive>,
    review: Vec<ReviewItem>,
}

/// The words of a span as a citation of the report, with its character offsets as locator.
fn cite(draft: &Draft, source: &str, span: Span) -> Citation {
    Citation::Detailed(DetailedCitation {
        source: source.to_owned(),
        quote: Some(draft.quote(span).to_owned()),
        locator: Some(format!("chars {}-{}", draft.char_offset(span.start), draft.char_offset(span.end))),
    })
}

/// The words from a person's name to the words giving the role ("Lò Văn Mạnh, Phó Bí thư …
/// chủ trì"), one citation for the participation; the name alone when they stand far apart.
fn mention(name: Span, role: Span) -> Span {
    let (start, end) = (name.start.min(role.start), name.end.max(role.end));
    if end - start <= 600 { Span { start, end } } else { name }
}

/// The kind of a body from its printed name.
pub fn organization_kind(name: &str) -> OrganizationKind {
    let folded = fold(name);
    let starts = |p: &str| folded.starts_with(p);
    let has = |p: &str| folded.split(' ').any(|w| w == p) || folded.contains(p);
    if starts("cac ") || folded.contains(',') {
        OrganizationKind::Group
    } else if starts("ban thuong vu") || starts("btv") || starts("thuong truc tinh uy") || starts("thuong vu") {
        OrganizationKind::StandingCommittee
    } else if starts("ban chi dao") || starts("bcd") {
        OrganizationKind::SteeringCommittee
    } else if starts("ban bi thu") {
        OrganizationKind::Secretariat
    } else if has("hdnd") || has("hoi dong nhan dan") {
        OrganizationKind::PeoplesCouncil
    } else if has("ubnd") || has("uy ban nhan dan") {
        OrganizationKind::PeoplesCommittee
    } else if has("mttq") || has("mat tran") {
        OrganizationKind::FatherlandFront
    } else if canonical(name) == "trung uong" {
        OrganizationKind::PartyCommittee
    } else if starts("ban chap hanh")
        || starts("bch")
        || ["tinh uy", "huyen uy", "thanh uy", "thi uy", "dang uy"].iter().any(|p| starts(p))
    {
        OrganizationKind::PartyCommittee
    } else if starts("ban ") {
        OrganizationKind::Commission
    } else if starts("so ") {
        OrganizationKind::Department
    } else if has("chinh phu") {
        OrganizationKind::Government
    } else {
        OrganizationKind::Other
    }
}

/// The kind of a meeting from its printed kind.
pub fn conference_kind(kind: Option<&str>) -> ConferenceKind {
    let folded = kind.map(fold).unwrap_or_default();
    if folded.contains("chuyen de") {
        ConferenceKind::ThematicConference
    } else if folded.contains("dai hoi") {
        ConferenceKind::Congress
    } else if folded.contains("ky hop") {
        ConferenceKind::CouncilSession
    } else if folded.contains("lam viec") {
        ConferenceKind::WorkingSession
    } else if folded.contains("tiep xuc") || folded.contains("doi thoai") {
        ConferenceKind::Dialogue
    } else if folded.contains("hop") {
        ConferenceKind::Meeting
    } else if folded.contains("hoi nghi") || folded.contains("giao ban") || folded.is_empty() {
        ConferenceKind::Conference
    } else {
        ConferenceKind::Other
    }
}

/// A printed post split into the role and the body it is in: "Phó Bí thư Tỉnh ủy" is "Phó Bí
/// thư" of "Tỉnh ủy"; `None` when the title names no body ("TUV", "Phó bí thư").
pub fn role_and_body(title: &str) -> Option<(String, String)> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let folded: Vec<String> = words.iter().map(|w| vocabulary::fold_word(w)).collect();
    let (mut n, _) = vocabulary::section("title-heads").longest_prefix(&folded)?;
    // "Trưởng Ban Dân vận …", "Trưởng đoàn ĐBQH …": the body's name starts with its own noun.
    if n > 1 && matches!(folded[n - 1].as_str(), "ban" | "doan" | "phong") {
        n -= 1;
    }
    // "Phó Chủ tịch Thường trực HĐND tỉnh": the standing deputy is the role.
    if folded.get(n).is_some_and(|w| w == "thuong")
        && folded.get(n + 1).is_some_and(|w| w == "truc")
        && n + 2 < words.len()
    {
        n += 2;
    }
    (n < words.len()).then(|| (words[..n].join(" "), words[n..].join(" ")))
}

impl<'d> Builder<'d> {
    fn key(&self, base: &str) -> String {
        let mut key = slug(base);
        key.truncate(80);
        format!("{}{}", key.trim_end_matches('-'), self.area_suffix)
    }

    fn organization(&mut self, name: &str, span: Span) -> String {
        // A central body keeps its key whatever province reports it.
        let key = if canonical(name).split(' ').any(|w| w == "trung") && canonical(name).contains("trung uong") {
            let mut key = slug(name);
            key.truncate(80);
            key
        } else {
            self.key(name)
        };
        if !self.organizations.contains_key(&key) {
            let kind = organization_kind(name).as_str();
            let message = format!(
                "a new body \"{name}\" of kind {kind}: check the kind, or use the key of the stored body it is"
            );
            self.review.push(
                ReviewItem::new(
                    format!("organizations[{key}]"),
                    "NEW",
                    "new_body",
                    message,
                    Some(self.draft.quote(span)),
                )
                .with("name", name)
                .with("kind", kind),
            );
            self.organizations
                .insert(key.clone(), Organization::new(key.clone(), name.to_owned(), organization_kind(name)));
        }
        key
    }

    fn post(&mut self, title: &str, span: Span) -> Option<String> {
        let (role, body) = role_and_body(title)?;
        let organization = self.organization(&body, span);
        let key = format!("{}-{}", slug(&role), organization);
        self.posts.entry(key.clone()).or_insert_with(|| Post {
            key: key.clone(),
            title: title.to_owned(),
            organization,
            seats: None,
        });
        Some(key)
    }

    fn meeting(&mut self, index: usize, meeting: &Meeting) -> (Conference, Vec<Task>) {
        let draft = self.draft;
        let source = self.source_key.clone();
        let title = meeting.title.as_ref().map_or_else(|| "Hội nghị".to_owned(), |t| t.value.clone());
        let date = match meeting.date.year {
            Some(year) => format!("{year:04}-{:02}-{:02}", meeting.date.month, meeting.date.day),
            None => {
                self.review.push(ReviewItem::new(
                    format!("conferences[{index}].date"),
                    "MISSING",
                    "year_missing",
                    "the report prints no year for this meeting and none could be inferred: write the year (YYYY-MM-DD), or import will refuse the file".to_owned(),
                    Some(draft.quote(meeting.date.span)),
                ));
                format!("--{:02}-{:02}", meeting.date.month, meeting.date.day)
            }
        };
        if let Some(basis) = &meeting.date.basis {
            let (name, value) = basis.reason();
            self.review.push(
                ReviewItem::new(
                    format!("conferences[{index}].date"),
                    "INFERRED",
                    "year_inferred",
                    format!("the year is inferred from {}", basis.note()),
                    Some(draft.quote(meeting.date.span)),
                )
                .with("basis", name)
                .with("value", value),
            );
        }
        let key = format!(
            "{}-{}",
            self.key(&title.split_whitespace().take(8).collect::<Vec<_>>().join(" ")),
            date.trim_start_matches('-')
        );
        let organizers: Vec<String> = meeting.organizers.iter().map(|o| self.organization(&o.value, o.span)).collect();
        let mut participants = Vec::new();
        for person in &meeting.people {
            let official = self.key(&person.name.value);
            self.officials.entry(official.clone()).or_insert_with(|| Official {
                key: official.clone(),
                name: person.name.value.clone(),
                tenures: Vec::new(),
            });
            for title in &person.titles {
                let Some(post) = self.post(&title.value, title.span) else { continue };
                let attested = meeting.date.date().map(|day| Attestation {
                    source: source.clone(),
                    on: day.to_string(),
                    title: Some(title.value.clone()),
                    quote: Some(draft.quote(title.span).to_owned()),
                });
                let Some(official) = self.officials.get_mut(&official) else { continue };
                match official.tenures.iter_mut().find(|t| t.post == post) {
                    Some(tenure) => tenure.attested.extend(attested),
                    None => official.tenures.push(Tenure {
                        post,
                        started_on: None,
                        ended_on: None,
                        sources: Vec::new(),
                        attested: attested.into_iter().collect(),
                    }),
                }
            }
            participants.push(Participant {
                official,
                role: person.role.as_str().to_owned(),
                capacity: (!person.titles.is_empty())
                    .then(|| person.titles.iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join(", ")),
                organization: None,
                sources: vec![cite(draft, &source, mention(person.name.span, person.role_span))],
            });
        }
        let mut directives = Vec::new();
        for document in &meeting.documents {
            let label = match (&document.code, &document.number) {
                (Some(code), _) => code.clone(),
                (None, Some(number)) => number.clone(),
                (None, None) => continue,
            };
            let key = match &document.code {
                Some(code) => self.key(code),
                None => self.key(&format!(
                    "{} {label} {}",
                    document.kind.as_str(),
                    document.issuer.as_deref().unwrap_or("")
                )),
            };
            let issuer = document.issuer.as_ref().map(|i| self.organization(i, document.span));
            self.directives.entry(key.clone()).or_insert_with(|| Directive {
                key: key.clone(),
                code: document.code.clone(),
                kind: Some(document.kind.as_str().to_owned()),
                number: document.number.clone(),
                title: document.title.clone().unwrap_or_else(|| draft.quote(document.span).to_owned()),
                issuer,
                issued_on: document.issued_on.map(|d| d.to_string()),
                period_start: None,
                period_end: None,
                status: None,
                links: Vec::new(),
                sources: vec![cite(draft, &source, document.span)],
            });
            match document.relation {
                Some(relation) => directives.push(ConferenceDirective {
                    directive: key,
                    relation: relation.as_str().to_owned(),
                    sources: vec![cite(draft, &source, document.span)],
                }),
                None => self.review.push(ReviewItem::new(
                    format!("directives[{key}]"),
                    "UNLINKED",
                    "document_unlinked",
                    "the report names this document without saying how the meeting dealt with it: link it to the conference if it should be".to_owned(),
                    Some(draft.quote(document.span)),
                )),
            }
        }
        let mut tasks = Vec::new();
        for (t, task) in meeting.tasks.iter().enumerate() {
            let assignees = task
                .assignees
                .iter()
                .map(|a| super::format::Actor {
                    organization: Some(self.organization(&a.value, a.span)),
                    official: None,
                    sources: vec![cite(draft, &source, a.span)],
                })
                .collect();
            tasks.push(Task {
                key: format!("{key}-task-{}", t + 1),
                title: task.title.clone(),
                description: None,
                status: None,
                due_on: task.due_on.map(|d| d.to_string()),
                time_zone: None,
                conference: Some(key.clone()),
                assigned_by: None,
                directive: None,
                assignees,
                updates: Vec::new(),
                sources: vec![cite(draft, &source, task.span)],
            });
            if task.due_on.is_none()
                && let Some(words) = &task.due_text
            {
                self.review.push(ReviewItem::new(
                    format!("tasks[{key}-task-{}].dueOn", t + 1),
                    "MISSING",
                    "deadline_unknown",
                    "the deadline's words name no day that can be known".to_owned(),
                    Some(draft.quote(words.span)),
                ));
            }
        }
        let conference = Conference {
            key,
            title,
            kind: conference_kind(meeting.kind.as_ref().map(|k| k.value.as_str())).as_str().to_owned(),
            format: meeting.format.as_ref().map(|f| f.value.as_str().to_owned()),
            date,
            date_inferred: meeting.date.inferred,
            date_note: meeting.date.note(),
            part_of_day: meeting.part_of_day.map(|p| p.as_str().to_owned()),
            starts_at: None,
            ends_at: None,
            time_zone: None,
            venue: None,
            area: None,
            organizers,
            participants,
            bodies: Vec::new(),
            directives,
            sources: vec![cite(draft, &source, meeting.span)],
        };
        (conference, tasks)
    }
}

/// The draft of a read report as a dataset file and its review list. Every record is new here;
/// matching against stored records replaces keys with the stored ones.
pub fn draft_file(draft: &Draft) -> DraftFile {
    let url = draft.source.url.clone();
    let published = draft.source.published_on;
    let source_key = format!(
        "report-{}",
        url.as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| published.map_or_else(|| "draft".to_owned(), |d| d.to_string()))
    );
    let area_suffix = draft.source.area.as_deref().map(|a| format!("-{}", slug(a))).unwrap_or_default();
    let mut builder = Builder {
        draft,
        source_key: source_key.chars().take(100).collect(),
        area_suffix,
        organizations: BTreeMap::new(),
        posts: BTreeMap::new(),
        officials: BTreeMap::new(),
        directives: BTreeMap::new(),
        review: Vec::new(),
    };
    let mut conferences = Vec::new();
    let mut tasks = Vec::new();
    for (index, meeting) in draft.meetings.iter().enumerate() {
        let (conference, more) = builder.meeting(index, meeting);
        conferences.push(conference);
        tasks.extend(more);
    }
    let title = draft
        .meetings
        .first()
        .and_then(|m| m.title.as_ref().map(|t| t.value.clone()))
        .unwrap_or_else(|| "Báo cáo".to_owned());
    let source = Source {
        key: builder.source_key.clone(),
        title,
        url,
        publisher: draft.source.publisher.clone(),
        published_at: None,
        published_on: published.map(|d| d.to_string()),
        author: None,
    };
    DraftFile {
        dataset: Dataset {
            sources: vec![source],
            areas: Vec::new(),
            organizations: builder.organizations.into_values().collect(),
            posts: builder.posts.into_values().collect(),
            officials: builder.officials.into_values().collect(),
            directives: builder.directives.into_values().collect(),
            conferences,
            tasks,
            review: None,
        },
        review: builder.review,
    }
}

/// How a drafted record stands against what is stored.
enum Standing {
    New,
    Matched { key: String, name: String, why: Why },
    Ambiguous(Vec<Candidate>),
}

/// Why a drafted record is taken for a stored one.
enum Why {
    /// A body: the same name, in the report's area or one around it.
    SameNameInArea,
    /// An official: the same name, holding the post the report prints.
    HoldsPost(String),
    /// An official: the same name, having held this post in this body of the report's area.
    HeldPostIn(String, String),
    /// A document: the same kind, number and issuer.
    SameDocument,
}

impl Why {
    fn english(&self) -> String {
        match self {
            Why::SameNameInArea => "the same name in the report's area".to_owned(),
            Why::HoldsPost(post) => format!("same name, and holds {post} as the report prints"),
            Why::HeldPostIn(post, body) => format!("same name, and held {post} in {body}"),
            Why::SameDocument => "the same kind, number and issuer".to_owned(),
        }
    }

    fn details(&self, item: ReviewItem) -> ReviewItem {
        match self {
            Why::SameNameInArea => item.with("why", "same_name_in_area"),
            Why::HoldsPost(post) => item.with("why", "holds_post").with("post", post),
            Why::HeldPostIn(post, body) => item.with("why", "held_post_in").with("post", post).with("body", body),
            Why::SameDocument => item.with("why", "same_document"),
        }
    }
}

/// The report's area and the areas around it: its own and those below (where its bodies are),
/// and those above (national bodies a provincial report names).
struct Scope {
    area: Option<area::Model>,
    below: HashSet<i32>,
    above: HashSet<i32>,
    names: HashMap<i32, String>,
}

impl Scope {
    async fn read(db: &DatabaseConnection, area: Option<&str>) -> AppResult<Scope> {
        let parents = matching::area_parents(db).await?;
        let names = parents.iter().map(|(id, (_, name))| (*id, name.clone())).collect();
        let Some(area) = (match area {
            Some(text) => matching::area(db, text).await?,
            None => None,
        }) else {
            return Ok(Scope { area: None, below: HashSet::new(), above: HashSet::new(), names });
        };
        let mut above = HashSet::new();
        let mut at = Some(area.id);
        while let Some(id) = at {
            if !above.insert(id) {
                break;
            }
            at = parents.get(&id).and_then(|p| p.0);
        }
        let pairs: Vec<(i32, Option<i32>)> = parents.iter().map(|(id, (parent, _))| (*id, *parent)).collect();
        let below = crate::store::lists::descendants(area.id, &pairs).into_iter().collect();
        Ok(Scope { area: Some(area), below, above, names })
    }

    fn holds(&self, area: Option<i32>) -> bool {
        match (area, &self.area) {
            (_, None) | (None, _) => true,
            (Some(id), Some(_)) => self.below.contains(&id) || self.above.contains(&id),
        }
    }

    fn local(&self, area: Option<i32>) -> bool {
        area.is_some_and(|id| self.below.contains(&id))
    }
}

fn same_name(printed: &str, stored: &organization::Model, scope: &Scope) -> bool {
    let printed_form = canonical(printed);
    let area_name = stored.area_id.and_then(|id| scope.names.get(&id));
    canonical(&stored.name) == printed_form
        || stored.short_name.as_deref().is_some_and(|s| canonical(s) == printed_form)
        || area_name.is_some_and(|area| canonical(&format!("{printed} {area}")) == canonical(&stored.name))
}

fn decide<T>(
    mut candidates: Vec<T>,
    local: impl Fn(&T) -> bool,
    describe: impl Fn(&T) -> Candidate,
) -> Result<T, Vec<Candidate>> {
    if candidates.len() == 1
        && let Some(only) = candidates.pop()
    {
        return Ok(only);
    }
    let (mut here, rest): (Vec<T>, Vec<T>) = candidates.into_iter().partition(|c| local(c));
    if here.len() == 1 {
        return Ok(here.remove(0));
    }
    Err(here.iter().chain(rest.iter()).map(describe).collect())
}

fn set_review(review: &mut [ReviewItem], place: &str, standing: &Standing) {
    let Some(item) = review.iter_mut().find(|r| r.place == place && r.kind == "NEW") else { return };
    match standing {
        Standing::New => {}
        Standing::Matched { key, name, why } => {
            let matched = ReviewItem::new(
                item.place.clone(),
                "MATCHED",
                "matched",
                format!("the stored \"{name}\" (key {key}): {}", why.english()),
                item.quote.as_deref(),
            );
            *item = why.details(matched.with("name", name).with("key", key));
        }
        Standing::Ambiguous(candidates) => {
            let listed = candidates.iter().map(|c| format!("{} \"{}\"", c.key, c.name)).collect::<Vec<_>>().join("; ");
            let message = format!(
                "{} stored records could be this one; it is drafted as new: replace its key with the right one's, or keep it new ({listed})",
                candidates.len(),
            );
            let mut ambiguous =
                ReviewItem::new(item.place.clone(), "AMBIGUOUS", "ambiguous", message, item.quote.as_deref())
                    .with("count", candidates.len().to_string())
                    .with("candidates", listed);
            ambiguous.candidates = candidates.clone();
            *item = ambiguous;
        }
    }
}

/// Matches the drafted bodies, posts, officials and documents with stored records: a record
/// matched is referred to by its stored key (bodies, posts and documents are then not written
/// again; an official keeps its entry so its new tenures and attestations are added); one that
/// several stored records could be stays new, with the candidates in the review. A body is
/// matched by its name (abbreviations and spellings aside, with or without its area's name)
/// within the report's area and the areas above it; an official by name only together with a
/// post or a place: two people with one name in different provinces are never matched by
/// name alone.
pub async fn match_stored(db: &DatabaseConnection, file: &mut DraftFile, area: Option<&str>) -> AppResult<()> {
    let scope = Scope::read(db, area).await?;
    let mut renamed: HashMap<String, String> = HashMap::new();
    // Bodies.
    let mut kept = Vec::new();
    for org in std::mem::take(&mut file.dataset.organizations) {
        let candidates: Vec<organization::Model> = matching::organizations_with_words(db, &org.name)
            .await?
            .into_iter()
            .filter(|o| same_name(&org.name, o, &scope) && scope.holds(o.area_id))
            .collect();
        let standing = if candidates.is_empty() {
            Standing::New
        } else {
            match decide(
                candidates,
                |o| scope.local(o.area_id),
                |o| Candidate { key: o.key.clone(), name: o.name.clone() },
            ) {
                Ok(o) => Standing::Matched { key: o.key.clone(), name: o.name.clone(), why: Why::SameNameInArea },
                Err(list) => Standing::Ambiguous(list),
            }
        };
        set_review(&mut file.review, &format!("organizations[{}]", org.key), &standing);
        match standing {
            Standing::Matched { key, .. } => {
                renamed.insert(org.key.clone(), key);
            }
            _ => {
                let mut org = org;
                if org.area.is_none() && !canonical(&org.name).contains("trung uong") {
                    org.area = scope.area.as_ref().map(|a| a.key.clone());
                }
                kept.push(org);
            }
        }
    }
    file.dataset.organizations = kept;
    let rename = |key: &mut String, renamed: &HashMap<String, String>| {
        if let Some(stored) = renamed.get(key) {
            *key = stored.clone();
        }
    };
    // Posts of matched bodies: the stored post of that title, if any (each body's posts read
    // once, however many of the draft's posts it has).
    let mut posts = Vec::new();
    let mut posts_of: HashMap<String, Vec<entity::post::Model>> = HashMap::new();
    for mut post in std::mem::take(&mut file.dataset.posts) {
        rename(&mut post.organization, &renamed);
        if !posts_of.contains_key(&post.organization) {
            let body = organization::Entity::find()
                .filter(organization::Column::Key.eq(post.organization.clone()))
                .one(db)
                .await?;
            let stored = match body {
                Some(body) => matching::posts_of(db, body.id).await?,
                None => Vec::new(),
            };
            posts_of.insert(post.organization.clone(), stored);
        }
        if let Some(stored) = posts_of
            .get(&post.organization)
            .and_then(|stored| stored.iter().find(|p| canonical(&p.title) == canonical(&post.title)))
        {
            let stored = stored.clone();
            renamed.insert(post.key.clone(), stored.key);
            continue;
        }
        posts.push(post);
    }
    file.dataset.posts = posts;
    // Officials: by name, confirmed by a post they hold or a place they served.
    let mut official_names: HashMap<String, String> = HashMap::new();
    for official in &mut file.dataset.officials {
        for tenure in &mut official.tenures {
            rename(&mut tenure.post, &renamed);
        }
        let candidates = matching::officials_named(db, &official.name).await?;
        if candidates.is_empty() {
            continue;
        }
        let held = matching::posts_held(db, &candidates.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
        let drafted_posts: HashSet<&str> = official.tenures.iter().map(|t| t.post.as_str()).collect();
        let confirm = |c: &official::Model| -> Option<Why> {
            let theirs = held.iter().filter(|(id, _, _)| *id == c.id);
            for (_, post, body) in theirs.clone() {
                if drafted_posts.contains(post.key.as_str()) {
                    return Some(Why::HoldsPost(post.title.clone()));
                }
                if scope.local(body.area_id) {
                    return Some(Why::HeldPostIn(post.title.clone(), body.name.clone()));
                }
            }
            None
        };
        let mut confirmed: Vec<(&official::Model, Why)> =
            candidates.iter().filter_map(|c| confirm(c).map(|why| (c, why))).collect();
        let standing = match confirmed.len() {
            1 => {
                let (official, why) = confirmed.remove(0);
                Standing::Matched { key: official.key.clone(), name: official.name.clone(), why }
            }
            _ => Standing::Ambiguous(
                candidates.iter().map(|c| Candidate { key: c.key.clone(), name: c.name.clone() }).collect(),
            ),
        };
        let place = format!("officials[{}]", official.key);
        if !file.review.iter().any(|r| r.place == place) {
            file.review.push(ReviewItem::new(place.clone(), "NEW", "new_official", String::new(), None));
        }
        set_review(&mut file.review, &place, &standing);
        if let Standing::Matched { key, name, .. } = standing {
            official_names.insert(official.key.clone(), key.clone());
            official.key = key;
            official.name = name;
        }
    }
    file.review.retain(|r| !(r.kind == "NEW" && r.message.is_empty()));
    // Documents: kind and number, the code alike, by the same issuer or in the report's area.
    let mut directives = Vec::new();
    let mut issuers: HashMap<i32, Option<organization::Model>> = HashMap::new();
    for mut directive in std::mem::take(&mut file.dataset.directives) {
        if let Some(issuer) = &mut directive.issuer {
            rename(issuer, &renamed);
        }
        let (Some(kind), Some(number)) = (directive.kind.clone(), directive.number.clone()) else {
            directives.push(directive);
            continue;
        };
        let code_form = |code: &str| search_form(code).replace([' ', '-'], "").trim_start_matches('0').to_owned();
        let mut candidates = Vec::new();
        for stored in matching::directives_numbered(db, &kind, &number).await? {
            let same_code = match (&directive.code, &stored.code) {
                (Some(a), Some(b)) => code_form(a) == code_form(b),
                _ => true,
            };
            let issuer = match stored.issuer_id {
                Some(id) => {
                    if !issuers.contains_key(&id) {
                        issuers.insert(id, organization::Entity::find_by_id(id).one(db).await?);
                    }
                    issuers.get(&id).cloned().flatten()
                }
                None => None,
            };
            let same_issuer = match (&directive.issuer, &issuer) {
                (Some(drafted), Some(stored)) => *drafted == stored.key,
                (None, Some(stored)) => scope.area.is_some() && scope.local(stored.area_id),
                _ => false,
            };
            if same_code && same_issuer {
                candidates.push(stored);
            }
        }
        let standing = match candidates.len() {
            0 => Standing::New,
            1 => Standing::Matched {
                key: candidates[0].key.clone(),
                name: candidates[0].title.clone(),
                why: Why::SameDocument,
            },
            _ => Standing::Ambiguous(
                candidates.iter().map(|c| Candidate { key: c.key.clone(), name: c.title.clone() }).collect(),
            ),
        };
        let place = format!("directives[{}]", directive.key);
        file.review.push(ReviewItem::new(place.clone(), "NEW", "new_document", "a new document".to_owned(), None));
        set_review(&mut file.review, &place, &standing);
        match standing {
            Standing::Matched { key, .. } => {
                renamed.insert(directive.key.clone(), key);
            }
            _ => directives.push(directive),
        }
    }
    file.dataset.directives = directives;
    renamed.extend(official_names);
    for conference in &mut file.dataset.conferences {
        conference.organizers.iter_mut().for_each(|k| rename(k, &renamed));
        conference.participants.iter_mut().for_each(|p| rename(&mut p.official, &renamed));
        conference.directives.iter_mut().for_each(|d| rename(&mut d.directive, &renamed));
        if conference.area.is_none() {
            conference.area = scope.area.as_ref().map(|a| a.key.clone());
        }
    }
    for task in &mut file.dataset.tasks {
        for assignee in &mut task.assignees {
            if let Some(org) = &mut assignee.organization {
                rename(org, &renamed);
            }
        }
    }
    Ok(())
}
