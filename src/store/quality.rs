//! Data issues a careful researcher would flag: overlapping tenures on a post with a known
//! number of seats, tenures outside the life of their organization, tenures attested once with
//! open bounds, titles printed for one official on one day that contradict, officials who share
//! a name, conferences with no chair or with an inferred date and no note, tasks with no due
//! date or no assignee, and facts that cite no source.
//!
//! A page is read kind by kind, in the order of [`DataIssueKind`]: the kinds a query can say
//! (no chair, no due date, no assignee, no source) are counted and paged by the database, so
//! a page costs what it holds whatever the tables hold; the two that need date reasoning
//! stream the tenures once and keep only what they flag.

use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::domain::tenure::stored;
use crate::domain::vocabulary::ParticipationRole;
use crate::error::AppResult;
use chrono::{Days, NaiveDate};
use entity::*;
use futures::{Stream, TryStreamExt};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum)]
pub enum DataIssueKind {
    /// More people hold a post at once than it has seats.
    OverlappingTenures,
    /// A tenure starts before its organization was founded or runs past its end.
    TenureOutsideOrganizationLife,
    /// A tenure with open bounds attested on one day only: every other day is only POSSIBLE.
    TenureAttestedOnce,
    /// Titles printed for one official on one day that neither include the other ("Phó Bí thư
    /// Tỉnh ủy" and "Bí thư Tỉnh ủy").
    ContradictoryTitles,
    /// Officials who share a name: possibly one person recorded twice, possibly two people
    /// (often in different provinces); never merged by name alone.
    PossibleDuplicateOfficial,
    /// A conference whose date was inferred with no note saying from what.
    InferredDateWithoutNote,
    /// A conference with no chair recorded.
    ConferenceWithoutChair,
    /// A task with no due date.
    TaskWithoutDueDate,
    /// A task with no assignee.
    TaskWithoutAssignee,
    /// A conference, participation, tenure, directive or task that cites no source.
    FactWithoutSource,
}

/// A node an issue is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Involved {
    /// A tenure.
    Tenure(i32),
    /// An official.
    Official(i32),
    /// An organization.
    Organization(i32),
    /// A post.
    Post(i32),
    /// A conference.
    Conference(i32),
    /// A participation.
    Participation(i32),
    /// A directive.
    Directive(i32),
    /// A task.
    Task(i32),
}

/// One issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataIssue {
    /// What is wrong.
    pub kind: DataIssueKind,
    /// What is wrong, for a person to read.
    pub message: String,
    /// The nodes involved.
    pub nodes: Vec<Involved>,
}

/// The issues of one page and how many there are in all.
#[derive(Debug)]
pub struct IssuePage {
    /// How many issues there are of the kinds asked for.
    pub total: usize,
    /// The issues from the offset asked for, at most the limit asked for.
    pub issues: Vec<DataIssue>,
}

/// Where a stretch of a page lies within one part of the list.
#[derive(Clone, Copy)]
struct Window {
    skip: usize,
    take: usize,
}

impl Window {
    /// How many items a part computed in full holds, and those within the window.
    fn page<T>(self, items: Vec<T>) -> (usize, Vec<T>) {
        let count = items.len();
        (count, items.into_iter().skip(self.skip).take(self.take).collect())
    }
}

/// The parts of the list, in its order: by kind, then by the nodes involved.
#[derive(Clone, Copy)]
enum Part {
    Overlapping,
    OutsideLife,
    AttestedOnce,
    Contradictory,
    SameName,
    InferredDate,
    WithoutChair,
    WithoutDueDate,
    WithoutAssignee,
    UncitedTenure,
    UncitedConference,
    UncitedParticipation,
    UncitedDirective,
    UncitedTask,
}

impl Part {
    const ALL: [Part; 14] = [
        Part::Overlapping,
        Part::OutsideLife,
        Part::AttestedOnce,
        Part::Contradictory,
        Part::SameName,
        Part::InferredDate,
        Part::WithoutChair,
        Part::WithoutDueDate,
        Part::WithoutAssignee,
        Part::UncitedTenure,
        Part::UncitedConference,
        Part::UncitedParticipation,
        Part::UncitedDirective,
        Part::UncitedTask,
    ];

