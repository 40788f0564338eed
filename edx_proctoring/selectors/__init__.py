"""Read models for the REST layer's hot paths and staff lists, each with a fixed query budget.

`timer` serves what learners poll (one query for the attempt, exam and user together); `staff_lists`
serves the instructor dashboard's lists with grouping and pagination done in SQL.
"""
