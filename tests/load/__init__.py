"""`make load`: locust against gunicorn, PostgreSQL, Redis and a Celery worker (run.py, locustfile.py)."""
