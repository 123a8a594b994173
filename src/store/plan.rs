//! One statement for the nested lists of a page: a chain of levels, each the rows of one table
//! whose key column holds one of the page's ids or a value of a column of an earlier level,
//! read together with the page's count. The database aggregates each level into one JSON array
//! (`json_agg` on PostgreSQL, `json_group_array` on SQLite), so a page with four levels of
//! relations costs one round trip instead of five. Which levels a request needs is the API's
//! business (`graphql::plan`); this module only reads them.

use crate::error::{AppError, AppResult};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, ExprTrait, Query, QueryStatementBuilder, SelectStatement, WithClause,
};
use sea_orm::{
    ColumnTrait, ColumnType, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, IdenStatic, Iterable,
    QueryFilter,
};

/// Where a level's keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// These ids (the page's).
    Ids(Vec<i32>),
    /// The values of `column` in the rows of an earlier level (those with `only`'s value in
    /// its column, where it is given).
    Level {
        /// The index of the earlier level.
        level: usize,
        /// Its column that holds the keys.
        column: &'static str,
        /// Only its rows with this value in this column.
        only: Option<(&'static str, String)>,
    },
}

/// One column a level reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name, which is also its name in the JSON object of a row.
    pub name: String,
    /// Whether it holds booleans (SQLite stores them as integers, which JSON must not).
    pub boolean: bool,
}

/// The rows of one table a level reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    /// The table.
    pub table: &'static str,
    /// Its columns, every one of them (a row must decode into its model).
    pub columns: Vec<Column>,
    /// The column that holds the keys.
    pub key: &'static str,
    /// The order of the rows of one key, before `id`.
    pub order: &'static str,
    /// The keys.
    pub source: Source,
}

impl Level {
    /// The level of every column of `E`'s table (so that a row decodes into its model), keyed
    /// by `key`, each key's rows by `order`.
    pub fn of<E: EntityTrait>(source: Source, key: &'static str, order: &'static str) -> Level {
        Level {
            table: E::default().table_name(),
            columns: E::Column::iter()
                .map(|c| Column {
                    name: c.as_str().to_owned(),
                    boolean: matches!(c.def().get_column_type(), ColumnType::Boolean),
                })
                .collect(),
            key,
            order,
            source,
        }
    }

    /// Where `column` stands in each row this level reads.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == column)
    }
}

/// What one statement read.
#[derive(Debug, Default)]
pub struct Read {
    /// The count of the filtered list, when one was asked for.
    pub count: Option<u64>,
    /// Each level's rows as JSON arrays of its columns' values, in the order of its columns
    /// (a model decodes from them as from objects); `None` where the level read more than the
    /// cap or draws on a level that did.
    pub levels: Vec<Option<Vec<serde_json::Value>>>,
}

impl Read {
    /// The rows of level `i` decoded into `M` (none where the level read past the cap).
    pub fn rows<M: serde::de::DeserializeOwned>(&mut self, i: usize) -> AppResult<Vec<M>> {
        decode(self.levels.get_mut(i).and_then(Option::take).unwrap_or_default())
    }
}

/// Decodes a level's rows into their model.
pub fn decode<M: serde::de::DeserializeOwned>(rows: Vec<serde_json::Value>) -> AppResult<Vec<M>> {
    rows.into_iter()
        .map(serde_json::from_value)
        .collect::<Result<Vec<M>, _>>()
        .map_err(|e| AppError::internal(format!("a planned row does not decode: {e}")))
}

/// Past this many ids, [`by_ids`] reads SQLite's rows as one JSON value.
const ONE_VALUE_PAST: usize = 100;

/// The rows of `E` whose `id` column holds one of `ids`, in no particular order. SQLite's driver
/// hands each row from its thread to the request's task, which cost more than reading the
/// rows for thousands of them (the 23,940 organizations of a `taskStats` by assignee at scale
/// 10): past [`ONE_VALUE_PAST`] ids the rows come aggregated into one value, as a level.
pub async fn by_ids<E>(db: &DatabaseConnection, id: E::Column, ids: Vec<i32>) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: serde::de::DeserializeOwned,
{
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Sqlite && ids.len() > ONE_VALUE_PAST {
        let level = Level::of::<E>(Source::Ids(ids), id.as_str(), id.as_str());
        return read(db, &[level], None, None).await?.rows(0);
    }
    Ok(E::find().filter(super::any_of(backend, id, ids)).all(db).await?)
}

