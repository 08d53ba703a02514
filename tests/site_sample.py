"""A small hand-built Dataset for site tests that must not depend on the real events.yaml.

Facts follow /work/shared/SOURCES.md loosely; what matters here is the shape: several
countries, a law invoked by two events, quotes, a disputed date, year/month/day precision.
"""
from __future__ import annotations

from explainer.data.dates import PartialDate
from explainer.data.model import Actor, Country, Dataset, Event, Figure, Law, Quote, Source, StatusChange
from explainer.data.text import Text
from explainer.data.vocab import ActorKind, EventKind, LawStatus, TikTokStatus


def _t(text: str) -> Text:
    return Text.english(text)


def _d(text: str) -> PartialDate:
    return PartialDate.parse(text)


HOSTILE_SUMMARY = "Click [here](javascript:alert(1)) or [there](JaVa%09ScRiPt:alert(2)). <script>alert(3)</script>"


def sample_dataset(hostile_title: str | None = None, occrp_url: str | None = None) -> Dataset:
    """A Dataset built by hand; `hostile_title` replaces one event's title and its summary
    becomes HOSTILE_SUMMARY (escaping tests); `occrp_url` replaces one source's address."""
    occrp = Source("occrp-kg", _t("Kyrgyzstan Blocks TikTok"), _t("OCCRP"),
                   occrp_url or "https://www.occrp.org/en/daily/18667-kyrgyzstan-blocks-tiktok",
                   author="Bektour Iskender", published=_d("2024-04-18"))
    cabar = Source("cabar-kz", _t("Kazakhstan Discusses TikTok Blocking"), _t("CABAR.asia"),
                   "https://cabar.asia/en/kazakhstan-discusses-tiktok-blocking", published=_d("2024-04"))
    rferl = Source("rferl-kg-law", _t("Kyrgyz false information law"), _t("RFE/RL"),
                   "https://www.rferl.org/a/kyrgyzstan-false-information-law/31425483.html")
    checked = _d("2024-12-31")
    kg = Country("KG", _t("Kyrgyzstan"), checked=checked, figures=(
        Figure(_t("Freedom on the Net score"), 48, _d("2024"), (occrp,), unit=_t("points out of 100")),))
    kz = Country("KZ", _t("Kazakhstan"), checked=checked)
    us = Country("US", _t("United States"), checked=checked)
    child = Law("kg-child-protection", _t("On measures to prevent harm to the health of children"),
                _t("Child-protection law"), kg,
                _t("Lets the authorities restrict content they judge **harmful** to children."),
                LawStatus.IN_FORCE, (occrp,), signed=_d("2023-08-14"))
    false_info = Law("kg-false-information", _t("On protection from unreliable (false) information"),
                     _t("False-information law"), kg, _t("Lets a ministry order removal of content."),
                     LawStatus.IN_FORCE, (rferl,), passed=_d("2021-07-28"), signed=_d("2021-08-24"),
                     date_dispute=_t("RFE/RL gives 24 August 2021; 24.kg implies 23 August."))
    gknb = Actor("gknb", _t("State Committee for National Security"), ActorKind.AUTHORITY,
                 _t("Security service of Kyrgyzstan"), country=kg)
    rector = Actor("rector", _t("Nurken Khalykbergen"), ActorKind.PERSON, _t("Rector of Miras University"),
                   country=kz, sources=(cabar,))
    events = (
        Event("kg-false-info-law", _d("2021"), _t("Kyrgyzstan adopts a false-information law"),
              _t("Parliament adopts a law on *false* information. See [RFE/RL](https://www.rferl.org/)."),
              EventKind.LAW_SIGNED, (kg,), (rferl,), laws=(false_info,)),
        Event("kg-child-law-signed", _d("2023-08-14"), _t("Child-protection amendments signed"),
              _t("The president signs amendments to the child-protection law."),
              EventKind.LAW_SIGNED, (kg,), (occrp,), laws=(child,)),
        Event("kz-rector-proposal", _d("2024-04"), _t("A rector proposes blocking TikTok"),
              _t("A university rector asks for TikTok to be blocked."), EventKind.PROPOSAL, (kz,), (cabar,),
              actors=(rector,), quotes=(Quote(_t("TikTok harms children"), rector, cabar),),
              tiktok_status=(StatusChange(kz, TikTokStatus.UNDER_DISCUSSION),),
              date_note=_t("The source says only April 2024.")),
        Event("kg-gknb-order", _d("2024-04-16"),
              _t(hostile_title or "Security service orders providers to block TikTok"),
              _t(HOSTILE_SUMMARY if hostile_title
                 else "The GKNB instructs providers to cut access, citing the child-protection law."),
              EventKind.ORDER, (kg,), (occrp,), laws=(child,), actors=(gknb,),
              date_dispute=_t("Some later sources give 17 April.")),
        Event("kg-block", _d("2024-04-18"), _t("TikTok stops working in Kyrgyzstan"),
              _t("Users lose access to TikTok."), EventKind.BLOCK, (kg,), (occrp,), laws=(child,),
              tiktok_status=(StatusChange(kg, TikTokStatus.BLOCKED),)),
        Event("us-divest-law", _d("2024-04-24"), _t("US law orders TikTok's owner to divest"),
              _t("The president signs a law requiring a sale or a ban."), EventKind.LAW_SIGNED, (us,), (cabar,),
              tiktok_status=(StatusChange(us, TikTokStatus.ORDERED_TO_DIVEST),)),
    )
    return Dataset(
        countries={"KG": kg, "KZ": kz, "US": us},
        laws={law.slug: law for law in (child, false_info)},
        actors={actor.slug: actor for actor in (gknb, rector)},
        sources={source.slug: source for source in (occrp, cabar, rferl)},
        events=events,
    )
