"""Prints how many requests the fuzz run made per operation and role."""

import sys

FUZZ_MODULE = "edx_proctoring.tests.fuzz.test_openapi_fuzz"


def pytest_terminal_summary(terminalreporter):
    module = sys.modules.get(FUZZ_MODULE)
    calls = getattr(module, "CALLS", None)
    if not calls:
        return
    terminalreporter.section("fuzz: generated requests per operation")
    for (role, method, path), count in sorted(calls.items(), key=lambda item: (item[0][2], item[0][1], item[0][0])):
        terminalreporter.write_line(f"{count:6d}  {role:8s} {method:6s} {path}")
    documented = {key: count for key, count in calls.items() if key[1] != "other"}
    operations = {(method, path) for _, method, path in documented}
    roles = {role for role, _, _ in documented}
    other = sum(count for key, count in calls.items() if key[1] == "other")
    terminalreporter.write_line(
        f"fuzz: {sum(calls.values())} requests: {sum(documented.values())} to {len(operations)} documented "
        f"operations x {len(roles)} roles (min {min(documented.values())}, max {max(documented.values())} per "
        f"operation and role) + {other} with undocumented methods"
    )
