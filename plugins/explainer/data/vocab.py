"""The fixed vocabularies of events.yaml: event kinds, TikTok statuses, law statuses, actor kinds.

Each value carries the label readers see and a description editors read in CONTRIBUTING.md.
Values are lower-case words joined by hyphens, as editors type them.
"""
from __future__ import annotations

from enum import Enum


def N_(text: str) -> str:  # gettext's usual name for a message marked here, translated where shown
    """Mark a label or description for the interface catalogs (`python3 run.py catalogs`): each
    edition translates it where it is shown (`site.words`)."""
    return text


class Vocabulary(str, Enum):
    """A closed list of values; subclasses give (value, label, description) triples."""

    label: str
    description: str

    def __new__(cls, value: str, label: str, description: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.description = description
        return member

    def __str__(self) -> str:
        return str(self.value)


class EventKind(Vocabulary):
    """What kind of thing happened."""

    PROPOSAL = (
        "proposal", N_("Proposal"),
        N_("Someone asks for a measure to be taken (a block, a law, a restriction)."),
    )
    STATEMENT = ("statement", N_("Statement"), N_("A person or body states a position publicly or to the press."))
    ORDER = ("order", N_("Order"), N_("An authority instructs others (providers, a company) to act."))
    BLOCK = ("block", N_("Block"), N_("Access to a service or site is cut off or restricted in a country."))
    PAUSE = ("pause", N_("Pause"), N_("A measure already started is suspended."))
    NEGOTIATION = ("negotiation", N_("Negotiation"), N_("Talks between a government and a company."))
    LAW_PASSED = ("law-passed", N_("Law passed"), N_("A parliament adopts a law."))
    LAW_SIGNED = ("law-signed", N_("Law signed"), N_("A head of state signs a law."))
    LAW_IN_FORCE = ("law-in-force", N_("Law in force"), N_("A law takes effect."))
    DRAFT_LAW = ("draft-law", N_("Draft law"), N_("A bill is introduced or a draft is published."))
    INVESTIGATION = ("investigation", N_("Investigation"), N_("A regulator opens proceedings against a company."))
    DECISION = ("decision", N_("Decision"), N_("A regulator or court decides a case."))
    MODERATION = ("moderation", N_("Content removal"), N_("A platform removes or restricts content itself."))
    WITHDRAWAL = ("withdrawal", N_("Withdrawal"), N_("An organisation or company stops working in a country."))
    RESUMPTION = (
        "resumption", N_("Service resumed"),
        N_("A service that was blocked or withdrawn becomes available again."),
    )
    SALE = (
        "sale", N_("Sale"),
        N_("A company sells a business, or signs binding agreements to sell it, for example to comply with a law."),
    )
    REPORT = ("report", N_("Report"), N_("A study or rating is published."))


class TikTokStatus(Vocabulary):
    """TikTok's standing in a country after an event; the latest one is the current status.

    A status can go back as well as forward (a ban lifted is `available` again): the history is
    the sequence of events that set one, see `site_context.StatusPeriod`."""

    AVAILABLE = ("available", N_("Available"), N_("TikTok works without a government restriction."))
    UNDER_DISCUSSION = (
        "under-discussion", N_("Under discussion"),
        N_("Officials or lawmakers publicly discuss blocking or restricting TikTok."),
    )
    UNDER_INVESTIGATION = (
        "under-investigation", N_("Under investigation"),
        N_("A regulator has opened proceedings against TikTok."),
    )
    RESTRICTED = (
        "restricted", N_("Restricted"),
        N_("Some features or content are limited, by the state or by TikTok itself."),
    )
    ORDERED_TO_DIVEST = (
        "ordered-to-divest", N_("Ordered to divest"),
        N_("A law requires TikTok's owner to sell it or face a ban."),
    )
    BAN_NOT_ENFORCED = (
        "ban-not-enforced", N_("Ban not enforced"),
        N_("A law bans TikTok, but the government has said it will not enforce the ban for now."),
    )
    OFFLINE = (
        "offline", N_("Offline"),
        N_("TikTok itself stopped serving users in the country; the authorities did not block it."),
    )
    BLOCKED = ("blocked", N_("Blocked"), N_("Access to TikTok is blocked or banned by the authorities."))
    DIVESTED = (
        "divested", N_("Divested"),
        N_("TikTok's business in the country was sold to new owners, as a law required; the app is available."),
    )


class LawStatus(Vocabulary):
    """Where a law stands."""

    DRAFT = ("draft", N_("Draft"), N_("Proposed or under debate; not adopted."))
    PASSED = ("passed", N_("Passed"), N_("Adopted by parliament, not yet signed."))
    SIGNED = ("signed", N_("Signed"), N_("Signed, not yet in force."))
    IN_FORCE = ("in-force", N_("In force"), N_("Has legal effect."))
    REPEALED = ("repealed", N_("Repealed"), N_("No longer has effect."))


class Language(Vocabulary):
    """A language a text or a quotation can be in (the codes of `text.LANGUAGES`)."""

    EN = ("en", N_("English"), N_("The site's reference language."))
    RU = ("ru", N_("Russian"), N_("Russian: the language most readers in Central Asia read first."))
    KK = ("kk", N_("Kazakh"), N_("Kazakh, the state language of Kazakhstan."))
    KY = ("ky", N_("Kyrgyz"), N_("Kyrgyz, the state language of Kyrgyzstan."))


class ActorKind(Vocabulary):
    """What sort of actor a person or body is."""

    PERSON = ("person", N_("Person"), N_("A named individual."))
    AUTHORITY = (
        "authority", N_("State authority"),
        N_("A ministry, agency, security service, parliament or head of state's office."),
    )
    COMPANY = ("company", N_("Company"), N_("A business, such as a platform."))
    ORGANISATION = ("organisation", N_("Organisation"), N_("An NGO, association, foundation or media outlet."))
