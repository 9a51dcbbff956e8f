"""Entry points: HTTP API, web pages, CLI and worker. They only translate."""
