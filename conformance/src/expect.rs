//! `=>` expectations: the readable reply syntax of COMMON.md, parsed into
//! [`Exp`] and turned into the exact [`V`] a server must send in RESP2 or RESP3.
//!
//! ```text
//! => "text"      bulk string (escapes \" \\ \r \n \t \xNN)
//! => +OK         status (the rest of the line)      => -ERR text   error (the rest of the line)
//! => 5           integer                            => nil / nilarray   $-1 / *-1 (RESP3: _)
//! => ["a", 5, ["b"], nil, -"ERR nested", +"OK"]     array, nested
//! => {"k": 5}    map (RESP2: flat array)            => ~["a"]   set (RESP2: array)
//! => ,1.5        double (RESP2: bulk "1.5")         => #t / #f  bool (RESP2: 1 / 0)
//! => =txt:"x"    verbatim (RESP2: bulk "x")         => >["a"]   push (RESP2: array)
//! ```

use crate::resp::V;
use bytes::Bytes;

#[derive(Clone, Debug, PartialEq)]
pub enum Exp {
    Bulk(Bytes),
    Status(Bytes),
    Error(Bytes),
    Int(i64),
    Nil,
    NilArray,
    Array(Vec<Exp>),
    Map(Vec<(Exp, Exp)>),
    Set(Vec<Exp>),
    Push(Vec<Exp>),
    Double(Bytes),
    Bool(bool),
    Verbatim(Bytes, Bytes),
}

impl Exp {
    /// The exact reply a server must send for this expectation.
    pub fn to_v(&self, resp3: bool) -> V {
        let all = |xs: &[Exp]| xs.iter().map(|x| x.to_v(resp3)).collect::<Vec<_>>();
        match self {
            Exp::Bulk(b) => V::Bulk(b.clone()),
            Exp::Status(s) => V::Simple(s.clone()),
            Exp::Error(s) => V::Error(s.clone()),
            Exp::Int(n) => V::Int(*n),
            Exp::Nil if resp3 => V::Null,
            Exp::Nil => V::NullBulk,
            Exp::NilArray if resp3 => V::Null,
            Exp::NilArray => V::NullArray,
            Exp::Array(xs) => V::Array(all(xs)),
            Exp::Set(xs) if resp3 => V::Set(all(xs)),
            Exp::Push(xs) if resp3 => V::Push(all(xs)),
            Exp::Set(xs) | Exp::Push(xs) => V::Array(all(xs)),
            Exp::Map(ps) if resp3 => V::Map(
                ps.iter()
                    .map(|(k, v)| (k.to_v(resp3), v.to_v(resp3)))
                    .collect(),
            ),
            Exp::Map(ps) => V::Array(
                ps.iter()
                    .flat_map(|(k, v)| [k.to_v(resp3), v.to_v(resp3)])
                    .collect(),
            ),
            Exp::Double(d) if resp3 => V::Double(d.clone()),
            Exp::Double(d) => V::Bulk(d.clone()),
            Exp::Bool(b) if resp3 => V::Bool(*b),
            Exp::Bool(b) => V::Int(*b as i64),
            Exp::Verbatim(f, t) if resp3 => V::Verbatim(f.clone(), t.clone()),
            Exp::Verbatim(_, t) => V::Bulk(t.clone()),
        }
    }
}

