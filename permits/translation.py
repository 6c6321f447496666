from modeltranslation.translator import TranslationOptions, register

from .models import DocumentType


@register(DocumentType)
class DocumentTypeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
