//! The cache against other local users (issue 25) and its warnings (issue 24): a folder others could
//! change is neither read nor written, and the load goes on from the server; a file is read only when
//! it is a regular file of the effective user, no larger than a load of its target, and a FIFO or a
//! link in its place ends the read at once; every cache left unused names the file and the load, says
//! why and what to do; the key is taken in every form a user has it (issue 26).
#![cfg(all(feature = "cache", unix))]

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::*;
use figment::Profile;
use infisical_config::cache::{Cache, CacheKey, OnFailure};
use infisical_config::testing::{FakeInfisical, PROJECT_ID};
use infisical_config::{EnvSource, Error, Infisical, SecretBox, blocking};

const VALUE: &str = "postgres://db.internal/app-3c9e";

fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| capture_logs(tracing::Level::DEBUG))
}

/// The warnings logged since `since` that name `path`.
fn warnings_naming(since: usize, path: &Path) -> Vec<String> {
    let text = logs().text();
    let named = path.display().to_string();
    text[since..].lines().filter(|l| l.contains("WARN") && l.contains(&named)).map(str::to_owned).collect()
}

fn fake() -> FakeInfisical {
    FakeInfisical::builder().secret("prod", "/", "DATABASE_URL", VALUE).start_blocking()
}

/// A client of `fake` that does not retry: an outage shows at once.
fn no_retries(fake: &FakeInfisical) -> blocking::Client {
    fake.blocking_client_builder().retry(infisical_config::RetryPolicy::default().max_retries(0)).build().unwrap()
}

fn key() -> CacheKey {
    CacheKey::from_bytes(SecretBox::new(Box::new([4; 32])))
}

fn serve_stale() -> OnFailure {
    OnFailure::UseCache { max_age: Duration::from_secs(3600) }
}

fn provider(client: &blocking::Client, dir: &Path) -> Infisical {
    Infisical::new(PROJECT_ID, "prod")
        .client(client.clone())
        .cache(Cache::new(key()).dir(dir).on_failure(serve_stale()))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

/// A folder holding the cache file of a load, made 0700; and that file.
fn cached_load(client: &blocking::Client, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    chmod(dir, 0o700);
    provider(client, dir).fetch().unwrap();
    let written = files(dir);
    assert_eq!(written.len(), 1, "{written:?}");
    written.into_iter().next().unwrap()
}

/// Gives `path` to uid 65534 (nobody); false, with a message, where that is not permitted (not root).
fn give_away(path: &Path) -> bool {
    match std::os::unix::fs::lchown(path, Some(65534), Some(65534)) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("skipped: cannot give {} to another user here ({e}); run as root to test it", path.display());
            false
        }
    }
}

/// Checks that `dir` is refused: with the server up the load comes from it, and a warning names the
/// folder and the reason, for the read and for the write, and nothing in the folder changes; with the
/// server down the cached load is not served.
fn assert_refused(fake: &FakeInfisical, client: &blocking::Client, dir: &Path, reason: &str) {
    let before: Vec<(PathBuf, Vec<u8>)> =
        files(dir).into_iter().map(|f| (f.clone(), std::fs::read(&f).unwrap_or_default())).collect();
    let since = logs().text().len();
    let snapshot = provider(client, dir).fetch().unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUE), "the load goes on from the server");
    let said = warnings_naming(since, dir);
    for what in ["the Infisical cache is not used", "the Infisical cache could not be written"] {
        let line = said.iter().find(|l| l.contains(what)).unwrap_or_else(|| panic!("{what}: {said:#?}"));
        assert!(line.contains(&format!("the cache folder {} is not safe", dir.display())), "{line}");
        assert!(line.contains(reason), "{reason}: {line}");
        assert!(line.contains("fix=") && line.contains("Cache::dir"), "{line}");
    }
    let after: Vec<(PathBuf, Vec<u8>)> =
        files(dir).into_iter().map(|f| (f.clone(), std::fs::read(&f).unwrap_or_default())).collect();
    assert_eq!(before, after, "nothing written in the folder");

    fake.set_unavailable(true);
    let err = provider(client, dir).fetch().unwrap_err();
    fake.set_unavailable(false);
    assert_eq!(err.status(), Some(503), "the cached load is not served: {err}");
}

#[test]
fn a_folder_others_can_write_is_neither_read_nor_written() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let dir = top.path().join("cache");
    cached_load(&client, &dir);
    chmod(&dir, 0o777);
    assert_refused(&fake, &client, &dir, "others can write to it (mode 777)");
    chmod(&dir, 0o770);
    assert_refused(&fake, &client, &dir, "others can write to it (mode 770)");
    // Sticky is no excuse for the folder itself.
    chmod(&dir, 0o1777);
    assert_refused(&fake, &client, &dir, "others can write to it (mode 1777)");
}

