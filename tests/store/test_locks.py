"""The dataset write lock and the staging leases of store/locks.py, on both catalog databases."""

from __future__ import annotations

import os
import threading
import time

import pytest

from litterhub.store.locks import DatasetBusy, StagingLease, claim_abandoned, dataset_lock, is_locked, lock_path


def test_a_second_writer_waits_then_gets_busy_and_the_owner_may_reenter(any_hub):
    hub = any_hub
    inside, release = threading.Event(), threading.Event()

    def owner() -> None:
        with dataset_lock(hub.engine, hub.lake.root, "ds"):
            with dataset_lock(hub.engine, hub.lake.root, "ds", wait=0):  # re-entrant in its own thread
                inside.set()
                release.wait(30)

    thread = threading.Thread(target=owner)
    thread.start()
    assert inside.wait(30)
    assert is_locked(hub.engine, hub.lake.root, "ds") and not is_locked(hub.engine, hub.lake.root, "other")
    started = time.monotonic()
    with pytest.raises(DatasetBusy, match="retry"):
        with dataset_lock(hub.engine, hub.lake.root, "ds", wait=0.3):
            pass
    assert time.monotonic() - started >= 0.3  # it waited before giving up
    release.set()
    thread.join()
    with dataset_lock(hub.engine, hub.lake.root, "ds", wait=0):  # free again once its owner is done
        pass


def test_lock_files_stay_inside_the_lock_folder(tmp_path):
    path = lock_path(tmp_path, "../../etc/passwd")
    assert path.parent == tmp_path / ".locks" and ".." not in path.name
    assert lock_path(tmp_path, "a/b") != lock_path(tmp_path, "ab")


def test_a_lease_protects_its_folder_until_released(tmp_path):
    folder = tmp_path / ".tmp-x"
    lease = StagingLease.take(tmp_path / ".tmp-x.lock")
    folder.mkdir()
    with claim_abandoned(lease.path, folder) as free:
        assert not free
    lease.release()
    assert not lease.path.exists()
    stale = StagingLease.take(tmp_path / ".tmp-y.lock")
    os.close(stale.fd)  # its owner died without releasing: the file stays, the lock is gone
    with claim_abandoned(stale.path, tmp_path / ".tmp-y") as free:
        assert free
