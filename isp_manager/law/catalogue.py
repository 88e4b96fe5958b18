"""The statutory catalogues the product encodes, as data.

One file a lawyer can review: every entry has its code (used everywhere else in the
code, the database and the API), its citation in English and in Welsh, and its English and
Welsh labels.
Entries marked `verify=True` were not checked against the statute's own wording and are
kept here, in one place, so that a change is one edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provision:
    code: str
    citation: str
    en: str
    cy: str
    statute_letter: str | None = None  # where the statute's own lettering differs from the guide's
    verify: bool = False
    extra: dict = field(default_factory=dict)
    citation_cy: str = ""  # the Welsh citation: "Deddf Plant 2004, a.28(1)(a)"
    # Where the provision sits in a different subsection for each kind of request (the s.164
    # grounds: s.164(1)(a) for co-operation, s.164(3)(a) for information): kind -> (en, cy).
    citations_by_kind: dict = field(default_factory=dict)

    def label(self, locale: str = "en") -> str:
        return self.cy if locale == "cy" else self.en

    def citation_for(self, locale: str = "en", kind: str | None = None) -> str:
        """The citation in the page's language ("s." is "a." for adran in Welsh); for the kind
        of request given, the subsection that applies to it."""
        if kind is not None and str(kind) in self.citations_by_kind:
            en, cy = self.citations_by_kind[str(kind)]
            return cy if locale == "cy" else en
        return self.citation_cy if locale == "cy" and self.citation_cy else self.citation

    def section_for(self, locale: str = "en", kind: str | None = None) -> str:
        """The citation without the Act's name, for a column headed by the Act:
        "s.162(4)(a)" (Welsh "a.162(4)(a)"); the whole citation when it names no Act first."""
        citation = self.citation_for(locale, kind)
        act, sep, section = citation.partition(", ")
        return section if sep and section[:2] in ("s.", "a.") else citation


class Catalogue:
    """An ordered set of provisions, looked up by code."""

    def __init__(self, name: str, entries: list[Provision]):
        self.name = name
        self.entries = tuple(entries)
        self._by_code = {e.code: e for e in entries}
        if len(self._by_code) != len(entries):
            raise ValueError(f"duplicate code in catalogue {name}")

    def __iter__(self):
        return iter(self.entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Provision:
        return self._by_code[code]

    def get(self, code: str | None) -> Provision | None:
        return self._by_code.get(code) if code else None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def choices(self, locale: str = "en") -> list[tuple[str, str]]:
        return [(e.code, e.label(locale)) for e in self.entries]


# Children Act 2004, s.28(1): bodies with a duty to safeguard and promote welfare (Wales).
# Letters follow the Welsh Government guide; statute_letter gives the Act's own lettering.
S28 = Catalogue(
    "s28",
    [
        Provision(
            "s28-a",
            "Children Act 2004, s.28(1)(a)",
            "The local authority",
            "Yr awdurdod lleol",
            "a",
            citation_cy="Deddf Plant 2004, a.28(1)(a)",
        ),
        Provision(
            "s28-b",
            "Children Act 2004, s.28(1)(b)",
            "A Local Health Board",
            "Bwrdd Iechyd Lleol",
            "b",
            citation_cy="Deddf Plant 2004, a.28(1)(b)",
        ),
        Provision(
            "s28-c",
            "Children Act 2004, s.28(1)(c)",
            "An NHS trust all or most of whose hospitals, establishments and facilities are in Wales",
            "Ymddiriedolaeth GIG y mae ei holl ysbytai, sefydliadau a chyfleusterau, neu'r rhan fwyaf ohonynt, yng Nghymru",
            "c",
            citation_cy="Deddf Plant 2004, a.28(1)(c)",
        ),
        Provision(
            "s28-d",
            "Children Act 2004, s.28(1)(d)",
            "The local policing body and chief officer of police for a police area in Wales",
            "Y corff plismona lleol a phrif swyddog yr heddlu ar gyfer ardal heddlu yng Nghymru",
            "d",
            citation_cy="Deddf Plant 2004, a.28(1)(d)",
        ),
        Provision(
            "s28-e",
            "Children Act 2004, s.28(1)(e)",
            "The National Crime Agency",
            "Yr Asiantaeth Troseddu Genedlaethol",
            "e",
            citation_cy="Deddf Plant 2004, a.28(1)(e)",
        ),
        Provision(
            "s28-f",
            "Children Act 2004, s.28(1)(ea)",
            "The British Transport Police Authority, so far as exercising functions in relation to Wales",
            "Awdurdod Heddlu Trafnidiaeth Prydain, i'r graddau y mae'n arfer swyddogaethau mewn perthynas â Chymru",
            "ea",
            citation_cy="Deddf Plant 2004, a.28(1)(ea)",
        ),
        Provision(
            "s28-g",
            "Children Act 2004, s.28(1)(f)",
            "A local probation board for an area in Wales",
            "Bwrdd prawf lleol ar gyfer ardal yng Nghymru",
            "f",
            citation_cy="Deddf Plant 2004, a.28(1)(f)",
        ),
        Provision(
            "s28-h",
            "Children Act 2004, s.28(1)(fa)",
            "The Secretary of State, in discharging functions under sections 2 and 3 of the Offender Management Act 2007, so far as exercisable in relation to Wales",
            "Yr Ysgrifennydd Gwladol, wrth gyflawni swyddogaethau o dan adrannau 2 a 3 o Ddeddf Rheoli Troseddwyr 2007, i'r graddau y maent yn arferadwy mewn perthynas â Chymru",
            "fa",
            citation_cy="Deddf Plant 2004, a.28(1)(fa)",
        ),
        Provision(
            "s28-i",
            "Children Act 2004, s.28(1)(g)",
            "A youth offending team for an area in Wales",
            "Tîm troseddau ieuenctid ar gyfer ardal yng Nghymru",
            "g",
            citation_cy="Deddf Plant 2004, a.28(1)(g)",
        ),
        Provision(
            "s28-j",
            "Children Act 2004, s.28(1)(h)",
            "The governor of a prison or secure training centre in Wales (or its director, if contracted out)",
            "Llywodraethwr carchar neu ganolfan hyfforddi ddiogel yng Nghymru (neu ei gyfarwyddwr, os yw wedi'i gontractio allan)",
            "h",
            citation_cy="Deddf Plant 2004, a.28(1)(h)",
        ),
        Provision(
            "s28-k",
            "Children Act 2004, s.28(1)(ha)",
            "The principal of a secure college in Wales",
            "Pennaeth coleg diogel yng Nghymru",
            "ha",
            citation_cy="Deddf Plant 2004, a.28(1)(ha)",
        ),
        Provision(
            "s28-l",
            "Children Act 2004, s.28(1)(i)",
            "A person providing services under arrangements made by a Welsh local authority under s.123(1)(b) Learning and Skills Act 2000 (youth support services)",
            "Person sy'n darparu gwasanaethau o dan drefniadau a wnaed gan awdurdod lleol yng Nghymru o dan a.123(1)(b) o Ddeddf Dysgu a Sgiliau 2000 (gwasanaethau cymorth ieuenctid)",
            "i",
            citation_cy="Deddf Plant 2004, a.28(1)(i)",
        ),
    ],
)

# Social Services and Well-being (Wales) Act 2014, s.162(4): relevant partners of a local
# authority X. `extra["reason"]` is how the product explains why a body is a partner of X.
RELEVANT_PARTNER = Catalogue(
    "relevant_partner",
    [
        Provision(
            "rp-a",
            "SSWBA 2014, s.162(4)(a)",
            "The local policing body and chief officer of police for a police area any part of which falls within the local authority's area",
            "Y corff plismona lleol a phrif swyddog yr heddlu ar gyfer ardal heddlu y mae unrhyw ran ohoni o fewn ardal yr awdurdod lleol",
            extra={
                "reason_en": "police area includes {area}",
                "reason_cy": "mae ardal yr heddlu yn cynnwys {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(a)",
        ),
        Provision(
            "rp-b",
            "SSWBA 2014, s.162(4)(b)",
            "Any other local authority with which the authority agrees that it would be appropriate to co-operate",
            "Unrhyw awdurdod lleol arall y mae'r awdurdod yn cytuno y byddai'n briodol cydweithredu ag ef",
            extra={
                "reason_en": "co-operation agreed on {date}",
                "reason_cy": "cytunwyd i gydweithredu ar {date}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(b)",
        ),
        Provision(
            "rp-c",
            "SSWBA 2014, s.162(4)(c)",
            "The Secretary of State, discharging functions under sections 2 and 3 of the Offender Management Act 2007 in relation to Wales",
            "Yr Ysgrifennydd Gwladol, wrth gyflawni swyddogaethau o dan adrannau 2 a 3 o Ddeddf Rheoli Troseddwyr 2007 mewn perthynas â Chymru",
            extra={
                "reason_en": "offender management functions in relation to Wales, including {area}",
                "reason_cy": "swyddogaethau rheoli troseddwyr mewn perthynas â Chymru, gan gynnwys {area}",
                "limit_en": "Only when discharging functions under sections 2 and 3 of the Offender Management Act 2007",
                "limit_cy": "Dim ond wrth gyflawni swyddogaethau o dan adrannau 2 a 3 o Ddeddf Rheoli Troseddwyr 2007",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(c)",
        ),
        Provision(
            "rp-d",
            "SSWBA 2014, s.162(4)(d)",
            "A provider of probation services required by arrangements under s.3(2) Offender Management Act 2007 to act as a relevant partner of the authority",
            "Darparwr gwasanaethau prawf y mae'n ofynnol iddo, drwy drefniadau o dan a.3(2) o Ddeddf Rheoli Troseddwyr 2007, weithredu fel partner perthnasol i'r awdurdod",
            extra={
                "reason_en": "probation services provider for {area}",
                "reason_cy": "darparwr gwasanaethau prawf ar gyfer {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(d)",
        ),
        Provision(
            "rp-e",
            "SSWBA 2014, s.162(4)(e)",
            "A Local Health Board for an area any part of which falls within the local authority's area",
            "Bwrdd Iechyd Lleol ar gyfer ardal y mae unrhyw ran ohoni o fewn ardal yr awdurdod lleol",
            extra={
                "reason_en": "health board area includes {area}",
                "reason_cy": "mae ardal y bwrdd iechyd yn cynnwys {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(e)",
        ),
        Provision(
            "rp-f",
            "SSWBA 2014, s.162(4)(f)",
            "An NHS trust providing services in the local authority's area",
            "Ymddiriedolaeth GIG sy'n darparu gwasanaethau yn ardal yr awdurdod lleol",
            extra={
                "reason_en": "provides services in {area}",
                "reason_cy": "mae'n darparu gwasanaethau yn ardal {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(f)",
        ),
        Provision(
            "rp-g",
            "SSWBA 2014, s.162(4)(g)",
            "The Welsh Ministers, discharging functions under Part 2 of the Learning and Skills Act 2000",
            "Gweinidogion Cymru, wrth gyflawni swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000",
            extra={
                "reason_en": "Learning and Skills Act 2000 Part 2 functions for Wales, including {area}",
                "reason_cy": "swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000 ar gyfer Cymru, gan gynnwys {area}",
                "limit_en": "Only when discharging functions under Part 2 of the Learning and Skills Act 2000",
                "limit_cy": "Dim ond wrth gyflawni swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(g)",
        ),
        # Inserted by the Tertiary Education and Research (Wales) Act 2022, Sch.4 para 30. Its
        # wording and commencement have not been checked: probably the Commission for Tertiary
        # Education and Research (Medr), which acts for the whole of Wales.
        Provision(
            "rp-ga",
            "SSWBA 2014, s.162(4)(ga)",
            "The Commission for Tertiary Education and Research",
            "Y Comisiwn Addysg Drydyddol ac Ymchwil",
            verify=True,
            extra={
                "reason_en": "tertiary education and research functions for Wales, including {area}",
                "reason_cy": "swyddogaethau addysg drydyddol ac ymchwil ar gyfer Cymru, gan gynnwys {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(ga)",
        ),
        Provision(
            "rp-h",
            "SSWBA 2014, s.162(4)(h)",
            "A person, or a person of a description, specified by regulations",
            "Person, neu berson o ddisgrifiad, a bennir mewn rheoliadau",
            verify=True,
            extra={
                "reason_en": "specified by regulations for {area}",
                "reason_cy": "wedi'i bennu mewn rheoliadau ar gyfer {area}",
            },
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.162(4)(h)",
        ),
    ],
)

# s.164(2): who a local authority may ask for co-operation or information.
S164_WHO = Catalogue(
    "s164_who",
    [
        Provision(
            "s164-2-a",
            "SSWBA 2014, s.164(2)(a)",
            "A relevant partner of the requesting local authority",
            "Partner perthnasol i'r awdurdod lleol sy'n gwneud y cais",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(2)(a)",
        ),
        Provision(
            "s164-2-b",
            "SSWBA 2014, s.164(2)(b)",
            "A local authority, Local Health Board or NHS trust which is not a relevant partner of the requesting authority",
            "Awdurdod lleol, Bwrdd Iechyd Lleol neu Ymddiriedolaeth GIG nad yw'n bartner perthnasol i'r awdurdod sy'n gwneud y cais",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(2)(b)",
        ),
        Provision(
            "s164-2-c",
            "SSWBA 2014, s.164(2)(c)",
            "A youth offending team for an area any part of which falls within the requesting authority's area",
            "Tîm troseddau ieuenctid ar gyfer ardal y mae unrhyw ran ohoni o fewn ardal yr awdurdod sy'n gwneud y cais",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(2)(c)",
        ),
    ],
)

SSWBA = "SSWBA 2014"
SSWBA_CY = "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014"


def _s164(subsection: str) -> tuple[str, str]:
    """A citation of s.164 in English and Welsh: "SSWBA 2014, s.164(1)(a)" / "..., a.164(1)(a)"."""
    return f"{SSWBA}, s.164{subsection}", f"{SSWBA_CY}, a.164{subsection}"


# s.164(1) and (3): the two kinds of request, each with its own two grounds for not complying,
# and s.164(4): the duty to give written reasons for not complying. Codes are the request
# types of the API.
S164_PROVISIONS = Catalogue(
    "s164_provisions",
    [
        Provision(
            "co-operation",
            _s164("(1)")[0],
            "A request for the co-operation of the person asked",
            "Cais am gydweithrediad y person y gofynnir iddo",
            citation_cy=_s164("(1)")[1],
        ),
        Provision(
            "information",
            _s164("(3)")[0],
            "A request for the provision of information by the person asked",
            "Cais i'r person y gofynnir iddo ddarparu gwybodaeth",
            citation_cy=_s164("(3)")[1],
        ),
        Provision(
            "s164-4",
            _s164("(4)")[0],
            "A person who decides not to comply with a request must give the requesting local "
            "authority written reasons for the decision",
            "Rhaid i berson sy'n penderfynu peidio â chydymffurfio â chais roi rhesymau "
            "ysgrifenedig dros y penderfyniad i'r awdurdod lleol a wnaeth y cais",
            citation_cy=_s164("(4)")[1],
        ),
    ],
)
S164_REASONS_DUTY = S164_PROVISIONS["s164-4"]


def _ground(letter: str) -> dict:
    return {"co-operation": _s164(f"(1)({letter})"), "information": _s164(f"(3)({letter})")}


# s.164(1)(a)/(b) and (3)(a)/(b): the only two grounds on which the person asked may decline,
# cited by the kind of request (the codes are the same for both kinds). Without a kind, the
# citation names both subsections (for figures that count both kinds together).
S164_GROUNDS = Catalogue(
    "s164_grounds",
    [
        Provision(
            "s164-ground-a",
            f"{SSWBA}, s.164(1)(a) or (3)(a)",
            "Complying would be incompatible with the person's own duties",
            "Byddai cydymffurfio'n anghydnaws â dyletswyddau'r person ei hun",
            citation_cy=f"{SSWBA_CY}, a.164(1)(a) neu (3)(a)",
            citations_by_kind=_ground("a"),
        ),
        Provision(
            "s164-ground-b",
            f"{SSWBA}, s.164(1)(b) or (3)(b)",
            "Complying would otherwise have an adverse effect on the exercise of the person's functions",
            "Byddai cydymffurfio fel arall yn cael effaith andwyol ar arfer swyddogaethau'r person",
            citation_cy=f"{SSWBA_CY}, a.164(1)(b) neu (3)(b)",
            citations_by_kind=_ground("b"),
        ),
    ],
)

# Definitions the rules depend on. "NHS trust" in s.164(2)(b) takes the Act's own definition
# (SSWBA 2014, s.197(1)). VERIFY: that definition may name trusts established under the
# National Health Service Act 2006 (England) as well as under the National Health Service
# (Wales) Act 2006; it has not been checked. Until a lawyer confirms it, only trusts
# established in Wales are treated as NHS trusts: `extra["nations"]` lists the nations whose
# NHS trusts s.164(2)(b) reaches (add "england" here, and nowhere else, if the definition
# includes English trusts). An NHS foundation trust is never an NHS trust.
DEFINITIONS = Catalogue(
    "definitions",
    [
        Provision(
            "def-nhs-trust",
            "SSWBA 2014, s.197(1)",
            "NHS trust: a trust established in Wales; whether a trust established in England is included is to be confirmed. An NHS foundation trust is not an NHS trust",
            "Ymddiriedolaeth GIG: ymddiriedolaeth a sefydlwyd yng Nghymru; mae angen cadarnhau a yw ymddiriedolaeth a sefydlwyd yn Lloegr wedi'i chynnwys. Nid yw ymddiriedolaeth sefydledig GIG yn Ymddiriedolaeth GIG",
            verify=True,
            extra={"nations": ("wales",)},
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.197(1)",
        ),
    ],
)

SOCIAL_SERVICES_FUNCTIONS = Catalogue(
    "ss_functions",
    [
        Provision(
            "ssf-assessment",
            "SSWBA 2014, Part 3",
            "Assessing needs for care and support",
            "Asesu anghenion am ofal a chymorth",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, Rhan 3",
        ),
        Provision(
            "ssf-care-support",
            "SSWBA 2014, Part 4",
            "Meeting needs for care and support",
            "Diwallu anghenion am ofal a chymorth",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, Rhan 4",
        ),
        Provision(
            "ssf-looked-after",
            "SSWBA 2014, Part 6",
            "Looked after and accommodated children",
            "Plant sy'n derbyn gofal a phlant sy'n cael eu lletya",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, Rhan 6",
        ),
        Provision(
            "ssf-safeguarding",
            "SSWBA 2014, Part 7",
            "Safeguarding children and adults at risk",
            "Diogelu plant ac oedolion sy'n wynebu risg",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, Rhan 7",
        ),
        Provision(
            "ssf-other",
            "SSWBA 2014",
            "Another social services function (described in the request)",
            "Swyddogaeth gwasanaethau cymdeithasol arall (a ddisgrifir yn y cais)",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014",
        ),
    ],
)

# s.137: what the information a Safeguarding Board asks for relates to.
S137_RELATES = Catalogue(
    "s137_relates",
    [
        Provision(
            "s137-a",
            "SSWBA 2014, s.137(3)(a)",
            "The qualifying person or body to whom the request is made",
            "Y person neu'r corff cymhwysol y gwneir y cais iddo",
            verify=True,
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.137(3)(a)",
        ),
        Provision(
            "s137-b",
            "SSWBA 2014, s.137(3)(b)",
            "A function or activity of that person or body",
            "Un o swyddogaethau neu weithgareddau'r person neu'r corff hwnnw",
            verify=True,
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.137(3)(b)",
        ),
        Provision(
            "s137-c",
            "SSWBA 2014, s.137(3)(c)",
            "A person exercising or engaged in a function or activity of that person or body",
            "Person sy'n arfer neu'n ymwneud ag un o swyddogaethau neu weithgareddau'r person neu'r corff hwnnw",
            verify=True,
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.137(3)(c)",
        ),
    ],
)

# UK GDPR Article 6(1). `extra["public_authority_task"] = False` marks a basis a public
# authority cannot use for its tasks (Art. 6(1) last paragraph; for 6(1)(ea), inserted by s.70
# Data (Use and Access) Act 2025, verify). `extra["consent"]` marks consent.
ARTICLE6 = Catalogue(
    "article6",
    [
        Provision(
            "art6-1-a",
            "UK GDPR Art. 6(1)(a)",
            "Consent",
            "Caniatâd",
            extra={"consent": True},
            citation_cy="GDPR y DU Erthygl 6(1)(a)",
        ),
        Provision(
            "art6-1-b",
            "UK GDPR Art. 6(1)(b)",
            "Contract",
            "Contract",
            citation_cy="GDPR y DU Erthygl 6(1)(b)",
        ),
        Provision(
            "art6-1-c",
            "UK GDPR Art. 6(1)(c)",
            "Legal obligation",
            "Rhwymedigaeth gyfreithiol",
            citation_cy="GDPR y DU Erthygl 6(1)(c)",
        ),
        Provision(
            "art6-1-d",
            "UK GDPR Art. 6(1)(d)",
            "Vital interests",
            "Buddiannau hanfodol",
            citation_cy="GDPR y DU Erthygl 6(1)(d)",
        ),
        Provision(
            "art6-1-e",
            "UK GDPR Art. 6(1)(e)",
            "Public task",
            "Tasg gyhoeddus",
            citation_cy="GDPR y DU Erthygl 6(1)(e)",
        ),
        Provision(
            "art6-1-f",
            "UK GDPR Art. 6(1)(f)",
            "Legitimate interests (not available to public authorities for their tasks)",
            "Buddiannau dilys (nid yw ar gael i awdurdodau cyhoeddus ar gyfer eu tasgau)",
            extra={"public_authority_task": False},
            citation_cy="GDPR y DU Erthygl 6(1)(f)",
        ),
        Provision(
            "art6-1-ea",
            "UK GDPR Art. 6(1)(ea), Data (Use and Access) Act 2025",
            "Recognised legitimate interest (safeguarding vulnerable individuals)",
            "Buddiant dilys cydnabyddedig (diogelu unigolion agored i niwed)",
            verify=True,
            extra={"public_authority_task": False},
            citation_cy="GDPR y DU Erthygl 6(1)(ea), Deddf Data (Defnydd a Mynediad) 2025",
        ),
    ],
)

# UK GDPR Article 9(2), for special category data. `extra["needs_schedule1"]`: the condition
# is met only with a DPA 2018 Schedule 1 condition.
ARTICLE9 = Catalogue(
    "article9",
    [
        Provision(
            "art9-2-a",
            "UK GDPR Art. 9(2)(a)",
            "Explicit consent",
            "Caniatâd penodol",
            extra={"consent": True},
            citation_cy="GDPR y DU Erthygl 9(2)(a)",
        ),
        Provision(
            "art9-2-b",
            "UK GDPR Art. 9(2)(b)",
            "Employment and social protection",
            "Cyflogaeth ac amddiffyniad cymdeithasol",
            extra={"needs_schedule1": True},
            citation_cy="GDPR y DU Erthygl 9(2)(b)",
        ),
        Provision(
            "art9-2-c",
            "UK GDPR Art. 9(2)(c)",
            "Vital interests",
            "Buddiannau hanfodol",
            citation_cy="GDPR y DU Erthygl 9(2)(c)",
        ),
        Provision(
            "art9-2-d",
            "UK GDPR Art. 9(2)(d)",
            "Not-for-profit bodies",
            "Cyrff nid-er-elw",
            citation_cy="GDPR y DU Erthygl 9(2)(d)",
        ),
        Provision(
            "art9-2-e",
            "UK GDPR Art. 9(2)(e)",
            "Made public by the data subject",
            "Wedi'i wneud yn gyhoeddus gan destun y data",
            citation_cy="GDPR y DU Erthygl 9(2)(e)",
        ),
        Provision(
            "art9-2-f",
            "UK GDPR Art. 9(2)(f)",
            "Legal claims",
            "Hawliadau cyfreithiol",
            citation_cy="GDPR y DU Erthygl 9(2)(f)",
        ),
        Provision(
            "art9-2-g",
            "UK GDPR Art. 9(2)(g)",
            "Substantial public interest (with a DPA 2018 Schedule 1 Part 2 condition)",
            "Budd cyhoeddus sylweddol (gydag amod yn Rhan 2 o Atodlen 1 i Ddeddf Diogelu Data 2018)",
            extra={"needs_schedule1": True},
            citation_cy="GDPR y DU Erthygl 9(2)(g)",
        ),
        Provision(
            "art9-2-h",
            "UK GDPR Art. 9(2)(h)",
            "Health or social care",
            "Iechyd neu ofal cymdeithasol",
            extra={"needs_schedule1": True},
            citation_cy="GDPR y DU Erthygl 9(2)(h)",
        ),
        Provision(
            "art9-2-i",
            "UK GDPR Art. 9(2)(i)",
            "Public health",
            "Iechyd y cyhoedd",
            extra={"needs_schedule1": True},
            citation_cy="GDPR y DU Erthygl 9(2)(i)",
        ),
        Provision(
            "art9-2-j",
            "UK GDPR Art. 9(2)(j)",
            "Archiving, research and statistics",
            "Archifo, ymchwil ac ystadegau",
            extra={"needs_schedule1": True},
            citation_cy="GDPR y DU Erthygl 9(2)(j)",
        ),
    ],
)

# DPA 2018 Schedule 1 conditions offered in agreements, as data for the rules in lawful_basis.py:
# `extra["part"]` (1, 2 or 3); `extra["article9"]`, the Article 9(2) point the condition goes with
# (Part 1 paras 1-4: (b), (h), (i), (j); Part 2: (g); Part 3: None, for criminal offence data
# under Article 10); `extra["apd_required"]`, whether relying on it needs an appropriate policy
# document (Part 1 para 1 and Part 2, Sch.1 paras 1(1)(b) and 5; Part 3 para 36 by way of the Part
# 2 condition it extends); `extra["consent"]` marks a consent condition.
# verify=True: the title or the policy-document requirement was not checked against the Act
# (several Part 2 paragraphs dispense with the document in particular cases, e.g. para 10(3) for a
# disclosure to a competent authority: not modelled, the document is always asked for).
SCHEDULE1 = Catalogue(
    "schedule1",
    [
        Provision(
            "sch1-p1-para1",
            "DPA 2018 Sch.1 Pt.1 para 1",
            "Employment, social security and social protection",
            "Cyflogaeth, nawdd cymdeithasol ac amddiffyniad cymdeithasol",
            extra={"part": 1, "article9": "art9-2-b", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.1 para 1",
        ),
        Provision(
            "sch1-p1-para2",
            "DPA 2018 Sch.1 Pt.1 para 2",
            "Health or social care purposes",
            "Dibenion iechyd neu ofal cymdeithasol",
            extra={"part": 1, "article9": "art9-2-h", "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.1 para 2",
        ),
        Provision(
            "sch1-p1-para3",
            "DPA 2018 Sch.1 Pt.1 para 3",
            "Public health",
            "Iechyd y cyhoedd",
            extra={"part": 1, "article9": "art9-2-i", "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.1 para 3",
        ),
        Provision(
            "sch1-p1-para4",
            "DPA 2018 Sch.1 Pt.1 para 4",
            "Archiving, research and statistics",
            "Archifo, ymchwil ac ystadegau",
            extra={"part": 1, "article9": "art9-2-j", "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.1 para 4",
        ),
        Provision(
            "sch1-p2-para6",
            "DPA 2018 Sch.1 Pt.2 para 6",
            "Statutory and government purposes",
            "Dibenion statudol a llywodraethol",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 6",
        ),
        Provision(
            "sch1-p2-para7",
            "DPA 2018 Sch.1 Pt.2 para 7",
            "Administration of justice and parliamentary purposes",
            "Gweinyddu cyfiawnder a dibenion seneddol",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 7",
        ),
        Provision(
            "sch1-p2-para8",
            "DPA 2018 Sch.1 Pt.2 para 8",
            "Equality of opportunity or treatment",
            "Cyfle neu driniaeth gyfartal",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 8",
        ),
        Provision(
            "sch1-p2-para10",
            "DPA 2018 Sch.1 Pt.2 para 10",
            "Preventing or detecting unlawful acts",
            "Atal neu ganfod gweithredoedd anghyfreithlon",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 10",
        ),
        Provision(
            "sch1-p2-para11",
            "DPA 2018 Sch.1 Pt.2 para 11",
            "Protecting the public against dishonesty etc.",
            "Diogelu'r cyhoedd rhag anonestrwydd etc.",
            verify=True,
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 11",
        ),
        Provision(
            "sch1-p2-para12",
            "DPA 2018 Sch.1 Pt.2 para 12",
            "Regulatory requirements relating to unlawful acts and dishonesty etc.",
            "Gofynion rheoleiddiol sy'n ymwneud â gweithredoedd anghyfreithlon ac anonestrwydd etc.",
            verify=True,
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 12",
        ),
        Provision(
            "sch1-p2-para14",
            "DPA 2018 Sch.1 Pt.2 para 14",
            "Preventing fraud",
            "Atal twyll",
            verify=True,
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 14",
        ),
        Provision(
            "sch1-p2-para16",
            "DPA 2018 Sch.1 Pt.2 para 16",
            "Support for individuals with a particular disability or medical condition",
            "Cymorth i unigolion ag anabledd neu gyflwr meddygol penodol",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 16",
        ),
        Provision(
            "sch1-p2-para17",
            "DPA 2018 Sch.1 Pt.2 para 17",
            "Counselling etc.",
            "Cwnsela etc.",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 17",
        ),
        Provision(
            "sch1-p2-para18",
            "DPA 2018 Sch.1 Pt.2 para 18",
            "Safeguarding of children and of individuals at risk",
            "Diogelu plant ac unigolion sy'n wynebu risg",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 18",
        ),
        Provision(
            "sch1-p2-para19",
            "DPA 2018 Sch.1 Pt.2 para 19",
            "Safeguarding of economic well-being of certain individuals",
            "Diogelu llesiant economaidd unigolion penodol",
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 19",
        ),
        Provision(
            "sch1-p2-para24",
            "DPA 2018 Sch.1 Pt.2 para 24",
            "Disclosure to elected representatives",
            "Datgelu i gynrychiolwyr etholedig",
            verify=True,
            extra={"part": 2, "article9": "art9-2-g", "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.2 para 24",
        ),
        Provision(
            "sch1-p3-para29",
            "DPA 2018 Sch.1 Pt.3 para 29",
            "Consent",
            "Caniatâd",
            extra={"part": 3, "article9": None, "apd_required": False, "consent": True},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 29",
        ),
        Provision(
            "sch1-p3-para30",
            "DPA 2018 Sch.1 Pt.3 para 30",
            "Protecting individual's vital interests",
            "Diogelu buddiannau hanfodol unigolyn",
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 30",
        ),
        Provision(
            "sch1-p3-para31",
            "DPA 2018 Sch.1 Pt.3 para 31",
            "Processing by not-for-profit bodies",
            "Prosesu gan gyrff nid-er-elw",
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 31",
        ),
        Provision(
            "sch1-p3-para32",
            "DPA 2018 Sch.1 Pt.3 para 32",
            "Personal data in the public domain",
            "Data personol yn y parth cyhoeddus",
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 32",
        ),
        Provision(
            "sch1-p3-para33",
            "DPA 2018 Sch.1 Pt.3 para 33",
            "Legal claims",
            "Hawliadau cyfreithiol",
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 33",
        ),
        Provision(
            "sch1-p3-para34",
            "DPA 2018 Sch.1 Pt.3 para 34",
            "Judicial acts",
            "Gweithredoedd barnwrol",
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 34",
        ),
        Provision(
            "sch1-p3-para35",
            "DPA 2018 Sch.1 Pt.3 para 35",
            "Administration of accounts used in commission of indecency offences involving children",
            "Gweinyddu cyfrifon a ddefnyddir i gyflawni troseddau anwedduster sy'n ymwneud â phlant",
            verify=True,
            extra={"part": 3, "article9": None, "apd_required": False},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 35",
        ),
        Provision(
            "sch1-p3-para36",
            "DPA 2018 Sch.1 Pt.3 para 36",
            "Extension of conditions in Part 2 referring to substantial public interest",
            "Estyn amodau yn Rhan 2 sy'n cyfeirio at fudd cyhoeddus sylweddol",
            verify=True,
            extra={"part": 3, "article9": None, "apd_required": True},
            citation_cy="DDD 2018 Atod.1 Rh.3 para 36",
        ),
    ],
)

# DPA 2018 Sch.1 para 18(2): why consent is not the basis, one of which must be recorded.
PARA18_REASONS = Catalogue(
    "para18_reasons",
    [
        Provision(
            "para18-2-a",
            "DPA 2018 Sch.1 para 18(2)(a)",
            "In the circumstances, consent cannot be given by the data subject",
            "O dan yr amgylchiadau, ni all testun y data roi caniatâd",
            citation_cy="DDD 2018 Atod.1 para 18(2)(a)",
        ),
        Provision(
            "para18-2-b",
            "DPA 2018 Sch.1 para 18(2)(b)",
            "In the circumstances, the controller cannot reasonably be expected to obtain the data subject's consent",
            "O dan yr amgylchiadau, ni ellir disgwyl yn rhesymol i'r rheolydd gael caniatâd testun y data",
            citation_cy="DDD 2018 Atod.1 para 18(2)(b)",
        ),
        Provision(
            "para18-2-c",
            "DPA 2018 Sch.1 para 18(2)(c)",
            "Obtaining the data subject's consent would prejudice the provision of the protection",
            "Byddai cael caniatâd testun y data yn niweidio'r gwaith o ddarparu'r amddiffyniad",
            citation_cy="DDD 2018 Atod.1 para 18(2)(c)",
        ),
    ],
)

# Statutory powers an agreement may rely on (the legislative section of an ISP).
LEGAL_POWERS = Catalogue(
    "legal_powers",
    [
        Provision(
            "power-s164",
            "SSWBA 2014, s.164",
            "Duty to co-operate and provide information (social services functions)",
            "Dyletswydd i gydweithredu a darparu gwybodaeth (swyddogaethau gwasanaethau cymdeithasol)",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164",
        ),
        Provision(
            "power-s137",
            "SSWBA 2014, s.137",
            "Safeguarding Board requests for information",
            "Ceisiadau Bwrdd Diogelu am wybodaeth",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.137",
        ),
        Provision(
            "power-s130",
            "SSWBA 2014, s.130",
            "Duty to report children at risk",
            "Dyletswydd i adrodd am blant sy'n wynebu risg",
            citation_cy="Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.130",
        ),
        Provision(
            "power-s28-ca2004",
            "Children Act 2004, s.28",
            "Duty to safeguard and promote the welfare of children",
            "Dyletswydd i ddiogelu a hybu llesiant plant",
            citation_cy="Deddf Plant 2004, a.28",
        ),
        Provision(
            "power-s47-ca1989",
            "Children Act 1989, s.47",
            "Local authority's duty to investigate",
            "Dyletswydd yr awdurdod lleol i ymchwilio",
            citation_cy="Deddf Plant 1989, a.47",
        ),
        Provision(
            "power-s115-cda1998",
            "Crime and Disorder Act 1998, s.115",
            "Disclosure of information to prevent crime and disorder",
            "Datgelu gwybodaeth i atal trosedd ac anhrefn",
            citation_cy="Deddf Trosedd ac Anhrefn 1998, a.115",
        ),
    ],
)


# Relevant partners only in discharging certain functions (s.162(4)(c) and (g)): a request to
# one under s.164(2)(a) says which of those functions it concerns. Codes are the
# relevant-partner categories.
LIMITED_PARTNER_FUNCTIONS = Catalogue(
    "limited_partner_functions",
    [
        Provision(
            "rp-c",
            "Offender Management Act 2007, ss.2-3",
            "Functions under sections 2 and 3 of the Offender Management Act 2007",
            "Swyddogaethau o dan adrannau 2 a 3 o Ddeddf Rheoli Troseddwyr 2007",
            citation_cy="Deddf Rheoli Troseddwyr 2007, a.2-3",
        ),
        Provision(
            "rp-g",
            "Learning and Skills Act 2000, Part 2",
            "Functions under Part 2 of the Learning and Skills Act 2000",
            "Swyddogaethau o dan Ran 2 o Ddeddf Dysgu a Sgiliau 2000",
            citation_cy="Deddf Dysgu a Sgiliau 2000, Rhan 2",
        ),
    ],
)


def all_catalogues() -> list[Catalogue]:
    """Every catalogue in this module, in the order they are written: the law catalogue page
    lists them all, so a catalogue added here appears there with no other change."""
    return [value for value in globals().values() if isinstance(value, Catalogue)]


def find_provision(code: str | None) -> Provision | None:
    """The provision with this code in any catalogue ("art6-1-e"), or written with its
    catalogue's name ("article6:art6-1-e"); None for anything else."""
    if not isinstance(code, str) or not code:
        return None
    name, sep, rest = code.partition(":")
    catalogues = all_catalogues()
    if sep:
        catalogues, code = [c for c in catalogues if c.name == name], rest
    return next((c[code] for c in catalogues if code in c), None)


def describe(code: str | None, locale: str = "en") -> str | None:
    """A code as a person reads it: its label and its citation, "Public task (UK GDPR Art.
    6(1)(e))"; None when it is no catalogue's code."""
    entry = find_provision(code)
    if entry is None:
        return None
    return f"{entry.label(locale)} ({entry.citation_for(locale)})"


def label(catalogue: Catalogue, code: str | None, locale: str = "en") -> str:
    """The label of a code in the given language, or the code itself if it is unknown."""
    entry = catalogue.get(code)
    return entry.label(locale) if entry else (code or "")
