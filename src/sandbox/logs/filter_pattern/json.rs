//! JSON patterns: `{ $.level = "error" && ($.status >= 500 || $.msg = "*timeout*") }`.

use serde_json::Value;

use super::{glob, invalid_pattern, terms::read_quoted};
use crate::sandbox::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum JsonExpr {
    And(Box<JsonExpr>, Box<JsonExpr>),
    Or(Box<JsonExpr>, Box<JsonExpr>),
    Cmp(Selector, Test),
}

/// A path such as `$.a.b[0]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(pub Vec<Step>);

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Field(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Str(Op, String),
    Num(Op, f64),
    IsTrue,
    IsFalse,
    IsNull,
    NotExists,
    Exists,
}

impl JsonExpr {
    /// Lines that are not a JSON object never match.
    pub fn matches_message(&self, message: &str) -> bool {
        let t = message.trim();
        if !t.starts_with('{') {
            return false;
        }
        match serde_json::from_str::<Value>(t) {
            Ok(v) => self.matches(&v),
            Err(_) => false,
        }
    }

    pub fn matches(&self, v: &Value) -> bool {
        match self {
            JsonExpr::And(a, b) => a.matches(v) && b.matches(v),
            JsonExpr::Or(a, b) => a.matches(v) || b.matches(v),
            JsonExpr::Cmp(sel, test) => test.check(sel.select(v)),
        }
    }
}

impl Selector {
    fn select<'a>(&self, mut v: &'a Value) -> Option<&'a Value> {
        for step in &self.0 {
            v = match step {
                Step::Field(f) => v.get(f.as_str())?,
                Step::Index(i) => v.get(*i)?,
            };
        }
        Some(v)
    }
}

fn cmp_num(op: Op, a: f64, b: f64) -> bool {
    match op {
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
    }
}

impl Test {
    fn check(&self, found: Option<&Value>) -> bool {
        match (self, found) {
            (Test::NotExists, f) => f.is_none(),
            (Test::Exists, f) => f.is_some(),
            (_, None) => false,
            (Test::IsTrue, Some(v)) => v == &Value::Bool(true),
            (Test::IsFalse, Some(v)) => v == &Value::Bool(false),
            (Test::IsNull, Some(v)) => v.is_null(),
            (Test::Str(op, pat), Some(Value::String(s))) => (*op == Op::Eq) == glob(pat, s),
            (Test::Num(op, n), Some(Value::Number(x))) => {
                x.as_f64().is_some_and(|x| cmp_num(*op, x, *n))
            }
            _ => false,
        }
    }
}

struct Parser {
    chars: Vec<char>,
    i: usize,
}

pub fn parse(pattern: &str) -> Result<JsonExpr, ApiError> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        i: 0,
    };
    p.expect('{')?;
    let expr = p.or()?;
    p.expect('}')?;
    p.skip_ws();
    if p.i != p.chars.len() {
        return Err(invalid_pattern());
    }
    Ok(expr)
}

impl Parser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.i).is_some_and(|c| c.is_whitespace()) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.i).copied()
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        let n = s.chars().count();
        let matches = self.i + n <= self.chars.len()
            && self.chars[self.i..self.i + n].iter().copied().eq(s.chars());
        if matches {
            self.i += n;
        }
        matches
    }

    fn expect(&mut self, c: char) -> Result<(), ApiError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(invalid_pattern())
        }
    }

    fn or(&mut self) -> Result<JsonExpr, ApiError> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = JsonExpr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<JsonExpr, ApiError> {
        let mut left = self.atom()?;
        while self.eat("&&") {
            left = JsonExpr::And(Box::new(left), Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<JsonExpr, ApiError> {
        if self.eat("(") {
            let e = self.or()?;
            self.expect(')')?;
            return Ok(e);
        }
        let sel = self.selector()?;
        let test = self.test()?;
        Ok(JsonExpr::Cmp(sel, test))
    }

    fn word(&mut self) -> String {
        self.skip_ws();
        let start = self.i;
        while self.chars.get(self.i).is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '*' | '+' | ':' | '/' | '@')
        }) {
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect()
    }

    fn selector(&mut self) -> Result<Selector, ApiError> {
        self.expect('$')?;
        let mut steps = Vec::new();
        loop {
            match self.chars.get(self.i) {
                Some('.') => {
                    self.i += 1;
                    let start = self.i;
                    while self
                        .chars
                        .get(self.i)
                        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '$'))
                    {
                        self.i += 1;
                    }
                    if start == self.i {
                        return Err(invalid_pattern());
                    }
                    steps.push(Step::Field(self.chars[start..self.i].iter().collect()));
                }
                Some('[') => {
                    self.i += 1;
                    let start = self.i;
                    while self.chars.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                        self.i += 1;
                    }
                    let idx: String = self.chars[start..self.i].iter().collect();
                    let idx = idx.parse().map_err(|_| invalid_pattern())?;
                    self.expect(']')?;
                    steps.push(Step::Index(idx));
                }
                _ => break,
            }
        }
        if steps.is_empty() {
            return Err(invalid_pattern());
        }
        Ok(Selector(steps))
    }

    fn op(&mut self) -> Option<Op> {
        for (s, op) in [
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ] {
            if self.eat(s) {
                return Some(op);
            }
        }
        None
    }

    fn test(&mut self) -> Result<Test, ApiError> {
        if self.eat("IS") {
            return match self.word().as_str() {
                "TRUE" => Ok(Test::IsTrue),
                "FALSE" => Ok(Test::IsFalse),
                "NULL" => Ok(Test::IsNull),
                _ => Err(invalid_pattern()),
            };
        }
        if self.eat("NOT") {
            return match self.word().as_str() {
                "EXISTS" => Ok(Test::NotExists),
                _ => Err(invalid_pattern()),
            };
        }
        if self.eat("EXISTS") {
            return Ok(Test::Exists);
        }
        let op = self.op().ok_or_else(invalid_pattern)?;
        if self.peek() == Some('"') {
            let (s, next) = read_quoted(&self.chars, self.i + 1)?;
            self.i = next;
            return string_test(op, s);
        }
        let w = self.word();
        if w.is_empty() {
            return Err(invalid_pattern());
        }
        match w.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Test::Num(op, n)),
            _ => string_test(op, w),
        }
    }
}

fn string_test(op: Op, s: String) -> Result<Test, ApiError> {
    match op {
        Op::Eq | Op::Ne => Ok(Test::Str(op, s)),
        _ => Err(invalid_pattern()),
    }
}
