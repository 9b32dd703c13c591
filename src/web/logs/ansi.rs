//! Log text → HTML: escapes everything, turns ANSI SGR colour codes into
//! `<span class="ansi-…">`, strips every other escape or control sequence
//! (cursor moves, OSC titles, bells) and wraps filter-term matches in
//! `<mark>`. The output is the only log-derived HTML a template emits
//! unescaped (`|safe` in `partials/log_lines.html`), and it can only be
//! built here. It is element content only (never an attribute value), so
//! `<`, `>` and `&` are what it escapes (quotes are plain text there, and a
//! JSON line keeps its size), and invisible or reordering characters are
//! shown as `web::escape` shows them.

use std::fmt;

/// HTML produced by [`to_html`]: escaped text plus our own spans and marks,
/// for element content (a template must never put it in an attribute).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogHtml(String);

impl LogHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const COLOURS: [&str; 8] = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Style {
    fg: Option<String>,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
}

impl Style {
    fn classes(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        if let Some(fg) = &self.fg {
            out.push(format!("ansi-{fg}"));
        }
        if let Some(bg) = &self.bg {
            out.push(format!("ansi-bg-{bg}"));
        }
        for (on, name) in [
            (self.bold, "ansi-bold"),
            (self.dim, "ansi-dim"),
            (self.italic, "ansi-italic"),
            (self.underline, "ansi-underline"),
        ] {
            if on {
                out.push(name.to_string());
            }
        }
        out.join(" ")
    }

    /// Applies one SGR sequence's parameters (`1;31`, `38;5;208`, ``).
    fn apply(&mut self, params: &str) {
        let nums: Vec<u16> = params
            .split([';', ':'])
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let mut i = 0;
        while i < nums.len() {
            let n = nums[i];
            match n {
                0 => *self = Style::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = true,
                22 => (self.bold, self.dim) = (false, false),
                23 => self.italic = false,
                24 => self.underline = false,
                30..=37 => self.fg = Some(COLOURS[usize::from(n - 30)].to_string()),
                90..=97 => self.fg = Some(format!("bright-{}", COLOURS[usize::from(n - 90)])),
                39 => self.fg = None,
                40..=47 => self.bg = Some(COLOURS[usize::from(n - 40)].to_string()),
                100..=107 => self.bg = Some(format!("bright-{}", COLOURS[usize::from(n - 100)])),
                49 => self.bg = None,
                38 | 48 => {
                    // 256-colour (5;n) or true colour (2;r;g;b): the 16 basic
                    // colours map to classes, the rest is dropped.
                    let colour = match nums.get(i + 1) {
                        Some(5) => {
                            let c = nums.get(i + 2).copied().unwrap_or(0);
                            i += 2;
                            match c {
                                0..=7 => Some(COLOURS[usize::from(c)].to_string()),
                                8..=15 => Some(format!("bright-{}", COLOURS[usize::from(c - 8)])),
                                _ => None,
                            }
                        }
                        Some(2) => {
                            i += 4;
                            None
                        }
                        _ => None,
                    };
                    if n == 38 {
                        self.fg = colour;
                    } else {
                        self.bg = colour;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Renders one log message as HTML, highlighting `marks` (plain terms).
pub fn to_html(text: &str, marks: &[String]) -> LogHtml {
    let mut out = Renderer {
        out: String::with_capacity(text.len() + 16),
        open: false,
        pending: None,
        marks,
    };
    let mut style = Style::default();
    let mut run = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let csi = match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    true
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                    continue;
                }
                Some('(' | ')' | '*' | '+' | '#' | '%') => {
                    chars.next();
                    chars.next();
                    continue;
                }
                Some(_) => {
                    chars.next();
                    continue;
                }
                None => continue,
            },
            '\u{9b}' => true,
            '\n' | '\t' => {
                run.push(c);
                continue;
            }
            c if c.is_control() => continue,
            c => {
                run.push(c);
                continue;
            }
        };
        if csi {
            let mut params = String::new();
            let mut fin = None;
            for p in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&p) {
                    fin = Some(p);
                    break;
                }
                params.push(p);
            }
            if fin == Some('m') {
                let mut next = style.clone();
                next.apply(&params);
                if next != style {
                    out.text(&run);
                    run.clear();
                    out.restyle(&next);
                    style = next;
                }
            }
        }
    }
    out.text(&run);
    if out.open {
        out.out.push_str("</span>");
    }
    LogHtml(out.out)
}