    fn kind(self) -> DataIssueKind {
        match self {
            Part::Overlapping => DataIssueKind::OverlappingTenures,
            Part::OutsideLife => DataIssueKind::TenureOutsideOrganizationLife,
            Part::AttestedOnce => DataIssueKind::TenureAttestedOnce,
            Part::Contradictory => DataIssueKind::ContradictoryTitles,
            Part::SameName => DataIssueKind::PossibleDuplicateOfficial,
            Part::InferredDate => DataIssueKind::InferredDateWithoutNote,
            Part::WithoutChair => DataIssueKind::ConferenceWithoutChair,
            Part::WithoutDueDate => DataIssueKind::TaskWithoutDueDate,
            Part::WithoutAssignee => DataIssueKind::TaskWithoutAssignee,
            _ => DataIssueKind::FactWithoutSource,
        }
    }

    /// How many issues the part holds, and those within `window`.
    async fn read(self, db: &DatabaseConnection, window: Window) -> AppResult<(usize, Vec<DataIssue>)> {
        match self {
            Part::Overlapping => {
                let (count, page) = window.page(overlapping(db).await?);
                let posts = page.iter().map(|(post, _, _)| *post).collect();
                let titles = names::<post::Entity>(db, post::Column::Id, post::Column::Title, posts).await?;
                let issues = page
                    .into_iter()
                    .map(|(post, seats, stretch)| DataIssue {
                        kind: DataIssueKind::OverlappingTenures,
                        message: format!(
                            "{} tenures of \"{}\" overlap from {} to {}, but the post has {seats} seat(s)",
                            stretch.tenures.len(),
                            titles.get(&post).map_or("?", String::as_str),
                            stretch.from,
                            stretch.to.map_or("now".to_owned(), |d| d.to_string()),
                        ),
                        nodes: std::iter::once(Involved::Post(post))
                            .chain(stretch.tenures.into_iter().map(Involved::Tenure))
                            .collect(),
                    })
                    .collect();
                Ok((count, issues))
            }
            Part::OutsideLife => {
                let (count, page) = window.page(outside_life(db).await?);
                let organizations = page.iter().map(|o| o.organization).collect();
                let names = names::<organization::Entity>(
                    db,
                    organization::Column::Id,
                    organization::Column::Name,
                    organizations,
                )
                .await?;
                let span = |d: Option<PartialDate>| d.map_or("?".to_owned(), |d| d.to_string());
                let issues = page
                    .into_iter()
                    .map(|o| DataIssue {
                        kind: DataIssueKind::TenureOutsideOrganizationLife,
                        message: format!(
                            "a tenure from {} to {} lies outside the life of \"{}\" ({} to {})",
                            span(o.start),
                            o.end.map_or("now".to_owned(), |d| d.to_string()),
                            names.get(&o.organization).map_or("?", String::as_str),
                            span(o.founded),
                            span(o.ended)
                        ),
                        nodes: vec![Involved::Tenure(o.tenure), Involved::Organization(o.organization)],
                    })
                    .collect();
                Ok((count, issues))
            }
            Part::AttestedOnce => {
                let (count, page) = window.page(attested_once(db).await?);
                let issues = page
                    .into_iter()
                    .map(|(tenure, day)| DataIssue {
                        kind: DataIssueKind::TenureAttestedOnce,
                        message: match day {
                            Some(day) => format!("a tenure with no stated bounds is attested on {day} only"),
                            None => "a tenure with no stated bounds is attested on no day".to_owned(),
                        },
                        nodes: vec![Involved::Tenure(tenure)],
                    })
                    .collect();
                Ok((count, issues))
            }
            Part::Contradictory => {
                let (count, page) = window.page(contradictory_titles(db).await?);
                let issues = page
                    .into_iter()
                    .map(|c| DataIssue {
                        kind: DataIssueKind::ContradictoryTitles,
                        message: format!(
                            "on {} one official is printed as \"{}\" and as \"{}\"",
                            c.day, c.titles.0, c.titles.1
                        ),
                        nodes: std::iter::once(Involved::Official(c.official))
                            .chain(c.participations.into_iter().map(Involved::Participation))
                            .collect(),
                    })
                    .collect();
                Ok((count, issues))
            }
            Part::SameName => {
                let (count, page) = window.page(same_names(db).await?);
                let issues = page
                    .into_iter()
                    .map(|(name, ids)| DataIssue {
                        kind: DataIssueKind::PossibleDuplicateOfficial,
                        message: format!(
                            "{} officials are named \"{name}\": one person recorded twice, or namesakes (merge only on evidence)",
                            ids.len()
                        ),
                        nodes: ids.into_iter().map(Involved::Official).collect(),
                    })
                    .collect();
                Ok((count, issues))
            }
            Part::InferredDate => {
                let select = conference::Entity::find()
                    .filter(conference::Column::DateInferred.eq(true))
                    .filter(conference::Column::DateNote.is_null());
                rows(db, select, conference::Column::Id, window, |c| DataIssue {
                    kind: DataIssueKind::InferredDateWithoutNote,
                    message: format!(
                        "the date of \"{}\" ({}) was inferred, with no note saying from what",
                        c.title,
                        super::conference_date(&c)
                    ),
                    nodes: vec![Involved::Conference(c.id)],
                })
                .await
            }
            Part::WithoutChair => {
                let chaired = naming(participation::Column::ConferenceId, conference::Column::Id)
                    .and_where(participation::Column::Role.eq(ParticipationRole::Chair.as_str()))
                    .to_owned();
                let select = conference::Entity::find().filter(Expr::not_exists(chaired));
                rows(db, select, conference::Column::Id, window, |c| DataIssue {
                    kind: DataIssueKind::ConferenceWithoutChair,
                    message: format!("no chair is recorded for \"{}\" ({})", c.title, super::conference_date(&c)),
                    nodes: vec![Involved::Conference(c.id)],
                })
                .await
            }
            Part::WithoutDueDate => {
                let select = task::Entity::find().filter(task::Column::DueOn.is_null());
                rows(db, select, task::Column::Id, window, |t| DataIssue {
                    kind: DataIssueKind::TaskWithoutDueDate,
                    message: format!("\"{}\" has no due date", t.title),
                    nodes: vec![Involved::Task(t.id)],
                })
                .await
            }
            Part::WithoutAssignee => {
                let assigned = naming(task_assignee::Column::TaskId, task::Column::Id);
                let select = task::Entity::find().filter(Expr::not_exists(assigned));
                rows(db, select, task::Column::Id, window, |t| DataIssue {
                    kind: DataIssueKind::TaskWithoutAssignee,
                    message: format!("\"{}\" is assigned to nobody", t.title),
                    nodes: vec![Involved::Task(t.id)],
                })
                .await
            }
            Part::UncitedTenure => {
                unsourced::<tenure::Entity>(db, subject::TENURE, tenure::Column::Id, window, |t| {
                    (Involved::Tenure(t.id), "a tenure".to_owned())
                })
                .await
            }
            Part::UncitedConference => {
                unsourced::<conference::Entity>(db, subject::CONFERENCE, conference::Column::Id, window, |c| {
                    (Involved::Conference(c.id), format!("conference \"{}\"", c.title))
                })
                .await
            }
            Part::UncitedParticipation => {
                unsourced::<participation::Entity>(db, subject::PARTICIPATION, participation::Column::Id, window, |p| {
                    (Involved::Participation(p.id), format!("a {} participation", p.role))
                })
                .await
            }
            Part::UncitedDirective => {
                unsourced::<directive::Entity>(db, subject::DIRECTIVE, directive::Column::Id, window, |d| {
                    (Involved::Directive(d.id), format!("directive \"{}\"", d.code.as_deref().unwrap_or(&d.title)))
                })
                .await
            }
            Part::UncitedTask => {
                unsourced::<task::Entity>(db, subject::TASK, task::Column::Id, window, |t| {
                    (Involved::Task(t.id), format!("task \"{}\"", t.title))
                })
                .await
            }
        }
    }
}

