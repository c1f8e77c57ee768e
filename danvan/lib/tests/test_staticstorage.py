import json

from danvan.lib.staticstorage import StaticStorage


def test_plain_names_until_a_manifest_is_collected(tmp_path, settings):
    settings.DEBUG = False
    assert StaticStorage(location=tmp_path).url("css/danvan.css") == "/static/css/danvan.css"


def test_hashed_names_once_collected_whatever_debug_was_at_collection(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(
        json.dumps(
            {"version": "1.1", "hash": "h", "paths": {"css/danvan.css": "css/danvan.0a1b.css"}}
        )
    )
    assert StaticStorage(location=tmp_path).url("css/danvan.css") == "/static/css/danvan.0a1b.css"


def test_a_file_added_since_the_collection_is_served_by_its_name(tmp_path, settings, caplog):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "h", "paths": {"a.css": "a.0a1b.css"}})
    )
    assert StaticStorage(location=tmp_path).url("portal/new.js") == "/static/portal/new.js"
    assert "not collected" in caplog.text
