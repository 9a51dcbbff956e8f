"""Staff sign-in over the real server (R6, A1): a privacy officer without two-factor is taken
to enrolment and reaches no console page until a first code confirms it; the half-signed-in
cookie opens nothing; sign-out ends the session on the server; only the privacy officer
reaches the staff administration, whose forms need the session's token, and whose changes
take effect at once (a disabled member's open session ends; the last privacy officer stays).
And `varna staff` does the same from the command line, on both stores."""

from __future__ import annotations

import json
import re

import httpx
import pyotp

from tests.e2e.helpers import STAFF_PASSWORD, add_staff, running_server, sign_in, varna
from varna.bootstrap import Container

EN = {"Accept-Language": "en"}
CONSOLE = ("/admin", "/admin/requests", "/admin/people", "/admin/staff", "/admin/account")


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_r6_a1_a_privacy_officer_without_totp_reaches_only_enrolment(
    container: Container,
) -> None:
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer", totp=False)
    with (
        running_server(url) as base,
        httpx.Client(base_url=base, timeout=30, headers=EN) as client,
    ):
        first = sign_in(client, "dpo@example.com")
        assert first.status_code == 303 and first.headers["location"].startswith("/admin/enrol")
        for path in CONSOLE:  # the half-signed-in cookie opens nothing but enrolment
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/admin/enrol", path
        assert client.get("/api/v1/stats").status_code == 401
        enrol = client.get("/admin/enrol")
        assert enrol.headers["cache-control"] == "no-store"
        key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', enrol.text)
        assert key and "otpauth://totp/" in enrol.text and "<svg" in enrol.text
        secret = key.group(1).replace(" ", "")
        wrong = client.post("/admin/enrol", data={"code": "000000", "csrf": csrf_of(enrol)})
        assert wrong.status_code == 401 and "wrong or already used code" in wrong.text
        again = client.get("/admin/enrol")  # each visit shows a new key
        secret = re.sub(r"\s", "", re.findall(r'id="totp-key">([^<]+)<', again.text)[0])
        done = client.post(
            "/admin/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(again)}
        )
        assert done.status_code == 200 and "Two-factor sign-in is on." in done.text
        codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)
        assert len(codes) == 10
        assert client.get("/admin/requests").status_code == 200
        assert "Recovery codes left: 10" in client.get("/admin/account").text
        assert client.get("/admin/enrol", follow_redirects=False).status_code == 303
        # sign out: the session ends on the server, not only in this browser
        token = client.cookies.get("varna_staff")
        page = client.get("/admin")
        client.post("/admin/logout", data={"csrf": csrf_of(page)})
        client.cookies.set("varna_staff", token or "")
        assert client.get("/admin", follow_redirects=False).status_code == 303
        # next time the code is asked for; a recovery code works once
        client.cookies.clear()
        password = {"login": "dpo@example.com", "password": STAFF_PASSWORD}
        with_code = client.post("/admin/login", data=password, follow_redirects=False)
        assert with_code.status_code == 303
        assert with_code.headers["location"].startswith("/admin/login/code")
        step = client.get("/admin/login/code")
        used = client.post("/admin/login/code", data={"code": codes[0], "csrf": csrf_of(step)})
        assert used.status_code == 303 and used.headers["location"].startswith("/admin")
        client.cookies.clear()
        client.post("/admin/login", data=password)
        step = client.get("/admin/login/code")
        reused = client.post("/admin/login/code", data={"code": codes[0], "csrf": csrf_of(step)})
        assert reused.status_code == 401 and "wrong or already used code" in reused.text


