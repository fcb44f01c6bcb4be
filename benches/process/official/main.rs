//! The official `infisical` crate (0.0.4): log in, list recursively (it has no figment provider).

use infisical::secrets::ListSecretsRequest;
use infisical::{AuthMethod, Client};
use process_bench::{PROJECT, site};

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let loaded = rt.block_on(async {
        let mut client = Client::builder().base_url(site()).build().await.unwrap();
        client.login(AuthMethod::new_universal_auth("bench-id", "bench-secret")).await.unwrap();
        let req = ListSecretsRequest::builder(PROJECT, "prod").path("/").recursive(true).build();
        client.secrets().list(req).await.unwrap().len()
    });
    assert!(loaded > 0);
}
