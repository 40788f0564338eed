/*
 * The active exams of a course (`edx.instructor_dashboard.proctoring.ProctoredExamCollection`):
 * GET /api/edx_proctoring/v1/proctored_exam/exam/course_id/<course_id>.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    class ProctoredExamCollection extends utils.Collection {
        constructor(models, options) {
            super(models, options);
            this.courseId = options && options.courseId;
            this.url = () => utils.apiUrl(`/proctored_exam/exam/course_id/${this.courseId}`);
        }

        /** 'timed', 'proctored', 'practice' or 'onboarding' (practice exams on a vendor with onboarding look alike here). */
        static examType(exam) {
            if (!exam.is_proctored) {
                return 'timed';
            }
            return exam.is_practice_exam ? 'practice' : 'proctored';
        }
    }

    ns.ProctoredExamCollection = ProctoredExamCollection;
}(typeof window !== 'undefined' ? window : globalThis));
