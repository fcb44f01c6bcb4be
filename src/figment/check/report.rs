//! What an [`EnvironmentCheck`](super::EnvironmentCheck) found: names, keys and types, never a value.

use std::fmt;

use crate::error::Error;

/// What is wrong with one key in one environment.
///
/// ```
/// # use figment::Figment;
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// use infisical_config::figment::{EnvironmentCheck, ProblemKind};
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16 }
///
/// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "80a").start_blocking();
/// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
/// let report = EnvironmentCheck::new(template, ["prod"]).run::<Config>();
/// let problem = &report.environments()[0].problems()[0];
/// assert_eq!((problem.kind, problem.key.as_str()), (ProblemKind::Mistyped, "port"));
/// assert_eq!(problem.secrets, ["PORT"]);
/// assert_eq!(problem.expected.as_deref(), Some("u16"));
/// assert_eq!(problem.to_string(), "prod: mistyped `port` (secret PORT): expected u16");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The Infisical environment (slug).
    pub environment: String,
    /// What is wrong.
    pub kind: ProblemKind,
    /// The configuration key, dotted: `database.url`.
    pub key: String,
    /// For [`Missing`](ProblemKind::Missing): the secrets that would provide the key, each a name or
    /// a folder and a name (`DATABASE__URL`, `/database/URL`; `*` under a table), empty when the key
    /// mapping gives it no name. Otherwise the secret the value came from (`PORT`, `/db/PORT`), empty
    /// when it came from another source.
    pub secrets: Vec<String>,
    /// What the field's type expects (`u16`, `a string`, ``one of `info`, `debug` ``), when serde said.
    pub expected: Option<String>,
    /// For [`Unread`](ProblemKind::Unread): the field it most likely meant (`database_url` for
    /// `databse_url`), when one is near.
    pub closest_field: Option<String>,
    /// More words: where a value not from Infisical came from, why a value was refused, where the
    /// check stopped.
    pub detail: Option<String>,
}

/// The kinds of [`Problem`].
///
/// ```
/// use infisical_config::figment::ProblemKind;
/// assert_eq!(ProblemKind::Missing.to_string(), "missing");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A field the type requires that no source provides.
    Missing,
    /// A value the field's type does not read (`"80a"` for a `u16`, `"loud"` for an enum).
    Mistyped,
    /// A secret that no field reads: usually a typo on one side.
    Unread,
    /// A value refused for another reason (a type's own validation, a key a struct with
    /// `deny_unknown_fields` does not have), or a place the check could not go past.
    Invalid,
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProblemKind::Missing => "missing",
            ProblemKind::Mistyped => "mistyped",
            ProblemKind::Unread => "unread",
            ProblemKind::Invalid => "invalid",
        })
    }
}

impl Problem {
    /// The secret column: the names, or `-`.
    fn secret_cell(&self) -> String {
        match (self.kind, self.secrets.as_slice()) {
            (_, []) => "-".into(),
            (ProblemKind::Missing, names) => names.join(" or "),
            (_, names) => names.join(", "),
        }
    }

    /// The detail column.
    fn detail_cell(&self) -> String {
        let mut words = Vec::new();
        match self.kind {
            ProblemKind::Missing => {
                words.push("no source provides it".to_owned());
                if self.secrets.is_empty() {
                    words.push("no secret name maps to this key".into());
                }
            }
            ProblemKind::Unread => words.push("no field reads it".into()),
            ProblemKind::Mistyped | ProblemKind::Invalid => {}
        }
        if let Some(expected) = &self.expected {
            words.push(format!("expected {expected}"));
        }
        if let Some(closest) = &self.closest_field {
            words.push(format!("closest field `{closest}`"));
        }
        words.extend(self.detail.clone());
        words.join("; ")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} `{}`", self.environment, self.kind, self.key)?;
        if !self.secrets.is_empty() {
            let label = if self.kind == ProblemKind::Missing { "expected secret" } else { "secret" };
            write!(f, " ({label} {})", self.secret_cell())?;
        }
        write!(f, ": {}", self.detail_cell())
    }
}

/// One environment's result: the load's error, or the problems found.
///
/// ```
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// use infisical_config::figment::EnvironmentCheck;
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16 }
///
/// # let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start_blocking();
/// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
/// let report = EnvironmentCheck::new(template, ["dev", "dve"]).run::<Config>();
/// let [dev, typo] = report.environments() else { unreachable!() };
/// assert!(dev.is_ok() && dev.problems().is_empty());
/// assert_eq!(dev.secrets(), 1);
/// assert!(typo.load_error().is_some_and(|e| e.is_not_found()));
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Debug)]
pub struct EnvironmentReport {
    pub(super) environment: String,
    pub(super) load_error: Option<Error>,
    pub(super) secrets: usize,
    pub(super) problems: Vec<Problem>,
}

