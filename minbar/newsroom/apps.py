from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "minbar.newsroom"
    label = "minbar_newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import pre_save
        from PIL import Image as PILImage
        from wagtail.images import get_image_model

        from .roles import ensure_newsroom
        from .uploads import store_without_metadata

        post_migrate.connect(ensure_newsroom, sender=self)
        pre_save.connect(store_without_metadata, sender=get_image_model())
        # Pillow's own guard against decompression bombs, at the newsroom's
        # limit: it also covers pictures that never went through a form.
        PILImage.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
