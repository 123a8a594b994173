//! What the sources say about tenures, read for a batch of them at once.
//!
//! A tenure is attested three ways: by the attestations recorded for it (by hand or from a
//! dataset); by each citation of it, on the day its source was published; and by each
//! participation of its official whose printed titles name its post, on the conference's date,
//! with the sources that cite the participation (or else the conference). Only the first are
//! stored as such: the others are read from the facts they follow from, so they stay right
//! whichever of those facts is written later or changed, and whichever door it came through.
//! Beside them a tenure's evidence holds its stated bounds, the life of its post's body and,
//! for a post with one seat, the days someone else is known to have held it.

use super::any_of;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::domain::tenure::{Evidence, names_post, stored};
use crate::domain::time::{DEFAULT_TIME_ZONE, local_date};
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeSet, HashMap};

/// Where an attestation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Recorded for the tenure: the attestation's row id.
    Recorded(i32),
    /// A citation of the tenure, attesting it on the day the source was published.
    Citation(i32),
    /// A participation whose printed titles name the post, on the conference's date.
    Participation {
        /// The participation's row id.
        participation: i32,
        /// The conference's row id.
        conference: i32,
    },
}

/// One source (or several, for a participation) saying that a tenure's official held its post
/// on a day.
#[derive(Clone, Debug)]
pub struct Attested {
    /// The tenure's row id.
    pub tenure: i32,
    /// The day (or month, year) attested.
    pub on: PartialDate,
    /// The title as printed beside the name, where known.
    pub title: Option<String>,
    /// The sources, by row id.
    pub sources: Vec<i32>,
    /// The words that state it, where recorded.
    pub quote: Option<String>,
    /// Where it comes from.
    pub origin: Origin,
}

/// Everything a tenure's certainty is judged on, with the attestations themselves.
#[derive(Clone, Debug, Default)]
pub struct TenureEvidence {
    /// Bounds, body, attested days and contrary periods.
    pub evidence: Evidence,
    /// The attestations, earliest first.
    pub attested: Vec<Attested>,
}

/// The most participations with printed titles one batch of tenures reads (about 5 MB): an
/// official's participations are as many as the data holds, and the batch of a request that
/// would read more is refused with LIMIT_EXCEEDED rather than read whole.
pub const MAX_PARTICIPATIONS: usize = 50_000;