/// The rows whose `column` names the row of the outer query that `id` identifies: the
/// subquery of a NOT EXISTS.
fn naming(column: impl ColumnTrait, id: impl ColumnTrait) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(column.entity_name())
        .and_where(Expr::col(column.as_column_ref()).equals(id.as_column_ref()))
        .to_owned()
}

/// The facts of one kind (rows of `E`) that no citation names as `subject`.
async fn unsourced<E>(
    db: &DatabaseConnection,
    subject: &'static str,
    id: E::Column,
    window: Window,
    what: impl Fn(E::Model) -> (Involved, String),
) -> AppResult<(usize, Vec<DataIssue>)>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let cited = naming(citation::Column::SubjectId, id).and_where(citation::Column::SubjectType.eq(subject)).to_owned();
    rows(db, E::find().filter(Expr::not_exists(cited)), id, window, |model| {
        let (node, what) = what(model);
        DataIssue {
            kind: DataIssueKind::FactWithoutSource,
            message: format!("{what} cites no source"),
            nodes: vec![node],
        }
    })
    .await
}

/// Counts what `select` finds and reads the rows within `window`, by id.
async fn rows<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    window: Window,
    issue: impl Fn(E::Model) -> DataIssue,
) -> AppResult<(usize, Vec<DataIssue>)>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let count = select.clone().count(db).await? as usize;
    if window.take == 0 || window.skip >= count {
        return Ok((count, Vec::new()));
    }
    let models = select.order_by_asc(id).offset(window.skip as u64).limit(window.take as u64).all(db).await?;
    Ok((count, models.into_iter().map(issue).collect()))
}

