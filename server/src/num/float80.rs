//! The x87 80-bit `long double` arithmetic INCRBYFLOAT needs to reply what
//! Redis replies, in software.
//!
//! Redis parses both operands with `strtold`, adds them as `long double` (a
//! 64-bit significand) and prints the sum with `%.17Lf`, trailing zeros
//! removed. An f64 sum printed any way differs from that in the last digits
//! (`5000.001` vs Redis's `5000.00099999999999989`), so this module does the
//! three steps exactly: correctly rounded decimal parsing, addition rounded
//! to nearest-even at 64 bits, and exact decimal printing. Numbers are
//! `±m × 2^e` with a normalised 64-bit `m`; big integers are only used for
//! the exact intermediate values.
//!
//! Input is decimal or hexadecimal (`0x1.8p3`), as `strtold` reads it. Not
//! emulated: subnormal values (accepted, but held as zero: they are far
//! below anything `%.17Lf` prints or a normal sum can notice).

use std::cmp::Ordering;

/// Smallest and largest binary exponent of a normal x87 extended value,
/// expressed for `m × 2^e` with `m` in [2^63, 2^64).
const E_MIN: i64 = -16382 - 63;
const E_MAX: i64 = 16383 - 63;

/// A finite extended-precision value: `(-1)^neg × m × 2^e`; zero has `m == 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F80 {
    pub neg: bool,
    pub m: u64,
    pub e: i64,
}

/// The result of parsing: a finite value, or an infinity (`inf` input or overflow).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parsed {
    Finite(F80),
    Inf(bool),
}

// ------------------------------------------------------------------ BigUint

/// Little-endian base 2^32 natural number (only what this module needs).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u64 - 1) * 32 + (32 - top.leading_zeros() as u64),
        }
    }
    fn bit(&self, i: u64) -> bool {
        let w = (i / 32) as usize;
        w < self.0.len() && (self.0[w] >> (i % 32)) & 1 == 1
    }
    /// True when any bit below position `i` is set.
    fn any_below(&self, i: u64) -> bool {
        let w = (i / 32) as usize;
        for (j, &x) in self.0.iter().enumerate() {
            if j < w && x != 0 {
                return true;
            }
            if j == w {
                return x & ((1u32 << (i % 32)) - 1) != 0;
            }
        }
        false
    }
    fn mul_small(&mut self, k: u32) {
        let mut carry = 0u64;
        for x in self.0.iter_mut() {
            let v = *x as u64 * k as u64 + carry;
            *x = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    fn add_small(&mut self, k: u32) {
        let mut carry = k as u64;
        for x in self.0.iter_mut() {
            let v = *x as u64 + carry;
            *x = v as u32;
            carry = v >> 32;
            if carry == 0 {
                return;
            }
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }
    fn pow10(n: u64) -> Big {
        let mut b = Big::from_u64(1);
        let mut left = n;
        while left > 0 {
            let step = left.min(9);
            b.mul_small(10u32.pow(step as u32));
            left -= step;
        }
        b
    }
    fn shl(&self, n: u64) -> Big {
        if self.is_zero() {
            return self.clone();
        }
        let words = (n / 32) as usize;
        let bits = n % 32;
        let mut out = vec![0u32; words];
        let mut carry = 0u32;
        for &x in &self.0 {
            if bits == 0 {
                out.push(x);
            } else {
                out.push((x << bits) | carry);
                carry = x >> (32 - bits);
            }
        }
        if carry > 0 {
            out.push(carry);
        }
        let mut b = Big(out);
        b.trim();
        b
    }
    fn shr(&self, n: u64) -> Big {
        let words = (n / 32) as usize;
        if words >= self.0.len() {
            return Big(vec![]);
        }
        let bits = n % 32;
        let src = &self.0[words..];
        let mut out = Vec::with_capacity(src.len());
        for i in 0..src.len() {
            let lo = src[i] >> bits;
            let hi = if bits > 0 && i + 1 < src.len() {
                src[i + 1] << (32 - bits)
            } else {
                0
            };
            out.push(lo | hi);
        }
        let mut b = Big(out);
        b.trim();
        b
    }
    fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let v = *self.0.get(i).unwrap_or(&0) as u64 + *o.0.get(i).unwrap_or(&0) as u64 + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Big(out)
    }
    /// `self - o`, requires `self >= o`.
    fn sub(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut v = self.0[i] as i64 - *o.0.get(i).unwrap_or(&0) as i64 - borrow;
            borrow = 0;
            if v < 0 {
                v += 1 << 32;
                borrow = 1;
            }
            out.push(v as u32);
        }
        let mut b = Big(out);
        b.trim();
        b
    }
    /// Quotient and remainder (bitwise long division; operands here are small
    /// except for extreme exponents, where it is still only milliseconds).
    fn divrem(&self, d: &Big) -> (Big, Big) {
        let mut q = Big(vec![0; self.0.len()]);
        let mut r = Big(vec![]);
        for i in (0..self.bits()).rev() {
            r = r.shl(1);
            if self.bit(i) {
                r.add_small(1);
            }
            if r.cmp(d) != Ordering::Less {
                r = r.sub(d);
                q.0[(i / 32) as usize] |= 1 << (i % 32);
            }
        }
        q.trim();
        (q, r)
    }
    fn to_u64(&self) -> u64 {
        *self.0.first().unwrap_or(&0) as u64 | (*self.0.get(1).unwrap_or(&0) as u64) << 32
    }
    /// Divides in place by a small number; returns the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for x in self.0.iter_mut().rev() {
            let cur = (rem << 32) | *x as u64;
            *x = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        self.trim();
        rem as u32
    }
    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut parts = Vec::new();
        let mut cur = self.clone();
        while !cur.is_zero() {
            parts.push(cur.div_small(1_000_000_000));
        }
        let mut s = parts.last().expect("nonzero").to_string();
        for p in parts.iter().rev().skip(1) {
            s.push_str(&format!("{p:09}"));
        }
        s
    }
}

