"""gunicorn settings of a DanVan deployment (`make serve`, deploy/systemd/danvan-web.service).

Two synchronous workers on two cores (docs/deploy.md says why). Everything can be
overridden by environment: BIND, WEB_CONCURRENCY, WEB_TIMEOUT, FORWARDED_ALLOW_IPS.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so that not all at once): memory
# that a long life would gather is given back.
max_requests = 5000
max_requests_jitter = 500
# The reverse proxy on the same machine sets X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
