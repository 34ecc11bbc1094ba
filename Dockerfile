# The Citybridge app image. docker-compose.yml runs it with PostgreSQL and Meilisearch.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CITYBRIDGE_DATA=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY realtime ./realtime
COPY search ./search
COPY frontend ./frontend
# Editable, so the app finds frontend/ beside its packages.
RUN pip install --no-cache-dir -e . \
 && useradd --system --home /data --uid 10001 citybridge \
 && mkdir -p /data && chown citybridge /data

USER citybridge
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["citybridge", "serve", "--host", "0.0.0.0", "--port", "8000"]
