//! Every error a command can reply with, in one place.
//!
//! Each variant's `Display` is the exact text Redis sends after the `-`, code
//! first: clients route on that first word (`ERR`, `WRONGTYPE`, `NOGROUP`...),
//! and the conformance suite compares the whole line with Redis's. When a new
//! error is needed, add it here rather than spelling it inline in a command.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    #[error("ERR unknown command '{0}', with args beginning with: {1}")]
    UnknownCommand(String, String),
    #[error("ERR unknown subcommand '{0}'. Try {1} HELP.")]
    UnknownSubcommand(String, String),
    #[error("ERR syntax error")]
    Syntax,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    #[error("ERR timeout is not an integer or out of range")]
    TimeoutNotInteger,
    #[error("ERR timeout is negative")]
    TimeoutNegative,
    #[error("ERR timeout is out of range")]
    TimeoutOutOfRange,
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    #[error("ERR no such key")]
    NoSuchKey,
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(String),
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("NOAUTH Authentication required.")]
    NoAuth,
    #[error("WRONGPASS invalid username-password pair or user is disabled.")]
    WrongPass,
    #[error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")]
    AuthNotConfigured,
    #[error("NOPROTO unsupported protocol version")]
    NoProto,
    #[error("ERR MULTI calls can not be nested")]
    NestedMulti,
    #[error("ERR EXEC without MULTI")]
    ExecWithoutMulti,
    #[error("ERR DISCARD without MULTI")]
    DiscardWithoutMulti,
    #[error("ERR WATCH inside MULTI is not allowed")]
    WatchInMulti,
    #[error("EXECABORT Transaction discarded because of previous errors.")]
    ExecAbort,
    #[error("ERR Command not allowed inside a transaction")]
    NotAllowedInMulti,
    #[error("ERR unknown subcommand or wrong number of arguments for '{0}'. Try {1} HELP.")]
    SubcommandSyntax(String, String),
    #[error("BUSYGROUP Consumer Group name already exists")]
    BusyGroup,
    /// Group name, key.
    #[error("NOGROUP No such consumer group '{0}' for key name '{1}'")]
    NoGroupForKey(String, String),
    /// Key, group name.
    #[error("NOGROUP No such key '{0}' or consumer group '{1}'")]
    NoKeyOrGroup(String, String),
    /// Key, group name.
    #[error("NOGROUP No such key '{0}' or consumer group '{1}' in XREADGROUP with GROUP option")]
    NoGroupReadgroup(String, String),
    /// Stream commands' own errors (XADD, XREADGROUP, XINFO, ...).
    #[error(transparent)]
    Stream(#[from] StreamError),

    /// Key-space and string commands' own errors.
    #[error(transparent)]
    Keys(#[from] KeysError),

    /// Connection, server and transaction commands' own errors (CLIENT, HELLO, CONFIG, COMMAND, ...).
    #[error(transparent)]
    Server(#[from] ServerError),

    /// Any other error, its full text code first. Prefer a named variant.
    #[error("{0}")]
    Other(String),
}

/// Errors of the stream family, texts as Redis 8.0's `t_stream.c` sends them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StreamError {}

/// Errors of the key-space (`generic`) and string families.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeysError {}

/// Errors of the connection, server and transactions families, texts as
/// Redis 7.0's `networking.c`, `server.c`, `config.c` and `multi.c` send them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ServerError {
    /// CLIENT SETNAME, HELLO SETNAME.
    #[error("ERR Client names cannot contain spaces, newlines or special characters.")]
    BadClientName,
    /// CLIENT SETINFO: the attribute name as given.
    #[error("ERR Unrecognized option '{0}'")]
    UnrecognizedOption(String),
    /// CLIENT SETINFO: the attribute name as given.
    #[error("ERR {0} cannot contain spaces, newlines or special characters.")]
    BadClientAttr(String),
    /// CLIENT LIST / KILL `TYPE`: the type as given.
    #[error("ERR Unknown client type '{0}'")]
    UnknownClientType(String),
    /// CLIENT LIST `ID`.
    #[error("ERR Invalid client ID")]
    InvalidClientId,
    /// CLIENT KILL `ID`.
    #[error("ERR client-id should be greater than 0")]
    ClientIdNotPositive,
    /// CLIENT KILL `MAXAGE` not a 64-bit integer.
    #[error("ERR maxage is not an integer or out of range")]
    MaxAgeNotInteger,
    /// CLIENT KILL `MAXAGE` of 0 or less.
    #[error("ERR maxage should be greater than 0")]
    MaxAgeNotPositive,
    /// CLIENT KILL `USER` naming a user that does not exist.
    #[error("ERR No such user '{0}'")]
    NoSuchUser(String),
    /// CLIENT KILL in the old `ip:port` form.
    #[error("ERR No such client")]
    NoSuchClient,
    #[error("ERR Protocol version is not an integer or out of range")]
    ProtoverNotInteger,
    /// HELLO: the option as given.
    #[error("ERR Syntax error in HELLO option '{0}'")]
    HelloSyntax(String),
    #[error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")]
    HelloNoAuth,
    /// Sent (raw) to a connection refused at accept.
    #[error("ERR max number of clients reached")]
    MaxClients,
    /// A malformed EXEC: the command name (Redis's `execCommandAbort`
    /// quoting the arity error).
    #[error(
        "EXECABORT Transaction discarded because of: wrong number of arguments for '{0}' command"
    )]
    ExecAbortArity(String),
    #[error("ERR No shutdown in progress.")]
    NoShutdownInProgress,
    #[error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")]
    FunctionFlushMode,
    /// COMMAND GETKEYS errors.
    #[error("ERR Invalid command specified")]
    GetKeysInvalidCommand,
    #[error("ERR The command has no key arguments")]
    GetKeysNoKeys,
    #[error("ERR Invalid number of arguments specified for command")]
    GetKeysArity,
    #[error("ERR Invalid arguments specified for command")]
    GetKeysInvalidArgs,
    /// CONFIG SET of a name no parameter has: the name as given.
    #[error("ERR Unknown option or number of arguments for CONFIG SET - '{0}'")]
    ConfigUnknown(String),
    /// CONFIG SET refused a value: the name as given, and why.
    #[error("ERR CONFIG SET failed (possibly related to argument '{0}') - {1}")]
    ConfigSetFailed(String, ConfigReason),
}

