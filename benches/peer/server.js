#!/usr/bin/env node
// Benchmark peer of lmsbridge: a node-soap server that serves the same WSDL and answers
// GetEnrollments from an in-memory copy of the same rows (see README.md beside this file).
//
//   node benches/peer/server.js --port P --wsdl FILE --data FILE --token TOKEN
//
// --wsdl: lmsbridge's served `?wsdl` (schema inlined), saved to a file.
// --data: the enrollments as lmsbridge's JSON mirror writes them: {"enrollments":[{...}, ...]}.
// Only GetEnrollments is implemented; every other operation answers the fault `Wrong parameters`.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const { parseArgs } = require('node:util');
const soap = require('soap');

const HOST = '127.0.0.1';
const SOAP_PATH = '/api/v2/soap/2.0';
const SERVICE = 'ISpringLearnService';
const PORTS = ['ISpringLearnSoap11Port', 'ISpringLearnSoap12Port'];
// As lmsbridge: at most this many ids in one courseIds or learnerIds filter.
const MAX_FILTER_IDS = 10000;

function usage(message) {
  process.stderr.write(`benches/peer/server.js: ${message}\n` +
    'usage: node benches/peer/server.js --port P --wsdl FILE --data FILE --token TOKEN\n');
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        wsdl: { type: 'string' },
        data: { type: 'string' },
        token: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    usage(err.message);
  }
  for (const name of ['port', 'wsdl', 'data', 'token']) {
    if (!values[name]) usage(`--${name} is required`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`--port ${values.port} is not a TCP port`);
  return { port, wsdl: values.wsdl, data: values.data, token: values.token };
}

// ---------------------------------------------------------------------------------------------
// Data: the file is read in 16 MiB chunks and only the rows of each chunk are parsed, so a file
// of a million rows (~300 MB) never becomes one string nor one parse of the whole document.

