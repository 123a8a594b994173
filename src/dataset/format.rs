//! The shape of a dataset file. Every record has a `key` that other records use to refer to it;
//! vocabulary values (kinds, roles, statuses) are their upper-case names; dates are
//! `YYYY-MM-DD`, partial dates `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, instants RFC 3339.

// The fields are documented once, in docs/dataset.md, for the people who write these files.
#![allow(missing_docs)]

use serde::{Deserialize, Serialize};

/// A whole dataset. Sections may be empty or missing.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dataset {
    /// Published reports that the other records cite.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Administrative areas.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Organizations.
    #[serde(default)]
    pub organizations: Vec<Organization>,
    /// Posts in organizations.
    #[serde(default)]
    pub posts: Vec<Post>,
    /// Officials with their tenures.
    #[serde(default)]
    pub officials: Vec<Official>,
    /// Directives and their links.
    #[serde(default)]
    pub directives: Vec<Directive>,
    /// Conferences with organizers, participants and directives.
    #[serde(default)]
    pub conferences: Vec<Conference>,
    /// Follow-up tasks.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

/// A published report.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    /// The instant of publication, where the report gives a time.
    #[serde(default)]
    pub published_at: Option<String>,
    /// The local date of publication, where only that is known.
    #[serde(default)]
    pub published_on: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
}

/// A citation of a source: its key alone, or the key with a quote and a locator.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Citation {
    /// Only the source's key.
    Key(String),
    /// The source's key with the words that state the fact.
    Detailed(DetailedCitation),
}

/// A citation with a quote and a locator.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetailedCitation {
    pub source: String,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub locator: Option<String>,
}

impl Citation {
    /// The cited source's key.
    pub fn source(&self) -> &str {
        match self {
            Citation::Key(key) => key,
            Citation::Detailed(c) => &c.source,
        }
    }
}

/// An administrative area.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Area {
    pub key: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
}

/// An organization.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub ended_on: Option<String>,
    /// How it ended (DISSOLVED, MERGED, RENAMED, SPLIT).
    #[serde(default)]
    pub ended_as: Option<String>,
    /// The organization it was merged into, renamed to or split into.
    #[serde(default)]
    pub successor: Option<String>,
}

/// A post in an organization.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Post {
    pub key: String,
    pub title: String,
    pub organization: String,
    /// How many people hold it at once, where known.
    #[serde(default)]
    pub seats: Option<i32>,
}

/// An official.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Official {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub tenures: Vec<Tenure>,
}

/// A post an official holds from a start to an end.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tenure {
    pub post: String,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub ended_on: Option<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// A directive.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Directive {
    pub key: String,
    /// The code as written ("06-ĐA/TU"), where the report gives one.
    #[serde(default)]
    pub code: Option<String>,
    /// The kind; taken from the code where missing.
    #[serde(default)]
    pub kind: Option<String>,
    /// The number; taken from the code where missing.
    #[serde(default)]
    pub number: Option<String>,
    pub title: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub issued_on: Option<String>,
    #[serde(default)]
    pub period_start: Option<String>,
    #[serde(default)]
    pub period_end: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// Links from this directive to others.
    #[serde(default)]
    pub links: Vec<DirectiveLink>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// A link from one directive to another.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectiveLink {
    pub relation: String,
    pub directive: String,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// A conference.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Conference {
    pub key: String,
    pub title: String,
    pub kind: String,
    pub format: String,
    pub date: String,
    #[serde(default)]
    pub part_of_day: Option<String>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub organizers: Vec<String>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub directives: Vec<ConferenceDirective>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// An official's part in a conference.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participant {
    pub official: String,
    pub role: String,
    #[serde(default)]
    pub capacity: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// What a conference did with a directive.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceDirective {
    pub directive: String,
    pub relation: String,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// An organization or an official, by key: exactly one of the two.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Actor {
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub official: Option<String>,
    /// Sources of the assignment (for assignees).
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// A follow-up task.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Task {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub due_on: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub conference: Option<String>,
    #[serde(default)]
    pub assigned_by: Option<Actor>,
    #[serde(default)]
    pub directive: Option<String>,
    pub assignees: Vec<Actor>,
    #[serde(default)]
    pub updates: Vec<TaskUpdate>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

/// A progress update on a task.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskUpdate {
    pub date: String,
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
}
