"""Generic vocabulary of US school accounts: no district's facts live here.

Abbreviations every school uses, sport short forms, words of affiliated
organisations and of fan accounts, common mascots, the words many schools'
names are made of (a bare "Liberty Middle School" exists in many states), and
the US states. District-specific words (its schools, aliases, mascots, towns)
come from the profile at run time.
"""

from __future__ import annotations

# Short forms and their expansion; applied to words, never inside words.
ABBREVIATIONS: dict[str, str] = {
    "hs": "high school",
    "ms": "middle school",
    "jhs": "junior high school",
    "jh": "junior high",
    "elem": "elementary",
    "el": "elementary",
    "sch": "school",
    "schl": "school",
    "schools": "school",
    "sd": "school district",
    "isd": "school district",
    "usd": "school district",
    "jsd": "school district",  # a joint school district ('Bitterroot Plains JSD 341')
    "cusd": "school district",
    "jusd": "school district",
    "ps": "public school",
    "pub": "public",
    "dist": "district",
    "ctr": "center",
    "acad": "academy",
    "mid": "middle",
    "vb": "volleyball",
    "vball": "volleyball",
    "gvb": "girls volleyball",
    "bvb": "boys volleyball",
    "bb": "basketball",
    "bball": "basketball",
    "hoops": "basketball",
    "gbb": "girls basketball",
    "bbb": "boys basketball",
    "wbb": "girls basketball",
    "mbb": "boys basketball",
    "fb": "football",
    "fball": "football",
    "gridiron": "football",
    "xc": "cross country",
    "sb": "softball",
    "bsb": "baseball",
    "tf": "track",
    "tnf": "track",
    "trackandfield": "track",
    "wrest": "wrestling",
    "hky": "hockey",
    "swim": "swimming",
    "swimdive": "swimming diving",
    "athletics": "athletics",
    "athl": "athletics",
    "orch": "orchestra",
    "med": "medicine",
    "sportsmed": "sports medicine",
    "theatre": "drama",
    "theater": "drama",
    "esport": "esports",
    "pe": "physical education",
    "sped": "special education",
    "admin": "administration",
    # the sports and programs bilingual schools' accounts name in Spanish ('Voleibol Femenil')
    "voleibol": "volleyball",
    "baloncesto": "basketball",
    "basquetbol": "basketball",
    "basquet": "basketball",
    "beisbol": "baseball",
    "softbol": "softball",
    "porristas": "cheer",
    "atletismo": "track",
    "natacion": "swimming",
    "lucha": "wrestling",
    "tenis": "tennis",
    "femenil": "girls",
    "varonil": "boys",
}


# Spanish, as bilingual districts and families write school names and bios ('Escuela Primaria
# Esperanza', 'Escuelas del Condado de Peach', 'Distrito Escolar Independiente de ...'): the
# words that say no more than 'school', 'of' or 'the' in English.
SPANISH_GENERIC = frozenset(
    "de del la las los el y en para con su sus nuestra nuestras nuestro nuestros escuela escuelas "
    "escolar distrito condado centro academia programa publica publicas oficial cuenta equipo "
    "estudiantes familias familia padres comunidad noticias bienvenidos bienvenidas somos".split()
)
# Everyday words of a Spanish school bio: known words, so they are no other place's name.
SPANISH_WORDS = SPANISH_GENERIC | frozenset(
    "primaria primarias secundaria secundarias preparatoria prepa intermedia elemental inmersion "
    "dual bilingue idioma idiomas ingles espanol clases talleres apoyo maestros maestras deportes "
    "futbol baloncesto beisbol voleibol banda porristas ninos ninas aprender juntos futuro".split()
)
# Everyday words of a French school or club bio (Franco-American and Acadian districts, French
# immersion programs): known words, so they are no other place's name ('Le Club Français').
FRENCH_GENERIC = frozenset(
    "le la les de du des et en pour avec notre nos votre ecole ecoles club cercle equipe eleves "
    "etudiants parents familles association bienvenue".split()
)
FRENCH_WORDS = FRENCH_GENERIC | frozenset(
    "francais francaise franco americain americaine acadien acadienne lycee primaire secondaire "
    "langue immersion soiree crepes fete patrimoine".split()
)
# The Spanish heads that come BEFORE a name, by the English type that comes after it
# ('Pine Ridge Elementary School' -> 'Escuela Primaria Pine Ridge'); longest type first. Not
# the bare level ('Preparatoria Riverton Valley'): a fuzzy name ('Riverton Valley Preps') would
# take it for the school. 'Secundaria' is a middle school in some districts' Spanish, a high
# school in others'.
SPANISH_HEADS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("junior high school", ("escuela secundaria",)),
    ("elementary school", ("escuela primaria", "escuela elemental")),
    ("elementary", ("escuela primaria",)),
    ("middle school", ("escuela intermedia", "escuela secundaria")),
    ("high school", ("escuela secundaria", "escuela preparatoria")),
    ("independent school district", ("distrito escolar independiente de",)),
    ("unified school district", ("distrito escolar unificado de",)),
    ("school district", ("distrito escolar de", "distrito escolar")),
    ("public school", ("escuelas publicas de",)),
    ("school", ("escuelas de", "escuela")),
    ("academy", ("academia",)),
)
# A county in Spanish: 'Peach County' -> 'Condado de Peach' ('Escuelas del Condado de Peach').
SPANISH_COUNTY = ("condado de", "del condado de")
# US states whose Spanish name is not the English one ('Carolina del Sur').
SPANISH_STATES: dict[str, str] = {
    "carolina del sur": "SC",
    "carolina del norte": "NC",
    "dakota del sur": "SD",
    "dakota del norte": "ND",
    "nuevo mexico": "NM",
    "nueva york": "NY",
    "nueva jersey": "NJ",
    "nuevo hampshire": "NH",
    "virginia occidental": "WV",
    "pensilvania": "PA",
    "misisipi": "MS",
    "luisiana": "LA",
    "hawai": "HI",
}

