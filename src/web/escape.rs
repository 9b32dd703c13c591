//! The one HTML escaper every template uses (`askama.toml` names it for
//! `.html` templates): askama's HTML escaping, plus characters that are
//! invisible or rearrange text made visible, so a value from AWS cannot
//! hide or disguise itself on a page.
//!
//! - C0 control characters (terminal escapes, bells, backspaces) become
//!   their Unicode control pictures: ESC is shown as `␛`. Tab, line feed
//!   and carriage return stay.
//! - DEL, C1 controls, bidirectional overrides and isolates, and the
//!   zero-width characters that can make two names look alike are shown as
//!   `[U+202E]`.
//!
//! Log lines are rendered by `web::logs::ansi` (which turns colours into
//! spans and drops every other escape) and emitted with `|safe`.

use std::fmt::{self, Write};

use askama::filters::{Escaper, Html};

/// askama's HTML escaper, with unsafe-to-show characters made visible.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisibleHtml;

/// How `c` is shown, when it is not shown as itself.
enum Shown {
    Picture(char),
    CodePoint(u32),
}

fn shown(c: char) -> Option<Shown> {
    let u = u32::from(c);
    match u {
        0x09 | 0x0A | 0x0D => None,
        0x00..=0x1F => char::from_u32(0x2400 + u).map(Shown::Picture),
        0x7F..=0x9F => Some(Shown::CodePoint(u)),
        // Zero-width space/non-joiner, LRM/RLM, word joiner, BOM.
        0x200B | 0x200C | 0x200E | 0x200F | 0x2060 | 0xFEFF => Some(Shown::CodePoint(u)),
        // Bidi embeddings, overrides and isolates (trojan-source).
        0x202A..=0x202E | 0x2066..=0x2069 => Some(Shown::CodePoint(u)),
        _ => None,
    }
}

fn write_shown<W: Write>(dest: &mut W, s: Shown) -> fmt::Result {
    match s {
        Shown::Picture(p) => dest.write_char(p),
        Shown::CodePoint(u) => write!(dest, "[U+{u:04X}]"),
    }
}

/// Writes `c` in its visible form when it has one (for HTML built outside
/// templates, such as `web::logs::ansi`); `None` when `c` shows as itself.
pub fn write_visible<W: Write>(dest: &mut W, c: char) -> Option<fmt::Result> {
    shown(c).map(|s| write_shown(dest, s))
}

impl Escaper for VisibleHtml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut start = 0;
        for (i, c) in string.char_indices() {
            if let Some(s) = shown(c) {
                Html.write_escaped_str(&mut dest, &string[start..i])?;
                write_shown(&mut dest, s)?;
                start = i + c.len_utf8();
            }
        }
        Html.write_escaped_str(&mut dest, &string[start..])
    }

    fn write_escaped_char<W: Write>(&self, mut dest: W, c: char) -> fmt::Result {
        match shown(c) {
            Some(s) => write_shown(&mut dest, s),
            None => Html.write_escaped_char(dest, c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = String::new();
        VisibleHtml.write_escaped_str(&mut out, s).unwrap();
        out
    }

    #[test]
    fn markup_is_escaped_as_askama_does() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&#60;a href=&#34;x&#34;&#62;&#38;&#39;"
        );
    }

    #[test]
    fn terminal_escapes_become_control_pictures() {
        assert_eq!(
            esc("\u{1b}[31mred\u{1b}]8;;http://e\u{7}x"),
            "␛[31mred␛]8;;http://e␇x"
        );
        assert_eq!(esc("a\tb\nc\rd"), "a\tb\nc\rd");
    }

    #[test]
    fn invisible_and_reordering_characters_are_named() {
        assert_eq!(esc("\u{202e}evil\u{202c}"), "[U+202E]evil[U+202C]");
        assert_eq!(esc("zero\u{200b}width"), "zero[U+200B]width");
        assert_eq!(esc("\u{9b}x\u{7f}"), "[U+009B]x[U+007F]");
        assert_eq!(esc("emoji 👩\u{200d}💻 ok"), "emoji 👩\u{200d}💻 ok");
    }

    #[test]
    fn single_characters_go_the_same_way() {
        let mut out = String::new();
        VisibleHtml.write_escaped_char(&mut out, '\u{1b}').unwrap();
        VisibleHtml.write_escaped_char(&mut out, '<').unwrap();
        assert_eq!(out, "␛&#60;");
    }
}
