/*
 * Vendor dashboard panel of the Special Exams tab (`edx.instructor_dashboard.proctoring.ProctoredExamDashboardView`),
 * constructed with no options: binds to `.student-review-dashboard-container` (data-course-id) and shows
 * the vendor's instructor dashboard (/api/edx_proctoring/v1/instructor/<course_id>) in an iframe once the
 * `#proctoring-accordion` panel holding it is opened (at once when there is no accordion).
 * Template: dashboard.underscore.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;

    class ProctoredExamDashboardView {
        constructor(options) {
            const found = ns.findContainer(options, '.student-review-dashboard-container');
            this.el = found.el;
            this.courseId = found.courseId;
            this.rendered = false;
            if (!this.el) {
                this.ready = Promise.resolve(this);
                return;
            }
            this.dashboardUrl = utils.apiUrl(`/instructor/${this.courseId}`);
            this.templatePromise = utils.loadTemplate('dashboard');
            this.templatePromise.catch(() => null); // handled when the panel is activated
            const accordion = root.document.querySelector('#proctoring-accordion');
            if (!accordion) {
                this.ready = this.activate();
                return;
            }
            const onActivate = () => this.activate();
            accordion.addEventListener('click', (event) => {
                // A click on the header (or button) that opens the panel holding this container.
                const header = event.target && event.target.closest ? event.target.closest('[aria-controls], .accordion-trigger, h3, h4, button') : null;
                if (!header || !accordion.contains(header)) {
                    return;
                }
                const panelId = header.getAttribute('aria-controls');
                const panel = panelId ? root.document.getElementById(panelId) : null;
                if (!panel || panel.contains(this.el)) {
                    root.setTimeout(onActivate, 0);
                }
            });
            accordion.addEventListener('accordionactivate', onActivate);
            if (root.jQuery) {
                root.jQuery(accordion).on('accordionactivate', onActivate);
            }
            this.ready = Promise.resolve(this);
        }

        activate() {
            if (this.rendered || !this.el) {
                return Promise.resolve(this);
            }
            this.rendered = true;
            return this.templatePromise.then((render) => {
                this.el.innerHTML = render({dashboard_url: this.dashboardUrl});
                return this;
            }, () => {
                this.rendered = false;
                return this;
            });
        }
    }

    ns.ProctoredExamDashboardView = ProctoredExamDashboardView;
}(typeof window !== 'undefined' ? window : globalThis));
