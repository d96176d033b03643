//! The wire protocol: request decoding (RESP multibulk and inline) and reply
//! encoding (RESP2 and RESP3).

pub mod raw;
pub mod reply;
pub mod request;

pub use reply::Reply;
pub use request::{Args, Decoder, Limits, ProtocolError};
