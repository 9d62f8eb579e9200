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
    current = None
    for raw in dockerfile.read_text().splitlines():
        if raw.split()[:1] not in (["FROM"], ["COPY"]):
            continue
        words = shlex.split(raw, comments=True)
        if words[0].upper() == "FROM":
            current = words[-1] if len(words) >= 4 and words[-2].upper() == "AS" else words[1]
            stages[current] = (words[1], [])
        elif words[0].upper() == "COPY" and current:
            assert not any(w.startswith("--from") for w in words), "a COPY from another image: follow it too"
            *sources, destination = [w for w in words[1:] if not w.startswith("--")]
            stages[current][1].extend((source, destination) for source in sources)
    copies: List[Tuple[str, str]] = []
    name = target
    while name in stages:
        parent, own = stages[name]
        copies[:0] = own
        name = parent
    return copies


def build_app_dir(root: Path, target: str) -> Path:
    app = root / "app"
    app.mkdir()
    for source, destination in stage_copies(REPO / "Dockerfile", target):
        src = REPO / source
        dest = app / destination
        if src.is_dir():
            shutil.copytree(src, dest if not destination.endswith("/") else dest / src.name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "reviewed.yml"))
        else:
            target_path = dest / src.name if destination.endswith("/") else dest
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target_path)
    return app


def test_the_dockerfile_stages_are_followed_down_to_the_target() -> None:
    copies = stage_copies(REPO / "Dockerfile", "api")
    assert ("requirements/api.lock", "requirements/") in copies  # from the api-deps stage
    assert ("api", "api") in copies
    assert not any(source.startswith("requirements/rasa") for source, _ in copies)


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
