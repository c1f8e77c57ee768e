from django.apps import AppConfig


class LibConfig(AppConfig):
    """Pure helpers, no models. Installed for its templates (the ND30 document) and for the
    history of the migrations that handed its former tables to `core`."""

    name = "danvan.lib"
    label = "lib"
