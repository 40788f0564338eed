/*
 * Staff actions on a learner's attempts (`edx.instructor_dashboard.proctoring.ProctoredExamAttemptModel`):
 * reset (DELETE …/exam_id/<exam>/user_id/<user>/reset_attempts) and "ready to resume"
 * (PUT …/attempt/<id> {action: 'mark_ready_to_resume', user_id}); the clock of a running attempt
 * (GET/POST …/attempt/<id>/time_adjustments: extensions, revocations, pauses and resumes).
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    const examsUrl = (path) => utils.apiUrl(`/proctored_exam${path}`);

    class ProctoredExamAttemptModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            this.url = () => examsUrl(`/attempt/${encodeURIComponent(this.get('id'))}`);
        }

        resetAttempts() {
            const examId = encodeURIComponent(this.get('exam_id'));
            const userId = encodeURIComponent(this.get('user_id'));
            return utils.request('DELETE', examsUrl(`/exam_id/${examId}/user_id/${userId}/reset_attempts`));
        }

        /** The attempt's clock and its adjustments: {attempt_id, deadline, paused, extension_minutes, adjustments}. */
        timeAdjustments() {
            return utils.getJSON(`${this.resolveUrl()}/time_adjustments`);
        }

        /** Adjust the clock: {kind: 'extension'|'pause'|'resume', minutes, reason, past_due_date}. */
        adjustTime(change) {
            return utils.request('POST', `${this.resolveUrl()}/time_adjustments`, change);
        }

        markReadyToResume() {
            return utils.request('PUT', this.resolveUrl(), {action: 'mark_ready_to_resume', user_id: this.get('user_id')});
        }
    }

    ns.ProctoredExamAttemptModel = ProctoredExamAttemptModel;
}(typeof window !== 'undefined' ? window : globalThis));
