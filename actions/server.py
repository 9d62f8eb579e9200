"""The action server: rasa-sdk's app plus the outbox worker that resends waiting intakes."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os

from rasa_sdk.endpoint import create_app

from actions.case_api import case_api
from actions.settings import settings


def main() -> None:
    parser = argparse.ArgumentParser(description="Wegweiser action server")
    parser.add_argument("--host", default=os.environ.get("WEGWEISER_ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEGWEISER_ACTIONS_PORT", "5055")))
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("WEGWEISER_LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings.check()

    app = create_app("actions")

    @app.listener("after_server_start")
    async def start_outbox(app, _loop):  # noqa: ANN001 - sanic listener signature
        app.ctx.outbox_task = asyncio.get_running_loop().create_task(case_api().run_forever())

    @app.listener("before_server_stop")
    async def stop_outbox(app, _loop):  # noqa: ANN001
        app.ctx.outbox_task.cancel()

    app.run(args.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
