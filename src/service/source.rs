//! Sources (the reports facts are taken from) as the shared write path edits them: their
//! fields, rules and row.

use super::record::{Editable, Refusals, check_optional_text, check_text};
use crate::domain::node::NodeType;
use crate::error::AppResult;
use chrono::{NaiveDate, Utc};
use entity::*;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// The fields of a source.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// Where it is published.
    #[serde(default)]
    pub url: Option<String>,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// When it was published, to the instant.
    #[serde(default)]
    pub published_at: Option<chrono::DateTime<Utc>>,
    /// The day it was published, when only that is known.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
}

/// Sources: the reports facts are taken from.
pub struct Source;

impl Editable for Source {
    const NODE: NodeType = NodeType::Source;
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.title))
    }
    type Entity = source::Entity;
    type Fields = SourceFields;

    fn columns() -> (source::Column, source::Column, Option<source::Column>) {
        (source::Column::Id, source::Column::Version, Some(source::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &source::Model) -> AppResult<SourceFields> {
        Ok(SourceFields {
            key: row.key.clone(),
            title: row.title.clone(),
            url: row.url.clone(),
            publisher: row.publisher.clone(),
            published_at: row.published_at,
            published_on: row.published_on,
            author: row.author.clone(),
        })
    }

    async fn check(_: &DatabaseTransaction, _: &SourceFields, _: Option<i32>) -> AppResult<()> {
        Ok(())
    }

    fn rules(f: &SourceFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 1000));
        if let Some(url) = &f.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
                r.refuse("input.url", "an http or https address");
            }
        }
        r.check(check_optional_text("input.publisher", f.publisher.as_ref(), 300));
        r.check(check_optional_text("input.author", f.author.as_ref(), 300));
    }

    fn model(f: &SourceFields) -> source::Model {
        source::Model {
            id: 0,
            key: f.key.clone(),
            url: f.url.clone(),
            title: f.title.trim().to_owned(),
            publisher: f.publisher.clone(),
            published_at: f.published_at,
            published_on: f.published_on,
            author: f.author.clone(),
            version: 0,
        }
    }
}
