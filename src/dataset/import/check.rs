//! Checking a dataset file: everything that can be judged from the file alone (its keys,
//! vocabularies and dates, and each record through its kind's rules), all problems at once.

use crate::dataset::fields;
use crate::dataset::format::{self, Citation, Dataset};
use crate::domain::code;
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use crate::service::kinds;
use crate::service::record::{Editable, Refusals, nested};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};
use std::fmt;

struct Checker {
    problems: Vec<String>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: impl fmt::Display) {
        self.problems.push(format!("{path}: {message}"));
    }

    fn non_empty(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(path, "must not be empty");
        }
    }

    fn vocabulary<T>(&mut self, path: &str, value: &str, parse: fn(&str) -> Option<T>, names: fn() -> String) {
        if parse(value).is_none() {
            self.fail(path, format!("\"{value}\" is not one of {}", names()));
        }
    }

    fn partial_date(&mut self, path: &str, value: Option<&String>) -> Option<PartialDate> {
        let value = value?;
        match value.parse::<PartialDate>() {
            Ok(date) => Some(date),
            Err(err) => {
                self.fail(path, err.0);
                None
            }
        }
    }

    fn date(&mut self, path: &str, value: Option<&String>) {
        if let Some(value) = value {
            if value.parse::<NaiveDate>().is_err() || value.len() != 10 {
                self.fail(path, format!("\"{value}\" is not a date of the form YYYY-MM-DD"));
            }
        }
    }

    fn instant(&mut self, path: &str, value: Option<&String>) -> Option<DateTime<Utc>> {
        let value = value?;
        match DateTime::parse_from_rfc3339(value) {
            Ok(instant) => Some(instant.with_timezone(&Utc)),
            Err(_) => {
                self.fail(path, format!("\"{value}\" is not an RFC 3339 instant with an offset"));
                None
            }
        }
    }

    fn keys<'a>(&mut self, section: &str, keys: impl Iterator<Item = &'a String>) {
        let mut seen = HashSet::new();
        for (i, key) in keys.enumerate() {
            let path = format!("{section}[{i}].key");
            self.non_empty(&path, key);
            if !seen.insert(key) {
                self.fail(&path, format!("the key \"{key}\" appears twice in {section}"));
            }
        }
    }

    fn actor(&mut self, path: &str, actor: &format::Actor) {
        if actor.organization.is_some() == actor.official.is_some() {
            self.fail(path, "name exactly one of organization or official");
        }
    }

    fn citations(&mut self, path: &str, citations: &[Citation]) {
        for (i, citation) in citations.iter().enumerate() {
            self.non_empty(&format!("{path}.sources[{i}]"), citation.source());
        }
    }
}

