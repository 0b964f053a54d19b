#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import contextlib
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_center.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from qa_center.local_folders import make_local_folders

    # A broken setting is Django's to report, as it does for every command.
    with contextlib.suppress(ImproperlyConfigured):
        make_local_folders()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
