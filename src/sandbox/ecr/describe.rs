//! DescribeRepositories.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::errors::{page, repository_not_found, slice};
use super::model::{Region, Repository};
use crate::sandbox::error::ApiError;
use crate::sandbox::logs::input::opt_str_list;

pub fn describe_repositories(
    region: &Region,
    repos: &BTreeMap<String, Repository>,
    body: &Value,
) -> Result<Value, ApiError> {
    let names = opt_str_list(body, "repositoryNames")?;
    if names
        .as_ref()
        .is_some_and(|n| n.is_empty() || n.len() > 100)
    {
        return Err(ApiError::invalid(
            "repositoryNames must hold between 1 and 100 names",
        ));
    }
    let (max, start) = page(body, names.is_some(), "repositoryNames")?;
    let chosen: Vec<&Repository> = match &names {
        Some(names) => names
            .iter()
            .map(|n| repos.get(n).ok_or_else(|| repository_not_found(n)))
            .collect::<Result<_, _>>()?,
        None => repos.values().collect(),
    };
    let (page, next) = slice(chosen, start, max);
    let mut out =
        json!({ "repositories": page.iter().map(|r| r.json(region)).collect::<Vec<_>>() });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}
