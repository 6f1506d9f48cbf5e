//! lmsbridge: a server that speaks the APIs of learning-management systems.
//!
//! Data flows one way: HTTP -> face (`soap`, `oauth`) decodes -> `service` authenticates and applies
//! the rules of `domain` -> `store` (diesel, SQLite or PostgreSQL) -> `service` -> face encodes -> HTTP.

pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod json;
pub mod oauth;
pub mod service;
pub mod soap;
pub mod store;
pub mod streaming;
pub mod telemetry;
pub mod workers;
