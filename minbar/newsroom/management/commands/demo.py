import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from wagtail.models import Site

from minbar.newsroom import roles

DEMO_BUNDLE = Path(__file__).resolve().parents[3] / "demo" / "bundle"

# One account per newsroom role, so that every role can be tried.
DEMO_ACCOUNTS = [
    ("admin", roles.ADMINISTRATOR, True),
    ("chief", roles.EDITOR_IN_CHIEF, False),
    ("editor", roles.EDITOR, False),
    ("writer", roles.WRITER, False),
]


class Command(BaseCommand):
    help = "Set up the demo newsroom (idempotent), then serve it unless --no-serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bundle", action="append", default=[], help="also load this bundle"
        )
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, bundle, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        for directory in [DEMO_BUNDLE, *bundle]:
            self.stdout.write(f"Loading {directory}")
            call_command("load", str(directory), stdout=self.stdout)
        # Canonical links, feeds and sitemaps use the site's address.
        Site.objects.filter(is_default_site=True).update(
            hostname="127.0.0.1", port=int(port)
        )
        password = self.demo_password()
        for username, role, is_superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "is_superuser": is_superuser},
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(
            self.style.SUCCESS(
                f"\nNewsroom: http://127.0.0.1:{port}/newsroom/\n"
                "Log in as admin (or chief, editor, writer) "
                f"with the password: {password}\n"
            )
        )
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def demo_password(self):
        path = Path(settings.DATA_DIR) / "demo-password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()
