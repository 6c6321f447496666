from modeltranslation.translator import TranslationOptions, register

from .models import DocumentType


@register(DocumentType)
class DocumentTypeTranslation(TranslationOptions):
    fields = ("name", "description")
    # Applicants read a document's name in their language: none is left to the English fallback.
    required_languages = {"en": ("name",), "ru": ("name",), "kk": ("name",)}
