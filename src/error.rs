//! The one error type of the service, with a stable code for each kind of failure.
//!
//! Resolvers and domain functions return [`AppError`]; it converts into a GraphQL error whose
//! `extensions.code` is the variant's code. Internal causes are logged, never sent to clients.
//! `AppError` deliberately does not implement `Display`, so that `?` in a resolver goes through
//! our conversion (which sets the code) rather than async-graphql's blanket one (which drops it).

use async_graphql::ErrorExtensions;

/// What went wrong, in terms a client can act on.
#[derive(Clone, Debug)]
pub enum AppError {
    /// The input is malformed or breaks a rule; `field` names the argument or input path.
    /// Code `BAD_USER_INPUT`.
    BadUserInput {
        /// What is wrong, for a person to read.
        message: String,
        /// The argument or input path at fault, where there is one.
        field: Option<String>,
    },
    /// No node has the given id, or not of the expected type. Code `NOT_FOUND`.
    NotFound {
        /// What was looked for.
        message: String,
    },
    /// The change conflicts with the current state. Code `CONFLICT`.
    Conflict {
        /// What conflicts.
        message: String,
    },
    /// The caller lacks the role for this operation. Code `FORBIDDEN`.
    Forbidden,
    /// The caller gave no valid credentials. Code `UNAUTHENTICATED`.
    Unauthenticated,
    /// A subscriber fell so far behind the changes that some were dropped; it should query
    /// afresh and subscribe again. Code `SUBSCRIPTION_LAGGED`.
    Lagged {
        /// How many changes it missed.
        missed: u64,
    },
    /// Every database connection stayed busy longer than a request may wait for one: the
    /// server is at capacity, and the same request may succeed later. Code `SERVER_BUSY`.
    Busy,
    /// The query or request goes past one of the server's limits (docs/security.md); nothing
    /// was read or changed. Code `LIMIT_EXCEEDED`, with the limit's name and value.
    LimitExceeded {
        /// Which limit: depth, complexity, aliases, fields, batch.
        limit: &'static str,
        /// Its value.
        max: usize,
        /// What went past it, for a person to read.
        message: String,
    },
    /// The query ran longer than the server's time limit and was stopped. Code `TIMEOUT`.
    TimedOut {
        /// The time limit.
        after: std::time::Duration,
    },
    /// The client closed its connection before its query was answered, and the query was
    /// stopped. Code `CLIENT_GONE`; no client ever receives it, but the request's log line and
    /// metrics carry it.
    ClientGone,
    /// The client sent more requests than its allowance. Code `RATE_LIMITED`; the answer has
    /// HTTP status 429 and `Retry-After`.
    RateLimited {
        /// Seconds until a request would be accepted again.
        retry_after: u64,
    },
    /// The HTTP request is not one this server reads: `status` says why (400 a malformed body
    /// or parameters, 403 a page of another site, 405 a mutation over GET, 413 a body too
    /// large, 415 a body that is not JSON, 421 a host the server does not answer to, 408 a body
    /// that came too slowly). Code `BAD_REQUEST`, `FORBIDDEN_ORIGIN`, `METHOD_NOT_ALLOWED`,
    /// `PAYLOAD_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`, `MISDIRECTED_HOST` or `REQUEST_TIMEOUT`.
    BadRequest {
        /// The HTTP status of the refusal.
        status: u16,
        /// What is wrong, for a person to read.
        message: String,
    },
    /// A failure of the service itself (database, bug); the detail is logged only. Code `INTERNAL`.
    Internal {
        /// The cause, for the log.
        detail: String,
    },
}

