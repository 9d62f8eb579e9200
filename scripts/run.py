"""`make run`: every part of Wegweiser on this machine, with embedded defaults. Ctrl-C stops all."""
from __future__ import annotations

import os
import signal
import sys
import time

from scripts.stack import Stack


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    stack = Stack(
        rasa_port=int(os.environ.get("WEGWEISER_RASA_PORT", 5005)),
        actions_port=int(os.environ.get("WEGWEISER_ACTIONS_PORT", 5055)),
        api_port=int(os.environ.get("WEGWEISER_API_PORT", 8000)),
        log_to_files=os.environ.get("WEGWEISER_LOG_TO_FILES") == "1",
    )
    print("starting Wegweiser (Rasa takes about half a minute to load its model) ...", flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        stack.start()
        env = stack.environment()
        print("\nWegweiser is running:")
        for part in stack.parts:
            print(f"  {part.name:<16} {part.public_url}")
        print(f"  {'web chat':<16} {stack.api_url}/chat")
        print(f"  {'API docs':<16} {stack.api_url}/docs")
        if env.get("WEGWEISER_TELEGRAM_TOKEN"):
            print("  Telegram bridge  on")
        else:
            print("  Telegram bridge  off (set WEGWEISER_TELEGRAM_TOKEN to turn it on)")
        if env["WEGWEISER_ENV"] == "development":
            print(f"  dev secrets      {stack.var_dir / 'dev-secrets.json'} (bot token, Rasa token)")
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            exited = stack.first_exited()
            if exited:
                print(f"{exited.name} stopped unexpectedly (exit code {exited.process.returncode}); stopping the rest.", file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        stack.stop()
        print("stopped.")


if __name__ == "__main__":
    sys.exit(main())
