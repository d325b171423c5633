"""`regen` against a hostile file system: killed mid-write, failing writes, an output folder
it may not write, and other regens running at the same time.

The contract: every generated file is, at every moment, either the old rendering or the new
one, never a truncated mix; a failure is one `path: error: cannot write: <reason>` line and
exit 2; temp files (`.<name>.<random>.tmp` beside the target) never outlive a regen that
finishes, and are never mistaken for mirrors.
"""

from __future__ import annotations

import errno
import fcntl
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.project import TSMIRROR, clean_env, run_command, run_tsmirror
from tsmirror import cli

ACTORS = ("operator", "kora", "critic", "oracle", "claude_pm")
MIRRORS = 4
CAPABILITIES = 600  # per mirror: ~175 KB of Python each, 0.7 MB in all
SYMBOLS = ["Actor", "CAPS", "Cap", "MATRIX"]


def matrix_ts(mirror: int, capabilities: int, variant: int) -> str:
    """A capability matrix; `variant` changes grants (so every rendering differs) but no
    names."""
    names = [f"cap_{mirror}_{i:05d}" for i in range(capabilities)]
    lines = [
        f"export type Actor = {' | '.join(repr(a) for a in ACTORS)};",
        "export const CAPS = [",
        *(f"  '{name}'," for name in names),
        "] as const;",
        "export type Cap = (typeof CAPS)[number];",
        "export const MATRIX: Record<Cap, Record<Actor, boolean>> = {",
    ]
    for i, name in enumerate(names):
        cells = ", ".join(
            f"{actor}: {'true' if (i * 31 + j * 17 + variant) % 7 < 3 else 'false'}"
            for j, actor in enumerate(ACTORS)
        )
        lines.append(f"  {name}: {{ {cells} }},")
    lines.append("};")
    return "\n".join(lines) + "\n"


def big_project(folder: Path, *, capabilities: int = CAPABILITIES) -> Path:
    """A project of MIRRORS large mirrors with two source roots, `a` and `b`, that render
    different bytes for every mirror; the config's own source root is `a`."""
    for variant, root in enumerate(("a", "b")):
        (folder / root).mkdir(parents=True)
        for m in range(MIRRORS):
            (folder / root / f"m{m}.ts").write_text(matrix_ts(m, capabilities, variant))
    config = ['[tool.tsmirror]\nsource_root = "a"\noutput_dir = "generated"\n']
    for m in range(MIRRORS):
        config.append(
            f'[[tool.tsmirror.mirror]]\nmodule = "m{m}"\nsource = "m{m}.ts"\n'
            f"symbols = {SYMBOLS!r}\n".replace("'", '"')
        )
    (folder / "pyproject.toml").write_text("\n".join(config))
    return folder


def regen(project: Path, root: str) -> None:
    result = run_tsmirror("regen", "--source-root", root, cwd=project)
    assert result.returncode == 0, result.stderr


# What every rendering of the package holds alike, whatever the sources say.
SHARED = {"__init__.py", "_kernel.py"}


def mirrors_on_disk(output: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in output.glob("*.py")}


def temp_files(output: Path) -> list[str]:
    return sorted(p.name for p in output.iterdir() if p.name.endswith(".tmp"))


