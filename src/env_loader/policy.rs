//! Which names secrets may take as environment variables.
//!
//! Whoever can write a secret must not thereby run code on every machine that loads it. Many
//! variables make a program, a shell or an interpreter load code, run a command, or trust another
//! server. They are never set from Infisical unless the caller allows them by exact name. The list is
//! grouped by why each name is dangerous; it cannot be complete (programs read variables of their
//! own), so services that know their names should also use a strict list
//! ([`EnvLoader::only`](super::EnvLoader::only)).
//!
//! Names are compared without regard to case: Windows' environment ignores it, and many programs
//! read `http_proxy` as well as `HTTP_PROXY`.

use std::collections::BTreeSet;
use std::fmt;

/// Why a name is never set from Infisical unless allowed by name: the class [`reserved`] gives a
/// name, and its `Display` (what a warning says). To set one anyway, name it in
/// [`EnvLoader::allow_reserved`](super::EnvLoader::allow_reserved).
///
/// ```
/// use infisical_config::env_loader::{Reserved, reserved};
///
/// let class = reserved("NODE_OPTIONS").unwrap();
/// assert_eq!(class, Reserved::Interpreter);
/// assert_eq!(class.to_string(), "interpreter options and paths");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reserved {
    /// The dynamic loader and the C library: `LD_PRELOAD`, `DYLD_*`, `GCONV_PATH`, `GLIBC_TUNABLES`.
    LoaderAndLinker,
    /// Shell start-up, functions and prompts: `BASH_ENV`, `BASH_FUNC_*`, `SHELLOPTS`, `PS4`,
    /// `PROMPT_COMMAND`, `ZDOTDIR`, `IFS`, and the variables shells keep for themselves (`OPTIND`,
    /// `LINENO`, `PPID`, `UID`, zsh's `status`).
    Shell,
    /// Interpreter options and search paths: `NODE_OPTIONS`, `PYTHONPATH`, `PERL5OPT`, `RUBYOPT`,
    /// `JAVA_TOOL_OPTIONS`, `DOTNET_STARTUP_HOOKS`, ...
    Interpreter,
    /// Version control hooks and the programs tools start: `GIT_*`, `EDITOR`, `PAGER`, `LESSOPEN`,
    /// `SSH_ASKPASS`.
    Commands,
    /// Proxies and trust stores: `*_PROXY`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`,
    /// `NODE_TLS_REJECT_UNAUTHORIZED`, `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`.
    ProxyAndTrust,
    /// This crate's own settings (`INFISICAL_*`): a secret could re-point every later client.
    ThisCrate,
    /// Where a cloud login fetches its credentials and tokens or sends them, and which files or
    /// profiles it takes them from: the metadata and container endpoints
    /// (`AWS_EC2_METADATA_SERVICE_ENDPOINT` and its mode, `AWS_EC2_METADATA_DISABLED`,
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, `GCE_METADATA_HOST`, Azure's `IDENTITY_ENDPOINT`, ...),
    /// the endpoints AWS's SDK sends signed requests to (`AWS_ENDPOINT_URL*`), and the credential
    /// files, profiles and roles (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_CONFIG_FILE`,
    /// `AWS_PROFILE`, `GOOGLE_APPLICATION_CREDENTIALS`, ...). This crate's cloud logins read them, and
    /// so do the clouds' SDKs in a child: a secret could hand the login's proof or tokens to another
    /// server, or have the service log in as someone else. The credentials themselves
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) and the region
    /// (`AWS_REGION`, `AWS_DEFAULT_REGION`) are ordinary secrets and pass.
    CloudLogin,
    /// What the system and the session rely on: `PATH`, `HOME`, `SHELL`, `TMPDIR`, `LANG`, `LC_*`,
    /// `XDG_*`, Windows' `SYSTEMROOT`, ...
    System,
}