impl EnvironmentReport {
    /// The Infisical environment (slug).
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// let names: Vec<&str> = report.environments().iter().map(|e| e.environment()).collect();
    /// assert_eq!(names, ["dev", "prod"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// Why its secrets could not be loaded (then nothing else was checked).
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "staging"]).run::<Config>();
    /// let staging = report.environment("staging").unwrap();
    /// let err = staging.load_error().expect("no such environment");
    /// assert!(err.is_not_found(), "{err}");
    /// assert!(report.environment("dev").unwrap().load_error().is_none());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn load_error(&self) -> Option<&Error> {
        self.load_error.as_ref()
    }

    /// How many secrets it loaded.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16, debug: bool }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("dev", "/", "DEBUG", "true")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev"]).run::<Config>();
    /// assert_eq!(report.environment("dev").unwrap().secrets(), 2);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn secrets(&self) -> usize {
        self.secrets
    }

    /// The problems found, by key.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// use infisical_config::figment::ProblemKind;
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// let prod = report.environment("prod").unwrap();
    /// assert_eq!(prod.problems().len(), 1);
    /// assert_eq!((prod.problems()[0].kind, prod.problems()[0].key.as_str()), (ProblemKind::Mistyped, "port"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Loaded, and no problem.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// assert!(report.environment("dev").unwrap().is_ok());
    /// assert!(!report.environment("prod").unwrap().is_ok()); // PORT is not a u16
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.load_error.is_none() && self.problems.is_empty()
    }
}

/// A configuration key that some of the environments checked have and others have not.
///
/// ```
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// use infisical_config::figment::EnvironmentCheck;
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16, debug: Option<bool> }
///
/// # let fake = FakeInfisical::builder()
/// #     .secret("dev", "/", "PORT", "8080").secret("dev", "/", "DEBUG", "true")
/// #     .secret("prod", "/", "PORT", "80")
/// #     .start_blocking();
/// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
/// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
/// assert!(report.is_ok(), "{report}"); // `debug` is optional
/// let difference = &report.name_differences()[0];
/// assert_eq!((difference.key.as_str(), difference.secret.as_str()), ("debug", "DEBUG"));
/// assert_eq!((difference.present_in.as_slice(), difference.absent_from.as_slice()), (&["dev".to_owned()][..], &["prod".to_owned()][..]));
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameDifference {
    /// The configuration key, dotted.
    pub key: String,
    /// The secret behind it, as an environment that has it names it (`DEBUG`, `/db/HOST`).
    pub secret: String,
    /// The environments that have it, in the order checked.
    pub present_in: Vec<String>,
    /// The environments that have it not, in the order checked.
    pub absent_from: Vec<String>,
}

/// What [`EnvironmentCheck::run`](super::EnvironmentCheck::run) found in every environment.
///
/// Its `Display` is a table per environment (problem, key, secret, detail), then the secret names not
/// every environment has; it names keys, secrets and types, never a value, and so does its `Debug`.
/// Made for a test: `assert!(report.is_ok(), "{report}")`.
///
/// ```
/// # use infisical_config::{Infisical, testing::FakeInfisical};
/// use infisical_config::figment::EnvironmentCheck;
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16, api_key: String }
///
/// # let fake = FakeInfisical::builder()
/// #     .secret("dev", "/", "PORT", "8080").secret("dev", "/", "API_KEY", "k1")
/// #     .secret("prod", "/", "PORT", "80a")
/// #     .start_blocking();
/// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
/// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
/// assert!(!report.is_ok());
/// assert_eq!(report.problems().count(), 2);
/// assert_eq!(report.differing_environments(), ["dev", "prod"]); // two environments: both differ
/// println!("{report}");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct CheckReport {
    pub(super) type_name: &'static str,
    pub(super) environments: Vec<EnvironmentReport>,
    pub(super) differences: Vec<NameDifference>,
}

