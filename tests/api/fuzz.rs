//! The import format fuzzed with proptest: dataset files mutated from the demo dataset (a
//! value removed, replaced by one of another type, a record repeated, the text cut or spliced)
//! and arbitrary JSON are uploaded over GraphQL. The server never fails inside (no 5xx, no
//! INTERNAL), and a refused file leaves the database exactly as it was.

use crate::helpers::*;
use govtrail::auth::Role;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Value, json};

/// One change to a dataset file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes the value at the chosen place.
    Remove(usize),
    /// Puts another value in its place.
    Replace(usize, Value),
    /// Repeats an element of the array at the chosen place (a duplicate key).
    Repeat(usize),
    /// Cuts the file's text at a fraction of its length.
    Cut(f64),
    /// Puts bytes in the middle of the file's text.
    Splice(f64, Vec<u8>),
}

/// Any JSON value: scalars of every kind (with the edges of numbers and odd text), and small
/// arrays and objects of them.
fn any_value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), Just(-1), Just(2_147_483_648)].prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        prop_oneof![
            Just(""),
            Just("2021-02-30"),
            Just("2021-13"),
            Just("9999-12-31T23:59:60Z"),
            Just("Asia/Ho_Chi_Minh"),
            Just("Mars/Base"),
            Just("Đề án 06-ĐA/TU"),
            Just("\u{0}\u{202e}"),
        ]
        .prop_map(Value::from),
    ];
    scalar.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<usize>().prop_map(Mutation::Remove),
        4 => (any::<usize>(), any_value()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        2 => any::<usize>().prop_map(Mutation::Repeat),
        1 => (0.0..1.0f64).prop_map(Mutation::Cut),
        1 => (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Mutation::Splice(at, b)),
    ]
}

/// Every place in `value` as a JSON pointer, the root excluded.
fn places(value: &Value, at: String, into: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => {
            map.iter().map(|(k, v)| (format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), v)).collect()
        }
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (format!("{at}/{i}"), v)).collect(),
        _ => Vec::new(),
    };
    for (pointer, child) in children {
        into.push(pointer.clone());
        places(child, pointer, into);
    }
}

/// The file `mutations` make of `dataset`.
fn mutated(dataset: &Value, mutations: &[Mutation]) -> Vec<u8> {
    let mut value = dataset.clone();
    let mut text: Option<Vec<u8>> = None;
    for mutation in mutations {
        let mut all = Vec::new();
        places(&value, String::new(), &mut all);
        let chosen = match mutation {
            Mutation::Remove(i) | Mutation::Replace(i, _) | Mutation::Repeat(i) if !all.is_empty() => {
                all[*i % all.len()].clone()
            }
            _ => String::new(),
        };
        let cut = chosen.rfind('/').unwrap_or(0);
        let (parent, last) = (chosen[..cut].to_owned(), chosen.get(cut + 1..).unwrap_or("").to_owned());
        match mutation {
            Mutation::Remove(_) => match value.pointer_mut(&parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        items.remove(i);
                    }
                }
                _ => {}
            },
            Mutation::Replace(_, new) => {
                if let Some(slot) = value.pointer_mut(&chosen).filter(|_| !chosen.is_empty()) {
                    *slot = new.clone();
                }
            }
            Mutation::Repeat(_) => {
                if let Some(Value::Array(items)) = value.pointer_mut(&parent)
                    && let Ok(i) = last.parse::<usize>()
                {
                    let copy = items[i].clone();
                    items.push(copy);
                }
            }
            Mutation::Cut(at) => {
                let bytes = text.get_or_insert_with(|| value.to_string().into_bytes());
                bytes.truncate((bytes.len() as f64 * at) as usize);
            }
            Mutation::Splice(at, extra) => {
                let bytes = text.get_or_insert_with(|| value.to_string().into_bytes());
                let position = (bytes.len() as f64 * at) as usize;
                bytes.splice(position..position, extra.iter().copied());
            }
        }
    }
    text.unwrap_or_else(|| value.to_string().into_bytes())
}

