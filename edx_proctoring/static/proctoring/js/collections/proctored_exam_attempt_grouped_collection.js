/*
 * The newest attempt of each learner on each exam, 25 a page, optionally searched by username or email
 * (`edx.instructor_dashboard.proctoring.ProctoredExamAttemptGroupedCollection`):
 * GET /api/edx_proctoring/v1/proctored_exam/attempt/grouped/course_id/<course_id>[/search/<text>]?page=N,
 * with &filter=paused or &filter=extended for the attempts staff paused or gave more time.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    class ProctoredExamAttemptGroupedCollection extends utils.Collection {
        constructor(models, options) {
            super(models, options);
            this.courseId = options && options.courseId;
            this.searchText = '';
            this.page = 1;
            this.filter = '';
            this.pagination = {has_previous: false, has_next: false, current_page: 1, total_pages: 1};
            this.url = () => {
                let url = utils.apiUrl(`/proctored_exam/attempt/grouped/course_id/${this.courseId}`);
                if (this.searchText) {
                    url += `/search/${encodeURIComponent(this.searchText)}`;
                }
                const filter = this.filter ? `&filter=${encodeURIComponent(this.filter)}` : '';
                return `${url}?page=${encodeURIComponent(this.page)}${filter}`;
            };
        }

        parse(data) {
            this.pagination = Object.assign({}, this.pagination, (data && data.pagination_info) || {});
            return (data && data.proctored_exam_attempts) || [];
        }
    }

    ns.ProctoredExamAttemptGroupedCollection = ProctoredExamAttemptGroupedCollection;
}(typeof window !== 'undefined' ? window : globalThis));
