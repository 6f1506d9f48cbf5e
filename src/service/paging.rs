//! Keyset paging: a page token names the last row of the previous page, so rows inserted
//! meanwhile never shift or repeat a page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::OpError;
use crate::domain::values::PageSize;

pub const DEFAULT_PAGE_SIZE: i32 = 1000;

/// What the caller asked for: `pageSize` and `pageToken`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageRequest {
    pub size: Option<PageSize>,
    pub token: Option<String>,
}

/// One page and the token of the next, absent on the last page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl PageRequest {
    /// `(after, size)`: the key to continue after and the page size.
    pub(crate) fn resolve(&self) -> Result<(i64, i64), OpError> {
        self.resolve_named("pageToken", "nextPageToken")
    }

    /// The same, the token travelling under the face's `name` for it, as the previous page's
    /// `returned_as`.
    pub(crate) fn resolve_named(&self, name: &str, returned_as: &str) -> Result<(i64, i64), OpError> {
        let size = self.size.map_or(DEFAULT_PAGE_SIZE, PageSize::get);
        let after = match &self.token {
            None => 0,
            Some(token) => decode(token).ok_or_else(|| {
                OpError::invalid(name, format!("{name} is not a token this server issued; pass back {returned_as} as received"))
            })?,
        };
        Ok((after, size as i64))
    }
}

fn encode(after: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("k1.{after}"))
}

fn decode(token: &str) -> Option<i64> {
    let raw = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    let key: i64 = std::str::from_utf8(&raw).ok()?.strip_prefix("k1.")?.parse().ok()?;
    (key >= 0).then_some(key)
}

/// Rows fetched per round trip while streaming a whole listing.
pub(crate) const BATCH: i64 = 1_000;

/// Streams a whole keyed listing: fetches batches of [`BATCH`] rows after the last key seen and
/// hands every item to `emit`, until a short batch ends it.
pub(crate) fn for_each_batch<T>(
    mut fetch: impl FnMut(i64, i64) -> Result<Vec<(i64, T)>, OpError>,
    emit: &mut dyn FnMut(&T) -> Result<(), OpError>,
) -> Result<(), OpError> {
    let mut after = 0;
    loop {
        let batch = fetch(after, BATCH)?;
        for (_, item) in &batch {
            emit(item)?;
        }
        match batch.last() {
            Some((key, _)) if batch.len() as i64 == BATCH => after = *key,
            _ => return Ok(()),
        }
    }
}

/// Cuts rows fetched with `size + 1` to a page; the extra row only tells that more exist.
pub(crate) fn page_of<T>(mut rows: Vec<(i64, T)>, size: i64) -> Page<T> {
    let more = rows.len() as i64 > size;
    rows.truncate(size as usize);
    let next_token = if more { rows.last().map(|(key, _)| encode(*key)) } else { None };
    Page { items: rows.into_iter().map(|(_, item)| item).collect(), next_token }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_forgeries() {
        assert_eq!(decode(&encode(42)), Some(42));
        assert_eq!(decode("42"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("k1.-5")), None);
        assert!(PageSize::parse(0).is_err() && PageSize::parse(10_001).is_err());
        assert_eq!(PageRequest { size: PageSize::parse(10_000).ok(), token: None }.resolve().unwrap(), (0, 10_000));
        assert_eq!(PageRequest::default().resolve().unwrap(), (0, 1000));
    }

    #[test]
    fn only_a_page_followed_by_more_rows_has_a_next_token() {
        let page = page_of(vec![(1, 'a'), (2, 'b'), (3, 'c')], 2);
        assert_eq!(page.items, ['a', 'b']);
        assert_eq!(page.next_token.as_deref().and_then(decode), Some(2));
        assert_eq!(page_of(vec![(1, 'a'), (2, 'b')], 2).next_token, None);
    }
}
