//! Data issues a careful researcher would flag: overlapping tenures on a post with a known
//! number of seats, tenures outside the life of their organization, conferences with no chair,
//! tasks with no due date or no assignee, and facts that cite no source.

use crate::dataset::import::subject;
use crate::domain::partial_date::PartialDate;
use crate::domain::tenure::stored;
use crate::domain::vocabulary::ParticipationRole;
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum)]
pub enum DataIssueKind {
    /// More people hold a post at once than it has seats.
    OverlappingTenures,
    /// A tenure starts before its organization was founded or runs past its end.
    TenureOutsideOrganizationLife,
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

/// The days a tenure certainly covers: from the last day its start can mean to the first day
/// its end can mean (open when it has no end). `None` when the start is unknown.
fn certain_span(t: &tenure::Model) -> Option<(NaiveDate, NaiveDate)> {
    let start = stored(t.started_on.as_deref())?.latest();
    let end = stored(t.ended_on.as_deref()).map_or(NaiveDate::MAX, |e| e.earliest());
    (start <= end).then_some((start, end))
}

/// Groups of tenures held at once beyond `seats`: each group is the set of tenures covering a
/// day on which more than `seats` are held.
fn overlaps(tenures: &[tenure::Model], seats: usize) -> Vec<Vec<i32>> {
    let spans: Vec<(i32, NaiveDate, NaiveDate)> =
        tenures.iter().filter_map(|t| certain_span(t).map(|(s, e)| (t.id, s, e))).collect();
    let mut groups: Vec<Vec<i32>> = Vec::new();
    // The number held at once only rises at a start, so checking each start day is enough.
    for &(_, day, _) in &spans {
        let mut holding: Vec<i32> =
            spans.iter().filter(|(_, s, e)| *s <= day && day <= *e).map(|(id, _, _)| *id).collect();
        if holding.len() > seats {
            holding.sort_unstable();
            if !groups.contains(&holding) {
                groups.push(holding);
            }
        }
    }
    groups
}

/// Every issue, by kind and then by the nodes involved.
pub async fn data_issues(db: &DatabaseConnection) -> AppResult<Vec<DataIssue>> {
    let mut issues = Vec::new();

    let posts = post::Entity::find().all(db).await?;
    let organizations: HashMap<i32, organization::Model> =
        organization::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o)).collect();
    let tenures = tenure::Entity::find().all(db).await?;
    let mut by_post: BTreeMap<i32, Vec<tenure::Model>> = BTreeMap::new();
    for t in &tenures {
        by_post.entry(t.post_id).or_default().push(t.clone());
    }
    for post in &posts {
        let (Some(seats), Some(held)) = (post.seats, by_post.get(&post.id)) else { continue };
        for group in overlaps(held, seats.max(1) as usize) {
            issues.push(DataIssue {
                kind: DataIssueKind::OverlappingTenures,
                message: format!(
                    "{} tenures of \"{}\" overlap, but the post has {seats} seat(s)",
                    group.len(),
                    post.title
                ),
                nodes: std::iter::once(Involved::Post(post.id))
                    .chain(group.into_iter().map(Involved::Tenure))
                    .collect(),
            });
        }
    }

    let post_org: HashMap<i32, i32> = posts.iter().map(|p| (p.id, p.organization_id)).collect();
    for t in &tenures {
        let Some(org) = post_org.get(&t.post_id).and_then(|o| organizations.get(o)) else { continue };
        let founded = stored(org.started_on.as_deref());
        let ended = stored(org.ended_on.as_deref());
        let start = stored(t.started_on.as_deref());
        let end = stored(t.ended_on.as_deref());
        let before = matches!((start, founded), (Some(s), Some(f)) if s.latest() < f.earliest());
        let after = match (end, ended) {
            (Some(e), Some(x)) => e.earliest() > x.latest(),
            (None, Some(_)) => start.is_some(),
            _ => false,
        };
        if before || after {
            let span = |d: Option<PartialDate>| d.map_or("?".to_owned(), |d| d.to_string());
            issues.push(DataIssue {
                kind: DataIssueKind::TenureOutsideOrganizationLife,
                message: format!(
                    "a tenure from {} to {} lies outside the life of \"{}\" ({} to {})",
                    span(start),
                    end.map_or("now".to_owned(), |d| d.to_string()),
                    org.name,
                    span(founded),
                    span(ended)
                ),
                nodes: vec![Involved::Tenure(t.id), Involved::Organization(org.id)],
            });
        }
    }

    let chaired: HashSet<i32> = participation::Entity::find()
        .filter(participation::Column::Role.eq(ParticipationRole::Chair.as_str()))
        .select_only()
        .column(participation::Column::ConferenceId)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let conferences = conference::Entity::find().all(db).await?;
    for c in conferences.iter().filter(|c| !chaired.contains(&c.id)) {
        issues.push(DataIssue {
            kind: DataIssueKind::ConferenceWithoutChair,
            message: format!("no chair is recorded for \"{}\" ({})", c.title, c.date),
            nodes: vec![Involved::Conference(c.id)],
        });
    }

    let tasks = task::Entity::find().all(db).await?;
    for t in tasks.iter().filter(|t| t.due_on.is_none()) {
        issues.push(DataIssue {
            kind: DataIssueKind::TaskWithoutDueDate,
            message: format!("\"{}\" has no due date", t.title),
            nodes: vec![Involved::Task(t.id)],
        });
    }
    let assigned: HashSet<i32> = task_assignee::Entity::find()
        .select_only()
        .column(task_assignee::Column::TaskId)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for t in tasks.iter().filter(|t| !assigned.contains(&t.id)) {
        issues.push(DataIssue {
            kind: DataIssueKind::TaskWithoutAssignee,
            message: format!("\"{}\" is assigned to nobody", t.title),
            nodes: vec![Involved::Task(t.id)],
        });
    }

    let cited: HashSet<(String, i32)> = citation::Entity::find()
        .select_only()
        .column(citation::Column::SubjectType)
        .column(citation::Column::SubjectId)
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let uncited = |kind: &str, id: i32| !cited.contains(&(kind.to_owned(), id));
    let mut unsourced: Vec<(Involved, String)> = Vec::new();
    for c in conferences.iter().filter(|c| uncited(subject::CONFERENCE, c.id)) {
        unsourced.push((Involved::Conference(c.id), format!("conference \"{}\"", c.title)));
    }
    let participations = participation::Entity::find().all(db).await?;
    for p in participations.iter().filter(|p| uncited(subject::PARTICIPATION, p.id)) {
        unsourced.push((Involved::Participation(p.id), format!("a {} participation", p.role)));
    }
    for t in tenures.iter().filter(|t| uncited(subject::TENURE, t.id)) {
        unsourced.push((Involved::Tenure(t.id), "a tenure".to_owned()));
    }
    for d in directive::Entity::find().all(db).await?.iter().filter(|d| uncited(subject::DIRECTIVE, d.id)) {
        unsourced.push((Involved::Directive(d.id), format!("directive \"{}\"", d.code.as_deref().unwrap_or(&d.title))));
    }
    for t in tasks.iter().filter(|t| uncited(subject::TASK, t.id)) {
        unsourced.push((Involved::Task(t.id), format!("task \"{}\"", t.title)));
    }
    for (node, what) in unsourced {
        issues.push(DataIssue {
            kind: DataIssueKind::FactWithoutSource,
            message: format!("{what} cites no source"),
            nodes: vec![node],
        });
    }

    issues.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.nodes.cmp(&b.nodes)));
    Ok(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenure(id: i32, start: Option<&str>, end: Option<&str>) -> tenure::Model {
        tenure::Model {
            id,
            official_id: id,
            post_id: 1,
            started_on: start.map(Into::into),
            ended_on: end.map(Into::into),
            version: 1,
        }
    }

    #[test]
    fn a_handover_is_no_overlap_but_two_at_once_is() {
        let handover = [tenure(1, Some("2015"), Some("2020-10-14")), tenure(2, Some("2020-10-15"), None)];
        assert!(overlaps(&handover, 1).is_empty());
        let clash = [tenure(1, Some("2015"), Some("2021-06")), tenure(2, Some("2020-10-15"), None)];
        assert_eq!(overlaps(&clash, 1), vec![vec![1, 2]]);
        assert!(overlaps(&clash, 2).is_empty(), "two seats hold both");
    }

    #[test]
    fn partial_bounds_flag_only_certain_overlaps() {
        let maybe = [tenure(1, Some("2015"), Some("2020")), tenure(2, Some("2020"), None)];
        assert!(overlaps(&maybe, 1).is_empty(), "2020 may be the handover year");
        let unknown = [tenure(1, None, None), tenure(2, Some("2020"), None)];
        assert!(overlaps(&unknown, 1).is_empty());
    }
}
