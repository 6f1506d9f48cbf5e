//! Request bodies, read within the limit of their route. A body is refused the moment it is known
//! to pass that limit: from its `Content-Length` before a byte is read, else as it arrives. A
//! compressed body is inflated in small steps and refused the moment it has inflated more than
//! [`MAX_INFLATION_RATIO`] times what has arrived of it (past its first [`RATIO_FLOOR`] bytes), so
//! a bomb costs about a megabyte, and no body ever holds more than its limit. Bodies are kept in
//! fixed-size pieces while they arrive and joined once, when they are whole and within the limit:
//! a refused body never makes the large allocations the allocator would keep.

use std::io::{self, Write};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, web};
use bytes::Bytes;
use flate2::write::{GzDecoder, ZlibDecoder};
use futures_util::StreamExt;

/// Largest inflation a compressed body may have: a body that grows more is a bomb, not data.
pub const MAX_INFLATION_RATIO: usize = 100;

/// Inflated bytes a compressed body may have before the ratio is watched (a short body's headers
/// may compress better than its whole).
pub const RATIO_FLOOR: usize = 1024 * 1024;

/// The size of the pieces a body is kept in while it arrives.
const PIECE: usize = 64 * 1024;

/// Compressed bytes inflated in one step: at most about a megabyte of output (deflate's ratio
/// tops out near 1032:1), so a step never holds an async worker for long.
const INFLATE_STEP: usize = 1024;

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
        crate::metrics::class_of_status(self.status).unwrap_or("MALFORMED")
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

/// A body's bytes, in pieces, never more than `cap` in all: it takes what fits, and a write to a
/// full buffer fails and sets `full` (the buffer then holds the body's first `cap` bytes).
struct Capped {
    pieces: Vec<Vec<u8>>,
    len: usize,
    cap: usize,
    full: bool,
}

impl Capped {
    /// `first`: the capacity of the first piece (a body's announced length, when it is known).
    fn new(cap: usize, first: usize) -> Self {
        Capped { pieces: vec![Vec::with_capacity(first.min(cap))], len: 0, cap, full: false }
    }

    /// The first piece: the start of the body.
    fn start(&self) -> &[u8] {
        self.pieces.first().map_or(&[], Vec::as_slice)
    }

    fn into_bytes(mut self) -> Bytes {
        if self.pieces.len() == 1 {
            return Bytes::from(self.pieces.pop().unwrap_or_default());
        }
        let mut whole = Vec::with_capacity(self.len);
        for piece in &self.pieces {
            whole.extend_from_slice(piece);
        }
        Bytes::from(whole)
    }
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.len);
        if room == 0 && !data.is_empty() {
            self.full = true;
            return Err(io::Error::other("the body passed its limit"));
        }
        let mut rest = &data[..data.len().min(room)];
        while !rest.is_empty() {
            let last = self.pieces.last_mut().filter(|p| p.len() < p.capacity());
            let piece = match last {
                Some(piece) => piece,
                None => {
                    self.pieces.push(Vec::with_capacity(PIECE.min(self.cap - self.len)));
                    self.pieces.last_mut().expect("just pushed")
                }
            };
            let n = rest.len().min(piece.capacity() - piece.len());
            piece.extend_from_slice(&rest[..n]);
            self.len += n;
            rest = &rest[n..];
        }
        Ok(data.len().min(room))
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
        let buffer = std::mem::replace(self.buffer(), Capped::new(0, 0));
        buffer.into_bytes()
    }
}

/// The limit a body is read under, which a bulk operation's first bytes may raise once.
struct Budget {
    limits: BodyLimits,
    allowance: Allowance,
    /// The limit now in force.
    limit: usize,
    compressed: bool,
}

impl Budget {
    fn new(limits: BodyLimits, allowance: Allowance, encoding: Encoding) -> Self {
        let limit = match allowance {
            Allowance::Bulk => limits.bulk,
            Allowance::Ordinary | Allowance::BulkIf { .. } => limits.ordinary,
        };
        Budget { limits, allowance, limit, compressed: encoding != Encoding::Identity }
    }

    /// The most bytes a body of this route may have, whatever it carries.
    fn largest(&self) -> usize {
        match self.allowance {
            Allowance::BulkIf { .. } => self.limits.ordinary.max(self.limits.bulk),
            _ => self.limit,
        }
    }

