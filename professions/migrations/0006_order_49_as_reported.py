"""Order No. 49 as reported: the 21 professions it lists, in place of the 19 guessed ones.

The catalogue seeded by 0002 put 21 professions under Order No. 49 of 20 February 2023, but only
two of them (oncologist, neurosurgeon) are on the order as reported in public sources
(``shared/data/order_49_professions.json``: relocation-firm and news reports, not the order's own
text). This migration:

* adds the 19 reported professions that were missing, under Order No. 49, with Kazakh and
  Russian titles in the wording of the classifier's usual job titles;
* deletes each of the 19 guessed professions that nothing points at;
* keeps a guessed profession that an application was filed with (the application keeps it),
  but takes it off the list and clears the order it was never on: it is shown as not on the
  list, and the route of a new submission with it is the standard one.

A guessed profession that staff have since put on the list by another order is left alone.

Codes: the ISCO-08 unit group of each profession, then a sub-code given here; the national
classifier's own codes for these titles could not be confirmed, so catalogue editors should
correct them in the admin where they differ.

The data is written out here, not imported from the app, so that this migration gives the same
rows however the models change later.
"""

import datetime

from django.db import migrations

ORDER_NUMBER = "49"
ORDER_DATE = datetime.date(2023, 2, 20)

# The codes 0002 seeded as Order No. 49 that are not on it as reported.
GUESSED = [
    "2111-1-001",  # Physicist
    "2113-1-001",  # Chemist
    "2114-1-001",  # Geologist
    "2131-1-001",  # Molecular biologist
    "2212-1-001",  # Cardiologist
    "2212-1-003",  # Anaesthesiologist and intensive care physician
    "2212-1-005",  # Diagnostic radiologist
    "2146-1-001",  # Mining engineer
    "2146-1-002",  # Metallurgical engineer
    "2146-1-003",  # Drilling engineer
    "2145-1-001",  # Petrochemical process engineer
    "2151-1-001",  # Power engineer
    "2144-1-001",  # Mechanical engineer
    "2142-1-001",  # Civil engineer
    "2152-1-001",  # Electronics engineer
    "2511-1-001",  # Systems analyst
    "2512-1-001",  # Software developer
    "2521-1-001",  # Database administrator
    "2529-1-001",  # Information security specialist
]
# A sphere only the guesses used (the order's spheres: healthcare, science, industry, IT).
GUESSED_SPHERES = ["engineering"]

# slug, position, en, ru, kk: the spheres the order's professions need (0002 made them).
SPHERES = [
    ("science", 10, "Science", "Наука", "Ғылым"),
    ("healthcare", 20, "Healthcare", "Здравоохранение", "Денсаулық сақтау"),
    ("industry", 30, "Industry", "Промышленность", "Өнеркәсіп"),
    ("it", 50, "Information technology", "Информационные технологии", "Ақпараттық технологиялар"),
]

