//! The top-level lists: each applies its filter, its ordering (several keys in the order
//! given, the row id last) and keyset pagination.

use super::filters::*;
use super::page::{CursorValue, Ordering, Page, PageRequest, SortKey, fetch};
use crate::domain::vocabulary::PartOfDay;
use crate::error::AppResult;
use entity::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Builds an ordering from the keys a client listed; `key` gives each key's sort expressions
/// and row values. The row id always ends the ordering, so ties page stably.
fn ordering<M: 'static, O: Copy + std::fmt::Debug + Send + Sync + 'static>(
    entity: &str,
    order: &[O],
    key: fn(O) -> (Vec<SortKey>, fn(&M) -> Vec<CursorValue>),
    id: (Expr, fn(&M) -> i32),
) -> Ordering<M> {
    let mut keys = Vec::new();
    let mut extractors = Vec::new();
    for o in order {
        let (k, values) = key(*o);
        keys.extend(k);
        extractors.push(values);
    }
    keys.push(SortKey::asc(id.0).not_null());
    let id_of = id.1;
    Ordering {
        name: format!("{entity}:{order:?}"),
        keys,
        values: Box::new(move |row| {
            let mut values: Vec<CursorValue> = extractors.iter().flat_map(|f| f(row)).collect();
            values.push(id_of(row).into());
            values
        }),
    }
}

/// Orderings of conferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ConferenceOrder {
    /// Earliest first: by date, then part of day, then start time.
    DateAsc,
    /// Latest first: by date, then part of day, then start time.
    DateDesc,
    /// By title, A to Z, ignoring diacritics and case.
    TitleAsc,
    /// By title, Z to A.
    TitleDesc,
}

fn part_of_day_rank() -> Expr {
    let column = || Expr::col((conference::Entity, conference::Column::PartOfDay));
    Expr::case(column().eq(PartOfDay::Morning.as_str()), PartOfDay::Morning.rank())
        .case(column().eq(PartOfDay::Afternoon.as_str()), PartOfDay::Afternoon.rank())
        .case(column().eq(PartOfDay::Evening.as_str()), PartOfDay::Evening.rank())
        .finally(0)
        .into()
}

fn conference_key(order: ConferenceOrder) -> (Vec<SortKey>, fn(&conference::Model) -> Vec<CursorValue>) {
    use conference::Column as C;
    fn by_date(m: &conference::Model) -> Vec<CursorValue> {
        let rank = m.part_of_day.as_deref().and_then(PartOfDay::parse).map_or(0, PartOfDay::rank);
        vec![m.date.into(), rank.into(), m.starts_at.into()]
    }
    fn by_title(m: &conference::Model) -> Vec<CursorValue> {
        vec![m.title_folded.as_str().into()]
    }
    let date_keys = |desc: bool| {
        vec![
            SortKey::new(C::Date.into_expr(), desc).not_null(),
            SortKey::new(part_of_day_rank(), desc).not_null(),
            SortKey::new(C::StartsAt.into_expr(), desc),
        ]
    };
    match order {
        ConferenceOrder::DateAsc => (date_keys(false), by_date),
        ConferenceOrder::DateDesc => (date_keys(true), by_date),
        ConferenceOrder::TitleAsc => (vec![SortKey::asc(C::TitleFolded.into_expr()).not_null()], by_title),
        ConferenceOrder::TitleDesc => (vec![SortKey::desc(C::TitleFolded.into_expr()).not_null()], by_title),
    }
}