impl fmt::Display for Reserved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reserved::LoaderAndLinker => "the loader and linker",
            Reserved::Shell => "shell start-up and shell variables",
            Reserved::Interpreter => "interpreter options and paths",
            Reserved::Commands => "version control and the commands tools start",
            Reserved::ProxyAndTrust => "proxies and trust stores",
            Reserved::ThisCrate => "this crate's own settings",
            Reserved::CloudLogin => "cloud logins' endpoints, credential files and profiles",
            Reserved::System => "the system and the session",
        })
    }
}

enum Match {
    Exact(&'static str),
    Prefix(&'static str),
    Suffix(&'static str),
}

use Match::{Exact, Prefix, Suffix};
use Reserved::*;

const RULES: &[(Reserved, &[Match])] = &[
    (
        LoaderAndLinker,
        &[
            Prefix("LD_"),
            Prefix("DYLD_"),
            Exact("GCONV_PATH"),
            Exact("GLIBC_TUNABLES"),
            Prefix("MALLOC_"),
            Exact("LOCPATH"),
            Exact("NLSPATH"),
            Exact("HOSTALIASES"),
            Exact("RES_OPTIONS"),
            Exact("LOCALDOMAIN"),
        ],
    ),
    (
        Shell,
        &[
            Exact("BASH_ENV"),
            Exact("ENV"),
            Prefix("BASH_FUNC_"),
            Prefix("BASH"),
            Exact("SHELLOPTS"),
            Exact("PS1"),
            Exact("PS2"),
            Exact("PS3"),
            Exact("PS4"),
            Exact("PROMPT_COMMAND"),
            Exact("IFS"),
            Exact("CDPATH"),
            Exact("GLOBIGNORE"),
            Exact("FPATH"),
            Exact("ZDOTDIR"),
            Exact("INPUTRC"),
            Exact("FCEDIT"),
            Exact("HISTFILE"),
            Exact("POSIXLY_CORRECT"),
            Exact("OPTIND"),
            Exact("OPTARG"),
            Exact("OPTERR"),
            Exact("LINENO"),
            Exact("PPID"),
            Exact("UID"),
            Exact("EUID"),
            Exact("GROUPS"),
            Exact("FUNCNAME"),
            Exact("DIRSTACK"),
            Exact("PIPESTATUS"),
            Exact("RANDOM"),
            Exact("SRANDOM"),
            Exact("SECONDS"),
            Exact("HISTCMD"),
            Exact("EPOCHSECONDS"),
            Exact("EPOCHREALTIME"),
            Exact("STATUS"),
            Exact("ARGV"),
            Exact("ARGC"),
            Exact("ERRNO"),
            Exact("MANPATH"),
            Exact("MODULE_PATH"),
            Exact("PSVAR"),
            Exact("WATCH"),
        ],
    ),
    (
        Interpreter,
        &[
            Exact("NODE_OPTIONS"),
            Exact("NODE_PATH"),
            Exact("NODE_REPL_EXTERNAL_MODULE"),
            Exact("NODE_REDIRECT_WARNINGS"),
            Exact("NODE_V8_COVERAGE"),
            Exact("NODE_ICU_DATA"),
            Prefix("NPM_CONFIG_"),
            Exact("PYTHONPATH"),
            Exact("PYTHONHOME"),
            Exact("PYTHONSTARTUP"),
            Exact("PYTHONINSPECT"),
            Exact("PYTHONUSERBASE"),
            Exact("PYTHONBREAKPOINT"),
            Exact("PYTHONEXECUTABLE"),
            Exact("PYTHONPLATLIBDIR"),
            Exact("PYTHONWARNINGS"),
            Exact("PYTHONHTTPSVERIFY"),
            Prefix("PERL"),
            Exact("RUBYOPT"),
            Exact("RUBYLIB"),
            Exact("GEM_HOME"),
            Exact("GEM_PATH"),
            Exact("BUNDLE_GEMFILE"),
            Exact("JAVA_TOOL_OPTIONS"),
            Exact("_JAVA_OPTIONS"),
            Exact("JDK_JAVA_OPTIONS"),
            Exact("CLASSPATH"),
            Exact("JAVA_HOME"),
            Exact("DOTNET_STARTUP_HOOKS"),
            Prefix("CORECLR_"),
            Prefix("COR_"),
            Exact("PHPRC"),
            Exact("PHP_INI_SCAN_DIR"),
            Exact("LUA_INIT"),
            Exact("LUA_PATH"),
            Exact("LUA_CPATH"),
            Exact("TCLLIBPATH"),
            Exact("R_PROFILE"),
            Exact("R_PROFILE_USER"),
            Exact("ERL_AFLAGS"),
            Exact("ERL_FLAGS"),
            Exact("ERL_ZFLAGS"),
            Exact("ELIXIR_ERL_OPTIONS"),
            Exact("GOFLAGS"),
            Exact("RUSTC_WRAPPER"),
            Exact("RUSTC"),
            Exact("CARGO_HOME"),
        ],
    ),
    (
        Commands,
        &[
            Prefix("GIT_"),
            Exact("EDITOR"),
            Exact("VISUAL"),
            Exact("PAGER"),
            Exact("MANPAGER"),
            Exact("LESSOPEN"),
            Exact("LESSCLOSE"),
            Exact("BROWSER"),
            Exact("SSH_ASKPASS"),
            Exact("SUDO_ASKPASS"),
            Exact("SSH_AUTH_SOCK"),
            Exact("HGRCPATH"),
            Exact("HGEDITOR"),
        ],
    ),
    (
        ProxyAndTrust,
        &[
            Suffix("_PROXY"),
            Exact("SSL_CERT_FILE"),
            Exact("SSL_CERT_DIR"),
            Exact("NODE_EXTRA_CA_CERTS"),
            Exact("NODE_TLS_REJECT_UNAUTHORIZED"),
            Exact("REQUESTS_CA_BUNDLE"),
            Exact("CURL_CA_BUNDLE"),
            Exact("AWS_CA_BUNDLE"),
            Exact("OPENSSL_CONF"),
            Exact("OPENSSL_ENGINES"),
            Exact("SSLKEYLOGFILE"),
            Exact("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"),
        ],
    ),
    (ThisCrate, &[Prefix("INFISICAL_")]),
    // Each name says where its reader is; `aws-config` is AWS's SDK for Rust (1.13), which this
    // crate's `aws` login runs. Left out on purpose: the credentials (`AWS_ACCOUNT_ID` too) and the
    // region; switches that only choose among AWS's own endpoints (`AWS_USE_FIPS_ENDPOINT`,
    // `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`); labels
    // (`AWS_ROLE_SESSION_NAME`, `AWS_SDK_UA_APP_ID`) and retry, timeout and checksum settings.
    (
        CloudLogin,
        &[
            // aws-config `imds/client.rs`: the instance metadata's address, or its IPv6 one;
            // `imds/credentials.rs`: whether it is asked at all (switched off, the chain moves on to
            // whatever login comes next, as another identity).
            Exact("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
            Exact("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"),
            Exact("AWS_EC2_METADATA_DISABLED"),
            // aws-config `ecs.rs`: the container credentials endpoint and the token sent to it.
            Exact("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            Exact("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            Exact("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
            Exact("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
            // aws-config `env_service_config.rs`: where STS calls go (`AWS_ENDPOINT_URL_STS`, ...).
            Prefix("AWS_ENDPOINT_URL"),
            // aws-config `web_identity_token.rs`: the token file sent to STS, and the role it buys.
            Exact("AWS_WEB_IDENTITY_TOKEN_FILE"),
            Exact("AWS_ROLE_ARN"),
            // aws-runtime `env_config/file.rs`, `env_config/source.rs`: the profile files and profile.
            Exact("AWS_CONFIG_FILE"),
            Exact("AWS_SHARED_CREDENTIALS_FILE"),
            Exact("AWS_PROFILE"),
            // This crate's `gcp` login and Google's libraries (google-auth's `environment_vars.py`):
            // the metadata server, by its current and former names and by address.
            Exact("GCE_METADATA_HOST"),
            Exact("GCE_METADATA_ROOT"),
            Exact("GCE_METADATA_IP"),
            // Google's libraries in a child: the credentials file (it may name token URLs to call).
            Exact("GOOGLE_APPLICATION_CREDENTIALS"),
            // This crate's Azure login: App Service's identity endpoint and the header it checks.
            Exact("IDENTITY_ENDPOINT"),
            Exact("IDENTITY_HEADER"),
            // Azure's SDKs in a child (MSAL's and Azure.Identity's `EnvironmentVariables`): the other
            // managed-identity endpoints, the certificate Service Fabric's is trusted by, where
            // client secrets and assertions are sent, and the workload identity's token file.
            Exact("MSI_ENDPOINT"),
            Exact("MSI_SECRET"),
            Exact("IMDS_ENDPOINT"),
            Exact("IDENTITY_SERVER_THUMBPRINT"),
            Exact("AZURE_POD_IDENTITY_AUTHORITY_HOST"),
            Exact("AZURE_AUTHORITY_HOST"),
            Exact("AZURE_FEDERATED_TOKEN_FILE"),
        ],
    ),
    (
        System,
        &[
            Exact("PATH"),
            Exact("HOME"),
            Exact("SHELL"),
            Exact("USER"),
            Exact("LOGNAME"),
            Exact("PWD"),
            Exact("OLDPWD"),
            Exact("SHLVL"),
            Exact("TERM"),
            Exact("TERMINFO"),
            Exact("TMPDIR"),
            Exact("TMP"),
            Exact("TEMP"),
            Exact("LANG"),
            Exact("LANGUAGE"),
            Prefix("LC_"),
            Prefix("XDG_"),
            Exact("HOSTNAME"),
            Exact("MAIL"),
            Exact("DISPLAY"),
            Exact("TZDIR"),
            Exact("SYSTEMROOT"),
            Exact("WINDIR"),
            Exact("COMSPEC"),
            Exact("PATHEXT"),
            Exact("APPDATA"),
            Exact("LOCALAPPDATA"),
            Exact("USERPROFILE"),
            Exact("PROGRAMFILES"),
            Exact("HOMEDRIVE"),
            Exact("HOMEPATH"),
            Exact("PSMODULEPATH"),
        ],
    ),
];

/// Why `name` is never set from Infisical unless allowed by name, or `None` when it may be.
///
/// ```
/// use infisical_config::env_loader::{Reserved, reserved};
///
/// assert_eq!(reserved("LD_PRELOAD"), Some(Reserved::LoaderAndLinker));
/// assert_eq!(reserved("BASH_FUNC_ls%%"), Some(Reserved::Shell));
/// assert_eq!(reserved("https_proxy"), Some(Reserved::ProxyAndTrust));
/// assert_eq!(reserved("GCE_METADATA_HOST"), Some(Reserved::CloudLogin));
/// assert_eq!(reserved("AWS_SECRET_ACCESS_KEY"), None);
/// assert_eq!(reserved("DATABASE_URL"), None);
/// ```
#[must_use]
pub fn reserved(name: &str) -> Option<Reserved> {
    let upper = name.to_ascii_uppercase();
    RULES.iter().find_map(|(class, rules)| {
        rules
            .iter()
            .any(|rule| match rule {
                Exact(n) => upper == *n,
                Prefix(p) => upper.starts_with(p),
                Suffix(s) => upper.ends_with(s),
            })
            .then_some(*class)
    })
}

/// The caller's choices: names allowed despite the reserved list, and an optional strict list.
#[derive(Clone, Debug, Default)]
pub(crate) struct NamePolicy {
    /// Reserved names the caller allows, by exact name.
    pub(crate) allowed: BTreeSet<String>,
    /// When set, only these names (or prefixes, written `PREFIX*`) are admitted.
    pub(crate) only: Option<Vec<String>>,
}

/// Why a name is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    Reserved(Reserved),
    NotListed,
}

impl NamePolicy {
    /// `Ok` when `name` may be set; otherwise why not. The one check every way out applies: the
    /// process, a child process and the dotenv export.
    pub(crate) fn check(&self, name: &str) -> Result<(), Refused> {
        if let Some(only) = &self.only {
            let listed = only.iter().any(|entry| match entry.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => entry == name,
            });
            if !listed {
                return Err(Refused::NotListed);
            }
        }
        match reserved(name) {
            Some(class) if !self.allowed.contains(name) => Err(Refused::Reserved(class)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_the_audit_ran_code_with_is_reserved() {
        for name in [
            "BASH_FUNC_ls%%",
            "SHELLOPTS",
            "PS4",
            "NODE_OPTIONS",
            "PERL5OPT",
            "PERL5DB",
            "GIT_CONFIG_COUNT",
            "GIT_CONFIG_KEY_0",
            "GIT_CONFIG_VALUE_0",
            "PYTHONPATH",
            "PYTHONHOME",
            "PYTHONSTARTUP",
            "RUBYOPT",
            "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS",
            "GIT_SSH_COMMAND",
            "GCONV_PATH",
            "GLIBC_TUNABLES",
            "PROMPT_COMMAND",
            "BASHOPTS",
            "ZDOTDIR",
            "EDITOR",
            "VISUAL",
            "PAGER",
            "LESSOPEN",
            "HTTP_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "NO_PROXY",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "NODE_EXTRA_CA_CERTS",
            "REQUESTS_CA_BUNDLE",
            "CURL_CA_BUNDLE",
            "NODE_TLS_REJECT_UNAUTHORIZED",
            "INFISICAL_URL",
            "INFISICAL_TOKEN",
            "LD_PRELOAD",
            "PATH",
            "path",
            "OPTIND",
            "status",
            "LINENO",
            "PPID",
            "UID",
            "EUID",
            "IFS",
        ] {
            assert!(reserved(name).is_some(), "{name} must be reserved");
        }
        for name in ["DATABASE_URL", "API_KEY", "PORT", "APP_PROXY_URL", "NODE_ENV", "GITHUB_TOKEN"] {
            assert_eq!(reserved(name), None, "{name} is an ordinary name");
        }
    }

    /// Every reserved name is in `tests/common/cloud_login_names.rs`; here, what stays an ordinary
    /// secret and how the classes part.
    #[test]
    fn cloud_credentials_are_not_cloud_login_names() {
        assert_eq!(reserved("aws_endpoint_url_sts"), Some(Reserved::CloudLogin));
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_ACCOUNT_ID",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ROLE_SESSION_NAME",
            "AWS_USE_FIPS_ENDPOINT",
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
            "AZURE_TENANT_ID",
        ] {
            assert_eq!(reserved(name), None, "{name} is an ordinary secret");
        }
        // A trust store is not a login endpoint: it keeps its own class.
        assert_eq!(reserved("AWS_CA_BUNDLE"), Some(Reserved::ProxyAndTrust));
    }

    #[test]
    fn allowed_and_strict() {
        let mut policy = NamePolicy::default();
        assert_eq!(policy.check("PATH"), Err(Refused::Reserved(Reserved::System)));
        policy.allowed.insert("PATH".into());
        assert_eq!(policy.check("PATH"), Ok(()));
        policy.only = Some(vec!["APP_*".into(), "DATABASE_URL".into()]);
        assert_eq!(policy.check("APP_PORT"), Ok(()));
        assert_eq!(policy.check("DATABASE_URL"), Ok(()));
        assert_eq!(policy.check("DATABASE_URL_2"), Err(Refused::NotListed));
        assert_eq!(policy.check("PATH"), Err(Refused::NotListed));
    }
}
