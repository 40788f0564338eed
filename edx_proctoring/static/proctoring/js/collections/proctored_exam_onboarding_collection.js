/*
 * The onboarding status of a course's learners, 25 a page, with a text search and a status filter
 * (`edx.instructor_dashboard.proctoring.ProctoredExamOnboardingCollection`):
 * GET /api/edx_proctoring/v1/user_onboarding/status/course_id/<course_id>?page=&text_search=&statuses=a,b.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    class ProctoredExamOnboardingCollection extends utils.Collection {
        constructor(models, options) {
            super(models, options);
            this.courseId = options && options.courseId;
            this.searchText = '';
            this.statuses = [];
            this.page = 1;
            this.count = 0;
            this.numPages = 1;
            this.url = () => {
                const query = new URLSearchParams();
                query.set('page', String(this.page));
                if (this.searchText) {
                    query.set('text_search', this.searchText);
                }
                if (this.statuses.length) {
                    query.set('statuses', this.statuses.join(','));
                }
                return `${utils.apiUrl(`/user_onboarding/status/course_id/${this.courseId}`)}?${query.toString()}`;
            };
        }

        parse(data) {
            this.count = (data && data.count) || 0;
            this.numPages = Math.max(1, (data && data.num_pages) || 1);
            this.hasPrevious = Boolean(data && data.previous);
            this.hasNext = Boolean(data && data.next);
            return (data && data.results) || [];
        }
    }

    ns.ProctoredExamOnboardingCollection = ProctoredExamOnboardingCollection;
}(typeof window !== 'undefined' ? window : globalThis));