/// Every area as (id, parent) pairs, to walk the tree of areas.
pub async fn area_pairs(db: &DatabaseConnection) -> AppResult<Vec<(i32, Option<i32>)>> {
    Ok(area::Entity::find()
        .select_only()
        .column(area::Column::Id)
        .column(area::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Every organization as (id, parent) pairs, to walk the tree of bodies.
pub async fn organization_pairs(db: &DatabaseConnection) -> AppResult<Vec<(i32, Option<i32>)>> {
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?)
}

/// The task filter with its organizations and areas expanded to what is under them.
pub async fn expand_task_filter(db: &DatabaseConnection, filter: &TaskFilter) -> AppResult<TaskFilter> {
    let mut filter = filter.clone();
    if filter.uses_trees() {
        filter.expand(&organization_pairs(db).await?, &area_pairs(db).await?);
    }
    Ok(filter)
}

/// The ids of `root` and every area nested inside it.
pub async fn area_and_descendants(db: &DatabaseConnection, root: i32) -> AppResult<Vec<i32>> {
    Ok(descendants(root, &area_pairs(db).await?))
}

/// `root` and everything below it in a parent tree given as (id, parent) pairs; a cycle in
/// the data is walked once.
pub fn descendants(root: i32, pairs: &[(i32, Option<i32>)]) -> Vec<i32> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for (id, parent) in pairs {
        if let Some(parent) = parent {
            children.entry(*parent).or_default().push(*id);
        }
    }
    let mut seen = HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        for child in children.get(&id).into_iter().flatten() {
            if seen.insert(*child) {
                stack.push(*child);
            }
        }
    }
    let mut all: Vec<i32> = seen.into_iter().collect();
    all.sort_unstable();
    all
}

/// A page of conferences.
pub async fn conferences(
    db: &DatabaseConnection,
    filter: &ConferenceFilter,
    order: &[ConferenceOrder],
    page: &PageRequest,
) -> AppResult<Page<conference::Model>> {
    let mut filter = filter.clone();
    if filter.uses_areas() {
        filter.expand_areas(&area_pairs(db).await?);
    }
    let order = if order.is_empty() { &[ConferenceOrder::DateAsc][..] } else { order };
    let ordering = ordering("conference", order, conference_key, (conference::Column::Id.into_expr(), |m| m.id));
    let select = conference::Entity::find().filter(filter.condition());
    fetch(db, select, &ordering, page, "after").await
}

/// Orderings by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum NameOrder {
    /// A to Z, ignoring diacritics and case.
    NameAsc,
    /// Z to A, ignoring diacritics and case.
    NameDesc,
}

/// A page of officials.
pub async fn officials(
    db: &DatabaseConnection,
    filter: &OfficialFilter,
    order: &[NameOrder],
    page: &PageRequest,
) -> AppResult<Page<official::Model>> {
    fn key(order: NameOrder) -> (Vec<SortKey>, fn(&official::Model) -> Vec<CursorValue>) {
        let expr = official::Column::NameFolded.into_expr();
        (vec![SortKey::new(expr, order == NameOrder::NameDesc).not_null()], |m| vec![m.name_folded.as_str().into()])
    }
    let order = if order.is_empty() { &[NameOrder::NameAsc][..] } else { order };
    let ordering = ordering("official", order, key, (official::Column::Id.into_expr(), |m| m.id));
    fetch(db, official::Entity::find().filter(filter.condition()), &ordering, page, "after").await
}

/// A page of posts, by title.
pub async fn posts(
    db: &DatabaseConnection,
    filter: &PostFilter,
    order: &[NameOrder],
    page: &PageRequest,
) -> AppResult<Page<post::Model>> {
    fn key(order: NameOrder) -> (Vec<SortKey>, fn(&post::Model) -> Vec<CursorValue>) {
        let expr = post::Column::TitleFolded.into_expr();
        (vec![SortKey::new(expr, order == NameOrder::NameDesc).not_null()], |m| vec![m.title_folded.as_str().into()])
    }
    let order = if order.is_empty() { &[NameOrder::NameAsc][..] } else { order };
    let ordering = ordering("post", order, key, (post::Column::Id.into_expr(), |m| m.id));
    fetch(db, post::Entity::find().filter(filter.condition()), &ordering, page, "after").await
}

/// A page of organizations.
pub async fn organizations(
    db: &DatabaseConnection,
    filter: &OrganizationFilter,
    order: &[NameOrder],
    page: &PageRequest,
) -> AppResult<Page<organization::Model>> {
    fn key(order: NameOrder) -> (Vec<SortKey>, fn(&organization::Model) -> Vec<CursorValue>) {
        let expr = organization::Column::NameFolded.into_expr();
        (vec![SortKey::new(expr, order == NameOrder::NameDesc).not_null()], |m| vec![m.name_folded.as_str().into()])
    }
    let areas = match filter.area {
        Some(area) => Some(area_and_descendants(db, area).await?),
        None => None,
    };
    let order = if order.is_empty() { &[NameOrder::NameAsc][..] } else { order };
    let ordering = ordering("organization", order, key, (organization::Column::Id.into_expr(), |m| m.id));
    fetch(db, organization::Entity::find().filter(filter.condition(areas)), &ordering, page, "after").await
}

