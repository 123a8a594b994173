//! The write path: validated changes, each in one transaction with its history record.

pub mod history;
pub mod official;
pub mod task;
