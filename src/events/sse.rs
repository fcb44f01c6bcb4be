//! A server-sent-events reader: bytes in, as they arrive, frames out.
//!
//! It follows the WHATWG event-stream rules where they matter here (lines end in `\r\n`, `\n` or
//! `\r`, also when a chunk ends between `\r` and `\n`; `:` starts a comment; `data` lines join with
//! `\n`; a blank line ends a frame; a leading byte-order mark is dropped), and departs from them in two
//! ways: a frame with an event name and no data (`event: ping`) is kept, so keep-alives are seen; and
//! a frame longer than the bound is not kept but reported, so the caller knows it missed one.

use zeroize::Zeroize;

/// One frame of the stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RawFrame {
    /// An `event:` name (empty when none was sent) and its `data` lines, joined with `\n`.
    Frame { event: String, data: Vec<u8> },
    /// A frame longer than the bound: skipped.
    TooLarge,
}

impl Drop for RawFrame {
    // A frame holds names only, unless a server someday sends more: wiped all the same.
    fn drop(&mut self) {
        if let RawFrame::Frame { data, .. } = self {
            data.zeroize();
        }
    }
}

/// Reads frames from chunks of the stream. Memory stays under about the bound whatever arrives.
pub(crate) struct SseParser {
    max: usize,
    /// The line being read, when it has not ended yet.
    line: Vec<u8>,
    /// The line being read is over the bound: skip to its end.
    skipping_line: bool,
    /// The last chunk ended in `\r`: a `\n` first in the next one ends no new line.
    after_cr: bool,
    /// Nothing read yet (a byte-order mark may come first).
    at_start: bool,
    event: String,
    data: Vec<u8>,
    has_data: bool,
    /// The frame being read went over the bound.
    too_large: bool,
}

impl SseParser {
    /// A reader keeping at most `max` bytes of one frame.
    pub(crate) fn new(max: usize) -> Self {
        SseParser {
            max,
            line: Vec::new(),
            skipping_line: false,
            after_cr: false,
            at_start: true,
            event: String::new(),
            data: Vec::new(),
            has_data: false,
            too_large: false,
        }
    }

    /// Reads `chunk`, adding the frames it completes to `out`.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<RawFrame>) {
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while !chunk.is_empty() {
            let Some(end) = chunk.iter().position(|b| matches!(b, b'\n' | b'\r')) else {
                self.append(chunk);
                return;
            };
            self.append(&chunk[..end]);
            let cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            self.end_line(out);
        }
    }

    fn append(&mut self, part: &[u8]) {
        if self.skipping_line || part.is_empty() {
            return;
        }
        if self.line.len() + part.len() > self.max {
            self.line.zeroize();
            self.skipping_line = true;
            self.too_large = true;
            return;
        }
        self.line.extend_from_slice(part);
    }

    fn end_line(&mut self, out: &mut Vec<RawFrame>) {
        if std::mem::take(&mut self.skipping_line) {
            return;
        }
        let mut line = std::mem::take(&mut self.line);
        if std::mem::take(&mut self.at_start) && line.starts_with("\u{feff}".as_bytes()) {
            line.drain(..3);
        }
        if line.is_empty() {
            self.dispatch(out);
        } else if line[0] != b':' {
            let (field, value) = match line.iter().position(|b| *b == b':') {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (&line[..], &[][..]),
            };
            match field {
                b"event" => self.event = String::from_utf8_lossy(value).into_owned(),
                b"data" => {
                    let joined = self.data.len() + usize::from(self.has_data) + value.len();
                    if joined > self.max {
                        self.too_large = true;
                    } else if !self.too_large {
                        if self.has_data {
                            self.data.push(b'\n');
                        }
                        self.data.extend_from_slice(value);
                        self.has_data = true;
                    }
                }
                // `id` is a timestamp the server cannot resume from, and the reconnect delay is the
                // client's policy: neither is used. Unknown fields are ignored, as the rules say.
                _ => {}
            }
        }
        line.zeroize();
        // The line's buffer is reused for the next one.
        self.line = line;
    }

    fn dispatch(&mut self, out: &mut Vec<RawFrame>) {
        let event = std::mem::take(&mut self.event);
        if std::mem::take(&mut self.too_large) {
            self.data.zeroize();
            out.push(RawFrame::TooLarge);
        } else if self.has_data || !event.is_empty() {
            out.push(RawFrame::Frame { event, data: std::mem::take(&mut self.data) });
        }
        self.has_data = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]], max: usize) -> Vec<RawFrame> {
        let mut parser = SseParser::new(max);
        let mut out = Vec::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out);
        }
        out
    }

    fn frame(event: &str, data: &str) -> RawFrame {
        RawFrame::Frame { event: event.into(), data: data.as_bytes().to_vec() }
    }

    #[test]
    fn every_line_ending_and_split_gives_the_same_frames() {
        let text =
            "\u{feff}: hello\nid: 1\nevent: secret:update\ndata: {\"a\":\ndata:1}\n\nevent: ping\n\n:c\n\ndata\n\n";
        let expected = vec![frame("secret:update", "{\"a\":\n1}"), frame("ping", ""), frame("", "")];
        for ending in ["\n", "\r\n", "\r"] {
            let text = text.replace('\n', ending);
            let bytes = text.as_bytes();
            assert_eq!(frames(&[bytes], 1024), expected, "{ending:?} whole");
            for at in 0..bytes.len() {
                let (a, b) = bytes.split_at(at);
                assert_eq!(frames(&[a, b], 1024), expected, "{ending:?} split at {at}");
            }
            let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(frames(&bytewise, 1024), expected, "{ending:?} byte by byte");
        }
    }

    #[test]
    fn a_frame_over_the_bound_is_reported_and_the_next_one_read() {
        let long = format!("event: secret:update\ndata: {}\n\nevent: ping\n\n", "x".repeat(100));
        assert_eq!(frames(&[long.as_bytes()], 50), vec![RawFrame::TooLarge, frame("ping", "")]);
        // Over the bound through many data lines, each under it; and in pieces that never end a line.
        let many = format!("{}\nevent: ping\n\n", "data: 0123456789\n".repeat(10));
        assert_eq!(frames(&[many.as_bytes()], 50), vec![RawFrame::TooLarge, frame("ping", "")]);
        let mut parser = SseParser::new(50);
        let mut out = Vec::new();
        for _ in 0..1000 {
            parser.feed(b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &mut out);
        }
        assert!(parser.line.capacity() <= 64, "the partial line stays bounded");
        parser.feed(b"\n\nevent: ping\n\n", &mut out);
        assert_eq!(out, vec![RawFrame::TooLarge, frame("ping", "")]);
    }

    #[test]
    fn an_unfinished_frame_is_not_dispatched() {
        assert_eq!(frames(&[b"event: secret:update\ndata: {}\n"], 1024), vec![]);
    }
}
