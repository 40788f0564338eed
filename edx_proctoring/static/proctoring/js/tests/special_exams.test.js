'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, FakeEvent} = require('./helpers');

const COURSE = 'course-v1:edX+Demo+2026';
const API = '/api/edx_proctoring/v1';

const EXAMS = [
    {id: 1, exam_name: 'Midterm', is_proctored: false, is_practice_exam: false},
    {id: 2, exam_name: 'Final', is_proctored: true, is_practice_exam: false},
];

function allowance(id, username, exam, value) {
    return {
        id,
        user: {id: id * 10, username, email: `${username}@example.org`},
        key: 'additional_time_granted',
        value,
        proctored_exam: {id: exam.id, exam_name: exam.exam_name},
    };
}

function mount(containerClass, extraHtml) {
    const env = setup();
    const ns = env.edx.instructor_dashboard.proctoring;
    const host = env.document.createElement('div');
    host.innerHTML = `${extraHtml || ''}<div class="${containerClass}" data-course-id="${COURSE}"></div>`;
    env.document.body.appendChild(host);
    globalThis.confirm = () => true;
    return Object.assign(env, {ns, el: env.document.querySelector(`.${containerClass}`)});
}

function submit(form) {
    form.dispatchEvent(new FakeEvent('submit', {target: form}));
}

// -- allowances ------------------------------------------------------------------------------------------

async function mountAllowances() {
    const env = mount('special-allowance-container');
    env.server.route('GET', `${API}/proctored_exam/exam/course_id/${COURSE}`, 200, EXAMS);
    env.server.route('GET', `${API}/proctored_exam/${COURSE}/allowance`, 200, {
        count: 2, num_pages: 1, current_page: 1, page_size: 25,
        results: [allowance(1, '<ann>', EXAMS[0], '30'), allowance(2, 'bob', EXAMS[1], '15')],
    });
    const view = new env.ns.ProctoredExamAllowanceView();
    await view.ready;
    return Object.assign(env, {view});
}

test('the allowance panel mounts with no options and lists allowances by learner, escaped', async () => {
    const {el} = await mountAllowances();
    const rows = el.querySelectorAll('.allowance-row');
    assert.equal(rows.length, 2);
    assert.equal(rows[0].querySelector('th').textContent, '<ann>');
    assert.ok(!el.innerHTML.includes('<ann>'));
    assert.match(rows[1].textContent, /Final/);
    assert.match(rows[1].textContent, /Additional time \(minutes\)/);
    assert.ok(el.querySelector('.js-add-allowance'));
});

test('a bulk allowance for two learners on two exams is sent in one request; the dialog is accessible', async () => {
    const {el, document, server} = await mountAllowances();
    const opener = el.querySelector('.js-add-allowance');
    click(opener);
    await settle();
    const dialog = document.querySelector('[role="dialog"]');
    assert.ok(dialog);
    assert.equal(dialog.getAttribute('aria-modal'), 'true');
    assert.equal(document.getElementById(dialog.getAttribute('aria-labelledby')).textContent, 'Add allowance');
    assert.equal(document.activeElement, dialog.querySelector('[name="exam_ids"]'));
    const form = dialog.querySelector('form');
    form.querySelectorAll('[name="exam_ids"]').forEach((box) => { box.checked = true; });
    form.querySelector('[name="user_ids"]').value = 'ann, bob@example.org,';
    form.querySelector('[name="allowance_type"]').value = 'additional_time_granted';
    form.querySelector('[name="value"]').value = '30';
    server.route('PUT', `${API}/proctored_exam/${COURSE}/bulk_allowance`, 200, null);
    submit(form);
    submit(form);
    await settle();
    const puts = server.callsTo('PUT', `${API}/proctored_exam/${COURSE}/bulk_allowance`);
    assert.equal(puts.length, 1);
    assert.deepEqual(puts[0].body, {
        course_id: COURSE, exam_ids: '2,1', user_ids: 'ann,bob@example.org', allowance_type: 'additional_time_granted', value: '30',
    });
    assert.equal(puts[0].headers['X-CSRFToken'], 'tok=123');
    assert.equal(document.querySelector('[role="dialog"]'), null);
    assert.equal(el.querySelector('.js-allowance-status').textContent, 'The allowances were added.');
    assert.equal(document.activeElement, el.querySelector('.js-allowance-status'));
});

