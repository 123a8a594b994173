//! The types of node govtrail stores, each with every name it goes by: its GraphQL type name
//! (which the history and global ids use too), how messages name it, its table, the subject
//! type of its citations and its type in search.

use super::subject;

/// A type of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// An administrative area.
    Area,
    /// An organization.
    Organization,
    /// An official.
    Official,
    /// A post.
    Post,
    /// A tenure: an official holding a post.
    Tenure,
    /// A conference.
    Conference,
    /// A participation: an official taking part in a conference.
    Participation,
    /// A directive.
    Directive,
    /// A follow-up task.
    Task,
    /// A progress update on a task.
    TaskUpdate,
    /// A source: a report facts are taken from.
    Source,
}

impl NodeType {
    /// Every type of node.
    pub const ALL: [NodeType; 11] = [
        NodeType::Area,
        NodeType::Organization,
        NodeType::Official,
        NodeType::Post,
        NodeType::Tenure,
        NodeType::Conference,
        NodeType::Participation,
        NodeType::Directive,
        NodeType::Task,
        NodeType::TaskUpdate,
        NodeType::Source,
    ];

    /// The GraphQL type name, which global ids and the history use too ("TaskUpdate").
    pub fn name(self) -> &'static str {
        self.names().0
    }

    /// How messages name a node of the type ("task update").
    pub fn label(self) -> &'static str {
        self.names().1
    }

    /// The table its rows live in.
    pub fn table(self) -> &'static str {
        self.names().2
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            NodeType::Area => ("Area", "area", "area"),
            NodeType::Organization => ("Organization", "organization", "organization"),
            NodeType::Official => ("Official", "official", "official"),
            NodeType::Post => ("Post", "post", "post"),
            NodeType::Tenure => ("Tenure", "tenure", "tenure"),
            NodeType::Conference => ("Conference", "conference", "conference"),
            NodeType::Participation => ("Participation", "participation", "participation"),
            NodeType::Directive => ("Directive", "directive", "directive"),
            NodeType::Task => ("Task", "task", "task"),
            NodeType::TaskUpdate => ("TaskUpdate", "task update", "task_update"),
            NodeType::Source => ("Source", "source", "source"),
        }
    }

    /// The type of a GraphQL type name.
    pub fn from_name(name: &str) -> Option<NodeType> {
        NodeType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The type whose rows live in `table`.
    pub fn of_table(table: &str) -> Option<NodeType> {
        NodeType::ALL.into_iter().find(|t| t.table() == table)
    }

    /// The `subject_type` of the type's citations, for the types that cite sources.
    pub fn cited_as(self) -> Option<&'static str> {
        match self {
            NodeType::Conference => Some(subject::CONFERENCE),
            NodeType::Participation => Some(subject::PARTICIPATION),
            NodeType::Tenure => Some(subject::TENURE),
            NodeType::Directive => Some(subject::DIRECTIVE),
            NodeType::Task => Some(subject::TASK),
            _ => None,
        }
    }

    /// Its type in search, for the types search finds.
    pub fn searched_as(self) -> Option<SearchType> {
        SearchType::ALL.into_iter().find(|s| s.node_type() == self)
    }
}

/// The kinds of node search finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum SearchType {
    /// Officials, by name.
    Official,
    /// Organizations, by name and short name.
    Organization,
    /// Posts, by title.
    Post,
    /// Directives, by code however written, "kind number" ("Đề án 06") and title.
    Directive,
    /// Conferences, by title and venue.
    Conference,
    /// Tasks, by title and description.
    Task,
}

impl SearchType {
    /// Every type search finds.
    pub const ALL: [SearchType; 6] = [
        SearchType::Official,
        SearchType::Organization,
        SearchType::Post,
        SearchType::Directive,
        SearchType::Conference,
        SearchType::Task,
    ];

    /// The type of node it finds.
    pub fn node_type(self) -> NodeType {
        match self {
            SearchType::Official => NodeType::Official,
            SearchType::Organization => NodeType::Organization,
            SearchType::Post => NodeType::Post,
            SearchType::Directive => NodeType::Directive,
            SearchType::Conference => NodeType::Conference,
            SearchType::Task => NodeType::Task,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_leads_back_to_its_type() {
        for t in NodeType::ALL {
            assert_eq!(NodeType::from_name(t.name()), Some(t));
            assert_eq!(NodeType::of_table(t.table()), Some(t));
            if let Some(subject) = t.cited_as() {
                assert_eq!(subject::table(subject), Some(t.table()));
            }
        }
        for s in SearchType::ALL {
            assert_eq!(s.node_type().searched_as(), Some(s));
        }
    }
}
