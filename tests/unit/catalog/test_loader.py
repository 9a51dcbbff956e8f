"""A broken catalogue is refused with the dotted path of the bad entry and a reason that says
what to write instead (A1, C6, P7, R1); a small valid catalogue loads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.catalog.small import Data, small_catalogue, write
from varna.catalog import CatalogEntryError, load_catalog, parse_catalog


def test_a_small_catalogue_loads_and_names_its_source(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, small_catalogue()))
    assert set(catalog.tables) == {"organisations", "people", "sims"}
    assert catalog.recipient("mail_host").in_eea
    assert catalog.effective_retention("short_traffic").id == "short_traffic"


def test_r1_a_pack_switched_off_applies_its_otherwise_rule(tmp_path: Path) -> None:
    data = small_catalogue()
    data["packs"]["traffic"] = False
    catalog = load_catalog(write(tmp_path, data))
    assert catalog.effective_retention("short_traffic").id == "post_contract"


def at(*keys: str | int, value: Any = ..., data: Callable[[], Data] = small_catalogue) -> Data:
    """The small catalogue with the entry at ``keys`` set to ``value`` (deleted for ...)."""
    changed = data()
    node: Any = changed
    for key in keys[:-1]:
        node = node[key]
    if value is ...:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return changed


BROKEN: dict[str, tuple[Data, str]] = {
    "a section missing": (at("recipients"), "recipients: is required"),
    "an unknown section": (
        at("purpose", value={}),
        "purpose: unknown key; expected one of categories, controller",
    ),
    "the version as text": (
        at("version", value="1"),
        "version: expected a whole number, got a string",
    ),
    "the version as a boolean": (
        at("version", value=True),
        "version: expected a whole number, got a boolean",
    ),
    "a pack switch as text": (
        at("packs", "traffic", value="on"),
        "packs.traffic: expected true or false, got a string",
    ),
    "an id not in snake_case": (
        at("categories", "E-mail", value={"sv": "E", "en": "E", "direct_identifier": True}),
        "categories.E-mail: ids are snake_case",
    ),
    "a promise id of the wrong form": (
        at("categories", "email", "promises", value=["c2"]),
        "categories.email.promises[0]: 'c2' is not a promise id",
    ),
    "an unknown subject role": (
        at("subjects", "end_user", "role", value="owner"),
        "subjects.end_user.role: unknown role 'owner'; expected one of controller, processor",
    ),
    "a processor purpose on a controller's basis": (
        at("purposes", "iot_service", "legal_basis", value="contract"),
        "purposes.iot_service.article: the legal basis contract is Art. 6(1)(b)",
    ),
    "a controller purpose on the processor's ground": (
        at("purposes", "contract", "role", value="processor"),
        "purposes.contract.role: a processor purpose rests on the controller's instruction",
    ),
    "a notice address that is no address": (
        at("recipients", "mail_host", "notices_to", value="posten"),
        "recipients.mail_host.notices_to: notices_to must be an e-mail address",
    ),
    "a country of three letters": (
        at("recipients", "mail_host", "country", value="SWE"),
        "recipients.mail_host.country: 'SWE' is not an ISO 3166-1 alpha-2 country code",
    ),
    "a country in lower case": (
        at("recipients", "mail_host", "country", value="se"),
        "recipients.mail_host.country: 'se' is not an ISO 3166-1",
    ),
    "a transfer tool inside the EEA": (
        at("recipients", "mail_host", "transfer_safeguard", value="bcr"),
        "recipients.mail_host.transfer_safeguard: SE is in the EU/EEA: no transfer tool applies",
    ),
    "the Data Privacy Framework outside the United States": (
        at(
            "recipients",
            "mail_host",
            "country",
            value="GB",
            data=lambda: at("recipients", "mail_host", "transfer_safeguard", value="dpf"),
        ),
        "recipients.mail_host.transfer_safeguard: the Data Privacy Framework covers importers "
        "in the United States only",
    ),
    "a derogation for a processor": (
        at(
            "recipients",
            "mail_host",
            "country",
            value="IN",
            data=lambda: at("recipients", "mail_host", "transfer_safeguard", value="derogation_49"),
        ),
        "recipients.mail_host.transfer_safeguard: an Art. 49 derogation covers occasional",
    ),
    "a processor serving a processor purpose": (
        at("recipients", "mail_host", "purposes", value=["iot_service"]),
        "recipients.mail_host.purposes: a processor serves controller purposes; 'iot_service' "
        "is a processor purpose (A1)",
    ),
    "a recipient of an unknown purpose": (
        at("recipients", "mail_host", "purposes", value=["contract", "marketing"]),
        "recipients.mail_host.purposes[1]: unknown purpose 'marketing'",
    ),
    "a purpose named twice": (
        at("recipients", "mail_host", "purposes", value=["contract", "contract"]),
        "recipients.mail_host.purposes: names an entry twice",
    ),
    "no purpose at all": (
        at("recipients", "mail_host", "purposes", value=[]),
        "recipients.mail_host.purposes: must name at least one",
    ),
    "an otherwise rule outside a pack": (
        at("retention_rules", "post_contract", "otherwise", value="short_traffic"),
        "retention_rules.post_contract.otherwise: only a rule that belongs to a pack",
    ),
    "an otherwise rule that does not exist": (
        at("retention_rules", "short_traffic", "otherwise", value="forever"),
        "retention_rules.short_traffic.otherwise: unknown retention rule 'forever'",
    ),
    "an otherwise rule inside a pack": (
        at("retention_rules", "short_traffic", "otherwise", value="short_traffic"),
        "retention_rules.short_traffic.otherwise: the otherwise rule must not itself belong",
    ),
    "legitimate interest as an erasure exception": (
        at("retention_rules", "post_contract", "exception", value="legitimate_interests"),
        "retention_rules.post_contract.exception: unknown erasure exception "
        "'legitimate_interests'; expected one of bookkeeping, legal_obligation, evidence",
    ),
    "a period in weeks": (
        at("retention_rules", "post_contract", "period", value="52 weeks"),
        "retention_rules.post_contract.period: expected a period such as '365 days'",
    ),
    "a period as a number": (
        at("retention_rules", "post_contract", "period", value=365),
        "retention_rules.post_contract.period: expected a string, got int",
    ),
    "an unknown start event": (
        at("retention_rules", "post_contract", "start_event", value="contract_signed"),
        "retention_rules.post_contract.start_event: unknown start event 'contract_signed'",
    ),
    "personal columns and no way to a person": (
        at("tables", "people", "subject_link", value=[]),
        "tables.people.subject_link: a table with personal columns must say how its rows",
    ),
    "a clock that is no column": (
        at("tables", "people", "clock", value="created_at"),
        "tables.people.clock: 'created_at' is not a column of people",
    ),
    "a self link naming a column": (
        at("tables", "people", "subject_link", 0, value={"kind": "self", "column": "id"}),
        "tables.people.subject_link[0]: a self link names no column and no table",
    ),
    "an organisation link naming a table": (
        at(
            "tables",
            "sims",
            "subject_link",
            0,
            value={"kind": "organisation", "column": "customer_id", "to": "organisations"},
        ),
        "tables.sims.subject_link[0].to: a organisation link needs no table",
    ),
    "a via link to its own table": (
        at(
            "tables",
            "people",
            "subject_link",
            0,
            value={"kind": "via", "column": "organisation_id", "to": "people"},
        ),
        "tables.people.subject_link[0]: leads to 'people', not another catalogued table",
    ),
    "a via link without its table": (
        at("tables", "people", "subject_link", 0, value={"kind": "via", "column": "id"}),
        "tables.people.subject_link[0].to: a via link names the table it leads to",
    ),
    "a processor subject on a controller column": (
        at("tables", "people", "personal", "email", "subject", value="end_user"),
        "tables.people.personal.email.subject: 'end_user' is a subject of processor data; "
        "this column's role is controller (A1)",
    ),
    "an extract option other than redact": (
        at("tables", "people", "personal", "email", "extract", value="hide"),
        "tables.people.personal.email.extract: the only extract option is redact",
    ),
    "an unknown lookup kind": (
        at("tables", "people", "personal", "email", "lookup", value="e_mail"),
        "tables.people.personal.email.lookup: unknown lookup kind 'e_mail'",
    ),
    "an erasure clearing a column that is not personal": (
        at("tables", "people", "erasure", value={"method": "anonymise", "clear": ["id"]}),
        "tables.people.erasure: clear names 'id', which is not a personal column",
    ),
    "an unknown erasure method": (
        at("tables", "people", "erasure", value="shred"),
        "tables.people.erasure: unknown erasure method 'shred'",
    ),
    "a controller column that is no link": (
        at("tables", "sims", "controller_column", value="id"),
        "tables.sims.controller_column: 'id' must be an organisation or via link",
    ),
    "a retention mapping for the wrong subject": (
        at(
            "tables",
            "people",
            "personal",
            "email",
            "retention",
            value={"end_user": "post_contract"},
        ),
        "tables.people.personal.email.retention.end_user: unknown key; expected one of "
        "customer_contact",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_entry_is_refused_with_its_path_and_the_file(case: str, tmp_path: Path) -> None:
    data, message = BROKEN[case]
    path = write(tmp_path, data)
    with pytest.raises(CatalogEntryError) as refused:
        load_catalog(path)
    assert str(refused.value).startswith(message), str(refused.value)
    assert str(refused.value).endswith(f"(catalogue {path})")
    assert refused.value.path == message.split(":", 1)[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "(top level): expected a mapping, got nothing"),
        ("- version: 1\n", "(top level): expected a mapping, got a list"),
        ("just text\n", "(top level): expected a mapping, got a string"),
        ("1: one\n", "(top level): keys must be strings, got int 1"),
        ("version: [1\n", "line 2: YAML error"),
        ("version: 1\nversion: 1\n", "key 'version' appears twice"),
        ("a: !!python/object:os.system ls\n", "YAML error"),
    ],
)
def test_a_file_that_is_no_catalogue_is_refused_before_any_entry(text: str, message: str) -> None:
    """A safe loader only: a Python tag is a YAML error, never a call."""
    with pytest.raises(CatalogEntryError) as refused:
        parse_catalog(text, source="mine.yaml")
    assert message in str(refused.value) and "(catalogue mine.yaml)" in str(refused.value)


def test_a_catalogue_that_is_not_utf8_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(yaml.safe_dump(small_catalogue(), allow_unicode=True).encode("latin-1"))
    with pytest.raises(CatalogEntryError, match="cannot read the catalogue") as refused:
        load_catalog(path)
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("period", ["1 year", "1 years", "12 month", "0 days", " 30 days "])
def test_r1_a_period_may_be_singular_or_plural(period: str, tmp_path: Path) -> None:
    data = at("retention_rules", "post_contract", "period", value=period)
    rule = load_catalog(write(tmp_path, data)).retention_rule("post_contract")
    assert str(rule.period).split()[0] == period.split()[0]
