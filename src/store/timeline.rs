//! Timelines: what happened around one official, organization, post, directive or area, in
//! date order. Entries with a partial date (a tenure that began "in 2020") sort at the start of
//! their period and carry their precision.

use super::lists::{area_and_descendants, descendants};
use super::plan::{self, Level, Source};
use crate::domain::partial_date::{PartialDate, Precision};
use crate::domain::tenure::stored;
use crate::domain::vocabulary::{ConferenceDirectiveRelation, PartOfDay, ParticipationRole};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::*;
use sea_orm::{DatabaseConnection, EntityTrait, IdenStatic, QueryFilter, QuerySelect};
use std::collections::{BTreeSet, HashMap};

/// What kind of event an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum)]
pub enum TimelineKind {
    /// The official chaired a conference.
    ConferenceChaired,
    /// The official took part in a conference other than as chair.
    ConferenceAttended,
    /// The organization organized a conference.
    ConferenceOrganized,
    /// A conference was held in the area, or handled the directive.
    ConferenceHeld,
    /// A tenure began.
    TenureStarted,
    /// A tenure ended.
    TenureEnded,
    /// A directive was issued.
    DirectiveIssued,
    /// A conference reviewed the directive.
    DirectiveReviewed,
    /// A task was assigned (on the date of the conference it was assigned at).
    TaskAssigned,
    /// A task fell due.
    TaskDue,
    /// Progress was recorded on a task.
    TaskUpdated,
}

/// Whose timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An official.
    Official(i32),
    /// An organization, with its sub-organizations or not.
    Organization {
        /// The organization.
        id: i32,
        /// Whether bodies under it count too.
        include_children: bool,
    },
    /// A post.
    Post(i32),
    /// A directive.
    Directive(i32),
    /// An area, with the areas inside it.
    Area(i32),
}

/// What an entry is about.
#[derive(Clone, Debug)]
pub enum Involved {
    /// A conference.
    Conference(conference::Model),
    /// A tenure.
    Tenure(tenure::Model),
    /// A directive.
    Directive(directive::Model),
    /// A task.
    Task(task::Model),
    /// A progress update.
    TaskUpdate(task_update::Model),
}

impl Involved {
    fn order(&self) -> (u8, i32) {
        match self {
            Involved::Conference(m) => (0, m.id),
            Involved::Tenure(m) => (1, m.id),
            Involved::Directive(m) => (2, m.id),
            Involved::Task(m) => (3, m.id),
            Involved::TaskUpdate(m) => (4, m.id),
        }
    }
}

/// One event.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The day, or the first day of the period when only a year or month is known.
    pub date: NaiveDate,
    /// How precisely the date is known.
    pub precision: Precision,
    /// The part of the day, where known.
    pub part_of_day: Option<PartOfDay>,
    /// What happened.
    pub kind: TimelineKind,
    /// One line saying what happened.
    pub summary: String,
    /// What it is about.
    pub involved: Involved,
}

/// The sort key of an entry (date, part of day, kind, type of object, id); cursors carry it.
pub type EntryKey = (NaiveDate, i32, u8, u8, i32);

impl Entry {
    /// Where the entry sorts: date, part of day, kind, then the object.
    pub fn key(&self) -> EntryKey {
        let (type_order, id) = self.involved.order();
        (self.date, self.part_of_day.map_or(0, PartOfDay::rank), self.kind as u8, type_order, id)
    }
}

/// Which entries to keep.
#[derive(Clone, Debug, Default)]
pub struct Window {
    /// Not before this date (an entry with a partial date counts if its period reaches it).
    pub from: Option<NaiveDate>,
    /// Not after this date.
    pub to: Option<NaiveDate>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<TimelineKind>,
}

impl Window {
    fn keeps(&self, kind: TimelineKind, first: NaiveDate, last: NaiveDate) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && self.from.is_none_or(|from| last >= from)
            && self.to.is_none_or(|to| first <= to)
    }
}

struct Builder<'w> {
    window: &'w Window,
    entries: Vec<Entry>,
}

