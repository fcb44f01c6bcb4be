//! Which generation of the API a server speaks, chosen once per client: pinned by the caller, or
//! found by one probe that every concurrent caller waits for.

use std::sync::atomic::{AtomicU8, Ordering};

use super::{CURRENT as CURRENT_ROUTES, LEGACY as LEGACY_ROUTES, Routes};

/// Which API generation to use for secrets, folders and secret imports.
///
/// Current servers serve secrets at `/api/v4/secrets`, folders and imports at `/api/v2`; servers of 2024
/// and older serve only `/api/v3/secrets/raw` and `/api/v1` folders and imports, and answer the newer
/// routes with fastify's `404 Route GET:... not found`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").legacy_only(true).start().await;
/// use infisical_config::resources::{ApiVersion, ListSecrets};
///
/// // An old self-hosted server: skip the detection request.
/// let client = fake.client_builder().api_version(ApiVersion::Legacy).build()?;
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// assert_eq!(list.secrets[0].key, "API_KEY");
/// assert_eq!(fake.request_log().await[1], "GET /api/v3/secrets/raw"); // after the login, straight to v3
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ApiVersion {
    /// Try the current routes; on "route not found", use the legacy ones from then on (and say so once
    /// in the log).
    #[default]
    Auto,
    /// Always the current routes: secrets v4, folders and imports v2.
    Current,
    /// Always the legacy routes: secrets v3 raw, folders and imports v1.
    Legacy,
}

const UNKNOWN: u8 = 0;
const CURRENT: u8 = 1;
const LEGACY: u8 = 2;

/// The version a client uses, learnt on the first answer when automatic.
///
/// While undecided, one caller at a time probes (holding `probe`); the others wait for its answer
/// instead of each trying the current route and failing on an old server.
#[derive(Debug)]
pub(crate) struct RouteChoice {
    chosen: AtomicU8,
    pub(crate) probe: tokio::sync::Mutex<()>,
}

impl RouteChoice {
    pub(crate) fn new(v: ApiVersion) -> Self {
        let chosen = match v {
            ApiVersion::Auto => UNKNOWN,
            ApiVersion::Current => CURRENT,
            ApiVersion::Legacy => LEGACY,
        };
        RouteChoice { chosen: AtomicU8::new(chosen), probe: tokio::sync::Mutex::new(()) }
    }

    /// The routes to use now: the current ones until a probe finds an older server.
    pub(crate) fn routes(&self) -> &'static Routes {
        if self.chosen.load(Ordering::Relaxed) == LEGACY { &LEGACY_ROUTES } else { &CURRENT_ROUTES }
    }

    /// Whether the choice may still change (automatic and not yet settled).
    pub(crate) fn undecided(&self) -> bool {
        self.chosen.load(Ordering::Relaxed) == UNKNOWN
    }

    /// Whether the current routes were chosen (pinned or learnt).
    pub(crate) fn current_settled(&self) -> bool {
        self.chosen.load(Ordering::Relaxed) == CURRENT
    }

    pub(crate) fn settle_current(&self) {
        let _ = self.chosen.compare_exchange(UNKNOWN, CURRENT, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Switches to legacy routes; true for the first caller, so the switch is logged once.
    pub(crate) fn settle_legacy(&self) -> bool {
        self.chosen.compare_exchange(UNKNOWN, LEGACY, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}
