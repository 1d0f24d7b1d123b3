//! Time to draw one explorer frame at 200×50 on ratatui's `TestBackend`: a realistic ALLOW
//! with the sandbox's full explanation and trace, and a full latency ring.
//!
//! `cargo bench --bench frame`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use permit_tui::pdp::{CheckInput, Exchange};
use permit_tui::sandbox::Sandbox;
use permit_tui::tui::app::{App, CheckOutcome, Health, ResultTab, SentRequest, Settings, Target};
use permit_tui::tui::bootstrap::demo_input;
use permit_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn app_with_result(input: &CheckInput) -> App {
    let sandbox = Sandbox::bundled().expect("bundled policies load");
    let env = sandbox
        .environments()
        .into_iter()
        .find(|e| e.key == "dev")
        .expect("dev environment");
    let target = Target::sandbox(
        &env.key,
        "http://127.0.0.1:7766",
        &env.api_key,
        &env.project,
        &env.key,
    );
    let mut app = App::new(vec![target.clone()], input, Settings::default());
    app.targets[0].health = Health::Up;
    let query = app.validation.clone().expect("demo query is valid");
    let result = sandbox.check(&env.api_key, &query).expect("known key");
    for i in 0..2000u64 {
        app.targets[0]
            .latencies
            .push(Duration::from_micros(300 + (i * 7919) % 900));
    }
    // Built once per answer, as the explorer does when a check finishes.
    let summary = permit_tui::explain::summarize(&query, &result);
    app.result = Some(CheckOutcome {
        id: 2000,
        target_name: target.name.clone(),
        request: SentRequest::for_check(&target, &query),
        exchange: Exchange {
            raw_body: Some(serde_json::to_string(&result).expect("serialisable")),
            result: Ok(result),
            latency: Duration::from_micros(412),
            status: Some(200),
        },
        mirror: None,
        summary: Some(summary),
    });
    app
}

fn frame(c: &mut Criterion) {
    let mut app = app_with_result(&demo_input());
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    c.bench_function("frame_200x50_allow_with_trace", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(view::render(black_box(&app), f));
                })
                .expect("draw");
        })
    });
    app.show_histogram = true;
    app.tab = ResultTab::Response;
    c.bench_function("frame_200x50_response_tab_histogram", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(view::render(black_box(&app), f));
                })
                .expect("draw");
        })
    });
}

/// A pasted JSON document of about 1.5 MB, pretty-printed as a file would be.
fn big_json() -> String {
    let items: Vec<serde_json::Value> = (0..6_400)
        .map(|i| {
            serde_json::json!({
                "id": i,
                "name": format!("item number {i}"),
                "tags": ["alpha", "beta", "gamma"],
                "owner": {"email": format!("user{i}@example.test"), "team": "platform"}
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "items": items })).expect("json")
}

/// One key typed into the context field and the frame drawn after it: with the field as it
/// usually is, and with 1.5 MB pasted into it (a 1.5 MB paste must not make every key lag). Compare the two medians of one run.
fn keypress(c: &mut Criterion) {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use permit_tui::tui::app::{Field, Focus};
    use permit_tui::tui::msg::Msg;
    use permit_tui::tui::update::update;
    let key = |code| Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    for (name, paste) in [
        ("keypress_and_frame_small_field", None),
        ("keypress_and_frame_1_5mb_field", Some(big_json())),
    ] {
        let mut app = app_with_result(&demo_input());
        app.focus = Focus::Field(Field::Context);
        if let Some(text) = paste {
            eprintln!("{name}: {} bytes pasted", text.len());
            update(&mut app, Msg::Input(Event::Paste(text)));
        }
        c.bench_function(name, |b| {
            b.iter(|| {
                update(&mut app, key(KeyCode::Char(' ')));
                update(&mut app, key(KeyCode::Backspace));
                terminal
                    .draw(|f| {
                        black_box(view::render(black_box(&app), f));
                    })
                    .expect("draw");
            })
        });
        // What the pause after typing costs: the form parsed and validated once.
        if app.validation_pending {
            c.bench_function("validate_once_after_typing_1_5mb_field", |b| {
                b.iter(|| app.revalidate())
            });
        }
    }
}

criterion_group!(benches, frame, keypress);
criterion_main!(benches);