impl CheckReport {
    /// Every environment loaded, with no problem (and there was one at least). Secret names that differ
    /// between environments do not count (see [`name_differences`](Self::name_differences)).
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template.clone(), ["dev", "prod"]).run::<Config>();
    /// assert!(!report.is_ok()); // in a test: assert!(report.is_ok(), "{report}")
    /// assert!(EnvironmentCheck::new(template, ["dev"]).run::<Config>().is_ok());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn is_ok(&self) -> bool {
        !self.environments.is_empty() && self.environments.iter().all(EnvironmentReport::is_ok)
    }

    /// Each environment's result, in the order given.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["prod", "dev"]).run::<Config>();
    /// let [prod, dev] = report.environments() else { unreachable!() };
    /// assert_eq!((prod.environment(), prod.is_ok()), ("prod", false));
    /// assert_eq!((dev.environment(), dev.is_ok()), ("dev", true));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn environments(&self) -> &[EnvironmentReport] {
        &self.environments
    }

    /// The result of one environment.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "PORT", "80a")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// assert!(report.environment("dev").is_some_and(|dev| dev.is_ok()));
    /// assert!(report.environment("staging").is_none()); // not checked
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn environment(&self, slug: &str) -> Option<&EnvironmentReport> {
        self.environments.iter().find(|e| e.environment == slug)
    }

    /// Every problem, environment by environment.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16 }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "80a")
    /// #     .secret("prod", "/", "PORT", "80b")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// let said: Vec<String> = report.problems().map(ToString::to_string).collect();
    /// assert_eq!(said, [
    ///     "dev: mistyped `port` (secret PORT): expected u16",
    ///     "prod: mistyped `port` (secret PORT): expected u16",
    ///     ]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.environments.iter().flat_map(|e| e.problems.iter())
    }

    /// The keys some environments have and others have not (of those that loaded), by key.
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16, debug: Option<bool> }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("dev", "/", "DEBUG", "true")
    /// #     .secret("prod", "/", "PORT", "80")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "prod"]).run::<Config>();
    /// let [difference] = report.name_differences() else { panic!("{report}") };
    /// assert_eq!((difference.secret.as_str(), difference.absent_from.as_slice()), ("DEBUG", &["prod".to_owned()][..]));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn name_differences(&self) -> &[NameDifference] {
        &self.differences
    }

    /// The environments that differ from the others in their secret names: for each key not every
    /// environment has, the fewer side (those that alone have it, or alone lack it; both on a tie).
    ///
    /// ```
    /// use infisical_config::figment::EnvironmentCheck;
    /// # use infisical_config::{Infisical, testing::FakeInfisical};
    /// # #[derive(serde::Deserialize)]
    /// # struct Config { port: u16, debug: Option<bool> }
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "8080")
    /// #     .secret("staging", "/", "PORT", "8081")
    /// #     .secret("prod", "/", "PORT", "80")
    /// #     .secret("prod", "/", "DEBUG", "false")
    /// #     .start_blocking();
    /// # let template = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
    ///
    /// let report = EnvironmentCheck::new(template, ["dev", "staging", "prod"]).run::<Config>();
    /// assert_eq!(report.differing_environments(), ["prod"]); // the odd one out
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn differing_environments(&self) -> Vec<&str> {
        let mut differing: Vec<&str> = Vec::new();
        for difference in &self.differences {
            let (have, lack) = (difference.present_in.len(), difference.absent_from.len());
            let mut sides = Vec::new();
            if have <= lack {
                sides.extend(&difference.present_in);
            }
            if lack <= have {
                sides.extend(&difference.absent_from);
            }
            differing.extend(sides.into_iter().map(String::as_str));
        }
        let order: Vec<&str> = self.environments.iter().map(|e| e.environment.as_str()).collect();
        order.into_iter().filter(|e| differing.contains(e)).collect()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.environments.iter().map(|e| e.environment.as_str()).collect();
        let problems = self.problems().count();
        let failed = self.environments.iter().filter(|e| e.load_error.is_some()).count();
        let against = if names.is_empty() { "nothing".to_owned() } else { names.join(", ") };
        write!(f, "`{}` checked against {against}: ", self.type_name)?;
        match (problems, failed) {
            _ if names.is_empty() => writeln!(f, "no environment given")?,
            (0, 0) => writeln!(f, "no problem")?,
            (p, 0) => writeln!(f, "{p} problem{}", plural(p))?,
            (p, n) => writeln!(f, "{p} problem{}, {n} environment{} not loaded", plural(p), plural(n))?,
        }
        for env in &self.environments {
            match &env.load_error {
                Some(error) => writeln!(f, "\n{}: not loaded: {error}", env.environment)?,
                None if env.problems.is_empty() => {
                    writeln!(f, "\n{}: {} secret{}, no problem", env.environment, env.secrets, plural(env.secrets))?;
                }
                None => {
                    let n = env.problems.len();
                    writeln!(
                        f,
                        "\n{}: {} secret{}, {n} problem{}",
                        env.environment,
                        env.secrets,
                        plural(env.secrets),
                        plural(n)
                    )?;
                    let rows: Vec<[String; 4]> = env
                        .problems
                        .iter()
                        .map(|p| [p.kind.to_string(), p.key.clone(), p.secret_cell(), p.detail_cell()])
                        .collect();
                    table(f, ["problem", "key", "secret", "detail"], &rows)?;
                }
            }
        }
        if !self.differences.is_empty() {
            let differing = self.differing_environments();
            writeln!(f, "\nSecret names not every environment has ({} differ from the others):", differing.join(", "))?;
            let rows: Vec<[String; 4]> = self
                .differences
                .iter()
                .map(|d| [d.key.clone(), d.secret.clone(), d.present_in.join(", "), d.absent_from.join(", ")])
                .collect();
            table(f, ["key", "secret", "in", "not in"], &rows)?;
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Rows under a header, each column as wide as its widest cell, indented by two.
fn table(f: &mut fmt::Formatter<'_>, header: [&str; 4], rows: &[[String; 4]]) -> fmt::Result {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 4]| {
        let [a, b, c, d] = cells;
        let [wa, wb, wc, _] = widths;
        writeln!(f, "  {a:<wa$}  {b:<wb$}  {c:<wc$}  {d}").map(|()| ())
    };
    line(f, header)?;
    for [a, b, c, d] in rows {
        line(f, [a, b, c, d])?;
    }
    Ok(())
}
