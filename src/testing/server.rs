//! What the fake server answers: login, renewal, projects, folders, imports, and the secret routes of
//! both API generations, from the seeded state.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::Request;

// Wiremock's template, with the size of its body kept for the fake's traffic figures.
use super::traffic::Answer as ResponseTemplate;
use super::{CLIENT_ID, CLIENT_SECRET, PROJECT_ID, PROJECT_SLUG};

#[derive(Clone, Debug)]
pub(super) struct Seeded {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) comment: String,
    pub(super) tags: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    /// (environment, folder) → secrets, in insertion order.
    pub(super) folders: BTreeMap<(String, String), Vec<Seeded>>,
    /// (environment, folder) → imports (environment, folder), in position order.
    pub(super) imports: BTreeMap<(String, String), Vec<(String, String)>>,
    pub(super) legacy_only: bool,
    /// Answer a list of an unknown environment or folder with 200 and nothing, as servers of 2024 do.
    pub(super) empty_for_unknown: Option<bool>,
    pub(super) token_ttl: u64,
    pub(super) max_ttl: u64,
    /// Answer every request 503, as a server behind a proxy that lost it.
    pub(super) unavailable: bool,
    /// The time lease TTLs and expiries follow: the system's, or a test's manual clock.
    pub(super) clock: crate::clock::Clock,
    /// Dynamic secrets, their leases, and how the server treats them.
    pub(super) leases: super::leases::Book,
}

/// Answers every request from the seeded state; counts the tokens it issued and the lists it answered
/// `304 Not Modified`.
pub(super) struct Responder {
    pub(super) state: Arc<Mutex<State>>,
    pub(super) issued: Arc<AtomicUsize>,
    pub(super) not_modified: Arc<AtomicUsize>,
}

pub(super) fn error(status: u16, name: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"statusCode": status, "error": name, "message": message}))
}

pub(super) fn query(req: &Request) -> BTreeMap<String, String> {
    req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

impl Responder {
    pub(super) fn respond(&self, req: &Request) -> ResponseTemplate {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let path = req.url.path().trim_end_matches('/').to_owned();
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let method = req.method.as_str();
        if state.unavailable {
            return error(503, "ServiceUnavailable", "upstream connect error");
        }
        match (method, segs.as_slice()) {
            ("POST", ["api", "v1", "auth", "universal-auth", "login"]) => {
                // The recorded answers of a real server (samples 083 and 082).
                let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                if body["clientId"] != CLIENT_ID {
                    return error(404, "NotFound", "No identity with specified client ID was found");
                }
                if body["clientSecret"] != CLIENT_SECRET {
                    return error(401, "UnauthorizedError", "Invalid credentials");
                }
                self.token(&state)
            }
            ("POST", ["api", "v1", "auth", "token", "renew"]) => self.token(&state),
            ("POST", ["api", "v1", "auth", "token", "revoke"]) => ResponseTemplate::new(200).set_body_json(json!({"message": "Successfully revoked access token"})),
            _ if !self.authorized(req) => error(401, "UnauthorizedError", "Token missing"),
            (_, ["api", "v1", "dynamic-secrets", rest @ ..]) => super::leases::respond(&self.state, method, rest, req),
            ("GET", ["api", "v4", ..]) if state.legacy_only => {
                ResponseTemplate::new(404).set_body_json(json!({"message": format!("Route GET:{} not found", req.url.path()), "error": "Not Found", "statusCode": 404}))
            }
            ("GET", ["api", "v1", "projects", "slug", slug]) | ("GET", ["api", "v2", "workspace", slug]) => {
                if *slug != PROJECT_SLUG {
                    return error(404, "NotFound", &format!("Project with slug '{slug}' not found"));
                }
                ResponseTemplate::new(200).set_body_json(project(&state))
            }
            ("GET", ["api", "v1", "projects" | "workspace", id]) => {
                // The server's own "not found" (its project lookup), not the router's "Route ... not
                // found", which a client takes for an older server.
                if *id != PROJECT_ID {
                    return error(404, "NotFound", &format!("Project with ID '{id}' not found"));
                }
                let key = if segs[2] == "projects" { "project" } else { "workspace" };
                ResponseTemplate::new(200).set_body_json(json!({key: project(&state)}))
            }
            ("GET", ["api", "v2", "folders"]) => folders(&state, &query(req), "projectId"),
            ("GET", ["api", "v1", "folders"]) => folders(&state, &query(req), "workspaceId"),
            ("GET", ["api", "v2", "secret-imports"]) => imports(&state, &query(req), "projectId"),
            ("GET", ["api", "v1", "secret-imports"]) => imports(&state, &query(req), "workspaceId"),
            ("GET", ["api", "v4", "secrets"]) => {
                self.revalidated(req, list(&state, &query(req), "projectId", "includeImports"))
            }
            ("GET", ["api", "v3", "secrets", "raw"]) => {
                self.revalidated(req, list(&state, &query(req), "workspaceId", "include_imports"))
            }
            ("GET", ["api", "v4", "secrets", name]) => get(&state, &query(req), name, "projectId", "includeImports"),
            ("GET", ["api", "v3", "secrets", "raw", name]) => get(&state, &query(req), name, "workspaceId", "include_imports"),
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": format!("Route {method}:{} not found", req.url.path()), "error": "Not Found", "statusCode": 404})),
        }
    }
}

impl Responder {
    /// A list answer as the real server sends it (`@fastify/etag`): a strong `ETag` computed from the
    /// body, and `304` with no body when the request's `If-None-Match` names it.
    fn revalidated(&self, req: &Request, answer: Result<Value, ResponseTemplate>) -> ResponseTemplate {
        let body = match answer {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let etag: String = {
            use sha2::Digest;
            let digest = sha2::Sha256::digest(&bytes);
            format!("\"{}\"", digest[..12].iter().map(|b| format!("{b:02x}")).collect::<String>())
        };
        let matches = req
            .headers
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        if matches {
            self.not_modified.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(304).insert_header("etag", etag.as_str());
        }
        ResponseTemplate::new(200)
            .insert_header("etag", etag.as_str())
            .insert_header("content-type", "application/json")
            .set_body_raw(bytes, "application/json")
    }

    fn token(&self, state: &State) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": format!("fake-token-{n}"), "expiresIn": state.token_ttl, "accessTokenMaxTTL": state.max_ttl, "tokenType": "Bearer"
        }))
    }

    fn authorized(&self, req: &Request) -> bool {
        authorized(&req.headers, &self.issued)
    }
}

