//! The crate's error type. A server error keeps the server's code (`NOGROUP`,
//! `BUSYGROUP`, `ERR`, ...) and detail text apart, so callers can branch on
//! the code instead of matching message strings.

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Sluice/Redis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error reply.
    #[error("server error: {code} {detail}")]
    Server {
        /// The error code: the first word of the reply (`ERR`, `NOGROUP`, `WRONGTYPE`, ...).
        code: String,
        /// The rest of the error text.
        detail: String,
    },
    /// The connection failed, timed out or was closed (the command may or may not have run).
    #[error("connection error: {0}")]
    Connection(#[source] redis::RedisError),
    /// The server's reply did not have the shape the command documents.
    #[error("unexpected reply to {command}: {detail}")]
    Protocol {
        /// The command whose reply was malformed.
        command: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Text that is not a valid stream ID.
    #[error("invalid stream id: {0:?}")]
    InvalidId(String),
    /// An option or argument the caller gave is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// The server's error code, when the server replied with an error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Server { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The server's error text after the code, when the server replied with an error.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Error::Server { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// True for failures worth retrying after a pause (connection-level problems).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Connection(_) => true,
            Error::Server { code, .. } => {
                matches!(
                    code.as_str(),
                    "LOADING" | "TRYAGAIN" | "CLUSTERDOWN" | "MOVED" | "ASK" | "MASTERDOWN"
                )
            }
            _ => false,
        }
    }

    pub(crate) fn protocol(command: &'static str, detail: impl Into<String>) -> Error {
        Error::Protocol {
            command,
            detail: detail.into(),
        }
    }
}

impl From<redis::RedisError> for Error {
    fn from(err: redis::RedisError) -> Error {
        match err.code() {
            Some(code) => Error::Server {
                code: code.to_string(),
                detail: err.detail().unwrap_or_default().to_string(),
            },
            None => Error::Connection(err),
        }
    }
}
