//! Reading a response body under the size cap, without holding much more than the cap.

use serde::de::DeserializeOwned;
use zeroize::Zeroize;

/// A response body, read under the size cap. Response bodies hold secret values: every buffer is
/// wiped when dropped.
///
/// A body whose length the server announced is read into one buffer of exactly that size. One of
/// unknown length is read into segments that are never reallocated: growing one buffer would keep the
/// old copy alive while copying (twice the cap at the peak) and leave unwiped secret bytes behind.
pub(crate) enum Body {
    Whole(Wiped),
    Segments(Vec<Wiped>),
}

/// Bytes of a response, wiped when dropped.
///
/// The wipe clears the vector and zeroes its whole allocation as spare capacity: one `memset` behind
/// zeroize's optimization barrier. `Zeroizing<Vec<u8>>` wipes its bytes one volatile store at a time,
/// about a cycle a byte: milliseconds for a body of 10,000 secrets, a tenth of a load.
pub(crate) struct Wiped(Vec<u8>);

impl Wiped {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Wiped(Vec::with_capacity(capacity))
    }
}

impl From<Vec<u8>> for Wiped {
    fn from(bytes: Vec<u8>) -> Self {
        Wiped(bytes)
    }
}

impl std::ops::Deref for Wiped {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl std::ops::DerefMut for Wiped {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.clear();
        self.0.spare_capacity_mut().zeroize();
    }
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
    segments: &'a [Wiped],
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
