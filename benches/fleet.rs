//! A fleet behind one address (issue 27): N replicas, each its own client, watcher and cache folder
//! (separate machines behind one NAT), against the test kit's fake with Infisical Cloud's per-address
//! limit, all started at the same instant. Each fleet is started three times, each after a quiet
//! minute: a first start (no cache anywhere), a restart from a fresh cache (`Cache::fresh_for`: nothing
//! asked at start), and a restart that revalidates its cache at start (a login and a `304` each). Before
//! each restart every replica is given the cache it would hold after polling until then. Each start
//! is a row: requests in the first minute and a minute while polling, 429s, the largest one-second
//! burst of the first interval and its ratio to that interval's average, body bytes while nothing
//! changed, and when one change, made two intervals in, reached p50, p99 and the last of the replicas.
//!
//! ```sh
//! cargo bench --bench fleet --features watch,cache          # SCALE=10: 100 and 1,000 replicas every 60 s
//! SCALE=1 RUNS=100 cargo bench --bench fleet --features watch,cache      # full scale, about 12 min
//! RUNS="1000@480" cargo bench --bench fleet --features watch,cache       # 1,000 replicas every 8 min
//! ```
//!
//! `RUNS`: replicas, each optionally `@interval` in seconds (default 60); `LIMIT`: the requests a
//! window per address (default 300, the window a minute); `SCALE`: time runs this many times faster.
//!
//! Time is real, divided by `SCALE`: the interval, the limit's window (with the same count), the
//! debounce, each call's timeout and retry waits, the cache's freshness window. Every ratio is the same
//! as at full scale, but two: a `Retry-After` is whole seconds, so a 429 holds a client up to one real
//! second (SCALE simulated seconds) past the window's end; and an answer takes the same real time at
//! every scale, so a burst the fake takes a real second to serve looks SCALE seconds long.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::cache::{Cache, CacheKey, OnFailure};
use infisical_config::report::Origin;
use infisical_config::testing::FakeInfisical;
use infisical_config::watch::{Watch, WatchEvent};
use infisical_config::{Infisical, RetryPolicy};

const MINUTE: Duration = Duration::from_secs(60);
/// The watcher's defaults, named here to state the targets and to scale the debounce.
const JITTER: f64 = 0.1;
const DEBOUNCE: Duration = Duration::from_secs(1);
/// Secrets in the one folder each replica watches, besides the one that changes.
const SECRETS: usize = 20;

struct Settings {
    scale: f64,
    limit: u32,
    /// Replicas and their interval (simulated).
    runs: Vec<(usize, Duration)>,
}

impl Settings {
    fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let scale = var("SCALE").map_or(10.0, |v| v.parse().expect("SCALE: a number, e.g. 10"));
        assert!(scale >= 1.0, "SCALE: at least 1");
        let limit = var("LIMIT").map_or(300, |v| v.parse().expect("LIMIT: requests a minute, e.g. 300"));
        let runs = var("RUNS")
            .unwrap_or_else(|| "100 1000".into())
            .split_whitespace()
            .map(|run| {
                let (n, interval) = run.split_once('@').unwrap_or((run, "60"));
                let n = n.parse().expect("RUNS: replicas, e.g. \"100 1000@480\"");
                (n, Duration::from_secs(interval.parse().expect("RUNS: an interval in seconds after @")))
            })
            .collect();
        Settings { scale, limit, runs }
    }

    /// The real time of a simulated span.
    fn real(&self, simulated: Duration) -> Duration {
        simulated.div_f64(self.scale)
    }

    /// The simulated seconds of a real span.
    fn simulated(&self, real: Duration) -> f64 {
        real.as_secs_f64() * self.scale
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// No cache anywhere: every replica logs in and lists at once.
    First,
    /// Each replica's cache is younger than `fresh_for`: it serves at once, asks nothing; its first poll
    /// (and login) falls anywhere in the first interval.
    Fresh,
    /// Each replica's cache is there, without `fresh_for`: a login and a 304 at once.
    Revalidated,
}

