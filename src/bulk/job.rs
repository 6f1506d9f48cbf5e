//! An import fed by an upload: the body's chunks go through a bounded channel to a thread of its
//! own that reads them as a stream and imports batch by batch, recording progress and refused rows
//! in its run (`import_job`), so the run can be read while the upload and the import go on.

use std::io::{self, Read};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Refusal;
use super::run::{self, Listener, Plan, Progress, Rows};
use crate::domain::Principal;
use crate::service::Service;

/// Chunks a job holds before the upload waits for it.
const CHUNKS_IN_FLIGHT: usize = 16;

/// The body's chunks as a byte stream; an error of the upload ends the stream with an error.
struct Chunks {
    receiver: mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                None => return Ok(0),
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(why)) => return Err(io::Error::other(why)),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// A job hears nothing: its run records what the batches did.
struct Quiet;

impl Listener for Quiet {
    fn progress(&mut self, _: &Progress) {}
    fn refused(&mut self, _: &Refusal) -> Result<(), String> {
        Ok(())
    }
}

/// Starts the import of run `plan.job` as `principal` on a thread of its own; returns where to
/// send the body's chunks (dropping it ends the file).
pub fn start(service: Service, principal: Principal, plan: Plan) -> mpsc::Sender<Result<Bytes, String>> {
    let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let job = plan.job.expect("an upload's import has a run");
    std::thread::Builder::new()
        .name(format!("import-{job}"))
        .spawn(move || {
            let input = io::BufReader::with_capacity(1 << 16, Chunks { receiver, current: Bytes::new() });
            let outcome = Rows::open(plan.kind, plan.format, input)
                .and_then(|rows| run::run(&service, &principal, &plan, rows, Progress::default(), &mut Quiet));
            let failure = match outcome {
                Ok(summary) if summary.rolled_back => {
                    Some(format!("{} rows refused; nothing was imported", summary.progress.counts.refused))
                }
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            };
            if let Err(e) = service.finish_import(job, failure.as_deref()) {
                tracing::error!(job, error = %e, "an import's run could not be closed");
            }
        })
        .expect("start an import thread");
    sender
}
