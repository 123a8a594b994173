//! Filters of the top-level lists, as plain values (ids already decoded), and the SQL
//! conditions they stand for.

use crate::domain::text::{search_terms, word_prefix_patterns};
use crate::domain::vocabulary::*;
use chrono::NaiveDate;
use entity::*;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr, Query, SelectStatement};
use sea_orm::{ColumnTrait, EntityName, IntoSimpleExpr};

/// Each word of the query must start a word of `column` (stored in `search_form`), so
/// "uy" finds "Tỉnh ủy" but not "Quy chế".
pub fn text_condition(column: impl IntoSimpleExpr + Clone, text: Option<&str>) -> Condition {
    let mut all = Condition::all();
    for term in search_terms(text.unwrap_or("")) {
        let mut any = Condition::any();
        for pattern in word_prefix_patterns(&term) {
            any = any.add(column.clone().into_simple_expr().like(LikeExpr::new(pattern).escape('\\')));
        }
        all = all.add(any);
    }
    all
}

/// The condition of nested filters: all of `and`, at least one of `or` (when any), none of `not`.
/// Conditions on nullable columns test for NULL first, so that they are false rather than
/// unknown on a NULL and `not` keeps such rows.
fn combine<F>(and: &[F], or: &[F], not: &[F], condition: fn(&F) -> Condition) -> Condition {
    let mut all = Condition::all();
    for filter in and {
        all = all.add(condition(filter));
    }
    if !or.is_empty() {
        all = all.add(or.iter().fold(Condition::any(), |any, f| any.add(condition(f))));
    }
    for filter in not {
        all = all.add(condition(filter).not());
    }
    all
}

/// `SELECT column FROM table WHERE condition`, for `IN (...)` filters.
pub fn ids_where(table: impl EntityName, column: impl ColumnTrait, condition: Expr) -> SelectStatement {
    Query::select().column(column).from(table).and_where(condition).to_owned()
}

/// Which conferences to list.
#[derive(Clone, Debug, Default)]
pub struct ConferenceFilter {
    /// On or after this local date.
    pub from: Option<NaiveDate>,
    /// On or before this local date.
    pub to: Option<NaiveDate>,
    /// In this area or any area inside it.
    pub area: Option<i32>,
    /// Organized by this organization.
    pub organizer: Option<i32>,
    /// Chaired by this official.
    pub chaired_by: Option<i32>,
    /// With this official taking part, in any role.
    pub participant: Option<i32>,
    /// Linked to this directive.
    pub directive: Option<i32>,
    /// Linked to a directive of one of these kinds.
    pub directive_kinds: Option<Vec<DirectiveKind>>,
    /// Linked to a directive (the one named, if one is) in one of these relations.
    pub directive_relations: Option<Vec<ConferenceDirectiveRelation>>,
    /// Of these kinds.
    pub kinds: Option<Vec<ConferenceKind>>,
    /// In these formats.
    pub formats: Option<Vec<ConferenceFormat>>,
    /// Words of the title or venue, ignoring diacritics and case.
    pub text: Option<String>,
    /// Filters that must all hold too.
    pub and: Vec<ConferenceFilter>,
    /// Filters of which at least one must hold too (when any are given).
    pub or: Vec<ConferenceFilter>,
    /// Filters none of which may hold.
    pub not: Vec<ConferenceFilter>,
    /// The area with every area inside it, filled by [`ConferenceFilter::expand_areas`].
    pub areas: Option<Vec<i32>>,
}

impl ConferenceFilter {
    /// Whether this filter or one nested in it filters by area.
    pub fn uses_areas(&self) -> bool {
        self.area.is_some() || self.and.iter().chain(&self.or).chain(&self.not).any(Self::uses_areas)
    }

    /// Replaces each area with itself and the areas inside it, given all (id, parent) pairs.
    pub fn expand_areas(&mut self, pairs: &[(i32, Option<i32>)]) {
        self.areas = self.area.map(|root| super::lists::descendants(root, pairs));
        for nested in self.and.iter_mut().chain(self.or.iter_mut()).chain(self.not.iter_mut()) {
            nested.expand_areas(pairs);
        }
    }

