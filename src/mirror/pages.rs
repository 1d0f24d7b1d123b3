//! Every page of one Permit list: the first page says how many there are
//! (`include_total_count=true`), the rest are fetched a bounded number at a time, in order.
//! A 429 waits for its `Retry-After`, a 5xx or a dropped connection is retried with backoff,
//! and a page that still fails ends the snapshot naming the list and the page.

use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::cloud::{CloudClient, CloudError};

/// Permit's largest page.
pub const PER_PAGE: usize = 100;
/// Attempts per page before the snapshot fails.
const ATTEMPTS: u32 = 5;
/// The longest wait between two attempts, whatever `Retry-After` says.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// A page that could not be fetched.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}, page {page}: {source}")]
pub struct PageError {
    pub path: String,
    pub page: usize,
    #[source]
    pub source: CloudError,
}

/// Fetches every page of `segments` and hands each page's items to `take`, in page order.
/// `progress` hears `(pages done, pages in all)` after each page.
pub async fn each_page<E: From<PageError>>(
    client: &CloudClient,
    segments: &[&str],
    concurrency: usize,
    mut take: impl FnMut(Vec<Value>) -> Result<(), E>,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(), E> {
    let first = fetch(client, segments, 1).await?;
    let (items, page_count) = match first {
        Value::Object(mut page) => {
            let items = into_items(page.remove("data").unwrap_or(Value::Null));
            let count = page.get("page_count").and_then(Value::as_u64).unwrap_or(1);
            (items, usize::try_from(count).unwrap_or(usize::MAX).max(1))
        }
        // A list that ignores `include_total_count`: page on until a short page.
        bare => return each_bare_page(client, segments, into_items(bare), take, progress).await,
    };
    take(items)?;
    progress(1, page_count);
    let mut done = 1;
    let mut rest = stream::iter(2..=page_count)
        .map(|page| fetch(client, segments, page))
        .buffered(concurrency.max(1));
    while let Some(page) = rest.try_next().await? {
        take(into_items(page))?;
        done += 1;
        progress(done, page_count);
    }
    Ok(())
}

async fn each_bare_page<E: From<PageError>>(
    client: &CloudClient,
    segments: &[&str],
    mut items: Vec<Value>,
    mut take: impl FnMut(Vec<Value>) -> Result<(), E>,
    progress: &mut impl FnMut(usize, usize),
) -> Result<(), E> {
    let mut page = 1;
    loop {
        let full = items.len() >= PER_PAGE;
        take(std::mem::take(&mut items))?;
        progress(page, if full { page + 1 } else { page });
        if !full {
            return Ok(());
        }
        page += 1;
        items = into_items(fetch(client, segments, page).await?);
    }
}

fn into_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Object(mut page) => into_items(page.remove("data").unwrap_or(Value::Null)),
        _ => Vec::new(),
    }
}

/// One page, retried as the error allows.
async fn fetch(client: &CloudClient, segments: &[&str], page: usize) -> Result<Value, PageError> {
    fetch_page(client, segments, page, &[]).await
}

/// Page `page` (of [`PER_PAGE`]) of a list with filters `extra` (repeatable), retried as the
/// error allows: a 429 after its `Retry-After`, a 5xx or a lost connection with backoff.
pub async fn fetch_page(
    client: &CloudClient,
    segments: &[&str],
    page: usize,
    extra: &[(String, String)],
) -> Result<Value, PageError> {
    let page_text = page.to_string();
    let per_page = PER_PAGE.to_string();
    let mut query = vec![
        ("page", page_text.as_str()),
        ("per_page", per_page.as_str()),
        ("include_total_count", "true"),
    ];
    query.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let error = match client.get_json(segments, &query).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        // Only what passes is retried: a rate limit and a failing or unreachable server.
        let wait = match &error {
            CloudError::RateLimited { retry_after, .. } => {
                Some(retry_after.unwrap_or(Duration::from_secs(u64::from(attempt))))
            }
            CloudError::Server { .. }
            | CloudError::Timeout { .. }
            | CloudError::Unreachable { .. } => {
                Some(Duration::from_millis(200 * 2u64.pow(attempt)))
            }
            _ => None,
        };
        let Some(wait) = wait.filter(|_| attempt < ATTEMPTS) else {
            return Err(PageError {
                path: format!("/{}", segments.join("/")),
                page,
                source: error,
            });
        };
        tokio::time::sleep(wait.min(MAX_WAIT)).await;
    }
}
