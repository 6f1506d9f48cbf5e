//! Sample request envelopes and field tables generated from the XSD, for the service pages.
//!
//! The schema is read once into a small model of what it uses (named and anonymous complex types
//! with sequences and choices, simple types with restrictions) and each request element is walked
//! in order. Required elements get placeholder values; optional ones are written commented out, so
//! that a sample sent as it is succeeds and every element is still shown where it belongs.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::envelope::API_NS;
use super::wsdl::SCHEMA;
use super::xml::{self, Element, Limits};

const XSD: &str = "http://www.w3.org/2001/XMLSchema";

/// One element of a request, as the schema declares it.
#[derive(Debug, Clone)]
struct Decl {
    name: String,
    ty: Type,
    min: u32,
    /// `None`: unbounded.
    max: Option<u32>,
    doc: Option<String>,
}

#[derive(Debug, Clone)]
enum Type {
    /// A named type: `tns:Id`, `xsd:int`, …
    Named(String),
    Complex(Group),
    Simple(Simple),
}

/// A sequence or a choice of particles.
#[derive(Debug, Clone)]
struct Group {
    choice: bool,
    particles: Vec<Particle>,
}

#[derive(Debug, Clone)]
enum Particle {
    Element(Decl),
    Group(Group),
}

/// A simple type's restriction: its base and the facets a placeholder must respect.
#[derive(Debug, Clone, Default)]
struct Simple {
    base: String,
    enumeration: Vec<String>,
    min_inclusive: Option<String>,
    doc: Option<String>,
}

/// The schema's named types and top-level elements.
struct Model {
    elements: HashMap<String, Decl>,
    complex: HashMap<String, Group>,
    simple: HashMap<String, Simple>,
}

fn is_xsd(element: &Element, local: &str) -> bool {
    element.is(XSD, local)
}

fn documentation(element: &Element) -> Option<String> {
    let annotation = element.children.iter().find(|c| is_xsd(c, "annotation"))?;
    let doc = annotation.children.iter().find(|c| is_xsd(c, "documentation"))?;
    Some(doc.text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn attribute<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    element.attributes.iter().find(|a| a.ns.is_none() && a.local == name).map(|a| a.value.as_str())
}

fn group(element: &Element) -> Group {
    let particles = element
        .children
        .iter()
        .filter_map(|child| match child.local.as_str() {
            "element" => Some(Particle::Element(decl(child))),
            "sequence" | "choice" => Some(Particle::Group(group(child))),
            _ => None,
        })
        .collect();
    Group { choice: is_xsd(element, "choice"), particles }
}

/// The sequence or choice inside a complex type.
fn complex(element: &Element) -> Group {
    element
        .children
        .iter()
        .find(|c| is_xsd(c, "sequence") || is_xsd(c, "choice"))
        .map(group)
        .unwrap_or(Group { choice: false, particles: Vec::new() })
}

fn simple(element: &Element) -> Simple {
    let mut simple = Simple { doc: documentation(element), ..Simple::default() };
    if let Some(restriction) = element.children.iter().find(|c| is_xsd(c, "restriction")) {
        simple.base = attribute(restriction, "base").unwrap_or("xsd:string").to_string();
        for facet in &restriction.children {
            let value = attribute(facet, "value").unwrap_or("").to_string();
            match facet.local.as_str() {
                "enumeration" => simple.enumeration.push(value),
                "minInclusive" => simple.min_inclusive = Some(value),
                _ => {}
            }
        }
    }
    simple
}

fn decl(element: &Element) -> Decl {
    let ty = if let Some(named) = attribute(element, "type") {
        Type::Named(named.to_string())
    } else if let Some(inner) = element.children.iter().find(|c| is_xsd(c, "complexType")) {
        Type::Complex(complex(inner))
    } else if let Some(inner) = element.children.iter().find(|c| is_xsd(c, "simpleType")) {
        Type::Simple(simple(inner))
    } else {
        Type::Named("xsd:string".into())
    };
    let occurs = |name, default: u32| match attribute(element, name) {
        Some("unbounded") => None,
        Some(n) => n.parse().ok(),
        None => Some(default),
    };
    Decl {
        name: attribute(element, "name").unwrap_or_default().to_string(),
        ty,
        min: occurs("minOccurs", 1).unwrap_or(0),
        max: occurs("maxOccurs", 1),
        doc: documentation(element),
    }
}

impl Model {
    fn read(schema: &str) -> Model {
        let limits = Limits { max_elements: usize::MAX, max_children: usize::MAX, ..Limits::default() };
        let root = xml::parse(schema.as_bytes(), &limits).expect("the bundled schema is well-formed");
        let mut model = Model { elements: HashMap::new(), complex: HashMap::new(), simple: HashMap::new() };
        for child in &root.children {
            let name = attribute(child, "name").unwrap_or_default().to_string();
            match child.local.as_str() {
                "element" => {
                    model.elements.insert(name, decl(child));
                }
                "complexType" => {
                    model.complex.insert(name, complex(child));
                }
                "simpleType" => {
                    model.simple.insert(name, simple(child));
                }
                _ => {}
            }
        }
        model
    }

    /// What a named or anonymous type resolves to.
    fn resolve<'a>(&'a self, ty: &'a Type) -> Resolved<'a> {
        match ty {
            Type::Complex(group) => Resolved::Complex(group),
            Type::Simple(simple) => Resolved::Simple(simple.clone()),
            Type::Named(name) => match name.split_once(':') {
                Some(("tns", local)) => match (self.complex.get(local), self.simple.get(local)) {
                    (Some(group), _) => Resolved::Complex(group),
                    (None, Some(simple)) => Resolved::Simple(simple.clone()),
                    (None, None) => Resolved::Simple(Simple { base: "xsd:string".into(), ..Simple::default() }),
                },
                _ => Resolved::Simple(Simple { base: name.clone(), ..Simple::default() }),
            },
        }
    }
}

enum Resolved<'a> {
    Complex(&'a Group),
    Simple(Simple),
}

/// A placeholder value that satisfies a simple type.
fn placeholder(simple: &Simple) -> String {
    if let Some(first) = simple.enumeration.first() {
        return first.clone();
    }
    if let Some(min) = &simple.min_inclusive {
        return min.clone();
    }
    match simple.base.trim_start_matches("xsd:") {
        "int" | "integer" | "long" | "short" => "0".into(),
        "boolean" => "true".into(),
        "date" => "2026-01-15".into(),
        "dateTime" => "2026-01-15T09:00:00Z".into(),
        _ => "string".into(),
    }
}

/// A human name of a simple type, for the field table.
fn type_name(model: &Model, ty: &Type) -> String {
    match ty {
        Type::Named(name) => name.trim_start_matches("tns:").trim_start_matches("xsd:").to_string(),
        Type::Complex(_) => "(structure)".into(),
        Type::Simple(simple) => match model.resolve(&Type::Named(simple.base.clone())) {
            Resolved::Simple(base) => base.base.trim_start_matches("xsd:").to_string(),
            Resolved::Complex(_) => "(structure)".into(),
        },
    }
}

/// One row of an operation's field table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The element's path below the request element, `credentials/token`.
    pub path: String,
    pub type_name: String,
    /// `1`, `0..1`, `0..*`, …
    pub occurs: String,
    /// The values an enumeration allows.
    pub values: Vec<String>,
    pub doc: Option<String>,
    /// One of the alternatives of a choice.
    pub alternative: bool,
}

