"""When the machine or the person at it gets in the way: a full disk, a folder that cannot be
written, a build stopped half-way, `peerkit new` pointed at something odd. Each gets one
sentence, exit 1 and no traceback, and leaves nothing half-made behind."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerkit.cli import main
from peerkit.publish import explain_failure
from peerkit.scaffold import ORGANISATION_MAX

from conftest import FIXTURES, copy_site, run_peerkit

MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def one_error(stderr: str) -> str:
    """The last line of what a command printed, after checking there is no traceback."""
    assert "Traceback" not in stderr
    return stderr.rstrip().splitlines()[-1]


# --- building ----------------------------------------------------------------------------


def test_a_site_on_a_read_only_disk_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    real_open = os.open

    def read_only(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(path).endswith(".site.lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--no-packs"])
    assert result.exit_code == 1
    assert one_error(result.output) == (
        f"Error: {root}/.site.lock is on a read-only disk: build somewhere else"
    )


def test_a_project_folder_that_may_not_be_written_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(root))

    monkeypatch.setattr("peerkit.publish.tempfile.mkdtemp", refuse)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--no-packs"])
    assert result.exit_code == 1
    assert one_error(result.output) == (
        f"Error: permission denied for {root}: check who owns it and that it may be written"
    )
    assert not (root / ".site.lock").exists()


# What MkDocs printed when the disk filled up under it (measured on a 3 MB tmpfs).
FULL_DISK_OUTPUT = """\
INFO    -  Building documentation to directory: /mnt/p/.site-building-26272-rqsiy671
ERROR   -  Error building page 'browse/tags.md': [Errno 28] No space left on device
Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/mkdocs/__main__.py", line 288, in build_command
    build.build(cfg, dirty=not clean)
  File "/venv/lib/python3.11/site-packages/mkdocs/utils/__init__.py", line 131, in write_file
    f.write(content)
OSError: [Errno 28] No space left on device
"""


def test_a_full_disk_during_the_build_is_one_sentence() -> None:
    output, reason = explain_failure(FULL_DISK_OUTPUT)
    assert reason == "the disk is full (writing the site): free some space and try again"
    assert "Traceback" not in output and "f.write" not in output
    assert "Error building page 'browse/tags.md'" in output
    assert explain_failure("ERROR - modules/x.md:3: bad\n") == (
        "ERROR - modules/x.md:3: bad\n",
        None,
    )


def test_a_full_disk_during_the_offline_zip_leaves_no_partial_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site(tmp_path / "project", modules={"listening.md": MINIMAL})
    written = []

    def fill_up(self: zipfile.ZipFile, filename: str, arcname: str | None = None) -> None:
        written.append(arcname)
        if len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", fill_up)
    monkeypatch.chdir(root)
    dest = tmp_path / "out" / "offline.zip"
    result = CliRunner().invoke(main, ["build", "--no-packs", "--offline", "--zip", str(dest)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: the disk is full (writing {dest}): free some space and try again"
    )
    assert list(dest.parent.iterdir()) == []  # no offline.zip.partial
    assert (root / "site" / "index.html").is_file()  # the site itself was built


def processes_in(folder: Path) -> list[str]:
    """Command lines of running processes that mention `folder`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_a_build_stops_mkdocs_and_removes_its_folder(
    tmp_path: Path, sig: signal.Signals
) -> None:
    root = copy_site(tmp_path, modules={"listening.md": MINIMAL})
    build = subprocess.Popen(
        [sys.executable, "-m", "peerkit", "build"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any("mkdocs" in c for c in processes_in(root / ".site-building-")):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.05)
    build.send_signal(sig)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 1
    assert one_error(err) == (
        f"Error: the build was stopped, so {root / 'site'} was left as it was "
        "(the last good build)."
    )
    assert processes_in(root) == []
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".site")) == []
    assert not (root / "site").exists()


# --- peerkit new --------------------------------------------------------------------------


def test_new_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("ours", encoding="utf-8")
    made = run_peerkit("new", str(target), "--name", "Riverside", process=True)
    assert made.returncode == 1
    assert one_error(made.stderr) == (
        f"Error: {target} already exists: choose a new folder (nothing was changed)"
    )
    assert target.read_text(encoding="utf-8") == "ours"


def test_new_keeps_a_partial_folder_it_did_not_make_just_now(tmp_path: Path) -> None:
    partial = tmp_path / ".our-site.partial"
    partial.mkdir()
    (partial / "notes.txt").write_text("ours", encoding="utf-8")
    made = run_peerkit("new", str(tmp_path / "our-site"), "--name", "Riverside", process=True)
    assert made.returncode == 1
    assert one_error(made.stderr) == (
        f"Error: {partial} exists, perhaps from a `peerkit new` that was stopped: look inside, "
        "then remove it or choose another folder (nothing was changed)"
    )
    assert (partial / "notes.txt").read_text(encoding="utf-8") == "ours"
    assert not (tmp_path / "our-site").exists()


def test_new_in_a_folder_that_may_not_be_written_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: Path, dst: Path, **kwargs: object) -> None:
        Path(dst).mkdir()  # as far as copytree got
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr("peerkit.scaffold.shutil.copytree", refuse)
    result = CliRunner().invoke(main, ["new", str(tmp_path / "our-site"), "--name", "R"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: permission denied for {tmp_path / '.our-site.partial'}: check who owns it "
        "and that it may be written (nothing was made)\n"
    )
    assert list(tmp_path.iterdir()) == []  # the half-made folder was removed


def test_an_emoji_in_the_name_gives_a_site_that_passes_its_own_check(tmp_path: Path) -> None:
    folder = tmp_path / "our-site"
    made = run_peerkit("new", str(folder), "--name", "Riverside 🌊 Peers", process=True)
    assert made.returncode == 0, made.stderr
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'organisation: "Riverside 🌊 Peers"' in config and "\\ud83c" not in config
    checked = run_peerkit("check", "modules", cwd=folder, process=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * (ORGANISATION_MAX + 1),
         f"Error: the organisation's name is {ORGANISATION_MAX + 1} characters long: the site's "
         f"settings allow at most {ORGANISATION_MAX}, so use a shorter form of the name"),
        ("River\u200bside",
         "Error: the organisation's name holds U+200B, a character that does not show: type the "
         "name again without it"),
        ("   ", "Error: the organisation needs a name"),
    ],
)  # fmt: skip
def test_new_refuses_a_name_its_own_check_would_refuse(
    tmp_path: Path, name: str, message: str
) -> None:
    made = run_peerkit("new", str(tmp_path / "our-site"), "--name", name, process=True)
    assert made.returncode == 1
    assert one_error(made.stderr) == message
    assert list(tmp_path.iterdir()) == []


def test_new_module_refuses_an_id_too_long_for_its_activities(tmp_path: Path) -> None:
    made = run_peerkit("new-module", "a" * 67, "--dir", str(tmp_path), process=True)
    assert made.returncode == 1
    assert one_error(made.stderr) == (
        "Error: 'aaaaaaaaaaaaaaaaaaaa…' is 67 characters long: a new module's id may have at "
        "most 66, so that its activities' ids fit in 80"
    )
    made = run_peerkit(
        "new-module", "a" * 66, "--title", "Ways 🌱 we grow", "--dir", str(tmp_path), process=True
    )
    assert made.returncode == 0, made.stderr
    checked = run_peerkit("check", str(tmp_path), "--plans", str(tmp_path), process=True)
    assert checked.returncode == 0, checked.stdout
