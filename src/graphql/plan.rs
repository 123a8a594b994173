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
/// below them. Each level reads at most the request's share of the budget (2,000 rows for an
/// answer that holds no turn for heavy answers), so one statement holds at most twelve times
/// that: about 24,000 rows, a few megabytes, before the levels past the share are dropped.
const MAX_LEVELS: usize = 12;

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
    ConferenceDirective,
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
    /// The rows of a level with a value in a column (all of them without one).
    Only(usize, &'static str, Option<String>),
}

impl Rows<'_> {
    /// The keys the values of `column` of these rows make.
    fn source(&self, column: &'static str) -> Source {
        match self {
            Rows::Page(values) => Source::Ids(values(column)),
            Rows::Level(level) => from(*level, column),
            Rows::Only(level, only, value) => {
                Source::Level { level: *level, column, only: value.clone().map(|v| (*only, v)) }
            }
        }
    }
}

/// The keys the values of `column` of the rows of `level` make.
fn from(level: usize, column: &'static str) -> Source {
    Source::Level { level, column, only: None }
}

/// The role a `participants` field asks for, as stored; `None` for every role (or one that
/// does not parse, which the resolver refuses).
fn role(field: &SelectionField) -> Option<String> {
    let arguments = field.arguments().ok()?;
    let (_, value) = arguments.into_iter().find(|(name, _)| name.as_str() == "role")?;
    let role = <crate::domain::vocabulary::ParticipationRole as async_graphql::InputType>::parse(Some(value)).ok()?;
    Some(role.as_str().to_owned())
}

/// Decodes a level's rows and stores them as the values of `keys`.
type Feed = fn(&Prefetched, &[i32], Vec<serde_json::Value>) -> AppResult<()>;

fn feed<K: Planned>(store: &Prefetched, keys: &[i32], rows: Vec<serde_json::Value>) -> AppResult<()> {
    K::feed(store, keys, crate::store::plan::decode(rows)?);
    Ok(())
}

/// The levels one request reads ahead.
#[derive(Default)]
struct Plan {
    levels: Vec<Level>,
    /// How each level's rows are stored, by the level's index.
    feeds: Vec<Feed>,
}

impl Plan {
    /// The level of key `K` for the keys of `source`, added unless it is there already.
    fn add<K: Planned>(&mut self, source: Source) -> Option<usize> {
        let level = K::level(source);
        if let Some(i) = self.levels.iter().position(|l| *l == level) {
            return Some(i);
        }
        if self.levels.len() >= MAX_LEVELS {
            return None;
        }
        self.levels.push(level);
        self.feeds.push(feed::<K>);
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
            // A conference's participations are read whole (the loader's lists are); what the
            // fields under them load is read for the role asked for only.
            (Type::Conference, "participants") => {
                if let Some(parts) = self.add::<ConferenceParticipations>(rows.source("id")) {
                    self.follow(Type::Participation, &Rows::Only(parts, "role", role(field)), field);
                }
            }
            (Type::Conference, "chairs") => {
                if let Some(parts) = self.add::<ConferenceParticipations>(rows.source("id")) {
                    let chairs = Some(crate::domain::vocabulary::ParticipationRole::Chair.as_str().to_owned());
                    self.relation::<OfficialById>(
                        Type::Official,
                        &Rows::Only(parts, "role", chairs),
                        "official_id",
                        field,
                    );
                }
            }
            (Type::Conference, "organizers") => {
                if let Some(links) = self.add::<ConferenceOrganizers>(rows.source("id")) {
                    self.then::<OrganizationById>(Type::Organization, links, "organization_id", field);
                }
            }
            (Type::Conference, "directives") => {
                if let Some(links) = self.add::<ConferenceDirectives>(rows.source("id")) {
                    self.follow(Type::ConferenceDirective, &Rows::Level(links), field);
                }
            }
            (Type::Conference, "tasks") => self.relation::<ConferenceTasks>(Type::Task, rows, "id", field),
            (Type::ConferenceDirective, "directive") => {
                self.relation::<DirectiveById>(Type::Directive, rows, "directive_id", field)
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
                    if let Some(posts) = self.add::<PostById>(from(tenures, "post_id")) {
                        self.add::<OrganizationById>(from(posts, "organization_id"));
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

    /// A relation of the rows of level `level` through their `column`, to rows of `ty`.
    fn then<K: Planned>(&mut self, ty: Type, level: usize, column: &'static str, field: &SelectionField) {
        self.relation::<K>(ty, &Rows::Level(level), column, field);
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
    // The share, not all that is left: an answer past the light size waits for a turn in the
    // loaders, as it would have without the plan.
    let cap = budget(ctx)?.share();
    let counting = count.then(|| page.count.statement());
    let levels = &plan.levels;
    let read = match crate::store::plan::read(&state.db, levels, counting, Some(cap)).await {
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
                Source::Level { level: from, column, only } => {
                    let rows = read.levels.get(*from)?.as_ref()?;
                    let at = levels[*from].position(column)?;
                    let only = match only {
                        Some((column, value)) => Some((levels[*from].position(column)?, value.as_str())),
                        None => None,
                    };
                    let found: BTreeSet<i32> = rows
                        .iter()
                        .filter(|r| only.is_none_or(|(at, value)| r.get(at).and_then(|v| v.as_str()) == Some(value)))
                        .filter_map(|r| r.get(at)?.as_i64().and_then(|v| i32::try_from(v).ok()))
                        .collect();
                    found.into_iter().collect()
                }
            })
        })
        .collect();
    for ((rows, keys), feed) in read.levels.into_iter().zip(keys).zip(&plan.feeds) {
        if let (Some(rows), Some(keys)) = (rows, keys) {
            feed(store, &keys, rows)?;
        }
    }
    if let Some(total) = read.count {
        page.count = page.count.counted(total);
    }
    Ok(page)
}
