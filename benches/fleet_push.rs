//! Fleet push rows: how long one change takes to reach a fleet of watchers, with push against
//! polling, and with more replicas than the project's cap on event streams.
//!
//! ```sh
//! cargo bench --bench fleet_push --features watch,push                  # the README's three rows
//! cargo bench --bench fleet_push --features watch,push -- 100 100 10    # replicas, cap, interval (s)
//! ```
//!
//! Every replica is a process of its own as far as the crate can tell: its own client (token cache,
//! connection pool) and its own site, a TCP forwarder to the one fake server. The stream registry is
//! per process, keyed by site and project, so each replica opens its own stream, as separate processes
//! do, and the fake's cap counts them all, as the server's does. (Replicas in one process would share
//! one stream: see `tests/push_watch.rs`.) A change is made once every replica is settled (connected,
//! or refused and polling); the time for it to reach each replica's configuration is measured, and the
//! requests the fake answered meanwhile.
//!
//! `fleet_push::rows(...)` is what a fleet bench can call for these rows.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::events::PushState;
use infisical_config::testing::FakeInfisical;
use infisical_config::watch::Watcher;
use infisical_config::{ExposeSecret, Infisical, RetryPolicy, SecretString};

#[derive(serde::Deserialize)]
struct Config {
    api_key: SecretString,
}

/// The debounce every replica uses: a pushed change lands this long after its event.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// One measured row.
struct Row {
    scenario: String,
    replicas: usize,
    pushed: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    requests: usize,
}

/// A TCP forwarder to `target`: a site of its own for one replica.
async fn forwarder(target: &str) -> String {
    let target = target.trim_start_matches("http://").to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let site = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    site
}

/// `replicas` watchers of one project, each as its own process; the fake allows `cap` streams.
async fn scenario(name: &str, replicas: usize, cap: usize, push: bool, interval: Duration) -> Row {
    let fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "k1").event_stream_cap(cap).start().await;
    let failures = Arc::new(Mutex::new(0usize));
    let mut fleet: Vec<Watcher<Config>> = Vec::with_capacity(replicas);
    for _ in 0..replicas {
        let site = forwarder(&fake.uri()).await;
        let client = fake.client_builder().site(site).retry(RetryPolicy::disabled()).build().expect("a client");
        let failed = failures.clone();
        let watcher = Infisical::new(fake.project_id(), "prod")
            .client(client)
            .watch(interval)
            .push(push)
            .debounce(DEBOUNCE)
            .on_event(move |e| {
                if matches!(e, infisical_config::watch::WatchEvent::Failed { .. }) {
                    *failed.lock().unwrap() += 1;
                }
            })
            .start(Figment::from)
            .await
            .expect("a replica starts");
        fleet.push(watcher);
    }
    // Settled: every stream connected or refused.
    let settled = |w: &Watcher<Config>| w.health().push.is_none_or(|s| s != PushState::Reconnecting);
    while !fleet.iter().all(settled) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pushed = fleet.iter().filter(|w| w.health().push.is_some_and(|s| s.is_connected())).count();

    let before = fake.requests().await;
    let mut arrivals = Vec::with_capacity(replicas);
    for watcher in &fleet {
        let mut config = watcher.subscribe();
        arrivals.push(tokio::spawn(async move {
            config.changed().await.expect("the replica runs");
            Instant::now()
        }));
    }
    let changed = Instant::now();
    fake.set_secret("prod", "/", "API_KEY", "k2");
    let mut times = Vec::with_capacity(replicas);
    for arrival in arrivals {
        times.push(arrival.await.expect("the replica saw the change") - changed);
    }
    assert!(fleet.iter().all(|w| w.current().api_key.expose_secret() == "k2"));
    let requests = fake.requests().await - before;
    assert_eq!(*failures.lock().unwrap(), 0, "no replica failed a poll");
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Row { scenario: name.to_owned(), replicas, pushed, p50: at(0.5), p99: at(0.99), max: at(1.0), requests }
}

/// The README's rows: `replicas` with push (all under the cap), the same fleet polling every
/// `interval`, and half as many again as the cap with push.
async fn rows(replicas: usize, cap: usize, interval: Duration) -> Vec<Row> {
    vec![
        scenario("push", replicas, cap, true, interval).await,
        scenario("polling", replicas, cap, false, interval).await,
        scenario("push, past the cap", cap + cap / 2, cap, true, interval).await,
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let number = |n: usize, default: u64| args.get(n).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (replicas, cap, interval) = (number(0, 100) as usize, number(1, 100) as usize, number(2, 10));
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let rows = runtime.block_on(rows(replicas, cap, Duration::from_secs(interval)));
    println!("interval {interval} s, debounce {} ms, cap {cap} streams a project\n", DEBOUNCE.as_millis());
    println!("| scenario | replicas | on push | p50 | p99 | max | requests for the change |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.2} s | {:.2} s | {:.2} s | {} |",
            r.scenario,
            r.replicas,
            r.pushed,
            r.p50.as_secs_f64(),
            r.p99.as_secs_f64(),
            r.max.as_secs_f64(),
            r.requests
        );
    }
}
