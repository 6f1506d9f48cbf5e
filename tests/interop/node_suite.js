#!/usr/bin/env node
// Interoperability suite: calls every operation of lmsbridge's iSpring Learn SOAP API through a
// client that node-soap generates at run time from the served WSDL.
//
//   node node_suite.js --wsdl http://HOST/api/v2/soap/2.0?wsdl --token ADMIN_TOKEN --learner-token LEARNER_TOKEN
//
// The account is assumed to hold at least one department and one course; everything else the
// scenario needs (a department, two learners, a group, enrollments) it creates through the API and
// removes again. Prints one line per check, goes on after a failure, and exits 1 listing every
// failure. The same scenario as zeep_suite.py, with the same check names.
'use strict';

const crypto = require('crypto');
const soap = require('soap');

const SERVICE = 'ISpringLearnService';
const SOAP11_PORT = 'ISpringLearnSoap11Port';
const SOAP12_PORT = 'ISpringLearnSoap12Port';
const BAD_TOKEN = 'interop-not-a-valid-token';
const UNKNOWN_ID = 'interop-no-such-id-0000';
const PAGE_LIMIT = 1000;
const STATUSES = ['not_started', 'in_progress', 'pending', 'complete', 'passed', 'accepted', 'incomplete', 'failed', 'declined'];

class Blocked extends Error {}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const key = { '--wsdl': 'wsdl', '--token': 'token', '--learner-token': 'learnerToken' }[argv[i]];
    if (!key || i + 1 >= argv.length) {
      throw new Error(`unexpected argument ${argv[i]}`);
    }
    args[key] = argv[++i];
  }
  for (const key of ['wsdl', 'token', 'learnerToken']) {
    if (!args[key]) throw new Error('usage: node_suite.js --wsdl URL --token TOKEN --learner-token TOKEN');
  }
  return args;
}

// ---- decoding helpers -------------------------------------------------------------------------

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function get(value, name) {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  return value[name];
}

/** The ids of an IdList. */
function ids(value) {
  return asList(get(value, 'id'));
}

/** The text of an element node-soap decoded: a string, or an object with $value when it has attributes. */
function text(value) {
  if (value !== null && typeof value === 'object' && '$value' in value) return value.$value;
  return value;
}

