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

    /// An `INTERNAL` error with its cause for the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        AppError::Internal { detail: detail.to_string() }
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
            err => AppError::internal(err),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        if let AppError::Internal { detail } = &err {
            tracing::error!(%detail, "internal error");
        }
        let code = err.code();
        let field = match &err {
            AppError::BadUserInput { field, .. } => field.clone(),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
        })
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
