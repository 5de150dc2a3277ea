"""Seed the three regions of DESIGN.md (plus Other), their countries, and the staff roles."""

from django.db import migrations

REGIONS = [
    ("central-asia", "Central Asia", 1, ["KZ", "KG", "TJ", "TM", "UZ"]),
    ("eastern-partnership", "Eastern Partnership", 2, ["AM", "AZ", "BY", "GE", "MD", "UA"]),
    (
        "middle-east",
        "Middle East",
        3,
        "BH EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE".split(),
    ),
    ("other", "Other", 9, []),
]
ROLES = ["coordinator", "manager", "librarian", "network officer"]


def seed(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    CountryRegion = apps.get_model("core", "CountryRegion")
    Group = apps.get_model("auth", "Group")
    for code, name, position, countries in REGIONS:
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
        for country in countries:
            CountryRegion.objects.get_or_create(country=country, defaults={"region": region})
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
