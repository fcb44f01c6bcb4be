//! This crate as a user writes it from the README, each program reading every secret's key and value:
//! - `user blocking`: the blocking client from a plain `main`, listing the full model;
//! - `user async`: the same list with the async client under `#[tokio::main]`;
//! - `user figment`: the figment provider extracted into a map of folders.
//!
//! The site and the machine identity come from the environment, as the README's `builder().build()`
//! finds them.

use std::collections::BTreeMap;

use figment::Figment;
use infisical_config::resources::ListSecrets;
use infisical_config::{ExposeSecret, Infisical, SecretString};
use process_bench::{PROJECT, mode};

fn main() {
    let read = match mode().as_str() {
        "blocking" => blocking(),
        "async" => run_async(),
        "figment" => figment(),
        other => panic!("unknown mode {other:?}: blocking, async or figment"),
    };
    assert!(read > 0);
}

/// Bytes of key and value read, so that neither is left unread.
fn blocking() -> usize {
    let client = infisical_config::blocking::Client::builder().build().expect("client");
    let list = client.secrets().list(&ListSecrets::new(PROJECT, "prod").recursive(true)).expect("list");
    list.secrets.iter().map(|s| s.key.len() + s.value.expose_secret().len()).sum()
}

#[tokio::main(flavor = "current_thread")]
async fn run_async() -> usize {
    let client = infisical_config::Client::builder().build().expect("client");
    let list = client.secrets().list(&ListSecrets::new(PROJECT, "prod").recursive(true)).await.expect("list");
    list.secrets.iter().map(|s| s.key.len() + s.value.expose_secret().len()).sum()
}

fn figment() -> usize {
    let config: BTreeMap<String, BTreeMap<String, SecretString>> = Figment::new()
        .merge(Infisical::new(PROJECT, "prod").recursive(true))
        .extract()
        .expect("figment");
    config.values().flat_map(|folder| folder.iter()).map(|(k, v)| k.len() + v.expose_secret().len()).sum()
}