test('the bulk dialog checks its fields and shows server errors next to the field', async () => {
    const {el, document, server} = await mountAllowances();
    click(el.querySelector('.js-add-allowance'));
    await settle();
    const form = document.querySelector('[role="dialog"] form');
    submit(form);
    const error = form.querySelector('.js-form-error');
    assert.equal(error.hidden, false);
    assert.match(error.textContent, /at least one exam/);
    form.querySelector('[name="exam_ids"]').checked = true;
    form.querySelector('[name="user_ids"]').value = 'ann';
    form.querySelector('[name="allowance_type"]').value = 'time_multiplier';
    form.querySelector('[name="value"]').value = '0.5';
    submit(form);
    assert.match(error.textContent, /multiplier/);
    assert.equal(document.activeElement, form.querySelector('[name="value"]'));
    assert.equal(server.callsTo('PUT', `${API}/proctored_exam/${COURSE}/bulk_allowance`).length, 0);
    form.querySelector('[name="value"]').value = '1.5';
    server.route('PUT', `${API}/proctored_exam/${COURSE}/bulk_allowance`, 400,
        {detail: 'Enter a valid username or email', field: 'user_info'});
    submit(form);
    await settle();
    assert.equal(error.textContent, 'Enter a valid username or email');
    assert.equal(document.activeElement, form.querySelector('[name="user_ids"]'));
    assert.equal(form.querySelector('[name="user_ids"]').getAttribute('aria-invalid'), 'true');
    assert.equal(form.querySelector('[type="submit"]').disabled, false);
});

test('Escape closes the dialog and gives focus back to the button that opened it', async () => {
    const {el, document} = await mountAllowances();
    const opener = el.querySelector('.js-add-allowance');
    click(opener);
    await settle();
    const input = document.querySelector('[role="dialog"] [name="value"]');
    input.dispatchEvent(new FakeEvent('keydown', {key: 'Escape', target: input}));
    assert.equal(document.querySelector('[role="dialog"]'), null);
    assert.equal(document.activeElement, opener);
});

test('editing an allowance PUTs the new value; deleting one sends DELETE', async () => {
    const {el, document, server} = await mountAllowances();
    click(el.querySelectorAll('.js-edit-allowance')[1]);
    await settle();
    const form = document.querySelector('[role="dialog"] form');
    assert.equal(form.querySelector('[name="value"]').value, '15');
    form.querySelector('[name="value"]').value = '45';
    server.route('PUT', `${API}/proctored_exam/allowance`, 200, null);
    submit(form);
    await settle();
    assert.deepEqual(server.callsTo('PUT', `${API}/proctored_exam/allowance`)[0].body,
        {exam_id: 2, user_info: 'bob', key: 'additional_time_granted', value: '45'});

    server.route('DELETE', `${API}/proctored_exam/allowance`, 200, null);
    click(el.querySelectorAll('.js-delete-allowance')[0]);
    await settle();
    assert.deepEqual(server.callsTo('DELETE', `${API}/proctored_exam/allowance`)[0].body,
        {exam_id: 1, user_id: 10, key: 'additional_time_granted'});
    assert.equal(el.querySelector('.js-allowance-status').textContent, 'The allowance was removed.');
});

test('declining the confirmation deletes nothing', async () => {
    const {el, server} = await mountAllowances();
    globalThis.confirm = () => false;
    click(el.querySelector('.js-delete-allowance'));
    await settle();
    assert.equal(server.callsTo('DELETE', `${API}/proctored_exam/allowance`).length, 0);
});

test('allowances come 25 a page: the panel asks for a page and moves between pages', async () => {
    const {el, server, view} = await mountAllowances();
    assert.match(server.callsTo('GET', `${API}/proctored_exam/${COURSE}/allowance`)[0].url, /\?page=1&page_size=25$/);
    assert.equal(el.querySelector('.proctoring-pagination'), null);

    const page = (number) => ({
        count: 30, num_pages: 2, current_page: number, page_size: 25,
        results: number === 1
            ? [allowance(1, 'ann', EXAMS[0], '30'), allowance(3, 'ann', EXAMS[1], '10')]
            : [allowance(4, 'zoe', EXAMS[0], '5')],
    });
    server.route('GET', `${API}/proctored_exam/${COURSE}/allowance`, 200, (call) => page(call.url.includes('page=2') ? 2 : 1));
    await view.refresh();
    assert.equal(el.querySelectorAll('.allowance-row').length, 2);
    assert.match(el.querySelector('.proctoring-page-info').textContent, /Page 1 of 2/);

    click(el.querySelector('.js-allowance-page'));
    await settle();
    assert.match(server.callsTo('GET', `${API}/proctored_exam/${COURSE}/allowance`).pop().url, /\?page=2&page_size=25$/);
    assert.deepEqual(el.querySelectorAll('.allowance-row').map((row) => row.querySelector('th').textContent), ['zoe']);
    assert.match(el.querySelector('.proctoring-page-info').textContent, /Page 2 of 2/);
    assert.equal(el.querySelector('.js-allowance-page').textContent, 'Previous page');
});

