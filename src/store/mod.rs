//! Reading the graph from the database: filtered, ordered, paginated lists and the batched
//! look-ups behind every relation. Plain functions over sea-orm, with no GraphQL types.

pub mod filters;
pub mod lists;
pub mod live;
pub mod page;
pub mod quality;
pub mod search;
pub mod stats;
pub mod timeline;
