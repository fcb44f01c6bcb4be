//! One stream per process, site and project, shared by every subscriber of that project.
//!
//! The registry keeps a weak reference to each stream; subscribers keep strong ones. The stream's task
//! owns the senders subscribers listen to, so a task that ends (its runtime shut down) closes them.
//! When the last subscriber goes, the task is stopped, which closes the connection.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};

use serde::Serialize;
use tokio::sync::{broadcast, watch};

use super::model::{EventKind, PushNotice, PushState, SecretEvent};
use super::stream::{Options, Stream};
use crate::Client;

/// Notices a subscriber may fall behind by before it is told to resync instead.
const BACKLOG: usize = 1024;
/// The most entries a subscription may register (the server answers 422 past it).
const MAX_REGISTER: usize = 10;

type Key = (String, String);

static STREAMS: LazyLock<Mutex<HashMap<Key, Weak<Shared>>>> = LazyLock::new(Default::default);

/// What one subscriber looks at: an environment's folders, with or without their sub-folders.
#[derive(Clone, Debug)]
pub(crate) struct Interest {
    pub(crate) environment: String,
    pub(crate) paths: Vec<String>,
    pub(crate) recursive: bool,
}

impl Interest {
    pub(crate) fn matches(&self, event: &SecretEvent) -> bool {
        event.environment == self.environment
            && self.paths.iter().any(|p| {
                event.path == *p
                    || (self.recursive
                        && (p == "/" || event.path.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('/'))))
            })
    }

    /// The conditions it needs registered. Only `/**` and exact paths: servers have matched
    /// `secretPath` as a picomatch glob, as a CASL glob and as a prefix, and these two mean the same
    /// to all three. A sub-tree is registered as the whole environment and narrowed here.
    fn conditions(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.paths.iter().map(|p| {
            let path = if self.recursive { "/**".to_owned() } else { p.clone() };
            (self.environment.clone(), path)
        })
    }
}

/// What the stream registers: `(environment, secretPath)` conditions, each with the four events; or
/// every event of the project (no conditions, as the CLI subscribes) when they would not fit in the
/// server's ten entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Registration {
    conditions: BTreeSet<(String, String)>,
    everything: bool,
}

impl Registration {
    /// Adds what `interest` needs and is not covered yet; whether anything changed.
    pub(crate) fn widen(&mut self, interest: &Interest) -> bool {
        let all = |env: &str| (env.to_owned(), "/**".to_owned());
        let missing: Vec<_> = interest
            .conditions()
            .filter(|c| !self.conditions.contains(c) && !self.conditions.contains(&all(&c.0)))
            .collect();
        if self.everything || missing.is_empty() {
            return false;
        }
        self.conditions.extend(missing);
        let wildcards: Vec<_> = self.conditions.iter().filter(|(_, p)| p == "/**").map(|(e, _)| e.clone()).collect();
        self.conditions.retain(|(e, p)| p == "/**" || !wildcards.contains(e));
        let kinds = EventKind::ALL.len();
        if self.conditions.len() * kinds > MAX_REGISTER {
            self.conditions = self.conditions.iter().map(|(e, _)| all(e)).collect();
        }
        if self.conditions.len() * kinds > MAX_REGISTER {
            self.conditions.clear();
            self.everything = true;
        }
        true
    }

    /// The subscription's body.
    pub(crate) fn body<'a>(&'a self, project_id: &'a str) -> impl Serialize + 'a {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            project_id: &'a str,
            register: Vec<Register<'a>>,
        }
        #[derive(Serialize)]
        struct Register<'a> {
            event: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            conditions: Option<Conditions<'a>>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Conditions<'a> {
            environment_slug: &'a str,
            secret_path: &'a str,
        }
        let register = if self.everything {
            EventKind::ALL.iter().map(|k| Register { event: k.as_str(), conditions: None }).collect()
        } else {
            self.conditions
                .iter()
                .flat_map(|(environment_slug, secret_path)| {
                    EventKind::ALL.iter().map(move |k| Register {
                        event: k.as_str(),
                        conditions: Some(Conditions { environment_slug, secret_path }),
                    })
                })
                .collect()
        };
        Body { project_id, register }
    }
}

/// A running stream, as its subscribers hold it.
struct Shared {
    key: Key,
    notices: broadcast::WeakSender<PushNotice>,
    state: watch::Receiver<PushState>,
    registration: watch::Sender<Registration>,
    task: tokio::task::AbortHandle,
}

impl Shared {
    /// Starts the stream's task; returns it with the first subscriber's receiver.
    fn start(
        client: &Client,
        key: Key,
        interest: &Interest,
        options: Options,
    ) -> (Arc<Shared>, broadcast::Receiver<PushNotice>) {
        let mut registration = Registration::default();
        registration.widen(interest);
        let (registration, registered) = watch::channel(registration);
        let (notices, first) = broadcast::channel(BACKLOG);
        let (state_tx, state) = watch::channel(PushState::Reconnecting);
        let weak = notices.downgrade();
        let stream = Stream::new(client.clone(), key.1.clone(), options, notices, state_tx, registered);
        let task = tokio::spawn(stream.run()).abort_handle();
        (Arc::new(Shared { key, notices: weak, state, registration, task }), first)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.task.abort();
        let mut streams = STREAMS.lock().unwrap_or_else(PoisonError::into_inner);
        if streams.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
            streams.remove(&self.key);
        }
    }
}