    /// The buffer is full: raise the limit when its start shows a bulk operation, else refuse.
    fn on_full(&mut self, start: &[u8], sent: usize) -> Result<(), BodyRefusal> {
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

/// Refuses a compressed body that has inflated more than [`MAX_INFLATION_RATIO`] times the
/// `consumed` compressed bytes it came from (checked past the first [`RATIO_FLOOR`] bytes, and
/// for the whole body at its end).
fn check_ratio(inflated: usize, consumed: usize, whole: bool) -> Result<(), BodyRefusal> {
    if (whole || inflated > RATIO_FLOOR) && inflated > consumed.max(1).saturating_mul(MAX_INFLATION_RATIO) {
        let so_far = if whole { "" } else { " so far" };
        return Err(BodyRefusal::too_large(format!(
            "the compressed body inflates from {consumed} to {inflated} bytes{so_far}, more than {MAX_INFLATION_RATIO} times"
        )));
    }
    Ok(())
}

/// Reads the body of `req` under the limit its route's `allowance` gives, inflating gzip or
/// deflate bodies. Other encodings are refused with 415, broken ones with 400, and bodies over
/// the limit (or inflating more than [`MAX_INFLATION_RATIO`] times) with 413.
pub async fn read(req: &HttpRequest, mut payload: web::Payload, limits: BodyLimits, allowance: Allowance) -> Result<Bytes, BodyRefusal> {
    let encoding = encoding_of(req)?;
    let declared: Option<usize> =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let mut budget = Budget::new(limits, allowance, encoding);
    if let Some(length) = declared
        && length > budget.largest()
    {
        return Err(budget.refusal(Some(length), 0));
    }
    // A plain body of announced length gets its one piece at once; others grow piece by piece.
    let first = match (encoding, declared) {
        (Encoding::Identity, Some(length)) => length,
        _ => PIECE,
    };
    let mut sink = Sink::new(encoding, Capped::new(budget.limit, first));
    let (mut received, mut consumed) = (0usize, 0usize);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| BodyRefusal::unreadable(format!("the body could not be read: {e}")))?;
        received += chunk.len();
        if received > budget.largest() {
            return Err(budget.refusal(declared.filter(|&d| d >= received), received));
        }
        // Inflation runs on the async worker in small steps: a step inflates at most
        // INFLATE_STEP bytes of input (well under a millisecond even for a bomb), and other
        // requests get their turn between steps.
        let step = if budget.compressed { INFLATE_STEP } else { chunk.len().max(1) };
        let mut offset = 0;
        while offset < chunk.len() {
            let end = (offset + step).min(chunk.len());
            let (taken, fed) = sink.feed(&chunk[offset..end]);
            offset += taken;
            consumed += taken;
            match fed {
                Ok(()) => {}
                Err(Stop::Full) => grow(&mut sink, &mut budget, received)?,
                Err(Stop::Corrupt(e)) => return Err(corrupt(e)),
            }
            if budget.compressed {
                check_ratio(sink.buffer().len, consumed, false)?;
                if offset < chunk.len() {
                    tokio::task::yield_now().await;
                }
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
    if budget.compressed {
        check_ratio(sink.buffer().len, received, true)?;
    }
    Ok(sink.into_bytes())
}

fn grow(sink: &mut Sink, budget: &mut Budget, received: usize) -> Result<(), BodyRefusal> {
    let buffer = sink.buffer();
    budget.on_full(buffer.start(), received)?;
    buffer.cap = budget.limit;
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
    fn a_capped_buffer_takes_what_fits_in_pieces_and_joins_them_once() {
        let mut buffer = Capped::new(200_000, 10);
        let data: Vec<u8> = (0..199_990u32).map(|i| i as u8).collect();
        buffer.write_all(&data).unwrap();
        assert!(buffer.pieces.iter().all(|p| p.capacity() <= PIECE), "pieces of at most {PIECE} bytes");
        assert!(buffer.write_all(&[7; 11]).is_err() && buffer.full);
        assert_eq!(buffer.len, 200_000, "what fits is taken");
        assert_eq!(buffer.start(), &data[..10]);
        let whole = buffer.into_bytes();
        assert_eq!(&whole[..199_990], &data[..]);
        assert_eq!(&whole[199_990..], &[7; 10]);
    }

    #[test]
    fn a_bomb_stops_at_the_cap_and_the_rest_can_follow_once_it_is_raised() {
        let bomb = gzip(&vec![b'x'; 10 * 1024 * 1024]);
        let mut sink = Sink::new(Encoding::Gzip, Capped::new(64 * 1024, PIECE));
        let (taken, fed) = sink.feed(&bomb);
        assert!(matches!(fed, Err(Stop::Full)));
        assert!(taken < bomb.len());
        assert_eq!(sink.buffer().len, 64 * 1024);
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
        let mut sink = Sink::new(Encoding::Gzip, Capped::new(1024, 1024));
        let (_, fed) = sink.feed(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03this is not deflate data at all");
        let finished = fed.and_then(|()| sink.finish());
        assert!(matches!(finished, Err(Stop::Corrupt(_))));
    }

    #[test]
    fn the_ratio_is_watched_past_the_floor_and_for_the_whole_body() {
        assert!(check_ratio(RATIO_FLOOR, 1, false).is_ok(), "a small start may compress well");
        assert!(check_ratio(RATIO_FLOOR + 1, 1, false).is_err());
        assert!(check_ratio(RATIO_FLOOR + 1, RATIO_FLOOR / 50, false).is_ok());
        assert!(check_ratio(1000, 9, true).is_err(), "the whole body, however small");
        assert!(check_ratio(1000, 10, true).is_ok());
    }
}
