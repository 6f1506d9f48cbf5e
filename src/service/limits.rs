//! Request rates per tenant: a token bucket each, refilled at the configured rate up to its burst.
//! A request over the rate is refused before it does anything, with how long to wait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::{OpError, Service};
use crate::domain::Principal;

/// The rate a tenant may send requests at: `per_second` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every tenant seen.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter { limit, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token of `tenant`'s bucket, or says in how many whole seconds one will be there.
    pub(crate) fn take(&self, tenant: i64, now: Instant) -> Result<(), u64> {
        let RateLimit { per_second, burst } = self.limit;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(tenant).or_insert(Bucket { tokens: burst, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

impl Service {
    /// Admits a request of the caller's tenant under its rate, or refuses it (nothing done).
    pub fn admit(&self, principal: &Principal) -> Result<(), OpError> {
        match &self.limiter {
            Some(limiter) => {
                limiter.take(principal.tenant_id, Instant::now()).map_err(|retry_after_secs| OpError::Throttled { retry_after_secs })
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_its_rate() {
        let limiter = Limiter::new(RateLimit { per_second: 2.0, burst: 3.0 });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take(1, start), Ok(()));
        }
        assert_eq!(limiter.take(1, start), Err(1), "the burst is spent");
        assert_eq!(limiter.take(2, start), Ok(()), "another tenant has its own bucket");
        assert_eq!(limiter.take(1, start + Duration::from_millis(500)), Ok(()), "half a second at 2/s gives one");
        assert!(limiter.take(1, start + Duration::from_millis(500)).is_err());
        let slow = Limiter::new(RateLimit { per_second: 0.1, burst: 1.0 });
        assert_eq!(slow.take(1, start), Ok(()));
        assert_eq!(slow.take(1, start), Err(10), "one token every ten seconds");
    }
}
