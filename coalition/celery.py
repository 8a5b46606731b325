from __future__ import annotations

import os
import sys
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")

app = Celery("coalition")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_start_on_check_errors(**kwargs: Any) -> None:
    """A worker renders every mail: started without the compiled catalogues (or with any other
    error a system check finds) it would mail English to everyone. Celery's Django fixup runs
    the checks but only logs them; this stops the worker, as runserver stops."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check")
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        raise SystemExit(1) from error
