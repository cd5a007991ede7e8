from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    # No models and no admin screens: the app only brings its two commands,
    # so it has no verbose name to translate.
    name = "minbar.recovery"
    label = "minbar_recovery"