def renderings(project: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """What regen writes from source `a`, and from source `b` (left on disk)."""
    regen(project, "a")
    a = mirrors_on_disk(project / "generated")
    regen(project, "b")
    b = mirrors_on_disk(project / "generated")
    assert set(a) == set(b) == {f"m{m}.py" for m in range(MIRRORS)} | SHARED
    assert all(a[name] != b[name] for name in a if name not in SHARED)
    return a, b


def torn_files(output: Path, a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Mirrors that are neither rendering, missing ones, and `*.py` files that are no
    mirror at all."""
    on_disk = mirrors_on_disk(output)
    torn = sorted(set(on_disk) ^ set(a))
    torn += [n for n, data in on_disk.items() if data not in (a.get(n), b.get(n))]
    return torn


def folder_state(output: Path) -> list[tuple[str, int, int, int]]:
    """Every entry's name, inode, size and mtime: any write changes it."""
    state = []
    for entry in os.scandir(output):
        try:
            stat = entry.stat()
        except FileNotFoundError:  # a temp file renamed or removed meanwhile
            continue
        state.append((entry.name, stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return sorted(state)


# --- a kill at any moment --------------------------------------------------------------

KILLS = 30


def test_a_regen_killed_at_random_moments_never_leaves_a_torn_file(
    tmp_path: Path,
) -> None:
    """SIGKILL `tsmirror regen` KILLS times while it rewrites 0.7 MB of mirrors, alternately
    from source a and b. Most kills are timed from the first change the regen makes in the
    output folder (so they land inside the write phase, which lasts milliseconds after a
    render of a few hundred); every fifth is timed from process start instead."""
    project = big_project(tmp_path / "project")
    output = project / "generated"
    a, b = renderings(project)
    rng = random.Random(7)
    torn: list[str] = []
    mid_write = 0  # kills after which the folder showed the write was under way
    for kill in range(KILLS):
        root = "a" if kill % 2 == 0 else "b"
        before = folder_state(output)
        started = time.monotonic()
        process = subprocess.Popen(
            [str(TSMIRROR), "regen", "--source-root", root],
            cwd=project,
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if kill % 5 == 4:
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            while process.poll() is None and folder_state(output) == before:
                if time.monotonic() - started > 60:
                    break
                time.sleep(0.0002)
            time.sleep(rng.uniform(0.0, 0.006))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        on_disk = mirrors_on_disk(output)
        torn += [f"kill {kill}: {name}" for name in torn_files(output, a, b)]
        from_a = [n for n in a if n not in SHARED and on_disk.get(n) == a[n]]
        if temp_files(output) or 0 < len(from_a) < MIRRORS:
            mid_write += 1
    assert torn == []
    # The test proves nothing unless kills really landed while files were being written.
    assert mid_write >= 5, mid_write

    # What a kill leaves behind never reads as a mirror, to check or to Python.
    check = run_tsmirror("check", "--source-root", "a", cwd=project)
    assert check.returncode in (0, 1), check.stderr
    assert ".tmp" not in check.stdout + check.stderr
    # The next regen that finishes clears the leftovers and writes everything.
    regen(project, "a")
    assert temp_files(output) == []
    assert mirrors_on_disk(output) == a
    assert run_tsmirror("check", "--source-root", "a", cwd=project).returncode == 0


# --- a write that fails part-way -------------------------------------------------------


def failing_after(
    calls: int, real: Callable[..., object], error: OSError
) -> Callable[..., object]:
    """`real`, except that every call after the first `calls` raises `error`."""
    count = 0

    def replacement(*args: object) -> object:
        nonlocal count
        count += 1
        if count > calls:
            raise error
        return real(*args)

    return replacement


@pytest.mark.parametrize(
    ("function", "calls", "named"),
    [
        # fsync reports a write error (EIO, ENOSPC) for the first or second temp file
        pytest.param("fsync", 0, "m0.py", id="first-write"),
        pytest.param("fsync", 1, "m1.py", id="second-write"),
        # the second rename fails
        pytest.param("replace", 1, "m1.py", id="second-rename"),
    ],
)
def test_a_write_that_fails_part_way_leaves_old_or_new_files_and_no_temp(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    function: str,
    calls: int,
    named: str,
) -> None:
    project = big_project(tmp_path / "project", capabilities=20)
    output = project / "generated"
    a, b = renderings(project)  # b is on disk; a regen from a rewrites m0..m3
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(
        os, function, failing_after(calls, getattr(os, function), error)
    )
    monkeypatch.chdir(project)

    result = CliRunner().invoke(cli.main, ["regen", "--source-root", "a"])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr == (
        f"generated/{named}: error: cannot write: No space left on device\n"
    )
    assert temp_files(output) == []
    assert torn_files(output, a, b) == []
    on_disk = mirrors_on_disk(output)
    if function == "fsync":
        # No file is renamed into place until every file is written: all still b.
        assert on_disk == b
    else:
        # Renamed one after another: the first is a, the rest still b.
        assert on_disk == {**b, "m0.py": a["m0.py"]}


# --- an output folder it may not write -------------------------------------------------


def without_dac_override(*command: str) -> list[str]:
    """Run `command` as root minus CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that file
    permission bits bind root too (tests run as root, which otherwise ignores them)."""
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) is needed to drop root's override"
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", *command]


def in_read_only_mount(folder: Path, *command: str) -> list[str]:
    """Run `command` in a private mount namespace where `folder` is bind-mounted read-only:
    EROFS, which binds root too."""
    unshare = shutil.which("unshare")
    assert unshare is not None, "unshare (util-linux) is needed for a private mount"
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    return [unshare, "--mount", "sh", "-c", script, "sh", str(folder), *command]


@pytest.mark.parametrize(
    ("mechanism", "reason"),
    [
        pytest.param("mode-0555", "Permission denied", id="permission-bits"),
        pytest.param("ro-mount", "Read-only file system", id="read-only-mount"),
    ],
)
def test_an_unwritable_output_folder_is_one_clear_error(
    tmp_path: Path, mechanism: str, reason: str
) -> None:
    project = big_project(tmp_path / "project", capabilities=20)
    output = project / "generated"
    _, b = renderings(project)  # b on disk; a regen from a has files to write
    command = [str(TSMIRROR), "regen", "--source-root", "a"]
    if mechanism == "mode-0555":
        output.chmod(0o555)
        command = without_dac_override(*command)
    else:
        command = in_read_only_mount(output, *command)
    try:
        result = run_command(command, cwd=project)
    finally:
        output.chmod(0o755)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == f"generated/m0.py: error: cannot write: {reason}\n"
    assert mirrors_on_disk(output) == b
    assert temp_files(output) == []


def test_a_missing_output_folder_under_a_read_only_parent_is_one_clear_error(
    tmp_path: Path,
) -> None:
    project = big_project(tmp_path / "project", capabilities=20)
    project.chmod(0o555)
    try:
        result = run_command(without_dac_override(str(TSMIRROR), "regen"), cwd=project)
    finally:
        project.chmod(0o755)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == "generated: error: cannot write: Permission denied\n"
    assert not (project / "generated").exists()


# --- regens at the same time -----------------------------------------------------------


def test_a_regen_waits_while_another_holds_the_output_folder(tmp_path: Path) -> None:
    """The lock is what lets a regen delete temp files a killed one left: while another
    regen holds it, a temp file may be that regen's work in progress."""
    project = big_project(tmp_path / "project", capabilities=20)
    output = project / "generated"
    a, _ = renderings(project)  # b on disk
    in_flight = output / ".m0.py.inflight.tmp"
    in_flight.write_bytes(b"half a mirr")
    holder = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        before = folder_state(output)
        process = subprocess.Popen(
            [str(TSMIRROR), "regen", "--source-root", "a"],
            cwd=project,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2.0)  # rendering 4 x 20 capabilities takes a fraction of this
        assert process.poll() is None, process.communicate()
        assert folder_state(output) == before
    finally:
        os.close(holder)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert mirrors_on_disk(output) == a
    assert temp_files(output) == []  # no regen holds it now, so it was a leftover


RUNS = 8
ROUNDS = 3


def test_concurrent_regens_leave_one_complete_rendering(tmp_path: Path) -> None:
    """RUNS regens start together, half from source a and half from b, ROUNDS times. Each
    must succeed, and the folder must then hold one complete rendering, a's or b's: every
    file whole, none from the other source, no temp file; `check` agrees with it."""
    project = big_project(tmp_path / "project", capabilities=300)
    output = project / "generated"
    a, b = renderings(project)
    shutil.rmtree(output)  # the first round also races to create the folder
    for round_ in range(ROUNDS):
        processes = [
            subprocess.Popen(
                [str(TSMIRROR), "regen", "--source-root", "ab"[(i + round_) % 2]],
                cwd=project,
                env=clean_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(RUNS)
        ]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "Traceback" not in err
        on_disk = mirrors_on_disk(output)
        assert on_disk in (a, b), torn_files(output, a, b) or "a mix of a and b"
        assert temp_files(output) == []
        winner = "a" if on_disk == a else "b"
        loser = "b" if winner == "a" else "a"
        assert (
            run_tsmirror("check", "--source-root", winner, cwd=project).returncode == 0
        )
        drift = run_tsmirror("check", "-q", "--source-root", loser, cwd=project)
        assert drift.returncode == 1, drift.stderr
        assert drift.stdout.splitlines() == [
            f"generated/m{m}.py: source changed" for m in range(MIRRORS)
        ]
