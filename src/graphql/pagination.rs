//! Relay connections: `edges { node cursor }`, `nodes`, `pageInfo` and `totalCount`, the
//! count computed only when asked for.

use crate::error::AppResult;
use crate::store::page::{CountQuery, Page, PageRequest};
use async_graphql::SimpleObject;

/// Where a page stands in its list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// The cursor of the first item of this page.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of this page.
    pub end_cursor: Option<String>,
}

/// Checks the Relay arguments of a connection field.
pub fn page_request(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> AppResult<PageRequest> {
    PageRequest::new(first, after, last, before)
}

/// The page size a `first` argument asks for: from 0 to 100, 20 when omitted.
pub fn page_size(first: Option<i32>) -> AppResult<usize> {
    match first {
        Some(n) if !(0..=crate::store::page::MAX_PAGE_SIZE).contains(&n) => Err(crate::error::AppError::bad_input(
            "first",
            format!("first must be from 0 to {}", crate::store::page::MAX_PAGE_SIZE),
        )),
        Some(n) => Ok(n as usize),
        None => Ok(crate::store::page::DEFAULT_PAGE_SIZE as usize),
    }
}

/// A page of a list computed in full (ranked or derived results): the items after the
/// position `after` names, with cursors that carry positions under `prefix`.
pub fn offset_page<T>(
    items: Vec<T>,
    prefix: &str,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<(Vec<(String, T)>, PageInfo)> {
    let (start, size) = offset_window(prefix, first, after)?;
    let total = items.len();
    let page = items.into_iter().skip(start).take(size).collect();
    Ok(offset_edges(prefix, start, page, total))
}

/// Where a page of a list paged by position starts, and how many items it holds at most:
/// `first` and the position that the cursor `after` (made under `prefix`) names.
pub fn offset_window(prefix: &str, first: Option<i32>, after: Option<&str>) -> AppResult<(usize, usize)> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let size = page_size(first)?;
    let start = match after {
        None => 0,
        Some(cursor) => {
            let bad = || crate::error::AppError::bad_input("after", format!("after: not a cursor of {prefix}"));
            let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
            let position = text.strip_prefix(&format!("{prefix}:")).ok_or_else(bad)?;
            position.parse::<usize>().map_err(|_| bad())?.saturating_add(1)
        }
    };
    Ok((start, size))
}

/// The edges and page info of `page`, the items from position `start` of a list of `total`.
pub fn offset_edges<T>(prefix: &str, start: usize, page: Vec<T>, total: usize) -> (Vec<(String, T)>, PageInfo) {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let page: Vec<(String, T)> = page
        .into_iter()
        .enumerate()
        .map(|(i, item)| (URL_SAFE_NO_PAD.encode(format!("{prefix}:{}", start + i)), item))
        .collect();
    let info = PageInfo {
        has_next_page: start.saturating_add(page.len()) < total,
        has_previous_page: start > 0,
        start_cursor: page.first().map(|(c, _)| c.clone()),
        end_cursor: page.last().map(|(c, _)| c.clone()),
    };
    (page, info)
}

/// How deeply `and`, `or` and `not` filters may nest.
pub const MAX_FILTER_DEPTH: usize = 5;

/// Refuses filters nested deeper than [`MAX_FILTER_DEPTH`].
pub fn check_depth(depth: usize) -> AppResult<()> {
    if depth >= MAX_FILTER_DEPTH {
        return Err(crate::error::AppError::bad_input(
            "filter",
            format!("filters nest at most {MAX_FILTER_DEPTH} levels deep"),
        ));
    }
    Ok(())
}

/// The parts of a connection built from a page of rows.
pub struct Parts<N> {
    /// The nodes with their cursors.
    pub edges: Vec<(String, N)>,
    /// Where the page stands.
    pub page_info: PageInfo,
    /// Counts the filtered list.
    pub count: CountQuery,
}

impl<N> Parts<N> {
    /// Wraps each row of `page` as a node.
    pub fn from_page<M>(page: Page<M>, wrap: impl Fn(M) -> N) -> Self {
        let page_info = PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.items.first().map(|(c, _)| c.clone()),
            end_cursor: page.items.last().map(|(c, _)| c.clone()),
        };
        Parts { edges: page.items.into_iter().map(|(c, m)| (c, wrap(m))).collect(), page_info, count: page.count }
    }
}

/// Defines a connection type and its edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $one:literal, $many:literal) => {
        #[doc = concat!("One ", $one, " in a page, with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// The item.
            pub node: $node,
            /// An opaque cursor: pass it as `after` or `before` to page on from this item.
            pub cursor: String,
        }

        #[doc = concat!("A page of ", $many, ", with the total count of the filtered list.")]
        pub struct $connection(pub $crate::graphql::pagination::Parts<$node>);

        #[doc = concat!("A page of ", $many, ", with the total count of the filtered list.")]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page, in order, with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.0.edges.iter().map(|(cursor, node)| $edge { node: node.clone(), cursor: cursor.clone() }).collect()
            }

            /// The items of this page, in order.
            async fn nodes(&self) -> Vec<$node> {
                self.0.edges.iter().map(|(_, node)| node.clone()).collect()
            }

            /// Where this page stands in the list.
            async fn page_info(&self) -> &$crate::graphql::pagination::PageInfo {
                &self.0.page_info
            }

            /// How many items match the filter, across all pages.
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> $crate::graphql::Result<u64> {
                Ok(self.0.count.run($crate::graphql::db(ctx)?).await?)
            }
        }
    };
}

pub(crate) use connection;
