//! Batched look-ups behind every relation field: one DataLoader per request, one key type per
//! relation. A nested query costs one statement per level, whatever the page size.

use crate::error::AppError;
use async_graphql::dataloader::Loader;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IdenStatic, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The loader behind every relation; it implements `Loader<K>` for each key type below.
pub struct Loaders {
    /// The database the request reads.
    pub db: DatabaseConnection,
    /// What the request may still read: a list statement reads at most one row more.
    pub budget: std::sync::Arc<crate::limits::Budget>,
    /// What a planned read found ahead for this request.
    pub prefetched: std::sync::Arc<Prefetched>,
}

/// Defines a key that loads one row of `$entity` by id; a planned read may have found it.
macro_rules! by_id {
    ($(#[doc = $doc:tt])* $key:ident, $entity:ident) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = $entity::Model;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, AppError> {
                let (known, misses) = self.prefetched.split::<$key, Option<$entity::Model>>(keys);
                let mut found: HashMap<$key, Self::Value> = known.into_iter().filter_map(|(k, m)| Some((k, m?))).collect();
                if !misses.is_empty() {
                    let ids = misses.iter().map(|k| k.0).collect();
                    let rows = crate::store::plan::by_ids::<$entity::Entity>(&self.db, $entity::Column::Id, ids).await?;
                    found.extend(rows.into_iter().map(|m| ($key(m.id), m)));
                }
                Ok(found)
            }
        }

        impl Planned for $key {
            type Row = $entity::Model;

            fn level(source: crate::store::plan::Source) -> crate::store::plan::Level {
                crate::store::plan::Level::of::<$entity::Entity>(source, "id", "id")
            }

            fn feed(store: &Prefetched, keys: &[i32], rows: Vec<Self::Row>) {
                let mut found: HashMap<$key, Option<$entity::Model>> = keys.iter().map(|k| ($key(*k), None)).collect();
                for row in rows {
                    found.insert($key(row.id), Some(row));
                }
                store.feed(found);
            }
        }
    };
}

/// Defines a key that loads the rows of `$entity` whose `$column` is the key, ordered by
/// `$order` and then id; every key gets a list, empty where nothing matches. A planned read may
/// have found the lists of some keys: they count against the budget exactly as rows read.
macro_rules! has_many {
    ($(#[doc = $doc:tt])* $key:ident, $entity:ident, $column:ident, $field:ident, $order:ident) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = Vec<$entity::Model>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, AppError> {
                let (known, misses) = self.prefetched.split::<$key, std::sync::Arc<Vec<$entity::Model>>>(keys);
                // Every row read is in the answer at least once: a statement reads at most one
                // row past the request's share of the budget.
                let rows = self
                    .budget
                    .read_within(|limit| {
                        let mut rows: Vec<$entity::Model> =
                            known.iter().flat_map(|(_, list)| list.iter().cloned()).take(limit as usize).collect();
                        let room = limit.saturating_sub(rows.len() as u64);
                        let misses = &misses;
                        async move {
                            if !misses.is_empty() && room > 0 {
                                rows.extend(
                                    $entity::Entity::find()
                                        .filter(crate::store::any_of(self.db.get_database_backend(), $entity::Column::$column, misses.iter().map(|k| k.0)))
                                        .order_by_asc($entity::Column::$order)
                                        .order_by_asc($entity::Column::Id)
                                        .limit(room)
                                        .all(&self.db)
                                        .await?,
                                );
                            }
                            Ok(rows)
                        }
                    })
                    .await?;
                Ok($key::group(keys.iter().copied(), rows))
            }
        }

        impl $key {
            /// The rows of each of `keys`, in the order read; every key gets a list.
            fn group(keys: impl Iterator<Item = $key>, rows: Vec<$entity::Model>) -> HashMap<$key, Vec<$entity::Model>> {
                let mut grouped: HashMap<$key, Vec<$entity::Model>> = keys.map(|k| (k, Vec::new())).collect();
                for row in rows {
                    #[allow(clippy::useless_conversion)]
                    let owner: Option<i32> = row.$field.into();
                    if let Some(list) = owner.and_then(|id| grouped.get_mut(&$key(id))) {
                        list.push(row);
                    }
                }
                grouped
            }
        }

        impl Planned for $key {
            type Row = $entity::Model;

            fn level(source: crate::store::plan::Source) -> crate::store::plan::Level {
                crate::store::plan::Level::of::<$entity::Entity>(
                    source,
                    $entity::Column::$column.as_str(),
                    $entity::Column::$order.as_str(),
                )
            }

            fn feed(store: &Prefetched, keys: &[i32], rows: Vec<Self::Row>) {
                let grouped = $key::group(keys.iter().map(|k| $key(*k)), rows);
                store.feed(grouped.into_iter().map(|(k, list)| (k, std::sync::Arc::new(list))).collect());
            }
        }
    };
}

