//! The service pages a browser sees at the SOAP endpoint, like the ones ASMX and CXF serve: every
//! operation with its documentation, and a page per operation (`?op=GetEnrollments`) with its
//! fields, a sample request generated from the XSD and a form that sends it. The list comes from
//! the dispatch table, so an operation added there appears here by itself.

use std::fmt::Write as _;
use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::operations::OPERATIONS;
use super::sample::{self, OperationDoc};
use crate::pages::{escape, html, layout};

/// Every operation's documentation, in the dispatch table's order; made once.
static CATALOG: LazyLock<Vec<OperationDoc>> = LazyLock::new(|| {
    let requests: Vec<&str> = OPERATIONS.iter().map(|op| op.request).collect();
    sample::document(&requests)
});

const SUBTITLE: &str = "iSpring Learn SOAP API";

/// The page `GET {endpoint}` shows a browser: `?op=Name` for one operation, else the list.
pub fn page(req: &HttpRequest) -> HttpResponse {
    let operation =
        form_urlencoded::parse(req.query_string().as_bytes()).find(|(name, _)| name == "op").map(|(_, value)| value.into_owned());
    match operation {
        None => html(StatusCode::OK, service_page(req.path())),
        Some(name) => match CATALOG.iter().find(|doc| doc.name == name || doc.request == name) {
            Some(doc) => html(StatusCode::OK, operation_page(req.path(), doc)),
            None => {
                let body = format!(
                    "<section><h2>No operation {}</h2><p>This endpoint serves the operations below.</p></section>{}",
                    escape(&name),
                    operation_list(req.path())
                );
                html(StatusCode::NOT_FOUND, layout("Unknown operation · lmsbridge", SUBTITLE, &body))
            }
        },
    }
}

fn operation_list(endpoint: &str) -> String {
    let mut list = String::from("<section><h2>Operations</h2><table id=\"operations\">");
    for doc in CATALOG.iter() {
        let _ = write!(
            list,
            "<tr><td style=\"width:32%\"><a href=\"{endpoint}?op={name}\">{name}</a></td><td>{doc}</td></tr>",
            endpoint = escape(endpoint),
            name = escape(&doc.name),
            doc = escape(doc.doc.as_deref().unwrap_or("")),
        );
    }
    list.push_str("</table></section>");
    list
}

fn service_page(endpoint: &str) -> String {
    let e = escape(endpoint);
    let intro = format!(
        "<section><h2>The iSpring Learn SOAP service</h2>\
         <p class=\"summary\">{count} operations at <code>POST {e}</code>: SOAP 1.1 as <code>text/xml</code>, SOAP 1.2 as \
         <code>application/soap+xml</code>. The Body's element names the operation; <code>SOAPAction</code> is not needed. \
         Credentials travel in every request: a token from <code>POST /api/v3/token</code>, or an administrator's account URL, \
         e-mail and password.</p>\
         <p>Contract: <a href=\"{e}?wsdl\">WSDL</a> (schema inlined) · <a href=\"{e}?xsd\">XML Schema</a>. \
         Open an operation for its fields, a sample request and a form to send it.</p></section>",
        count = CATALOG.len(),
    );
    layout("iSpring Learn SOAP API · lmsbridge", SUBTITLE, &(intro + &operation_list(endpoint)))
}

fn field_table(doc: &OperationDoc) -> String {
    let mut table = String::from("<table id=\"fields\"><tr><th>element</th><th>type</th><th>occurs</th><th>meaning</th></tr>");
    for field in &doc.fields {
        let mut meaning = escape(field.doc.as_deref().unwrap_or(""));
        if !field.values.is_empty() {
            let values: Vec<String> = field.values.iter().map(|v| format!("<code>{}</code>", escape(v))).collect();
            let _ = write!(meaning, "{}one of {}", if meaning.is_empty() { "" } else { " " }, values.join(", "));
        }
        if field.alternative {
            meaning = format!("<span class=\"muted\">(one alternative of a choice)</span> {meaning}");
        }
        let _ = write!(
            table,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{meaning}</td></tr>",
            escape(&field.path),
            escape(&field.type_name),
            escape(&field.occurs)
        );
    }
    table.push_str("</table>");
    table
}

