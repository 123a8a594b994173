//! History as of a date: successions on a post, merged organizations, data issues, and the
//! citations of each claim.

use crate::helpers::*;
use serde_json::{Value, json};

fn province() -> Value {
    json!({
        "sources": [{ "key": "s", "title": "Báo cáo", "publisher": "Báo Thử", "publishedOn": "2024-06-02" }],
        "organizations": [
            { "key": "old", "name": "Tỉnh ủy Hà Giang", "kind": "PARTY_COMMITTEE", "startedOn": "1991", "endedOn": "2025-06-30",
              "endedAs": "MERGED", "successor": "new" },
            { "key": "new", "name": "Tỉnh ủy Tuyên Quang", "kind": "PARTY_COMMITTEE", "startedOn": "1991" },
            { "key": "ub", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "PEOPLES_COMMITTEE" }
        ],
        "posts": [
            { "key": "bt", "title": "Bí thư Tỉnh ủy", "organization": "old", "seats": 1 },
            { "key": "ct", "title": "Chủ tịch UBND tỉnh", "organization": "ub", "seats": 1 }
        ],
        "officials": [
            { "key": "a", "name": "Nguyễn Văn A", "tenures": [{ "post": "ct", "startedOn": "2020-11-02", "endedOn": "2024-05-31", "sources": ["s"] }] },
            { "key": "b", "name": "Lê Thị B", "tenures": [
                { "post": "ct", "startedOn": "2024-06-01", "sources": [{ "source": "s", "quote": "bà Lê Thị B, Chủ tịch UBND tỉnh" }] },
                { "post": "bt", "startedOn": "2020-10" }
            ] },
            { "key": "c", "name": "Trần Văn C", "tenures": [{ "post": "ct", "startedOn": "2023-01-01", "endedOn": "2023-12-31" }] }
        ],
        "directives": [
            { "key": "ct1", "code": "01-CT/TU", "title": "Chỉ thị thử", "sources": ["s"] },
            { "key": "kh1", "code": "05-KH/TU", "title": "Kế hoạch thực hiện", "sources": ["s"],
              "links": [{ "relation": "IMPLEMENTS", "directive": "ct1", "sources": [{ "source": "s", "quote": "Kế hoạch 05 thực hiện Chỉ thị 01" }] }] }
        ],
        "conferences": [{ "key": "k", "title": "Hội nghị thử", "kind": "CONFERENCE", "format": "IN_PERSON", "date": "2024-06-02",
                          "directives": [{ "directive": "ct1", "relation": "DEPLOYS", "sources": [{ "source": "s", "quote": "quán triệt Chỉ thị 01" }] }],
                          "sources": ["s"] }],
        "tasks": [{ "key": "t", "title": "Việc thử", "conference": "k", "sources": ["s"],
                    "assignees": [{ "organization": "ub", "sources": [{ "source": "s", "quote": "giao UBND tỉnh" }] }, { "official": "a" }] }]
    })
}

#[tokio::test]
async fn successions_link_the_holders_of_a_post() {
    let app = spawn_with(province()).await;
    let b = id_of(&app, "officials", "Lê Thị B").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures { post { title seats } startedOn
                predecessor { official { name } startedOn } successor { official { name } } citations { quote source { title } } } } } }",
            json!({ "id": b }),
        )
        .await;
    let chair = data["node"]["tenures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["post"]["title"] == "Chủ tịch UBND tỉnh")
        .unwrap()
        .clone();
    assert_eq!(chair["post"]["seats"], 1);
    assert_eq!(chair["predecessor"]["official"]["name"], "Trần Văn C", "the latest to begin before her");
    assert_eq!(chair["successor"], Value::Null);
    assert_eq!(chair["citations"][0]["quote"], "bà Lê Thị B, Chủ tịch UBND tỉnh");
    let a = id_of(&app, "officials", "Nguyễn Văn A").await;
    let data = app.data("query($id: ID!) { node(id: $id) { ... on Official { tenures { predecessor { id } successor { official { name } } } } } }", json!({ "id": a })).await;
    assert_eq!(data["node"]["tenures"][0]["predecessor"], Value::Null);
    assert_eq!(data["node"]["tenures"][0]["successor"]["official"]["name"], "Trần Văn C");
}

