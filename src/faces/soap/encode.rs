//! Writes responses with quick-xml's `Writer`, in schema order, with the `SOAP-ENV:` and `ns1:`
//! prefixes and the namespace spellings the request used.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};

use super::envelope::Spelling;

pub struct Encoder<W: Write> {
    writer: Writer<W>,
    spelling: Spelling,
}

impl<W: Write> Encoder<W> {
    pub fn new(out: W, spelling: Spelling) -> Self {
        Encoder { writer: Writer::new(out), spelling }
    }

    /// The XML declaration, `SOAP-ENV:Envelope` and `SOAP-ENV:Body` start tags.
    pub fn begin(&mut self) -> io::Result<()> {
        let Spelling { envelope, api, .. } = self.spelling;
        write!(
            self.writer.get_mut(),
            r#"<?xml version="1.0" encoding="UTF-8"?>{}<SOAP-ENV:Envelope xmlns:SOAP-ENV="{envelope}" xmlns:ns1="{api}"><SOAP-ENV:Body>"#,
            '\n'
        )
    }

    pub fn end(&mut self) -> io::Result<()> {
        self.writer.get_mut().write_all(b"</SOAP-ENV:Body></SOAP-ENV:Envelope>\n")
    }

    /// A start tag; `name` carries its prefix (`ns1:enrollment`). Names are the contract's own,
    /// never input, so plain tags are written straight to the output (what `Writer` would write,
    /// without building an event per tag).
    pub fn open(&mut self, name: &str) -> io::Result<()> {
        let out = self.writer.get_mut();
        out.write_all(b"<")?;
        out.write_all(name.as_bytes())?;
        out.write_all(b">")
    }

    pub fn close(&mut self, name: &str) -> io::Result<()> {
        let out = self.writer.get_mut();
        out.write_all(b"</")?;
        out.write_all(name.as_bytes())?;
        out.write_all(b">")
    }

    /// A start tag with attributes.
    pub fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        let mut start = BytesStart::new(name);
        for attribute in attributes {
            start.push_attribute(*attribute);
        }
        self.writer.write_event(Event::Start(start))
    }

    /// An element with escaped text content.
    pub fn leaf(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.open(name)?;
        // Most values (ids, dates, numbers) need no escaping: one scan instead of quick-xml's.
        let out = self.writer.get_mut();
        if text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | b'\'' | b'"')) {
            out.write_all(escape(text).as_bytes())?;
        } else {
            out.write_all(text.as_bytes())?;
        }
        self.close(name)
    }

    pub fn out(&mut self) -> &mut W {
        self.writer.get_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::{BytesEnd, BytesText};

    #[test]
    fn leaves_are_written_as_quick_xml_writes_them() {
        for text in ["plain", "a < b & c > d", "it's \"quoted\"", "", "ünïcödé ✓"] {
            let mut ours = Encoder::new(Vec::new(), Spelling::standard(super::super::envelope::Version::Soap11));
            ours.leaf("ns1:name", text).unwrap();
            let mut theirs = Writer::new(Vec::new());
            theirs.write_event(Event::Start(BytesStart::new("ns1:name"))).unwrap();
            theirs.write_event(Event::Text(BytesText::new(text))).unwrap();
            theirs.write_event(Event::End(BytesEnd::new("ns1:name"))).unwrap();
            assert_eq!(String::from_utf8(ours.writer.into_inner()).unwrap(), String::from_utf8(theirs.into_inner()).unwrap());
        }
    }
}