/** One row as node-soap will serialize it: keys in the schema's order, absent optionals left out. */
function toEnrollment(raw) {
  const e = {
    enrollmentId: raw.enrollmentId,
    courseId: raw.courseId,
    learnerId: raw.learnerId,
    accessDate: raw.accessDate,
  };
  if (raw.dueDate != null) e.dueDate = raw.dueDate;
  if (raw.expirationDate != null) e.expirationDate = raw.expirationDate;
  e.enrollmentTypeGroup = raw.enrollmentTypeGroup;
  // xsd:boolean in the lexical form lmsbridge writes (and the schema documents): 0 or 1.
  e.shouldLockAfterDueDate = raw.shouldLockAfterDueDate ? '1' : '0';
  if (raw.certificate != null) {
    const c = raw.certificate;
    const certificate = { issuedCertificateId: c.issuedCertificateId, issueDate: c.issueDate };
    if (c.expiryDate != null) certificate.expiryDate = c.expiryDate;
    e.certificate = certificate;
  }
  return e;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;

/**
 * Calls onRow(object) for every element of the top-level object's "enrollments" array, in order.
 * The elements that begin and end within one chunk are parsed together, as one array; strings
 * below the top level are skipped with Buffer#indexOf, so few bytes are looked at one by one.
 */
function readEnrollments(file, onRow, chunkSize = 16 << 20) {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(chunkSize);
  const stack = []; // open containers: LBRACE or LBRACKET
  let inString = false;
  let escaped = false; // inside a string, right after a backslash
  let key = ''; // the last string read directly inside the top-level object
  let inRows = false; // inside the top-level "enrollments" array
  let rowOpen = false; // inside one of its elements
  let rowStart = 0; // where that element starts in the chunk
  let carried = null; // bytes of an element begun in an earlier chunk (decoded only when whole)
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      let batchStart = -1;
      let batchEnd = -1;
      let i = 0;
      while (i < n) {
        if (inString) {
          if (stack.length === 1) {
            // A key (or a value) of the top-level object: read byte by byte, kept in `key`.
            const b = chunk[i++];
            if (escaped) escaped = false;
            else if (b === BACKSLASH) escaped = true;
            else if (b === QUOTE) inString = false;
            else key += String.fromCharCode(b);
            continue;
          }
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          const q = chunk.indexOf(QUOTE, i);
          const end = q === -1 ? n : q;
          let backslashes = 0; // right before `end`, not before `i`
          while (end - backslashes - 1 >= i && chunk[end - backslashes - 1] === BACKSLASH) backslashes++;
          if (q === -1) {
            escaped = backslashes % 2 === 1;
            i = n;
          } else {
            if (backslashes % 2 === 0) inString = false;
            i = q + 1;
          }
          continue;
        }
        const b = chunk[i];
        if (b === QUOTE) {
          inString = true;
          if (stack.length === 1) key = '';
        } else if (b === LBRACE || b === LBRACKET) {
          if (stack.length === 1 && b === LBRACKET) {
            inRows = key === 'enrollments';
          } else if (stack.length === 2 && inRows && b === LBRACE) {
            rowOpen = true;
            rowStart = i;
            if (batchStart === -1) batchStart = i;
          }
          stack.push(b);
        } else if (b === RBRACE || b === RBRACKET) {
          if (stack.pop() === undefined) throw new Error(`${file}: unbalanced JSON`);
          if (rowOpen && stack.length === 2) {
            rowOpen = false;
            if (carried !== null) {
              onRow(JSON.parse(Buffer.concat([carried, chunk.subarray(0, i + 1)]).toString('utf8')));
              carried = null;
            } else {
              batchEnd = i + 1;
            }
          } else if (stack.length === 1) {
            inRows = false;
          }
        }
        i++;
      }
      if (rowOpen) {
        // The last element goes on in the next chunk.
        const part = chunk.subarray(carried !== null ? 0 : rowStart, n);
        carried = carried === null ? Buffer.from(part) : Buffer.concat([carried, part]);
      }
      if (batchStart !== -1 && batchEnd > batchStart) {
        const rows = JSON.parse(`[${chunk.toString('utf8', batchStart, batchEnd)}]`);
        for (let r = 0; r < rows.length; r++) onRow(rows[r]);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (stack.length !== 0 || inString) throw new Error(`${file}: truncated JSON`);
}

/** Rows in file order (lmsbridge's order) and their positions by learnerId and by courseId. */
function loadData(file) {
  const rows = [];
  const byLearner = new Map();
  const byCourse = new Map();
  readEnrollments(file, (raw) => {
    const e = toEnrollment(raw);
    const at = rows.length;
    rows.push(e);
    let list = byLearner.get(e.learnerId);
    if (list === undefined) byLearner.set(e.learnerId, (list = []));
    list.push(at);
    list = byCourse.get(e.courseId);
    if (list === undefined) byCourse.set(e.courseId, (list = []));
    list.push(at);
  });
  return { rows, byLearner, byCourse };
}
// ---------------------------------------------------------------------------------------------
// GetEnrollments, with lmsbridge's semantics.

function fault(faultstring) {
  // SOAP 1.1 style; the `soap` prefix is the envelope's (node-soap's envelopeKey).
  return { Fault: { faultcode: 'soap:Client', faultstring, statusCode: 500 } };
}

function text(value) {
  if (value !== null && typeof value === 'object') return value.$value == null ? '' : String(value.$value);
  return value == null ? '' : String(value);
}

/** The ids of an optional IdList argument, or null for "no filter" (absent or empty list). */
function idFilter(list) {
  if (list == null || typeof list !== 'object' || list.id == null) return null;
  // tns:Id is an xsd:token: surrounding whitespace is not part of the id.
  const ids = (Array.isArray(list.id) ? list.id : [list.id]).map((id) => text(id).trim());
  if (ids.length === 0) return null;
  if (ids.length > MAX_FILTER_IDS) throw fault('Wrong parameters');
  return [...new Set(ids)];
}

/** Positions of the rows indexed under `keys`, ascending (file order), and how many there are. */
function positions(index, keys) {
  const lists = [];
  let count = 0;
  for (const key of keys) {
    const list = index.get(key);
    if (list !== undefined) {
      lists.push(list);
      count += list.length;
    }
  }
  return { lists, count };
}

function merged({ lists }) {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  return Int32Array.from(lists.flat()).sort();
}

function selectRows(data, courseIds, learnerIds) {
  if (courseIds === null && learnerIds === null) return data.rows;
  const { rows } = data;
  const pick = (at) => rows[at];
  if (courseIds === null) return Array.from(merged(positions(data.byLearner, learnerIds)), pick);
  if (learnerIds === null) return Array.from(merged(positions(data.byCourse, courseIds)), pick);
  // Both: walk the smaller side, keep the rows whose other key is named too.
  const byLearner = positions(data.byLearner, learnerIds);
  const byCourse = positions(data.byCourse, courseIds);
  const out = [];
  if (byLearner.count <= byCourse.count) {
    const wanted = new Set(courseIds);
    for (const at of merged(byLearner)) if (wanted.has(rows[at].courseId)) out.push(rows[at]);
  } else {
    const wanted = new Set(learnerIds);
    for (const at of merged(byCourse)) if (wanted.has(rows[at].learnerId)) out.push(rows[at]);
  }
  return out;
}

function services(data, token, operations) {
  const port = {};
  for (const name of operations) {
    port[name] = () => {
      throw fault('Wrong parameters');
    };
  }
  port.GetEnrollments = (args) => {
    // As lmsbridge: a request without a token (or an empty one) breaks the contract; a token
    // that is not this server's is refused.
    const given = args == null || args.credentials == null ? '' : text(args.credentials.token).trim();
    if (given === '') throw fault('Wrong parameters');
    if (given !== token) throw fault('Authorization failed');
    const courseIds = idFilter(args.courseIds);
    const learnerIds = idFilter(args.learnerIds);
    return { enrollment: selectRows(data, courseIds, learnerIds) };
  };
  const service = {};
  for (const name of PORTS) service[name] = port;
  return service;
}

// ---------------------------------------------------------------------------------------------

/** A full garbage collection, once, before serving (V8's gc() made reachable for this call). */
function collectGarbage() {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    require('node:vm').runInNewContext('gc')();
  } catch {
    // Not essential: the collector gets to it on its own.
  }
}

function main() {
  const opts = options();
  const url = `http://${HOST}:${opts.port}${SOAP_PATH}`;
  // Same contract as lmsbridge's; only the endpoint addresses name this server.
  const wsdl = fs.readFileSync(opts.wsdl, 'utf8')
    .replace(/(<[\w.-]+:address\b[^>]*?\blocation=")[^"]*(")/g, `$1${url}$2`);

  const started = process.hrtime.bigint();
  const data = loadData(opts.data);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  collectGarbage(); // the parse leaves hundreds of MB of garbage: start serving without it
  const mib = (bytes) => (bytes / 1048576).toFixed(0);
  const heap = process.memoryUsage().heapUsed;
  process.stderr.write(`peer: loaded ${data.rows.length} enrollments (${data.byLearner.size} learners, ` +
    `${data.byCourse.size} courses) in ${ms.toFixed(0)} ms; heap ${mib(heap)} MiB\n`);

  const ports = {};
  const serviceObject = { [SERVICE]: ports };
  const server = http.createServer((req, res) => {
    res.statusCode = 404;
    res.end();
  });
  soap.listen(server, {
    path: SOAP_PATH,
    services: serviceObject,
    xml: wsdl,
    enableChunkedEncoding: false, // Content-Length, as lmsbridge sends
    callback: (err, soapServer) => {
      if (err) {
        process.stderr.write(`peer: the WSDL was not accepted: ${err.stack || err}\n`);
        process.exit(1);
      }
      const service = soapServer.wsdl.definitions.services[SERVICE];
      const missing = PORTS.filter((p) => !service || !service.ports[p]);
      if (missing.length > 0) {
        process.stderr.write(`peer: the WSDL has no ${SERVICE} port ${missing.join(', ')}\n`);
        process.exit(1);
      }
      const operations = new Set();
      for (const p of PORTS) for (const m of Object.keys(service.ports[p].binding.methods)) operations.add(m);
      if (!operations.has('GetEnrollments')) {
        process.stderr.write('peer: the WSDL has no GetEnrollments operation\n');
        process.exit(1);
      }
      Object.assign(ports, services(data, opts.token, operations));
      server.listen(opts.port, HOST, () => {
        process.stdout.write(`peer listening on ${url}\n`);
      });
    },
  });
  server.on('error', (err) => {
    process.stderr.write(`peer: ${err.message}\n`);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
}

if (require.main === module) main();
module.exports = { readEnrollments, toEnrollment, loadData, selectRows };
