//! The lease routes of the fake: each request checked in the real server's order, then answered from
//! and applied to the [`Book`].

// A refusal is the answer itself, built once per request: its size does not matter here.
#![allow(clippy::result_large_err)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::Request;

// The fake's answer type: wiremock's template with its body size, so leases count in `body_bytes()`.
use crate::testing::traffic::Answer as ResponseTemplate;

use super::{DynamicSecretSpec, FakeLease, FakeLeaseState};
use crate::resources::dynamic_secrets::Ttl;
use crate::resources::normalize_path;
use crate::testing::PROJECT_SLUG;
use crate::testing::server::{State, error, query};

/// What a lease request says: in the query for reads, in the JSON body for writes.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    dynamic_secret_name: Option<String>,
    project_slug: Option<String>,
    environment_slug: Option<String>,
    path: Option<String>,
    ttl: Option<Ttl>,
    config: Option<Value>,
    is_forced: Option<bool>,
}

/// Answers `/api/v1/dynamic-secrets/{rest}`.
pub(in crate::testing) fn respond(
    state: &Arc<Mutex<State>>,
    method: &str,
    rest: &[&str],
    req: &Request,
) -> ResponseTemplate {
    let mut guard = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let state = &mut *guard;
    let now = state.clock.now();
    state.leases.reap(now);
    let input = if method == "GET" {
        let q = query(req);
        Input {
            project_slug: q.get("projectSlug").cloned(),
            environment_slug: q.get("environmentSlug").cloned(),
            path: q.get("path").cloned(),
            ..Input::default()
        }
    } else {
        match serde_json::from_slice::<Input>(&req.body) {
            Ok(input) => input,
            Err(e) => return error(400, "BadRequest", &format!("Invalid body: {e}")),
        }
    };
    match (method, rest) {
        ("POST", ["leases"] | ["leases", "kubernetes"]) => state.leases.counts.creates += 1,
        ("POST", ["leases", _, "renew"]) => state.leases.counts.renews += 1,
        ("DELETE", ["leases", _]) => state.leases.counts.revokes += 1,
        _ => {}
    }
    let call = Call { state, input: &input, now };
    match (method, rest) {
        // Servers of 2024 have no kubernetes lease route.
        ("POST", ["leases", "kubernetes"]) if call.state.legacy_only => route_not_found(method, req),
        ("GET", []) => call.list(),
        ("GET", ["leases", id]) => call.get_lease(id),
        ("GET", [name]) => call.get(name),
        ("GET", [name, "leases"]) => call.leases(name),
        ("POST", ["leases"] | ["leases", "kubernetes"]) => call.create(),
        ("POST", ["leases", id, "renew"]) => call.renew(id),
        ("DELETE", ["leases", id]) => call.revoke(id),
        _ => route_not_found(method, req),
    }
}

fn route_not_found(method: &str, req: &Request) -> ResponseTemplate {
    error(404, "Not Found", &format!("Route {method}:{} not found", req.url.path()))
}

/// One request against the fake's state.
struct Call<'a> {
    state: &'a mut State,
    input: &'a Input,
    now: SystemTime,
}

type Answer = Result<ResponseTemplate, ResponseTemplate>;

