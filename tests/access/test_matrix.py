"""``python -m tests.access.matrix`` prints every asserted cell as a Markdown table."""

from tests.access import matrix
from tests.access.test_staff_access import ADMIN, ADMIN_VIEWS, CASES


def test_the_matrix_has_a_row_per_door_and_a_column_per_member():
    lines = matrix.markdown().splitlines()
    doors = len(CASES) + len(ADMIN_VIEWS) + len(ADMIN) * 4  # list, add, change, delete
    assert len(lines) == 2 + doors
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 1 + len(matrix.COLUMNS)
        assert set(cells[1:]) <= set(matrix.SHOWN.values()), line


def test_roles_read_as_expected_in_the_printed_matrix():
    lines = {line.split("|")[1].strip(): line for line in matrix.markdown().splitlines()[2:]}
    today = [cell.strip() for cell in lines["page `staff:today:get`"].strip("|").split("|")]
    # anonymous, no role, librarian, officer, communications officer, manager, own
    # coordinator, another's, superuser
    assert today[1:] == [
        "sign-in",
        "403",
        "403",
        "403",
        "403",
        "✓ rows",
        "✓ rows",
        "✓ none",
        "✓ rows",
    ]
    add_training = [
        cell.strip() for cell in lines["admin `courses.training` add"].strip("|").split("|")
    ]
    assert add_training[1:] == ["sign-in", "403", "403", "403", "403", "403", "✓", "✓", "✓"]
