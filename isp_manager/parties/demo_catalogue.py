"""Names for the demo data: places in each Welsh council area (English and Welsh), the
bodies written at every scale, and the parts names are made from.

Population (thousands, rounded) weights how many schools, surgeries and charities an area
gets; `welsh_medium` is roughly the share of its schools teaching through Welsh.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    population: int
    welsh_medium: float
    places: tuple[tuple[str, str], ...]  # (English, Welsh); the same when there is one name


def _p(*names: str) -> tuple[tuple[str, str], ...]:
    """ "Canton/Treganna" -> ("Canton", "Treganna"); "Porthcawl" -> ("Porthcawl", "Porthcawl")."""
    return tuple((n.split("/")[0], n.split("/")[-1]) for n in names)


# fmt: off
AREAS: dict[str, Area] = {
    "la-blaenau-gwent": Area(67, 0.1, _p("Ebbw Vale/Glynebwy", "Tredegar", "Abertillery/Abertyleri",
                                         "Brynmawr/Bryn-mawr", "Blaina/Blaenau", "Cwm", "Nantyglo/Nant-y-glo")),
    "la-bridgend": Area(147, 0.12, _p("Bridgend/Pen-y-bont ar Ogwr", "Maesteg", "Porthcawl", "Pencoed",
                                      "Pyle/Y Pîl", "Ogmore Vale/Cwm Ogwr", "Brackla/Bracla",
                                      "Kenfig Hill/Mynydd Cynffig")),
    "la-caerphilly": Area(176, 0.15, _p("Caerphilly/Caerffili", "Blackwood/Coed-duon", "Bargoed",
                                        "Risca/Rhisga", "Ystrad Mynach", "Newbridge/Trecelyn",
                                        "Rhymney/Rhymni", "Bedwas", "Nelson/Ffos y Gerddinen")),
    "la-cardiff": Area(372, 0.17, _p("Canton/Treganna", "Llandaff/Llandaf", "Splott/Sblot", "Roath/Y Rhath",
                                     "Grangetown/Trelluest", "Whitchurch/Yr Eglwys Newydd", "Ely/Trelái",
                                     "Rumney/Tredelerch", "Llanishen/Llanisien", "Radyr/Radur",
                                     "Fairwater/Y Tyllgoed", "Rhiwbina/Rhiwbeina", "Pentwyn", "Cathays")),
    "la-carmarthenshire": Area(188, 0.6, _p("Carmarthen/Caerfyrddin", "Llanelli", "Ammanford/Rhydaman",
                                            "Burry Port/Porth Tywyn", "Llandovery/Llanymddyfri", "Llandeilo",
                                            "Newcastle Emlyn/Castellnewydd Emlyn", "Kidwelly/Cydweli",
                                            "Whitland/Hendy-gwyn", "St Clears/Sanclêr")),
    "la-ceredigion": Area(71, 0.75, _p("Aberystwyth", "Cardigan/Aberteifi", "Lampeter/Llanbedr Pont Steffan",
                                       "Aberaeron", "New Quay/Cei Newydd", "Tregaron", "Llandysul",
                                       "Borth/Y Borth")),
    "la-conwy": Area(114, 0.35, _p("Conwy", "Llandudno", "Colwyn Bay/Bae Colwyn", "Abergele", "Llanrwst",
                                   "Penmaenmawr", "Kinmel Bay/Bae Cinmel", "Betws-y-Coed")),
    "la-denbighshire": Area(96, 0.25, _p("Denbigh/Dinbych", "Rhyl/Y Rhyl", "Prestatyn", "Ruthin/Rhuthun",
                                         "Llangollen", "St Asaph/Llanelwy", "Corwen", "Rhuddlan")),
    "la-flintshire": Area(155, 0.08, _p("Mold/Yr Wyddgrug", "Flint/Y Fflint", "Buckley/Bwcle",
                                        "Connah's Quay/Cei Connah", "Shotton", "Holywell/Treffynnon",
                                        "Queensferry", "Saltney", "Broughton/Brychdyn")),
    "la-gwynedd": Area(117, 0.95, _p("Caernarfon", "Bangor", "Pwllheli", "Porthmadog", "Dolgellau",
                                     "Bala/Y Bala", "Blaenau Ffestiniog", "Bethesda", "Tywyn",
                                     "Criccieth/Cricieth")),
    "la-isle-of-anglesey": Area(69, 0.85, _p("Holyhead/Caergybi", "Llangefni", "Amlwch", "Beaumaris/Biwmares",
                                             "Menai Bridge/Porthaethwy", "Benllech", "Rhosneigr",
                                             "Llanfairpwll")),
    "la-merthyr-tydfil": Area(59, 0.1, _p("Merthyr Tydfil/Merthyr Tudful", "Aberfan", "Troedyrhiw",
                                          "Treharris", "Dowlais", "Pentrebach", "Gurnos")),
    "la-monmouthshire": Area(93, 0.08, _p("Abergavenny/Y Fenni", "Monmouth/Trefynwy", "Chepstow/Cas-gwent",
                                          "Caldicot/Cil-y-coed", "Usk/Brynbuga", "Magor/Magwyr",
                                          "Raglan/Rhaglan")),
    "la-neath-port-talbot": Area(142, 0.2, _p("Neath/Castell-nedd", "Port Talbot", "Briton Ferry/Llansawel",
                                              "Pontardawe", "Glynneath/Glyn-nedd", "Ystalyfera", "Baglan",
                                              "Sandfields/Traethmelyn", "Aberavon/Aberafan")),
    "la-newport": Area(159, 0.08, _p("Newport/Casnewydd", "Caerleon/Caerllion", "Bettws/Betws",
                                     "Pillgwenlly", "Maindee/Maendy", "Rogerstone/Tŷ-du", "Malpas",
                                     "Alway", "Llanwern")),
    "la-pembrokeshire": Area(123, 0.25, _p("Haverfordwest/Hwlffordd", "Pembroke/Penfro",
                                           "Pembroke Dock/Doc Penfro", "Milford Haven/Aberdaugleddau",
                                           "Tenby/Dinbych-y-pysgod", "Fishguard/Abergwaun", "Narberth/Arberth",
                                           "St Davids/Tyddewi", "Neyland")),
    "la-powys": Area(133, 0.3, _p("Newtown/Y Drenewydd", "Welshpool/Y Trallwng", "Brecon/Aberhonddu",
                                  "Llandrindod Wells/Llandrindod", "Builth Wells/Llanfair-ym-Muallt",
                                  "Machynlleth", "Llanidloes", "Ystradgynlais", "Crickhowell/Crucywel",
                                  "Knighton/Tref-y-clawdd", "Hay-on-Wye/Y Gelli Gandryll")),
    "la-rhondda-cynon-taf": Area(237, 0.2, _p("Pontypridd", "Aberdare/Aberdâr", "Tonypandy", "Porth/Y Porth",
                                              "Treorchy/Treorci", "Mountain Ash/Aberpennar", "Llantrisant",
                                              "Tonyrefail", "Ferndale/Glynrhedynog", "Hirwaun",
                                              "Talbot Green/Tonysguboriau")),
    "la-swansea": Area(238, 0.15, _p("Swansea/Abertawe", "Morriston/Treforys", "Sketty/Sgeti", "Gorseinon",
                                     "Clydach", "Pontarddulais", "Mumbles/Mwmbwls", "Gowerton/Tre-gŵyr",
                                     "Penlan", "Townhill", "Bonymaen/Bon-y-maen")),
    "la-torfaen": Area(92, 0.1, _p("Pontypool/Pont-y-pŵl", "Cwmbran/Cwmbrân", "Blaenavon/Blaenafon",
                                   "Abersychan", "Croesyceiliog", "Griffithstown")),
    "la-vale-of-glamorgan": Area(132, 0.12, _p("Barry/Y Barri", "Penarth", "Llantwit Major/Llanilltud Fawr",
                                               "Cowbridge/Y Bont-faen", "Dinas Powys", "Rhoose/Y Rhws",
                                               "Sully/Sili", "St Athan/Sain Tathan")),
    "la-wrexham": Area(135, 0.12, _p("Wrexham/Wrecsam", "Gresford/Gresffordd", "Rhosllanerchrugog",
                                     "Chirk/Y Waun", "Ruabon/Rhiwabon", "Brymbo", "Coedpoeth", "Cefn Mawr",
                                     "Gwersyllt")),
}

# Neighbourhood names, Welsh in form as so many are across Wales ("Ysgol Pen-y-bryn").
LOCALITY_FIRST = ("Bryn", "Pen-y-", "Cwm", "Maes-y-", "Coed", "Nant", "Pant-y-", "Tal-y-", "Glan-y-",
                  "Llwyn", "Ffynnon", "Heol-y-", "Gwaun", "Bron", "Tŷ", "Parc")
LOCALITY_SECOND = ("môr", "coed", "bryn", "nant", "garth", "wern", "celyn", "deri", "fedw", "glyn",
                   "gwyn", "afon", "felin", "dderwen", "waun", "rhos", "onnen", "grug")

SAINTS = (("St Mary's", "y Santes Fair"), ("St David's", "Dewi Sant"), ("St Joseph's", "Sant Joseff"),
          ("St Teilo's", "Sant Teilo"), ("St Illtyd's", "Sant Illtud"), ("St Helen's", "Santes Helen"),
          ("St Cadoc's", "Sant Cadog"), ("St Michael's", "Sant Mihangel"), ("St Woolos", "Sant Gwynllyw"),
          ("St Asaph's", "Sant Asaff"), ("St Dyfrig's", "Sant Dyfrig"), ("St Peter's", "Sant Pedr"))

FIRST_NAMES = ("Rhys", "Dafydd", "Gareth", "Owain", "Iwan", "Siôn", "Huw", "Emyr", "Geraint", "Aled",
               "Gruffydd", "Llŷr", "Cerys", "Siân", "Ffion", "Megan", "Carys", "Eleri", "Nia",
               "Rhiannon", "Angharad", "Lowri", "Catrin", "Bethan", "Gwenllian", "Elin", "Mererid",
               "James", "Sarah", "Emma", "David", "Michael", "Laura", "Rachel", "Thomas", "Oliver",
               "Chloe", "Hannah", "Daniel", "Claire", "Mark", "Helen", "Paul", "Joanne", "Aisha",
               "Mohammed", "Priya", "Tomasz", "Agnieszka", "Chen", "Kwame", "Fatima")
LAST_NAMES = ("Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Lewis", "Hughes", "Morgan",
              "Griffiths", "Edwards", "Owen", "Price", "Jenkins", "Rees", "Lloyd", "Powell", "Parry",
              "Pritchard", "Bowen", "Vaughan", "Llewellyn", "Pugh", "Prosser", "Probert", "Gwilym",
              "ap Iorwerth", "Watkins", "Howells", "Phillips", "Smith", "Taylor", "Brown", "Wilson",
              "Walker", "Green", "Hall", "Wood", "Clarke", "Harris", "James", "Khan", "Patel",
              "Nowak", "Okafor", "Ahmed")
# fmt: on

# fmt: off
# (code suffix, English, Welsh, council codes). Youth offending teams and fire and rescue
# authorities are on the reference register (welsh-public-bodies.csv), so they are not made up.
PROBATION_UNITS = [
    ("cardiff-and-vale", "Cardiff and Vale", "Caerdydd a'r Fro", ["la-cardiff", "la-vale-of-glamorgan"]),
    ("cwm-taf", "Cwm Taf Morgannwg", "Cwm Taf Morgannwg", ["la-bridgend", "la-merthyr-tydfil", "la-rhondda-cynon-taf"]),
    ("gwent", "Gwent", "Gwent", ["la-blaenau-gwent", "la-caerphilly", "la-monmouthshire", "la-newport", "la-torfaen"]),
    ("swansea-npt", "Swansea and Neath Port Talbot", "Abertawe a Chastell-nedd Port Talbot",
     ["la-swansea", "la-neath-port-talbot"]),
    ("dyfed-powys", "Dyfed-Powys", "Dyfed-Powys", ["la-carmarthenshire", "la-ceredigion", "la-pembrokeshire", "la-powys"]),
    ("north-wales", "North Wales", "Gogledd Cymru",
     ["la-isle-of-anglesey", "la-conwy", "la-denbighshire", "la-flintshire", "la-gwynedd", "la-wrexham"]),
]

# Bodies across the border that Welsh bodies share with (their nation is not Wales).
BORDER_BODIES = [
    ("countess-of-chester", "Countess of Chester Hospital NHS Foundation Trust", "nhs_foundation_trust",
     "england", ["la-flintshire", "la-wrexham"]),
]

COLLEGES = [
    ("cambria", "Coleg Cambria", "Coleg Cambria", ["la-flintshire", "la-wrexham"]),
    ("llandrillo-menai", "Grŵp Llandrillo Menai", "Grŵp Llandrillo Menai",
     ["la-conwy", "la-denbighshire", "la-gwynedd", "la-isle-of-anglesey"]),
    ("gwent", "Coleg Gwent", "Coleg Gwent", ["la-blaenau-gwent", "la-caerphilly", "la-monmouthshire", "la-newport", "la-torfaen"]),
    ("cardiff-vale", "Cardiff and Vale College", "Coleg Caerdydd a'r Fro", ["la-cardiff", "la-vale-of-glamorgan"]),
    ("y-cymoedd", "Coleg y Cymoedd", "Coleg y Cymoedd", ["la-rhondda-cynon-taf", "la-caerphilly"]),
    ("gwyr", "Gower College Swansea", "Coleg Gŵyr Abertawe", ["la-swansea"]),
    ("sir-gar", "Coleg Sir Gâr", "Coleg Sir Gâr", ["la-carmarthenshire"]),
    ("nptc", "NPTC Group of Colleges", "Grŵp Colegau NPTC", ["la-neath-port-talbot", "la-powys"]),
    ("pembrokeshire", "Pembrokeshire College", "Coleg Sir Benfro", ["la-pembrokeshire"]),
    ("bridgend", "Bridgend College", "Coleg Pen-y-bont", ["la-bridgend"]),
    ("merthyr", "The College Merthyr Tydfil", "Coleg Merthyr Tudful", ["la-merthyr-tydfil"]),
    ("ceredigion", "Coleg Ceredigion", "Coleg Ceredigion", ["la-ceredigion"]),
]

ALL_WALES_BODIES = [
    ("social-care-wales", "Social Care Wales", "Gofal Cymdeithasol Cymru"),
    ("ciw", "Care Inspectorate Wales", "Arolygiaeth Gofal Cymru"),
    ("estyn", "Estyn", "Estyn"),
    ("childrens-commissioner", "Children's Commissioner for Wales", "Comisiynydd Plant Cymru"),
    ("cafcass-cymru", "Cafcass Cymru", "Cafcass Cymru"),
    ("dhcw", "Digital Health and Care Wales", "Iechyd a Gofal Digidol Cymru"),
    ("heiw", "Health Education and Improvement Wales", "Addysg a Gwella Iechyd Cymru"),
    ("nwssp", "NHS Wales Shared Services Partnership", "Partneriaeth Cydwasanaethau GIG Cymru"),
    ("audit-wales", "Audit Wales", "Archwilio Cymru"),
    ("ombudsman", "Public Services Ombudsman for Wales", "Ombwdsmon Gwasanaethau Cyhoeddus Cymru"),
]

NATIONAL_CHARITIES = [
    ("barnardos", "Barnardo's Cymru", "Barnardo's Cymru"),
    ("nspcc", "NSPCC Cymru/Wales", "NSPCC Cymru"),
    ("action-for-children", "Action for Children Cymru", "Gweithredu dros Blant"),
    ("llamau", "Llamau", "Llamau"),
    ("tros-gynnal", "Tros Gynnal Plant", "Tros Gynnal Plant"),
    ("welsh-womens-aid", "Welsh Women's Aid", "Cymorth i Ferched Cymru"),
    ("children-in-wales", "Children in Wales", "Plant yng Nghymru"),
    ("age-cymru", "Age Cymru", "Age Cymru"),
    ("mind-cymru", "Mind Cymru", "Mind Cymru"),
    ("samaritans", "Samaritans Cymru", "Samariaid Cymru"),
    ("platfform", "Platfform", "Platfform"),
    ("wallich", "The Wallich", "The Wallich"),
    ("shelter", "Shelter Cymru", "Shelter Cymru"),
    ("carers-wales", "Carers Wales", "Gofalwyr Cymru"),
    ("voices-from-care", "Voices from Care Cymru", "Lleisiau o Ofal Cymru"),
    ("youth-cymru", "Youth Cymru", "Ieuenctid Cymru"),
    ("urdd", "Urdd Gobaith Cymru", "Urdd Gobaith Cymru"),
    ("mudiad-meithrin", "Mudiad Meithrin", "Mudiad Meithrin"),
]

# Shares of the local bodies that fill each scale (schools first: most of the register).
LOCAL_FAMILIES = (("school", 0.58), ("gp", 0.13), ("charity", 0.15), ("care", 0.08),
                  ("youth", 0.03), ("housing", 0.03))

SCHOOL_TYPES = (("primary", 0.70), ("secondary", 0.12), ("infant", 0.05), ("junior", 0.04),
                ("special", 0.02), ("faith", 0.07))
CHARITY_PATTERNS = (
    ("{town} Women's Aid", "Cymorth i Fenywod {town_cy}"),
    ("{town} Foodbank", "Banc Bwyd {town_cy}"),
    ("Mind {town}", "Mind {town_cy}"),
    ("Home-Start {town}", "Home-Start {town_cy}"),
    ("Citizens Advice {town}", "Cyngor ar Bopeth {town_cy}"),
    ("{town} Carers Centre", "Canolfan Gofalwyr {town_cy}"),
    ("{loc} Community Centre", "Canolfan Gymunedol {loc}"),
    ("{loc} Youth Club", "Clwb Ieuenctid {loc}"),
    ("{town} Family Centre", "Canolfan Deulu {town_cy}"),
    ("Menter Iaith {town_cy}", "Menter Iaith {town_cy}"),
    ("Cylch Meithrin {loc}", "Cylch Meithrin {loc}"),
    ("{town} Young Carers", "Gofalwyr Ifanc {town_cy}"),
)
# fmt: on