# Words that say nothing about which school: the blocking index skips them.
GENERIC = (
    frozenset(
        "the of and a an at in on for to by our your official account page team teams school schools high "
        "middle elementary junior senior public district academy center centre program department "
        "home go students student staff class news info information sports athletics athletic varsity jv "
        "boys girls mens womens men women club activities activity north south east west central "
        "community education learning early childhood kindergarten k12 isd usd ps st saint "
        # what a district's notification accounts call themselves ('SBPS Alerts')
        "alerts alert updates closings announcements".split()
    )
    | SPANISH_GENERIC
)

LEVEL_WORDS: dict[str, str] = {
    "elementary": "elementary",
    "primary": "elementary",
    "kindergarten": "elementary",
    "middle": "middle",
    "junior": "middle",
    "high": "high",
    "senior": "high",
    "secondary": "high",
    # Spanish ('secundaria' is either: see SPANISH_HEADS)
    "primaria": "elementary",
    "elemental": "elementary",
    "intermedia": "middle",
    "preparatoria": "high",
    "prepa": "high",
}

# Acronyms every school reader knows as a program ('FRC 9873' is a robotics team, 'NHS' the
# honor society): the initials of an entity's name ('Family Resource Center') do not claim
# them; an entity whose profile lists one as its abbreviation still has it.
PROGRAM_ACRONYMS = frozenset(
    "frc ftc fll vex ffa nhs njhs fbla deca hosa bpa tsa fccla skillsusa jrotc rotc asb ptsa pto "
    "pta stem steam avid mun stuco nyo".split()
)

# Words that make a district's name a school system's, not only its region's: 'Bitterroot
# Plains School District' is the district, 'Bitterroot Plains' alone is also the plains, and
# its college, irrigation district and Audubon group.
SCHOOL_SYSTEM_WORDS = frozenset(
    "school schools district districts public unified isd usd cisd cusd sd academy academies "
    "education k12 escuelas ecoles board unit rsu sau msad".split()
) | frozenset(LEVEL_WORDS)

# Affiliated organisations: legally separate, listed apart (README, "Matching": `affiliated`).
AFFILIATED_WORDS: dict[str, str] = {
    "booster": "booster",
    "boosters": "booster",
    "backers": "booster",
    "backer": "booster",
    "pto": "pto",
    "pta": "pto",
    "ptsa": "pto",
    "ptc": "pto",
    "pto's": "pto",
    "parents": "parent_group",
    "parent": "parent_group",
    "moms": "parent_group",
    "dads": "parent_group",
    # Spanish: 'Padres de ...', 'Padres de Familia de ...' are parents, as 'Parents of ...'
    # (not 'familias': the district's own 'Centro de Familias' says it too)
    "padres": "parent_group",
    "alumni": "alumni",
    "alum": "alumni",
    "alumnae": "alumni",
    "reunion": "alumni",
    "foundation": "other",
}
# The last word of a name that makes it the families around a school or team ('Wenota
# Elementary Families', 'Frazier Spartans Football Family'): its parents keep it. Not a word
# before another ('Family Engagement', 'Family Resource Center': the district's programs).
FAMILY_NAME_ENDINGS = frozenset({"family", "families"})
AFFILIATED_PHRASES: dict[str, str] = {
    "student news": "student_media",
    "student newspaper": "student_media",
    "student media": "student_media",
    "student run": "student_media",
    "student-run": "student_media",
    "newspaper": "student_media",
    "booster club": "booster",
    "parent teacher": "pto",
    # a page its school's parents keep ('Parents & families of Ki'ishá Elementary sharing
    # news, rides and events'), not the school's
    "parents and families of": "pto",
    "parents families of": "pto",
    "class of": "alumni",
}
# The English word an affiliated word of another language stands for: the district's own
# 'Family & Parent Center / Centro de Padres' says 'parent', so its 'padres' is its own word too.
AFFILIATED_GLOSSES: dict[str, tuple[str, ...]] = {"padres": ("parent", "parents")}
# A union of the district's teachers or staff (an NEA local '<District> Education Association',
# an AFT local '<X> Federation of Teachers', a 'Teachers Union', a classified employees'
# chapter): a separate organisation that bargains with the district. Its name and bio name the
# district by nature, yet it is neither the district nor affiliated with it (unrelated).
UNION_NAME_PHRASES = (
    "education association",
    "teachers association",
    "teachers union",
    "teachers federation",
    "federation of teachers",
    "union of teachers",
    "educators union",
    "employees association",
    "employees union",
    "support professionals",
    "labor union",
    "labour union",
)
UNION_BIO_PHRASES = (
    *UNION_NAME_PHRASES,
    "representing the teachers",
    "representing the educators",
    "representing the employees",
    "representing the classified",
    "representing the licensed",
    "representing the certified",
    "representing teachers",
    "representing educators",
    "representing employees",
    "the local of",
    "local affiliate of",
    "collective bargaining",
    "bargaining unit",
    "american federation of teachers",
)
# The affiliations a union's local number goes with ('AFT Local 1822', 'Local 1822 of the AFT').
UNION_AFFILIATIONS = ("aft", "nea", "seiu", "afscme", "afl cio", "teamsters", "union")
# Programs that exist only in schools: a chapter of a student organisation (FFA, FBLA, DECA,
# HOSA, JROTC, Key Club, National Honor Society), student government, a school-only competition
# or publication. '<Town> FFA' is the town's school's chapter, where '<Town> Soccer' may be the
# town's youth club: a program of these named by the entity's own name is the entity's own word.
SCHOOL_ONLY_PROGRAMS = (
    "ffa",
    "future farmers of america",
    "jrotc",
    "rotc",
    "fbla",
    "future business leaders",
    "deca",
    "hosa",
    "fccla",
    "skillsusa",
    "skills usa",
    "key club",
    "nhs",
    "national honor society",
    "honor society",
    "beta club",
    "student council",
    "student government",
    "asb",
    "associated student body",
    "science olympiad",
    "mini thon",
    "minithon",
    "yearbook",
    "envirothon",
    "model un",
)
# Community groups that share a town's name but are not the schools (youth leagues, clubs).
COMMUNITY_WORDS = frozenset(
    "youth league travel amateur aau rec recreation city police library church".split()
)

