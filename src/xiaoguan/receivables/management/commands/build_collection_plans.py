"""``./xg manage build_collection_plans``: build the collection plan of every signed contract
in force that has none (contracts signed before the receivables handlers existed, e.g. an
installation upgraded from issue 4). Safe to run again: contracts with a plan are skipped."""

from django.core.management.base import BaseCommand

from xiaoguan.receivables.services.plans import collection_plans_backfill


class Command(BaseCommand):
    help = "Build collection plans for signed contracts that have none."

    def handle(self, *args, **options):
        built = collection_plans_backfill()
        self.stdout.write(f"Collection plans built: {built}")
