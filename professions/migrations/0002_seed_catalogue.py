"""The list of in-demand professions in force at launch, so that every install starts with it.

Order No. 49 of the Minister of Labour and Social Protection of the Population of 20 February
2023 (in force from 28 February 2023): 21 professions in science, healthcare, industry,
engineering and IT. Codes follow the national classifier of occupations: the ISCO-08 unit group,
then the national sub-codes. Ministry staff keep the list from here on in the admin.

The data is written out here, not imported from the app, so that this migration gives the same
rows however the models change later.
"""

import datetime

from django.db import migrations

ORDER_NUMBER = "49"
ORDER_DATE = datetime.date(2023, 2, 20)

# slug, position, en, ru, kk
SPHERES = [
    ("science", 10, "Science", "Наука", "Ғылым"),
    ("healthcare", 20, "Healthcare", "Здравоохранение", "Денсаулық сақтау"),
    ("industry", 30, "Industry", "Промышленность", "Өнеркәсіп"),
    ("engineering", 40, "Engineering", "Инженерия", "Инженерия"),
    ("it", 50, "Information technology", "Информационные технологии", "Ақпараттық технологиялар"),
]

# code, sphere, min_education, min_experience_years, (en, ru, kk) titles, (en, ru, kk) descriptions
PROFESSIONS = [
    (
        "2111-1-001", "science", "postgraduate", 3,
        ("Physicist", "Физик", "Физик"),
        (
            "Researches physical phenomena and applies the results in industry and energy.",
            "Исследует физические явления и применяет результаты в промышленности и энергетике.",
            "Физикалық құбылыстарды зерттейді және нәтижелерін өнеркәсіп пен энергетикада қолданады.",
        ),
    ),
    (
        "2113-1-001", "science", "higher", 3,
        ("Chemist", "Химик", "Химик"),
        (
            "Studies the composition and properties of substances and develops new materials "
            "and processes.",
            "Изучает состав и свойства веществ, разрабатывает новые материалы и технологические "
            "процессы.",
            "Заттардың құрамы мен қасиеттерін зерттейді, жаңа материалдар мен технологиялық "
            "процестерді әзірлейді.",
        ),
    ),
    (
        "2114-1-001", "science", "higher", 3,
        ("Geologist", "Геолог", "Геолог"),
        (
            "Explores mineral deposits and assesses their reserves.",
            "Ведёт разведку месторождений полезных ископаемых и оценивает их запасы.",
            "Пайдалы қазбалар кен орындарын барлайды және олардың қорларын бағалайды.",
        ),
    ),
    (
        "2131-1-001", "science", "postgraduate", 3,
        ("Molecular biologist", "Молекулярный биолог", "Молекулалық биолог"),
        (
            "Researches living systems at the molecular level for medicine, agriculture and "
            "biotechnology.",
            "Исследует живые системы на молекулярном уровне для медицины, сельского хозяйства и "
            "биотехнологий.",
            "Медицина, ауыл шаруашылығы және биотехнология үшін тірі жүйелерді молекулалық "
            "деңгейде зерттейді.",
        ),
    ),
    (
        "2212-1-001", "healthcare", "postgraduate", 5,
        ("Cardiologist", "Врач-кардиолог", "Кардиолог дәрігер"),
        (
            "Diagnoses and treats diseases of the heart and blood vessels.",
            "Диагностирует и лечит заболевания сердца и сосудов.",
            "Жүрек және қан тамырлары ауруларын анықтайды және емдейді.",
        ),
    ),
    (
        "2212-1-002", "healthcare", "postgraduate", 5,
        ("Oncologist", "Врач-онколог", "Онколог дәрігер"),
        (
            "Diagnoses and treats cancer.",
            "Диагностирует и лечит онкологические заболевания.",
            "Онкологиялық ауруларды анықтайды және емдейді.",
        ),
    ),
    (
        "2212-1-003", "healthcare", "postgraduate", 5,
        (
            "Anaesthesiologist and intensive care physician",
            "Врач анестезиолог-реаниматолог",
            "Анестезиолог-реаниматолог дәрігер",
        ),
        (
            "Provides anaesthesia during operations and intensive care for critically ill "
            "patients.",
            "Обеспечивает анестезию при операциях и интенсивную терапию пациентов в критическом "
            "состоянии.",
            "Операция кезінде анестезияны қамтамасыз етеді және ауыр халдегі науқастарға "
            "қарқынды ем жүргізеді.",
        ),
    ),
    (
        "2212-1-004", "healthcare", "postgraduate", 5,
        ("Neurosurgeon", "Врач-нейрохирург", "Нейрохирург дәрігер"),
        (
            "Operates on the brain, the spinal cord and the nerves.",
            "Выполняет операции на головном и спинном мозге и периферических нервах.",
            "Ми, жұлын және шеткі нервтерге операция жасайды.",
        ),
    ),
    (
        "2212-1-005", "healthcare", "postgraduate", 3,
        ("Diagnostic radiologist", "Врач лучевой диагностики", "Сәулелік диагностика дәрігері"),
        (
            "Diagnoses diseases with X-ray, CT, MRI and ultrasound imaging.",
            "Диагностирует заболевания с помощью рентгенографии, КТ, МРТ и ультразвука.",
            "Ауруларды рентген, КТ, МРТ және ультрадыбыстық зерттеулер арқылы анықтайды.",
        ),
    ),
    (
        "2146-1-001", "industry", "higher", 3,
        ("Mining engineer", "Горный инженер", "Тау-кен инженері"),
        (
            "Plans and supervises the extraction of minerals in mines and open pits.",
            "Планирует добычу полезных ископаемых в шахтах и карьерах и руководит ею.",
            "Шахталар мен карьерлерде пайдалы қазбаларды өндіруді жоспарлайды және басқарады.",
        ),
    ),
    (
        "2146-1-002", "industry", "higher", 3,
        ("Metallurgical engineer", "Инженер-металлург", "Металлург инженер"),
        (
            "Develops and runs the processes that produce metals and alloys.",
            "Разрабатывает и ведёт процессы производства металлов и сплавов.",
            "Металдар мен қорытпаларды өндіру процестерін әзірлейді және жүргізеді.",
        ),
    ),
    (
        "2146-1-003", "industry", "higher", 3,
        ("Drilling engineer", "Инженер по бурению", "Бұрғылау жөніндегі инженер"),
        (
            "Plans and supervises the drilling of oil and gas wells.",
            "Планирует и контролирует бурение нефтяных и газовых скважин.",
            "Мұнай және газ ұңғымаларын бұрғылауды жоспарлайды және бақылайды.",
        ),
    ),
    (
        "2145-1-001", "industry", "higher", 3,
        (
            "Petrochemical process engineer",
            "Инженер-технолог нефтехимического производства",
            "Мұнай-химия өндірісінің инженер-технологы",
        ),
        (
            "Designs and optimises oil refining and petrochemical processes.",
            "Проектирует и оптимизирует процессы нефтепереработки и нефтехимии.",
            "Мұнай өңдеу және мұнай-химия процестерін жобалайды және оңтайландырады.",
        ),
    ),
    (
        "2151-1-001", "engineering", "higher", 3,
        ("Power engineer", "Инженер-энергетик", "Энергетик инженер"),
        (
            "Designs and operates power plants and electricity networks.",
            "Проектирует и эксплуатирует электростанции и электрические сети.",
            "Электр станциялары мен электр желілерін жобалайды және пайдаланады.",
        ),
    ),
    (
        "2144-1-001", "engineering", "higher", 3,
        ("Mechanical engineer", "Инженер-механик", "Инженер-механик"),
        (
            "Designs, installs and maintains machines and industrial equipment.",
            "Проектирует, монтирует и обслуживает машины и промышленное оборудование.",
            "Машиналар мен өнеркәсіп жабдықтарын жобалайды, құрастырады және оларға қызмет "
            "көрсетеді.",
        ),
    ),
    (
        "2142-1-001", "engineering", "higher", 3,
        ("Civil engineer", "Инженер-строитель", "Құрылыс инженері"),
        (
            "Designs buildings, roads and bridges and supervises their construction.",
            "Проектирует здания, дороги и мосты и руководит их строительством.",
            "Ғимараттарды, жолдар мен көпірлерді жобалайды және олардың құрылысын басқарады.",
        ),
    ),
    (
        "2152-1-001", "engineering", "higher", 3,
        ("Electronics engineer", "Инженер-электроник", "Электроника инженері"),
        (
            "Designs and maintains electronic equipment and control systems.",
            "Проектирует и обслуживает электронное оборудование и системы управления.",
            "Электрондық жабдықтар мен басқару жүйелерін жобалайды және оларға қызмет көрсетеді.",
        ),
    ),
    (
        "2511-1-001", "it", "higher", 3,
        ("Systems analyst", "Системный аналитик", "Жүйелік талдаушы"),
        (
            "Analyses business needs and designs the information systems that meet them.",
            "Анализирует потребности бизнеса и проектирует отвечающие им информационные системы.",
            "Бизнес қажеттіліктерін талдайды және соларға сай ақпараттық жүйелерді жобалайды.",
        ),
    ),
    (
        "2512-1-001", "it", "higher", 3,
        (
            "Software developer",
            "Разработчик программного обеспечения",
            "Бағдарламалық қамтамасыз етуді әзірлеуші",
        ),
        (
            "Designs, writes and tests software.",
            "Проектирует, пишет и тестирует программное обеспечение.",
            "Бағдарламалық қамтамасыз етуді жобалайды, жазады және тестілейді.",
        ),
    ),
    (
        "2521-1-001", "it", "higher", 3,
        ("Database administrator", "Администратор баз данных", "Дерекқор әкімшісі"),
        (
            "Designs, maintains and protects databases.",
            "Проектирует, сопровождает и защищает базы данных.",
            "Дерекқорларды жобалайды, сүйемелдейді және қорғайды.",
        ),
    ),
    (
        "2529-1-001", "it", "higher", 3,
        (
            "Information security specialist",
            "Специалист по информационной безопасности",
            "Ақпараттық қауіпсіздік жөніндегі маман",
        ),
        (
            "Protects information systems against attacks and data leaks.",
            "Защищает информационные системы от атак и утечек данных.",
            "Ақпараттық жүйелерді шабуылдардан және деректердің жылыстауынан қорғайды.",
        ),
    ),
]


def seed(apps, schema_editor):
    Sphere = apps.get_model("professions", "Sphere")
    Profession = apps.get_model("professions", "Profession")
    spheres = {}
    for slug, position, en, ru, kk in SPHERES:
        spheres[slug], _ = Sphere.objects.get_or_create(
            slug=slug,
            defaults={
                "position": position,
                "name": en,
                "name_en": en,
                "name_ru": ru,
                "name_kk": kk,
            },
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


def unseed(apps, schema_editor):
    Sphere = apps.get_model("professions", "Sphere")
    Profession = apps.get_model("professions", "Profession")
    Profession.objects.filter(code__in=[row[0] for row in PROFESSIONS]).delete()
    Sphere.objects.filter(slug__in=[row[0] for row in SPHERES], professions=None).delete()


class Migration(migrations.Migration):
    dependencies = [("professions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