/// Whether `headers` carry a token this fake issued (`issued` counts them).
pub(super) fn authorized(headers: &reqwest::header::HeaderMap, issued: &AtomicUsize) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer fake-token-"))
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| n < issued.load(Ordering::SeqCst))
}

impl State {
    /// Every environment that has a folder, a secret or an import.
    fn environments(&self) -> Vec<&str> {
        let mut envs: Vec<&str> = self.folders.keys().chain(self.imports.keys()).map(|(e, _)| e.as_str()).collect();
        envs.sort_unstable();
        envs.dedup();
        envs
    }

    /// Every folder of `env`: those seeded, those with imports, and their parents.
    fn folder_paths(&self, env: &str) -> std::collections::BTreeSet<String> {
        let mut all = std::collections::BTreeSet::new();
        for (e, path) in self.folders.keys().chain(self.imports.keys()) {
            if e != env {
                continue;
            }
            let mut at = path.as_str();
            while at != "/" {
                all.insert(at.to_owned());
                at = at.rsplit_once('/').map_or("/", |(parent, _)| if parent.is_empty() { "/" } else { parent });
            }
        }
        all
    }

    fn empty_for_unknown(&self) -> bool {
        self.empty_for_unknown.unwrap_or(self.legacy_only)
    }

    /// A 404 for an unknown environment or folder, as current servers answer; `None` when it exists
    /// or when answering like a server of 2024.
    fn unknown_target(&self, env: &str, folder: &str) -> Option<ResponseTemplate> {
        if self.empty_for_unknown() {
            return None;
        }
        if !self.environments().contains(&env) {
            return Some(error(404, "NotFound", &format!("Environment with slug '{env}' in project not found")));
        }
        if folder != "/" && !self.folder_paths(env).contains(folder) {
            return Some(error(
                404,
                "NotFound",
                &format!("Folder with path '{folder}' in environment '{env}' not found"),
            ));
        }
        None
    }
}

fn folders(state: &State, q: &BTreeMap<String, String>, id_param: &str) -> ResponseTemplate {
    if let Some(err) = project_ok(q, id_param, Unknown::Membership) {
        return err;
    }
    let Some(env) = q.get("environment") else { return error(400, "BadRequest", "Missing project id or environment") };
    let root = crate::resources::normalize_path(q.get("path").map_or("/", String::as_str));
    // Servers of 2024 list one level only.
    let recursive = flag(q, "recursive") && !state.legacy_only;
    let prefix = if root == "/" { "/".to_owned() } else { format!("{root}/") };
    let found: Vec<Value> = state
        .folder_paths(env)
        .iter()
        .filter_map(|path| path.strip_prefix(&prefix).map(|rel| (path, rel)))
        .filter(|(_, rel)| recursive || !rel.contains('/'))
        .map(|(path, rel)| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let mut folder = json!({"id": format!("folder-{env}-{path}"), "name": name, "envId": format!("env-{env}")});
            if recursive {
                folder["relativePath"] = json!(format!("/{rel}"));
            }
            folder
        })
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({"folders": found}))
}

