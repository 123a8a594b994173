//! Recording a whole report at once: a conference with its participants (officials already
//! known, or new ones by name), the directives it handled and the tasks it assigned, in one
//! transaction, so a failure anywhere leaves nothing behind.

use super::kinds::{Official, OfficialFields, Participation, ParticipationFields, WithoutId};
use super::record::{
    self, Author, CitationFields, Editable, Refusals, all_set, check_citations, check_exists, check_optional_text,
    check_text, citation_rules, nested, read_citations, write_citations,
};
use super::task::{self, Change, TaskInput};
use crate::database::begin_write;
use crate::domain::node::{NodeType, SearchType};
use crate::domain::partial_date::{PartialDate, Precision};
use crate::domain::subject;
use crate::domain::text::search_form;
use crate::domain::time::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

/// Who takes part: an official already recorded, or a new one.
#[derive(Debug)]
pub enum Participant {
    /// The official with this row id.
    Known(i32),
    /// A new official with these fields, under this key (or one made from the name).
    New(Option<String>, OfficialFields),
}

/// One participant of a conference, new or recorded.
#[derive(Debug)]
pub struct NewParticipation {
    /// Who.
    pub official: Participant,
    /// The participation's fields; its conference and official are set when they are recorded.
    pub fields: ParticipationFields,
}

/// A new conference with what the report says of it at once.
#[derive(Debug)]
pub struct NewConference {
    /// Its key, or none for one made from the title.
    pub key: Option<String>,
    /// Its own fields.
    pub fields: ConferenceFields,
    /// Who took part.
    pub participants: Vec<NewParticipation>,
    /// The tasks it assigned.
    pub tasks: Vec<TaskInput>,
}

/// Creates a conference with its participants and tasks, in one transaction.
pub async fn create(db: &DatabaseConnection, author: Author<'_>, new: NewConference) -> AppResult<conference::Model> {
    let txn = begin_write(db).await?;
    let created = record::create_in::<Conference>(&txn, author, new.key, new.fields).await?;
    for (i, participant) in new.participants.into_iter().enumerate() {
        write_participant(&txn, author, created.id, participant, &format!("input.participants[{i}]")).await?;
    }
    for (i, mut input) in new.tasks.into_iter().enumerate() {
        input.conference = Change::Set(created.id);
        task::create_in(&txn, author.actor, input, author.at, author.operation)
            .await
            .map_err(|err| nested(err, &format!("input.tasks[{i}]")))?;
    }
    txn.commit().await?;
    Ok(created)
}

/// Adds a participant to a recorded conference, recording the official too when new, in one
/// transaction.
pub async fn add_participant(
    db: &DatabaseConnection,
    author: Author<'_>,
    conference: i32,
    participant: NewParticipation,
) -> AppResult<participation::Model> {
    let txn = begin_write(db).await?;
    let row = write_participant(&txn, author, conference, participant, "input").await?;
    txn.commit().await?;
    Ok(row)
}

/// One participant written: its official first when new; `at` names it in messages.
async fn write_participant(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    conference: i32,
    participant: NewParticipation,
    at: &str,
) -> AppResult<participation::Model> {
    let official = match participant.official {
        Participant::Known(id) => id,
        Participant::New(key, official) => {
            let at = format!("{at}.newOfficial");
            record::create_in::<Official>(txn, author, key, official).await.map_err(|err| nested(err, &at))?.id
        }
    };
    let fields = ParticipationFields { conference, official, ..participant.fields };
    record::create_in::<Participation>(txn, author, None, fields).await.map_err(|err| nested(err, at))
}

// ---------------------------------------------------------------------------------------------

/// A directive a conference handled.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceDirectiveFields {
    /// What the conference did with it.
    pub relation: ConferenceDirectiveRelation,
    /// The directive.
    pub directive: i32,
    /// The sources that state it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

/// The fields of a conference (its participants are nodes of their own).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// The kind of meeting.
    pub kind: ConferenceKind,
    /// In person, online or both.
    pub format: ConferenceFormat,
    /// The local date, as precisely as the report gives it (a day, a month or a year).
    pub date: PartialDate,
    /// Whether the date was inferred rather than printed (a year taken from the publication
    /// date of a report that gives "26-7").
    #[serde(default)]
    pub date_inferred: bool,
    /// From what, or why, the date is as it is.
    #[serde(default)]
    pub date_note: Option<String>,
    /// Morning or afternoon, when that is all the report says.
    #[serde(default)]
    pub part_of_day: Option<PartOfDay>,
    /// When it started.
    #[serde(default)]
    pub starts_at: Option<chrono::DateTime<Utc>>,
    /// When it ended.
    #[serde(default)]
    pub ends_at: Option<chrono::DateTime<Utc>>,
    /// The zone of its local date.
    #[serde(default = "default_zone")]
    pub time_zone: String,
    /// Where.
    #[serde(default)]
    pub venue: Option<String>,
    /// The area it was held in.
    #[serde(default)]
    pub area: Option<i32>,
    /// The organizations that held it.
    #[serde(default)]
    pub organizers: Vec<i32>,
    /// Organizations that took part as bodies, where the report names no one of them.
    #[serde(default)]
    pub bodies: Vec<ConferenceBodyFields>,
    /// The directives it handled.
    #[serde(default)]
    pub directives: Vec<ConferenceDirectiveFields>,
    /// The sources that report it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