/// The issues of the kinds asked for (all when `kinds` is empty), by kind and then by the
/// nodes involved: how many there are, and at most `limit` of them from position `offset`.
pub async fn data_issues(
    db: &DatabaseConnection,
    kinds: &[DataIssueKind],
    offset: usize,
    limit: usize,
) -> AppResult<IssuePage> {
    let mut total = 0;
    let mut issues = Vec::new();
    for part in Part::ALL.into_iter().filter(|p| kinds.is_empty() || kinds.contains(&p.kind())) {
        let window = Window { skip: offset.saturating_sub(total), take: limit - issues.len() };
        let (count, found) = part.read(db, window).await?;
        total += count;
        issues.extend(found);
    }
    Ok(IssuePage { total, issues })
}

/// How many tenures are judged for their attestations at once.
const JUDGED_AT_ONCE: usize = 200;

/// The tenures with no stated bounds attested on at most one day, by id, with that day.
async fn attested_once(db: &DatabaseConnection) -> AppResult<Vec<(i32, Option<PartialDate>)>> {
    let mut flagged = Vec::new();
    let mut after = 0;
    loop {
        let open = tenure::Entity::find()
            .filter(tenure::Column::StartedOn.is_null())
            .filter(tenure::Column::EndedOn.is_null())
            .filter(tenure::Column::Id.gt(after))
            .order_by_asc(tenure::Column::Id)
            .limit(JUDGED_AT_ONCE as u64)
            .all(db)
            .await?;
        let Some(last) = open.last() else { break };
        after = last.id;
        let evidence = super::evidence::of_tenures(db, &open).await?;
        for t in &open {
            let days: BTreeSet<String> =
                evidence.get(&t.id).map(|e| e.attested.iter().map(|a| a.on.to_string()).collect()).unwrap_or_default();
            if days.len() <= 1 {
                flagged.push((t.id, days.into_iter().next().and_then(|d| d.parse().ok())));
            }
        }
        if open.len() < JUDGED_AT_ONCE {
            break;
        }
    }
    Ok(flagged)
}

