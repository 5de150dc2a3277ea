"""Node ids for schemathesis' per-operation tests.

pytest 9 builds a test's node id from its original name and its ``callspec``;
schemathesis 4.32 makes one test an API operation under the original name with no
``callspec``, so every operation of a test function gets the same node id
(``test_x`` for ``test_x[GET /api/v1/…]``). Run alone, all of them run; under
pytest-xdist (``make test``), which schedules by node id, one of them would. Each is
given the id its name says, and two tests with one id fail the collection.
"""

import pytest
from schemathesis.pytest.plugin import SchemathesisFunction


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    seen = set()
    for item in items:
        if not isinstance(item, SchemathesisFunction):
            continue
        params = item.name.removeprefix(item.originalname)
        if item.id.params is None and params.startswith("[") and params.endswith("]"):
            item._id = item.id.with_params(params[1:-1])
        if item.nodeid in seen:
            raise pytest.UsageError(f"two tests share the node id {item.nodeid}")
        seen.add(item.nodeid)