impl AppError {
    /// A `BAD_USER_INPUT` error about `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput { message: message.into(), field: Some(field.into()) }
    }

    /// A `NOT_FOUND` error.
    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound { message: message.into() }
    }

    /// A `LIMIT_EXCEEDED` error about the limit `limit` of value `max`.
    pub fn limit(limit: &'static str, max: usize, message: impl Into<String>) -> Self {
        AppError::LimitExceeded { limit, max, message: message.into() }
    }

    /// An HTTP-level refusal with `status`.
    pub fn bad_request(status: u16, message: impl Into<String>) -> Self {
        AppError::BadRequest { status, message: message.into() }
    }

    /// The HTTP status a refusal of the whole request gets (under
    /// `application/graphql-response+json`, or always for the HTTP-level ones).
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::BadRequest { status, .. } => *status,
            other => status_for_code(other.code()),
        }
    }

    /// An `INTERNAL` error with its cause for the log.
    ///
    /// The cause is logged here, where the error is made, so that it is logged once whichever
    /// door it leaves by (an answer, the command line, a calendar feed).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let detail = detail.to_string();
        tracing::error!(%detail, "internal error");
        AppError::Internal { detail }
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadUserInput { .. } => "BAD_USER_INPUT",
            AppError::NotFound { .. } => "NOT_FOUND",
            AppError::Conflict { .. } => "CONFLICT",
            AppError::Forbidden => "FORBIDDEN",
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Lagged { .. } => "SUBSCRIPTION_LAGGED",
            AppError::Busy => "SERVER_BUSY",
            AppError::LimitExceeded { .. } => "LIMIT_EXCEEDED",
            AppError::TimedOut { .. } => "TIMEOUT",
            AppError::ClientGone => "CLIENT_GONE",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::BadRequest { status: 403, .. } => "FORBIDDEN_ORIGIN",
            AppError::BadRequest { status: 405, .. } => "METHOD_NOT_ALLOWED",
            AppError::BadRequest { status: 408, .. } => "REQUEST_TIMEOUT",
            AppError::BadRequest { status: 413, .. } => "PAYLOAD_TOO_LARGE",
            AppError::BadRequest { status: 415, .. } => "UNSUPPORTED_MEDIA_TYPE",
            AppError::BadRequest { status: 421, .. } => "MISDIRECTED_HOST",
            AppError::BadRequest { .. } => "BAD_REQUEST",
            AppError::Internal { .. } => "INTERNAL",
        }
    }

    /// For logs and the command line: the message, or an internal error's cause.
    pub fn detail(&self) -> String {
        match self {
            AppError::Internal { detail } => detail.clone(),
            other => other.message(),
        }
    }

    /// The message a client sees: never an internal cause.
    pub fn message(&self) -> String {
        match self {
            AppError::BadUserInput { message, .. } => message.clone(),
            AppError::NotFound { message } => message.clone(),
            AppError::Conflict { message } => message.clone(),
            AppError::Forbidden => "this operation needs a role the caller does not have".to_owned(),
            AppError::Unauthenticated => "valid credentials are needed for this operation".to_owned(),
            AppError::Lagged { missed } => {
                format!("this subscription fell {missed} changes behind and ends; query afresh and subscribe again")
            }
            AppError::Busy => {
                "the server is at capacity: no database connection came free in time; retry later".to_owned()
            }
            AppError::LimitExceeded { message, .. } => message.clone(),
            AppError::TimedOut { after } => {
                format!("the query ran longer than {} s and was stopped; ask for less", after.as_secs_f64())
            }
            AppError::ClientGone => {
                "the client closed its connection before the answer; the query was stopped".to_owned()
            }
            AppError::RateLimited { retry_after } => {
                format!("too many requests from this client; retry in {retry_after} s")
            }
            AppError::BadRequest { message, .. } => message.clone(),
            AppError::Internal { .. } => "internal error; it has been logged".to_owned(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        match err {
            sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => {
                tracing::warn!("no database connection came free in time");
                AppError::Busy
            }
            err if unstorable_text(&err) => AppError::BadUserInput {
                message: "text may not contain the NUL character (\\u0000)".to_owned(),
                field: None,
            },
            err if locked_out(&err) => {
                tracing::warn!(%err, "the database stayed locked by another writer (an import?) past the busy timeout");
                AppError::Busy
            }
            err => AppError::internal(err),
        }
    }
}

/// The database's own code for an error it reported (SQLSTATE on PostgreSQL, the extended
/// result code on SQLite).
fn database_code(err: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    if let DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e)) = err
        && let sea_orm::sqlx::Error::Database(database) = e.as_ref()
    {
        return database.code().map(|code| code.into_owned());
    }
    None
}

