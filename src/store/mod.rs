//! Reading the graph from the database: filtered, ordered, paginated lists and the batched
//! look-ups behind every relation. Plain functions over sea-orm, with no GraphQL types.

pub mod evidence;
pub mod filters;
pub mod lists;
pub mod live;
pub mod matching;
pub mod page;
pub mod plan;
pub mod quality;
pub mod ranked;
pub mod search;
pub mod stats;
pub mod timeline;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseBackend};

/// The longest list of ids an `IN` binds value by value on SQLite.
const LISTED: usize = 32;

/// `column IN (ids)`, with as few distinct statements as the lengths of lists allow.
///
/// PostgreSQL gets `column = ANY($1)` with the ids bound as one array, whatever their number:
/// one statement the driver prepares once, and a plan made without weighing each value (an `IN`
/// of 2,394 values took about 50 ms of planning in a request that needed 15 for the rest).
/// SQLite keeps every distinct statement prepared on each connection (100 a connection), and
/// one that binds thousands of values holds megabytes (30,000 values: 4.3 MB), so batched
/// look-ups of every length would fill each connection's cache with them and keep that memory
/// until the connection closes. A longer list is bound there as one JSON array (`json_each`),
/// one statement whatever its length; a short one keeps a plain `IN`.
pub fn any_of<C: ColumnTrait>(backend: DatabaseBackend, column: C, ids: impl IntoIterator<Item = i32>) -> Expr {
    any_of_expr(backend, Expr::col((column.entity_name(), column)), ids)
}

/// [`any_of`] for a column named at run time.
pub fn any_of_expr(backend: DatabaseBackend, column: Expr, ids: impl IntoIterator<Item = i32>) -> Expr {
    let ids: Vec<i32> = ids.into_iter().collect();
    match backend {
        // One id is compared as one value: an array's length is unknown to a generic plan,
        // and PostgreSQL planned each execution of a one-official timeline afresh (0.9 ms
        // planning a 0.45 ms statement).
        _ if ids.len() == 1 => column.eq(ids[0]),
        DatabaseBackend::Postgres => {
            let array = format!("{{{}}}", ids.iter().map(i32::to_string).collect::<Vec<_>>().join(","));
            Expr::cust_with_exprs("$1 = ANY(CAST($2 AS INTEGER[]))", [column, Expr::val(array)])
        }
        DatabaseBackend::Sqlite if ids.len() > LISTED => {
            let list = serde_json::to_string(&ids).unwrap_or_default();
            Expr::cust_with_exprs("? IN (SELECT value FROM json_each(?))", [column, Expr::val(list)])
        }
        _ => column.is_in(ids),
    }
}

/// The row id of the record of `table` with the dataset key `key`, if there is one.
pub async fn id_by_key(
    db: &sea_orm::DatabaseConnection,
    table: &str,
    key: &str,
) -> crate::error::AppResult<Option<i32>> {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Query};
    let statement = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new(table))
        .and_where(sea_orm::sea_query::ExprTrait::eq(Expr::col(Alias::new("key")), key))
        .to_owned();
    match db.query_one(&statement).await? {
        Some(row) => Ok(Some(row.try_get::<i32>("", "id")?)),
        None => Ok(None),
    }
}

/// A stored conference's date, as precisely as it was recorded.
pub fn conference_date(c: &entity::conference::Model) -> crate::domain::partial_date::PartialDate {
    use crate::domain::partial_date::{PartialDate, Precision};
    PartialDate::truncated(c.date, Precision::parse(&c.date_precision))
}
