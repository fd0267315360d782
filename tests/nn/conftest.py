"""One BLAS thread in the network tests: the matrices are small, and on a shared machine
OpenBLAS's spinning worker threads make tiny products orders of magnitude slower."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
