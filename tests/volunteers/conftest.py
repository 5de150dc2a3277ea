import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block queued for after commit (the e-mails)."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
