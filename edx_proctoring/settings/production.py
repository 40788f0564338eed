"""Production settings: operators configure proctoring through the environment's token files."""


def plugin_settings(settings):
    env_tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    auth_tokens = getattr(settings, "AUTH_TOKENS", {}) or {}
    settings.PROCTORING_SETTINGS = env_tokens.get("PROCTORING_SETTINGS", settings.PROCTORING_SETTINGS)
    settings.PROCTORING_BACKENDS = auth_tokens.get(
        "PROCTORING_BACKENDS", env_tokens.get("PROCTORING_BACKENDS", settings.PROCTORING_BACKENDS)
    )
