//! The records of a dataset file as the typed fields of their kinds (`service::kinds`), with
//! each key turned into a row id by the caller: the importer hands the same fields to the same
//! rules as a mutation does, and writes the rows the kinds make of them.

use super::format::{self, Citation};
use crate::domain::node::NodeType;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use crate::service::kinds::*;
use crate::service::record::CitationFields;
use chrono::{DateTime, NaiveDate, Utc};

/// The row id of the record of a kind with a key. The importer's checker, which runs before
/// anything is read, hands out one stand-in id per key, so that rules comparing references
/// (an assignee named twice) judge the file as they will judge its rows.
pub type Ids<'a> = dyn Fn(NodeType, &str) -> i32 + 'a;

fn id_of(ids: &Ids, kind: NodeType, key: &Option<String>) -> Option<i32> {
    key.as_deref().map(|key| ids(kind, key))
}

/// A required value the checker reads first: a record whose kind, format or date does not
/// read is reported there and is not judged further.
fn read<T>(value: &str, parse: impl Fn(&str) -> Option<T>) -> AppResult<T> {
    parse(value).ok_or_else(|| AppError::internal(format!("an unchecked value in a dataset: \"{value}\"")))
}

/// An optional value; one that does not read counts as absent, so that the rules still judge
/// the rest of its record (the checker has reported it, and refuses the file).
fn read_opt<T>(value: &Option<String>, parse: impl Fn(&str) -> Option<T>) -> AppResult<Option<T>> {
    Ok(value.as_deref().and_then(parse))
}

fn partial(value: &Option<String>) -> AppResult<Option<crate::domain::partial_date::PartialDate>> {
    read_opt(value, |v| v.parse().ok())
}

fn instant(value: &Option<String>) -> AppResult<Option<DateTime<Utc>>> {
    read_opt(value, |v| DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc)))
}

fn day_opt(value: &Option<String>) -> AppResult<Option<NaiveDate>> {
    read_opt(value, |v| v.parse().ok())
}

/// The citations of a fact.
pub fn citations(list: &[Citation], ids: &Ids) -> Vec<CitationFields> {
    list.iter()
        .map(|c| {
            let (quote, locator) = match c {
                Citation::Key(_) => (None, None),
                Citation::Detailed(d) => (d.quote.clone(), d.locator.clone()),
            };
            CitationFields { source: ids(NodeType::Source, c.source()), quote, locator }
        })
        .collect()
}

/// A source.
pub fn source(s: &format::Source) -> AppResult<SourceFields> {
    Ok(SourceFields {
        key: s.key.clone(),
        title: s.title.clone(),
        url: s.url.clone(),
        publisher: s.publisher.clone(),
        published_at: instant(&s.published_at)?,
        published_on: day_opt(&s.published_on)?,
        author: s.author.clone(),
    })
}

/// An area, with the successor given (the importer sets successors once every area of the
/// file is written).
pub fn area(a: &format::Area, ids: &Ids, successor: Option<i32>) -> AppResult<AreaFields> {
    Ok(AreaFields {
        key: a.key.clone(),
        name: a.name.clone(),
        kind: read(&a.kind, AreaKind::parse)?,
        parent: id_of(ids, NodeType::Area, &a.parent),
        started_on: partial(&a.started_on)?,
        ended_on: partial(&a.ended_on)?,
        successor,
    })
}

/// An organization, with the successor given (the importer sets successors once every
/// organization of the file is written).
pub fn organization(o: &format::Organization, ids: &Ids, successor: Option<i32>) -> AppResult<OrganizationFields> {
    Ok(OrganizationFields {
        key: o.key.clone(),
        name: o.name.clone(),
        short_name: o.short_name.clone(),
        kind: read(&o.kind, OrganizationKind::parse)?,
        parent: id_of(ids, NodeType::Organization, &o.parent),
        area: id_of(ids, NodeType::Area, &o.area),
        started_on: partial(&o.started_on)?,
        ended_on: partial(&o.ended_on)?,
        ended_as: read_opt(&o.ended_as, OrganizationEnd::parse)?,
        successor,
    })
}

/// A post.
pub fn post(p: &format::Post, ids: &Ids) -> PostFields {
    PostFields {
        key: p.key.clone(),
        title: p.title.clone(),
        organization: ids(NodeType::Organization, &p.organization),
        seats: p.seats,
    }
}

/// An official (the tenures are records of their own).
pub fn official(o: &format::Official) -> OfficialFields {
    OfficialFields { key: o.key.clone(), name: o.name.clone() }
}

/// A tenure of the official `official`.
pub fn tenure(t: &format::Tenure, official: i32, ids: &Ids) -> AppResult<TenureFields> {
    Ok(TenureFields {
        official,
        post: ids(NodeType::Post, &t.post),
        started_on: partial(&t.started_on)?,
        ended_on: partial(&t.ended_on)?,
        citations: citations(&t.sources, ids),
        attestations: t
            .attested
            .iter()
            .map(|a| {
                Ok(AttestationFields {
                    source: ids(NodeType::Source, &a.source),
                    on: read(&a.on, |v| v.parse().ok())?,
                    title: a.title.clone(),
                    quote: a.quote.clone(),
                })
            })
            .collect::<AppResult<_>>()?,
    })
}

