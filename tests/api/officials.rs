//! Officials: search without diacritics, posts over time, what they chaired and were assigned.

use crate::helpers::*;
use serde_json::json;

async fn names(app: &TestApp, text: &str) -> Vec<String> {
    let data = app
        .data(
            "query($t: String) { officials(filter: { text: $t }, first: 50) { edges { node { name } } } }",
            json!({ "t": text }),
        )
        .await;
    nodes(&data["officials"]).iter().map(|n| n["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn names_are_found_with_or_without_diacritics_and_case() {
    let app = spawn_demo().await;
    assert_eq!(names(&app, "tran manh loi").await, ["Trần Mạnh Lợi"]);
    assert_eq!(names(&app, "TRẦN mạnh").await, ["Trần Mạnh Lợi"]);
    assert_eq!(names(&app, "Nguyen Manh Dung").await, ["Nguyễn Mạnh Dũng"]);
    assert_eq!(names(&app, "thi").await, ["Bùi Thị Minh Hoài", "Chúng Thị Chiên"], "in folded name order");
    assert_eq!(names(&app, "loi tran").await, ["Trần Mạnh Lợi"], "every word, in any order");
    assert!(names(&app, "nguyen tran").await.is_empty());
    assert_eq!(names(&app, "").await.len(), 7);
}

#[tokio::test]
async fn an_officials_posts_chairs_participations_and_tasks() {
    let app = spawn_demo().await;
    let id = id_of(&app, "officials", "nguyen manh dung").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { name key
                tenures { startedOn endedOn isHeldOn(date: \"2021-07-13\") post { title organization { name } holders { official { name } } } official { name } sources { title } citations { quote } }
                chaired { title date }
                speeches: participations(role: SPEAKER) { role }
                participations { role capacity }
                tasks { title }
                tasksGiven { title dueOn } } } }",
            json!({ "id": id }),
        )
        .await;
    let official = &data["node"];
    assert_eq!(official["key"], "nguyen-manh-dung");
    let titles: Vec<&str> =
        official["tenures"].as_array().unwrap().iter().map(|t| t["post"]["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Phó Bí thư Tỉnh ủy"), "{titles:?}");
    assert!(titles.contains(&"Trưởng Ban Chỉ đạo Quy chế dân chủ ở cơ sở của tỉnh"), "{titles:?}");
    let deputy =
        official["tenures"].as_array().unwrap().iter().find(|t| t["post"]["title"] == "Phó Bí thư Tỉnh ủy").unwrap();
    assert_eq!(deputy["post"]["organization"]["name"], "Tỉnh ủy Hà Giang");
    let holders: Vec<&str> =
        deputy["post"]["holders"].as_array().unwrap().iter().map(|h| h["official"]["name"].as_str().unwrap()).collect();
    assert!(
        holders.contains(&"Nguyễn Mạnh Dũng") && holders.contains(&"Thào Hồng Sơn"),
        "two deputies at once: {holders:?}"
    );
    assert_eq!(deputy["isHeldOn"], true);
    assert_eq!(deputy["startedOn"], serde_json::Value::Null, "the report gives no dates");
    assert_eq!(deputy["official"]["name"], "Nguyễn Mạnh Dũng");
    assert_eq!(deputy["sources"][0]["title"].as_str().unwrap().starts_with("Tổng kết Đề án 06"), true);
    assert!(deputy["citations"][0]["quote"].as_str().unwrap().contains("Phó Bí thư Tỉnh ủy"));
    assert_eq!(official["chaired"].as_array().unwrap().len(), 1);
    assert_eq!(official["chaired"][0]["date"], "2021-07-13");
    assert_eq!(official["speeches"].as_array().unwrap().len(), 1);
    assert_eq!(official["participations"].as_array().unwrap().len(), 2);
    assert_eq!(official["tasks"], json!([]));
    assert_eq!(official["tasksGiven"].as_array().unwrap().len(), 12);
}

fn succession() -> serde_json::Value {
    json!({
        "organizations": [{ "key": "ubnd", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "PEOPLES_COMMITTEE" }],
        "posts": [
            { "key": "chu-tich", "title": "Chủ tịch UBND tỉnh", "organization": "ubnd" },
            { "key": "pho-chu-tich", "title": "Phó Chủ tịch UBND tỉnh", "organization": "ubnd" }
        ],
        "officials": [
            { "key": "a", "name": "Nguyễn Văn A", "tenures": [
                { "post": "pho-chu-tich", "startedOn": "2015", "endedOn": "2020-10" },
                { "post": "chu-tich", "startedOn": "2020-11-02", "endedOn": "2024-05-31" }
            ] },
            { "key": "b", "name": "Lê Thị B", "tenures": [{ "post": "chu-tich", "startedOn": "2024-06-01" }] }
        ]
    })
}

#[tokio::test]
async fn tenures_as_of_a_date() {
    let app = spawn_with(succession()).await;
    let id = id_of(&app, "officials", "nguyen van a").await;
    // Stated bounds rule days out; the days they do not rule out are STATED where both bounds
    // (or a bound stated to that day) cover them, and POSSIBLE within a partial bound.
    let query = "query($id: ID!, $d: Date) { node(id: $id) { ... on Official {
        tenures(asOf: $d, minCertainty: POSSIBLE) { post { title } startedOn endedOn certainty } } } }";
    let on = |d: &'static str| {
        let app = &app;
        let id = id.clone();
        async move {
            let data = app.data(query, json!({ "id": id, "d": d })).await;
            data["node"]["tenures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| format!("{} {}", t["post"]["title"].as_str().unwrap(), t["certainty"].as_str().unwrap()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(on("2014-12-31").await, Vec::<String>::new());
    assert_eq!(on("2015-01-01").await, ["Phó Chủ tịch UBND tỉnh POSSIBLE"], "a year-only start may mean any day of it");
    assert_eq!(on("2017-06-01").await, ["Phó Chủ tịch UBND tỉnh STATED"]);
    assert_eq!(on("2020-10-31").await, ["Phó Chủ tịch UBND tỉnh POSSIBLE"], "a month-only end covers the whole month");
    assert_eq!(on("2020-11-01").await, Vec::<String>::new());
    assert_eq!(on("2020-11-02").await, ["Chủ tịch UBND tỉnh STATED"]);
    assert_eq!(on("2024-06-01").await, Vec::<String>::new());
    let all = app.data(query, json!({ "id": id, "d": null })).await;
    let tenures = all["node"]["tenures"].as_array().unwrap();
    assert_eq!(tenures.len(), 2);
    assert_eq!(tenures[0]["startedOn"], "2015", "earliest first, at the precision given");
    assert_eq!(tenures[1]["endedOn"], "2024-05-31");
}

#[tokio::test]
async fn holders_of_a_post_either_side_of_a_handover() {
    let app = spawn_with(succession()).await;
    let data = app
        .data(
            "{ organizations(filter: { text: \"uy ban nhan dan\" }) { edges { node { posts { id title } } } } }",
            json!({}),
        )
        .await;
    let post = nodes(&data["organizations"])[0]["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Chủ tịch UBND tỉnh")
        .unwrap()
        .clone();
    let query =
        "query($id: ID!, $d: Date) { node(id: $id) { ... on Post { holders(asOf: $d) { official { name } } } } }";
    let holder = |d: Option<&'static str>| {
        let app = &app;
        let id = post["id"].clone();
        async move {
            let data = app.data(query, json!({ "id": id, "d": d })).await;
            data["node"]["holders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["official"]["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(holder(Some("2024-05-31")).await, ["Nguyễn Văn A"]);
    assert_eq!(holder(Some("2024-06-01")).await, ["Lê Thị B"]);
    assert_eq!(holder(None).await, ["Nguyễn Văn A", "Lê Thị B"], "in time order");
}

#[tokio::test]
async fn posts_are_listed_by_title_and_filtered_by_words_and_organization() {
    let app = spawn_demo().await;
    let titles = |filter: serde_json::Value| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($f: PostFilter) { posts(filter: $f, first: 50) { totalCount edges { node { title } } } }",
                    json!({ "f": filter }),
                )
                .await;
            nodes(&data["posts"]).iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(titles(json!({ "text": "pho bi thu" })).await, ["Phó Bí thư Tỉnh ủy"]);
    assert_eq!(
        titles(json!({ "text": "truong ban dan van" })).await,
        ["Trưởng Ban Dân vận Tỉnh ủy", "Trưởng Ban Dân vận Trung ương"]
    );
    let tinh_uy = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    let of_body = titles(json!({ "organization": tinh_uy })).await;
    assert!(of_body.contains(&"Phó Bí thư Tỉnh ủy".to_owned()), "{of_body:?}");
    let mut sorted = of_body.clone();
    sorted.sort_by_key(|t| govtrail::domain::text::fold(t));
    assert_eq!(of_body, sorted, "by title, ignoring diacritics");
    assert_eq!(titles(json!({})).await.len(), 11);
}

#[tokio::test]
async fn any_node_is_found_by_its_dataset_key() {
    let app = spawn_demo().await;
    let query = "query($t: KeyedType!, $k: String!) { nodeByKey(type: $t, key: $k) { __typename id
        ... on Official { name } ... on Post { title } ... on Directive { code } } }";
    let data = app.data(query, json!({ "t": "OFFICIAL", "k": "nguyen-manh-dung" })).await;
    assert_eq!(data["nodeByKey"]["name"], "Nguyễn Mạnh Dũng");
    let by_id = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": data["nodeByKey"]["id"] })).await;
    assert_eq!(by_id["node"]["id"], data["nodeByKey"]["id"], "the same node as by its global id");
    let data = app.data(query, json!({ "t": "DIRECTIVE", "k": "de-an-06-da-tu-ha-giang" })).await;
    assert_eq!(data["nodeByKey"]["code"], "06-ĐA/TU");
    let data = app.data(query, json!({ "t": "POST", "k": "nguyen-manh-dung" })).await;
    assert_eq!(data["nodeByKey"], serde_json::Value::Null, "keys are per type");
    assert_eq!(app.error_code(query, json!({ "t": "TENURE", "k": "x" })).await, "BAD_USER_INPUT");
}
