//! govtrail's integration tests: every test starts the real server on port 0 over a fresh
//! SQLite database and talks GraphQL to it over HTTP. One binary, one module per area.

mod helpers;

mod app;
mod budget;
mod calendars;
mod cli;
mod conferences;
mod directives;
mod durability;
mod edits;
mod errors;
mod evidence;
mod extract;
mod filters;
mod fuzz;
mod generate;
mod graphiql;
mod history;
mod imports;
mod limits;
mod nesting;
mod officials;
mod organizations;
mod pagination;
mod planned;
mod rules;
mod schema;
mod search;
mod sockets;
mod sources;
mod statements;
mod stats;
mod subscriptions;
mod tasks;
mod timeline;
mod writes;