fn imports(state: &State, q: &BTreeMap<String, String>, id_param: &str) -> ResponseTemplate {
    if let Some(err) = project_ok(q, id_param, Unknown::Membership) {
        return err;
    }
    let Some(env) = q.get("environment") else { return error(400, "BadRequest", "Missing project id or environment") };
    let folder = crate::resources::normalize_path(q.get("path").map_or("/", String::as_str));
    let found: Vec<Value> = state
        .imports
        .get(&(env.clone(), folder.clone()))
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(n, (from_env, from_path))| {
            json!({
                "id": format!("import-{env}-{folder}-{n}"), "importPath": from_path, "position": n + 1,
                "folderId": format!("folder-{env}-{folder}"),
                "importEnv": {"id": format!("env-{from_env}"), "name": from_env, "slug": from_env},
            })
        })
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({"secretImports": found}))
}

fn project(state: &State) -> Value {
    let envs = state.environments();
    json!({
        "id": PROJECT_ID, "_id": PROJECT_ID, "name": "Fake project", "slug": PROJECT_SLUG, "orgId": "fake-org",
        "environments": envs.iter().map(|e| json!({"id": format!("env-{e}"), "name": e, "slug": e})).collect::<Vec<_>>(),
    })
}

/// How a route refuses a project it does not know, as the real server does.
#[derive(Clone, Copy)]
enum Unknown {
    /// The secret routes look the project up first (sample 095).
    Lookup,
    /// Folders and imports check membership first (the answer of sample 097).
    Membership,
}

impl Unknown {
    fn refusal(self, id: &str) -> ResponseTemplate {
        match self {
            Unknown::Lookup => error(
                404,
                "NotFound",
                &format!(
                    "Project with ID '{id}' not found during bot lookup. Are you sure you are using the correct project ID?"
                ),
            ),
            Unknown::Membership => ResponseTemplate::new(403).set_body_json(json!({
                "statusCode": 403, "message": "You are not allowed to access this resource",
                "error": format!("Identity is not a member of the specified project with ID '{id}'"),
            })),
        }
    }
}

fn project_ok(q: &BTreeMap<String, String>, id_param: &str, unknown: Unknown) -> Option<ResponseTemplate> {
    let refused = match (q.get(id_param), q.get("workspaceSlug")) {
        (Some(id), _) if id == PROJECT_ID => None,
        (Some(id), _) => Some(unknown.refusal(id)),
        (None, Some(slug)) if slug == PROJECT_SLUG => None,
        (None, Some(slug)) => Some(error(404, "NotFound", &format!("Project with slug '{slug}' not found"))),
        (None, None) => Some(error(400, "BadRequest", "Missing project id or environment")),
    };
    refused.or_else(|| bad_flag(q))
}

/// A 422 for a boolean that is not `true` or `false`, as zod answers it.
fn bad_flag(q: &BTreeMap<String, String>) -> Option<ResponseTemplate> {
    if let Some((k, v)) = q.iter().find(|(k, v)| {
        matches!(
            k.as_str(),
            "recursive" | "expandSecretReferences" | "includeImports" | "include_imports" | "viewSecretValue"
        ) && !matches!(v.as_str(), "true" | "false")
    }) {
        return Some(error(422, "ValidationFailure", &format!("{k} must be true or false, got {v}")));
    }
    None
}

fn flag(q: &BTreeMap<String, String>, k: &str) -> bool {
    q.get(k).is_some_and(|v| v == "true")
}

fn secret_json(state: &State, env: &str, folder: &str, s: &Seeded, expand: bool, with_path: bool) -> Value {
    let value = if expand { expand_refs(state, env, folder, &s.value, 0) } else { s.value.clone() };
    let mut v = json!({
        "id": format!("{env}:{folder}:{}", s.key), "_id": format!("{env}:{folder}:{}", s.key), "workspace": PROJECT_ID,
        "environment": env, "version": 1, "type": "shared", "secretKey": s.key, "secretValue": value,
        "secretComment": s.comment, "secretValueHidden": false,
        "tags": s.tags.iter().map(|t| json!({"id": format!("tag-{t}"), "slug": t, "name": t})).collect::<Vec<_>>(),
    });
    if with_path {
        v["secretPath"] = json!(folder);
    }
    v
}

