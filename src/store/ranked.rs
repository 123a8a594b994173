//! The ranked index each server process keeps of `search_index`, so that a search takes the
//! best matches of a common phrase without scoring every one of them in the database.
//!
//! Every word of an entry is indexed by each of its prefixes (up to [`MAX_PREFIX`] characters),
//! so a query word, which matches the words it starts, is one term: its frequency in an entry
//! is the number of words it starts, and BM25 ranks the matches. Of an entry it keeps only the
//! row id (the texts stay in the database, read for the best matches only). It lives in a
//! temporary directory of its own, removed when the process ends, and is read mapped into memory:
//! its pages are the kernel's page cache, which it can reclaim, not the server's heap. It is
//! built from `search_index` when the server starts (searches read the database until it is
//! ready); after that it follows `search_change`, the log written beside every write to the
//! search text: before each search (so a search sees every write committed before it began,
//! through any process) and every half minute.

use crate::error::{AppError, AppResult};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tantivy::collector::{Count, TopDocs};
use tantivy::merge_policy::LogMergePolicy;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The longest word prefix indexed: a longer query word is not in the index (see [`Ranked::holds`]).
pub const MAX_PREFIX: usize = 24;

/// The field of an entry's row id.
const ENTRY: &str = "entry";

/// How many rows are read at a time, building or following.
const PAGE: usize = 5000;

/// How often the index follows the log without a search asking it to.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(30);

/// How long the log keeps a change (the migration that creates it says a day too). An index
/// that could not follow for half of that is built again.
const KEPT: Duration = Duration::from_secs(24 * 3600);

/// The writer's memory before it writes a segment (tantivy's least is 15 MB).
const WRITER_MEMORY: usize = 20_000_000;

/// The most entries a segment of the index may hold to be merged with others. The log's
/// changes come in small segments, one a commit, which merge as they gather; the build's are
/// larger (about 190,000 entries each with [`WRITER_MEMORY`]) and stay as they are: merging
/// them would write them all again for no better ranking.
const MERGED_UP_TO: usize = 100_000;

/// The ranked index of the search text; cheap to clone.
#[derive(Clone)]
pub struct Ranked {
    inner: Arc<Inner>,
}

struct Fields {
    entry: Field,
    kind: Field,
    prefixes: Field,
}

struct Inner {
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    follow: tokio::sync::Mutex<Follow>,
    ready: AtomicBool,
    /// Where the index's files are; removed with it.
    directory: Directory,
}

/// The beginning of the name of an index's directory.
const DIRECTORY_PREFIX: &str = "govtrail-search-";

/// The file in an index's directory that its process holds locked while it lives: the system
/// lets go of the lock however the process ends.
const HELD: &str = "govtrail.lock";

/// A process's own directory for its index, removed when dropped.
struct Directory {
    made: tempfile::TempDir,
    /// Locked for as long as the directory is in use.
    _held: std::fs::File,
}

impl Directory {
    /// A new directory under `parent`, locked as this process's, made after removing those that
    /// processes which ended without removing theirs left there (killed, or stopped by a crash:
    /// each holds an index, 67 MB at scale 10, so a server restarted again and again would
    /// otherwise fill the disk).
    fn own(parent: &std::path::Path) -> std::io::Result<Self> {
        remove_abandoned(parent);
        let path = tempfile::Builder::new().prefix(DIRECTORY_PREFIX).tempdir_in(parent)?;
        // Locked under another name, then named: another process finds the lock only held.
        let locking = path.path().join(format!("{HELD}.new"));
        let held = std::fs::File::create(&locking)?;
        held.try_lock().map_err(std::io::Error::other)?;
        std::fs::rename(&locking, path.path().join(HELD))?;
        Ok(Directory { made: path, _held: held })
    }

    fn path(&self) -> &std::path::Path {
        self.made.path()
    }
}

/// Removes the index directories under `parent` whose lock no process holds.
fn remove_abandoned(parent: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(DIRECTORY_PREFIX) {
            continue;
        }
        let path = entry.path();
        // Without its lock the directory is still being made, or is not an index's.
        let Ok(lock) = std::fs::File::open(path.join(HELD)) else { continue };
        if lock.try_lock().is_err() {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) => tracing::info!(directory = %path.display(), "removed a search index its server left behind"),
            Err(err) => {
                tracing::warn!(directory = %path.display(), %err, "a search index left behind could not be removed")
            }
        }
    }
}