SEVERAL_DISTRICTS = "a body of several school districts"
# The words of a district's name that say it serves other districts itself (an intermediate
# school district, a BOCES, an educational service district or agency)
SERVICE_DISTRICT_WORDS = (
    "intermediate school district",
    "intermediate unit",
    "boces",
    "educational service",
    "education service",
    "service center",
    "service agency",
    "regional education",
)
# What else an account with a district's place or team name may be (README, "Matching":
# namesakes): words of its name, and phrases of its bio, that describe another kind of
# organisation. A word the matched entity's own name uses ('West Fargo Sports Arena') is not one.
OTHER_KIND_NAME_WORDS: dict[str, str] = {
    **dict.fromkeys("university college ncaa".split(), "a college or university"),
    **dict.fromkeys("arena amphitheater amphitheatre".split(), "a venue"),
    **dict.fromkeys("inc llc ltd corp".split(), "a company"),
    **dict.fromkeys("fc vbc aau youth travel".split(), "a youth or club team"),
    **dict.fromkeys(
        "city county police sheriff fire parks recreation visit rotary".split(),
        "a city, county or public service",
    ),
}
# Sports that youth and travel clubs play ('Wright Aviators 14U', 'Brenton Select Soccer').
CLUB_SPORTS = (
    "soccer",
    "volleyball",
    "basketball",
    "hockey",
    "baseball",
    "softball",
    "lacrosse",
    "football",
    "wrestling",
)
# Not 'library', 'chamber', 'company', 'park' alone: a school library, a chamber choir, a
# theatre company, Willow Park Elementary.
OTHER_KIND_NAME_PHRASES: dict[str, str] = {
    **dict.fromkeys(
        ("event center", "events center", "civic center", "convention center"), "a venue"
    ),
    **dict.fromkeys(
        (
            phrase
            for sport in CLUB_SPORTS
            for phrase in (
                f"{sport} club",
                f"{sport} academy",
                f"{sport} select",
                f"select {sport}",
                f"travel {sport}",
                f"club {sport}",
            )
        ),
        "a youth or club team",
    ),
    **dict.fromkeys(
        ("public library", "park district", "chamber of commerce"),
        "a city, county or public service",
    ),
    # the other bodies a county's name is on ('Peach County Fair', '... Medical Center'); not
    # 'fair' alone (a school's science or book fair)
    **dict.fromkeys(("county fair", "state fair", "fairgrounds"), "a county or state fair"),
    **dict.fromkeys(("medical center", "hospital", "health system"), "a hospital"),
}
# Another kind of organisation that a town's, county's or district's name is on, said by a phrase
# of its name that no school account uses for itself: a fire company or department, an EMS or
# ambulance corps, a library, a church, a youth league or club, a service club, a chamber of
# commerce, a fair, a hospital. Sharing the district's name or place does not make one the
# district's ('<District> Fire Company', '<Town> Little League'); only a link from the district's
# own site or a registered handle still counts. Not 'police' (a district's own police
# department), not a bare 'fire' (a team's mascot) or 'library' (a school library).
ORGANISATION_NAME_PHRASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "fire company",
            "fire co",
            "fire department",
            "fire dept",
            "fire district",
            "fire rescue",
            "fire protection",
            "volunteer fire",
            "firefighters association",
            "hose company",
            "ems",
            "ambulance",
            "rescue squad",
            "emergency medical services",
        ),
        "a fire company, EMS or ambulance corps",
    ),
    **dict.fromkeys(
        ("public library", "library district", "memorial library", "free library"),
        "a public library",
    ),
    **dict.fromkeys(
        ("church", "ministries"),
        "a church",
    ),
    **dict.fromkeys(
        (
            "little league",
            "youth league",
            *(f"youth {sport}" for sport in CLUB_SPORTS),
            "youth ski",
            "youth skiing",
            "pop warner",
            "ymca",
            "boys and girls club",
            "boys girls club",
            "boy scouts",
            "girl scouts",
            "scout troop",
        ),
        "a youth league or club",
    ),
    **dict.fromkeys(
        (
            "chamber of commerce",
            "rotary club",
            "rotary",
            "kiwanis",
            "vfw",
            "american legion",
            "historical society",
            "humane society",
            "toastmasters",
            "optimist club",
            "lions club",
            "lions clubs international",
        ),
        "a civic or service club",
    ),
    **dict.fromkeys(("county fair", "state fair", "fairgrounds"), "a county or state fair"),
    # a 4-H club and the extension office that runs it (a county's and a land-grant
    # university's, not the schools')
    **dict.fromkeys(
        ("4 h", "4h", "extension office", "county extension", "cooperative extension"),
        "a 4-H club or extension office",
    ),
    # the other special districts a region's name is on ('<Plains> Irrigation District')
    **dict.fromkeys(
        (
            "irrigation district",
            "water district",
            "water users",
            "sanitation district",
            "sewer district",
            "drainage district",
            "conservation district",
            "soil and water",
            "utility district",
            "hospital district",
            "cemetery district",
            "mosquito abatement",
        ),
        "a water, sanitation or other special district",
    ),
    # a nature or conservation group named for the land ('<Plains> Audubon')
    **dict.fromkeys(
        ("audubon", "land trust", "conservancy", "trail alliance", "watershed council"),
        "a nature or conservation group",
    ),
    # a town's or city's government ('Town of Harlow Mills': its select board votes the
    # district's budget); 'City of X Schools' holds 'city of' in its own name, which the
    # phrase never counts against (``namesake.organisation_name``)
    **dict.fromkeys(
        (
            "town of",
            "township of",
            "village of",
            "borough of",
            "city of",
            "select board",
            "selectboard",
            "board of selectmen",
            "town council",
            "city council",
            "town hall",
            "city hall",
            "town office",
            "town clerk",
        ),
        "a town or city government",
    ),
    **dict.fromkeys(("medical center", "hospital", "health system"), "a hospital"),
    # a tribe's government and the Native corporations of a place ('Native Village of
    # Cal'iqaq', '... Tribal Council'), a government's department of education
    **dict.fromkeys(
        (
            "native village of",
            "tribal council",
            "tribal government",
            "village council",
            "village corporation",
            "native corporation",
            "department of education",
            "dept of education",
            "community college",
            "technical college",
            "state university",
        ),
        "a government, a Native corporation or a college",
    ),
    # a golf course, a country club or a bank with the place's name ('Twin Prairie Golf
    # Course: proud home course of Coyote golf')
    **dict.fromkeys(
        ("golf course", "country club", "credit union", "state bank", "national bank"),
        "a business or club of the place",
    ),
    # a clinic or health centre of the place, not a school-based one ('Kangirvik Health
    # Clinic': sports physicals for the district's athletes, its own staff)
    **dict.fromkeys(
        ("health clinic", "medical clinic", "health consortium", "health corporation"),
        "a clinic or health provider",
    ),
    # a city's, county's or town's parks and recreation department or recreation district
    # ('<Town> Parks & Recreation': youth leagues and camps in the schools' gyms)
    **dict.fromkeys(
        (
            "parks and recreation",
            "parks and rec",
            "park and recreation",
            "parks recreation",
            "parks department",
            "park district",
            "recreation department",
            "recreation district",
            "rec department",
            "rec district",
        ),
        "a parks and recreation department",
    ),
    # a state's police (not a bare 'police': a district may run a police department)
    **dict.fromkeys(
        ("state police", "state patrol", "highway patrol", "state troopers"),
        "a state police or patrol",
    ),
    # a forest, park or wildlife agency named for the land ('Cascade Foothills Ranger
    # District': junior ranger days for the schools)
    **dict.fromkeys(
        (
            "ranger district",
            "national forest",
            "forest service",
            "state park",
            "national park",
            "wildlife refuge",
        ),
        "a park, forest or wildlife agency",
    ),
    # a state's or region's athletic or activities association ('... Association Region 22')
    **dict.fromkeys(
        ("athletic association", "activities association", "interscholastic"),
        "a state or regional athletic association",
    ),
    # a community's or a culture's own organisation ('Cedar Bluff Somali Community Center',
    # 'Hmong American Association of Cedar Bluff'), which the district's family pages link
    **dict.fromkeys(
        (
            "community center",
            "community centre",
            "cultural center",
            "cultural centre",
            "american association",
            "mutual assistance",
        ),
        "a community or cultural organisation",
    ),
    # a real-estate business ('Falcon Plains Realty: great D49 schools!')
    **dict.fromkeys(
        ("realty", "real estate", "realtor", "realtors", "homes for sale"),
        "a real-estate business",
    ),
    # a tribe and its own departments and programs ('<Tribe> Tribal Education Department',
    # '<Tribe> Tribal Head Start', '<Name> Sioux Tribe'): a tribal nation's, not the district's
    **dict.fromkeys(("tribal", "tribe"), "a tribe or one of its departments"),
    # a county's law enforcement (not 'police': a district may have a police department of
    # its own)
    **dict.fromkeys(
        ("sheriff", "sheriffs", "sheriffs office", "sheriff s office"), "a sheriff's office"
    ),
}
# Phrases of a bio that say the account is another kind of organisation that writes about the
# district by nature: a local news outlet ('Local news for North Shoals: city hall, schools,
# Friday night football'). Not 'news' alone, nor 'newsroom': a district's own news and its
# students' paper ('student newspaper', an affiliated or school program) say those.
ORGANISATION_BIO_PHRASES: dict[str, str] = (
    dict.fromkeys(
        (
            "local news",
            "community news",
            "local newspaper",
            "community newspaper",
            "hometown newspaper",
            "news outlet",
            "local journalism",
            "public radio",
            "community radio",
            "public media",
        ),
        "a local news outlet",
    )
    | dict.fromkeys(
        # a school district is a public body, not a nonprofit (its foundation and parent groups
        # are affiliated, and say so by their names)
        ("nonprofit", "non profit", "501 c 3", "501c3"),
        "a nonprofit organisation",
    )
    | dict.fromkeys(
        # a body several districts run or serve ('career programs for students from the Alder
        # Falls, Elk Prairie and Pelton Valley school districts'): a consortium, not one of them
        ("school districts", "member districts", "consortium"),
        SEVERAL_DISTRICTS,
    )
    | dict.fromkeys(
        (
            "borough government",
            "city government",
            "county government",
            "town government",
            "assembly meetings",
            "city council meetings",
        ),
        "a town, city, county or borough government",
    )
)
# Phrases a school's own bio hardly uses ('professional development', 'Division I' of a state
# association, 'box office' of the school play, '1,500 employees' of the district are not here).
COMPANY = "a company or product"
OTHER_KIND_BIO_PHRASES: dict[str, str] = {
    **dict.fromkeys(("ncaa", "naia", "university athletics"), "a college or university"),
    **dict.fromkeys(
        (
            "pro hockey",
            "pro football",
            "pro indoor",
            "pro soccer",
            "pro baseball",
            "semi pro",
            "professional hockey",
            "professional football",
            "professional baseball",
            "professional soccer",
            "professional basketball",
            "minor league",
            "ushl",
            "echl",
            "ahl",
            "usl",
        ),
        "a professional or junior team",
    ),
    **dict.fromkeys(("weddings", "banquets", "concerts and events", "concerts shows"), "a venue"),
    # a private or church school in or near the district's town is not one of its schools
    # (not 'independent school': Cibolo Valley Independent School District)
    **dict.fromkeys(
        (
            "christian school",
            "catholic school",
            "catholic schools",
            "lutheran school",
            "adventist school",
            "parochial school",
            "jewish day school",
            "montessori school",
            "private school",
            "private k 8",
            "private k 12",
            "private pre k",
            "private preschool",
        ),
        "a private or religious school",
    ),
    **dict.fromkeys(
        (
            "free shipping",
            # a company's own channels and its employees' clubs ('Official channel of Cardinal
            # Ridge Freight', 'employee softball league'), named like a school's team
            "freight",
            "trucking company",
            "employee softball",
            "employee cycling",
            "employee league",
            "employee club",
            "employee clubs",
            "shop online",
            "shop our",
            "request a quote",
            "request a demo",
            "our products",
            "family owned",
            "for manufacturers",
            "wholesale",
            # a photographer's or a tutor's business named for the schools it serves
            "ski shop",
            "bike shop",
            "proud sponsor of",
            "season passes",
            "season pass",
            "lift tickets",
            "rentals",
            "book your session",
            "book a session",
            "portrait session",
            "portrait sessions",
            "mini sessions",
            "photo session",
            "photo sessions",
            # a contractor's or a salon's ('Free quotes', 'book online | walk-ins Sat'); not
            # 'licensed': a school shop's work is 'supervised by licensed instructors'
            "free quote",
            "free quotes",
            "free estimates",
            # a photographer's prints of the games ('Prints and digital downloads for families')
            "digital downloads",
            "order prints",
            "prints available",
            "prints for sale",
            "electrical contractor",
            "book online",
            # a dance or majorette studio's ('Book a class', 'classes ages 4-17')
            "book a class",
            "book your class",
            "dance studio",
            "walk ins",
            # a gym's ('Strength, HIIT & youth athletic training … athletes get 10% off!')
            "hiit",
            "crossfit",
            "personal training",
            "free trial",
            "athletes get",
        ),
        COMPANY,
    ),
    **dict.fromkeys(
        (
            "youth club",
            *(f"{x} {sport}" for x in ("club", "travel", "select") for sport in CLUB_SPORTS),
            "travel club",
            "travel team",
            "youth travel",
        ),
        "a youth or club team",
    ),
    **dict.fromkeys(
        (
            "city government",
            "county government",
            "city council",
            "public works",
            "parks and recreation",
            "park district",
            "rec programs",
        ),
        "a city, county or public service",
    ),
}

