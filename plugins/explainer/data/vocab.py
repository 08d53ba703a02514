"""The fixed vocabularies of events.yaml: event kinds, TikTok statuses, law statuses, actor kinds.

Each value carries the label readers see and a description editors read in CONTRIBUTING.md.
Values are lower-case words joined by hyphens, as editors type them.
"""
from __future__ import annotations

from enum import Enum


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

    PROPOSAL = ("proposal", "Proposal", "Someone asks for a measure to be taken (a block, a law, a restriction).")
    STATEMENT = ("statement", "Statement", "A person or body states a position publicly or to the press.")
    ORDER = ("order", "Order", "An authority instructs others (providers, a company) to act.")
    BLOCK = ("block", "Block", "Access to a service or site is cut off or restricted in a country.")
    PAUSE = ("pause", "Pause", "A measure already started is suspended.")
    NEGOTIATION = ("negotiation", "Negotiation", "Talks between a government and a company.")
    LAW_PASSED = ("law-passed", "Law passed", "A parliament adopts a law.")
    LAW_SIGNED = ("law-signed", "Law signed", "A head of state signs a law.")
    LAW_IN_FORCE = ("law-in-force", "Law in force", "A law takes effect.")
    DRAFT_LAW = ("draft-law", "Draft law", "A bill is introduced or a draft is published.")
    INVESTIGATION = ("investigation", "Investigation", "A regulator opens proceedings against a company.")
    DECISION = ("decision", "Decision", "A regulator or court decides a case.")
    MODERATION = ("moderation", "Content removal", "A platform removes or restricts content itself.")
    WITHDRAWAL = ("withdrawal", "Withdrawal", "An organisation or company stops working in a country.")
    RESUMPTION = ("resumption", "Service resumed", "A service that was blocked or withdrawn becomes available again.")
    SALE = (
        "sale", "Sale",
        "A company sells a business, or signs binding agreements to sell it, for example to comply with a law.",
    )
    REPORT = ("report", "Report", "A study or rating is published.")


class TikTokStatus(Vocabulary):
    """TikTok's standing in a country after an event; the latest one is the current status.

    A status can go back as well as forward (a ban lifted is `available` again): the history is
    the sequence of events that set one, see `site_context.StatusPeriod`."""

    AVAILABLE = ("available", "Available", "TikTok works without a government restriction.")
    UNDER_DISCUSSION = (
        "under-discussion", "Under discussion",
        "Officials or lawmakers publicly discuss blocking or restricting TikTok.",
    )
    UNDER_INVESTIGATION = (
        "under-investigation", "Under investigation",
        "A regulator has opened proceedings against TikTok.",
    )
    RESTRICTED = ("restricted", "Restricted", "Some features or content are limited, by the state or by TikTok itself.")
    ORDERED_TO_DIVEST = (
        "ordered-to-divest", "Ordered to divest",
        "A law requires TikTok's owner to sell it or face a ban.",
    )
    BAN_NOT_ENFORCED = (
        "ban-not-enforced", "Ban not enforced",
        "A law bans TikTok, but the government has said it will not enforce the ban for now.",
    )
    OFFLINE = (
        "offline", "Offline",
        "TikTok itself stopped serving users in the country; the authorities did not block it.",
    )
    BLOCKED = ("blocked", "Blocked", "Access to TikTok is blocked or banned by the authorities.")
    DIVESTED = (
        "divested", "Divested",
        "TikTok's business in the country was sold to new owners, as a law required; the app is available.",
    )


class LawStatus(Vocabulary):
    """Where a law stands."""

    DRAFT = ("draft", "Draft", "Proposed or under debate; not adopted.")
    PASSED = ("passed", "Passed", "Adopted by parliament, not yet signed.")
    SIGNED = ("signed", "Signed", "Signed, not yet in force.")
    IN_FORCE = ("in-force", "In force", "Has legal effect.")
    REPEALED = ("repealed", "Repealed", "No longer has effect.")


class Language(Vocabulary):
    """A language a text or a quotation can be in (the codes of `text.LANGUAGES`)."""

    EN = ("en", "English", "The site's reference language.")
    RU = ("ru", "Russian", "Russian: the language most readers in Central Asia read first.")
    KK = ("kk", "Kazakh", "Kazakh, the state language of Kazakhstan.")
    KY = ("ky", "Kyrgyz", "Kyrgyz, the state language of Kyrgyzstan.")


class ActorKind(Vocabulary):
    """What sort of actor a person or body is."""

    PERSON = ("person", "Person", "A named individual.")
    AUTHORITY = (
        "authority", "State authority",
        "A ministry, agency, security service, parliament or head of state's office.",
    )
    COMPANY = ("company", "Company", "A business, such as a platform.")
    ORGANISATION = ("organisation", "Organisation", "An NGO, association, foundation or media outlet.")