/// Why a configuration value was refused (CONFIG SET, and startup
/// directives): the text after the parameter's name, as `config.c` words it.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ConfigReason {
    #[error("argument must be 'yes' or 'no'")]
    NotBool,
    /// The accepted words, comma-separated.
    #[error("argument(s) must be one of the following: {0}")]
    NotOneOf(String),
    #[error("argument must be a memory value")]
    NotMemory,
    #[error("argument couldn't be parsed into an integer")]
    NotInteger,
    /// The bounds, inclusive.
    #[error("argument must be between {0} and {1} inclusive")]
    OutOfRange(i64, i64),
    #[error("duplicate parameter")]
    Duplicate,
    #[error("can't set protected config")]
    Protected,
    #[error("can't set immutable config")]
    Immutable,
}

/// Why the server cannot start with the configuration it was given
/// (command line or file). Not a reply: `main` prints it under redis-server's
/// `*** FATAL CONFIG FILE ERROR ***` banner.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StartupError {
    #[error("Fatal error, can't open config file '{file}': {reason}")]
    CantOpen { file: String, reason: String },
    /// A command-line word where a `--directive` was expected.
    #[error("Invalid argument '{0}'")]
    InvalidArgument(String),
    /// A config file line (1-based) and its text.
    #[error("Reading the configuration file, at line {line}\n>>> '{text}'\nUnbalanced quotes in configuration line")]
    UnbalancedQuotes { line: usize, text: String },
    /// A known directive with a value its kind refuses: the name, and why.
    #[error("Bad directive or wrong number of arguments: '{0}' {1}")]
    BadDirective(String, ConfigReason),
}

pub type CmdResult<T> = Result<T, Error>;

