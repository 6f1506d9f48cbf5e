//! The threads that run requests' database work: one per pooled connection, fed from one queue.
//!
//! Diesel blocks, so it never runs on the async workers. A thread per connection means a job that
//! starts always finds a free connection, and a busy thread takes the next job without sleeping,
//! on the connection it already holds (it gives it back when the queue runs dry).
//! A job that waited in the queue longer than the pool's wait is not run: its caller learns that
//! the database stayed busy, as it would have from the pool.
//!
//! Reads share snapshots when the queue is long: a read snapshot stays open for the next queued
//! reads that were queued before it began, so each still sees every write that committed before it
//! was sent, and the cost of opening and closing a transaction is paid once for all of them. A read
//! that fails ends its snapshot (on PostgreSQL a failed statement spoils the transaction). Writes
//! always run alone, in their own all-or-nothing transaction.

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use crate::metrics::METRICS;
use crate::store::{Access, Db, Held, StoreError, Tx};

/// Why a job's work did not run or did not land.
#[derive(Debug)]
pub enum Unrun {
    /// It waited in the queue longer than the pool's wait.
    Busy(Duration),
    /// No connection, or the transaction could not begin or commit.
    Store(StoreError),
}

impl std::fmt::Display for Unrun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unrun::Busy(waited) => write!(f, "every database connection stayed busy for {} ms; retry later", waited.as_millis()),
            Unrun::Store(e) => e.fmt(f),
        }
    }
}

/// One request's database work.
pub trait Job: Send {
    /// Runs inside the transaction; false when the work failed (a write then rolls back).
    fn work(&mut self, tx: &mut Tx<'_>) -> bool;
    /// Called once, last: `Err` when the work did not run or its transaction did not commit.
    fn finish(self: Box<Self>, transaction: Result<(), Unrun>);
}

struct Queued {
    at: Instant,
    access: Access,
    job: Box<dyn Job>,
}

/// A fixed set of named threads taking jobs from one queue. Dropping the last handle ends them
/// once the queue is drained.
pub struct Workers {
    queue: Sender<Queued>,
}

impl Workers {
    /// Starts one thread per connection of `db`'s pool.
    pub fn start(db: &Db) -> std::io::Result<Workers> {
        let (threads, wait) = db.capacity();
        let (queue, jobs) = crossbeam_channel::unbounded::<Queued>();
        for n in 0..threads.max(1) {
            let (db, jobs) = (db.clone(), jobs.clone());
            thread::Builder::new().name(format!("lmsbridge-db-{n}")).spawn(move || {
                METRICS.pool_connection(true);
                serve(&db, &jobs, wait);
                METRICS.pool_connection(false);
            })?;
        }
        Ok(Workers { queue })
    }

