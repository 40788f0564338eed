'use strict';

// Special Exams tab: more time, revocation, pause and resume of a running attempt, the paused / extended
// filter, and the "break minutes" allowance type.

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, FakeEvent} = require('./helpers');

const COURSE = 'course-v1:edX+Demo+2026';
const API = '/api/edx_proctoring/v1';
const GROUPED = `${API}/proctored_exam/attempt/grouped/course_id/${COURSE}`;
const EXAMS = [
    {id: 1, exam_name: 'Midterm', is_proctored: false, is_practice_exam: false},
    {id: 2, exam_name: 'Final', is_proctored: true, is_practice_exam: false},
];

function attempt(id, username, status, extra) {
    return Object.assign({
        id,
        user: {id: id * 10, username, email: `${username}@example.org`},
        status,
        proctored_exam: EXAMS[0],
        allowed_time_limit_mins: 20,
        started_at: '2026-03-01T10:00:00Z',
        completed_at: null,
        is_resumable: false,
        ready_to_resume: false,
        paused: false,
        extension_minutes: 0,
        all_attempts: [],
    }, extra || {});
}

const ATTEMPTS = [
    attempt(3, 'ann', 'started'),
    attempt(4, 'bob', 'started', {paused: true, extension_minutes: 10}),
    attempt(5, 'cy', 'submitted'),
];

function escapeRe(text) {
    return text.replace(/[+.?]/g, '\\$&');
}

async function mountAttempts() {
    const env = setup();
    const ns = env.edx.instructor_dashboard.proctoring;
    const host = env.document.createElement('div');
    host.innerHTML = `<div class="student-proctored-exam-container" data-course-id="${COURSE}"></div>`;
    env.document.body.appendChild(host);
    env.server.route('GET', new RegExp(`^${escapeRe(GROUPED)}`), 200, (call) => {
        const filter = (/[?&]filter=(\w+)/.exec(call.url) || [])[1];
        const rows = ATTEMPTS.filter((row) => !filter || (filter === 'paused' ? row.paused : row.extension_minutes > 0));
        return {
            proctored_exam_attempts: rows,
            pagination_info: {has_previous: false, has_next: false, current_page: 1, total_pages: 1},
        };
    });
    const view = new ns.ProctoredExamAttemptView();
    await view.ready;
    return Object.assign(env, {ns, view, el: env.document.querySelector('.student-proctored-exam-container')});
}

function row(el, username) {
    return el.querySelectorAll('.attempt-row').find((tr) => tr.querySelector('th').textContent === username);
}

function history(adjustments, extra) {
    return Object.assign({
        attempt_id: 3, deadline: '2026-03-01T10:30:00Z', paused: false, extension_minutes: 0, adjustments: adjustments || [],
    }, extra || {});
}

async function openDialog(env, username, kind, historyBody) {
    const url = `${API}/proctored_exam/attempt/${row(env.el, username).getAttribute('data-attempt-id')}/time_adjustments`;
    env.server.route('GET', url, 200, historyBody || history());
    const button = row(env.el, username).querySelector(`.js-adjust-time[data-kind="${kind}"]`);
    click(button);
    await settle();
    const dialog = env.document.querySelector('[role="dialog"]');
    return {dialog, form: dialog && dialog.querySelector('form'), url, button};
}

function submit(form) {
    form.dispatchEvent(new FakeEvent('submit', {target: form}));
}

test('running attempts get time and pause controls; paused and extended rows say so', async () => {
    const {el} = await mountAttempts();
    const kinds = (username) => row(el, username).querySelectorAll('.js-adjust-time').map((b) => b.getAttribute('data-kind'));
    assert.deepEqual(kinds('ann'), ['extension', 'pause']);
    assert.deepEqual(kinds('bob'), ['extension', 'revoke', 'resume']);
    assert.deepEqual(kinds('cy'), []);
    assert.match(row(el, 'bob').textContent, /Paused/);
    assert.match(row(el, 'bob').querySelector('.attempt-extension-note').textContent, /\+10 min/);
    assert.equal(row(el, 'ann').querySelector('.attempt-paused-note'), null);
    assert.equal(row(el, 'ann').querySelector('.js-adjust-time').getAttribute('aria-label'),
        'Add time to the attempt of ann on Midterm');
});

