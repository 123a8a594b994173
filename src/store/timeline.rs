//! Timelines: what happened around one official, organization, post, directive or area, in
//! date order. Entries with a partial date (a tenure that began "in 2020") sort at the start of
//! their period and carry their precision.

use super::lists::{area_and_descendants, descendants};
use crate::domain::partial_date::{PartialDate, Precision};
use crate::domain::tenure::stored;
use crate::domain::vocabulary::{ConferenceDirectiveRelation, PartOfDay, ParticipationRole};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
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

    async fn tenures(&mut self, db: &DatabaseConnection, tenures: Vec<tenure::Model>) -> AppResult<()> {
        let post_ids: BTreeSet<i32> = tenures.iter().map(|t| t.post_id).collect();
        let posts: HashMap<i32, post::Model> = post::Entity::find()
            .filter(super::any_of(db.get_database_backend(), post::Column::Id, post_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let official_ids: BTreeSet<i32> = tenures.iter().map(|t| t.official_id).collect();
        let officials: HashMap<i32, String> = official::Entity::find()
            .filter(super::any_of(db.get_database_backend(), official::Column::Id, official_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        for t in tenures {
            let post = posts.get(&t.post_id).map_or("?", |p| p.title.as_str());
            let who = officials.get(&t.official_id).map_or("?", String::as_str);
            if let Some(start) = stored(t.started_on.as_deref()) {
                let summary = format!("{who} became {post}");
                self.partial(TimelineKind::TenureStarted, start, summary, Involved::Tenure(t.clone()));
            }
            if let Some(end) = stored(t.ended_on.as_deref()) {
                let summary = format!("{who} left {post}");
                self.partial(TimelineKind::TenureEnded, end, summary, Involved::Tenure(t.clone()));
            }
        }
        Ok(())
    }

    async fn tasks(&mut self, db: &DatabaseConnection, tasks: Vec<task::Model>) -> AppResult<()> {
        let conferences = conferences_of(db, &tasks).await?;
        let task_ids: Vec<i32> = tasks.iter().map(|t| t.id).collect();
        let updates = task_update::Entity::find()
            .filter(super::any_of(db.get_database_backend(), task_update::Column::TaskId, task_ids))
            .all(db)
            .await?;
        let titles: HashMap<i32, &str> = tasks.iter().map(|t| (t.id, t.title.as_str())).collect();
        for u in updates {
            let title = titles.get(&u.task_id).copied().unwrap_or("?");
            let summary = format!("Progress ({}): {title}", u.status);
            self.day(TimelineKind::TaskUpdated, u.date, None, summary, Involved::TaskUpdate(u.clone()));
        }
        for t in &tasks {
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
        Ok(())
    }

    /// Tasks the subject gave to others: only the assignment is the subject's event.
    async fn tasks_given(&mut self, db: &DatabaseConnection, tasks: Vec<task::Model>) -> AppResult<()> {
        let conferences = conferences_of(db, &tasks).await?;
        for t in tasks {
            if let Some(c) = t.conference_id.and_then(|id| conferences.get(&id)) {
                let part = c.part_of_day.as_deref().and_then(PartOfDay::parse);
                let summary = format!("Gave the task: {}", t.title);
                self.day(TimelineKind::TaskAssigned, c.date, part, summary, Involved::Task(t.clone()));
            }
        }
        Ok(())
    }

    async fn tasks_of_assignees(&mut self, db: &DatabaseConnection, condition: sea_orm::Condition) -> AppResult<()> {
        let task_ids: BTreeSet<i32> = task_assignee::Entity::find()
            .filter(condition)
            .select_only()
            .column(task_assignee::Column::TaskId)
            .into_tuple::<i32>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let tasks = task::Entity::find()
            .filter(super::any_of(db.get_database_backend(), task::Column::Id, task_ids))
            .all(db)
            .await?;
        self.tasks(db, tasks).await
    }
}

/// The entries of a subject's timeline within `window`, in order.
pub async fn timeline(db: &DatabaseConnection, subject: Subject, window: &Window) -> AppResult<Vec<Entry>> {
    let mut b = Builder { window, entries: Vec::new() };
    match subject {
        Subject::Official(id) => {
            let parts = participation::Entity::find().filter(participation::Column::OfficialId.eq(id)).all(db).await?;
            let mut chaired: HashMap<i32, bool> = HashMap::new();
            for p in &parts {
                *chaired.entry(p.conference_id).or_default() |= p.role == ParticipationRole::Chair.as_str();
            }
            let conferences = conference::Entity::find()
                .filter(super::any_of(db.get_database_backend(), conference::Column::Id, chaired.keys().copied()))
                .all(db)
                .await?;
            for c in &conferences {
                if chaired.get(&c.id).copied().unwrap_or(false) {
                    b.conference(TimelineKind::ConferenceChaired, "Chaired", c);
                } else {
                    b.conference(TimelineKind::ConferenceAttended, "Attended", c);
                }
            }
            let tenures = tenure::Entity::find().filter(tenure::Column::OfficialId.eq(id)).all(db).await?;
            b.tenures(db, tenures).await?;
            b.tasks_of_assignees(db, sea_orm::Condition::all().add(task_assignee::Column::OfficialId.eq(id))).await?;
            let given = task::Entity::find().filter(task::Column::AssignedByOfficialId.eq(id)).all(db).await?;
            b.tasks_given(db, given).await?;
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
            let conference_ids: BTreeSet<i32> = conference_organizer::Entity::find()
                .filter(super::any_of(
                    db.get_database_backend(),
                    conference_organizer::Column::OrganizationId,
                    ids.clone(),
                ))
                .all(db)
                .await?
                .into_iter()
                .map(|l| l.conference_id)
                .collect();
            for c in conference::Entity::find()
                .filter(super::any_of(db.get_database_backend(), conference::Column::Id, conference_ids))
                .all(db)
                .await?
            {
                b.conference(TimelineKind::ConferenceOrganized, "Organized", &c);
            }
            for d in directive::Entity::find()
                .filter(super::any_of(db.get_database_backend(), directive::Column::IssuerId, ids.clone()))
                .all(db)
                .await?
            {
                issued(&mut b, &d);
            }
            let post_ids: Vec<i32> = post::Entity::find()
                .filter(super::any_of(db.get_database_backend(), post::Column::OrganizationId, ids.clone()))
                .select_only()
                .column(post::Column::Id)
                .into_tuple()
                .all(db)
                .await?;
            let tenures = tenure::Entity::find()
                .filter(super::any_of(db.get_database_backend(), tenure::Column::PostId, post_ids))
                .all(db)
                .await?;
            b.tenures(db, tenures).await?;
            b.tasks_of_assignees(
                db,
                sea_orm::Condition::all().add(super::any_of(
                    db.get_database_backend(),
                    task_assignee::Column::OrganizationId,
                    ids.clone(),
                )),
            )
            .await?;
            let given = task::Entity::find()
                .filter(super::any_of(db.get_database_backend(), task::Column::AssignedByOrganizationId, ids))
                .all(db)
                .await?;
            b.tasks_given(db, given).await?;
        }
        Subject::Post(id) => {
            let tenures = tenure::Entity::find().filter(tenure::Column::PostId.eq(id)).all(db).await?;
            b.tenures(db, tenures).await?;
        }
        Subject::Directive(id) => {
            if let Some(d) = directive::Entity::find_by_id(id).one(db).await? {
                issued(&mut b, &d);
            }
            let links = conference_directive::Entity::find()
                .filter(conference_directive::Column::DirectiveId.eq(id))
                .all(db)
                .await?;
            let reviewed: BTreeSet<i32> = links
                .iter()
                .filter(|l| l.relation == ConferenceDirectiveRelation::Reviews.as_str())
                .map(|l| l.conference_id)
                .collect();
            let ids: BTreeSet<i32> = links.iter().map(|l| l.conference_id).collect();
            for c in conference::Entity::find()
                .filter(super::any_of(db.get_database_backend(), conference::Column::Id, ids))
                .all(db)
                .await?
            {
                if reviewed.contains(&c.id) {
                    b.conference(TimelineKind::DirectiveReviewed, "Reviewed at", &c);
                } else {
                    b.conference(TimelineKind::ConferenceHeld, "Handled at", &c);
                }
            }
            let tasks = task::Entity::find().filter(task::Column::DirectiveId.eq(id)).all(db).await?;
            b.tasks(db, tasks).await?;
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

/// The conferences the tasks were assigned at, by id.
async fn conferences_of(db: &DatabaseConnection, tasks: &[task::Model]) -> AppResult<HashMap<i32, conference::Model>> {
    let ids: BTreeSet<i32> = tasks.iter().filter_map(|t| t.conference_id).collect();
    let found = conference::Entity::find()
        .filter(super::any_of(db.get_database_backend(), conference::Column::Id, ids))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|c| (c.id, c)).collect())
}

fn issued(b: &mut Builder<'_>, d: &directive::Model) {
    if let Some(date) = stored(d.issued_on.as_deref()) {
        let name = d.code.clone().unwrap_or_else(|| d.title.clone());
        b.partial(TimelineKind::DirectiveIssued, date, format!("Issued: {name}"), Involved::Directive(d.clone()));
    }
}
