/*
 * The learner's timer payload (global `ProctoredExamModel`): GET /api/edx_proctoring/v1/proctored_exam/attempt.
 * Each fetch records when the request left and when the answer came back, so the timer can correct
 * for the difference between the browser's clock and the server's (`server_now`).
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;

    class ProctoredExamModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            this.url = (options && options.url) || '/api/edx_proctoring/v1/proctored_exam/attempt';
            this.now = (options && options.now) || (() => Date.now());
            this.lastFetch = null;
        }

        fetch() {
            const requestStart = this.now();
            return utils.getJSON(this.resolveUrl()).then((data) => {
                this.lastFetch = {requestStart, requestEnd: this.now()};
                this.set(data || {});
                return data;
            });
        }
    }

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
