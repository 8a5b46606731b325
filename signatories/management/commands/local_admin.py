from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signatories.models import User

LOCAL_ADMIN_EMAIL = "admin@localhost"


class Command(BaseCommand):
    help = (
        "On a developer's machine (DEBUG on): create a local superuser once and say how to log in."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("local_admin only runs with DEBUG on; use createsuperuser instead.")
        admin_url = f"{settings.SITE_URL}/admin/"
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(f"Admin: {admin_url} (forgot the password? make admin-password)")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(email=LOCAL_ADMIN_EMAIL, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a local superuser. Admin: {admin_url}\n"
                f"  email:    {LOCAL_ADMIN_EMAIL}\n  password: {password}\n"
                "  (shown once; change it with: make admin-password)"
            )
        )
