'use strict';

// Special Exams tab, LTI proctoring: staff pick the course's LTI tool, and open what the tool reported about
// an attempt (the count of flags, then every report).

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, FakeEvent} = require('./helpers');

const COURSE = 'course-v1:edX+Demo+2026';
const API = '/api/edx_proctoring/v1';
const GROUPED = `${API}/proctored_exam/attempt/grouped/course_id/${COURSE}`;
const COURSE_TOOL = `${API}/lti/course_tool/${COURSE}/`;
const LTI_EXAM = {id: 7, exam_name: 'Final', is_proctored: true, is_practice_exam: false, backend: 'lti_proctoring'};
const OTHER_EXAM = {id: 8, exam_name: 'Midterm', is_proctored: true, is_practice_exam: false, backend: 'software_secure'};
const TOOLS = [{id: 1, name: 'Mock proctoring tool', client_id: 'mock-lti-tool'}, {id: 2, name: 'Other', client_id: 'other'}];

function attempt(id, username, exam) {
    return {
        id,
        user: {id: id * 10, username, email: `${username}@example.org`},
        status: 'started',
        proctored_exam: exam,
        allowed_time_limit_mins: 60,
        started_at: '2026-03-01T10:00:00Z',
        completed_at: null,
        all_attempts: [],
    };
}

function escapeRe(text) {
    return text.replace(/[+.?]/g, '\\$&');
}

async function mountTab(courseTool) {
    const env = setup();
    const ns = env.edx.instructor_dashboard.proctoring;
    const host = env.document.createElement('section');
    host.innerHTML = `<div class="student-proctored-exam-container" data-course-id="${COURSE}"></div>`;
    env.document.body.appendChild(host);
    env.server.route('GET', new RegExp(`^${escapeRe(GROUPED)}`), 200, {
        proctored_exam_attempts: [attempt(3, 'ann', LTI_EXAM), attempt(4, 'bob', OTHER_EXAM)],
        pagination_info: {has_previous: false, has_next: false, current_page: 1, total_pages: 1},
    });
    env.server.route('GET', COURSE_TOOL, courseTool.status, courseTool.body);
    const view = new ns.ProctoredExamAttemptView();
    await view.ready;
    await view.toolPicker.ready;
    await settle();
    return Object.assign(env, {ns, view, el: env.document.querySelector('.student-proctored-exam-container')});
}

function row(el, username) {
    return el.querySelectorAll('.attempt-row').find((tr) => tr.querySelector('th').textContent === username);
}

function picker(env) {
    return env.document.querySelector('.lti-course-tool-container');
}

test('given active registrations, the picker lists them with the course\'s tool selected', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: TOOLS[1], registrations: TOOLS}});

    const el = picker(env);
    assert.equal(el.hidden, false);
    const options = el.querySelectorAll('option');
    assert.deepEqual(options.map((option) => option.getAttribute('value')), ['', '1', '2']);
    assert.deepEqual(options.filter((option) => option.hasAttribute('selected')).map((o) => o.getAttribute('value')), ['2']);
    assert.match(el.textContent, /Mock proctoring tool \(mock-lti-tool\)/);
    // Placed before the attempts, outside the markup the attempts panel re-renders.
    assert.equal(el.parentNode, env.el.parentNode);
});

test('given a pick and Save, the course\'s tool is PUT and the answer shown', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: null, registrations: TOOLS}});
    env.server.route('PUT', COURSE_TOOL, 200, {course_id: COURSE, registration: TOOLS[0], registrations: TOOLS});

    const form = picker(env).querySelector('.js-lti-tool-form');
    form.querySelector('select').value = '1';
    form.dispatchEvent(new FakeEvent('submit', {target: form}));
    await settle();

    const put = env.server.callsTo('PUT', COURSE_TOOL);
    assert.equal(put.length, 1);
    assert.deepEqual(put[0].body, {registration_id: 1});
    assert.equal(put[0].headers['X-CSRFToken'], 'tok=123');
    assert.match(picker(env).querySelector('.js-lti-tool-status').textContent, /now use Mock proctoring tool/);
    const selected = picker(env).querySelectorAll('option').filter((option) => option.hasAttribute('selected'));
    assert.deepEqual(selected.map((option) => option.getAttribute('value')), ['1']);
});