# code, sphere, min_education, min_experience_years, (en, ru, kk) titles, (en, ru, kk)
# descriptions; in the order of the reported list. Oncologist (2212-1-002) and neurosurgeon
# (2212-1-004) were seeded by 0002 and stay as they are.
PROFESSIONS = [
    (
        "2523-1-001", "it", "higher", 5,
        (
            "IT infrastructure architect",
            "Архитектор ИТ-инфраструктуры",
            "АТ инфрақұрылымының сәулетшісі",
        ),
        (
            "Designs an organisation's servers, networks, data storage and cloud services as "
            "one reliable whole.",
            "Проектирует серверы, сети, системы хранения данных и облачные сервисы организации "
            "как единую надёжную систему.",
            "Ұйымның серверлерін, желілерін, деректер қоймаларын және бұлттық қызметтерін "
            "біртұтас сенімді жүйе ретінде жобалайды.",
        ),
    ),
    (
        "2145-1-002", "science", "higher", 3,
        (
            "Research engineer, technology of organic substances",
            "Инженер-исследователь по технологии органических веществ",
            "Органикалық заттар технологиясы жөніндегі инженер-зерттеуші",
        ),
        (
            "Develops and improves the processes that produce organic substances, polymers "
            "and fuels.",
            "Разрабатывает и совершенствует технологии получения органических веществ, "
            "полимеров и топлива.",
            "Органикалық заттарды, полимерлерді және отынды алу технологияларын әзірлейді "
            "және жетілдіреді.",
        ),
    ),
    (
        "2212-1-006", "healthcare", "postgraduate", 3,
        ("Neonatologist", "Врач-неонатолог", "Неонатолог дәрігер"),
        (
            "Cares for newborn babies, premature and sick newborns above all.",
            "Выхаживает и лечит новорождённых, прежде всего недоношенных и больных.",
            "Жаңа туған нәрестелерді, ең алдымен шала туған және науқас нәрестелерді күтеді "
            "және емдейді.",
        ),
    ),
    (
        "2152-1-002", "industry", "higher", 3,
        (
            "Space systems hardware and software engineer",
            "Инженер по аппаратно-программному обеспечению космических систем",
            "Ғарыш жүйелерінің аппараттық-бағдарламалық қамтамасыз етілуі жөніндегі инженер",
        ),
        (
            "Designs and tests the electronics and on-board software of satellites and ground "
            "control stations.",
            "Проектирует и испытывает электронику и бортовое программное обеспечение "
            "спутников и наземных станций управления.",
            "Жер серіктері мен жердегі басқару станцияларының электроникасын және борттық "
            "бағдарламалық қамтамасыз етілуін жобалайды және сынайды.",
        ),
    ),
    (
        "2512-1-002", "it", "higher", 5,
        (
            "Software architect",
            "Архитектор программного обеспечения",
            "Бағдарламалық қамтамасыз ету сәулетшісі",
        ),
        (
            "Decides the structure of large software systems and guides the teams that build "
            "them.",
            "Определяет архитектуру крупных программных систем и направляет команды, которые "
            "их создают.",
            "Ірі бағдарламалық жүйелердің архитектурасын айқындайды және оларды жасайтын "
            "командаларға бағыт береді.",
        ),
    ),
    (
        "2145-1-003", "industry", "higher", 3,
        (
            "Pharmaceutical process engineer",
            "Инженер-технолог фармацевтического производства",
            "Фармацевтикалық өндірістің инженер-технологы",
        ),
        (
            "Sets up and runs the production of medicines to good manufacturing practice.",
            "Налаживает и ведёт производство лекарственных средств по правилам надлежащей "
            "производственной практики (GMP).",
            "Дәрілік заттар өндірісін тиісті өндірістік практика (GMP) талаптарына сай "
            "ұйымдастырады және жүргізеді.",
        ),
    ),
    (
        "2212-1-007", "healthcare", "postgraduate", 3,
        ("Endocrinologist", "Врач-эндокринолог", "Эндокринолог дәрігер"),
        (
            "Diagnoses and treats diseases of the endocrine glands, diabetes among them.",
            "Диагностирует и лечит заболевания желёз внутренней секреции, в том числе "
            "сахарный диабет.",
            "Ішкі секреция бездерінің ауруларын, соның ішінде қант диабетін анықтайды және "
            "емдейді.",
        ),
    ),
    (
        "2141-1-001", "industry", "higher", 3,
        (
            "Engineer for the introduction of new equipment and technology",
            "Инженер по внедрению новой техники и технологии",
            "Жаңа техника мен технологияны енгізу жөніндегі инженер",
        ),
        (
            "Brings new machines and production methods into a plant and trains the staff to "
            "use them.",
            "Внедряет на предприятии новое оборудование и технологии и обучает персонал работе "
            "с ними.",
            "Кәсіпорынға жаңа жабдық пен технологияларды енгізеді және қызметкерлерді олармен "
            "жұмыс істеуге үйретеді.",
        ),
    ),
    (
        "2145-1-004", "science", "higher", 3,
        (
            "Research engineer, inorganic substances technology",
            "Инженер-исследователь по технологии неорганических веществ",
            "Бейорганикалық заттар технологиясы жөніндегі инженер-зерттеуші",
        ),
        (
            "Develops the processes that produce inorganic substances: acids, salts, "
            "fertilisers and catalysts.",
            "Разрабатывает технологии получения неорганических веществ: кислот, солей, "
            "минеральных удобрений и катализаторов.",
            "Бейорганикалық заттарды: қышқылдарды, тұздарды, минералды тыңайтқыштар мен "
            "катализаторларды алу технологияларын әзірлейді.",
        ),
    ),
    (
        "2146-1-004", "science", "higher", 3,
        (
            "Research engineer, mineral processing",
            "Инженер-исследователь по обогащению полезных ископаемых",
            "Пайдалы қазбаларды байыту жөніндегі инженер-зерттеуші",
        ),
        (
            "Researches and improves the ways ores and other minerals are concentrated.",
            "Исследует и совершенствует способы обогащения руд и другого минерального сырья.",
            "Кендер мен басқа да минералдық шикізатты байыту тәсілдерін зерттейді және "
            "жетілдіреді.",
        ),
    ),
    (
        "2144-1-002", "industry", "higher", 3,
        ("Aviation engineer", "Авиационный инженер", "Авиация инженері"),
        (
            "Maintains and repairs aircraft and their systems and keeps them airworthy.",
            "Обеспечивает техническое обслуживание, ремонт и лётную годность воздушных судов "
            "и их систем.",
            "Әуе кемелері мен олардың жүйелеріне техникалық қызмет көрсетуді, жөндеуді және "
            "ұшуға жарамдылығын қамтамасыз етеді.",
        ),
    ),
    (
        "2212-1-008", "healthcare", "postgraduate", 3,
        ("Haematologist", "Врач-гематолог", "Гематолог дәрігер"),
        (
            "Diagnoses and treats diseases of the blood and the blood-forming organs.",
            "Диагностирует и лечит заболевания крови и кроветворных органов.",
            "Қан және қан түзу мүшелерінің ауруларын анықтайды және емдейді.",
        ),
    ),
    (
        "2149-1-001", "industry", "higher", 3,
        ("Laser equipment engineer", "Инженер по лазерной технике", "Лазерлік техника жөніндегі инженер"),
        (
            "Designs, sets up and maintains laser systems for industry, medicine and research.",
            "Проектирует, налаживает и обслуживает лазерные установки для промышленности, "
            "медицины и науки.",
            "Өнеркәсіпке, медицина мен ғылымға арналған лазерлік қондырғыларды жобалайды, "
            "баптайды және оларға қызмет көрсетеді.",
        ),
    ),
    (
        "2320-1-001", "industry", "vocational", 3,
        (
            "Master of industrial training (engineering)",
            "Мастер производственного обучения (машиностроение)",
            "Өндірістік оқыту шебері (машина жасау)",
        ),
        (
            "Teaches the practical skills of machine-building trades in colleges and training "
            "centres.",
            "Обучает практическим навыкам машиностроительных профессий в колледжах и учебных "
            "центрах.",
            "Колледждер мен оқу орталықтарында машина жасау кәсіптерінің практикалық "
            "дағдыларын үйретеді.",
        ),
    ),
    (
        "7543-1-001", "industry", "vocational", 2,
        ("Textile raw material classer", "Классификатор текстильного сырья", "Тоқыма шикізатын сыныптаушы"),
        (
            "Grades cotton, wool and other fibres by quality before they are processed.",
            "Определяет сорт и качество хлопка, шерсти и других волокон перед переработкой.",
            "Мақтаның, жүннің және басқа да талшықтардың сорты мен сапасын өңдеуге дейін "
            "анықтайды.",
        ),
    ),
    (
        "2212-1-009", "healthcare", "postgraduate", 3,
        ("Bacteriologist", "Врач-бактериолог", "Бактериолог дәрігер"),
        (
            "Identifies the bacteria that cause infections and tests which medicines act on "
            "them.",
            "Выявляет возбудителей бактериальных инфекций и определяет их чувствительность к "
            "лекарствам.",
            "Бактериялық инфекциялардың қоздырғыштарын анықтайды және олардың дәрілерге "
            "сезімталдығын тексереді.",
        ),
    ),
    (
        "2111-1-002", "healthcare", "higher", 3,
        ("Engineer - medical physicist", "Инженер – медицинский физик", "Инженер – медициналық физик"),
        (
            "Plans and checks radiation therapy and keeps diagnostic and treatment equipment "
            "safe and accurate.",
            "Планирует и проверяет лучевую терапию, обеспечивает безопасность и точность "
            "диагностического и лечебного оборудования.",
            "Сәулелік терапияны жоспарлайды және тексереді, диагностикалық және емдеу "
            "жабдықтарының қауіпсіздігі мен дәлдігін қамтамасыз етеді.",
        ),
    ),
    (
        "2145-1-005", "science", "higher", 3,
        (
            "Research engineer, pulp, paper, printing and fibre technology",
            "Инженер-исследователь по технологии целлюлозно-бумажного, полиграфического "
            "производства и волокнистых материалов",
            "Целлюлоза-қағаз, полиграфия өндірісі және талшықты материалдар технологиясы "
            "жөніндегі инженер-зерттеуші",
        ),
        (
            "Researches the processes that make pulp, paper, printed products and fibrous "
            "materials.",
            "Исследует и разрабатывает технологии производства целлюлозы, бумаги, "
            "полиграфической продукции и волокнистых материалов.",
            "Целлюлоза, қағаз, полиграфиялық өнім және талшықты материалдар өндірісінің "
            "технологияларын зерттейді және әзірлейді.",
        ),
    ),
    (
        "2113-1-002", "healthcare", "higher", 3,
        (
            "Medical radiochemistry engineer",
            "Инженер по медицинской радиохимии",
            "Медициналық радиохимия жөніндегі инженер",
        ),
        (
            "Produces and checks the radioactive medicines used in nuclear medicine.",
            "Производит и контролирует радиофармацевтические лекарственные препараты для "
            "ядерной медицины.",
            "Ядролық медицинада қолданылатын радиофармацевтикалық дәрілік препараттарды "
            "өндіреді және бақылайды.",
        ),
    ),
]


