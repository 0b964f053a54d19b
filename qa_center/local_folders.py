"""The folders the default, server-less setup writes to: SQLite's database file and Celery's filesystem broker.

The settings only name them. Each program that uses them creates them as it starts (manage.py, the WSGI app, the
Celery worker and beat, the test run), so that importing the settings never writes to the disk.
"""

from pathlib import Path

from django.conf import settings

_BROKER_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "control_folder")


def local_folders() -> set[Path]:
    folders = set()
    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            for name in (database["NAME"], database.get("TEST", {}).get("NAME")):
                # In-memory databases (":memory:", "file:...?mode=memory") have no folder.
                if name and not str(name).startswith((":memory:", "file:")):
                    folders.add(Path(name).parent)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders.update(Path(options[key]) for key in _BROKER_FOLDER_OPTIONS if key in options)
    # Beat's record of when each periodic job last ran, whatever the broker.
    if settings.CELERY_BEAT_SCHEDULE_FILENAME:
        folders.add(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent)
    return folders


def make_local_folders() -> None:
    for folder in local_folders():
        folder.mkdir(parents=True, exist_ok=True)