// The refusal is the answer itself, built once per request: its size does not matter here.
#[allow(clippy::result_large_err)]
fn list(
    state: &State,
    q: &BTreeMap<String, String>,
    id_param: &str,
    imports_param: &str,
) -> Result<Value, ResponseTemplate> {
    if let Some(err) = project_ok(q, id_param, Unknown::Lookup) {
        return Err(err);
    }
    let Some(env) = q.get("environment") else {
        return Err(error(400, "BadRequest", "Missing project id or environment"));
    };
    let root = crate::resources::normalize_path(q.get("secretPath").map_or("/", String::as_str));
    if let Some(err) = state.unknown_target(env, &root) {
        return Err(err);
    }
    let recursive = flag(q, "recursive");
    let expand = flag(q, "expandSecretReferences");
    let tags: Vec<&str> = q.get("tagSlugs").map(|t| t.split(',').collect()).unwrap_or_default();
    let in_scope =
        |folder: &str| folder == root || (recursive && (root == "/" || folder.starts_with(&format!("{root}/"))));
    let mut secrets = Vec::new();
    for ((e, folder), items) in &state.folders {
        if e != env || !in_scope(folder) {
            continue;
        }
        for s in items.iter().filter(|s| tags.iter().all(|t| s.tags.iter().any(|st| st == t))) {
            secrets.push(secret_json(state, env, folder, s, expand, true));
        }
    }
    let mut imports = Vec::new();
    if flag(q, imports_param) {
        for ((e, folder), sources) in &state.imports {
            if e != env || !in_scope(folder) {
                continue;
            }
            for (from_env, from_path) in sources {
                let items = state.folders.get(&(from_env.clone(), from_path.clone())).cloned().unwrap_or_default();
                let items: Vec<Value> =
                    items.iter().map(|s| secret_json(state, from_env, from_path, s, expand, false)).collect();
                imports.push(json!({"secretPath": from_path, "environment": from_env, "folderId": format!("folder-{from_env}-{from_path}"), "secrets": items}));
            }
        }
    }
    Ok(json!({"secrets": secrets, "imports": imports}))
}

fn get(
    state: &State,
    q: &BTreeMap<String, String>,
    name: &str,
    id_param: &str,
    imports_param: &str,
) -> ResponseTemplate {
    if let Some(err) = project_ok(q, id_param, Unknown::Lookup) {
        return err;
    }
    let Some(env) = q.get("environment") else { return error(400, "BadRequest", "Missing project id or environment") };
    let folder = crate::resources::normalize_path(q.get("secretPath").map_or("/", String::as_str));
    let expand = flag(q, "expandSecretReferences");
    let own = state.folders.get(&(env.clone(), folder.clone())).and_then(|items| items.iter().find(|s| s.key == name));
    if let Some(s) = own {
        return ResponseTemplate::new(200)
            .set_body_json(json!({"secret": secret_json(state, env, &folder, s, expand, true)}));
    }
    if flag(q, imports_param) {
        for (from_env, from_path) in state.imports.get(&(env.clone(), folder.clone())).into_iter().flatten().rev() {
            if let Some(s) =
                state.folders.get(&(from_env.clone(), from_path.clone())).and_then(|i| i.iter().find(|s| s.key == name))
            {
                let mut v = secret_json(state, from_env, from_path, s, expand, true);
                v["secretPath"] = json!(folder);
                return ResponseTemplate::new(200).set_body_json(json!({"secret": v}));
            }
        }
    }
    error(404, "NotFound", &format!("Secret with name '{name}' not found"))
}

/// Expands `${KEY}` (same folder) and `${env.a.b.KEY}` (another environment and folder), as the server
/// does: missing references become empty, depth is bounded.
fn expand_refs(state: &State, env: &str, folder: &str, value: &str, depth: usize) -> String {
    if depth > 10 {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let reference = &after[..end];
        let parts: Vec<&str> = reference.split('.').collect();
        let (ref_env, ref_folder, key) = match parts.as_slice() {
            [key] => (env.to_owned(), folder.to_owned(), *key),
            [e, middle @ .., key] => (
                (*e).to_owned(),
                if middle.is_empty() { "/".to_owned() } else { format!("/{}", middle.join("/")) },
                *key,
            ),
            [] => (env.to_owned(), folder.to_owned(), ""),
        };
        let found =
            state.folders.get(&(ref_env.clone(), ref_folder.clone())).and_then(|i| i.iter().find(|s| s.key == key));
        if let Some(s) = found {
            out.push_str(&expand_refs(state, &ref_env, &ref_folder, &s.value, depth + 1));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
