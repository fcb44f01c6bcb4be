//! AWS's SDK logs every request it sends at TRACE, headers and in-memory body included
//! (`aws_smithy_runtime::client::orchestrator`, "transmitting request"). Its redaction goes by header
//! name and misses the instance metadata's session token (`x-aws-ec2-metadata-token`), and the body of
//! an STS call for a web identity holds that identity's token. The AWS login's calls into the SDK run
//! under a dispatcher that hands everything on to the application's, except those events.

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber, span};

/// Where the SDK's orchestrator logs the requests and answers it handles.
const ORCHESTRATOR: &str = "aws_smithy_runtime::client::orchestrator";

/// The current dispatcher without the SDK's request and answer dumps.
pub(crate) fn without_request_dumps() -> Dispatch {
    let inner = tracing::dispatcher::get_default(Dispatch::clone);
    // The current dispatcher's hint is not readable; the global maximum bounds it.
    Dispatch::new(WithoutRequestDumps { inner, max_level: LevelFilter::current() })
}

struct WithoutRequestDumps {
    inner: Dispatch,
    max_level: LevelFilter,
}

fn is_dump(metadata: &Metadata<'_>) -> bool {
    metadata.is_event() && *metadata.level() == Level::TRACE && metadata.target().starts_with(ORCHESTRATOR)
}

impl Subscriber for WithoutRequestDumps {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // The callsites' interest is shared by every dispatcher: the dumps are dropped per event
        // below, so the application's own use of the SDK logs as it chose.
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        !is_dump(metadata) && self.inner.enabled(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.max_level)
    }

    fn event(&self, event: &Event<'_>) {
        if !is_dump(event.metadata()) {
            self.inner.event(event);
        }
    }

    fn new_span(&self, span: &span::Attributes<'_>) -> span::Id {
        self.inner.new_span(span)
    }

    fn record(&self, span: &span::Id, values: &span::Record<'_>) {
        self.inner.record(span, values);
    }

    fn record_follows_from(&self, span: &span::Id, follows: &span::Id) {
        self.inner.record_follows_from(span, follows);
    }

    fn enter(&self, span: &span::Id) {
        self.inner.enter(span);
    }

    fn exit(&self, span: &span::Id) {
        self.inner.exit(span);
    }

    fn clone_span(&self, id: &span::Id) -> span::Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: span::Id) -> bool {
        self.inner.try_close(id)
    }

    fn current_span(&self) -> tracing_core::span::Current {
        self.inner.current_span()
    }
}
