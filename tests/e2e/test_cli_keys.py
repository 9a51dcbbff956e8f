"""``varna keys``: the data keys of field encryption, KEK rotation and shredding (D4, R6)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

from tests.e2e.helpers import VARNA, env_for


def _varna(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [VARNA, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_d4_r6_keys_rotate_wraps_every_data_key_under_a_new_kek(empty: str, tmp_path: Path) -> None:
    """The demo's people get a data key each; rotation wraps them all under a new KEK that
    the KEK file then holds alone; the people read as before (a subject search finds one)."""
    kek_file = tmp_path / "kek"
    kek_file.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    keystore = f"sqlite:///{tmp_path / 'keys.db'}"  # a key store of this test's own
    env = env_for(empty, VARNA_KEK_FILE=str(kek_file), VARNA_KEYSTORE_URL=keystore)
    built = _varna(env, "demo", "--size", "small", "--no-serve")
    assert built.returncode == 0, built.stderr
    before = json.loads(_varna(env, "keys", "status", "--json").stdout)
    assert list(before["per_kek"]) == [before["current_kek"]]
    people = before["per_kek"][before["current_kek"]]
    assert people > 0

    rotated = _varna(env, "keys", "rotate", "--json")
    assert rotated.returncode == 0, rotated.stderr
    done = json.loads(rotated.stdout)
    assert done["rewrapped"] == people and done["kek_id"] != before["current_kek"]
    after = json.loads(_varna(env, "keys", "status", "--json").stdout)
    assert after["per_kek"] == {done["kek_id"]: people}
    assert len(kek_file.read_text().split()) == 1  # the old KEK is gone from the file
    assert kek_file.read_text() not in rotated.stdout + rotated.stderr

    shred = _varna(env, "keys", "shred", "--json")
    assert json.loads(shred.stdout) == {"destroyed": 0}


def test_d4_keys_rotate_without_a_new_kek_says_what_to_give(tmp_path: Path) -> None:
    env = env_for(f"sqlite:///{tmp_path / 'v.db'}")
    assert _varna(env, "db", "upgrade").returncode == 0
    refused = _varna(env, "keys", "rotate")
    assert refused.returncode != 0
    assert "--new-kek-file" in refused.stderr + refused.stdout
