//! lmsbridge: a server that speaks the APIs of learning-management systems.
//!
//! Data flows one way: HTTP -> a face in [`faces`] decodes the request -> [`service`] authenticates
//! and applies the rules of [`domain`] -> [`store`] (diesel, SQLite or PostgreSQL) -> [`service`] ->
//! the face encodes the answer -> HTTP. [`http`] assembles the faces; what they share ([`state`],
//! [`faces::kit`], [`streaming`], [`metrics`], [`pages`]) imports none of them, and no face imports
//! another.

pub mod bulk;
pub mod config;
pub mod demo;
pub mod domain;
pub mod faces;
pub mod http;
pub mod keepnet_delivery;
pub mod mail;
pub mod metrics;
pub mod pages;
pub mod service;
pub mod state;
pub mod store;
pub mod streaming;
pub mod telemetry;
pub mod webhooks;
pub mod workers;
