//! Conferences: the demo's four of 13 July 2021, every filter, every field.

use crate::helpers::*;
use serde_json::json;

const FIELDS: &str = "id title kind format date partOfDay startsAt endsAt timeZone venue
    area { name } organizers { name shortName } chairs { name }
    participants { role capacity official { name } organization { shortName } conference { title } sources { title } citations { quote locator source { title } } }
    directives { relation directive { code title } conference { date } }
    tasks { title } sources { title publisher publishedAt publishedOn author url } citations { quote }";

async fn titles(app: &TestApp, filter: serde_json::Value) -> Vec<String> {
    let data = app
        .data("query($f: ConferenceFilter) { conferences(filter: $f, first: 100) { totalCount edges { node { title } } } }", json!({ "f": filter }))
        .await;
    let titles: Vec<String> =
        nodes(&data["conferences"]).iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect();
    assert_eq!(data["conferences"]["totalCount"], titles.len(), "totalCount matches the nodes");
    titles
}

#[tokio::test]
async fn four_conferences_on_13_july_2021_in_order_of_the_day() {
    let app = spawn_demo().await;
    let query = format!(
        r#"{{ conferences(filter: {{ from: "2021-07-13", to: "2021-07-13" }}, first: 20) {{ totalCount edges {{ node {{ {FIELDS} }} }} }} }}"#
    );
    let data = app.data(&query, json!({})).await;
    assert_eq!(data["conferences"]["totalCount"], 4);
    let list = nodes(&data["conferences"]);
    let parts: Vec<&str> = list.iter().map(|n| n["partOfDay"].as_str().unwrap()).collect();
    assert_eq!(parts, ["MORNING", "MORNING", "MORNING", "AFTERNOON"], "mornings before the afternoon");

    let provincial = &list[3];
    assert!(provincial["title"].as_str().unwrap().contains("06-ĐA/TU"));
    assert_eq!(provincial["kind"], "CONFERENCE");
    assert_eq!(provincial["format"], "ONLINE");
    assert_eq!(provincial["date"], "2021-07-13");
    assert_eq!(provincial["timeZone"], "Asia/Ho_Chi_Minh");
    assert_eq!(provincial["startsAt"], serde_json::Value::Null);
    assert_eq!(provincial["area"]["name"], "Hà Giang");
    assert_eq!(provincial["organizers"][0]["name"], "Tỉnh ủy Hà Giang");
    let chairs: Vec<&str> =
        provincial["chairs"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(chairs, ["Nguyễn Mạnh Dũng", "Trần Mạnh Lợi"], "chairs in the order the report names them");
    let roles: Vec<(String, String)> = provincial["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["official"]["name"].as_str().unwrap().to_owned(), p["role"].as_str().unwrap().to_owned()))
        .collect();
    assert!(roles.contains(&("Nguyễn Mạnh Dũng".into(), "SPEAKER".into())));
    assert!(roles.contains(&("Trần Mạnh Lợi".into(), "REPORTER".into())));
    let first = &provincial["participants"][0];
    assert_eq!(first["capacity"], "Phó Bí thư Tỉnh ủy, Trưởng Ban chỉ đạo Quy chế dân chủ ở cơ sở của tỉnh");
    assert_eq!(first["organization"]["shortName"], "Tỉnh ủy (BCH Đảng bộ tỉnh)");
    assert!(first["citations"][0]["quote"].as_str().unwrap().contains("chủ trì hội nghị"));
    assert_eq!(first["conference"]["title"], provincial["title"]);

    let reviewed: Vec<&str> = provincial["directives"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["relation"] == "REVIEWS")
        .map(|d| d["directive"]["title"].as_str().unwrap())
        .collect();
    assert!(reviewed.iter().any(|t| t.contains("công tác dân vận cơ sở")), "{reviewed:?}");
    assert_eq!(provincial["tasks"].as_array().unwrap().len(), 12);
    let source = &provincial["sources"][0];
    assert_eq!(source["publisher"], "Báo Hà Giang");
    assert_eq!(source["publishedAt"], "2021-07-13T12:18:00Z", "19:18 in Vietnam is 12:18 UTC");
    assert_eq!(source["publishedOn"], "2021-07-13");
    assert_eq!(source["author"], "Văn Nghị");

    let judicial = list.iter().find(|n| n["title"].as_str().unwrap().contains("cải cách tư pháp")).unwrap();
    assert_eq!(judicial["chairs"][0]["name"], "Thào Hồng Sơn");
    assert_eq!(judicial["venue"], "Phòng họp BTV Tỉnh ủy");
    assert_eq!(judicial["format"], "IN_PERSON");
    let central = list.iter().find(|n| n["area"]["name"] == "Hà Nội").unwrap();
    assert_eq!(central["chairs"][0]["name"], "Bùi Thị Minh Hoài");
    let thematic = list.iter().find(|n| n["kind"] == "THEMATIC_CONFERENCE").unwrap();
    assert_eq!(thematic["area"]["name"], "Vị Xuyên");
    assert_eq!(thematic["chairs"], json!([]));
}

#[tokio::test]
async fn node_finds_a_conference_by_its_id() {
    let app = spawn_demo().await;
    let data =
        app.data("{ conferences(first: 1, orderBy: [DATE_DESC]) { edges { node { id title } } } }", json!({})).await;
    let conference = &nodes(&data["conferences"])[0];
    let found = app
        .data("query($id: ID!) { node(id: $id) { id ... on Conference { title } } }", json!({ "id": conference["id"] }))
        .await;
    assert_eq!(found["node"]["title"], conference["title"]);
    assert_eq!(found["node"]["id"], conference["id"]);
}

#[tokio::test]
async fn every_filter_narrows_the_list() {
    let app = spawn_demo().await;
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let son = id_of(&app, "officials", "thao hong son").await;
    let ha_giang = id_of(&app, "areas", "Hà Giang").await;
    let ha_noi = id_of(&app, "areas", "Hà Nội").await;
    let tinh_uy = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    let de_an = id_of(&app, "directives", "06-ĐA/TU").await;

    assert_eq!(titles(&app, json!({})).await.len(), 4);
    assert_eq!(titles(&app, json!({ "from": "2021-07-14" })).await.len(), 0);
    assert_eq!(titles(&app, json!({ "to": "2021-07-12" })).await.len(), 0);
    let chaired = titles(&app, json!({ "chairedBy": dung })).await;
    assert_eq!(chaired.len(), 1);
    assert!(chaired[0].contains("06-ĐA/TU"));
    assert!(titles(&app, json!({ "chairedBy": son })).await[0].contains("cải cách tư pháp"));
    assert_eq!(titles(&app, json!({ "area": ha_giang })).await.len(), 3, "a province includes its districts");
    assert_eq!(titles(&app, json!({ "area": ha_noi })).await.len(), 1);
    assert_eq!(titles(&app, json!({ "organizer": tinh_uy })).await.len(), 1);
    assert_eq!(titles(&app, json!({ "directive": de_an })).await.len(), 1);
    assert_eq!(
        titles(&app, json!({ "kind": ["THEMATIC_CONFERENCE"] })).await,
        ["Hội nghị chuyên đề về công tác xây dựng Đảng"]
    );
    assert_eq!(titles(&app, json!({ "format": ["IN_PERSON"] })).await.len(), 1);
    assert_eq!(titles(&app, json!({ "text": "CAI CACH tu phap" })).await.len(), 1);
    assert_eq!(titles(&app, json!({ "text": "dân vận", "area": ha_giang })).await.len(), 1);
    assert_eq!(titles(&app, json!({ "text": "100%_" })).await.len(), 0, "LIKE wildcards are literal");
}

#[tokio::test]
async fn conferences_order_by_title_both_ways() {
    let app = spawn_demo().await;
    let asc = app.data("{ conferences(orderBy: [TITLE_ASC]) { edges { node { title } } } }", json!({})).await;
    let desc = app.data("{ conferences(orderBy: [TITLE_DESC]) { edges { node { title } } } }", json!({})).await;
    let mut a: Vec<_> = nodes(&asc["conferences"]).into_iter().map(|n| n["title"].clone()).collect();
    let d: Vec<_> = nodes(&desc["conferences"]).into_iter().map(|n| n["title"].clone()).collect();
    assert_eq!(a.len(), 4);
    a.reverse();
    assert_eq!(a, d);
}

/// Three meetings as reports give them: one on a known day, one of which only the month is
/// known, one whose year was inferred from the report's publication date; none says its format.
fn as_reported() -> serde_json::Value {
    json!({
        "sources": [{ "key": "r", "title": "Báo cáo", "publishedOn": "2023-08-02" }],
        "areas": [{ "key": "t", "name": "Tỉnh Thử", "kind": "PROVINCE" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" }],
        "posts": [{ "key": "bt", "title": "Bí thư Tỉnh ủy", "organization": "tu" }],
        "officials": [{ "key": "x", "name": "Lò Văn Xá", "tenures": [{ "post": "bt" }] }],
        "conferences": [
            { "key": "day", "title": "Hội nghị A", "kind": "CONFERENCE", "date": "2023-07-26", "dateInferred": true,
              "dateNote": "the report prints 26-7; the year is its publication's", "partOfDay": "AFTERNOON" },
            { "key": "month", "title": "Hội nghị B", "kind": "CONFERENCE", "date": "2023-07", "area": "t",
              "participants": [{ "official": "x", "role": "CHAIR", "capacity": "Bí thư Tỉnh ủy" }] },
            { "key": "year", "title": "Hội nghị C", "kind": "MEETING", "format": "ONLINE", "date": "2023" }
        ]
    })
}

#[tokio::test]
async fn dates_are_as_sure_as_the_report_and_the_format_may_be_unknown() {
    let app = spawn_with(as_reported()).await;
    let data = app
        .data("{ conferences(first: 10) { edges { node { key date datePrecision dateInferred dateNote format partOfDay } } } }", json!({}))
        .await;
    let list = nodes(&data["conferences"]);
    let of = |key: &str| list.iter().find(|c| c["key"] == key).unwrap().clone();
    assert_eq!(of("day")["date"], "2023-07-26");
    assert_eq!(of("day")["dateInferred"], true);
    assert!(of("day")["dateNote"].as_str().unwrap().contains("26-7"));
    assert_eq!(of("day")["format"], "UNKNOWN", "the report does not say");
    assert_eq!((of("month")["date"].as_str(), of("month")["datePrecision"].as_str()), (Some("2023-07"), Some("MONTH")));
    assert_eq!(of("month")["dateInferred"], false);
    assert_eq!((of("year")["date"].as_str(), of("year")["format"].as_str()), (Some("2023"), Some("ONLINE")));

    // A period holds a partial date only when it holds all of it.
    assert_eq!(titles(&app, json!({ "from": "2023-07-01", "to": "2023-07-31" })).await, ["Hội nghị B", "Hội nghị A"]);
    assert_eq!(titles(&app, json!({ "from": "2023-07-10", "to": "2023-07-31" })).await, ["Hội nghị A"]);
    assert_eq!(titles(&app, json!({ "from": "2023-01-01", "to": "2023-12-31" })).await.len(), 3);
    assert_eq!(titles(&app, json!({ "format": ["UNKNOWN"] })).await.len(), 2);

    // Counted by month, the conference known only to its year has no month.
    let stats = app.data("{ conferenceStats(groupBy: [MONTH]) { key { value } count } }", json!({})).await;
    let months: Vec<(serde_json::Value, i64)> = stats["conferenceStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["key"][0]["value"].clone(), b["count"].as_i64().unwrap()))
        .collect();
    assert!(months.contains(&(json!("2023-07"), 2)), "{months:?}");
    assert!(months.contains(&(serde_json::Value::Null, 1)), "{months:?}");

    // A chair named at a conference of July attests the post in July, not on any one day of it.
    let id = id_of(&app, "officials", "Lò Văn Xá").await;
    let tenure = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures { attestations { on origin }
                day: certainty(asOf: \"2023-07-15\") month: certainty(during: { from: \"2023-07-01\", to: \"2023-07-31\" }) } } } }",
            json!({ "id": id }),
        )
        .await;
    let t = &tenure["node"]["tenures"][0];
    assert_eq!(t["attestations"], json!([{ "on": "2023-07", "origin": "PARTICIPATION" }]));
    assert_eq!(t["day"], "POSSIBLE");
    assert_eq!(t["month"], "POSSIBLE", "held on some day of July, but on no day surely");
}

#[tokio::test]
async fn a_clock_time_or_part_of_day_needs_a_full_date() {
    let app = spawn_app().await;
    let token = app.token("editor", govtrail::auth::Role::Editor).await;
    let create = "mutation($i: CreateConferenceInput!) { createConference(input: $i) { key date format } }";
    let answer = app
        .query_as(
            &token,
            create,
            json!({ "i": { "title": "Họp", "kind": "MEETING", "date": "2021-07", "partOfDay": "MORNING" } }),
        )
        .await;
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["field"], "input.partOfDay");
    let answer =
        app.query_as(&token, create, json!({ "i": { "title": "Họp", "kind": "MEETING", "date": "2021-07" } })).await;
    assert_eq!(answer["data"]["createConference"]["format"], "UNKNOWN", "{answer}");
    assert_eq!(answer["data"]["createConference"]["date"], "2021-07");
    let count = app.data("{ conferences { totalCount } }", json!({})).await;
    assert_eq!(count["conferences"]["totalCount"], 1, "the refused one changed nothing");
}

#[tokio::test]
async fn bodies_take_part_where_the_report_names_no_one_of_them() {
    let app = spawn_with(json!({
        "organizations": [
            { "key": "mttq", "name": "Ủy ban MTTQ tỉnh Thử", "kind": "FATHERLAND_FRONT" },
            { "key": "so-nganh", "name": "Các sở, ngành tỉnh Thử", "kind": "GROUP" }
        ],
        "conferences": [{ "key": "hn", "title": "Hội nghị", "kind": "CONFERENCE", "date": "2023-07-26",
            "bodies": [{ "organization": "mttq", "role": "ATTENDEE" }, { "organization": "so-nganh", "role": "ATTENDEE" }] }]
    }))
    .await;
    let data = app.data("{ conferences { nodes { bodies { role organization { name } } } } }", json!({})).await;
    assert_eq!(
        data["conferences"]["nodes"][0]["bodies"],
        json!([
            { "role": "ATTENDEE", "organization": { "name": "Ủy ban MTTQ tỉnh Thử" } },
            { "role": "ATTENDEE", "organization": { "name": "Các sở, ngành tỉnh Thử" } }
        ])
    );
    let editor = app.token("editor", govtrail::auth::Role::Editor).await;
    let mttq = id_of(&app, "organizations", "Ủy ban MTTQ tỉnh Thử").await;
    let made = app
        .query_as(
            &editor,
            "mutation($i: CreateConferenceInput!) { createConference(input: $i) { bodies { role organization { name } } } }",
            json!({ "i": { "title": "Họp", "kind": "MEETING", "date": "2023-08", "bodies": [{ "organization": mttq, "role": "SPEAKER" }] } }),
        )
        .await;
    assert_eq!(
        made["data"]["createConference"]["bodies"],
        json!([{ "role": "SPEAKER", "organization": { "name": "Ủy ban MTTQ tỉnh Thử" } }]),
        "{made}"
    );
    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    let exported = govtrail::dataset::export_dataset(&db).await.map_err(|e| e.message()).unwrap();
    assert_eq!(exported.conferences.iter().map(|c| c.bodies.len()).sum::<usize>(), 3, "the export keeps them");
}