/// Two titles printed for one official on one day that neither include the other.
struct Contradiction {
    official: i32,
    day: PartialDate,
    titles: (String, String),
    participations: Vec<i32>,
}

/// How many participations are read at once when looking for contradicting titles.
const PRINTINGS_AT_ONCE: u64 = 5000;

/// The days on which an official's printed titles contradict, by official and day. The
/// participations are read a page at a time in official order, so what is held at once is one
/// page and one official's printings.
async fn contradictory_titles(db: &DatabaseConnection) -> AppResult<Vec<Contradiction>> {
    use std::collections::BTreeMap;
    type Printings = BTreeMap<NaiveDate, Vec<(i32, String, BTreeSet<String>)>>;
    let titled = |text: &str| -> BTreeSet<String> { crate::domain::tenure::printed_titles(text).into_iter().collect() };
    let flush = |official: i32, printed: Printings, found: &mut Vec<Contradiction>| {
        for (day, printings) in printed {
            let clash = printings.iter().enumerate().find_map(|(i, (a, text_a, ta))| {
                printings[i + 1..]
                    .iter()
                    .find(|(_, _, tb)| !ta.is_subset(tb) && !tb.is_subset(ta))
                    .map(|(b, text_b, _)| (*a, text_a.clone(), *b, text_b.clone()))
            });
            if let Some((a, text_a, b, text_b)) = clash {
                found.push(Contradiction {
                    official,
                    day: PartialDate::from_date(day),
                    titles: (text_a, text_b),
                    participations: vec![a, b],
                });
            }
        }
    };
    let mut found = Vec::new();
    let mut current: Option<(i32, Printings)> = None;
    let mut after = (0, 0);
    loop {
        let page = participation::Entity::find()
            .filter(participation::Column::Capacity.is_not_null())
            .filter(
                participation::Column::OfficialId
                    .gt(after.0)
                    .or(participation::Column::OfficialId.eq(after.0).and(participation::Column::Id.gt(after.1))),
            )
            .order_by_asc(participation::Column::OfficialId)
            .order_by_asc(participation::Column::Id)
            .limit(PRINTINGS_AT_ONCE)
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = (last.official_id, last.id);
        let conferences: BTreeSet<i32> = page.iter().map(|p| p.conference_id).collect();
        let days: HashMap<i32, NaiveDate> = conference::Entity::find()
            .filter(super::any_of(db.get_database_backend(), conference::Column::Id, conferences))
            .filter(conference::Column::DatePrecision.eq(crate::domain::partial_date::Precision::Day.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.date))
            .collect();
        let full = page.len() as u64 == PRINTINGS_AT_ONCE;
        for p in page {
            if current.as_ref().is_some_and(|(official, _)| *official != p.official_id) {
                let (official, printed) = current.take().unwrap_or_default();
                flush(official, printed, &mut found);
            }
            let (_, printed) = current.get_or_insert_with(|| (p.official_id, BTreeMap::new()));
            let (Some(day), Some(capacity)) = (days.get(&p.conference_id), p.capacity) else { continue };
            let titles = titled(&capacity);
            printed.entry(*day).or_default().push((p.id, capacity, titles));
        }
        if !full {
            break;
        }
    }
    if let Some((official, printed)) = current {
        flush(official, printed, &mut found);
    }
    Ok(found)
}