/// A loader key whose values a planned read (`graphql::plan`) can find ahead of the resolvers.
pub trait Planned: Copy + std::hash::Hash + Eq + Send + Sync + 'static {
    /// The row a level of the read decodes into.
    type Row: serde::de::DeserializeOwned;
    /// The level that reads the rows of the keys `source` gives.
    fn level(source: crate::store::plan::Source) -> crate::store::plan::Level;
    /// Stores what a level read for `keys`: every key gets its value, found or known absent.
    fn feed(store: &Prefetched, keys: &[i32], rows: Vec<Self::Row>);
}

/// What a planned read found for one request, by loader key: the loaders answer these keys
/// from it instead of the database.
#[derive(Default)]
pub struct Prefetched(std::sync::Mutex<HashMap<std::any::TypeId, Box<dyn std::any::Any + Send>>>);

impl Prefetched {
    /// Stores the values of some keys of type `K`.
    pub fn feed<K: std::hash::Hash + Eq + Send + 'static, V: Send + 'static>(&self, values: HashMap<K, V>) {
        let Ok(mut all) = self.0.lock() else { return };
        let entry = all.entry(std::any::TypeId::of::<K>()).or_insert_with(|| Box::new(HashMap::<K, V>::new()));
        if let Some(map) = entry.downcast_mut::<HashMap<K, V>>() {
            map.extend(values);
        }
    }

    /// The keys of `keys` found ahead, with their values, and the others.
    pub fn split<K: std::hash::Hash + Eq + Copy + 'static, V: Clone + 'static>(
        &self,
        keys: &[K],
    ) -> (Vec<(K, V)>, Vec<K>) {
        let all = self.0.lock().ok();
        let Some(map) =
            all.as_ref().and_then(|all| all.get(&std::any::TypeId::of::<K>())?.downcast_ref::<HashMap<K, V>>())
        else {
            return (Vec::new(), keys.to_vec());
        };
        let mut known = Vec::new();
        let mut misses = Vec::new();
        for key in keys {
            match map.get(key) {
                Some(value) => known.push((*key, value.clone())),
                None => misses.push(*key),
            }
        }
        (known, misses)
    }

    /// Forgets everything (each event of a subscription reads afresh).
    pub fn clear(&self) {
        if let Ok(mut all) = self.0.lock() {
            all.clear();
        }
    }
}

by_id!(/// An area by id.
    AreaById, area);
by_id!(/// An organization by id.
    OrganizationById, organization);
by_id!(/// An official by id.
    OfficialById, official);
by_id!(/// A post by id.
    PostById, post);
by_id!(/// A tenure by id.
    TenureById, tenure);
by_id!(/// A conference by id.
    ConferenceById, conference);
by_id!(/// A participation by id.
    ParticipationById, participation);
by_id!(/// A directive by id.
    DirectiveById, directive);
by_id!(/// A task by id.
    TaskById, task);
by_id!(/// A task update by id.
    TaskUpdateById, task_update);
by_id!(/// A source by id.
    SourceById, source);

has_many!(/// The areas directly inside an area.
    AreaChildren, area, ParentId, parent_id, NameFolded);
has_many!(/// The organizations directly under an organization.
    OrganizationChildren, organization, ParentId, parent_id, NameFolded);
has_many!(/// The organizations that were merged into, renamed to or split into an organization.
    OrganizationPredecessors, organization, SuccessorId, successor_id, NameFolded);
has_many!(/// The posts of an organization.
    OrganizationPosts, post, OrganizationId, organization_id, TitleFolded);
has_many!(/// The tenures of an official.
    OfficialTenures, tenure, OfficialId, official_id, StartedOn);
has_many!(/// The tenures of a post.
    PostTenures, tenure, PostId, post_id, StartedOn);
has_many!(/// The organizer links of a conference.
    ConferenceOrganizers, conference_organizer, ConferenceId, conference_id, Id);
has_many!(/// The conferences an organization organized, as organizer links.
    OrganizationOrganized, conference_organizer, OrganizationId, organization_id, Id);
has_many!(/// The bodies that took part in a conference.
    ConferenceBodies, conference_body, ConferenceId, conference_id, Id);
has_many!(/// The participations at a conference.
    ConferenceParticipations, participation, ConferenceId, conference_id, Id);
has_many!(/// The participations of an official.
    OfficialParticipations, participation, OfficialId, official_id, Id);
has_many!(/// The directive links of a conference.
    ConferenceDirectives, conference_directive, ConferenceId, conference_id, Id);
has_many!(/// The conference links of a directive.
    DirectiveConferences, conference_directive, DirectiveId, directive_id, Id);
