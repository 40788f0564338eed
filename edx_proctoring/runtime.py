"""Registry of the services the host platform provides (credit, instructor, grades, ...)."""

_SERVICES = {}


def set_runtime_service(name, callback):
    """Register the host's implementation of a service under `name`."""
    _SERVICES[name] = callback


def get_runtime_service(name):
    """The registered service, or None when the host has not registered one."""
    return _SERVICES.get(name)