pub(super) fn check(ds: &Dataset) -> Vec<String> {
    let mut c = Checker { problems: Vec::new() };
    c.keys("sources", ds.sources.iter().map(|r| &r.key));
    c.keys("areas", ds.areas.iter().map(|r| &r.key));
    c.keys("organizations", ds.organizations.iter().map(|r| &r.key));
    c.keys("posts", ds.posts.iter().map(|r| &r.key));
    c.keys("officials", ds.officials.iter().map(|r| &r.key));
    c.keys("directives", ds.directives.iter().map(|r| &r.key));
    c.keys("conferences", ds.conferences.iter().map(|r| &r.key));
    c.keys("tasks", ds.tasks.iter().map(|r| &r.key));
    for (i, s) in ds.sources.iter().enumerate() {
        let p = format!("sources[{i}]");
        c.instant(&format!("{p}.publishedAt"), s.published_at.as_ref());
        c.date(&format!("{p}.publishedOn"), s.published_on.as_ref());
    }
    for (i, a) in ds.areas.iter().enumerate() {
        let p = format!("areas[{i}]");
        c.vocabulary(&format!("{p}.kind"), &a.kind, AreaKind::parse, AreaKind::names);
        c.partial_date(&format!("{p}.startedOn"), a.started_on.as_ref());
        c.partial_date(&format!("{p}.endedOn"), a.ended_on.as_ref());
    }
    for (i, o) in ds.organizations.iter().enumerate() {
        let p = format!("organizations[{i}]");
        c.vocabulary(&format!("{p}.kind"), &o.kind, OrganizationKind::parse, OrganizationKind::names);
        c.partial_date(&format!("{p}.startedOn"), o.started_on.as_ref());
        c.partial_date(&format!("{p}.endedOn"), o.ended_on.as_ref());
        if let Some(ended_as) = &o.ended_as {
            c.vocabulary(&format!("{p}.endedAs"), ended_as, OrganizationEnd::parse, OrganizationEnd::names);
        }
    }
    for (i, o) in ds.officials.iter().enumerate() {
        for (j, t) in o.tenures.iter().enumerate() {
            let tp = format!("officials[{i}].tenures[{j}]");
            c.partial_date(&format!("{tp}.startedOn"), t.started_on.as_ref());
            c.partial_date(&format!("{tp}.endedOn"), t.ended_on.as_ref());
            c.citations(&tp, &t.sources);
            for (k, a) in t.attested.iter().enumerate() {
                let ap = format!("{tp}.attested[{k}]");
                c.non_empty(&format!("{ap}.source"), &a.source);
                c.partial_date(&format!("{ap}.on"), Some(&a.on));
            }
        }
    }
    for (i, d) in ds.directives.iter().enumerate() {
        let p = format!("directives[{i}]");
        match &d.kind {
            Some(kind) => c.vocabulary(&format!("{p}.kind"), kind, DirectiveKind::parse, DirectiveKind::names),
            None if d.code.as_deref().and_then(code::parse).and_then(|c| c.kind()).is_none() => {
                c.fail(&format!("{p}.kind"), "is needed where the code does not tell the kind")
            }
            None => {}
        }
        if let Some(status) = &d.status {
            c.vocabulary(&format!("{p}.status"), status, DirectiveStatus::parse, DirectiveStatus::names);
        }
        c.partial_date(&format!("{p}.issuedOn"), d.issued_on.as_ref());
        c.partial_date(&format!("{p}.periodStart"), d.period_start.as_ref());
        c.partial_date(&format!("{p}.periodEnd"), d.period_end.as_ref());
        for (j, link) in d.links.iter().enumerate() {
            let lp = format!("{p}.links[{j}]");
            c.vocabulary(&format!("{lp}.relation"), &link.relation, DirectiveRelation::parse, DirectiveRelation::names);
            c.citations(&lp, &link.sources);
        }
        c.citations(&p, &d.sources);
    }
    for (i, conf) in ds.conferences.iter().enumerate() {
        let p = format!("conferences[{i}]");
        c.vocabulary(&format!("{p}.kind"), &conf.kind, ConferenceKind::parse, ConferenceKind::names);
        for (j, body) in conf.bodies.iter().enumerate() {
            c.non_empty(&format!("{p}.bodies[{j}].organization"), &body.organization);
            c.vocabulary(
                &format!("{p}.bodies[{j}].role"),
                &body.role,
                ParticipationRole::parse,
                ParticipationRole::names,
            );
        }
        if let Some(format) = &conf.format {
            c.vocabulary(&format!("{p}.format"), format, ConferenceFormat::parse, ConferenceFormat::names);
        }
        c.partial_date(&format!("{p}.date"), Some(&conf.date));
        if let Some(part) = &conf.part_of_day {
            c.vocabulary(&format!("{p}.partOfDay"), part, PartOfDay::parse, PartOfDay::names);
        }
        c.instant(&format!("{p}.startsAt"), conf.starts_at.as_ref());
        c.instant(&format!("{p}.endsAt"), conf.ends_at.as_ref());
        let mut seen = HashSet::new();
        for (j, part) in conf.participants.iter().enumerate() {
            let pp = format!("{p}.participants[{j}]");
            c.vocabulary(&format!("{pp}.role"), &part.role, ParticipationRole::parse, ParticipationRole::names);
            if !seen.insert((&part.official, &part.role)) {
                c.fail(&pp, format!("{} is listed twice as {}", part.official, part.role));
            }
            c.citations(&pp, &part.sources);
        }
        for (j, link) in conf.directives.iter().enumerate() {
            let lp = format!("{p}.directives[{j}]");
            let relation = format!("{lp}.relation");
            c.vocabulary(
                &relation,
                &link.relation,
                ConferenceDirectiveRelation::parse,
                ConferenceDirectiveRelation::names,
            );
            c.citations(&lp, &link.sources);
        }
        c.citations(&p, &conf.sources);
    }
    for (i, t) in ds.tasks.iter().enumerate() {
        let p = format!("tasks[{i}]");
        if let Some(status) = &t.status {
            c.vocabulary(&format!("{p}.status"), status, TaskStatus::parse, TaskStatus::names);
        }
        c.date(&format!("{p}.dueOn"), t.due_on.as_ref());
        if let Some(by) = &t.assigned_by {
            c.actor(&format!("{p}.assignedBy"), by);
        }
        for (j, a) in t.assignees.iter().enumerate() {
            c.citations(&format!("{p}.assignees[{j}]"), &a.sources);
        }
        for (j, u) in t.updates.iter().enumerate() {
            let up = format!("{p}.updates[{j}]");
            c.date(&format!("{up}.date"), Some(&u.date));
            c.vocabulary(&format!("{up}.status"), &u.status, TaskStatus::parse, TaskStatus::names);
            if u.progress_percent.is_some_and(|p| !(0..=100).contains(&p)) {
                c.fail(&format!("{up}.progressPercent"), "must be from 0 to 100");
            }
        }
        c.citations(&p, &t.sources);
    }
    rules(&mut c, ds);
    c.problems.into_iter().map(|problem| with_key(ds, problem)).collect()
}