# A teacher's title before a name ("Mrs. Hansen's 2nd Grade"); as written, so 'MS' stays middle school.
HONORIFICS = ("Mrs", "Ms", "Mr", "Miss", "Mx")
# Words of a classroom's or a grade's account ("Mr. Okafor's Class", "4th grade"): under policy
# ABDB-AP a classroom account of a district school is a district account.
CLASSROOM_WORDS = frozenset(
    "class classroom classrooms grade graders kindergarten kinder prek preschool room".split()
)
# The subjects a teacher's class account names after the teacher ('Mr. Ohanian - PVA Algebra',
# 'Coach Kim PE'): the class, not the teacher's own account
SUBJECTS = frozenset(
    "math maths algebra geometry calculus science biology chemistry chem physics pe art music "
    "spanish english ela reading writing history stem".split()
)
# 'room' after these is no classroom ('The Locker Room', an escape room, a board room)
NOT_CLASSROOM_ROOMS = frozenset(
    "locker escape living chat war board show dining tap green press throne rec game swim weight "
    "film wrestling team trophy workout".split()
)

# Sayings that the account is not the district's or a school's ("Not run by CVISD or any
# school", "not affiliated with", "not an official account of", a staff member's "views my
# own"): never a confident case.
DISCLAIMER_PHRASES = (
    "not affiliated",
    "no affiliation",
    "not associated with",
    "not connected with",
    "not connected to",
    "not run by",
    "not operated by",
    "not managed by",
    "not sponsored by",
    "not endorsed",
    "not official",
    "not an official",
    "not the official",
    "unofficial",
    "independent of",
    "not part of",
    # a staff member's personal account speaks for them, not the district (ABDB-AP)
    "views my own",
    "views are my own",
    "opinions my own",
    "opinions are my own",
    "posts are my own",
    "tweets are my own",
    "tweets my own",
    "my own views",
    "personal account",
    # an election campaign (a superintendent or board member elected in some states) speaks
    # for its candidate: 'Re-Elect … for Superintendent', 'Pd. Pol. Adv. paid for by …'
    "re elect",
    "reelect",
    "paid for by",
    "paid for and approved by",
    "pd pol adv",
    "political advertisement",
    "for school board",
    "for superintendent",
)
# "Not a school team", "not a CVISD account": 'not a' (or 'an', 'the'), up to three words, one of
# these ('school' alone is not one: "not a school day").
DISCLAIMER_NOUNS = frozenset("account page team channel profile".split())