has_many!(/// The directives an organization issued.
    OrganizationDirectives, directive, IssuerId, issuer_id, IssuedOn);
has_many!(/// The links from a directive to others.
    DirectiveLinksFrom, directive_link, FromDirectiveId, from_directive_id, Id);
has_many!(/// The links from other directives to a directive.
    DirectiveLinksTo, directive_link, ToDirectiveId, to_directive_id, Id);
has_many!(/// The tasks assigned at a conference.
    ConferenceTasks, task, ConferenceId, conference_id, DueOn);
has_many!(/// The tasks serving a directive.
    DirectiveTasks, task, DirectiveId, directive_id, DueOn);
has_many!(/// The tasks an organization assigned.
    OrganizationTasksGiven, task, AssignedByOrganizationId, assigned_by_organization_id, DueOn);
has_many!(/// The tasks an official assigned.
    OfficialTasksGiven, task, AssignedByOfficialId, assigned_by_official_id, DueOn);
has_many!(/// The assignees of a task.
    TaskAssignees, task_assignee, TaskId, task_id, Id);
has_many!(/// The assignments of an organization.
    OrganizationAssignments, task_assignee, OrganizationId, organization_id, Id);
has_many!(/// The assignments of an official.
    OfficialAssignments, task_assignee, OfficialId, official_id, Id);
has_many!(/// The progress updates of a task.
    TaskUpdates, task_update, TaskId, task_id, Date);

/// The citations of one fact: its subject type (see `domain::subject`) and row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Citations(pub &'static str, pub i32);

impl Loader<Citations> for Loaders {
    type Value = Vec<citation::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[Citations]) -> Result<HashMap<Citations, Self::Value>, AppError> {
        let mut grouped: HashMap<Citations, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        let mut by_type: HashMap<&'static str, Vec<i32>> = HashMap::new();
        for key in keys {
            by_type.entry(key.0).or_default().push(key.1);
        }
        for (subject_type, ids) in by_type {
            let rows = self
                .budget
                .read_within(|limit| {
                    citation::Entity::find()
                        .filter(citation::Column::SubjectType.eq(subject_type))
                        .filter(crate::store::any_of(
                            self.db.get_database_backend(),
                            citation::Column::SubjectId,
                            ids.clone(),
                        ))
                        .order_by_asc(citation::Column::Id)
                        .limit(limit)
                        .all(&self.db)
                })
                .await?;
            for row in rows {
                if let Some(list) = grouped.get_mut(&Citations(subject_type, row.subject_id)) {
                    list.push(row);
                }
            }
        }
        Ok(grouped)
    }
}

/// A page of the history of one node. The nodes of one type that ask for the same page load
/// together, one statement for them all (`store::lists::changes_of_each`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeHistory {
    /// The type of the node.
    pub node: crate::domain::node::NodeType,
    /// Its row id.
    pub id: i32,
    /// How many changes from the newest.
    pub first: Option<i32>,
    /// Start after this cursor.
    pub after: Option<String>,
}

impl Loader<NodeHistory> for Loaders {
    type Value = crate::store::page::Page<change::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[NodeHistory]) -> Result<HashMap<NodeHistory, Self::Value>, AppError> {
        type Same = (crate::domain::node::NodeType, Option<i32>, Option<String>);
        let mut groups: HashMap<Same, Vec<i32>> = HashMap::new();
        for key in keys {
            groups.entry((key.node, key.first, key.after.clone())).or_default().push(key.id);
        }
        let mut found = HashMap::new();
        for ((node, first, after), ids) in groups {
            let request = crate::store::page::PageRequest::new(first, after.clone(), None, None)?;
            for (id, page) in crate::store::lists::changes_of_each(&self.db, node.name(), &ids, &request).await? {
                found.insert(NodeHistory { node, id, first, after: after.clone() }, page);
            }
        }
        Ok(found)
    }
}

/// What the sources say about a tenure, by tenure id: its attestations and the evidence its
/// certainty is judged on (`store::evidence`), for all the tenures a request judges at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TenureEvidence(pub i32);

impl Loader<TenureEvidence> for Loaders {
    type Value = std::sync::Arc<crate::store::evidence::TenureEvidence>;
    type Error = AppError;

    async fn load(&self, keys: &[TenureEvidence]) -> Result<HashMap<TenureEvidence, Self::Value>, AppError> {
        let backend = self.db.get_database_backend();
        let tenures = tenure::Entity::find()
            .filter(crate::store::any_of(backend, tenure::Column::Id, keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        let found = crate::store::evidence::of_tenures(&self.db, &tenures).await?;
        Ok(found.into_iter().map(|(id, e)| (TenureEvidence(id), std::sync::Arc::new(e))).collect())
    }
}
