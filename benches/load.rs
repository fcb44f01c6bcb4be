//! Time, peak memory and requests of a figment load and an env-loader load, against a local server
//! answering precomputed v4 bodies; and the floor: the same requests with bare reqwest, decoded with
//! serde_json into a plain map.
//!
//! ```sh
//! cargo bench --bench load
//! ```
//!
//! Whole processes (start-up included) are timed by `benches/process/run.sh`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::resources::secrets::ListSecrets;
use infisical_config::{EnvLoader, EnvSource, Infisical, SecretString, blocking};
use serde::Deserialize;

// ---- peak memory -------------------------------------------------------------------------------

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result, its time, and the most memory it held at once above what was held
/// before it started.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    (out, took, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

// ---- a local server ----------------------------------------------------------------------------

const PROJECT: &str = "6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f";

struct Server {
    port: u16,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

fn serve(list_body: Arc<Vec<u8>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let connections = Arc::new(AtomicUsize::new(0));
    let (r, c) = (requests.clone(), connections.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::Relaxed);
            let (r, body) = (r.clone(), list_body.clone());
            std::thread::spawn(move || handle(stream, &r, &body));
        }
    });
    Server { port, requests, connections }
}

fn handle(stream: TcpStream, requests: &AtomicUsize, list_body: &[u8]) {
    // One write per answer and no Nagle: otherwise delayed ACKs add 40 ms to every exchange.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    let login = br#"{"accessToken":"bench-token","expiresIn":86400,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}"#;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        requests.fetch_add(1, Ordering::Relaxed);
        let answer: &[u8] = if line.starts_with("POST /api/v1/auth/universal-auth/login") { login } else { list_body };
        let mut response =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", answer.len())
                .into_bytes();
        response.extend_from_slice(answer);
        if out.write_all(&response).is_err() {
            return;
        }
    }
}

/// A v4 list answer with every field a real server sends, `n` secrets over ten folders.
fn list_body(n: usize) -> Vec<u8> {
    let secrets: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let folder = format!("/service{}", i % 10);
            serde_json::json!({
                "id": format!("0c0b1e41-14f3-400b-be80-{i:012}"), "_id": format!("0c0b1e41-14f3-400b-be80-{i:012}"),
                "workspace": PROJECT, "environment": "prod", "version": 1, "type": "shared",
                "secretKey": format!("SECRET_{i}"), "secretValue": format!("value-{i}-{}", "x".repeat(24)),
                "secretComment": "", "secretReminderNote": null, "secretReminderRepeatDays": null,
                "skipMultilineEncoding": false, "createdAt": "2026-11-22T11:03:08.184Z", "updatedAt": "2026-11-22T11:03:08.184Z",
                "secretPath": folder, "secretValueHidden": false, "tags": [], "secretMetadata": []
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"secrets": secrets, "imports": []})).unwrap()
}

// ---- what is loaded ----------------------------------------------------------------------------

/// The typed configuration: every folder a table of secrets.
#[derive(Deserialize)]
struct Config {
    #[serde(flatten)]
    services: BTreeMap<String, BTreeMap<String, SecretString>>,
}

fn client(port: u16) -> blocking::Client {
    blocking::Client::builder()
        .site(format!("http://127.0.0.1:{port}"))
        .env_source(EnvSource::from_pairs::<_, String, String>([]))
        .cli_login(false)
        .universal_auth("bench-id", "bench-secret")
        .api_version(infisical_config::resources::ApiVersion::Current)
        .build()
        .unwrap()
}

fn figment_load(client: &blocking::Client) -> usize {
    let provider = Infisical::new(PROJECT, "prod").recursive(true).client(client.clone());
    let config: Config = Figment::new().merge(provider).extract().unwrap();
    config.services.values().map(BTreeMap::len).sum()
}

#[derive(Deserialize)]
struct FloorList {
    secrets: Vec<FloorSecret>,
}

#[derive(Deserialize)]
struct FloorSecret {
    #[serde(rename = "secretKey")]
    key: String,
    #[serde(rename = "secretValue")]
    value: String,
}

/// The floors' requests with bare reqwest: the login when asked, then the list, its body decoded by
/// `decode` (no copy of it).
fn floor_fetch<T>(
    rt: &tokio::runtime::Runtime,
    http: &reqwest::Client,
    port: u16,
    login: bool,
    decode: impl FnOnce(&[u8]) -> T,
) -> T {
    rt.block_on(async {
        let base = format!("http://127.0.0.1:{port}/api");
        if login {
            let body = r#"{"clientId":"bench-id","clientSecret":"bench-secret"}"#;
            let r = http.post(format!("{base}/v1/auth/universal-auth/login")).header("content-type", "application/json").body(body).send().await.unwrap();
            let _ = r.bytes().await.unwrap();
        }
        let url = format!(
            "{base}/v4/secrets?projectId={PROJECT}&environment=prod&secretPath=%2F&recursive=true&includeImports=true&expandSecretReferences=true&viewSecretValue=true&includePersonalOverrides=false"
        );
        let bytes = http.get(url).bearer_auth("bench-token").send().await.unwrap().bytes().await.unwrap();
        decode(&bytes)
    })
}

