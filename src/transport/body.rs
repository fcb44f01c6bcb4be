//! Reading a response body under the size cap, without holding much more than the cap.

use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

/// A response body, read under the size cap. Response bodies hold secret values: every buffer is
/// wiped when dropped.
///
/// A body whose length the server announced is read into one buffer of exactly that size. One of
/// unknown length is read into segments that are never reallocated: growing one buffer would keep the
/// old copy alive while copying (twice the cap at the peak) and leave unwiped secret bytes behind.
pub(crate) enum Body {
    Whole(Zeroizing<Vec<u8>>),
    Segments(Vec<Zeroizing<Vec<u8>>>),
}

/// The first buffer of a body of unknown length; each next segment doubles, up to [`SEGMENT_MAX`].
pub(super) const SEGMENT_FIRST: usize = 16 * 1024;
pub(super) const SEGMENT_MAX: usize = 1024 * 1024;

impl Body {
    pub(crate) fn len(&self) -> usize {
        match self {
            Body::Whole(b) => b.len(),
            Body::Segments(s) => s.iter().map(|b| b.len()).sum(),
        }
    }

    /// The bytes in one piece (error answers are small; a segmented body is copied).
    pub(crate) fn contiguous(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Body::Whole(b) => std::borrow::Cow::Borrowed(b.as_slice()),
            Body::Segments(s) => std::borrow::Cow::Owned(s.iter().flat_map(|b| b.iter().copied()).collect()),
        }
    }

    pub(super) fn decode<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        match self {
            Body::Whole(b) => serde_json::from_slice(b),
            Body::Segments(_) => serde_json::from_reader(self.reader()),
        }
    }

    /// Decodes again, noting where in the document it fails (slower: for explaining a failure).
    pub(super) fn decode_tracking_path<T: DeserializeOwned>(
        &self,
    ) -> std::result::Result<T, serde_path_to_error::Error<serde_json::Error>> {
        match self {
            Body::Whole(bytes) => serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)),
            Body::Segments(_) => {
                serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_reader(self.reader()))
            }
        }
    }

    fn reader(&self) -> SegmentReader<'_> {
        match self {
            Body::Whole(b) => SegmentReader { segments: std::slice::from_ref(b), at: 0, offset: 0 },
            Body::Segments(s) => SegmentReader { segments: s, at: 0, offset: 0 },
        }
    }
}

struct SegmentReader<'a> {
    segments: &'a [Zeroizing<Vec<u8>>],
    at: usize,
    offset: usize,
}

impl std::io::Read for SegmentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(segment) = self.segments.get(self.at) {
            let rest = &segment[self.offset..];
            if rest.is_empty() {
                self.at += 1;
                self.offset = 0;
                continue;
            }
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.offset += n;
            return Ok(n);
        }
        Ok(0)
    }
}
