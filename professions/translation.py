from modeltranslation.translator import TranslationOptions, register

from .models import Profession, Sphere


@register(Sphere)
class SphereTranslation(TranslationOptions):
    fields = ("name",)
    # Read in every language of the portal: none is left to the English fallback.
    required_languages = ("en", "ru", "kk")


@register(Profession)
class ProfessionTranslation(TranslationOptions):
    fields = ("title", "description")
    # The catalogue import asks for all three titles; the admin's form does too.
    required_languages = {"en": ("title",), "ru": ("title",), "kk": ("title",)}
