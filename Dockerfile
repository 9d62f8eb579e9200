# Wegweiser images: one target for the Rasa side (Rasa server or action server) and one for
# the API side (case API, UI, channel bridges). Both read the same WEGWEISER_* settings.
#   docker build --target rasa -t wegweiser-rasa .
#   docker build --target api  -t wegweiser-api .
# docs/deploy.md runs them together with PostgreSQL and Redis (docs/compose.yaml).

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false \
    UV_NO_PROGRESS=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.9 && useradd --create-home --uid 1000 wegweiser
WORKDIR /app

# ---- Rasa side: the locked environment, then the model trained at build time ----------------
FROM base AS rasa-deps
COPY requirements/rasa.lock requirements/
RUN uv venv /opt/venv && uv pip sync --python /opt/venv/bin/python requirements/rasa.lock

FROM rasa-deps AS rasa
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app
COPY bot bot
COPY actions actions
COPY data data
COPY scripts scripts
RUN python -m scripts.train && chown -R wegweiser /app
USER wegweiser
EXPOSE 5005 5055
# Rasa server by default; the action server with: python -m actions.server --host 0.0.0.0
CMD ["sh", "-c", "rasa run --enable-api --auth-token=\"$WEGWEISER_RASA_TOKEN\" --port 5005 --model models/$(cat models/latest) --endpoints ${WEGWEISER_RASA_ENDPOINTS:-bot/endpoints.production.yml} --credentials bot/credentials.yml"]

# ---- API side -----------------------------------------------------------------------------------
FROM base AS api-deps
COPY requirements/api.lock requirements/
RUN uv venv /opt/venv && uv pip sync --python /opt/venv/bin/python requirements/api.lock

FROM api-deps AS api
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app WEGWEISER_ENV=production
COPY api api
# Plain-Python modules of the Rasa side the API imports: the contract's codes, the chat texts of
# every language (the channel bridges answer in them), the review inbox's text normalisation.
COPY actions/__init__.py actions/contract.py actions/i18n.py actions/settings.py actions/
COPY bot/__init__.py bot/
COPY bot/nlu/__init__.py bot/nlu/normalise.py bot/nlu/
COPY data data
COPY scripts scripts
RUN chown -R wegweiser /app
USER wegweiser
EXPOSE 8000
CMD ["sh", "-c", "python -m api.cli migrate && exec uvicorn api.main:app --host 0.0.0.0 --port 8000 --proxy-headers"]