/// The folded names held by more than one official, with those officials' ids.
async fn same_names(db: &DatabaseConnection) -> AppResult<Vec<(String, Vec<i32>)>> {
    let shared = Query::select()
        .column(official::Column::NameFolded)
        .from(official::Entity)
        .group_by_col(official::Column::NameFolded)
        .and_having(Expr::cust("COUNT(*) > 1"))
        .to_owned();
    let officials = official::Entity::find()
        .filter(official::Column::NameFolded.in_subquery(shared))
        .order_by_asc(official::Column::NameFolded)
        .order_by_asc(official::Column::Id)
        .all(db)
        .await?;
    let mut found: Vec<(String, Vec<i32>)> = Vec::new();
    for o in officials {
        match found.last_mut() {
            Some((folded, ids)) if *folded == o.name_folded => ids.push(o.id),
            _ => found.push((o.name_folded.clone(), vec![o.id])),
        }
    }
    // Shown with a name as recorded rather than folded.
    let names = names::<official::Entity>(
        db,
        official::Column::Id,
        official::Column::Name,
        found.iter().map(|(_, ids)| ids[0]).collect(),
    )
    .await?;
    Ok(found.into_iter().map(|(folded, ids)| (names.get(&ids[0]).cloned().unwrap_or(folded), ids)).collect())
}

/// A stretch of days on which a post is held by more people than it has seats.
#[derive(Debug, PartialEq, Eq)]
struct Stretch {
    /// The first day.
    from: NaiveDate,
    /// The last day; `None` while it lasts.
    to: Option<NaiveDate>,
    /// Every tenure held on some day of the stretch, by id.
    tenures: Vec<i32>,
}

/// The days a tenure certainly covers: from the last day its start can mean to the first day
/// its end can mean (open when it has no end). `None` when the start is unknown.
fn certain_span(started_on: Option<&str>, ended_on: Option<&str>) -> Option<(NaiveDate, NaiveDate)> {
    let start = stored(started_on)?.latest();
    let end = stored(ended_on).map_or(NaiveDate::MAX, |e| e.earliest());
    (start <= end).then_some((start, end))
}

/// The stretches on which more than `seats` of `spans` (tenure, first day, last day) are held
/// at once. One sweep over the starts and ends, so the work and the answer grow with the
/// number of tenures, not with the number of pairs among them.
fn overlaps(spans: &[(i32, NaiveDate, NaiveDate)], seats: usize) -> Vec<Stretch> {
    // (day, arrives, tenure): on one day the departures (false) come before the arrivals.
    let mut events: Vec<(NaiveDate, bool, i32)> = Vec::with_capacity(spans.len() * 2);
    for &(id, start, end) in spans {
        events.push((start, true, id));
        if let Some(after) = end.checked_add_days(Days::new(1)) {
            events.push((after, false, id));
        }
    }
    events.sort_unstable();
    let mut held: BTreeSet<i32> = BTreeSet::new();
    let mut open: Option<Stretch> = None;
    let mut stretches = Vec::new();
    for day in events.chunk_by(|a, b| a.0 == b.0) {
        let date = day[0].0;
        for &(_, arrives, id) in day {
            if arrives {
                held.insert(id);
                if let Some(stretch) = open.as_mut() {
                    stretch.tenures.push(id);
                }
            } else {
                held.remove(&id);
            }
        }
        match open.take() {
            None if held.len() > seats => {
                open = Some(Stretch { from: date, to: None, tenures: held.iter().copied().collect() })
            }
            Some(mut stretch) if held.len() <= seats => {
                stretch.to = date.pred_opt();
                stretch.tenures.sort_unstable();
                stretches.push(stretch);
            }
            still => open = still,
        }
    }
    if let Some(mut stretch) = open {
        stretch.tenures.sort_unstable();
        stretches.push(stretch);
    }
    stretches
}