#[tokio::test]
async fn a_merged_organization_points_to_its_successor_and_holds_nobody_after_its_end() {
    let app = spawn_with(province()).await;
    let query = "query($d: Date) { organizations(filter: { text: \"tinh uy\" }) { edges { node { name endedOn endedAs
        successor { name } predecessors { name } officials(asOf: $d, minCertainty: POSSIBLE) { name }
        posts { holders(asOf: $d, minCertainty: POSSIBLE) { official { name } } } } } } }";
    let before = app.data(query, json!({ "d": "2024-01-01" })).await;
    let old = nodes(&before["organizations"]).into_iter().find(|o| o["name"] == "Tỉnh ủy Hà Giang").unwrap();
    assert_eq!(old["endedAs"], "MERGED");
    assert_eq!(old["successor"]["name"], "Tỉnh ủy Tuyên Quang");
    assert_eq!(old["officials"][0]["name"], "Lê Thị B");
    assert_eq!(old["posts"][0]["holders"][0]["official"]["name"], "Lê Thị B");
    let after = app.data(query, json!({ "d": "2026-01-01" })).await;
    let orgs = nodes(&after["organizations"]);
    let old = orgs.iter().find(|o| o["name"] == "Tỉnh ủy Hà Giang").unwrap();
    assert_eq!(old["officials"], json!([]));
    assert_eq!(old["posts"][0]["holders"], json!([]));
    let new = orgs.iter().find(|o| o["name"] == "Tỉnh ủy Tuyên Quang").unwrap();
    assert_eq!(new["predecessors"][0]["name"], "Tỉnh ủy Hà Giang");
}

#[tokio::test]
async fn data_issues_flag_what_a_researcher_would() {
    let app = spawn_with(province()).await;
    let data = app
        .data(
            "{ dataIssues(first: 100) { totalCount edges { node { kind message nodes { __typename ... on Tenure { official { name } } ... on Task { title } ... on Conference { title } } } } } }",
            json!({}),
        )
        .await;
    let issues = nodes(&data["dataIssues"]);
    assert_eq!(data["dataIssues"]["totalCount"], issues.len());
    let of_kind = |kind: &str| issues.iter().filter(|i| i["kind"] == kind).cloned().collect::<Vec<_>>();
    let overlap = of_kind("OVERLAPPING_TENURES");
    assert_eq!(overlap.len(), 1, "{overlap:?}");
    let names: Vec<&str> =
        overlap[0]["nodes"].as_array().unwrap().iter().filter_map(|n| n["official"]["name"].as_str()).collect();
    assert_eq!(names, ["Nguyễn Văn A", "Trần Văn C"]);
    let outside = of_kind("TENURE_OUTSIDE_ORGANIZATION_LIFE");
    assert_eq!(outside.len(), 1, "B's open tenure as secretary outlives the merged committee");
    assert_eq!(outside[0]["nodes"][0]["official"]["name"], "Lê Thị B");
    assert_eq!(of_kind("CONFERENCE_WITHOUT_CHAIR").len(), 1);
    assert_eq!(of_kind("TASK_WITHOUT_DUE_DATE")[0]["nodes"][0]["title"], "Việc thử");
    assert_eq!(of_kind("TASK_WITHOUT_ASSIGNEE").len(), 0);
    let unsourced = of_kind("FACT_WITHOUT_SOURCE");
    assert_eq!(unsourced.len(), 2, "C's tenure and B's tenure as secretary: {unsourced:?}");
    let only = app.data("{ dataIssues(kinds: [OVERLAPPING_TENURES]) { totalCount } }", json!({})).await;
    assert_eq!(only["dataIssues"]["totalCount"], 1);
}