test('"Add time" opens an accessible dialog with the clock history and POSTs minutes and reason', async () => {
    const env = await mountAttempts();
    const {dialog, form, url, button} = await openDialog(env, 'ann', 'extension', history([
        {kind: 'pause', minutes: 0, actor: 'staff', reason: 'machine <crashed>', created: '2026-03-01T10:05:00Z'},
        {kind: 'resume', minutes: 4, actor: 'staff', reason: '', created: '2026-03-01T10:09:00Z'},
    ]));
    assert.equal(dialog.getAttribute('aria-modal'), 'true');
    assert.equal(env.document.getElementById(dialog.getAttribute('aria-labelledby')).textContent, 'Add time');
    assert.equal(env.document.activeElement, form.querySelector('[name="minutes"]'));
    const items = dialog.querySelectorAll('.proctoring-adjustment-list li').map((li) => li.textContent);
    assert.equal(items.length, 2);
    assert.match(items[0], /^Paused · staff · .+ · machine <crashed>$/);
    assert.match(items[1], /^Resumed after 4 minutes · staff/);
    assert.match(dialog.querySelector('.js-adjustment-deadline').textContent, /^Running, ends /);

    // Checked before anything is sent: whole minutes, a reason.
    form.querySelector('[name="minutes"]').value = '2.5';
    submit(form);
    assert.match(form.querySelector('.js-form-error').textContent, /whole number of minutes/);
    assert.equal(env.document.activeElement, form.querySelector('[name="minutes"]'));
    form.querySelector('[name="minutes"]').value = '10';
    submit(form);
    assert.match(form.querySelector('.js-form-error').textContent, /reason/);
    assert.equal(env.server.callsTo('POST', url).length, 0);

    form.querySelector('[name="reason"]').value = '  power cut  ';
    form.querySelector('[name="past_due_date"]').checked = true;
    env.server.route('POST', url, 200, history([], {extension_minutes: 10}));
    submit(form);
    submit(form);
    await settle();
    const posts = env.server.callsTo('POST', url);
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0].body, {kind: 'extension', reason: 'power cut', minutes: 10, past_due_date: true});
    assert.equal(posts[0].headers['X-CSRFToken'], 'tok=123');
    assert.equal(env.document.querySelector('[role="dialog"]'), null);
    const status = env.el.querySelector('.js-attempts-status');
    assert.equal(status.textContent, '10 minutes were added to the attempt of ann.');
    assert.equal(env.document.activeElement, status);
    assert.ok(button);
});

test('a refusal from the server is shown inside the dialog and the button is free again', async () => {
    const env = await mountAttempts();
    const {form, url} = await openDialog(env, 'ann', 'extension');
    form.querySelector('[name="minutes"]').value = '5000';
    form.querySelector('[name="reason"]').value = 'typo';
    env.server.route('POST', url, 400, {detail: 'an extension is 1 to 1440 minutes at a time'});
    submit(form);
    await settle();
    const error = form.querySelector('.js-form-error');
    assert.equal(error.hidden, false);
    assert.equal(error.textContent, 'an extension is 1 to 1440 minutes at a time');
    assert.equal(form.querySelector('[type="submit"]').disabled, false);
    assert.ok(env.document.querySelector('[role="dialog"]'));
});

