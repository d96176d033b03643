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
}

/// Errors of the stream family, texts as Redis 8.0's `t_stream.c` sends them
/// (Redis 8.x's for the 8.x commands and options: docs/redis8.md).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StreamError {
    // ---- IDs ----
    /// Any malformed ID argument.
    #[error("ERR Invalid stream ID specified as stream command argument")]
    InvalidId,
    #[error("ERR invalid start ID for the interval")]
    InvalidIntervalStart,
    #[error("ERR invalid end ID for the interval")]
    InvalidIntervalEnd,

    // ---- XADD / XTRIM ----
    #[error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")]
    MaxlenAndMinid,
    #[error("ERR The MAXLEN argument must be >= 0.")]
    MaxlenNegative,
    #[error("ERR The LIMIT argument must be >= 0.")]
    LimitNegative,
    #[error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")]
    LimitWithoutStrategy,
    #[error("ERR syntax error, XTRIM must be called with a trimming strategy")]
    XtrimWithoutStrategy,
    #[error("ERR syntax error, LIMIT cannot be used without the special ~ option")]
    LimitWithoutApprox,
    #[error("ERR The ID specified in XADD must be greater than 0-0")]
    XaddZeroId,
    #[error("ERR The stream has exhausted the last possible ID, unable to add more items")]
    IdsExhausted,
    #[error("ERR The ID specified in XADD is equal or smaller than the target stream top item")]
    XaddIdTooSmall,
    #[error("ERR Elements are too large to be stored")]
    ElementsTooLarge,
    #[error("ERR syntax error, IDMP/IDMPAUTO specified multiple times")]
    IdmpTwice,
    #[error("ERR syntax error, IDMPAUTO requires a non-empty producer ID")]
    IdmpautoEmptyPid,
    #[error("ERR syntax error, IDMP requires a non-empty producer ID")]
    IdmpEmptyPid,
    #[error("ERR syntax error, IDMP requires a non-empty idempotent ID")]
    IdmpEmptyIid,
    #[error("ERR syntax error, IDMP/IDMPAUTO can be used only with auto-generated IDs")]
    IdmpExplicitId,

    // ---- XSETID ----
    #[error("ERR entries_added must be positive")]
    EntriesAddedNegative,
    #[error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")]
    XsetidBelowMaxDeleted,
    #[error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id")]
    XsetidBelowCurrentMaxDeleted,
    #[error("ERR The ID specified in XSETID is smaller than the target stream top item")]
    XsetidBelowTop,
    #[error("ERR The entries_added specified in XSETID is smaller than the target stream length")]
    XsetidEntriesAddedBelowLength,

    // ---- XCFGSET ----
    #[error("ERR IDMP-DURATION specified multiple times")]
    IdmpDurationTwice,
    /// Smallest and largest allowed.
    #[error("ERR IDMP-DURATION must be between {0} and {1} seconds")]
    IdmpDurationRange(i64, i64),
    #[error("ERR IDMP-MAXSIZE specified multiple times")]
    IdmpMaxsizeTwice,
    /// Smallest and largest allowed.
    #[error("ERR IDMP-MAXSIZE must be between {0} and {1} entries")]
    IdmpMaxsizeRange(i64, i64),
    #[error("ERR At least one parameter must be specified")]
    XcfgsetNothing,

    // ---- the IDS block (XDELEX, XACKDEL) ----
    #[error("ERR Number of IDs must be a positive integer")]
    NumidsNotPositive,
    #[error("ERR The `numids` parameter must match the number of arguments")]
    NumidsMismatch,
    #[error("ERR IDS option is required")]
    IdsRequired,

    // ---- XNACK ----
    #[error("ERR mode must be SILENT, FAIL, or FATAL")]
    XnackMode,
    #[error("ERR numids must be a positive integer")]
    XnackNumidsNotPositive,
    #[error("ERR number of IDs doesn't match numids")]
    XnackNumidsMismatch,
    #[error("ERR Invalid RETRYCOUNT value, must be >= 0")]
    XnackRetrycountNegative,
    /// The option as given.
    #[error("ERR Unrecognized XNACK option '{0}'")]
    XnackOption(String),
    #[error("ERR syntax error, expected IDS keyword")]
    XnackIdsRequired,

    // ---- XREAD / XREADGROUP ----
    /// Both name the command as Redis's `fullname`, lowercase in quotes.
    #[error("ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be specified.")]
    UnbalancedXread,
    #[error("ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.")]
    UnbalancedXreadgroup,
    #[error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")]
    GroupInXread,
    #[error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")]
    NoackInXread,
    #[error("ERR The CLAIM option is only supported by XREADGROUP. You called XREAD instead.")]
    ClaimInXread,
    #[error("ERR Missing GROUP option for XREADGROUP")]
    MissingGroup,
    #[error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")]
    NewIdInXread,
    #[error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")]
    LastIdInXreadgroup,
    #[error("ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.")]
    MaxIdInXreadgroup,
    #[error("ERR min-idle-time is not an integer or out of range")]
    ClaimMinIdleNotInteger,
    #[error("ERR min-idle-time must be a positive integer")]
    ClaimMinIdleNegative,
    /// `MAXCOUNT` or `MAXSIZE`.
    #[error("ERR {0} is not an integer or out of range")]
    CapNotInteger(&'static str),
    /// `MAXCOUNT` or `MAXSIZE`.
    #[error("ERR {0} must be a positive integer")]
    CapNotPositive(&'static str),
    #[error("ERR MAXCOUNT must be greater than or equal to COUNT")]
    MaxcountBelowCount,

    // ---- XGROUP ----
    #[error("ERR value for ENTRIESREAD must be positive or -1")]
    EntriesReadNegative,
    #[error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")]
    XgroupNoKey,

    // ---- XCLAIM / XAUTOCLAIM ----
    #[error("ERR Invalid min-idle-time argument for XCLAIM")]
    XclaimMinIdle,
    #[error("ERR Invalid IDLE option argument for XCLAIM")]
    XclaimIdle,
    #[error("ERR Invalid TIME option argument for XCLAIM")]
    XclaimTime,
    #[error("ERR Invalid RETRYCOUNT option argument for XCLAIM")]
    XclaimRetrycount,
    /// The option as given.
    #[error("ERR Unrecognized XCLAIM option '{0}'")]
    XclaimOption(String),
    #[error("ERR Invalid min-idle-time argument for XAUTOCLAIM")]
    XautoclaimMinIdle,
    #[error("ERR COUNT must be > 0")]
    XautoclaimCount,
    #[error("ERR Insufficient memory, failed allocating transient memory, COUNT too high.")]
    XautoclaimCountTooHigh,
}

/// Errors of the key-space (`generic`) and string families, texts as
/// Redis 7.0's `db.c`, `expire.c`, `object.c` and `t_string.c` send them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeysError {
    /// SCAN's cursor is not an unsigned 64-bit number.
    #[error("ERR invalid cursor")]
    InvalidCursor,
    /// COPY or MOVE onto the key itself (Redis's `shared.sameobjecterr`).
    #[error("ERR source and destination objects are the same")]
    SameObject,
    /// An EXPIRE-family option other than NX, XX, GT, LT (the option as typed).
    #[error("ERR Unsupported option {0}")]
    UnsupportedOption(String),
    #[error("ERR NX and XX, GT or LT options at the same time are not compatible")]
    NxWithXxGtLt,
    #[error("ERR GT and LT options at the same time are not compatible")]
    GtWithLt,
    /// OBJECT FREQ without an LFU `maxmemory-policy` (Sluice has none).
    #[error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuNotSelected,
    /// DECRBY of -2^63, whose negation does not fit.
    #[error("ERR decrement would overflow")]
    DecrementOverflow,
    #[error("ERR increment would produce NaN or Infinity")]
    NanOrInfinity,
    /// SETRANGE with a negative offset.
    #[error("ERR offset is out of range")]
    OffsetOutOfRange,
}

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

    /// Every shared variant's text, pinned to Redis's (`server.c`'s
    /// `shared.*` replies, `networking.c`, `t_stream.c`, `multi.c`). A new
    /// variant must be listed in the match below before this compiles.
    #[test]
    fn common_texts() {
        use Error as E;
        let s = |x: &str| x.to_string();
        let table: &[(Error, &str)] = &[
            (E::WrongArity(s("get")), "ERR wrong number of arguments for 'get' command"),
            (E::UnknownCommand(s("foo"), s("'a' ")), "ERR unknown command 'foo', with args beginning with: 'a' "),
            (E::UnknownSubcommand(s("x"), s("CONFIG")), "ERR unknown subcommand 'x'. Try CONFIG HELP."),
            (E::Syntax, "ERR syntax error"),
            (E::NotInteger, "ERR value is not an integer or out of range"),
            (E::NotFloat, "ERR value is not a valid float"),
            (E::TimeoutNotInteger, "ERR timeout is not an integer or out of range"),
            (E::TimeoutNegative, "ERR timeout is negative"),
            (E::TimeoutOutOfRange, "ERR timeout is out of range"),
            (E::Overflow, "ERR increment or decrement would overflow"),
            (E::NoSuchKey, "ERR no such key"),
            (E::DbIndexOutOfRange, "ERR DB index is out of range"),
            (E::InvalidExpireTime(s("set")), "ERR invalid expire time in 'set' command"),
            (E::StringTooLong, "ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
            (E::WrongType, "WRONGTYPE Operation against a key holding the wrong kind of value"),
            (E::NoAuth, "NOAUTH Authentication required."),
            (E::WrongPass, "WRONGPASS invalid username-password pair or user is disabled."),
            (E::AuthNotConfigured, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"),
            (E::NoProto, "NOPROTO unsupported protocol version"),
            (E::NestedMulti, "ERR MULTI calls can not be nested"),
            (E::ExecWithoutMulti, "ERR EXEC without MULTI"),
            (E::DiscardWithoutMulti, "ERR DISCARD without MULTI"),
            (E::WatchInMulti, "ERR WATCH inside MULTI is not allowed"),
            (E::ExecAbort, "EXECABORT Transaction discarded because of previous errors."),
            (E::NotAllowedInMulti, "ERR Command not allowed inside a transaction"),
            (E::SubcommandSyntax(s("xinfo|stream"), s("XINFO")), "ERR unknown subcommand or wrong number of arguments for 'xinfo|stream'. Try XINFO HELP."),
            (E::BusyGroup, "BUSYGROUP Consumer Group name already exists"),
            (E::NoGroupForKey(s("g"), s("s")), "NOGROUP No such consumer group 'g' for key name 's'"),
            (E::NoKeyOrGroup(s("s"), s("g")), "NOGROUP No such key 's' or consumer group 'g'"),
            (E::NoGroupReadgroup(s("s"), s("g")), "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"),
        ];
        for (e, text) in table {
            match e {
                E::WrongArity(_)
                | E::UnknownCommand(..)
                | E::UnknownSubcommand(..)
                | E::Syntax
                | E::NotInteger
                | E::NotFloat
                | E::TimeoutNotInteger
                | E::TimeoutNegative
                | E::TimeoutOutOfRange
                | E::Overflow
                | E::NoSuchKey
                | E::DbIndexOutOfRange
                | E::InvalidExpireTime(_)
                | E::StringTooLong
                | E::WrongType
                | E::NoAuth
                | E::WrongPass
                | E::AuthNotConfigured
                | E::NoProto
                | E::NestedMulti
                | E::ExecWithoutMulti
                | E::DiscardWithoutMulti
                | E::WatchInMulti
                | E::ExecAbort
                | E::NotAllowedInMulti
                | E::SubcommandSyntax(..)
                | E::BusyGroup
                | E::NoGroupForKey(..)
                | E::NoKeyOrGroup(..)
                | E::NoGroupReadgroup(..) => {}
                // Pinned by their own tables (stream_texts, keys_texts, server_texts).
                E::Stream(_) | E::Keys(_) | E::Server(_) => {}
            }
            assert_eq!(e.to_string(), *text);
        }
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

    #[test]
    fn keys_texts() {
        let table: &[(KeysError, &str)] = &[
            (KeysError::InvalidCursor, "ERR invalid cursor"),
            (
                KeysError::SameObject,
                "ERR source and destination objects are the same",
            ),
            (
                KeysError::UnsupportedOption("ZZ".into()),
                "ERR Unsupported option ZZ",
            ),
            (
                KeysError::NxWithXxGtLt,
                "ERR NX and XX, GT or LT options at the same time are not compatible",
            ),
            (
                KeysError::GtWithLt,
                "ERR GT and LT options at the same time are not compatible",
            ),
            (
                KeysError::LfuNotSelected,
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
                 Please note that when switching between policies at runtime LRU and LFU data \
                 will take some time to adjust.",
            ),
            (KeysError::DecrementOverflow, "ERR decrement would overflow"),
            (
                KeysError::NanOrInfinity,
                "ERR increment would produce NaN or Infinity",
            ),
            (KeysError::OffsetOutOfRange, "ERR offset is out of range"),
        ];
        // A new variant must be listed here (this match stops compiling)
        // and given a row above.
        for (e, _) in table {
            match e {
                KeysError::InvalidCursor
                | KeysError::SameObject
                | KeysError::UnsupportedOption(_)
                | KeysError::NxWithXxGtLt
                | KeysError::GtWithLt
                | KeysError::LfuNotSelected
                | KeysError::DecrementOverflow
                | KeysError::NanOrInfinity
                | KeysError::OffsetOutOfRange => {}
            }
        }
        for (e, text) in table {
            assert_eq!(e.to_string(), *text);
            // Through the transparent `Error::Keys`, the text is unchanged.
            assert_eq!(Error::from(e.clone()).to_string(), *text);
        }
    }

    /// Every stream error's text, as Redis sends it (`t_stream.c`, and
    /// docs/redis8.md for the 8.x commands).
    #[test]
    fn stream_texts() {
        use StreamError as S;
        let table: &[(StreamError, &str)] = &[
            (S::InvalidId, "ERR Invalid stream ID specified as stream command argument"),
            (S::InvalidIntervalStart, "ERR invalid start ID for the interval"),
            (S::InvalidIntervalEnd, "ERR invalid end ID for the interval"),
            (S::MaxlenAndMinid, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"),
            (S::MaxlenNegative, "ERR The MAXLEN argument must be >= 0."),
            (S::LimitNegative, "ERR The LIMIT argument must be >= 0."),
            (S::LimitWithoutStrategy, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"),
            (S::XtrimWithoutStrategy, "ERR syntax error, XTRIM must be called with a trimming strategy"),
            (S::LimitWithoutApprox, "ERR syntax error, LIMIT cannot be used without the special ~ option"),
            (S::XaddZeroId, "ERR The ID specified in XADD must be greater than 0-0"),
            (S::IdsExhausted, "ERR The stream has exhausted the last possible ID, unable to add more items"),
            (S::XaddIdTooSmall, "ERR The ID specified in XADD is equal or smaller than the target stream top item"),
            (S::ElementsTooLarge, "ERR Elements are too large to be stored"),
            (S::IdmpTwice, "ERR syntax error, IDMP/IDMPAUTO specified multiple times"),
            (S::IdmpautoEmptyPid, "ERR syntax error, IDMPAUTO requires a non-empty producer ID"),
            (S::IdmpEmptyPid, "ERR syntax error, IDMP requires a non-empty producer ID"),
            (S::IdmpEmptyIid, "ERR syntax error, IDMP requires a non-empty idempotent ID"),
            (S::IdmpExplicitId, "ERR syntax error, IDMP/IDMPAUTO can be used only with auto-generated IDs"),
            (S::EntriesAddedNegative, "ERR entries_added must be positive"),
            (S::XsetidBelowMaxDeleted, "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"),
            (S::XsetidBelowCurrentMaxDeleted, "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"),
            (S::XsetidBelowTop, "ERR The ID specified in XSETID is smaller than the target stream top item"),
            (S::XsetidEntriesAddedBelowLength, "ERR The entries_added specified in XSETID is smaller than the target stream length"),
            (S::IdmpDurationTwice, "ERR IDMP-DURATION specified multiple times"),
            (S::IdmpDurationRange(1, 86400), "ERR IDMP-DURATION must be between 1 and 86400 seconds"),
            (S::IdmpMaxsizeTwice, "ERR IDMP-MAXSIZE specified multiple times"),
            (S::IdmpMaxsizeRange(1, 10000), "ERR IDMP-MAXSIZE must be between 1 and 10000 entries"),
            (S::XcfgsetNothing, "ERR At least one parameter must be specified"),
            (S::NumidsNotPositive, "ERR Number of IDs must be a positive integer"),
            (S::NumidsMismatch, "ERR The `numids` parameter must match the number of arguments"),
            (S::IdsRequired, "ERR IDS option is required"),
            (S::XnackMode, "ERR mode must be SILENT, FAIL, or FATAL"),
            (S::XnackNumidsNotPositive, "ERR numids must be a positive integer"),
            (S::XnackNumidsMismatch, "ERR number of IDs doesn't match numids"),
            (S::XnackRetrycountNegative, "ERR Invalid RETRYCOUNT value, must be >= 0"),
            (S::XnackOption("BOGUS".into()), "ERR Unrecognized XNACK option 'BOGUS'"),
            (S::XnackIdsRequired, "ERR syntax error, expected IDS keyword"),
            (S::UnbalancedXread, "ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be specified."),
            (S::UnbalancedXreadgroup, "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."),
            (S::GroupInXread, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."),
            (S::NoackInXread, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."),
            (S::ClaimInXread, "ERR The CLAIM option is only supported by XREADGROUP. You called XREAD instead."),
            (S::MissingGroup, "ERR Missing GROUP option for XREADGROUP"),
            (S::NewIdInXread, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."),
            (S::LastIdInXreadgroup, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."),
            (S::MaxIdInXreadgroup, "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set."),
            (S::ClaimMinIdleNotInteger, "ERR min-idle-time is not an integer or out of range"),
            (S::ClaimMinIdleNegative, "ERR min-idle-time must be a positive integer"),
            (S::CapNotInteger("MAXCOUNT"), "ERR MAXCOUNT is not an integer or out of range"),
            (S::CapNotPositive("MAXSIZE"), "ERR MAXSIZE must be a positive integer"),
            (S::MaxcountBelowCount, "ERR MAXCOUNT must be greater than or equal to COUNT"),
            (S::EntriesReadNegative, "ERR value for ENTRIESREAD must be positive or -1"),
            (S::XgroupNoKey, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."),
            (S::XclaimMinIdle, "ERR Invalid min-idle-time argument for XCLAIM"),
            (S::XclaimIdle, "ERR Invalid IDLE option argument for XCLAIM"),
            (S::XclaimTime, "ERR Invalid TIME option argument for XCLAIM"),
            (S::XclaimRetrycount, "ERR Invalid RETRYCOUNT option argument for XCLAIM"),
            (S::XclaimOption("NOPE".into()), "ERR Unrecognized XCLAIM option 'NOPE'"),
            (S::XautoclaimMinIdle, "ERR Invalid min-idle-time argument for XAUTOCLAIM"),
            (S::XautoclaimCount, "ERR COUNT must be > 0"),
            (S::XautoclaimCountTooHigh, "ERR Insufficient memory, failed allocating transient memory, COUNT too high."),
        ];
        for (e, text) in table {
            assert_eq!(e.to_string(), *text);
            // Through the transparent `Error::Stream`, unchanged.
            assert_eq!(Error::from(e.clone()).to_string(), *text);
        }
    }
}
