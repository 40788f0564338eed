"""Learner attempts: creating them, moving them through their lifecycle, timing them and reading them.

The modules, each importing only those listed before it (``tests/test_import_graph.py`` holds them to it):

* ``actions``: who may make which move from which status (the table; pure, no database).
* ``serialization``, ``context``: attempt rows as the API's dicts; what a status change's effects know.
* ``notification_tasks``: the vendor notice and learner email of a change, as retried Celery tasks.
* ``removal``: deleting attempts (staff, operators, a submitted practice attempt), the vendor's copy first.
* ``effects``: what each status change does (credit, grades, vendor, email, events), one function each.
* ``time_adjustments``: extensions, pauses and breaks, and what they do to the clock.
* ``lifecycle``: ``perform_action``, the only writer of an attempt's status, and ``SIDE_EFFECTS``, which
  effects run, in order, for each target status (what happens on submit is its ``submitted`` entry).
* ``deferred_calls``, ``batch``: one action on many attempts at once, its outside calls after it commits.
* ``expiry``: timing an overdue attempt out, for the getters and for the sweep.
* ``getters``, ``running``: the public getters (which expire an overdue attempt as they read it); the
  learner's running exam of a course.
* ``moves``, ``creation``, ``practice_retake``: the named moves (start, stop, ready, resume); creating an
  attempt with its vendor; a learner's retake of a practice exam.
* ``decline_cascade``, ``learner_requests``, ``payload``: declining one exam declines the others; what a
  learner's browser asks for; the timer's payload.

The deadline rule and the allowed minutes (with allowances) are in ``edx_proctoring.timing``.
"""