// -- attempts --------------------------------------------------------------------------------------------

function attempt(id, username, status, extra) {
    return Object.assign({
        id,
        user: {id: id * 10, username, email: `${username}@example.org`},
        status,
        proctored_exam: EXAMS[1],
        allowed_time_limit_mins: 60,
        started_at: '2026-03-01T10:00:00Z',
        completed_at: null,
        is_resumable: false,
        ready_to_resume: false,
        all_attempts: [],
    }, extra || {});
}

async function mountAttempts(pageInfo) {
    const env = mount('student-proctored-exam-container');
    const base = `${API}/proctored_exam/attempt/grouped/course_id/${COURSE}`;
    env.server.route('GET', new RegExp(`^${base.replace(/[+.]/g, '\\$&')}`), 200, (call) => ({
        proctored_exam_attempts: call.url.includes('/search/')
            ? [attempt(3, 'ann', 'submitted')]
            : [
                attempt(3, 'ann', 'submitted', {all_attempts: [attempt(3, 'ann', 'submitted'), attempt(2, 'ann', 'error')]}),
                attempt(4, 'bob', 'error', {is_resumable: true}),
            ],
        pagination_info: pageInfo || {has_previous: false, has_next: true, current_page: 1, total_pages: 2},
        attempt_url: base,
    }));
    const view = new env.ns.ProctoredExamAttemptView();
    await view.ready;
    return Object.assign(env, {view, base});
}

test('attempts are listed with earlier attempts, and "ready to resume" only for resumable errors', async () => {
    const {el} = await mountAttempts();
    const rows = el.querySelectorAll('.attempt-row');
    assert.equal(rows.length, 2);
    assert.ok(rows[0].querySelector('details.attempt-history'));
    assert.equal(rows[0].querySelector('.js-resume-attempt'), null);
    assert.ok(rows[1].querySelector('.js-resume-attempt'));
    assert.match(el.querySelector('.proctoring-page-info').textContent, /Page 1 of 2/);
});

test('search and pagination build the grouped-attempts URLs', async () => {
    const {el, server, base, document} = await mountAttempts();
    click(el.querySelector('.js-page'));
    await settle();
    assert.ok(server.calls.some((c) => c.url === `${base}?page=2`));
    const form = el.querySelector('.js-attempts-search');
    form.querySelector('[name="search"]').value = ' ann@ex ';
    submit(form);
    await settle();
    assert.ok(server.calls.some((c) => c.url === `${base}/search/ann%40ex?page=1`));
    assert.equal(el.querySelectorAll('.attempt-row').length, 1);
    assert.equal(el.querySelector('.js-attempts-status').textContent, '1 result.');
    assert.equal(document.activeElement, el.querySelector('#proctored-exam-attempts-search'));
});

test('reset sends DELETE reset_attempts; ready to resume sends PUT with the learner id', async () => {
    const {el, server} = await mountAttempts();
    server.route('DELETE', `${API}/proctored_exam/exam_id/2/user_id/30/reset_attempts`, 200, null);
    click(el.querySelector('.js-reset-attempt'));
    await settle();
    assert.equal(server.callsTo('DELETE', `${API}/proctored_exam/exam_id/2/user_id/30/reset_attempts`).length, 1);
    assert.match(el.querySelector('.js-attempts-status').textContent, /ann were reset/);

    server.route('PUT', `${API}/proctored_exam/attempt/4`, 200, {exam_attempt_id: 4});
    click(el.querySelector('.js-resume-attempt'));
    await settle();
    assert.deepEqual(server.callsTo('PUT', `${API}/proctored_exam/attempt/4`)[0].body,
        {action: 'mark_ready_to_resume', user_id: 40});
    assert.match(el.querySelector('.js-attempts-status').textContent, /bob can now resume/);
});

// -- onboarding ------------------------------------------------------------------------------------------

