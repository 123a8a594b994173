//! iCalendar feeds (RFC 5545) that staff subscribe to from Outlook, Google Calendar or
//! Thunderbird: task due dates as all-day events, and conferences. Each event's UID is stable
//! (`task-12@govtrail`) and its SEQUENCE is the node's version, so a subscribed calendar
//! updates an event in place when the task or conference changes.

use crate::domain::vocabulary::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::store::filters::{Assignee, ConferenceFilter, TaskFilter};
use chrono::{DateTime, Utc};
use entity::{conference, official, organization, participation, task, task_assignee};
use icalendar::{Calendar, Component, Event, EventLike};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// At most this many events in one feed (the soonest due, the latest conferences).
const MAX_EVENTS: u64 = 5000;

/// Which tasks a feed shows.
#[derive(Clone, Debug, Default)]
pub struct TaskFeed {
    /// Assigned to this organization or official.
    pub assignee: Option<Assignee>,
    /// Serving this directive.
    pub directive: Option<i32>,
    /// In these statuses (all when empty).
    pub statuses: Vec<TaskStatus>,
}

/// Which conferences a feed shows.
#[derive(Clone, Debug, Default)]
pub struct ConferenceFeed {
    /// Organized by this organization.
    pub organizer: Option<i32>,
    /// Held in this area (or one inside it).
    pub area: Option<i32>,
    /// Attended by this official, in any role.
    pub official: Option<i32>,
}

fn calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::new();
    calendar.name(name).timezone(crate::domain::time::DEFAULT_TIME_ZONE.name());
    calendar
}

/// The names of the organizations and officials that carry out each task.
async fn assignee_names(db: &DatabaseConnection, tasks: &[i32]) -> AppResult<HashMap<i32, Vec<String>>> {
    let rows = task_assignee::Entity::find()
        .filter(crate::store::any_of(db.get_database_backend(), task_assignee::Column::TaskId, tasks.to_vec()))
        .all(db)
        .await?;
    let organizations: Vec<i32> = rows.iter().filter_map(|a| a.organization_id).collect();
    let officials: Vec<i32> = rows.iter().filter_map(|a| a.official_id).collect();
    let organizations: HashMap<i32, String> = organization::Entity::find()
        .filter(crate::store::any_of(db.get_database_backend(), organization::Column::Id, organizations))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let officials: HashMap<i32, String> = official::Entity::find()
        .filter(crate::store::any_of(db.get_database_backend(), official::Column::Id, officials))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut names: HashMap<i32, Vec<String>> = HashMap::new();
    for a in rows {
        let name = match (a.organization_id, a.official_id) {
            (Some(id), _) => organizations.get(&id),
            (None, Some(id)) => officials.get(&id),
            _ => None,
        };
        if let Some(name) = name {
            names.entry(a.task_id).or_default().push(name.clone());
        }
    }
    Ok(names)
}

/// The feed of task due dates: one all-day event on each task's local due date.
pub async fn tasks(db: &DatabaseConnection, feed: &TaskFeed, now: DateTime<Utc>) -> AppResult<String> {
    let filter = TaskFilter {
        assignee: feed.assignee,
        directive: feed.directive,
        statuses: (!feed.statuses.is_empty()).then(|| feed.statuses.clone()),
        ..TaskFilter::default()
    };
    let rows = task::Entity::find()
        .filter(filter.condition())
        .filter(task::Column::DueOn.is_not_null())
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::Id)
        .limit(MAX_EVENTS)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|t| t.id).collect();
    let names = assignee_names(db, &ids).await?;
    let mut calendar = calendar("govtrail: task due dates");
    for t in rows {
        let Some(due) = t.due_on else { continue };
        let who = names.get(&t.id).map(|n| n.join(", ")).unwrap_or_default();
        let mut description = format!("Status: {}\nAssigned to: {who}\nTime zone: {}", t.status, t.time_zone);
        if let Some(text) = &t.description {
            description.push_str(&format!("\n\n{text}"));
        }
        let event = Event::new()
            .uid(&format!("task-{}@govtrail", t.id))
            .timestamp(now)
            .sequence(u32::try_from(t.version).unwrap_or(0))
            .summary(&t.title)
            .description(&description)
            .starts(due)
            // DTEND of a day is exclusive: the next day, so the event fills the due date.
            .ends(due.succ_opt().unwrap_or(due))
            .done();
        calendar.push(event);
    }
    Ok(calendar.done().to_string())
}

/// The feed of conferences: timed events where the start is known (in UTC), all-day events
/// on the local date otherwise. Conferences known only to the month or the year have no day
/// to stand on in a calendar and are left out.
pub async fn conferences(db: &DatabaseConnection, feed: &ConferenceFeed, now: DateTime<Utc>) -> AppResult<String> {
    let mut filter = ConferenceFilter { organizer: feed.organizer, area: feed.area, ..ConferenceFilter::default() };
    if filter.uses_areas() {
        filter.expand_areas(&crate::store::lists::area_pairs(db).await?);
    }
    let mut query = conference::Entity::find()
        .filter(filter.condition())
        .filter(conference::Column::DatePrecision.eq(crate::domain::partial_date::Precision::Day.as_str()));
    if let Some(official) = feed.official {
        let attended = Query::select()
            .column(participation::Column::ConferenceId)
            .from(participation::Entity)
            .and_where(participation::Column::OfficialId.eq(official))
            .to_owned();
        query = query.filter(conference::Column::Id.in_subquery(attended));
    }
    let rows = query
        .order_by_desc(conference::Column::Date)
        .order_by_desc(conference::Column::Id)
        .limit(MAX_EVENTS)
        .all(db)
        .await?;
    let mut calendar = calendar("govtrail: conferences");
    for c in rows {
        let mut event = Event::new();
        event
            .uid(&format!("conference-{}@govtrail", c.id))
            .timestamp(now)
            .sequence(u32::try_from(c.version).unwrap_or(0))
            .summary(&c.title)
            .description(&format!("{} ({}), {}", c.kind, c.format, c.time_zone));
        if let Some(venue) = &c.venue {
            event.location(venue);
        }
        match c.starts_at {
            Some(start) => {
                event.starts(start);
                if let Some(end) = c.ends_at {
                    event.ends(end);
                }
            }
            None => {
                event.starts(c.date).ends(c.date.succ_opt().unwrap_or(c.date));
            }
        }
        calendar.push(event.done());
    }
    Ok(calendar.done().to_string())
}

/// The statuses of a comma-separated list ("OPEN,IN_PROGRESS").
pub fn statuses(list: &str) -> AppResult<Vec<TaskStatus>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            TaskStatus::parse(s).ok_or_else(|| {
                AppError::bad_input("status", format!("status: \"{s}\" is not one of {}", TaskStatus::names()))
            })
        })
        .collect()
}
