"""Print the permission matrix as a Markdown table: ``python -m tests.access.matrix``.

Every cell is one the tests assert (``test_staff_access``: staff pages, downloads,
exports, API endpoints, changelists and the admin's own views; ``test_admin_access``:
every model's add, change and delete pages), so the table printed is the one the
suite checks. README, "Access: roles, permissions and whose trainings", holds a copy.
"""

from __future__ import annotations

import os
import sys

import django

COLUMNS = {
    "anonymous": "anonymous",
    "outsider": "staff, no role",
    "librarian": "librarian",
    "officer": "network officer",
    "editor": "communications officer",
    "manager": "manager",
    "owner": "coordinator (own training)",
    "teammate": "coordinator (another's)",
    "superuser": "superuser",
}
SHOWN = {
    "ok": "✓",
    "rows": "✓ rows",
    "empty": "✓ none",
    "login": "sign-in",
    403: "403",
    404: "404",
    400: "400",
}


def rows() -> list[tuple[str, dict]]:
    from tests.access import test_admin_access as admin_access
    from tests.access import test_staff_access as staff_access

    table = []
    for case in staff_access.CASES + staff_access.ADMIN_VIEWS:
        kind = "API" if case.api else "page"
        table.append((f"{kind} `{case.id}`", case.expected))
    for label in sorted(staff_access.ADMIN):
        table.append((f"admin `{label}` list", staff_access.ADMIN[label][0]))
        for view in admin_access.VIEWS:
            table.append((f"admin `{label}` {view}", admin_access.expected_row(label, view)))
    return table


def markdown() -> str:
    lines = [
        "| door | " + " | ".join(COLUMNS.values()) + " |",
        "| --- |" + " --- |" * len(COLUMNS),
    ]
    for door, expected in rows():
        cells = [SHOWN.get(expected[member], str(expected[member])) for member in COLUMNS]
        lines.append(f"| {door} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcm.settings")
    django.setup()
    sys.stdout.write(markdown() + "\n")


if __name__ == "__main__":
    main()