# Words of a bio that name a company ('Wright Aviators LLC offers charter flights').
OTHER_KIND_BIO_WORDS: dict[str, str] = dict.fromkeys("llc inc ltd corp".split(), "a company")

FAN_WORDS = frozenset(
    "fan fans parody commentary satire unofficial fanpage fanclub memes meme".split()
)
# The last word of a school's fan base's name ('Grizz Nation', 'The Rambler Nation', 'Ridge
# Nation Sports'): an account by that name is as often its students' or fans' as the school's.
FAN_BASE_WORDS = frozenset({"nation"})
# What fans' and students' highlight accounts say of themselves ('TP hoops mixtapes 🔥'): the
# words in a bio or name; and in a display name only ('Coyote Hoops Highlights': a school's own
# broadcast may say 'live games and highlights' in its bio).
FAN_MADE_WORDS = frozenset({"mixtape", "mixtapes", "edits"})
# a bio that gathers fans' clips or hype ('Scores & highlights … DM us your clips', 'highlights
# & hype'): whoever runs it, students and fans do as often as the school
FAN_MADE_BIO_PHRASES = (
    # filmed or run by one of the team's parents ('Race videos … filmed from the chase boat by a
    # team parent'): a parent's channel, not the school's
    "by a team parent",
    "by a parent",
    "by a proud parent",
    "by a team mom",
    "by a team dad",
    # a parent who films every game from the bleachers ('Filmed from the stands')
    "from the stands",
    "volunteer run",
    # 'Just a dad with a tripod', 'A dad with a camera in Ansel'
    "a dad with a",
    "a mom with a",
    # its students' own, or its boosters' ('by students for students', 'Run by the booster
    # broadcast crew')
    "by students for students",
    "run by the booster",
    "run by the boosters",
    # a page that says parents run it ('Scores & pics from … middle school games. Parent-run')
    "parent run",
    "parent ran",
    "parent operated",
    "run by parents",
    "run by a parent",
    "run by team parents",
    # a page that calls itself its community's ('Community page for Quillen Heights Middle
    # School families and fans'): its families' or fans', not the school's
    "community page",
    "dm us your clips",
    "send us your clips",
    "send your clips",
    "submit your clips",
    "highlights hype",
    "highlights and hype",
)
FAN_MADE_NAME_WORDS = frozenset({"highlights", "hype"})
# A sports page named for a place or a mascot ('Millbrook Rams Sports', 'Coal Branch Miner
# Sports'): a school's own says which school it is ('Rosa Chavez High School Cardinals games');
# a name or bio without one of these words may be its fans', a photographer's or the school's.
SPORTS_PAGE_WORD = "sports"
SCHOOL_KIND_WORDS = frozenset("high school hs academy middle ms elementary jhs".split())
# Titles a school earns that read like a school's name ('a Unified Champion School', Special
# Olympics; 'a National Blue Ribbon School'): no other school
SCHOOL_PROGRAM_TITLES = (
    "unified champion school",
    "unified champion schools",
    "blue ribbon school",
    "blue ribbon schools",
)
# programs named '<word> Sports' that only schools run ('RB Unified Sports', Special Olympics)
SPORTS_PROGRAM_WORDS = frozenset({"unified", "adapted", "adaptive"})
NOT_OFFICIAL_PHRASES = (
    "not official",
    "not an official",
    "not affiliated",
    "unofficial",
    "not the official",
    "not endorsed",
    "no affiliation",
)
OFFICIAL_WORDS = frozenset("official officially verified".split())

