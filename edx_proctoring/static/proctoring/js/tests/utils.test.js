'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle} = require('./helpers');

const {edx} = setup();
const utils = edx.proctoring.utils;

test('template escapes every value', () => {
    const render = utils.template('<p title="<%= title %>"><%= body %></p>');
    assert.equal(
        render({title: '"><script>', body: '<img src=x onerror=alert(1)> & \'`'}),
        '<p title="&quot;&gt;&lt;script&gt;">&lt;img src=x onerror=alert(1)&gt; &amp; &#39;&#96;</p>',
    );
});

test('template renders missing values as empty and reads dotted paths', () => {
    const render = utils.template('<%= user.username %>|<%= nothing.here %>|<%= zero %>');
    assert.equal(render({user: {username: 'ann'}, zero: 0}), 'ann||0');
});

test('template conditions: if / else / unless / comparisons', () => {
    const render = utils.template(
        '<% if ok %>yes<% else %>no<% end %>,<% unless ok %>not<% end %>,'
        + '<% if status == "error" %>E<% end %><% if status != "error" %>F<% end %>',
    );
    assert.equal(render({ok: true, status: 'error'}), 'yes,,E');
    assert.equal(render({ok: false, status: 'started'}), 'no,not,F');
    assert.equal(utils.template('<% if list %>some<% else %>none<% end %>')({list: []}), 'none');
});

test('template loops with the item, $index, outer scope and an empty branch', () => {
    const render = utils.template('<% each rows as row %>[<%= $index %>:<%= row.name %>@<%= course %>]<% else %>empty<% end %>');
    assert.equal(render({course: 'c1', rows: [{name: '<a>'}, {name: 'b'}]}), '[0:&lt;a&gt;@c1][1:b@c1]');
    assert.equal(render({course: 'c1', rows: []}), 'empty');
});

test('template translations fill escaped placeholders after translating', () => {
    globalThis.gettext = (text) => (text === 'Page {page} of {total}' ? 'Seite {page} von {total}' : text);
    try {
        const render = utils.template('<%t Page {page} of {total} %>');
        assert.equal(render({page: '<1>', total: 3}), 'Seite &lt;1&gt; von 3');
    } finally {
        delete globalThis.gettext;
    }
});

test('template comments vanish; bad templates fail loudly', () => {
    assert.equal(utils.template('a<%# note %>b')({}), 'ab');
    assert.throws(() => utils.template('<% if a %>x'), /Unclosed/);
    assert.throws(() => utils.template('x<% end %>'), /Unbalanced/);
    assert.throws(() => utils.template('<% for x %>'), /Unknown template tag/);
});

test('every shipped .underscore template compiles', () => {
    const fs = require('node:fs');
    const path = require('node:path');
    const dir = path.resolve(__dirname, '..', '..', 'templates');
    const names = fs.readdirSync(dir).filter((name) => name.endsWith('.underscore'));
    assert.ok(names.length >= 1);
    names.forEach((name) => {
        assert.doesNotThrow(() => utils.template(fs.readFileSync(path.join(dir, name), 'utf8'))({}), name);
    });
});

test('getCookie reads and decodes one cookie', () => {
    assert.equal(utils.getCookie('csrftoken', 'a=1; csrftoken=x%3Dy; b=2'), 'x=y');
    assert.equal(utils.getCookie('missing', 'a=1'), null);
});

test('request sends JSON with the CSRF header on unsafe methods only', async () => {
    const {server} = setup();
    server.route('PUT', '/api/thing', 200, {ok: true});
    server.route('GET', '/api/thing', 200, {value: 1});
    const put = await utils.request('PUT', '/api/thing', {action: 'stop'});
    assert.deepEqual(put, {status: 200, data: {ok: true}});
    assert.deepEqual(await utils.getJSON('/api/thing'), {value: 1});
    const [putCall, getCall] = server.calls;
    assert.equal(putCall.headers['X-CSRFToken'], 'tok=123');
    assert.equal(putCall.headers['Content-Type'], 'application/json');
    assert.deepEqual(putCall.body, {action: 'stop'});
    assert.equal(getCall.headers['X-CSRFToken'], undefined);
});

test('request rejects with the status and the server detail', async () => {
    const {server} = setup();
    server.route('POST', '/api/fail', 400, {detail: 'Nope', field: 'user_info'});
    await assert.rejects(utils.request('POST', '/api/fail', {}), (error) => {
        assert.ok(error instanceof utils.RequestError);
        assert.equal(error.status, 400);
        assert.equal(error.message, 'Nope');
        assert.equal(error.data.field, 'user_info');
        return true;
    });
});

