//! A fake Infisical server for your tests (feature `testing`).
//!
//! It speaks Universal Auth login, renewal, the project lookup, and the v4 and v3 secret list and get
//! routes, from secrets you seed per environment and folder (imports and `${...}` references included).
//! Point a [`Client`](crate::Client) or the figment provider at it to test your typed configuration
//! without a real server. It is built on `wiremock` and runs on its own thread, so it works from async
//! and plain `#[test]`s alike.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use infisical_config::testing::FakeInfisical;
//! use infisical_config::resources::ListSecrets;
//!
//! let fake = FakeInfisical::builder()
//!     .secret("dev", "/", "DATABASE_URL", "postgres://localhost/app")
//!     .secret("dev", "/db", "PASSWORD", "hunter2")
//!     .start()
//!     .await;
//! let client = fake.client_builder().build()?;
//! let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
//! assert_eq!(list.secrets.len(), 2);
//! assert_eq!(fake.requests().await, 2); // one login, one list
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::EnvSource;
use crate::client::{Async, Blocking, ClientBuilder};

/// The project id the fake server answers for by default.
pub const PROJECT_ID: &str = "6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f";
/// The project slug the fake server answers for by default.
pub const PROJECT_SLUG: &str = "fake-project";
/// The Universal Auth client id the fake server accepts.
pub const CLIENT_ID: &str = "fake-client-id";
/// The Universal Auth client secret the fake server accepts.
pub const CLIENT_SECRET: &str = "fake-client-secret";

#[derive(Clone, Debug)]
struct Seeded {
    key: String,
    value: String,
    comment: String,
    tags: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct State {
    /// (environment, folder) → secrets, in insertion order.
    folders: BTreeMap<(String, String), Vec<Seeded>>,
    /// (environment, folder) → imports (environment, folder), in position order.
    imports: BTreeMap<(String, String), Vec<(String, String)>>,
    legacy_only: bool,
    /// Answer a list of an unknown environment or folder with 200 and nothing, as servers of 2024 do.
    empty_for_unknown: Option<bool>,
    token_ttl: u64,
    max_ttl: u64,
}

/// Seeds and starts a [`FakeInfisical`].
#[derive(Debug, Default)]
#[must_use]
pub struct FakeInfisicalBuilder {
    state: State,
}

impl FakeInfisicalBuilder {
    /// Adds secret `key` = `value` in `environment`, folder `path`.
    pub fn secret(mut self, environment: &str, path: &str, key: &str, value: &str) -> Self {
        self.push(
            environment,
            path,
            Seeded { key: key.into(), value: value.into(), comment: String::new(), tags: Vec::new() },
        );
        self
    }

    /// Adds a secret carrying tags (slugs), for tag-filter tests.
    pub fn tagged_secret(mut self, environment: &str, path: &str, key: &str, value: &str, tags: &[&str]) -> Self {
        let tags = tags.iter().map(|t| (*t).to_owned()).collect();
        self.push(environment, path, Seeded { key: key.into(), value: value.into(), comment: String::new(), tags });
        self
    }

    fn push(&mut self, environment: &str, path: &str, secret: Seeded) {
        let folder = crate::resources::normalize_path(path);
        self.state.folders.entry((environment.into(), folder)).or_default().push(secret);
    }

    /// Makes folder `environment`:`path` import the secrets of `from_environment`:`from_path`.
    pub fn import(mut self, environment: &str, path: &str, from_environment: &str, from_path: &str) -> Self {
        let to = (environment.to_owned(), crate::resources::normalize_path(path));
        self.state
            .imports
            .entry(to)
            .or_default()
            .push((from_environment.into(), crate::resources::normalize_path(from_path)));
        self
    }

    /// Behaves like a server of 2024: no v4 routes (they answer fastify's "Route ... not found"), and
    /// a list of an unknown environment or folder answers 200 with nothing (unless
    /// [`empty_for_unknown_targets`](Self::empty_for_unknown_targets) says otherwise).
    pub fn legacy_only(mut self, yes: bool) -> Self {
        self.state.legacy_only = yes;
        self
    }

