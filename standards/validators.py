"""The rule every standard's question follows: a yes/no question whose "yes" is the healthy answer."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

EXAMPLE = "“Is at least 20 % of the system drive free?” rather than “How much space is free?”"
OPEN_STARTS = ("how", "what", "which", "when", "where", "why", "who", "whom", "whose", "list", "describe",
               "explain", "name", "give", "tell")
YES_NO_STARTS = ("is", "are", "does", "do", "did", "has", "have", "had", "can", "could", "will", "would",
                 "was", "were", "should", "shall", "must", "may")


def validate_yes_no_question(text: str) -> None:
    """Refuse questions that are obviously open, or not questions at all, with a clear message."""
    question = (text or "").strip()
    if not question:
        raise ValidationError("Write the question.", code="required")
    first = re.split(r"[\s,]+", question, maxsplit=1)[0].lower().strip("“\"'(")
    if first in OPEN_STARTS:
        raise ValidationError(
            f"“{question[:60]}” is an open question. Phrase it so it can only be answered yes or no, "
            f"with yes as the healthy answer: {EXAMPLE}.", code="open_question")
    if not question.endswith("?"):
        raise ValidationError(f"End the question with a question mark: {EXAMPLE}.", code="no_question_mark")
    if first not in YES_NO_STARTS:
        raise ValidationError(
            f"Start with a verb that asks for yes or no (Is, Are, Does, Do, Has, Have, Can...): {EXAMPLE}.",
            code="not_yes_no")
