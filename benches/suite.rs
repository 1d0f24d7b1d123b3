//! Parsing suites of 2,000 and 20,000 checks side by side: the ratio shows whether placing
//! checks on their lines stays linear (it rescanned the text per check before: 21 s for 20,000).
//! Run: `cargo bench --bench suite`.

use criterion::{criterion_group, criterion_main, Criterion};
use permit_tui::suite::parse_suite;
use std::path::Path;

fn suite_text(checks: usize) -> String {
    let mut text = String::from("name = \"big\"\n");
    for i in 0..checks {
        text.push_str(&format!(
            "[[check]]\nname = \"c{i}\"\nuser = \"u{i}\"\naction = \"read\"\nresource = \"document:d{i}\"\ncontext = {{ ip = \"10.0.0.{}\" }}\nexpect = \"allow\"\n",
            i % 250
        ));
    }
    text
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("suite_parse");
    group.sample_size(10);
    for checks in [2_000, 20_000] {
        let text = suite_text(checks);
        group.bench_function(format!("{checks}_checks"), |b| {
            b.iter(|| parse_suite(Path::new("big.toml"), &text).map(|s| s.checks.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