    /// The SQL condition.
    pub fn condition(&self) -> Condition {
        use conference::Column as C;
        let mut all = combine(&self.and, &self.or, &self.not, Self::condition);
        if let Some(from) = self.from {
            all = all.add(C::Date.gte(from));
        }
        // A date known only to its month or year is within the period only when all of it is.
        if let Some(to) = self.to {
            // `date <= to` follows from it (a date's first day is never after its last), and
            // lets a prepared statement's generic plan bound the scan of the date index on both
            // sides (with `date_last` alone it read a month's count through every earlier row).
            all = all.add(C::DateLast.lte(to)).add(C::Date.lte(to));
        }
        if let Some(areas) = &self.areas {
            all = all.add(C::AreaId.is_not_null()).add(C::AreaId.is_in(areas.iter().copied()));
        }
        if let Some(organizer) = self.organizer {
            all = all.add(C::Id.in_subquery(ids_where(
                conference_organizer::Entity,
                conference_organizer::Column::ConferenceId,
                conference_organizer::Column::OrganizationId.eq(organizer),
            )));
        }
        if let Some(chair) = self.chaired_by {
            all = all.add(
                C::Id.in_subquery(ids_where(
                    participation::Entity,
                    participation::Column::ConferenceId,
                    participation::Column::OfficialId
                        .eq(chair)
                        .and(participation::Column::Role.eq(ParticipationRole::Chair.as_str())),
                )),
            );
        }
        if let Some(official) = self.participant {
            all = all.add(C::Id.in_subquery(ids_where(
                participation::Entity,
                participation::Column::ConferenceId,
                participation::Column::OfficialId.eq(official),
            )));
        }
        if self.directive.is_some() || self.directive_kinds.is_some() || self.directive_relations.is_some() {
            use conference_directive::Column as L;
            // One link must meet every part of the condition: the directive, its kind, the relation.
            let mut link = Expr::val(true);
            if let Some(directive) = self.directive {
                link = link.and(L::DirectiveId.eq(directive));
            }
            if let Some(relations) = &self.directive_relations {
                link = link.and(L::Relation.is_in(relations.iter().map(|r| r.as_str())));
            }
            if let Some(kinds) = &self.directive_kinds {
                let of_kind = ids_where(
                    directive::Entity,
                    directive::Column::Id,
                    directive::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())),
                );
                link = link.and(L::DirectiveId.in_subquery(of_kind));
            }
            all = all.add(C::Id.in_subquery(ids_where(conference_directive::Entity, L::ConferenceId, link)));
        }
        if let Some(kinds) = &self.kinds {
            all = all.add(C::Kind.is_in(kinds.iter().map(|k| k.as_str())));
        }
        if let Some(formats) = &self.formats {
            all = all.add(C::Format.is_in(formats.iter().map(|f| f.as_str())));
        }
        all.add(text_condition(C::TitleFolded, self.text.as_deref()))
    }
}

/// Which officials to list.
#[derive(Clone, Debug, Default)]
pub struct OfficialFilter {
    /// Words of the name, ignoring diacritics and case.
    pub text: Option<String>,
}

impl OfficialFilter {
    /// The SQL condition.
    pub fn condition(&self) -> Condition {
        text_condition(official::Column::NameFolded, self.text.as_deref())
    }
}

/// Which posts to list.
#[derive(Clone, Debug, Default)]
pub struct PostFilter {
    /// Words of the title, ignoring diacritics and case.
    pub text: Option<String>,
    /// In one of these organizations.
    pub organizations: Option<Vec<i32>>,
}

impl PostFilter {
    /// The SQL condition.
    pub fn condition(&self) -> Condition {
        let mut all = text_condition(post::Column::TitleFolded, self.text.as_deref());
        if let Some(ids) = &self.organizations {
            all = all.add(post::Column::OrganizationId.is_in(ids.iter().copied()));
        }
        all
    }
}

/// Which organizations to list.
#[derive(Clone, Debug, Default)]
pub struct OrganizationFilter {
    /// Words of the name or short name, ignoring diacritics and case.
    pub text: Option<String>,
    /// Of these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Directly under this organization.
    pub parent: Option<i32>,
    /// In this area or any area inside it.
    pub area: Option<i32>,
}