def test_r6_a1_only_the_privacy_officer_runs_the_staff_administration(
    container: Container,
) -> None:
    url = container.settings.database_url
    add_staff(url, "dpo@example.com", "privacy_officer")
    add_staff(url, "help@example.com", "support")
    with (
        running_server(url) as base,
        httpx.Client(base_url=base, timeout=30, headers=EN) as helper,
        httpx.Client(base_url=base, timeout=30, headers=EN) as dpo,
    ):
        sign_in(helper, "help@example.com")
        assert helper.get("/admin/staff").status_code == 403
        assert helper.get("/admin/account").status_code == 200
        sign_in(dpo, "dpo@example.com")
        page = dpo.get("/admin/staff")
        assert page.status_code == 200 and "help@example.com" in page.text
        csrf = csrf_of(page)
        forged = dpo.post(
            "/admin/staff/add",
            data={"login": "new@example.com", "role": "billing", "password": "x" * 12},
        )
        assert forged.status_code == 403 and "new@example.com" not in forged.text
        added = dpo.post(
            "/admin/staff/add",
            data={
                "login": "new@example.com",
                "role": "billing",
                "password": "a-long-first-password",
                "csrf": csrf,
            },
        )
        assert added.status_code == 200 and "The account is added." in added.text
        found = re.findall(r'id="role-(\d+)" name="role" aria-label="Role of ([^"]+)"', added.text)
        members = {login: int(i) for i, login in found}
        disabled = dpo.post(
            f"/admin/staff/{members['help@example.com']}/disable", data={"csrf": csrf}
        )
        assert "The account is disabled and signed out everywhere." in disabled.text
        assert helper.get("/admin", follow_redirects=False).status_code == 303  # at once
        own = members["dpo@example.com"]
        last = dpo.post(f"/admin/staff/{own}/disable", data={"csrf": csrf})
        assert last.status_code == 400
        assert "the last active privacy officer cannot be disabled" in last.text
        demoted = dpo.post(f"/admin/staff/{own}/role", data={"csrf": csrf, "role": "support"})
        assert "cannot be given another role" in demoted.text
        assert dpo.get("/admin/staff").status_code == 200  # still the officer
        swedish = dpo.get("/admin/staff?lang=sv")
        assert "Lägg till en medarbetare" in swedish.text and "Dataskyddsansvarig" in swedish.text


def test_r6_a1_varna_staff_commands(container: Container) -> None:
    url = container.settings.database_url

    def staff(*args: str, password: str | None = None) -> tuple[int, str]:
        import subprocess

        from tests.e2e.helpers import VARNA, env_for

        done = subprocess.run(  # noqa: S603
            [VARNA, "staff", *args],
            input=password,
            env=env_for(url),
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    assert (
        staff(
            "add",
            "dpo@example.com",
            "--role",
            "privacy_officer",
            "--password-stdin",
            password=STAFF_PASSWORD + "\n",
        )[0]
        == 0
    )
    assert (
        staff("add", "help@example.com", "--password-stdin", password=STAFF_PASSWORD + "\n")[0] == 0
    )
    listed = json.loads(varna(url, "staff", "list", "--json").stdout)
    assert [(m["login"], m["role"], m["two_factor"], m["disabled"]) for m in listed] == [
        ("dpo@example.com", "privacy_officer", False, False),
        ("help@example.com", "support", False, False),
    ]
    code, said = staff("disable", "dpo@example.com")
    assert code == 1 and "last active privacy officer cannot be disabled" in said
    assert staff("role", "help@example.com", "auditor")[0] == 0
    assert staff("disable", "help@example.com")[0] == 0
    assert staff("sign-out", "help@example.com")[0] == 0
    assert staff("reset-2fa", "dpo@example.com")[0] == 0
    code, said = staff("enable", "nobody@example.com")
    assert code == 1 and "no staff account has this login" in said
    assert staff("enable", "help@example.com")[0] == 0
    code, said = staff("password", "help@example.com", "--password-stdin", password="short\n")
    assert code == 1 and "at least 12 characters" in said
    new = "another-long-password"
    assert staff("password", "help@example.com", "--password-stdin", password=new + "\n")[0] == 0
    with running_server(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert sign_in(client, "help@example.com").status_code == 401  # the old one
        assert sign_in(client, "help@example.com", new).status_code == 303
    listed = json.loads(varna(url, "staff", "list", "--json").stdout)
    assert [(m["role"], m["disabled"]) for m in listed] == [
        ("privacy_officer", False),
        ("auditor", False),
    ]
    assert "help@example.com" in varna(url, "staff", "list").stdout
