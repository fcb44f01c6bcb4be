//! The env loader's options: what to load (the setters every loader shares), which client, and how
//! the secrets meet the variables already there.

use super::{EnvLoader, Overwrite};
use crate::pipeline::loader_setters;
use crate::{DynamicLease, blocking};

impl EnvLoader {
    loader_setters! {
        credentials:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, EnvSource, ExposeSecret};
        /// use infisical_config::auth::Credentials;
        /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod")
        ///     .env_source(EnvSource::from_pairs([("INFISICAL_API_URL", fake.uri())])) // the site
        ///     .credentials(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET))
        ///     .load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        env_source:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, EnvSource, ExposeSecret};
        /// # use infisical_config::testing::{self, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let site = fake.uri();
        ///
        /// // What a deployment would set, given here so the test needs none of it.
        /// let env = EnvSource::from_pairs([
        ///     ("INFISICAL_API_URL", site.as_str()),
        ///     ("INFISICAL_CLIENT_ID", testing::CLIENT_ID),
        ///     ("INFISICAL_CLIENT_SECRET", testing::CLIENT_SECRET),
        /// ]);
        /// let vars = EnvLoader::new(fake.project_id(), "prod").env_source(env).load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        cache:
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::EnvLoader;
        /// use infisical_config::cache::{Cache, CacheKey, OnFailure};
        /// use infisical_config::report::Origin;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let dir = tempfile::tempdir().unwrap();
        ///
        /// let cache = Cache::new(CacheKey::from([7; 32]))
        ///     .dir(dir.path())
        ///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) });
        /// let loader = EnvLoader::new(fake.project_id(), "prod")
        ///     .client(fake.blocking_client_builder().build()?)
        ///     .cache(cache);
        /// loader.load()?; // from Infisical, and kept
        ///
        /// fake.set_unavailable(true);
        /// let vars = loader.load()?; // Infisical is down: the last good load
        /// assert_eq!(vars.len(), 1);
        /// assert!(matches!(vars.report().unwrap().layers[0].origin, Origin::Cache { .. }));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        path:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "API_KEY", "k")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).path("/api").load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["API_KEY"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        paths:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "LOG_LEVEL", "info")
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "PORT", "9090")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).paths(["/", "/api"]).load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "9090"); // /api came later
        /// assert_eq!(vars.get("LOG_LEVEL").unwrap().expose_secret(), "info");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        recursive:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/db", "DATABASE_URL", "postgres://db")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).recursive(true).load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["DATABASE_URL", "PORT"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        include_imports:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/shared", "SENTRY_DSN", "https://sentry.example")
        /// #     .import("prod", "/", "prod", "/shared")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// // `/` imports `/shared`.
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// assert!(loader.load()?.get("SENTRY_DSN").is_some());
        /// assert!(loader.include_imports(false).load()?.get("SENTRY_DSN").is_none());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        expand_references:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "HOST", "db.internal")
        /// #     .secret("prod", "/", "DATABASE_URL", "postgres://${HOST}/app")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// assert_eq!(loader.load()?.get("DATABASE_URL").unwrap().expose_secret(), "postgres://db.internal/app");
        /// let raw = loader.expand_references(false).load()?;
        /// assert_eq!(raw.get("DATABASE_URL").unwrap().expose_secret(), "postgres://${HOST}/app");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        tags:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .tagged_secret("prod", "/", "PORT", "8080", &["backend"])
        /// #     .tagged_secret("prod", "/", "CDN_URL", "https://cdn.example", &["frontend"])
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).tags(["backend"]).load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["PORT"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
    }

    crate::setters::setters! {
        /// Uses this client. Its runtime lives as long as it (and its clones) do: for
        /// [`load_and_set`](Self::load_and_set), let the loader build its own, which is gone when it returns.
        ///
        /// ```
        /// use infisical_config::{EnvLoader, RetryPolicy, blocking};
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let client: blocking::Client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build()?;
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client.clone()).load()?;
        /// assert_eq!(vars.len(), 1);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        client(client: blocking::Client) => client = Some(client);

        /// Whether secrets replace variables that are already there (default [`Overwrite::Inherited`]:
        /// only what a child inherits, as with `infisical run`).
        ///
        /// ```
        /// use std::process::Command;
        /// use infisical_config::EnvLoader;
        /// use infisical_config::env_loader::Overwrite;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).overwrite(Overwrite::Always).load()?;
        /// let mut child = Command::new("sh");
        /// child.args(["-c", r#"printf %s "$PORT""#]).env("PORT", "9090");
        /// assert_eq!(vars.apply_to_command(&mut child).set, ["PORT"]);
        /// assert_eq!(child.output()?.stdout, b"8080");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        overwrite(mode: Overwrite) => policy.overwrite = mode;

        /// `true` is [`overwrite(Overwrite::Always)`](Self::overwrite); `false` is the default,
        /// [`Overwrite::Inherited`].
        ///
        /// ```
        /// use std::process::Command;
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// let mut child = Command::new("true");
        /// child.env("PORT", "9090");
        /// assert_eq!(loader.clone().load()?.apply_to_command(&mut child).kept, ["PORT"]);
        /// assert_eq!(loader.override_existing(true).load()?.apply_to_command(&mut child).set, ["PORT"]);
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        override_existing(yes: bool) => policy.overwrite = if yes { Overwrite::Always } else { Overwrite::Inherited };
    }

    /// Also asks for a lease of a dynamic secret: its credentials become variables beside the secrets,
    /// named by [`DynamicLease::key`] (else as the dynamic secret names them: `DB_USERNAME`,
    /// `DB_PASSWORD`), after [`DynamicLease::at`] and `_` when given. The same rules apply to them as to
    /// secrets: reserved names are not set, a strict list ([`only`](Self::only)) must name them, and a
    /// name a secret has too is an [`Error::KeyConflict`](crate::Error::KeyConflict) naming both.
    ///
    /// Each load creates a lease, which nothing renews: its credentials live until its TTL
    /// ([`DynamicLease::ttl`]); see [`leases`](crate::leases).
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::{DynamicLease, EnvLoader, ExposeSecret};
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("prod", "/", "PGHOST", "db.internal")
    /// #     .dynamic_secret("prod", "/", "postgres-app", DynamicSecretSpec::new(Duration::from_secs(3600)))
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .lease(DynamicLease::new("postgres-app").key("DB_USERNAME", "PGUSER").key("DB_PASSWORD", "PGPASSWORD"))
    ///     .load()?;
    /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["PGHOST", "PGPASSWORD", "PGUSER"]);
    /// assert_eq!(vars.get("PGUSER").unwrap().expose_secret(), "user-1");
    /// assert_eq!(vars.report().unwrap().leases[0].keys, ["PGPASSWORD", "PGUSER"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn lease(mut self, lease: DynamicLease) -> Self {
        self.leases.push(lease);
        self
    }

    /// Allows these reserved names (see [`Reserved`](super::Reserved)) to be set from Infisical, by
    /// exact name.
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "NODE_OPTIONS", "--max-old-space-size=4096")
    /// #     .secret("prod", "/", "LD_PRELOAD", "/tmp/evil.so")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).allow_reserved(["NODE_OPTIONS"]).load()?;
    /// let applied = vars.apply_to_command(&mut Command::new("node"));
    /// assert_eq!((applied.set, applied.reserved), (vec!["NODE_OPTIONS".to_owned()], vec!["LD_PRELOAD".to_owned()]));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn allow_reserved<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.policy.names.allowed.extend(names.into_iter().map(Into::into));
        self
    }

    /// Strict mode: sets only these names, or names starting with a prefix written `PREFIX*`
    /// (`["APP_*", "DATABASE_URL"]`). Reserved names still need [`allow_reserved`](Self::allow_reserved).
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "APP_PORT", "8080")
    /// #     .secret("prod", "/", "DATABASE_URL", "postgres://db")
    /// #     .secret("prod", "/", "BILLING_API_KEY", "b")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).only(["APP_*", "DATABASE_URL"]).load()?;
    /// let applied = vars.apply_to_command(&mut Command::new("my-server"));
    /// assert_eq!(applied.set, ["APP_PORT", "DATABASE_URL"]);
    /// assert_eq!(applied.not_listed, ["BILLING_API_KEY"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn only<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.policy.names.only = Some(names.into_iter().map(Into::into).collect());
        self
    }
}
