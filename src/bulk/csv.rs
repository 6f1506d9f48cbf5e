//! CSV (RFC 4180) read record by record from a stream, with the line each record starts on, and
//! written with quotes where a value needs them.

use std::io::{self, BufRead, Write};

/// Records of a CSV stream: fields separated by commas, quoted with `"` when they hold commas,
/// quotes (doubled) or line breaks; lines end with LF or CRLF.
pub struct Reader<R> {
    input: R,
    /// The line the next record starts on (1-based).
    line: u64,
    buffer: Vec<u8>,
    /// Bytes consumed so far.
    pub bytes: u64,
}

/// A record that cannot be read: where, and why.
#[derive(Debug)]
pub enum Malformed {
    Io(io::Error),
    Text { line: u64, column: u32, detail: String },
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader { input, line: 1, buffer: Vec::new(), bytes: 0 }
    }

    /// The next record and its line, `None` at the end. Blank lines are skipped.
    pub fn next_record(&mut self) -> Option<Result<(u64, Vec<String>), Malformed>> {
        loop {
            let start = self.line;
            self.buffer.clear();
            // Read whole lines until the quotes balance: a quoted field may hold line breaks.
            loop {
                match self.input.read_until(b'\n', &mut self.buffer) {
                    Err(e) => return Some(Err(Malformed::Io(e))),
                    Ok(0) if self.buffer.is_empty() => return None,
                    Ok(0) => break,
                    Ok(n) => {
                        self.bytes += n as u64;
                        self.line += 1;
                        if !inside_quotes(&self.buffer) {
                            break;
                        }
                    }
                }
            }
            let text = match std::str::from_utf8(&self.buffer) {
                Ok(text) => text,
                Err(e) => {
                    let column = String::from_utf8_lossy(&self.buffer[..e.valid_up_to()]).chars().count() as u32 + 1;
                    return Some(Err(Malformed::Text { line: start, column, detail: "the text is not UTF-8".into() }));
                }
            };
            let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
            if text.is_empty() {
                continue;
            }
            return Some(split(text).map(|fields| (start, fields)).map_err(|(column, detail)| Malformed::Text {
                line: start,
                column,
                detail,
            }));
        }
    }
}

/// Whether `text` ends inside a quoted field (a quote opens one only at the start of a field).
fn inside_quotes(text: &[u8]) -> bool {
    let (mut quoted, mut at_start) = (false, true);
    let mut bytes = text.iter().peekable();
    while let Some(&b) = bytes.next() {
        if quoted {
            if b == b'"' {
                if bytes.peek() == Some(&&b'"') {
                    bytes.next();
                } else {
                    quoted = false;
                }
            }
        } else {
            quoted = b == b'"' && at_start;
            at_start = b == b',';
        }
    }
    quoted
}

/// The fields of one record's text, or the column (1-based character) where it goes wrong.
fn split(text: &str) -> Result<Vec<String>, (u32, String)> {
    let mut fields = Vec::new();
    let mut chars = text.chars().peekable();
    let mut column = 1u32;
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let opened = column;
            column += 1;
            loop {
                match chars.next() {
                    None => return Err((opened, "a quoted field is not closed".into())),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        column += 2;
                        field.push('"');
                    }
                    Some('"') => {
                        column += 1;
                        break;
                    }
                    Some(c) => {
                        column += 1;
                        field.push(c);
                    }
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => column += 1,
                Some(_) => return Err((column, "a quoted field must end at a comma or the end of the line".into())),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => {
                        column += 1;
                        break;
                    }
                    Some('"') => {
                        return Err((column, "a quote inside an unquoted field; quote the whole field and double the quote".into()));
                    }
                    Some(c) => {
                        column += 1;
                        field.push(c);
                    }
                }
            }
        }
        fields.push(field);
    }
}

/// Writes one record, quoting the fields that need it.
pub fn write_record<W: Write + ?Sized>(out: &mut W, fields: &[&str]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ') {
            out.write_all(b"\"")?;
            out.write_all(field.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut reader = Reader::new(text.as_bytes());
        std::iter::from_fn(|| reader.next_record()).map(|r| r.map_err(|e| format!("{e:?}")).unwrap()).collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n";
        let got = records(text);
        assert_eq!(got[0], (1, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(got[1], (2, vec!["x, y".into(), "say \"hi\"".into(), "two\nlines".into()]));
        assert_eq!(got[2], (5, vec!["last".into(), "".into(), "".into()]));
        let mut out = Vec::new();
        write_record(&mut out, &["x, y", "say \"hi\"", "two\nlines"]).unwrap();
        assert_eq!(records(std::str::from_utf8(&out).unwrap())[0].1, got[1].1);
    }

    #[test]
    fn malformed_records_say_where() {
        let mut reader = Reader::new("ok\n\"open,x\n".as_bytes());
        assert!(reader.next_record().unwrap().is_ok());
        match reader.next_record().unwrap() {
            Err(Malformed::Text { line: 2, column: 1, detail }) => assert!(detail.contains("not closed")),
            other => panic!("{other:?}"),
        }
        let mut reader = Reader::new("a,b\"c\nnext\n".as_bytes());
        match reader.next_record().unwrap() {
            Err(Malformed::Text { line: 1, column: 4, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.next_record().unwrap().unwrap(), (2, vec!["next".to_string()]), "a stray quote does not swallow lines");
    }
}
