//! Log lines as the viewer shows them: time, an optional task/container
//! tag, the message as escaped HTML with ANSI colours and search marks, a
//! "show more" for very long lines and a pretty-printed JSON view.

use std::collections::HashMap;

use askama::Template;

use super::ansi::{LogHtml, to_html};
use crate::domain::LogEvent;
use crate::fleet::logs::TaskStream;

/// Lines longer than this are cut, the rest behind "show more".
pub const CUT_BYTES: usize = 4096;
/// Colour classes tasks cycle through.
const TASK_CLASSES: usize = 6;

/// Which task and container a line came from (interleaved views).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTag {
    pub task: String,
    pub container: String,
    /// `task-c0` … `task-c5`.
    pub class: String,
}

pub struct LineView {
    pub ms: i64,
    pub rfc3339: String,
    pub clock: String,
    pub tag: Option<LineTag>,
    pub html: LogHtml,
    /// The rest of a long line, and its size in bytes.
    pub more: Option<(LogHtml, usize)>,
    pub json: Option<String>,
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
        let tags = streams
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut parts = s.rsplit('/');
                let task = parts.next().unwrap_or(s);
                let container = parts.next().unwrap_or("");
                let tag = LineTag {
                    task: short(task),
                    container: container.to_string(),
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
pub fn line_views(events: &[LogEvent], tagger: &Tagger, marks: &[String]) -> Vec<LineView> {
    events
        .iter()
        .map(|e| {
            let msg = e.message.trim_end_matches(['\n', '\r']);
            let (head, rest) = split_at_boundary(msg, CUT_BYTES);
            LineView {
                ms: e.timestamp.millis(),
                rfc3339: e.timestamp.rfc3339(),
                clock: e.timestamp.clock(),
                tag: tagger.tag(&e.stream),
                html: to_html(head, marks),
                more: (!rest.is_empty()).then(|| (to_html(rest, marks), rest.len())),
                json: pretty_json(msg),
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

/// A JSON object or array line, pretty-printed.
fn pretty_json(msg: &str) -> Option<String> {
    let t = msg.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(t).ok()?;
    if !(v.is_object() || v.is_array()) {
        return None;
    }
    serde_json::to_string_pretty(&v).ok()
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
        let v = &line_views(&[ev(&long, "s")], &Tagger::default(), &[])[0];
        assert!(v.html.as_str().len() <= CUT_BYTES);
        assert_eq!(v.more.as_ref().unwrap().1 + v.html.as_str().len(), 6000);
        let v = &line_views(
            &[ev(r#"{"level":"info","n":1}"#, "s")],
            &Tagger::default(),
            &[],
        )[0];
        assert!(v.json.as_ref().unwrap().contains("\n  \"level\": \"info\""));
        assert!(v.more.is_none());
    }

    #[test]
    fn lines_render_escaped_with_tags() {
        let tagger = Tagger::for_streams(&["ecs/web/abcdef123456".into(), "ecs/web/99".into()]);
        let html = LogLines {
            lines: line_views(
                &[ev("<script>alert(1)</script>", "ecs/web/abcdef123456")],
                &tagger,
                &[],
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
    }
}
