"""The `proctoring` XBlock service edx-platform registers on the LMS runtime."""

import types


class ProctoringService:
    """Exposes every public function of `edx_proctoring.api` as a method. One instance per process."""

    _instance = None

    def __new__(cls, *args, **kwargs):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __init__(self):
        from edx_proctoring import api  # the service is created after apps are ready

        for name in dir(api):
            function = getattr(api, name)
            if name.startswith("_") or not isinstance(function, types.FunctionType) or hasattr(self, name):
                continue
            setattr(self, name, function)