// ------------------------------------------------------------------ rounding

/// Rounds `n × 2^e` to a 64-bit significand (nearest, ties to even), `sticky`
/// telling whether the true value is a little more than `n × 2^e`.
fn round(neg: bool, n: &Big, e: i64, sticky: bool) -> Parsed {
    if n.is_zero() {
        return Parsed::Finite(F80 { neg, m: 0, e: 0 });
    }
    let bits = n.bits() as i64;
    let (mut m, mut e) = if bits <= 64 {
        (n.to_u64() << (64 - bits), e - (64 - bits))
    } else {
        let shift = (bits - 64) as u64;
        let mut m = n.shr(shift).to_u64();
        let half = n.bit(shift - 1);
        let rest = sticky || n.any_below(shift - 1);
        let mut e = e + shift as i64;
        if half && (rest || m & 1 == 1) {
            m = m.wrapping_add(1);
            if m == 0 {
                m = 1 << 63;
                e += 1;
            }
        }
        (m, e)
    };
    if e > E_MAX {
        return Parsed::Inf(neg);
    }
    if e < E_MIN {
        // Subnormal or underflow: reported as zero (callers reject it, as
        // strtold's ERANGE makes Redis do).
        e = 0;
        m = 0;
    }
    Parsed::Finite(F80 { neg, m, e })
}

// ------------------------------------------------------------------ parsing

/// Parses like glibc's `strtold` over the whole string, as Redis's
/// `string2ld` requires: decimal (`1.5e3`), hexadecimal (`0x1.8p3`), and
/// `inf`/`infinity` (case-insensitive), each with an optional sign. None: not
/// a number, NaN (Redis rejects it), or out of range (strtold's ERANGE with
/// an infinite or zero result, which Redis rejects too).
///
/// The grammar is strtold's, and a string is accepted only when strtold
/// would consume all of it: a mantissa with at least one digit and at most
/// one dot, then optionally `e`/`p` (decimal/hex), an optional sign and at
/// least one decimal digit. Whatever strtold would leave unconsumed (`1e`,
/// `1e+-5`, `0x`, `0xp1`, `0x.p1`, spaces, NUL bytes) makes it None.
pub fn parse(s: &[u8]) -> Option<Parsed> {
    // Redis's string2ld refuses strings of MAX_LONG_DOUBLE_CHARS or more.
    if s.len() >= 5 * 1024 {
        return None;
    }
    let (neg, rest) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(Parsed::Inf(neg));
    }
    // `0x` starts a hex float only when a hex digit, or a dot and a hex
    // digit, follows; otherwise strtold reads just the `0` and stops at the
    // `x`, which leaves the string unconsumed.
    if rest.len() > 2 && rest[0] == b'0' && rest[1] | 0x20 == b'x' {
        return parse_hex(neg, &rest[2..]);
    }
    parse_decimal(neg, rest)
}

