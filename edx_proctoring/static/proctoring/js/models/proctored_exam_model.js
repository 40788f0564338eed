/*
 * The learner's timer payload (global `ProctoredExamModel`): GET /api/edx_proctoring/v1/proctored_exam/attempt.
 * Each fetch records when the request left and when the answer came back, so the timer can correct
 * for the difference between the browser's clock and the server's (`server_now`).
 *
 * On an exam's own page, give `{examOnScreen: {courseId, contentId}}`: the model then reads the exam
 * endpoint (`…/attempt/course_id/<course>?content_id=…`) and follows that exam's attempt while it runs,
 * falling back to the learner's newest running attempt elsewhere. Without it, the legacy endpoint answers
 * with the newest running attempt of any course, which need not be the exam on screen.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const legacyUrl = () => utils.apiUrl('/proctored_exam/attempt');
    const NOT_IN_EXAM = {in_timed_exam: false, attempt_id: null, attempt_status: ''};

    function isRunning(payload) {
        return Boolean(payload && payload.in_timed_exam && payload.attempt_id !== null
            && payload.attempt_id !== undefined && utils.statusGroup('running').includes(payload.attempt_status));
    }

    /** The timer payload to show from the exam endpoint's answer: the exam on screen first, while it runs. */
    function chooseTimerPayload(answer) {
        const onScreen = answer && answer.exam ? answer.exam.attempt : null;
        if (isRunning(onScreen)) {
            return onScreen;
        }
        const active = answer ? answer.active_attempt : null;
        return isRunning(active) ? active : Object.assign({}, NOT_IN_EXAM);
    }

    function examOnScreenUrl(exam) {
        return `${legacyUrl()}/course_id/${encodeURIComponent(exam.courseId)}`
            + `?content_id=${encodeURIComponent(exam.contentId)}&is_learning_mfe=false`;
    }

    class ProctoredExamModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            const exam = options && options.examOnScreen;
            this.examOnScreen = exam && exam.courseId && exam.contentId ? exam : null;
            this.url = (options && options.url) || (() => (this.examOnScreen ? examOnScreenUrl(this.examOnScreen) : legacyUrl()));
            this.now = (options && options.now) || (() => Date.now());
            this.lastFetch = null;
        }

        fetch() {
            const requestStart = this.now();
            return utils.getJSON(this.resolveUrl()).then((data) => {
                this.lastFetch = {requestStart, requestEnd: this.now()};
                this.set(this.examOnScreen ? chooseTimerPayload(data) : (data || {}));
                return data;
            });
        }
    }

    ProctoredExamModel.chooseTimerPayload = chooseTimerPayload;

    ProctoredExamModel.prototype.defaults = {
        in_timed_exam: false,
        taking_as_proctored: false,
        exam_type: '',
        exam_display_name: '',
        exam_url_path: '',
        time_remaining_seconds: 0,
        total_time: '',
        low_threshold_sec: 0,
        critically_low_threshold_sec: 0,
        course_id: '',
        attempt_id: null,
        external_id: null,
        accessibility_time_string: '',
        attempt_status: '',
        exam_started_poll_url: '',
        desktop_application_js_url: '',
        ping_interval: 0,
        deadline: null,
        server_now: null,
        paused: false,
        on_break: false,
        extension_minutes: 0,
        break_minutes_allowed: null,
        break_minutes_remaining: null,
    };

    root.ProctoredExamModel = ProctoredExamModel;
    root.edx.courseware = root.edx.courseware || {};
    root.edx.courseware.proctored_exam = root.edx.courseware.proctored_exam || {};
    root.edx.courseware.proctored_exam.ProctoredExamModel = ProctoredExamModel;

    if (typeof module === 'object' && module.exports) {
        module.exports = ProctoredExamModel;
    }
}(typeof window !== 'undefined' ? window : globalThis));
