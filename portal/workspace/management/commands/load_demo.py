from django.core.management.base import BaseCommand

from portal.workspace import demo


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo accounts."

    def handle(self, *args: object, **options: object) -> None:
        accounts = demo.load()
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (password for all: %s)" % demo.DEMO_PASSWORD)
        )
        for account in accounts:
            self.stdout.write(f"  {account.role:<17} {account.email:<22} {demo.DEMO_PASSWORD}")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in with one of them.")
