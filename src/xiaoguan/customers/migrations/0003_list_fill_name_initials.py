"""Fill Customer.name_initials (pinyin initials, for search) of the rows entered before the
services kept it in step. Backwards: nothing to undo."""

from django.db import migrations


def fill(apps, schema_editor):
    from xiaoguan.customers.pinyin import name_initials

    Customer = apps.get_model("customers", "Customer")
    batch = []
    for customer in Customer.objects.only("pk", "name", "name_initials").iterator(chunk_size=2000):
        initials = name_initials(customer.name)
        if customer.name_initials != initials:
            customer.name_initials = initials
            batch.append(customer)
        if len(batch) >= 2000:
            Customer.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Customer.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_savedfilter_customer_assigned_at_and_more")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