fn default_zone() -> String {
    DEFAULT_TIME_ZONE.name().to_owned()
}

/// An organization that took part in a conference as a body, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceBodyFields {
    /// The organization.
    pub organization: i32,
    /// Its part (attendee, speaker...).
    pub role: ParticipationRole,
}

/// Conferences.
pub struct Conference;

impl Editable for Conference {
    const NODE: NodeType = NodeType::Conference;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[
        ("area", NodeType::Area),
        ("organizers", NodeType::Organization),
        ("bodies.organization", NodeType::Organization),
        ("directives.directive", NodeType::Directive),
        ("directives.citations.source", NodeType::Source),
        ("citations.source", NodeType::Source),
    ];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.title))
    }
    type Entity = conference::Entity;
    type Fields = ConferenceFields;

    fn columns() -> (conference::Column, conference::Column, Option<conference::Column>) {
        (conference::Column::Id, conference::Column::Version, Some(conference::Column::Key))
    }

    async fn fields(txn: &DatabaseTransaction, row: &conference::Model) -> AppResult<ConferenceFields> {
        let stored = || AppError::internal("stored conference value");
        let organizers = conference_organizer::Entity::find()
            .filter(conference_organizer::Column::ConferenceId.eq(row.id))
            .order_by_asc(conference_organizer::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|o| o.organization_id)
            .collect();
        let bodies = conference_body::Entity::find()
            .filter(conference_body::Column::ConferenceId.eq(row.id))
            .order_by_asc(conference_body::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|b| {
                Ok(ConferenceBodyFields {
                    organization: b.organization_id,
                    role: ParticipationRole::parse(&b.role).ok_or_else(stored)?,
                })
            })
            .collect::<AppResult<_>>()?;
        let mut directives = Vec::new();
        let link_rows = conference_directive::Entity::find()
            .filter(conference_directive::Column::ConferenceId.eq(row.id))
            .order_by_asc(conference_directive::Column::Id)
            .all(txn)
            .await?;
        for link in link_rows {
            directives.push(ConferenceDirectiveFields {
                relation: ConferenceDirectiveRelation::parse(&link.relation).ok_or_else(stored)?,
                directive: link.directive_id,
                citations: read_citations(txn, subject::CONFERENCE_DIRECTIVE, link.id).await?,
            });
        }
        Ok(ConferenceFields {
            key: row.key.clone(),
            title: row.title.clone(),
            kind: ConferenceKind::parse(&row.kind).ok_or_else(stored)?,
            format: ConferenceFormat::parse(&row.format).ok_or_else(stored)?,
            date: PartialDate::truncated(row.date, Precision::parse(&row.date_precision)),
            date_inferred: row.date_inferred,
            date_note: row.date_note.clone(),
            part_of_day: row.part_of_day.as_deref().map(|p| PartOfDay::parse(p).ok_or_else(stored)).transpose()?,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            time_zone: row.time_zone.clone(),
            venue: row.venue.clone(),
            area: row.area_id,
            organizers,
            bodies,
            directives,
            citations: read_citations(txn, subject::CONFERENCE, row.id).await?,
        })
    }

    fn rules(f: &ConferenceFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 2000));
        r.check(check_optional_text("input.venue", f.venue.as_ref(), 500));
        r.check(check_optional_text("input.dateNote", f.date_note.as_ref(), 500));
        if f.date.precision() != Precision::Day {
            if f.starts_at.is_some() {
                r.refuse("input.startsAt", format!("a clock time needs a full date, not {}", f.date));
            }
            if f.part_of_day.is_some() {
                r.refuse("input.partOfDay", format!("a part of the day needs a full date, not {}", f.date));
            }
        }
        if let (Some(start), Some(end)) = (f.starts_at, f.ends_at) {
            if end < start {
                r.refuse("input.endsAt", "the end is before the start");
            }
        }
        match parse_time_zone(&f.time_zone) {
            Err(message) => r.refuse("input.timeZone", message),
            Ok(zone) => {
                if let Some(start) = f.starts_at {
                    let local = start.with_timezone(&zone);
                    let zone = &f.time_zone;
                    if f.date.precision() == Precision::Day && local.date_naive() != f.date.earliest() {
                        let day = local.date_naive();
                        r.refuse("input.startsAt", format!("falls on {day} in {zone}, not on the date, {}", f.date));
                    }
                    let part = PartOfDay::at(local.time());
                    if f.part_of_day.is_some_and(|given| given != part) {
                        let (time, part) = (local.format("%H:%M"), part.as_str().to_lowercase());
                        r.refuse(
                            "input.startsAt",
                            format!("{time} in {zone} is in the {part}, not the partOfDay given"),
                        );
                    }
                }
            }
        }
        for (i, organizer) in f.organizers.iter().enumerate() {
            if f.organizers[..i].contains(organizer) {
                r.refuse(&format!("input.organizers[{i}]"), "the organizer is given twice");
            }
        }
        for (i, body) in f.bodies.iter().enumerate() {
            if f.bodies[..i].iter().any(|b| b == body) {
                r.refuse(&format!("input.bodies[{i}]"), "the organization is given twice in that role");
            }
        }
        for (i, link) in f.directives.iter().enumerate() {
            if f.directives[..i].iter().any(|l| l.directive == link.directive && l.relation == link.relation) {
                r.refuse(&format!("input.directives[{i}].directive"), "the same directive is given twice");
            }
            r.check(citation_rules(&format!("input.directives[{i}].citations"), &link.citations));
        }
        r.check(citation_rules("input.citations", &f.citations));
    }

    async fn check(txn: &DatabaseTransaction, f: &ConferenceFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<area::Entity>(txn, "input.area", f.area, "area").await?;
        for (i, organizer) in f.organizers.iter().enumerate() {
            let path = format!("input.organizers[{i}]");
            check_exists::<organization::Entity>(txn, &path, Some(*organizer), "organization").await?;
        }
        for (i, body) in f.bodies.iter().enumerate() {
            let path = format!("input.bodies[{i}].organization");
            check_exists::<organization::Entity>(txn, &path, Some(body.organization), "organization").await?;
        }
        for (i, link) in f.directives.iter().enumerate() {
            let path = format!("input.directives[{i}].directive");
            check_exists::<directive::Entity>(txn, &path, Some(link.directive), "directive").await?;
            check_citations(txn, &format!("input.directives[{i}].citations"), &link.citations).await?;
        }
        check_citations(txn, "input.citations", &f.citations).await
    }

    fn model(f: &ConferenceFields) -> conference::Model {
        conference::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            title_folded: search_form(&conference_text(f)),
            kind: f.kind.as_str().to_owned(),
            format: f.format.as_str().to_owned(),
            date: f.date.earliest(),
            date_precision: f.date.precision().as_str().to_owned(),
            date_last: Some(f.date.latest()),
            date_inferred: f.date_inferred,
            date_note: f.date_note.clone(),
            part_of_day: f.part_of_day.map(|p| p.as_str().to_owned()),
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            time_zone: f.time_zone.clone(),
            venue: f.venue.clone(),
            area_id: f.area,
            version: 0,
        }
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &ConferenceFields) -> AppResult<()> {
        conference_organizer::Entity::delete_many()
            .filter(conference_organizer::Column::ConferenceId.eq(id))
            .exec(txn)
            .await?;
        for organizer in &f.organizers {
            sea_orm::ActiveModelTrait::insert(
                all_set::<_, conference_organizer::ActiveModel>(conference_organizer::Model {
                    id: 0,
                    conference_id: id,
                    organization_id: *organizer,
                })
                .without_id(),
                txn,
            )
            .await?;
        }
        conference_body::Entity::delete_many().filter(conference_body::Column::ConferenceId.eq(id)).exec(txn).await?;
        for body in &f.bodies {
            sea_orm::ActiveModelTrait::insert(
                all_set::<_, conference_body::ActiveModel>(conference_body::Model {
                    id: 0,
                    conference_id: id,
                    organization_id: body.organization,
                    role: body.role.as_str().to_owned(),
                })
                .without_id(),
                txn,
            )
            .await?;
        }
        let old: Vec<i32> = conference_directive::Entity::find()
            .filter(conference_directive::Column::ConferenceId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|l| l.id)
            .collect();
        super::forget_citations(txn, subject::CONFERENCE_DIRECTIVE, old.clone()).await?;
        conference_directive::Entity::delete_many()
            .filter(crate::store::any_of(txn.get_database_backend(), conference_directive::Column::Id, old))
            .exec(txn)
            .await?;
        for link in &f.directives {
            let row = sea_orm::ActiveModelTrait::insert(
                all_set::<_, conference_directive::ActiveModel>(conference_directive::Model {
                    id: 0,
                    conference_id: id,
                    directive_id: link.directive,
                    relation: link.relation.as_str().to_owned(),
                })
                .without_id(),
                txn,
            )
            .await?;
            write_citations(txn, subject::CONFERENCE_DIRECTIVE, row.id, &link.citations).await?;
        }
        Ok(())
    }

    fn citations(f: &ConferenceFields) -> Option<&[CitationFields]> {
        Some(&f.citations)
    }

    fn citations_mut(f: &mut ConferenceFields) -> Option<&mut Vec<CitationFields>> {
        Some(&mut f.citations)
    }

    fn search_entry(f: &ConferenceFields) -> Option<(SearchType, String)> {
        Some((SearchType::Conference, search_form(&conference_text(f))))
    }
}

fn conference_text(f: &ConferenceFields) -> String {
    match &f.venue {
        Some(venue) => format!("{} {venue}", f.title),
        None => f.title.clone(),
    }
}
