//! RFC 7644 §3.4.2.2 filters and attribute paths: parsed into an expression over attribute paths,
//! then resolved against a resource type's attributes into the domain's [`Condition`], which the
//! store compiles to SQL. Operators and attribute names are case-insensitive, as the RFC says.

use crate::domain::directory::{Comparison, Condition, Value};

use super::errors::Refusal;

/// An attribute path: `[schema URN ":"] name ["." sub]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN the path names, as given.
    pub schema: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

/// A literal a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Boolean(bool),
    Null,
    Number(String),
}

/// A parsed filter, before its attributes are resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Present(AttrPath),
    Compare(AttrPath, Comparison, Literal),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `attr[filter]`: a value of the multi-valued `attr` meets the inner filter (whose paths are
    /// the value's sub-attributes).
    ValuePath(AttrPath, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Text(String),
    Word(String),
}

fn tokens(input: &str) -> Result<Vec<Token>, Refusal> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                // A JSON string: read to the closing quote, escapes included, and decode it as JSON.
                chars.next();
                let mut escaped = false;
                let mut end = None;
                for (index, c) in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(index);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let end =
                    end.ok_or_else(|| Refusal::invalid_filter(format!("the string starting at character {} is not closed", at + 1)))?;
                let text: String = serde_json::from_str(&input[at..=end])
                    .map_err(|e| Refusal::invalid_filter(format!("the string starting at character {} is not valid: {e}", at + 1)))?;
                tokens.push(Token::Text(text));
            }
            _ => {
                let mut end = input.len();
                while let Some(&(index, c)) = chars.peek() {
                    if c.is_whitespace() || "()[]\"".contains(c) {
                        end = index;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(input[at..end].to_string()));
            }
        }
    }
    Ok(tokens)
}

/// Splits `urn:…:name.sub` or `name.sub` against the schema URNs the resource has.
pub fn attr_path(text: &str, schemas: &[&str]) -> Result<AttrPath, Refusal> {
    let (schema, rest) = if text.len() > 4 && text[..4].eq_ignore_ascii_case("urn:") {
        let schema = schemas
            .iter()
            .filter(|s| text.len() > s.len() && text[..s.len()].eq_ignore_ascii_case(s) && text.as_bytes()[s.len()] == b':')
            .max_by_key(|s| s.len())
            .ok_or_else(|| Refusal::invalid_path(format!("'{text}' names no attribute of a schema of this resource")))?;
        (Some(schema.to_string()), &text[schema.len() + 1..])
    } else {
        (None, text)
    };
    let (name, sub) = rest.split_once('.').map_or((rest, None), |(name, sub)| (name, Some(sub.to_string())));
    let valid = |part: &str| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-$".contains(c))
    };
    if !valid(name) || sub.as_deref().is_some_and(|s| !valid(s)) {
        return Err(Refusal::invalid_path(format!("'{text}' is not an attribute path (name or name.subAttribute)")));
    }
    Ok(AttrPath { schema, name: name.to_string(), sub })
}

struct Parser<'s> {
    tokens: Vec<Token>,
    at: usize,
    schemas: &'s [&'s str],
}