    /// How a list of an environment or folder that does not exist is answered: `true`, 200 with
    /// nothing (servers of 2024); `false`, 404 (current servers). Default: as
    /// [`legacy_only`](Self::legacy_only).
    pub fn empty_for_unknown_targets(mut self, yes: bool) -> Self {
        self.state.empty_for_unknown = Some(yes);
        self
    }

    /// Creates an empty folder (and its environment), so that it exists with no secret in it.
    pub fn folder(mut self, environment: &str, path: &str) -> Self {
        let folder = crate::resources::normalize_path(path);
        self.state.folders.entry((environment.into(), folder)).or_default();
        self
    }

    /// The `expiresIn` and `accessTokenMaxTTL` its logins answer (default one hour and one day).
    pub fn token_ttl(mut self, ttl_secs: u64, max_ttl_secs: u64) -> Self {
        self.state.token_ttl = ttl_secs;
        self.state.max_ttl = max_ttl_secs;
        self
    }

    /// Starts the server.
    pub async fn start(mut self) -> FakeInfisical {
        if self.state.token_ttl == 0 {
            self.state.token_ttl = 3600;
            self.state.max_ttl = 86_400;
        }
        let server = MockServer::start().await;
        let responder = Responder { state: Arc::new(Mutex::new(self.state)), issued: Arc::new(AtomicUsize::new(0)) };
        Mock::given(wiremock::matchers::any()).respond_with(responder).named("fake infisical").mount(&server).await;
        FakeInfisical { server }
    }

    /// Starts the server from synchronous code (a plain `#[test]`, a sync `main`).
    ///
    /// # Panics
    /// When no thread or runtime can be started.
    pub fn start_blocking(self) -> FakeInfisical {
        // The server runs on its own thread, so a throwaway runtime can start it. Started on a helper
        // thread so this also works when called from inside a runtime.
        std::thread::scope(|s| {
            s.spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime to start the fake server")
                    .block_on(self.start())
            })
            .join()
            .expect("the fake server started")
        })
    }
}

/// A running fake Infisical server. It stops when dropped.
#[derive(Debug)]
pub struct FakeInfisical {
    server: MockServer,
}

impl FakeInfisical {
    /// Starts seeding a fake server.
    pub fn builder() -> FakeInfisicalBuilder {
        FakeInfisicalBuilder::default()
    }

    /// Its address, `http://127.0.0.1:<port>`.
    #[must_use]
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The id of its project.
    #[must_use]
    pub fn project_id(&self) -> &'static str {
        PROJECT_ID
    }

    /// An async client builder aimed at this server with its credentials, and an empty environment (so
    /// the real one is neither read nor needed).
    pub fn client_builder(&self) -> ClientBuilder<Async> {
        self.configure(ClientBuilder::default())
    }

    /// The same, for a blocking client.
    pub fn blocking_client_builder(&self) -> ClientBuilder<Blocking> {
        self.configure(ClientBuilder::default())
    }

    fn configure<K>(&self, builder: ClientBuilder<K>) -> ClientBuilder<K> {
        builder
            .site(self.uri())
            .env(EnvSource::from_pairs::<_, String, String>([]))
            .cli_login(false)
            .universal_auth(CLIENT_ID, CLIENT_SECRET)
    }

    /// How many requests it has answered.
    pub async fn requests(&self) -> usize {
        self.server.received_requests().await.map_or(0, |r| r.len())
    }

    /// The method and path of every request it has answered, in order.
    pub async fn request_log(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }
}

struct Responder {
    state: Arc<Mutex<State>>,
    issued: Arc<AtomicUsize>,
}

fn error(status: u16, name: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"statusCode": status, "error": name, "message": message}))
}