test('given "No tool" and Save, the course\'s tool is cleared', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: TOOLS[0], registrations: TOOLS}});
    env.server.route('PUT', COURSE_TOOL, 200, {course_id: COURSE, registration: null, registrations: TOOLS});

    const form = picker(env).querySelector('.js-lti-tool-form');
    form.querySelector('select').value = '';
    form.dispatchEvent(new FakeEvent('submit', {target: form}));
    await settle();

    assert.deepEqual(env.server.callsTo('PUT', COURSE_TOOL)[0].body, {registration_id: null});
    assert.match(picker(env).textContent, /no LTI proctoring tool now/);
});

test('given a refused save, the server\'s reason is shown and the choice kept', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: TOOLS[0], registrations: TOOLS}});
    env.server.route('PUT', COURSE_TOOL, 400, {detail: 'There is no active LTI tool registration 2.'});

    const form = picker(env).querySelector('.js-lti-tool-form');
    form.querySelector('select').value = '2';
    form.dispatchEvent(new FakeEvent('submit', {target: form}));
    await settle();

    assert.match(picker(env).textContent, /no active LTI tool registration 2/);
    const selected = picker(env).querySelectorAll('option').filter((option) => option.hasAttribute('selected'));
    assert.deepEqual(selected.map((option) => option.getAttribute('value')), ['1']);
});

test('given no registration to pick, or a route that refuses, the picker stays hidden', async () => {
    const empty = await mountTab({status: 200, body: {course_id: COURSE, registration: null, registrations: []}});
    assert.equal(picker(empty).hidden, true);
    assert.equal(picker(empty).querySelectorAll('select').length, 0);

    const refused = await mountTab({status: 403, body: {detail: 'Must be a Staff User to Perform this request.'}});
    assert.equal(picker(refused).hidden, true);
});

test('given an attempt on the LTI backend, Tool reports opens the flag count and every report', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: TOOLS[0], registrations: TOOLS}});
    env.server.route('GET', `${API}/lti/attempt/3/incidents/`, 200, {
        attempt_id: 3,
        events: [
            {action: 'flag', incident_time: '2026-03-01T10:05:00Z', incident_severity: 0.8, reason_code: '3', reason_msg: 'Second person in view'},
            {action: 'pause', incident_time: '2026-03-01T10:06:00Z', incident_severity: null, reason_code: '', reason_msg: ''},
            {action: 'flag', incident_time: '2026-03-01T10:07:00Z', incident_severity: 0.2, reason_code: '', reason_msg: 'Looked away'},
        ],
    });
    assert.equal(row(env.el, 'bob').querySelectorAll('.js-lti-incidents').length, 0);
    const button = row(env.el, 'ann').querySelector('.js-lti-incidents');

    click(button);
    await settle();

    const region = env.el.querySelector('#attempt-lti-incidents-3');
    assert.equal(button.getAttribute('aria-expanded'), 'true');
    assert.equal(region.hidden, false);
    assert.equal(region.querySelector('.attempt-lti-incident-count').textContent, '2 flagged incidents.');
    const items = region.querySelectorAll('li').map((item) => item.textContent);
    assert.equal(items.length, 3);
    assert.match(items[0], /^Flagged · severity 0\.8 · reason 3 · Second person in view · /);
    assert.match(items[1], /^Paused · /);

    click(button);
    assert.equal(button.getAttribute('aria-expanded'), 'false');
    assert.equal(region.hidden, true);
});

test('given the reports cannot be loaded, the region says so', async () => {
    const env = await mountTab({status: 200, body: {course_id: COURSE, registration: null, registrations: []}});
    env.server.route('GET', `${API}/lti/attempt/3/incidents/`, 404, {detail: 'gone'});

    click(row(env.el, 'ann').querySelector('.js-lti-incidents'));
    await settle();

    assert.match(env.el.querySelector('#attempt-lti-incidents-3').textContent, /could not be loaded/);
});