/// Over-held posts: one issue per stretch on which a post with a known number of seats is
/// held by more people, by post and then by tenures.
async fn overlapping(db: &DatabaseConnection) -> AppResult<Vec<(i32, usize, Stretch)>> {
    let seats: HashMap<i32, i32> = post::Entity::find()
        .filter(post::Column::Seats.is_not_null())
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::Seats)
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let with_seats = Query::select()
        .column(post::Column::Id)
        .from(post::Entity)
        .and_where(post::Column::Seats.is_not_null())
        .to_owned();
    let mut tenures = tenure_dates(db, with_seats).await?;
    // The tenures come by post: each post's spans are checked when the next post's begin.
    let mut found = Vec::new();
    let mut spans: Vec<(i32, NaiveDate, NaiveDate)> = Vec::new();
    let mut current: Option<i32> = None;
    loop {
        let next = tenures.try_next().await?;
        if let Some(post) = current
            && next.as_ref().is_none_or(|(_, p, _, _)| *p != post)
        {
            let seats = seats.get(&post).map_or(1, |s| Ord::max(*s, 1) as usize);
            found.extend(overlaps(&spans, seats).into_iter().map(|s| (post, seats, s)));
            spans.clear();
        }
        let Some((id, post, started_on, ended_on)) = next else { break };
        current = Some(post);
        spans.extend(certain_span(started_on.as_deref(), ended_on.as_deref()).map(|(s, e)| (id, s, e)));
    }
    found.sort_by(|a, b| (a.0, &a.2.tenures).cmp(&(b.0, &b.2.tenures)));
    Ok(found)
}

/// A tenure that lies outside the life of its organization.
struct Outside {
    tenure: i32,
    organization: i32,
    start: Option<PartialDate>,
    end: Option<PartialDate>,
    founded: Option<PartialDate>,
    ended: Option<PartialDate>,
}

/// Tenures outside the life of their organization, by tenure. Only organizations with a
/// known founding or end can hold any, so only their tenures are read.
async fn outside_life(db: &DatabaseConnection) -> AppResult<Vec<Outside>> {
    let bounded = organization::Column::StartedOn.is_not_null().or(organization::Column::EndedOn.is_not_null());
    let lives: HashMap<i32, (Option<PartialDate>, Option<PartialDate>)> = organization::Entity::find()
        .filter(bounded.clone())
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::StartedOn)
        .column(organization::Column::EndedOn)
        .into_tuple::<(i32, Option<String>, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, started, ended)| (id, (stored(started.as_deref()), stored(ended.as_deref()))))
        .collect();
    let bounded_organizations =
        Query::select().column(organization::Column::Id).from(organization::Entity).and_where(bounded).to_owned();
    let posts_of = Query::select()
        .column(post::Column::Id)
        .from(post::Entity)
        .and_where(post::Column::OrganizationId.in_subquery(bounded_organizations.clone()))
        .to_owned();
    let post_organization: HashMap<i32, i32> = post::Entity::find()
        .filter(post::Column::OrganizationId.in_subquery(bounded_organizations))
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::OrganizationId)
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut tenures = tenure_dates(db, posts_of).await?;
    let mut found = Vec::new();
    while let Some((tenure, post, started_on, ended_on)) = tenures.try_next().await? {
        let Some(&organization) = post_organization.get(&post) else { continue };
        let Some(&(founded, ended)) = lives.get(&organization) else { continue };
        let (start, end) = (stored(started_on.as_deref()), stored(ended_on.as_deref()));
        let before = matches!((start, founded), (Some(s), Some(f)) if s.latest() < f.earliest());
        let after = match (end, ended) {
            (Some(e), Some(x)) => e.earliest() > x.latest(),
            (None, Some(_)) => start.is_some(),
            _ => false,
        };
        if before || after {
            found.push(Outside { tenure, organization, start, end, founded, ended });
        }
    }
    found.sort_unstable_by_key(|o| o.tenure);
    Ok(found)
}

/// A tenure's id, post and stated bounds.
type TenureDates = (i32, i32, Option<String>, Option<String>);

/// The id, post and stated bounds of each tenure of the posts that `posts` selects, by post
/// and then by id, read as they come rather than all at once.
async fn tenure_dates(
    db: &DatabaseConnection,
    posts: SelectStatement,
) -> AppResult<Pin<Box<dyn Stream<Item = Result<TenureDates, DbErr>> + Send + '_>>> {
    Ok(tenure::Entity::find()
        .filter(tenure::Column::PostId.in_subquery(posts))
        .order_by_asc(tenure::Column::PostId)
        .order_by_asc(tenure::Column::Id)
        .select_only()
        .column(tenure::Column::Id)
        .column(tenure::Column::PostId)
        .column(tenure::Column::StartedOn)
        .column(tenure::Column::EndedOn)
        .into_tuple::<TenureDates>()
        .stream(db)
        .await?)
}