impl Parser<'_> {
    fn peek_word(&self) -> Option<&str> {
        match self.tokens.get(self.at) {
            Some(Token::Word(word)) => Some(word),
            _ => None,
        }
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        if self.peek_word().is_some_and(|w| w.eq_ignore_ascii_case(keyword)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), Refusal> {
        if self.tokens.get(self.at) == Some(&token) {
            self.at += 1;
            Ok(())
        } else {
            Err(Refusal::invalid_filter(format!("expected {what} at token {}", self.at + 1)))
        }
    }

    fn or(&mut self) -> Result<Expr, Refusal> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, Refusal> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, Refusal> {
        if self.keyword("not") {
            self.expect(Token::Open, "'(' after not")?;
            let inner = self.or()?;
            self.expect(Token::Close, "')'")?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close, "')'")?;
            return Ok(inner);
        }
        let Some(Token::Word(word)) = self.tokens.get(self.at).cloned() else {
            return Err(Refusal::invalid_filter(format!("expected an attribute path at token {}", self.at + 1)));
        };
        self.at += 1;
        let path = attr_path(&word, self.schemas).map_err(|r| Refusal::invalid_filter(r.detail))?;
        if self.tokens.get(self.at) == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::CloseBracket, "']'")?;
            return Ok(Expr::ValuePath(path, Box::new(inner)));
        }
        let Some(operator) = self.peek_word().map(str::to_ascii_lowercase) else {
            return Err(Refusal::invalid_filter(format!("expected an operator after '{word}'")));
        };
        self.at += 1;
        let comparison = match operator.as_str() {
            "pr" => return Ok(Expr::Present(path)),
            "eq" => Comparison::Equal,
            "ne" => Comparison::NotEqual,
            "co" => Comparison::Contains,
            "sw" => Comparison::StartsWith,
            "ew" => Comparison::EndsWith,
            "gt" => Comparison::Greater,
            "ge" => Comparison::GreaterOrEqual,
            "lt" => Comparison::Less,
            "le" => Comparison::LessOrEqual,
            other => return Err(Refusal::invalid_filter(format!("'{other}' is not an operator (eq ne co sw ew pr gt ge lt le)"))),
        };
        let literal = match self.tokens.get(self.at).cloned() {
            Some(Token::Text(text)) => Literal::Text(text),
            Some(Token::Word(word)) if word == "true" => Literal::Boolean(true),
            Some(Token::Word(word)) if word == "false" => Literal::Boolean(false),
            Some(Token::Word(word)) if word == "null" => Literal::Null,
            Some(Token::Word(word)) if word.parse::<f64>().is_ok() => Literal::Number(word),
            _ => {
                return Err(Refusal::invalid_filter(format!(
                    "expected a value (a quoted string, true, false, null or a number) after '{operator}'"
                )));
            }
        };
        self.at += 1;
        Ok(Expr::Compare(path, comparison, literal))
    }
}

/// Parses a filter; `schemas` are the URNs attribute paths may start with.
pub fn parse(input: &str, schemas: &[&str]) -> Result<Expr, Refusal> {
    let mut parser = Parser { tokens: tokens(input)?, at: 0, schemas };
    if parser.tokens.is_empty() {
        return Err(Refusal::invalid_filter("the filter is empty"));
    }
    let expr = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(Refusal::invalid_filter(format!("unexpected text at token {} of the filter", parser.at + 1)));
    }
    Ok(expr)
}

/// How a resource type's attributes resolve: an attribute path (with the multi-valued attribute
/// it is within, for the paths inside a value path) to the domain's attribute.
pub trait Resolver<A> {
    fn attribute(&self, path: &AttrPath, within: Option<&AttrPath>) -> Option<A>;
    /// Whether the values of the multi-valued attribute `path` are memberships (compared within
    /// one) or the record's own single value; `None` when it is not multi-valued.
    fn memberships(&self, path: &AttrPath) -> Option<bool>;
    fn is_date_time(&self, attribute: A) -> bool;
}

fn path_text(path: &AttrPath) -> String {
    let mut text = path.schema.as_ref().map_or(String::new(), |s| format!("{s}:"));
    text.push_str(&path.name);
    if let Some(sub) = &path.sub {
        text.push('.');
        text.push_str(sub);
    }
    text
}

