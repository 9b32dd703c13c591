//! A response as a test sees it, and its HTML read through CSS selectors.

use axum::http::{HeaderMap, StatusCode};
use scraper::{ElementRef, Html, Selector};

/// Status, headers and body of one response.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// One element matched by a selector, copied out of the parsed page.
#[derive(Debug, Clone)]
pub struct Element {
    /// The element itself, tags included.
    pub html: String,
    /// Its content as HTML (serialized again by the parser).
    pub inner_html: String,
    /// Its text content, whitespace-trimmed at both ends.
    pub text: String,
    attrs: Vec<(String, String)>,
}

impl Element {
    fn of(e: ElementRef<'_>) -> Self {
        Self {
            html: e.html(),
            inner_html: e.inner_html(),
            text: e.text().collect::<String>().trim().to_string(),
            attrs: e
                .value()
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The attribute's value, entities decoded.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e:?}"))
}

impl Page {
    pub(crate) async fn from_axum(resp: axum::response::Response) -> Self {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024)
            .await
            .expect("the body reads");
        Self {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub(crate) async fn from_reqwest(resp: reqwest::Response) -> Self {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.text().await.expect("the body reads");
        Self {
            status,
            headers,
            body,
        }
    }

    /// A header's value, "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("a text header"))
            .unwrap_or("")
    }

    /// Every value of a repeated header (e.g. set-cookie).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("a text header").to_string())
            .collect()
    }

    /// The body parsed as an HTML document (fragments get html/body).
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Every element matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<Element> {
        let html = self.html();
        html.select(&selector(css)).map(Element::of).collect()
    }

    /// The one element matching `css`; panics on none.
    pub fn one(&self, css: &str) -> Element {
        self.select(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing matches {css:?} in:\n{}", self.body))
    }

    /// Whether anything matches `css`.
    pub fn exists(&self, css: &str) -> bool {
        self.count(css) > 0
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.html().select(&selector(css)).count()
    }

    /// The trimmed text of each element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(|e| e.text).collect()
    }

    /// The inner HTML of each element matching `css`.
    pub fn inner_htmls(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(|e| e.inner_html).collect()
    }

    /// Attribute `name` of the first element matching `css` that has it.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.attrs(css, name).into_iter().next()
    }

    /// Attribute `name` of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.attr(name).map(str::to_string))
            .collect()
    }

    /// The href of the first link matching `css` whose text is `text`.
    pub fn link(&self, css: &str, text: &str) -> Option<String> {
        self.select(css)
            .into_iter()
            .find(|e| e.text == text)
            .and_then(|e| e.attr("href").map(str::to_string))
    }

    /// The numbers in the `td.num` cells of the elements matching `css`
    /// (a row), in order; cells that are not numbers are skipped.
    pub fn numbers(&self, css: &str) -> Vec<i64> {
        self.texts(&format!("{css} td.num"))
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect()
    }

    /// The CSRF token of the page: a form's `csrf_token` field or the
    /// `csrf-token` meta tag.
    pub fn csrf(&self) -> Option<String> {
        self.attr("input[name=csrf_token]", "value")
            .or_else(|| self.attr("meta[name=csrf-token]", "content"))
    }

    /// The log viewer's rendered messages (`.log-line > .log-msg`), as HTML.
    pub fn log_messages(&self) -> Vec<String> {
        self.inner_htmls(".log-line > .log-msg")
    }
}
