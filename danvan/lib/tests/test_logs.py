import json
import logging
import sys

from danvan.lib.logs import JsonFormatter


def test_a_log_line_is_one_json_object_with_extras_and_traceback():
    record = logging.makeLogRecord(
        {
            "name": "danvan.voice",
            "levelname": "WARNING",
            "msg": "Hồ sơ %s quá hạn",
            "args": ("PA-1",),
        }
    )
    record.case = "PA-1"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "Hồ sơ PA-1 quá hạn"
    assert (entry["level"], entry["logger"], entry["case"]) == ("WARNING", "danvan.voice", "PA-1")

    try:
        raise ValueError("hỏng")
    except ValueError:
        logger = logging.getLogger("danvan.test")
        failed = logger.makeRecord("danvan.test", logging.ERROR, "f", 1, "lỗi", (), None)
        failed.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(failed))
    assert "ValueError: hỏng" in entry["exception"]
