from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_health_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_health_fails_when_the_database_does_not_answer(client):
    with mock.patch("danvan.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_a_cache_down_is_reported_but_keeps_the_server_in_the_pool(client):
    with mock.patch("danvan.core.views.cache.set", side_effect=ConnectionError("down")):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["cache"] == "error"