/// Skips an OSC/DCS/… string up to BEL or ESC \.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

struct Renderer<'a> {
    out: String,
    open: bool,
    /// Classes of a span to open before the next text.
    pending: Option<String>,
    marks: &'a [String],
}

impl Renderer<'_> {
    fn restyle(&mut self, style: &Style) {
        if self.open {
            self.out.push_str("</span>");
            self.open = false;
        }
        let classes = style.classes();
        self.pending = (!classes.is_empty()).then_some(classes);
    }

    /// Escaped text with every mark occurrence in `<mark>`.
    fn text(&mut self, mut s: &str) {
        if s.is_empty() {
            return;
        }
        // Spans open lazily, so styles without text leave no empty span.
        if let Some(classes) = self.pending.take() {
            self.out.push_str("<span class=\"");
            self.out.push_str(&classes);
            self.out.push_str("\">");
            self.open = true;
        }
        while !s.is_empty() {
            let next = self
                .marks
                .iter()
                .filter(|m| !m.is_empty())
                .filter_map(|m| s.find(m.as_str()).map(|at| (at, m.len())))
                .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)));
            match next {
                Some((at, len)) => {
                    escape_into(&mut self.out, &s[..at]);
                    self.out.push_str("<mark>");
                    escape_into(&mut self.out, &s[at..at + len]);
                    self.out.push_str("</mark>");
                    s = &s[at + len..];
                }
                None => {
                    escape_into(&mut self.out, s);
                    return;
                }
            }
        }
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => {
                if crate::web::escape::write_visible(out, c).is_none() {
                    out.push(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        to_html(s, &[]).0
    }

    #[test]
    fn colours_become_spans() {
        assert_eq!(
            html("\x1b[31mred\x1b[0m"),
            r#"<span class="ansi-red">red</span>"#
        );
        assert_eq!(
            html("a \x1b[1;32mok\x1b[22m go\x1b[39m b"),
            r#"a <span class="ansi-green ansi-bold">ok</span><span class="ansi-green"> go</span> b"#
        );
        assert_eq!(
            html("\x1b[38;5;9mx\x1b[48;5;200my"),
            r#"<span class="ansi-bright-red">xy</span>"#
        );
        assert_eq!(
            html("\x1b[90mdim"),
            r#"<span class="ansi-bright-black">dim</span>"#
        );
    }

    #[test]
    fn text_inside_and_outside_spans_stays_escaped() {
        assert_eq!(
            html("\x1b[31m<script>alert(1)</script>\x1b[0m"),
            r#"<span class="ansi-red">&lt;script&gt;alert(1)&lt;/script&gt;</span>"#
        );
        assert_eq!(
            html(r#"<img src=x onerror="a('b')"> & co"#),
            r#"&lt;img src=x onerror="a('b')"&gt; &amp; co"#
        );
    }

    #[test]
    fn other_sequences_and_controls_are_stripped() {
        assert_eq!(html("\x1b[2J\x1b[1;1Hclear"), "clear");
        assert_eq!(html("\x1b]0;title\x07text"), "text");
        assert_eq!(html("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
        assert_eq!(html("a\x1b(Bb\x1b7c\x08\x07d\r"), "abcd");
        assert_eq!(html("tab\tand\nnewline"), "tab\tand\nnewline");
        assert_eq!(html("dangling \x1b["), "dangling ");
        assert_eq!(html("\x1b[31m"), "");
    }

    #[test]
    fn marks_wrap_matches_after_escaping() {
        let marks = vec!["ERROR".to_string(), "<b>".to_string()];
        assert_eq!(
            to_html("x ERROR <b> \x1b[31mERROR\x1b[0m", &marks).0,
            r#"x <mark>ERROR</mark> <mark>&lt;b&gt;</mark> <span class="ansi-red"><mark>ERROR</mark></span>"#
        );
    }
}
