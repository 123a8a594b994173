//! The facts summary of a drafted report (`govtrail extract --format facts`): the stable JSON
//! that the extraction scorer reads (its contract is the extraction README shared with the
//! project), with each fact's words and character offsets under `evidence`.

use crate::domain::extract::{Draft, Meeting, Person, Span, Stated};
use crate::domain::vocabulary::ParticipationRole;
use serde_json::{Value, json};

fn quote(draft: &Draft, span: Span) -> Value {
    json!({
        "quote": draft.quote(span),
        "start": draft.char_offset(span.start),
        "end": draft.char_offset(span.end),
    })
}

fn quoted<T>(draft: &Draft, stated: &Stated<T>) -> Value {
    quote(draft, stated.span)
}

fn date_text(meeting: &Meeting) -> String {
    match meeting.date.year {
        Some(year) => format!("{year:04}-{:02}-{:02}", meeting.date.month, meeting.date.day),
        None => format!("--{:02}-{:02}", meeting.date.month, meeting.date.day),
    }
}

fn person(draft: &Draft, person: &Person, with_role: bool) -> (Value, Value) {
    let mut value = json!({
        "name": person.name.value,
        "titles": person.titles.iter().map(|t| t.value.clone()).collect::<Vec<_>>(),
    });
    if with_role {
        value["role"] = json!(person.role.as_str());
        if person.leads {
            value["leads"] = json!(true);
        }
    }
    let evidence = json!({
        "name": quoted(draft, &person.name),
        "role": quote(draft, person.role_span),
        "titles": person.titles.iter().map(|t| quoted(draft, t)).collect::<Vec<_>>(),
    });
    (value, evidence)
}

/// The facts of a draft, as the scorer reads them.
pub fn facts(draft: &Draft) -> Value {
    let conferences: Vec<Value> = draft
        .meetings
        .iter()
        .map(|m| {
            let chairs: Vec<(Value, Value)> = m
                .people
                .iter()
                .filter(|p| p.role == ParticipationRole::Chair)
                .map(|p| person(draft, p, false))
                .collect();
            let participants: Vec<(Value, Value)> = m
                .people
                .iter()
                .filter(|p| p.role != ParticipationRole::Chair)
                .map(|p| person(draft, p, true))
                .collect();
            json!({
                "date": date_text(m),
                "dateInferred": m.date.inferred,
                "partOfDay": m.part_of_day.map(|p| p.as_str()),
                "startsAt": m.starts_at.as_ref().map(|s| format!("{:02}:{:02}", s.value.0, s.value.1)),
                "kind": m.kind.as_ref().map(|k| k.value.clone()),
                "format": m.format.as_ref().map(|f| f.value.as_str()),
                "title": m.title.as_ref().map(|t| t.value.clone()),
                "area": m.area,
                "organizers": m.organizers.iter().map(|o| o.value.clone()).collect::<Vec<_>>(),
                "chairs": chairs.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
                "participants": participants.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
                "directives": m.documents.iter().map(|d| json!({
                    "code": d.code,
                    "kind": d.kind.as_str(),
                    "number": d.number,
                    "issuer": d.issuer,
                    "issuedOn": d.issued_on.map(|d| d.to_string()),
                    "title": d.title,
                    "relation": d.relation.map(|r| r.as_str()),
                })).collect::<Vec<_>>(),
                "tasks": m.tasks.iter().map(|t| json!({
                    "assignees": t.assignees.iter().map(|a| a.value.clone()).collect::<Vec<_>>(),
                    "title": t.title,
                    "dueOn": t.due_on.map(|d| d.to_string()),
                    "dueText": t.due_text.as_ref().map(|d| d.value.clone()),
                })).collect::<Vec<_>>(),
                "evidence": {
                    "meeting": quote(draft, m.span),
                    "date": quote(draft, m.date.span),
                    "dateNote": m.date.note(),
                    "format": m.format.as_ref().map(|f| quoted(draft, f)),
                    "title": m.title.as_ref().map(|t| quoted(draft, t)),
                    "organizers": m.organizers.iter().map(|o| quoted(draft, o)).collect::<Vec<_>>(),
                    "chairs": chairs.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
                    "participants": participants.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
                    "directives": m.documents.iter().map(|d| quote(draft, d.span)).collect::<Vec<_>>(),
                    "tasks": m.tasks.iter().map(|t| json!({
                        "words": quote(draft, t.span),
                        "due": t.due_text.as_ref().map(|d| quoted(draft, d)),
                    })).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({ "conferences": conferences })
}
