//! How sure membership answers are: attestations from citations, participations and records,
//! the four certainties on every membership field, periods, the end of a body, contrary
//! evidence on a single seat.

use crate::helpers::*;
use serde_json::{Value, json};

/// A province where one deputy is attested by a report of 2021 (citing his tenure) and named
/// with the post's title at a conference of 2024; a secretary with stated bounds; a chair of a
/// single-seat post whose two attestations are split by another holder's; a body that ended.
fn province() -> Value {
    json!({
        "sources": [
            { "key": "report-2021", "title": "Hội nghị sơ kết công tác dân vận năm 2021", "publishedOn": "2021-07-13" },
            { "key": "report-2024", "title": "Hội nghị triển khai nhiệm vụ năm 2024", "publishedOn": "2024-03-06" },
            { "key": "report-2022", "title": "Tiếp xúc cử tri cuối năm 2022", "publishedOn": "2022-05-01" }
        ],
        "organizations": [
            { "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" },
            { "key": "ubnd", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "PEOPLES_COMMITTEE" },
            { "key": "cu", "name": "Tỉnh ủy Cũ", "kind": "PARTY_COMMITTEE", "endedOn": "2025-06-30" }
        ],
        "posts": [
            { "key": "pbt", "title": "Phó Bí thư Tỉnh ủy", "organization": "tu" },
            { "key": "bt", "title": "Bí thư Tỉnh ủy", "organization": "tu", "seats": 1 },
            { "key": "ct", "title": "Chủ tịch UBND tỉnh", "organization": "ubnd", "seats": 1 },
            { "key": "bt-cu", "title": "Bí thư Tỉnh ủy Cũ", "organization": "cu" }
        ],
        "officials": [
            { "key": "deputy", "name": "Trần Văn Phó", "tenures": [{ "post": "pbt", "sources": ["report-2021"] }] },
            { "key": "secretary", "name": "Lê Văn Bí", "tenures": [
                { "post": "bt", "startedOn": "2020-10-15", "endedOn": "2025-06-30" }
            ] },
            { "key": "chair", "name": "Hoàng Văn Chủ", "tenures": [{ "post": "ct", "attested": [
                { "source": "report-2021", "on": "2020-01-10", "title": "Chủ tịch UBND tỉnh" },
                { "source": "report-2024", "on": "2024-01-10" }
            ] }] },
            { "key": "other", "name": "Đỗ Văn Khác", "tenures": [{ "post": "ct", "attested": [
                { "source": "report-2022", "on": "2022-05-01", "quote": "đồng chí Đỗ Văn Khác, Chủ tịch UBND tỉnh" }
            ] }] },
            { "key": "old", "name": "Vũ Văn Cũ", "tenures": [{ "post": "bt-cu", "sources": ["report-2021"] }] }
        ],
        "conferences": [{
            "key": "hn-2024", "title": "Hội nghị triển khai nhiệm vụ năm 2024", "kind": "CONFERENCE",
            "format": "IN_PERSON", "date": "2024-03-05", "organizers": ["tu"], "sources": ["report-2024"],
            "participants": [
                { "official": "deputy", "role": "CHAIR", "capacity": "Ủy viên BCH Đảng bộ tỉnh, Phó Bí thư Tỉnh uỷ" },
                { "official": "old", "role": "ATTENDEE", "capacity": "Bí thư Tỉnh ủy Cũ" }
            ]
        }]
    })
}

const TENURES: &str = "query($id: ID!, $d: Date, $p: DateRange, $min: Certainty) { node(id: $id) { ... on Official {
    tenures(asOf: $d, during: $p, minCertainty: $min) {
        post { key } certainty evidence { on origin title sources { key } conference { key } } } } } }";

