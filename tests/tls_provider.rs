//! With `rustls-ring`, building a client installs ring as rustls's process-wide crypto provider when
//! the application has installed none (reqwest has no provider of its own then, and would panic), and
//! leaves an installed one alone. A test binary of its own: the provider belongs to the process.

mod common;

use std::sync::Arc;

use common::builder;
use rustls::crypto::CryptoProvider;

fn key_exchanges(provider: &CryptoProvider) -> Vec<String> {
    provider.kx_groups.iter().map(|group| format!("{:?}", group.name())).collect()
}

#[test]
fn building_a_client_installs_ring_once_and_keeps_it() {
    assert!(CryptoProvider::get_default().is_none(), "nothing installed before the first client");
    builder("https://infisical.example").build().expect("a client over https");
    let installed = CryptoProvider::get_default().expect("a provider installed by the build").clone();
    assert_eq!(key_exchanges(&installed), key_exchanges(&rustls::crypto::ring::default_provider()));

    builder("http://127.0.0.1:9").build().expect("a client over plain http");
    let after = CryptoProvider::get_default().expect("still installed");
    assert!(Arc::ptr_eq(&installed, after), "a later client keeps the installed provider");
}