fn query(req: &Request) -> BTreeMap<String, String> {
    req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let path = req.url.path().trim_end_matches('/').to_owned();
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let method = req.method.as_str();
        match (method, segs.as_slice()) {
            ("POST", ["api", "v1", "auth", "universal-auth", "login"]) => {
                let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                if body["clientId"] != CLIENT_ID || body["clientSecret"] != CLIENT_SECRET {
                    return error(401, "UnauthorizedError", "Invalid credentials");
                }
                self.token(&state)
            }
            ("POST", ["api", "v1", "auth", "token", "renew"]) => self.token(&state),
            ("POST", ["api", "v1", "auth", "token", "revoke"]) => ResponseTemplate::new(200).set_body_json(json!({"message": "Successfully revoked access token"})),
            _ if !self.authorized(req) => error(401, "UnauthorizedError", "Token missing"),
            ("GET", ["api", "v4", ..]) if state.legacy_only => {
                ResponseTemplate::new(404).set_body_json(json!({"message": format!("Route GET:{} not found", req.url.path()), "error": "Not Found", "statusCode": 404}))
            }
            ("GET", ["api", "v1", "projects", "slug", slug]) | ("GET", ["api", "v2", "workspace", slug]) if *slug == PROJECT_SLUG => {
                ResponseTemplate::new(200).set_body_json(project(&state))
            }
            ("GET", ["api", "v1", "projects", id]) if *id == PROJECT_ID => {
                ResponseTemplate::new(200).set_body_json(json!({"project": project(&state)}))
            }
            ("GET", ["api", "v1", "workspace", id]) if *id == PROJECT_ID => {
                ResponseTemplate::new(200).set_body_json(json!({"workspace": project(&state)}))
            }
            ("GET", ["api", "v2", "folders"]) => folders(&state, &query(req), "projectId"),
            ("GET", ["api", "v1", "folders"]) => folders(&state, &query(req), "workspaceId"),
            ("GET", ["api", "v2", "secret-imports"]) => imports(&state, &query(req), "projectId"),
            ("GET", ["api", "v1", "secret-imports"]) => imports(&state, &query(req), "workspaceId"),
            ("GET", ["api", "v4", "secrets"]) => list(&state, &query(req), "projectId", "includeImports"),
            ("GET", ["api", "v3", "secrets", "raw"]) => list(&state, &query(req), "workspaceId", "include_imports"),
            ("GET", ["api", "v4", "secrets", name]) => get(&state, &query(req), name, "projectId", "includeImports"),
            ("GET", ["api", "v3", "secrets", "raw", name]) => get(&state, &query(req), name, "workspaceId", "include_imports"),
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": format!("Route {method}:{} not found", req.url.path()), "error": "Not Found", "statusCode": 404})),
        }
    }
}

