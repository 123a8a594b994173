//! Ranked search over officials, organizations, posts, directives, conferences and tasks.
//!
//! Every searchable row has its folded text (`text::search_form`) in `search_index`, under a
//! row id that encodes the node: `id * 8 + type code`, and every write to it is logged in
//! `search_change` for the ranked index each server keeps (`store::ranked`). That index finds
//! the best 500 candidates by BM25 (every query word as a word prefix; the database's full-text
//! index does, by its own score, until the ranked one is built); they are ranked here, the same
//! way on every backend: how often the query's words start words of the text, for the text's length, plus a
//! bonus where the whole query stands in the text as written, so "de an 06" puts the scheme
//! "Đề án 06" (06-ĐA/TU) before a conference whose title names it in passing.

use super::ranked::Ranked;
use crate::domain::text::{search_form, search_terms};
use crate::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use std::collections::HashMap;
use std::time::Instant;

pub use crate::domain::node::SearchType;

/// The code of a type in the row id; the migration that creates the index uses the same codes.
fn code(node_type: SearchType) -> i64 {
    match node_type {
        SearchType::Official => 1,
        SearchType::Organization => 2,
        SearchType::Post => 3,
        SearchType::Directive => 4,
        SearchType::Conference => 5,
        SearchType::Task => 6,
    }
}

fn from_code(value: i64) -> Option<SearchType> {
    SearchType::ALL.into_iter().find(|t| code(*t) == value)
}

/// The row id of a node in the index.
fn row_id(node_type: SearchType, id: i32) -> i64 {
    i64::from(id) * 8 + code(node_type)
}

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The kind of node.
    pub node_type: SearchType,
    /// Its row id.
    pub id: i32,
    /// How well it matches; higher is better.
    pub score: f64,
}

/// How many candidates the full-text index hands to ranking.
pub const MAX_CANDIDATES: usize = 500;

/// Puts a node's folded text in the index (replacing what was there).
pub async fn index(db: &impl ConnectionTrait, node_type: SearchType, id: i32, folded: &str) -> AppResult<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(backend, delete_sql(backend), [row_id(node_type, id).into()]))
        .await?;
    insert(db, node_type, id, folded).await?;
    logged(db, node_type, id).await
}

/// Puts a node that is not in the index yet into it (a node just created).
pub async fn add(db: &impl ConnectionTrait, node_type: SearchType, id: i32, folded: &str) -> AppResult<()> {
    insert(db, node_type, id, folded).await?;
    logged(db, node_type, id).await
}

async fn insert(db: &impl ConnectionTrait, node_type: SearchType, id: i32, folded: &str) -> AppResult<()> {
    let backend = db.get_database_backend();
    let values: Vec<Value> = entry(node_type, id, folded).into_iter().map(|(_, v)| v).collect();
    db.execute_raw(Statement::from_sql_and_values(backend, insert_sql(backend), values)).await?;
    Ok(())
}

/// Notes in the log that the node's entry changed, for every server's ranked index.
async fn logged(db: &impl ConnectionTrait, node_type: SearchType, id: i32) -> AppResult<()> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "INSERT INTO search_change (entry) VALUES ($1)",
        _ => "INSERT INTO search_change (entry) VALUES (?)",
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [row_id(node_type, id).into()])).await?;
    Ok(())
}

/// The table that holds the index.
pub const TABLE: &str = "search_index";

/// The table that logs its changes (written with every row of [`TABLE`]).
pub const CHANGES: &str = "search_change";

/// The row of the index for a node (column, value), as [`add`] writes it.
pub fn entry(node_type: SearchType, id: i32, folded: &str) -> Vec<(&'static str, Value)> {
    // Words only: PostgreSQL's parser would keep "06-da/tu" whole as a path, where the query
    // looks for the words 06, da and tu.
    let text = words(folded).join(" ");
    vec![("rowid", row_id(node_type, id).into()), ("text", text.into())]
}

/// The row of the log for a node's entry (column, value), as [`add`] writes it.
pub fn change(node_type: SearchType, id: i32) -> Vec<(&'static str, Value)> {
    vec![("entry", row_id(node_type, id).into())]
}

/// Takes a node out of the index.
pub async fn remove(db: &impl ConnectionTrait, node_type: SearchType, id: i32) -> AppResult<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(backend, delete_sql(backend), [row_id(node_type, id).into()]))
        .await?;
    logged(db, node_type, id).await
}

fn delete_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "DELETE FROM search_index WHERE rowid = $1",
        _ => "DELETE FROM search_index WHERE rowid = ?",
    }
}

fn insert_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "INSERT INTO search_index (rowid, text) VALUES ($1, $2)",
        _ => "INSERT INTO search_index (rowid, text) VALUES (?, ?)",
    }
}

