'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, manualIntervals} = require('./helpers');

const {edx} = setup();
const pe = edx.courseware.proctored_exam;
const timer = pe.timer;

const SERVER_NOW = Date.parse('2026-03-01T10:00:00Z');
const TEN_MINUTES = 10 * 60 * 1000;

// -- pure functions --------------------------------------------------------------------------------------

test('clock offset compares server_now with the middle of the round trip', () => {
    // The browser clock is 10 minutes slow; the request took 2 s.
    const start = SERVER_NOW - TEN_MINUTES - 1000;
    const offset = timer.clockOffsetMs('2026-03-01T10:00:00Z', start, start + 2000);
    assert.equal(offset, TEN_MINUTES);
    assert.equal(timer.clockOffsetMs(null, start, start + 10), 0);
    assert.equal(timer.clockOffsetMs('not a date', start, start + 10), 0);
});

test('remaining time is right whatever the browser clock says', () => {
    const payload = {deadline: '2026-03-01T10:05:00Z', server_now: '2026-03-01T10:00:00Z', time_remaining_seconds: 300};
    [-TEN_MINUTES, 0, TEN_MINUTES, 3 * 3600 * 1000].forEach((skew) => {
        const fetchedAt = SERVER_NOW + skew;
        const timing = timer.timingFromPayload(payload, {requestStart: fetchedAt - 100, requestEnd: fetchedAt + 100});
        assert.equal(timer.remainingSeconds(timing, fetchedAt), 300, `skew ${skew}`);
        assert.equal(timer.remainingSeconds(timing, fetchedAt + 61000), 239, `skew ${skew}`);
    });
});

test('without a deadline the remaining seconds count from the middle of the request', () => {
    const timing = timer.timingFromPayload({time_remaining_seconds: 120}, {requestStart: 1000, requestEnd: 3000});
    assert.equal(timer.remainingSeconds(timing, 2000), 120);
    assert.equal(timer.remainingSeconds(timing, 12000), 110);
});

test('thresholds classify the remaining time', () => {
    assert.equal(timer.classifyRemaining(600, 300, 60), 'normal');
    assert.equal(timer.classifyRemaining(300, 300, 60), 'warning');
    assert.equal(timer.classifyRemaining(61, 300, 60), 'warning');
    assert.equal(timer.classifyRemaining(60, 300, 60), 'critical');
    assert.equal(timer.classifyRemaining(-3, 300, 60), 'critical');
    assert.equal(timer.classifyRemaining(5, 0, 0), 'normal');
});

test('formatting rounds up, pads, shows hours only when needed and never goes negative', () => {
    assert.equal(timer.formatRemaining(0), '00:00');
    assert.equal(timer.formatRemaining(-4.2), '00:00');
    assert.equal(timer.formatRemaining(0.2), '00:01');
    assert.equal(timer.formatRemaining(59.5), '01:00');
    assert.equal(timer.formatRemaining(125), '02:05');
    assert.equal(timer.formatRemaining(3600), '1:00:00');
    assert.equal(timer.formatRemaining(2 * 3600 + 61), '2:01:01');
});

test('screen-reader sentences', () => {
    assert.equal(timer.accessibleRemaining(0), 'Time is up. Your exam is being submitted.');
    assert.equal(timer.accessibleRemaining(30), 'You have less than a minute remaining.');
    assert.equal(timer.accessibleRemaining(60), 'You have 1 minute remaining.');
    assert.equal(timer.accessibleRemaining(300), 'You have 5 minutes remaining.');
    assert.equal(timer.accessibleRemaining(3900), 'You have 1 h 5 min remaining.');
});

// -- the view --------------------------------------------------------------------------------------------

const TEMPLATE = `
<div class="exam-timer">
  <span class="exam-name"><%= exam_display_name %></span>
  <span id="time_remaining_id" aria-hidden="false"><b></b></span>
  <button type="button" id="toggle_timer" aria-pressed="false">Hide timer</button>
  <button type="button" class="js-toggle-show-more" aria-expanded="false" aria-controls="exam-more">More</button>
  <div id="exam-more" hidden>details</div>
  <button type="button" class="exam-button-turn-in-exam">End my exam</button>
  <a class="exam-link" href="<%= exam_url_path %>">back</a>
</div>`;

function payload(overrides) {
    return Object.assign({
        in_timed_exam: true,
        taking_as_proctored: false,
        exam_display_name: 'Midterm <b>',
        exam_url_path: '/courses/c/jump_to/x',
        time_remaining_seconds: 300,
        low_threshold_sec: 120,
        critically_low_threshold_sec: 30,
        attempt_id: 7,
        external_id: 'ext-7',
        attempt_status: 'started',
        exam_started_poll_url: '/api/edx_proctoring/v1/proctored_exam/attempt/7',
        desktop_application_js_url: '',
        deadline: '2026-03-01T10:05:00Z',
        server_now: '2026-03-01T10:00:00Z',
    }, overrides || {});
}

