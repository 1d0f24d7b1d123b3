//! Quick timing of one check with and without the trace, its wire serialization and the bare
//! decision.
//!   cargo run --release --example sb_timing
use permit_tui::pdp::types::{AllowedQuery, Resource, User};
use permit_tui::sandbox::Sandbox;
fn main() {
    let Ok(s) = Sandbox::bundled() else { return };
    let q = AllowedQuery {
        user: User::with_key("alice"),
        action: "read".into(),
        resource: Resource {
            kind: "document".into(),
            key: Some("doc-1".into()),
            tenant: Some("acme".into()),
            ..Resource::default()
        },
        ..AllowedQuery::default()
    };
    let n = 20_000u32;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        for _ in 0..n {
            let e = s.explain("permit_key_sandbox_dev", std::hint::black_box(&q));
            std::hint::black_box(e.map(|e| serde_json::to_vec(&e).map(|v| v.len())));
        }
        println!("explain + serialize to wire JSON: {:?}/op", t.elapsed() / n);
        let t = std::time::Instant::now();
        for _ in 0..n {
            let e = s.explain_with("permit_key_sandbox_dev", std::hint::black_box(&q), false);
            std::hint::black_box(e.map(|e| serde_json::to_vec(&e).map(|v| v.len())));
        }
        println!(
            "explain without trace + serialize: {:?}/op",
            t.elapsed() / n
        );
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(s.check("permit_key_sandbox_dev", std::hint::black_box(&q)));
        }
        println!("check (trace as Value): {:?}/op", t.elapsed() / n);
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(s.decide("permit_key_sandbox_dev", std::hint::black_box(&q)));
        }
        println!("decide: {:?}/op", t.elapsed() / n);
    }
}
