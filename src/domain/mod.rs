//! The rules of the domain as plain functions and types, independent of storage and of the API:
//! text folding for search, partial dates, who held a post on a date, when a task is overdue in
//! its time zone, how a document code parses, how reports print dates, and the vocabularies
//! (kinds, roles, statuses, the kinds of cited facts).

pub mod code;
pub mod extract;
pub mod node;
pub mod partial_date;
pub mod printed_date;
pub mod subject;
pub mod tenure;
pub mod text;
pub mod time;
pub mod vocabulary;
