//! Writing a checked dataset: inside one transaction, in dependency order, matching records
//! by key.

use super::{ImportReport, Merge, row};
use crate::dataset::batch::Pending;
use crate::dataset::fields;
use crate::dataset::format::{self, Citation, Dataset};
use crate::domain::node::NodeType;
use crate::domain::subject;
use crate::domain::vocabulary::ConferenceFormat;
use crate::error::{AppError, AppResult};
use crate::service::history::ChangeAction;
use crate::service::kinds;
use crate::service::kinds::{AttestationFields, is_editable, snapshot};
use crate::service::record::{Author, Editable, Row, log_change};
use crate::store::search;
use chrono::NaiveDate;
use entity::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityName, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, QueryFilter, Value,
};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// How many rows an import changes before it refreshes PostgreSQL's planner statistics.
pub(super) const ANALYZE_AFTER: usize = 10_000;

/// The page cache of the connection that imports, in KiB.
pub(super) const IMPORT_CACHE_KIB: u32 = 256 * 1024;

pub(super) struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    ids: HashMap<(NodeType, String), i32>,
    report: ImportReport,
    /// Who imports, when history is kept.
    author: Option<Author<'a>>,
    /// The nodes written, with their fields before.
    tracked: Vec<(NodeType, i32, Option<serde_json::Value>)>,
    seen: HashSet<(NodeType, i32)>,
    /// The rows this import created (table, id): nothing can be stored under them yet, so
    /// their children and citations need no looking up.
    created: HashSet<(&'static str, i32)>,
    /// The tables of keyed records that were empty when the import began: a record of this
    /// file cannot be stored there yet (keys are unique within a file), so it is not looked up.
    empty: HashSet<&'static str>,
    /// The rows created and not written yet. Reads by key and under a stored parent never need
    /// them (keys are unique within a file, and a record's children are written once), so
    /// only updates, removals and history write them first.
    pending: Pending,
    /// What a record does to the stored one.
    merge: Merge,
}

fn id_of(value: Value) -> AppResult<i32> {
    match value {
        Value::Int(Some(id)) => Ok(id),
        Value::BigInt(Some(id)) => i32::try_from(id).map_err(AppError::internal),
        other => Err(AppError::internal(format!("unexpected id value {other:?}"))),
    }
}

impl<'a> Writer<'a> {
    /// A writer into `txn`; with an author, what it writes is recorded in the history.
    pub(super) async fn new(
        txn: &'a DatabaseTransaction,
        author: Option<Author<'a>>,
        merge: Merge,
    ) -> AppResult<Writer<'a>> {
        Ok(Writer {
            txn,
            ids: HashMap::new(),
            report: ImportReport::default(),
            author,
            tracked: Vec::new(),
            seen: HashSet::new(),
            created: HashSet::new(),
            empty: empty_tables(txn).await?,
            pending: Pending::default(),
            merge,
        })
    }

    /// Writes the dataset, then the history of what it changed.
    pub(super) async fn write(&mut self, dataset: &Dataset) -> AppResult<()> {
        self.write_records(dataset).await?;
        self.record_history().await
    }

    /// What the import did.
    pub(super) fn report(&self) -> ImportReport {
        self.report.clone()
    }
}

