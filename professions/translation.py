from modeltranslation.translator import TranslationOptions, register

from .models import Profession, Sphere


@register(Sphere)
class SphereTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Profession)
class ProfessionTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}