test('"Revoke" takes back at most the extra time granted, sent as a negative extension', async () => {
    const env = await mountAttempts();
    const {form, url, dialog} = await openDialog(env, 'bob', 'revoke', history([], {attempt_id: 4, paused: true, extension_minutes: 10}));
    assert.equal(dialog.querySelector('.js-adjustment-deadline').textContent, 'Paused');
    assert.match(dialog.querySelector('.js-adjustment-history').textContent, /No changes yet/);
    assert.equal(form.querySelector('[name="past_due_date"]'), null);
    form.querySelector('[name="minutes"]').value = '11';
    form.querySelector('[name="reason"]').value = 'granted by mistake';
    submit(form);
    assert.match(form.querySelector('.js-form-error').textContent, /At most 10 minutes/);
    form.querySelector('[name="minutes"]').value = '10';
    env.server.route('POST', url, 200, history([], {attempt_id: 4}));
    submit(form);
    await settle();
    assert.deepEqual(env.server.callsTo('POST', url)[0].body,
        {kind: 'extension', reason: 'granted by mistake', minutes: -10, past_due_date: false});
    assert.equal(env.el.querySelector('.js-attempts-status').textContent, '10 minutes were taken back from the attempt of bob.');
});

test('"Pause" needs a reason; "Resume" does not', async () => {
    const env = await mountAttempts();
    const paused = await openDialog(env, 'ann', 'pause');
    submit(paused.form);
    assert.match(paused.form.querySelector('.js-form-error').textContent, /reason/);
    paused.form.querySelector('[name="reason"]').value = 'fire alarm';
    env.server.route('POST', paused.url, 200, history([], {paused: true}));
    submit(paused.form);
    await settle();
    assert.deepEqual(env.server.callsTo('POST', paused.url)[0].body, {kind: 'pause', reason: 'fire alarm'});
    assert.equal(env.el.querySelector('.js-attempts-status').textContent, 'The attempt of ann is paused.');

    const resumed = await openDialog(env, 'bob', 'resume');
    env.server.route('POST', resumed.url, 200, history([], {attempt_id: 4}));
    submit(resumed.form);
    await settle();
    assert.deepEqual(env.server.callsTo('POST', resumed.url)[0].body, {kind: 'resume', reason: ''});
    assert.equal(env.el.querySelector('.js-attempts-status').textContent, 'The attempt of bob is running again.');
});

test('the dialog still opens when the history cannot be loaded', async () => {
    const env = await mountAttempts();
    const url = `${API}/proctored_exam/attempt/3/time_adjustments`;
    env.server.route('GET', url, 500, {detail: 'boom'});
    click(row(env.el, 'ann').querySelector('.js-adjust-time[data-kind="pause"]'));
    await settle();
    const dialog = env.document.querySelector('[role="dialog"]');
    assert.match(dialog.querySelector('.js-adjustment-history').textContent, /could not be loaded/);
});

test('the filter lists only paused or extended attempts and keeps its choice', async () => {
    const env = await mountAttempts();
    const select = () => env.el.querySelector('.js-attempts-filter');
    assert.equal(env.el.querySelectorAll('.attempt-row').length, 3);
    select().value = 'paused';
    select().dispatchEvent(new FakeEvent('change', {target: select()}));
    await settle();
    assert.ok(env.server.calls.some((c) => c.url === `${GROUPED}?page=1&filter=paused`));
    assert.deepEqual(env.el.querySelectorAll('.attempt-row').map((r) => r.querySelector('th').textContent), ['bob']);
    assert.equal(env.el.querySelector('.js-attempts-status').textContent, '1 attempt shown.');
    assert.equal(select().querySelector('option[value="paused"]').hasAttribute('selected'), true);
    assert.equal(env.document.activeElement, select());

    select().value = 'extended';
    select().dispatchEvent(new FakeEvent('change', {target: select()}));
    await settle();
    assert.ok(env.server.calls.some((c) => c.url === `${GROUPED}?page=1&filter=extended`));
    assert.equal(env.el.querySelectorAll('.attempt-row').length, 1);

    select().value = '';
    select().dispatchEvent(new FakeEvent('change', {target: select()}));
    await settle();
    assert.equal(env.server.calls[env.server.calls.length - 1].url, `${GROUPED}?page=1`);
    assert.equal(env.el.querySelectorAll('.attempt-row').length, 3);
    assert.equal(env.el.querySelector('.js-attempts-status').textContent, '');
});

