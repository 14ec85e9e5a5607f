//! The one way lists are paged: keyset pagination behind an opaque cursor.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// A page of results; pass `next_cursor` back as `cursor` to get the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
}

/// Joins the parts of a sort key (read back by [`PageRequest::after_text_and_id`]); it sorts
/// before any printable character, so joined keys sort as their parts do.
pub const KEY_SEPARATOR: char = '\u{1f}';

/// The sort key of a row ordered by a text, then its id.
pub fn text_and_id_key(text: &str, id: &str) -> String {
    format!("{text}{KEY_SEPARATOR}{id}")
}

/// The query of a list that takes nothing but paging.
#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The page a client asked for: how many rows, after which sort key.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    /// From the `limit` and `cursor` query parameters every list endpoint takes.
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field("limit", "range", format!("must be between 1 and {MAX_LIMIT}")));
        }
        let after = cursor
            .map(|c| {
                URL_SAFE_NO_PAD.decode(c).ok().and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(|| {
                    ApiError::field("cursor", "invalid_cursor", "use a next_cursor returned by this list")
                })
            })
            .transpose()?;
        Ok(Self { limit, after })
    }

    /// The cursor of a list sorted by a number (a year, a sequence, a revision): that number.
    pub fn after_number<N: std::str::FromStr>(&self) -> Result<Option<N>, ApiError> {
        self.after
            .as_deref()
            .map(|a| a.parse().map_err(|_| ApiError::field("cursor", "invalid_cursor", "unknown cursor")))
            .transpose()
    }

    /// The cursor of a list sorted by a text (a name), then an id: that pair.
    pub fn after_text_and_id(&self) -> Result<Option<(String, String)>, ApiError> {
        self.after
            .as_deref()
            .map(|a| {
                a.split_once(KEY_SEPARATOR)
                    .map(|(text, id)| (text.to_string(), id.to_string()))
                    .ok_or_else(|| ApiError::field("cursor", "invalid_cursor", "unknown cursor"))
            })
            .transpose()
    }

    /// How many rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }

    /// Builds the page from rows sorted by `key`, fetched with [`PageRequest::fetch_limit`].
    pub fn page<R, T>(&self, mut rows: Vec<R>, key: impl Fn(&R) -> String, view: impl FnMut(R) -> T) -> Page<T> {
        let has_more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        let next_cursor = if has_more { rows.last().map(|r| URL_SAFE_NO_PAD.encode(key(r))) } else { None };
        Page { items: rows.into_iter().map(view).collect(), next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_rows_with_an_opaque_cursor() {
        let first = PageRequest::new(Some(2), None).unwrap();
        let page = first.page(vec!["a", "b", "c"], |r| r.to_string(), |r| r);
        assert_eq!(page.items, vec!["a", "b"]);
        let next = PageRequest::new(Some(2), page.next_cursor.as_deref()).unwrap();
        assert_eq!(next.after.as_deref(), Some("b"));
        let last = next.page(vec!["c"], |r| r.to_string(), |r| r);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn a_text_and_id_cursor_reads_back_as_its_parts() {
        let first = PageRequest::new(Some(1), None).unwrap();
        let page = first.page(vec![("Ani", "e2"), ("Budi", "e1")], |(n, id)| text_and_id_key(n, id), |r| r);
        let next = PageRequest::new(Some(1), page.next_cursor.as_deref()).unwrap();
        assert_eq!(next.after_text_and_id().unwrap(), Some(("Ani".to_string(), "e2".to_string())));
        let numeric = PageRequest::new(None, Some(&URL_SAFE_NO_PAD.encode("x"))).unwrap();
        assert!(numeric.after_text_and_id().is_err());
        assert!(numeric.after_number::<i32>().is_err());
    }

    #[test]
    fn rejects_bad_limits_and_cursors() {
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(201), None).is_err());
        assert!(PageRequest::new(None, Some("%%%")).is_err());
    }
}