# What a fake live stream of a school's event says ('Watch Tessawick Valley graduation 2027 LIVE
# in HD … Free stream link below'): a scam posing as the school's own channel. Not 'live' or
# 'HD' alone: a school's own broadcasts say those.
SCAM_STREAM_PHRASES = (
    "free stream link",
    "free live stream",
    "free hd stream",
    "stream link below",
    "stream link in bio",
    "stream for free",
    "watch free",
    "watch for free",
    "free in hd",
    "hd link below",
    "watch live free",
    "live in hd",
    "in hd link below",
    # '… Commencement 2026 Live Stream HD. Full ceremony free, link below'
    "live stream hd",
    "free link below",
)
# Handle words that call an account a former one of its owner ('wbhs_aviators_old'): not the
# decoration of an impersonator, who wants to pass for the current account.
FORMER_ACCOUNT_WORDS = frozenset("old former archive archived retired inactive".split())

# Handle decorations an impersonator adds to a copied handle.
HANDLE_DECORATIONS = ("official", "real", "the", "its", "hq", "page", "team", "original", "account")
# Decorations only at a handle's end: 'oficial' (Spanish), and 'live' of the fake live-stream
# channels that copy a school's handle for its graduation or games ('<district>live'); at the
# start they are words of names ('Live Oak').
HANDLE_END_DECORATIONS = ("oficial", "live")