    pub fn submit(&self, access: Access, job: Box<dyn Job>) {
        // The threads live as long as the queue's sender; a send cannot fail while `self` exists.
        let _ = self.queue.send(Queued { at: Instant::now(), access, job });
    }
}

fn serve(db: &Db, jobs: &Receiver<Queued>, wait: Duration) {
    let mut next = None;
    loop {
        // Idle, the thread holds no connection: the pool's other users (the mail sender, a
        // command) can have it.
        let Some(queued) = next.take().or_else(|| jobs.recv().ok()) else { return };
        let mut held = None;
        next = Some(queued);
        // While jobs keep coming, one connection serves them all: no checkout (and on PostgreSQL
        // no liveness round trip) before each.
        while let Some(queued) = next.take().or_else(|| jobs.try_recv().ok()) {
            let waited = queued.at.elapsed();
            if waited > wait {
                METRICS.pool_busy();
                queued.job.finish(Err(Unrun::Busy(waited)));
                continue;
            }
            let conn = match held.take().map_or_else(|| db.hold(), Ok) {
                Ok(conn) => held.insert(conn),
                Err(e) => {
                    queued.job.finish(Err(Unrun::Store(e)));
                    continue;
                }
            };
            METRICS.pool_waited(waited);
            METRICS.pool_in_use(true);
            let (kept, after) = match queued.access {
                Access::Write => (write(conn, queued.job), None),
                Access::Read => read(conn, queued.job, jobs, wait),
            };
            METRICS.pool_in_use(false);
            // A connection whose transaction failed to begin or end may be broken: the next job
            // takes a fresh one, which the pool checks.
            if !kept {
                held = None;
            }
            next = after;
        }
    }
}

/// How a transaction the threads opened ended, when not with a commit.
enum Ended {
    /// The job's work failed (it reports its own error).
    WorkFailed,
    Store(StoreError),
}

impl From<StoreError> for Ended {
    fn from(e: StoreError) -> Self {
        Ended::Store(e)
    }
}

impl From<diesel::result::Error> for Ended {
    fn from(e: diesel::result::Error) -> Self {
        Ended::Store(StoreError::Query(e))
    }
}

/// Runs a write alone in its transaction; false when the connection failed it.
fn write(conn: &mut Held, mut job: Box<dyn Job>) -> bool {
    let outcome = conn.write(|tx| if job.work(tx) { Ok(()) } else { Err(Ended::WorkFailed) });
    match outcome {
        Ok(()) | Err(Ended::WorkFailed) => {
            job.finish(Ok(()));
            true
        }
        Err(Ended::Store(e)) => {
            job.finish(Err(Unrun::Store(e)));
            false
        }
    }
}

/// Runs `first` and the reads queued before its snapshot began; returns whether the connection
/// is still sound, and the job that ended the run, if one was taken from the queue.
fn read(conn: &mut Held, first: Box<dyn Job>, jobs: &Receiver<Queued>, wait: Duration) -> (bool, Option<Queued>) {
    let began = Instant::now();
    let mut first = Some(first);
    let mut next = None;
    let outcome = conn.read(|tx| -> Result<(), Ended> {
        let mut job = first.take().expect("the first job runs once");
        loop {
            let ok = job.work(tx);
            job.finish(Ok(()));
            if !ok {
                return Ok(());
            }
            match jobs.try_recv() {
                Ok(queued) if queued.access == Access::Read && queued.at < began && queued.at.elapsed() <= wait => {
                    METRICS.pool_waited(queued.at.elapsed());
                    job = queued.job
                }
                Ok(other) => {
                    next = Some(other);
                    return Ok(());
                }
                Err(_) => return Ok(()),
            }
        }
    });
    // The first job did not run when the transaction could not begin. A failure to end the read
    // transaction afterwards changes nothing the jobs already answered.
    match (outcome, first) {
        (Err(Ended::Store(e)), Some(job)) => {
            job.finish(Err(Unrun::Store(e)));
            (false, next)
        }
        (Err(_), _) => (false, next),
        (Ok(()), _) => (true, next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{PoolOptions, tenants};
    use std::sync::mpsc;

    fn database(size: u32, wait: Duration) -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workers.db");
        // Migrating takes longer than a short wait on a loaded machine: it has a pool of its own.
        Db::connect(path.to_str().unwrap(), &PoolOptions { size: 1, wait: Duration::from_secs(30) }).unwrap().migrate().unwrap();
        let db = Db::connect(path.to_str().unwrap(), &PoolOptions { size, wait }).unwrap();
        (dir, db)
    }

    /// A job made of closures; `finish` reports the transaction's outcome on `done`.
    struct Probe<W: FnMut(&mut Tx<'_>) -> bool + Send> {
        work: W,
        done: mpsc::Sender<Result<(), String>>,
    }

    impl<W: FnMut(&mut Tx<'_>) -> bool + Send> Job for Probe<W> {
        fn work(&mut self, tx: &mut Tx<'_>) -> bool {
            (self.work)(tx)
        }
        fn finish(self: Box<Self>, transaction: Result<(), Unrun>) {
            let _ = self.done.send(transaction.map_err(|e| e.to_string()));
        }
    }

    fn probe(work: impl FnMut(&mut Tx<'_>) -> bool + Send + 'static, done: &mpsc::Sender<Result<(), String>>) -> Box<dyn Job> {
        Box::new(Probe { work, done: done.clone() })
    }

    fn tenants_seen(tx: &mut Tx<'_>) -> i64 {
        tenants::count_tenants(tx).unwrap()
    }

    #[test]
    fn queued_reads_share_a_snapshot_and_later_ones_see_later_writes() {
        let (dir, db) = database(1, Duration::from_secs(5));
        let workers = Workers::start(&db).unwrap();
        let (done, finished) = mpsc::channel();
        let (seen_tx, seen) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let (started_tx, started) = mpsc::channel::<()>();
        // The only thread is held by a write until the two reads are queued behind it.
        workers.submit(
            Access::Write,
            probe(
                move |_| {
                    started_tx.send(()).unwrap();
                    released.recv().unwrap();
                    true
                },
                &done,
            ),
        );
        started.recv().unwrap();
        let (first_read, second_read) = (seen_tx.clone(), seen_tx.clone());
        let (go, wait_for_go) = mpsc::channel::<()>();
        let (in_snapshot_tx, in_snapshot) = mpsc::channel::<()>();
        // The first read holds its snapshot open while another connection commits a tenant.
        workers.submit(
            Access::Read,
            probe(
                move |tx| {
                    first_read.send(tenants_seen(tx)).unwrap();
                    in_snapshot_tx.send(()).unwrap();
                    wait_for_go.recv().unwrap();
                    true
                },
                &done,
            ),
        );
        workers.submit(
            Access::Read,
            probe(
                move |tx| {
                    second_read.send(tenants_seen(tx)).unwrap();
                    true
                },
                &done,
            ),
        );
        release.send(()).unwrap();
        in_snapshot.recv().unwrap();
        let other =
            Db::connect(dir.path().join("workers.db").to_str().unwrap(), &PoolOptions { size: 1, wait: Duration::from_secs(5) }).unwrap();
        other.write(|tx| Ok::<_, StoreError>(tenants::insert_tenant(tx, "committed meanwhile", None, crate::service::now())?)).unwrap();
        go.send(()).unwrap();
        assert_eq!(seen.recv().unwrap(), 0);
        // Queued before the snapshot began, the second read shares it: it does not see the tenant
        // committed after it was queued, which it could not have known about.
        assert_eq!(seen.recv().unwrap(), 0);
        // A read queued after the commit sees it.
        workers.submit(
            Access::Read,
            probe(
                move |tx| {
                    seen_tx.send(tenants_seen(tx)).unwrap();
                    true
                },
                &done,
            ),
        );
        assert_eq!(seen.recv().unwrap(), 1);
        for _ in 0..4 {
            assert_eq!(finished.recv().unwrap(), Ok(()));
        }
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_lands() {
        let (_dir, db) = database(2, Duration::from_secs(5));
        let workers = Workers::start(&db).unwrap();
        let (done, finished) = mpsc::channel();
        let now = crate::service::now();
        workers.submit(
            Access::Write,
            probe(
                move |tx| {
                    tenants::insert_tenant(tx, "rolled back", None, now).unwrap();
                    false
                },
                &done,
            ),
        );
        assert_eq!(finished.recv().unwrap(), Ok(()));
        workers.submit(Access::Write, probe(move |tx| tenants::insert_tenant(tx, "kept", None, now).is_ok(), &done));
        assert_eq!(finished.recv().unwrap(), Ok(()));
        let names = db
            .read(|tx| Ok::<_, StoreError>((tenants::tenant_id_by_name(tx, "rolled back")?, tenants::tenant_id_by_name(tx, "kept")?)))
            .unwrap();
        assert!(names.0.is_none() && names.1.is_some(), "{names:?}");
    }

    #[test]
    fn a_job_that_waited_past_the_pool_wait_is_refused() {
        let (_dir, db) = database(1, Duration::from_millis(300));
        let workers = Workers::start(&db).unwrap();
        let (done, finished) = mpsc::channel();
        workers.submit(
            Access::Read,
            probe(
                |_| {
                    thread::sleep(Duration::from_millis(1500));
                    true
                },
                &done,
            ),
        );
        workers.submit(Access::Read, probe(|_| panic!("must not run"), &done));
        assert_eq!(finished.recv().unwrap(), Ok(()));
        let refused = finished.recv().unwrap().unwrap_err();
        assert!(refused.contains("stayed busy"), "{refused}");
    }

    #[test]
    fn work_outside_requests_finds_a_connection_while_every_request_thread_holds_one() {
        let (_dir, db) = database(1, Duration::from_millis(500));
        let workers = Workers::start(&db).unwrap();
        let (done, finished) = mpsc::channel();
        let (started_tx, started) = mpsc::channel::<()>();
        let (release, released) = mpsc::channel::<()>();
        workers.submit(
            Access::Read,
            probe(
                move |_| {
                    started_tx.send(()).unwrap();
                    released.recv().unwrap();
                    true
                },
                &done,
            ),
        );
        started.recv().unwrap();
        // The only request thread is inside a transaction; the mail sender or the token endpoint
        // still gets a connection at once.
        assert_eq!(db.read(|tx| Ok::<_, StoreError>(tenants_seen(tx))).unwrap(), 0);
        release.send(()).unwrap();
        assert_eq!(finished.recv().unwrap(), Ok(()));
    }
}
