//! How fast `govtrail extract` reads reports, on one core (issue 18 asks for 500 a second):
//! every text of a folder (the project's fixtures by default; `REPORTS=DIR` for others, such
//! as the development set's texts) drafted over and over on this thread for `SECONDS` seconds,
//! as the facts and as the dataset draft, without matching (no database).
//!
//!     cargo bench --bench extract
//!     REPORTS=/path/to/texts SECONDS=10 cargo bench --bench extract

use govtrail::dataset::draft::draft_file;
use govtrail::domain::extract::{Source, extract};
use std::time::{Duration, Instant};

fn main() {
    let folder =
        std::env::var("REPORTS").unwrap_or_else(|_| format!("{}/tests/fixtures/reports", env!("CARGO_MANIFEST_DIR")));
    let seconds: f64 = std::env::var("SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let mut texts: Vec<(String, String)> = std::fs::read_dir(&folder)
        .expect("the reports folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            (
                p.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).expect("a text"),
            )
        })
        .collect();
    texts.sort();
    assert!(!texts.is_empty(), "no .txt reports in {folder}");
    let bytes: usize = texts.iter().map(|t| t.1.len()).sum();
    // Once first, so that the vocabulary is read and the patterns compiled before the clock.
    for (_, text) in &texts {
        let _ = draft_file(&extract(text, &Source::default()));
    }
    let budget = Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut reports = 0usize;
    let mut meetings = 0usize;
    let mut slowest = (Duration::ZERO, String::new());
    while started.elapsed() < budget {
        for (name, text) in &texts {
            let one = Instant::now();
            let draft = extract(text, &Source::default());
            let file = draft_file(&draft);
            meetings += file.dataset.conferences.len();
            let took = one.elapsed();
            if took > slowest.0 {
                slowest = (took, name.clone());
            }
            reports += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rounds = reports / texts.len();
    println!(
        "{} reports ({} texts, {:.1} KiB, {} rounds) in {elapsed:.2} s on one thread: {:.0} reports/s, {:.2} MB/s; {} meetings drafted; slowest one {:.2} ms ({})",
        reports,
        texts.len(),
        bytes as f64 / 1024.0,
        rounds,
        reports as f64 / elapsed,
        (bytes * rounds) as f64 / elapsed / 1e6,
        meetings,
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1
    );
}
