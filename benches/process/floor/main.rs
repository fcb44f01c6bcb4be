//! The floors. `floor list`: the login and the list with bare reqwest, decoded with serde_json into a
//! map. `floor figment`: the same, the pairs as a figment `Dict` of one table per folder, one merge,
//! one extract into the same typed configuration; `floor figment-map` extracts the same into a map of
//! folders instead, as `user figment` does. `floor build`: start-up alone (the runtime and the
//! client, no request).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use process_bench::{Config, PROJECT, mode, site};
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Deserialize)]
struct List {
    secrets: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    #[serde(rename = "secretKey")]
    key: String,
    #[serde(rename = "secretValue")]
    value: String,
    #[serde(rename = "secretPath", default)]
    path: String,
}

#[derive(Deserialize)]
struct Login {
    #[serde(rename = "accessToken")]
    access_token: String,
}

struct DictProvider(Mutex<Option<Dict>>);

impl Provider for DictProvider {
    fn metadata(&self) -> Metadata {
        Metadata::named("floor")
    }
    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.0.lock().unwrap().take().unwrap_or_default()))
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    if mode() == "build" {
        // Start-up alone: the runtime and the HTTP client, no request.
        let no_roots: Vec<reqwest::Certificate> = Vec::new();
        let http = reqwest::Client::builder().tls_certs_only(no_roots).build();
        assert!(http.is_ok());
        return;
    }
    let list: List = rt.block_on(async {
        // A plain-http site needs no root certificates: loading the platform's is most of a cold
        // client's cost, and the floor is the least the job needs.
        let no_roots: Vec<reqwest::Certificate> = Vec::new();
        let http = reqwest::Client::builder().tls_certs_only(no_roots).build().unwrap();
        let base = format!("{}/api", site());
        let body = r#"{"clientId":"bench-id","clientSecret":"bench-secret"}"#;
        let login = http.post(format!("{base}/v1/auth/universal-auth/login")).header("content-type", "application/json");
        let login: Login = serde_json::from_slice(&login.body(body).send().await.unwrap().bytes().await.unwrap()).unwrap();
        let url = format!(
            "{base}/v4/secrets?projectId={PROJECT}&environment=prod&secretPath=%2F&recursive=true&includeImports=true&expandSecretReferences=true&viewSecretValue=true&includePersonalOverrides=false"
        );
        let bytes = http.get(url).bearer_auth(login.access_token).send().await.unwrap().bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    });
    let loaded = match mode().as_str() {
        "list" => list.secrets.into_iter().map(|s| (s.key, s.value)).collect::<HashMap<_, _>>().len(),
        "figment" | "figment-map" => {
            let mut dict = Dict::new();
            for s in list.secrets {
                let table = dict.entry(s.path.trim_start_matches('/').to_owned()).or_insert_with(|| Dict::new().into());
                if let Value::Dict(_, table) = table {
                    table.insert(s.key.to_ascii_lowercase(), s.value.into());
                }
            }
            let provider = DictProvider(Mutex::new(Some(dict)));
            let figment = Figment::new().merge(provider);
            let services: BTreeMap<String, BTreeMap<String, SecretString>> = if mode() == "figment" {
                figment.extract::<Config>().unwrap().services
            } else {
                figment.extract().unwrap()
            };
            services.values().map(|t| t.len()).sum()
        }
        other => panic!("unknown mode {other:?}: list, figment or figment-map"),
    };
    assert!(loaded > 0);
}
