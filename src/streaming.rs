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

use crate::metrics::{Delivery, METRICS};
use crate::store::{Access, Tx};
use crate::workers::{Job, Unrun, Workers};

/// Output buffered before a response is committed to streaming, and the size of streamed chunks.
pub const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the database thread and the socket.
const IN_FLIGHT: usize = 4;

type Chunks = mpsc::Receiver<io::Result<Bytes>>;

enum Head<E> {
    Whole(Vec<u8>),
    Streaming(Chunks),
    Failed(E),
}

/// Where the work writes its response body.
pub struct BodySink<E> {
    buf: Vec<u8>,
    head: Option<oneshot::Sender<Head<E>>>,
    /// Made when the response is committed to streaming: most responses are sent whole.
    chunks: Option<mpsc::Sender<io::Result<Bytes>>>,
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
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + CHUNK / 4)));
        self.send(Ok(chunk))
    }

    /// Sends a chunk, committing the response to streaming first if it is not yet.
    fn send(&mut self, chunk: io::Result<Bytes>) -> io::Result<()> {
        if let Some(head) = self.head.take() {
            let (chunks, receiver) = mpsc::channel(IN_FLIGHT);
            head.send(Head::Streaming(receiver)).map_err(|_| gone())?;
            self.chunks = Some(chunks);
        }
        if let Ok(bytes) = &chunk {
            METRICS.response_bytes(Delivery::Streamed, bytes.len());
        }
        match &self.chunks {
            Some(chunks) => chunks.blocking_send(chunk).map_err(|_| gone()),
            None => Err(gone()),
        }
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
                    let rest = Bytes::from(std::mem::take(&mut self.buf));
                    let _ = self.send(Ok(rest));
                }
                None
            }
            (None, Err(e)) => {
                let _ = self.send(Err(io::Error::other("the response failed after it had started")));
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

/// Runs `work` in a transaction of kind `access` on the database threads. A panic in it becomes
/// the error `on_panic` makes of its message; work that could not run or commit fails with the
/// [`Unrun`] reason. `late_failure` sees errors that happen after streaming began (they can only be
/// logged; the client sees an aborted response).
pub async fn run<E, W, P, L>(workers: &Workers, access: Access, work: W, on_panic: P, late_failure: L) -> Outcome<E>
where
    E: From<Unrun> + Send + 'static,
    W: FnOnce(&mut Tx<'_>, &mut BodySink<E>) -> Result<(), E> + Send + 'static,
    P: FnOnce(String) -> E + Send + 'static,
    L: FnOnce(E) + Send + 'static,
{
    let (head_tx, head_rx) = oneshot::channel();
    let sink = BodySink { buf: Vec::with_capacity(8 * 1024), head: Some(head_tx), chunks: None };
    workers.submit(access, Box::new(Response { work: Some((work, on_panic)), late_failure, sink, result: None }));
    match head_rx.await {
        Ok(Head::Whole(body)) => {
            METRICS.response_bytes(Delivery::Whole, body.len());
            Outcome::Whole(body)
        }
        Ok(Head::Failed(e)) => Outcome::Failed(e),
        Ok(Head::Streaming(chunks)) => Outcome::Streaming(Box::new(tokio_stream::wrappers::ReceiverStream::new(chunks))),
        // Only a panic while reporting a panic drops the sender without a word.
        Err(_) => Outcome::Panicked,
    }
}

/// A request's work and the body it writes, as a job of the database threads.
struct Response<E, W, P, L> {
    work: Option<(W, P)>,
    late_failure: L,
    sink: BodySink<E>,
    result: Option<Result<(), E>>,
}

impl<E, W, P, L> Job for Response<E, W, P, L>
where
    E: From<Unrun> + Send + 'static,
    W: FnOnce(&mut Tx<'_>, &mut BodySink<E>) -> Result<(), E> + Send + 'static,
    P: FnOnce(String) -> E + Send + 'static,
    L: FnOnce(E) + Send + 'static,
{
    fn work(&mut self, tx: &mut Tx<'_>) -> bool {
        let Some((work, on_panic)) = self.work.take() else { return false };
        let sink = &mut self.sink;
        let result = panic::catch_unwind(AssertUnwindSafe(|| work(tx, sink))).unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Err(on_panic(message))
        });
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, transaction: Result<(), Unrun>) {
        let Response { late_failure, sink, result, .. } = *self;
        // The work's own failure comes first; then whether its transaction ran and committed.
        let outcome = match (result, transaction) {
            (Some(Err(e)), _) => Err(e),
            (_, Err(unrun)) => Err(E::from(unrun)),
            (Some(Ok(())), Ok(())) => Ok(()),
            (None, Ok(())) => Err(E::from(Unrun::Store(crate::store::StoreError::Unavailable("the work was never run".into())))),
        };
        if let Some(e) = sink.finish(outcome) {
            late_failure(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Db, PoolOptions};
    use std::time::Duration;

    #[derive(Debug, PartialEq)]
    struct Failure(String);

    impl From<Unrun> for Failure {
        fn from(unrun: Unrun) -> Self {
            Failure(unrun.to_string())
        }
    }

    fn workers(dir: &tempfile::TempDir) -> Workers {
        let db =
            Db::connect(dir.path().join("streaming.db").to_str().unwrap(), &PoolOptions { size: 1, wait: Duration::from_secs(5) }).unwrap();
        Workers::start(&db).unwrap()
    }

    #[tokio::test]
    async fn a_panic_in_the_work_becomes_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let work = |_: &mut Tx<'_>, _: &mut BodySink<Failure>| -> Result<(), Failure> { panic!("boom") };
        let outcome = run(&workers(&dir), Access::Read, work, |m| Failure(format!("panicked: {m}")), |_| {}).await;
        assert!(matches!(outcome, Outcome::Failed(ref e) if e.0 == "panicked: boom"));
    }

    #[tokio::test]
    async fn small_bodies_come_whole_and_large_ones_stream() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let workers = workers(&dir);
        let failure = |e: io::Error| Failure(e.to_string());
        let small = run(
            &workers,
            Access::Read,
            move |_: &mut Tx<'_>, sink: &mut BodySink<Failure>| sink.write_all(b"hello").map_err(failure),
            Failure,
            |_| {},
        )
        .await;
        assert!(matches!(small, Outcome::Whole(ref b) if b == b"hello"));
        let large = run(
            &workers,
            Access::Read,
            move |_: &mut Tx<'_>, sink: &mut BodySink<Failure>| {
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
