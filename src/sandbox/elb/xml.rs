//! AWS query protocol for the sandbox: form-encoded requests
//! (`Action=…&Version=…&Names.member.1=…`) and XML answers.

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// An XML element built by nesting.
#[derive(Debug, Clone)]
pub enum Node {
    Text(&'static str, String),
    Parent(&'static str, Vec<Node>),
}

pub fn text(name: &'static str, value: impl ToString) -> Node {
    Node::Text(name, value.to_string())
}

pub fn parent(name: &'static str, children: Vec<Node>) -> Node {
    Node::Parent(name, children)
}

/// `<name><member>…</member>…</name>`.
pub fn members(name: &'static str, items: Vec<Vec<Node>>) -> Node {
    Node::Parent(
        name,
        items
            .into_iter()
            .map(|i| Node::Parent("member", i))
            .collect(),
    )
}

impl Node {
    fn write(&self, out: &mut String) {
        match self {
            Node::Text(n, v) => {
                out.push_str(&format!("<{n}>{}</{n}>", escape(v)));
            }
            Node::Parent(n, children) => {
                out.push_str(&format!("<{n}>"));
                for c in children {
                    c.write(out);
                }
                out.push_str(&format!("</{n}>"));
            }
        }
    }
}

/// `<{Action}Response xmlns=…><{Action}Result>…</…><ResponseMetadata>…`.
pub fn response(action: &str, namespace: &str, result: Vec<Node>, request_id: &str) -> String {
    let mut out = format!("<{action}Response xmlns=\"{namespace}\"><{action}Result>");
    for n in &result {
        n.write(&mut out);
    }
    out.push_str(&format!(
        "</{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
        escape(request_id)
    ));
    out
}

/// The AWS query error document (ELBv2's namespace).
pub fn error(kind: &str, message: &str, sender: bool, request_id: &str) -> String {
    error_in(
        "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
        kind,
        message,
        sender,
        request_id,
    )
}

/// The AWS query error document in `namespace`.
pub fn error_in(
    namespace: &str,
    kind: &str,
    message: &str,
    sender: bool,
    request_id: &str,
) -> String {
    format!(
        "<ErrorResponse xmlns=\"{}\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        escape(namespace),
        if sender { "Sender" } else { "Receiver" },
        escape(kind),
        escape(message),
        escape(request_id)
    )
}

/// The values of `Key.member.1`, `Key.member.2`… in order.
pub fn member_list(params: &[(String, String)], key: &str) -> Vec<String> {
    let prefix = format!("{key}.member.");
    let mut found: Vec<(usize, String)> = params
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.parse().ok()?, v.clone())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, v)| v).collect()
}

pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_members_nest() {
        let doc = response(
            "DescribeX",
            "urn:x",
            vec![members("Items", vec![vec![text("Name", "<a&b>")]])],
            "r1",
        );
        assert_eq!(
            doc,
            "<DescribeXResponse xmlns=\"urn:x\"><DescribeXResult><Items><member><Name>&lt;a&amp;b&gt;</Name></member></Items></DescribeXResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeXResponse>"
        );
    }

    #[test]
    fn member_lists_keep_their_order() {
        let p = vec![
            ("Names.member.2".to_string(), "b".to_string()),
            ("Names.member.1".to_string(), "a".to_string()),
            ("Other".to_string(), "x".to_string()),
        ];
        assert_eq!(member_list(&p, "Names"), vec!["a", "b"]);
    }
}
