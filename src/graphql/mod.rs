//! The GraphQL API: one module per area of the domain, plus scalars, ids, pagination and the
//! loaders behind every relation. Resolvers are thin: they read arguments, call the store or
//! the domain rules, and wrap the results in the API's own types.
//!
//! Here: the schema and its roots, how engine errors get their codes, and the types every
//! module shares; `context` holds what a resolver reads from its request, `batch` how relations
//! are loaded and counted against the budget.

pub mod area;
mod batch;
pub mod conference;
mod context;
pub mod dataset;
pub mod directive;
pub mod evidence;
pub mod extract;
pub mod history;
pub mod ids;
pub mod loaders;
pub mod node;
pub mod official;
pub mod order;
pub mod organization;
pub mod pagination;
pub mod plan;
pub mod quality;
pub mod scalars;
pub mod search;
pub mod source;
pub mod stats;
pub mod subscription;
pub mod task;
pub mod timeline;

pub use batch::{Batches, prepare};
pub(crate) use batch::{budget, load_list, load_many, load_one, loader, spend};
pub use context::{RequestState, WriteMark};
pub(crate) use context::{author, db, note_write, set_given, state, vocabulary, writer};

use crate::error::AppError;
use async_graphql::{MergedObject, Schema};
use std::sync::Arc;

/// The root of every query.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    conference::ConferenceQuery,
    official::OfficialQuery,
    organization::OrganizationQuery,
    directive::DirectiveQuery,
    task::TaskQuery,
    area::AreaQuery,
    source::SourceQuery,
    stats::StatsQuery,
    search::SearchQuery,
    timeline::TimelineQuery,
    quality::QualityQuery,
    history::AuditQuery,
    extract::ExtractQuery,
);

/// The root of every mutation.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    official::OfficialMutation,
    official::MergeMutation,
    task::TaskMutation,
    conference::RecordConferenceMutation,
    conference::ConferenceMutation,
    conference::ParticipationMutation,
    directive::DirectiveMutation,
    area::AreaMutation,
    organization::OrganizationMutation,
    official::PostMutation,
    official::TenureMutation,
    source::SourceMutation,
    source::CitationMutation,
    directive::DirectiveLinkMutation,
    history::RevertMutation,
    dataset::DatasetMutation,
);

/// The schema type.
pub type AppSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// Builds the schema with the default limits, suggestions and introspection (for the SDL and
/// tools). It holds no database, so the SDL can be printed without one; each request brings
/// its [`RequestState`] and loader.
pub fn build_schema() -> AppSchema {
    build_schema_with(&SchemaOptions::default())
}

/// How the served schema treats the queries it gets, beyond its types.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    /// The limits on a query's shape and time.
    pub limits: Arc<crate::limits::Limits>,
    /// Whether errors suggest names close to a misspelt one ("did you mean"): a way to learn
    /// the schema even with introspection off, so the default is off outside `--demo`.
    pub suggestions: bool,
    /// Whether `__schema` and `__type` answer.
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions { limits: Default::default(), suggestions: false, introspection: true }
    }
}

/// Builds the schema a server answers with.
pub fn build_schema_with(options: &SchemaOptions) -> AppSchema {
    // Depth and complexity are the engine's to measure, in validation; the other limits are
    // checked before it (limits::check). No extension: with one, every field's resolution
    // goes through the extension chain.
    let mut builder = Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot)
        .limit_depth(options.limits.max_depth)
        .limit_complexity(options.limits.max_complexity);
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// Errors that reach a client without a code are the engine's own: depth and complexity get
/// their LIMIT_EXCEEDED refusal, and the rest (a query that does not parse or validate, an
/// argument of the wrong type) are the client's input.
pub fn code_engine_errors(response: &mut async_graphql::Response, limits: &crate::limits::Limits) {
    // However many errors a document provokes, an answer carries at most MAX_ERRORS of them.
    if response.errors.len() > crate::limits::MAX_ERRORS {
        let left_out = response.errors.len() - crate::limits::MAX_ERRORS;
        response.errors.truncate(crate::limits::MAX_ERRORS);
        let message = format!("{left_out} more errors were left out; correct these first");
        response.errors.push(AppError::limit("errors", crate::limits::MAX_ERRORS, message).into_server_error());
    }
    for error in &mut response.errors {
        if error.extensions.as_ref().is_some_and(|x| x.get("code").is_some()) {
            continue;
        }
        if let Some(refusal) = crate::limits::engine_refusal(error, limits) {
            *error = refusal.into_server_error();
            continue;
        }
        error.extensions.get_or_insert_with(Default::default).set("code", "BAD_USER_INPUT");
    }
}

/// What a deletion answers.
#[derive(async_graphql::SimpleObject)]
pub struct DeletePayload {
    /// The global id of the deleted node.
    pub id: async_graphql::ID,
}

/// What resolvers return: a failure is an [`AppError`], so that every error reaches the client
/// through its coded conversion (a foreign error has no `?` into it but the ones written for it).
pub type Result<T, E = AppError> = std::result::Result<T, E>;
