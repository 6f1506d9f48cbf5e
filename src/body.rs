//! Request bodies, read within the limit of their route. A body is refused the moment it is known
//! to pass that limit: from its `Content-Length` before a byte is read, else as it arrives. A
//! compressed body is inflated in bounded steps that stop at the limit (or at the inflation ratio
//! cap), so the memory a request holds is bounded by its limit, never by what a body claims or
//! could inflate to.

use std::io::{self, Write};

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest};
use bytes::Bytes;
use flate2::write::{GzDecoder, ZlibDecoder};
use futures_util::StreamExt;

/// Largest inflation a compressed body may have: a body that grows more is a bomb, not data.
pub const MAX_INFLATION_RATIO: usize = 100;

/// Compressed chunks at least this large are inflated on the blocking pool, not on an async worker.
const INFLATE_INLINE_MAX: usize = 16 * 1024;

/// The two body limits: ordinary requests, and bulk operations.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub ordinary: usize,
    pub bulk: usize,
}

/// Which of the two limits a route's bodies have.
#[derive(Clone, Copy)]
pub enum Allowance {
    /// The ordinary limit.
    Ordinary,
    /// The bulk limit: the route of a bulk operation.
    Bulk,
    /// One endpoint for many operations: the bulk limit once the start of the body shows a bulk
    /// operation (`is_bulk` sees the first `ordinary` bytes), else the ordinary limit.
    BulkIf { is_bulk: fn(&[u8]) -> bool, which: &'static str },
}

/// Why a request body was not read.
#[derive(Debug)]
pub struct BodyRefusal {
    /// 413 (too large), 415 (an encoding not supported) or 400 (unreadable).
    pub status: StatusCode,
    pub message: String,
}

impl BodyRefusal {
    fn too_large(message: String) -> Self {
        BodyRefusal { status: StatusCode::PAYLOAD_TOO_LARGE, message }
    }

    fn unreadable(message: String) -> Self {
        BodyRefusal { status: StatusCode::BAD_REQUEST, message }
    }

    /// The class of the refusal, as faults, problems and metrics name it.
    pub fn code(&self) -> &'static str {
        match self.status {
            StatusCode::PAYLOAD_TOO_LARGE => "LIMIT",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
            _ => "MALFORMED",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Identity,
    Gzip,
    Deflate,
}

fn encoding_of(req: &HttpRequest) -> Result<Encoding, BodyRefusal> {
    let value = req.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("identity");
    match value.trim().to_ascii_lowercase().as_str() {
        "identity" | "" => Ok(Encoding::Identity),
        "gzip" | "x-gzip" => Ok(Encoding::Gzip),
        "deflate" => Ok(Encoding::Deflate),
        other => Err(BodyRefusal {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message: format!("Content-Encoding '{other}' is not supported; send the body plain or gzip-compressed"),
        }),
    }
}

/// A buffer that will not grow past `cap`: a write that would pass it fails and sets `full`.
struct Capped {
    buf: Vec<u8>,
    cap: usize,
    full: bool,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let needed = self.buf.len() + data.len();
        if needed > self.cap {
            self.full = true;
            return Err(io::Error::other("the body passed its limit"));
        }
        if needed > self.buf.capacity() {
            // Grow by doubling, but never past the cap: memory stays within the limit.
            let wanted = needed.max(self.buf.capacity() * 2).min(self.cap);
            self.buf.reserve_exact(wanted - self.buf.len());
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where a body's bytes go: straight into the buffer, or through a decoder that inflates into it
/// (the decoder holds at most its own 32 KiB window of output at a time).
enum Sink {
    Plain(Capped),
    Gzip(GzDecoder<Capped>),
    Deflate(ZlibDecoder<Capped>),
}

/// Why feeding stopped.
enum Stop {
    /// The buffer reached its cap; the rest of the input is still to be fed.
    Full,
    /// The compressed data is broken.
    Corrupt(io::Error),
}

impl Sink {
    fn new(encoding: Encoding, buffer: Capped) -> Self {
        match encoding {
            Encoding::Identity => Sink::Plain(buffer),
            Encoding::Gzip => Sink::Gzip(GzDecoder::new(buffer)),
            Encoding::Deflate => Sink::Deflate(ZlibDecoder::new(buffer)),
        }
    }

    fn buffer(&mut self) -> &mut Capped {
        match self {
            Sink::Plain(buffer) => buffer,
            Sink::Gzip(decoder) => decoder.get_mut(),
            Sink::Deflate(decoder) => decoder.get_mut(),
        }
    }

    /// Takes `input` until it is used up or the buffer is full; returns how much it took.
    fn feed(&mut self, input: &[u8]) -> (usize, Result<(), Stop>) {
        let mut taken = 0;
        while taken < input.len() {
            let rest = &input[taken..];
            let written = match self {
                Sink::Plain(buffer) => buffer.write(rest),
                Sink::Gzip(decoder) => decoder.write(rest),
                Sink::Deflate(decoder) => decoder.write(rest),
            };
            match written {
                Ok(0) => return (taken, Err(Stop::Corrupt(io::Error::other("data follows the end of the compressed stream")))),
                Ok(n) => taken += n,
                Err(e) => return (taken, Err(self.stop(e))),
            }
        }
        (taken, Ok(()))
    }

    /// Inflates what the decoder still holds once the input has ended.
    fn finish(&mut self) -> Result<(), Stop> {
        let finished = match self {
            Sink::Plain(_) => Ok(()),
            Sink::Gzip(decoder) => decoder.try_finish(),
            Sink::Deflate(decoder) => decoder.try_finish(),
        };
        finished.map_err(|e| self.stop(e))
    }

    fn stop(&mut self, e: io::Error) -> Stop {
        let buffer = self.buffer();
        if std::mem::take(&mut buffer.full) { Stop::Full } else { Stop::Corrupt(e) }
    }

    /// The body, once [`Sink::finish`] succeeded.
    fn into_bytes(mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.buffer().buf))
    }
}

/// The limit a body is read under, which a bulk operation's first bytes may raise once.
struct Budget {
    limits: BodyLimits,
    allowance: Allowance,
    /// The limit now in force.
    limit: usize,
    /// Set for compressed bodies of known length: the most they may inflate to.
    ratio_cap: Option<usize>,
    compressed: bool,
}

impl Budget {
    fn new(limits: BodyLimits, allowance: Allowance, encoding: Encoding, declared: Option<usize>) -> Self {
        let limit = match allowance {
            Allowance::Bulk => limits.bulk,
            Allowance::Ordinary | Allowance::BulkIf { .. } => limits.ordinary,
        };
        let compressed = encoding != Encoding::Identity;
        let ratio_cap = declared.filter(|_| compressed).map(|sent| sent.max(1).saturating_mul(MAX_INFLATION_RATIO));
        Budget { limits, allowance, limit, ratio_cap, compressed }
    }