impl Responder {
    fn token(&self, state: &State) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": format!("fake-token-{n}"), "expiresIn": state.token_ttl, "accessTokenMaxTTL": state.max_ttl, "tokenType": "Bearer"
        }))
    }

    fn authorized(&self, req: &Request) -> bool {
        req.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer fake-token-"))
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n < self.issued.load(Ordering::SeqCst))
    }
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
    if let Some(err) = project_ok(q, id_param) {
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
    if let Some(err) = project_ok(q, id_param) {
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

fn project_ok(q: &BTreeMap<String, String>, id_param: &str) -> Option<ResponseTemplate> {
    let id_ok =
        q.get(id_param).is_some_and(|p| p == PROJECT_ID) || q.get("workspaceSlug").is_some_and(|s| s == PROJECT_SLUG);
    if !id_ok {
        return Some(error(404, "NotFound", "Project not found"));
    }
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

fn list(state: &State, q: &BTreeMap<String, String>, id_param: &str, imports_param: &str) -> ResponseTemplate {
    if let Some(err) = project_ok(q, id_param) {
        return err;
    }
    let Some(env) = q.get("environment") else { return error(400, "BadRequest", "Missing project id or environment") };
    let root = crate::resources::normalize_path(q.get("secretPath").map_or("/", String::as_str));
    if let Some(err) = state.unknown_target(env, &root) {
        return err;
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
    ResponseTemplate::new(200)
        .insert_header("etag", "\"fake\"")
        .set_body_json(json!({"secrets": secrets, "imports": imports}))
}

fn get(
    state: &State,
    q: &BTreeMap<String, String>,
    name: &str,
    id_param: &str,
    imports_param: &str,
) -> ResponseTemplate {
    if let Some(err) = project_ok(q, id_param) {
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

/// Writes an Infisical CLI login into a home directory, the way `infisical login` leaves it, for
/// testing code that relies on the CLI-login credential provider.
///
/// ```
/// use infisical_config::auth::CliLogin;
/// use infisical_config::testing::FakeCliLogin;
/// use infisical_config::EnvSource;
///
/// let home = tempfile::tempdir().unwrap();
/// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example").write_file_vault(home.path()).unwrap();
/// let session = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path())).load().unwrap();
/// assert_eq!((session.email.as_str(), session.site.as_str()), ("dev@example.org", "https://infisical.example"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct FakeCliLogin {
    email: String,
    token: String,
    site: String,
    passphrase: String,
    p2c: u32,
}

impl std::fmt::Debug for FakeCliLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCliLogin").field("email", &self.email).field("site", &self.site).finish_non_exhaustive()
    }
}

impl FakeCliLogin {
    /// A login of `email` holding the session `token`, for `https://app.infisical.com`.
    pub fn new(email: impl Into<String>, token: impl Into<String>) -> Self {
        FakeCliLogin {
            email: email.into(),
            token: token.into(),
            site: "https://app.infisical.com".into(),
            passphrase: "fake-vault-passphrase".into(),
            p2c: 8192,
        }
    }

    /// The site logged in to.
    pub fn site(mut self, site: impl Into<String>) -> Self {
        self.site = site.into();
        self
    }

    /// The file vault's passphrase (stored in the config, base64, as the CLI does).
    pub fn passphrase(mut self, passphrase: impl Into<String>) -> Self {
        self.passphrase = passphrase.into();
        self
    }

    /// The PBKDF2 iteration count of the file vault (default 8192, the CLI's).
    pub fn iterations(mut self, p2c: u32) -> Self {
        self.p2c = p2c;
        self
    }

    /// The credentials JSON the CLI stores in either vault.
    #[must_use]
    pub fn credentials_json(&self) -> String {
        json!({"email": self.email, "privateKey": "", "JTWToken": self.token, "RefreshToken": ""}).to_string()
    }

    /// Writes `<home>/.infisical/infisical-config.json` naming `vault` (`file` or `auto`).
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn write_config(&self, home: &std::path::Path, vault: &str) -> std::io::Result<()> {
        use base64::Engine;
        let dir = home.join(".infisical");
        std::fs::create_dir_all(&dir)?;
        let api = format!("{}/api", crate::config::site_root(&self.site));
        let config = json!({
            "loggedInUserEmail": self.email, "LoggedInUserDomain": api,
            "loggedInUsers": [{"email": self.email, "domain": api}],
            "vaultBackendType": vault,
            "vaultBackendPassphrase": base64::engine::general_purpose::STANDARD.encode(&self.passphrase),
        });
        std::fs::write(dir.join("infisical-config.json"), config.to_string())
    }

    /// Writes the config and the encrypted file vault entry; returns the vault file's path.
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn write_file_vault(&self, home: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
        self.write_config(home, "file")?;
        let dir = home.join("infisical-keyring");
        std::fs::create_dir_all(&dir)?;
        // The vault holds a JSON string whose content is the credentials JSON.
        let plaintext = serde_json::to_vec(&self.credentials_json()).map_err(std::io::Error::other)?;
        let path = dir.join(crate::auth::vault_file_name(&self.email));
        std::fs::write(&path, crate::auth::jwe_encrypt(&plaintext, self.passphrase.as_bytes(), self.p2c))?;
        Ok(path)
    }
}
