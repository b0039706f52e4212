import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.models import User
from members.services import admin_ensure


class Command(BaseCommand):
    help = ("Create the site's admin account once (ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD from the "
            "environment; a random password is made and printed when none is given).")

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))
        parser.add_argument("--email", default=os.environ.get("ADMIN_EMAIL", "admin@example.com"))

    def handle(self, *args, username, email, **options):
        given = os.environ.get("ADMIN_PASSWORD") or None
        if given and not User.objects.filter(username=username).exists():
            try:  # the same rules as every member's password (AUTH_PASSWORD_VALIDATORS)
                validate_password(given, user=User(username=username, email=email))
            except ValidationError as exc:
                raise CommandError("ADMIN_PASSWORD is refused: " + " ".join(exc.messages)) from None
        user, password = admin_ensure(username=username, email=email, password=given)
        note = Path(settings.VAR_DIR) / "admin-credentials.txt"
        if password is None:
            hint = f" (its password is in {note} until the admin's first login)" if note.exists() else ""
            self.stdout.write(f"Admin account '{user.username}' already exists{hint}.")
            return
        if given:
            self.stdout.write(self.style.SUCCESS(f"Created admin account '{user.username}'."))
            return
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(f"username: {user.username}\npassword: {password}\n", encoding="utf-8")
        note.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(
            f"Created admin account '{user.username}' with password: {password}\n"
            f"(saved to {note} until the admin's first login, which deletes it; "
            f"log in at /accounts/login/ and the admin at /admin/)"))