/// The bytes an index takes, by part.
#[derive(Debug, Default)]
struct Size {
    /// How many segments it is in.
    segments: usize,
    /// The words' dictionary.
    terms: u64,
    /// Which entries hold each word, and how often.
    postings: u64,
    /// What is kept of each entry: its row id, by position.
    columns: u64,
    /// All of it.
    total: u64,
}

/// Where following the log stands.
struct Follow {
    /// Up to where the log has been read; `None` until the index is built.
    position: Option<Position>,
    /// When the last reading of the log that completed began.
    covered_since: Option<Instant>,
    /// When the log was last read without error.
    followed_at: Instant,
    /// PostgreSQL: changes already applied whose transactions were not yet older than every
    /// running one (they are read again until they are), by `seq`, with their transaction.
    applied: HashMap<i64, u64>,
    /// PostgreSQL: the snapshot the log was last read in. While the database's snapshot is the
    /// same no transaction has begun writing or ended since, so there is nothing new to read.
    snapshot: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Position {
    /// SQLite: the last `seq` read.
    Seq(i64),
    /// PostgreSQL: the oldest transaction still running when the log was last read; every
    /// change of an older transaction was read.
    Xmin(u64),
}

impl Ranked {
    /// An empty index, not ready: searches read the database until [`Ranked::build`] ends.
    pub fn new() -> AppResult<Self> {
        let mut schema = Schema::builder();
        let entry = schema.add_i64_field(ENTRY, INDEXED | FAST);
        let kind = schema.add_u64_field("kind", INDEXED);
        let prefixes = schema.add_text_field(
            "prefixes",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let directory = Directory::own(&std::env::temp_dir())
            .map_err(|err| AppError::internal(format!("the search index's directory could not be made: {err}")))?;
        let index = Index::builder().schema(schema.build()).create_in_dir(directory.path()).map_err(fault)?;
        let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY).map_err(fault)?;
        let mut merges = LogMergePolicy::default();
        merges.set_max_docs_before_merge(MERGED_UP_TO);
        writer.set_merge_policy(Box::new(merges));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(fault)?;
        let follow = Follow {
            position: None,
            covered_since: None,
            followed_at: Instant::now(),
            applied: HashMap::new(),
            snapshot: None,
        };
        Ok(Ranked {
            inner: Arc::new(Inner {
                reader,
                fields: Fields { entry, kind, prefixes },
                writer: Mutex::new(writer),
                follow: tokio::sync::Mutex::new(follow),
                ready: AtomicBool::new(false),
                directory,
            }),
        })
    }

