//! The fuzz corpus (fuzz/corpus/soap_request), replayed through the request path, and a bounded,
//! seeded mutation run around it: no input may panic the decoder. `cargo fuzz run soap_request`
//! (see fuzz/) searches much further; this keeps what it found, and a short session, in every run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use lmsbridge::demo::Seeded;
use lmsbridge::faces::soap::envelope::Version;
use lmsbridge::faces::soap::{decode_request, xml::Limits};

fn request_path(data: &[u8]) {
    for version in [Version::Soap11, Version::Soap12] {
        if let Err(refusal) = decode_request(data, version, &Limits::default()) {
            let _ = refusal.fault.to_xml(refusal.spelling, "fuzz");
        }
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/soap_request");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("the fuzz corpus").map(|e| e.unwrap().path()).collect();
    files.sort();
    files.into_iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())).collect()
}

fn survives(name: &str, data: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| request_path(data))).is_err() {
        let file = std::env::temp_dir().join(format!("lmsbridge-crash-{}.xml", std::process::id()));
        std::fs::write(&file, data).unwrap();
        panic!("{name} panics the request path; the input is saved in {}", file.display());
    }
}

#[test]
fn the_corpus_replays_without_a_panic() {
    let corpus = corpus();
    assert!(corpus.len() >= 100, "the corpus holds {} inputs", corpus.len());
    for (name, data) in &corpus {
        survives(name, data);
    }
}

#[test]
fn mutations_of_the_corpus_do_not_panic() {
    let corpus = corpus();
    let mut rng = Seeded(0x5eed);
    // Bytes that matter to XML, to steer mutations towards interesting places.
    let tokens: [&[u8]; 14] =
        [b"<", b">", b"</", b"/>", b"&", b"&#x", b";", b"\"", b"'", b"xmlns:a=\"", b"<![CDATA[", b"]]>", b"<?", "\u{e9}".as_bytes()];
    for round in 0..20_000 {
        let (name, base) = &corpus[rng.below(corpus.len() as u64) as usize];
        let mut data = base.clone();
        for _ in 0..1 + rng.below(4) {
            let at = if data.is_empty() { 0 } else { rng.below(data.len() as u64) as usize };
            match rng.below(6) {
                0 if !data.is_empty() => data[at] ^= 1 << rng.below(8),
                1 => data.insert(at, rng.next_u64() as u8),
                2 if !data.is_empty() => {
                    data.remove(at);
                }
                3 => data.truncate(at),
                4 => {
                    let token = tokens[rng.below(tokens.len() as u64) as usize];
                    data.splice(at..at, token.iter().copied());
                }
                _ => {
                    // Splice in a slice of another input.
                    let (_, other) = &corpus[rng.below(corpus.len() as u64) as usize];
                    let from = rng.below(other.len().max(1) as u64) as usize;
                    let to = (from + rng.below(64) as usize).min(other.len());
                    data.splice(at..at, other[from..to].iter().copied());
                }
            }
        }
        survives(&format!("mutation {round} of {name}"), &data);
    }
}
