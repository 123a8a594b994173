//! The `subject_type` of citations: one per kind of fact that cites sources, with the table
//! that holds it.

/// A conference.
pub const CONFERENCE: &str = "CONFERENCE";
/// A participation.
pub const PARTICIPATION: &str = "PARTICIPATION";
/// A tenure.
pub const TENURE: &str = "TENURE";
/// A directive.
pub const DIRECTIVE: &str = "DIRECTIVE";
/// A task.
pub const TASK: &str = "TASK";
/// A directive handled at a conference.
pub const CONFERENCE_DIRECTIVE: &str = "CONFERENCE_DIRECTIVE";
/// A link between directives.
pub const DIRECTIVE_LINK: &str = "DIRECTIVE_LINK";
/// The assignment of a task to one assignee.
pub const TASK_ASSIGNMENT: &str = "TASK_ASSIGNMENT";

/// Each kind of fact with the table that holds it.
pub const TABLES: [(&str, &str); 8] = [
    (CONFERENCE, "conference"),
    (PARTICIPATION, "participation"),
    (TENURE, "tenure"),
    (DIRECTIVE, "directive"),
    (TASK, "task"),
    (CONFERENCE_DIRECTIVE, "conference_directive"),
    (DIRECTIVE_LINK, "directive_link"),
    (TASK_ASSIGNMENT, "task_assignee"),
];

/// The table that holds the facts of a subject type.
pub fn table(subject_type: &str) -> Option<&'static str> {
    TABLES.iter().find(|(kind, _)| *kind == subject_type).map(|(_, table)| *table)
}