impl Builder<'_> {
    fn day(
        &mut self,
        kind: TimelineKind,
        date: NaiveDate,
        part: Option<PartOfDay>,
        summary: String,
        involved: Involved,
    ) {
        if self.window.keeps(kind, date, date) {
            self.entries.push(Entry { date, precision: Precision::Day, part_of_day: part, kind, summary, involved });
        }
    }

    fn partial(&mut self, kind: TimelineKind, date: PartialDate, summary: String, involved: Involved) {
        if self.window.keeps(kind, date.earliest(), date.latest()) {
            let entry = Entry {
                date: date.earliest(),
                precision: date.precision(),
                part_of_day: None,
                kind,
                summary,
                involved,
            };
            self.entries.push(entry);
        }
    }

    fn conference(&mut self, kind: TimelineKind, verb: &str, c: &conference::Model) {
        let part = c.part_of_day.as_deref().and_then(PartOfDay::parse);
        self.day(kind, c.date, part, format!("{verb}: {}", c.title), Involved::Conference(c.clone()));
    }

    fn tenures(&mut self, tenures: Vec<tenure::Model>, posts: &[post::Model], officials: &[official::Model]) {
        let posts: HashMap<i32, &str> = posts.iter().map(|p| (p.id, p.title.as_str())).collect();
        let officials: HashMap<i32, &str> = officials.iter().map(|o| (o.id, o.name.as_str())).collect();
        for t in tenures {
            let post = posts.get(&t.post_id).copied().unwrap_or("?");
            let who = officials.get(&t.official_id).copied().unwrap_or("?");
            if let Some(start) = stored(t.started_on.as_deref()) {
                let summary = format!("{who} became {post}");
                self.partial(TimelineKind::TenureStarted, start, summary, Involved::Tenure(t.clone()));
            }
            if let Some(end) = stored(t.ended_on.as_deref()) {
                let summary = format!("{who} left {post}");
                self.partial(TimelineKind::TenureEnded, end, summary, Involved::Tenure(t.clone()));
            }
        }
    }

    /// Tasks the subject was given or that serve it: their assignment, due date and progress.
    fn tasks(&mut self, tasks: &[task::Model], conferences: &[conference::Model], updates: Vec<task_update::Model>) {
        let conferences = by_id(conferences);
        let titles: HashMap<i32, &str> = tasks.iter().map(|t| (t.id, t.title.as_str())).collect();
        for u in updates {
            let title = titles.get(&u.task_id).copied().unwrap_or("?");
            let summary = format!("Progress ({}): {title}", u.status);
            self.day(TimelineKind::TaskUpdated, u.date, None, summary, Involved::TaskUpdate(u.clone()));
        }
        for t in tasks {
            if let Some(c) = t.conference_id.and_then(|id| conferences.get(&id)) {
                let part = c.part_of_day.as_deref().and_then(PartOfDay::parse);
                self.day(
                    TimelineKind::TaskAssigned,
                    c.date,
                    part,
                    format!("Assigned: {}", t.title),
                    Involved::Task(t.clone()),
                );
            }
            if let Some(due) = t.due_on {
                self.day(TimelineKind::TaskDue, due, None, format!("Due: {}", t.title), Involved::Task(t.clone()));
            }
        }
    }

    /// Tasks the subject gave to others: only the assignment is the subject's event.
    fn tasks_given(&mut self, tasks: Vec<task::Model>, conferences: &[conference::Model]) {
        let conferences = by_id(conferences);
        for t in tasks {
            if let Some(c) = t.conference_id.and_then(|id| conferences.get(&id)) {
                let part = c.part_of_day.as_deref().and_then(PartOfDay::parse);
                let summary = format!("Gave the task: {}", t.title);
                self.day(TimelineKind::TaskAssigned, c.date, part, summary, Involved::Task(t.clone()));
            }
        }
    }
}

/// The conferences of a list by id.
fn by_id(conferences: &[conference::Model]) -> HashMap<i32, &conference::Model> {
    conferences.iter().map(|c| (c.id, c)).collect()
}

/// The levels of one read, each added with the index its rows come back at.
#[derive(Default)]
struct Levels(Vec<Level>);

