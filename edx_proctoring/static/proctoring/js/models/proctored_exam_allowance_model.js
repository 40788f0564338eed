/*
 * One learner's allowance on one exam (`edx.instructor_dashboard.proctoring.ProctoredExamAllowanceModel`):
 * PUT /api/edx_proctoring/v1/proctored_exam/allowance {exam_id, user_info, key, value} sets it,
 * DELETE with {exam_id, user_id, key} removes it.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    const allowanceUrl = () => utils.apiUrl('/proctored_exam/allowance');

    class ProctoredExamAllowanceModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            this.url = allowanceUrl;
        }

        save() {
            const data = this.toJSON();
            return utils.request('PUT', allowanceUrl(), {
                exam_id: data.exam_id, user_info: data.user_info, key: data.key, value: String(data.value),
            });
        }

        destroy() {
            const data = this.toJSON();
            return utils.request('DELETE', allowanceUrl(), {exam_id: data.exam_id, user_id: data.user_id, key: data.key});
        }
    }

    // The allowance kinds staff can give, with their labels (a multiplier is stored as extra minutes;
    // break minutes are the budget a learner may pause the clock for, from the timer bar).
    ProctoredExamAllowanceModel.TYPES = [
        {key: 'additional_time_granted', label: () => utils.gettext('Additional time (minutes)')},
        {key: 'time_multiplier', label: () => utils.gettext('Time multiplier')},
        {key: 'review_policy_exception', label: () => utils.gettext('Review policy exception')},
        {key: 'break_minutes', label: () => utils.gettext('Break minutes')},
    ];

    // The kinds whose value is a whole number of minutes.
    ProctoredExamAllowanceModel.MINUTE_TYPES = ['additional_time_granted', 'break_minutes'];

    ProctoredExamAllowanceModel.labelFor = function labelFor(key) {
        const type = ProctoredExamAllowanceModel.TYPES.find((entry) => entry.key === key);
        return type ? type.label() : key;
    };

    ns.ProctoredExamAllowanceModel = ProctoredExamAllowanceModel;
}(typeof window !== 'undefined' ? window : globalThis));