    /// The most bytes a body of this route may have, whatever it carries.
    fn largest(&self) -> usize {
        match self.allowance {
            Allowance::BulkIf { .. } => self.limits.ordinary.max(self.limits.bulk),
            _ => self.limit,
        }
    }

    /// What the buffer may hold now.
    fn cap(&self) -> usize {
        self.ratio_cap.map_or(self.limit, |ratio| ratio.min(self.limit))
    }

    /// The buffer is full: raise the limit when its start shows a bulk operation, else refuse.
    fn on_full(&mut self, start: &[u8], sent: usize) -> Result<(), BodyRefusal> {
        if let Some(ratio) = self.ratio_cap
            && ratio <= self.limit
        {
            return Err(BodyRefusal::too_large(format!(
                "the compressed body of {} bytes inflates to more than {ratio} bytes, more than {MAX_INFLATION_RATIO} times",
                ratio / MAX_INFLATION_RATIO
            )));
        }
        if let Allowance::BulkIf { is_bulk, .. } = self.allowance
            && self.limit < self.limits.bulk
            && is_bulk(start)
        {
            self.limit = self.limits.bulk;
            return Ok(());
        }
        Err(self.refusal(None, sent))
    }

    /// Too large: `declared` is the length the request announced, if it did.
    fn refusal(&self, declared: Option<usize>, sent: usize) -> BodyRefusal {
        let size = match declared {
            Some(length) => format!("the body has {length} bytes"),
            None if self.compressed => format!("the body inflates to more than {} bytes (from {sent} bytes received)", self.limit),
            None => format!("the body has more than {} bytes", self.limit),
        };
        let message = match self.allowance {
            Allowance::BulkIf { which, .. } if self.limit < self.limits.bulk => {
                format!("{size}; bodies over {} bytes are accepted only for {which}", self.limit)
            }
            _ => format!("{size}; the limit is {}", if declared.is_some() { self.largest() } else { self.limit }),
        };
        BodyRefusal::too_large(message)
    }
}

/// Reads the body of `req` under the limit its route's `allowance` gives, inflating gzip or
/// deflate bodies. Other encodings are refused with 415, broken ones with 400, and bodies over
/// the limit (or inflating more than [`MAX_INFLATION_RATIO`] times) with 413.
pub async fn read(req: &HttpRequest, mut payload: web::Payload, limits: BodyLimits, allowance: Allowance) -> Result<Bytes, BodyRefusal> {
    let encoding = encoding_of(req)?;
    let declared: Option<usize> = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let mut budget = Budget::new(limits, allowance, encoding, declared);
    if let Some(length) = declared
        && length > budget.largest()
    {
        return Err(budget.refusal(Some(length), 0));
    }
    // A plain body of announced length gets its buffer at once; others grow as they come.
    let initial = match (encoding, declared) {
        (Encoding::Identity, Some(length)) => length.min(budget.cap()),
        _ => budget.cap().min(64 * 1024),
    };
    let mut sink = Sink::new(encoding, Capped { buf: Vec::with_capacity(initial), cap: budget.cap(), full: false });
    let mut received = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| BodyRefusal::unreadable(format!("the body could not be read: {e}")))?;
        received += chunk.len();
        if received > budget.largest() {
            return Err(budget.refusal(declared.filter(|&d| d >= received), received));
        }
        let mut offset = 0;
        while offset < chunk.len() {
            let (taken, fed) = if encoding != Encoding::Identity && chunk.len() - offset >= INFLATE_INLINE_MAX {
                let (rest, mut moved) = (chunk.slice(offset..), sink);
                let (back, outcome) = web::block(move || {
                    let outcome = moved.feed(&rest);
                    (moved, outcome)
                })
                .await
                .map_err(|e| BodyRefusal::unreadable(format!("the body could not be inflated: {e}")))?;
                sink = back;
                outcome
            } else {
                sink.feed(&chunk[offset..])
            };
            offset += taken;
            match fed {
                Ok(()) => {}
                Err(Stop::Full) => grow(&mut sink, &mut budget, received)?,
                Err(Stop::Corrupt(e)) => return Err(corrupt(e)),
            }
        }
    }
    loop {
        match sink.finish() {
            Ok(()) => break,
            Err(Stop::Full) => grow(&mut sink, &mut budget, received)?,
            Err(Stop::Corrupt(e)) => return Err(corrupt(e)),
        }
    }
    let body = sink.into_bytes();
    // Without an announced length the ratio is known only now.
    if budget.compressed && declared.is_none() && body.len() > received.max(1).saturating_mul(MAX_INFLATION_RATIO) {
        return Err(BodyRefusal::too_large(format!(
            "the compressed body inflates from {received} to {} bytes, more than {MAX_INFLATION_RATIO} times",
            body.len()
        )));
    }
    Ok(body)
}

