"""Country codes: ISO 3166-1 alpha-2, alpha-3 and numeric codes by country name.

Datasets name countries their own way ("Democratic Republic of Congo",
"Myanmar (Burma)", "eSwatini") and give codes of their own kind (ACLED's
numeric ``iso``, the HDX ``iso3``). This table turns any of them into the
alpha-2 code places carry, so that an imported "Libya" is the report's Libya.

The names and codes are GeoNames' country list (CC BY 4.0, geonames.org),
with the spellings ACLED and UCDP use added after the official name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from tracker.names.normalize import normalize_name


class Country(NamedTuple):
    alpha2: str
    alpha3: str
    numeric: int
    name: str
    other_names: tuple[str, ...]


# alpha-2 | alpha-3 | numeric | GeoNames name | other spellings...
_TABLE = """\
AD|AND|20|Andorra
AE|ARE|784|United Arab Emirates
AF|AFG|4|Afghanistan
AG|ATG|28|Antigua and Barbuda
AI|AIA|660|Anguilla
AL|ALB|8|Albania
AM|ARM|51|Armenia
AN|ANT|530|Netherlands Antilles
AO|AGO|24|Angola
AQ|ATA|10|Antarctica
AR|ARG|32|Argentina
AS|ASM|16|American Samoa
AT|AUT|40|Austria
AU|AUS|36|Australia
AW|ABW|533|Aruba
AX|ALA|248|Aland Islands
AZ|AZE|31|Azerbaijan
BA|BIH|70|Bosnia and Herzegovina|Bosnia-Herzegovina
BB|BRB|52|Barbados
BD|BGD|50|Bangladesh
BE|BEL|56|Belgium
BF|BFA|854|Burkina Faso
BG|BGR|100|Bulgaria
BH|BHR|48|Bahrain
BI|BDI|108|Burundi
BJ|BEN|204|Benin
BL|BLM|652|Saint Barthelemy
BM|BMU|60|Bermuda
BN|BRN|96|Brunei|Brunei Darussalam
BO|BOL|68|Bolivia|Bolivia (Plurinational State of)
BQ|BES|535|Bonaire, Saint Eustatius and Saba
BR|BRA|76|Brazil
BS|BHS|44|Bahamas
BT|BTN|64|Bhutan
BV|BVT|74|Bouvet Island
BW|BWA|72|Botswana
BY|BLR|112|Belarus
BZ|BLZ|84|Belize
CA|CAN|124|Canada
CC|CCK|166|Cocos Islands
CD|COD|180|Democratic Republic of the Congo|Democratic Republic of Congo|DR Congo|DR Congo (Zaire)|Zaire
CF|CAF|140|Central African Republic
CG|COG|178|Republic of the Congo|Republic of Congo|Congo|Congo-Brazzaville
CH|CHE|756|Switzerland
CI|CIV|384|Ivory Coast|Cote d'Ivoire|Côte d’Ivoire
CK|COK|184|Cook Islands
CL|CHL|152|Chile
CM|CMR|120|Cameroon
CN|CHN|156|China
CO|COL|170|Colombia
CR|CRI|188|Costa Rica
CS|SCG|891|Serbia and Montenegro
CU|CUB|192|Cuba
CV|CPV|132|Cabo Verde|Cape Verde
CW|CUW|531|Curacao
CX|CXR|162|Christmas Island
CY|CYP|196|Cyprus
CZ|CZE|203|Czechia|Czech Republic
DE|DEU|276|Germany
DJ|DJI|262|Djibouti
DK|DNK|208|Denmark
DM|DMA|212|Dominica
DO|DOM|214|Dominican Republic
DZ|DZA|12|Algeria
EC|ECU|218|Ecuador
EE|EST|233|Estonia
EG|EGY|818|Egypt
EH|ESH|732|Western Sahara
ER|ERI|232|Eritrea
ES|ESP|724|Spain
ET|ETH|231|Ethiopia
FI|FIN|246|Finland
FJ|FJI|242|Fiji
FK|FLK|238|Falkland Islands
FM|FSM|583|Micronesia|Micronesia (Federated States of)
FO|FRO|234|Faroe Islands
FR|FRA|250|France
GA|GAB|266|Gabon
GB|GBR|826|United Kingdom|UK|Great Britain
GD|GRD|308|Grenada
GE|GEO|268|Georgia
GF|GUF|254|French Guiana
GG|GGY|831|Guernsey|Bailiwick of Guernsey
GH|GHA|288|Ghana
GI|GIB|292|Gibraltar
GL|GRL|304|Greenland
GM|GMB|270|Gambia|The Gambia
GN|GIN|324|Guinea
GP|GLP|312|Guadeloupe
GQ|GNQ|226|Equatorial Guinea
GR|GRC|300|Greece
GS|SGS|239|South Georgia and the South Sandwich Islands
GT|GTM|320|Guatemala
GU|GUM|316|Guam
GW|GNB|624|Guinea-Bissau
GY|GUY|328|Guyana
HK|HKG|344|Hong Kong
HM|HMD|334|Heard Island and McDonald Islands
HN|HND|340|Honduras
HR|HRV|191|Croatia
HT|HTI|332|Haiti
HU|HUN|348|Hungary
ID|IDN|360|Indonesia
IE|IRL|372|Ireland
IL|ISR|376|Israel
IM|IMN|833|Isle of Man
IN|IND|356|India
IO|IOT|86|British Indian Ocean Territory
IQ|IRQ|368|Iraq
IR|IRN|364|Iran|Iran (Islamic Republic of)
IS|ISL|352|Iceland
IT|ITA|380|Italy
JE|JEY|832|Jersey
JM|JAM|388|Jamaica
JO|JOR|400|Jordan
JP|JPN|392|Japan
KE|KEN|404|Kenya
KG|KGZ|417|Kyrgyzstan
KH|KHM|116|Cambodia|Cambodia (Kampuchea)
KI|KIR|296|Kiribati
KM|COM|174|Comoros
KN|KNA|659|Saint Kitts and Nevis
KP|PRK|408|North Korea|Democratic People's Republic of Korea
KR|KOR|410|South Korea|Republic of Korea|Korea, Republic of
KW|KWT|414|Kuwait
KY|CYM|136|Cayman Islands
KZ|KAZ|398|Kazakhstan
LA|LAO|418|Laos|Lao People's Democratic Republic
LB|LBN|422|Lebanon
LC|LCA|662|Saint Lucia
LI|LIE|438|Liechtenstein
LK|LKA|144|Sri Lanka
LR|LBR|430|Liberia
LS|LSO|426|Lesotho
LT|LTU|440|Lithuania
LU|LUX|442|Luxembourg
LV|LVA|428|Latvia
LY|LBY|434|Libya|Libyan Arab Jamahiriya|State of Libya
MA|MAR|504|Morocco
MC|MCO|492|Monaco
MD|MDA|498|Moldova|Republic of Moldova
ME|MNE|499|Montenegro
MF|MAF|663|Saint Martin
MG|MDG|450|Madagascar|Madagascar (Malagasy)
MH|MHL|584|Marshall Islands
MK|MKD|807|North Macedonia|Macedonia|Macedonia, FYR
ML|MLI|466|Mali
MM|MMR|104|Myanmar|Myanmar (Burma)|Burma
MN|MNG|496|Mongolia
MO|MAC|446|Macao
MP|MNP|580|Northern Mariana Islands
MQ|MTQ|474|Martinique
MR|MRT|478|Mauritania
MS|MSR|500|Montserrat
MT|MLT|470|Malta
MU|MUS|480|Mauritius
MV|MDV|462|Maldives
MW|MWI|454|Malawi
MX|MEX|484|Mexico
MY|MYS|458|Malaysia
MZ|MOZ|508|Mozambique
NA|NAM|516|Namibia
NC|NCL|540|New Caledonia
NE|NER|562|Niger
NF|NFK|574|Norfolk Island
NG|NGA|566|Nigeria
NI|NIC|558|Nicaragua
NL|NLD|528|The Netherlands|Netherlands
NO|NOR|578|Norway
NP|NPL|524|Nepal
NR|NRU|520|Nauru
NU|NIU|570|Niue
NZ|NZL|554|New Zealand
OM|OMN|512|Oman
PA|PAN|591|Panama
PE|PER|604|Peru
PF|PYF|258|French Polynesia
PG|PNG|598|Papua New Guinea
PH|PHL|608|Philippines
PK|PAK|586|Pakistan
PL|POL|616|Poland
PM|SPM|666|Saint Pierre and Miquelon
PN|PCN|612|Pitcairn
PR|PRI|630|Puerto Rico
PS|PSE|275|Palestinian Territory|Palestine|State of Palestine
PT|PRT|620|Portugal
PW|PLW|585|Palau
PY|PRY|600|Paraguay
QA|QAT|634|Qatar
RE|REU|638|Reunion
RO|ROU|642|Romania
RS|SRB|688|Serbia|Serbia (Yugoslavia)|Yugoslavia
RU|RUS|643|Russia|Russian Federation|Russia (Soviet Union)
RW|RWA|646|Rwanda
SA|SAU|682|Saudi Arabia
SB|SLB|90|Solomon Islands
SC|SYC|690|Seychelles
SD|SDN|729|Sudan
SE|SWE|752|Sweden
SG|SGP|702|Singapore
SH|SHN|654|Saint Helena
SI|SVN|705|Slovenia
SJ|SJM|744|Svalbard and Jan Mayen
SK|SVK|703|Slovakia
SL|SLE|694|Sierra Leone
SM|SMR|674|San Marino
SN|SEN|686|Senegal
SO|SOM|706|Somalia
SR|SUR|740|Suriname
SS|SSD|728|South Sudan
ST|STP|678|Sao Tome and Principe
SV|SLV|222|El Salvador
SX|SXM|534|Sint Maarten
SY|SYR|760|Syria|Syrian Arab Republic
SZ|SWZ|748|Eswatini|Swaziland|eSwatini|Kingdom of eSwatini (Swaziland)
TC|TCA|796|Turks and Caicos Islands
TD|TCD|148|Chad
TF|ATF|260|French Southern Territories
TG|TGO|768|Togo
TH|THA|764|Thailand
TJ|TJK|762|Tajikistan
TK|TKL|772|Tokelau
TL|TLS|626|Timor Leste|East Timor|Timor-Leste
TM|TKM|795|Turkmenistan
TN|TUN|788|Tunisia
TO|TON|776|Tonga
TR|TUR|792|Turkey|Türkiye
TT|TTO|780|Trinidad and Tobago
TV|TUV|798|Tuvalu
TW|TWN|158|Taiwan
TZ|TZA|834|Tanzania|United Republic of Tanzania
UA|UKR|804|Ukraine
UG|UGA|800|Uganda
UM|UMI|581|United States Minor Outlying Islands
US|USA|840|United States|United States of America|USA
UY|URY|858|Uruguay
UZ|UZB|860|Uzbekistan
VA|VAT|336|Vatican|Vatican City|Holy See
VC|VCT|670|Saint Vincent and the Grenadines
VE|VEN|862|Venezuela|Venezuela (Bolivarian Republic of)
VG|VGB|92|British Virgin Islands
VI|VIR|850|U.S. Virgin Islands
VN|VNM|704|Vietnam|Vietnam (North Vietnam)|Viet Nam
VU|VUT|548|Vanuatu
WF|WLF|876|Wallis and Futuna
WS|WSM|882|Samoa
XK|XKX|0|Kosovo
YE|YEM|887|Yemen|Yemen (North Yemen)
YT|MYT|175|Mayotte
ZA|ZAF|710|South Africa
ZM|ZMB|894|Zambia
ZW|ZWE|716|Zimbabwe|Zimbabwe (Rhodesia)
"""


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    out = []
    for line in _TABLE.splitlines():
        a2, a3, num, name, *others = line.split("|")
        out.append(Country(a2, a3, int(num), name, tuple(others)))
    return tuple(out)


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, Country], dict[str, Country], dict[int, Country], dict[str, Country]]:
    by_name: dict[str, Country] = {}
    by_a3: dict[str, Country] = {}
    by_num: dict[int, Country] = {}
    by_a2: dict[str, Country] = {}
    for c in countries():
        for n in (c.name, *c.other_names):
            by_name.setdefault(normalize_name(n), c)
        by_a3[c.alpha3] = c
        if c.numeric:
            by_num[c.numeric] = c
        by_a2[c.alpha2] = c
    return by_name, by_a3, by_num, by_a2


def find_country(name: str | None = None, numeric: str | None = None,
                 alpha3: str | None = None) -> Country | None:
    """The country named (any spelling) or coded; the name wins over the codes.

    >>> find_country("Myanmar (Burma)").alpha2
    'MM'
    >>> find_country(numeric="434").name
    'Libya'
    """
    by_name, by_a3, by_num, _ = _indexes()
    if name:
        found = by_name.get(normalize_name(name))
        if found is not None:
            return found
    if alpha3:
        found = by_a3.get(alpha3.strip().upper())
        if found is not None:
            return found
    if numeric:
        text = numeric.strip()
        if text.isdigit():
            return by_num.get(int(text))
    return None


def country_by_code(alpha2: str) -> Country | None:
    return _indexes()[3].get(alpha2.upper())


def country_code(text: str) -> str:
    """``LY``, ``ly``, ``LBY`` or a country's name in any spelling (``Libya``) -> ``LY``.

    A two-letter code the table lacks (``XK``) is taken as given; an unknown
    name is an :class:`~tracker.errors.UnknownName` with the nearest names.
    """
    from tracker.errors import UnknownName
    from tracker.names.suggest import closest

    value = text.strip()
    is_code = len(value) == 2 and value.isalpha()
    if is_code and country_by_code(value):
        return value.upper()
    found = find_country(value, alpha3=value if len(value) == 3 else None)
    if found is not None:
        return found.alpha2
    if is_code:
        return value.upper()
    choices = [(c.name, n) for c in countries() for n in (c.name, *c.other_names)]
    raise UnknownName("country", text, closest(text, choices))