#[test]
fn a_folder_of_another_user_is_refused_even_for_root() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let dir = top.path().join("cache");
    cached_load(&client, &dir);
    if !give_away(&dir) {
        return;
    }
    let me = std::fs::metadata(top.path()).map(|m| std::os::unix::fs::MetadataExt::uid(&m)).unwrap();
    assert_refused(&fake, &client, &dir, &format!("it is owned by user 65534, not by the current user ({me})"));
}

#[test]
fn a_link_to_a_folder_others_can_write_is_refused_and_a_link_to_a_good_one_is_followed() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);

    let open = top.path().join("open");
    cached_load(&client, &open);
    chmod(&open, 0o777);
    let link = top.path().join("link-to-open");
    symlink(&open, &link).unwrap();
    assert_refused(&fake, &client, &link, &format!("{}, where it leads: others can write to it", open.display()));

    // A link to a folder of ours that only we can write is followed, as ssh follows it.
    let good = top.path().join("good");
    std::fs::create_dir(&good).unwrap();
    chmod(&good, 0o700);
    let link = top.path().join("link-to-good");
    symlink(&good, &link).unwrap();
    provider(&client, &link).fetch().unwrap();
    assert_eq!(files(&good).len(), 1, "written through the link");
    fake.set_unavailable(true);
    let snapshot = provider(&client, &link).fetch().unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUE), "served through the link");
    fake.set_unavailable(false);

    // A link of another user, even to our good folder, is not: in a sticky folder, they could point it
    // at another of our folders.
    let theirs = top.path().join("their-link");
    symlink(&good, &theirs).unwrap();
    if give_away(&theirs) {
        let since = logs().text().len();
        provider(&client, &theirs).fetch().unwrap();
        let said = warnings_naming(since, &theirs).join("\n");
        assert!(said.contains(&format!("{}, a link on the way to it: it is owned by user 65534", theirs.display())));
    }
}

#[test]
fn a_folder_under_one_others_can_write_is_refused_unless_that_one_is_sticky() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let shared = top.path().join("shared");
    let dir = shared.join("cache");
    cached_load(&client, &dir);
    chmod(&shared, 0o777);
    assert_refused(&fake, &client, &dir, &format!("{}, on the way to it: others can write", shared.display()));
    // As /tmp: others may add files there but not rename or remove ours.
    chmod(&shared, 0o1777);
    fake.set_unavailable(true);
    let snapshot = provider(&client, &dir).fetch().unwrap();
    assert_eq!(snapshot.get(&Profile::Default, "database_url"), Some(VALUE));
}

#[test]
fn a_file_of_another_user_or_that_others_can_write_is_not_read() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let dir = top.path().join("cache");
    let file = cached_load(&client, &dir);
    fake.set_unavailable(true);
    let refused = |reason: &str| {
        let since = logs().text().len();
        let err = provider(&client, &dir).fetch().unwrap_err();
        assert_eq!(err.status(), Some(503), "not served: {err}");
        let said = warnings_naming(since, &file).join("\n");
        assert!(said.contains("the Infisical cache is not used") && said.contains(reason), "{reason}: {said}");
        assert!(said.contains("fix=it will be replaced after the next successful load"), "{said}");
    };
    chmod(&file, 0o666);
    refused("reason=others can write to it (mode 666)");
    chmod(&file, 0o600);
    if give_away(&file) {
        refused("reason=it is owned by user 65534, not by the current user");
    }
    // The next successful load puts a file of ours in its place.
    fake.set_unavailable(false);
    provider(&client, &dir).fetch().unwrap();
    fake.set_unavailable(true);
    assert_eq!(provider(&client, &dir).fetch().unwrap().get(&Profile::Default, "database_url"), Some(VALUE));
}

/// Loads from `dir` with the server down, in a thread: it must end (unserved) within 10 s.
fn load_ends_at_once(client: &blocking::Client, dir: &Path) -> Error {
    let (tx, rx) = std::sync::mpsc::channel();
    let (client, dir) = (client.clone(), dir.to_owned());
    std::thread::spawn(move || tx.send(provider(&client, &dir).fetch()));
    rx.recv_timeout(Duration::from_secs(10)).expect("the load hung on the cache file").unwrap_err()
}

#[test]
fn a_fifo_or_a_link_to_dev_zero_in_place_of_the_file_ends_the_load_at_once() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let dir = top.path().join("cache");
    let file = cached_load(&client, &dir);
    fake.set_unavailable(true);

    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&file).status().expect("mkfifo runs");
    assert!(made.success());
    let since = logs().text().len();
    assert_eq!(load_ends_at_once(&client, &dir).status(), Some(503));
    let said = warnings_naming(since, &file).join("\n");
    assert!(said.contains("reason=it is not a regular file") && said.contains("fix=remove it"), "{said}");

    std::fs::remove_file(&file).unwrap();
    symlink("/dev/zero", &file).unwrap();
    let since = logs().text().len();
    assert_eq!(load_ends_at_once(&client, &dir).status(), Some(503));
    let said = warnings_naming(since, &file).join("\n");
    assert!(said.contains("reason=it is a symbolic link"), "{said}");
}