/// The floor: the same request(s) with bare reqwest, decoded into a plain map.
fn floor(rt: &tokio::runtime::Runtime, http: &reqwest::Client, port: u16, login: bool) -> usize {
    let list: FloorList = floor_fetch(rt, http, port, login, |b| serde_json::from_slice(b).unwrap());
    let map: HashMap<String, String> = list.secrets.into_iter().map(|s| (s.key, s.value)).collect();
    map.len()
}

/// What a figment provider hands over at the least: the decoded pairs as a `Dict`, once.
struct DictProvider(std::sync::Mutex<Option<figment::value::Dict>>);

impl figment::Provider for DictProvider {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("floor")
    }
    fn data(&self) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let dict = self.0.lock().unwrap().take().unwrap_or_default();
        Ok(figment::Profile::Default.collect(dict))
    }
}

#[derive(Deserialize)]
struct FloorPathSecret {
    #[serde(rename = "secretKey")]
    key: String,
    #[serde(rename = "secretValue")]
    value: String,
    #[serde(rename = "secretPath")]
    path: String,
}

#[derive(Deserialize)]
struct FloorPathList {
    secrets: Vec<FloorPathSecret>,
}

/// The floor with figment: the same request(s), the pairs decoded with their folder, a `Dict` of one
/// table per folder built from them, one merge and one extract into the same typed configuration.
fn floor_figment(rt: &tokio::runtime::Runtime, http: &reqwest::Client, port: u16, login: bool) -> usize {
    let list: FloorPathList = floor_fetch(rt, http, port, login, |b| serde_json::from_slice(b).unwrap());
    let mut dict = figment::value::Dict::new();
    for s in list.secrets {
        let table =
            dict.entry(s.path.trim_start_matches('/').to_owned()).or_insert_with(|| figment::value::Dict::new().into());
        if let figment::value::Value::Dict(_, table) = table {
            table.insert(s.key.to_ascii_lowercase(), s.value.into());
        }
    }
    let config: Config = Figment::new().merge(DictProvider(std::sync::Mutex::new(Some(dict)))).extract().unwrap();
    config.services.values().map(BTreeMap::len).sum()
}

struct Row {
    secrets: usize,
    what: &'static str,
    /// The row this one is compared with.
    floor: Option<&'static str>,
    time: Duration,
    peak: usize,
    requests: usize,
    connections: usize,
}

/// One timed run: its time, its peak memory, and the requests and new connections it made.
type Sample = (Duration, usize, (usize, usize));

/// One load to time: `setup` (untimed) makes its input (a new client for a cold run), `f` loads.
struct Case<'a> {
    row: (usize, &'static str, Option<&'static str>),
    run: Box<dyn FnMut() -> Sample + 'a>,
}

fn case<'a, S, T>(
    row: (usize, &'static str, Option<&'static str>),
    counts: &'a dyn Fn() -> (usize, usize),
    mut setup: impl FnMut() -> S + 'a,
    mut f: impl FnMut(S) -> T + 'a,
) -> Case<'a> {
    Case {
        row,
        run: Box::new(move || {
            let input = setup();
            let before = counts();
            let (_, t, p) = measure(|| f(input));
            let after = counts();
            (t, p, (after.0 - before.0, after.1 - before.1))
        }),
    }
}