/// The digits of a mantissa in `radix` (10 or 16): `digits [. digits]`.
struct Mantissa {
    /// All digits as one integer, the dot ignored.
    n: Big,
    /// Digits after the dot.
    frac: i64,
    /// Digits from the first nonzero one on (a cheap magnitude estimate).
    significant: i64,
    /// Bytes consumed.
    len: usize,
}

/// Scans a mantissa; None when it has no digit at all.
fn scan_mantissa(s: &[u8], radix: u32) -> Option<Mantissa> {
    let mut m = Mantissa {
        n: Big(vec![]),
        frac: 0,
        significant: 0,
        len: 0,
    };
    let mut seen_dot = false;
    let mut any = false;
    for &c in s {
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(radix) {
            any = true;
            if m.significant > 0 || d != 0 {
                m.significant += 1;
            }
            if !m.n.is_zero() || d != 0 {
                m.n.mul_small(radix);
                m.n.add_small(d);
            }
            if seen_dot {
                m.frac += 1;
            }
        } else {
            break;
        }
        m.len += 1;
    }
    any.then_some(m)
}

/// The exponent part, `s` starting at its marker (`e` or `p`, already
/// checked): an optional sign and at least one decimal digit, to the end of
/// the string. Clamped to ±1,000,000 (anything that large is out of range
/// whatever the mantissa, which has at most 5 KiB of digits).
fn scan_exponent(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.get(1) {
        Some(b'-') => (true, &s[2..]),
        Some(b'+') => (false, &s[2..]),
        _ => (false, &s[1..]),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = digits.iter().fold(0i64, |acc, &c| {
        (acc * 10 + (c - b'0') as i64).min(1_000_000)
    });
    Some(if neg { -v } else { v })
}

/// Mantissa and exponent of a whole string; None when anything is left over.
fn scan(s: &[u8], radix: u32, marker: u8) -> Option<(Mantissa, i64)> {
    let m = scan_mantissa(s, radix)?;
    let exp = match s.get(m.len) {
        None => 0,
        Some(&c) if c | 0x20 == marker => scan_exponent(&s[m.len..])?,
        Some(_) => return None,
    };
    Some((m, exp))
}

fn zero(neg: bool) -> Parsed {
    Parsed::Finite(F80 { neg, m: 0, e: 0 })
}

fn parse_decimal(neg: bool, s: &[u8]) -> Option<Parsed> {
    let (m, exp) = scan(s, 10, b'e')?;
    if m.n.is_zero() {
        // `0e99999` is zero, not an overflow.
        return Some(zero(neg));
    }
    let digits = m.n;
    let exp10 = exp - m.frac;
    // Quick range rejection before building huge powers of ten.
    let mag = m.significant + exp10;
    if mag > 4940 {
        // strtold's overflow (ERANGE with HUGE_VAL): Redis rejects it.
        return None;
    }
    if mag < -4960 {
        // strtold's underflow (ERANGE with a zero result): Redis rejects it.
        return None;
    }
    if exp10 >= 0 {
        let n = mul(&digits, &Big::pow10(exp10 as u64));
        return match round(neg, &n, 0, false) {
            Parsed::Inf(_) => None,
            finite => Some(finite),
        };
    }
    let p = Big::pow10((-exp10) as u64);
    let s = (67 + p.bits() as i64 - digits.bits() as i64).max(0) as u64;
    let (q, r) = digits.shl(s).divrem(&p);
    match round(neg, &q, -(s as i64), !r.is_zero()) {
        Parsed::Finite(f) if f.m == 0 => {
            // Below the normal range. strtold still returns a subnormal
            // (which Redis accepts) down to 2^-16445, and about half of
            // that rounds up to it; below, the result is zero and Redis
            // rejects it. A subnormal is far below the 17 printed decimals
            // and below half an ulp of any normal sum, so zero stands in.
            let top = q.bits() as i64 - 1 - s as i64;
            let rounds_up = top == -16446 && (q.any_below(q.bits() - 1) || !r.is_zero());
            (top >= -16445 || rounds_up).then_some(Parsed::Finite(f))
        }
        other => Some(other),
    }
}

/// A hex float: the value is exactly `n × 2^(exp - 4 × frac)`, so only the
/// final rounding to 64 bits is needed.
fn parse_hex(neg: bool, s: &[u8]) -> Option<Parsed> {
    let (m, exp) = scan(s, 16, b'p')?;
    if m.n.is_zero() {
        return Some(zero(neg));
    }
    let e = exp - 4 * m.frac;
    // floor(log2(value)); the range checks come before any shifting.
    let top = m.n.bits() as i64 - 1 + e;
    if top > E_MAX + 63 {
        return None;
    }
    if top < E_MIN + 63 {
        // Subnormal (Redis accepts it; zero stands in, as for decimals) or
        // zero after rounding (strtold's ERANGE with zero: rejected). Below
        // 2^-16446 it is zero. At [2^-16446, 2^-16445) glibc's hex path
        // rounds with the value's top bit as the rounding bit and only the
        // next 63 bits and the bits after the 65th as sticky bits: the 65th
        // bit, its own rounding bit from the mantissa scan, is dropped, so
        // `0x1.0000000000000001p-16446` is zero to it (Redis rejects it)
        // while `0x1.0000000000000002p-16446` rounds up (accepted).
        if top < E_MIN - 1 {
            return None;
        }
        if top == E_MIN - 1 {
            let b = m.n.bits() - 1;
            let sticky = if b >= 64 {
                m.n.shr(b - 63).any_below(63) || m.n.any_below(b - 64)
            } else {
                m.n.any_below(b)
            };
            if !sticky {
                return None;
            }
        }
        return Some(zero(neg));
    }
    match round(neg, &m.n, e, false) {
        Parsed::Inf(_) => None,
        finite => Some(finite),
    }
}

fn mul(a: &Big, b: &Big) -> Big {
    let mut out = vec![0u32; a.0.len() + b.0.len()];
    for (i, &x) in a.0.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.0.iter().enumerate() {
            let v = out[i + j] as u64 + x as u64 * y as u64 + carry;
            out[i + j] = v as u32;
            carry = v >> 32;
        }
        let mut k = i + b.0.len();
        while carry > 0 {
            let v = out[k] as u64 + carry;
            out[k] = v as u32;
            carry = v >> 32;
            k += 1;
        }
    }
    let mut r = Big(out);
    r.trim();
    r
}

