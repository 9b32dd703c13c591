//! Describe calls in batches, run concurrently under a shared budget.

use std::future::Future;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use tokio::sync::Semaphore;

use crate::aws::AwsError;
use crate::domain::Failure;

/// How many describe batches one page may run at once: a first screen's
/// ten batches (100 services) go out in one round trip.
pub(super) const PER_REQUEST: usize = 10;

/// Splits `ids` into chunks of `size`, describes them concurrently (at
/// most `PER_REQUEST` per call here and `budget` permits across every
/// user), and returns everything found plus every `failures[]` entry, in
/// the order of `ids`' chunks.
pub async fn describe_all<T, F, Fut>(
    ids: &[String],
    size: usize,
    budget: &Arc<Semaphore>,
    describe: F,
) -> Result<(Vec<T>, Vec<Failure>), AwsError>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Vec<Failure>), AwsError>>,
{
    describe_all_progress(ids, size, budget, describe, |_| {}).await
}

/// `describe_all`, calling `progress` with everything found so far after
/// each batch arrives (in the order of `ids`' chunks, so the first ids are
/// described first and a caller can show them before the rest).
pub async fn describe_all_progress<T, F, Fut>(
    ids: &[String],
    size: usize,
    budget: &Arc<Semaphore>,
    describe: F,
    mut progress: impl FnMut(&[T]),
) -> Result<(Vec<T>, Vec<Failure>), AwsError>
where
    F: Fn(Vec<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Vec<Failure>), AwsError>>,
{
    let chunks: Vec<Vec<String>> = ids.chunks(size.max(1)).map(<[String]>::to_vec).collect();
    let mut batches = stream::iter(chunks)
        .map(|chunk: Vec<String>| {
            let fut = describe(chunk);
            let budget = budget.clone();
            async move {
                let _permit = budget
                    .acquire_owned()
                    .await
                    .map_err(|_| AwsError::Unavailable {
                        code: "ShuttingDown".to_string(),
                        message: "ecsdeck is shutting down".to_string(),
                    })?;
                fut.await
            }
        })
        .buffered(PER_REQUEST);
    let mut found = Vec::new();
    let mut failures = Vec::new();
    while let Some((f, x)) = batches.try_next().await? {
        found.extend(f);
        failures.extend(x);
        progress(&found);
    }
    Ok((found, failures))
}