/** The timer page with a browser clock `skewMs` off the server's; `clock.now` is the browser's time. */
async function mountTimer(body, skewMs) {
    const env = setup();
    const {document, server} = env;
    const tpl = document.createElement('script');
    tpl.setAttribute('id', 'proctored-exam-status-tpl');
    tpl.innerHTML = TEMPLATE;
    document.body.appendChild(tpl);
    const el = document.createElement('div');
    el.setAttribute('class', 'proctored_exam_status');
    document.body.appendChild(el);
    server.route('GET', '/api/edx_proctoring/v1/proctored_exam/attempt', 200, body);
    const clock = {now: SERVER_NOW + (skewMs || 0)};
    const intervals = manualIntervals();
    const reloads = [];
    const navigations = [];
    const model = new globalThis.ProctoredExamModel({}, {now: () => clock.now});
    const view = new pe.ProctoredExamView({
        el: {jquery: '3', get: (i) => [el][i], length: 1, 0: el},
        proctored_template: '#proctored-exam-status-tpl',
        model,
        now: () => clock.now,
        reload: () => reloads.push(clock.now),
        navigate: (url) => navigations.push(url),
        setInterval: intervals.setInterval,
        clearInterval: intervals.clearInterval,
    });
    view.render();
    await settle();
    return {env, el, view, model, clock, intervals, reloads, navigations, server, document};
}

function shown(el) {
    return el.querySelector('#time_remaining_id b').textContent;
}

test('the view renders the page template and counts down to the server deadline', async () => {
    const {el, clock, intervals} = await mountTimer(payload(), 0);
    assert.equal(el.hidden, false);
    assert.equal(el.querySelector('.exam-name').textContent, 'Midterm <b>');
    assert.equal(shown(el), '05:00');
    clock.now += 61000;
    intervals.runAll(1000);
    assert.equal(shown(el), '03:59');
});

test('a browser clock 10 minutes wrong shows the same time (users #1)', async () => {
    for (const skew of [-TEN_MINUTES, TEN_MINUTES]) {
        const {el, clock, intervals} = await mountTimer(payload(), skew); // eslint-disable-line no-await-in-loop
        assert.equal(shown(el), '05:00', `skew ${skew}`);
        clock.now += 30000;
        intervals.runAll(1000);
        assert.equal(shown(el), '04:30', `skew ${skew}`);
    }
});

test('nothing is shown outside a timed exam', async () => {
    const {el, intervals} = await mountTimer({in_timed_exam: false, is_proctored: false}, 0);
    assert.equal(el.hidden, true);
    assert.equal(intervals.count, 0);
});