impl Levels {
    /// The rows of `E` whose `key` holds one of `ids`.
    fn of<E: EntityTrait>(&mut self, ids: &[i32], key: E::Column) -> usize {
        self.push(Level::of::<E>(Source::Ids(ids.to_vec()), key.as_str(), "id"))
    }

    /// The rows of `E` whose `key` holds a value of `column` of the rows of level `level`.
    fn at<E: EntityTrait>(&mut self, level: usize, column: &'static str, key: E::Column) -> usize {
        self.push(Level::of::<E>(Source::Level { level, column, only: None }, key.as_str(), "id"))
    }

    fn push(&mut self, level: Level) -> usize {
        self.0.push(level);
        self.0.len() - 1
    }

    /// The officials of the tenures of level `tenures`, which the summaries name.
    fn officials_of(&mut self, tenures: usize) -> usize {
        self.at::<official::Entity>(tenures, "official_id", official::Column::Id)
    }

    /// The tasks of the task-assignee links of level `links`, the conferences they were
    /// assigned at and their updates.
    fn assigned(&mut self, links: usize) -> [usize; 3] {
        let tasks = self.at::<task::Entity>(links, "task_id", task::Column::Id);
        let conferences = self.conferences_of(tasks);
        [tasks, conferences, self.at::<task_update::Entity>(links, "task_id", task_update::Column::TaskId)]
    }

    /// The conferences the tasks of level `tasks` were assigned at.
    fn conferences_of(&mut self, tasks: usize) -> usize {
        self.at::<conference::Entity>(tasks, "conference_id", conference::Column::Id)
    }

    async fn read(&self, db: &DatabaseConnection) -> AppResult<plan::Read> {
        plan::read(db, &self.0, None, None).await
    }
}