impl Start {
    const ALL: [Start; 3] = [Start::First, Start::Fresh, Start::Revalidated];

    fn name(self) -> &'static str {
        match self {
            Start::First => "first start, no cache",
            Start::Fresh => "restart, cache fresh_for",
            Start::Revalidated => "restart, cache revalidated",
        }
    }
}

/// What the replicas' watchers said: when each published the change, and the polls that failed.
#[derive(Default)]
struct Seen {
    changed: Mutex<Vec<Option<Instant>>>,
    failed: AtomicUsize,
}

struct Row {
    start: Start,
    replicas: usize,
    interval: Duration,
    started: usize,
    /// Replicas that started from their cache, asking nothing.
    from_cache: usize,
    first_minute: usize,
    per_minute: f64,
    /// 429s in the first interval, and after it.
    limited: [usize; 2],
    failed_polls: usize,
    /// The largest simulated second of the first interval, and that interval's requests a second.
    burst: usize,
    average: f64,
    /// Bodies served in the first interval (logins, lists, 429s), and from then until the change.
    start_bytes: u64,
    unchanged_bytes: u64,
    /// Simulated seconds from the change to each replica's new configuration, sorted.
    reached: Vec<f64>,
    missing: usize,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.burst as f64 / self.average.max(f64::MIN_POSITIVE)
    }
}

#[derive(Default)]
struct Resources {
    build: Duration,
    rss_peak_kib: Option<u64>,
    fds: Option<usize>,
}

fn main() {
    let settings = Settings::from_env();
    let fds = raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    println!(
        "Fleet simulation: SCALE={} (a simulated minute is {:.1} s), a limit of {} requests a minute per address \
         (fixed windows, as Infisical Cloud's), one folder of {} secrets a replica, jitter ±{:.0} %, debounce {} s; \
         open files allowed: {fds}.\n",
        settings.scale,
        settings.real(MINUTE).as_secs_f64(),
        settings.limit,
        SECRETS + 1,
        JITTER * 100.0,
        DEBOUNCE.as_secs()
    );
    let mut rows = Vec::new();
    for &(replicas, interval) in &settings.runs {
        if fds.parse::<usize>().is_ok_and(|allowed| allowed < 2 * replicas + 100) {
            println!(
                "{replicas} replicas hold about {} open files, over the {fds} allowed: raise `ulimit -n`",
                2 * replicas + 20
            );
        }
        let (fleet_rows, resources) = runtime.block_on(fleet(&settings, replicas, interval));
        println!(
            "{replicas} replicas every {} s: {replicas} clients built in {:.2} s; peak RSS {}; open files {}",
            interval.as_secs(),
            resources.build.as_secs_f64(),
            resources.rss_peak_kib.map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0)),
            resources.fds.map_or("n/a".into(), |n| n.to_string()),
        );
        rows.extend(fleet_rows);
    }
    println!();
    print_table(&settings, &rows);
    print_targets(&rows);
}

/// One fleet: its size and interval, its fake, its replicas' cache folders.
struct Fleet<'s> {
    s: &'s Settings,
    replicas: usize,
    interval: Duration,
    fake: FakeInfisical,
    dirs: tempfile::TempDir,
}

/// Its three starts, each after a quiet window (the limit counts that start alone).
async fn fleet(s: &Settings, replicas: usize, interval: Duration) -> (Vec<Row>, Resources) {
    let window = s.real(MINUTE);
    let mut fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "v0");
    for i in 0..SECRETS {
        fake = fake.secret("prod", "/", &format!("SETTING_{i:02}"), &"x".repeat(40));
    }
    let fake = fake.rate_limit(s.limit, window).start().await;
    // Separate machines: a folder each, in memory where there is such a place, as each disk is its own.
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() { base.to_owned() } else { std::env::temp_dir() };
    let dirs = tempfile::Builder::new().prefix("infisical-fleet-").tempdir_in(base).expect("a temporary folder");
    let fleet = Fleet { s, replicas, interval, fake, dirs };
    let mut resources = Resources::default();
    let mut rows = Vec::new();
    for (k, start) in Start::ALL.into_iter().enumerate() {
        if start != Start::First {
            tokio::time::sleep(window).await;
            fleet.seed().await;
        }
        rows.push(fleet.run(start, k, &mut resources).await);
    }
    (rows, resources)
}

