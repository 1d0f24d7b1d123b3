//! `env snapshot` and `check --mirror`: two sandboxes over loopback. One plays the real
//! environment (its REST API is the snapshot's source); the other plays its PDP, whose data
//! lost bob's roles. The mirror explains the PDP's deny, says it disagrees and why.

use serde_json::Value;

mod common;
use common::loopback::{dev_without_roles_of, permit_tui, serving, text, DEV_JSON, DEV_KEY as KEY};

const BOB_READS_A_REPORT: [&str; 9] = [
    "check", "-u", "bob", "-a", "read", "-r", "report", "-t", "acme",
];

#[tokio::test(flavor = "multi_thread")]
async fn the_mirror_explains_a_pdp_that_disagrees_and_agrees_with_one_in_sync() {
    let real = serving(DEV_JSON).await;
    let drifted = dev_without_roles_of("bob");
    let stale_pdp = serving(&drifted).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let (real_url, stale_url) = (real.url(), stale_pdp.url());

    tokio::task::spawn_blocking(move || {
        let add = |name: &str, pdp: &str| {
            let out = permit_tui(
                &[
                    "env",
                    "add",
                    name,
                    "--pdp",
                    pdp,
                    "--api-url",
                    &real_url,
                    "--key-env",
                    "PERMIT_API_KEY",
                ],
                &path,
            );
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        };
        add("prod", &stale_url);
        add("prod-in-sync", &real_url);

        // Without a mirror, --mirror says how to take one.
        let out = permit_tui(
            &[&BOB_READS_A_REPORT[..], &["--env", "prod", "--mirror"]].concat(),
            &path,
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains("permit-tui env snapshot prod"),
            "{}",
            text(&out)
        );

        // Without a mirror, pdp status compares the PDP with the REST API as of now.
        let out = permit_tui(&["pdp", "status", "--env", "prod"], &path);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{shown}");
        assert!(
            shown.contains("the REST API (the key's environment, now) has 11"),
            "{shown}"
        );
        assert!(shown.contains("bob → viewer in acme"), "{shown}");

        let out = permit_tui(&["env", "snapshot", "prod"], &path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let mirror = path.join("data/mirrors/prod.json");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&mirror).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let stored = std::fs::read_to_string(&mirror).unwrap();
        assert!(
            !stored.contains(KEY),
            "the source's key must not be in the mirror"
        );

        // The PDP lost bob's roles: it denies, the mirror allows and shows why.
        let out = permit_tui(
            &[&BOB_READS_A_REPORT[..], &["--env", "prod", "--mirror"]].concat(),
            &path,
        );
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{shown}");
        assert!(shown.starts_with("exit Some(1)\nDENY"), "{shown}");
        assert!(
            shown.contains(
                "mirror: MIRROR DISAGREES: the PDP says DENY, the mirror ALLOW; snapshot"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("viewer"),
            "the mirror's tree names the granting role: {shown}"
        );
        assert!(
            shown.contains("◀ decisive") || shown.contains("✔"),
            "{shown}"
        );
        let causes = shown
            .split("possible causes, most likely first:")
            .nth(1)
            .unwrap_or_default();
        // A mirror taken seconds ago: the PDP's sync comes before changed data.
        let first = causes.lines().nth(1).unwrap_or_default();
        assert!(first.contains("1. the PDP has not synced"), "{causes}");
        assert!(
            causes.contains("permit-tui pdp status --env prod"),
            "{causes}"
        );
        assert!(causes.contains("permit-tui env snapshot prod"), "{causes}");

        // The same mirror beside a PDP in sync: they agree.
        let file = format!("--mirror={}", mirror.display());
        let out = permit_tui(
            &[&BOB_READS_A_REPORT[..], &["--env", "prod-in-sync", &file]].concat(),
            &path,
        );
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains("mirror: mirror agrees (ALLOW), snapshot"),
            "{shown}"
        );
        assert!(!shown.contains("possible causes"), "{shown}");

        // --json carries the same verdict.
        let out = permit_tui(
            &[
                &BOB_READS_A_REPORT[..],
                &["--env", "prod", "--mirror", "--json"],
            ]
            .concat(),
            &path,
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["decision"], "deny");
        assert_eq!(report["mirror"]["decision"], "allow");
        assert_eq!(report["mirror"]["agrees"], false);
        assert_eq!(report["mirror"]["causes"][0]["kind"], "not_synced");

        // pdp status compares the PDP with the environment's mirror by default.
        let out = permit_tui(&["pdp", "status", "--env", "prod"], &path);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{shown}");
        assert!(shown.contains("PDP API version 4"), "{shown}");
        assert!(
            shown.contains("the PDP lacks 1:") && shown.contains("bob → viewer in acme"),
            "{shown}"
        );
        let out = permit_tui(
            &[
                "pdp",
                "status",
                "--env",
                "prod-in-sync",
                "--snapshot",
                mirror.to_str().unwrap(),
            ],
            &path,
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));

        // env list shows the mirror's age; removing the environment removes its mirror.
        let out = permit_tui(&["env", "list"], &path);
        let listed = text(&out);
        let prod_line = listed
            .lines()
            .find(|l| l.contains(" prod "))
            .unwrap_or_default();
        assert!(prod_line.trim_end().ends_with("s old"), "{listed}");
        let out = permit_tui(&["env", "remove", "prod"], &path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!mirror.exists());
    })
    .await
    .unwrap();
    real.shutdown().await;
    stale_pdp.shutdown().await;
}