/// The names shown in the messages of over-held posts and of tenures outside an organization's
/// life, read for the issues of one page only.
async fn names<E>(
    db: &DatabaseConnection,
    id: E::Column,
    name: E::Column,
    ids: Vec<i32>,
) -> AppResult<HashMap<i32, String>>
where
    E: EntityTrait,
{
    Ok(E::find()
        .filter(super::any_of(db.get_database_backend(), id, ids))
        .select_only()
        .column(id)
        .column(name)
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn spans(tenures: &[(i32, Option<&str>, Option<&str>)]) -> Vec<(i32, NaiveDate, NaiveDate)> {
        tenures.iter().filter_map(|&(id, s, e)| certain_span(s, e).map(|(s, e)| (id, s, e))).collect()
    }

    fn groups(stretches: Vec<Stretch>) -> Vec<Vec<i32>> {
        stretches.into_iter().map(|s| s.tenures).collect()
    }

    #[test]
    fn a_handover_is_no_overlap_but_two_at_once_is() {
        let handover = spans(&[(1, Some("2015"), Some("2020-10-14")), (2, Some("2020-10-15"), None)]);
        assert!(overlaps(&handover, 1).is_empty());
        let clash = spans(&[(1, Some("2015"), Some("2021-06")), (2, Some("2020-10-15"), None)]);
        assert_eq!(
            overlaps(&clash, 1),
            vec![Stretch { from: day("2020-10-15"), to: Some(day("2021-06-01")), tenures: vec![1, 2] }]
        );
        assert!(overlaps(&clash, 2).is_empty(), "two seats hold both");
    }

    #[test]
    fn partial_bounds_flag_only_certain_overlaps() {
        let maybe = spans(&[(1, Some("2015"), Some("2020")), (2, Some("2020"), None)]);
        assert!(overlaps(&maybe, 1).is_empty(), "2020 may be the handover year");
        let unknown = spans(&[(1, None, None), (2, Some("2020"), None)]);
        assert!(overlaps(&unknown, 1).is_empty());
    }

    #[test]
    fn one_stretch_holds_every_tenure_held_during_it_and_a_gap_starts_another() {
        let chain = spans(&[
            (1, Some("2010-01-01"), Some("2013-12-31")),
            (2, Some("2012-01-01"), Some("2015-12-31")),
            (3, Some("2012-12-01"), Some("2016-12-31")),
            (4, Some("2018-01-01"), None),
            (5, Some("2019-01-01"), Some("2019-03-31")),
        ]);
        let found = overlaps(&chain, 1);
        assert_eq!(groups(overlaps(&chain, 1)), vec![vec![1, 2, 3], vec![4, 5]]);
        assert_eq!((found[0].from, found[0].to), (day("2012-01-01"), Some(day("2015-12-31"))));
        assert_eq!((found[1].from, found[1].to), (day("2019-01-01"), Some(day("2019-03-31"))));
        let gap = spans(&[
            (1, Some("2010-01-01"), Some("2012-12-31")),
            (2, Some("2012-06-01"), Some("2014-12-31")),
            (3, Some("2014-06-01"), None),
        ]);
        assert_eq!(groups(overlaps(&gap, 1)), vec![vec![1, 2], vec![2, 3]], "a day held by one ends a stretch");
        let open = spans(&[(1, Some("2020-01-01"), None), (2, Some("2021-01-01"), None)]);
        assert_eq!(overlaps(&open, 1)[0].to, None, "two open tenures overlap to this day");
    }

    #[test]
    fn many_tenures_held_at_once_make_one_issue_not_one_per_pair() {
        let crowd: Vec<_> = (0..20_000).map(|id| (id, day("2020-01-01"), NaiveDate::MAX)).collect();
        let found = overlaps(&crowd, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tenures.len(), 20_000);
    }
}