/// Whether PostgreSQL refused a value because its text cannot be stored (a NUL character, which
/// no PostgreSQL text holds): the input's fault, whichever statement carried it.
fn unstorable_text(err: &sea_orm::DbErr) -> bool {
    matches!(database_code(err).as_deref(), Some("22021" | "22P05"))
}

/// Whether SQLite stayed busy or locked past the busy timeout: another process (a
/// `govtrail import` into the same file) holds the write lock. The same write may pass later.
fn locked_out(err: &sea_orm::DbErr) -> bool {
    // SQLITE_BUSY, SQLITE_LOCKED and their extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT,
    // BUSY_TIMEOUT, LOCKED_SHAREDCACHE).
    matches!(database_code(err).as_deref(), Some("5" | "6" | "261" | "517" | "773" | "262"))
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            match &err {
                AppError::BadUserInput { field: Some(field), .. } => ext.set("field", field.as_str()),
                AppError::LimitExceeded { limit, max, .. } => {
                    ext.set("limit", *limit);
                    ext.set("max", *max);
                }
                AppError::RateLimited { retry_after } => ext.set("retryAfter", *retry_after),
                _ => {}
            }
        })
    }
}

impl AppError {
    /// The error as the engine's, for a refusal of a whole request (it has no place in the
    /// query, so no location).
    pub fn into_server_error(self) -> async_graphql::ServerError {
        let mut error = async_graphql::Error::from(self).into_server_error(Default::default());
        error.locations.clear();
        error
    }
}

/// The HTTP status of a request refused with `code` (errors from the engine itself, which
/// carry BAD_USER_INPUT, are the client's: 400).
pub fn status_for_code(code: &str) -> u16 {
    match code {
        "UNAUTHENTICATED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "FORBIDDEN_ORIGIN" => 403,
        "METHOD_NOT_ALLOWED" => 405,
        "REQUEST_TIMEOUT" => 408,
        "CONFLICT" => 409,
        "PAYLOAD_TOO_LARGE" => 413,
        "UNSUPPORTED_MEDIA_TYPE" => 415,
        "MISDIRECTED_HOST" => 421,
        "RATE_LIMITED" => 429,
        "INTERNAL" => 500,
        "SERVER_BUSY" | "TIMEOUT" | "SUBSCRIPTION_LAGGED" => 503,
        _ => 400,
    }
}

/// The result type of domain and service functions.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_has_its_code() {
        let cases = [
            (AppError::bad_input("first", "too many"), "BAD_USER_INPUT"),
            (AppError::not_found("no such node"), "NOT_FOUND"),
            (AppError::Conflict { message: "stale".into() }, "CONFLICT"),
            (AppError::Forbidden, "FORBIDDEN"),
            (AppError::Unauthenticated, "UNAUTHENTICATED"),
            (AppError::Lagged { missed: 3 }, "SUBSCRIPTION_LAGGED"),
            (sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout).into(), "SERVER_BUSY"),
            (AppError::internal("disk full"), "INTERNAL"),
            (AppError::limit("depth", 15, "too deep"), "LIMIT_EXCEEDED"),
            (AppError::TimedOut { after: std::time::Duration::from_secs(1) }, "TIMEOUT"),
            (AppError::RateLimited { retry_after: 3 }, "RATE_LIMITED"),
            (AppError::ClientGone, "CLIENT_GONE"),
            (AppError::bad_request(400, "not JSON"), "BAD_REQUEST"),
            (AppError::bad_request(403, "another site"), "FORBIDDEN_ORIGIN"),
            (AppError::bad_request(405, "no mutations over GET"), "METHOD_NOT_ALLOWED"),
            (AppError::bad_request(413, "too large"), "PAYLOAD_TOO_LARGE"),
            (AppError::bad_request(415, "not JSON"), "UNSUPPORTED_MEDIA_TYPE"),
        ];
        for (err, code) in cases {
            let gql: async_graphql::Error = err.into();
            let ext = gql.extensions.expect("extensions");
            assert_eq!(ext.get("code"), Some(&async_graphql::Value::from(code)));
        }
    }

    #[test]
    fn internal_detail_is_not_sent() {
        let gql: async_graphql::Error = AppError::internal("SELECT secret FROM x").into();
        assert!(!gql.message.contains("SELECT"));
    }
}