/// A page of areas.
pub async fn areas(db: &DatabaseConnection, text: Option<&str>, page: &PageRequest) -> AppResult<Page<area::Model>> {
    fn key(order: NameOrder) -> (Vec<SortKey>, fn(&area::Model) -> Vec<CursorValue>) {
        let expr = area::Column::NameFolded.into_expr();
        (vec![SortKey::new(expr, order == NameOrder::NameDesc).not_null()], |m| vec![m.name_folded.as_str().into()])
    }
    let ordering = ordering("area", &[NameOrder::NameAsc], key, (area::Column::Id.into_expr(), |m| m.id));
    let select = area::Entity::find().filter(text_condition(area::Column::NameFolded, text));
    fetch(db, select, &ordering, page, "after").await
}

/// Orderings of directives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum DirectiveOrder {
    /// Earliest issued first; directives with no known issue date come first.
    IssuedAsc,
    /// Latest issued first; directives with no known issue date come last.
    IssuedDesc,
    /// By title, A to Z, ignoring diacritics and case.
    TitleAsc,
    /// By code, as written.
    CodeAsc,
}

/// A page of directives.
pub async fn directives(
    db: &DatabaseConnection,
    filter: &DirectiveFilter,
    order: &[DirectiveOrder],
    page: &PageRequest,
) -> AppResult<Page<directive::Model>> {
    fn key(order: DirectiveOrder) -> (Vec<SortKey>, fn(&directive::Model) -> Vec<CursorValue>) {
        use directive::Column as C;
        match order {
            DirectiveOrder::IssuedAsc => {
                (vec![SortKey::asc(C::IssuedOn.into_expr())], |m| vec![m.issued_on.clone().into()])
            }
            DirectiveOrder::IssuedDesc => {
                (vec![SortKey::desc(C::IssuedOn.into_expr())], |m| vec![m.issued_on.clone().into()])
            }
            DirectiveOrder::TitleAsc => {
                (vec![SortKey::asc(C::SearchFolded.into_expr()).not_null()], |m| vec![m.search_folded.as_str().into()])
            }
            DirectiveOrder::CodeAsc => (vec![SortKey::asc(C::Code.into_expr())], |m| vec![m.code.clone().into()]),
        }
    }
    let order = if order.is_empty() { &[DirectiveOrder::IssuedAsc][..] } else { order };
    let ordering = ordering("directive", order, key, (directive::Column::Id.into_expr(), |m| m.id));
    fetch(db, directive::Entity::find().filter(filter.condition()), &ordering, page, "after").await
}

/// Orderings of tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum TaskOrder {
    /// Soonest due first; tasks with no due date come first.
    DueAsc,
    /// Latest due first; tasks with no due date come last.
    DueDesc,
    /// By title, A to Z, ignoring diacritics and case.
    TitleAsc,
}

/// A page of tasks.
pub async fn tasks(
    db: &DatabaseConnection,
    filter: &TaskFilter,
    order: &[TaskOrder],
    page: &PageRequest,
) -> AppResult<Page<task::Model>> {
    fn key(order: TaskOrder) -> (Vec<SortKey>, fn(&task::Model) -> Vec<CursorValue>) {
        use task::Column as C;
        match order {
            TaskOrder::DueAsc => (vec![SortKey::asc(C::DueOn.into_expr())], |m| vec![m.due_on.into()]),
            TaskOrder::DueDesc => (vec![SortKey::desc(C::DueOn.into_expr())], |m| vec![m.due_on.into()]),
            TaskOrder::TitleAsc => {
                (vec![SortKey::asc(C::SearchFolded.into_expr()).not_null()], |m| vec![m.search_folded.as_str().into()])
            }
        }
    }
    let filter = expand_task_filter(db, filter).await?;
    let order = if order.is_empty() { &[TaskOrder::DueAsc][..] } else { order };
    let ordering = ordering("task", order, key, (task::Column::Id.into_expr(), |m| m.id));
    let mut found = fetch(db, task::Entity::find().filter(filter.condition()), &ordering, page, "after").await?;
    if let Some(as_of) = filter.overdue_alone() {
        found.count = found.count.from_tally(super::stats::overdue_count(as_of));
    }
    Ok(found)
}