fn operation_page(endpoint: &str, doc: &OperationDoc) -> String {
    let body = format!(
        r#"<p><a href="{e}">All operations</a></p>
<section><h2 id="operation">{name}</h2><p class="summary">{summary}</p>
<p>Request element <code>{request}</code>, answered with <code>{result}</code>.</p>
<h3>Fields</h3>{fields}</section>
<section><h2>Try it</h2>
<p class="summary">The sample below has every element of the request in order: required ones filled in with placeholders,
optional ones commented out (remove the comment marks to send them). Paste a token, edit, and send: the request goes to
<code>POST {e}</code> on this server.</p>
<label for="token">Token (replaces the content of <code>&lt;token&gt;</code>)</label>
<input type="text" id="token" placeholder="access_token from POST /api/v3/token" autocomplete="off">
<p><label for="version">SOAP version</label>
<select id="version"><option value="1.1">SOAP 1.1 (text/xml)</option><option value="1.2">SOAP 1.2 (application/soap+xml)</option></select></p>
<textarea id="envelope" spellcheck="false">{sample}</textarea>
<p><button type="button" id="send">Send</button> <span id="response-status" class="muted"></span></p>
<div id="fault" class="fault" hidden></div>
<h3>Response headers</h3><pre id="response-headers"></pre>
<h3>Response body</h3><pre id="response-body"></pre>
</section>
<script>{script}</script>"#,
        e = escape(endpoint),
        name = escape(&doc.name),
        summary = escape(doc.doc.as_deref().unwrap_or("")),
        request = escape(&doc.request),
        result = escape(&doc.result),
        fields = field_table(doc),
        sample = escape(&doc.sample),
        script = TRY_IT,
    );
    layout(&format!("{} · iSpring Learn SOAP API · lmsbridge", doc.name), SUBTITLE, &body)
}

/// The try-it form's script: sends the envelope with `fetch` and shows the answer, the XML
/// indented and a fault's detail spelled out.
const TRY_IT: &str = r#"
(function () {
  const $ = (id) => document.getElementById(id);
  const remembered = sessionStorage.getItem('lmsbridge.token');
  if (remembered) $('token').value = remembered;
  const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  function pretty(node, depth) {
    const pad = '  '.repeat(depth);
    if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
      const text = node.nodeValue.trim();
      return text ? pad + escapeXml(text) + '\n' : '';
    }
    if (node.nodeType === Node.COMMENT_NODE) return pad + '<!--' + node.nodeValue + '-->\n';
    if (node.nodeType !== Node.ELEMENT_NODE) return '';
    const attributes = Array.from(node.attributes).map((a) => ' ' + a.name + '="' + escapeXml(a.value).replace(/"/g, '&quot;') + '"').join('');
    const children = Array.from(node.childNodes).filter((c) => c.nodeType !== Node.TEXT_NODE || c.nodeValue.trim());
    if (children.length === 0) return pad + '<' + node.nodeName + attributes + '/>\n';
    if (children.length === 1 && children[0].nodeType === Node.TEXT_NODE) {
      return pad + '<' + node.nodeName + attributes + '>' + escapeXml(children[0].nodeValue.trim()) + '</' + node.nodeName + '>\n';
    }
    return pad + '<' + node.nodeName + attributes + '>\n' + children.map((c) => pretty(c, depth + 1)).join('') + pad + '</' + node.nodeName + '>\n';
  }
  function showFault(doc) {
    const fault = doc.getElementsByTagNameNS('*', 'Fault')[0];
    const box = $('fault');
    if (!fault) { box.hidden = true; box.textContent = ''; return; }
    const first = (name) => { const e = fault.getElementsByTagNameNS('*', name)[0] || fault.getElementsByTagName(name)[0]; return e ? e.textContent.trim() : ''; };
    const code = first('faultcode') || first('Value');
    const reason = first('faultstring') || first('Text');
    box.replaceChildren();
    const title = document.createElement('strong');
    title.textContent = 'Fault ' + code + ': ' + reason;
    box.appendChild(title);
    const detail = fault.getElementsByTagNameNS('*', 'faultDetail')[0];
    if (detail) {
      const list = document.createElement('dl');
      for (const part of Array.from(detail.children)) {
        const term = document.createElement('dt'); term.textContent = part.localName;
        const value = document.createElement('dd'); value.textContent = part.textContent;
        list.append(term, value);
      }
      box.appendChild(list);
    }
    box.hidden = false;
  }
  $('send').addEventListener('click', async () => {
    const token = $('token').value.trim();
    let body = $('envelope').value;
    if (token) {
      sessionStorage.setItem('lmsbridge.token', token);
      body = body.replace(/<token>[\s\S]*?<\/token>/, '<token>' + escapeXml(token) + '</token>');
    }
    let type = 'text/xml; charset=utf-8';
    if ($('version').value === '1.2') {
      body = body.replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope');
      type = 'application/soap+xml; charset=utf-8';
    }
    $('response-status').textContent = 'sending…';
    $('response-headers').textContent = '';
    $('response-body').textContent = '';
    const started = performance.now();
    try {
      const response = await fetch(location.pathname, { method: 'POST', headers: { 'Content-Type': type }, body });
      const text = await response.text();
      const took = Math.round(performance.now() - started);
      const status = $('response-status');
      status.textContent = response.status + ' ' + response.statusText + ' · ' + took + ' ms';
      status.className = response.ok ? 'ok' : 'bad';
      $('response-headers').textContent = Array.from(response.headers).map(([k, v]) => k + ': ' + v).join('\n');
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) {
        $('response-body').textContent = text;
        showFault(document.implementation.createDocument(null, 'none'));
      } else {
        $('response-body').textContent = pretty(doc.documentElement, 0);
        showFault(doc);
      }
    } catch (error) {
      $('response-status').textContent = 'the request failed: ' + error;
      $('response-status').className = 'bad';
    }
  });
})();
"#;
