//! Where the Infisical server is: the site URL, from the builder or the environment.

use reqwest::Url;

use crate::{EnvSource, Error, Result};

/// The site used when nothing else names one: Infisical Cloud (US), under the name the Infisical CLI
/// and the official SDKs default to, so that a login made with the CLI and this crate agree on it.
pub const DEFAULT_SITE: &str = "https://app.infisical.com";

/// Environment variables naming the site, in order of precedence.
pub(crate) const SITE_VARS: &[&str] = &["INFISICAL_URL", "INFISICAL_DOMAIN", "INFISICAL_API_URL"];

/// Normalises a site URL: no trailing `/`, no trailing `/api`.
///
/// `https://x.example/api/` and `https://x.example` name the same site.
pub(crate) fn site_root(url: &str) -> String {
    let mut s = url.trim().trim_end_matches('/');
    if let Some(stripped) = s.strip_suffix("/api") {
        s = stripped.trim_end_matches('/');
    }
    s.to_owned()
}

/// Where the site URL came from, for logs and error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SiteSource {
    Builder,
    Env(&'static str),
    /// The project file at this path.
    ProjectFile(String),
    CliLogin,
    Default,
}

impl std::fmt::Display for SiteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SiteSource::Builder => f.write_str("the client builder"),
            SiteSource::Env(var) => write!(f, "environment variable {var}"),
            SiteSource::ProjectFile(path) => write!(f, "the project file {path}"),
            SiteSource::CliLogin => f.write_str("the Infisical CLI login"),
            SiteSource::Default => f.write_str("the default"),
        }
    }
}

/// The site from the builder, else the environment; `None` when neither names one.
pub(crate) fn site_from(explicit: Option<&str>, env: &EnvSource) -> Option<(String, SiteSource)> {
    if let Some(url) = explicit {
        return Some((url.to_owned(), SiteSource::Builder));
    }
    env.first_of(SITE_VARS).map(|(var, url)| (url, SiteSource::Env(var)))
}

/// Parses a site URL into its canonical form and the API base (`<site>/api/`).
pub(crate) fn parse_site(raw: &str, source: &SiteSource) -> Result<(Url, Url)> {
    // The last site parsed: a process asks for the same one again (the figment provider describes its
    // target from the environment, then builds its client), and parsing a URL costs more than the
    // rest of either. Only a URL that parsed is kept: an error names where the text came from.
    static LAST: std::sync::Mutex<Option<(String, Url, Url)>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((seen, site, api)) = last.as_ref()
        && seen == raw
    {
        return Ok((site.clone(), api.clone()));
    }
    let site = site_url(raw, source)?;
    let api = api_base(&site);
    *last = Some((raw.to_owned(), site.clone(), api.clone()));
    Ok((site, api))
}

/// Parses and checks a site URL, once: the API base is built from the parsed URL ([`api_base`]).
pub(crate) fn site_url(raw: &str, source: &SiteSource) -> Result<Url> {
    let root = site_root(raw);
    check_scheme(&root, source)?;
    let site =
        Url::parse(&root).map_err(|e| Error::Config(format!("the Infisical URL from {source} is not a URL: {e}")))?;
    if site.has_authority() && (!site.username().is_empty() || site.password().is_some()) {
        // A password there would be logged, shown in `Debug` and sent as Basic auth beside the token.
        return Err(Error::Config(format!(
            "the Infisical URL from {source} holds a user name or password; remove it (credentials go in \
             INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET or INFISICAL_TOKEN)"
        )));
    }
    if !matches!(site.scheme(), "http" | "https") || site.host_str().is_none() {
        return Err(Error::Config(format!(
            "the Infisical URL from {source} must be http(s)://host, got scheme `{}`",
            site.scheme()
        )));
    }
    if site.query().is_some() || site.fragment().is_some() {
        // Every request's path goes after the site's: a query or fragment there has no place to go.
        return Err(Error::Config(format!(
            "the Infisical URL from {source} has a query or fragment (`?` or `#`); give the site alone, \
             such as {}",
            site.origin().ascii_serialization()
        )));
    }
    Ok(site)
}

/// `<site>/api/`, from the parsed site: its path, then `api/`.
fn api_base(site: &Url) -> Url {
    let mut api = site.clone();
    // An http(s) URL with a host (checked by `site_url`) always has path segments.
    if let Ok(mut segments) = api.path_segments_mut() {
        segments.pop_if_empty().extend(["api", ""]);
    }
    api
}

