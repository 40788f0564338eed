'use strict';

/*
 * Special Exams tab, issue 11 item 6: what a time multiplier comes to, which pairs of a bulk allowance
 * failed, and the Allowances heading at the level of the other panels.
 */

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, FakeEvent} = require('./helpers');

const COURSE = 'course-v1:edX+Demo+2026';
const API = '/api/edx_proctoring/v1';
const EXAMS = [
    {id: 1, exam_name: 'Midterm', time_limit_mins: 20},
    {id: 2, exam_name: 'Final', time_limit_mins: 30},
];

function extraTime(id, username, exam, value, withLimit) {
    const proctoredExam = {id: exam.id, exam_name: exam.exam_name};
    if (withLimit) {
        proctoredExam.time_limit_mins = exam.time_limit_mins;
    }
    return {
        id, user: {id: id * 10, username}, key: 'additional_time_granted', value, proctored_exam: proctoredExam,
    };
}

async function mountAllowances(results) {
    const env = setup();
    const ns = env.edx.instructor_dashboard.proctoring;
    const host = env.document.createElement('div');
    host.innerHTML = `<div class="special-allowance-container" data-course-id="${COURSE}"></div>`;
    env.document.body.appendChild(host);
    env.server.route('GET', `${API}/proctored_exam/exam/course_id/${COURSE}`, 200, EXAMS);
    env.server.route('GET', `${API}/proctored_exam/${COURSE}/allowance`, 200, {
        count: results.length, num_pages: 1, current_page: 1, page_size: 25, results,
    });
    const view = new ns.ProctoredExamAllowanceView();
    await view.ready;
    return Object.assign(env, {ns, view, el: env.document.querySelector('.special-allowance-container')});
}

test('a multiplier of 1.5 stored as extra minutes shows what it comes to on each exam', async () => {
    const {el} = await mountAllowances([
        extraTime(1, 'ann', EXAMS[0], '10', true),
        extraTime(2, 'ann', EXAMS[1], '15', false),
    ]);

    const texts = el.querySelectorAll('.allowance-row').map((row) => row.textContent.replace(/\s+/g, ' '));
    assert.equal(texts.length, 2);
    assert.match(texts[0], /10 \(20 → 30 min, ×1\.5\)/);
    // The list may serialize the exam without its length: the course's exam list has it.
    assert.match(texts[1], /15 \(30 → 45 min, ×1\.5\)/);
});

test('the note is left out where it would say nothing', () => {
    const {edx} = setup();
    const note = edx.instructor_dashboard.proctoring.ProctoredExamAllowanceView.extraTimeNote;
    assert.equal(note('additional_time_granted', '0', 30), '');
    assert.equal(note('additional_time_granted', '15', 0), '');
    assert.equal(note('review_policy_exception', 'Notes allowed', 30), '');
    assert.equal(note('additional_time_granted', '10', 30), '30 → 40 min, ×1.33');
});

test('the Allowances heading is an h2, like the other panels of the tab', async () => {
    const {el} = await mountAllowances([]);
    assert.equal(el.querySelectorAll('h3').length, 0);
    assert.equal(el.querySelector('#proctoring-allowances-title').tagName.toLowerCase(), 'h2');
});

test('a bulk allowance that partly failed names each failed pair with its reason', async () => {
    const {el, document, server} = await mountAllowances([]);
    click(el.querySelector('.js-add-allowance'));
    await settle();
    const form = document.querySelector('[role="dialog"] form');
    form.querySelectorAll('[name="exam_ids"]').forEach((box) => { box.checked = true; });
    form.querySelector('[name="user_ids"]').value = 'ann, nobody';
    form.querySelector('[name="allowance_type"]').value = 'time_multiplier';
    form.querySelector('[name="value"]').value = '1.5';
    server.route('PUT', `${API}/proctored_exam/${COURSE}/bulk_allowance`, 207, [
        {exam_id: 1, user_id: 'ann', status: 'success', detail: ''},
        {exam_id: 1, user_id: 'nobody', status: 'failure', detail: 'No user matches nobody.'},
        {exam_id: 2, user_id: 'ann', status: 'success', detail: ''},
        {exam_id: 2, user_id: 'nobody', status: 'failure', detail: 'No user matches nobody.'},
    ]);

    form.dispatchEvent(new FakeEvent('submit', {target: form}));
    await settle();

    assert.equal(
        el.querySelector('.js-allowance-status').textContent,
        'Some allowances were not added: nobody on Midterm (No user matches nobody.); '
        + 'nobody on Final (No user matches nobody.). The others were added.',
    );
});

test('a 207 from a server without per-pair outcomes keeps the general message', () => {
    const {edx} = setup();
    const describe = edx.instructor_dashboard.proctoring.AddBulkAllowanceView.describePartialSuccess;
    const general = 'Some allowances were added, but not all: check the usernames and emails in the list below.';
    assert.equal(describe([{exam_id: 1, user_id: 'ann'}, {exam_id: 1, user_id: 'x'}], EXAMS), general);
    assert.equal(describe(null, EXAMS), general);
    assert.equal(describe([{exam_id: 9, user_id: 'x', status: 'failure'}], EXAMS),
        'Some allowances were not added: x on exam 9. The others were added.');
});
