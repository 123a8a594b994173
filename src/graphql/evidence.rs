//! How sure a membership answer is: the questions the membership fields take (`asOf`,
//! `during`, `minCertainty`), the certainty each tenure answers with, and the attestations
//! behind it.

use super::Result;
use super::conference::{Conference, Participation};
use super::loaders::*;
use super::official::Tenure;
use super::scalars::{Date, PartialDate};
use super::source::Source;
use super::{load_many, load_one};
use crate::domain::tenure::{Certainty, When};
use crate::error::AppError;
use crate::store::evidence::{Attested, Origin, bounds};
use async_graphql::{Context, Enum, InputObject, Object};
use entity::tenure;
use std::sync::Arc;

/// A period of days, both ends included.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct DateRange {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

/// What a membership field was asked: held on a day or during a period, at least this sure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// The day or period.
    pub when: When,
    /// The weakest certainty that counts as held.
    pub min: Certainty,
}

/// The certainty a membership answer needs when the question names none: what lies between
/// two pieces of evidence counts, what only open bounds allow does not.
pub const DEFAULT_MIN_CERTAINTY: Certainty = Certainty::Inferred;

/// The question of a membership field's arguments; `None` when it asks about no date.
pub fn question(as_of: Option<Date>, during: Option<DateRange>, min: Option<Certainty>) -> Result<Option<Question>> {
    let min = min.unwrap_or(DEFAULT_MIN_CERTAINTY);
    let when = match (as_of, during) {
        (Some(_), Some(_)) => return Err(AppError::bad_input("during", "give asOf or during, not both")),
        (Some(day), None) => When::On(day.0),
        (None, Some(range)) if range.from.0 > range.to.0 => {
            return Err(AppError::bad_input("during.to", "the period ends before it begins"));
        }
        (None, Some(range)) => When::During(range.from.0, range.to.0),
        (None, None) => return Ok(None),
    };
    Ok(Some(Question { when, min }))
}

/// The day or period of `as_of`/`during` as a question of when, if either is given.
pub fn when(as_of: Option<Date>, during: Option<DateRange>) -> Result<Option<When>> {
    Ok(question(as_of, during, None)?.map(|q| q.when))
}

/// The evidence of a tenure, loaded with every other tenure the request judges.
pub async fn evidence_of(ctx: &Context<'_>, id: i32) -> Result<Arc<crate::store::evidence::TenureEvidence>> {
    let loaded = super::loader(ctx)?.load_one(TenureEvidence(id)).await?;
    Ok(loaded.unwrap_or_default())
}

/// The tenures that answer `question` (all when it is `None`), each with its certainty, the
/// earliest start first.
pub async fn held(ctx: &Context<'_>, tenures: Vec<tenure::Model>, question: Option<Question>) -> Result<Vec<Tenure>> {
    let mut answer = Vec::with_capacity(tenures.len());
    match question {
        None => answer.extend(tenures.into_iter().map(|t| Tenure { row: t, judged: None })),
        // "Not ruled out" needs only the bounds of the tenures and of their bodies, which the
        // loaders of posts and organizations share with the rest of the answer; the attestations
        // are read only when an answer says how sure it is.
        Some(q) if q.min == Certainty::Possible && !asks_how_sure(ctx) => {
            let loader = super::loader(ctx)?;
            let posts = loader.load_many(tenures.iter().map(|t| PostById(t.post_id))).await?;
            let bodies = loader.load_many(posts.values().map(|p| OrganizationById(p.organization_id))).await?;
            for t in tenures {
                let post = posts.get(&PostById(t.post_id));
                let body = post.and_then(|p| bodies.get(&OrganizationById(p.organization_id)));
                if let Some(certainty) = q.when.judge(&bounds(&t, body)) {
                    answer.push(Tenure { row: t, judged: Some((q.when, certainty)) });
                }
            }
        }
        Some(q) => {
            let keys: Vec<TenureEvidence> = tenures.iter().map(|t| TenureEvidence(t.id)).collect();
            let mut found = super::loader(ctx)?.load_many(keys).await?;
            for t in tenures {
                let certainty = found.remove(&TenureEvidence(t.id)).and_then(|e| q.when.judge(&e.evidence));
                if certainty.is_some_and(|c| c >= q.min) {
                    answer.push(Tenure { row: t, judged: certainty.map(|c| (q.when, c)) });
                }
            }
        }
    }
    answer.sort_by(|a, b| {
        let start = |t: &Tenure| crate::domain::tenure::stored(t.row.started_on.as_deref()).map(|d| d.earliest());
        start(a).cmp(&start(b)).then(a.row.id.cmp(&b.row.id))
    });
    Ok(answer)
}

