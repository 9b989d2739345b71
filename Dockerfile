# The Data Docs pages' scripts and styles, from npm at the versions of package-lock.json
# (kinerja/quality/data_docs_site.py copies them into the site).
FROM node:20-bookworm-slim AS data-docs-assets
WORKDIR /assets
COPY expectations/gx/data_docs/package.json expectations/gx/data_docs/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# One image for every Airflow role and the `kinerja` CLI: the project installed from uv.lock.
FROM python:3.12-slim-bookworm

ENV UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/kinerja/.venv \
    PATH=/opt/kinerja/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DO_NOT_TRACK=1

RUN pip install --no-cache-dir uv && useradd --create-home --uid 50000 airflow
WORKDIR /opt/kinerja
COPY pyproject.toml uv.lock README.md ./
COPY kinerja ./kinerja
COPY ml ./ml
COPY kinerja_dev ./kinerja_dev
RUN uv sync --frozen --no-dev --compile-bytecode
COPY dags ./dags
COPY plugins ./plugins
COPY dbt_project ./dbt_project
COPY expectations ./expectations
COPY --from=data-docs-assets /assets/node_modules ./expectations/gx/data_docs/node_modules
RUN chown -R airflow /opt/kinerja
USER airflow