/// Runs every case `iterations` times, taking turns (so a slow spell of the machine falls on all of
/// them alike): each one's median time, peak memory, and requests and new connections per run as
/// the server counted them.
fn run_cases(cases: &mut [Case<'_>], iterations: usize) -> Vec<Row> {
    let mut samples: Vec<(Vec<Duration>, usize, (usize, usize))> =
        cases.iter().map(|_| (Vec::new(), 0, (0, 0))).collect();
    for _ in 0..iterations {
        for (case, sample) in cases.iter_mut().zip(&mut samples) {
            let (t, p, counted) = (case.run)();
            sample.0.push(t);
            sample.1 = sample.1.max(p);
            sample.2 = counted;
        }
    }
    cases
        .iter()
        .zip(samples)
        .map(|(case, (times, peak, (requests, connections)))| {
            let (secrets, what, floor) = case.row;
            Row { secrets, what, floor, time: median(times), peak, requests, connections }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const FLOOR: &str = "floor: reqwest + serde_json";
const FLOOR_FIGMENT: &str = "floor + figment";

fn main() {
    // `cargo bench --bench load -- profile figment|env|list|floor|floor-figment [secrets]`: one load in a
    // loop, for `perf record`. `-- serve N`: serve N secrets until killed (for benches/process).
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "profile") {
        let what = args.get(at + 1).map_or("figment", String::as_str);
        let n = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
        return profile(what, n);
    }
    if let Some(at) = args.iter().position(|a| a == "serve") {
        let n = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(1_000);
        let server = serve(Arc::new(list_body(n)));
        println!("{}", server.port);
        loop {
            std::thread::park();
        }
    }
    let mut rows = Vec::new();
    let mut sizes = Vec::new();
    for n in [10usize, 1_000, 10_000] {
        let body = Arc::new(list_body(n));
        sizes.push((n, body.len()));
        let server = serve(body.clone());
        let port = server.port;
        let iterations = if n >= 10_000 { 21 } else { 51 };
        let counts = || (server.requests.load(Ordering::Relaxed), server.connections.load(Ordering::Relaxed));
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let row = |what, floor| (n, what, floor);

        // Cold: a new client (login + list) each time; warm: one client, logged in, its connection open.
        let warm = client(port);
        figment_load(&warm);
        let http = reqwest::Client::new();
        floor(&rt, &http, port, true);

        let req = ListSecrets::new(PROJECT, "prod").recursive(true);
        let loader = EnvLoader::new(PROJECT, "prod").recursive(true).client(warm.clone());
        // figment alone: the typed extraction of secrets already fetched and mapped (a provider hands
        // figment an owned map, so this includes one copy of it).
        let snapshot = Infisical::new(PROJECT, "prod").recursive(true).client(warm.clone()).fetch().unwrap();
        let mut cases = vec![
            case(row("floor, cold", None), &counts, reqwest::Client::new, |h| floor(&rt, &h, port, true)),
            case(row(FLOOR, None), &counts, || (), |()| floor(&rt, &http, port, false)),
            case(row("floor + figment, cold", None), &counts, reqwest::Client::new, |h| {
                floor_figment(&rt, &h, port, true)
            }),
            case(row(FLOOR_FIGMENT, None), &counts, || (), |()| floor_figment(&rt, &http, port, false)),
            case(
                row("figment job, cold", Some("floor + figment, cold")),
                &counts,
                || client(port),
                |c| assert_eq!(figment_load(&c), n),
            ),
            case(row("figment job", Some(FLOOR_FIGMENT)), &counts, || (), |()| assert_eq!(figment_load(&warm), n)),
            case(
                row("client `list_values` into a map", Some(FLOOR)),
                &counts,
                || (),
                |()| assert_eq!(warm.secrets().list_values(&req).unwrap().len(), n),
            ),
            case(
                row("client `list` + `into_map` (full model)", Some(FLOOR)),
                &counts,
                || (),
                |()| assert_eq!(warm.secrets().list(&req).unwrap().into_map().len(), n),
            ),
            case(
                row("env loader `load`", Some(FLOOR)),
                &counts,
                || (),
                |()| assert_eq!(loader.load().unwrap().len(), n),
            ),
            case(
                row("figment alone (merge + extract, no I/O)", None),
                &counts,
                || (),
                |()| {
                    let config: Config = Figment::new().merge(snapshot.clone()).extract().unwrap();
                    config.services.len()
                },
            ),
        ];
        rows.extend(run_cases(&mut cases, iterations));
    }

    println!("Warm rows reuse one logged-in client and its connection; cold rows make a new client each run (its");
    println!("construction untimed) and log in. Ratio: median time over the median of the row named.");
    println!();
    println!("| secrets | response | load | median | ratio | peak memory | × response | requests | new connections |");
    println!("|---:|---:|---|---:|---|---:|---:|---:|---:|");
    for r in &rows {
        let size = sizes.iter().find(|(n, _)| *n == r.secrets).unwrap().1;
        let ratio = r.floor.map_or_else(String::new, |f| {
            let floor = rows.iter().find(|o| o.secrets == r.secrets && o.what == f).unwrap();
            format!("{:.2}x {f}", r.time.as_secs_f64() / floor.time.as_secs_f64())
        });
        println!(
            "| {} | {} | {} | {:.2} ms | {} | {} | {:.2} | {} | {} |",
            r.secrets,
            kib(size),
            r.what,
            r.time.as_secs_f64() * 1e3,
            ratio,
            kib(r.peak),
            r.peak as f64 / size as f64,
            r.requests,
            r.connections
        );
    }
}

fn profile(what: &str, n: usize) {
    let server = serve(Arc::new(list_body(n)));
    let c = client(server.port);
    let loader = EnvLoader::new(PROJECT, "prod").recursive(true).client(c.clone());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = reqwest::Client::new();
    let start = Instant::now();
    for _ in 0..100 {
        match what {
            "env" => drop(loader.load().unwrap()),
            "floor" => drop(floor(&rt, &http, server.port, false)),
            "floor-figment" => drop(floor_figment(&rt, &http, server.port, false)),
            "list" => drop(c.secrets().list_values(&ListSecrets::new(PROJECT, "prod").recursive(true)).unwrap()),
            _ => drop(figment_load(&c)),
        }
    }
    println!("{what}: {:.2} ms a load", start.elapsed().as_secs_f64() * 10.0);
}

fn kib(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}
