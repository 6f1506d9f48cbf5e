//! SOAP faults: `faultcode`/`faultstring`/`detail` for SOAP 1.1, `Code`/`Reason`/`Detail` for 1.2.
//! The detail is an `ns1:faultDetail` element (declared in the XSD) saying exactly what was wrong.

use std::io;

use super::encode::Encoder;
use super::envelope::{EnvelopeError, Spelling, Version};
use crate::service::OpError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    VersionMismatch,
    MustUnderstand,
    /// The caller's fault (`Sender` in SOAP 1.2).
    Client,
    /// The server's fault (`Receiver` in SOAP 1.2).
    Server,
}

impl FaultCode {
    fn local(self, version: Version) -> &'static str {
        match (self, version) {
            (FaultCode::VersionMismatch, _) => "VersionMismatch",
            (FaultCode::MustUnderstand, _) => "MustUnderstand",
            (FaultCode::Client, Version::Soap11) => "Client",
            (FaultCode::Client, Version::Soap12) => "Sender",
            (FaultCode::Server, Version::Soap11) => "Server",
            (FaultCode::Server, Version::Soap12) => "Receiver",
        }
    }
}

/// Everything a fault says.
#[derive(Debug, Clone)]
pub struct Fault {
    pub code: FaultCode,
    pub string: String,
    /// Machine-readable class: a problem kind (`TYPE`, `REQUIRED`, …) or the error's class.
    pub detail_code: &'static str,
    pub message: String,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl From<&OpError> for Fault {
    fn from(error: &OpError) -> Self {
        let code = if error.is_client_error() { FaultCode::Client } else { FaultCode::Server };
        let detail_code = error.code();
        let (path, line, column) = match error {
            OpError::Invalid(p) => (p.path.clone(), p.line, p.column),
            _ => (None, None, None),
        };
        Fault {
            code,
            string: crate::faces::ispring::fault_string(error).to_string(),
            detail_code,
            message: error.public_detail(),
            path,
            line,
            column,
        }
    }
}

impl From<&EnvelopeError> for Fault {
    fn from(error: &EnvelopeError) -> Self {
        match error {
            EnvelopeError::VersionMismatch(message) => Fault {
                code: FaultCode::VersionMismatch,
                string: "Version mismatch".into(),
                detail_code: "VERSION_MISMATCH",
                message: message.clone(),
                path: None,
                line: None,
                column: None,
            },
            EnvelopeError::MustUnderstand(message) => Fault {
                code: FaultCode::MustUnderstand,
                string: "Mandatory header not understood".into(),
                detail_code: "MUST_UNDERSTAND",
                message: message.clone(),
                path: None,
                line: None,
                column: None,
            },
            EnvelopeError::Bad(problem) => (&OpError::Invalid(problem.clone())).into(),
        }
    }
}

impl Fault {
    /// HTTP status: 500 for every SOAP 1.1 fault; SOAP 1.2 answers a sender's fault with 400.
    pub fn http_status(&self, version: Version) -> u16 {
        match (version, self.code) {
            (Version::Soap12, FaultCode::Client) => 400,
            _ => 500,
        }
    }

    pub fn to_xml(&self, spelling: Spelling, request_id: &str) -> Vec<u8> {
        let mut encoder = Encoder::new(Vec::with_capacity(1024), spelling);
        self.write(&mut encoder, spelling, request_id).expect("writing to memory cannot fail");
        encoder.out().split_off(0)
    }

    fn write(&self, e: &mut Encoder<Vec<u8>>, spelling: Spelling, request_id: &str) -> io::Result<()> {
        let code = format!("SOAP-ENV:{}", self.code.local(spelling.version));
        e.begin()?;
        e.open("SOAP-ENV:Fault")?;
        match spelling.version {
            Version::Soap11 => {
                e.leaf("faultcode", &code)?;
                e.leaf("faultstring", &self.string)?;
                e.open("detail")?;
                self.write_detail(e, request_id)?;
                e.close("detail")?;
            }
            Version::Soap12 => {
                e.open("SOAP-ENV:Code")?;
                e.leaf("SOAP-ENV:Value", &code)?;
                e.close("SOAP-ENV:Code")?;
                e.open("SOAP-ENV:Reason")?;
                e.open_with("SOAP-ENV:Text", &[("xml:lang", "en")])?;
                e.out().extend_from_slice(quick_xml::escape::escape(&self.string).as_bytes());
                e.close("SOAP-ENV:Text")?;
                e.close("SOAP-ENV:Reason")?;
                e.open("SOAP-ENV:Detail")?;
                self.write_detail(e, request_id)?;
                e.close("SOAP-ENV:Detail")?;
            }
        }
        e.close("SOAP-ENV:Fault")?;
        e.end()
    }

    fn write_detail(&self, e: &mut Encoder<Vec<u8>>, request_id: &str) -> io::Result<()> {
        e.open("ns1:faultDetail")?;
        e.leaf("ns1:code", self.detail_code)?;
        e.leaf("ns1:message", &self.message)?;
        if let Some(path) = &self.path {
            e.leaf("ns1:path", path)?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            e.leaf("ns1:line", &line.to_string())?;
            e.leaf("ns1:column", &column.to_string())?;
        }
        e.leaf("ns1:requestId", request_id)?;
        e.close("ns1:faultDetail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure has one fault: its code (the caller's or the server's), iSpring's
    /// string, the detail's class and message, and the HTTP status of each SOAP version.
    #[test]
    fn every_error_has_one_fault() {
        for error in OpError::every_kind() {
            let fault = Fault::from(&error);
            let server = matches!(error, OpError::Unavailable(_) | OpError::Internal(_));
            assert_eq!(fault.code, if server { FaultCode::Server } else { FaultCode::Client }, "{error:?}");
            assert_eq!(fault.string, crate::faces::ispring::fault_string(&error));
            assert_eq!(fault.detail_code, error.code());
            assert_eq!(fault.message, error.public_detail());
            assert_eq!((fault.http_status(Version::Soap11), fault.http_status(Version::Soap12)), (500, if server { 500 } else { 400 }));
            let xml = String::from_utf8(fault.to_xml(Spelling::standard(Version::Soap11), "r-1")).unwrap();
            assert!(xml.contains(&format!("<faultstring>{}</faultstring>", quick_xml::escape::escape(&fault.string))), "{xml}");
            assert!(xml.contains("<ns1:requestId>r-1</ns1:requestId>"), "{xml}");
        }
        let invalid = Fault::from(&OpError::every_kind()[2]);
        assert_eq!(invalid.path.as_deref(), Some("pageSize"), "a contract violation names its element");
    }

    #[test]
    fn panics_are_server_faults_with_the_request_id() {
        let response = crate::faces::soap::panicked("r-2");
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers().get("content-type").unwrap(), "text/xml; charset=utf-8");
    }
}
