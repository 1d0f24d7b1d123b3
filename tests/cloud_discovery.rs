//! Environment discovery and the REST client against the real sandbox over loopback.

use permit_tui::cloud::{CloudClient, CloudError, Discovery, DiscoveryStart, KeyLevel};
use permit_tui::pdp::CheckInput;
use permit_tui::store::{Config, KeySource};
use permit_tui::targets::{self, running_sandbox};

#[tokio::test]
async fn org_key_walks_project_then_env_and_ends_in_a_working_environment() {
    let sandbox = running_sandbox().await.unwrap();
    let client = CloudClient::new(&sandbox.url, &sandbox.org_api_key).unwrap();
    let (discovery, start) = Discovery::start(client, &sandbox.org_api_key)
        .await
        .unwrap();
    assert_eq!(discovery.level(), KeyLevel::Organization);
    let DiscoveryStart::PickProject(projects) = start else {
        panic!("an org key must lead to the project picker, got {start:?}");
    };
    let project = projects
        .iter()
        .find(|p| p.key == "sandbox")
        .unwrap_or_else(|| panic!("no sandbox project in {projects:?}"));
    let envs = discovery.environments(&project.key).await.unwrap();
    let keys: Vec<_> = envs.iter().map(|e| e.key.as_str()).collect();
    assert!(keys.contains(&"dev") && keys.contains(&"prod"), "{keys:?}");
    let dev = envs.iter().find(|e| e.key == "dev").unwrap();

    let found = discovery.choose(project, dev).await.unwrap();
    let dev_info = sandbox
        .environments
        .iter()
        .find(|e| e.key == "dev")
        .unwrap();
    assert_eq!(found.api_key, dev_info.api_key);
    assert_eq!(found.suggested_name, "sandbox-dev");
    assert!(!format!("{found:?}").contains(&found.api_key));

    // Saved as a configured environment, it resolves and answers a check.
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::empty(&dir.path().join("config.toml"));
    config.upsert(found.to_config(Some("picked"), &sandbox.url, &sandbox.url));
    config.active = Some("picked".to_string());
    config.save().unwrap();
    let (config, notices) = Config::load_from(&dir.path().join("config.toml"));
    assert!(notices.is_empty());
    let target = targets::resolve(None, &config).await.unwrap();
    assert_eq!(target.name, "picked");
    assert_eq!(target.key_source, KeySource::Stored);
    assert!(!target.is_sandbox);
    let query = CheckInput {
        user: "alice".into(),
        action: "read".into(),
        resource: "document".into(),
        ..CheckInput::default()
    }
    .to_query()
    .unwrap();
    let exchange = target
        .client(std::time::Duration::from_secs(5))
        .unwrap()
        .check(&query)
        .await;
    assert_eq!(exchange.status, Some(200), "{:?}", exchange.raw_body);
    assert!(exchange.result.is_ok(), "{:?}", exchange.result);
}

#[tokio::test]
async fn environment_key_names_itself_from_project_and_env() {
    let sandbox = running_sandbox().await.unwrap();
    let prod = sandbox
        .environments
        .iter()
        .find(|e| e.key == "prod")
        .unwrap();
    let client = CloudClient::new(&sandbox.url, &prod.api_key).unwrap();
    let (discovery, start) = Discovery::start(client, &prod.api_key).await.unwrap();
    assert_eq!(discovery.level(), KeyLevel::Environment);
    let DiscoveryStart::Ready(found) = start else {
        panic!("an env key needs no picker, got {start:?}");
    };
    assert_eq!(found.project.key, "sandbox");
    assert_eq!(found.environment.key, "prod");
    assert_eq!(found.api_key, prod.api_key);
}

#[tokio::test]
async fn unknown_choices_are_listed_and_bad_keys_explained() {
    let sandbox = running_sandbox().await.unwrap();
    let client = CloudClient::new(&sandbox.url, &sandbox.org_api_key).unwrap();
    let (discovery, _) = Discovery::start(client, &sandbox.org_api_key)
        .await
        .unwrap();
    let err = discovery
        .choose_by_key("sandbox", "staging")
        .await
        .unwrap_err();
    match &err {
        CloudError::NoSuchChoice { what, choices, .. } => {
            assert_eq!(*what, "environment");
            assert!(choices.contains(&"dev".to_string()), "{choices:?}");
        }
        other => panic!("expected NoSuchChoice, got {other:?}"),
    }
    assert!(err.to_string().contains("choose one of"), "{err}");
    let found = discovery.choose_by_key("sandbox", "PROD").await.unwrap();
    assert_eq!(found.environment.key, "prod");

    let bad = CloudClient::new(&sandbox.url, "permit_key_not_a_real_one").unwrap();
    let err = bad.scope().await.unwrap_err();
    assert!(
        matches!(
            err,
            CloudError::Unauthorized { .. } | CloudError::Forbidden { .. }
        ),
        "{err:?}"
    );
    assert!(!err.hint().is_empty());
}

#[tokio::test]
async fn schema_and_facts_listings_parse() {
    let sandbox = running_sandbox().await.unwrap();
    let dev = sandbox
        .environments
        .iter()
        .find(|e| e.key == "dev")
        .unwrap();
    let client = CloudClient::new(&sandbox.url, &dev.api_key).unwrap();
    let (p, e) = (dev.project.as_str(), dev.key.as_str());
    let resources = client.resources(p, e).await.unwrap();
    let document = resources.iter().find(|r| r.key == "document").unwrap();
    assert!(document.action_keys().contains(&"read".to_string()));
    assert!(document
        .attribute_types()
        .contains(&("owner".to_string(), "string".to_string())));
    let roles = client.roles(p, e).await.unwrap();
    let viewer = roles.iter().find(|r| r.key == "viewer").unwrap();
    assert!(viewer.permissions.contains(&"document:read".to_string()));
    client.user_attributes(p, e).await.unwrap();
    let tenants = client.tenants(p, e).await.unwrap();
    assert!(tenants.iter().any(|t| t.key == "acme"), "{tenants:?}");
    let page = client.users(p, e, None, 1, 100).await.unwrap();
    assert_eq!(page.data.len() as u64, page.total_count.min(100));
    let all = client.all_users(p, e, None, 10_000).await.unwrap();
    assert_eq!(all.len() as u64, page.total_count);
    assert!(all
        .iter()
        .any(|u| u.key == "alice" && u.email.as_deref() == Some("alice@acme.test")));
    let found = client.users(p, e, Some("alice"), 1, 10).await.unwrap();
    assert!(found.data.iter().all(
        |u| u.key.contains("alice") || u.email.as_deref().unwrap_or_default().contains("alice")
    ));
}

#[tokio::test]
async fn sandbox_targets_share_one_sandbox_and_answer() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::empty(&dir.path().join("config.toml"));
    let dev = targets::resolve(None, &config).await.unwrap();
    let prod = targets::resolve(Some("sandbox-prod"), &config)
        .await
        .unwrap();
    assert_eq!(dev.name, "sandbox-dev");
    assert!(dev.is_sandbox && prod.is_sandbox);
    assert_eq!(dev.pdp_url, prod.pdp_url);
    assert_eq!(dev.api_url, dev.pdp_url);
    assert!(!format!("{dev:?}").contains(dev.reveal_key().unwrap()));
    assert_eq!(
        dev.client(std::time::Duration::from_secs(5))
            .unwrap()
            .healthy()
            .await
            .status,
        Some(200)
    );
    let err = targets::resolve(Some("nope"), &config).await.unwrap_err();
    assert!(err.to_string().contains("sandbox-dev"), "{err}");
}