/// Parses the text after `=>` (already trimmed).
pub fn parse(text: &str) -> Result<Exp, String> {
    // Top level status and error take the rest of the line as is.
    if let Some(rest) = text.strip_prefix('+') {
        if !rest.starts_with('"') {
            return Ok(Exp::Status(Bytes::copy_from_slice(rest.as_bytes())));
        }
    }
    if let Some(rest) = text.strip_prefix('-') {
        if !rest.starts_with('"') && !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Ok(Exp::Error(Bytes::copy_from_slice(rest.as_bytes())));
        }
    }
    let mut p = P {
        s: text.as_bytes(),
        i: 0,
    };
    let e = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!(
            "unexpected {:?} in expectation",
            String::from_utf8_lossy(&p.s[p.i..])
        ));
    }
    Ok(e)
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected {:?} at column {}", c as char, self.i + 1))
        }
    }

    fn word(&mut self) -> &[u8] {
        let start = self.i;
        while self.i < self.s.len()
            && !matches!(self.s[self.i], b',' | b']' | b'}' | b':' | b' ' | b'\t')
        {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn string(&mut self) -> Result<Bytes, String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated string".into());
            };
            self.i += 1;
            match c {
                b'"' => return Ok(Bytes::from(out)),
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err("dangling escape".into());
                    };
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'x' => {
                            let h = self.s.get(self.i..self.i + 2).ok_or("short \\x escape")?;
                            let h = std::str::from_utf8(h).map_err(|_| "bad \\x escape")?;
                            out.push(u8::from_str_radix(h, 16).map_err(|_| "bad \\x escape")?);
                            self.i += 2;
                        }
                        _ => return Err(format!("unknown escape \\{}", e as char)),
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn list(&mut self, close: u8) -> Result<Vec<Exp>, String> {
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(close) {
            self.i += 1;
            return Ok(items);
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(c) if c == close => {
                    self.i += 1;
                    return Ok(items);
                }
                _ => return Err(format!("expected ',' or {:?}", close as char)),
            }
        }
    }

    fn value(&mut self) -> Result<Exp, String> {
        self.ws();
        let Some(c) = self.peek() else {
            return Err("missing value".into());
        };
        match c {
            b'"' => Ok(Exp::Bulk(self.string()?)),
            b'+' => {
                self.i += 1;
                Ok(Exp::Status(self.string()?))
            }
            b'-' if self.s.get(self.i + 1) == Some(&b'"') => {
                self.i += 1;
                Ok(Exp::Error(self.string()?))
            }
            b'[' => {
                self.i += 1;
                Ok(Exp::Array(self.list(b']')?))
            }
            b'~' => {
                self.i += 1;
                self.eat(b'[')?;
                Ok(Exp::Set(self.list(b']')?))
            }
            b'>' => {
                self.i += 1;
                self.eat(b'[')?;
                Ok(Exp::Push(self.list(b']')?))
            }
            b'{' => {
                self.i += 1;
                let mut pairs = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Exp::Map(pairs));
                }
                loop {
                    let k = self.value()?;
                    self.eat(b':')?;
                    let v = self.value()?;
                    pairs.push((k, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Exp::Map(pairs));
                        }
                        _ => return Err("expected ',' or '}'".into()),
                    }
                }
            }
            b',' => {
                self.i += 1;
                let w = self.word();
                if w.is_empty() {
                    return Err("empty double".into());
                }
                Ok(Exp::Double(Bytes::copy_from_slice(w)))
            }
            b'#' => {
                self.i += 1;
                match self.word() {
                    b"t" => Ok(Exp::Bool(true)),
                    b"f" => Ok(Exp::Bool(false)),
                    w => Err(format!("bad bool #{}", String::from_utf8_lossy(w))),
                }
            }
            b'=' => {
                self.i += 1;
                let f = self.s.get(self.i..self.i + 3).ok_or("bad verbatim")?;
                let f = Bytes::copy_from_slice(f);
                self.i += 3;
                if self.peek() != Some(b':') {
                    return Err("verbatim is =fmt:\"text\"".into());
                }
                self.i += 1;
                Ok(Exp::Verbatim(f, self.string()?))
            }
            _ => {
                let w = self.word();
                match w {
                    b"nil" | b"null" => Ok(Exp::Nil),
                    b"nilarray" => Ok(Exp::NilArray),
                    _ => std::str::from_utf8(w)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok())
                        .map(Exp::Int)
                        .ok_or_else(|| format!("cannot read {:?}", String::from_utf8_lossy(w))),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::to_wire;

    fn wire(text: &str, resp3: bool) -> Vec<u8> {
        to_wire(&parse(text).unwrap().to_v(resp3))
    }

    #[test]
    fn common_md_examples() {
        assert_eq!(wire("\"a\\x41\\\"\"", false), b"$3\r\naA\"\r\n");
        assert_eq!(wire("+OK", false), b"+OK\r\n");
        assert_eq!(wire("-ERR some text", true), b"-ERR some text\r\n");
        assert_eq!(wire("nil", false), b"$-1\r\n");
        assert_eq!(wire("nilarray", false), b"*-1\r\n");
        assert_eq!(wire("nilarray", true), b"_\r\n");
        assert_eq!(wire("-5", true), b":-5\r\n");
        assert_eq!(
            wire(
                "[\"a\", 5, [\"b\"], nil, -\"ERR nested error\", +\"OK\"]",
                false
            ),
            b"*6\r\n$1\r\na\r\n:5\r\n*1\r\n$1\r\nb\r\n$-1\r\n-ERR nested error\r\n+OK\r\n"
        );
        assert_eq!(
            wire("{\"k\": 5, \"k2\": [\"x\"]}", false),
            b"*4\r\n$1\r\nk\r\n:5\r\n$2\r\nk2\r\n*1\r\n$1\r\nx\r\n"
        );
        assert_eq!(wire("{\"k\": 5}", true), b"%1\r\n$1\r\nk\r\n:5\r\n");
        assert_eq!(wire("~[\"a\"]", true), b"~1\r\n$1\r\na\r\n");
        assert_eq!(wire("~[\"a\"]", false), b"*1\r\n$1\r\na\r\n");
        assert_eq!(wire(",1.5", true), b",1.5\r\n");
        assert_eq!(wire(",1.5", false), b"$3\r\n1.5\r\n");
        assert_eq!(wire("#t", false), b":1\r\n");
        assert_eq!(wire("#f", true), b"#f\r\n");
        assert_eq!(wire("[]", true), b"*0\r\n");
        assert!(parse("[1, 2").is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("bogus").is_err());
    }

    #[test]
    fn render_reads_back() {
        let v = parse("[\"a\", 5, {\"x\": ~[\"y\"]}, -\"ERR e\", +\"OK\", ,2.5, #t]")
            .unwrap()
            .to_v(true);
        let text = crate::resp::render(&v);
        assert_eq!(parse(&text).unwrap().to_v(true), v);
    }
}