/// The alphanumeric tokens of the query, as the full-text tokenizers split them.
fn tokens(query: &str) -> Vec<String> {
    search_terms(query)
        .iter()
        .flat_map(|term| term.split(|c: char| !c.is_alphanumeric()).map(str::to_owned).collect::<Vec<_>>())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The letters-and-digits words of a folded text.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

/// How well `text` matches the query's tokens: for each token, one plus the log of the number
/// of words it starts, over the square root of the number of words (a short text that names
/// the query outranks a long one that mentions it).
fn relevance(text: &str, tokens: &[String]) -> f64 {
    let words = words(text);
    if words.is_empty() {
        return 0.0;
    }
    let matched: f64 = tokens
        .iter()
        .map(|token| words.iter().filter(|w| w.starts_with(token.as_str())).count())
        .filter(|&n| n > 0)
        .map(|n| 1.0 + (n as f64).ln())
        .sum();
    matched / (words.len() as f64).sqrt()
}

/// The bonus for a text that holds the query's words in a row, more at its start (both
/// compared word by word, whatever stands between the words).
fn phrase_bonus(text: &str, phrase: &str) -> f64 {
    let (text, phrase) = (words(text).join(" "), words(phrase).join(" "));
    let (text, phrase) = (text.as_str(), phrase.as_str());
    if phrase.is_empty() {
        return 0.0;
    }
    let padded = format!(" {text} ");
    let mut bonus = 0.0;
    if padded.contains(&format!(" {phrase} ")) {
        bonus += 10.0;
    }
    if text == phrase || text.starts_with(&format!("{phrase} ")) {
        bonus += 5.0;
    }
    bonus
}

/// Whether every token of the query starts a word of `text`: what a match is, however its
/// candidates were found.
fn matches(text: &str, tokens: &[String]) -> bool {
    let words = words(text);
    tokens.iter().all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
}

/// What a search found.
#[derive(Debug)]
pub struct Found {
    /// The best of the matches (at most [`MAX_CANDIDATES`]), ranked, best first.
    pub hits: Vec<Hit>,
    /// How many entries match in all.
    pub total: usize,
    /// Whether the candidates came from the server's ranked index (otherwise from the
    /// database's full-text index, while the ranked one is built).
    pub from_index: bool,
}

/// Ranked hits for `query` among `types` (all when empty), and how many match. `asked` is when
/// the request began: the ranked index first reads every change committed before it.
pub async fn search(
    db: &DatabaseConnection,
    ranked: &Ranked,
    asked: Instant,
    query: &str,
    types: &[SearchType],
) -> AppResult<Found> {
    let query = &crate::domain::code::reading(query);
    let tokens = tokens(query);
    if tokens.is_empty() {
        return Err(AppError::bad_input("text", "the search text needs at least one letter or digit"));
    }
    if tokens.len() > 16 {
        return Err(AppError::bad_input("text", "the search text may have at most 16 words"));
    }
    let codes: Vec<i64> =
        if types.is_empty() { SearchType::ALL.map(code).to_vec() } else { types.iter().map(|t| code(*t)).collect() };
    // A query word longer than the ranked index's prefixes is looked up in the database, whose
    // full-text index holds whole words.
    let from_index = ranked.is_ready() && Ranked::holds(&tokens);
    let (candidates, total) = if from_index {
        ranked.follow(db, asked).await?;
        let kinds = if types.is_empty() { &[][..] } else { &codes[..] };
        let (best, total) = ranked.best(&tokens, kinds, MAX_CANDIDATES).await?;
        (texts(db, best).await?, total)
    } else {
        from_database(db, &tokens, &codes).await?
    };
    let phrase = search_form(query);
    let mut hits = Vec::with_capacity(candidates.len());
    for (rowid, text) in candidates {
        let (Some(node_type), Ok(id)) = (from_code(rowid % 8), i32::try_from(rowid / 8)) else {
            continue;
        };
        // The database's full-text index and this module may split a text into words
        // differently: a candidate counts only where the words start as the query asks.
        if !matches(&text, &tokens) {
            continue;
        }
        hits.push(Hit { node_type, id, score: relevance(&text, &tokens) + phrase_bonus(&text, &phrase) });
    }
    hits.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)).then(code(a.node_type).cmp(&code(b.node_type)))
    });
    Ok(Found { hits, total, from_index })
}