/// The evidence of each of `tenures`, by tenure id.
pub async fn of_tenures(db: &DatabaseConnection, tenures: &[tenure::Model]) -> AppResult<HashMap<i32, TenureEvidence>> {
    let backend = db.get_database_backend();
    if tenures.is_empty() {
        return Ok(HashMap::new());
    }
    let post_ids: BTreeSet<i32> = tenures.iter().map(|t| t.post_id).collect();
    let posts: HashMap<i32, post::Model> = post::Entity::find()
        .filter(any_of(backend, post::Column::Id, post_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let body_ids: BTreeSet<i32> = posts.values().map(|p| p.organization_id).collect();
    let bodies: HashMap<i32, organization::Model> = organization::Entity::find()
        .filter(any_of(backend, organization::Column::Id, body_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    // Who else held a post with one seat: their tenures are judged too, for contrary evidence.
    let single: Vec<i32> = posts.values().filter(|p| p.seats == Some(1)).map(|p| p.id).collect();
    let mut all: HashMap<i32, tenure::Model> = tenures.iter().map(|t| (t.id, t.clone())).collect();
    if !single.is_empty() {
        for t in tenure::Entity::find().filter(any_of(backend, tenure::Column::PostId, single)).all(db).await? {
            all.entry(t.id).or_insert(t);
        }
    }
    let attested = attestations(db, &all, &posts).await?;

    let mut found = HashMap::new();
    for t in tenures {
        let post = posts.get(&t.post_id);
        let body = post.and_then(|p| bodies.get(&p.organization_id));
        let mut contrary = Vec::new();
        if post.is_some_and(|p| p.seats == Some(1)) {
            for other in all.values().filter(|o| o.post_id == t.post_id && o.official_id != t.official_id) {
                contrary.extend(held_surely(other, attested.get(&other.id).map_or(&[][..], Vec::as_slice)));
            }
        }
        let mine = attested.get(&t.id).cloned().unwrap_or_default();
        let evidence = Evidence { attested: mine.iter().map(|a| a.on).collect(), contrary, ..bounds(t, body) };
        found.insert(t.id, TenureEvidence { evidence, attested: mine });
    }
    Ok(found)
}

/// What the record alone says of a tenure: its stated bounds and its body's life, with no
/// attestation read.
pub fn bounds(t: &tenure::Model, body: Option<&organization::Model>) -> Evidence {
    Evidence {
        started: stored(t.started_on.as_deref()),
        ended: stored(t.ended_on.as_deref()),
        body_started: body.and_then(|b| stored(b.started_on.as_deref())),
        body_ended: body.and_then(|b| stored(b.ended_on.as_deref())),
        ..Evidence::default()
    }
}

/// The periods a tenure surely covers: its days attested to the day, and the span its stated
/// bounds both cover.
fn held_surely(t: &tenure::Model, attested: &[Attested]) -> Vec<(chrono::NaiveDate, chrono::NaiveDate)> {
    let mut periods: Vec<_> = attested
        .iter()
        .filter(|a| a.on.precision() == crate::domain::partial_date::Precision::Day)
        .map(|a| (a.on.earliest(), a.on.earliest()))
        .collect();
    if let (Some(start), Some(end)) = (stored(t.started_on.as_deref()), stored(t.ended_on.as_deref()))
        && start.latest() <= end.earliest()
    {
        periods.push((start.latest(), end.earliest()));
    }
    periods
}

/// The attestations of each tenure of `tenures`, by tenure id, earliest first.
async fn attestations(
    db: &DatabaseConnection,
    tenures: &HashMap<i32, tenure::Model>,
    posts: &HashMap<i32, post::Model>,
) -> AppResult<HashMap<i32, Vec<Attested>>> {
    let backend = db.get_database_backend();
    let ids: Vec<i32> = tenures.keys().copied().collect();
    let mut found: HashMap<i32, Vec<Attested>> = HashMap::new();

    for a in attestation::Entity::find()
        .filter(any_of(backend, attestation::Column::TenureId, ids.iter().copied()))
        .all(db)
        .await?
    {
        let Some(on) = stored(Some(&a.attested_on)) else { continue };
        found.entry(a.tenure_id).or_default().push(Attested {
            tenure: a.tenure_id,
            on,
            title: a.title,
            sources: vec![a.source_id],
            quote: a.quote,
            origin: Origin::Recorded(a.id),
        });
    }

    let cited = citation::Entity::find()
        .filter(citation::Column::SubjectType.eq(subject::TENURE))
        .filter(any_of(backend, citation::Column::SubjectId, ids.iter().copied()))
        .all(db)
        .await?;
    let published = publication_days(db, cited.iter().map(|c| c.source_id)).await?;
    for c in cited {
        let Some(day) = published.get(&c.source_id) else { continue };
        found.entry(c.subject_id).or_default().push(Attested {
            tenure: c.subject_id,
            on: PartialDate::from_date(*day),
            title: None,
            sources: vec![c.source_id],
            quote: c.quote,
            origin: Origin::Citation(c.id),
        });
    }

    let officials: BTreeSet<i32> = tenures.values().map(|t| t.official_id).collect();
    let parts = participation::Entity::find()
        .filter(any_of(backend, participation::Column::OfficialId, officials))
        .filter(participation::Column::Capacity.is_not_null())
        .order_by_asc(participation::Column::Id)
        .limit(MAX_PARTICIPATIONS as u64 + 1)
        .all(db)
        .await?;
    if parts.len() > MAX_PARTICIPATIONS {
        return Err(AppError::limit(
            "evidence",
            MAX_PARTICIPATIONS,
            format!(
                "judging these tenures would read more than {MAX_PARTICIPATIONS} participations of their officials: ask about fewer"
            ),
        ));
    }
    let mut naming: Vec<(&participation::Model, &tenure::Model)> = Vec::new();
    for p in &parts {
        let capacity = p.capacity.as_deref().unwrap_or_default();
        for t in tenures.values().filter(|t| t.official_id == p.official_id) {
            if posts.get(&t.post_id).is_some_and(|post| names_post(capacity, &post.title_folded)) {
                naming.push((p, t));
            }
        }
    }
    if !naming.is_empty() {
        let conference_ids: BTreeSet<i32> = naming.iter().map(|(p, _)| p.conference_id).collect();
        let part_ids: BTreeSet<i32> = naming.iter().map(|(p, _)| p.id).collect();
        let days: HashMap<i32, PartialDate> = conference::Entity::find()
            .filter(any_of(backend, conference::Column::Id, conference_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, super::conference_date(&c)))
            .collect();
        let cited_parts = cited_by(db, subject::PARTICIPATION, part_ids).await?;
        let cited_conferences = cited_by(db, subject::CONFERENCE, conference_ids).await?;
        for (p, t) in naming {
            let Some(day) = days.get(&p.conference_id) else { continue };
            let sources =
                cited_parts.get(&p.id).or_else(|| cited_conferences.get(&p.conference_id)).cloned().unwrap_or_default();
            found.entry(t.id).or_default().push(Attested {
                tenure: t.id,
                on: *day,
                title: p.capacity.clone(),
                sources,
                quote: None,
                origin: Origin::Participation { participation: p.id, conference: p.conference_id },
            });
        }
    }
    for list in found.values_mut() {
        list.sort_by_key(|a| (a.on.earliest(), a.on.latest(), order_of(a.origin)));
    }
    Ok(found)
}

fn order_of(origin: Origin) -> (u8, i32) {
    match origin {
        Origin::Recorded(id) => (0, id),
        Origin::Citation(id) => (1, id),
        Origin::Participation { participation, .. } => (2, participation),
    }
}

/// The day each source was published, in Vietnam time where only the instant is known.
async fn publication_days(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, chrono::NaiveDate>> {
    let ids: BTreeSet<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sources =
        source::Entity::find().filter(any_of(db.get_database_backend(), source::Column::Id, ids)).all(db).await?;
    Ok(sources
        .into_iter()
        .filter_map(|s| {
            let day = s.published_on.or_else(|| s.published_at.map(|at| local_date(DEFAULT_TIME_ZONE, at)));
            day.map(|d| (s.id, d))
        })
        .collect())
}

/// The sources citing each fact of one subject type, by the fact's id.
async fn cited_by(
    db: &DatabaseConnection,
    subject_type: &str,
    ids: BTreeSet<i32>,
) -> AppResult<HashMap<i32, Vec<i32>>> {
    let mut found: HashMap<i32, Vec<i32>> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let rows = citation::Entity::find()
        .filter(citation::Column::SubjectType.eq(subject_type))
        .filter(any_of(db.get_database_backend(), citation::Column::SubjectId, ids))
        .order_by_asc(citation::Column::Id)
        .all(db)
        .await?;
    for c in rows {
        found.entry(c.subject_id).or_default().push(c.source_id);
    }
    Ok(found)
}