impl Writer<'_> {
    fn kind_of<M: ModelTrait>() -> &'static str {
        <M::Entity as Default>::default().table_name()
    }

    /// Inserts `desired`, or updates the `existing` row it replaces, and counts which it was.
    async fn save<M>(
        &mut self,
        id_column: <M::Entity as EntityTrait>::Column,
        existing: Option<M>,
        desired: M,
    ) -> AppResult<i32>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + PartialEq,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        let kind = self.author.and(NodeType::of_table(Self::kind_of::<M>()).filter(|t| is_editable(*t)));
        let before = match (kind, &existing) {
            (Some(kind), Some(old)) => {
                self.pending.flush(self.txn).await?;
                snapshot(kind, self.txn, id_of(old.get(id_column))?).await?
            }
            _ => None,
        };
        let id = self.save_row(id_column, existing, desired).await?;
        if let Some(kind) = kind {
            if self.seen.insert((kind, id)) {
                self.tracked.push((kind, id, before));
            }
        }
        Ok(id)
    }

    /// Writes one row for [`Writer::save`].
    async fn save_row<M>(
        &mut self,
        id_column: <M::Entity as EntityTrait>::Column,
        existing: Option<M>,
        desired: M,
    ) -> AppResult<i32>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + PartialEq,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        let desired = self.overlaid(existing.as_ref(), desired);
        match existing {
            Some(old) if old == desired => {
                self.report.count(Self::kind_of::<M>(), 1, |c| &mut c.unchanged);
                id_of(old.get(id_column))
            }
            Some(old) => {
                self.report.note_update(Self::kind_of::<M>(), &old, &desired);
                // The row may come to name one created in this import.
                self.pending.flush(self.txn).await?;
                let mut active = desired.into_active_model().reset_all();
                // Tables of editable nodes carry a version that grows with every change.
                if let Ok(version) = <M::Entity as EntityTrait>::Column::from_str("version") {
                    if let Value::Int(Some(v)) = old.get(version) {
                        active.set(version, Value::Int(Some(v + 1)));
                    }
                }
                let model = active.update(self.txn).await?;
                self.report.count(Self::kind_of::<M>(), 1, |c| &mut c.updated);
                id_of(model.get(id_column))
            }
            None => {
                let table = Self::kind_of::<M>();
                let id = self.pending.take_id(self.txn, table).await?;
                let row = <M::Entity as EntityTrait>::Column::iter()
                    .map(|c| {
                        let value =
                            if c.as_str() == id_column.as_str() { Value::Int(Some(id)) } else { desired.get(c) };
                        (c.as_str(), value)
                    })
                    .collect();
                self.pending.push(self.txn, table, row).await?;
                self.report.count(table, 1, |c| &mut c.created);
                self.created.insert((table, id));
                Ok(id)
            }
        }
    }

    /// The row to write: `desired`, where the import adds and updates with the stored values of
    /// the fields the file leaves out.
    fn overlaid<M: ModelTrait>(&self, existing: Option<&M>, mut desired: M) -> M {
        if let (Merge::AddAndUpdate, Some(old)) = (self.merge, existing) {
            for column in <M::Entity as EntityTrait>::Column::iter() {
                let given = desired.get(column);
                if given == given.as_null() {
                    desired.set(column, old.get(column));
                }
            }
        }
        desired
    }

    /// Saves a record of a searchable kind like [`Writer::save`] and keeps its search text
    /// current, as the kind words it.
    async fn save_searchable<K: Editable>(
        &mut self,
        existing: Option<Row<K>>,
        desired: Row<K>,
        fields: &K::Fields,
    ) -> AppResult<i32>
    where
        Row<K>: PartialEq,
        <K::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = K::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        // Added to a stored record, the row and its search text are made again from the
        // fields as they will be, so that what derives from them (folded names) follows too.
        let (desired, merged) = match (self.merge, &existing) {
            (Merge::AddAndUpdate, Some(old)) => {
                let fields = K::fields(self.txn, &self.overlaid(Some(old), desired)).await?;
                (row::<K>(&fields, Some(old)), Some(fields))
            }
            _ => (desired, None),
        };
        let Some((node_type, folded)) = K::search_entry(merged.as_ref().unwrap_or(fields)) else {
            return Err(AppError::internal(format!("a {} has no search text", K::NODE.label())));
        };
        let new = existing.is_none();
        let changed = existing.as_ref() != Some(&desired);
        let id = self.save(K::columns().0, existing, desired).await?;
        if new {
            self.pending.push(self.txn, search::TABLE, search::entry(node_type, id, &folded)).await?;
            self.pending.push(self.txn, search::CHANGES, search::change(node_type, id)).await?;
        } else if changed {
            search::index(self.txn, node_type, id, &folded).await?;
        }
        Ok(id)
    }

    /// The id of the record of `kind` with `key`, from this file or already stored.
    async fn resolve(&mut self, kind: NodeType, key: &str, path: &str) -> AppResult<i32> {
        if let Some(id) = self.ids.get(&(kind, key.to_owned())) {
            return Ok(*id);
        }
        let txn = self.txn;
        let found = match kind {
            NodeType::Source => {
                source::Entity::find().filter(source::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Area => area::Entity::find().filter(area::Column::Key.eq(key)).one(txn).await?.map(|m| m.id),
            NodeType::Organization => {
                organization::Entity::find().filter(organization::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Post => post::Entity::find().filter(post::Column::Key.eq(key)).one(txn).await?.map(|m| m.id),
            NodeType::Official => {
                official::Entity::find().filter(official::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Directive => {
                directive::Entity::find().filter(directive::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Conference => {
                conference::Entity::find().filter(conference::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            other => {
                return Err(AppError::internal(format!("a dataset file does not refer to a {} by key", other.label())));
            }
        };
        match found {
            Some(id) => {
                self.ids.insert((kind, key.to_owned()), id);
                Ok(id)
            }
            None => Err(AppError::bad_input(
                path,
                format!("{path}: no {} with the key \"{key}\" in this file or the database", kind.label()),
            )),
        }
    }

    async fn resolve_opt(&mut self, kind: NodeType, key: &Option<String>, path: &str) -> AppResult<Option<i32>> {
        match key {
            Some(key) => Ok(Some(self.resolve(kind, key, path).await?)),
            None => Ok(None),
        }
    }

    /// The stored record of `E` that `select` finds by its key, unless `E`'s table was empty
    /// when the import began.
    async fn stored_by_key<E: EntityTrait>(&self, select: sea_orm::Select<E>) -> AppResult<Option<E::Model>> {
        if self.empty.contains(E::default().table_name()) {
            return Ok(None);
        }
        Ok(select.one(self.txn).await?)
    }

    /// Whether this import created the row `id` of `table`.
    fn fresh(&self, table: &'static str, id: i32) -> bool {
        self.created.contains(&(table, id))
    }

    /// The rows of `E` stored under a parent (`select`), or none when this import just created
    /// the parent.
    async fn stored_under<E: EntityTrait>(
        &self,
        parent: (&'static str, i32),
        select: sea_orm::Select<E>,
    ) -> AppResult<Vec<E::Model>> {
        if self.fresh(parent.0, parent.1) {
            return Ok(Vec::new());
        }
        Ok(select.all(self.txn).await?)
    }

    /// The id of a key already resolved; 0 for one that is not, which the rows never hold
    /// (each reference a row holds is resolved before its fields are made; citations are
    /// written on their own).
    fn known(&self, kind: NodeType, key: &str) -> i32 {
        self.ids.get(&(kind, key.to_owned())).copied().unwrap_or_default()
    }

    fn remember(&mut self, kind: NodeType, key: &str, id: i32) {
        self.ids.insert((kind, key.to_owned()), id);
    }

    async fn write_records(&mut self, ds: &Dataset) -> AppResult<()> {
        for s in &ds.sources {
            let existing = self.stored_by_key(source::Entity::find().filter(source::Column::Key.eq(&s.key))).await?;
            let desired = row::<kinds::Source>(&fields::source(s)?, existing.as_ref());
            let id = self.save(source::Column::Id, existing, desired).await?;
            self.remember(NodeType::Source, &s.key, id);
        }
        self.write_areas(ds).await?;
        self.write_organizations(ds).await?;
        for (i, p) in ds.posts.iter().enumerate() {
            self.resolve(NodeType::Organization, &p.organization, &format!("posts[{i}].organization")).await?;
            let existing = self.stored_by_key(post::Entity::find().filter(post::Column::Key.eq(&p.key))).await?;
            let fields = fields::post(p, &|kind, key| self.known(kind, key));
            let desired = row::<kinds::Post>(&fields, existing.as_ref());
            let id = self.save_searchable::<kinds::Post>(existing, desired, &fields).await?;
            self.remember(NodeType::Post, &p.key, id);
        }
        for (i, o) in ds.officials.iter().enumerate() {
            self.write_official(i, o).await?;
        }
        for d in &ds.directives {
            self.write_directive(d).await?;
        }
        for (i, d) in ds.directives.iter().enumerate() {
            self.write_directive_children(i, d).await?;
        }
        for (i, c) in ds.conferences.iter().enumerate() {
            self.write_conference(i, c).await?;
        }
        for (i, t) in ds.tasks.iter().enumerate() {
            self.write_task(i, t).await?;
        }
        self.pending.flush(self.txn).await
    }

    /// Areas and organizations nest: the order to write them in, parents first whatever the
    /// order of the file, and the records whose parents in the file form a cycle (or lead
    /// into one), which cannot be written.
    fn nesting_order<R>(
        records: &[R],
        key: fn(&R) -> &String,
        parent: fn(&R) -> Option<&String>,
    ) -> (Vec<usize>, HashSet<usize>) {
        let index: HashMap<&String, usize> = records.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnChain,
            Placed,
        }
        let mut state = vec![State::New; records.len()];
        let mut order = Vec::with_capacity(records.len());
        let mut cyclic = HashSet::new();
        for start in 0..records.len() {
            let mut chain = Vec::new();
            let mut at = Some(start);
            while let Some(i) = at {
                match state[i] {
                    State::Placed => break,
                    State::OnChain => {
                        cyclic.extend(chain.iter().copied());
                        break;
                    }
                    State::New => {
                        state[i] = State::OnChain;
                        chain.push(i);
                        at = parent(&records[i]).and_then(|p| index.get(p)).copied();
                    }
                }
            }
            for &i in chain.iter().rev() {
                state[i] = State::Placed;
                order.push(i);
            }
        }
        (order, cyclic)
    }

    async fn write_areas(&mut self, ds: &Dataset) -> AppResult<()> {
        let (order, cyclic) = Self::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        for i in order {
            let a = &ds.areas[i];
            let path = format!("areas[{i}].parent");
            if cyclic.contains(&i) {
                return Err(AppError::bad_input(&path, format!("{path}: areas nest in a cycle")));
            }
            self.resolve_opt(NodeType::Area, &a.parent, &path).await?;
            let existing = self.stored_by_key(area::Entity::find().filter(area::Column::Key.eq(&a.key))).await?;
            // The successor may come later in the file; it is set once all are written.
            let successor = existing.as_ref().and_then(|m| m.successor_id);
            let fields = fields::area(a, &|kind, key| self.known(kind, key), successor)?;
            let desired = row::<kinds::Area>(&fields, existing.as_ref());
            let id = self.save(area::Column::Id, existing, desired).await?;
            self.remember(NodeType::Area, &a.key, id);
        }
        self.pending.flush(self.txn).await?;
        for (i, a) in ds.areas.iter().enumerate() {
            let Some(key) = &a.successor else { continue };
            let successor = self.resolve(NodeType::Area, key, &format!("areas[{i}].successor")).await?;
            let id = self.resolve(NodeType::Area, &a.key, &format!("areas[{i}]")).await?;
            let stored = area::Entity::find_by_id(id).one(self.txn).await?;
            if let Some(stored) = stored.filter(|m| m.successor_id != Some(successor)) {
                let mut active = stored.into_active_model();
                active.successor_id = sea_orm::ActiveValue::Set(Some(successor));
                active.update(self.txn).await?;
            }
        }
        Ok(())
    }

    async fn write_organizations(&mut self, ds: &Dataset) -> AppResult<()> {
        let records = &ds.organizations;
        let (order, cyclic) = Self::nesting_order(records, |o| &o.key, |o| o.parent.as_ref());
        for i in order {
            let o = &records[i];
            let path = format!("organizations[{i}]");
            if cyclic.contains(&i) {
                return Err(AppError::bad_input(&path, format!("{path}.parent: organizations nest in a cycle")));
            }
            self.resolve_opt(NodeType::Organization, &o.parent, &format!("{path}.parent")).await?;
            self.resolve_opt(NodeType::Area, &o.area, &format!("{path}.area")).await?;
            let existing =
                self.stored_by_key(organization::Entity::find().filter(organization::Column::Key.eq(&o.key))).await?;
            // The successor may come later in the file; it is set once all are written.
            let successor = existing.as_ref().and_then(|m| m.successor_id);
            let fields = fields::organization(o, &|kind, key| self.known(kind, key), successor)?;
            let desired = row::<kinds::Organization>(&fields, existing.as_ref());
            let id = self.save_searchable::<kinds::Organization>(existing, desired, &fields).await?;
            self.remember(NodeType::Organization, &o.key, id);
        }
        self.pending.flush(self.txn).await?;
        for (i, o) in records.iter().enumerate() {
            let successor = self
                .resolve_opt(NodeType::Organization, &o.successor, &format!("organizations[{i}].successor"))
                .await?;
            let id = self.resolve(NodeType::Organization, &o.key, &format!("organizations[{i}]")).await?;
            if successor.is_none() && self.fresh("organization", id) {
                continue;
            }
            let stored = organization::Entity::find_by_id(id).one(self.txn).await?;
            if let Some(stored) = stored.filter(|m| m.successor_id != successor) {
                let mut active = stored.into_active_model();
                active.successor_id = sea_orm::ActiveValue::Set(successor);
                active.update(self.txn).await?;
            }
        }
        Ok(())
    }

    async fn write_official(&mut self, i: usize, o: &format::Official) -> AppResult<()> {
        let existing = self.stored_by_key(official::Entity::find().filter(official::Column::Key.eq(&o.key))).await?;
        let fields = fields::official(o);
        let desired = row::<kinds::Official>(&fields, existing.as_ref());
        let official_id = self.save_searchable::<kinds::Official>(existing, desired, &fields).await?;
        self.remember(NodeType::Official, &o.key, official_id);

        let stored = self
            .stored_under(
                ("official", official_id),
                tenure::Entity::find().filter(tenure::Column::OfficialId.eq(official_id)),
            )
            .await?;
        let mut kept = HashSet::new();
        for (j, t) in o.tenures.iter().enumerate() {
            let path = format!("officials[{i}].tenures[{j}]");
            self.resolve(NodeType::Post, &t.post, &format!("{path}.post")).await?;
            for (k, a) in t.attested.iter().enumerate() {
                self.resolve(NodeType::Source, &a.source, &format!("{path}.attested[{k}].source")).await?;
            }
            let fields = fields::tenure(t, official_id, &|kind, key| self.known(kind, key))?;
            let wanted = kinds::Tenure::model(&fields);
            let open = |m: &&tenure::Model| m.post_id == wanted.post_id && !kept.contains(&m.id);
            let exact = stored.iter().filter(open).find(|m| m.started_on == wanted.started_on);
            // Adding to what is stored, a tenure of the same post where one side gives no start
            // is the same tenure, when it is the only one it can be.
            let unstarted = || {
                let mut candidates =
                    stored.iter().filter(open).filter(|m| wanted.started_on.is_none() || m.started_on.is_none());
                match (candidates.next(), candidates.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            };
            let existing = exact.or_else(|| (self.merge == Merge::AddAndUpdate).then(unstarted).flatten()).cloned();
            let desired = row::<kinds::Tenure>(&fields, existing.as_ref());
            let id = self.save(tenure::Column::Id, existing, desired).await?;
            kept.insert(id);
            self.write_citations(subject::TENURE, id, &t.sources, &path).await?;
            self.write_attestations(id, &fields.attestations).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<tenure::Entity>(tenure::Column::Id, subject::TENURE, gone).await
    }

    async fn write_directive(&mut self, d: &format::Directive) -> AppResult<()> {
        let path = format!("directives[key={}]", d.key);
        self.resolve_opt(NodeType::Organization, &d.issuer, &format!("{path}.issuer")).await?;
        let existing = self.stored_by_key(directive::Entity::find().filter(directive::Column::Key.eq(&d.key))).await?;
        let fields = fields::directive(d, &|kind, key| self.known(kind, key))?;
        let desired = row::<kinds::Directive>(&fields, existing.as_ref());
        let id = self.save_searchable::<kinds::Directive>(existing, desired, &fields).await?;
        self.remember(NodeType::Directive, &d.key, id);
        Ok(())
    }

    async fn write_directive_children(&mut self, i: usize, d: &format::Directive) -> AppResult<()> {
        let from_id = self.resolve(NodeType::Directive, &d.key, &format!("directives[{i}]")).await?;
        let select = directive_link::Entity::find().filter(directive_link::Column::FromDirectiveId.eq(from_id));
        let stored = self.stored_under(("directive", from_id), select).await?;
        let mut kept = HashSet::new();
        for (j, link) in d.links.iter().enumerate() {
            let to_id = self
                .resolve(NodeType::Directive, &link.directive, &format!("directives[{i}].links[{j}].directive"))
                .await?;
            let existing = stored.iter().find(|m| m.to_directive_id == to_id && m.relation == link.relation).cloned();
            let desired = directive_link::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                from_directive_id: from_id,
                to_directive_id: to_id,
                relation: link.relation.clone(),
            };
            let link_id = self.save(directive_link::Column::Id, existing, desired).await?;
            kept.insert(link_id);
            let path = format!("directives[{i}].links[{j}]");
            self.write_citations(subject::DIRECTIVE_LINK, link_id, &link.sources, &path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<directive_link::Entity>(directive_link::Column::Id, subject::DIRECTIVE_LINK, gone)
            .await?;
        self.write_citations(subject::DIRECTIVE, from_id, &d.sources, &format!("directives[{i}]")).await
    }

    async fn write_conference(&mut self, i: usize, c: &format::Conference) -> AppResult<()> {
        let path = format!("conferences[{i}]");
        self.resolve_opt(NodeType::Area, &c.area, &format!("{path}.area")).await?;
        let existing =
            self.stored_by_key(conference::Entity::find().filter(conference::Column::Key.eq(&c.key))).await?;
        let mut fields = fields::conference(c, &|kind, key| self.known(kind, key))?;
        // A format the file leaves out is not news that it is unknown.
        if let (None, Some(stored), Merge::AddAndUpdate) = (&c.format, &existing, self.merge) {
            fields.format = ConferenceFormat::parse(&stored.format).unwrap_or(fields.format);
        }
        let desired = row::<kinds::Conference>(&fields, existing.as_ref());
        let conference_id = self.save_searchable::<kinds::Conference>(existing, desired, &fields).await?;
        self.remember(NodeType::Conference, &c.key, conference_id);

        // Organizers.
        let select =
            conference_organizer::Entity::find().filter(conference_organizer::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, key) in c.organizers.iter().enumerate() {
            let organization_id = self.resolve(NodeType::Organization, key, &format!("{path}.organizers[{j}]")).await?;
            let existing = stored.iter().find(|m| m.organization_id == organization_id).cloned();
            let desired = conference_organizer::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                conference_id,
                organization_id,
            };
            kept.insert(self.save(conference_organizer::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<conference_organizer::Entity>(conference_organizer::Column::Id, "", gone).await?;

        // Bodies that took part.
        let select = conference_body::Entity::find().filter(conference_body::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, body) in c.bodies.iter().enumerate() {
            let at = format!("{path}.bodies[{j}].organization");
            let organization_id = self.resolve(NodeType::Organization, &body.organization, &at).await?;
            let existing = stored
                .iter()
                .find(|m| m.organization_id == organization_id && m.role == body.role && !kept.contains(&m.id))
                .cloned();
            let desired = conference_body::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                conference_id,
                organization_id,
                role: body.role.clone(),
            };
            kept.insert(self.save(conference_body::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<conference_body::Entity>(conference_body::Column::Id, "", gone).await?;

        // Participants.
        let select = participation::Entity::find().filter(participation::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, p) in c.participants.iter().enumerate() {
            let pp = format!("{path}.participants[{j}]");
            self.resolve(NodeType::Official, &p.official, &format!("{pp}.official")).await?;
            self.resolve_opt(NodeType::Organization, &p.organization, &format!("{pp}.organization")).await?;
            let fields = fields::participation(p, conference_id, &|kind, key| self.known(kind, key))?;
            let wanted = kinds::Participation::model(&fields);
            let existing =
                stored.iter().find(|m| m.official_id == wanted.official_id && m.role == wanted.role).cloned();
            let desired = row::<kinds::Participation>(&fields, existing.as_ref());
            let id = self.save(participation::Column::Id, existing, desired).await?;
            kept.insert(id);
            self.write_citations(subject::PARTICIPATION, id, &p.sources, &pp).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<participation::Entity>(participation::Column::Id, subject::PARTICIPATION, gone).await?;

        // Directives.
        let select =
            conference_directive::Entity::find().filter(conference_directive::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, link) in c.directives.iter().enumerate() {
            let directive_id = self
                .resolve(NodeType::Directive, &link.directive, &format!("{path}.directives[{j}].directive"))
                .await?;
            let existing =
                stored.iter().find(|m| m.directive_id == directive_id && m.relation == link.relation).cloned();
            let desired = conference_directive::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                conference_id,
                directive_id,
                relation: link.relation.clone(),
            };
            let link_id = self.save(conference_directive::Column::Id, existing, desired).await?;
            kept.insert(link_id);
            let link_path = format!("{path}.directives[{j}]");
            self.write_citations(subject::CONFERENCE_DIRECTIVE, link_id, &link.sources, &link_path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<conference_directive::Entity>(
            conference_directive::Column::Id,
            subject::CONFERENCE_DIRECTIVE,
            gone,
        )
        .await?;

        self.write_citations(subject::CONFERENCE, conference_id, &c.sources, &path).await
    }

    async fn actor(&mut self, actor: &format::Actor, path: &str) -> AppResult<(Option<i32>, Option<i32>)> {
        let organization =
            self.resolve_opt(NodeType::Organization, &actor.organization, &format!("{path}.organization")).await?;
        let official = self.resolve_opt(NodeType::Official, &actor.official, &format!("{path}.official")).await?;
        Ok((organization, official))
    }

    async fn write_task(&mut self, i: usize, t: &format::Task) -> AppResult<()> {
        let path = format!("tasks[{i}]");
        self.resolve_opt(NodeType::Conference, &t.conference, &format!("{path}.conference")).await?;
        self.resolve_opt(NodeType::Directive, &t.directive, &format!("{path}.directive")).await?;
        if let Some(by) = &t.assigned_by {
            self.actor(by, &format!("{path}.assignedBy")).await?;
        }
        let existing = self.stored_by_key(task::Entity::find().filter(task::Column::Key.eq(&t.key))).await?;
        let fields = fields::task(t, &|kind, key| self.known(kind, key))?;
        let desired = row::<kinds::Task>(&fields, existing.as_ref());
        let task_id = self.save_searchable::<kinds::Task>(existing, desired, &fields).await?;

        let select = task_assignee::Entity::find().filter(task_assignee::Column::TaskId.eq(task_id));
        let stored = self.stored_under(("task", task_id), select).await?;
        let mut kept = HashSet::new();
        for (j, a) in t.assignees.iter().enumerate() {
            let (organization_id, official_id) = self.actor(a, &format!("{path}.assignees[{j}]")).await?;
            let existing =
                stored.iter().find(|m| m.organization_id == organization_id && m.official_id == official_id).cloned();
            let desired = task_assignee::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                task_id,
                organization_id,
                official_id,
            };
            let assignment_id = self.save(task_assignee::Column::Id, existing, desired).await?;
            kept.insert(assignment_id);
            let assignment_path = format!("{path}.assignees[{j}]");
            self.write_citations(subject::TASK_ASSIGNMENT, assignment_id, &a.sources, &assignment_path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<task_assignee::Entity>(task_assignee::Column::Id, subject::TASK_ASSIGNMENT, gone)
            .await?;

        let select = task_update::Entity::find().filter(task_update::Column::TaskId.eq(task_id));
        let stored = self.stored_under(("task", task_id), select).await?;
        let mut kept = HashSet::new();
        for u in &t.updates {
            let day: NaiveDate = u.date.parse().map_err(|_| AppError::internal("unchecked update date"))?;
            let existing = stored.iter().find(|m| m.date == day && m.status == u.status).cloned();
            let desired = task_update::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                task_id,
                date: day,
                status: u.status.clone(),
                note: u.note.clone(),
                progress_percent: u.progress_percent,
            };
            kept.insert(self.save(task_update::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<task_update::Entity>(task_update::Column::Id, "", gone).await?;

        self.write_citations(subject::TASK, task_id, &t.sources, &path).await
    }

    async fn write_citations(
        &mut self,
        subject_type: &str,
        subject_id: i32,
        citations: &[Citation],
        path: &str,
    ) -> AppResult<()> {
        let subject_table = subject::table(subject_type).unwrap_or("");
        let select = citation::Entity::find()
            .filter(citation::Column::SubjectType.eq(subject_type))
            .filter(citation::Column::SubjectId.eq(subject_id));
        let stored = self.stored_under((subject_table, subject_id), select).await?;
        let mut kept = HashSet::new();
        for (k, c) in citations.iter().enumerate() {
            let source_id = self.resolve(NodeType::Source, c.source(), &format!("{path}.sources[{k}]")).await?;
            let (quote, locator) = match c {
                Citation::Key(_) => (None, None),
                Citation::Detailed(d) => (d.quote.clone(), d.locator.clone()),
            };
            let existing = stored.iter().find(|m| m.source_id == source_id).cloned();
            let desired = citation::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                source_id,
                subject_type: subject_type.to_owned(),
                subject_id,
                quote,
                locator,
            };
            kept.insert(self.save(citation::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<citation::Entity>(citation::Column::Id, "", gone).await
    }

    /// Makes the attestations recorded for a tenure those of the file.
    async fn write_attestations(&mut self, tenure_id: i32, attestations: &[AttestationFields]) -> AppResult<()> {
        let select = attestation::Entity::find().filter(attestation::Column::TenureId.eq(tenure_id));
        let stored = self.stored_under(("tenure", tenure_id), select).await?;
        let mut kept = HashSet::new();
        for a in attestations {
            let on = a.on.to_string();
            let existing = stored
                .iter()
                .find(|m| m.source_id == a.source && m.attested_on == on && !kept.contains(&m.id))
                .cloned();
            let desired = attestation::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                tenure_id,
                source_id: a.source,
                attested_on: on,
                title: a.title.as_ref().map(|t| t.trim().to_owned()),
                quote: a.quote.clone(),
            };
            kept.insert(self.save(attestation::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<attestation::Entity>(attestation::Column::Id, "", gone).await
    }

    /// Deletes children no longer listed, with the citations of facts that cite sources.
    async fn remove_children<E: EntityTrait>(
        &mut self,
        id_column: E::Column,
        subject_type: &str,
        ids: Vec<i32>,
    ) -> AppResult<()> {
        // Adding and updating never loses what the file does not mention.
        if ids.is_empty() || self.merge == Merge::AddAndUpdate {
            return Ok(());
        }
        self.pending.flush(self.txn).await?;
        let backend = self.txn.get_database_backend();
        for row in E::find().filter(crate::store::any_of(backend, id_column, ids.iter().copied())).all(self.txn).await?
        {
            self.report.note_removal(E::default().table_name(), &row);
        }
        let kind = self.author.and(NodeType::of_table(E::default().table_name()).filter(|t| is_editable(*t)));
        let mut removed = Vec::new();
        if let Some(kind) = kind {
            for id in &ids {
                removed.push((*id, snapshot(kind, self.txn, *id).await?));
            }
        }
        if !subject_type.is_empty() {
            crate::service::forget_citations(self.txn, subject_type, ids.clone()).await?;
        }
        let result = E::delete_many()
            .filter(crate::store::any_of(self.txn.get_database_backend(), id_column, ids))
            .exec(self.txn)
            .await?;
        self.report.count(E::default().table_name(), result.rows_affected as usize, |c| &mut c.removed);
        if let (Some(kind), Some(author)) = (kind, self.author) {
            for (id, before) in removed {
                log_change(self.txn, author, (kind.name(), id), ChangeAction::Delete, before, None).await?;
            }
        }
        Ok(())
    }

    /// Records every node written whose fields changed: created, or updated.
    async fn record_history(&mut self) -> AppResult<()> {
        let Some(author) = self.author else { return Ok(()) };
        for (kind, id, before) in std::mem::take(&mut self.tracked) {
            let after = snapshot(kind, self.txn, id).await?;
            if after == before {
                continue;
            }
            let action = if before.is_none() { ChangeAction::Create } else { ChangeAction::Update };
            log_change(self.txn, author, (kind.name(), id), action, before, after).await?;
        }
        Ok(())
    }
}

/// The tables of keyed records that hold no row.
async fn empty_tables(db: &impl ConnectionTrait) -> AppResult<HashSet<&'static str>> {
    async fn empty<E: EntityTrait>(db: &impl ConnectionTrait, found: &mut HashSet<&'static str>) -> AppResult<()> {
        if E::find().one(db).await?.is_none() {
            found.insert(E::default().table_name());
        }
        Ok(())
    }
    let mut found = HashSet::new();
    empty::<source::Entity>(db, &mut found).await?;
    empty::<area::Entity>(db, &mut found).await?;
    empty::<organization::Entity>(db, &mut found).await?;
    empty::<post::Entity>(db, &mut found).await?;
    empty::<official::Entity>(db, &mut found).await?;
    empty::<directive::Entity>(db, &mut found).await?;
    empty::<conference::Entity>(db, &mut found).await?;
    empty::<task::Entity>(db, &mut found).await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::import::parse_dataset;

    #[test]
    fn nesting_order_puts_parents_first() {
        let ds = parse_dataset(
            r#"{"areas": [{"key": "c", "name": "C", "kind": "COMMUNE", "parent": "d"},
                          {"key": "d", "name": "D", "kind": "DISTRICT", "parent": "p"},
                          {"key": "p", "name": "P", "kind": "PROVINCE"}]}"#,
        )
        .unwrap();
        let (order, cyclic) = Writer::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        assert_eq!(order, vec![2, 1, 0]);
        assert!(cyclic.is_empty());
    }

    #[test]
    fn cycles_are_found() {
        let ds = parse_dataset(
            r#"{"areas": [{"key": "a", "name": "A", "kind": "DISTRICT", "parent": "b"},
                          {"key": "b", "name": "B", "kind": "DISTRICT", "parent": "a"}]}"#,
        )
        .unwrap();
        let (order, cyclic) = Writer::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        assert_eq!(order.len(), 2);
        assert_eq!(cyclic, HashSet::from([0, 1]));
    }
}
