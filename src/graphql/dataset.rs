//! Importing a dataset file over GraphQL (the multipart request convention), for ADMIN.

use super::Result;
use super::db;
use crate::auth::{Identity, Role};
use crate::dataset::import::{self, Counts, ImportReport, Mode};
use crate::error::AppError;
use crate::service::record::Author;
use async_graphql::{Context, Object, SimpleObject, Upload};
use std::io::Read;

/// How many records an import created, updated, left unchanged and removed.
#[derive(SimpleObject)]
pub struct ImportCounts {
    /// The kind of record (its table: "official", "tenure", "citation"); "total" for all.
    pub kind: String,
    /// Records that were not there before.
    pub created: i32,
    /// Records whose fields changed.
    pub updated: i32,
    /// Records already there as the file gives them.
    pub unchanged: i32,
    /// Children no longer listed under their record (they were removed).
    pub removed: i32,
}

impl ImportCounts {
    fn of(kind: &str, counts: &Counts) -> Self {
        let n = |v: usize| i32::try_from(v).unwrap_or(i32::MAX);
        ImportCounts {
            kind: kind.to_owned(),
            created: n(counts.created),
            updated: n(counts.updated),
            unchanged: n(counts.unchanged),
            removed: n(counts.removed),
        }
    }
}

/// What an import did, or would do in a dry run.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// Whether this was a dry run (nothing was kept).
    pub dry_run: bool,
    /// All records together.
    pub total: ImportCounts,
    /// Each kind of record, in the order the import met them.
    pub kinds: Vec<ImportCounts>,
}

impl ImportResult {
    fn of(report: &ImportReport, dry_run: bool) -> Self {
        ImportResult {
            dry_run,
            total: ImportCounts::of("total", &report.total),
            kinds: report.kinds.iter().map(|(kind, counts)| ImportCounts::of(kind, counts)).collect(),
        }
    }
}

/// Importing datasets.
#[derive(Default)]
pub struct DatasetMutation;

/// Importing datasets (ADMIN).
#[Object]
impl DatasetMutation {
    /// Imports a dataset file (the format of `govtrail export`, docs/dataset.md), sent as a
    /// GraphQL multipart request. The file is checked whole first and written in one
    /// transaction: a bad file changes nothing, and its problems come back with their places.
    /// Records are matched by key, so importing the same file again changes nothing.
    async fn import_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dataset file (JSON).")] file: Upload,
        #[graphql(desc = "Check and try everything, keep nothing, and report what an import would do.")]
        dry_run: Option<bool>,
    ) -> Result<ImportResult> {
        let actor = ctx.data::<Identity>().unwrap_or(&Identity::Anonymous).require(Role::Admin)?;
        super::note_write(ctx);
        let at = super::state(ctx)?.clock.now();
        let author = Author { actor, at, operation: ctx.field().name() };
        let upload = file.value(ctx).map_err(|_| AppError::bad_input("file", "file: no file was sent"))?;
        let mut text = String::new();
        upload
            .into_read()
            .read_to_string(&mut text)
            .map_err(|_| AppError::bad_input("file", "file: not UTF-8 text"))?;
        let dataset = import::parse_dataset(&text)?;
        let dry_run = dry_run.unwrap_or(false);
        let mode = if dry_run { Mode::DryRun } else { Mode::Write };
        let report = import::import(db(ctx)?, &dataset, mode, Some(author)).await?;
        Ok(ImportResult::of(&report, dry_run))
    }
}