# The short names fans shout for a mascot ('Go Cards!' of the Cardinals, 'Go Dawgs' of the
# Bulldogs): a mention of the mascot only in a cheer ('go', 'lady') or its hashtag ('#GoCards')
MASCOT_NICKNAMES: dict[str, tuple[str, ...]] = {
    "cardinals": ("cards",),
    "bulldogs": ("dawgs", "dogs"),
    "wildcats": ("cats", "kats"),
    "bobcats": ("cats",),
    "jaguars": ("jags",),
    "buccaneers": ("bucs",),
    "patriots": ("pats",),
    "vikings": ("vikes",),
    "mustangs": ("stangs",),
    "yellowjackets": ("jackets",),
    "yellow jackets": ("jackets",),
    "cavaliers": ("cavs",),
    "mavericks": ("mavs",),
    "commodores": ("dores",),
    "razorbacks": ("hogs",),
    "longhorns": ("horns",),
    "hurricanes": ("canes",),
    "blue devils": ("devils",),
    "red devils": ("devils",),
    "golden eagles": ("eagles",),
    "red raiders": ("raiders",),
    "bluejays": ("jays",),
    "blue jays": ("jays",),
    "redbirds": ("birds",),
    "rattlers": ("ratts",),
    "timberwolves": ("wolves", "twolves"),
    "blackhawks": ("hawks",),
    "roadrunners": ("runners",),
}
MASCOT_CHEERS = ("go", "lady", "gooo")


MASCOTS = frozenset(
    "eagles tigers panthers bulldogs wildcats lions hawks mustangs knights warriors falcons cougars bears "
    "bobcats trojans vikings pirates spartans cardinals rams raiders indians chiefs braves jaguars broncos "
    "patriots titans huskies wolves wolverines hornets yellowjackets rebels redskins bulls badgers "
    "blackhawks owls comets rockets chargers colts crusaders dragons generals hurricanes lancers "
    "mavericks minutemen monarchs pioneers rangers saints scots seahawks stallions tornadoes "
    "cavaliers ravens grizzlies buffaloes bison cyclones gators longhorns sharks sabres "
    "packers coyotes mules beavers blazers dolphins bees jets mariners pilots "
    "royals skyhawks timberwolves vaqueros wolfpack".split()
)

# Words that many US school names are made of: a name made only of these needs context.
COMMON_NAME_WORDS = frozenset(
    "liberty freedom independence heritage legacy lincoln washington jefferson roosevelt kennedy franklin "
    "adams jackson madison monroe wilson horace mann eastwood westwood westside eastside northside "
    "southside south north east west central valley river lake park oak oaks willow pine maple cedar "
    "meadow meadows meadowlark deer creek aurora sunrise sunset hillside highland highlands riverside "
    "lakeside parkside pleasant prairie harbor brooks brook grove spring springs hill hills ridge mountain "
    "view vista heights forest woods garden green golden summit pioneer frontier discovery horizon "
    "horizons mission union unity harmony hope king edison emerson whittier longfellow hawthorne "
    "irving mckinley garfield grant hamilton hoover taft truman eisenhower douglass tubman chavez "
    "columbus marshall webster patriot eagle star northern southern western eastern memorial "
    "christian saint county city community early childhood learning education sports arena college "
    "willow "
    # programs many districts run under the same name ('STEM Academy')
    "stem steam".split()
)