impl Fleet<'_> {
    /// Gives every replica the cache a replica that polled until the restart would have: one load, from
    /// another address (its requests do not count against the fleet's), copied into each folder (the
    /// target and the key are the fleet's, so the file is valid for every replica).
    async fn seed(&self) {
        let seeded = self.dirs.path().join("seed");
        let client =
            self.fake.client_builder().header("x-forwarded-for", "192.0.2.1").build().expect("a client of the fake");
        Infisical::new(self.fake.project_id(), "prod")
            .client(client)
            .cache(cache(seeded.clone()))
            .fetch_async()
            .await
            .expect("the seed load");
        for i in 0..self.replicas {
            let dir = self.dirs.path().join(i.to_string());
            std::fs::create_dir_all(&dir).expect("a replica's folder");
            for file in std::fs::read_dir(&seeded).expect("the seed folder").flatten() {
                std::fs::copy(file.path(), dir.join(file.file_name())).expect("a replica's cache");
            }
        }
    }

    /// One start of the fleet: every replica at once, a stretch with no change, one change (the
    /// `k`th).
    async fn run(&self, start: Start, k: usize, resources: &mut Resources) -> Row {
        let (s, fake, replicas) = (self.s, &self.fake, self.replicas);
        let every = s.real(self.interval);
        let seen = Arc::new(Seen { changed: Mutex::new(vec![None; replicas]), ..Seen::default() });
        let built = Instant::now();
        let watches: Vec<Watch> = (0..replicas).map(|i| self.replica(start, i, &seen)).collect();
        resources.build = resources.build.max(built.elapsed());
        // Every replica waits for the word, then starts: a deploy restarting them together.
        let (go, word) = tokio::sync::watch::channel(false);
        let tasks: Vec<_> = watches
            .into_iter()
            .map(|watch| {
                let mut word = word.clone();
                tokio::spawn(async move {
                    let _ = word.wait_for(|go| *go).await;
                    let watcher = watch.start::<serde_json::Value, _>(Figment::from).await.ok()?;
                    let from_cache = matches!(watcher.health().origin, Origin::Cache { .. });
                    Some((watcher, from_cache))
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (before, bytes_before, limited_before) =
            (fake.request_times().len(), fake.body_bytes(), fake.rate_limited());
        let t0 = Instant::now();
        go.send_replace(true);
        let mut watchers = Vec::with_capacity(replicas);
        let mut from_cache = 0;
        for task in tasks {
            let started = task.await.expect("a start task");
            from_cache += usize::from(started.as_ref().is_some_and(|(_, cached)| *cached));
            watchers.push(started.map(|(watcher, _)| watcher));
        }

        // The first interval holds the start and every first poll (each poll's login with it).
        tokio::time::sleep_until((t0 + every + Duration::from_millis(100)).into()).await;
        let (bytes_polling, limited_polling) = (fake.body_bytes(), fake.rate_limited());
        // Nothing changes until two intervals have passed; then one secret does.
        tokio::time::sleep_until((t0 + every * 2).into()).await;
        sample(resources);
        let unchanged_bytes = fake.body_bytes() - bytes_polling;
        let value = format!("v{}", k + 1);
        fake.set_secret("prod", "/", "API_KEY", &value);
        let changed = Instant::now();
        let deadline = changed + every * 3;
        let started: Vec<usize> = (0..replicas).filter(|i| watchers[*i].is_some()).collect();
        let all_reached = || {
            let times = seen.changed.lock().unwrap_or_else(PoisonError::into_inner);
            started.iter().all(|i| times[*i].is_some())
        };
        while !all_reached() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let times = seen.changed.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut reached: Vec<f64> = started
            .iter()
            .filter_map(|i| times[*i])
            .map(|t| s.simulated(t.saturating_duration_since(changed)))
            .collect();
        reached.sort_by(f64::total_cmp);
        let current = watchers.iter().flatten().filter(|w| w.current()["api_key"] == value.as_str()).count();
        assert_eq!(current, reached.len(), "each replica that published the change serves it");

        let arrivals = &fake.request_times()[before..];
        let first = s.simulated(every);
        let at: Vec<f64> = arrivals.iter().map(|t| s.simulated(t.saturating_duration_since(t0))).collect();
        let mut bins = vec![0usize; first.ceil() as usize];
        for t in at.iter().filter(|t| **t < first) {
            bins[*t as usize] += 1;
        }
        let steady = at.iter().filter(|t| (first..2.0 * first).contains(*t)).count();
        Row {
            start,
            replicas,
            interval: self.interval,
            started: started.len(),
            from_cache,
            first_minute: at.iter().filter(|t| **t < 60.0).count(),
            per_minute: steady as f64 * 60.0 / first,
            limited: [limited_polling - limited_before, fake.rate_limited() - limited_polling],
            failed_polls: seen.failed.load(Ordering::Relaxed),
            burst: bins.iter().copied().max().unwrap_or(0),
            average: bins.iter().sum::<usize>() as f64 / first,
            start_bytes: bytes_polling - bytes_before,
            unchanged_bytes,
            missing: started.len() - reached.len(),
            reached,
        }
    }

    /// One replica: its own client (its own connections and 429 gate), cache folder and watcher, with the
    /// crate's defaults scaled.
    fn replica(&self, start: Start, i: usize, seen: &Arc<Seen>) -> Watch {
        let (s, interval) = (self.s, self.interval);
        let retry = RetryPolicy::default()
            .initial_backoff(s.real(Duration::from_millis(250)))
            .max_backoff(s.real(Duration::from_secs(8)))
            .max_retry_after(s.real(MINUTE));
        let client =
            self.fake.client_builder().timeout(s.real(MINUTE)).retry(retry).build().expect("a client of the fake");
        let mut cache = cache(self.dirs.path().join(i.to_string()));
        if start == Start::Fresh {
            // Longer than any replica's cache is old at the restart: it was written just before.
            cache = cache.fresh_for(s.real(interval));
        }
        let seen = seen.clone();
        Infisical::new(self.fake.project_id(), "prod")
            .client(client)
            .cache(cache)
            .watch(s.real(interval))
            .debounce(s.real(DEBOUNCE))
            .on_event(move |event| match event {
                WatchEvent::Changed { .. } => {
                    seen.changed.lock().unwrap_or_else(PoisonError::into_inner)[i].get_or_insert(Instant::now());
                }
                WatchEvent::Failed { .. } => {
                    seen.failed.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            })
    }
}

/// As the README's fleet example: serve a cache up to a day old while Infisical cannot be reached.
fn cache(dir: PathBuf) -> Cache {
    Cache::new(CacheKey::from([7; 32]))
        .dir(dir)
        .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) })
}

/// The process's peak memory and open files now (Linux).
fn sample(resources: &mut Resources) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
    resources.rss_peak_kib = resources.rss_peak_kib.max(peak);
    let fds = std::fs::read_dir("/proc/self/fd").map(Iterator::count).ok();
    resources.fds = resources.fds.max(fds);
}

