"""Document types the internal affairs bodies ask for (DOMAIN.md, "Residence permits").

Staff edit them afterwards in the admin; this only seeds a fresh install.
"""

from django.db import migrations

# code, facilitated, standard, (en, ru, kk) name, (en, ru, kk) description
DOCUMENT_TYPES = [
    ("application-form", True, True,
     ("Application form", "Заявление-анкета", "Өтініш-сауалнама"),
     ("The signed application for a permanent residence permit.",
      "Подписанное заявление на разрешение на постоянное проживание.",
      "Тұрақты тұруға рұқсат алуға қол қойылған өтініш.")),
    ("passport", True, True,
     ("Passport", "Паспорт", "Паспорт"),
     ("All pages of a passport valid for more than 180 more days.",
      "Все страницы паспорта, действительного ещё более 180 дней.",
      "Тағы 180 күннен астам жарамды паспорттың барлық беттері.")),
    ("autobiography", True, True,
     ("Autobiography", "Автобиография", "Өмірбаян"),
     ("Written in Kazakh or Russian.", "На казахском или русском языке.",
      "Қазақ немесе орыс тілінде.")),
    ("no-criminal-record", True, True,
     ("Certificate of no criminal record", "Справка об отсутствии судимости",
      "Сотталғандығының жоқтығы туралы анықтама"),
     ("Issued by your home state.", "Выдана государством вашего гражданства.",
      "Азаматтығыңыз бар мемлекет берген.")),
    ("qualification", True, False,
     ("Diploma or proof of qualification", "Диплом или документ о квалификации",
      "Диплом немесе біліктілік туралы құжат"),
     ("Shows that you practise the in-demand profession you apply with.",
      "Подтверждает, что вы владеете востребованной профессией, указанной в заявлении.",
      "Өтініште көрсетілген сұранысқа ие кәсіпті меңгергеніңізді растайды.")),
    ("solvency", False, True,
     ("Proof of solvency", "Подтверждение платёжеспособности", "Төлем қабілеттілігін растау"),
     ("Bank statement or other proof that you can support yourself.",
      "Выписка из банка или иное подтверждение, что вы можете себя обеспечить.",
      "Өзіңізді қамтамасыз ете алатыныңызды растайтын банк үзінді көшірмесі немесе басқа құжат.")),
    ("emigration-consent", False, False,
     ("Consent of your home state to emigrate", "Согласие государства на выезд",
      "Мемлекеттің көшіп кетуге келісімі"),
     ("Only where your home state requires one.",
      "Только если его требует государство вашего гражданства.",
      "Тек азаматтығыңыз бар мемлекет талап еткен жағдайда.")),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("permits", "DocumentType")
    for position, (code, facilitated, standard, names, descriptions) in enumerate(DOCUMENT_TYPES):
        fields = {"required_facilitated": facilitated, "required_standard": standard,
                  "position": (position + 1) * 10, "name": names[0], "description": descriptions[0]}
        for lang, name, description in zip(("en", "ru", "kk"), names, descriptions, strict=True):
            fields[f"name_{lang}"] = name
            fields[f"description_{lang}"] = description
        DocumentType.objects.update_or_create(code=code, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("permits", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