#[test]
fn a_file_larger_than_a_load_of_its_target_can_be_is_not_read() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let small = |fake: &FakeInfisical| {
        fake.blocking_client_builder()
            .retry(infisical_config::RetryPolicy::default().max_retries(0))
            .max_response_bytes(64 * 1024)
            .build()
            .unwrap()
    };
    let client = small(&fake);
    let dir = top.path().join("cache");
    let file = cached_load(&client, &dir);
    fake.set_unavailable(true);
    // One folder's answers of at most 64 KiB, the format's 1 MiB and the header and tag: 1,114,196 bytes.
    std::fs::OpenOptions::new().append(true).open(&file).unwrap().set_len(1_114_197).unwrap();
    let since = logs().text().len();
    assert_eq!(provider(&client, &dir).fetch().unwrap_err().status(), Some(503));
    let said = warnings_naming(since, &file).join("\n");
    assert!(said.contains("reason=it is larger than 1114196 bytes, the most a load of this target can take"), "{said}");
}

#[test]
fn a_key_that_does_not_match_says_which_file_which_load_why_and_what_to_do() {
    use base64::Engine;
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let dir = top.path().join("cache");
    let with_key = |byte: u8| {
        let env =
            EnvSource::from_pairs([("APP_CACHE_KEY", base64::engine::general_purpose::STANDARD.encode([byte; 32]))]);
        let cache = Cache::new(CacheKey::from_env("APP_CACHE_KEY")).dir(&dir).on_failure(serve_stale());
        Infisical::new(PROJECT_ID, "prod").client(client.clone()).env_source(env).cache(cache)
    };
    with_key(1).fetch().unwrap();
    let file = files(&dir).remove(0);

    let since = logs().text().len();
    assert_eq!(with_key(2).fetch().unwrap().get(&Profile::Default, "database_url"), Some(VALUE));
    let said = warnings_naming(since, &file);
    assert_eq!(said.len(), 1, "{said:#?}");
    for part in [
        "the Infisical cache is not used",
        &format!("file={}", file.display()),
        &format!("load=environment `prod` of project `{PROJECT_ID}`, folders `/`"),
        "reason=it was written with another key",
        "fix=the key changed (is the key in APP_CACHE_KEY the key that wrote it?); it will be replaced after the \
         next successful load",
    ] {
        assert!(said[0].contains(part), "{part}: {}", said[0]);
    }
    // As it says: that load replaced the file, and the new key serves it.
    fake.set_unavailable(true);
    assert_eq!(with_key(2).fetch().unwrap().get(&Profile::Default, "database_url"), Some(VALUE));
}

#[test]
fn a_key_in_any_form_opens_what_another_form_wrote() {
    logs();
    let top = tempfile::tempdir().unwrap();
    let fake = fake();
    let client = no_retries(&fake);
    let bytes: [u8; 32] = std::array::from_fn(|n| (n * 7) as u8);
    let text = "AAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=";
    let load = |key: CacheKey| {
        let cache = Cache::new(key).dir(top.path()).on_failure(serve_stale());
        Infisical::new(PROJECT_ID, "prod").client(client.clone()).cache(cache).fetch()
    };
    load(CacheKey::from_base64(text).unwrap()).unwrap();
    fake.set_unavailable(true);
    for key in [
        CacheKey::from(bytes),
        CacheKey::try_from(bytes.to_vec()).unwrap(),
        CacheKey::try_from_slice(&bytes).unwrap(),
        CacheKey::from_base64(&format!("{text}\n")).unwrap(),
    ] {
        assert_eq!(load(key).unwrap().get(&Profile::Default, "database_url"), Some(VALUE));
    }

    for (err, found) in [
        (CacheKey::try_from_slice(&bytes[..16]).unwrap_err(), 16),
        (CacheKey::try_from(bytes.repeat(2)).unwrap_err(), 64),
        (CacheKey::from_base64("AAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL").unwrap_err(), 30),
    ] {
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "configuration error: the cache key holds {found} bytes, not 32; make one with `openssl rand -base64 32`"
            )
        );
    }
    let err = CacheKey::from_base64("AAcOFRwjKjE4P0ZN!").unwrap_err();
    assert!(!format!("{err} {err:?}").contains("AAcO"), "never the text: {err}");
}

#[test]
fn missing_folders_are_created_for_the_user_alone_and_the_file_0600() {
    let top = tempfile::tempdir().unwrap();
    chmod(top.path(), 0o700);
    let fake = fake();
    let client = no_retries(&fake);
    // Two levels that are not there yet; a umask may not widen them.
    let dir = top.path().join("state/infisical");
    provider(&client, &dir).fetch().unwrap();
    for made in [top.path().join("state"), dir.clone()] {
        let mode = std::fs::metadata(&made).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o700, "{} is the user's alone", made.display());
    }
    let written = files(&dir);
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(std::fs::metadata(&written[0]).unwrap().permissions().mode() & 0o7777, 0o600);
}