/// A directive with its links and citations.
pub fn directive(d: &format::Directive, ids: &Ids) -> AppResult<DirectiveFields> {
    let links = d
        .links
        .iter()
        .map(|link| {
            Ok(DirectiveLinkFields {
                relation: read(&link.relation, DirectiveRelation::parse)?,
                directive: ids(NodeType::Directive, &link.directive),
                citations: citations(&link.sources, ids),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(DirectiveFields {
        key: d.key.clone(),
        code: d.code.clone(),
        kind: read_opt(&d.kind, DirectiveKind::parse)?,
        number: d.number.clone(),
        title: d.title.clone(),
        issuer: id_of(ids, NodeType::Organization, &d.issuer),
        issued_on: partial(&d.issued_on)?,
        period_start: partial(&d.period_start)?,
        period_end: partial(&d.period_end)?,
        status: read_opt(&d.status, DirectiveStatus::parse)?.unwrap_or(DirectiveStatus::Unknown),
        links,
        citations: citations(&d.sources, ids),
    })
}

/// A conference with its organizers, directives and citations (its participants are records
/// of their own).
pub fn conference(c: &format::Conference, ids: &Ids) -> AppResult<ConferenceFields> {
    let directives = c
        .directives
        .iter()
        .map(|link| {
            Ok(ConferenceDirectiveFields {
                relation: read(&link.relation, ConferenceDirectiveRelation::parse)?,
                directive: ids(NodeType::Directive, &link.directive),
                citations: citations(&link.sources, ids),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(ConferenceFields {
        key: c.key.clone(),
        title: c.title.clone(),
        kind: read(&c.kind, ConferenceKind::parse)?,
        format: read_opt(&c.format, ConferenceFormat::parse)?.unwrap_or(ConferenceFormat::Unknown),
        date: read(&c.date, |v| v.parse().ok())?,
        date_inferred: c.date_inferred,
        date_note: c.date_note.clone(),
        part_of_day: read_opt(&c.part_of_day, PartOfDay::parse)?,
        starts_at: instant(&c.starts_at)?,
        ends_at: instant(&c.ends_at)?,
        time_zone: c.time_zone.clone().unwrap_or_else(|| crate::domain::time::DEFAULT_TIME_ZONE.name().to_owned()),
        venue: c.venue.clone(),
        area: id_of(ids, NodeType::Area, &c.area),
        organizers: c.organizers.iter().map(|key| ids(NodeType::Organization, key)).collect(),
        bodies: c
            .bodies
            .iter()
            .map(|b| {
                Ok(ConferenceBodyFields {
                    organization: ids(NodeType::Organization, &b.organization),
                    role: read(&b.role, ParticipationRole::parse)?,
                })
            })
            .collect::<AppResult<_>>()?,
        directives,
        citations: citations(&c.sources, ids),
    })
}

/// A participation in the conference `conference`.
pub fn participation(p: &format::Participant, conference: i32, ids: &Ids) -> AppResult<ParticipationFields> {
    Ok(ParticipationFields {
        conference,
        official: ids(NodeType::Official, &p.official),
        role: read(&p.role, ParticipationRole::parse)?,
        capacity: p.capacity.clone(),
        organization: id_of(ids, NodeType::Organization, &p.organization),
        citations: citations(&p.sources, ids),
    })
}

fn actor(a: &format::Actor, ids: &Ids) -> AssigneeFields {
    AssigneeFields {
        organization: id_of(ids, NodeType::Organization, &a.organization),
        official: id_of(ids, NodeType::Official, &a.official),
    }
}

/// A task; its status is its own, or else that of its latest update, or else OPEN.
pub fn task(t: &format::Task, ids: &Ids) -> AppResult<TaskFields> {
    let latest_update = t.updates.iter().max_by(|a, b| a.date.cmp(&b.date));
    let status = match (&t.status, latest_update) {
        (Some(status), _) => read(status, TaskStatus::parse)?,
        (None, Some(update)) => read(&update.status, TaskStatus::parse)?,
        (None, None) => TaskStatus::Open,
    };
    let by = t.assigned_by.as_ref().map(|by| actor(by, ids));
    Ok(TaskFields {
        key: t.key.clone(),
        title: t.title.clone(),
        description: t.description.clone(),
        status,
        due_on: day_opt(&t.due_on)?,
        time_zone: t.time_zone.clone().unwrap_or_else(|| crate::domain::time::DEFAULT_TIME_ZONE.name().to_owned()),
        conference: id_of(ids, NodeType::Conference, &t.conference),
        directive: id_of(ids, NodeType::Directive, &t.directive),
        assigned_by_organization: by.as_ref().and_then(|by| by.organization),
        assigned_by_official: by.as_ref().and_then(|by| by.official),
        assignees: t.assignees.iter().map(|a| actor(a, ids)).collect(),
    })
}
