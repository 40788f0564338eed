/*
 * One allowance for many learners on many exams (`edx.instructor_dashboard.proctoring.ProctoredExamBulkAllowanceModel`):
 * PUT /api/edx_proctoring/v1/proctored_exam/<course_id>/bulk_allowance
 * {course_id, exam_ids: "1,2", user_ids: "ann,bob@example.org", allowance_type, value}.
 * Resolves {status, data}: 200 all added, 207 some failed; rejects with the server's detail and field.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    class ProctoredExamBulkAllowanceModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            this.url = () => utils.apiUrl(`/proctored_exam/${this.get('course_id')}/bulk_allowance`);
        }

        save() {
            const data = this.toJSON();
            const list = (value) => (Array.isArray(value) ? value.join(',') : String(value || ''));
            return utils.request('PUT', this.resolveUrl(), {
                course_id: data.course_id,
                exam_ids: list(data.exam_ids),
                user_ids: list(data.user_ids),
                allowance_type: data.allowance_type,
                value: String(data.value),
            });
        }
    }

    ns.ProctoredExamBulkAllowanceModel = ProctoredExamBulkAllowanceModel;
}(typeof window !== 'undefined' ? window : globalThis));
