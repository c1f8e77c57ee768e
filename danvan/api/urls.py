"""Open311 GeoReport v2: the format is the extension of each resource (".json" or ".xml")."""

from django.urls import path, register_converter

from danvan.api import open311


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TrackingCodeConverter:
    """A case's tracking code ("7K3Q-M9XW-2HDT"), in either case."""

    regex = "[A-Za-z0-9-]{1,20}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")
register_converter(TrackingCodeConverter, "o311code")

app_name = "open311"
urlpatterns = [
    path("discovery.<o311fmt:fmt>", open311.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", open311.services, name="services"),
    path("services/<slug:service_code>.<o311fmt:fmt>", open311.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", open311.service_requests, name="requests"),
    path("requests/<o311code:code>.<o311fmt:fmt>", open311.service_request, name="request"),
]