/// The entries of a subject's timeline within `window`, in order. Everything the timeline
/// draws on is read in one statement (after the organizations or areas under the subject,
/// where they count).
pub async fn timeline(db: &DatabaseConnection, subject: Subject, window: &Window) -> AppResult<Vec<Entry>> {
    let mut b = Builder { window, entries: Vec::new() };
    let mut l = Levels::default();
    match subject {
        Subject::Official(id) => {
            let ids = [id];
            let parts = l.of::<participation::Entity>(&ids, participation::Column::OfficialId);
            let conferences = l.at::<conference::Entity>(parts, "conference_id", conference::Column::Id);
            let tenures = l.of::<tenure::Entity>(&ids, tenure::Column::OfficialId);
            let posts = l.at::<post::Entity>(tenures, "post_id", post::Column::Id);
            let officials = l.officials_of(tenures);
            let links = l.of::<task_assignee::Entity>(&ids, task_assignee::Column::OfficialId);
            let [tasks, assigned_at, updates] = l.assigned(links);
            let given = l.of::<task::Entity>(&ids, task::Column::AssignedByOfficialId);
            let given_at = l.conferences_of(given);
            let mut read = l.read(db).await?;
            let parts: Vec<participation::Model> = read.rows(parts)?;
            let mut chaired: HashMap<i32, bool> = HashMap::new();
            for p in &parts {
                *chaired.entry(p.conference_id).or_default() |= p.role == ParticipationRole::Chair.as_str();
            }
            for c in &read.rows::<conference::Model>(conferences)? {
                if chaired.get(&c.id).copied().unwrap_or(false) {
                    b.conference(TimelineKind::ConferenceChaired, "Chaired", c);
                } else {
                    b.conference(TimelineKind::ConferenceAttended, "Attended", c);
                }
            }
            b.tenures(read.rows(tenures)?, &read.rows(posts)?, &read.rows(officials)?);
            b.tasks(&read.rows(tasks)?, &read.rows(assigned_at)?, read.rows(updates)?);
            b.tasks_given(read.rows(given)?, &read.rows(given_at)?);
        }
        Subject::Organization { id, include_children } => {
            let ids = if include_children {
                let pairs: Vec<(i32, Option<i32>)> = organization::Entity::find()
                    .select_only()
                    .column(organization::Column::Id)
                    .column(organization::Column::ParentId)
                    .into_tuple()
                    .all(db)
                    .await?;
                descendants(id, &pairs)
            } else {
                vec![id]
            };
            let links = l.of::<conference_organizer::Entity>(&ids, conference_organizer::Column::OrganizationId);
            let conferences = l.at::<conference::Entity>(links, "conference_id", conference::Column::Id);
            let directives = l.of::<directive::Entity>(&ids, directive::Column::IssuerId);
            // Its posts are those of the tenures too.
            let posts = l.of::<post::Entity>(&ids, post::Column::OrganizationId);
            let tenures = l.at::<tenure::Entity>(posts, "id", tenure::Column::PostId);
            let officials = l.officials_of(tenures);
            let assignments = l.of::<task_assignee::Entity>(&ids, task_assignee::Column::OrganizationId);
            let [tasks, assigned_at, updates] = l.assigned(assignments);
            let given = l.of::<task::Entity>(&ids, task::Column::AssignedByOrganizationId);
            let given_at = l.conferences_of(given);
            let mut read = l.read(db).await?;
            for c in &read.rows::<conference::Model>(conferences)? {
                b.conference(TimelineKind::ConferenceOrganized, "Organized", c);
            }
            for d in &read.rows::<directive::Model>(directives)? {
                issued(&mut b, d);
            }
            b.tenures(read.rows(tenures)?, &read.rows(posts)?, &read.rows(officials)?);
            b.tasks(&read.rows(tasks)?, &read.rows(assigned_at)?, read.rows(updates)?);
            b.tasks_given(read.rows(given)?, &read.rows(given_at)?);
        }
        Subject::Post(id) => {
            let tenures = l.of::<tenure::Entity>(&[id], tenure::Column::PostId);
            let posts = l.at::<post::Entity>(tenures, "post_id", post::Column::Id);
            let officials = l.officials_of(tenures);
            let mut read = l.read(db).await?;
            b.tenures(read.rows(tenures)?, &read.rows(posts)?, &read.rows(officials)?);
        }
        Subject::Directive(id) => {
            let ids = [id];
            let directives = l.of::<directive::Entity>(&ids, directive::Column::Id);
            let links = l.of::<conference_directive::Entity>(&ids, conference_directive::Column::DirectiveId);
            let conferences = l.at::<conference::Entity>(links, "conference_id", conference::Column::Id);
            let tasks = l.of::<task::Entity>(&ids, task::Column::DirectiveId);
            let assigned_at = l.conferences_of(tasks);
            let updates = l.at::<task_update::Entity>(tasks, "id", task_update::Column::TaskId);
            let mut read = l.read(db).await?;
            for d in &read.rows::<directive::Model>(directives)? {
                issued(&mut b, d);
            }
            let links: Vec<conference_directive::Model> = read.rows(links)?;
            let reviewed: BTreeSet<i32> = links
                .iter()
                .filter(|l| l.relation == ConferenceDirectiveRelation::Reviews.as_str())
                .map(|l| l.conference_id)
                .collect();
            for c in &read.rows::<conference::Model>(conferences)? {
                if reviewed.contains(&c.id) {
                    b.conference(TimelineKind::DirectiveReviewed, "Reviewed at", c);
                } else {
                    b.conference(TimelineKind::ConferenceHeld, "Handled at", c);
                }
            }
            b.tasks(&read.rows(tasks)?, &read.rows(assigned_at)?, read.rows(updates)?);
        }
        Subject::Area(id) => {
            let areas = area_and_descendants(db, id).await?;
            for c in conference::Entity::find()
                .filter(super::any_of(db.get_database_backend(), conference::Column::AreaId, areas))
                .all(db)
                .await?
            {
                b.conference(TimelineKind::ConferenceHeld, "Held", &c);
            }
        }
    }
    let mut entries = b.entries;
    entries.sort_by_key(Entry::key);
    Ok(entries)
}

fn issued(b: &mut Builder<'_>, d: &directive::Model) {
    if let Some(date) = stored(d.issued_on.as_deref()) {
        let name = d.code.clone().unwrap_or_else(|| d.title.clone());
        b.partial(TimelineKind::DirectiveIssued, date, format!("Issued: {name}"), Involved::Directive(d.clone()));
    }
}