/// Joins the stream of `project_id` on the client's site, starting it when there is none.
pub(crate) fn join(client: &Client, project_id: String, interest: Interest, options: Options) -> super::Subscriber {
    let key = (client.site().as_str().to_owned(), project_id);
    let mut streams = STREAMS.lock().unwrap_or_else(PoisonError::into_inner);
    // Kept until the registry is unlocked: dropping the last reference runs `Shared::drop`, which
    // locks it.
    let found = streams.get(&key).and_then(Weak::upgrade);
    let running = found.as_ref().and_then(|shared| {
        // A stream whose task has ended (its runtime shut down) is replaced.
        let notices = shared.notices.upgrade()?.subscribe();
        Some((shared.clone(), notices))
    });
    let (shared, notices, current) = match running {
        Some((shared, notices)) => {
            // The state before widening: what widening changes then reaches this subscriber in order.
            let current = shared.state.borrow().clone();
            shared.registration.send_if_modified(|r| r.widen(&interest));
            (shared, notices, current)
        }
        None => {
            let (shared, notices) = Shared::start(client, key.clone(), &interest, options);
            streams.insert(key, Arc::downgrade(&shared));
            (shared, notices, PushState::Reconnecting)
        }
    };
    drop(streams);
    drop(found);
    let mut queued = VecDeque::from([PushNotice::State(current.clone())]);
    if current.is_connected() {
        // Changes made before this subscriber joined were not sent to it.
        queued.push_back(PushNotice::Resync);
    }
    let state = shared.state.clone();
    super::Subscriber { inner: Membership { shared, notices, state, interest, queued } }
}

/// A subscriber's side of a stream.
pub(crate) struct Membership {
    shared: Arc<Shared>,
    notices: broadcast::Receiver<PushNotice>,
    state: watch::Receiver<PushState>,
    interest: Interest,
    queued: VecDeque<PushNotice>,
}

impl Membership {
    pub(crate) async fn next(&mut self) -> Option<PushNotice> {
        if let Some(notice) = self.queued.pop_front() {
            return Some(notice);
        }
        loop {
            match self.notices.recv().await {
                Ok(PushNotice::Changed(event)) if !self.interest.matches(&event) => {}
                Ok(notice) => return Some(notice),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "an event subscriber fell behind; it resyncs");
                    self.queued.push_back(PushNotice::State(self.state()));
                    return Some(PushNotice::Resync);
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    pub(crate) fn state(&self) -> PushState {
        self.state.borrow().clone()
    }

    pub(crate) fn project_id(&self) -> &str {
        &self.shared.key.1
    }

    pub(crate) fn interest(&self) -> &Interest {
        &self.interest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interest(environment: &str, paths: &[&str], recursive: bool) -> Interest {
        Interest { environment: environment.into(), paths: paths.iter().map(|p| (*p).into()).collect(), recursive }
    }

    fn event(environment: &str, path: &str) -> SecretEvent {
        SecretEvent { kind: EventKind::Updated, environment: environment.into(), path: path.into(), keys: vec![] }
    }

    #[test]
    fn a_subscriber_sees_its_environment_and_folders_only() {
        let flat = interest("dev", &["/app"], false);
        assert!(flat.matches(&event("dev", "/app")));
        assert!(!flat.matches(&event("dev", "/app/db")) && !flat.matches(&event("prod", "/app")));
        let deep = interest("dev", &["/app"], true);
        assert!(deep.matches(&event("dev", "/app/db")) && deep.matches(&event("dev", "/app")));
        assert!(!deep.matches(&event("dev", "/apple")) && !deep.matches(&event("dev", "/")));
        assert!(interest("dev", &["/"], true).matches(&event("dev", "/x/y")));
    }

    #[test]
    fn the_registration_widens_and_collapses_to_fit_ten_entries() {
        let body = |r: &Registration| serde_json::to_value(r.body("p")).unwrap();
        let mut r = Registration::default();
        assert!(r.widen(&interest("dev", &["/app"], false)));
        assert!(!r.widen(&interest("dev", &["/app"], false)), "covered");
        let b = body(&r);
        assert_eq!(b["projectId"], "p");
        assert_eq!(b["register"].as_array().unwrap().len(), 4);
        assert_eq!(
            b["register"][0],
            serde_json::json!({"event": "secret:create", "conditions": {"environmentSlug": "dev", "secretPath": "/app"}})
        );
        assert_eq!(b["register"][3]["event"], "secret:import-mutation");
        // A second folder fits (8 entries); a third does not, so the environment is registered whole.
        assert!(r.widen(&interest("dev", &["/db"], false)));
        assert_eq!(body(&r)["register"].as_array().unwrap().len(), 8);
        assert!(r.widen(&interest("dev", &["/cache"], false)));
        assert_eq!(r.conditions, BTreeSet::from([("dev".into(), "/**".into())]));
        assert!(!r.widen(&interest("dev", &["/other"], true)), "the whole environment covers it");
        assert!(r.widen(&interest("prod", &["/"], false)));
        assert_eq!(r.conditions.len(), 2);
        // A third environment cannot fit: every event of the project, no conditions.
        assert!(r.widen(&interest("staging", &["/"], true)));
        let b = body(&r);
        assert_eq!(b["register"].as_array().unwrap().len(), 4);
        assert!(b["register"][0].get("conditions").is_none());
        assert!(!r.widen(&interest("qa", &["/"], true)));
    }
}
