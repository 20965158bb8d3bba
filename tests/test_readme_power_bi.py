"""The README's "Connect Excel or Power BI", followed step by step with the requests
Excel's and Power BI's OData connector make: an anonymous try, Basic authentication
with the token as the password, the service document, $metadata and nextLink paging."""

import re
from pathlib import Path
from xml.etree import ElementTree as ET  # nosec B405  # parses the app's own document

import pytest

from engage.demo.synthetic import seed_synthetic
from tests.test_api import make_token
from tests.test_odata import basic

README = Path(__file__).resolve().parent.parent / "README.md"
# Headers the OData connector sends with every request.
CONNECTOR = {
    "OData-Version": "4.0",
    "OData-MaxVersion": "4.0",
    "Accept": "application/json;odata.metadata=minimal",
}


@pytest.fixture(scope="module")
def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Connect Excel or Power BI")
    return text[start : text.index("\n### ", start + 1)]


def _addresses(section: str) -> list[str]:
    """The Engage addresses the section tells a reader to use, without the host."""
    path = r"(/(?:odata|exports)/[^`\s\"]*)"
    found = re.findall(r"https://engage\.example\.org" + path, section)
    found += re.findall(f"`{path}`", section)
    return list(dict.fromkeys(found))


def test_the_readme_steps_work_as_excel_and_power_bi_make_them(
    db, client, partnership, questionnaire, section
):
    _, token = make_token(db, partnership)
    seed_synthetic(questionnaire, 2_500, seed=6)
    assert "Basic" in section and "password" in section
    feed = "/odata/"
    assert f"`https://engage.example.org{feed}`" in section

    # 1. Without credentials: a Basic challenge, which makes the tools ask for them.
    anonymous = client.get(feed, headers=CONNECTOR)
    assert anonymous.status_code == 401
    assert any(c.startswith("Basic") for c in anonymous.headers.getlist("WWW-Authenticate"))
    signed = {**CONNECTOR, **basic(token, user="analyst@example.org")}
    # 2. The service document.
    service = client.get(feed, headers=signed).get_json()
    assert [s["url"] for s in service["value"]] == ["Responses", "Results"]
    # 3. $metadata, as XML.
    metadata = client.get(feed + "$metadata", headers={**signed, "Accept": "application/xml"})
    assert metadata.status_code == 200
    ET.fromstring(metadata.data)  # noqa: S314
    # 4. The rows, following @odata.nextLink to the end: 1,000 a page, each once.
    url, ids, pages = feed + "Responses", [], 0
    while url:
        page = client.get(url, headers=signed).get_json()
        ids += [row["response_id"] for row in page["value"]]
        pages += 1
        url = page.get("@odata.nextLink")
    assert len(ids) == len(set(ids)) == 2_500
    assert pages == 3
    # Every address the section names answers, with the token as the password.
    addresses = _addresses(section)
    assert "/odata/labels/" in addresses and "/exports/responses.csv?values=labels" in addresses
    ward = questionnaire.questionnaire.partnership.areas[0].code
    for address in addresses:
        answered = client.get(address.replace("E05001234", ward), headers=signed)
        assert answered.status_code == 200, (address, answered.get_data(as_text=True)[:300])
        answered.close()


def test_the_readme_filter_example_is_one_the_feed_takes(
    db, client, partnership, questionnaire, section
):
    _, token = make_token(db, partnership)
    (example,) = re.findall(r"`\$filter=([^`]+)`", section)
    ward = questionnaire.questionnaire.partnership.areas[0].code
    expression = example.replace("E05001234", ward)

    answered = client.get(f"/odata/Responses?$filter={expression}", headers=basic(token))

    assert answered.status_code == 200, answered.get_data(as_text=True)