#[tokio::test]
async fn each_link_and_assignment_carries_its_own_citations() {
    let app = spawn_with(province()).await;
    let data = app
        .data(
            "{ directives(filter: { text: \"05-KH/TU\" }) { nodes { related { relation citations { quote } sources { title } } } }
               conferences { nodes { directives { relation citations { quote } } } }
               tasks { nodes { assignments { assignee { __typename } citations { quote } sources { title } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["directives"]["nodes"][0]["related"][0]["citations"][0]["quote"],
        "Kế hoạch 05 thực hiện Chỉ thị 01"
    );
    assert_eq!(data["conferences"]["nodes"][0]["directives"][0]["citations"][0]["quote"], "quán triệt Chỉ thị 01");
    let assignments = data["tasks"]["nodes"][0]["assignments"].as_array().unwrap();
    assert_eq!(assignments[0]["assignee"]["__typename"], "Organization");
    assert_eq!(assignments[0]["citations"][0]["quote"], "giao UBND tỉnh");
    assert_eq!(assignments[1]["citations"], json!([]));
}

#[tokio::test]
async fn the_demo_has_its_gaps_flagged() {
    let app = spawn_demo().await;
    let data = app.data("{ dataIssues(first: 100) { edges { node { kind nodes { ... on Conference { title } ... on Task { title } } } } } }", json!({})).await;
    let kinds: Vec<String> =
        nodes(&data["dataIssues"]).iter().map(|i| i["kind"].as_str().unwrap().to_owned()).collect();
    let once = kinds.iter().filter(|k| *k == "TENURE_ATTESTED_ONCE").count();
    let tenures = app.data("{ officials(first: 50) { nodes { tenures { id } } } }", json!({})).await;
    let all: usize =
        tenures["officials"]["nodes"].as_array().unwrap().iter().map(|o| o["tenures"].as_array().unwrap().len()).sum();
    assert_eq!(once, all, "one report attests every tenure of the demo, on its one day");
    let rest: Vec<&String> = kinds.iter().filter(|k| *k != "TENURE_ATTESTED_ONCE").collect();
    assert_eq!(rest, ["CONFERENCE_WITHOUT_CHAIR", "TASK_WITHOUT_DUE_DATE"], "every demo fact cites its source");
}

/// Every issue of a generated dataset, page after page: each once, in the order of the kinds
/// and then of the nodes involved, and as many of each kind as the tables hold.
#[tokio::test]
async fn data_issues_page_through_every_issue_once_in_order() {
    use entity::*;
    use govtrail::graphql::ids::{NodeType, decode};
    use sea_orm::EntityTrait;
    use std::collections::{BTreeMap, HashSet};

    let generated = govtrail::dataset::generate::generate(govtrail::dataset::generate::Spec { scale: 0.003, seed: 3 });
    let json = govtrail::dataset::to_json(&generated).map_err(|e| e.message()).expect("JSON");
    let app = spawn(Setup { dataset: Some(json), ..Setup::default() }).await;
    let kinds = [
        "OVERLAPPING_TENURES",
        "TENURE_OUTSIDE_ORGANIZATION_LIFE",
        "CONFERENCE_WITHOUT_CHAIR",
        "TASK_WITHOUT_DUE_DATE",
        "TASK_WITHOUT_ASSIGNEE",
        "FACT_WITHOUT_SOURCE",
    ];
    // The order of the nodes within a kind: tenures, organizations, posts, conferences,
    // participations, directives, tasks.
    let rank = |kind: NodeType| {
        [
            NodeType::Tenure,
            NodeType::Organization,
            NodeType::Post,
            NodeType::Conference,
            NodeType::Participation,
            NodeType::Directive,
            NodeType::Task,
        ]
        .iter()
        .position(|k| *k == kind)
        .expect("a node an issue can be about")
    };
    let query = "query($after: String) { dataIssues(first: 37, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { kind message nodes { id } } } } }";
    let (mut after, mut total, mut seen) = (Value::Null, None, Vec::new());
    loop {
        let data = app.data(query, json!({ "after": after })).await;
        let page = &data["dataIssues"];
        let count = page["totalCount"].as_u64().expect("totalCount");
        assert_eq!(*total.get_or_insert(count), count, "the total is the same on every page");
        for issue in nodes(page) {
            let kind = kinds.iter().position(|k| issue["kind"] == *k).expect("a kind");
            let involved: Vec<(usize, i32)> = issue["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| decode(n["id"].as_str().expect("id")).expect("a node id"))
                .map(|(kind, id)| (rank(kind), id))
                .collect();
            assert!(!involved.is_empty() && !issue["message"].as_str().unwrap().is_empty(), "{issue}");
            seen.push((kind, involved));
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len() as u64, total.unwrap());
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "each issue once, by kind and then by nodes");

    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    let citations = citation::Entity::find().all(&db).await.unwrap();
    let cited: HashSet<(String, i32)> = citations.into_iter().map(|c| (c.subject_type, c.subject_id)).collect();
    let tasks = task::Entity::find().all(&db).await.unwrap();
    let participations = participation::Entity::find().all(&db).await.unwrap();
    let conferences = conference::Entity::find().all(&db).await.unwrap();
    let assigned: HashSet<i32> =
        task_assignee::Entity::find().all(&db).await.unwrap().into_iter().map(|a| a.task_id).collect();
    let chaired: HashSet<i32> = participations.iter().filter(|p| p.role == "CHAIR").map(|p| p.conference_id).collect();
    let uncited =
        |subject: &str, ids: Vec<i32>| ids.into_iter().filter(|id| !cited.contains(&(subject.to_owned(), *id))).count();
    let mut expected: BTreeMap<(usize, Option<usize>), usize> = BTreeMap::new();
    expected.insert((2, None), conferences.iter().filter(|c| !chaired.contains(&c.id)).count());
    expected.insert((3, None), tasks.iter().filter(|t| t.due_on.is_none()).count());
    expected.insert((4, None), tasks.iter().filter(|t| !assigned.contains(&t.id)).count());
    let tenures = tenure::Entity::find().all(&db).await.unwrap().into_iter().map(|t| t.id).collect();
    let directives = directive::Entity::find().all(&db).await.unwrap().into_iter().map(|d| d.id).collect();
    expected.insert((5, Some(rank(NodeType::Tenure))), uncited("TENURE", tenures));
    expected.insert(
        (5, Some(rank(NodeType::Conference))),
        uncited("CONFERENCE", conferences.iter().map(|c| c.id).collect()),
    );
    expected.insert(
        (5, Some(rank(NodeType::Participation))),
        uncited("PARTICIPATION", participations.iter().map(|p| p.id).collect()),
    );
    expected.insert((5, Some(rank(NodeType::Directive))), uncited("DIRECTIVE", directives));
    expected.insert((5, Some(rank(NodeType::Task))), uncited("TASK", tasks.iter().map(|t| t.id).collect()));
    let mut found: BTreeMap<(usize, Option<usize>), usize> = expected.keys().map(|k| (*k, 0)).collect();
    for (kind, involved) in seen.iter().filter(|(kind, _)| *kind >= 2) {
        let key = (*kind, (*kind == 5).then_some(involved[0].0));
        *found.entry(key).or_default() += 1;
    }
    assert_eq!(found, expected);
    assert!(expected[&(5, Some(rank(NodeType::Participation)))] > 37, "the unsourced facts span several pages");

    let mut by_kind = 0;
    for kind in kinds {
        let data = app
            .data(
                &format!("{{ dataIssues(kinds: [{kind}], first: 0) {{ totalCount edges {{ cursor }} }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(data["dataIssues"]["edges"], json!([]));
        by_kind += data["dataIssues"]["totalCount"].as_u64().unwrap();
    }
    assert_eq!(by_kind, total.unwrap(), "the kinds' totals add up to the whole");

    // The kinds a query can say are counted and paged by the database: no statement reads
    // a whole table, however many issues there are.
    let seen = app.statements_seen();
    let query = "{ dataIssues(kinds: [CONFERENCE_WITHOUT_CHAIR, TASK_WITHOUT_DUE_DATE, TASK_WITHOUT_ASSIGNEE, FACT_WITHOUT_SOURCE], first: 5) { totalCount } }";
    app.data(query, json!({})).await;
    let statements = app.statements_since(seen);
    assert!(!statements.is_empty());
    for statement in statements {
        assert!(statement.contains("COUNT(") || statement.contains("LIMIT"), "{statement}");
    }
}