impl OrganizationFilter {
    /// The SQL condition; `areas` is the filter's area with every area inside it.
    pub fn condition(&self, areas: Option<Vec<i32>>) -> Condition {
        use organization::Column as C;
        let mut all = text_condition(C::NameFolded, self.text.as_deref());
        if let Some(kinds) = &self.kinds {
            all = all.add(C::Kind.is_in(kinds.iter().map(|k| k.as_str())));
        }
        if let Some(parent) = self.parent {
            all = all.add(C::ParentId.eq(parent));
        }
        if let Some(areas) = areas {
            all = all.add(C::AreaId.is_in(areas));
        }
        all
    }
}

/// Which directives to list.
#[derive(Clone, Debug, Default)]
pub struct DirectiveFilter {
    /// Words of the code (however written: "06-ĐA/TU", "06-DA/TU", "Đề án 06") or title.
    pub text: Option<String>,
    /// Of these kinds.
    pub kinds: Option<Vec<DirectiveKind>>,
    /// Issued by this organization.
    pub issuer: Option<i32>,
    /// In these statuses.
    pub statuses: Option<Vec<DirectiveStatus>>,
}

impl DirectiveFilter {
    /// The SQL condition.
    pub fn condition(&self) -> Condition {
        use directive::Column as C;
        let text = self.text.as_deref().map(crate::domain::code::reading);
        let mut all = text_condition(C::SearchFolded, text.as_deref());
        if let Some(kinds) = &self.kinds {
            all = all.add(C::Kind.is_in(kinds.iter().map(|k| k.as_str())));
        }
        if let Some(issuer) = self.issuer {
            all = all.add(C::IssuerId.eq(issuer));
        }
        if let Some(statuses) = &self.statuses {
            all = all.add(C::Status.is_in(statuses.iter().map(|s| s.as_str())));
        }
        all
    }
}

/// Who a task is assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    /// An organization.
    Organization(i32),
    /// An official.
    Official(i32),
}

/// Which tasks to list.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// In these statuses.
    pub statuses: Option<Vec<TaskStatus>>,
    /// Assigned to this organization or official.
    pub assignee: Option<Assignee>,
    /// Serving this directive.
    pub directive: Option<i32>,
    /// Assigned at this conference.
    pub conference: Option<i32>,
    /// Due on or after this date.
    pub due_from: Option<NaiveDate>,
    /// Due on or before this date.
    pub due_to: Option<NaiveDate>,
    /// Overdue on this date: neither done nor cancelled, and due before it.
    pub overdue_as_of: Option<NaiveDate>,
    /// Words of the title or description, ignoring diacritics and case.
    pub text: Option<String>,
    /// Assigned to this organization or a body under it, at any depth.
    pub organization: Option<i32>,
    /// Assigned at a conference in this area or one inside it, or to a body of such an area.
    pub area: Option<i32>,
    /// With a due date (true) or without one (false).
    pub has_due_date: Option<bool>,
    /// Filters that must all hold too.
    pub and: Vec<TaskFilter>,
    /// Filters of which at least one must hold too (when any are given).
    pub or: Vec<TaskFilter>,
    /// Filters none of which may hold.
    pub not: Vec<TaskFilter>,
    /// The organization with every body under it, filled by [`TaskFilter::expand`].
    pub organizations: Option<Vec<i32>>,
    /// The area with every area inside it, filled by [`TaskFilter::expand`].
    pub areas: Option<Vec<i32>>,
}

impl TaskFilter {
    /// The day of an overdue filter that names nothing else, whose count the tally of owed
    /// tasks by due date answers.
    pub fn overdue_alone(&self) -> Option<NaiveDate> {
        let rest = TaskFilter { overdue_as_of: None, ..self.clone() };
        self.overdue_as_of.filter(|_| rest.is_everything())
    }

    /// Whether the filter holds for every task: it names no condition at all.
    pub fn is_everything(&self) -> bool {
        let TaskFilter {
            statuses,
            assignee,
            directive,
            conference,
            due_from,
            due_to,
            overdue_as_of,
            text,
            organization,
            area,
            has_due_date,
            and,
            or,
            not,
            organizations,
            areas,
        } = self;
        statuses.is_none()
            && assignee.is_none()
            && directive.is_none()
            && conference.is_none()
            && due_from.is_none()
            && due_to.is_none()
            && overdue_as_of.is_none()
            && text.is_none()
            && organization.is_none()
            && area.is_none()
            && has_due_date.is_none()
            && and.is_empty()
            && or.is_empty()
            && not.is_empty()
            && organizations.is_none()
            && areas.is_none()
    }