test('unwrapElement accepts DOM elements, jQuery objects, array-likes and selectors', () => {
    const {document} = setup();
    const el = document.createElement('div');
    el.setAttribute('class', 'x');
    document.body.appendChild(el);
    assert.equal(utils.unwrapElement(el), el);
    assert.equal(utils.unwrapElement({jquery: '3.7', get: (i) => [el][i], length: 1, 0: el}), el);
    assert.equal(utils.unwrapElement([el]), el);
    assert.equal(utils.unwrapElement('.x'), el);
    assert.equal(utils.unwrapElement({jquery: '3.7', get: () => undefined, length: 0}), null);
    assert.equal(utils.unwrapElement(null), null);
});

test('SubmitGuard runs one action at a time and disables the button meanwhile', async () => {
    const {document} = setup();
    const button = document.createElement('button');
    const guard = new utils.SubmitGuard();
    let release;
    let runs = 0;
    const first = guard.run(() => { runs += 1; return new Promise((resolve) => { release = resolve; }); }, button);
    assert.ok(first);
    assert.equal(button.disabled, true);
    assert.equal(button.getAttribute('aria-busy'), 'true');
    assert.equal(guard.run(() => { runs += 1; }, button), null);
    release('done');
    assert.equal(await first, 'done');
    assert.equal(runs, 1);
    assert.equal(button.disabled, true, 'stays locked after success: the page is reloading');
});

test('SubmitGuard frees the button after a failure', async () => {
    const {document} = setup();
    const button = document.createElement('button');
    const guard = new utils.SubmitGuard();
    await assert.rejects(guard.run(() => Promise.reject(new Error('x')), button));
    assert.equal(button.disabled, false);
    assert.equal(guard.inFlight, false);
    assert.equal(await guard.run(() => 'again', button, {releaseOnSuccess: true}), 'again');
    assert.equal(button.disabled, false);
});

test('announce writes into the live region', async () => {
    const {document} = setup();
    const region = document.createElement('div');
    region.textContent = 'old';
    utils.announce(region, 'You have 5 minutes remaining.');
    assert.equal(region.textContent, '');
    await settle(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(region.textContent, 'You have 5 minutes remaining.');
});

test('loadTemplate fetches each template once from /static/proctoring/templates/', async () => {
    const {server} = setup();
    const first = await utils.loadTemplate('proctored-exam-info');
    const second = await utils.loadTemplate('proctored-exam-info');
    assert.equal(first, second);
    const fetched = server.calls.filter((c) => c.url === '/static/proctoring/templates/proctored-exam-info.underscore');
    assert.equal(fetched.length, 1);
    await assert.rejects(utils.loadTemplate('no-such-template'));
});

// -- what the page serves: the API base path and the status groups ---------------------------------------

function servePage(document, config) {
    const el = document.createElement('script');
    el.setAttribute('id', 'edx-proctoring-config');
    el.setAttribute('type', 'application/json');
    el.textContent = JSON.stringify(config);
    document.body.appendChild(el);
}

test('without a served configuration the API lives under /api/edx_proctoring/v1', () => {
    setup();
    assert.equal(utils.apiUrl('/proctored_exam/allowance'), '/api/edx_proctoring/v1/proctored_exam/allowance');
    assert.deepEqual(utils.statusGroup('running'), ['started', 'ready_to_submit']);
    assert.deepEqual(utils.statusGroup('no_such_group'), []);
});

test('a served configuration moves every request under its base path and supplies the status groups', async () => {
    const {document, server, edx} = setup();
    servePage(document, {apiBase: '/lms/proctoring/v1/', statusGroups: {running: ['started']}});
    server.route('GET', '/lms/proctoring/v1/proctored_exam/exam/course_id/c1', 200, []);

    const exams = new edx.instructor_dashboard.proctoring.ProctoredExamCollection([], {courseId: 'c1'});
    await exams.fetch();

    assert.equal(server.callsTo('GET', '/lms/proctoring/v1/proctored_exam/exam/course_id/c1').length, 1);
    assert.deepEqual(utils.statusGroup('running'), ['started']);
});

test('a host that sets only the base path on <html> wins over the served one', () => {
    const {document} = setup();
    servePage(document, {apiBase: '/served'});
    document.documentElement.setAttribute('data-proctoring-api-base', '/host/api');
    assert.equal(utils.apiUrl('/x'), '/host/api/x');
});