/// Everything a service page shows of one operation.
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// `GetEnrollments`.
    pub name: String,
    /// `GetEnrollmentsRequest`.
    pub request: String,
    pub result: String,
    pub doc: Option<String>,
    /// A SOAP 1.1 envelope with the request element: required elements filled in, optional ones
    /// commented out.
    pub sample: String,
    pub fields: Vec<Field>,
}

struct Writer<'m> {
    model: &'m Model,
    out: String,
    fields: Vec<Field>,
}

fn occurs(decl: &Decl) -> String {
    match (decl.min, decl.max) {
        (1, Some(1)) => "1".into(),
        (min, None) => format!("{min}..*"),
        (min, Some(max)) => format!("{min}..{max}"),
    }
}

impl Writer<'_> {
    fn indent(&mut self, depth: usize) {
        self.out.push_str(&"  ".repeat(depth));
    }

    /// Writes `group`'s particles; a choice writes its first alternative and notes the others.
    fn group(&mut self, group: &Group, depth: usize, path: &str, commented: bool, alternative: bool) {
        if group.choice {
            for (i, particle) in group.particles.iter().enumerate() {
                if i == 0 {
                    self.particle(particle, depth, path, commented, true);
                } else {
                    if !commented {
                        self.indent(depth);
                        let names = particle_names(particle).join(", ");
                        let _ = writeln!(self.out, "<!-- or instead: {names} -->");
                    }
                    // The other alternatives appear in the field table only.
                    let mut silent = Writer { model: self.model, out: String::new(), fields: Vec::new() };
                    silent.particle(particle, depth, path, true, true);
                    self.fields.extend(silent.fields);
                }
            }
        } else {
            for particle in &group.particles {
                self.particle(particle, depth, path, commented, alternative);
            }
        }
    }

    fn particle(&mut self, particle: &Particle, depth: usize, path: &str, commented: bool, alternative: bool) {
        match particle {
            Particle::Group(group) => self.group(group, depth, path, commented, alternative),
            Particle::Element(decl) => self.element(decl, depth, path, commented, alternative),
        }
    }

    fn element(&mut self, decl: &Decl, depth: usize, path: &str, commented: bool, alternative: bool) {
        let path = if path.is_empty() { decl.name.clone() } else { format!("{path}/{}", decl.name) };
        let optional = decl.min == 0;
        // Optional elements are written inside a comment (comments do not nest: one per element).
        let opens_comment = optional && !commented;
        let resolved = self.model.resolve(&decl.ty);
        let (values, simple_doc) = match &resolved {
            Resolved::Simple(simple) => (simple.enumeration.clone(), simple.doc.clone()),
            Resolved::Complex(_) => (Vec::new(), None),
        };
        self.fields.push(Field {
            path: path.clone(),
            type_name: type_name(self.model, &decl.ty),
            occurs: occurs(decl),
            values,
            doc: decl.doc.clone().or(simple_doc),
            alternative,
        });
        self.indent(depth);
        if opens_comment {
            let repeat = if decl.max.is_none_or(|m| m > 1) { ", repeatable" } else { "" };
            let _ = writeln!(self.out, "<!-- optional{repeat}:");
            self.indent(depth);
        }
        match resolved {
            Resolved::Simple(simple) => {
                let _ = write!(self.out, "<{0}>{1}</{0}>", decl.name, placeholder(&simple));
            }
            Resolved::Complex(group) => {
                let _ = writeln!(self.out, "<{}>", decl.name);
                self.group(group, depth + 1, &path, commented || opens_comment, false);
                self.indent(depth);
                let _ = write!(self.out, "</{}>", decl.name);
            }
        }
        if opens_comment {
            self.out.push_str(" -->");
        }
        self.out.push('\n');
    }
}