/// Reads `levels` (each at most `cap` rows, when a cap is given) and what `count` counts, in
/// one statement.
pub async fn read(
    db: &DatabaseConnection,
    levels: &[Level],
    count: Option<SelectStatement>,
    cap: Option<usize>,
) -> AppResult<Read> {
    if levels.is_empty() && count.is_none() {
        return Ok(Read::default());
    }
    let backend = db.get_database_backend();
    let mut with = WithClause::new();
    let mut outer = Query::select();
    let counted = count.is_some();
    if let Some(count) = count {
        outer.expr_as(Expr::SubQuery(None, Box::new(count.into_sub_query_statement())), Alias::new("c"));
    }
    // One row past the cap tells a level that overflows from one that fills it exactly.
    let limit = cap.map(|cap| u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1));
    for (i, level) in levels.iter().enumerate() {
        let name = format!("l{i}");
        let mut rows = Query::select();
        rows.from(Alias::new(level.table));
        for column in &level.columns {
            rows.column(Alias::new(column.name.as_str()));
        }
        let key = Expr::col((Alias::new(level.table), Alias::new(level.key)));
        match &level.source {
            Source::Ids(ids) => rows.and_where(super::any_of_expr(backend, key, ids.iter().copied())),
            Source::Level { level: from, column, only } => {
                let mut keys = Query::select();
                keys.column(Alias::new(*column)).from(Alias::new(format!("l{from}")));
                if let Some((only, value)) = only {
                    keys.and_where(Expr::col(Alias::new(*only)).eq(value.as_str()));
                }
                rows.and_where(key.in_subquery(keys.to_owned()))
            }
        };
        // No order: a level that reaches the limit is dropped whole, so which rows it holds
        // then does not matter, and the aggregate orders the rest.
        if let Some(limit) = limit {
            rows.limit(limit);
        }
        with.cte(CommonTableExpression::new().query(rows).table_name(Alias::new(name.as_str())).to_owned());
        let aggregate =
            Query::select().expr(Expr::cust(aggregate(backend, level))).from(Alias::new(name.as_str())).to_owned();
        outer
            .expr_as(Expr::SubQuery(None, Box::new(aggregate.into_sub_query_statement())), Alias::new(format!("j{i}")));
    }
    let row = if levels.is_empty() { db.query_one(&outer).await? } else { db.query_one(&with.query(outer)).await? };
    let row = row.ok_or_else(|| AppError::internal("the planned read returned no row"))?;
    let mut read = Read::default();
    if counted {
        read.count = Some(u64::try_from(row.try_get::<i64>("", "c")?).unwrap_or(0));
    }
    for (i, level) in levels.iter().enumerate() {
        let text: String = row.try_get("", &format!("j{i}"))?;
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text)
            .map_err(|e| AppError::internal(format!("planned level {}: {e}", level.table)))?;
        let parent_gone = match &level.source {
            Source::Level { level: from, .. } => read.levels.get(*from).is_none_or(Option::is_none),
            Source::Ids(_) => false,
        };
        read.levels.push((!parent_gone && cap.is_none_or(|cap| rows.len() <= cap)).then_some(rows));
    }
    Ok(read)
}

/// The expression that aggregates the rows of `level`'s table expression into one JSON array
/// of arrays of their columns' values (an empty one when it has none), in the order of the
/// level. Arrays rather than objects: building and parsing the names of every column of every
/// row took about half the time of the aggregate.
fn aggregate(backend: DatabaseBackend, level: &Level) -> String {
    let values: Vec<String> = level
        .columns
        .iter()
        .map(|c| match backend {
            DatabaseBackend::Sqlite if c.boolean => {
                format!(
                    "CASE WHEN {0} IS NULL THEN NULL WHEN {0} THEN json('true') ELSE json('false') END",
                    quote(&c.name)
                )
            }
            _ => quote(&c.name),
        })
        .collect();
    json_rows(backend, &values, &[quote(level.order), quote("id")])
}

/// `name` as a quoted SQL identifier.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The expression that aggregates the rows it runs over into one JSON array, as text, of
/// arrays of `values` (SQL expressions), ordered by `order` (as they come when it is empty);
/// an empty array when there are none.
pub fn json_rows(backend: DatabaseBackend, values: &[String], order: &[String]) -> String {
    let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
    match backend {
        DatabaseBackend::Postgres => {
            format!("COALESCE(CAST(json_agg(json_build_array({}){order}) AS TEXT), '[]')", values.join(", "))
        }
        _ => format!("COALESCE(json_group_array(json_array({}){order}), '[]')", values.join(", ")),
    }
}

/// The rows of `statement` as JSON arrays of `columns`, in the order of `order`, aggregated by
/// the database into one value and decoded as `T`s: thousands of rows then cross from it as one.
/// The SQLite driver hands each row from its thread to the request's task, which cost more than
/// the grouping itself for the 23,940 buckets of tasks by assignee at scale 10.
pub async fn aggregated<T: serde::de::DeserializeOwned>(
    db: &DatabaseConnection,
    statement: sea_orm::Statement,
    columns: &[String],
    order: &[String],
) -> AppResult<Vec<T>> {
    let backend = db.get_database_backend();
    let quoted = |names: &[String]| names.iter().map(|c| quote(c)).collect::<Vec<_>>();
    let aggregate = json_rows(backend, &quoted(columns), &quoted(order));
    let sql = format!("SELECT {aggregate} AS found FROM ({}) AS listed", statement.sql);
    let values = statement.values.map(|v| v.0).unwrap_or_default();
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(backend, sql, values))
        .await?
        .ok_or_else(|| AppError::internal("the aggregated rows returned no row"))?;
    let text: String = row.try_get("", "found")?;
    serde_json::from_str(&text).map_err(|e| AppError::internal(format!("aggregated rows: {e}")))
}
