//! The faces: each speaks one API to its clients and only translates, between that API's requests
//! and answers and the one service layer. Every face has the same inner shape: its registration list
//! (routes, handlers, access), its request types (decoded into the domain's parsed values), its
//! answer types, and one rendering of [`crate::service::OpError`] in its own words.
//!
//! - [`soap`]: iSpring Learn's SOAP API (1.1 and 1.2) with its WSDL, XSD and service pages;
//! - [`json`]: the JSON mirror of the same operations under `/api/v1`, with its OpenAPI document;
//! - [`token`]: iSpring Learn's OAuth2 token endpoint;
//! - [`ispring`]: the words the two iSpring faces share (fault strings, enumerations' spellings);
//! - [`kit`]: what every HTTP face needs (body reading, bearer tokens, query strings, the streaming
//!   JSON writer, running an operation on the database threads, panics answered in the face's words).

pub mod ispring;
pub mod json;
pub mod kit;
pub mod soap;
pub mod token;