/// A problem of a record, with the record's key after its place ("officials[3].name: ... (the
/// official \"nguyen-van-a\")"), so that a person finds it in the file by either.
fn with_key(ds: &Dataset, problem: String) -> String {
    let Some((section, rest)) = problem.split_once('[') else { return problem };
    let Some(index) = rest.split_once(']').and_then(|(i, _)| i.parse::<usize>().ok()) else { return problem };
    let key = match section {
        "sources" => ds.sources.get(index).map(|r| (&r.key, "source")),
        "areas" => ds.areas.get(index).map(|r| (&r.key, "area")),
        "organizations" => ds.organizations.get(index).map(|r| (&r.key, "organization")),
        "posts" => ds.posts.get(index).map(|r| (&r.key, "post")),
        "officials" => ds.officials.get(index).map(|r| (&r.key, "official")),
        "directives" => ds.directives.get(index).map(|r| (&r.key, "directive")),
        "conferences" => ds.conferences.get(index).map(|r| (&r.key, "conference")),
        "tasks" => ds.tasks.get(index).map(|r| (&r.key, "task")),
        _ => None,
    };
    match key {
        Some((key, kind)) if !key.trim().is_empty() => format!("{problem} (the {kind} \"{key}\")"),
        _ => problem,
    }
}

/// Judges every record of a file whose values all read by the rules of its kind, as a mutation
/// would judge it: each key stands for a row id of its own (the references are resolved when
/// the file is written).
fn rules(c: &mut Checker, ds: &Dataset) {
    let stand_ins: std::cell::RefCell<HashMap<(NodeType, String), i32>> = Default::default();
    let ids = |kind: NodeType, key: &str| {
        let mut known = stand_ins.borrow_mut();
        let next = known.len() as i32 + 1;
        *known.entry((kind, key.to_owned())).or_insert(next)
    };
    // A record whose kind or date does not read is not judged: that is reported already.
    let mut judge = |path: String, judged: AppResult<Refusals>| {
        for err in judged.map(Refusals::all).unwrap_or_default() {
            c.problems.push(in_file(err, &path).message());
        }
    };
    for (i, s) in ds.sources.iter().enumerate() {
        judge(format!("sources[{i}]"), judged::<kinds::Source>(fields::source(s), None));
    }
    for (i, a) in ds.areas.iter().enumerate() {
        let successor = a.successor.as_deref().map(|key| ids(NodeType::Area, key));
        let own = Some(ids(NodeType::Area, &a.key));
        judge(format!("areas[{i}]"), judged::<kinds::Area>(fields::area(a, &ids, successor), own));
    }
    for (i, o) in ds.organizations.iter().enumerate() {
        let own = Some(ids(NodeType::Organization, &o.key));
        let successor = o.successor.as_deref().map(|key| ids(NodeType::Organization, key));
        let judged = judged::<kinds::Organization>(fields::organization(o, &ids, successor), own);
        judge(format!("organizations[{i}]"), judged);
    }
    for (i, p) in ds.posts.iter().enumerate() {
        judge(format!("posts[{i}]"), judged::<kinds::Post>(Ok(fields::post(p, &ids)), None));
    }
    for (i, o) in ds.officials.iter().enumerate() {
        judge(format!("officials[{i}]"), judged::<kinds::Official>(Ok(fields::official(o)), None));
        let official = ids(NodeType::Official, &o.key);
        for (j, t) in o.tenures.iter().enumerate() {
            let judged = judged::<kinds::Tenure>(fields::tenure(t, official, &ids), None);
            judge(format!("officials[{i}].tenures[{j}]"), judged);
        }
    }
    for (i, d) in ds.directives.iter().enumerate() {
        let own = Some(ids(NodeType::Directive, &d.key));
        judge(format!("directives[{i}]"), judged::<kinds::Directive>(fields::directive(d, &ids), own));
    }
    for (i, conf) in ds.conferences.iter().enumerate() {
        judge(format!("conferences[{i}]"), judged::<kinds::Conference>(fields::conference(conf, &ids), None));
        let conference = ids(NodeType::Conference, &conf.key);
        for (j, p) in conf.participants.iter().enumerate() {
            let judged = judged::<kinds::Participation>(fields::participation(p, conference, &ids), None);
            judge(format!("conferences[{i}].participants[{j}]"), judged);
        }
    }
    for (i, t) in ds.tasks.iter().enumerate() {
        judge(format!("tasks[{i}]"), judged::<kinds::Task>(fields::task(t, &ids), None));
    }
}

/// What the rules of `K` refuse in the fields of a record, if they read.
fn judged<K: Editable>(fields: AppResult<K::Fields>, id: Option<i32>) -> AppResult<Refusals> {
    let mut refusals = Refusals::default();
    K::rules(&fields?, id, &mut refusals);
    Ok(refusals)
}

/// A refusal of the rules, placed in the file: "input.title" of the third task becomes
/// "tasks[2].title", and the citations a mutation calls `citations` are a record's `sources`.
fn in_file(err: AppError, path: &str) -> AppError {
    match nested(err, path) {
        AppError::BadUserInput { message, field } => AppError::BadUserInput {
            message: message.replacen(".citations[", ".sources[", 1).replacen(".attestations[", ".attested[", 1),
            field: field.map(|f| f.replacen(".citations[", ".sources[", 1).replacen(".attestations[", ".attested[", 1)),
        },
        other => other,
    }
}