impl Error {
    /// An `ERR`-coded error with the given message.
    pub fn err(msg: impl std::fmt::Display) -> Error {
        Error::Other(format!("ERR {msg}"))
    }

    /// The arity error for a command name as the client typed it.
    pub fn arity(name: &[u8]) -> Error {
        Error::WrongArity(String::from_utf8_lossy(name).to_lowercase())
    }

    /// The unknown-command error: the name and the first arguments, quoted,
    /// cut at 128 characters as Redis cuts them.
    pub fn unknown_command(args: &[bytes::Bytes]) -> Error {
        let name = trunc(&args[0], 128);
        let mut rest = String::new();
        for a in &args[1..] {
            if rest.len() >= 128 {
                break;
            }
            let room = 128 - rest.len();
            rest.push('\'');
            rest.push_str(&trunc(a, room));
            rest.push_str("' ");
        }
        Error::UnknownCommand(name, rest)
    }

    pub fn unknown_subcommand(cmd: &[u8], sub: &[u8]) -> Error {
        Error::UnknownSubcommand(trunc(sub, 128), String::from_utf8_lossy(cmd).to_uppercase())
    }

    /// The error code: the first word of the text (`ERR`, `WRONGTYPE`, ...).
    pub fn code(&self) -> String {
        let s = self.to_string();
        s.split(' ').next().unwrap_or("ERR").to_string()
    }
}

/// The exact wire bytes of the unknown-command error for `args`. The
/// [`Error::UnknownCommand`] text is a Rust string, so argument bytes that
/// are not UTF-8 would be altered in it; Redis sends them as they are.
pub fn unknown_command_wire(args: &[bytes::Bytes]) -> bytes::Bytes {
    let mut msg = b"-ERR unknown command '".to_vec();
    msg.extend_from_slice(cstr(&args[0], 128));
    msg.extend_from_slice(b"', with args beginning with: ");
    let mut rest = Vec::new();
    for a in &args[1..] {
        if rest.len() >= 128 {
            break;
        }
        let room = 128 - rest.len();
        rest.push(b'\'');
        rest.extend_from_slice(cstr(a, room));
        rest.extend_from_slice(b"' ");
    }
    msg.extend_from_slice(&rest);
    wire_error(msg)
}

/// The exact wire bytes of the unknown-subcommand error (see [`unknown_command_wire`]).
pub fn unknown_subcommand_wire(cmd: &[u8], sub: &[u8]) -> bytes::Bytes {
    let mut msg = b"-ERR unknown subcommand '".to_vec();
    msg.extend_from_slice(cstr(sub, 128));
    msg.extend_from_slice(b"'. Try ");
    msg.extend(cstr(cmd, usize::MAX).iter().map(u8::to_ascii_uppercase));
    msg.extend_from_slice(b" HELP.");
    wire_error(msg)
}

/// Ends an error line, replacing CR and LF inside it with spaces as Redis does.
fn wire_error(mut msg: Vec<u8>) -> bytes::Bytes {
    for c in msg.iter_mut() {
        if *c == b'\r' || *c == b'\n' {
            *c = b' ';
        }
    }
    msg.extend_from_slice(b"\r\n");
    msg.into()
}

/// `%.*s`: at most `max` bytes, stopping at a NUL.
fn cstr(b: &[u8], max: usize) -> &[u8] {
    let b = match b.iter().position(|&c| c == 0) {
        Some(z) => &b[..z],
        None => b,
    };
    &b[..b.len().min(max)]
}

