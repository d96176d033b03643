//! Glob-style pattern matching exactly as Redis's `stringmatchlen` does it
//! (KEYS, SCAN MATCH, CONFIG GET, COMMAND LIST FILTERBY PATTERN).
//!
//! `*` any run, `?` any byte, `[abc]` a set, `[^abc]` its complement, `[a-z]`
//! a range (either order), `\x` a literal `x`. Quirks kept on purpose, since
//! the differential suite compares with Redis: an unterminated `[` set ends at
//! the pattern's end; bytes compare as C's signed `char` in ranges; a
//! recursion depth above 1000 is a non-match; and `*` does not match the empty
//! string (callers special-case the pattern `*` as Redis's KEYS and SCAN do).

/// Whether `string` matches `pattern`; `nocase` folds ASCII case.
pub fn matches(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

/// The pattern byte at `i`, or 0 past either end (C reads the terminating NUL).
fn at(p: &[u8], i: isize) -> u8 {
    if i < 0 {
        0
    } else {
        p.get(i as usize).copied().unwrap_or(0)
    }
}

fn lower(c: u8) -> u8 {
    c.to_ascii_lowercase()
}

fn match_impl(
    pattern: &[u8],
    string: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > 1000 {
        return false;
    }
    let mut p: isize = 0;
    let mut plen: isize = pattern.len() as isize;
    let mut s: usize = 0;
    let mut slen: usize = string.len();
    while plen > 0 && slen > 0 {
        match at(pattern, p) {
            b'*' => {
                while plen > 0 && at(pattern, p + 1) == b'*' {
                    p += 1;
                    plen -= 1;
                }
                if plen == 1 {
                    return true;
                }
                while slen > 0 {
                    let rest = &pattern[(p + 1) as usize..(p + plen) as usize];
                    if match_impl(rest, &string[s..s + slen], nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s += 1;
                    slen -= 1;
                }
                // No match for the rest anywhere in what is left: a longer
                // match for an earlier `*` cannot help either.
                *skip_longer = true;
                return false;
            }
            b'?' => {
                s += 1;
                slen -= 1;
            }
            b'[' => {
                p += 1;
                plen -= 1;
                let not = at(pattern, p) == b'^';
                if not {
                    p += 1;
                    plen -= 1;
                }
                let c0 = string[s];
                let mut matched = false;
                loop {
                    if at(pattern, p) == b'\\' && plen >= 2 {
                        p += 1;
                        plen -= 1;
                        if at(pattern, p) == c0 {
                            matched = true;
                        }
                    } else if at(pattern, p) == b']' {
                        break;
                    } else if plen <= 0 {
                        p -= 1;
                        plen += 1;
                        break;
                    } else if plen >= 3 && at(pattern, p + 1) == b'-' {
                        // C compares plain (signed) chars here.
                        let mut start = at(pattern, p) as i8 as i32;
                        let mut end = at(pattern, p + 2) as i8 as i32;
                        let mut c = c0 as i8 as i32;
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = lower_i(start);
                            end = lower_i(end);
                            c = lower_i(c);
                        }
                        p += 2;
                        plen -= 2;
                        if c >= start && c <= end {
                            matched = true;
                        }
                    } else if !nocase {
                        if at(pattern, p) == c0 {
                            matched = true;
                        }
                    } else if lower(at(pattern, p)) == lower(c0) {
                        matched = true;
                    }
                    p += 1;
                    plen -= 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                s += 1;
                slen -= 1;
            }
            first => {
                let mut pc = first;
                if first == b'\\' && plen >= 2 {
                    p += 1;
                    plen -= 1;
                    pc = at(pattern, p);
                }
                let c = string[s];
                let same = if nocase {
                    lower(pc) == lower(c)
                } else {
                    pc == c
                };
                if !same {
                    return false;
                }
                s += 1;
                slen -= 1;
            }
        }
        p += 1;
        plen -= 1;
        if slen == 0 {
            while at(pattern, p) == b'*' && plen > 0 {
                p += 1;
                plen -= 1;
            }
            break;
        }
    }
    plen == 0 && slen == 0
}

fn lower_i(c: i32) -> i32 {
    if (b'A' as i32..=b'Z' as i32).contains(&c) {
        c + 32
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    fn m(p: &str, s: &str) -> bool {
        matches(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        // Redis's matcher itself says no here; KEYS and SCAN special-case "*".
        assert!(!m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("h?llo", "hello"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hallo"), "reversed range");
        assert!(!m("h[a-b]llo", "hcllo"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("[\\]]", "]"));
        assert!(m("user:*:name", "user:1000:name"));
        assert!(!m("user:*:name", "user:1000:age"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(!m("a", ""));
        assert!(m("a**", "a"));
    }

    #[test]
    fn unterminated_set_ends_at_pattern_end() {
        // Redis: "[ab" is a set {a,b} running to the end of the pattern.
        assert!(m("[ab", "a"));
        assert!(!m("[ab", "c"));
        assert!(!m("[", "a"));
        assert!(m("[^", "a"));
    }

    #[test]
    fn nocase() {
        assert!(matches(b"HeLLo", b"hello", true));
        assert!(matches(b"[A-C]x", b"bx", true));
        assert!(!matches(b"HeLLo", b"hello", false));
    }

    #[test]
    fn pathological_pattern_terminates() {
        let p = "a*".repeat(30) + "b";
        let s = "a".repeat(60);
        assert!(!m(&p, &s));
    }
}