/// The certainty of each of an official's tenures answering a question, by post key.
async fn certainties(app: &TestApp, official: &str, variables: Value) -> Vec<(String, String)> {
    let id = id_of(app, "officials", official).await;
    let mut variables = variables;
    variables["id"] = json!(id);
    let data = app.data(TENURES, variables).await;
    data["node"]["tenures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["post"]["key"].as_str().unwrap().to_owned(), t["certainty"].as_str().unwrap().to_owned()))
        .collect()
}

fn one(post: &str, certainty: &str) -> Vec<(String, String)> {
    vec![(post.to_owned(), certainty.to_owned())]
}

#[tokio::test]
async fn one_official_attested_years_apart_is_inferred_between_and_only_possible_beyond() {
    let app = spawn_with(province()).await;
    let on = |d: &str| json!({ "d": d });
    let possible = |d: &str| json!({ "d": d, "min": "POSSIBLE" });
    assert_eq!(certainties(&app, "Trần Văn Phó", on("2021-07-13")).await, one("pbt", "ATTESTED"), "the report's day");
    assert_eq!(certainties(&app, "Trần Văn Phó", on("2024-03-05")).await, one("pbt", "ATTESTED"), "the conference");
    assert_eq!(certainties(&app, "Trần Văn Phó", on("2022-12-01")).await, one("pbt", "INFERRED"), "between the two");
    assert!(certainties(&app, "Trần Văn Phó", on("2025-06-01")).await.is_empty(), "after: not by default");
    assert!(certainties(&app, "Trần Văn Phó", on("2019-01-01")).await.is_empty(), "before: not by default");
    assert_eq!(certainties(&app, "Trần Văn Phó", possible("2025-06-01")).await, one("pbt", "POSSIBLE"));
    assert_eq!(certainties(&app, "Trần Văn Phó", possible("2019-01-01")).await, one("pbt", "POSSIBLE"));
    let attested_only = json!({ "d": "2022-12-01", "min": "ATTESTED" });
    assert!(certainties(&app, "Trần Văn Phó", attested_only).await.is_empty(), "minCertainty is a floor");

    let id = id_of(&app, "officials", "Trần Văn Phó").await;
    let data = app.data(TENURES, json!({ "id": id, "d": "2022-12-01" })).await;
    let evidence = &data["node"]["tenures"][0]["evidence"];
    assert_eq!(
        evidence,
        &json!([
            { "on": "2021-07-13", "origin": "CITATION", "title": null, "sources": [{ "key": "report-2021" }], "conference": null },
            { "on": "2024-03-05", "origin": "PARTICIPATION", "title": "Ủy viên BCH Đảng bộ tỉnh, Phó Bí thư Tỉnh uỷ",
              "sources": [{ "key": "report-2024" }], "conference": { "key": "hn-2024" } }
        ]),
        "the attestations either side of the day, with their sources"
    );
}

#[tokio::test]
async fn stated_bounds_are_stated_and_periods_take_their_best_day() {
    let app = spawn_with(province()).await;
    assert_eq!(certainties(&app, "Lê Văn Bí", json!({ "d": "2023-01-01" })).await, one("bt", "STATED"));
    assert!(certainties(&app, "Lê Văn Bí", json!({ "d": "2025-07-01", "min": "POSSIBLE" })).await.is_empty());
    let year = |y: i32| json!({ "p": { "from": format!("{y}-01-01"), "to": format!("{y}-12-31") } });
    assert_eq!(certainties(&app, "Trần Văn Phó", year(2024)).await, one("pbt", "ATTESTED"));
    assert_eq!(certainties(&app, "Trần Văn Phó", year(2023)).await, one("pbt", "INFERRED"));
    assert!(certainties(&app, "Trần Văn Phó", year(2025)).await.is_empty());
    assert_eq!(certainties(&app, "Lê Văn Bí", year(2020)).await, one("bt", "STATED"), "from its first day");
}

#[tokio::test]
async fn another_holder_of_a_single_seat_between_two_attestations_breaks_the_inference() {
    let app = spawn_with(province()).await;
    assert_eq!(
        certainties(&app, "Hoàng Văn Chủ", json!({ "d": "2021-06-01", "min": "POSSIBLE" })).await,
        one("ct", "POSSIBLE")
    );
    assert_eq!(certainties(&app, "Hoàng Văn Chủ", json!({ "d": "2020-01-10" })).await, one("ct", "ATTESTED"));
    assert_eq!(certainties(&app, "Đỗ Văn Khác", json!({ "d": "2022-05-01" })).await, one("ct", "ATTESTED"));
}

#[tokio::test]
async fn every_membership_field_answers_by_the_same_rule() {
    let app = spawn_with(province()).await;
    let query = "query($d: Date!, $min: Certainty) {
        organizations(first: 10) { edges { node { key
            officials(asOf: $d, minCertainty: $min) { key }
            holdings(asOf: $d, minCertainty: $min) { official { key } certainty }
            posts { key holders(asOf: $d, minCertainty: $min) { official { key } certainty } } } } }
        officials(first: 10) { edges { node { key
            tenures(asOf: $d, minCertainty: $min) { post { key } certainty isHeldOn(date: $d, minCertainty: $min) }
            participations { conference { key } postsHeld(minCertainty: $min) { post { key } certainty } } } } } }";
    for (day, min) in
        [("2022-12-01", "INFERRED"), ("2025-07-01", "POSSIBLE"), ("2024-03-05", "ATTESTED"), ("2019-01-01", "POSSIBLE")]
    {
        let data = app.data(query, json!({ "d": day, "min": min })).await;
        // (official, post, certainty) as each field answers it.
        let mut by_official = Vec::new();
        for o in nodes(&data["officials"]) {
            for t in o["tenures"].as_array().unwrap() {
                assert_eq!(t["isHeldOn"], true, "{day}: isHeldOn agrees with tenures(asOf:)");
                by_official.push((o["key"].clone(), t["post"]["key"].clone(), t["certainty"].clone()));
            }
        }
        let mut by_post = Vec::new();
        let mut by_body = Vec::new();
        let mut members = Vec::new();
        for org in nodes(&data["organizations"]) {
            for p in org["posts"].as_array().unwrap() {
                for h in p["holders"].as_array().unwrap() {
                    by_post.push((h["official"]["key"].clone(), p["key"].clone(), h["certainty"].clone()));
                }
            }
            for h in org["holdings"].as_array().unwrap() {
                by_body.push((h["official"]["key"].clone(), h["certainty"].clone()));
            }
            members.extend(org["officials"].as_array().unwrap().iter().map(|o| o["key"].clone()));
        }
        by_official.sort_by_key(|t| t.0.to_string());
        by_post.sort_by_key(|t| t.0.to_string());
        assert_eq!(by_official, by_post, "{day}: Official.tenures and Post.holders");
        let mut pairs: Vec<_> = by_official.iter().map(|t| (t.0.clone(), t.2.clone())).collect();
        pairs.sort_by_key(|p| p.0.to_string());
        by_body.sort_by_key(|p| p.0.to_string());
        assert_eq!(pairs, by_body, "{day}: Official.tenures and Organization.holdings");
        members.sort_by_key(|m| m.to_string());
        members.dedup();
        let mut holders: Vec<_> = pairs.iter().map(|p| p.0.clone()).collect();
        holders.dedup();
        assert_eq!(members, holders, "{day}: Organization.officials");
    }
    // After the old body ended, nothing of it is held, however open the tenure's own bounds.
    let data = app.data(query, json!({ "d": "2025-07-01", "min": "POSSIBLE" })).await;
    let old = nodes(&data["officials"]).into_iter().find(|o| o["key"] == "old").unwrap();
    assert_eq!(old["tenures"], json!([]));
    // A participant's posts held on the conference's day: attested by that very participation.
    let deputy = nodes(&data["officials"]).into_iter().find(|o| o["key"] == "deputy").unwrap();
    assert_eq!(
        deputy["participations"][0]["postsHeld"],
        json!([{ "post": { "key": "pbt" }, "certainty": "ATTESTED" }])
    );
}

