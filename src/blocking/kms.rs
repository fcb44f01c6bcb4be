//! The blocking KMS handler.

use crate::resources::ProjectRef;
use crate::resources::kms::{KeyChange, KmsKey};

handler! {
    /// The blocking KMS handler, `client.kms()`: keys held by Infisical, and encryption and decryption
    /// with them. Plaintext goes in and comes out as bytes; the base64 the API speaks is handled here.
    /// The blocking form of [`crate::resources::Kms`].
    ///
    /// ```
    /// use infisical_config::ExposeSecret;
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// # let server = rt.block_on(wiremock::MockServer::start());
    /// # let answer = |path: &str, body: serde_json::Value| rt.block_on(wiremock::Mock::given(wiremock::matchers::path(path))
    /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(body)).mount(&server));
    /// # answer("/api/v1/kms/keys/key-1/encrypt", serde_json::json!({"ciphertext": "c2VhbGVk"}));
    /// # answer("/api/v1/kms/keys/key-1/decrypt", serde_json::json!({"plaintext": "aGVsbG8="}));
    /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
    ///
    /// let ciphertext = client.kms().encrypt("key-1", b"hello")?;
    /// let plaintext = client.kms().decrypt("key-1", &ciphertext)?;
    /// assert_eq!(plaintext.expose_secret(), b"hello");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    struct Kms;

    /// The KMS handler.
    ///
    /// ```
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// # let server = rt.block_on(wiremock::MockServer::start());
    /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::path("/api/v1/kms/keys/key-1/encrypt"))
    /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"ciphertext": "c2VhbGVk"}))).mount(&server));
    /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
    /// let kms = client.kms();
    /// assert_eq!(kms.encrypt("key-1", b"hello")?, "c2VhbGVk");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    fn kms;
}

blocking_methods! {
    Kms, kms {
        /// Encrypts bytes with key `key_id`; returns the ciphertext as the server gives it (keep it to
        /// [`decrypt`](Self::decrypt) later). See [`crate::resources::Kms::encrypt`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::path("/api/v1/kms/keys/key-1/encrypt"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"ciphertext": "c2VhbGVk"}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let ciphertext = client.kms().encrypt("key-1", b"card number")?;
        /// assert_eq!(ciphertext, "c2VhbGVk");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty key id, before sending;
        /// [`Error::Api`](crate::Error::Api) when the key is unknown (404) or disabled.
        fn encrypt(&self, key_id: &str, plaintext: &[u8]) -> String;

        /// Decrypts a ciphertext made by [`encrypt`](Self::encrypt); the plaintext stays secret until
        /// exposed. See [`crate::resources::Kms::decrypt`].
        ///
        /// ```
        /// use infisical_config::ExposeSecret;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::path("/api/v1/kms/keys/key-1/decrypt"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"plaintext": "aGVsbG8="}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let plaintext = client.kms().decrypt("key-1", "c2VhbGVk")?;
        /// assert_eq!(plaintext.expose_secret(), b"hello");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) when the key is wrong or unknown;
        /// [`Error::Decode`](crate::Error::Decode) when the answer is not base64.
        fn decrypt(&self, key_id: &str, ciphertext: &str) -> secrecy::SecretSlice<u8>;

        /// Creates a key in a project (the server's default algorithm, `aes-256-gcm`, unless told
        /// otherwise). See [`crate::resources::Kms::create_key`].
        ///
        /// ```
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("POST")).and(wiremock::matchers::path("/api/v1/kms/keys"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"key": {"id": "key-1", "name": "payments", "encryptionAlgorithm": "aes-256-gcm"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let key = client.kms().create_key(project_id, "payments", Some("card data"), None)?;
        /// assert_eq!(key.encryption_algorithm.as_deref(), Some("aes-256-gcm"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty name, before sending;
        /// [`Error::Api`](crate::Error::Api) when the name is taken.
        fn create_key(&self, project: impl Into<ProjectRef> + Send, name: &str, description: Option<&str>, algorithm: Option<&str>) -> KmsKey;

        /// A project's keys. See [`crate::resources::Kms::list_keys`].
        ///
        /// ```
        /// # use infisical_config::testing::PROJECT_ID as project_id;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("GET")).and(wiremock::matchers::path("/api/v1/kms/keys"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"keys": [{"id": "key-1", "name": "payments"}]}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let keys = client.kms().list_keys(project_id)?;
        /// assert_eq!(keys[0].name, "payments");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::Api`](crate::Error::Api) when the server refuses (403 without permission).
        fn list_keys(&self, project: impl Into<ProjectRef> + Send) -> Vec<KmsKey>;

        /// Renames, re-describes, disables or enables a key. See [`crate::resources::Kms::update_key`].
        ///
        /// ```
        /// use infisical_config::resources::kms::KeyChange;
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("PATCH")).and(wiremock::matchers::path("/api/v1/kms/keys/key-1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"key": {"id": "key-1", "name": "payments", "isDisabled": true}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        ///
        /// let key = client.kms().update_key("key-1", &KeyChange::default().disabled(true))?;
        /// assert!(key.is_disabled);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty key id, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when the key is unknown.
        fn update_key(&self, key_id: &str, change: &KeyChange) -> KmsKey;

        /// Deletes a key: whatever it encrypted can no longer be decrypted. See
        /// [`crate::resources::Kms::delete_key`].
        ///
        /// ```
        /// # let rt = tokio::runtime::Runtime::new().unwrap();
        /// # let server = rt.block_on(wiremock::MockServer::start());
        /// # rt.block_on(wiremock::Mock::given(wiremock::matchers::method("DELETE")).and(wiremock::matchers::path("/api/v1/kms/keys/key-1"))
        /// #     .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!(
        /// #         {"key": {"id": "key-1", "name": "payments"}}))).mount(&server));
        /// # let client = infisical_config::blocking::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).build()?;
        /// let deleted = client.kms().delete_key("key-1")?;
        /// assert_eq!(deleted.name, "payments");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        ///
        /// # Errors
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty key id, before sending;
        /// [`Error::Api`](crate::Error::Api) with status 404 when the key is unknown.
        fn delete_key(&self, key_id: &str) -> KmsKey;
    }
}