test('onboarding panel filters by text and statuses and pages', async () => {
    const env = mount('student-onboarding-status-container');
    const base = `${API}/user_onboarding/status/course_id/${COURSE}`;
    env.server.route('GET', base, 200, {
        count: 30, previous: null, next: `${base}?page=2`, num_pages: 2, use_onboarding_profile_api: false,
        results: [{username: 'ann', enrollment_mode: 'verified', status: 'verified', modified: '2026-03-01T10:00:00Z'}],
    });
    const view = new env.ns.ProctoredExamOnboardingView();
    await view.ready;
    const {el, server} = env;
    assert.equal(el.querySelectorAll('.onboarding-row').length, 1);
    assert.match(el.querySelector('.onboarding-row').textContent, /Approved/);
    assert.equal(el.querySelector('.js-onboarding-status-message').textContent, '30 learners.');
    const form = el.querySelector('.js-onboarding-filters');
    form.querySelector('[name="text_search"]').value = 'an n';
    form.querySelectorAll('[name="statuses"]').forEach((box) => { box.checked = ['verified', 'error'].includes(box.value); });
    submit(form);
    await settle();
    assert.equal(server.calls[server.calls.length - 1].url, `${base}?page=1&text_search=an+n&statuses=verified%2Cerror`);
    assert.equal(el.querySelector('[name="statuses"][value="error"]').hasAttribute('checked'), true);
    click(el.querySelector('.js-page'));
    await settle();
    assert.match(server.calls[server.calls.length - 1].url, /page=2/);
});

test('onboarding panel explains when the course has no onboarding exam', async () => {
    const env = mount('student-onboarding-status-container');
    env.server.route('GET', `${API}/user_onboarding/status/course_id/${COURSE}`, 404,
        {detail: 'There is no onboarding exam related to this course id.'});
    const view = new env.ns.ProctoredExamOnboardingView();
    await view.ready;
    assert.equal(env.el.querySelector('.js-onboarding-status-message').textContent, 'This course has no onboarding exam.');
    assert.equal(env.el.querySelector('.js-onboarding-filters'), null);
});

// -- vendor dashboard ------------------------------------------------------------------------------------

test('the dashboard iframe appears when its accordion panel is opened', async () => {
    const env = mount('student-review-dashboard-container');
    const accordion = env.document.createElement('div');
    accordion.setAttribute('id', 'proctoring-accordion');
    accordion.innerHTML = '<h3 aria-controls="panel-1" class="header">Proctoring</h3><div id="panel-1"></div>';
    env.document.body.appendChild(accordion);
    accordion.querySelector('#panel-1').appendChild(env.el);
    const view = new env.ns.ProctoredExamDashboardView();
    await view.ready;
    assert.equal(env.el.querySelector('iframe'), null);
    click(accordion.querySelector('h3'));
    await settle();
    const frame = env.el.querySelector('iframe');
    assert.equal(frame.getAttribute('src'), `${API}/instructor/${COURSE}`);
    assert.ok(frame.getAttribute('title'));
});

test('without an accordion the dashboard renders at once', async () => {
    const env = mount('student-review-dashboard-container');
    const view = new env.ns.ProctoredExamDashboardView();
    await view.ready;
    assert.ok(env.el.querySelector('iframe'));
});

test('the learner onboarding panel reads its course and username from the element', async () => {
    const env = setup();
    const panel = env.document.createElement('div');
    panel.setAttribute('class', 'proctoring-info-panel');
    panel.setAttribute('data-course-id', COURSE);
    panel.setAttribute('data-username', 'ann');
    env.document.body.appendChild(panel);
    env.server.route('GET', `${API}/user_onboarding/status`, 200, {
        onboarding_status: 'verified', onboarding_link: null, expiration_date: '2027-01-01T00:00:00Z',
        onboarding_past_due: false, onboarding_release_date: null, review_requirements_url: 'https://help.example/req',
    });
    const info = new env.edx.courseware.proctored_exam.ProctoredExamInfo({el: {jquery: '3', get: () => panel, length: 1, 0: panel},
        model: new globalThis.LearnerOnboardingModel()});
    await info.ready;
    assert.equal(env.server.calls.find((c) => c.url.startsWith(`${API}/user_onboarding/status`)).url,
        `${API}/user_onboarding/status?course_id=${encodeURIComponent(COURSE)}&username=ann`);
    assert.equal(panel.hidden, false);
    assert.match(panel.querySelector('.onboarding-status').textContent, /Approved/);
    assert.ok(panel.querySelector('.proctoring-info-requirements'));
});