#[tokio::test]
async fn a_tenure_lists_its_attestations_and_answers_certainty_for_any_day() {
    let app = spawn_with(province()).await;
    let id = id_of(&app, "officials", "Hoàng Văn Chủ").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures { certainty firstAttestedOn lastAttestedOn
                attestations { on origin title quote sources { key } }
                day: certainty(asOf: \"2020-01-10\") year: certainty(during: { from: \"2024-01-01\", to: \"2024-12-31\" })
                unknown: certainty(asOf: \"2030-01-01\") } } } }",
            json!({ "id": id }),
        )
        .await;
    let tenure = &data["node"]["tenures"][0];
    assert_eq!(tenure["certainty"], Value::Null, "listed without a question");
    assert_eq!(tenure["firstAttestedOn"], "2020-01-10");
    assert_eq!(tenure["lastAttestedOn"], "2024-01-10");
    assert_eq!(tenure["attestations"][0]["origin"], "RECORDED");
    assert_eq!(tenure["attestations"][0]["title"], "Chủ tịch UBND tỉnh");
    assert_eq!(tenure["attestations"][1]["sources"], json!([{ "key": "report-2024" }]));
    assert_eq!(tenure["day"], "ATTESTED");
    assert_eq!(tenure["year"], "ATTESTED");
    assert_eq!(tenure["unknown"], "POSSIBLE");
}

#[tokio::test]
async fn attestations_are_recorded_through_the_api_and_survive_an_export() {
    let app = spawn_with(province()).await;
    let token = app.token("editor", govtrail::auth::Role::Editor).await;
    let id = id_of(&app, "officials", "Lê Văn Bí").await;
    let found = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures { id version } } } }
             ",
            json!({ "id": id }),
        )
        .await;
    let tenure = &found["node"]["tenures"][0];
    let source = app.data("{ sources(first: 1) { edges { node { id } } } }", json!({})).await;
    let source = nodes(&source["sources"])[0]["id"].clone();
    let update = "mutation($id: ID!, $v: Int!, $a: [AttestationInput!]) {
        updateTenure(id: $id, expectedVersion: $v, input: { attestations: $a }) { version attestations { on origin title } } }";
    let answer = app
        .query_as(
            &token,
            update,
            json!({ "id": tenure["id"], "v": tenure["version"], "a": [{ "source": source, "on": "2021-07-13", "title": "Bí thư Tỉnh ủy" }] }),
        )
        .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    assert_eq!(
        answer["data"]["updateTenure"]["attestations"],
        json!([{ "on": "2021-07-13", "origin": "RECORDED", "title": "Bí thư Tỉnh ủy" }])
    );

    // An attestation the tenure's stated bounds rule out is refused, and nothing changes.
    let v = answer["data"]["updateTenure"]["version"].clone();
    let refused = app
        .query_as(
            &token,
            update,
            json!({ "id": tenure["id"], "v": v, "a": [{ "source": source, "on": "2026-01-01" }] }),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("attestations[0].on"), "{refused}");

    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    let exported = govtrail::dataset::export_dataset(&db).await.map_err(|e| e.message()).unwrap();
    let secretary = exported.officials.iter().find(|o| o.key == "secretary").unwrap();
    let attested = &secretary.tenures[0].attested;
    assert_eq!((attested.len(), attested[0].on.as_str()), (1, "2021-07-13"), "the export keeps recorded attestations");
}