fn resolve_in<A: Copy>(expr: &Expr, resolver: &dyn Resolver<A>, within: Option<&AttrPath>) -> Result<Condition<A>, Refusal> {
    let attribute = |path: &AttrPath| {
        resolver
            .attribute(path, within)
            .ok_or_else(|| Refusal::invalid_filter(format!("'{}' is not an attribute this resource can be filtered on", path_text(path))))
    };
    Ok(match expr {
        Expr::And(a, b) => Condition::And(Box::new(resolve_in(a, resolver, within)?), Box::new(resolve_in(b, resolver, within)?)),
        Expr::Or(a, b) => Condition::Or(Box::new(resolve_in(a, resolver, within)?), Box::new(resolve_in(b, resolver, within)?)),
        Expr::Not(inner) => Condition::Not(Box::new(resolve_in(inner, resolver, within)?)),
        Expr::Present(path) => Condition::Present(attribute(path)?),
        Expr::Compare(path, comparison, literal) => {
            let attribute = attribute(path)?;
            let value = match literal {
                Literal::Null => {
                    return match comparison {
                        Comparison::Equal => Ok(Condition::Not(Box::new(Condition::Present(attribute)))),
                        Comparison::NotEqual => Ok(Condition::Present(attribute)),
                        _ => Err(Refusal::invalid_filter("null is compared with eq or ne only")),
                    };
                }
                Literal::Number(number) => {
                    return Err(Refusal::invalid_filter(format!(
                        "'{}' is not a number; compare it with a quoted string, not {number}",
                        path_text(path)
                    )));
                }
                Literal::Boolean(flag) => Value::Boolean(*flag),
                Literal::Text(text) if resolver.is_date_time(attribute) => {
                    let at = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
                        Refusal::invalid_filter(format!(
                            "'{}' is a date and time: \"{text}\" is not an xsd:dateTime ({e})",
                            path_text(path)
                        ))
                    })?;
                    Value::DateTime(at.naive_utc())
                }
                Literal::Text(text) => Value::Text(text.clone()),
            };
            Condition::Compare(attribute, *comparison, value)
        }
        Expr::ValuePath(path, inner) => {
            if within.is_some() {
                return Err(Refusal::invalid_filter("value paths do not nest"));
            }
            let memberships = resolver.memberships(path).ok_or_else(|| {
                Refusal::invalid_filter(format!("'{}' is not a multi-valued attribute: it takes no [filter]", path_text(path)))
            })?;
            let inner = resolve_in(inner, resolver, Some(path))?;
            if memberships { Condition::AnyMembership(Box::new(inner)) } else { inner }
        }
    })
}

/// Resolves a parsed filter against a resource type's attributes.
pub fn resolve<A: Copy>(expr: &Expr, resolver: &dyn Resolver<A>) -> Result<Condition<A>, Refusal> {
    resolve_in(expr, resolver, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMAS: &[&str] = &["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"];

    fn path(name: &str, sub: Option<&str>) -> AttrPath {
        AttrPath { schema: None, name: name.into(), sub: sub.map(str::to_string) }
    }

    #[test]
    fn filters_parse_with_precedence_grouping_and_value_paths() {
        let expr = parse(r#"userName Eq "a\"b" or not (active eq true) and emails[type eq "work" and value co "@x"]"#, SCHEMAS).unwrap();
        let Expr::Or(left, right) = expr else { panic!("or binds loosest") };
        assert_eq!(*left, Expr::Compare(path("userName", None), Comparison::Equal, Literal::Text("a\"b".into())));
        let Expr::And(not, value_path) = *right else { panic!("and binds tighter") };
        assert!(matches!(*not, Expr::Not(_)));
        assert!(matches!(*value_path, Expr::ValuePath(ref p, _) if p.name == "emails"));
        let urn = parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr", SCHEMAS).unwrap();
        assert_eq!(urn, Expr::Present(AttrPath { schema: Some(SCHEMAS[1].into()), name: "manager".into(), sub: Some("value".into()) }));
        assert_eq!(
            parse("meta.lastModified gt \"2026-01-01T00:00:00Z\"", SCHEMAS).unwrap(),
            Expr::Compare(path("meta", Some("lastModified")), Comparison::Greater, Literal::Text("2026-01-01T00:00:00Z".into()))
        );
    }

    #[test]
    fn bad_filters_say_where() {
        for bad in [
            "",
            "userName",
            "userName zz \"a\"",
            "userName eq",
            "(userName pr",
            "userName eq \"open",
            "userName pr extra",
            "not userName pr",
            "urn:x:y pr",
        ] {
            let refusal = parse(bad, SCHEMAS).unwrap_err();
            assert_eq!(refusal.scim_type, Some("invalidFilter"), "{bad}: {refusal:?}");
        }
    }
}