    /// Whether this filter or one nested in it names a tree (organization or area) to expand.
    pub fn uses_trees(&self) -> bool {
        self.organization.is_some()
            || self.area.is_some()
            || self.and.iter().chain(&self.or).chain(&self.not).any(Self::uses_trees)
    }

    /// Replaces each organization and area with itself and what is under it, given the
    /// (id, parent) pairs of every organization and of every area.
    pub fn expand(&mut self, organizations: &[(i32, Option<i32>)], areas: &[(i32, Option<i32>)]) {
        self.organizations = self.organization.map(|root| super::lists::descendants(root, organizations));
        self.areas = self.area.map(|root| super::lists::descendants(root, areas));
        for nested in self.and.iter_mut().chain(self.or.iter_mut()).chain(self.not.iter_mut()) {
            nested.expand(organizations, areas);
        }
    }

    /// The SQL condition.
    pub fn condition(&self) -> Condition {
        use task::Column as C;
        let mut all = combine(&self.and, &self.or, &self.not, Self::condition)
            .add(text_condition(C::SearchFolded, self.text.as_deref()));
        // Unexpanded (a caller that did not read the trees), a tree is its root alone.
        if let Some(root) = self.organization {
            let bodies = self.organizations.clone().unwrap_or_else(|| vec![root]);
            let assigned = task_assignee::Column::OrganizationId.is_in(bodies);
            all = all.add(C::Id.in_subquery(ids_where(task_assignee::Entity, task_assignee::Column::TaskId, assigned)));
        }
        if let Some(root) = self.area {
            let areas = self.areas.clone().unwrap_or_else(|| vec![root]);
            let bodies = ids_where(
                organization::Entity,
                organization::Column::Id,
                organization::Column::AreaId.is_in(areas.clone()),
            );
            let to_bodies = task_assignee::Column::OrganizationId.in_subquery(bodies);
            let conferences =
                ids_where(conference::Entity, conference::Column::Id, conference::Column::AreaId.is_in(areas));
            all = all.add(
                Condition::any()
                    .add(C::Id.in_subquery(ids_where(task_assignee::Entity, task_assignee::Column::TaskId, to_bodies)))
                    .add(C::ConferenceId.is_not_null().and(C::ConferenceId.in_subquery(conferences))),
            );
        }
        match self.has_due_date {
            Some(true) => all = all.add(C::DueOn.is_not_null()),
            Some(false) => all = all.add(C::DueOn.is_null()),
            None => {}
        }
        if let Some(statuses) = &self.statuses {
            all = all.add(C::Status.is_in(statuses.iter().map(|s| s.as_str())));
        }
        if let Some(assignee) = self.assignee {
            let matches = match assignee {
                Assignee::Organization(id) => task_assignee::Column::OrganizationId.eq(id),
                Assignee::Official(id) => task_assignee::Column::OfficialId.eq(id),
            };
            all = all.add(C::Id.in_subquery(ids_where(task_assignee::Entity, task_assignee::Column::TaskId, matches)));
        }
        if let Some(directive) = self.directive {
            all = all.add(C::DirectiveId.is_not_null()).add(C::DirectiveId.eq(directive));
        }
        if let Some(conference) = self.conference {
            all = all.add(C::ConferenceId.is_not_null()).add(C::ConferenceId.eq(conference));
        }
        if let Some(from) = self.due_from {
            all = all.add(C::DueOn.is_not_null()).add(C::DueOn.gte(from));
        }
        if let Some(to) = self.due_to {
            all = all.add(C::DueOn.is_not_null()).add(C::DueOn.lte(to));
        }
        if let Some(as_of) = self.overdue_as_of {
            let active = [TaskStatus::Open, TaskStatus::InProgress].map(|s| s.as_str());
            all = all.add(C::Status.is_in(active)).add(C::DueOn.is_not_null()).add(C::DueOn.lt(as_of));
        }
        all
    }
}