fn grow(sink: &mut Sink, budget: &mut Budget, received: usize) -> Result<(), BodyRefusal> {
    let buffer = sink.buffer();
    budget.on_full(&buffer.buf, received)?;
    buffer.cap = budget.cap();
    Ok(())
}

fn corrupt(e: io::Error) -> BodyRefusal {
    BodyRefusal::unreadable(format!("the compressed body could not be inflated: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_capped_buffer_never_grows_past_its_cap() {
        let mut buffer = Capped { buf: Vec::new(), cap: 1000, full: false };
        for _ in 0..9 {
            buffer.write_all(&[1; 100]).unwrap();
        }
        assert!(buffer.write_all(&[1; 101]).is_err() && buffer.full);
        assert_eq!(buffer.buf.len(), 900);
        assert!(buffer.buf.capacity() <= 1000, "capacity {}", buffer.buf.capacity());
    }

    #[test]
    fn a_bomb_stops_at_the_cap_and_the_rest_can_follow_once_it_is_raised() {
        let bomb = gzip(&vec![b'x'; 10 * 1024 * 1024]);
        let mut sink = Sink::new(Encoding::Gzip, Capped { buf: Vec::new(), cap: 64 * 1024, full: false });
        let (taken, fed) = sink.feed(&bomb);
        assert!(matches!(fed, Err(Stop::Full)));
        assert!(taken < bomb.len());
        assert!(sink.buffer().buf.len() <= 64 * 1024 && sink.buffer().buf.capacity() <= 64 * 1024);
        // Raised high enough, the same decoder goes on where it stopped and yields every byte.
        sink.buffer().cap = usize::MAX;
        let (rest, fed) = sink.feed(&bomb[taken..]);
        assert!(fed.is_ok() && taken + rest == bomb.len());
        assert!(sink.finish().is_ok());
        let body = sink.into_bytes();
        assert_eq!(body.len(), 10 * 1024 * 1024);
        assert!(body.iter().all(|&b| b == b'x'));
    }

    #[test]
    fn broken_compressed_data_is_not_taken_for_a_full_buffer() {
        let mut sink = Sink::new(Encoding::Gzip, Capped { buf: Vec::new(), cap: 1024, full: false });
        let (_, fed) = sink.feed(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03this is not deflate data at all");
        let finished = fed.and_then(|()| sink.finish());
        assert!(matches!(finished, Err(Stop::Corrupt(_))));
    }
}
