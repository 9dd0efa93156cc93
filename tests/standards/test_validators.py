import pytest
from django.core.exceptions import ValidationError

from standards.validators import validate_yes_no_question


@pytest.mark.parametrize("text", [
    "Is at least 20 % of the system drive free?",
    "Are backups tested by a restore every quarter?",
    "Does every admin account use MFA?",
    "Has the firewall firmware been updated in the last 90 days?",
])
def test_yes_no_questions_pass(text):
    assert validate_yes_no_question(text) is None


@pytest.mark.parametrize(("text", "code"), [
    ("How much space is free?", "open_question"),
    ("What size is the UPS?", "open_question"),
    ("which backup product is used?", "open_question"),
    ("Is the server patched", "no_question_mark"),
    ("Backups run nightly?", "not_yes_no"),
    ("   ", "required"),
])
def test_open_or_malformed_questions_are_refused(text, code):
    with pytest.raises(ValidationError) as exc:
        validate_yes_no_question(text)
    assert exc.value.code == code


def test_the_message_explains_the_rule_with_an_example():
    with pytest.raises(ValidationError) as exc:
        validate_yes_no_question("How much space is free?")
    assert exc.value.messages == [
        "“How much space is free?” is an open question. Phrase it so it can only be answered yes or no, with "
        "yes as the healthy answer: “Is at least 20 % of the system drive free?” rather than “How much space "
        "is free?”."]