    /// Builds the index, then follows the log every [`FOLLOW_EVERY`] (building it again
    /// when it could not for too long) and drops what the log no longer needs to keep,
    /// until `stop` turns true.
    pub async fn run(self, db: DatabaseConnection, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut every = tokio::time::interval(FOLLOW_EVERY);
        let mut built = false;
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = stop.wait_for(|stop| *stop) => return,
            }
            let stale = self.inner.follow.lock().await.followed_at.elapsed() > KEPT / 2;
            let done = if !built || stale {
                self.build(&db).await.map(|()| built = true)
            } else {
                self.follow(&db, Instant::now()).await.and(prune(&db).await)
            };
            if let Err(err) = done {
                tracing::warn!(err = %err.detail(), "the search index could not read the database");
            }
        }
    }

    /// Whether searches can read the index.
    pub fn is_ready(&self) -> bool {
        self.inner.ready.load(Ordering::Acquire)
    }

    /// How many entries searches can see.
    pub fn entries(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Builds the index from `search_index`, replacing what it held.
    pub async fn build(&self, db: &DatabaseConnection) -> AppResult<()> {
        let mut follow = self.inner.follow.lock().await;
        let started = Instant::now();
        // Taken first: whatever commits while the pages are read is at or after it.
        let position = position_now(db).await?;
        self.write(|writer, _| writer.delete_all_documents().map(drop)).await?;
        let backend = db.get_database_backend();
        let mut after = i64::MIN;
        loop {
            let sql = match backend {
                DatabaseBackend::Postgres => {
                    "SELECT rowid, text FROM search_index WHERE rowid > $1 ORDER BY rowid LIMIT $2"
                }
                _ => "SELECT rowid, text FROM search_index WHERE rowid > ? ORDER BY rowid LIMIT ?",
            };
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, [after.into(), (PAGE as i64).into()]))
                .await?;
            let entries = rows
                .iter()
                .map(|row| Ok((row.try_get::<i64>("", "rowid")?, Some(row.try_get::<String>("", "text")?))))
                .collect::<AppResult<Vec<_>>>()?;
            after = entries.last().map_or(after, |(entry, _)| *entry);
            let last = entries.len() < PAGE;
            self.put(entries, false).await?;
            if last {
                break;
            }
        }
        self.commit().await?;
        *follow = Follow {
            position: Some(position),
            covered_since: Some(started),
            followed_at: Instant::now(),
            applied: HashMap::new(),
            snapshot: None,
        };
        self.inner.ready.store(true, Ordering::Release);
        // The size is told, not needed: not knowing it does not undo the build.
        let size = self.size().unwrap_or_else(|err| {
            tracing::warn!(err = %err.detail(), "the search index's size could not be read");
            Size::default()
        });
        tracing::info!(
            entries = self.entries(),
            segments = size.segments,
            term_bytes = size.terms,
            posting_bytes = size.postings,
            column_bytes = size.columns,
            bytes = size.total,
            ms = started.elapsed().as_millis() as u64,
            directory = %self.inner.directory.path().display(),
            "search index built"
        );
        Ok(())
    }

    /// What the index takes, by part.
    fn size(&self) -> AppResult<Size> {
        let usage = self.inner.reader.searcher().space_usage().map_err(|err| AppError::internal(err.to_string()))?;
        let mut size = Size { segments: usage.segments().len(), total: usage.total().get_bytes(), ..Size::default() };
        for segment in usage.segments() {
            size.terms += segment.termdict().total().get_bytes();
            size.postings += segment.postings().total().get_bytes();
            size.columns += segment.fast_fields().total().get_bytes();
        }
        Ok(size)
    }

    /// Applies the log's changes committed before `asked` (and any after), unless a reading of
    /// the log that began after `asked` has already done so.
    pub async fn follow(&self, db: &DatabaseConnection, asked: Instant) -> AppResult<()> {
        let mut follow = self.inner.follow.lock().await;
        let Some(position) = follow.position else { return Ok(()) };
        if follow.covered_since.is_some_and(|since| since >= asked) {
            return Ok(());
        }
        let started = Instant::now();
        let mut changed = false;
        let next = match position {
            Position::Seq(mut seq) => loop {
                let rows = changes(db, position, (0, seq)).await?;
                let last = rows.len() < PAGE;
                let mut entries = Vec::with_capacity(rows.len());
                for row in &rows {
                    seq = row.try_get("", "seq")?;
                    entries.push((row.try_get("", "entry")?, row.try_get("", "text")?));
                }
                changed |= !entries.is_empty();
                self.put(entries, true).await?;
                if last {
                    break Position::Seq(seq);
                }
            },
            Position::Xmin(_) if follow.snapshot.is_some() && follow.snapshot == snapshot_now(db).await? => position,
            Position::Xmin(from) => {
                let mut xmin = None;
                let mut snapshot = None;
                // Paged in the index's order, by transaction, then seq: a generic plan then
                // reads the index with no sort (ordered by seq alone, PostgreSQL planned the
                // statement afresh each time, 0.7 ms for a 0.05 ms read).
                let mut after = (from, 0);
                loop {
                    let rows = changes(db, position, after).await?;
                    let mut entries = Vec::new();
                    let mut read = 0;
                    for row in &rows {
                        if let Some(now) = row.try_get::<Option<String>>("", "xmin")? {
                            xmin = xmin.or(Some(xid(&now)?));
                            snapshot = snapshot.or(row.try_get::<Option<String>>("", "snapshot")?);
                            continue;
                        }
                        read += 1;
                        let seq = row.try_get("", "seq")?;
                        let written_by = xid(&row.try_get::<String>("", "xid")?)?;
                        after = (written_by, seq);
                        if follow.applied.insert(seq, written_by).is_none() {
                            entries.push((row.try_get("", "entry")?, row.try_get("", "text")?));
                        }
                    }
                    changed |= !entries.is_empty();
                    self.put(entries, true).await?;
                    if read < PAGE {
                        break;
                    }
                }
                let xmin = xmin.ok_or_else(|| AppError::internal("the search log's reading gave no snapshot"))?;
                follow.applied.retain(|_, written_by| *written_by >= xmin);
                follow.snapshot = snapshot;
                Position::Xmin(xmin)
            }
        };
        if changed {
            self.commit().await?;
        }
        follow.position = Some(next);
        follow.covered_since = Some(started);
        follow.followed_at = Instant::now();
        Ok(())
    }

    /// Whether the index holds every one of `words` as a word prefix (none is longer than
    /// [`MAX_PREFIX`]), so that [`Ranked::best`] can look them up.
    pub fn holds(words: &[String]) -> bool {
        words.iter().all(|w| w.chars().count() <= MAX_PREFIX)
    }

    /// The best `limit` entries, by BM25, with every one of `words` (each as a word prefix,
    /// which the index [holds](Ranked::holds)) and of one of the type codes `kinds` (any when
    /// empty): their row ids, best first; and how many entries match.
    pub async fn best(&self, words: &[String], kinds: &[i64], limit: usize) -> AppResult<(Vec<i64>, usize)> {
        if !Self::holds(words) {
            return Err(AppError::internal("the ranked index holds no word prefix that long"));
        }
        let this = self.clone();
        let words = words.to_vec();
        let kinds = kinds.to_vec();
        tokio::task::spawn_blocking(move || this.best_now(&words, &kinds, limit))
            .await
            .map_err(|err| AppError::internal(format!("the search stopped: {err}")))?
    }

    fn best_now(&self, words: &[String], kinds: &[i64], limit: usize) -> AppResult<(Vec<i64>, usize)> {
        let fields = &self.inner.fields;
        let mut terms = words.to_vec();
        terms.sort();
        terms.dedup();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                let term = Term::from_field_text(fields.prefixes, t);
                (Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>)
            })
            .collect();
        if !kinds.is_empty() {
            let kinds = kinds.iter().map(|k| Term::from_field_u64(fields.kind, *k as u64));
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(TermSetQuery::new(kinds)), 0.0))));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.inner.reader.searcher();
        // One pass over the intersection of the words' postings both counts and ranks it.
        let (count, top) =
            searcher.search(&query, &(Count, TopDocs::with_limit(limit.max(1)).order_by_score())).map_err(fault)?;
        let entries = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().i64(ENTRY))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(fault)?;
        let found = top
            .into_iter()
            .filter_map(|(_, DocAddress { segment_ord, doc_id })| entries.get(segment_ord as usize)?.first(doc_id))
            .collect();
        Ok((found, count))
    }

    /// Puts entries in the writer (an entry without text is taken out), replacing any
    /// earlier version of them when `replace`.
    async fn put(&self, entries: Vec<(i64, Option<String>)>, replace: bool) -> AppResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        self.write(move |writer, fields| {
            for (entry, text) in entries {
                if replace {
                    writer.delete_term(Term::from_field_i64(fields.entry, entry));
                }
                if let Some(text) = text {
                    let mut doc = TantivyDocument::new();
                    doc.add_i64(fields.entry, entry);
                    doc.add_u64(fields.kind, entry.rem_euclid(8) as u64);
                    doc.add_text(fields.prefixes, prefixes(&text));
                    writer.add_document(doc)?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Commits what was put and lets searches see it.
    async fn commit(&self) -> AppResult<()> {
        self.write(|writer, _| writer.commit().map(drop)).await?;
        self.inner.reader.reload().map_err(fault)
    }

    /// Runs `work` with the writer, off the async threads (tantivy's writes block).
    async fn write<F>(&self, work: F) -> AppResult<()>
    where
        F: FnOnce(&mut IndexWriter, &Fields) -> tantivy::Result<()> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = inner.writer.lock().map_err(|_| AppError::internal("the search index's writer failed"))?;
            work(&mut writer, &inner.fields).map_err(fault)
        })
        .await
        .map_err(|err| AppError::internal(format!("the search index's writer stopped: {err}")))?
    }
}

