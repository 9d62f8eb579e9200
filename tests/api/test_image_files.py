"""The API image holds every file the API side imports and reads (Dockerfile, target `api`).

There is no Docker engine on the machines this runs on, so the test builds what the image's
/app would hold: it follows the Dockerfile's stages down to `api` and copies exactly what their
COPY lines copy into an empty directory. Then, with only that directory on the path, it runs the
image's own start command's first step (`python -m api.cli migrate`) and imports the case API
and the Telegram bridge, as the image does.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

REPO = Path(__file__).resolve().parents[2]


def stage_copies(dockerfile: Path, target: str) -> List[Tuple[str, str]]:
    """(source, destination) of every COPY in `target` and the stages it is built FROM."""
    stages: Dict[str, Tuple[str, List[Tuple[str, str]]]] = {}
    own: List[Tuple[str, str]] = []
    for raw in dockerfile.read_text().splitlines():
        keyword = raw.split()[0].upper() if raw.split() else ""
        if keyword == "FROM":
            words = shlex.split(raw, comments=True)
            own = []  # a stage without a name is never a parent: its COPY lines count nowhere
            if len(words) >= 4 and words[-2].upper() == "AS":
                stages[words[-1]] = (words[1], own)
        elif keyword in ("COPY", "ADD"):
            words = shlex.split(raw, comments=True)
            assert keyword == "COPY" and not any(w.startswith("--from") for w in words), f"follow it too: {raw}"
            *sources, destination = [w for w in words[1:] if not w.startswith("--")]
            own.extend((source, destination) for source in sources)
    copies: List[Tuple[str, str]] = []
    name, seen = target, set()
    while name in stages and name not in seen:
        seen.add(name)
        parent, copied = stages[name]
        copies[:0] = copied
        name = parent
    return copies


def build_app_dir(root: Path, target: str) -> Path:
    app = root / "app"
    app.mkdir()
    for source, destination in stage_copies(REPO / "Dockerfile", target):
        src = REPO / source
        dest = app / destination
        if src.is_dir():  # Docker copies a directory's contents, whether the destination ends in / or not
            shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "reviewed.yml"))
        else:
            target_path = dest / src.name if destination.endswith("/") else dest
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target_path)
    return app


def test_the_dockerfile_stages_are_followed_down_to_the_target(tmp_path: Path) -> None:
    copies = stage_copies(REPO / "Dockerfile", "api")
    assert ("requirements/api.lock", "requirements/") in copies  # from the api-deps stage
    assert ("api", "api") in copies
    assert not any(source.startswith("requirements/rasa") for source, _ in copies)
    odd = tmp_path / "Dockerfile"
    odd.write_text("FROM python:3.11\nCOPY x x\nfrom python:3.11 as python:3.11\ncopy y y\nFROM python:3.11 AS app\nCOPY z z\n")
    assert stage_copies(odd, "app") == [("y", "y"), ("z", "z")]  # no endless loop, keywords in any case


def test_the_api_image_migrates_and_imports_with_its_own_files_only(tmp_path: Path) -> None:
    app = build_app_dir(tmp_path, "api")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WEGWEISER_", "PYTHON"))}
    env.update(PYTHONPATH=str(app), PYTHONDONTWRITEBYTECODE="1",
               WEGWEISER_DATABASE_URL=f"sqlite:///{tmp_path / 'image.db'}", WEGWEISER_VAR_DIR=str(tmp_path / "var"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=app, env=env, capture_output=True, text=True, timeout=300)

    migrated = run("-m", "api.cli", "migrate")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    imported = run("-c", "import api.main, api.channels.telegram, api.cli; "
                         "import sys; print(sorted({m.__file__ for m in list(sys.modules.values()) "
                         "if getattr(m, '__file__', None) and m.__name__.split('.')[0] in "
                         "('api', 'actions', 'bot', 'scripts')}))")
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert str(REPO) not in imported.stdout.replace(str(app), "")  # nothing came from the checkout