/// Each replica holds a connection, and the fake the other end: 1,000 replicas need over 2,000 open
/// files. Raises the soft limit to the hard one; returns what is allowed.
fn raise_fd_limit() -> String {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum {
            limit.current = limit.maximum;
            let _ = setrlimit(Resource::Nofile, limit);
        }
        getrlimit(Resource::Nofile).current.map_or("unlimited".into(), |n| n.to_string())
    }
    #[cfg(not(unix))]
    {
        "the system's".into()
    }
}

/// The `p` quantile of `of` values of which `sorted` are known, the rest larger (not reached): `None`
/// when it falls among those.
fn percentile(sorted: &[f64], of: usize, p: f64) -> Option<f64> {
    let last = of.checked_sub(1)?;
    sorted.get(((last as f64) * p).round() as usize).copied()
}

fn print_table(s: &Settings, rows: &[Row]) {
    println!("SCALE={}: times in simulated seconds, bursts in simulated one-second bins.\n", s.scale);
    println!(
        "| start | replicas | interval | started (from cache) | requests: first minute / a minute polling | \
         429s: first interval / later (failed polls) | largest 1-s burst, first interval (× its average) | \
         body bytes: first interval / later, unchanged | change reached p50 / p99 / max |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in rows {
        let reach = 3 * r.interval.as_secs();
        let secs = |p| percentile(&r.reached, r.started, p).map_or(format!("> {reach} s"), |v| format!("{v:.0} s"));
        let missing =
            if r.missing > 0 { format!(" ({} of {} not reached)", r.missing, r.started) } else { String::new() };
        println!(
            "| {} | {} | {} s | {} ({}) | {} / {:.0} | {} / {} ({}) | {} ({:.1}×) | {} / {} | {} / {} / {}{missing} |",
            r.start.name(),
            r.replicas,
            r.interval.as_secs(),
            r.started,
            r.from_cache,
            r.first_minute,
            r.per_minute,
            r.limited[0],
            r.limited[1],
            r.failed_polls,
            r.burst,
            r.ratio(),
            r.start_bytes,
            r.unchanged_bytes,
            secs(0.5),
            secs(0.99),
            secs(1.0),
        );
    }
    println!();
}

