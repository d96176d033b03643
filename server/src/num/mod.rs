//! Numeric formats the commands share but that are not commands: exact
//! emulations of the C arithmetic Redis replies with, so Sluice's digits
//! are Redis's digits.
//!
//! - [`float80`]: x87 80-bit `long double` parsing (`strtold`), addition and
//!   printing (`%.17Lf`), for INCRBYFLOAT.

pub mod float80;