/// Redis formats these with `%.*s`, which also stops at a NUL byte.
fn trunc(b: &[u8], max: usize) -> String {
    let b = match b.iter().position(|&c| c == 0) {
        Some(z) => &b[..z],
        None => b,
    };
    let b = &b[..b.len().min(max)];
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn texts_match_redis() {
        assert_eq!(
            Error::arity(b"XADD").to_string(),
            "ERR wrong number of arguments for 'xadd' command"
        );
        let args = [Bytes::from("foo"), Bytes::from("a"), Bytes::from("b")];
        assert_eq!(
            Error::unknown_command(&args).to_string(),
            "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
        );
        assert_eq!(
            Error::unknown_subcommand(b"config", b"nope").to_string(),
            "ERR unknown subcommand 'nope'. Try CONFIG HELP."
        );
        assert_eq!(Error::WrongType.code(), "WRONGTYPE");
    }

    #[test]
    fn server_texts() {
        use ConfigReason as R;
        use ServerError as S;
        let s = |x: &str| x.to_string();
        let table: &[(ServerError, &str)] = &[
            (S::BadClientName, "ERR Client names cannot contain spaces, newlines or special characters."),
            (S::UnrecognizedOption(s("LIB-X")), "ERR Unrecognized option 'LIB-X'"),
            (S::BadClientAttr(s("lib-name")), "ERR lib-name cannot contain spaces, newlines or special characters."),
            (S::UnknownClientType(s("x")), "ERR Unknown client type 'x'"),
            (S::InvalidClientId, "ERR Invalid client ID"),
            (S::ClientIdNotPositive, "ERR client-id should be greater than 0"),
            (S::MaxAgeNotInteger, "ERR maxage is not an integer or out of range"),
            (S::MaxAgeNotPositive, "ERR maxage should be greater than 0"),
            (S::NoSuchUser(s("bob")), "ERR No such user 'bob'"),
            (S::NoSuchClient, "ERR No such client"),
            (S::ProtoverNotInteger, "ERR Protocol version is not an integer or out of range"),
            (S::HelloSyntax(s("x")), "ERR Syntax error in HELLO option 'x'"),
            (S::HelloNoAuth, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"),
            (S::MaxClients, "ERR max number of clients reached"),
            (S::ExecAbortArity(s("exec")), "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"),
            (S::NoShutdownInProgress, "ERR No shutdown in progress."),
            (S::FunctionFlushMode, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
            (S::GetKeysInvalidCommand, "ERR Invalid command specified"),
            (S::GetKeysNoKeys, "ERR The command has no key arguments"),
            (S::GetKeysArity, "ERR Invalid number of arguments specified for command"),
            (S::GetKeysInvalidArgs, "ERR Invalid arguments specified for command"),
            (S::ConfigUnknown(s("nosuch")), "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"),
            (S::ConfigSetFailed(s("port"), R::NotBool), "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be 'yes' or 'no'"),
            (S::ConfigSetFailed(s("a"), R::NotOneOf(s("x, y"))), "ERR CONFIG SET failed (possibly related to argument 'a') - argument(s) must be one of the following: x, y"),
            (S::ConfigSetFailed(s("a"), R::NotMemory), "ERR CONFIG SET failed (possibly related to argument 'a') - argument must be a memory value"),
            (S::ConfigSetFailed(s("a"), R::NotInteger), "ERR CONFIG SET failed (possibly related to argument 'a') - argument couldn't be parsed into an integer"),
            (S::ConfigSetFailed(s("a"), R::OutOfRange(0, 65535)), "ERR CONFIG SET failed (possibly related to argument 'a') - argument must be between 0 and 65535 inclusive"),
            (S::ConfigSetFailed(s("a"), R::Duplicate), "ERR CONFIG SET failed (possibly related to argument 'a') - duplicate parameter"),
            (S::ConfigSetFailed(s("dir"), R::Protected), "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"),
            (S::ConfigSetFailed(s("port"), R::Immutable), "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config"),
        ];
        for (e, text) in table {
            assert_eq!(e.to_string(), *text);
            assert_eq!(Error::from(e.clone()).to_string(), *text, "transparent");
        }
        assert_eq!(
            StartupError::BadDirective(s("port"), R::NotInteger).to_string(),
            "Bad directive or wrong number of arguments: 'port' argument couldn't be parsed into an integer"
        );
        assert_eq!(
            StartupError::UnbalancedQuotes { line: 3, text: s("a \"b") }.to_string(),
            "Reading the configuration file, at line 3\n>>> 'a \"b'\nUnbalanced quotes in configuration line"
        );
    }
}
