//! lmsbridge: a server that speaks the APIs of learning-management systems.
//!
//! Data flows one way: HTTP -> face (`soap`, `json`, `oauth`) decodes -> `service` authenticates and
//! applies the rules of `domain` -> `store` (diesel, SQLite or PostgreSQL) -> `service` -> face
//! encodes -> HTTP. `http` assembles the faces; what they share (`state`, `body`, `metrics`,
//! `pages`) imports none of them.

pub mod body;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod json;
pub mod metrics;
pub mod oauth;
pub mod pages;
pub mod service;
pub mod soap;
pub mod state;
pub mod store;
pub mod streaming;
pub mod telemetry;
pub mod workers;
