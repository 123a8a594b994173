//! Popolo JSON (popoloproject.com), the open standard for people, organizations, posts,
//! memberships and events, both ways. docs/popolo.md gives the mapping: Official ⇄ Person,
//! Organization ⇄ Organization, Area ⇄ Area, Post ⇄ Post, Tenure ⇄ Membership,
//! Conference ⇄ Event, a source with an address ⇄ a link in `sources`.
//!
//! Popolo holds less than govtrail, so an import lays the file over what the database holds:
//! records are matched by `id` (the govtrail key), the fields Popolo carries are taken from the
//! file, and the rest (a conference's format, chairs and directives, tasks...) stays as stored.

// The fields follow the Popolo JSON schemas; they are documented there and in docs/popolo.md.
#![allow(missing_docs)]

use super::format::{self, Citation, Dataset};
use crate::domain::text::slug;
use crate::domain::time::{DEFAULT_TIME_ZONE, local_date};
use crate::domain::vocabulary::{AreaKind, ConferenceKind, OrganizationKind, ParticipationRole};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Popolo {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<Person>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Area>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<Membership>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Link {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct OtherName {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<OtherName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founding_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolution_date: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Area {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Post {
    pub id: String,
    pub label: String,
    pub organization_id: String,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Membership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub person_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Attendee {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Event {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    pub start_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

const SHORT_NAME: &str = "short name";

fn lower(name: &str) -> String {
    name.to_lowercase()
}

fn instant(text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|_| text.to_owned())
}

/// The links of a fact's citations: the addresses of its sources (sources without one are
/// not held).
fn links(citations: &[Citation], urls: &HashMap<&str, (&str, &str)>) -> Vec<Link> {
    citations
        .iter()
        .filter_map(|c| urls.get(c.source()))
        .map(|(url, title)| Link { url: (*url).to_owned(), note: Some((*title).to_owned()) })
        .collect()
}

/// The Popolo form of a dataset.
pub fn to_popolo(ds: &Dataset) -> Popolo {
    let urls: HashMap<&str, (&str, &str)> = ds
        .sources
        .iter()
        .filter_map(|s| s.url.as_deref().map(|url| (s.key.as_str(), (url, s.title.as_str()))))
        .collect();
    let post_organization: HashMap<&str, &str> =
        ds.posts.iter().map(|p| (p.key.as_str(), p.organization.as_str())).collect();
    let names: HashMap<&str, &str> = ds.officials.iter().map(|o| (o.key.as_str(), o.name.as_str())).collect();
    let mut popolo = Popolo {
        persons: ds.officials.iter().map(|o| Person { id: o.key.clone(), name: o.name.clone() }).collect(),
        areas: ds
            .areas
            .iter()
            .map(|a| Area {
                id: a.key.clone(),
                name: a.name.clone(),
                classification: Some(lower(&a.kind)),
                parent_id: a.parent.clone(),
            })
            .collect(),
        organizations: ds
            .organizations
            .iter()
            .map(|o| Organization {
                id: o.key.clone(),
                name: o.name.clone(),
                other_names: o
                    .short_name
                    .iter()
                    .map(|s| OtherName { name: s.clone(), note: Some(SHORT_NAME.to_owned()) })
                    .collect(),
                classification: Some(lower(&o.kind)),
                parent_id: o.parent.clone(),
                area_id: o.area.clone(),
                founding_date: o.started_on.clone(),
                dissolution_date: o.ended_on.clone(),
            })
            .collect(),
        posts: ds
            .posts
            .iter()
            .map(|p| Post { id: p.key.clone(), label: p.title.clone(), organization_id: p.organization.clone() })
            .collect(),
        ..Popolo::default()
    };
    for o in &ds.officials {
        for (i, t) in o.tenures.iter().enumerate() {
            popolo.memberships.push(Membership {
                id: Some(format!("{}/{}/{}", o.key, t.post, i + 1)),
                person_id: o.key.clone(),
                organization_id: post_organization.get(t.post.as_str()).map(|o| (*o).to_owned()),
                post_id: Some(t.post.clone()),
                role: None,
                start_date: t.started_on.clone(),
                end_date: t.ended_on.clone(),
                sources: links(&t.sources, &urls),
            });
        }
    }
    for c in &ds.conferences {
        popolo.events.push(Event {
            id: c.key.clone(),
            name: c.title.clone(),
            classification: Some(lower(&c.kind)),
            start_date: c.starts_at.as_deref().map(instant).unwrap_or_else(|| c.date.clone()),
            end_date: c.ends_at.as_deref().map(instant),
            location: c.venue.clone(),
            organization_id: c.organizers.first().cloned(),
            attendees: c
                .participants
                .iter()
                .enumerate()
                .filter(|(i, p)| !c.participants[..*i].iter().any(|q| q.official == p.official))
                .map(|(_, p)| Attendee {
                    id: p.official.clone(),
                    name: names.get(p.official.as_str()).map(|n| (*n).to_owned()),
                })
                .collect(),
            sources: links(&c.sources, &urls),
        });
    }
    popolo
}

/// Reads Popolo JSON; an error names the place in the file.
pub fn parse_popolo(json: &str) -> AppResult<Popolo> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        AppError::bad_input(&path, format!("{path}: {}", err.inner()))
    })
}

/// A vocabulary value from a Popolo classification ("province" → PROVINCE), if it is one.
fn classified<T>(classification: &Option<String>, parse: fn(&str) -> Option<T>) -> Option<T> {
    classification.as_deref().and_then(|c| parse(&c.trim().to_uppercase().replace([' ', '-'], "_")))
}

/// Lays a Popolo file over `current` (the database's export): the dataset to import.
pub fn overlay(mut ds: Dataset, popolo: Popolo) -> AppResult<Dataset> {
    let mut source_keys: HashMap<String, String> =
        ds.sources.iter().filter_map(|s| s.url.clone().map(|url| (url, s.key.clone()))).collect();
    let mut cite = |links: &[Link], ds_sources: &mut Vec<format::Source>| -> Vec<Citation> {
        links
            .iter()
            .map(|link| {
                let key = source_keys.entry(link.url.clone()).or_insert_with(|| {
                    let key = format!("popolo-{}", slug(&link.url));
                    ds_sources.push(format::Source {
                        key: key.clone(),
                        title: link.note.clone().unwrap_or_else(|| link.url.clone()),
                        url: Some(link.url.clone()),
                        publisher: None,
                        published_at: None,
                        published_on: None,
                        author: None,
                    });
                    key
                });
                Citation::Key(key.clone())
            })
            .collect()
    };

    for (i, a) in popolo.areas.into_iter().enumerate() {
        let kind = classified(&a.classification, AreaKind::parse);
        match ds.areas.iter_mut().find(|x| x.key == a.id) {
            Some(x) => {
                x.name = a.name;
                x.kind = kind.map_or(x.kind.clone(), |k| k.as_str().to_owned());
                x.parent = a.parent_id;
            }
            None => {
                let Some(kind) = kind else {
                    let path = format!("areas[{i}].classification");
                    return Err(AppError::bad_input(
                        &path,
                        format!("{path}: one of {}", AreaKind::names().to_lowercase()),
                    ));
                };
                ds.areas.push(format::Area {
                    key: a.id,
                    name: a.name,
                    kind: kind.as_str().to_owned(),
                    parent: a.parent_id,
                    ..format::Area::default()
                })
            }
        }
    }
    for o in popolo.organizations {
        let kind = classified(&o.classification, OrganizationKind::parse);
        let short_name = o.other_names.into_iter().find(|n| n.note.as_deref() == Some(SHORT_NAME)).map(|n| n.name);
        let x = match ds.organizations.iter().position(|x| x.key == o.id) {
            Some(i) => &mut ds.organizations[i],
            None => {
                ds.organizations.push(format::Organization::new(o.id.clone(), String::new(), OrganizationKind::Other));
                ds.organizations.last_mut().ok_or_else(|| AppError::internal("pushed"))?
            }
        };
        x.name = o.name;
        x.short_name = short_name;
        if let Some(kind) = kind {
            x.kind = kind.as_str().to_owned();
        }
        x.parent = o.parent_id;
        x.area = o.area_id;
        x.started_on = o.founding_date;
        x.ended_on = o.dissolution_date;
    }
    for p in popolo.posts {
        match ds.posts.iter_mut().find(|x| x.key == p.id) {
            Some(x) => {
                x.title = p.label;
                x.organization = p.organization_id;
            }
            None => {
                ds.posts.push(format::Post { key: p.id, title: p.label, organization: p.organization_id, seats: None })
            }
        }
    }
    for person in popolo.persons {
        match ds.officials.iter_mut().find(|x| x.key == person.id) {
            Some(x) => x.name = person.name,
            None => ds.officials.push(format::Official { key: person.id, name: person.name, tenures: Vec::new() }),
        }
    }
    // The memberships of a person listed in the file are the person's tenures.
    let mut tenures: HashMap<String, Vec<format::Tenure>> = HashMap::new();
    for (i, m) in popolo.memberships.into_iter().enumerate() {
        let post = match (m.post_id, &m.organization_id, &m.role) {
            (Some(post), _, _) => post,
            // A membership in a role of an organization holds a post of that name there.
            (None, Some(organization), Some(role)) => {
                let key = format!("{organization}-{}", slug(role));
                if !ds.posts.iter().any(|p| p.key == key) {
                    ds.posts.push(format::Post {
                        key: key.clone(),
                        title: role.clone(),
                        organization: organization.clone(),
                        seats: None,
                    });
                }
                key
            }
            _ => {
                let path = format!("memberships[{i}]");
                return Err(AppError::bad_input(
                    &path,
                    format!("{path}: a membership needs a post_id, or an organization_id and a role"),
                ));
            }
        };
        let sources = cite(&m.sources, &mut ds.sources);
        tenures.entry(m.person_id).or_default().push(format::Tenure {
            post,
            started_on: m.start_date,
            ended_on: m.end_date,
            sources,
            attested: Vec::new(),
        });
    }
    for official in &mut ds.officials {
        if let Some(new) = tenures.remove(&official.key) {
            let old = std::mem::take(&mut official.tenures);
            official.tenures = new
                .into_iter()
                .map(|mut t| {
                    // Quotes, locators and attestations are not held by Popolo: keep the stored ones.
                    if let Some(same) = old.iter().find(|o| o.post == t.post && o.started_on == t.started_on) {
                        if t.sources.is_empty() {
                            t.sources = same.sources.clone();
                        }
                        t.attested = same.attested.clone();
                    }
                    t
                })
                .collect();
        }
    }
    if let Some(person) = tenures.keys().next() {
        return Err(AppError::bad_input("memberships", format!("memberships: no person has the id \"{person}\"")));
    }
    for e in popolo.events {
        let (date, starts_at) = match DateTime::parse_from_rfc3339(&e.start_date) {
            Ok(start) => {
                (local_date(DEFAULT_TIME_ZONE, start.with_timezone(&Utc)).to_string(), Some(instant(&e.start_date)))
            }
            Err(_) => (e.start_date.clone(), None),
        };
        let ends_at = e.end_date.as_deref().filter(|d| d.contains('T')).map(instant);
        let kind = classified(&e.classification, ConferenceKind::parse);
        let sources = cite(&e.sources, &mut ds.sources);
        let x = match ds.conferences.iter().position(|x| x.key == e.id) {
            Some(i) => &mut ds.conferences[i],
            None => {
                ds.conferences.push(format::Conference {
                    key: e.id.clone(),
                    title: String::new(),
                    kind: ConferenceKind::Other.as_str().to_owned(),
                    format: Some(crate::domain::vocabulary::ConferenceFormat::Unknown.as_str().to_owned()),
                    date: String::new(),
                    date_inferred: false,
                    date_note: None,
                    part_of_day: None,
                    starts_at: None,
                    ends_at: None,
                    time_zone: None,
                    venue: None,
                    area: None,
                    organizers: Vec::new(),
                    participants: Vec::new(),
                    bodies: Vec::new(),
                    directives: Vec::new(),
                    sources: Vec::new(),
                });
                ds.conferences.last_mut().ok_or_else(|| AppError::internal("pushed"))?
            }
        };
        x.title = e.name;
        if let Some(kind) = kind {
            x.kind = kind.as_str().to_owned();
        }
        x.date = date;
        x.starts_at = starts_at;
        x.ends_at = ends_at;
        x.venue = e.location;
        if let Some(organizer) = e.organization_id {
            if !x.organizers.contains(&organizer) {
                x.organizers.insert(0, organizer);
            }
        }
        // Popolo does not say who chaired: attendees already recorded keep their roles, new
        // ones attend.
        for attendee in e.attendees {
            if !x.participants.iter().any(|p| p.official == attendee.id) {
                x.participants.push(format::Participant {
                    official: attendee.id,
                    role: ParticipationRole::Attendee.as_str().to_owned(),
                    capacity: None,
                    organization: None,
                    sources: Vec::new(),
                });
            }
        }
        if !sources.is_empty() || x.sources.is_empty() {
            x.sources = sources;
        }
    }
    Ok(ds)
}

/// The whole database as Popolo JSON text.
pub async fn export_popolo(db: &sea_orm::DatabaseConnection) -> AppResult<String> {
    let popolo = to_popolo(&super::export_dataset(db).await?);
    let mut text = serde_json::to_string_pretty(&popolo).map_err(AppError::internal)?;
    text.push('\n');
    Ok(text)
}

/// Imports Popolo JSON text laid over what the database holds (or tries it, in a dry run).
pub async fn import_popolo(
    db: &sea_orm::DatabaseConnection,
    json: &str,
    mode: super::import::Mode,
    author: Option<crate::service::record::Author<'_>>,
) -> AppResult<super::ImportReport> {
    let popolo = parse_popolo(json)?;
    let dataset = overlay(super::export_dataset(db).await?, popolo)?;
    // The file was laid over what is stored: it is the whole truth for what it names.
    super::import::import(db, &dataset, mode, super::import::Merge::Replace, author).await
}