def correct(apps, schema_editor):
    Sphere = apps.get_model("professions", "Sphere")
    Profession = apps.get_model("professions", "Profession")
    Application = apps.get_model("permits", "Application")

    seeded_by_49 = Profession.objects.filter(
        code__in=GUESSED, added_order_number=ORDER_NUMBER, added_order_date=ORDER_DATE
    )
    in_use = set(Application.objects.values_list("profession_id", flat=True).distinct())
    for profession in seeded_by_49:
        if profession.pk in in_use:
            # Filed with: kept for its applications, shown as not on the list.
            profession.is_listed = False
            profession.added_order_number = ""
            profession.added_order_date = None
            profession.save(update_fields=["is_listed", "added_order_number", "added_order_date"])
        else:
            profession.delete()
    Sphere.objects.filter(slug__in=GUESSED_SPHERES, professions=None).delete()

    spheres = {}
    for slug, position, en, ru, kk in SPHERES:
        spheres[slug], _ = Sphere.objects.get_or_create(
            slug=slug,
            defaults={"position": position, "name": en, "name_en": en, "name_ru": ru, "name_kk": kk},
        )
    for code, sphere, education, years, titles, descriptions in PROFESSIONS:
        Profession.objects.get_or_create(
            code=code,
            defaults={
                "sphere": spheres[sphere],
                "min_education": education,
                "min_experience_years": years,
                "title": titles[0],
                "title_en": titles[0],
                "title_ru": titles[1],
                "title_kk": titles[2],
                "description": descriptions[0],
                "description_en": descriptions[0],
                "description_ru": descriptions[1],
                "description_kk": descriptions[2],
                "is_listed": True,
                "added_order_number": ORDER_NUMBER,
                "added_order_date": ORDER_DATE,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("professions", "0005_search_text"),
        ("permits", "0008_queue_indexes"),
    ]

    # Not reversible: the guessed rows it deletes were wrong, and nothing should bring them back.
    operations = [migrations.RunPython(correct, migrations.RunPython.noop, elidable=False)]
