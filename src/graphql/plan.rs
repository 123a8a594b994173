//! Planned reads: a list field looks ahead at what its query selects under the nodes of its
//! page and reads, in one statement with the page's count (`store::plan`), the relations the
//! resolvers will load; the loaders then answer those keys from what was read, so a page with
//! its nested relations costs two statements instead of one a level.
//!
//! The resolvers still build the answer, so limits, budgets and certainty rules apply as they
//! do field by field: a level holds whole lists per key (arguments are not applied, the
//! resolvers apply them), a level that would pass the budget is dropped with the levels under
//! it, and its loaders then read, and fail, exactly as they would have. Relations the planner
//! does not follow are loaded field by field, in the same answer.

use super::batch::{budget, prefetched};
use super::context::state;
use super::loaders::*;
use crate::error::AppResult;
use crate::store::page::Page;
use crate::store::plan::{Level, Source};
use async_graphql::{Context, SelectionField};
use sea_orm::{EntityTrait, ModelTrait};
use std::collections::BTreeSet;

/// The most levels one planned statement reads; a deeper selection is loaded field by field
/// below them.
const MAX_LEVELS: usize = 24;

/// The object types whose relations the planner follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// A page of conferences.
    Conference,
    /// A page of tasks.
    Task,
}

/// An object type under a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Conference,
    Participation,
    Official,
    Organization,
    Post,
    Tenure,
    Task,
    Directive,
}

/// Where the rows of a type come from: the page's, or a level's.
enum Rows<'a> {
    Page(&'a dyn Fn(&str) -> Vec<i32>),
    Level(usize),
}

impl Rows<'_> {
    /// The keys the values of `column` of these rows make.
    fn source(&self, column: &'static str) -> Source {
        match self {
            Rows::Page(values) => Source::Ids(values(column)),
            Rows::Level(level) => Source::Level { level: *level, column },
        }
    }
}

/// Decodes a level's rows and stores them as the values of `keys`.
type Feed = fn(&Prefetched, &[i32], Vec<serde_json::Value>) -> AppResult<()>;

fn feed<K: Planned>(store: &Prefetched, keys: &[i32], rows: Vec<serde_json::Value>) -> AppResult<()> {
    let rows = rows
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<Vec<K::Row>, _>>()
        .map_err(|e| crate::error::AppError::internal(format!("a planned row does not decode: {e}")))?;
    K::feed(store, keys, rows);
    Ok(())
}

/// The levels one request reads ahead.
#[derive(Default)]
struct Plan {
    levels: Vec<(Level, Feed)>,
}

impl Plan {
    /// The level of key `K` for the keys of `source`, added unless it is there already.
    fn add<K: Planned>(&mut self, source: Source) -> Option<usize> {
        let level = K::level(source);
        if let Some(i) = self.levels.iter().position(|(l, _)| *l == level) {
            return Some(i);
        }
        if self.levels.len() >= MAX_LEVELS {
            return None;
        }
        self.levels.push((level, feed::<K>));
        Some(self.levels.len() - 1)
    }

    /// Adds the levels the fields selected on `ty` (the rows of `rows`) load, and theirs.
    fn follow(&mut self, ty: Type, rows: &Rows, selection: &SelectionField) {
        for field in selection.selection_set() {
            self.field(ty, rows, &field);
        }
    }

    fn field(&mut self, ty: Type, rows: &Rows, field: &SelectionField) {
        match (ty, field.name()) {
            (Type::Conference, "participants") => {
                if let Some(parts) = self.add::<ConferenceParticipations>(rows.source("id")) {
                    self.follow(Type::Participation, &Rows::Level(parts), field);
                }
            }
            (Type::Conference, "chairs") => {
                if let Some(parts) = self.add::<ConferenceParticipations>(rows.source("id")) {
                    self.then::<OfficialById>(Type::Official, parts, "official_id", field);
                }
            }
            (Type::Participation, "official") | (Type::Tenure, "official") => {
                self.relation::<OfficialById>(Type::Official, rows, "official_id", field)
            }
            (Type::Participation, "organization") => {
                self.relation::<OrganizationById>(Type::Organization, rows, "organization_id", field)
            }
            // The posts held are judged on the tenures' and their bodies' bounds (or their
            // attestations, which are not read ahead); the conference is the page's.
            (Type::Participation, "postsHeld") | (Type::Official, "tenures") => {
                let column = if ty == Type::Official { "id" } else { "official_id" };
                if let Some(tenures) = self.add::<OfficialTenures>(rows.source(column)) {
                    if let Some(posts) = self.add::<PostById>(Source::Level { level: tenures, column: "post_id" }) {
                        self.add::<OrganizationById>(Source::Level { level: posts, column: "organization_id" });
                    }
                    self.follow(Type::Tenure, &Rows::Level(tenures), field);
                }
            }
            (Type::Tenure, "post") => self.relation::<PostById>(Type::Post, rows, "post_id", field),
            (Type::Post, "organization") => {
                self.relation::<OrganizationById>(Type::Organization, rows, "organization_id", field)
            }
            (Type::Organization, "parent") => {
                self.relation::<OrganizationById>(Type::Organization, rows, "parent_id", field)
            }
            (Type::Task, "assignees") => {
                if let Some(assignees) = self.add::<TaskAssignees>(rows.source("id")) {
                    // A union: the fields of either kind are followed on both.
                    self.then::<OrganizationById>(Type::Organization, assignees, "organization_id", field);
                    self.then::<OfficialById>(Type::Official, assignees, "official_id", field);
                }
            }
            (Type::Task, "directive") => self.relation::<DirectiveById>(Type::Directive, rows, "directive_id", field),
            (Type::Directive, "issuer") => {
                self.relation::<OrganizationById>(Type::Organization, rows, "issuer_id", field)
            }
            _ => {}
        }
    }

