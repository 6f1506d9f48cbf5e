//! The threads that run requests' database work: one per pooled connection, fed from one queue.
//!
//! Diesel blocks, so it never runs on the async workers. A thread per connection means a job that
//! starts always finds a free connection (no thread parks on the pool), and a busy thread takes
//! the next job without sleeping, so under load a request costs no thread hand-off beyond the
//! queue itself. A job that waited longer than the pool's wait is not run: the caller learns that
//! the database stayed busy, as it would have from the pool.

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

/// Why a job did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub waited: Duration,
}

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "every database connection stayed busy for {} ms; retry later", self.waited.as_millis())
    }
}

type Job = Box<dyn FnOnce(Result<(), Busy>) + Send>;

/// A fixed set of named threads taking jobs from one queue. Dropping the last handle ends them
/// once the queue is drained.
pub struct Workers {
    queue: Sender<(Instant, Job)>,
}

impl Workers {
    /// Starts `threads` threads; a job still queued after `wait` is refused with [`Busy`].
    pub fn start(threads: usize, wait: Duration) -> std::io::Result<Workers> {
        let (queue, jobs) = crossbeam_channel::unbounded::<(Instant, Job)>();
        for n in 0..threads.max(1) {
            let jobs: Receiver<(Instant, Job)> = jobs.clone();
            thread::Builder::new().name(format!("lmsbridge-db-{n}")).spawn(move || {
                for (queued, job) in jobs {
                    let waited = queued.elapsed();
                    job(if waited > wait { Err(Busy { waited }) } else { Ok(()) });
                }
            })?;
        }
        Ok(Workers { queue })
    }

    /// Queues `job`; it receives `Err(Busy)` instead of running when it waited too long. The job
    /// must not panic (callers catch their own panics).
    pub fn submit(&self, job: impl FnOnce(Result<(), Busy>) + Send + 'static) {
        // The threads live as long as the queue's sender; a send cannot fail while `self` exists.
        let _ = self.queue.send((Instant::now(), Box::new(job)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn jobs_run_on_the_named_threads() {
        let workers = Workers::start(2, Duration::from_secs(5)).unwrap();
        let (tx, rx) = mpsc::channel();
        for _ in 0..10 {
            let tx = tx.clone();
            workers.submit(move |admitted| {
                tx.send((admitted, thread::current().name().unwrap().to_string())).unwrap();
            });
        }
        for _ in 0..10 {
            let (admitted, name) = rx.recv().unwrap();
            assert_eq!(admitted, Ok(()));
            assert!(name.starts_with("lmsbridge-db-"), "{name}");
        }
    }

    #[test]
    fn a_job_that_waited_past_the_limit_is_refused() {
        let workers = Workers::start(1, Duration::from_millis(50)).unwrap();
        let (tx, rx) = mpsc::channel();
        workers.submit(|_| thread::sleep(Duration::from_millis(200)));
        workers.submit(move |admitted| tx.send(admitted).unwrap());
        let refused = rx.recv().unwrap().unwrap_err();
        assert!(refused.waited >= Duration::from_millis(50), "{refused:?}");
        assert!(refused.to_string().contains("stayed busy"), "{refused}");
    }
}
