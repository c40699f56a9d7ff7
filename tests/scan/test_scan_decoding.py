"""A decode worker is one of several processes on the machine's cores: its numerical libraries get one thread."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from threadpoolctl import threadpool_info

from dancekit.scan.decoding import worker_init


def test_a_decode_worker_gives_its_blas_one_thread():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=worker_init) as pool:
        pools = pool.submit(threadpool_info).result(timeout=120)
    blas = [p for p in pools if p["user_api"] == "blas"]
    assert blas, "numpy's BLAS should be loaded in a decode worker"
    assert all(p["num_threads"] == 1 for p in blas), pools