/// Refuses a site written without its scheme, with the fix. `Url::parse` would not: it reads
/// `localhost:8080` and `infisical.example.com:443` as the scheme `localhost` or `infisical.example.com`
/// followed by a path, and `127.0.0.1:8080` or `infisical.example.com` as a relative URL.
fn check_scheme(root: &str, source: &SiteSource) -> Result<()> {
    let lower = root.to_ascii_lowercase();
    if root.contains("://") || lower.starts_with("http:") || lower.starts_with("https:") {
        return Ok(());
    }
    if root.is_empty() {
        return Err(Error::Config(format!("the Infisical URL from {source} is empty")));
    }
    if root.contains('@') {
        // A user name or password: never echoed.
        return Err(Error::Config(format!(
            "the Infisical URL from {source} has no scheme and holds a user name or password; write it as \
             https://host (credentials go in INFISICAL_CLIENT_ID/INFISICAL_CLIENT_SECRET or INFISICAL_TOKEN)"
        )));
    }
    Err(Error::Config(format!(
        "the Infisical URL from {source} has no scheme; add the scheme: http://{root} or https://{root}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_forms_are_equivalent() {
        for raw in [
            "https://x.example",
            "https://x.example/",
            "https://x.example/api",
            "https://x.example/api/",
            " https://x.example/api// ",
        ] {
            assert_eq!(site_root(raw), "https://x.example", "{raw}");
        }
        assert_eq!(site_root("https://x.example/infisical/api"), "https://x.example/infisical");
    }

    #[test]
    fn env_precedence() {
        let env = EnvSource::from_pairs([("INFISICAL_API_URL", "https://c"), ("INFISICAL_DOMAIN", "https://b")]);
        assert_eq!(site_from(None, &env), Some(("https://b".into(), SiteSource::Env("INFISICAL_DOMAIN"))));
        let env = EnvSource::from_pairs([("INFISICAL_URL", "https://a"), ("INFISICAL_DOMAIN", "https://b")]);
        assert_eq!(site_from(None, &env).unwrap().0, "https://a");
        assert_eq!(site_from(Some("https://z"), &env).unwrap().1, SiteSource::Builder);
        assert_eq!(site_from(None, &EnvSource::from_pairs::<_, String, String>([])), None);
    }

    #[test]
    fn a_site_with_userinfo_is_refused_without_echoing_it() {
        let err = parse_site("http://user:PW-secret@host", &SiteSource::Env("INFISICAL_URL")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("INFISICAL_URL") && !text.contains("PW-secret") && !text.contains("user:"), "{text}");
    }

    #[test]
    fn a_site_without_its_scheme_is_refused_with_the_fix() {
        for raw in
            ["127.0.0.1:8080", "localhost:8080", "localhost", "infisical.example.com", "infisical.example.com:443/"]
        {
            let err = parse_site(raw, &SiteSource::Env("INFISICAL_URL")).unwrap_err();
            let root = raw.trim_end_matches('/');
            assert_eq!(
                err.to_string(),
                format!(
                    "configuration error: the Infisical URL from environment variable INFISICAL_URL has no scheme; \
                     add the scheme: http://{root} or https://{root}"
                )
            );
        }
        let err = parse_site("me:PW-secret@host:8080", &SiteSource::Builder).unwrap_err().to_string();
        assert!(err.contains("no scheme") && !err.contains("PW-secret"), "{err}");
        assert!(parse_site("  ", &SiteSource::Builder).unwrap_err().to_string().contains("empty"));
        assert_eq!(parse_site("HTTPS://x.example", &SiteSource::Builder).unwrap().0.as_str(), "https://x.example/");
    }

    /// The last site parsed is kept for the next ask of the same text; another text is parsed, and an
    /// error still names where its text came from.
    #[test]
    fn a_site_asked_again_parses_the_same() {
        for raw in ["http://127.0.0.1:8080/api", "https://a.example", "http://127.0.0.1:8080/api"] {
            assert_eq!(parse_site(raw, &SiteSource::Builder).unwrap(), parse_site(raw, &SiteSource::Default).unwrap());
            assert_eq!(parse_site(raw, &SiteSource::Builder).unwrap().0, Url::parse(&site_root(raw)).unwrap());
        }
        for source in [SiteSource::Env("INFISICAL_URL"), SiteSource::Builder] {
            let err = parse_site("not a url", &source).unwrap_err().to_string();
            assert!(err.contains(&source.to_string()), "{err}");
        }
    }

    #[test]
    fn bad_site_is_a_config_error() {
        let err = parse_site("ftp://x", &SiteSource::Builder).unwrap_err();
        assert!(err.to_string().contains("http(s)"), "{err}");
        let err = parse_site("not a url", &SiteSource::Env("INFISICAL_URL")).unwrap_err();
        assert!(err.to_string().contains("INFISICAL_URL"), "{err}");
        let (site, api) = parse_site("http://127.0.0.1:8080/api", &SiteSource::Builder).unwrap();
        assert_eq!(site.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(api.as_str(), "http://127.0.0.1:8080/api/");
    }

    #[test]
    fn the_api_base_is_the_site_then_api() {
        // Built from the parsed site, it is what parsing `<site>/api/` gives.
        for raw in [
            "http://127.0.0.1:8080",
            "https://x.example/",
            "https://x.example/api",
            "HTTPS://X.Example:443/infisical/api/",
            "https://x.example/a/./b/../infisical",
            "https://x.example/with%20space/and%2Fslash",
            "https://x.example/with space",
            "https://[::1]:8443/sub/",
        ] {
            let (_, api) = parse_site(raw, &SiteSource::Builder).unwrap();
            assert_eq!(api, Url::parse(&format!("{}/api/", site_root(raw))).unwrap(), "{raw}");
        }
    }

    #[test]
    fn a_site_with_a_query_or_fragment_is_refused() {
        for raw in ["https://x.example?team=a", "https://x.example/#top", "https://x.example/api?x"] {
            let err = parse_site(raw, &SiteSource::Env("INFISICAL_URL")).unwrap_err().to_string();
            assert!(
                err.contains("INFISICAL_URL has a query or fragment") && err.ends_with("https://x.example"),
                "{err}"
            );
            assert!(!err.contains("team=a"), "{err}");
        }
    }
}
