//! KMS: keys held by Infisical, and encryption and decryption with them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{ProjectRef, null_default, require};
use crate::Client;
use crate::error::{Error, Result};
use crate::routes::KMS_KEYS;
use crate::transport::ApiRequest;

/// A KMS key.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KmsKey {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// The description.
    pub description: Option<String>,
    /// Whether it is disabled.
    #[serde(default, deserialize_with = "null_default")]
    pub is_disabled: bool,
    /// The project's id.
    pub project_id: Option<String>,
    /// The encryption algorithm, when the server says.
    pub encryption_algorithm: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

#[derive(Deserialize)]
struct OneKey {
    key: KmsKey,
}

#[derive(Deserialize)]
struct ManyKeys {
    #[serde(default, deserialize_with = "null_default")]
    keys: Vec<KmsKey>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey<'a> {
    project_id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_algorithm: Option<&'a str>,
}

/// Changes to a key.
///
/// ```
/// use infisical_config::resources::kms::KeyChange;
///
/// let change = KeyChange::default().description("rotated").disabled(false);
/// # let _ = change;
/// ```
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct KeyChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_disabled: Option<bool>,
}

impl KeyChange {
    crate::setters::setters! {
        /// A new name.
        name(name: impl Into<String>) => name = Some(name.into());

        /// A new description.
        description(text: impl Into<String>) => description = Some(text.into());

        /// Disables or enables the key.
        disabled(yes: bool) => is_disabled = Some(yes);
    }
}

/// The KMS handler: `client.kms()`.
///
/// Plaintext goes in and comes out as bytes; the base64 the API speaks is handled here.
///
/// ```no_run
/// # async fn run(client: infisical_config::Client) -> infisical_config::Result<()> {
/// use infisical_config::ExposeSecret;
///
/// let ciphertext = client.kms().encrypt("key-id", b"hello rust sdk").await?;
/// let plaintext = client.kms().decrypt("key-id", &ciphertext).await?;
/// assert_eq!(plaintext.expose_secret(), b"hello rust sdk");
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Kms<'c> {
    client: &'c Client,
}

impl Client {
    /// The KMS handler.
    #[must_use]
    pub fn kms(&self) -> Kms<'_> {
        Kms { client: self }
    }
}

impl Kms<'_> {
    /// Encrypts bytes with key `key_id`; returns the ciphertext as the server gives it.
    ///
    /// # Errors
    /// [`Error::Api`] when the key is unknown or disabled.
    pub async fn encrypt(&self, key_id: &str, plaintext: &[u8]) -> Result<String> {
        require("key_id", key_id)?;
        #[derive(Serialize)]
        struct Body<'a> {
            plaintext: &'a str,
        }
        #[derive(Deserialize)]
        struct Answer {
            ciphertext: String,
        }
        let encoded = Zeroizing::new(STANDARD.encode(plaintext));
        // Encrypting twice yields two valid ciphertexts and changes nothing: safe to replay.
        let req = ApiRequest::post(KMS_KEYS)
            .segment(key_id)
            .segment("encrypt")
            .json(&Body { plaintext: &encoded })?
            .replayable();
        Ok(self.client.execute(&req).await?.json::<Answer>()?.ciphertext)
    }

    /// Decrypts a ciphertext made by [`encrypt`](Self::encrypt).
    ///
    /// # Errors
    /// [`Error::Api`] when the key is wrong; [`Error::Decode`] when the answer is not base64.
    pub async fn decrypt(&self, key_id: &str, ciphertext: &str) -> Result<SecretSlice<u8>> {
        require("key_id", key_id)?;
        #[derive(Serialize)]
        struct Body<'a> {
            ciphertext: &'a str,
        }
        #[derive(Deserialize)]
        struct Answer {
            plaintext: SecretString,
        }
        let req =
            ApiRequest::post(KMS_KEYS).segment(key_id).segment("decrypt").json(&Body { ciphertext })?.replayable();
        let resp = self.client.execute(&req).await?;
        let answer: Answer = resp.json()?;
        let bytes = STANDARD.decode(answer.plaintext.expose_secret()).map_err(|_| Error::Decode {
            endpoint: resp.endpoint.clone(),
            detail: "at `plaintext`: expected base64".into(),
        })?;
        Ok(SecretSlice::from(bytes))
    }

    /// Creates a key (the server's default algorithm, `aes-256-gcm`, unless told otherwise).
    ///
    /// # Errors
    /// [`Error::Api`] when the name is taken.
    pub async fn create_key(
        &self,
        project: impl Into<ProjectRef>,
        name: &str,
        description: Option<&str>,
        algorithm: Option<&str>,
    ) -> Result<KmsKey> {
        require("name", name)?;
        let project_id = self.client.project_id(&project.into()).await?;
        let body = CreateKey { project_id: &project_id, name, description, encryption_algorithm: algorithm };
        Ok(self.client.execute(&ApiRequest::post(KMS_KEYS).json(&body)?).await?.json::<OneKey>()?.key)
    }

    /// A project's keys.
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses.
    pub async fn list_keys(&self, project: impl Into<ProjectRef>) -> Result<Vec<KmsKey>> {
        let project_id = self.client.project_id(&project.into()).await?;
        let req = ApiRequest::get(KMS_KEYS).query("projectId", project_id);
        Ok(self.client.execute(&req).await?.json::<ManyKeys>()?.keys)
    }

    /// Changes a key.
    ///
    /// # Errors
    /// [`Error::Api`] when the key is unknown.
    pub async fn update_key(&self, key_id: &str, change: &KeyChange) -> Result<KmsKey> {
        require("key_id", key_id)?;
        let req = ApiRequest::patch(KMS_KEYS).segment(key_id).json(change)?;
        Ok(self.client.execute(&req).await?.json::<OneKey>()?.key)
    }

    /// Deletes a key. Whatever it encrypted can no longer be decrypted.
    ///
    /// # Errors
    /// [`Error::Api`] when the key is unknown.
    pub async fn delete_key(&self, key_id: &str) -> Result<KmsKey> {
        require("key_id", key_id)?;
        Ok(self.client.execute(&ApiRequest::delete(KMS_KEYS).segment(key_id)).await?.json::<OneKey>()?.key)
    }
}
