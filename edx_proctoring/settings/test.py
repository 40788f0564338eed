"""Settings for hosts running their test-suite against this app."""


def plugin_settings(settings):
    settings.PROCTORING_BACKENDS = {
        "DEFAULT": "mock",
        "mock": {},
        "mock_proctoring_without_rules": {},
    }
