//! govtrail's storage models: one sea-orm entity per table. The service wraps them in its own
//! GraphQL types; nothing here knows about the API.

pub mod api_token;
pub mod area;
pub mod attestation;
pub mod change;
pub mod citation;
pub mod conference;
pub mod conference_body;
pub mod conference_directive;
pub mod conference_organizer;
pub mod directive;
pub mod directive_link;
pub mod official;
pub mod organization;
pub mod participation;
pub mod post;
pub mod source;
pub mod task;
pub mod task_assignee;
pub mod task_update;
pub mod tenure;
pub mod web_session;
