//! Where every reqwest client of the crate starts: the server's (`ClientBuilder::build`) and the cloud
//! logins' (metadata endpoints, Google's APIs). Here, below both `client/` and `auth/`, so that
//! neither imports the other to make one.

/// A reqwest client builder. With `rustls-ring`, reqwest has no crypto provider of its own and takes
/// the process's default, so ring is installed as that default first, unless the application
/// installed one.
pub(crate) fn reqwest_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one meanwhile; either way the process then has a default.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}