/// The issue's targets, each against the rows it is about.
fn print_targets(rows: &[Row]) {
    let verdict = |ok: bool| if ok { "holds" } else { "MISSED" };
    for r in rows {
        let mut name = format!("{} replicas every {} s, {}", r.replicas, r.interval.as_secs(), r.start.name());
        if r.started < r.replicas {
            name += &format!(" ({} of them started)", r.started);
        }
        if r.start == Start::Fresh {
            let ratio = r.ratio();
            let (median, p95) = spread_alone(r.replicas, r.interval.as_secs() as usize);
            println!(
                "{name}: largest 1-s burst ≤ 3× the average: {} ({ratio:.1}×; uniform first polls alone give \
                 {median:.1}× in half of all starts, {p95:.1}× in 5 %)",
                verdict(ratio <= 3.0)
            );
        }
        let bound = r.interval.as_secs_f64() * (1.0 + JITTER) + DEBOUNCE.as_secs_f64();
        let last = r.reached.last().copied();
        println!(
            "{name}: no 429 while polling: {} ({} in the first interval); no body while unchanged: {}; the change \
             reaches every replica within {bound:.0} s: {} ({})",
            verdict(r.limited[1] == 0),
            r.limited[0],
            verdict(r.unchanged_bytes == 0),
            verdict(r.started == r.replicas && r.missing == 0 && last.is_some_and(|l| l <= bound)),
            last.map_or("none reached".into(), |l| format!("last at {l:.0} s")),
        );
    }
}

/// The largest one-second bin against the average when `n` first polls fall uniformly over `bins`
/// seconds: its median and 95th percentile over 2,000 draws. The spread's own share of the burst.
fn spread_alone(n: usize, bins: usize) -> (f64, f64) {
    let mut ratios: Vec<f64> = (0..2000)
        .map(|_| {
            let mut counts = vec![0usize; bins];
            for _ in 0..n {
                counts[fastrand::usize(..bins)] += 1;
            }
            *counts.iter().max().unwrap_or(&0) as f64 * bins as f64 / n as f64
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    (percentile(&ratios, ratios.len(), 0.5).unwrap_or(0.0), percentile(&ratios, ratios.len(), 0.95).unwrap_or(0.0))
}