/// A page of sources, newest first.
pub async fn sources(db: &DatabaseConnection, page: &PageRequest) -> AppResult<Page<source::Model>> {
    #[derive(Clone, Copy, Debug)]
    struct Newest;
    fn key(_: Newest) -> (Vec<SortKey>, fn(&source::Model) -> Vec<CursorValue>) {
        (vec![SortKey::desc(source::Column::PublishedOn.into_expr())], |m| vec![m.published_on.into()])
    }
    let ordering = ordering("source", &[Newest], key, (source::Column::Id.into_expr(), |m| m.id));
    fetch(db, source::Entity::find(), &ordering, page, "after").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_walk_the_tree_once() {
        let pairs = [(1, None), (2, Some(1)), (3, Some(2)), (4, None), (5, Some(5)), (6, Some(7)), (7, Some(6))];
        assert_eq!(descendants(1, &pairs), vec![1, 2, 3]);
        assert_eq!(descendants(4, &pairs), vec![4]);
        assert_eq!(descendants(6, &pairs), vec![6, 7]);
    }
}

/// Which changes to list.
#[derive(Clone, Debug, Default)]
pub struct ChangeFilter {
    /// Made with the token of this name.
    pub actor: Option<String>,
    /// To nodes of this type.
    pub node_type: Option<String>,
    /// By this mutation.
    pub operation: Option<String>,
    /// At or after this instant.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this instant.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// To this node (type, row id).
    pub node: Option<(String, i32)>,
}

/// A page of changes, newest first.
pub async fn audit(
    db: &DatabaseConnection,
    filter: &ChangeFilter,
    page: &PageRequest,
) -> AppResult<Page<entity::change::Model>> {
    use entity::change::{Column as C, Entity, Model};
    #[derive(Clone, Copy, Debug)]
    struct Newest;
    fn key(_: Newest) -> (Vec<SortKey>, fn(&Model) -> Vec<CursorValue>) {
        (vec![SortKey::desc(C::Id.into_expr()).not_null()], |m| vec![m.id.into()])
    }
    let ordering = ordering("change", &[Newest], key, (C::Id.into_expr(), |m| m.id));
    let mut condition = sea_orm::Condition::all();
    if let Some(actor) = &filter.actor {
        condition = condition.add(C::Actor.eq(actor.clone()));
    }
    if let Some(node_type) = &filter.node_type {
        condition = condition.add(C::NodeType.eq(node_type.clone()));
    }
    if let Some(operation) = &filter.operation {
        condition = condition.add(C::Operation.eq(operation.clone()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(C::At.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(C::At.lt(to));
    }
    if let Some((node_type, id)) = &filter.node {
        condition = condition.add(C::NodeType.eq(node_type.clone())).add(C::NodeId.eq(*id));
    }
    fetch(db, Entity::find().filter(condition), &ordering, page, "after").await
}

/// A page of the history of one node, newest first.
pub async fn changes(
    db: &DatabaseConnection,
    node_type: &str,
    node_id: i32,
    page: &PageRequest,
) -> AppResult<Page<entity::change::Model>> {
    let filter = ChangeFilter { node: Some((node_type.to_owned(), node_id)), ..ChangeFilter::default() };
    audit(db, &filter, page).await
}

/// A page of the history of each of several nodes of one type, newest first, in one statement.
pub async fn changes_of_each(
    db: &DatabaseConnection,
    node_type: &str,
    node_ids: &[i32],
    page: &PageRequest,
) -> AppResult<std::collections::HashMap<i32, Page<entity::change::Model>>> {
    use entity::change::{Column as C, Entity, Model};
    #[derive(Clone, Copy, Debug)]
    struct Newest;
    fn key(_: Newest) -> (Vec<SortKey>, fn(&Model) -> Vec<CursorValue>) {
        (vec![SortKey::desc(C::Id.into_expr()).not_null()], |m| vec![m.id.into()])
    }
    let ordering = ordering("change", &[Newest], key, (C::Id.into_expr(), |m| m.id));
    let select = Entity::find().filter(C::NodeType.eq(node_type));
    super::page::fetch_each(db, select, (C::NodeId, |m: &Model| m.node_id), node_ids, &ordering, page, "after").await
}
