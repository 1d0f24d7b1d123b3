//! Config on disk, and how targets resolve it with the one-run overrides.

use std::time::Duration;

use permit_tui::store::{Config, EnvironmentConfig, KeySource, Overrides, Paths, Store};
use permit_tui::targets::{self, FROM_ENV};

fn env(name: &str, pdp: &str, key: &str) -> EnvironmentConfig {
    EnvironmentConfig {
        name: name.into(),
        pdp_url: pdp.into(),
        api_url: "https://api.permit.io".into(),
        key: Some(key.into()),
        key_env: None,
        project: None,
        environment: None,
    }
}

#[test]
fn config_round_trips_through_store_open() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths::in_dir(root.path());
    let (mut store, _) = Store::open(paths.clone());
    store.config.upsert(env(
        "prod",
        "https://cloudpdp.api.permit.io",
        "permit_key_prodprodprodprod1111",
    ));
    store.config.upsert(env(
        "local",
        "http://localhost:7766",
        "permit_key_locallocallocal2222",
    ));
    store.config.active = Some("local".into());
    store.config.check_timeout = Duration::from_millis(750);
    store.config.save().unwrap();
    let (again, notices) = Store::open(paths);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(again.config.environments, store.config.environments);
    assert_eq!(again.config.active.as_deref(), Some("local"));
    assert_eq!(again.config.check_timeout, Duration::from_millis(750));
    // An active name that matches nothing falls back, with a notice.
    let mut typo = again.config.clone();
    typo.active = Some("lcoal".into());
    assert_eq!(targets::active_name(&typo), "sandbox-dev");
    let notice = targets::active_notice(&typo).unwrap();
    assert!(
        notice.to_string().contains("`lcoal` is not defined"),
        "{notice}"
    );
    assert!(targets::active_notice(&again.config).is_none());
    // Removing the active one clears it.
    let mut config = again.config;
    config.remove("local");
    assert_eq!(config.active, None);
    assert_eq!(targets::active_name(&config), "sandbox-dev");
}

#[tokio::test]
async fn overrides_apply_to_the_runs_environment_only() {
    let root = tempfile::tempdir().unwrap();
    let mut config = Config::empty(&root.path().join("config.toml"));
    config.upsert(env(
        "prod",
        "https://cloudpdp.api.permit.io",
        "permit_key_prodprodprodprod1111",
    ));
    config.upsert(env(
        "other",
        "http://127.0.0.1:9",
        "permit_key_otherotherother3333",
    ));
    config.overrides = Overrides {
        api_key: Some("permit_key_overrideoverride4444".into()),
        pdp_url: Some("http://127.0.0.1:7766".into()),
        api_url: None,
    };

    // No active environment: the variables make one.
    let target = targets::resolve(None, &config).await.unwrap();
    assert_eq!(target.name, FROM_ENV);
    assert_eq!(target.pdp_url, "http://127.0.0.1:7766");
    assert_eq!(target.key_source, KeySource::Override);
    assert_eq!(target.masked_key().as_deref(), Some("permit_key_…4444"));
    assert!(targets::summaries(&config)
        .iter()
        .any(|s| s.name == FROM_ENV && s.is_active));

    // With an active environment, the variables override it, and only it.
    config.active = Some("prod".into());
    let prod = targets::resolve(None, &config).await.unwrap();
    assert_eq!(
        (prod.name.as_str(), prod.pdp_url.as_str()),
        ("prod", "http://127.0.0.1:7766")
    );
    assert!(!prod.is_cloud_pdp());
    assert_eq!(prod.reveal_key(), Some("permit_key_overrideoverride4444"));
    let other = targets::resolve(Some("other"), &config).await.unwrap();
    assert_eq!(other.reveal_key(), Some("permit_key_otherotherother3333"));
    assert_eq!(other.key_source, KeySource::Stored);
    let sandbox = targets::resolve(Some("sandbox-dev"), &config)
        .await
        .unwrap();
    assert_eq!(sandbox.key_source, KeySource::Sandbox);
    assert!(targets::resolve(Some(FROM_ENV), &config).await.is_err());

    config.overrides = Overrides::default();
    let prod = targets::resolve(None, &config).await.unwrap();
    assert!(prod.is_cloud_pdp());
    assert_eq!(prod.key_source, KeySource::Stored);

    // Attributes at the Cloud PDP get a warning before they are sent; elsewhere none.
    let plain = permit_tui::pdp::CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..Default::default()
    };
    let with_attrs = permit_tui::pdp::CheckInput {
        resource_attributes: "{\"owner\": \"alice\"}".into(),
        ..plain.clone()
    };
    assert!(prod.abac_warning(&plain.to_query().unwrap()).is_none());
    let warning = prod.abac_warning(&with_attrs.to_query().unwrap()).unwrap();
    assert!(warning.contains("ABAC"), "{warning}");
    assert!(sandbox
        .abac_warning(&with_attrs.to_query().unwrap())
        .is_none());
}
