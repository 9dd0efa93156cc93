"""The starter standards library is complete, well formed and follows the yes/no question rule. No database."""

import re
from collections import Counter
from urllib.parse import urlparse

import pytest

from standards.choices import Frequency, Priority
from standards.starter_data import CATEGORIES, FRAMEWORKS
from standards.validators import validate_yes_no_question

EXPECTED_FRAMEWORKS = [
    ("HIPAA", "HIPAA Security Rule"),
    ("PCI DSS", "PCI DSS v4.0"),
    ("NIST CSF 2.0", "NIST Cybersecurity Framework 2.0"),
    ("CIS", "CIS Critical Security Controls v8.1"),
]
EXPECTED_CATEGORIES = [
    "Patch management", "Backup", "Disaster recovery", "Email", "Antivirus and endpoint protection", "Firewalls",
    "Routers", "Switches", "Wireless", "Servers", "Desktops and laptops", "Power", "Cloud services",
    "Business applications", "Identity and access", "Security policy",
]
STANDARD_KEYS = {"name", "question", "why", "how", "reference_url", "priority", "frequency", "tags", "frameworks"}
STANDARDS = [standard for category in CATEGORIES for standard in category["standards"]]
TAG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def by_name(param):
    return param["name"]


def test_frameworks_are_exactly_the_four_codes():
    assert FRAMEWORKS == EXPECTED_FRAMEWORKS


def test_categories_are_the_expected_ones_in_order():
    assert [category["name"] for category in CATEGORIES] == EXPECTED_CATEGORIES
    for category in CATEGORIES:
        assert set(category) == {"name", "description", "standards"}
        assert len(category["description"].strip()) >= 20, category["name"]


def test_the_library_has_at_least_64_standards():
    assert len(STANDARDS) >= 64


@pytest.mark.parametrize("category", CATEGORIES, ids=by_name)
def test_each_category_has_three_to_six_standards(category):
    assert 3 <= len(category["standards"]) <= 6


def test_names_are_unique_ignoring_case():
    counts = Counter(standard["name"].strip().casefold() for standard in STANDARDS)
    assert [name for name, count in counts.items() if count > 1] == []


def test_questions_are_unique_ignoring_case():
    counts = Counter(standard["question"].strip().casefold() for standard in STANDARDS)
    assert [question for question, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("standard", STANDARDS, ids=by_name)
def test_standard_is_well_formed(standard):
    assert set(standard) == STANDARD_KEYS
    assert standard["name"] == standard["name"].strip()
    assert 3 <= len(standard["name"]) <= 150  # Standard.name max_length
    validate_yes_no_question(standard["question"])
    assert standard["question"] == standard["question"].strip()
    assert len(standard["why"].strip()) >= 40
    assert len(standard["how"].strip()) >= 40

    url = urlparse(standard["reference_url"])
    assert standard["reference_url"].startswith("https://")
    assert url.scheme == "https"
    assert url.hostname
    assert "." in url.hostname
    assert " " not in standard["reference_url"]
    assert len(standard["reference_url"]) <= 500  # Standard.reference_url max_length

    assert standard["priority"] in Priority.values
    assert standard["frequency"] in Frequency.values


@pytest.mark.parametrize("standard", STANDARDS, ids=by_name)
def test_tags_are_lowercase_words_without_spaces(standard):
    tags = standard["tags"]
    assert isinstance(tags, list)
    assert tags, "every standard carries at least one tag"
    assert len(tags) == len(set(tags))
    for tag in tags:
        assert TAG.match(tag), tag
        assert len(tag) <= 40  # Standard.tags item max_length


@pytest.mark.parametrize("standard", STANDARDS, ids=by_name)
def test_frameworks_come_from_the_framework_list(standard):
    codes = [code for code, _name in FRAMEWORKS]
    assert isinstance(standard["frameworks"], list)
    assert len(standard["frameworks"]) == len(set(standard["frameworks"]))
    assert set(standard["frameworks"]) <= set(codes)


def test_framework_lists_are_not_shared_between_standards():
    # A loader that mutates one standard's list must not change another's.
    ids = [id(standard["frameworks"]) for standard in STANDARDS]
    assert len(ids) == len(set(ids))


def test_the_library_uses_every_priority_frequency_and_framework():
    assert {standard["priority"] for standard in STANDARDS} == set(Priority.values)
    assert {standard["frequency"] for standard in STANDARDS} == set(Frequency.values)
    assert {code for standard in STANDARDS for code in standard["frameworks"]} == {code for code, _ in FRAMEWORKS}
