//! Query strings, checked against the names a route takes.

use actix_web::HttpRequest;

use crate::service::{OpError, ProblemKind};

/// A request's query parameters, every one of them a name the route takes.
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(req: &HttpRequest, allowed: &[&str]) -> Result<Query, OpError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes()).into_owned().collect();
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !allowed.contains(&name.as_str())) {
            return Err(OpError::wrong(
                ProblemKind::TagMismatch,
                name.clone(),
                format!("unknown query parameter '{name}'; this route takes: {}", allowed.join(", ")),
            ));
        }
        Ok(Query { pairs })
    }

    /// Every value of a repeatable parameter; `None` when it is absent.
    pub fn all(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self.pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect();
        (!values.is_empty()).then_some(values)
    }

    /// The value of a parameter that may appear once.
    pub fn one(&self, name: &str) -> Result<Option<String>, OpError> {
        match self.all(name) {
            None => Ok(None),
            Some(mut values) if values.len() == 1 => Ok(values.pop()),
            Some(_) => Err(OpError::wrong(ProblemKind::Occurs, name, format!("query parameter '{name}' may appear once"))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i32>, OpError> {
        self.one(name)?
            .map(|v| {
                v.trim()
                    .parse::<i32>()
                    .map_err(|_| OpError::wrong(ProblemKind::Type, name, format!("{name} must be an integer; got '{v}'")))
            })
            .transpose()
    }
}