    /// A relation of `rows` through their `column`, to rows of `ty`.
    fn relation<K: Planned>(&mut self, ty: Type, rows: &Rows, column: &'static str, field: &SelectionField) {
        if let Some(level) = self.add::<K>(rows.source(column)) {
            self.follow(ty, &Rows::Level(level), field);
        }
    }

    /// A relation of the rows of level `from` through their `column`, to rows of `ty`.
    fn then<K: Planned>(&mut self, ty: Type, from: usize, column: &'static str, field: &SelectionField) {
        self.relation::<K>(ty, &Rows::Level(from), column, field);
    }
}

/// Reads ahead what the selection under a page of `root` rows will load, and the page's count
/// when it is asked for; the page comes back with that count known. The page's rows become
/// what the loader of `K` (by id) finds for them.
pub async fn prefetch<M, K>(ctx: &Context<'_>, root: Root, mut page: Page<M>) -> AppResult<Page<M>>
where
    M: ModelTrait + Clone + Send + Sync + 'static,
    K: Planned<Row = M>,
    <M::Entity as EntityTrait>::Column: std::str::FromStr,
{
    let state = state(ctx)?;
    if !state.planned_reads {
        return Ok(page);
    }
    let values = |column: &str| -> Vec<i32> {
        let Ok(column) = column.parse::<<M::Entity as EntityTrait>::Column>() else { return Vec::new() };
        let found: BTreeSet<i32> = page
            .items
            .iter()
            .filter_map(|(_, m)| match m.get(column) {
                sea_orm::Value::Int(Some(id)) => Some(id),
                _ => None,
            })
            .collect();
        found.into_iter().collect()
    };
    let ty = match root {
        Root::Conference => Type::Conference,
        Root::Task => Type::Task,
    };
    let mut plan = Plan::default();
    let mut count = false;
    let connection = ctx.field();
    for field in connection.selection_set() {
        match field.name() {
            "totalCount" => count = true,
            "nodes" => plan.follow(ty, &Rows::Page(&values), &field),
            "edges" => {
                for node in field.selection_set().filter(|f| f.name() == "node") {
                    plan.follow(ty, &Rows::Page(&values), &node);
                }
            }
            _ => {}
        }
    }
    if plan.levels.is_empty() && !count {
        return Ok(page);
    }
    let levels: Vec<Level> = plan.levels.iter().map(|(l, _)| l.clone()).collect();
    let cap = budget(ctx)?.remaining();
    let filtered = count.then(|| page.count.filtered());
    let read = match crate::store::plan::read(&state.db, &levels, filtered, cap).await {
        Ok(read) => read,
        Err(err) => {
            // The resolvers load what the planned read did not.
            tracing::warn!(error = %err.message(), "planned read failed; loading field by field");
            return Ok(page);
        }
    };
    let store = prefetched(ctx)?;
    K::feed(store, &values("id"), page.items.iter().map(|(_, m)| m.clone()).collect());
    // The keys of each level come from the rows of the level above, before any is decoded.
    let keys: Vec<Option<Vec<i32>>> = levels
        .iter()
        .enumerate()
        .map(|(i, level)| {
            read.levels[i].as_ref()?;
            Some(match &level.source {
                Source::Ids(ids) => ids.clone(),
                Source::Level { level: from, column } => {
                    let rows = read.levels.get(*from)?.as_ref()?;
                    let found: BTreeSet<i32> = rows
                        .iter()
                        .filter_map(|r| r.get(*column)?.as_i64().and_then(|v| i32::try_from(v).ok()))
                        .collect();
                    found.into_iter().collect()
                }
            })
        })
        .collect();
    for ((rows, keys), (_, feed)) in read.levels.into_iter().zip(keys).zip(&plan.levels) {
        if let (Some(rows), Some(keys)) = (rows, keys) {
            feed(store, &keys, rows)?;
        }
    }
    if let Some(total) = read.count {
        page.count = page.count.counted(total);
    }
    Ok(page)
}