#[tokio::test]
async fn a_question_is_one_day_or_one_period() {
    let app = spawn_with(province()).await;
    let id = id_of(&app, "officials", "Lê Văn Bí").await;
    let both = json!({ "id": id, "d": "2021-01-01", "p": { "from": "2021-01-01", "to": "2021-12-31" } });
    assert_eq!(app.error_code(TENURES, both).await, "BAD_USER_INPUT");
    let backwards = json!({ "id": id, "p": { "from": "2022-01-01", "to": "2021-12-31" } });
    assert_eq!(app.error_code(TENURES, backwards).await, "BAD_USER_INPUT");
}

#[tokio::test]
async fn data_issues_flag_thin_or_contradictory_evidence() {
    let app = spawn_with(json!({
        "sources": [{ "key": "r", "title": "Báo cáo", "publishedOn": "2023-05-02" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" }],
        "posts": [{ "key": "pbt", "title": "Phó Bí thư Tỉnh ủy", "organization": "tu" }],
        "officials": [
            { "key": "a", "name": "Trần Văn A", "tenures": [{ "post": "pbt", "sources": ["r"] }] },
            { "key": "a-2", "name": "Trần Văn A" },
            { "key": "b", "name": "Lê Văn B" }
        ],
        "conferences": [
            { "key": "c1", "title": "Hội nghị 1", "kind": "CONFERENCE", "date": "2023-05-02", "dateInferred": true,
              "participants": [{ "official": "b", "role": "CHAIR", "capacity": "Phó Bí thư Tỉnh ủy" }] },
            { "key": "c2", "title": "Hội nghị 2", "kind": "CONFERENCE", "date": "2023-05-02", "dateInferred": true, "dateNote": "năm theo ngày đăng",
              "participants": [{ "official": "b", "role": "SPEAKER", "capacity": "Bí thư Tỉnh ủy" },
                               { "official": "a", "role": "ATTENDEE", "capacity": "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh" }] },
            { "key": "c3", "title": "Hội nghị 3", "kind": "CONFERENCE", "date": "2023-05-02",
              "participants": [{ "official": "a", "role": "ATTENDEE", "capacity": "Phó Bí thư Tỉnh ủy" }] }
        ]
    }))
    .await;
    let data = app
        .data("{ dataIssues(kinds: [TENURE_ATTESTED_ONCE, CONTRADICTORY_TITLES, POSSIBLE_DUPLICATE_OFFICIAL, INFERRED_DATE_WITHOUT_NOTE], first: 50) {
            totalCount edges { node { kind message nodes { __typename ... on Official { key } ... on Conference { key } ... on Tenure { official { key } } } } } } }", json!({}))
        .await;
    let issues = nodes(&data["dataIssues"]);
    let of = |kind: &str| issues.iter().filter(|i| i["kind"] == kind).cloned().collect::<Vec<_>>();
    let once = of("TENURE_ATTESTED_ONCE");
    assert_eq!(once.len(), 1, "{issues:?}");
    assert_eq!(once[0]["nodes"][0]["official"]["key"], "a", "cited once and named on the same day: one day");
    let clash = of("CONTRADICTORY_TITLES");
    assert_eq!(clash.len(), 1, "B is Phó Bí thư and Bí thư on one day; A's two printings agree: {issues:?}");
    assert_eq!(clash[0]["nodes"][0]["key"], "b");
    let same = of("POSSIBLE_DUPLICATE_OFFICIAL");
    assert_eq!(same.len(), 1);
    assert_eq!(same[0]["nodes"].as_array().unwrap().len(), 2);
    let inferred = of("INFERRED_DATE_WITHOUT_NOTE");
    assert_eq!(inferred.len(), 1);
    assert_eq!(inferred[0]["nodes"][0]["key"], "c1", "the one with a note is not flagged");
}
