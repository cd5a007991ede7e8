"""The embedded default's cache (DiskCache): what the page cache needs of
it, between the app's processes and across requests."""

import multiprocessing

from django.conf import settings as django_settings

from minbar.delivery.disk_cache import DiskCache


def open_cache(folder) -> DiskCache:
    return DiskCache(str(folder), {"OPTIONS": {"size_limit": 10 * 1024 * 1024}})


def bump_in_another_process(folder, times):
    cache = open_cache(folder)
    for _ in range(times):
        cache.incr("minbar:key:ticker")


def test_it_is_the_default_outside_tests_and_production():
    from minbar.settings import base

    assert base.CACHES["default"]["BACKEND"] == "minbar.delivery.disk_cache.DiskCache"
    assert "LocMem" in django_settings.CACHES["default"]["BACKEND"]  # tests


def test_a_purge_in_one_process_is_seen_by_the_others(tmp_path):
    # The page cache's versions: a publish in the newsroom's process must
    # make every app process's copies stale.
    cache = open_cache(tmp_path)
    cache.set("minbar:key:ticker", 1, timeout=None)
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=bump_in_another_process, args=(tmp_path, 50)
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # Increments are atomic across processes: none is lost.
    assert cache.get("minbar:key:ticker") == 101


def test_it_keeps_working_after_each_request_closes_it(tmp_path):
    cache = open_cache(tmp_path)
    cache.set("minbar:page:x", {"content": b"<html>"}, timeout=60)
    cache.close()  # what Django does when a request finishes
    assert cache.get("minbar:page:x") == {"content": b"<html>"}
    assert cache.get_many(["minbar:page:x", "missing"]) == {
        "minbar:page:x": {"content": b"<html>"}
    }