/// Every prefix of every word of `text`, up to [`MAX_PREFIX`] characters, separated by spaces.
fn prefixes(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 4);
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        for (at, c) in word.char_indices().take(MAX_PREFIX) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word[..at + c.len_utf8()]);
        }
    }
    out
}

/// Where the log stands now: its last `seq` on SQLite, the oldest running transaction on
/// PostgreSQL.
async fn position_now(db: &DatabaseConnection) -> AppResult<Position> {
    let backend = db.get_database_backend();
    let postgres = backend == DatabaseBackend::Postgres;
    let sql = if postgres {
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS at"
    } else {
        "SELECT CAST(coalesce(max(seq), 0) AS TEXT) AS at FROM search_change"
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| AppError::internal("the search log's position was not read"))?;
    let at: String = row.try_get("", "at")?;
    if postgres {
        Ok(Position::Xmin(xid(&at)?))
    } else {
        at.parse().map(Position::Seq).map_err(|_| AppError::internal("the search log's position is not a number"))
    }
}

/// A page of the log's changes after `after` (SQLite: after its `seq`; PostgreSQL: after its
/// transaction and `seq`, with a first row that holds the snapshot's oldest running
/// transaction), each with the entry's text as it is now (none when it was taken out).
async fn changes(db: &DatabaseConnection, position: Position, after: (u64, i64)) -> AppResult<Vec<QueryResult>> {
    let (after_xid, seq) = after;
    let backend = db.get_database_backend();
    let (sql, values): (&str, Vec<Value>) = match position {
        Position::Seq(_) => (
            "SELECT c.seq, c.entry, s.text FROM search_change c LEFT JOIN search_index s ON s.rowid = c.entry \
             WHERE c.seq > ? ORDER BY c.seq LIMIT ?",
            vec![seq.into(), (PAGE as i64).into()],
        ),
        Position::Xmin(_) => (
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_current_snapshot()::text AS snapshot, \
               NULL::bigint AS seq, NULL::bigint AS entry, NULL::text AS text, NULL::text AS xid \
             UNION ALL (SELECT NULL, NULL, c.seq, c.entry, s.text, c.xid::text FROM search_change c \
               LEFT JOIN search_index s ON s.rowid = c.entry \
               WHERE (c.xid, c.seq) > ($1::text::xid8, $2) ORDER BY c.xid, c.seq LIMIT $3)",
            vec![after_xid.to_string().into(), seq.into(), (PAGE as i64).into()],
        ),
    };
    Ok(db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?)
}