/// Uploads `file` to the import; the HTTP status and the answer.
pub(crate) async fn upload(app: &TestApp, token: &str, file: Vec<u8>) -> (u16, Value) {
    let operations = json!({
        "query": "mutation($file: Upload!) { importDataset(file: $file) { total { created updated removed } } }",
        "variables": { "file": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(file).file_name("dataset.json"));
    let response = app.client.post(app.url("/graphql")).bearer_auth(token).multipart(form).send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_else(|_| json!({ "notJson": text })))
}

/// Everything the database holds, as the export writes it.
async fn snapshot(db: &sea_orm::DatabaseConnection) -> String {
    let dataset = govtrail::dataset::export_dataset(db).await.map_err(|e| e.message()).expect("export");
    govtrail::dataset::to_json(&dataset).map_err(|e| e.message()).expect("JSON")
}

/// A seed from the clock.
fn rand_seed() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
}

/// Runs `cases` files from `files` against one server over the demo dataset.
fn fuzz(cases: u32, files: impl Strategy<Value = Vec<u8>>) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (app, admin, db) = runtime.block_on(async {
        let app = spawn_demo().await;
        let admin = app.token("admin", Role::Admin).await;
        let db = govtrail::database::connect(&app.database_url).await.expect("connect");
        (app, admin, db)
    });
    // A new seed each run explores new files; GOVTRAIL_FUZZ_SEED repeats a run.
    let seed: u64 = std::env::var("GOVTRAIL_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand_seed);
    eprintln!("fuzzing with GOVTRAIL_FUZZ_SEED={seed}");
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let (refused, accepted) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner
        .run(&files, |file| {
            runtime.block_on(async {
                let before = snapshot(&db).await;
                let (status, answer) = upload(&app, &admin, file.clone()).await;
                prop_assert!(status < 500, "HTTP {status}: {answer}");
                let codes: Vec<&str> = answer["errors"]
                    .as_array()
                    .map(|e| e.iter().filter_map(|e| e["extensions"]["code"].as_str()).collect())
                    .unwrap_or_default();
                prop_assert!(!codes.contains(&"INTERNAL"), "{answer}\nfile: {}", String::from_utf8_lossy(&file));
                if answer["data"]["importDataset"].is_object() {
                    accepted.set(accepted.get() + 1);
                } else {
                    prop_assert!(!codes.is_empty(), "neither imported nor refused with a code: {answer}");
                    refused.set(refused.get() + 1);
                    let after = snapshot(&db).await;
                    prop_assert!(before == after, "a refused file changed the database: {answer}");
                }
                Ok::<(), TestCaseError>(())
            })
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    let (refused, accepted) = (refused.get(), accepted.get());
    eprintln!("{refused} files refused, {accepted} imported");
    assert!(refused > 0, "no file was refused: the mutations are too mild");
}

#[test]
#[ignore = "slow (256 generated files): `cargo test -- --include-ignored`, as CI does"]
fn mutated_dataset_files_are_imported_or_refused_cleanly() {
    let demo: Value = serde_json::from_str(govtrail::dataset::DEMO).expect("demo JSON");
    let files = prop::collection::vec(any_mutation(), 1..4).prop_map(move |m| mutated(&demo, &m));
    fuzz(256, files);
}

#[test]
#[ignore = "slow (generated files): `cargo test -- --include-ignored`, as CI does"]
fn arbitrary_files_are_refused_cleanly() {
    let files = prop_oneof![
        any_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
        // Objects with the dataset's own keys and values of any kind.
        prop::collection::btree_map(
            prop::sample::select(vec![
                "sources",
                "areas",
                "organizations",
                "officials",
                "conferences",
                "directives",
                "tasks",
                "posts"
            ]),
            any_value(),
            0..4
        )
        .prop_map(|m| serde_json::to_vec(&m).expect("JSON")),
    ];
    fuzz(128, files);
}
