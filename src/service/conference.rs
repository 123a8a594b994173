//! Recording a whole report at once: a conference with its participants (officials already
//! known, or new ones by name), the directives it handled and the tasks it assigned, in one
//! transaction, so a failure anywhere leaves nothing behind.

use super::kinds::{Conference, Official, Participation};
use super::record::{self, Author, nested};
use super::task::{self, Change, TaskInput};
use crate::error::AppResult;
use entity::conference;
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};

/// Who takes part: an official already recorded, or a new one.
#[derive(Clone, Debug)]
pub enum Participant {
    /// The official with this row id.
    Known(i32),
    /// A new official with these fields (`name`, optionally `key`).
    New(Map<String, Value>),
}

/// One participant of a new conference.
#[derive(Clone, Debug)]
pub struct NewParticipation {
    /// Who.
    pub official: Participant,
    /// The participation's other fields (`role`, `capacity`, `organization`, `citations`).
    pub fields: Map<String, Value>,
}

/// Creates a conference with its participants and tasks inside the caller's transaction.
pub async fn create(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    fields: Map<String, Value>,
    participants: Vec<NewParticipation>,
    tasks: Vec<TaskInput>,
) -> AppResult<conference::Model> {
    let created = record::create::<Conference>(txn, author, fields).await?;
    for (i, participant) in participants.into_iter().enumerate() {
        let at = format!("input.participants[{i}]");
        let official = match participant.official {
            Participant::Known(id) => id,
            Participant::New(official) => {
                let at = format!("{at}.newOfficial");
                record::create::<Official>(txn, author, official).await.map_err(|err| nested(err, &at))?.id
            }
        };
        let mut fields = participant.fields;
        fields.insert("conference".to_owned(), created.id.into());
        fields.insert("official".to_owned(), official.into());
        record::create::<Participation>(txn, author, fields).await.map_err(|err| nested(err, &at))?;
    }
    for (i, mut input) in tasks.into_iter().enumerate() {
        input.conference = Change::Set(created.id);
        task::create_in(txn, author.actor, input, author.at, author.operation)
            .await
            .map_err(|err| nested(err, &format!("input.tasks[{i}]")))?;
    }
    Ok(created)
}
