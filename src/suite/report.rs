//! Reports of a suite run: the human table, one JSON object, and JUnit XML for CI.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::pdp::error::fmt_duration;
use crate::printable::escape_line;

use super::file::{decision_word, Suite};
use super::run::{explain_line, SuiteRun, Verdict};

fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// Pads or cuts `text` to `width` characters.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text}{}", " ".repeat(width - count))
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The pass/fail table, one line per check and the reason under every failure.
pub fn render_table(suite: &Suite, run: &SuiteRun) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Suite {} ({}) against {} ({}), {} checks via {}",
        suite.name,
        suite.source.display(),
        run.target,
        run.pdp_url,
        run.runs.len(),
        run.transport.as_str()
    );
    let width = run
        .runs
        .iter()
        .map(|r| r.check.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let _ = writeln!(
        out,
        "  {}  {}  {:<6} {:<6} {:>10}",
        fit("", 5),
        fit("check", width),
        "expect",
        "got",
        "latency"
    );
    let mut first_seen = std::collections::HashMap::new();
    for r in &run.runs {
        let got = match r.allow() {
            Some(allow) => decision_word(allow),
            None => "—",
        };
        let status = match r.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail { .. } => "FAIL",
            Verdict::Error { .. } => "ERROR",
        };
        let latency = if r.answer.via_bulk {
            "bulk".to_string()
        } else {
            fmt_duration(r.answer.latency)
        };
        let _ = writeln!(
            out,
            "  {}  {}  {:<6} {:<6} {:>10}",
            fit(status, 5),
            fit(&escape_line(&r.check.name), width),
            r.check.expect.as_str(),
            got,
            latency
        );
        match &r.verdict {
            Verdict::Pass => {}
            Verdict::Fail { reason } => {
                let reason = escape_line(reason);
                let _ = writeln!(out, "         line {}: {reason}", r.check.line);
            }
            // A dead PDP fails every check the same way: the error is told once, in full.
            Verdict::Error { kind, message } => match first_seen.get(&(kind, message)) {
                Some(first) => {
                    let _ = writeln!(
                        out,
                        "         line {}: [{kind}] the same error as line {first}",
                        r.check.line
                    );
                }
                None => {
                    first_seen.insert((kind, message), r.check.line);
                    let message = escape_line(message);
                    let _ = writeln!(out, "         line {}: [{kind}] {message}", r.check.line);
                }
            },
        }
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed, {} errors in {}",
        run.count("pass"),
        run.count("fail"),
        run.count("error"),
        fmt_duration(run.elapsed)
    );
    out
}

/// The run as one JSON object.
pub fn render_json(suite: &Suite, run: &SuiteRun) -> Value {
    let checks: Vec<Value> = run
        .runs
        .iter()
        .map(|r| {
            let (reason, error_kind) = match &r.verdict {
                Verdict::Pass => (Value::Null, Value::Null),
                Verdict::Fail { reason } => (json!(reason), Value::Null),
                Verdict::Error { kind, message } => (json!(message), json!(kind)),
            };
            json!({
                "name": r.check.name,
                "line": r.check.line,
                "verdict": r.verdict.label(),
                "expect": r.check.expect.as_str(),
                "expect_code": r.check.expect_code,
                "allow": r.allow(),
                "explanations": r.explanations(),
                "reason": reason,
                "error_kind": error_kind,
                "status": r.answer.status,
                "latency_ms": millis(r.answer.latency),
                "via_bulk": r.answer.via_bulk,
                "query": r.check.query,
            })
        })
        .collect();
    json!({
        "suite": suite.name,
        "file": suite.source.display().to_string(),
        "target": run.target,
        "pdp_url": run.pdp_url,
        "transport": run.transport,
        "passed": run.count("pass"),
        "failed": run.count("fail"),
        "errors": run.count("error"),
        "elapsed_ms": millis(run.elapsed),
        "exit_code": run.exit_code(),
        "checks": checks,
    })
}

/// Escapes text for XML content and attribute values; characters XML 1.0 forbids are
/// replaced, since a CI parser rejects the whole file for one of them.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML in the shape Jenkins, GitLab and GitHub reporters read.
pub fn render_junit(suite: &Suite, run: &SuiteRun) -> String {
    let suite_name = xml_escape(&suite.name);
    let classname = xml_escape(&format!("{}.{}", suite.name, run.target));
    let file = xml_escape(&suite.source.display().to_string());
    let seconds = run.elapsed.as_secs_f64();
    let (tests, failures, errors) = (run.runs.len(), run.count("fail"), run.count("error"));
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"permit-tui\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.6}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{suite_name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{seconds:.6}\">"
    );
    let _ = writeln!(
        out,
        "    <properties>\n      <property name=\"target\" value=\"{}\"/>\n      <property name=\"pdp_url\" value=\"{}\"/>\n    </properties>",
        xml_escape(&run.target),
        xml_escape(&run.pdp_url)
    );
    for r in &run.runs {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{classname}\" file=\"{file}\" line=\"{}\" time=\"{:.6}\"",
            xml_escape(&r.check.name),
            r.check.line,
            r.answer.latency.as_secs_f64()
        );
        match &r.verdict {
            Verdict::Pass => out.push_str("/>\n"),
            Verdict::Fail { reason } => {
                let detail = format!(
                    "{reason}\nquery: {}\nexplanation: {}",
                    serde_json::to_string(&r.check.query).unwrap_or_default(),
                    explain_line(&r.explanations())
                );
                let _ = write!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"unexpected_decision\">{}</failure>\n    </testcase>\n",
                    xml_escape(reason),
                    xml_escape(&detail)
                );
            }
            Verdict::Error { kind, message } => {
                let _ = write!(
                    out,
                    ">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                    xml_escape(message),
                    xml_escape(kind),
                    xml_escape(message)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_forbidden_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(xml_escape("x\u{1}y\nz"), "x\u{FFFD}y\nz");
    }

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
