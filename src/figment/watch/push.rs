//! The watcher's side of push (feature `push`): one subscriber per environment on the project's shared
//! stream, merged into what the polling loop acts on. Without the feature, [`Push`] cannot exist and
//! the loop only polls.

#[cfg(feature = "push")]
pub(super) use enabled::Push;

use std::future::Future;
use std::task::Poll;

use crate::Client;
use crate::clock::Clock;
use crate::figment::Infisical;

/// What the stream tells the polling loop.
#[cfg_attr(not(feature = "push"), allow(dead_code))]
#[derive(Debug)]
pub(super) enum Notice {
    /// Something this watcher loads may have changed (an event where it looks, or a resync).
    Reload,
    /// The stream's state changed (see [`Push::state`]).
    State,
    /// The stream's task has ended (its runtime shut down): polling only from now on.
    Ended,
}

#[cfg(not(feature = "push"))]
#[derive(Debug)]
pub(super) enum Push {}

#[cfg(not(feature = "push"))]
impl Push {
    pub(super) async fn next(&mut self) -> Notice {
        match *self {}
    }

    pub(super) fn is_connected(&self) -> bool {
        match *self {}
    }

    pub(super) fn drain(&mut self) -> bool {
        match *self {}
    }
}

#[cfg(feature = "push")]
mod enabled {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    use super::Notice;
    use crate::Client;
    use crate::clock::Clock;
    use crate::error::Result;
    use crate::events::{PushNotice, PushState, Subscribe, Subscriber};
    use crate::figment::Infisical;

    /// The subscribers of one watcher (one per environment, all on the project's one stream) and the
    /// stream's state as last told.
    pub(in crate::figment::watch) struct Push {
        subscribers: Vec<Subscriber>,
        state: PushState,
        /// Per subscriber: the stream was connected when it joined, so the resync queued for it is
        /// covered by the start's load, which was sent after.
        covered: Vec<bool>,
    }

    impl std::fmt::Debug for Push {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Push").field("subscribers", &self.subscribers.len()).field("state", &self.state).finish()
        }
    }

    impl Push {
        /// Joins the project's stream for every environment of `provider`, its folders and recursion.
        pub(in crate::figment::watch) async fn subscribe(
            provider: &Infisical,
            client: &Client,
            clock: &Clock,
        ) -> Result<Push> {
            let project = provider.project()?;
            let (mut subscribers, mut covered) = (Vec::new(), Vec::new());
            for (environment, _) in &provider.targets {
                let subscription = Subscribe::new(project.clone(), environment.as_str())
                    .paths(provider.query.paths.iter().cloned())
                    .recursive(provider.query.recursive)
                    .clock(clock.clone());
                let subscriber = client.events().subscribe(&subscription).await?;
                covered.push(subscriber.state().is_connected());
                subscribers.push(subscriber);
            }
            let state = subscribers.first().map_or(PushState::Reconnecting, Subscriber::state);
            Ok(Push { subscribers, state, covered })
        }

        /// The stream's state as last told.
        pub(in crate::figment::watch) fn state(&self) -> &PushState {
            &self.state
        }

        pub(in crate::figment::watch) fn is_connected(&self) -> bool {
            self.state.is_connected()
        }

        /// The next notice of any subscriber. Cancel-safe (each subscriber's `next` is).
        pub(in crate::figment::watch) async fn next(&mut self) -> Notice {
            loop {
                let (n, notice) = {
                    let mut waiting: Vec<Pin<Box<dyn Future<Output = Option<PushNotice>> + Send + '_>>> =
                        self.subscribers.iter_mut().map(|s| Box::pin(s.next()) as Pin<Box<_>>).collect();
                    std::future::poll_fn(|cx| {
                        for (n, next) in waiting.iter_mut().enumerate() {
                            if let Poll::Ready(notice) = next.as_mut().poll(cx) {
                                return Poll::Ready((n, notice));
                            }
                        }
                        Poll::Pending
                    })
                    .await
                };
                if let Some(notice) = self.take(n, notice) {
                    return notice;
                }
            }
        }

        /// What the loop should know of subscriber `n`'s `notice`; `None` for what changes nothing (a
        /// state already told by another subscriber of the same stream, a covered resync).
        fn take(&mut self, n: usize, notice: Option<PushNotice>) -> Option<Notice> {
            match notice {
                None => Some(Notice::Ended),
                Some(PushNotice::State(state)) => {
                    self.covered[n] &= state.is_connected();
                    (state != self.state).then(|| {
                        self.state = state;
                        Notice::State
                    })
                }
                // The resync of a stream already connected when this subscriber joined: the start's
                // load came after it.
                Some(PushNotice::Resync) if std::mem::take(&mut self.covered[n]) => None,
                Some(_) => Some(Notice::Reload),
            }
        }

        /// Takes every notice already queued (after the start's load): whether one asks for a reload.
        /// States are taken in, quietly.
        pub(in crate::figment::watch) fn drain(&mut self) -> bool {
            let mut reload = false;
            for n in 0..self.subscribers.len() {
                while let Some(notice) = now_or_never(self.subscribers[n].next()) {
                    match self.take(n, notice) {
                        Some(Notice::Reload) => reload = true,
                        Some(Notice::Ended) => break,
                        _ => {}
                    }
                }
            }
            // Only what was queued before the start's load can be covered by it.
            self.covered.fill(false);
            reload
        }
    }

    /// The output of `future` if it is ready at its first poll.
    fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => Some(output),
            Poll::Pending => None,
        }
    }
}

/// Joins the project's stream; `None`, polling only, when the project's id cannot be found now (tried
/// again after the next poll).
pub(super) async fn subscribe(provider: &Infisical, client: &Client, clock: &Clock) -> Option<Push> {
    #[cfg(feature = "push")]
    match Push::subscribe(provider, client, clock).await {
        Ok(push) => return Some(push),
        Err(error) => {
            tracing::debug!(error = %crate::error::with_causes(&error), "the watcher could not subscribe to Infisical's events yet; polling");
        }
    }
    #[cfg(not(feature = "push"))]
    let _ = (provider, client, clock);
    None
}

/// Both outputs, `a` polled first each time.
pub(super) async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut done_a, mut done_b) = (None, None);
    std::future::poll_fn(|cx| {
        if done_a.is_none()
            && let Poll::Ready(out) = a.as_mut().poll(cx)
        {
            done_a = Some(out);
        }
        if done_b.is_none()
            && let Poll::Ready(out) = b.as_mut().poll(cx)
        {
            done_b = Some(out);
        }
        match (done_a.take(), done_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (done_a, done_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// The stream's notice, or `None` when `sleep` ends first (the notice's future is dropped: it is
/// cancel-safe).
pub(super) async fn first_of(sleep: impl Future<Output = ()>, notice: impl Future<Output = Notice>) -> Option<Notice> {
    let (mut sleep, mut notice) = (std::pin::pin!(sleep), std::pin::pin!(notice));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(notice) = notice.as_mut().poll(cx) {
            return Poll::Ready(Some(notice));
        }
        sleep.as_mut().poll(cx).map(|()| None)
    })
    .await
}