fn particle_names(particle: &Particle) -> Vec<String> {
    match particle {
        Particle::Element(decl) => vec![decl.name.clone()],
        Particle::Group(group) => group.particles.iter().flat_map(particle_names).collect(),
    }
}

/// The documentation of every operation named in `operations` (request element names, in the
/// dispatch table's order).
pub fn document(operations: &[&str]) -> Vec<OperationDoc> {
    let model = Model::read(SCHEMA);
    operations
        .iter()
        .map(|request| {
            let decl = model.elements.get(*request).unwrap_or_else(|| panic!("the schema declares {request}"));
            let mut writer = Writer { model: &model, out: String::new(), fields: Vec::new() };
            writer.out.push_str("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"\n");
            let _ = writeln!(writer.out, "               xmlns=\"{API_NS}\">");
            writer.out.push_str("  <soap:Body>\n");
            writer.indent(2);
            let _ = writeln!(writer.out, "<{request}>");
            if let Resolved::Complex(group) = model.resolve(&decl.ty) {
                writer.group(group, 3, "", false, false);
            }
            writer.indent(2);
            let _ = writeln!(writer.out, "</{request}>");
            writer.out.push_str("  </soap:Body>\n</soap:Envelope>\n");
            let name = request.trim_end_matches("Request").to_string();
            let result =
                if model.elements.contains_key(&format!("{name}Result")) { format!("{name}Result") } else { "SuccessResult".into() };
            OperationDoc { name, request: request.to_string(), result, doc: decl.doc.clone(), sample: writer.out, fields: writer.fields }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<OperationDoc> {
        let names: Vec<&str> = crate::faces::soap::operations::OPERATIONS.iter().map(|op| op.request).collect();
        document(&names)
    }

    #[test]
    fn every_operation_has_a_sample_the_decoder_accepts() {
        for doc in docs() {
            let body = doc.sample.replace("<token>string</token>", "<token>t</token>");
            let decoded =
                crate::faces::soap::decode_request(body.as_bytes(), crate::faces::soap::envelope::Version::Soap11, &Limits::default());
            assert!(decoded.is_ok(), "{}: {:?}\n{}", doc.name, decoded.err().map(|r| r.fault.message.clone()), doc.sample);
        }
    }

    /// Writes `decl` with every element the schema declares inside it (of a choice, the
    /// `alternative`-th branch), each with the `xsi:type` that `xsi` gives for its fault path and its
    /// declared type (`tns:Id`, `xsd:date`; `None` for an anonymous one).
    fn full(model: &Model, decl: &Decl, path: &str, alternative: usize, xsi: &dyn Fn(&str, Option<&str>) -> Option<String>) -> String {
        let declared = match &decl.ty {
            Type::Named(name) => Some(name.as_str()),
            _ => None,
        };
        let attribute = xsi(path, declared).map(|ty| format!(" xsi:type=\"{ty}\"")).unwrap_or_default();
        let content = match model.resolve(&decl.ty) {
            Resolved::Simple(simple) => placeholder(&simple),
            Resolved::Complex(group) => particles(model, group, path, alternative, xsi),
        };
        format!("<{0}{attribute}>{content}</{0}>", decl.name)
    }

    fn particles(
        model: &Model,
        group: &Group,
        path: &str,
        alternative: usize,
        xsi: &dyn Fn(&str, Option<&str>) -> Option<String>,
    ) -> String {
        let chosen: Vec<&Particle> = if group.choice {
            vec![&group.particles[alternative.min(group.particles.len() - 1)]]
        } else {
            group.particles.iter().collect()
        };
        chosen
            .into_iter()
            .map(|particle| match particle {
                Particle::Group(inner) => particles(model, inner, path, alternative, xsi),
                Particle::Element(decl) => {
                    let index = if decl.max == Some(1) { "" } else { "[1]" };
                    full(model, decl, &format!("{path}/{}{index}", decl.name), alternative, xsi)
                }
            })
            .collect()
    }

    /// Every element of every request, through both alternatives of `credentials`: named with its
    /// declared type by `xsi:type`, the request is decoded; named with another type, it is refused
    /// with a TYPE fault at that element. This holds the decoders to the types the XSD declares.
    #[test]
    fn xsi_type_may_name_the_declared_type_of_every_element_and_no_other() {
        let model = Model::read(SCHEMA);
        let decode = |request: &str| {
            let body = format!(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"{API_NS}\" xmlns:tns=\"{API_NS}\" \
                 xmlns:xsd=\"{XSD}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soap:Body>{request}</soap:Body></soap:Envelope>"
            );
            crate::faces::soap::decode_request(body.as_bytes(), crate::faces::soap::envelope::Version::Soap11, &Limits::default())
                .map(|_| ())
                .map_err(|refused| {
                    (refused.fault.detail_code, refused.fault.path.clone().unwrap_or_default(), refused.fault.message.clone())
                })
        };
        let mut checked = 0;
        for registered in crate::faces::soap::operations::OPERATIONS {
            let decl = &model.elements[registered.request];
            for alternative in 0..2 {
                let declared = full(&model, decl, registered.request, alternative, &|_, declared| declared.map(str::to_string));
                assert_eq!(decode(&declared), Ok(()), "{declared}");

                let paths = std::cell::RefCell::new(Vec::new());
                full(&model, decl, registered.request, alternative, &|path, _| {
                    paths.borrow_mut().push(path.to_string());
                    None
                });
                for target in paths.into_inner() {
                    let other = full(&model, decl, registered.request, alternative, &|path, declared| {
                        (path == target).then(|| if declared == Some("tns:Name") { "tns:Id" } else { "tns:Name" }.to_string())
                    });
                    let refused = decode(&other).expect_err(&other);
                    assert_eq!((refused.0, refused.1.as_str()), ("TYPE", target.as_str()), "{}\n{other}", refused.2);
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked} elements checked");
    }

    #[test]
    fn samples_show_every_element_in_order_and_comment_out_optional_ones() {
        let docs = docs();
        let get = docs.iter().find(|d| d.name == "GetEnrollments").unwrap();
        assert!(get.doc.as_deref().unwrap().starts_with("Active enrollments"));
        let credentials = get.sample.find("<credentials>").unwrap();
        let courses = get.sample.find("<courseIds>").unwrap();
        let learners = get.sample.find("<learnerIds>").unwrap();
        assert!(credentials < courses && courses < learners, "{}", get.sample);
        assert!(get.sample.contains("<!-- optional:\n      <courseIds>"), "{}", get.sample);
        assert!(get.sample.contains("<!-- or instead: accountUrl, email, password -->"), "{}", get.sample);
        let paths: Vec<&str> = get.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "credentials",
                "credentials/token",
                "credentials/accountUrl",
                "credentials/email",
                "credentials/password",
                "courseIds",
                "courseIds/id",
                "learnerIds",
                "learnerIds/id"
            ]
        );
        assert_eq!(get.fields[5].occurs, "0..1");
        assert_eq!(get.fields[6].occurs, "0..*");

        let enroll = docs.iter().find(|d| d.name == "EnrollLearnersInCourses").unwrap();
        assert!(enroll.sample.contains("<dueDateType>unlimited</dueDateType>"), "{}", enroll.sample);
        let due_type = enroll.fields.iter().find(|f| f.path == "dueDateType").unwrap();
        assert_eq!(due_type.values, ["unlimited", "default", "due_date", "due_period"]);
        assert_eq!(enroll.result, "SuccessResult");
        assert_eq!(get.result, "GetEnrollmentsResult");
    }
}
