/*
 * A course's allowances grouped by learner (`edx.instructor_dashboard.proctoring.ProctoredExamAllowanceCollection`):
 * GET /api/edx_proctoring/v1/proctored_exam/<course_id>/grouped/allowance -> {username: [allowance, …]}.
 * The models are one entry per learner: {username, user_id, allowances: [...]}, sorted by username.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    class ProctoredExamAllowanceCollection extends utils.Collection {
        constructor(models, options) {
            super(models, options);
            this.courseId = options && options.courseId;
            this.url = () => `/api/edx_proctoring/v1/proctored_exam/${this.courseId}/grouped/allowance`;
        }

        parse(data) {
            return Object.keys(data || {}).sort().map((username) => {
                const allowances = data[username] || [];
                const user = (allowances[0] && allowances[0].user) || {};
                return {username, user_id: user.id, email: user.email, allowances};
            });
        }
    }

    ns.ProctoredExamAllowanceCollection = ProctoredExamAllowanceCollection;
}(typeof window !== 'undefined' ? window : globalThis));
