//! Reads for matching a drafted report against what is stored: areas by key or name, bodies
//! whose folded names hold a printed name's words, officials by folded name with the posts and
//! places of their tenures, posts of a body, documents by kind and number. Each read is bounded
//! (`CANDIDATES` rows); the rules that decide a match are in `dataset::draft`.

use super::any_of;
use crate::domain::text::{search_form, word_prefix_patterns};
use crate::error::AppResult;
use entity::*;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The most stored records one printed name is compared with: a name so common that more
/// share its words is reported ambiguous rather than read in full.
pub const CANDIDATES: u64 = 500;

/// An area by its key, else by its name (folded).
pub async fn area(db: &DatabaseConnection, key_or_name: &str) -> AppResult<Option<area::Model>> {
    if let Some(found) = area::Entity::find().filter(area::Column::Key.eq(key_or_name)).one(db).await? {
        return Ok(Some(found));
    }
    Ok(area::Entity::find()
        .filter(area::Column::NameFolded.eq(search_form(key_or_name)))
        .order_by_asc(area::Column::Id)
        .one(db)
        .await?)
}

/// Every area with its parent, for walking up and down from the report's area.
pub async fn area_parents(db: &DatabaseConnection) -> AppResult<HashMap<i32, (Option<i32>, String)>> {
    Ok(area::Entity::find()
        .select_only()
        .column(area::Column::Id)
        .column(area::Column::ParentId)
        .column(area::Column::Name)
        .into_tuple::<(i32, Option<i32>, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, parent, name)| (id, (parent, name)))
        .collect())
}

/// Bodies whose stored name (with its short name) holds every word of `printed`, at the start
/// of a word.
pub async fn organizations_with_words(db: &DatabaseConnection, printed: &str) -> AppResult<Vec<organization::Model>> {
    let words: Vec<String> = search_form(printed).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut condition = Condition::all();
    for word in &words {
        let [at_start, after_space] = word_prefix_patterns(word);
        condition = condition.add(
            Condition::any()
                .add(organization::Column::NameFolded.like(at_start))
                .add(organization::Column::NameFolded.like(after_space)),
        );
    }
    Ok(organization::Entity::find()
        .filter(condition)
        .order_by_asc(organization::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await?)
}

/// Officials with this name (folded: "Nguyen Manh Dung" and "Nguyễn Mạnh Dũng" alike).
pub async fn officials_named(db: &DatabaseConnection, name: &str) -> AppResult<Vec<official::Model>> {
    Ok(official::Entity::find()
        .filter(official::Column::NameFolded.eq(search_form(name)))
        .order_by_asc(official::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await?)
}

/// The posts each of `officials` has held, with the post's body.
pub async fn posts_held(
    db: &DatabaseConnection,
    officials: &[i32],
) -> AppResult<Vec<(i32, post::Model, organization::Model)>> {
    if officials.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let tenures = tenure::Entity::find()
        .filter(any_of(backend, tenure::Column::OfficialId, officials.iter().copied()))
        .limit(CANDIDATES * 10)
        .all(db)
        .await?;
    let posts: HashMap<i32, post::Model> = post::Entity::find()
        .filter(any_of(backend, post::Column::Id, tenures.iter().map(|t| t.post_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let bodies: HashMap<i32, organization::Model> = organization::Entity::find()
        .filter(any_of(backend, organization::Column::Id, posts.values().map(|p| p.organization_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(tenures
        .into_iter()
        .filter_map(|t| {
            let post = posts.get(&t.post_id)?.clone();
            let body = bodies.get(&post.organization_id)?.clone();
            Some((t.official_id, post, body))
        })
        .collect())
}

/// The posts of a body.
pub async fn posts_of(db: &DatabaseConnection, organization: i32) -> AppResult<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::OrganizationId.eq(organization))
        .order_by_asc(post::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await?)
}

/// Documents of a kind with a number (a code's number, or one printed without a code).
pub async fn directives_numbered(
    db: &DatabaseConnection,
    kind: &str,
    number: &str,
) -> AppResult<Vec<directive::Model>> {
    let trimmed = number.trim_start_matches('0');
    let variants: Vec<String> = vec![number.to_owned(), trimmed.to_owned(), format!("0{trimmed}")];
    Ok(directive::Entity::find()
        .filter(directive::Column::Kind.eq(kind))
        .filter(directive::Column::Number.is_in(variants))
        .order_by_asc(directive::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await?)
}