ACTIVITIES = frozenset(
    "football volleyball basketball hockey soccer tennis golf wrestling softball baseball track "
    "cross country swimming diving cheer cheerleading dance drama speech debate band choir orchestra "
    "esports jrotc robotics lacrosse gymnastics bowling skiing fishing trapshooting theatre yearbook "
    "publications envirothon science olympiad congress math".split()
)

# Everyday words of school accounts: known words, so they are not taken for another place's name.
SCHOOL_WORDS = frozenset(
    "coach coaches coaching staff counseling counselor counselors library media center nurse office "
    "principal principals teacher teachers music art arts tech technology lunch menu stem robotics lady "
    "ladies updates update scores schedule games game season champions champs state conference "
    "section region news photos videos highlights live stream network tv radio broadcast productions "
    "council government leadership yearbook newspaper club clubs society honor national nhs fbla deca "
    "ffa fccla skills usa key theatre theater choral vocal jazz marching pep drumline color guard "
    "dance team squad crew pit nation country dive diving swim swimming nordic alpine unified adapted "
    "special transportation bus buses nutrition food services human resources hr superintendent board "
    "family families welcome proud pride home here follow us we are of the to and for "
    "closures notifications weather "
    # a team's game film ('Hawks Football Film': its coaches' uploads)
    "film films hudl "
    # a band's and a dance line's ('rollingthunderdrums' is no 'dru' + 'ms')
    "drum drums percussion cadences majorette majorettes steppers".split()
)

STATES: dict[str, str] = {
    "AL": "alabama",
    "AK": "alaska",
    "AZ": "arizona",
    "AR": "arkansas",
    "CA": "california",
    "CO": "colorado",
    "CT": "connecticut",
    "DE": "delaware",
    "FL": "florida",
    "GA": "georgia",
    "HI": "hawaii",
    "ID": "idaho",
    "IL": "illinois",
    "IN": "indiana",
    "IA": "iowa",
    "KS": "kansas",
    "KY": "kentucky",
    "LA": "louisiana",
    "ME": "maine",
    "MD": "maryland",
    "MA": "massachusetts",
    "MI": "michigan",
    "MN": "minnesota",
    "MS": "mississippi",
    "MO": "missouri",
    "MT": "montana",
    "NE": "nebraska",
    "NV": "nevada",
    "NH": "new hampshire",
    "NJ": "new jersey",
    "NM": "new mexico",
    "NY": "new york",
    "NC": "north carolina",
    "ND": "north dakota",
    "OH": "ohio",
    "OK": "oklahoma",
    "OR": "oregon",
    "PA": "pennsylvania",
    "RI": "rhode island",
    "SC": "south carolina",
    "SD": "south dakota",
    "TN": "tennessee",
    "TX": "texas",
    "UT": "utah",
    "VT": "vermont",
    "VA": "virginia",
    "WA": "washington",
    "WV": "west virginia",
    "WI": "wisconsin",
    "WY": "wyoming",
    "DC": "district of columbia",
}

# State codes that are also everyday words ('OK', 'IN', 'ME') or school abbreviations
# (``SD`` school district, ``MS`` middle school: 'Tualatin Valley SD 48J', 'Harlow MS'): in free
# text they name a state only after a comma ('Tulsa, OK', 'Watertown, SD').
COMMA_STATE_CODES = frozenset(
    {"IN", "OR", "ME", "OK", "HI", "ID"} | {c for c in STATES if c.lower() in ABBREVIATIONS}
)


# Cities whose name with a capitalised word after it is a major-league or big-city team or place
# ('Seattle Mariners', 'Chicago Bulls', 'Boston College'), and the state they are in: a school
# mascot's namesake elsewhere. Only names no school mascot or common person's name shares
# ('Buffalo', 'Phoenix', 'Columbus', 'Jackson' are left out), and only cities of one state
# ('Portland', 'Kansas City', 'Vancouver' are left out).
MAJOR_CITIES = {
    "Seattle": "WA",
    "Boston": "MA",
    "Chicago": "IL",
    "Philadelphia": "PA",
    "Pittsburgh": "PA",
    "Detroit": "MI",
    "Cleveland": "OH",
    "Cincinnati": "OH",
    "Milwaukee": "WI",
    "Green Bay": "WI",
    "Minneapolis": "MN",
    "Baltimore": "MD",
    "Atlanta": "GA",
    "Miami": "FL",
    "Tampa Bay": "FL",
    "Orlando": "FL",
    "Jacksonville": "FL",
    "Dallas": "TX",
    "Houston": "TX",
    "San Antonio": "TX",
    "Denver": "CO",
    "San Francisco": "CA",
    "Los Angeles": "CA",
    "San Diego": "CA",
    "Oakland": "CA",
    "Sacramento": "CA",
    "Anaheim": "CA",
    "San Jose": "CA",
    "Las Vegas": "NV",
    "Salt Lake City": "UT",
    "St. Louis": "MO",
    "New Orleans": "LA",
    "Nashville": "TN",
    "Memphis": "TN",
    "Charlotte": "NC",
    "Indianapolis": "IN",
    "New York": "NY",
    "Brooklyn": "NY",
    "New Jersey": "NJ",
    "Toronto": "XX",
    "Montreal": "XX",
    "Calgary": "XX",
    "Edmonton": "XX",
    "Winnipeg": "XX",
    "Ottawa": "XX",
}