/// Whether the tenures a field returns are asked how sure they are (their `certainty` or
/// `evidence`).
fn asks_how_sure(ctx: &Context<'_>) -> bool {
    let selection = ctx.look_ahead();
    selection.field("certainty").exists() || selection.field("evidence").exists()
}

/// The attestations a judgement of `when` rests on: those within the day or period; else those
/// of the last day attested before it and of the first after it.
pub fn behind(attested: &[Attested], when: When) -> Vec<Attested> {
    let (from, to) = match when {
        When::On(day) => (day, day),
        When::During(from, to) => (from, to),
    };
    let within: Vec<Attested> =
        attested.iter().filter(|a| from <= a.on.earliest() && a.on.latest() <= to).cloned().collect();
    if !within.is_empty() {
        return within;
    }
    // Every attestation of the nearest day on each side, not one picked among them.
    let last_before = attested.iter().map(|a| a.on.latest()).filter(|d| *d < from).max();
    let first_after = attested.iter().map(|a| a.on.earliest()).filter(|d| *d > to).min();
    let before = attested.iter().filter(|a| Some(a.on.latest()) == last_before);
    let after = attested.iter().filter(|a| Some(a.on.earliest()) == first_after);
    before.chain(after).cloned().collect()
}

/// Where an attestation comes from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttestationOrigin {
    /// Recorded for the tenure, by hand or from a dataset.
    Recorded,
    /// A citation of the tenure: the source attests it on the day it was published.
    Citation,
    /// A participation whose printed titles name the post: attested on the conference's date.
    Participation,
}

/// An attestation.
#[derive(Clone)]
pub struct Attestation(pub Attested);

/// A source saying that an official held a post on a day, under a title as printed: the
/// evidence a tenure's certainty is judged on.
#[Object]
impl Attestation {
    /// The day attested (a month or a year where the source is no more precise).
    async fn on(&self) -> PartialDate {
        PartialDate(self.0.on)
    }

    /// The title as printed beside the name, where known.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The words of the source that state it, where recorded.
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }

    /// Where the attestation comes from.
    async fn origin(&self) -> AttestationOrigin {
        match self.0.origin {
            Origin::Recorded(_) => AttestationOrigin::Recorded,
            Origin::Citation(_) => AttestationOrigin::Citation,
            Origin::Participation { .. } => AttestationOrigin::Participation,
        }
    }

    /// The sources that say it (for a participation, those cited for it, else the conference's).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        let keys = self.0.sources.iter().map(|id| SourceById(*id)).collect();
        Ok(load_many(ctx, keys).await?.into_iter().map(Source).collect())
    }

    /// The conference the official was named at, for an attestation from a participation.
    async fn conference(&self, ctx: &Context<'_>) -> Result<Option<Conference>> {
        let Origin::Participation { conference, .. } = self.0.origin else { return Ok(None) };
        Ok(load_one(ctx, ConferenceById(conference)).await?.map(Conference))
    }

    /// The participation, for an attestation from one.
    async fn participation(&self, ctx: &Context<'_>) -> Result<Option<Participation>> {
        let Origin::Participation { participation, .. } = self.0.origin else { return Ok(None) };
        Ok(load_one(ctx, ParticipationById(participation)).await?.map(Participation))
    }

    /// The tenure attested.
    async fn tenure(&self, ctx: &Context<'_>) -> Result<Option<Tenure>> {
        Ok(load_one(ctx, TenureById(self.0.tenure)).await?.map(Tenure::of))
    }
}
