//! Exporting the whole database in the dataset format. Records come in the order they were
//! stored, so importing an export into an empty database and exporting again gives the same
//! file byte for byte.

use super::format::{self, Citation, Dataset, DetailedCitation};
use crate::domain::subject;
use crate::error::{AppError, AppResult};
use chrono::SecondsFormat;
use entity::*;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use std::collections::HashMap;

/// Every stored row of the tables an export reads, with their keys.
struct Snapshot {
    citations: HashMap<(String, i32), Vec<citation::Model>>,
    source_keys: HashMap<i32, String>,
    area_keys: HashMap<i32, String>,
    organization_keys: HashMap<i32, String>,
    post_keys: HashMap<i32, String>,
    official_keys: HashMap<i32, String>,
    directive_keys: HashMap<i32, String>,
    conference_keys: HashMap<i32, String>,
}

impl Snapshot {
    fn key(map: &HashMap<i32, String>, id: i32, what: &str) -> AppResult<String> {
        map.get(&id).cloned().ok_or_else(|| AppError::internal(format!("{what} {id} has no key")))
    }

    fn optional(map: &HashMap<i32, String>, id: Option<i32>, what: &str) -> AppResult<Option<String>> {
        id.map(|id| Self::key(map, id, what)).transpose()
    }

    fn citations(&self, subject_type: &str, id: i32) -> AppResult<Vec<Citation>> {
        let Some(rows) = self.citations.get(&(subject_type.to_owned(), id)) else { return Ok(Vec::new()) };
        rows.iter()
            .map(|c| {
                let source = Self::key(&self.source_keys, c.source_id, "source")?;
                Ok(if c.quote.is_none() && c.locator.is_none() {
                    Citation::Key(source)
                } else {
                    Citation::Detailed(DetailedCitation { source, quote: c.quote.clone(), locator: c.locator.clone() })
                })
            })
            .collect()
    }

    fn actor(&self, organization: Option<i32>, official: Option<i32>) -> AppResult<format::Actor> {
        Ok(format::Actor {
            organization: Self::optional(&self.organization_keys, organization, "organization")?,
            official: Self::optional(&self.official_keys, official, "official")?,
            sources: Vec::new(),
        })
    }
}

fn group<M>(rows: Vec<M>, owner: impl Fn(&M) -> i32) -> HashMap<i32, Vec<M>> {
    let mut grouped: HashMap<i32, Vec<M>> = HashMap::new();
    for row in rows {
        grouped.entry(owner(&row)).or_default().push(row);
    }
    grouped
}