test('an empty filtered list says the filter matched nothing', async () => {
    const env = await mountAttempts();
    env.server.route('GET', new RegExp(`^${escapeRe(GROUPED)}`), 200, {
        proctored_exam_attempts: [], pagination_info: {current_page: 1, total_pages: 1},
    });
    const select = env.el.querySelector('.js-attempts-filter');
    select.value = 'paused';
    select.dispatchEvent(new FakeEvent('change', {target: select}));
    await settle();
    assert.equal(env.el.querySelector('.proctoring-empty').textContent, 'No attempt matches this filter.');
});

// -- break minutes allowance -----------------------------------------------------------------------------

async function mountAllowances(allowances) {
    const env = setup();
    const ns = env.edx.instructor_dashboard.proctoring;
    const host = env.document.createElement('div');
    host.innerHTML = `<div class="special-allowance-container" data-course-id="${COURSE}"></div>`;
    env.document.body.appendChild(host);
    env.server.route('GET', `${API}/proctored_exam/exam/course_id/${COURSE}`, 200, EXAMS);
    const results = Object.values(allowances || {}).flat();
    env.server.route('GET', `${API}/proctored_exam/${COURSE}/allowance`, 200,
        {count: results.length, num_pages: 1, current_page: 1, page_size: 25, results});
    const view = new ns.ProctoredExamAllowanceView();
    await view.ready;
    return Object.assign(env, {ns, view, el: env.document.querySelector('.special-allowance-container')});
}

test('the bulk dialog offers break minutes and sends them for many learners and exams', async () => {
    const env = await mountAllowances();
    click(env.el.querySelector('.js-add-allowance'));
    await settle();
    const form = env.document.querySelector('[role="dialog"] form');
    const options = form.querySelectorAll('[name="allowance_type"] option').map((o) => [o.getAttribute('value'), o.textContent]);
    assert.ok(options.some(([key, label]) => key === 'break_minutes' && label === 'Break minutes'), JSON.stringify(options));
    form.querySelectorAll('[name="exam_ids"]').forEach((box) => { box.checked = true; });
    form.querySelector('[name="user_ids"]').value = 'ann, bob';
    form.querySelector('[name="allowance_type"]').value = 'break_minutes';
    form.querySelector('[name="value"]').value = '1.5';
    submit(form);
    assert.match(form.querySelector('.js-form-error').textContent, /break time as a whole number of minutes/);
    form.querySelector('[name="value"]').value = '5';
    const url = `${API}/proctored_exam/${COURSE}/bulk_allowance`;
    env.server.route('PUT', url, 200, null);
    submit(form);
    await settle();
    assert.deepEqual(env.server.callsTo('PUT', url)[0].body, {
        course_id: COURSE, exam_ids: '2,1', user_ids: 'ann,bob', allowance_type: 'break_minutes', value: '5',
    });
});

test('a break minutes allowance is listed with its label and edited as whole minutes', async () => {
    const env = await mountAllowances({
        ann: [{
            id: 1, user: {id: 10, username: 'ann', email: 'ann@example.org'}, key: 'break_minutes', value: '5',
            proctored_exam: {id: 1, exam_name: 'Midterm'},
        }],
    });
    assert.match(env.el.querySelector('.allowance-row').textContent, /Break minutes/);
    click(env.el.querySelector('.js-edit-allowance'));
    await settle();
    const form = env.document.querySelector('[role="dialog"] form');
    assert.equal(form.querySelector('label[for="proctoring-edit-allowance-value"]').textContent, 'Break time (minutes)');
    form.querySelector('[name="value"]').value = 'ten';
    submit(form);
    assert.match(form.querySelector('.js-form-error').textContent, /break time as a whole number/);
    form.querySelector('[name="value"]').value = '10';
    env.server.route('PUT', `${API}/proctored_exam/allowance`, 200, null);
    submit(form);
    await settle();
    assert.deepEqual(env.server.callsTo('PUT', `${API}/proctored_exam/allowance`)[0].body,
        {exam_id: 1, user_info: 'ann', key: 'break_minutes', value: '10'});
});
