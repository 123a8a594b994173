//! govtrail: a GraphQL service that turns Vietnamese governance reporting into linked,
//! queryable facts — conferences, the officials who chair and attend them, the posts they hold
//! over time, the directives they review or deploy, and the follow-up tasks assigned there.
//!
//! The library holds everything; `src/main.rs` is a thin command line over it.
#![warn(missing_docs)]
// The merged GraphQL roots nest one future per part; the release build needs the room.
#![recursion_limit = "256"]

// The web app's message catalogue (Vietnamese and English), compiled in; `t!` reads it.
rust_i18n::i18n!("src/server/app/locales");

pub mod auth;
pub mod calendar;
pub mod config;
pub mod connection;
pub mod database;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod graphiql;
pub mod graphql;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod protocol;
pub mod server;
pub mod service;
pub mod store;