/// The whole database as a dataset.
pub async fn export_dataset(db: &DatabaseConnection) -> AppResult<Dataset> {
    let sources = source::Entity::find().order_by_asc(source::Column::Id).all(db).await?;
    let areas = area::Entity::find().order_by_asc(area::Column::Id).all(db).await?;
    let organizations = organization::Entity::find().order_by_asc(organization::Column::Id).all(db).await?;
    let posts = post::Entity::find().order_by_asc(post::Column::Id).all(db).await?;
    let officials = official::Entity::find().order_by_asc(official::Column::Id).all(db).await?;
    let directives = directive::Entity::find().order_by_asc(directive::Column::Id).all(db).await?;
    let conferences = conference::Entity::find().order_by_asc(conference::Column::Id).all(db).await?;
    let tasks = task::Entity::find().order_by_asc(task::Column::Id).all(db).await?;
    let tenures = group(tenure::Entity::find().order_by_asc(tenure::Column::Id).all(db).await?, |t| t.official_id);
    let attested =
        group(attestation::Entity::find().order_by_asc(attestation::Column::Id).all(db).await?, |a| a.tenure_id);
    let links = group(directive_link::Entity::find().order_by_asc(directive_link::Column::Id).all(db).await?, |l| {
        l.from_directive_id
    });
    let organizers = group(
        conference_organizer::Entity::find().order_by_asc(conference_organizer::Column::Id).all(db).await?,
        |o| o.conference_id,
    );
    let bodies = group(conference_body::Entity::find().order_by_asc(conference_body::Column::Id).all(db).await?, |b| {
        b.conference_id
    });
    let participants =
        group(participation::Entity::find().order_by_asc(participation::Column::Id).all(db).await?, |p| {
            p.conference_id
        });
    let handled = group(
        conference_directive::Entity::find().order_by_asc(conference_directive::Column::Id).all(db).await?,
        |l| l.conference_id,
    );
    let assignees =
        group(task_assignee::Entity::find().order_by_asc(task_assignee::Column::Id).all(db).await?, |a| a.task_id);
    let updates =
        group(task_update::Entity::find().order_by_asc(task_update::Column::Id).all(db).await?, |u| u.task_id);
    let mut citations: HashMap<(String, i32), Vec<citation::Model>> = HashMap::new();
    for c in citation::Entity::find().order_by_asc(citation::Column::Id).all(db).await? {
        citations.entry((c.subject_type.clone(), c.subject_id)).or_default().push(c);
    }
    let keys = |pairs: Vec<(i32, String)>| pairs.into_iter().collect::<HashMap<_, _>>();
    let snap = Snapshot {
        citations,
        source_keys: keys(sources.iter().map(|m| (m.id, m.key.clone())).collect()),
        area_keys: keys(areas.iter().map(|m| (m.id, m.key.clone())).collect()),
        organization_keys: keys(organizations.iter().map(|m| (m.id, m.key.clone())).collect()),
        post_keys: keys(posts.iter().map(|m| (m.id, m.key.clone())).collect()),
        official_keys: keys(officials.iter().map(|m| (m.id, m.key.clone())).collect()),
        directive_keys: keys(directives.iter().map(|m| (m.id, m.key.clone())).collect()),
        conference_keys: keys(conferences.iter().map(|m| (m.id, m.key.clone())).collect()),
    };
    let mut ds = Dataset::default();
    for s in sources {
        ds.sources.push(format::Source {
            key: s.key,
            title: s.title,
            url: s.url,
            publisher: s.publisher,
            published_at: s.published_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            published_on: s.published_on.map(|d| d.to_string()),
            author: s.author,
        });
    }
    for a in areas {
        let parent = Snapshot::optional(&snap.area_keys, a.parent_id, "area")?;
        let successor = Snapshot::optional(&snap.area_keys, a.successor_id, "area")?;
        ds.areas.push(format::Area {
            key: a.key,
            name: a.name,
            kind: a.kind,
            parent,
            started_on: a.started_on,
            ended_on: a.ended_on,
            successor,
        });
    }
    for o in organizations {
        ds.organizations.push(format::Organization {
            parent: Snapshot::optional(&snap.organization_keys, o.parent_id, "organization")?,
            area: Snapshot::optional(&snap.area_keys, o.area_id, "area")?,
            successor: Snapshot::optional(&snap.organization_keys, o.successor_id, "organization")?,
            key: o.key,
            name: o.name,
            short_name: o.short_name,
            kind: o.kind,
            started_on: o.started_on,
            ended_on: o.ended_on,
            ended_as: o.ended_as,
        });
    }
    for p in posts {
        let organization = Snapshot::key(&snap.organization_keys, p.organization_id, "organization")?;
        ds.posts.push(format::Post { key: p.key, title: p.title, organization, seats: p.seats });
    }
    for o in officials {
        let mut list = Vec::new();
        for t in tenures.get(&o.id).into_iter().flatten() {
            list.push(format::Tenure {
                post: Snapshot::key(&snap.post_keys, t.post_id, "post")?,
                started_on: t.started_on.clone(),
                ended_on: t.ended_on.clone(),
                sources: snap.citations(subject::TENURE, t.id)?,
                attested: attested
                    .get(&t.id)
                    .into_iter()
                    .flatten()
                    .map(|a| {
                        Ok(format::Attestation {
                            source: Snapshot::key(&snap.source_keys, a.source_id, "source")?,
                            on: a.attested_on.clone(),
                            title: a.title.clone(),
                            quote: a.quote.clone(),
                        })
                    })
                    .collect::<AppResult<_>>()?,
            });
        }
        ds.officials.push(format::Official { key: o.key, name: o.name, tenures: list });
    }
    for d in directives {
        let mut list = Vec::new();
        for l in links.get(&d.id).into_iter().flatten() {
            list.push(format::DirectiveLink {
                relation: l.relation.clone(),
                directive: Snapshot::key(&snap.directive_keys, l.to_directive_id, "directive")?,
                sources: snap.citations(subject::DIRECTIVE_LINK, l.id)?,
            });
        }
        ds.directives.push(format::Directive {
            issuer: Snapshot::optional(&snap.organization_keys, d.issuer_id, "organization")?,
            sources: snap.citations(subject::DIRECTIVE, d.id)?,
            key: d.key,
            code: d.code,
            kind: Some(d.kind),
            number: d.number,
            title: d.title,
            issued_on: d.issued_on,
            period_start: d.period_start,
            period_end: d.period_end,
            status: Some(d.status),
            links: list,
        });
    }
    for c in conferences {
        let mut organizer_keys = Vec::new();
        for o in organizers.get(&c.id).into_iter().flatten() {
            organizer_keys.push(Snapshot::key(&snap.organization_keys, o.organization_id, "organization")?);
        }
        let mut people = Vec::new();
        for p in participants.get(&c.id).into_iter().flatten() {
            people.push(format::Participant {
                official: Snapshot::key(&snap.official_keys, p.official_id, "official")?,
                role: p.role.clone(),
                capacity: p.capacity.clone(),
                organization: Snapshot::optional(&snap.organization_keys, p.organization_id, "organization")?,
                sources: snap.citations(subject::PARTICIPATION, p.id)?,
            });
        }
        let mut documents = Vec::new();
        for l in handled.get(&c.id).into_iter().flatten() {
            documents.push(format::ConferenceDirective {
                directive: Snapshot::key(&snap.directive_keys, l.directive_id, "directive")?,
                relation: l.relation.clone(),
                sources: snap.citations(subject::CONFERENCE_DIRECTIVE, l.id)?,
            });
        }
        ds.conferences.push(format::Conference {
            area: Snapshot::optional(&snap.area_keys, c.area_id, "area")?,
            sources: snap.citations(subject::CONFERENCE, c.id)?,
            date: crate::store::conference_date(&c).to_string(),
            date_inferred: c.date_inferred,
            date_note: c.date_note,
            key: c.key,
            title: c.title,
            kind: c.kind,
            format: Some(c.format),
            part_of_day: c.part_of_day,
            starts_at: c.starts_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ends_at: c.ends_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            time_zone: Some(c.time_zone),
            venue: c.venue,
            organizers: organizer_keys,
            participants: people,
            bodies: bodies
                .get(&c.id)
                .into_iter()
                .flatten()
                .map(|b| {
                    Ok(format::Body {
                        organization: Snapshot::key(&snap.organization_keys, b.organization_id, "organization")?,
                        role: b.role.clone(),
                    })
                })
                .collect::<AppResult<_>>()?,
            directives: documents,
        });
    }
    for t in tasks {
        let mut list = Vec::new();
        for a in assignees.get(&t.id).into_iter().flatten() {
            let mut actor = snap.actor(a.organization_id, a.official_id)?;
            actor.sources = snap.citations(subject::TASK_ASSIGNMENT, a.id)?;
            list.push(actor);
        }
        let progress = updates
            .get(&t.id)
            .into_iter()
            .flatten()
            .map(|u| format::TaskUpdate {
                date: u.date.to_string(),
                status: u.status.clone(),
                progress_percent: u.progress_percent,
                note: u.note.clone(),
            })
            .collect();
        let assigned_by = match (t.assigned_by_organization_id, t.assigned_by_official_id) {
            (None, None) => None,
            (organization, official) => Some(snap.actor(organization, official)?),
        };
        ds.tasks.push(format::Task {
            conference: Snapshot::optional(&snap.conference_keys, t.conference_id, "conference")?,
            directive: Snapshot::optional(&snap.directive_keys, t.directive_id, "directive")?,
            sources: snap.citations(subject::TASK, t.id)?,
            key: t.key,
            title: t.title,
            description: t.description,
            status: Some(t.status),
            due_on: t.due_on.map(|d| d.to_string()),
            time_zone: Some(t.time_zone),
            assigned_by,
            assignees: list,
            updates: progress,
        });
    }
    Ok(ds)
}

/// The dataset as the text of a file: pretty JSON ending in a newline.
pub fn to_json(dataset: &Dataset) -> AppResult<String> {
    let mut text = serde_json::to_string_pretty(dataset).map_err(AppError::internal)?;
    text.push('\n');
    Ok(text)
}