// ------------------------------------------------------------------ addition

/// `a + b` rounded to nearest-even at 64 bits; Inf on overflow.
pub fn add(a: F80, b: F80) -> Parsed {
    if a.m == 0 {
        return Parsed::Finite(b);
    }
    if b.m == 0 {
        return Parsed::Finite(a);
    }
    // Order by exponent; a much smaller operand only nudges rounding, and
    // below half an ulp it never changes the result.
    let (hi, lo) = if a.e >= b.e { (a, b) } else { (b, a) };
    if hi.e - lo.e > 140 {
        return Parsed::Finite(hi);
    }
    let shift = (hi.e - lo.e) as u64;
    let x = Big::from_u64(hi.m).shl(shift);
    let y = Big::from_u64(lo.m);
    let (neg, n) = if hi.neg == lo.neg {
        (hi.neg, x.add(&y))
    } else {
        match x.cmp(&y) {
            Ordering::Less => (lo.neg, y.sub(&x)),
            Ordering::Greater => (hi.neg, x.sub(&y)),
            Ordering::Equal => {
                return Parsed::Finite(F80 {
                    neg: false,
                    m: 0,
                    e: 0,
                })
            }
        }
    };
    round(neg, &n, lo.e, false)
}

// ------------------------------------------------------------------ printing

/// `%.17Lf` of the exact value (ties to even, as glibc prints).
pub fn format_17f(v: F80) -> String {
    let mut digits = if v.e >= 0 {
        Big::from_u64(v.m).shl(v.e as u64).to_decimal() + &"0".repeat(17)
    } else {
        let mut x = Big::from_u64(v.m);
        x = mul(&x, &Big::pow10(17));
        let sh = (-v.e) as u64;
        let mut q = x.shr(sh);
        let half = x.bit(sh - 1);
        let rest = x.any_below(sh - 1);
        if half && (rest || q.bit(0)) {
            q.add_small(1);
        }
        q.to_decimal()
    };
    if digits.len() < 18 {
        digits = "0".repeat(18 - digits.len()) + &digits;
    }
    let (int, frac) = digits.split_at(digits.len() - 17);
    format!("{}{int}.{frac}", if v.neg { "-" } else { "" })
}

