//! Importing a dataset file over GraphQL (the multipart request convention), for ADMIN.

use super::Result;
use super::db;
use crate::auth::{Identity, Role};
use crate::dataset::import::{self, Counts, ImportReport, Merge, Mode, RecordChange};
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

/// A field an import changes, with the value stored before and the file's.
#[derive(SimpleObject)]
pub struct ImportFieldChange {
    /// The stored field (its column: "started_on", "capacity").
    pub field: String,
    /// The value before, null when there was none.
    pub before: Option<String>,
    /// The value after, null when there is none (or the record is removed).
    pub after: Option<String>,
}

/// A stored record an import updates or removes.
#[derive(SimpleObject)]
pub struct ImportRecordChange {
    /// The kind of record (its table: "official", "tenure", "participation").
    pub kind: String,
    /// Its dataset key, or its row id ("#17") for records without one.
    pub record: String,
    /// Whether it is removed (only in the REPLACE merge); else it is updated.
    pub removed: bool,
    /// The fields that change; for a removal, every field it held.
    pub fields: Vec<ImportFieldChange>,
}

impl ImportRecordChange {
    fn of(change: &RecordChange) -> Self {
        ImportRecordChange {
            kind: change.kind.clone(),
            record: change.record.clone(),
            removed: change.removed,
            fields: change
                .fields
                .iter()
                .map(|f| ImportFieldChange { field: f.field.clone(), before: f.before.clone(), after: f.after.clone() })
                .collect(),
        }
    }
}

/// What an import did, or would do in a dry run.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// Whether this was a dry run (nothing was kept).
    pub dry_run: bool,
    /// How the file's records were merged with the stored ones.
    pub merge: Merge,
    /// All records together.
    pub total: ImportCounts,
    /// Each kind of record, in the order the import met them.
    pub kinds: Vec<ImportCounts>,
    /// The stored records updated or removed, field by field (the first 1,000).
    pub changes: Vec<ImportRecordChange>,
    /// How many more stored records were updated or removed than `changes` lists.
    pub unlisted_changes: i32,
}

impl ImportResult {
    fn of(report: &ImportReport, dry_run: bool, merge: Merge) -> Self {
        ImportResult {
            dry_run,
            merge,
            total: ImportCounts::of("total", &report.total),
            kinds: report.kinds.iter().map(|(kind, counts)| ImportCounts::of(kind, counts)).collect(),
            changes: report.changes.iter().map(ImportRecordChange::of).collect(),
            unlisted_changes: i32::try_from(report.unlisted).unwrap_or(i32::MAX),
        }
    }
}

/// Importing datasets.
#[derive(Default)]
pub struct DatasetMutation;

/// Importing datasets (ADMIN) and reviewed drafts of reports (EDITOR).
#[Object]
impl DatasetMutation {
    /// Imports a dataset file (the format of `govtrail export`, docs/dataset.md), sent as a
    /// GraphQL multipart request. The file is checked whole first and written in one
    /// transaction: a bad file changes nothing, and its problems come back with their places.
    /// Records are matched by key, so importing the same file again changes nothing. By default
    /// a record changes the fields it gives and the lists under it gain items and never lose
    /// any (`merge: ADD_AND_UPDATE`); `REPLACE` makes the file the whole truth for what it names.
    async fn import_dataset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The dataset file (JSON).")] file: Upload,
        #[graphql(desc = "Check and try everything, keep nothing, and report what an import would do.")]
        dry_run: Option<bool>,
        #[graphql(desc = "How records merge with the stored ones; ADD_AND_UPDATE when omitted.")] merge: Option<Merge>,
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
        let merge = merge.unwrap_or_default();
        let report = import::import(db(ctx)?, &dataset, mode, merge, Some(author)).await?;
        Ok(ImportResult::of(&report, dry_run, merge))
    }

    /// Records a reviewed draft of a report (the `dataset` of `extractReport`, corrected) in one
    /// transaction, for EDITORs: checked whole first, its records added or their given fields
    /// updated (`ADD_AND_UPDATE`), nothing removed. A bad draft changes nothing, and its
    /// problems come back with their places. At most 4 MiB of JSON.
    async fn import_draft(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft dataset (JSON, the dataset file format).")] dataset: String,
        #[graphql(desc = "Check and try everything, keep nothing, and report what recording it would do.")]
        dry_run: Option<bool>,
    ) -> Result<ImportResult> {
        let actor = ctx.data::<Identity>().unwrap_or(&Identity::Anonymous).require(Role::Editor)?;
        if dataset.len() > MAX_DRAFT_BYTES {
            return Err(AppError::limit(
                "draft",
                MAX_DRAFT_BYTES,
                format!("a draft holds at most {MAX_DRAFT_BYTES} bytes of JSON, not {}", dataset.len()),
            ));
        }
        super::note_write(ctx);
        let at = super::state(ctx)?.clock.now();
        let author = Author { actor, at, operation: ctx.field().name() };
        let parsed = import::parse_dataset(&dataset)?;
        let dry_run = dry_run.unwrap_or(false);
        let mode = if dry_run { Mode::DryRun } else { Mode::Write };
        let report = import::import(db(ctx)?, &parsed, mode, Merge::AddAndUpdate, Some(author)).await?;
        Ok(ImportResult::of(&report, dry_run, Merge::AddAndUpdate))
    }
}

/// The largest draft `importDraft` reads: the draft of the longest report `extractReport`
/// reads is well under it.
pub const MAX_DRAFT_BYTES: usize = 4 << 20;
