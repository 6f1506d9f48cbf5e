//! The dispatch table: request element name -> typed decoder, and each operation's execution
//! through the service layer.

use std::io;

use super::decode::Field;
use super::encode::Encoder;
use super::types::{self, write_enrollment};
use super::xml::Element;
use crate::service::{Credentials, EnrollmentQuery, OpError, Problem, ProblemKind, Service};
use crate::store::Tx;
use crate::streaming::BodySink;

/// A decoded request of one operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    GetEnrollments(EnrollmentQuery),
}

/// A decoded call: who is calling and what they ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub credentials: Credentials,
    pub operation: Operation,
}

/// Whether an operation only reads (one snapshot) or writes (one all-or-nothing transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

type Decoder = fn(&Field<'_>) -> Result<Call, Problem>;

/// Request element names and their decoders; the WSDL lists the same operations.
const OPERATIONS: &[(&str, Decoder)] = &[("GetEnrollmentsRequest", get_enrollments)];

/// Decodes the operation element of a Body.
pub fn decode(element: &Element) -> Result<Call, Problem> {
    let known = super::envelope::api_spelling(element).and_then(|_| OPERATIONS.iter().find(|(name, _)| *name == element.local));
    match known {
        Some((name, decoder)) => decoder(&Field::root(element, name)),
        None => {
            let names: Vec<_> = OPERATIONS.iter().map(|(n, _)| *n).collect();
            Err(Problem::new(
                ProblemKind::UnknownOperation,
                format!(
                    "no operation {{{}}}{}; this endpoint serves {} in namespace '{}'",
                    element.ns.as_deref().unwrap_or(""),
                    element.local,
                    names.join(", "),
                    super::envelope::API_NS
                ),
            )
            .at_path(element.local.clone())
            .at_position(element.line, element.column))
        }
    }
}

fn get_enrollments(op: &Field<'_>) -> Result<Call, Problem> {
    let mut seq = op.children()?;
    let credentials = types::credentials(&seq.required("credentials")?)?;
    let course_ids = types::optional_id_list(seq.optional("courseIds"))?;
    let learner_ids = types::optional_id_list(seq.optional("learnerIds"))?;
    seq.finish()?;
    Ok(Call { credentials, operation: Operation::GetEnrollments(EnrollmentQuery { course_ids, learner_ids }) })
}

impl Operation {
    pub fn access(&self) -> Access {
        match self {
            Operation::GetEnrollments(_) => Access::Read,
        }
    }

    /// Authenticates and runs the operation inside `tx`, writing the result element.
    pub fn execute(
        &self,
        service: &Service,
        tx: &mut Tx<'_>,
        credentials: &Credentials,
        out: &mut Encoder<&mut BodySink<OpError>>,
    ) -> Result<(), OpError> {
        let principal = service.authenticate(tx, credentials)?;
        match self {
            Operation::GetEnrollments(query) => {
                out.open("ns1:GetEnrollmentsResult").map_err(io_error)?;
                service.get_enrollments(tx, &principal, query, &mut |view| {
                    write_enrollment(out, view).map_err(io_error)?;
                    out.out().checkpoint().map_err(io_error)
                })?;
                out.close("ns1:GetEnrollmentsResult").map_err(io_error)
            }
        }
    }
}

/// Writing a response fails only when the client has gone away.
pub fn io_error(e: io::Error) -> OpError {
    OpError::Internal(format!("writing the response failed: {e}"))
}

