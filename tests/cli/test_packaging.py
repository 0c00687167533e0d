"""A plain (non-editable) install gives a working `tracker` that ships its migrations."""

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SEED

pytestmark = pytest.mark.slow


def test_pip_install_gives_a_tracker_that_migrates_a_new_database(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "*.db", "build", "*.egg-info", "__pycache__"))
    env_dir = tmp_path / "venv"
    # Dependencies come from the running environment (a .pth file puts its site-packages
    # after the new one's); tracker itself is built and installed for real.
    venv.create(env_dir, with_pip=True)
    purelib = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    running = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "running-env.pth").write_text("\n".join(sorted(running)) + "\n")
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(src)]
    subprocess.run(pip, check=True, cwd=tmp_path)
    shutil.rmtree(src)  # the installed command must not lean on the checkout
    # Nothing but the package lands at the top of site-packages: no stray `cli` module.
    installed = {p.name for p in Path(purelib).iterdir() if not p.name.endswith((".dist-info", ".pth"))}
    assert "cli.py" not in installed and "migrations" not in installed and "tracker" in installed
    top_level = next(Path(purelib).glob("tracker-*.dist-info")) / "top_level.txt"
    assert top_level.read_text().split() == ["tracker"]
    assert (Path(purelib) / "tracker" / "migrations" / "versions" / "0001_initial_schema.py").is_file()

    work = tmp_path / "work"
    work.mkdir()
    tracker = str(env_dir / "bin" / "tracker")
    seed = work / "derna.yaml"
    shutil.copy(SEED, seed)
    loaded = subprocess.run([tracker, "load", str(seed)], cwd=work, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert (work / "tracker.db").exists()  # the default database, created and migrated on first use
    current = subprocess.run([tracker, "db", "current"], cwd=work, capture_output=True, text=True)
    assert current.stdout.strip().endswith("(head)")
    answer = subprocess.run([tracker, "who-held", "Derna", "--at", "2015-06-14"], cwd=work, capture_output=True, text=True)
    assert "held: Mujahedeen Shura Council of Derna" in answer.stdout


def test_python_cli_py_behaves_like_the_command(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and "who-held" in out.stdout
    assert out.stdout.startswith("Usage: tracker ")
