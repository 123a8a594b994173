//! Posts as the shared write path edits them: their fields, rules and row.

use super::record::{Editable, Refusals, check_exists, check_text};
use crate::domain::node::NodeType;
use crate::domain::node::SearchType;
use crate::domain::text::search_form;
use crate::error::AppResult;
use entity::*;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// The fields of a post.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// The organization it belongs to.
    pub organization: i32,
    /// How many hold it at once.
    #[serde(default)]
    pub seats: Option<i32>,
}

/// Posts.
pub struct Post;

impl Editable for Post {
    const NODE: NodeType = NodeType::Post;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[("organization", NodeType::Organization)];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.title))
    }
    type Entity = post::Entity;
    type Fields = PostFields;

    fn columns() -> (post::Column, post::Column, Option<post::Column>) {
        (post::Column::Id, post::Column::Version, Some(post::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &post::Model) -> AppResult<PostFields> {
        Ok(PostFields {
            key: row.key.clone(),
            title: row.title.clone(),
            organization: row.organization_id,
            seats: row.seats,
        })
    }

    fn rules(f: &PostFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 300));
        if f.seats.is_some_and(|s| s < 1) {
            r.refuse("input.seats", "a post has at least one seat");
        }
    }

    async fn check(txn: &DatabaseTransaction, f: &PostFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<organization::Entity>(txn, "input.organization", Some(f.organization), "organization").await
    }

    fn model(f: &PostFields) -> post::Model {
        post::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            title_folded: search_form(&f.title),
            organization_id: f.organization,
            seats: f.seats,
            version: 0,
        }
    }

    fn search_entry(f: &PostFields) -> Option<(SearchType, String)> {
        Some((SearchType::Post, search_form(&f.title)))
    }
}
