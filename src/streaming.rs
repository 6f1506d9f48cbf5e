//! Runs one request's database work on the database threads and streams what it writes.
//!
//! The work writes its response into a [`BodySink`]. Small responses are sent whole once the work
//! succeeds, so a late failure can still become a proper error response. Once the buffered output
//! passes [`CHUNK`], the response is committed: status 200 goes out and chunks follow as they are
//! written, through a small bounded channel, so memory stays flat however large the result.
//! A failure after that point aborts the connection rather than end a response that looks complete.

use std::io;
use std::panic::{self, AssertUnwindSafe};

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::{mpsc, oneshot};

use crate::workers::{Busy, Workers};

/// Output buffered before a response is committed to streaming, and the size of streamed chunks.
pub const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the database thread and the socket.
const IN_FLIGHT: usize = 4;

enum Head<E> {
    Whole(Vec<u8>),
    Streaming,
    Failed(E),
}

/// Where the work writes its response body.
pub struct BodySink<E> {
    buf: Vec<u8>,
    head: Option<oneshot::Sender<Head<E>>>,
    chunks: mpsc::Sender<io::Result<Bytes>>,
}

impl<E> io::Write for BodySink<E> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<E> BodySink<E> {
    /// Sends what has been written if it is a chunk's worth; call between records. Blocks while the
    /// client is slower than the database, and fails once the client has gone away.
    pub fn checkpoint(&mut self) -> io::Result<()> {
        if self.buf.len() < CHUNK {
            return Ok(());
        }
        if let Some(head) = self.head.take() {
            head.send(Head::Streaming).map_err(|_| gone())?;
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + CHUNK / 4)));
        self.chunks.blocking_send(Ok(chunk)).map_err(|_| gone())
    }

    fn finish(mut self, outcome: Result<(), E>) -> Option<E> {
        match (self.head.take(), outcome) {
            (Some(head), Ok(())) => {
                let _ = head.send(Head::Whole(std::mem::take(&mut self.buf)));
                None
            }
            (Some(head), Err(e)) => {
                let _ = head.send(Head::Failed(e));
                None
            }
            (None, Ok(())) => {
                if !self.buf.is_empty() {
                    let _ = self.chunks.blocking_send(Ok(Bytes::from(std::mem::take(&mut self.buf))));
                }
                None
            }
            (None, Err(e)) => {
                let _ = self.chunks.blocking_send(Err(io::Error::other("the response failed after it had started")));
                Some(e)
            }
        }
    }
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the client went away")
}

/// How the work ended, as far as the response is concerned.
pub enum Outcome<E> {
    /// Finished before a chunk's worth: the whole body.
    Whole(Vec<u8>),
    /// Committed: stream these chunks with status 200.
    Streaming(Box<dyn Stream<Item = io::Result<Bytes>> + Send + Unpin>),
    /// Failed before anything was sent.
    Failed(E),
    /// The work died without reporting anything.
    Panicked,
}

/// Runs `work` on the database threads. A panic in it becomes the error `on_panic` makes of its
/// message; a job the threads could not take in time fails with [`Busy`]. `late_failure` sees
/// errors that happen after streaming began (they can only be logged; the client sees an aborted
/// response).
pub async fn run<E, W, P, L>(workers: &Workers, work: W, on_panic: P, late_failure: L) -> Outcome<E>
where
    E: From<Busy> + Send + 'static,
    W: FnOnce(&mut BodySink<E>) -> Result<(), E> + Send + 'static,
    P: FnOnce(String) -> E + Send + 'static,
    L: FnOnce(E) + Send + 'static,
{
    let (head_tx, head_rx) = oneshot::channel();
    let (chunk_tx, chunk_rx) = mpsc::channel(IN_FLIGHT);
    workers.submit(move |admitted| {
        let mut sink = BodySink { buf: Vec::with_capacity(8 * 1024), head: Some(head_tx), chunks: chunk_tx };
        if let Err(busy) = admitted {
            sink.finish(Err(E::from(busy)));
            return;
        }
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| work(&mut sink))).unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Err(on_panic(message))
        });
        if let Some(e) = sink.finish(outcome) {
            late_failure(e);
        }
    });
    match head_rx.await {
        Ok(Head::Whole(body)) => Outcome::Whole(body),
        Ok(Head::Failed(e)) => Outcome::Failed(e),
        Ok(Head::Streaming) => Outcome::Streaming(Box::new(tokio_stream::wrappers::ReceiverStream::new(chunk_rx))),
        // Only a panic while reporting a panic drops the sender without a word.
        Err(_) => Outcome::Panicked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[derive(Debug, PartialEq)]
    struct Failure(String);

    impl From<Busy> for Failure {
        fn from(busy: Busy) -> Self {
            Failure(busy.to_string())
        }
    }

    fn workers() -> Workers {
        Workers::start(1, Duration::from_secs(5)).unwrap()
    }

    #[tokio::test]
    async fn a_panic_in_the_work_becomes_its_error() {
        let outcome = run(&workers(), |_: &mut BodySink<Failure>| -> Result<(), Failure> { panic!("boom") }, |m| Failure(format!("panicked: {m}")), |_| {}).await;
        assert!(matches!(outcome, Outcome::Failed(ref e) if e.0 == "panicked: boom"));
    }

    #[tokio::test]
    async fn work_that_cannot_start_in_time_fails_as_busy() {
        let workers = Workers::start(1, Duration::from_millis(20)).unwrap();
        workers.submit(|_| std::thread::sleep(Duration::from_millis(200)));
        let outcome = run(&workers, |_: &mut BodySink<Failure>| Ok(()), |m| Failure(m), |_| {}).await;
        assert!(matches!(outcome, Outcome::Failed(ref e) if e.0.contains("stayed busy")));
    }

    #[tokio::test]
    async fn small_bodies_come_whole_and_large_ones_stream() {
        use std::io::Write;
        let workers = workers();
        let failure = |e: io::Error| Failure(e.to_string());
        let small = run(&workers, move |sink: &mut BodySink<Failure>| sink.write_all(b"hello").map_err(failure), Failure, |_| {}).await;
        assert!(matches!(small, Outcome::Whole(ref b) if b == b"hello"));
        let large = run(
            &workers,
            move |sink: &mut BodySink<Failure>| {
                for _ in 0..10 {
                    sink.write_all(&[b'x'; CHUNK]).map_err(failure)?;
                    sink.checkpoint().map_err(failure)?;
                }
                Ok(())
            },
            Failure,
            |_| {},
        )
        .await;
        let Outcome::Streaming(mut chunks) = large else { panic!("a large body streams") };
        let mut total = 0;
        while let Some(chunk) = futures_util::StreamExt::next(&mut chunks).await {
            total += chunk.unwrap().len();
        }
        assert_eq!(total, 10 * CHUNK);
    }
}