/// Redis's `ld2string(..., LD_STR_HUMAN)` for a finite value: `%.17Lf` with
/// trailing zeros (and a trailing dot) removed, and `-0` printed as `0`.
pub fn format_human(v: F80) -> String {
    let s = format_17f(v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> F80 {
        match parse(s.as_bytes()).unwrap() {
            Parsed::Finite(f) => f,
            Parsed::Inf(_) => panic!("inf"),
        }
    }

    fn incr(a: &str, b: &str) -> String {
        match add(p(a), p(b)) {
            Parsed::Finite(f) => format_human(f),
            Parsed::Inf(_) => "inf".into(),
        }
    }

    #[test]
    fn sums_match_redis_long_double() {
        // Replies of Redis 7.0 (x86-64, long double) to INCRBYFLOAT.
        assert_eq!(incr("1.5", "0.1"), "1.6");
        assert_eq!(incr("10.5", "0.1"), "10.6");
        assert_eq!(incr("5000", "1e-3"), "5000.00099999999999989");
        assert_eq!(incr("3002.5", "0.1"), "3002.60000000000000009");
        assert_eq!(incr("0.1", "0.2"), "0.3");
        assert_eq!(incr("5", "-5"), "0");
        assert_eq!(incr("1.6", "-1.6"), "0");
        assert_eq!(incr("3.0e3", "1"), "3001");
        assert_eq!(incr("0", "1.23456789012345678"), "1.23456789012345678");
    }

    #[test]
    fn parse_edges() {
        assert!(parse(b"").is_none());
        assert!(parse(b"abc").is_none());
        assert!(parse(b"1e").is_none());
        assert!(parse(b"1.2.3").is_none());
        assert_eq!(parse(b"inf"), Some(Parsed::Inf(false)));
        assert_eq!(parse(b"-Infinity"), Some(Parsed::Inf(true)));
        assert!(parse(b"nan").is_none());
        assert_eq!(parse(b"1e5000"), None, "overflow is rejected like ERANGE");
        assert_eq!(parse(b"1e4933"), None);
        assert!(parse(b"1e4932").is_some());
        assert!(parse(b"1e-4940").is_some(), "subnormals are accepted");
        assert!(parse(b"1e-4952").is_none(), "underflow to zero is rejected");
        assert_eq!(format_human(p("123")), "123");
        assert_eq!(format_human(p("-0.5")), "-0.5");
        assert_eq!(format_human(p(".5")), "0.5");
        assert_eq!(format_human(p("1e20")), "100000000000000000000");
        assert_eq!(format_human(p("1e-30")), "0");
        assert!(parse(b"1e-6000").is_none());
    }

    #[test]
    fn hex_and_grammar_like_strtold() {
        // Replies of Redis 7.0.15 (glibc strtold) to INCRBYFLOAT on a new key.
        assert_eq!(incr("0", "0x10"), "16");
        assert_eq!(incr("0", "0x1p3"), "8");
        assert_eq!(incr("0", "-0X1.8P1"), "-3");
        assert_eq!(incr("0", "0x.8"), "0.5");
        assert_eq!(incr("0", "0x1e5"), "485");
        assert_eq!(incr("0", "0x1p0010"), "1024");
        assert_eq!(incr("0", "0x1.ffffffffffffffffffp0"), "2");
        assert_eq!(incr("0.1", "0x.1"), "0.1625");
        for bad in [
            "0x",
            "0xp1",
            "0x.p1",
            "0x.",
            "0x0p",
            "0x1p",
            "0x1p+",
            "0x+1",
            "-0x-1",
            "0x1 ",
            "1e+-5",
            "0e--5",
            "0e+-5",
            "1e",
            ".",
            "+.",
            "+",
            "-",
            "1_0",
            "infinit",
            "nan(1)",
            "1\0",
            "0x1p16384",
            "0x1.fffffffffffffffffffp16383",
            "0x1p-99999",
            "0x1p-16446",
            "0x1.0000000000000001p-16446",
            "0x2p-16447",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
        for sub in [
            "0x1p-16445",
            "0x1.0000000000000002p-16446",
            "0x1.00000000000000008p-16446",
            "0x0.8000000000000001p-16445",
            "0x1.8p-16446",
        ] {
            assert_eq!(format_human(p(sub)), "0", "{sub:?}");
        }
        assert!(parse(b"0x1p16383").is_some());
        assert_eq!(format_human(p("0x0p999999999999")), "0");
        assert_eq!(format_human(p("0e99999999999999999999")), "0");
        assert_eq!(format_human(p("1.e1")), "10");
    }
}
