//! Any bytes through the request path short of the database (`soap::decode_request`): the XML
//! reader with its limits, the envelope checks, the operation decoders, and the fault a refusal
//! becomes. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmsbridge::faces::soap::envelope::Version;
use lmsbridge::faces::soap::{decode_request, xml::Limits};

fuzz_target!(|data: &[u8]| {
    for version in [Version::Soap11, Version::Soap12] {
        if let Err(refusal) = decode_request(data, version, &Limits::default()) {
            let _ = refusal.fault.to_xml(refusal.spelling, "fuzz");
        }
    }
});
