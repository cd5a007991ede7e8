"""The ``minbar`` command: Django's management commands with Minbar's settings.

``minbar demo``, ``minbar load DIR``, ``minbar migrate``, ``minbar createsuperuser``
... all run through here; ``DJANGO_SETTINGS_MODULE`` chooses the settings
(default: the embedded demo settings).
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minbar.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minbar", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
