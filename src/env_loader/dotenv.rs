//! Writing the variables to a file other programs read: a dotenv file, or a script for POSIX shells.
//!
//! Readers disagree on quoting. POSIX shells take `'...'` literally; `dotenvy` also takes single
//! quotes literally but cannot write a `'` inside them; python-dotenv reads `\'` and `\\` inside single
//! quotes as escapes. The one form all of them read back byte for byte is a single-quoted value with
//! no `'` and no `\`: [`EnvMap::to_dotenv`] writes that and refuses any other value, naming the secret.
//! [`EnvMap::to_shell`] writes for POSIX shells alone, where any value can be quoted.

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::EnvMap;
use crate::error::{Error, Result};

impl EnvMap {
    /// The variables as a dotenv file that POSIX shells (`set -a; . ./file`), `dotenvy` and
    /// python-dotenv all read back exactly: `NAME='value'`, one per line (a value may span lines).
    ///
    /// The same name rules apply as when setting variables: reserved names and names off a strict list
    /// are left out (with a warning), and names shells keep for themselves are reserved too.
    ///
    /// ```
    /// use infisical_config::env_loader::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("GREETING", "hello $HOME # not a comment")])?;
    /// assert_eq!(vars.to_dotenv()?.as_str(), "GREETING='hello $HOME # not a comment'\n");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::KeyMapping`] naming the secret (never its value) for a name that is not a shell
    /// variable name (`a-b`, `1X`), or a value holding `'` or `\`, which these readers do not read
    /// back alike: write those with [`to_json`](Self::to_json), or [`to_shell`](Self::to_shell) for a
    /// shell alone.
    pub fn to_dotenv(&self) -> Result<Zeroizing<String>> {
        self.write(|name, value, out| {
            if let Some(c) = value.chars().find(|c| matches!(c, '\'' | '\\' | '\r')) {
                let what = match c {
                    '\'' => "a single quote",
                    '\\' => "a backslash",
                    _ => "a carriage return",
                };
                return Err(Error::KeyMapping {
                    secret: format!("secret `{name}`"),
                    reason: format!(
                        "its value holds {what}, which shells, dotenvy and python-dotenv do not read back alike; \
                         export it with to_json() or to_shell()"
                    ),
                });
            }
            out.push('\'');
            out.push_str(value);
            out.push('\'');
            Ok(())
        })
    }

    /// The variables as a script for POSIX shells (`set -a; . ./file`): every value single-quoted,
    /// with `'` written as `'\''`, so any value comes back exactly in `sh`, `dash`, `bash`, `zsh` and
    /// `busybox sh`. Not for dotenv libraries, which read `'\''` differently.
    ///
    /// ```
    /// use infisical_config::env_loader::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("GREETING", "it's C:\\dir\\")])?;
    /// assert_eq!(vars.to_shell()?.as_str(), "GREETING='it'\\''s C:\\dir\\'\n");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::KeyMapping`] for a name that is not a shell variable name.
    pub fn to_shell(&self) -> Result<Zeroizing<String>> {
        self.write(|_, value, out| {
            out.push('\'');
            for c in value.chars() {
                if c == '\'' {
                    out.push_str(r"'\''");
                } else {
                    out.push(c);
                }
            }
            out.push('\'');
            Ok(())
        })
    }

    /// The variables the name policy admits into an export; the others are left out, with a warning
    /// naming them (never their values).
    pub(super) fn exported(&self, export: &str) -> Vec<(&str, &SecretString)> {
        let (admitted, left_out): (Vec<_>, Vec<_>) = self
            .vars
            .iter()
            .map(|(name, value)| (name.as_str(), value))
            .partition(|(name, _)| self.policy.names.check(name).is_ok());
        if !left_out.is_empty() {
            let names: Vec<&str> = left_out.iter().map(|(name, _)| *name).collect();
            tracing::warn!(?names, "reserved or unlisted names were left out of {export} (allow them by name)");
        }
        admitted
    }

    /// Writes `NAME=<quoted value>\n` for every variable the name policy admits.
    fn write(&self, quote: impl Fn(&str, &str, &mut Zeroizing<String>) -> Result<()>) -> Result<Zeroizing<String>> {
        let mut out = Zeroizing::new(String::new());
        for (name, value) in self.exported("the exported file") {
            let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(Error::KeyMapping {
                    secret: format!("secret `{name}`"),
                    reason: "not a valid shell variable name".into(),
                });
            }
            out.push_str(name);
            out.push('=');
            quote(name, value.expose_secret(), &mut out)?;
            out.push('\n');
        }
        Ok(out)
    }
}
