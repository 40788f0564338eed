'use strict';

/*
 * The timer bar names and acts on the exam on screen (issue 11, item 3), and saving an answer on a
 * proctored exam's page does not trip the leave-page guard (item 5).
 */

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, manualIntervals} = require('./helpers');

setup();
const pe = globalThis.edx.courseware.proctored_exam;
const {chooseTimerPayload} = globalThis.ProctoredExamModel;

const COURSE = 'course-v1:DemoX+Practice102+2025';
const CONTENT = 'block-v1:DemoX+Practice102+2025+type@sequential+block@practice';
const EXAM_URL = '/api/edx_proctoring/v1/proctored_exam/attempt/course_id/'
    + `${encodeURIComponent(COURSE)}?content_id=${encodeURIComponent(CONTENT)}&is_learning_mfe=false`;

const TEMPLATE = `
<div class="exam-timer">
  <a class="exam-name" href="<%= exam_url_path %>"><%= exam_display_name %></a>
  <span id="time_remaining_id"><b></b></span>
  <button type="button" class="exam-button-turn-in-exam" data-action="end-exam">End my exam</button>
</div>`;

function timerPayload(id, name, overrides) {
    return Object.assign({
        in_timed_exam: true,
        taking_as_proctored: true,
        exam_display_name: name,
        exam_url_path: `/courses/x/jump_to/${id}`,
        time_remaining_seconds: 600,
        attempt_id: id,
        attempt_status: 'started',
        exam_started_poll_url: `/api/edx_proctoring/v1/proctored_exam/attempt/${id}`,
        deadline: '2026-03-01T10:10:00Z',
        server_now: '2026-03-01T10:00:00Z',
    }, overrides || {});
}

const ONBOARDING = timerPayload(11, 'Onboarding');
const PRACTICE = timerPayload(22, 'Practice proctored exam');

function fakeWindowEvents() {
    const listeners = {};
    globalThis.addEventListener = (type, fn) => { (listeners[type] = listeners[type] || []).push(fn); };
    globalThis.removeEventListener = (type, fn) => {
        listeners[type] = (listeners[type] || []).filter((listener) => listener !== fn);
    };
    return {
        fire(type, event) {
            (listeners[type] || []).forEach((fn) => fn(event));
            return event;
        },
        restore() {
            delete globalThis.addEventListener;
            delete globalThis.removeEventListener;
        },
    };
}

async function mountOnExamPage(answer, options) {
    const {document, server} = setup();
    const tpl = document.createElement('script');
    tpl.setAttribute('id', 'proctored-exam-status-tpl');
    tpl.innerHTML = TEMPLATE;
    document.body.appendChild(tpl);
    const el = document.createElement('div');
    el.setAttribute('class', 'proctored_exam_status');
    document.body.appendChild(el);
    server.route('GET', EXAM_URL, 200, answer);
    server.route('PUT', /\/attempt\/\d+$/, 200, {exam_attempt_id: 0});
    const clock = {now: Date.parse('2026-03-01T10:00:00Z')};
    const navigations = [];
    const intervals = manualIntervals();
    const model = new globalThis.ProctoredExamModel({}, {
        now: () => clock.now, examOnScreen: {courseId: COURSE, contentId: CONTENT},
    });
    const view = new pe.ProctoredExamView(Object.assign({
        el,
        proctored_template: '#proctored-exam-status-tpl',
        model,
        now: () => clock.now,
        reload: () => null,
        navigate: (url) => navigations.push(url),
        setInterval: intervals.setInterval,
        clearInterval: intervals.clearInterval,
    }, options || {}));
    await settle();
    return {el, view, server, clock, navigations};
}

test('the exam on screen is chosen while it runs, else the running one, else none', () => {
    assert.equal(chooseTimerPayload({exam: {attempt: PRACTICE}, active_attempt: ONBOARDING}), PRACTICE);
    const ended = Object.assign({}, PRACTICE, {attempt_status: 'submitted'});
    assert.equal(chooseTimerPayload({exam: {attempt: ended}, active_attempt: ONBOARDING}), ONBOARDING);
    assert.equal(chooseTimerPayload({exam: {}, active_attempt: {}}).in_timed_exam, false);
    assert.equal(chooseTimerPayload({exam: {attempt: {}}, active_attempt: ended}).in_timed_exam, false);
    assert.equal(chooseTimerPayload(null).in_timed_exam, false);
});

test('given two running exams, on the practice page the bar names the practice exam and ends it', async () => {
    const {el, server, navigations} = await mountOnExamPage({exam: {attempt: PRACTICE}, active_attempt: ONBOARDING});

    assert.equal(server.callsTo('GET', EXAM_URL).length, 1);
    assert.equal(server.callsTo('GET', '/api/edx_proctoring/v1/proctored_exam/attempt?').length, 0);
    assert.equal(el.hidden, false);
    assert.equal(el.querySelector('.exam-name').textContent, 'Practice proctored exam');

    click(el.querySelector('[data-action="end-exam"]'));
    await settle();

    const puts = server.callsTo('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/');
    assert.deepEqual(puts.map((call) => [call.url, call.body.action]), [
        ['/api/edx_proctoring/v1/proctored_exam/attempt/22', 'stop'],
    ]);
    assert.deepEqual(navigations, ['/courses/x/jump_to/22']);
});

test('on a page whose exam is not running, the bar names the running exam it acts on', async () => {
    const {el} = await mountOnExamPage({exam: {attempt: {}}, active_attempt: ONBOARDING});

    assert.equal(el.querySelector('.exam-name').textContent, 'Onboarding');
    assert.equal(el.querySelector('.exam-name').getAttribute('href'), '/courses/x/jump_to/11');
});

test('without an exam on screen the model reads the legacy endpoint', () => {
    const model = new globalThis.ProctoredExamModel({}, {});
    assert.equal(model.resolveUrl(), '/api/edx_proctoring/v1/proctored_exam/attempt');
});

test('saving an answer on a proctored exam page does not ask "leave this page?"', async () => {
    const windowEvents = fakeWindowEvents();
    try {
        const {view, clock} = await mountOnExamPage({exam: {attempt: PRACTICE}, active_attempt: null});
        assert.equal(view.active, true);

        const cancelled = {defaultPrevented: true};
        windowEvents.fire('submit', cancelled);
        const leaving = {preventDefault() { this.prevented = true; }};
        windowEvents.fire('beforeunload', leaving);
        assert.equal(leaving.prevented, true, 'a cancelled submit does not disarm the guard');

        windowEvents.fire('submit', {defaultPrevented: false});
        const saving = {preventDefault() { this.prevented = true; }};
        windowEvents.fire('beforeunload', saving);
        assert.equal(saving.prevented, undefined);
        assert.equal(saving.returnValue, undefined);

        clock.now += 10000;
        const later = {preventDefault() { this.prevented = true; }};
        windowEvents.fire('beforeunload', later);
        assert.equal(later.prevented, true, 'leaving later is guarded again');
        view.destroy();
    } finally {
        windowEvents.restore();
    }
});
