//! Log lines as the viewer shows them, one event per line: a narrow gutter
//! (the time, which links to "this moment", and for several streams a task
//! tag), then the message as escaped HTML with ANSI colours and search
//! marks, and a "show more" for very long lines. A JSON line is marked
//! (`data-json`) and nothing more: the browser builds its pretty form from
//! the line's own text when it is clicked, so a page never carries a
//! second copy of its lines.

use std::collections::HashMap;

use askama::Template;

use super::ansi::{LogHtml, to_html};
use crate::domain::LogEvent;
use crate::fleet::logs::TaskStream;
use crate::web::urls::{self, QueryString};

/// Lines longer than this are cut, the rest behind "show more".
pub const CUT_BYTES: usize = 4096;
/// Colour classes tasks cycle through.
const TASK_CLASSES: usize = 6;

/// Which task and container a line came from (interleaved views).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTag {
    pub task: String,
    pub container: String,
    /// What the gutter shows: the short task id, and the container when the
    /// view's streams are of more than one.
    pub label: String,
    /// `task-c0` … `task-c5`.
    pub class: String,
}

pub struct LineView {
    pub ms: i64,
    pub clock: String,
    pub tag: Option<LineTag>,
    pub html: LogHtml,
    /// The rest of a long line, and its size in bytes.
    pub more: Option<(LogHtml, usize)>,
    /// The whole line is a JSON object or array (expandable in place).
    pub json: bool,
    /// Its permalink ("this moment").
    pub link: String,
    /// A line a permalink points at (every line of that moment).
    pub here: bool,
    /// The first of them: `id="here"`, where the permalink scrolls to.
    pub anchor: bool,
}

/// The permalinks of a view's lines: the view's query plus the moment.
#[derive(Clone, Debug, Default)]
pub struct Moments {
    view: QueryString,
    /// The moment of the permalink being shown, if one is.
    here: Option<i64>,
}

impl Moments {
    pub fn new(view: QueryString, here: Option<i64>) -> Self {
        Self { view, here }
    }
}

/// The lines partial (page body and live-tail messages alike).
#[derive(Template)]
#[template(path = "partials/log_lines.html")]
pub struct LogLines {
    pub lines: Vec<LineView>,
}

/// Tags per stream name, for views of more than one stream.
#[derive(Clone, Debug, Default)]
pub struct Tagger {
    tags: HashMap<String, LineTag>,
}

impl Tagger {
    /// Tags from a service's task streams, coloured by task.
    pub fn for_tasks(streams: &[TaskStream]) -> Self {
        let tags = streams
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let tag = LineTag {
                    task: short(&s.task_id),
                    container: s.container.clone(),
                    label: short(&s.task_id),
                    class: format!("task-c{}", i % TASK_CLASSES),
                };
                (s.stream.clone(), tag)
            })
            .collect();
        Self { tags }
    }

    /// Tags for explicitly listed streams (`prefix/container/task-id`);
    /// none for a single stream.
    pub fn for_streams(streams: &[String]) -> Self {
        if streams.len() < 2 {
            return Self::default();
        }
        let container = |s: &str| s.rsplit('/').nth(1).unwrap_or("").to_string();
        let one_container = streams
            .iter()
            .all(|s| container(s) == container(&streams[0]));
        let tags = streams
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut parts = s.rsplit('/');
                let task = parts.next().unwrap_or(s);
                let container = parts.next().unwrap_or("");
                let label = if one_container {
                    short(task)
                } else {
                    format!("{} {container}", short(task))
                };
                let tag = LineTag {
                    task: short(task),
                    container: container.to_string(),
                    label,
                    class: format!("task-c{}", i % TASK_CLASSES),
                };
                (s.clone(), tag)
            })
            .collect();
        Self { tags }
    }

    fn tag(&self, stream: &str) -> Option<LineTag> {
        self.tags.get(stream).cloned()
    }
}

fn short(task_id: &str) -> String {
    task_id.chars().take(8).collect()
}

/// Renders events for display, highlighting `marks`.
pub fn line_views(
    events: &[LogEvent],
    tagger: &Tagger,
    marks: &[String],
    moments: &Moments,
) -> Vec<LineView> {
    let mut anchored = false;
    events
        .iter()
        .map(|e| {
            let msg = e.message.trim_end_matches(['\n', '\r']);
            let (head, rest) = split_at_boundary(msg, CUT_BYTES);
            let ms = e.timestamp.millis();
            let here = moments.here == Some(ms);
            let anchor = here && !std::mem::replace(&mut anchored, true);
            LineView {
                ms,
                clock: e.timestamp.clock(),
                tag: tagger.tag(&e.stream),
                html: to_html(head, marks),
                more: (!rest.is_empty()).then(|| (to_html(rest, marks), rest.len())),
                json: rest.is_empty() && looks_like_json(msg),
                link: urls::log_moment(&moments.view, ms),
                here,
                anchor,
            }
        })
        .collect()
}

/// Splits at `at` bytes or the char boundary just before it.
fn split_at_boundary(s: &str, at: usize) -> (&str, &str) {
    if s.len() <= at {
        return (s, "");
    }
    let mut cut = at;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.split_at(cut)
}

/// A line that reads as a JSON object or array. Checked by its brackets
/// only: the browser parses it when asked, and shows nothing more when it
/// does not parse.
fn looks_like_json(msg: &str) -> bool {
    let t = msg.trim();
    (t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn ev(msg: &str, stream: &str) -> LogEvent {
        LogEvent {
            timestamp: Timestamp::from_millis(1_795_450_800_123),
            message: msg.to_string(),
            stream: stream.to_string(),
        }
    }

    #[test]
    fn long_lines_are_cut_and_json_is_pretty() {
        let long = "é".repeat(3000);
        let none = Moments::default();
        let v = &line_views(&[ev(&long, "s")], &Tagger::default(), &[], &none)[0];
        assert!(v.html.as_str().len() <= CUT_BYTES);
        assert_eq!(v.more.as_ref().unwrap().1 + v.html.as_str().len(), 6000);
        assert!(!v.json, "a cut line is not expandable");
        let v = &line_views(
            &[ev(r#"{"level":"info","n":1}"#, "s")],
            &Tagger::default(),
            &[],
            &none,
        )[0];
        assert!(v.json);
        assert!(v.more.is_none());
        let plain = &line_views(&[ev("{not json", "s")], &Tagger::default(), &[], &none)[0];
        assert!(!plain.json);
    }

    #[test]
    fn lines_render_escaped_with_tags() {
        let tagger = Tagger::for_streams(&["ecs/web/abcdef123456".into(), "ecs/web/99".into()]);
        let html = LogLines {
            lines: line_views(
                &[ev("<script>alert(1)</script>", "ecs/web/abcdef123456")],
                &tagger,
                &[],
                &Moments::new(
                    QueryString::new().add("group", "g"),
                    Some(1_795_450_800_123),
                ),
            ),
        }
        .render()
        .unwrap();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("abcdef12") && html.contains("task-c0"),
            "{html}"
        );
        assert!(
            html.contains("href=\"?group=g&#38;at=1795450800123#here\"")
                && html.contains("log-here"),
            "{html}"
        );
    }
}
