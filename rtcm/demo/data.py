"""What the demo seeder draws from: topics, the curriculum, names, organisations, venues.

Names are written the way their bearers write them — Cyrillic (with the Kazakh,
Kyrgyz, Tajik and Uzbek letters), Georgian, Armenian, Azerbaijani and Turkish
Latin, Arabic and Persian script — because the center's real registrations look
like that and every page, e-mail, PDF and report must cope with it. Arabic and
Persian names carry the Latin spelling their bearers use (``LATIN_SPELLINGS``):
a transliteration of unvowelled script (``mhmd``) makes no believable address.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from anyascii import anyascii

# --- Topics and the curriculum ------------------------------------------------

TOPICS: tuple[tuple[str, str, str], ...] = (
    (
        "migrants-rights",
        "Migrants' rights",
        "International and regional standards protecting migrants, and how officials "
        "apply them in everyday procedures.",
    ),
    (
        "readmission",
        "Readmission",
        "Readmission agreements, their implementing protocols and the handling of "
        "readmission cases between states.",
    ),
    (
        "return-and-reintegration",
        "Return and reintegration",
        "Assisted voluntary return, reintegration counselling and the referral "
        "networks that make reintegration sustainable.",
    ),
    (
        "vulnerable-migrants",
        "Vulnerable migrants",
        "Identifying and assisting migrants in vulnerable situations: children, "
        "survivors of violence, people with health needs.",
    ),
    (
        "labour-migration",
        "Labour migration",
        "Labour migration governance, fair and ethical recruitment, pre-departure "
        "orientation and protection of migrant workers abroad.",
    ),
    (
        "border-management",
        "Border management",
        "Integrated border management, document examination, risk analysis and "
        "cooperation between border agencies.",
    ),
    (
        "counter-trafficking",
        "Counter-trafficking",
        "Preventing trafficking in persons, identifying and protecting victims, and "
        "investigating and prosecuting traffickers.",
    ),
    (
        "migration-data",
        "Migration data",
        "Collecting, sharing and analysing migration data and statistics for "
        "evidence-based policy.",
    ),
)

CURRICULUM_TITLE = "Regional Curriculum on Migration Management"
CURRICULUM_VERSION = "1.0"
CURRICULUM_DESCRIPTION = (
    "The regional curriculum of the Regional Training Center on Migration: ten modules "
    "for officials and practitioners of Central Asia, the Eastern Partnership and the "
    "Middle East, agreed with the partner governments and the International "
    "Organization for Migration."
)


@dataclass(frozen=True)
class ModuleData:
    code: str
    title: str
    topic: str  # a topic slug
    hours: Decimal
    summary: str
    outcomes: tuple[str, ...]
    delivery: str
    audience: str


_GOV = "Officials of ministries of interior, migration services and border agencies"

MODULES: tuple[ModuleData, ...] = (
    ModuleData(
        "M01",
        "International migration law and migrants' rights",
        "migrants-rights",
        Decimal("12"),
        "The international legal framework of migration — human rights treaties, the "
        "refugee convention, labour standards — and what it asks of officials in daily "
        "work.",
        (
            "Name the core instruments protecting the rights of migrants",
            "Apply a rights-based approach to a migration procedure",
            "Recognise when a case needs a referral to protection services",
        ),
        "Lectures, case studies, moot exercise",
        _GOV + ", lawyers and NGO staff",
    ),
    ModuleData(
        "M02",
        "Readmission agreements and procedures",
        "readmission",
        Decimal("10"),
        "How readmission agreements are negotiated and implemented, from the request to "
        "the transfer, with respect for the rights of the persons concerned.",
        (
            "Explain the structure of a readmission agreement and its protocols",
            "Process a readmission request within the agreed deadlines",
            "Organise a transfer that respects the dignity of the returnee",
        ),
        "Lectures, document workshop, simulation of a readmission case",
        _GOV,
    ),
    ModuleData(
        "M03",
        "Assisted voluntary return and sustainable reintegration",
        "return-and-reintegration",
        Decimal("12"),
        "Return counselling, reintegration assistance at the economic, social and "
        "psychosocial levels, and the referral networks behind them.",
        (
            "Counsel a migrant on the options for voluntary return",
            "Design an individual reintegration plan",
            "Map the local services a returnee can be referred to",
        ),
        "Lectures, role play, field visit to a reintegration project",
        "Migration officials, social workers, NGO and local authority staff",
    ),
    ModuleData(
        "M04",
        "Protection of vulnerable migrants",
        "vulnerable-migrants",
        Decimal("14"),
        "Identifying migrants in vulnerable situations at borders and in procedures, "
        "screening, and referral to specialised assistance.",
        (
            "Use a screening tool to identify vulnerability",
            "Refer a vulnerable migrant to the right service",
            "Conduct an interview that avoids re-traumatisation",
        ),
        "Lectures, interview practice, case studies",
        "Border guards, migration officers, social workers, NGO staff",
    ),
    ModuleData(
        "M05",
        "Labour migration governance and fair recruitment",
        "labour-migration",
        Decimal("12"),
        "Bilateral labour agreements, regulation of recruitment agencies, pre-departure "
        "orientation and protection of workers abroad.",
        (
            "Compare models of bilateral labour migration agreements",
            "Assess a recruitment practice against fair-recruitment principles",
            "Plan a pre-departure orientation course",
        ),
        "Lectures, comparative case studies, group work",
        "Officials of labour ministries and migration agencies, employers' organisations",
    ),
    ModuleData(
        "M06",
        "Integrated border management",
        "border-management",
        Decimal("16"),
        "The integrated border management concept: inter-agency and international "
        "cooperation, risk analysis, and a humane and efficient border.",
        (
            "Describe the pillars of integrated border management",
            "Produce a basic risk analysis for a border crossing point",
            "Set up cooperation between agencies at a shared border",
        ),
        "Lectures, table-top exercise, study visit to a border crossing point",
        "Border guards, customs officers, police",
    ),
    ModuleData(
        "M07",
        "Document security and identity management",
        "border-management",
        Decimal("8"),
        "Security features of travel documents, detection of forged and fraudulently "
        "obtained documents, and identity management systems.",
        (
            "Examine a passport's security features",
            "Detect the common forms of document fraud",
            "Explain the role of biometrics in identity management",
        ),
        "Practical workshop with document examination equipment",
        "Border guards, consular and passport officers",
    ),
    ModuleData(
        "M08",
        "Preventing and combating trafficking in persons",
        "counter-trafficking",
        Decimal("14"),
        "Indicators of trafficking, victim identification and protection, national "
        "referral mechanisms and the investigation of trafficking cases.",
        (
            "Recognise the indicators of trafficking in persons",
            "Apply the national referral mechanism to a case",
            "Cooperate with prosecutors while protecting the victim",
        ),
        "Lectures, case studies, mock investigation",
        "Police, border guards, prosecutors, labour inspectors, NGO staff",
    ),
    ModuleData(
        "M09",
        "Migration data, statistics and analysis",
        "migration-data",
        Decimal("10"),
        "Sources of migration data, standard definitions, data protection, and turning "
        "data into analysis that informs policy.",
        (
            "Use the international recommendations on migration statistics",
            "Combine administrative and survey data on migration",
            "Protect personal data when sharing statistics",
        ),
        "Lectures, hands-on exercises with spreadsheets",
        "Statisticians, analysts of migration agencies and ministries, researchers",
    ),
    ModuleData(
        "M10",
        "Gender- and child-sensitive migration procedures",
        "vulnerable-migrants",
        Decimal("8"),
        "Making procedures gender-responsive and child-sensitive, with the best "
        "interests of the child as the guiding principle.",
        (
            "Apply the best-interests principle in a migration procedure",
            "Adapt an interview for a child or a survivor of gender-based violence",
        ),
        "Lectures, interview simulation",
        _GOV + ", child protection workers",
    ),
)

# Training titles per topic slug; a training takes its title from its main topic.
TRAINING_TITLES: dict[str, tuple[str, ...]] = {
    "migrants-rights": (
        "Human rights-based approach to migration management",
        "Protecting the rights of migrants in migration procedures",
    ),
    "readmission": (
        "Implementing readmission agreements",
        "Readmission case management in practice",
    ),
    "return-and-reintegration": (
        "Assisted voluntary return and reintegration",
        "Sustainable reintegration: counselling and referral",
    ),
    "vulnerable-migrants": (
        "Identification and referral of vulnerable migrants",
        "Child-sensitive and gender-responsive migration procedures",
    ),
    "labour-migration": (
        "Fair recruitment and labour mobility",
        "Pre-departure orientation for labour migrants: training of trainers",
    ),
    "border-management": (
        "Integrated border management",
        "Document examination and fraud detection",
    ),
    "counter-trafficking": (
        "Identifying victims of trafficking at the border",
        "Investigating trafficking in persons",
    ),
    "migration-data": (
        "Migration data for policy making",
        "Migration statistics and data sharing",
    ),
}

SESSION_PARTS: tuple[str, ...] = (
    "concepts and standards",
    "case studies",
    "practical exercise",
    "regional practice",
    "simulation",
    "group work and wrap-up",
)

REJECTION_REASONS: tuple[str, ...] = (
    "The profile does not match the target audience of this training.",
    "The nominating organisation has already reached its quota of seats.",
    "The training is held in a language the applicant does not work in.",
)
CANCELLATION_REASONS: tuple[str, ...] = (
    "",
    "",
    "Cannot travel on these dates.",
    "Replaced by a colleague from the same unit.",
    "Work commitments.",
)
TRAINING_CANCELLED_REASON = "The training was cancelled by the center."

# --- Venues --------------------------------------------------------------------

# (city, country code, region code)
VENUES: tuple[tuple[str, str, str], ...] = (
    ("Tashkent", "UZ", "central-asia"),
    ("Almaty", "KZ", "central-asia"),
    ("Astana", "KZ", "central-asia"),
    ("Bishkek", "KG", "central-asia"),
    ("Dushanbe", "TJ", "central-asia"),
    ("Baku", "AZ", "eastern-partnership"),
    ("Tbilisi", "GE", "eastern-partnership"),
    ("Yerevan", "AM", "eastern-partnership"),
    ("Chișinău", "MD", "eastern-partnership"),
    ("Amman", "JO", "middle-east"),
    ("Beirut", "LB", "middle-east"),
    ("Istanbul", "TR", "middle-east"),
    ("Erbil", "IQ", "middle-east"),
    ("Cairo", "EG", "middle-east"),
)
ROOMS: tuple[str, ...] = ("Conference hall A", "Conference hall B", "Room 204", "Room 310")

REGION_CODES: tuple[str, ...] = ("central-asia", "eastern-partnership", "middle-east")
# How a training title names the one region it targets.
REGION_IN_TITLES: dict[str, str] = {
    "central-asia": "Central Asia",
    "eastern-partnership": "the Eastern Partnership",
    "middle-east": "the Middle East",
}
# The working languages a training for a region offers, main language first.
REGION_LANGUAGES: dict[str, tuple[str, ...]] = {
    "central-asia": ("ru", "en"),
    "eastern-partnership": ("en", "ru"),
    "middle-east": ("en", "ar"),
}

# --- Names ---------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]  # masculine forms
    # (masculine ending, feminine ending), tried in order; no match: unchanged.
    feminine_endings: tuple[tuple[str, str], ...] = ()

    def family_for(self, family: str, *, female: bool) -> str:
        if not female:
            return family
        for masculine, feminine in self.feminine_endings:
            if family.endswith(masculine):
                return family[: len(family) - len(masculine)] + feminine
        return family


_SLAVIC = (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"))
_SLAVIC += (("ин", "ина"),)
_TURKIC_CYRILLIC = (("ов", "ова"), ("ев", "ева"), ("ин", "ина"))

_AR_MALE = {
    "محمد": "Mohammad",
    "أحمد": "Ahmad",
    "علي": "Ali",
    "عمر": "Omar",
    "خالد": "Khaled",
    "يوسف": "Yousef",
    "حسن": "Hassan",
    "طارق": "Tarek",
    "سامي": "Sami",
    "كريم": "Karim",
    "ماجد": "Majed",
    "زياد": "Ziad",
    "رامي": "Rami",
    "فادي": "Fadi",
}
_AR_FEMALE = {
    "فاطمة": "Fatima",
    "مريم": "Mariam",
    "نور": "Nour",
    "ليلى": "Layla",
    "سارة": "Sara",
    "رنا": "Rana",
    "هدى": "Huda",
    "دينا": "Dina",
    "لينا": "Lina",
    "ريم": "Reem",
    "سلمى": "Salma",
    "آية": "Aya",
    "رشا": "Rasha",
    "هبة": "Heba",
}
_AR_FAMILY = {
    "الحسيني": "Al-Husseini",
    "الخطيب": "Al-Khatib",
    "حداد": "Haddad",
    "النجار": "Al-Najjar",
    "الزعبي": "Al-Zoubi",
    "المصري": "Al-Masri",
    "عبد الله": "Abdullah",
    "الجبوري": "Al-Jubouri",
    "التميمي": "Al-Tamimi",
    "السعدي": "Al-Saadi",
    "منصور": "Mansour",
    "خوري": "Khoury",
    "العتيبي": "Al-Otaibi",
    "حمدان": "Hamdan",
    "سليمان": "Suleiman",
    "عيسى": "Issa",
    "إبراهيم": "Ibrahim",
    "الشامي": "Al-Shami",
}
_FA_MALE = {
    "علی": "Ali",
    "محمد": "Mohammad",
    "رضا": "Reza",
    "حسین": "Hossein",
    "مهدی": "Mehdi",
    "امیر": "Amir",
    "سعید": "Saeed",
    "فرهاد": "Farhad",
    "بابک": "Babak",
    "کاوه": "Kaveh",
}
_FA_FEMALE = {
    "مریم": "Maryam",
    "زهرا": "Zahra",
    "فاطمه": "Fatemeh",
    "سارا": "Sara",
    "نرگس": "Narges",
    "شیرین": "Shirin",
    "لیلا": "Leila",
    "مهسا": "Mahsa",
    "پریسا": "Parisa",
    "نازنین": "Nazanin",
}
_FA_FAMILY = {
    "محمدی": "Mohammadi",
    "حسینی": "Hosseini",
    "احمدی": "Ahmadi",
    "رضایی": "Rezaei",
    "کریمی": "Karimi",
    "موسوی": "Mousavi",
    "جعفری": "Jafari",
    "صادقی": "Sadeghi",
    "رحیمی": "Rahimi",
    "تهرانی": "Tehrani",
    "نوری": "Nouri",
    "قاسمی": "Ghasemi",
}

# The Latin spelling a person with an Arabic-script name uses, for the e-mail address.
LATIN_SPELLINGS: dict[str, str] = {
    **_AR_MALE,
    **_AR_FEMALE,
    **_AR_FAMILY,
    **_FA_MALE,
    **_FA_FEMALE,
    **_FA_FAMILY,
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NAME_POOLS: dict[str, NamePool] = {
    "ru": NamePool(
        male=_words("Александр Дмитрий Сергей Андрей Алексей Максим Иван Николай Павел Виктор"),
        female=_words("Елена Ольга Наталья Ирина Татьяна Анна Мария Светлана Юлия Екатерина"),
        family=_words(
            "Иванов Смирнов Кузнецов Попов Соколов Новиков Морозов Волков Лебедев Козлов "
            "Павлов Семёнов Ким Пак"
        ),
        feminine_endings=_SLAVIC,
    ),
    "be": NamePool(
        male=_words("Александр Дмитрий Сергей Андрей Владимир Игорь Вадим"),
        female=_words("Елена Ольга Наталья Ирина Татьяна Алеся Янина"),
        family=_words(
            "Ковалевич Жук Лукашевич Мельник Новицкий Савицкий Климович Романович Ясинский "
            "Грицевич Кравцов Шевчук"
        ),
        feminine_endings=_SLAVIC,
    ),
    "uk": NamePool(
        male=_words("Олександр Андрій Дмитро Сергій Тарас Богдан Олег Юрій Володимир Максим"),
        female=_words("Олена Оксана Ірина Наталія Юлія Тетяна Світлана Катерина Галина"),
        family=_words(
            "Шевченко Бондаренко Коваленко Ткаченко Кравченко Мельник Лисенко Бойко Савчук "
            "Олійник Ковальчук Поліщук Руденко Вишневський Захарченко"
        ),
        feminine_endings=(("ський", "ська"), ("цький", "цька")),
    ),
    "kk": NamePool(
        male=_words("Нұрлан Ерлан Асхат Бауыржан Данияр Серік Ержан Арман Қайрат Талғат Мұрат"),
        female=_words("Айгүл Гүлнара Динара Жанар Әсел Сәуле Айжан Мадина Ақмарал Салтанат"),
        family=_words(
            "Сейітов Әбілов Жұмабаев Төлеуов Оспанов Қасымов Искаков Ахметов Байжанов "
            "Сәрсенбаев Омаров Мұхамедиев"
        ),
        feminine_endings=_TURKIC_CYRILLIC,
    ),
    "ky": NamePool(
        male=_words("Азамат Бакыт Нурбек Эрлан Улан Темирлан Жыргалбек Медер Айбек Канат"),
        female=_words("Айгерим Жыпар Назгүл Чолпон Айпери Бермет Гүлзат Жылдыз Асель Нуриза"),
        family=_words(
            "Асанов Токтогулов Жээнбеков Осмонов Мамбетов Сатыбалдиев Абдыкеримов "
            "Турсунбаев Кадыров Бейшеналиев"
        ),
        feminine_endings=_TURKIC_CYRILLIC,
    ),
    "tg": NamePool(
        male=_words("Фирдавс Фаридун Рустам Шерзод Бахтиёр Далер Манучеҳр Сино Иброҳим Ҷамшед"),
        female=_words("Мадина Зарина Нигина Фарзона Дилноза Гулнора Малика Парвина Шаҳло"),
        family=_words(
            "Раҳимов Каримов Назаров Саидов Шарипов Ҳасанов Одинаев Қурбонов Юсупов Мирзоев "
            "Раҳимзода Саидзода Шарифзода"
        ),
        feminine_endings=_TURKIC_CYRILLIC,
    ),
    "uz": NamePool(
        male=_words("Жасур Шерзод Бобур Ойбек Улуғбек Санжар Дилшод Фаррух Акмал Ботир"),
        female=_words("Дилноза Нигора Гулноза Шаҳноза Малика Мафтуна Феруза Зарина Нилуфар"),
        family=_words(
            "Каримов Юсупов Раҳимов Тошматов Эргашев Абдуллаев Исмоилов Холматов Мирзаев "
            "Усмонов Турсунов Содиқов"
        ),
        feminine_endings=_TURKIC_CYRILLIC,
    ),
    "tk": NamePool(
        male=_words("Merdan Serdar Döwlet Batyr Maksat Arslan Myrat"),
        female=_words("Aýna Jeren Maýsa Bahar Gülnar Ogulşat Mähri"),
        family=_words("Annaýew Berdiýew Orazow Hojamuradow Ataýew Myradow"),
        feminine_endings=(("ew", "ewa"), ("ow", "owa")),
    ),
    "ka": NamePool(
        male=_words("გიორგი დავით ლევან ნიკოლოზ ირაკლი ზურაბ ლაშა ალექსანდრე თორნიკე გიგა"),
        female=_words("ნინო მარიამ თამარ ანა ეკატერინე სალომე ნათია ქეთევან მაკა ელენე"),
        family=_words(
            "ბერიძე მაისურაძე კაპანაძე გელაშვილი ლომიძე ჯავახიშვილი ხარაზიშვილი ნოზაძე "
            "წერეთელი ქავთარაძე გოგოლაძე ჩიქოვანი"
        ),
    ),
    "hy": NamePool(
        male=_words("Արամ Դավիթ Տիգրան Արմեն Հայկ Գևորգ Նարեկ Սարգիս Արթուր Վահե"),
        female=_words("Անի Մարիամ Լուսինե Անահիտ Նարինե Գայանե Աննա Լիլիթ Սոնա Հասմիկ"),
        family=_words(
            "Հովհաննիսյան Սարգսյան Գրիգորյան Պետրոսյան Հարությունյան Խաչատրյան Կարապետյան "
            "Մկրտչյան Ավետիսյան Վարդանյան Ստեփանյան"
        ),
    ),
    "az": NamePool(
        male=_words("Elçin Rəşad Orxan Tural Kamran Elvin Vüqar Ramil Fərid Anar Nicat Səbuhi"),
        female=_words("Ləman Aygün Günel Nərmin Səbinə Aysel Lalə Nigar Şəbnəm Fidan Könül"),
        family=_words(
            "Məmmədov Həsənov Əliyev Hüseynov Quliyev İsmayılov Abbasov Rzayev Cəfərov "
            "Nəsirov Əhmədov Bağırov Qasımlı Əlizadə"
        ),
        feminine_endings=(("ov", "ova"), ("yev", "yeva"), ("ev", "eva")),
    ),
    "tr": NamePool(
        male=_words("Mehmet Mustafa Ahmet Emre Burak Murat Can Oğuz Serkan Hakan"),
        female=_words("Ayşe Fatma Elif Zeynep Merve Esra Büşra Selin Gizem Özlem"),
        family=_words(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Aydın Öztürk Arslan Doğan Kılıç Aslan Koç Kurt"
        ),
    ),
    "ro": NamePool(
        male=_words("Ion Vasile Andrei Mihai Sergiu Alexandru Victor Dumitru Igor Nicolae"),
        female=_words("Maria Elena Ana Natalia Cristina Irina Olga Tatiana Diana Mariana"),
        family=_words(
            "Rusu Ceban Ciobanu Munteanu Popa Cojocaru Lungu Țurcanu Rotaru Moraru Bălan Sârbu"
        ),
    ),
    "ar": NamePool(male=tuple(_AR_MALE), female=tuple(_AR_FEMALE), family=tuple(_AR_FAMILY)),
    "fa": NamePool(male=tuple(_FA_MALE), female=tuple(_FA_FEMALE), family=tuple(_FA_FAMILY)),
    "intl": NamePool(
        male=_words("Marco Thomas Lukas Pierre Jan Matteo Johan David"),
        female=_words("Giulia Anna Sophie Claire Laura Marta Ingrid Emma"),
        family=_words(
            "Rossi Müller Dubois Bianchi Schneider Visser Martin Fischer Lambert Ricci Jansen"
        ),
    ),
}


def ascii_name(name: str) -> str:
    """The name in lowercase ASCII letters, for an e-mail address or a slug."""
    latin = LATIN_SPELLINGS.get(name) or anyascii(name)
    return re.sub(r"[^a-z0-9]", "", latin.lower())


# --- Countries -------------------------------------------------------------------


@dataclass(frozen=True)
class CountryProfile:
    name: str  # English name, used in organisation names
    region: str  # region code as seeded (core migration 0002)
    weight: float  # relative share of participants
    phone_code: str
    name_pools: tuple[tuple[str, float], ...]  # pool key, weight
    languages: tuple[tuple[str, float], ...]  # preferred language, weight
    government: tuple[str, ...]
    ngo: tuple[str, ...] = ()
    academia: tuple[str, ...] = ()


def _arab(
    name: str,
    weight: float,
    phone: str,
    government: tuple[str, ...],
    ngo: tuple[str, ...] = (),
    academia: tuple[str, ...] = (),
) -> CountryProfile:
    return CountryProfile(
        name=name,
        region="middle-east",
        weight=weight,
        phone_code=phone,
        name_pools=(("ar", 1),),
        languages=(("ar", 0.75), ("en", 0.25)),
        government=(
            *government,
            f"Ministry of Interior of {name}",
            f"Ministry of Foreign Affairs of {name}",
        ),
        ngo=ngo or (f"Red Crescent Society of {name}",),
        academia=academia,
    )


COUNTRIES: dict[str, CountryProfile] = {
    # Central Asia
    "KZ": CountryProfile(
        "Kazakhstan",
        "central-asia",
        10,
        "7",
        (("kk", 0.7), ("ru", 0.3)),
        (("kk", 0.4), ("ru", 0.5), ("en", 0.1)),
        (
            "Migration Service Committee, Ministry of Internal Affairs of Kazakhstan",
            "Border Service of the National Security Committee of Kazakhstan",
            "Ministry of Labour and Social Protection of Population of Kazakhstan",
            "Ministry of Foreign Affairs of Kazakhstan, Consular Service",
        ),
        ("Kazakhstan Red Crescent Society", "Legal Aid Centre for Migrants, Almaty"),
        ("Al-Farabi Kazakh National University", "L.N. Gumilyov Eurasian National University"),
    ),
    "KG": CountryProfile(
        "Kyrgyzstan",
        "central-asia",
        7,
        "996",
        (("ky", 0.85), ("ru", 0.15)),
        (("ru", 0.8), ("en", 0.2)),
        (
            "Ministry of Labour, Social Security and Migration of the Kyrgyz Republic",
            "Border Service of the State Committee for National Security of Kyrgyzstan",
            "Department of Population Registration, Kyrgyz Republic",
        ),
        ("Red Crescent Society of Kyrgyzstan", "Public Foundation «Legal Clinic Adilet»"),
        ("American University of Central Asia", "Kyrgyz National University"),
    ),
    "TJ": CountryProfile(
        "Tajikistan",
        "central-asia",
        6,
        "992",
        (("tg", 1),),
        (("ru", 0.8), ("en", 0.2)),
        (
            "Migration Service, Ministry of Labour, Migration and Employment of Tajikistan",
            "Border Troops of the State Committee for National Security of Tajikistan",
            "Ministry of Internal Affairs of Tajikistan",
        ),
        ("Red Crescent Society of Tajikistan", "Public Organisation «Migrant Support Centre»"),
        ("Tajik National University",),
    ),
    "TM": CountryProfile(
        "Turkmenistan",
        "central-asia",
        2,
        "993",
        (("tk", 1),),
        (("ru", 0.8), ("en", 0.2)),
        ("State Migration Service of Turkmenistan", "State Border Service of Turkmenistan"),
        ("Red Crescent Society of Turkmenistan",),
        ("Institute of International Relations of Turkmenistan",),
    ),
    "UZ": CountryProfile(
        "Uzbekistan",
        "central-asia",
        10,
        "998",
        (("uz", 0.9), ("ru", 0.1)),
        (("uz", 0.5), ("ru", 0.4), ("en", 0.1)),
        (
            "Agency for External Labour Migration of Uzbekistan",
            "Ministry of Internal Affairs of Uzbekistan, Department of Migration",
            "Border Troops of the State Security Service of Uzbekistan",
            "Ministry of Employment and Poverty Reduction of Uzbekistan",
        ),
        ("Red Crescent Society of Uzbekistan", "NGO «Istiqbolli Avlod»"),
        ("Tashkent State University of Law", "University of World Economy and Diplomacy"),
    ),
    # Eastern Partnership
    "AM": CountryProfile(
        "Armenia",
        "eastern-partnership",
        6,
        "374",
        (("hy", 1),),
        (("hy", 0.6), ("ru", 0.2), ("en", 0.2)),
        (
            "Migration and Citizenship Service, Ministry of Internal Affairs of Armenia",
            "Border Guard Troops of the National Security Service of Armenia",
            "Ministry of Labour and Social Affairs of Armenia",
        ),
        ("Armenian Red Cross Society", "Armenian Caritas, migration programme"),
        ("Yerevan State University",),
    ),
    "AZ": CountryProfile(
        "Azerbaijan",
        "eastern-partnership",
        10,
        "994",
        (("az", 1),),
        (("az", 0.7), ("ru", 0.1), ("en", 0.2)),
        (
            "State Migration Service of the Republic of Azerbaijan",
            "State Border Service of the Republic of Azerbaijan",
            "Ministry of Internal Affairs of Azerbaijan",
            "Ministry of Labour and Social Protection of Population of Azerbaijan",
        ),
        ("Azerbaijan Red Crescent Society", "Azerbaijan Migration Centre"),
        ("Baku State University", "ADA University"),
    ),
    "BY": CountryProfile(
        "Belarus",
        "eastern-partnership",
        3,
        "375",
        (("be", 1),),
        (("ru", 0.9), ("en", 0.1)),
        (
            "Department of Citizenship and Migration, Ministry of Internal Affairs of Belarus",
            "State Border Committee of the Republic of Belarus",
        ),
        ("Belarus Red Cross",),
        ("Belarusian State University",),
    ),
    "GE": CountryProfile(
        "Georgia",
        "eastern-partnership",
        7,
        "995",
        (("ka", 1),),
        (("ka", 0.7), ("en", 0.3)),
        (
            "Migration Department, Ministry of Internal Affairs of Georgia",
            "Border Police of Georgia",
            "Public Service Development Agency, Ministry of Justice of Georgia",
            "Secretariat of the State Commission on Migration Issues of Georgia",
        ),
        ("Georgia Red Cross Society", "Georgian Young Lawyers' Association"),
        ("Ivane Javakhishvili Tbilisi State University", "Ilia State University"),
    ),
    "MD": CountryProfile(
        "Moldova",
        "eastern-partnership",
        4,
        "373",
        (("ro", 0.6), ("ru", 0.4)),
        (("en", 0.5), ("ru", 0.5)),
        (
            "Bureau for Migration and Asylum, Ministry of Internal Affairs of Moldova",
            "General Inspectorate of Border Police of Moldova",
            "National Employment Agency of Moldova",
        ),
        ("Red Cross Society of Moldova", "La Strada Moldova"),
        ("Moldova State University",),
    ),
    "UA": CountryProfile(
        "Ukraine",
        "eastern-partnership",
        5,
        "380",
        (("uk", 1),),
        (("en", 0.6), ("ru", 0.4)),
        (
            "State Migration Service of Ukraine",
            "State Border Guard Service of Ukraine",
            "Ministry of Social Policy of Ukraine",
        ),
        ("Ukrainian Red Cross Society", "La Strada-Ukraine"),
        ("Taras Shevchenko National University of Kyiv",),
    ),
    # Middle East
    "JO": _arab(
        "Jordan",
        5,
        "962",
        ("Residency and Borders Department, Public Security Directorate", "Ministry of Labour"),
        ("Jordan Red Crescent", "Tamkeen for Legal Aid and Human Rights"),
        ("University of Jordan", "Yarmouk University"),
    ),
    "IQ": _arab(
        "Iraq",
        5,
        "964",
        ("Ministry of Migration and Displaced of Iraq", "Border Ports Commission of Iraq"),
        ("Iraqi Red Crescent Society",),
        ("University of Baghdad", "Salahaddin University-Erbil"),
    ),
    "LB": _arab(
        "Lebanon",
        3,
        "961",
        ("General Directorate of General Security", "Ministry of Labour of Lebanon"),
        ("Lebanese Red Cross", "Caritas Lebanon Migrant Centre", "Insan Association"),
        ("American University of Beirut", "Lebanese University"),
    ),
    "EG": _arab(
        "Egypt",
        4,
        "20",
        (
            "National Coordinating Committee for Combating and Preventing Illegal Migration "
            "and Trafficking in Persons",
            "Ministry of Emigration and Egyptian Expatriates Affairs",
        ),
        ("Egyptian Red Crescent",),
        ("Cairo University", "American University in Cairo"),
    ),
    "IR": CountryProfile(
        "Iran",
        "middle-east",
        3,
        "98",
        (("fa", 1),),
        (("en", 1),),
        ("Bureau for Aliens and Foreign Immigrants' Affairs, Ministry of Interior of Iran",),
        ("Red Crescent Society of the Islamic Republic of Iran",),
        ("University of Tehran",),
    ),
    "TR": CountryProfile(
        "Türkiye",
        "middle-east",
        5,
        "90",
        (("tr", 1),),
        (("tr", 0.8), ("en", 0.2)),
        (
            "Presidency of Migration Management, Ministry of Interior of Türkiye",
            "Department of Foreigners, Borders and Asylum, Turkish National Police",
            "Ministry of Labour and Social Security of Türkiye",
        ),
        ("Turkish Red Crescent", "Association for Solidarity with Asylum Seekers and Migrants"),
        ("Ankara University", "Koç University, Migration Research Center"),
    ),
    "PS": _arab("Palestine", 1, "970", ("Ministry of Labour of Palestine",)),
    "SY": _arab("Syria", 0.5, "963", ("Immigration and Passports Directorate of Syria",)),
    "SA": _arab(
        "Saudi Arabia", 0.5, "966", ("Ministry of Human Resources and Social Development",)
    ),
    "AE": _arab(
        "the United Arab Emirates",
        0.5,
        "971",
        ("Ministry of Human Resources and Emiratisation",),
        ("Emirates Red Crescent",),
    ),
    "KW": _arab("Kuwait", 0.2, "965", ("Public Authority for Manpower of Kuwait",)),
    "QA": _arab("Qatar", 0.2, "974", ("Ministry of Labour of Qatar",)),
    "OM": _arab("Oman", 0.2, "968", ("Ministry of Labour of Oman",)),
    "BH": _arab("Bahrain", 0.1, "973", ("Labour Market Regulatory Authority of Bahrain",)),
    "YE": _arab("Yemen", 0.3, "967", ("Ministry of Expatriates Affairs of Yemen",)),
    # Outside the three regions: staff of international organisations and donors.
    "DE": CountryProfile(
        "Germany",
        "other",
        0.8,
        "49",
        (("intl", 1),),
        (("en", 1),),
        ("Federal Office for Migration and Refugees (BAMF)",),
        academia=("University of Osnabrück, Institute for Migration Research",),
    ),
    "IT": CountryProfile(
        "Italy",
        "other",
        0.6,
        "39",
        (("intl", 1),),
        (("en", 1),),
        ("Ministry of the Interior of Italy, Department for Civil Liberties and Immigration",),
        academia=("University of Bologna",),
    ),
    "NL": CountryProfile(
        "the Netherlands",
        "other",
        0.5,
        "31",
        (("intl", 1),),
        (("en", 1),),
        ("Immigration and Naturalisation Service (IND) of the Netherlands",),
    ),
    "CH": CountryProfile(
        "Switzerland",
        "other",
        0.6,
        "41",
        (("intl", 1),),
        (("en", 1),),
        ("State Secretariat for Migration (SEM) of Switzerland",),
    ),
}

# Where nationals of a country also live, with the weight of living abroad.
RESIDENCE_ABROAD: dict[str, tuple[tuple[str, ...], float]] = {
    "SY": (("JO", "LB", "TR"), 0.5),
    "TJ": (("KZ",), 0.05),
    "KG": (("KZ",), 0.05),
    "UZ": (("KZ",), 0.03),
    "UA": (("MD", "GE"), 0.08),
    "YE": (("SA",), 0.2),
}

INTERNATIONAL_ORGANISATIONS: tuple[str, ...] = (
    "International Organization for Migration (IOM), mission in {country}",
    "International Organization for Migration (IOM), mission in {country}",
    "UNHCR, representation in {country}",
    "UNICEF {country} Country Office",
    "International Labour Organization (ILO), project office in {country}",
    "ICMPD, project office in {country}",
    "UNODC, programme office in {country}",
)
OTHER_ORGANISATIONS: tuple[str, ...] = (
    "Independent consultant",
    "Bar Association of {country}",
    "Chamber of Commerce and Industry of {country}",
    "Licensed private employment agency",
)

# Organisation type (participants.Participant.OrganisationType values) → weight.
ORGANISATION_TYPES: tuple[tuple[str, float], ...] = (
    ("government", 0.55),
    ("ngo", 0.17),
    ("international", 0.13),
    ("academia", 0.10),
    ("other", 0.05),
)

POSITIONS: dict[str, tuple[str, ...]] = {
    "government": (
        "Chief Specialist",
        "Senior Inspector",
        "Inspector",
        "Head of Division",
        "Deputy Head of Department",
        "Migration Officer",
        "Legal Adviser",
        "Analyst",
        "Training Officer",
    ),
    # Government organisations whose name holds the key take their positions from here.
    "Border": (
        "Border Guard Officer",
        "Senior Border Guard Officer",
        "Shift Supervisor, border crossing point",
        "Document Examiner",
        "Risk Analyst",
        "Training Officer",
    ),
    "Foreign Affairs": ("Consular Officer", "Attaché", "Counsellor", "Head of Consular Division"),
    "Labour": ("Chief Specialist", "Labour Inspector", "Head of Division", "Employment Officer"),
    "ngo": (
        "Programme Coordinator",
        "Case Worker",
        "Lawyer",
        "Project Officer",
        "Social Worker",
        "Psychologist",
        "Hotline Consultant",
    ),
    "international": (
        "Project Assistant",
        "Programme Officer",
        "National Project Officer",
        "Protection Associate",
        "Migration Health Assistant",
        "Data Management Officer",
    ),
    "academia": ("Associate Professor", "Lecturer", "Researcher", "PhD candidate"),
    "other": ("Consultant", "Interpreter", "Lawyer", "Recruitment Officer"),
}

EXPERT_POSITIONS: dict[str, tuple[str, ...]] = {
    "government": (
        "Head of the Training Unit",
        "Senior Legal Adviser",
        "Deputy Director",
        "Head of the Risk Analysis Unit",
    ),
    "ngo": ("Executive Director", "Senior Legal Counsel"),
    "international": (
        "Senior Migration Policy Specialist",
        "Regional Thematic Specialist",
        "Programme Manager",
        "Senior Border Management Specialist",
    ),
    "academia": ("Professor of International Law", "Associate Professor", "Senior Researcher"),
    "other": ("Independent migration expert", "Trainer and consultant"),
}
EXPERT_ORGANISATION_TYPES: tuple[tuple[str, float], ...] = (
    ("government", 0.35),
    ("international", 0.25),
    ("academia", 0.25),
    ("ngo", 0.1),
    ("other", 0.05),
)

GENDERS: tuple[tuple[str, float], ...] = (
    ("female", 0.48),
    ("male", 0.49),
    ("undisclosed", 0.025),
    ("other", 0.005),
)
EMAIL_DOMAINS: tuple[str, ...] = ("example.org", "example.net")

# --- The expert network ------------------------------------------------------------

# The languages an expert of a country works in, each with its chance (at least
# the surest one, at most three in all, in this order). Russian is the common
# language of Central Asia and the Eastern Partnership, Arabic of the Middle East,
# English of the international organisations. Codes are Django's (experts.models.
# WORKING_LANGUAGES).
EXPERT_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "KZ": (("kk", 1), ("ru", 0.95), ("en", 0.5)),
    "KG": (("ky", 1), ("ru", 0.95), ("en", 0.4)),
    "TJ": (("tg", 1), ("ru", 0.9), ("en", 0.4), ("fa", 0.2)),
    "TM": (("tk", 1), ("ru", 0.9), ("en", 0.3)),
    "UZ": (("uz", 1), ("ru", 0.9), ("en", 0.5)),
    "AM": (("hy", 1), ("ru", 0.8), ("en", 0.6)),
    "AZ": (("az", 1), ("ru", 0.6), ("en", 0.6), ("tr", 0.3)),
    "BY": (("be", 0.6), ("ru", 1), ("en", 0.5)),
    "GE": (("ka", 1), ("en", 0.8), ("ru", 0.5)),
    "MD": (("ro", 1), ("ru", 0.8), ("en", 0.6)),
    "UA": (("uk", 1), ("en", 0.8), ("ru", 0.5)),
    "IR": (("fa", 1), ("en", 0.8), ("ar", 0.2)),
    "TR": (("tr", 1), ("en", 0.8), ("ar", 0.2)),
    "LB": (("ar", 1), ("en", 0.7), ("fr", 0.6)),
    "DE": (("de", 1), ("en", 1), ("fr", 0.2)),
    "IT": (("it", 1), ("en", 1), ("fr", 0.3)),
    "NL": (("nl", 1), ("en", 1), ("de", 0.3)),
    "CH": (("de", 0.6), ("fr", 0.5), ("en", 1)),
}
# Any other Arabic-speaking country of the Middle East.
EXPERT_LANGUAGES_ARAB: tuple[tuple[str, float], ...] = (("ar", 1), ("en", 0.75), ("fr", 0.1))

# The last sentence of an expert's biography ({region}: where they work; {languages}:
# their working languages by name).
EXPERT_BIO_CLOSINGS: tuple[str, ...] = (
    "Has trained officials and practitioners for the center and its partners across {region}.",
    "Trains and advises in {languages}.",
    "Author of guidance notes and training materials used across {region}.",
    "Advises the governments of {region} on migration legislation and procedures.",
    "Has led peer exchanges between migration services of {region}.",
)
# How a biography names the region of an expert from outside the three.
EXPERT_REGION_ELSEWHERE = "the center's three regions"

# What network officers noted on some experts (staff only).
EXPERT_STAFF_NOTES: dict[str, str] = {
    "declined": "Declined: the expertise is outside the center's topics. Invited to apply "
    "again with more training experience.",
    "inactive": "Paused at the expert's request: on a long assignment abroad.",
    "withdrew": "Withdrew consent to a public profile; still available as a trainer.",
}

# What participants write beside a rating, in their language, by how they rated.
RATING_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "high": (
            "Clear, practical and full of real cases.",
            "Very well prepared; the exercises helped a lot.",
            "Excellent trainer, answered every question.",
        ),
        "mid": ("Good content, but too fast at times.", "Useful, though the slides were dense."),
        "low": ("Hard to follow; more examples would help.", "Mostly read from the slides."),
    },
    "ru": {
        "high": ("Очень полезно, много практических примеров.", "Отличный тренер, всё понятно."),
        "mid": ("Хорошо, но слишком быстро.", "Полезно, но мало времени на вопросы."),
        "low": ("Сложно было следить за материалом.",),
    },
    "ar": {
        "high": ("مدرب ممتاز وأمثلة عملية مفيدة.", "شرح واضح ومنظم."),
        "mid": ("محتوى جيد لكن الوقت كان قصيرا.",),
        "low": ("كان من الصعب متابعة العرض.",),
    },
}
