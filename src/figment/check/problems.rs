//! One environment's findings as problems, and the keys environments do not share.

use ::figment::Figment;
use ::figment::value::Value;
use serde::de::DeserializeOwned;

use super::names::{Naming, closest, shown};
use super::report::{EnvironmentReport, NameDifference, Problem, ProblemKind};
use super::survey::{self, Finding, Survey};
use crate::error::{Error, Result};
use crate::figment::RedactedError;
use crate::figment::unread::{UnreadSecret, extract_tracked, find, origin, secrets_at};

/// The problems of `T` in one environment's figment.
pub(super) fn check<T: DeserializeOwned>(environment: &str, figment: Figment, naming: &Naming) -> Result<Vec<Problem>> {
    let merged = figment.find_value("").map_err(|e| {
        Error::Config(format!("the figment of the environment check does not load: {}", RedactedError::from(e)))
    })?;
    let Survey { mut findings, stopped_at, ignored, fields } = survey::survey::<T>(&merged);
    // figment's own extraction has the last word: what it reads has nothing missing or mistyped, and
    // the keys it ignores are the unread ones.
    let unread = match extract_tracked::<T>(&figment) {
        Ok((_, unread)) => {
            findings.clear();
            Some(unread)
        }
        Err(error) => {
            if findings.is_empty() {
                let error = error.into_inner();
                findings.push((error.path.clone(), Finding::Invalid { detail: survey::describe(&error.kind) }));
            }
            stopped_at.is_none().then(|| secrets_at(&figment, &merged, ignored))
        }
    };
    let problem = |kind, path: &[String]| Problem {
        environment: environment.to_owned(),
        kind,
        key: path.join("."),
        secrets: Vec::new(),
        expected: None,
        closest_field: None,
        detail: None,
    };
    let mut problems = Vec::new();
    for (path, finding) in &findings {
        // A missing table whose own fields are reported: they say more.
        let inner = |p: &Vec<String>| p.len() > path.len() && p.starts_with(path);
        let mut p = match finding {
            Finding::Missing { .. } if findings.iter().any(|(p, _)| inner(p)) => continue,
            Finding::Missing { expected } => {
                let table = expected.as_deref().is_some_and(|e| e.starts_with("struct") || e.contains("map"));
                let mut p = problem(ProblemKind::Missing, path);
                p.secrets = naming.expected(path, table);
                p.expected.clone_from(expected);
                p
            }
            Finding::Mistyped { expected } => {
                let mut p = problem(ProblemKind::Mistyped, path);
                p.expected = Some(expected.clone());
                from_where(&figment, &merged, path, &mut p);
                p
            }
            Finding::Invalid { detail } => {
                let mut p = problem(ProblemKind::Invalid, path);
                p.detail = Some(detail.clone());
                from_where(&figment, &merged, path, &mut p);
                p
            }
        };
        if stopped_at.as_ref() == Some(path) {
            stopped(&mut p, unread.is_none());
        }
        problems.push(p);
    }
    if let Some(at) = &stopped_at
        && !findings.is_empty()
        && !findings.iter().any(|(p, _)| p == at)
    {
        let mut p = problem(ProblemKind::Invalid, at);
        stopped(&mut p, unread.is_none());
        problems.push(p);
    }
    for secret in unread.into_iter().flatten() {
        let mut p = problem(ProblemKind::Unread, &[]);
        p.closest_field = closest(&secret.key, &fields);
        p.secrets = vec![shown(&secret.folder, &secret.name)];
        p.key = secret.key;
        problems.push(p);
    }
    problems.sort_by(|a, b| a.key.cmp(&b.key).then(a.kind.cmp(&b.kind)));
    Ok(problems)
}

fn stopped(problem: &mut Problem, unread_unknown: bool) {
    let mut note = "the check stops here: the fields read after it are not checked".to_owned();
    if unread_unknown {
        note.push_str(", nor unread secrets looked for");
    }
    problem.detail = Some(match problem.detail.take() {
        Some(detail) => format!("{detail}; {note}"),
        None => note,
    });
}

/// Names the secret the value at `path` came from, or the source that gave it when not Infisical.
fn from_where(figment: &Figment, merged: &Value, path: &[String], problem: &mut Problem) {
    let Some(value) = find(merged, path) else { return };
    if let Some(secret) = origin(figment, value, path) {
        problem.secrets = vec![shown(&secret.folder, &secret.name)];
    } else if let Some(metadata) = figment.get_metadata(value.tag()) {
        let source = metadata.source.as_ref().map(|s| format!(" {s}")).unwrap_or_default();
        let given = format!("from {}{source}", metadata.name);
        problem.detail = Some(problem.detail.take().map_or(given.clone(), |d| format!("{d}; {given}")));
    }
}

/// The keys some loaded environments hold and others do not.
pub(super) fn differences(
    environments: &[EnvironmentReport],
    held: &[(usize, Vec<UnreadSecret>)],
) -> Vec<NameDifference> {
    if held.len() < 2 {
        return Vec::new();
    }
    let mut keys: std::collections::BTreeMap<&str, (String, Vec<usize>)> = std::collections::BTreeMap::new();
    for (at, secrets) in held {
        for secret in secrets {
            let entry = keys.entry(&secret.key).or_insert_with(|| (shown(&secret.folder, &secret.name), Vec::new()));
            entry.1.push(*at);
        }
    }
    keys.into_iter()
        .filter(|(_, (_, present))| present.len() < held.len())
        .map(|(key, (secret, present))| {
            let name = |at: &usize| environments[*at].environment.clone();
            NameDifference {
                key: key.to_owned(),
                secret,
                present_in: present.iter().map(name).collect(),
                absent_from: held.iter().map(|(at, _)| at).filter(|at| !present.contains(at)).map(name).collect(),
            }
        })
        .collect()
}
