"""The survey's questions, answer options and the spellings of them that exports use; knows no files.

Question ids and wordings follow data/questions.yaml (copied from the report reconstruction). Where the report
could not be read (option labels of Charts 2-4, a fourth option), the choices made here are listed in
data/sample_survey.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from gapmap.safetext import norm


@dataclass(frozen=True)
class AgeGroup:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


AGE_GROUPS: tuple[AgeGroup, ...] = (
    AgeGroup("pregnancy", "Parents during pregnancy", ("pregnancy", "during pregnancy")),
    AgeGroup("0-2", "Babies and toddlers (0-2)", ("babies and toddlers", "0-2", "aged 0-2")),
    AgeGroup("3-4", "Pre-schoolers (3-4)", ("pre-schoolers", "preschoolers", "3-4")),
    AgeGroup("5-11", "Primary school age children (5-11)", ("primary school age children", "5-11")),
    AgeGroup("12-16", "Secondary school age children (12-16)", ("secondary school age children", "12-16")),
    AgeGroup("17-21", "Older young people (17-21)", ("older young people", "17-21")),
)
AGE_GROUP_BY_ID = {a.id: a for a in AGE_GROUPS}


def find_age_group(text: str) -> AgeGroup | None:
    """The age group a label, alias or id names, or None."""
    key = norm(text)
    for group in AGE_GROUPS:
        if key in {norm(group.id), norm(group.label), *(norm(a) for a in group.aliases)}:
            return group
    return None


@dataclass(frozen=True)
class Question:
    """A survey question: how columns and answers spell it, and what its answers mean.

    ``kind`` is 'area', 'choice', 'rating', 'referral_age' or 'text'. ``aliases`` maps other spellings of an
    answer to its option label.
    """

    id: str
    wording: str
    kind: str
    options: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    variants: tuple[str, ...] = ()
    per_age_group: bool = False
    wording_published: bool = True

    def names(self) -> tuple[str, ...]:
        return (self.id, self.wording, *self.variants)


_TRAINING_OPTIONS = ("Yes, a lot", "Yes, some", "No", "Don't know")
_TRAINING_ALIASES = {
    "Yes, a little": "Yes, some",
    "A lot": "Yes, a lot",
    "Some": "Yes, some",
    "A little": "Yes, some",
    "Not sure": "Don't know",
    "Can't remember": "Don't know",
    "Don't remember": "Don't know",
}
_DONT_KNOW = {
    "Not sure": "Don't know",
    "Unsure": "Don't know",
    "DK": "Don't know",
    "Do not know": "Don't know",
}

QUESTIONS: tuple[Question, ...] = (
    Question(
        "where_do_you_work",
        "Where do you work?",
        "area",
        variants=("Country (and region if in England)", "Where do you work", "Region", "Nation or region"),
    ),
    Question("profession", "What is Your Profession?", "text", variants=("Profession",)),
    Question(
        "prequal_teaching",
        "During pre-qualification training, did you receive teaching which was specifically focussed on the "
        "needs of the following groups?",
        "choice",
        _TRAINING_OPTIONS,
        _TRAINING_ALIASES | _DONT_KNOW,
        per_age_group=True,
    ),
    Question(
        "prequal_supervised_experience",
        "During your pre-qualification training did you receive supervised experience of working with the "
        "following groups?",
        "choice",
        _TRAINING_OPTIONS,
        _TRAINING_ALIASES | _DONT_KNOW,
        per_age_group=True,
    ),
    Question(
        "postqual_training",
        "In your professional development since qualification, have you participated in training to enable you "
        "to understand and work effectively with the following groups?",
        "choice",
        _TRAINING_OPTIONS,
        _TRAINING_ALIASES | _DONT_KNOW,
        per_age_group=True,
    ),
    Question(
        "understanding_rating",
        "How would you rate your understanding of infant mental health (the mental health of 0-2-year-olds)?",
        "rating",
        ("1", "2", "3", "4", "5"),
        variants=("How would you rate your understanding of Infant Mental Health?",),
    ),
    Question(
        "confidence_rating",
        "How would you rate your confidence in working with parent-infant dyads (parents and babies/toddlers "
        "aged two and under)?",
        "rating",
        ("1", "2", "3", "4", "5"),
    ),
    Question(
        "services_effective_by_age",
        "Within children and young people's mental health services in your area, are there mental health "
        "services that can work effectively with babies, children and young people of the following ages?",
        "choice",
        ("Yes, definitely", "Yes, partly", "No", "Don't know"),
        {"Definitely": "Yes, definitely", "Partly": "Yes, partly", "Yes partially": "Yes, partly"}
        | _DONT_KNOW,
        per_age_group=True,
    ),
    Question(
        "lowest_referral_age",
        "What is the lowest age of referral accepted by your local NHS children and young people's mental "
        "health team?",
        "referral_age",
        ("Pregnancy", *[str(a) for a in range(26)], "Don't know"),
        {"Antenatal": "Pregnancy", "Prenatal": "Pregnancy", "During pregnancy": "Pregnancy", "Birth": "0"}
        | _DONT_KNOW,
    ),
    Question(
        "specialist_team_in_cypmhs",
        "Within the children and young people's mental health services in your area (not including perinatal "
        "mental health), is there a team with specialist skills and expertise to work with babies and toddlers "
        "and their parents?",
        "choice",
        ("Yes", "Partly", "No", "Don't know"),
        {"Yes, partly": "Partly"} | _DONT_KNOW,
        variants=("Specialist team", "Specialist parent-infant team"),
        wording_published=False,
    ),
    Question(
        "local_provision_sufficiency",
        "Which of these statements best describes the availability of mental health services for babies and "
        "toddlers in your local area? (This could include services offered by any local provider).",
        "choice",
        (
            "There are no mental health services for babies and toddlers in my area.",
            "There is a service for babies and toddlers in my area, but it is not sufficient to meet the need "
            "in the local area.",
            "There is sufficient provision available in my local area for babies and toddlers whose mental "
            "health is at risk.",
            "Don't know",
        ),
        {
            "No services": "There are no mental health services for babies and toddlers in my area.",
            "Not sufficient": "There is a service for babies and toddlers in my area, but it is not sufficient "
            "to meet the need in the local area.",
            "Sufficient": "There is sufficient provision available in my local area for babies and toddlers "
            "whose mental health is at risk.",
        }
        | _DONT_KNOW,
        variants=(
            "Which of these statements best describes the availability of mental health services for "
            "babies and toddlers in your local area?",
        ),
    ),
    Question("final_comments", "Any further comments", "text", variants=("Comments", "Final comments")),
)
QUESTION_BY_ID = {q.id: q for q in QUESTIONS}


def item_key(question_id: str, age_group: str | None = None) -> str:
    """Column name of one answered item in validated responses: 'services_effective_by_age[0-2]'."""
    return f"{question_id}[{age_group}]" if age_group else question_id


@lru_cache(maxsize=1)
def column_lookup() -> Mapping[str, str]:
    """Normalised header spelling -> item key, for every accepted way to name a question's column.

    Grid items are '<id or wording> [<age group>]' (Google Forms), '<wording>.<age group>' or
    '<wording> - <age group>': all three normalise to the same key, which is why one table serves.
    Built once (a few thousand spellings, looked up for every heading of every file), so read-only.
    """
    table: dict[str, str] = {}
    for q in QUESTIONS:
        for name in q.names():
            if q.per_age_group:
                for group in AGE_GROUPS:
                    for label in (group.label, group.id, *group.aliases):
                        table.setdefault(f"{norm(name)} {norm(label)}", item_key(q.id, group.id))
            else:
                table.setdefault(norm(name), item_key(q.id))
    return MappingProxyType(table)


def answer_lookup(question: Question) -> dict[str, str]:
    """Normalised answer spelling -> option label."""
    table = {norm(o): o for o in question.options}
    table.update({norm(k): v for k, v in question.aliases.items()})
    return table