function isDate(value) {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** An xsd:date node-soap decoded into a Date at UTC midnight, as YYYY-MM-DD. */
function day(value) {
  if (isDate(value)) return value.toISOString().slice(0, 10);
  return value;
}

/** An int node-soap decoded: a number for xsd:int, a string for types restricting it. */
function int(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return value;
}

function show(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function sameJson(a, b) {
  return show(a) === show(b);
}

function sorted(list) {
  return [...list].sort();
}

/** The Fault element of a rejected call, whatever the SOAP version. */
function faultOf(error) {
  const body = get(get(get(error, 'root'), 'Envelope'), 'Body');
  return get(body, 'Fault');
}

function faultParts(fault) {
  const code = text(get(fault, 'faultcode') ?? get(get(fault, 'Code'), 'Value'));
  const reason = get(fault, 'Reason');
  const string = text(get(fault, 'faultstring') ?? get(reason, 'Text') ?? reason);
  const detail = get(fault, 'detail') ?? get(fault, 'Detail');
  const faultDetail = get(detail, 'faultDetail') ?? {};
  const fields = {};
  for (const [key, value] of Object.entries(faultDetail)) {
    if (key !== 'attributes') fields[key] = String(text(value) ?? '');
  }
  return { code: code === undefined ? undefined : String(code), string: string === undefined ? undefined : String(string), detail: fields };
}

// ---- the suite --------------------------------------------------------------------------------

class Suite {
  constructor(client, client12, token, learnerToken) {
    this.client = client;
    this.port = client[SERVICE][SOAP11_PORT];
    this.port12 = client12[SERVICE][SOAP12_PORT];
    this.token = token;
    this.learnerToken = learnerToken;
    this.passed = 0;
    this.failures = [];
  }

  check(name, ok, detail = '') {
    if (ok) {
      this.passed += 1;
      console.log(`PASS ${name}`);
    } else {
      this.failures.push(detail ? `${name}: ${detail}` : name);
      console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
    }
    return ok;
  }

  equal(name, got, want) {
    return this.check(name, sameJson(got, want), `got ${show(got)}, want ${show(want)}`);
  }

  creds(token) {
    return { token: token || this.token };
  }

  /** Sends one request; resolves to the decoded result or rejects with node-soap's error. */
  invoke(port, operation, params) {
    const method = port[operation];
    if (typeof method !== 'function') {
      return Promise.reject(new Error(`the client has no method ${operation}`));
    }
    return new Promise((resolve, reject) => {
      method(params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }

  /** Calls an operation with the administrator's token; records a failure and throws Blocked when it
   *  does not answer normally, so dependent checks report why they did not run. */
  async call(name, operation, params = {}, port = this.port) {
    const request = { credentials: this.creds(), ...params };
    let result;
    try {
      result = await this.invoke(port, operation, request);
    } catch (error) {
      const fault = faultOf(error);
      if (fault) {
        const parts = faultParts(fault);
        if (parts.detail.code === 'UNKNOWN_OPERATION') {
          this.check(name, false, `${operation} is not implemented by the server (UNKNOWN_OPERATION)`);
        } else {
          this.check(name, false, `unexpected fault ${parts.code} '${parts.string}' ${show(parts.detail)}`);
        }
      } else {
        this.check(name, false, `${operation} failed: ${error && error.message}`);
      }
      throw new Blocked(`${operation} failed`);
    }
    this.check(name, true);
    return result;
  }

  /** Calls an operation that only changes data: it answers SuccessResult with success true. */
  async success(name, operation, params) {
    const result = await this.call(name, operation, params);
    const value = get(result, 'success');
    this.check(`${name} returns SuccessResult success=true`, value === true, `got ${show(result)}`);
    return value;
  }

  /** Expects a fault: the faultstring (any when null), a Client fault code and a complete faultDetail. */
  async fault(name, operation, faultstring, detailCode, params = {}, port = this.port, clientCode = 'Client') {
    const request = { credentials: this.creds(), ...params };
    let result;
    try {
      result = await this.invoke(port, operation, request);
    } catch (error) {
      const fault = faultOf(error);
      if (!fault) return this.check(name, false, `${operation} failed without a SOAP fault: ${error && error.message}`);
      const parts = faultParts(fault);
      if (parts.detail.code === 'UNKNOWN_OPERATION') {
        return this.check(name, false, `${operation} is not implemented by the server (UNKNOWN_OPERATION)`);
      }
      const problems = [];
      if (faultstring !== null && parts.string !== faultstring) problems.push(`faultstring ${show(parts.string)}, want ${show(faultstring)}`);
      if ((parts.code || '').split(':').pop() !== clientCode) problems.push(`fault code ${show(parts.code)}, want ${clientCode}`);
      for (const field of ['code', 'message', 'requestId']) {
        if (!parts.detail[field]) problems.push(`faultDetail has no ${field} (${show(parts.detail)})`);
      }
      if (faultstring === 'Wrong parameters' && !parts.detail.path) problems.push(`faultDetail has no path to the wrong element (${show(parts.detail)})`);
      if (detailCode && parts.detail.code && parts.detail.code !== detailCode) {
        problems.push(`faultDetail code ${show(parts.detail.code)}, want ${show(detailCode)}`);
      }
      return this.check(name, problems.length === 0, problems.join('; '));
    }
    return this.check(name, false, `no fault; the call answered ${show(result)}`);
  }

  unknown(name, operation, faultstring, params) {
    return this.fault(`${name}: unknown id gives '${faultstring}'`, operation, faultstring, 'NOT_FOUND', params);
  }

  denied(name, operation, params = {}) {
    return this.fault(`${name}: learner token gives 'Permission denied'`, operation, 'Permission denied', 'PERMISSION_DENIED', {
      ...params,
      credentials: this.creds(this.learnerToken),
    });
  }

  unauthorized(name, operation, params = {}) {
    return this.fault(`${name}: bad token gives 'Authorization failed'`, operation, 'Authorization failed', 'AUTHORIZATION_FAILED', {
      ...params,
      credentials: this.creds(BAD_TOKEN),
    });
  }

  /** Follows nextPageToken with pageSize 1 until it is absent; returns every item. */
  async pages(name, operation, listName, itemName, params = {}) {
    const items = [];
    const seen = new Set();
    let token;
    for (let page = 1; page <= PAGE_LIMIT; page++) {
      const request = { ...params, pageSize: 1 };
      if (token !== undefined) request.pageToken = token;
      const result = await this.call(`${name} page ${page}`, operation, request);
      const found = asList(get(get(result, listName), itemName));
      this.check(`${name} page ${page} holds at most pageSize=1 items`, found.length <= 1, `${found.length} items`);
      items.push(...found);
      token = text(get(result, 'nextPageToken'));
      if (token === undefined || token === null) return items;
      if (seen.has(token)) {
        this.check(`${name} page tokens do not repeat`, false, `token ${show(token)} came back`);
        throw new Blocked(`${operation} loops`);
      }
      seen.add(token);
    }
    this.check(`${name} ends within ${PAGE_LIMIT} pages`, false, 'nextPageToken never absent');
    throw new Blocked(`${operation} does not end`);
  }
}

/** Runs one part of the scenario; a Blocked prerequisite is already recorded. */
async function step(name, body) {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Blocked) {
      console.log(`---- ${name}: stopped (${error.message})`);
      return undefined;
    }
    throw error;
  }
}

async function run(s) {
  const tag = `interop-node-${Math.floor(Date.now() / 1000)}-${crypto.randomBytes(3).toString('hex')}`;
  const state = {};
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const access = `${today}T12:00:00Z`;
  const due = new Date(Date.parse(today) + 30 * 86400000).toISOString().slice(0, 10);
  const need = (...keys) => {
    const missing = keys.filter((k) => state[k] === undefined || state[k] === null);
    if (missing.length) throw new Blocked(`needs ${missing.join(', ')}`);
    return keys.map((k) => state[k]);
  };
  const or = (key) => state[key] ?? UNKNOWN_ID;

  // -- content -----------------------------------------------------------------------------------
  await step('content', async () => {
    const items = asList(get(await s.call('GetContent', 'GetContent'), 'contentItem'));
    if (!s.check('GetContent lists at least one content item', items.length > 0, 'empty')) throw new Blocked('no content item');
    const bad = items.filter((i) => !(i.contentItemId && i.title && i.type && isDate(i.addedDate)));
    s.check('GetContent items carry contentItemId, title, type and a decoded addedDate', bad.length === 0, show(bad.slice(0, 2)));
    const course = items.find((i) => i.type === 'course') || items[0];
    state.course = course.contentItemId;
    state.courseTitle = course.title;
    console.log(`---- using course ${state.course} (${show(state.courseTitle)})`);
    const listed = await s.pages('ListContent', 'ListContent', 'contentItems', 'contentItem');
    s.equal('ListContent pages hold the same items as GetContent', sorted(listed.map((i) => i.contentItemId)), sorted(items.map((i) => i.contentItemId)));
  });
  await s.unauthorized('GetContent', 'GetContent');
  await s.denied('ListContent', 'ListContent');

  // -- departments -------------------------------------------------------------------------------
  await step('departments', async () => {
    const found = asList(get(await s.call('GetDepartments', 'GetDepartments'), 'department'));
    if (!s.check('GetDepartments lists at least one department', found.length > 0, 'empty')) throw new Blocked('no department');
    state.parent = found[0].departmentId;
    console.log(`---- using parent department ${state.parent}`);
    const added = await s.call('AddDepartment', 'AddDepartment', { name: `${tag} dept`, parentDepartmentId: state.parent, code: `${tag}-code` });
    const dept = get(added, 'departmentId');
    s.check('AddDepartment returns a departmentId', typeof dept === 'string' && dept.trim() !== '', show(added));
    state.dept = dept;
    const got = get(await s.call('GetDepartment (new)', 'GetDepartment', { departmentId: dept }), 'department');
    s.equal('GetDepartment (new): departmentId', get(got, 'departmentId'), dept);
    s.equal('GetDepartment (new): name', get(got, 'name'), `${tag} dept`);
    s.equal('GetDepartment (new): code', get(got, 'code'), `${tag}-code`);
    s.equal('GetDepartment (new): parentDepartmentId', get(got, 'parentDepartmentId'), state.parent);
  });
  await s.unauthorized('GetDepartments', 'GetDepartments');
  await s.fault("AddDepartment: unknown parent gives 'Unknown Department'", 'AddDepartment', 'Unknown Department', 'NOT_FOUND', {
    name: `${tag} orphan`,
    parentDepartmentId: UNKNOWN_ID,
  });
  await s.unknown('GetDepartment', 'GetDepartment', 'Unknown Department', { departmentId: UNKNOWN_ID });

  // -- users -------------------------------------------------------------------------------------
  await step('users', async () => {
    const [dept] = need('dept');
    for (const [key, letter] of [['u1', 'a'], ['u2', 'b']]) {
      const login = `${tag}-${letter}`;
      state[`${key}Login`] = login;
      const added = await s.call(`AddUser ${letter}`, 'AddUser', {
        login,
        email: `${login}@example.test`,
        password: 'Interop-Pass1',
        firstName: `First ${letter}`,
        lastName: `Last ${letter}`,
        departmentId: dept,
      });
      const id = get(added, 'userId');
      s.check(`AddUser ${letter} returns a userId`, typeof id === 'string' && id.trim() !== '', show(added));
      state[key] = id;
    }
    const profile = get(await s.call('GetUserProfile', 'GetUserProfile', { userId: state.u1 }), 'userProfile');
    s.equal('GetUserProfile: userId', get(profile, 'userId'), state.u1);
    s.equal('GetUserProfile: login', get(profile, 'login'), state.u1Login);
    s.equal('GetUserProfile: email', get(profile, 'email'), `${state.u1Login}@example.test`);
    s.equal('GetUserProfile: firstName', get(profile, 'firstName'), 'First a');
    s.equal('GetUserProfile: lastName', get(profile, 'lastName'), 'Last a');
    s.equal('GetUserProfile: departmentId', get(profile, 'departmentId'), dept);
    s.equal('GetUserProfile: status', int(get(profile, 'status')), 1);
    s.equal('GetUserProfile: role defaults to learner', get(profile, 'role'), 'learner');
    s.check('GetUserProfile: addedDate decodes as a dateTime', isDate(get(profile, 'addedDate')), show(get(profile, 'addedDate')));
  });
  await s.denied('AddUser', 'AddUser', { login: `${tag}-denied`, departmentId: or('dept') });
  await s.unknown('GetUserProfile', 'GetUserProfile', 'Unknown user', { userId: UNKNOWN_ID });

  // -- groups ------------------------------------------------------------------------------------
  await step('groups', async () => {
    const [u1, u2] = need('u1', 'u2');
    const added = await s.call('AddGroup', 'AddGroup', { name: `${tag} group`, userIds: { id: [u1] } });
    const group = get(added, 'groupId');
    s.check('AddGroup returns a groupId', typeof group === 'string' && group.trim() !== '', show(added));
    state.group = group;
    await s.success('UpdateGroupMembers', 'UpdateGroupMembers', { groupId: group, userIds: { id: [u1, u2] } });

    const members = async (label) => {
      const all = asList(get(await s.call(`GetGroups (${label})`, 'GetGroups'), 'group'));
      const found = all.filter((g) => g.groupId === group);
      if (!s.check(`GetGroups (${label}) lists the new group once`, found.length === 1, `${found.length} matches`)) return null;
      s.equal(`GetGroups (${label}): name`, found[0].name, `${tag} group`);
      return sorted(ids(found[0].userIds));
    };

    s.equal('GetGroups after UpdateGroupMembers: both learners are members', await members('after UpdateGroupMembers'), sorted([u1, u2]));
    const byGroup = asList(get(await s.call('GetUsers by groupId', 'GetUsers', { groupId: group }), 'userProfile'));
    s.equal('GetUsers by groupId: both learners', sorted(byGroup.map((u) => u.userId)), sorted([u1, u2]));
    let profile = get(await s.call('GetUserProfile (in group)', 'GetUserProfile', { userId: u2 }), 'userProfile');
    s.equal('GetUserProfile: groups lists the group', ids(get(profile, 'groups')), [group]);
    await s.success('RemoveUserFromGroups', 'RemoveUserFromGroups', { userId: u2, groupIds: { id: [group] } });
    s.equal('GetGroups after RemoveUserFromGroups: one member left', await members('after RemoveUserFromGroups'), [u1]);
    profile = get(await s.call('GetUserProfile (removed from group)', 'GetUserProfile', { userId: u2 }), 'userProfile');
    s.equal('GetUserProfile after RemoveUserFromGroups: groups empty', ids(get(profile, 'groups')), []);
  });
  await s.denied('AddGroup', 'AddGroup', { name: `${tag} denied` });
  await s.unknown('UpdateGroupMembers', 'UpdateGroupMembers', 'Unknown group', { groupId: UNKNOWN_ID, userIds: {} });
  await s.unauthorized('GetGroups', 'GetGroups');
  await s.unknown('RemoveUserFromGroups', 'RemoveUserFromGroups', 'Unknown group', { userId: or('u1'), groupIds: { id: [UNKNOWN_ID] } });

  // -- user listings -----------------------------------------------------------------------------
  await step('user listings', async () => {
    const [dept, u1, u2] = need('dept', 'u1', 'u2');
    const byDept = asList(get(await s.call('GetUsers by departmentId', 'GetUsers', { departmentId: dept }), 'userProfile'));
    s.equal('GetUsers by departmentId: the two new learners', sorted(byDept.map((u) => u.userId)), sorted([u1, u2]));
    const listed = await s.pages('ListUsers by departmentId', 'ListUsers', 'userProfiles', 'userProfile', { departmentId: dept });
    s.equal('ListUsers by departmentId pages: the two new learners', sorted(listed.map((u) => u.userId)), sorted([u1, u2]));
    const byLogin = await s.call('ListUsers by logins', 'ListUsers', { logins: { login: [state.u1Login] } });
    const found = asList(get(get(byLogin, 'userProfiles'), 'userProfile'));
    s.equal('ListUsers by logins: just that learner', found.map((u) => u.userId), [u1]);
  });
  await s.unauthorized('GetUsers', 'GetUsers');
  await s.denied('ListUsers', 'ListUsers');

  // -- enrollments -------------------------------------------------------------------------------
  await step('enrollments', async () => {
    const [course, u1, u2] = need('course', 'u1', 'u2');
    await s.success('EnrollLearnersInCourses', 'EnrollLearnersInCourses', {
      courseIds: { id: [course] },
      learnerIds: { id: [u1, u2] },
      accessDate: access,
      dueDateType: 'due_date',
      dueDate: due,
      lockAfterDueDate: true,
    });
    const found = asList(get(await s.call('GetEnrollments by learnerIds', 'GetEnrollments', { learnerIds: { id: [u1, u2] } }), 'enrollment'));
    if (!s.equal('GetEnrollments by learnerIds: one enrollment per new learner', sorted(found.map((e) => e.learnerId)), sorted([u1, u2]))) {
      throw new Blocked('the new enrollments are not listed');
    }
    for (const e of [...found].sort((x, y) => (x.learnerId === u1 ? 0 : 1) - (y.learnerId === u1 ? 0 : 1))) {
      const label = `GetEnrollments enrollment of ${e.learnerId === u1 ? 'a' : 'b'}`;
      s.check(`${label}: enrollmentId`, typeof e.enrollmentId === 'string' && e.enrollmentId !== '', show(e.enrollmentId));
      s.equal(`${label}: courseId`, e.courseId, course);
      s.check(`${label}: accessDate decodes to the date sent`, isDate(e.accessDate) && day(e.accessDate) === today, show(e.accessDate));
      s.check(`${label}: dueDate decodes to the date sent`, isDate(e.dueDate) && day(e.dueDate) === due, show(e.dueDate));
      s.check(`${label}: expirationDate present because access locks`, isDate(e.expirationDate), show(e.expirationDate));
      s.check(`${label}: shouldLockAfterDueDate is true`, e.shouldLockAfterDueDate === true, show(e.shouldLockAfterDueDate));
      s.equal(`${label}: enrollmentTypeGroup`, int(e.enrollmentTypeGroup), 0);
      s.check(`${label}: no certificate`, e.certificate === undefined || e.certificate === null, show(e.certificate));
    }
    const byLearner = Object.fromEntries(found.map((e) => [e.learnerId, e]));
    state.e1 = byLearner[u1].enrollmentId;
    state.e2 = byLearner[u2].enrollmentId;

    const listed = await s.pages('ListEnrollments by learnerIds', 'ListEnrollments', 'enrollments', 'enrollment', { learnerIds: { id: [u1, u2] } });
    s.equal('ListEnrollments pages hold the same enrollments as GetEnrollments', sorted(listed.map((e) => e.enrollmentId)), sorted([state.e1, state.e2]));

    const one = get(await s.call('GetEnrollment', 'GetEnrollment', { enrollmentId: state.e1 }), 'enrollment');
    s.equal('GetEnrollment answers what GetEnrollments listed', one, byLearner[u1]);

    await s.success('ChangeEnrollment to dueDateType unlimited', 'ChangeEnrollment', { enrollmentId: state.e1, dueDateType: 'unlimited' });
    const changed = get(await s.call('GetEnrollment after ChangeEnrollment', 'GetEnrollment', { enrollmentId: state.e1 }), 'enrollment');
    s.check('ChangeEnrollment unlimited: dueDate gone', get(changed, 'dueDate') === undefined, show(get(changed, 'dueDate')));
    s.check('ChangeEnrollment unlimited: expirationDate gone', get(changed, 'expirationDate') === undefined, show(get(changed, 'expirationDate')));
    s.equal('ChangeEnrollment: accessDate unchanged', day(get(changed, 'accessDate')), today);
    s.equal('ChangeEnrollment: courseId and learnerId unchanged', [get(changed, 'courseId'), get(changed, 'learnerId')], [course, u1]);
    s.check('ChangeEnrollment: shouldLockAfterDueDate left as it was (true)', get(changed, 'shouldLockAfterDueDate') === true, show(get(changed, 'shouldLockAfterDueDate')));
  });
  await s.denied('EnrollLearnersInCourses', 'EnrollLearnersInCourses', {
    courseIds: { id: [or('course')] },
    learnerIds: { id: [or('u1')] },
    dueDateType: 'unlimited',
  });
  await s.unauthorized('GetEnrollments', 'GetEnrollments');
  await s.denied('ListEnrollments', 'ListEnrollments');
  await s.unknown('GetEnrollment', 'GetEnrollment', 'Unknown Enrollment', { enrollmentId: UNKNOWN_ID });
  await s.unknown('ChangeEnrollment', 'ChangeEnrollment', 'Unknown Enrollment', { enrollmentId: UNKNOWN_ID, dueDateType: 'unlimited' });

  // -- results -----------------------------------------------------------------------------------
  await step('results', async () => {
    const [course, u1, u2, e1, e2] = need('course', 'u1', 'u2', 'e1', 'e2');
    const listed = await s.pages('ListLearnersResults by course and learners', 'ListLearnersResults', 'learnersResults', 'learnerResult', {
      userIds: { id: [u1, u2] },
      courseIds: { id: [course] },
    });
    if (!s.equal('ListLearnersResults: one result per new enrollment', sorted(listed.map((r) => r.enrollmentId)), sorted([e1, e2]))) {
      throw new Blocked('the new enrollments have no results');
    }
    for (const r of [...listed].sort((x, y) => (x.userId === u1 ? 0 : 1) - (y.userId === u1 ? 0 : 1))) {
      const who = r.userId === u1 ? 'a' : 'b';
      const label = `ListLearnersResults result of ${who}`;
      s.equal(`${label}: enrollmentId is that learner's enrollment`, r.enrollmentId, who === 'a' ? e1 : e2);
      s.equal(`${label}: courseId`, r.courseId, course);
      s.equal(`${label}: courseTitle`, r.courseTitle, state.courseTitle);
      s.equal(`${label}: accessDate`, day(r.accessDate), today);
      s.equal(`${label}: dueDate`, day(r.dueDate) ?? null, who === 'a' ? null : due);
      s.equal(`${label}: completionStatus of a new enrollment`, r.completionStatus, 'not_started');
      s.equal(`${label}: progress of a new enrollment`, int(r.progress), 0);
      s.check(`${label}: isOverdue is false`, r.isOverdue === false, show(r.isOverdue));
      s.check(`${label}: no completionDate`, r.completionDate === undefined, show(r.completionDate));
    }

    const final = await s.call('GetContentItemFinalStatuses', 'GetContentItemFinalStatuses', { contentItemId: course });
    const statuses = asList(get(get(final, 'statuses'), 'status'));
    const bad = statuses.filter((x) => !(x.userId && STATUSES.includes(x.status) && Number.isInteger(int(x.progress)) && int(x.progress) >= 0 && int(x.progress) <= 100));
    s.check('GetContentItemFinalStatuses: every status decodes (userId, status, progress 0-100)', bad.length === 0, show(bad.slice(0, 3)));
    const mine = statuses.filter((x) => x.userId === u1 || x.userId === u2).map((x) => [x.userId, x.status, int(x.progress)]);
    s.equal('GetContentItemFinalStatuses: the new learners, not started', sorted(mine.map(show)), sorted([[u1, 'not_started', 0], [u2, 'not_started', 0]].map(show)));
  });
  await s.denied('ListLearnersResults', 'ListLearnersResults');
  await s.unknown('GetContentItemFinalStatuses', 'GetContentItemFinalStatuses', 'Unknown content item', { contentItemId: UNKNOWN_ID });

  // -- profile changes ---------------------------------------------------------------------------
  await step('profiles', async () => {
    const [dept, u1, u2] = need('dept', 'u1', 'u2');
    await s.success('UpdateUserProfile', 'UpdateUserProfile', { userId: u1, firstName: 'Changed', lastName: 'Name' });
    let profile = get(await s.call('GetUserProfile after UpdateUserProfile', 'GetUserProfile', { userId: u1 }), 'userProfile');
    s.equal('UpdateUserProfile: names changed', [get(profile, 'firstName'), get(profile, 'lastName')], ['Changed', 'Name']);
    s.equal(
      'UpdateUserProfile: what was left out stays',
      [get(profile, 'login'), get(profile, 'email'), get(profile, 'departmentId'), get(profile, 'role')],
      [state.u1Login, `${state.u1Login}@example.test`, dept, 'learner'],
    );

    await s.success('DeactivateUsers', 'DeactivateUsers', { userIds: { id: [u1, u2] } });
    for (const [key, user] of [['a', u1], ['b', u2]]) {
      profile = get(await s.call(`GetUserProfile ${key} after DeactivateUsers`, 'GetUserProfile', { userId: user }), 'userProfile');
      s.equal(`DeactivateUsers: status of ${key} is 3`, int(get(profile, 'status')), 3);
    }
    if (state.course) {
      const byDefault = await s.call('ListLearnersResults (deactivated, default statuses)', 'ListLearnersResults', { userIds: { id: [u1, u2] } });
      s.equal('ListLearnersResults leaves inactive learners out by default', asList(get(get(byDefault, 'learnersResults'), 'learnerResult')), []);
      const inactive = await s.call('ListLearnersResults (deactivated, userStatuses 3)', 'ListLearnersResults', {
        userIds: { id: [u1, u2] },
        userStatuses: { status: [3] },
      });
      const got = asList(get(get(inactive, 'learnersResults'), 'learnerResult'));
      s.equal('ListLearnersResults userStatuses 3 lists the inactive learners', sorted(got.map((r) => r.userId)), sorted([u1, u2]));
    }
    await s.success('ActivateUsers', 'ActivateUsers', { userIds: { id: [u1, u2] } });
    for (const [key, user] of [['a', u1], ['b', u2]]) {
      profile = get(await s.call(`GetUserProfile ${key} after ActivateUsers`, 'GetUserProfile', { userId: user }), 'userProfile');
      s.equal(`ActivateUsers: status of ${key} is 1`, int(get(profile, 'status')), 1);
    }

    await s.success('UpdateUserPassword', 'UpdateUserPassword', { userId: u1, password: 'Changed-Pass2' });
  });
  await s.unknown('UpdateUserProfile', 'UpdateUserProfile', 'Unknown user', { userId: UNKNOWN_ID, firstName: 'x' });
  await s.denied('DeactivateUsers', 'DeactivateUsers', { userIds: { id: [or('u1')] } });
  await s.unknown('ActivateUsers', 'ActivateUsers', 'Unknown user', { userIds: { id: [UNKNOWN_ID] } });
  await s.unknown('UpdateUserPassword', 'UpdateUserPassword', 'Unknown user', { userId: UNKNOWN_ID, password: 'Changed-Pass2' });

  // -- unenroll and delete -----------------------------------------------------------------------
  await step('unenroll', async () => {
    const [u1, u2, e1, e2] = need('u1', 'u2', 'e1', 'e2');
    await s.success('Unenroll', 'Unenroll', { enrollmentId: e1 });
    const left = asList(get(await s.call('GetEnrollments after Unenroll', 'GetEnrollments', { learnerIds: { id: [u1, u2] } }), 'enrollment'));
    s.equal('Unenroll: only the other enrollment is left', left.map((e) => e.enrollmentId), [e2]);
  });
  await s.fault("Unenroll: unknown id gives 'Wrong parameters'", 'Unenroll', 'Wrong parameters', null, { enrollmentId: UNKNOWN_ID });

  await step('delete users', async () => {
    const [dept, u1, u2] = need('dept', 'u1', 'u2');
    // The contract says it is refused; it does not name the faultstring.
    await s.fault('DeleteDepartment is refused while the department has users', 'DeleteDepartment', null, null, { departmentId: dept });
    const still = get(await s.call('GetDepartment after the refused DeleteDepartment', 'GetDepartment', { departmentId: dept }), 'department');
    s.equal('DeleteDepartment refused: the department is still there', get(still, 'departmentId'), dept);
    for (const [key, user] of [['a', u1], ['b', u2]]) {
      await s.success(`DeleteUser ${key}`, 'DeleteUser', { userId: user });
    }
    await s.unknown('GetUserProfile after DeleteUser', 'GetUserProfile', 'Unknown user', { userId: u1 });
    const left = asList(get(await s.call('GetEnrollments after DeleteUser', 'GetEnrollments', { learnerIds: { id: [u1, u2] } }), 'enrollment'));
    s.equal("DeleteUser: the deleted learners' enrollments are gone", left, []);
    state.usersDeleted = true;
  });
  await s.unknown('DeleteUser', 'DeleteUser', 'Unknown user', { userId: UNKNOWN_ID });

  await step('department changes', async () => {
    const [dept, parent] = need('dept', 'parent');
    await s.success('UpdateDepartment', 'UpdateDepartment', { departmentId: dept, name: `${tag} renamed`, code: `${tag}-code2` });
    const got = get(await s.call('GetDepartment after UpdateDepartment', 'GetDepartment', { departmentId: dept }), 'department');
    s.equal(
      'UpdateDepartment: name and code changed, parent stays',
      [get(got, 'name'), get(got, 'code'), get(got, 'parentDepartmentId')],
      [`${tag} renamed`, `${tag}-code2`, parent],
    );
    need('usersDeleted');
    await s.success('DeleteDepartment', 'DeleteDepartment', { departmentId: dept });
    await s.unknown('GetDepartment after DeleteDepartment', 'GetDepartment', 'Unknown Department', { departmentId: dept });
    state.deptDeleted = true;
  });
  await s.unknown('UpdateDepartment', 'UpdateDepartment', 'Unknown Department', { departmentId: UNKNOWN_ID, name: 'x' });
  await s.unknown('DeleteDepartment', 'DeleteDepartment', 'Unknown Department', { departmentId: UNKNOWN_ID });

  await step('department listing', async () => {
    const every = sorted(asList(get(await s.call('GetDepartments (final)', 'GetDepartments'), 'department')).map((d) => d.departmentId));
    const listed = await s.pages('ListDepartments', 'ListDepartments', 'departments', 'department');
    s.equal('ListDepartments pages hold the same departments as GetDepartments', sorted(listed.map((d) => d.departmentId)), every);
    if (state.deptDeleted) s.check('ListDepartments: the deleted department is gone', !every.includes(state.dept), 'still listed');
  });
  await s.denied('ListDepartments', 'ListDepartments');

  await step('content item', async () => {
    const [course, title] = need('course', 'courseTitle');
    const item = get(await s.call('GetContentItem', 'GetContentItem', { contentItemId: course }), 'contentItem');
    s.equal('GetContentItem: contentItemId and title', [get(item, 'contentItemId'), get(item, 'title')], [course, title]);
    s.check('GetContentItem: addedDate decodes as a dateTime', isDate(get(item, 'addedDate')), show(get(item, 'addedDate')));
  });
  await s.unknown('GetContentItem', 'GetContentItem', 'Unknown content item', { contentItemId: UNKNOWN_ID });

  // -- the SOAP 1.2 port (a second client that sends SOAP 1.2 envelopes) -------------------------
  await step('soap 1.2', async () => {
    const found = asList(get(await s.call('SOAP 1.2: GetDepartments', 'GetDepartments', {}, s.port12), 'department'));
    s.check('SOAP 1.2: GetDepartments lists departments', found.length > 0, 'empty');
    await s.fault(
      "SOAP 1.2: bad token gives 'Authorization failed' with code Sender",
      'GetDepartments',
      'Authorization failed',
      'AUTHORIZATION_FAILED',
      { credentials: s.creds(BAD_TOKEN) },
      s.port12,
      'Sender',
    );
  });
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const version = require('soap/package.json').version;
  console.log(`node-soap ${version}: building a client from ${args.wsdl}`);
  let client;
  let client12;
  try {
    client = await soap.createClientAsync(args.wsdl);
    // node-soap caches a parsed WSDL with its options: the SOAP 1.2 client needs its own copy.
    client12 = await soap.createClientAsync(args.wsdl, { forceSoap12Headers: true, disableCache: true });
  } catch (error) {
    console.log(`FAIL building a client from the WSDL: ${error && error.message}`);
    console.log('1 failure(s):\n  - building a client from the WSDL');
    console.log('node-soap: 0 passed, 1 failed');
    return 1;
  }
  const s = new Suite(client, client12, args.token, args.learnerToken);
  const services = Object.keys(client.describe());
  const ports = Object.keys(client.describe()[services[0]] || {});
  s.equal("the WSDL's ports, SOAP 1.1 first", ports, [SOAP11_PORT, SOAP12_PORT]);
  s.equal("the WSDL's first port offers all 30 operations", Object.keys(client.describe()[SERVICE][SOAP11_PORT] || {}).length, 30);
  try {
    await run(s);
  } catch (error) {
    s.check('the scenario runs to its end', false, (error && error.stack) || String(error));
  }
  console.log('');
  if (s.failures.length) {
    console.log(`${s.failures.length} failure(s):`);
    for (const failure of s.failures) console.log(`  - ${failure}`);
  }
  console.log(`node-soap: ${s.passed} passed, ${s.failures.length} failed`);
  return s.failures.length ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
});