/// The texts of the entries `best` (row ids) as they are now, in the same order; an entry
/// taken out since the index last followed the log is left out.
async fn texts(db: &DatabaseConnection, best: Vec<i64>) -> AppResult<Vec<(i64, String)>> {
    if best.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let listed = best.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // One statement whatever the number of entries, so it is prepared once.
    let mut texts: HashMap<i64, String> = match backend {
        DatabaseBackend::Postgres => {
            let sql = "SELECT rowid, text FROM search_index WHERE rowid = ANY(CAST($1 AS BIGINT[]))";
            let ids = format!("{{{listed}}}");
            let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, [ids.into()])).await?;
            rows.iter()
                .map(|row| Ok((row.try_get::<i64>("", "rowid")?, row.try_get::<String>("", "text")?)))
                .collect::<AppResult<_>>()?
        }
        // SQLite's driver hands each row from its thread to the request's task: the 500 come
        // as one JSON value instead (as `plan::by_ids` reads many rows).
        _ => {
            let sql = "SELECT rowid, text FROM search_index WHERE rowid IN (SELECT value FROM json_each(?))";
            let statement = Statement::from_sql_and_values(backend, sql, [format!("[{listed}]").into()]);
            let columns = ["rowid".to_owned(), "text".to_owned()];
            super::plan::aggregated::<(i64, String)>(db, statement, &columns, &[]).await?.into_iter().collect()
        }
    };
    Ok(best.into_iter().filter_map(|entry| Some((entry, texts.remove(&entry)?))).collect())
}

/// The best candidates by the database's own full-text score (row ids and texts), and how
/// many entries its full-text index matches.
async fn from_database(
    db: &DatabaseConnection,
    tokens: &[String],
    codes: &[i64],
) -> AppResult<(Vec<(i64, String)>, usize)> {
    let rows = db.query_all_raw(database_statement(db.get_database_backend(), tokens, codes)).await?;
    let count = rows.first().map(|row| row.try_get::<i64>("", "n")).transpose()?.unwrap_or(0);
    let candidates = rows
        .iter()
        .map(|row| Ok((row.try_get("", "rowid")?, row.try_get("", "text")?)))
        .collect::<AppResult<Vec<(i64, String)>>>()?;
    Ok((candidates, usize::try_from(count).unwrap_or(0)))
}

/// The statement that reads the best candidates from the database's full-text index, for the
/// query's tokens and the type codes, each row with the count of every match (`n`: a window
/// is counted before the limit applies).
pub fn database_statement(backend: DatabaseBackend, tokens: &[String], codes: &[i64]) -> Statement {
    let code_list = codes.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let (sql, value): (String, Value) = match backend {
        DatabaseBackend::Postgres => {
            let tsquery = tokens.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ");
            (
                format!(
                    "SELECT rowid, text, ts_rank(vector, q)::float8 AS score, count(*) OVER () AS n \
                     FROM search_index, to_tsquery('simple', $1) AS q \
                     WHERE vector @@ q AND rowid % 8 IN ({code_list}) \
                     ORDER BY score DESC, rowid LIMIT {MAX_CANDIDATES}"
                ),
                tsquery.into(),
            )
        }
        _ => {
            // Tokens are letters and digits only, so quoting them cannot break the syntax.
            let matcher = tokens.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" ");
            (
                format!(
                    // bm25() cannot stand beside a window: the matches are scored first.
                    "SELECT rowid, text, score, count(*) OVER () AS n FROM (SELECT rowid, text, \
                     -bm25(search_index) AS score FROM search_index \
                     WHERE search_index MATCH ? AND rowid % 8 IN ({code_list})) \
                     ORDER BY score DESC, rowid LIMIT {MAX_CANDIDATES}"
                ),
                matcher.into(),
            )
        }
    };
    Statement::from_sql_and_values(backend, sql, [value])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_keep_type_and_id_apart() {
        for t in SearchType::ALL {
            let row = row_id(t, 12345);
            assert_eq!(from_code(row % 8), Some(t));
            assert_eq!(row / 8, 12345);
        }
    }

    #[test]
    fn tokens_are_alphanumeric_only() {
        assert_eq!(tokens("Đề án 06-ĐA/TU"), ["de", "an", "06", "da", "tu"]);
        assert_eq!(tokens("\" OR 1=1 --"), ["or", "1", "1"]);
        assert!(tokens("  --  ").is_empty());
    }

    #[test]
    fn a_short_text_that_names_the_query_outranks_a_long_one_that_mentions_it() {
        let tokens = tokens("de an 06");
        let scheme = "06-da/tu de an 06 doi moi nang cao chat luong cong tac dan van co so giai doan 2016-2020";
        let task = "nghien cuu tham muu cho btv tinh uy chi dao viec tiep tuc trien khai de an 06 trong thoi gian \
                    toi doi voi de an 06 giao ban dan van tinh uy nghien cuu tham muu cho btv tinh uy chi dao";
        assert!(relevance(scheme, &tokens) > relevance(task, &tokens));
        assert_eq!(relevance("tran manh loi", &tokens), 0.0);
    }

    #[test]
    fn the_whole_phrase_earns_a_bonus() {
        let scheme = "06-da/tu de an 06 doi moi cong tac dan van";
        let conference = "hoi nghi tong ket de an so 06-da/tu";
        assert!(phrase_bonus(scheme, "de an 06") > phrase_bonus(conference, "de an 06"));
        assert!(phrase_bonus(scheme, "06-da/tu") > phrase_bonus(conference, "06-da/tu"));
        assert_eq!(phrase_bonus(conference, "de an 06"), 0.0);
    }
}