impl Call<'_> {
    fn project(&self) -> Result<(), ResponseTemplate> {
        let slug = self.input.project_slug.as_deref().unwrap_or_default();
        if slug != PROJECT_SLUG {
            return Err(error(404, "NotFound", &format!("Project with slug '{slug}' not found")));
        }
        Ok(())
    }

    /// The environment and folder asked for, once the project and the folder are known to exist; a
    /// folder that does not is refused with `message(path, environment)`.
    fn place(&self, message: impl Fn(&str, &str) -> String) -> Result<(String, String), ResponseTemplate> {
        self.project()?;
        let env = self.input.environment_slug.clone().unwrap_or_default();
        let path = normalize_path(self.input.path.as_deref().unwrap_or("/"));
        let inside = |folder: &str| path == "/" || folder == path || folder.starts_with(&format!("{path}/"));
        if !self.state.folders.keys().any(|(e, folder)| *e == env && inside(folder)) {
            return Err(error(404, "NotFound", &message(&path, &env)));
        }
        Ok((env, path))
    }

    fn plan(&self, what: &str) -> Result<(), ResponseTemplate> {
        if self.state.leases.unlicensed {
            return Err(error(
                400,
                "BadRequest",
                &format!("Failed to {what} lease due to plan restriction. Upgrade plan to create dynamic secret."),
            ));
        }
        Ok(())
    }

    fn permission(&self) -> Result<(), ResponseTemplate> {
        if self.state.leases.forbidden {
            return Err(ResponseTemplate::new(403).set_body_json(json!({
                "statusCode": 403, "error": "PermissionDenied", "message": "You are not allowed to lease on dynamic-secrets",
                "details": [{"action": "lease", "subject": "dynamic-secrets"}],
            })));
        }
        Ok(())
    }

    fn secret(&self, env: &str, path: &str, name: &str) -> Result<(&String, &DynamicSecretSpec), ResponseTemplate> {
        let key = (env.to_owned(), path.to_owned(), name.to_lowercase());
        self.state.leases.secrets.get(&key).map(|(id, spec)| (id, spec)).ok_or_else(|| {
            error(404, "NotFound", &format!("Dynamic secret with name '{name}' in folder with path '{path}' not found"))
        })
    }

    /// The lease `id` of the folder asked for, while the server knows it.
    fn lease(&self, id: &str, env: &str, path: &str) -> Result<usize, ResponseTemplate> {
        self.state
            .leases
            .leases
            .iter()
            .position(|l| {
                l.id == id
                    && l.environment == env
                    && l.path == path
                    && matches!(l.state, FakeLeaseState::Active | FakeLeaseState::RevokeFailed)
            })
            .ok_or_else(|| error(404, "NotFound", &format!("Dynamic secret lease with ID '{id}' not found")))
    }

    fn lease_folder(&self) -> Result<(String, String), ResponseTemplate> {
        self.place(|path, env| format!("Folder with path '{path}' in environment with slug '{env}' not found"))
    }

    /// The TTL asked for (an empty one counts as none), checked as the server's validation does.
    fn ttl(&self) -> Result<Option<Duration>, ResponseTemplate> {
        let Some(ttl) = self.input.ttl.as_ref().filter(|t| !t.as_str().is_empty()) else { return Ok(None) };
        match ttl.duration() {
            Some(d) if d < Duration::from_secs(60) => Err(validation("TTL must be a greater than 1min")),
            Some(d) => Ok(Some(d)),
            None => Err(validation("Invalid TTL")),
        }
    }

    fn list(self) -> ResponseTemplate {
        self.answer(|call| {
            let (env, path) = call.place(|p, e| format!("Folder with path '{p}' in environment '{e}' not found"))?;
            let found: Vec<Value> = call
                .state
                .leases
                .secrets
                .iter()
                .filter(|((e, p, _), _)| *e == env && *p == path)
                .map(|((_, p, name), (id, spec))| secret_json(id, name, p, &env, spec))
                .collect();
            Ok(ok(json!({"dynamicSecrets": found})))
        })
    }

    fn get(self, name: &str) -> ResponseTemplate {
        self.answer(|call| {
            let (env, path) = call.place(|p, e| format!("Folder with path '{p}' in environment '{e}' not found"))?;
            let (id, spec) = call.secret(&env, &path, name)?;
            let mut found = secret_json(id, name, &path, &env, spec);
            // The provider's configuration, root credentials included, as a real server answers it.
            found["inputs"] = json!({"client": "postgres", "host": "127.0.0.1", "username": "root", "password": "fake-root-password"});
            Ok(ok(json!({"dynamicSecret": found})))
        })
    }

    fn leases(self, name: &str) -> ResponseTemplate {
        self.answer(|call| {
            let (env, path) = call.lease_folder()?;
            call.secret(&env, &path, name)?;
            call.permission()?;
            let found: Vec<Value> = call
                .state
                .leases
                .leases
                .iter()
                .filter(|l| l.environment == env && l.path == path && l.dynamic_secret == name.to_lowercase())
                .filter(|l| matches!(l.state, FakeLeaseState::Active | FakeLeaseState::RevokeFailed))
                .map(|l| call.lease_json(l))
                .collect();
            Ok(ok(json!({"leases": found})))
        })
    }

    /// A lease create, on `/leases` and `/leases/kubernetes` alike: checks in the server's order
    /// (validation, project, plan, folder, name, permission, TTL).
    fn create(self) -> ResponseTemplate {
        self.answer(|call| {
            let asked = call.ttl()?;
            call.project()?;
            call.plan("create")?;
            let (env, path) = call.lease_folder()?;
            let name = call.input.dynamic_secret_name.clone().unwrap_or_default().to_lowercase();
            let (ds_id, spec) = call.secret(&env, &path, &name)?;
            let (ds_id, spec) = (ds_id.clone(), spec.clone());
            call.permission()?;
            let ttl = asked.unwrap_or(spec.default_ttl);
            if spec.max_ttl.is_some_and(|max| ttl > max) {
                return Err(error(400, "BadRequest", "TTL cannot be larger than max TTL"));
            }
            let book = &mut call.state.leases;
            let n = book.leases.len() + 1;
            let lease = FakeLease {
                id: format!("1ea5e000-0000-4000-8000-{n:012x}"),
                dynamic_secret: name.clone(),
                environment: env.clone(),
                path: path.clone(),
                created_at: call.now,
                expire_at: call.now + ttl,
                renewals: 0,
                state: FakeLeaseState::Active,
                config: call.input.config.clone(),
                number: n,
            };
            let data: serde_json::Map<String, Value> =
                spec.data.iter().map(|(key, value)| (key.clone(), issue(value, n))).collect();
            let body = json!({
                "lease": call.lease_json(&lease), "dynamicSecret": secret_json(&ds_id, &name, &path, &env, &spec), "data": data,
            });
            call.state.leases.leases.push(lease);
            Ok(ok(body))
        })
    }

    fn get_lease(self, id: &str) -> ResponseTemplate {
        self.answer(|call| {
            let (env, path) = call.place(|p, _| format!("Folder with path '{p}' not found"))?;
            let at = call.lease(id, &env, &path)?;
            call.permission()?;
            let lease = &call.state.leases.leases[at];
            let (ds_id, spec) = call.secret(&env, &path, &lease.dynamic_secret)?;
            let mut body = call.lease_json(lease);
            body["dynamicSecret"] = secret_json(ds_id, &lease.dynamic_secret, &path, &env, spec);
            Ok(ok(json!({"lease": body})))
        })
    }

    fn renew(self, id: &str) -> ResponseTemplate {
        self.answer(|call| {
            let asked = call.ttl()?;
            call.project()?;
            call.plan("renew")?;
            let (env, path) = call.lease_folder()?;
            let at = call.lease(id, &env, &path)?;
            call.permission()?;
            let name = call.state.leases.leases[at].dynamic_secret.clone();
            let spec = call.secret(&env, &path, &name)?.1.clone();
            let lease = &mut call.state.leases.leases[at];
            let expire_at = lease.expire_at + asked.unwrap_or(spec.default_ttl);
            if spec.max_ttl.is_some_and(|max| expire_at > lease.created_at + max) {
                return Err(error(
                    400,
                    "BadRequest",
                    "The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL",
                ));
            }
            lease.expire_at = expire_at;
            lease.renewals += 1;
            let lease = lease.clone();
            Ok(ok(json!({"lease": call.lease_json(&lease)})))
        })
    }

    fn revoke(self, id: &str) -> ResponseTemplate {
        self.answer(|call| {
            let (env, path) = call.lease_folder()?;
            let at = call.lease(id, &env, &path)?;
            call.permission()?;
            let fails = call.state.leases.revoke_fails && !call.input.is_forced.unwrap_or(false);
            let lease = &mut call.state.leases.leases[at];
            lease.state = if fails { FakeLeaseState::RevokeFailed } else { FakeLeaseState::Revoked };
            let lease = lease.clone();
            Ok(ok(json!({"lease": call.lease_json(&lease)})))
        })
    }

    fn answer(mut self, f: impl FnOnce(&mut Self) -> Answer) -> ResponseTemplate {
        f(&mut self).unwrap_or_else(|refused| refused)
    }

    fn lease_json(&self, lease: &FakeLease) -> Value {
        let failed = lease.state == FakeLeaseState::RevokeFailed;
        let ds_id = self
            .state
            .leases
            .secrets
            .get(&(lease.environment.clone(), lease.path.clone(), lease.dynamic_secret.clone()))
            .map(|(id, _)| id.as_str());
        json!({
            "id": lease.id, "version": lease.renewals + 1, "externalEntityId": format!("user-{}", lease.number),
            "expireAt": time(lease.expire_at), "createdAt": time(lease.created_at), "updatedAt": time(self.now),
            "status": failed.then_some("Failed to delete"),
            "statusDetails": failed.then_some("fake provider: could not drop the database user"),
            "dynamicSecretId": ds_id, "config": lease.config,
        })
    }
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn validation(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(422).set_body_json(json!({
        "statusCode": 422, "error": "ValidationFailure",
        "message": [{"code": "custom", "message": message, "path": ["ttl"]}],
    }))
}

/// JavaScript's `toISOString`, as the server writes times.
fn time(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

fn secret_json(id: &str, name: &str, path: &str, env: &str, spec: &DynamicSecretSpec) -> Value {
    json!({
        "id": id, "name": name, "version": 1, "type": spec.kind,
        "defaultTTL": Ttl::from(spec.default_ttl), "maxTTL": spec.max_ttl.map(Ttl::from),
        "folderId": format!("folder-{env}-{path}"), "status": null, "statusDetails": null,
        "createdAt": "2025-06-18T12:00:00.000Z", "updatedAt": "2025-06-18T12:00:00.000Z",
        "projectGatewayId": null, "gatewayId": null, "usernameTemplate": null, "metadata": [],
    })
}

/// A credential of lease `n`: `{n}` and `{random}` filled in.
fn issue(template: &Value, n: usize) -> Value {
    match template {
        Value::String(text) => {
            let random: String = std::iter::repeat_with(fastrand::alphanumeric).take(32).collect();
            Value::String(text.replace("{n}", &n.to_string()).replace("{random}", &random))
        }
        other => other.clone(),
    }
}