test('warning and critical states set classes and announce once each', async () => {
    const {el, clock, intervals, view} = await mountTimer(payload(), 0);
    const timerBox = el.querySelector('.exam-timer');
    assert.ok(!timerBox.classList.contains('warning'));
    clock.now += 181000; // 119 s left
    intervals.runAll(1000);
    assert.ok(timerBox.classList.contains('low-time'));
    assert.ok(timerBox.classList.contains('warning'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.match(view.liveRegion.textContent, /running low/);
    assert.equal(view.liveRegion.getAttribute('aria-live'), 'polite');
    clock.now += 90000; // 29 s left
    intervals.runAll(1000);
    assert.ok(timerBox.classList.contains('critical'));
    assert.ok(!timerBox.classList.contains('warning'));
    assert.equal(view.liveRegion.getAttribute('aria-live'), 'assertive');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.match(view.liveRegion.textContent, /almost up/);
});

test('at zero the timer holds 00:00 for five seconds, then ends the exam and reloads', async () => {
    const {el, clock, intervals, reloads, server} = await mountTimer(payload(), 0);
    server.route('GET', '/api/edx_proctoring/v1/proctored_exam/attempt/7', 200, {status: 'submitted'});
    clock.now += 300000;
    intervals.runAll(1000);
    assert.equal(shown(el), '00:00');
    clock.now += 4000;
    intervals.runAll(1000);
    assert.equal(shown(el), '00:00');
    assert.equal(reloads.length, 0);
    clock.now += 1000;
    intervals.runAll(1000);
    await settle();
    assert.equal(reloads.length, 1);
    assert.equal(server.callsTo('GET', '/api/edx_proctoring/v1/proctored_exam/attempt/7').length, 1);
    assert.equal(intervals.count, 0);
});

test('the 60 s poll resyncs the deadline (extra time) and reloads when the attempt ended', async () => {
    const {el, clock, intervals, reloads, server} = await mountTimer(payload(), 0);
    clock.now += 60000;
    server.route('GET', '/api/edx_proctoring/v1/proctored_exam/attempt', 200,
        payload({deadline: '2026-03-01T10:15:00Z', server_now: '2026-03-01T10:01:00Z'}));
    intervals.runAll(60000);
    await settle();
    assert.equal(shown(el), '14:00');
    server.route('GET', '/api/edx_proctoring/v1/proctored_exam/attempt', 200, {in_timed_exam: false, is_proctored: false});
    intervals.runAll(60000);
    await settle();
    assert.equal(reloads.length, 1);
});

test('"end my exam" sends one stop however often it is clicked, then goes to the exam', async () => {
    const {el, server, navigations} = await mountTimer(payload(), 0);
    server.route('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/7', 200, {exam_attempt_id: 7});
    const button = el.querySelector('.exam-button-turn-in-exam');
    click(button);
    click(button);
    click(button);
    await settle();
    const puts = server.callsTo('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/7');
    assert.equal(puts.length, 1);
    assert.deepEqual(puts[0].body, {action: 'stop'});
    assert.equal(puts[0].headers['X-CSRFToken'], 'tok=123');
    assert.deepEqual(navigations, ['/courses/c/jump_to/x']);
});

test('the timer can be hidden and shown with #toggle_timer (aria-pressed)', async () => {
    const store = new Map();
    globalThis.sessionStorage = {getItem: (k) => store.get(k) || null, setItem: (k, v) => store.set(k, v)};
    try {
        const {el} = await mountTimer(payload(), 0);
        const toggle = el.querySelector('#toggle_timer');
        click(toggle);
        assert.equal(toggle.getAttribute('aria-pressed'), 'true');
        assert.equal(el.querySelector('#time_remaining_id').hidden, true);
        click(toggle);
        assert.equal(toggle.getAttribute('aria-pressed'), 'false');
        assert.equal(el.querySelector('#time_remaining_id').hidden, false);
        const more = el.querySelector('.js-toggle-show-more');
        click(more);
        assert.equal(more.getAttribute('aria-expanded'), 'true');
        assert.equal(el.querySelector('#exam-more').hidden, false);
    } finally {
        delete globalThis.sessionStorage;
    }
});

test('a proctored attempt warns before leaving the page', async () => {
    const {view} = await mountTimer(payload({taking_as_proctored: true}), 0);
    const event = {preventDefault() { this.prevented = true; }};
    assert.ok(view.warnBeforeUnload(event));
    assert.equal(event.prevented, true);
    view.leaving = true;
    assert.equal(view.warnBeforeUnload({preventDefault() {}}), undefined);
});

function fakeWorker(answer) {
    const listeners = [];
    return {
        posted: [],
        addEventListener(type, fn) { listeners.push(fn); },
        removeEventListener(type, fn) { listeners.splice(listeners.indexOf(fn), 1); },
        postMessage(message) {
            this.posted.push(message);
            const reply = answer(message);
            if (reply) {
                setTimeout(() => listeners.slice().forEach((fn) => fn({data: reply})), 0);
            }
        },
        terminate() {},
    };
}

test('the vendor software is pinged every ping_interval; a failed ping reports an error', async () => {
    let healthy = true;
    const worker = fakeWorker((m) => (m.type === 'ping' ? {type: healthy ? 'echo' : 'pingFailed'} : null));
    pe.resetWorker(worker);
    const originalGetWorker = pe.getWorker;
    pe.getWorker = () => worker;
    try {
        const {intervals, server, reloads} = await mountTimer(payload({
            taking_as_proctored: true, desktop_application_js_url: 'https://vendor.example/worker.js', ping_interval: 30,
        }), 0);
        server.route('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/7', 200, {exam_attempt_id: 7});
        intervals.runAll(30000);
        await settle();
        assert.deepEqual(worker.posted.map((m) => m.type), ['ping']);
        assert.equal(worker.posted[0].timeout, 30000);
        assert.equal(server.callsTo('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/7').length, 0);
        healthy = false;
        intervals.runAll(30000);
        await settle();
        const puts = server.callsTo('PUT', '/api/edx_proctoring/v1/proctored_exam/attempt/7');
        assert.equal(puts.length, 1);
        assert.equal(puts[0].body.action, 'error');
        assert.equal(reloads.length, 1);
    } finally {
        pe.getWorker = originalGetWorker;
        pe.resetWorker(null);
    }
});

test('mounting twice on the same element replaces the first view', async () => {
    const {el, view, intervals} = await mountTimer(payload(), 0);
    const second = new pe.ProctoredExamView({el, model: view.model, fetch: false, setInterval: intervals.setInterval});
    assert.equal(el.__proctoredExamView, second);
    assert.deepEqual(view.intervals, {});
});