/// PostgreSQL's snapshot now (its oldest running transaction, the next to begin, those running).
async fn snapshot_now(db: &DatabaseConnection) -> AppResult<Option<String>> {
    let backend = db.get_database_backend();
    let row =
        db.query_one_raw(Statement::from_string(backend, "SELECT pg_current_snapshot()::text AS snapshot")).await?;
    Ok(row.map(|row| row.try_get("", "snapshot")).transpose()?)
}

/// Drops the changes the log no longer keeps.
async fn prune(db: &DatabaseConnection) -> AppResult<()> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "DELETE FROM search_change WHERE at < now() - interval '1 day'",
        _ => "DELETE FROM search_change WHERE at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')",
    };
    db.execute_raw(Statement::from_string(backend, sql)).await?;
    Ok(())
}

fn xid(text: &str) -> AppResult<u64> {
    text.parse().map_err(|_| AppError::internal(format!("not a transaction id: {text}")))
}

fn fault(err: tantivy::TantivyError) -> AppError {
    AppError::internal(format!("search index: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_indexed_by_its_prefixes() {
        assert_eq!(prefixes("de an 06"), "d de a an 0 06");
        assert_eq!(prefixes("đổi"), "đ đổ đổi");
        let long = "a".repeat(40);
        assert_eq!(prefixes(&long).split(' ').count(), MAX_PREFIX);
    }
}
