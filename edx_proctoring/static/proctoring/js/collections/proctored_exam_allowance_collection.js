/*
 * A course's allowances grouped by learner (`edx.instructor_dashboard.proctoring.ProctoredExamAllowanceCollection`),
 * a page at a time: GET /api/edx_proctoring/v1/proctored_exam/<course_id>/allowance?page=&page_size= ->
 * {count, num_pages, current_page, page_size, results: [allowance, …]} with the results ordered by learner
 * (their user id, not their username), so one learner's allowances are consecutive.
 * The models are one entry per learner of the page: {username, user_id, email, allowances: [...]}.
 * A learner whose allowances straddle two pages appears on both.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};

    const PAGE_SIZE = 25;

    class ProctoredExamAllowanceCollection extends utils.Collection {
        constructor(models, options) {
            super(models, options);
            this.courseId = options && options.courseId;
            this.pageNumber = 1;
            this.pagination = {count: 0, num_pages: 1, current_page: 1};
            this.url = () => utils.apiUrl(`/proctored_exam/${this.courseId}/allowance`) +
                `?page=${encodeURIComponent(this.pageNumber)}&page_size=${PAGE_SIZE}`;
        }

        parse(data) {
            const page = data || {};
            this.pagination = {
                count: page.count || 0,
                num_pages: page.num_pages || 1,
                current_page: page.current_page || 1,
            };
            // The server answers the last page for a page past the end (after deletions): follow it.
            this.pageNumber = this.pagination.current_page;
            const learners = [];
            (page.results || []).forEach((allowance) => {
                const user = allowance.user || {};
                const last = learners[learners.length - 1];
                if (last && last.username === user.username) {
                    last.allowances.push(allowance);
                } else {
                    learners.push({username: user.username, user_id: user.id, email: user.email, allowances: [allowance]});
                }
            });
            return learners;
        }
    }

    ns.ProctoredExamAllowanceCollection = ProctoredExamAllowanceCollection;
}(typeof window !== 'undefined' ? window : globalThis));
