"""No personal data or secret token in the server's output, the CLI's output or an error
body (A1): canary values go in through the API, the privacy-center form, query strings, a
download link, a usage file with an unknown SIM and a subject export for nobody. The server
logs no request lines (uvicorn's access log is off: paths and query strings carry addresses
and download tokens), and a refused value is not echoed in a 422 body."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import httpx

from tests.e2e.helpers import running_server, varna
from varna.bootstrap import Container

EMAIL = "canary.zebra@example.com"
LONG_EMAIL = "canary." + "z" * 330 + "@example.com"
PERSONNUMMER = "19121212-1212"
ICCID = "89469990000000099997"  # test range, no such SIM
TOKEN = "canarytoken0123456789abcdefghijklmnopqrstuv"


def server_with_output(database_url: str, output: Path) -> AbstractContextManager[str]:
    """``varna serve`` at debug level, everything it prints going to ``output``."""
    return running_server(database_url, output=output, VARNA_LOG_LEVEL="debug")


def test_A1_no_canary_in_server_or_cli_output_or_error_bodies(
    container: Container, tmp_path: Path
) -> None:
    url = container.settings.database_url
    log = tmp_path / "server.log"
    bodies = []
    with server_with_output(url, log) as base, httpx.Client(base_url=base, timeout=30) as c:
        bodies.append(c.post("/api/v1/requests", json={"kind": "access", "email": LONG_EMAIL}))
        bodies.append(
            c.post(
                "/api/v1/requests",
                json={"kind": "access", "email": EMAIL, "personnummer": "19121212-121X"},
            )
        )
        bodies.append(
            c.post("/privacy/requests", data={"lang": "en", "kind": "access", "email": LONG_EMAIL})
        )
        bodies.append(
            c.post(
                "/privacy/requests",
                data={"lang": "en", "kind": "access", "email": EMAIL, "iccid": ICCID},
            )
        )
        bodies.append(c.get("/privacy/requests", params={"email": EMAIL, "iccid": ICCID}))
        bodies.append(c.get(f"/api/v1/requests/download/{TOKEN}"))
        bodies.append(c.get(f"/privacy/requests/download/{TOKEN}"))
        bodies.append(c.post("/api/v1/consent/link", json={"email": LONG_EMAIL}))
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "iccid,started_at,ended_at,bytes_up,bytes_down,mcc,mnc,traffic_type\n"
        f"{ICCID},2026-11-01 10:00:00,2026-11-01 10:05:00,1,2,240,01,data\n"
    )
    runs = [
        varna(url, "ingest", "usage", str(usage)),
        varna(
            url,
            "subject",
            "export",
            "--out",
            str(tmp_path / "x"),
            "--email",
            EMAIL,
            "--personnummer",
            PERSONNUMMER,
        ),
        varna(url, "subject", "export", "--out", str(tmp_path / "y"), "--iccid", ICCID),
    ]

    assert bodies[0].status_code == 422 and "email" in bodies[0].text  # names the field
    assert runs[0].returncode == 1 and "line 2" in runs[0].stderr
    texts = {"server output": log.read_text()}
    texts.update(
        {f"{b.request.method} {b.request.url.path}": b.text for b in bodies if b.status_code >= 400}
    )
    texts.update({f"varna {' '.join(r.args[1:3])}": r.stdout + r.stderr for r in runs})
    for where, text in texts.items():
        for canary in (EMAIL, "z" * 40, "19121212", ICCID, TOKEN):
            assert canary not in text, (where, canary, text[-800:])
